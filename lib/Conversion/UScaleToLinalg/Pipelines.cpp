//===- Pipelines.cpp - uscale-lower-to-llvm and registration --------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
// uscale -> linalg on tensors; arith/math on whole tensors (the optimizer
// update) -> linalg; bufferize with plain (identity-layout) memrefs at
// function boundaries; free temporaries; loops; LLVM (vector.print too,
// which the execution tests use).
constexpr const char *kLowerToLLVM =
    "func.func(uscale-to-linalg,convert-elementwise-to-linalg,canonicalize),"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,"
    "convert-linalg-to-loops,convert-scf-to-cf,expand-strided-metadata,"
    "lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,"
    "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
    "convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,"
    "reconcile-unrealized-casts";
} // namespace

void mlir::uscale::buildUScaleLowerToLLVMPipeline(OpPassManager &pm) {
  if (failed(parsePassPipeline(kLowerToLLVM, pm, llvm::errs())))
    llvm::report_fatal_error("uscale-lower-to-llvm: bad pipeline text");
}

void mlir::uscale::registerUScaleConversionPassesAndPipelines() {
  registerUScaleConversionPasses();
  PassPipelineRegistration<>(
      "uscale-lower-to-llvm",
      "Lower uscale functions to the LLVM dialect (uscale-to-linalg, "
      "bufferization, loops, LLVM)",
      buildUScaleLowerToLLVMPipeline);
}
