//===- PromoteAccumulators.cpp - uscale-promote-accumulators --------------===//
//
// A reduction lowered from linalg keeps its accumulator in memory: each
// iteration of the sequential loop loads out[i], adds, and stores out[i].
// In a GPU kernel that is a global-memory round trip per iteration, which
// LLVM cannot remove (the kernel's buffers may alias). This pass carries the
// accumulator in the loop instead (scf.for iter_args): one load before the
// loop, one store after. Same arithmetic in the same order, so results are
// bit-identical. Passes.td has the conditions.
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_PROMOTEACCUMULATORS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::rootBuffer;

namespace {

/// The load/store pair of `loop`'s body that reads and writes one element
/// at indices fixed for the whole loop, with nothing else in the loop
/// touching that buffer; or {} if there is none.
std::pair<memref::LoadOp, memref::StoreOp> accumulator(scf::ForOp loop) {
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto store = dyn_cast<memref::StoreOp>(op);
    if (!store)
      continue;
    Value mem = store.getMemRef();
    if (!llvm::all_of(store.getIndices(), [&](Value i) {
          return !loop->isAncestor(i.getParentRegion()->getParentOp());
        }))
      continue;
    memref::LoadOp load;
    for (Operation &prev : *body) {
      if (&prev == store.getOperation())
        break;
      if (auto l = dyn_cast<memref::LoadOp>(prev);
          l && l.getMemRef() == mem && l.getIndices() == store.getIndices())
        load = l;
    }
    if (!load)
      continue;
    // Nothing else in the loop may reach the buffer (through any view).
    Value root = rootBuffer(mem);
    bool alone = !loop.getBody()
                      ->walk([&](Operation *inner) {
                        if (inner == load || inner == store)
                          return WalkResult::advance();
                        for (Value v : inner->getOperands())
                          if (isa<MemRefType>(v.getType()) &&
                              rootBuffer(v) == root)
                            return WalkResult::interrupt();
                        return WalkResult::advance();
                      })
                      .wasInterrupted();
    if (alone)
      return {load, store};
  }
  return {};
}

/// Rewrites `loop` to carry the accumulator of `load`/`store`; returns the
/// new loop, or null when `loop` has none (or carries values already).
scf::ForOp promote(IRRewriter &rw, scf::ForOp loop) {
  if (loop.getNumResults() != 0)
    return {};
  auto [load, store] = accumulator(loop);
  if (!load)
    return {};
  rw.setInsertionPoint(loop);
  Value init = memref::LoadOp::create(rw, load.getLoc(), load.getMemRef(),
                                      load.getIndices());
  auto carried = scf::ForOp::create(
      rw, loop.getLoc(), loop.getLowerBound(), loop.getUpperBound(),
      loop.getStep(), ValueRange{init},
      [](OpBuilder &, Location, Value, ValueRange) {});
  Block *newBody = carried.getBody();
  // Move the old body over; the old terminator goes, the store's value is
  // yielded.
  Value acc = newBody->getArgument(1);
  Value next = store.getValueToStore();
  rw.replaceAllUsesWith(load.getResult(), acc);
  rw.eraseOp(load);
  rw.eraseOp(store);
  Block *oldBody = loop.getBody();
  rw.eraseOp(oldBody->getTerminator());
  rw.mergeBlocks(oldBody, newBody, {newBody->getArgument(0)});
  rw.setInsertionPointToEnd(newBody);
  scf::YieldOp::create(rw, loop.getLoc(), next);
  rw.setInsertionPointAfter(carried);
  memref::StoreOp::create(rw, loop.getLoc(), carried.getResult(0),
                          store.getMemRef(), store.getIndices());
  rw.eraseOp(loop);
  return carried;
}

struct PromoteAccumulatorsPass
    : public uscale::impl::PromoteAccumulatorsBase<PromoteAccumulatorsPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    // Post-order: inner loops first. A promoted loop leaves a load before
    // and a store after it, which its parent (later in the list) may then
    // promote in turn.
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp f) { loops.push_back(f); });
    for (scf::ForOp f : loops)
      (void)promote(rw, f);
  }
};
} // namespace
