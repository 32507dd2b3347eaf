//===- LoopMapping.h - scf.parallel to GPU processor mappings ---*- C++ -*-===//
//
// Shared by the passes that prepare loops for convert-parallel-loops-to-gpu:
// uscale-offload-to-gpu (blocks x threads of elementwise loops) and
// uscale-gpu-map-reductions (blocks of warps).
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_LIB_CONVERSION_USCALETONVGPU_LOOPMAPPING_H
#define USCALE_LIB_CONVERSION_USCALETONVGPU_LOOPMAPPING_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::uscale::nvgpu_lowering {

/// Maps the one dimension of `loop` to `proc` (identity map and bound).
inline LogicalResult mapTo(scf::ParallelOp loop, gpu::Processor proc) {
  MLIRContext *ctx = loop.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  return gpu::setMappingAttr(
      loop, {gpu::ParallelLoopDimMappingAttr::get(ctx, proc, id, id)});
}

} // namespace mlir::uscale::nvgpu_lowering

#endif
