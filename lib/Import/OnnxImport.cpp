//===- OnnxImport.cpp - importer entry points and translation -------------===//
#include "unit-scale/Import/OnnxImport.h"

#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Import/GraphBuilder.h"
#include "unit-scale/Import/JsonReader.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

void mlir::uscale::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, UScaleDialect>();
}

OwningOpRef<ModuleOp> mlir::uscale::importOnnxJson(llvm::StringRef text,
                                                   llvm::StringRef bufferName,
                                                   MLIRContext *ctx) {
  FailureOr<onnx::OnnxModel> model =
      onnx::readOnnxJson(text, bufferName, ctx);
  if (failed(model))
    return nullptr;
  return onnx::buildModule(*model, ctx);
}

OwningOpRef<ModuleOp> mlir::uscale::importOnnxJson(llvm::SourceMgr &sourceMgr,
                                                   MLIRContext *ctx) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  return importOnnxJson(buffer->getBuffer(), buffer->getBufferIdentifier(),
                        ctx);
}

std::unique_ptr<llvm::MemoryBuffer>
mlir::uscale::importOnnxJsonFileToBuffer(llvm::StringRef filename,
                                         llvm::raw_ostream &diagOS) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(filename, &error);
  if (!file) {
    diagOS << error << "\n";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx, diagOS);
  OwningOpRef<ModuleOp> module = importOnnxJson(sourceMgr, &ctx);
  if (!module)
    return nullptr;
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().enableDebugInfo());
  return llvm::MemoryBuffer::getMemBufferCopy(text, filename);
}

void mlir::uscale::registerImportOnnxJsonTranslation() {
  static TranslateToMLIRRegistration registration(
      "import-onnx-json",
      "import an ONNX model written as protobuf JSON (MessageToJson)",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        OwningOpRef<ModuleOp> module = importOnnxJson(sourceMgr, ctx);
        return OwningOpRef<Operation *>(module.release());
      },
      registerOnnxImportDialects);
}
