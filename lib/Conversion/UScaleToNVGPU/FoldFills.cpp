//===- FoldFills.cpp - uscale-fold-fills ----------------------------------===//
//
// A reduction's output buffer is filled with the start value, then each
// element is loaded as the accumulator's initial value. Where the reduction
// writes the whole buffer, it can start from the value itself: one kernel
// and one pass over the buffer less per reduction. Passes.td has the
// conditions.
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "LoopMapping.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_FOLDFILLS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::reaches;
using mlir::uscale::nvgpu_lowering::rootBuffer;
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;

namespace {

/// Whether `indices` are `p`'s induction variables, each once, each ranging
/// over the whole dimension of `type` it indexes (from 0, step 1).
bool coversBuffer(scf::ParallelOp p, ValueRange indices, MemRefType type) {
  if (indices.size() != p.getNumLoops() ||
      int64_t(indices.size()) != type.getRank() || indices.empty())
    return false;
  llvm::SmallDenseSet<unsigned> seen;
  for (auto [d, index] : llvm::enumerate(indices)) {
    auto arg = dyn_cast<BlockArgument>(index);
    if (!arg || arg.getOwner() != p.getBody())
      return false;
    unsigned k = arg.getArgNumber();
    if (!seen.insert(k).second)
      return false;
    std::optional<StaticDim> dim = staticDim(
        p.getLowerBound()[k], p.getUpperBound()[k], p.getStep()[k]);
    if (!dim || dim->lb != 0 || dim->step != 1 ||
        dim->trips != type.getDimSize(d))
      return false;
  }
  return true;
}

/// Whether `v` is (a view of) a buffer the function allocates itself: no
/// argument, which another argument might alias.
bool ownBuffer(Value v) {
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(
      rootBuffer(v).getDefiningOp());
}

/// The store of a loop that only stores one value, defined outside it, to
/// every element of a static, identity-layout buffer of this function's
/// own (not an argument, which another argument might alias).
memref::StoreOp fillStore(scf::ParallelOp p) {
  if (p.getNumResults() != 0 ||
      !llvm::hasSingleElement(p.getBody()->without_terminator()))
    return {};
  auto store = dyn_cast<memref::StoreOp>(p.getBody()->front());
  if (!store || !p.isDefinedOutsideOfLoop(store.getValueToStore()))
    return {};
  MemRefType type = store.getMemRefType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !ownBuffer(store.getMemRef()) ||
      !coversBuffer(p, store.getIndices(), type))
    return {};
  return store;
}

/// The load of `buffer` in `p` that takes the filled value, when `p` loads
/// and then stores each element of `buffer` once (Passes.td), or null.
memref::LoadOp initialLoad(scf::ParallelOp p, Value buffer) {
  Value root = rootBuffer(buffer);
  memref::LoadOp load;
  memref::StoreOp store;
  bool other = false;
  p.getBody()->walk([&](Operation *op) {
    bool touches = llvm::any_of(op->getOperands(), [&](Value v) {
      return isa<MemRefType>(v.getType()) && rootBuffer(v) == root;
    });
    if (!touches)
      return;
    auto l = dyn_cast<memref::LoadOp>(op);
    auto s = dyn_cast<memref::StoreOp>(op);
    if (l && !load && l.getMemRef() == buffer && op->getParentOp() == p)
      load = l;
    else if (s && !store && s.getMemRef() == buffer &&
             op->getParentOp() == p)
      store = s;
    else
      other = true;
  });
  if (other || !load || !store || !load->isBeforeInBlock(store) ||
      load.getIndices() != store.getIndices() ||
      !coversBuffer(p, store.getIndices(), store.getMemRefType()))
    return {};
  return load;
}

/// The next op after `op` in its block that reaches `root`, or null.
Operation *nextReaching(Operation *op, Value root) {
  Operation *next = op->getNextNode();
  while (next && !reaches(next, root))
    next = next->getNextNode();
  return next;
}

/// Whether every op strictly between `from` and `to` (one block) does
/// nothing to memory but read buffers of the function's own: no argument,
/// which another argument might alias, is read or written there.
bool onlyReadsOwnBuffers(Operation *from, Operation *to) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode()) {
    bool bad = op->walk([](Operation *inner) {
                   for (Value v : inner->getOperands())
                     if (isa<MemRefType>(v.getType()) && !ownBuffer(v))
                       return WalkResult::interrupt();
                   return isa<memref::LoadOp>(inner) ||
                                  inner->getNumRegions() != 0 ||
                                  isMemoryEffectFree(inner)
                              ? WalkResult::advance()
                              : WalkResult::interrupt();
                 }).wasInterrupted();
    if (bad)
      return false;
  }
  return true;
}

/// A reduction to a scalar: its "fill" is a store of the start value to a
/// rank-0 buffer (the loss's out-parameter), loaded right back as the
/// accumulator's initial value, and the reduction's result is stored over
/// it. The load takes the stored value; the first store goes when nothing
/// in between can see it.
void foldScalarFills(IRRewriter &rw, Block &block) {
  SmallVector<memref::StoreOp> stores;
  for (Operation &op : block)
    if (auto store = dyn_cast<memref::StoreOp>(op);
        store && store.getMemRefType().getRank() == 0)
      stores.push_back(store);
  for (memref::StoreOp store : stores) {
    Value buffer = store.getMemRef(), root = rootBuffer(buffer);
    auto load = dyn_cast_or_null<memref::LoadOp>(nextReaching(store, root));
    if (!load || load.getMemRef() != buffer ||
        !onlyReadsOwnBuffers(store, load))
      continue;
    auto over = dyn_cast_or_null<memref::StoreOp>(nextReaching(load, root));
    rw.replaceOp(load, store.getValueToStore());
    if (over && over.getMemRef() == buffer &&
        onlyReadsOwnBuffers(store, over))
      rw.eraseOp(store);
  }
}

struct FoldFillsPass : public uscale::impl::FoldFillsBase<FoldFillsPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    for (Block &block : getOperation().getBody()) {
      foldScalarFills(rw, block);
      SmallVector<std::pair<scf::ParallelOp, memref::StoreOp>> fills;
      for (Operation &op : block)
        if (auto p = dyn_cast<scf::ParallelOp>(op))
          if (memref::StoreOp store = fillStore(p))
            fills.emplace_back(p, store);
      for (auto [fill, store] : fills) {
        Value buffer = store.getMemRef();
        // The next op that reaches the buffer must be the reduction.
        auto reduction = dyn_cast_or_null<scf::ParallelOp>(
            nextReaching(fill, rootBuffer(buffer)));
        if (!reduction)
          continue;
        memref::LoadOp load = initialLoad(reduction, buffer);
        if (!load)
          continue;
        rw.replaceOp(load, store.getValueToStore());
        rw.eraseOp(fill);
      }
    }
  }
};
} // namespace
