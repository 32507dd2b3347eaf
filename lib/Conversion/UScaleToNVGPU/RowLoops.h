//===- RowLoops.h - row loops: a row's reductions and elementwise ops -*- C++ -*-===//
//
// A row loop is one scf.parallel over rows whose body runs, in order, the
// nests of a row op over that row's columns: reductions (a max, a sum,
// each stored to a per-row buffer) and elementwise nests (each column
// written once), all over the same columns. uscale-gpu-fuse-rows makes
// them from the separate loops of a softmax or layer norm;
// uscale-gpu-map-reductions gives each row a warp. What makes the warp
// version correct is checked here, on the loop, for both: every lane
// handles the same columns in every nest, so the only data passed between
// lanes is a reduction's result, which every lane has after the butterfly.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_LIB_CONVERSION_USCALETONVGPU_ROWLOOPS_H
#define USCALE_LIB_CONVERSION_USCALETONVGPU_ROWLOOPS_H

#include "Buffers.h"
#include "LoopMapping.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>

namespace mlir::uscale::nvgpu_lowering {

/// The identity of a combining op (addf, maximumf/maxnumf,
/// minimumf/minnumf), or null for another op.
inline TypedAttr identityOf(Operation *combine) {
  auto type = dyn_cast<FloatType>(combine->getResult(0).getType());
  if (!type)
    return {};
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  APFloat value = APFloat::getZero(sem, /*Negative=*/true); // -0 + x == x
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(combine))
    value = APFloat::getInf(sem, /*Negative=*/true);
  else if (isa<arith::MinimumFOp, arith::MinNumFOp>(combine))
    value = APFloat::getInf(sem, /*Negative=*/false);
  else if (!isa<arith::AddFOp>(combine))
    return {};
  return FloatAttr::get(type, value);
}

/// The op of `inner` (a reduction's innermost body, `acc` its accumulator)
/// that combines the accumulator, used once, with one other value and is
/// yielded; null if there is none.
inline Operation *combineOf(Block *inner, Value acc) {
  Operation *combine = inner->getTerminator()->getOperand(0).getDefiningOp();
  if (!combine || combine->getBlock() != inner || !acc.hasOneUse() ||
      combine->getNumOperands() != 2 ||
      combine->getOperand(0) == combine->getOperand(1) ||
      !llvm::is_contained(combine->getOperands(), acc))
    return nullptr;
  return combine;
}

/// The operand of `combine` other than the accumulator `acc`.
inline Value otherOperand(Operation *combine, Value acc) {
  return combine->getOperand(0) == acc ? combine->getOperand(1)
                                       : combine->getOperand(0);
}

/// The induction variables of a nest of loops, outermost first.
inline SmallVector<Value> inductionVars(ArrayRef<scf::ForOp> loops) {
  SmallVector<Value> ivs;
  for (scf::ForOp f : loops)
    ivs.push_back(f.getInductionVar());
  return ivs;
}

/// The sequential loops over a row's columns (outermost first). A
/// reduction nest carries one accumulator, which its innermost body
/// combines with one value; its result is stored to a per-row buffer. An
/// elementwise nest has no results.
struct RowNest {
  SmallVector<scf::ForOp> loops;
  Operation *combine = nullptr; // null: elementwise
  TypedAttr identity;
  memref::StoreOp store; // a reduction's store of its result
};

struct RowLoop {
  scf::ParallelOp loop;
  SmallVector<StaticDim> rowDims, colDims;
  SmallVector<RowNest> nests;
  int64_t rows = 1, length = 1;
};

/// `f`'s nest (f, then each loop that is the whole body of the previous)
/// and their static dimensions; the innermost body must hold no region.
inline bool collectNest(scf::ForOp f, RowNest &nest,
                        SmallVector<StaticDim> &dims) {
  for (;;) {
    std::optional<StaticDim> dim =
        staticDim(f.getLowerBound(), f.getUpperBound(), f.getStep());
    if (!dim || f.getNumResults() > 1)
      return false;
    nest.loops.push_back(f);
    dims.push_back(*dim);
    Block *body = f.getBody();
    auto inner = dyn_cast<scf::ForOp>(body->front());
    if (inner && inner->getNextNode() == body->getTerminator() &&
        inner.getNumResults() == f.getNumResults() &&
        (f.getNumResults() == 0 ||
         (inner.getInitArgs()[0] == f.getRegionIterArg(0) &&
          body->getTerminator()->getOperand(0) == inner.getResult(0)))) {
      f = inner;
      continue;
    }
    for (Operation &op : body->without_terminator())
      if (op.getNumRegions() != 0)
        return false;
    return true;
  }
}

/// Matches `p` as a row loop with at least two nests, one of them a
/// reduction, and checks that a warp per row computes what one thread per
/// row does:
///  * a buffer a nest writes is accessed only at the element of the
///    iteration (row ivs, then the nest's column ivs, as they are: the
///    same lane in every nest), through one memref value;
///  * a reduction's per-row buffer is written once (lane 0 stores it) and
///    read only after that, at the row's ivs (every lane has the value);
///  * nothing else in the body writes memory.
inline std::optional<RowLoop> matchRowLoop(scf::ParallelOp p) {
  RowLoop row;
  row.loop = p;
  std::optional<SmallVector<StaticDim>> dims = unmappedDims(p);
  if (!dims)
    return std::nullopt;
  row.rowDims = std::move(*dims);
  for (const StaticDim &d : row.rowDims)
    row.rows *= d.trips;
  Block *body = p.getBody();
  // Position of each top-level op: "before" and "after" for the checks.
  llvm::DenseMap<Operation *, unsigned> position;
  unsigned pos = 0;
  bool reduction = false;
  for (Operation &op : body->without_terminator()) {
    position[&op] = pos++;
    if (op.getNumRegions() == 0) {
      if (isa<memref::StoreOp>(&op) && !row.nests.empty() &&
          row.nests.back().combine && !row.nests.back().store &&
          row.nests.back().loops.front()->getNextNode() == &op) {
        auto store = cast<memref::StoreOp>(&op);
        if (store.getValueToStore() != row.nests.back().loops.front()->getResult(0))
          return std::nullopt;
        row.nests.back().store = store;
        continue;
      }
      if (!writesNoMemory(&op))
        return std::nullopt;
      continue;
    }
    auto f = dyn_cast<scf::ForOp>(&op);
    if (!f || f.getNumResults() > 1)
      return std::nullopt;
    if (!row.nests.empty() && row.nests.back().combine &&
        !row.nests.back().store)
      return std::nullopt; // a reduction's result is stored right after it
    RowNest nest;
    SmallVector<StaticDim> dims;
    if (!collectNest(f, nest, dims))
      return std::nullopt;
    if (row.nests.empty()) {
      row.colDims = dims;
      for (const StaticDim &d : dims)
        row.length *= d.trips;
    } else if (!sameDims(dims, row.colDims)) {
      return std::nullopt;
    }
    Block *inner = nest.loops.back().getBody();
    if (f.getNumResults() == 1) {
      // The innermost body combines the accumulator with one value.
      Operation *combine =
          combineOf(inner, nest.loops.back().getRegionIterArg(0));
      if (!combine)
        return std::nullopt;
      nest.combine = combine;
      nest.identity = identityOf(combine);
      if (!nest.identity)
        return std::nullopt;
      for (Operation &o : inner->without_terminator())
        if (!writesNoMemory(&o))
          return std::nullopt;
      reduction = true;
    } else {
      for (Operation &o : inner->without_terminator())
        if (!writesNoMemory(&o) && !isa<memref::StoreOp>(&o))
          return std::nullopt;
    }
    row.nests.push_back(std::move(nest));
  }
  if (row.nests.size() < 2 || !reduction ||
      (row.nests.back().combine && !row.nests.back().store))
    return std::nullopt;

  // The buffers the body writes, and how: at the row (a reduction's
  // result) or at the row and the nest's columns (an elementwise nest).
  SmallVector<Value> rowIvs(p.getInductionVars());
  struct Written {
    Value memref;
    bool perRow;
    unsigned storePos;
  };
  llvm::DenseMap<Value, Written> written; // by root buffer
  auto fullIndex = [&](OperandRange indices, RowNest &nest) {
    if (indices.size() != rowIvs.size() + nest.loops.size())
      return false;
    for (auto [i, iv] : llvm::enumerate(rowIvs))
      if (indices[i] != iv)
        return false;
    for (auto [i, loop] : llvm::enumerate(nest.loops))
      if (indices[rowIvs.size() + i] != loop.getInductionVar())
        return false;
    return true;
  };
  auto rowIndex = [&](OperandRange indices) {
    return indices.size() == rowIvs.size() &&
           llvm::equal(indices, rowIvs);
  };
  for (RowNest &nest : row.nests) {
    if (nest.store) {
      Value root = rootBuffer(nest.store.getMemRef());
      if (written.count(root) || !rowIndex(nest.store.getIndices()))
        return std::nullopt;
      written[root] = {nest.store.getMemRef(), true,
                       position[nest.store.getOperation()]};
      continue;
    }
    if (nest.combine)
      continue;
    for (Operation &o : nest.loops.back().getBody()->without_terminator())
      if (auto store = dyn_cast<memref::StoreOp>(&o)) {
        Value root = rootBuffer(store.getMemRef());
        auto it = written.find(root);
        if ((it != written.end() &&
             (it->second.perRow || it->second.memref != store.getMemRef())) ||
            !fullIndex(store.getIndices(), nest))
          return std::nullopt;
        written[root] = {store.getMemRef(), false,
                         position[nest.loops.front().getOperation()]};
      }
  }
  // Every access to a written buffer, wherever it is in the body.
  bool ok = true;
  body->walk([&](Operation *op) {
    Value memref;
    OperandRange indices = op->getOperands();
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      memref = load.getMemRef();
      indices = load.getIndices();
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      memref = store.getMemRef();
      indices = store.getIndices();
    } else {
      return;
    }
    auto it = written.find(rootBuffer(memref));
    if (it == written.end())
      return;
    const Written &w = it->second;
    Operation *top = op;
    while (top->getParentOp() != p.getOperation())
      top = top->getParentOp();
    if (memref != w.memref) {
      ok = false;
      return;
    }
    if (w.perRow) {
      ok &= isa<memref::StoreOp>(op) ||
            (rowIndex(indices) && position[top] > w.storePos);
      return;
    }
    // An element of a nest's row: only inside an elementwise or reduction
    // nest, at that nest's iteration.
    RowNest *nest = nullptr;
    for (RowNest &n : row.nests)
      if (n.loops.front().getOperation() == top)
        nest = &n;
    ok &= nest && fullIndex(indices, *nest);
  });
  if (!ok)
    return std::nullopt;
  return row;
}

} // namespace mlir::uscale::nvgpu_lowering

#endif
