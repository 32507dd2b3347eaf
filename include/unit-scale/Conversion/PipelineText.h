//===- PipelineText.h - Pipeline text shared by both lowerings --*- C++ -*-===//
//
// uscale-lower-to-llvm and uscale-lower-to-gpu share their front up to
// bufferized memrefs, and the loop stage of offloading. One definition, so
// that uscale-lower-to-llvm{emulate-offload} checks what uscale-lower-to-gpu
// builds. Header-only: the two pipelines live in libraries that must not
// depend on each other.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_CONVERSION_PIPELINETEXT_H
#define UNIT_SCALE_CONVERSION_PIPELINETEXT_H

#include "unit-scale/Conversion/GpuDefaults.h"

#include <cstdint>
#include <string>

namespace mlir::uscale {

/// uscale -> linalg on tensors; arith/math on whole tensors (the optimizer
/// update) -> linalg; elementwise fusion; GEMM loop order for plain CPU loops
/// (or, with CPU GEMM calls, kernel calls after bufferization); bufferize
/// with plain (identity-layout) memrefs at function boundaries; [aot]; free
/// temporaries.
inline std::string bufferizedLoweringText(bool cpuGemms, bool cpuLoopOrder,
                                          bool aot) {
  // Elementwise fusion: chains of elementwise ops become one loop nest, and
  // splat constants (the optimizer's hyperparameters, broadcast to each
  // parameter's shape) fold into scalars instead of becoming dense globals
  // of that shape in the library. Named GEMMs are left alone: with CPU GEMM
  // calls they stay named ops (any operand transposed only in its indexing
  // map) until uscale-cpu-gemm-calls turns them into kernel calls on the
  // bufferized views.
  std::string p =
      "func.func(uscale-to-linalg,convert-elementwise-to-linalg,canonicalize,"
      "uscale-fuse-elementwise,canonicalize";
  p += cpuLoopOrder ? ",uscale-cpu-loop-order)," : "),";
  // Foralls (the scatter-add's independent lines) become parallel loops on
  // the bufferized lines: GPU threads with offload, plain loops otherwise.
  // Canonicalization first removes the copy of each line onto itself that
  // bufferization leaves at the end of an iteration.
  p += "one-shot-bufferize{bufferize-function-boundaries "
       "function-boundary-type-conversion=identity-layout-map},"
       "func.func(canonicalize,cse,scf-forall-to-parallel),";
  if (cpuGemms)
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
  return p + "buffer-deallocation-pipeline,";
}

/// The loop stage of offloading: parallel loops outside, linalg to parallel
/// loops, accumulators in registers, reductions started from their fill
/// value (the fill loops gone), scatter-adds as atomic adds, reductions
/// to warps (with `fuseRows`, the loops of a softmax or layer norm fused
/// into one row loop first; with `emulate` only with `emulateWarps`, a
/// thread per warp running its lanes in turn, since shuffles have no host
/// form), tiles of
/// outputs per thread for contractions (with `emulate` on every loop it
/// applies to, however few its threads, so the CPU check covers it),
/// independent elementwise loops merged into one, then
/// uscale-offload-to-gpu (with `emulate`, in host memory).
inline std::string offloadLoopsText(int64_t blockSize, bool emulate,
                                    int64_t tileRows = 4,
                                    int64_t tileCols = 4,
                                    bool fuseRows = gpu_defaults::kFuseRows,
                                    bool emulateWarps = false,
                                    int64_t laneUnroll =
                                        gpu_defaults::kLaneUnroll,
                                    int64_t elementsPerThread =
                                        gpu_defaults::kElementsPerThread,
                                    bool splitColumns =
                                        gpu_defaults::kSplitColumns) {
  std::string tile = "uscale-gpu-register-tile{rows=" +
                     std::to_string(tileRows) +
                     " cols=" + std::to_string(tileCols) +
                     (emulate ? " min-threads=1}" : "}");
  std::string unroll = "lane-unroll=" + std::to_string(laneUnroll) +
                       (splitColumns ? " split-columns=true" : "");
  return std::string("func.func(uscale-gpu-loop-order,"
                     "convert-linalg-to-parallel-loops,"
                     "uscale-promote-accumulators,uscale-fold-fills,"
                     "uscale-gpu-atomic-accumulate,") +
         (fuseRows ? "uscale-gpu-fuse-rows," : "") +
         (!emulate ? "uscale-gpu-map-reductions{" + unroll + "}," + tile
          : emulateWarps
              ? "uscale-gpu-map-reductions{emulate=true " + unroll + "}," + tile
              : tile) +
         ",uscale-gpu-merge-loops)," +
         "uscale-offload-to-gpu{block-size=" + std::to_string(blockSize) +
         " elements-per-thread=" + std::to_string(elementsPerThread) +
         (emulate ? " emulate=true}," : "},");
}

} // namespace mlir::uscale

#endif
