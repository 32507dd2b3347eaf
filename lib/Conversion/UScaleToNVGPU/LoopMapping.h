//===- LoopMapping.h - scf.parallel to GPU processor mappings ---*- C++ -*-===//
//
// Shared by the passes that prepare loops for convert-parallel-loops-to-gpu:
// uscale-offload-to-gpu (blocks x threads of elementwise loops),
// uscale-gpu-map-reductions (blocks of warps) and uscale-gpu-merge-loops
// (one loop for several).
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_LIB_CONVERSION_USCALETONVGPU_LOOPMAPPING_H
#define USCALE_LIB_CONVERSION_USCALETONVGPU_LOOPMAPPING_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>

namespace mlir::uscale::nvgpu_lowering {

/// SMs of the GPU the mappings are sized for (an H100): they aim at two
/// blocks per SM at least.
constexpr int64_t kSMs = 132;

/// Static lower bound, step and trip count of one loop dimension.
struct StaticDim {
  int64_t lb, step, trips;
};

/// The dimension's static bounds, or none when one is not a constant or the
/// step is not positive.
inline std::optional<StaticDim> staticDim(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb);
  std::optional<int64_t> u = getConstantIntValue(ub);
  std::optional<int64_t> s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return StaticDim{*l, *s, *u > *l ? (*u - *l + *s - 1) / *s : 0};
}

/// Whether two lists of dimensions iterate alike.
inline bool sameDims(ArrayRef<StaticDim> a, ArrayRef<StaticDim> b) {
  return a.size() == b.size() &&
         llvm::all_of(llvm::zip(a, b), [](auto pair) {
           auto [x, y] = pair;
           return x.lb == y.lb && x.step == y.step && x.trips == y.trips;
         });
}

/// The static dimensions of `p`, or none when one is not static.
inline std::optional<SmallVector<StaticDim>> staticDims(scf::ParallelOp p) {
  SmallVector<StaticDim> dims;
  for (unsigned d = 0; d < p.getNumLoops(); ++d) {
    std::optional<StaticDim> dim = staticDim(
        p.getLowerBound()[d], p.getUpperBound()[d], p.getStep()[d]);
    if (!dim)
      return std::nullopt;
    dims.push_back(*dim);
  }
  return dims;
}

/// The static dimensions of a top-level `scf.parallel` without results that
/// no pass has mapped yet, or none.
inline std::optional<SmallVector<StaticDim>>
unmappedDims(scf::ParallelOp p) {
  if (p.getNumResults() != 0 || p->hasAttr(gpu::getMappingAttrName()))
    return std::nullopt;
  return staticDims(p);
}

/// Row-major indices of `linear` in `dims`, as values of the loops' own
/// induction variables (lb + index * step), mapped in `map`.
inline void delinearize(OpBuilder &b, Location loc, Value linear,
                 ArrayRef<StaticDim> dims, ValueRange ivs, IRMapping &map) {
  Value rest = linear;
  for (int64_t d = int64_t(dims.size()) - 1; d >= 0; --d) {
    Value index = rest;
    if (d > 0) {
      Value trips = arith::ConstantIndexOp::create(b, loc, dims[d].trips);
      index = arith::RemUIOp::create(b, loc, rest, trips);
      rest = arith::DivUIOp::create(b, loc, rest, trips);
    }
    Value iv = index;
    if (dims[d].step != 1)
      iv = arith::MulIOp::create(
          b, loc, iv, arith::ConstantIndexOp::create(b, loc, dims[d].step));
    if (dims[d].lb != 0)
      iv = arith::AddIOp::create(
          b, loc, arith::ConstantIndexOp::create(b, loc, dims[d].lb), iv);
    map.map(ivs[d], iv);
  }
}

/// Whether `body` touches memory only by loads, then stores (no load after
/// the first store) and holds no region: its iterations can then run
/// interleaved, every iteration's loads and arithmetic before any of their
/// stores (each iteration's own order kept), where iterations write no
/// element another one reads.
inline bool loadsThenStores(Block *body) {
  bool stored = false;
  for (Operation &op : body->without_terminator()) {
    if (op.getNumRegions() != 0)
      return false;
    if (isa<memref::StoreOp>(op)) {
      stored = true;
      continue;
    }
    if (isa<memref::LoadOp>(op)) {
      if (stored)
        return false;
      continue;
    }
    if (!isMemoryEffectFree(&op))
      return false;
  }
  return true;
}

/// Maps the one dimension of `loop` to `proc` (identity map and bound).
inline LogicalResult mapTo(scf::ParallelOp loop, gpu::Processor proc) {
  MLIRContext *ctx = loop.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(1, ctx);
  return gpu::setMappingAttr(
      loop, {gpu::ParallelLoopDimMappingAttr::get(ctx, proc, id, id)});
}

} // namespace mlir::uscale::nvgpu_lowering

#endif
