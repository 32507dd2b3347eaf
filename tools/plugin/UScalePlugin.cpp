//===- UScalePlugin.cpp - uscale as a plugin for stock mlir-opt -----------===//
//
//   mlir-opt --load-dialect-plugin=lib/UScalePlugin.so \
//            --load-pass-plugin=lib/UScalePlugin.so \
//            --uscale-unit-scale model.mlir
//
//===----------------------------------------------------------------------===//
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Transforms/Passes.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "UScale", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<uscale::UScaleDialect>();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "UScalePasses", LLVM_VERSION_STRING,
          []() { uscale::registerUScalePassesAndPipelines(); }};
}
