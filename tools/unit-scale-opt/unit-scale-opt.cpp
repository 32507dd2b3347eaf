//===- unit-scale-opt.cpp - mlir-opt with the uscale dialect --------------===//
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::uscale::registerUScalePassesAndPipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::uscale::UScaleDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "unit-scale optimizer driver\n", registry));
}
