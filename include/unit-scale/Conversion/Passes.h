//===- Passes.h - uscale conversion passes ----------------------*- C++ -*-===//
//
// Lowering of the uscale dialect to upstream MLIR (linalg on tensors) and the
// `uscale-lower-to-llvm` pipeline that takes it on to the LLVM dialect.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_CONVERSION_PASSES_H
#define UNIT_SCALE_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"
#include "unit-scale/Conversion/GpuDefaults.h"

namespace mlir::uscale {

#define GEN_PASS_DECL
#include "unit-scale/Conversion/Passes.h.inc"

/// Options of the `uscale-lower-to-llvm` pipeline.
struct UScaleLowerToLLVMOptions
    : public PassPipelineOptions<UScaleLowerToLLVMOptions> {
  Option<bool> aot{*this, "aot",
                   llvm::cl::desc("Ahead-of-time ABI: function results become "
                                  "caller-allocated out-parameters and every "
                                  "function gets a _mlir_ciface_ wrapper "
                                  "(see docs/cpu-lowering.md)"),
                   llvm::cl::init(false)};
  Option<bool> gemmCalls{
      *this, "gemm-calls",
      llvm::cl::desc("f32/f64 GEMMs call the blocked kernels of "
                     "libuscale_cpu_gemm.a (uscale-cpu-gemm-calls) instead "
                     "of running as loops; whoever links the result must "
                     "link that archive (unit-scale-compile does)"),
      llvm::cl::init(false)};
  Option<bool> emulateOffload{
      *this, "emulate-offload",
      llvm::cl::desc("Check uscale-offload-to-gpu on the CPU: its loop "
                     "mapping and argument copies, in host memory, the "
                     "mapped loops run as plain loops (tests; gemm-calls "
                     "is ignored)"),
      llvm::cl::init(false)};
  Option<bool> fuseRows{
      *this, "fuse-rows",
      llvm::cl::desc("With emulate-offload: uscale-gpu-fuse-rows, as "
                     "uscale-lower-to-gpu{fuse-rows} runs it"),
      llvm::cl::init(gpu_defaults::kFuseRows)};
  Option<bool> emulateWarps{
      *this, "emulate-warps",
      llvm::cl::desc("With emulate-offload: uscale-gpu-map-reductions too, "
                     "each warp a thread running its lanes in turn (sums "
                     "in the GPU's tree order, not the CPU's)"),
      llvm::cl::init(false)};
  Option<int64_t> laneUnroll{
      *this, "lane-unroll",
      llvm::cl::desc("With emulate-warps: uscale-gpu-map-reductions's "
                     "lane-unroll, as uscale-lower-to-gpu{lane-unroll} "
                     "runs it"),
      llvm::cl::init(gpu_defaults::kLaneUnroll)};
  Option<int64_t> elementsPerThread{
      *this, "elements-per-thread",
      llvm::cl::desc("With emulate-offload: uscale-offload-to-gpu's "
                     "elements-per-thread, as uscale-lower-to-gpu"
                     "{elements-per-thread} runs it"),
      llvm::cl::init(gpu_defaults::kElementsPerThread)};
  Option<bool> splitColumns{
      *this, "split-columns",
      llvm::cl::desc("With emulate-warps: uscale-gpu-map-reductions's "
                     "split-columns, as uscale-lower-to-gpu{split-columns} "
                     "runs it"),
      llvm::cl::init(gpu_defaults::kSplitColumns)};
};

/// Appends uscale-to-linalg, bufferization and the lowering to the LLVM
/// dialect to `pm` (which runs on a module). The result can be run by
/// mlir-runner or translated to LLVM IR.
void buildUScaleLowerToLLVMPipeline(OpPassManager &pm,
                                    const UScaleLowerToLLVMOptions &options);

/// Registers the conversion passes and the `uscale-lower-to-llvm` pipeline.
void registerUScaleConversionPassesAndPipelines();

/// Options of the `uscale-lower-to-gpu` pipeline.
struct UScaleLowerToGPUOptions
    : public PassPipelineOptions<UScaleLowerToGPUOptions> {
  Option<bool> fallback{*this, "fallback",
                        llvm::cl::desc("uscale-to-nvgpu's fallback: leave "
                                       "FP8 GEMMs the kernels cannot run on "
                                       "the host path"),
                        llvm::cl::init(false)};
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU target"),
                           llvm::cl::init("sm_90a")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("PTX features"),
                               llvm::cl::init("+ptx80")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel binary format: isa (PTX text, JIT-compiled when loaded; the default: needs no CUDA toolkit), bin (cubin) or "
                     "fatbin"),
      llvm::cl::init("isa")};
  Option<bool> aot{*this, "aot",
                   llvm::cl::desc("As uscale-lower-to-llvm's aot: results as "
                                  "out-parameters and _mlir_ciface_ wrappers "
                                  "(a native library's C ABI)"),
                   llvm::cl::init(false)};
  Option<bool> gemmCalls{
      *this, "gemm-calls",
      llvm::cl::desc("As uscale-lower-to-llvm's gemm-calls: the GEMMs left "
                     "on the host call the CPU GEMM kernels instead of "
                     "becoming loops (ignored with offload)"),
      llvm::cl::init(false)};
  Option<bool> offload{
      *this, "offload",
      llvm::cl::desc("Every op of the step on the GPU (uscale-offload-to-gpu: "
                     "loops as kernels, buffers in managed memory), not only "
                     "the FP8 GEMMs"),
      llvm::cl::init(false)};
  Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("With offload: threads per block of the loop kernels"),
      llvm::cl::init(256)};
  Option<int64_t> tileRows{
      *this, "tile-rows",
      llvm::cl::desc("With offload: uscale-gpu-register-tile's rows (outputs "
                     "per thread of a contraction's loop kernel, down)"),
      llvm::cl::init(4)};
  Option<int64_t> tileCols{
      *this, "tile-cols",
      llvm::cl::desc("With offload: uscale-gpu-register-tile's cols (across)"),
      llvm::cl::init(4)};
  Option<bool> batchedGemms{
      *this, "batched-gemms",
      llvm::cl::desc("uscale-to-nvgpu's batched: batched FP8 GEMMs "
                     "(attention's) on the FP8 kernels too, instead of loop "
                     "kernels"),
      llvm::cl::init(gpu_defaults::kBatchedGemms)};
  Option<bool> fuseRows{
      *this, "fuse-rows",
      llvm::cl::desc("With offload: the loops of a softmax or layer norm as "
                     "one kernel, a warp per row (uscale-gpu-fuse-rows)"),
      llvm::cl::init(gpu_defaults::kFuseRows)};
  Option<int64_t> laneUnroll{
      *this, "lane-unroll",
      llvm::cl::desc("With offload: uscale-gpu-map-reductions's lane-unroll "
                     "(iterations per trip of a warp lane's loop, loads "
                     "first)"),
      llvm::cl::init(gpu_defaults::kLaneUnroll)};
  Option<int64_t> elementsPerThread{
      *this, "elements-per-thread",
      llvm::cl::desc("With offload: uscale-offload-to-gpu's "
                     "elements-per-thread (iterations per thread of a long "
                     "elementwise loop, loads first)"),
      llvm::cl::init(gpu_defaults::kElementsPerThread)};
  Option<bool> splitColumns{
      *this, "split-columns",
      llvm::cl::desc("With offload: uscale-gpu-map-reductions's "
                     "split-columns (column reductions as two loops of a "
                     "thread per output, coalesced, instead of a warp per "
                     "output)"),
      llvm::cl::init(gpu_defaults::kSplitColumns)};
  Option<bool> tiledCasts{
      *this, "tiled-casts",
      llvm::cl::desc("uscale-nvgpu-instantiate's tiled-casts: the FP8 GEMM "
                     "operands cast by the tiled kernel"),
      llvm::cl::init(gpu_defaults::kTiledCasts)};
  Option<bool> contract{
      *this, "contract",
      llvm::cl::desc("With offload: fused multiply-adds in the loop kernels "
                     "(uscale-gpu-contract)"),
      llvm::cl::init(false)};
};

/// Appends the `uscale-lower-to-gpu` pipeline to `pm` (on a module):
/// uscale-to-nvgpu, the CPU lowering of the other ops to loops,
/// uscale-nvgpu-instantiate and gpu-lower-to-nvvm-pipeline.
void buildUScaleLowerToGPUPipeline(OpPassManager &pm,
                                   const UScaleLowerToGPUOptions &options);

/// Registers the `uscale-lower-to-gpu` pipeline (its passes are registered
/// with the other conversion passes).
void registerUScaleGPUPipelines();

#define GEN_PASS_REGISTRATION
#include "unit-scale/Conversion/Passes.h.inc"

} // namespace mlir::uscale

#endif
