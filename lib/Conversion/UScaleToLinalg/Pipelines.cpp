//===- Pipelines.cpp - uscale-lower-to-llvm and registration --------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace mlir;

namespace {
// uscale -> linalg on tensors; arith/math on whole tensors (the optimizer
// update) -> linalg; GEMM loop order for the CPU; bufferize with plain (identity-layout) memrefs at
// function boundaries; free temporaries; loops; LLVM (vector.print too,
// which the execution tests use).
std::string lowerToLLVMText(bool aot) {
  std::string p =
      "func.func(uscale-to-linalg,convert-elementwise-to-linalg,"
      "canonicalize,uscale-cpu-loop-order),"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},";
  // Ahead of time: results become caller-owned out-parameters (a returned
  // static allocation is hoisted into the caller, so nothing is copied), and
  // every function gets a _mlir_ciface_ wrapper taking memref descriptors by
  // pointer. Nothing the library returns needs freeing.
  // (The C wrappers are requested here, before convert-math-to-libm
  // declares libm functions, which must keep their plain C names.)
  if (aot)
    p += "buffer-results-to-out-params{hoist-static-allocs=true "
         "modify-public-functions=true},func.func(llvm-request-c-wrappers),";
  p += "buffer-deallocation-pipeline,"
       "convert-linalg-to-loops,convert-scf-to-cf,expand-strided-metadata,"
       "lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,"
       "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
       "convert-index-to-llvm,convert-cf-to-llvm,";
  p += "convert-func-to-llvm,reconcile-unrealized-casts";
  return p;
}
} // namespace

void mlir::uscale::buildUScaleLowerToLLVMPipeline(
    OpPassManager &pm, const UScaleLowerToLLVMOptions &options) {
  if (failed(parsePassPipeline(lowerToLLVMText(options.aot), pm, llvm::errs())))
    llvm::report_fatal_error("uscale-lower-to-llvm: bad pipeline text");
}

void mlir::uscale::registerUScaleConversionPassesAndPipelines() {
  registerUScaleConversionPasses();
  PassPipelineRegistration<UScaleLowerToLLVMOptions>(
      "uscale-lower-to-llvm",
      "Lower uscale functions to the LLVM dialect (uscale-to-linalg, "
      "bufferization, loops, LLVM); aot=true for a native library's C ABI",
      buildUScaleLowerToLLVMPipeline);
}
