//===- unit-scale-translate.cpp - mlir-translate for the importers --------===//
//
//   unit-scale-translate --import-onnx-json model.json [-o model.mlir]
//
//===----------------------------------------------------------------------===//
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "unit-scale/Import/OnnxImport.h"

int main(int argc, char **argv) {
  mlir::uscale::registerImportOnnxJsonTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "unit-scale translation driver\n"));
}
