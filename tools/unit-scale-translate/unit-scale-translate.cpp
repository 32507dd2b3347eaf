//===- unit-scale-translate.cpp - mlir-translate for the importers --------===//
//
//   unit-scale-translate --import-onnx-json model.json [-o model.mlir]
//   unit-scale-translate --import-onnx model.onnx|model.onnxtext|model.json
//
//===----------------------------------------------------------------------===//
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "unit-scale/Import/OnnxImport.h"

int main(int argc, char **argv) {
  mlir::uscale::registerImportOnnxJsonTranslation();
  mlir::uscale::registerImportOnnxTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "unit-scale translation driver\n"));
}
