//===- GpuDefaults.h - defaults of the GPU lowering's levers ----*- C++ -*-===//
//
// One place for the defaults that the passes (Passes.td), the
// uscale-lower-to-gpu pipeline, and its CPU emulation in
// uscale-lower-to-llvm (Passes.h, PipelineText.h) must agree on; the
// emulation checks what the GPU runs only while they do. Chosen by the
// session 9 device runs (docs/gpu.md, "Measured, session 9").
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_CONVERSION_GPUDEFAULTS_H
#define UNIT_SCALE_CONVERSION_GPUDEFAULTS_H

#include <cstdint>

namespace mlir::uscale::gpu_defaults {
/// uscale-to-nvgpu{batched}: attention's batched GEMMs on the FP8 kernels.
constexpr bool kBatchedGemms = true;
/// uscale-gpu-fuse-rows in the pipeline: a softmax or layer norm per row.
constexpr bool kFuseRows = true;
/// uscale-nvgpu-instantiate{tiled-casts}: the tiled FP8 cast kernel.
constexpr bool kTiledCasts = true;
/// uscale-gpu-map-reductions{lane-unroll}: a warp lane's iterations per trip.
constexpr int64_t kLaneUnroll = 8;
/// uscale-gpu-map-reductions{split-columns}: off until every model has
/// trained with it on a GPU.
constexpr bool kSplitColumns = false;
/// uscale-offload-to-gpu{elements-per-thread}.
constexpr int64_t kElementsPerThread = 4;
} // namespace mlir::uscale::gpu_defaults

#endif
