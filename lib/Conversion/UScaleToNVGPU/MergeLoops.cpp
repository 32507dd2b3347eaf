//===- MergeLoops.cpp - uscale-gpu-merge-loops ----------------------------===//
//
// Independent elementwise loops in a row (the optimizer's per-parameter
// updates) become one loop over the concatenation of their iteration
// spaces: one kernel instead of one per loop. Passes.td has the conditions.
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "LoopMapping.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUMERGELOOPS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::delinearize;
using mlir::uscale::nvgpu_lowering::unmappedDims;
using mlir::uscale::nvgpu_lowering::rootBuffer;
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;

namespace {

/// A loop the pass may merge: its static dimensions and the buffers it
/// reads and writes.
struct Candidate {
  scf::ParallelOp loop;
  SmallVector<StaticDim> dims;
  int64_t trips = 1;
  DenseSet<Value> reads, writes;
  /// Values from above the loop: the kernel's parameters once outlined.
  SetVector<Value> captured;
};

/// Bytes of kernel parameters that `values` become: a memref descriptor is
/// two pointers, an offset and a size and a stride per dimension.
int64_t parameterBytes(const SetVector<Value> &values) {
  int64_t bytes = 0;
  for (Value v : values)
    bytes += isa<MemRefType>(v.getType())
                 ? 8 * (3 + 2 * cast<MemRefType>(v.getType()).getRank())
                 : 8;
  return bytes;
}

/// PTX 8.0 kernels take at most 4352 bytes of parameters; stay below with
/// room for what outlining adds.
constexpr int64_t kMaxParameterBytes = 4096;

std::optional<Candidate> candidate(scf::ParallelOp p) {
  std::optional<SmallVector<StaticDim>> dims = unmappedDims(p);
  if (!dims)
    return std::nullopt;
  Candidate c;
  c.loop = p;
  for (const StaticDim &dim : *dims) {
    if (dim.trips == 0)
      return std::nullopt;
    c.dims.push_back(dim);
    c.trips *= dim.trips;
  }
  for (Operation &op : p.getBody()->without_terminator()) {
    if (auto load = dyn_cast<memref::LoadOp>(op))
      c.reads.insert(rootBuffer(load.getMemRef()));
    else if (auto store = dyn_cast<memref::StoreOp>(op))
      c.writes.insert(rootBuffer(store.getMemRef()));
    else if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
      return std::nullopt;
    for (Value v : op.getOperands())
      if (!p->isAncestor(v.getParentBlock()->getParentOp()))
        c.captured.insert(v);
  }
  return c;
}

bool intersects(const DenseSet<Value> &a, const DenseSet<Value> &b) {
  return llvm::any_of(a, [&](Value v) { return b.contains(v); });
}

/// Whether `c` may run at the same time as every loop of `run`, and join
/// it without the merged kernel's parameters growing too large.
bool joins(const Candidate &c, ArrayRef<Candidate> run) {
  SetVector<Value> captured = c.captured;
  for (const Candidate &o : run)
    captured.insert(o.captured.begin(), o.captured.end());
  if (parameterBytes(captured) > kMaxParameterBytes)
    return false;
  return llvm::all_of(run, [&](const Candidate &o) {
    return !intersects(c.writes, o.reads) && !intersects(c.writes, o.writes) &&
           !intersects(c.reads, o.writes);
  });
}

/// Replaces the loops of `run` by one loop over all their iterations, where
/// the last of them was.
void merge(IRRewriter &rw, ArrayRef<Candidate> run) {
  scf::ParallelOp last = run.back().loop;
  Location loc = last.getLoc();
  rw.setInsertionPoint(last);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rw, loc, v);
  };
  int64_t total = 0;
  for (const Candidate &c : run)
    total += c.trips;
  auto merged = scf::ParallelOp::create(rw, loc, ValueRange{cst(0)},
                                        ValueRange{cst(total)},
                                        ValueRange{cst(1)});
  rw.setInsertionPoint(merged.getBody()->getTerminator());
  Value t = merged.getInductionVars()[0];
  int64_t offset = 0;
  for (const Candidate &c : run) {
    scf::ParallelOp loop = c.loop; // its accessors are not const
    // In range: t - offset < trips, as an unsigned compare (t below the
    // offset wraps around to a large value).
    Value local = offset ? arith::SubIOp::create(rw, loc, t, cst(offset))
                         : t;
    Value inside = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::ult,
                                         local, cst(c.trips));
    auto segment = scf::IfOp::create(rw, loc, TypeRange{}, inside,
                                     /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(rw);
    rw.setInsertionPointToStart(&segment.getThenRegion().front());
    IRMapping map;
    delinearize(rw, loc, local, c.dims, loop.getInductionVars(), map);
    for (Operation &op : loop.getBody()->without_terminator())
      rw.clone(op, map);
    offset += c.trips;
  }
  for (const Candidate &c : run)
    rw.eraseOp(c.loop);
}

struct GpuMergeLoopsPass
    : public uscale::impl::GpuMergeLoopsBase<GpuMergeLoopsPass> {
  void runOnOperation() override {
    IRRewriter rw(&getContext());
    for (Block &block : getOperation().getBody()) {
      SmallVector<SmallVector<Candidate>> runs;
      SmallVector<Candidate> current;
      auto endRun = [&] {
        if (current.size() > 1)
          runs.push_back(std::move(current));
        current.clear();
      };
      for (Operation &op : block) {
        if (auto p = dyn_cast<scf::ParallelOp>(op)) {
          std::optional<Candidate> c = candidate(p);
          if (!c || !joins(*c, current))
            endRun();
          if (c)
            current.push_back(std::move(*c));
          continue;
        }
        // Ops without memory effects (constants, views) may sit between
        // the loops of a run: the merged loop, where the last one was,
        // still follows them.
        if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
          endRun();
      }
      endRun();
      for (ArrayRef<Candidate> run : runs)
        merge(rw, run);
    }
  }
};
} // namespace
