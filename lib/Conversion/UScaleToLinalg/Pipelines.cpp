//===- Pipelines.cpp - uscale-lower-to-llvm and registration --------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace mlir;

namespace {
// uscale -> linalg on tensors; arith/math on whole tensors (the optimizer
// update) -> linalg; GEMM loop order for the CPU (or, with gemm-calls,
// kernel calls after bufferization); bufferize with plain (identity-layout)
// memrefs at function boundaries; free temporaries; loops; LLVM
// (vector.print too, which the execution tests use).
std::string lowerToLLVMText(bool aot, bool gemmCalls, bool emulateOffload) {
  gemmCalls &= !emulateOffload;
  // With gemm-calls the GEMMs stay named ops (any operand transposed only
  // in its indexing map) until uscale-cpu-gemm-calls turns them into kernel
  // calls on the bufferized views; the loop order would only add a copy of
  // a transposed B.
  // Elementwise fusion: chains of elementwise ops become one loop nest, and
  // splat constants (the optimizer's hyperparameters, broadcast to each
  // parameter's shape) fold into scalars instead of becoming dense globals
  // of that shape in the library. Named GEMMs are left alone.
  std::string p =
      "func.func(uscale-to-linalg,convert-elementwise-to-linalg,canonicalize,"
      "uscale-fuse-elementwise,canonicalize";
  p += gemmCalls || emulateOffload ? ")," : ",uscale-cpu-loop-order),";
  p += "one-shot-bufferize{bufferize-function-boundaries "
       "function-boundary-type-conversion=identity-layout-map},";
  if (gemmCalls)
    p += "uscale-cpu-gemm-calls,";
  // Ahead of time: results become caller-owned out-parameters (a returned
  // static allocation is hoisted into the caller, so nothing is copied), and
  // every function gets a _mlir_ciface_ wrapper taking memref descriptors by
  // pointer. Nothing the library returns needs freeing.
  // (The C wrappers are requested here, before convert-math-to-libm
  // declares libm functions, which must keep their plain C names.)
  if (aot)
    p += "buffer-results-to-out-params{hoist-static-allocs=true "
         "modify-public-functions=true},func.func(llvm-request-c-wrappers),";
  p += "buffer-deallocation-pipeline,";
  // uscale-lower-to-gpu{offload}'s loop handling, run here on the CPU.
  p += emulateOffload ? "func.func(convert-linalg-to-parallel-loops),"
                        "uscale-offload-to-gpu{emulate=true},"
                      : "convert-linalg-to-loops,";
  p += "convert-scf-to-cf,expand-strided-metadata,"
       "lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,"
       "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
       "convert-index-to-llvm,convert-cf-to-llvm,";
  p += "convert-func-to-llvm,reconcile-unrealized-casts";
  return p;
}
} // namespace

void mlir::uscale::buildUScaleLowerToLLVMPipeline(
    OpPassManager &pm, const UScaleLowerToLLVMOptions &options) {
  if (failed(parsePassPipeline(lowerToLLVMText(options.aot, options.gemmCalls,
                                               options.emulateOffload),
                               pm, llvm::errs())))
    llvm::report_fatal_error("uscale-lower-to-llvm: bad pipeline text");
}

void mlir::uscale::registerUScaleConversionPassesAndPipelines() {
  registerUScaleConversionPasses();
  PassPipelineRegistration<UScaleLowerToLLVMOptions>(
      "uscale-lower-to-llvm",
      "Lower uscale functions to the LLVM dialect (uscale-to-linalg, "
      "bufferization, loops, LLVM); aot=true for a native library's C ABI, "
      "gemm-calls=true for calls to the CPU GEMM kernels",
      buildUScaleLowerToLLVMPipeline);
}
