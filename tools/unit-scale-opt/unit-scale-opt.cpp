//===- unit-scale-opt.cpp - mlir-opt with the uscale dialect --------------===//
//
// Takes .mlir like mlir-opt, and also ONNX models: protobuf JSON (.json),
// binary (.onnx) or ONNX text (.onnxtext, .onnxtxt), e.g.
// `unit-scale-opt model.onnx [passes]`: those are imported first.
//
//===----------------------------------------------------------------------===//
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Import/OnnxImport.h"
#include "unit-scale/Transforms/Passes.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::uscale::registerUScalePassesAndPipelines();
  mlir::uscale::registerUScaleConversionPassesAndPipelines();
  mlir::uscale::registerUScaleGPUPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary (in uscale-lower-to-gpu) translates the kernels'
  // gpu.modules to LLVM IR and on to PTX, as mlir-opt does.
  mlir::registerAllGPUToLLVMIRTranslations(registry);
  registry.insert<mlir::uscale::UScaleDialect>();

  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "unit-scale optimizer driver\n", registry);
  if (!mlir::uscale::getOnnxFileFormat(inputFilename))
    return mlir::asMainReturnCode(mlir::MlirOptMain(
        argc, argv, inputFilename, outputFilename, registry));

  // An ONNX model: import, then run the pipeline on the imported module.
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      mlir::uscale::importOnnxFileToBuffer(inputFilename, llvm::errs());
  if (!buffer)
    return 1;
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  auto config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(buffer), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
