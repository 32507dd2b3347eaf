//===- AtomicAccumulate.cpp - uscale-gpu-atomic-accumulate ----------------===//
//
// A scatter-add's sequential loop over tokens, inside the parallel loop
// over the other dimensions, becomes one parallel loop of atomic adds.
// Passes.td has the conditions.
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUATOMICACCUMULATE
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::rootBuffer;
using mlir::uscale::nvgpu_lowering::writesNoMemory;

namespace {

/// The nest under an outermost parallel loop, and the read-add-write that
/// becomes an atomic add.
struct Scatter {
  scf::ParallelOp loop;
  SmallVector<scf::ForOp> nest; // outermost first
  memref::LoadOp load;
  arith::AddFOp add;
  memref::StoreOp store;
};

/// Whether some op in `op` (itself included) reads `buffer` through any
/// view of it.
bool reads(Operation *op, Value buffer, Operation *except) {
  return op
      ->walk([&](memref::LoadOp l) {
        return l != except && rootBuffer(l.getMemRef()) == buffer
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

std::optional<Scatter> match(scf::ParallelOp p) {
  if (p.getNumResults() != 0 || p->hasAttr(gpu::getMappingAttrName()))
    return std::nullopt;
  Scatter s;
  s.loop = p;
  // Each level: write-free ops, then the next loop, last.
  Block *body = p.getBody();
  while (true) {
    Operation *last = body->getTerminator()->getPrevNode();
    auto f = dyn_cast_or_null<scf::ForOp>(last);
    if (!f)
      break;
    if (f.getNumResults() != 0)
      return std::nullopt;
    for (Value bound : {f.getLowerBound(), f.getUpperBound(), f.getStep()})
      if (p.getRegion().isAncestor(bound.getParentRegion()))
        return std::nullopt; // defined inside the nest
    for (Operation &op : body->without_terminator())
      if (&op != f && !writesNoMemory(&op))
        return std::nullopt;
    s.nest.push_back(f);
    body = f.getBody();
  }
  if (s.nest.empty())
    return std::nullopt;
  // The innermost body: one store of load + value to the loaded element.
  for (Operation &op : body->without_terminator()) {
    if (writesNoMemory(&op))
      continue;
    auto store = dyn_cast<memref::StoreOp>(op);
    if (!store || s.store)
      return std::nullopt;
    s.store = store;
  }
  if (!s.store)
    return std::nullopt;
  s.add = s.store.getValueToStore().getDefiningOp<arith::AddFOp>();
  if (!s.add || !s.add->hasOneUse() || s.add->getBlock() != body)
    return std::nullopt;
  for (Value operand : s.add->getOperands()) {
    auto load = operand.getDefiningOp<memref::LoadOp>();
    if (load && load->getBlock() == body && load->hasOneUse() &&
        load.getMemRef() == s.store.getMemRef() &&
        load.getIndices() == s.store.getIndices())
      s.load = load;
  }
  if (!s.load || s.add.getLhs() == s.add.getRhs())
    return std::nullopt;
  // Nothing else in the nest may read what is being accumulated.
  if (reads(p, rootBuffer(s.store.getMemRef()), s.load))
    return std::nullopt;
  return s;
}

void rewrite(Scatter &s) {
  scf::ParallelOp p = s.loop;
  OpBuilder b(p);
  // The nest's dimensions outside, the parallel loop's inside: those index
  // the contiguous dimension (a scatter-add's feature dimension), so
  // neighbouring threads read and add neighbouring elements.
  SmallVector<Value> lbs, ubs, steps;
  for (scf::ForOp f : s.nest) {
    lbs.push_back(f.getLowerBound());
    ubs.push_back(f.getUpperBound());
    steps.push_back(f.getStep());
  }
  llvm::append_range(lbs, p.getLowerBound());
  llvm::append_range(ubs, p.getUpperBound());
  llvm::append_range(steps, p.getStep());
  auto all = scf::ParallelOp::create(b, p.getLoc(), lbs, ubs, steps);
  b.setInsertionPointToStart(all.getBody());
  IRMapping map;
  SmallVector<Value> ivs(all.getInductionVars());
  for (auto [i, f] : llvm::enumerate(s.nest))
    map.map(f.getInductionVar(), ivs[i]);
  for (unsigned d = 0; d < p.getNumLoops(); ++d)
    map.map(p.getInductionVars()[d], ivs[s.nest.size() + d]);
  // Every level's ops in order, the innermost's read-add-write replaced.
  SmallVector<Block *> levels{p.getBody()};
  for (scf::ForOp f : s.nest)
    levels.push_back(f.getBody());
  Value value = s.add.getLhs() == s.load.getResult() ? s.add.getRhs()
                                                     : s.add.getLhs();
  for (Block *level : levels)
    for (Operation &op : level->without_terminator()) {
      if (isa<scf::ForOp>(op) && llvm::is_contained(s.nest, &op))
        continue;
      if (&op == s.load || &op == s.add)
        continue;
      if (&op == s.store) {
        SmallVector<Value> indices;
        for (Value i : s.store.getIndices())
          indices.push_back(map.lookupOrDefault(i));
        memref::AtomicRMWOp::create(
            b, op.getLoc(), arith::AtomicRMWKind::addf,
            map.lookupOrDefault(value),
            map.lookupOrDefault(s.store.getMemRef()), indices);
        continue;
      }
      b.clone(op, map);
    }
  p.erase();
}

struct GpuAtomicAccumulatePass
    : public uscale::impl::GpuAtomicAccumulateBase<GpuAtomicAccumulatePass> {
  void runOnOperation() override {
    SmallVector<Scatter> found;
    getOperation().walk<WalkOrder::PreOrder>([&](scf::ParallelOp p) {
      if (std::optional<Scatter> s = match(p))
        found.push_back(std::move(*s));
      return WalkResult::skip();
    });
    for (Scatter &s : found)
      rewrite(s);
  }
};
} // namespace
