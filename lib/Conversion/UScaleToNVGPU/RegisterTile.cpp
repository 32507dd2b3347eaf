//===- RegisterTile.cpp - uscale-gpu-register-tile ------------------------===//
//
// A contraction left to loop kernels loads two values per multiply-add; on
// the GPU its kernel is bound by those loads. Unrolling two output
// dimensions and jamming the copies into the reduction gives each thread a
// tile of outputs whose accumulators share their loads. Passes.td has the
// contract; docs/gpu.md the reasoning.
//
//===----------------------------------------------------------------------===//
#include "LoopMapping.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUREGISTERTILE
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;
using mlir::uscale::nvgpu_lowering::staticDims;

namespace {

/// Deepest nest of scf.for the pass jams (the jam recurses per level).
constexpr unsigned kMaxDepth = 4;

/// Which dimensions of a loop are unrolled, and by how much.
struct Plan {
  unsigned rowDim = 0, colDim = 0;
  int64_t rows = 1, cols = 1;
  int64_t colTrips = 1; // iterations of the column dimension
};

/// Whether `v` is computed from `iv` by ops inside `p`. A reduction loop's
/// induction variable never is (its bounds are defined outside `p`); a
/// value it carries is whenever its initial value is.
bool dependsOn(Value v, Value iv, scf::ParallelOp p) {
  SmallVector<Value> work{v};
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (x == iv)
      return true;
    if (!seen.insert(x).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(x)) {
      if (auto f = dyn_cast<scf::ForOp>(arg.getOwner()->getParentOp());
          f && arg.getArgNumber() > 0)
        work.push_back(f.getInitArgs()[arg.getArgNumber() - 1]);
      continue;
    }
    Operation *def = x.getDefiningOp();
    if (!p->isAncestor(def))
      continue;
    llvm::append_range(work, def->getOperands());
    // A loop's result depends on whatever its body reads.
    if (auto f = dyn_cast<scf::ForOp>(def))
      f.getBody()->walk([&](Operation *inner) {
        llvm::append_range(work, inner->getOperands());
      });
  }
  return false;
}

/// The loads inside `p`'s reduction loops, or none when `p`'s body is not
/// of the shape Passes.td describes.
std::optional<SmallVector<memref::LoadOp>> reductionLoads(scf::ParallelOp p) {
  if (p.getNumResults() != 0 || p->hasAttr(gpu::getMappingAttrName()) ||
      p.getNumLoops() < 2)
    return std::nullopt;
  SmallVector<memref::LoadOp> loads;
  bool ok = true, carries = false;
  p.getBody()->walk([&](Operation *op) {
    if (auto f = dyn_cast<scf::ForOp>(op)) {
      unsigned depth = 0;
      for (Operation *o = f; o != p; o = o->getParentOp())
        depth += isa<scf::ForOp>(o);
      bool outside = llvm::all_of(
          ValueRange{f.getLowerBound(), f.getUpperBound(), f.getStep()},
          [&](Value v) { return p.isDefinedOutsideOfLoop(v); });
      ok &= outside && depth <= kMaxDepth;
      carries |= f.getNumResults() != 0;
      return;
    }
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (load->getParentOp() != p)
        loads.push_back(load);
      return;
    }
    if (isa<memref::StoreOp>(op)) {
      ok &= op->getParentOp() == p;
      return;
    }
    if (isa<scf::YieldOp, scf::ReduceOp>(op))
      return;
    ok &= op->getNumRegions() == 0 && isMemoryEffectFree(op);
  });
  if (!ok || !carries)
    return std::nullopt;
  return loads;
}

/// Halves `f` until it divides `trips`.
int64_t dividing(int64_t f, int64_t trips) {
  while (f > 1 && trips % f != 0)
    f /= 2;
  return f;
}

std::optional<Plan> plan(scf::ParallelOp p, int64_t rows, int64_t cols,
                         int64_t minThreads) {
  std::optional<SmallVector<memref::LoadOp>> loads = reductionLoads(p);
  if (!loads)
    return std::nullopt;
  std::optional<SmallVector<StaticDim>> known = staticDims(p);
  if (!known)
    return std::nullopt;
  SmallVector<StaticDim> dims = std::move(*known);
  int64_t outputs = 1;
  for (const StaticDim &dim : dims)
    outputs *= dim.trips;
  // A dimension is worth unrolling when some load of the reduction does not
  // depend on it: that load then serves every copy.
  auto reused = [&](unsigned d) {
    Value iv = p.getInductionVars()[d];
    return llvm::any_of(*loads, [&](memref::LoadOp l) {
      return llvm::none_of(l.getIndices(),
                           [&](Value i) { return dependsOn(i, iv, p); });
    });
  };
  Plan plan;
  plan.colDim = p.getNumLoops() - 1;
  plan.colTrips = dims[plan.colDim].trips;
  if (reused(plan.colDim))
    plan.cols = dividing(cols, dims[plan.colDim].trips);
  for (unsigned d = plan.colDim; d-- > 0;)
    if (reused(d)) {
      plan.rowDim = d;
      plan.rows = dividing(rows, dims[d].trips);
      break;
    }
  while (plan.rows * plan.cols > 1 &&
         outputs / (plan.rows * plan.cols) < minThreads)
    (plan.rows >= plan.cols ? plan.rows : plan.cols) /= 2;
  if (plan.rows * plan.cols == 1)
    return std::nullopt;
  return plan;
}

/// Emits the ops of `src` (but its terminator) once per copy, each copy
/// through its own mapping. A load or a pure op whose operands are those of
/// an earlier copy is not repeated: the later copy uses its results. An
/// scf.for becomes one loop carrying every copy's values, its body jammed
/// the same way (the matcher bounds the depth).
void jam(OpBuilder &b, Block &src, MutableArrayRef<IRMapping> copies) {
  for (Operation &op : src.without_terminator()) {
    if (auto f = dyn_cast<scf::ForOp>(op)) {
      unsigned n = f.getNumRegionIterArgs();
      SmallVector<Value> inits;
      for (IRMapping &m : copies)
        for (Value init : f.getInitArgs())
          inits.push_back(m.lookupOrDefault(init));
      auto jammed = scf::ForOp::create(
          b, f.getLoc(), f.getLowerBound(), f.getUpperBound(), f.getStep(),
          inits, [](OpBuilder &, Location, Value, ValueRange) {});
      for (auto [c, m] : llvm::enumerate(copies)) {
        m.map(f.getInductionVar(), jammed.getInductionVar());
        for (unsigned k = 0; k < n; ++k) {
          m.map(f.getRegionIterArgs()[k], jammed.getRegionIterArgs()[c * n + k]);
          m.map(f.getResult(k), jammed.getResult(c * n + k));
        }
      }
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(jammed.getBody());
      jam(b, *f.getBody(), copies);
      SmallVector<Value> yielded;
      for (IRMapping &m : copies)
        for (Value v : f.getBody()->getTerminator()->getOperands())
          yielded.push_back(m.lookupOrDefault(v));
      scf::YieldOp::create(b, f.getLoc(), yielded);
      continue;
    }
    bool shareable = isa<memref::LoadOp>(op) || isMemoryEffectFree(&op);
    SmallVector<std::pair<SmallVector<Value>, Operation *>> emitted;
    for (IRMapping &m : copies) {
      SmallVector<Value> operands;
      for (Value v : op.getOperands())
        operands.push_back(m.lookupOrDefault(v));
      Operation *same = nullptr;
      if (shareable)
        for (auto &[ops, clone] : emitted)
          if (ops == operands)
            same = clone;
      if (same) {
        m.map(op.getResults(), same->getResults());
        continue;
      }
      Operation *clone = b.clone(op, m);
      emitted.emplace_back(std::move(operands), clone);
    }
  }
}

/// Rows are contiguous (a tile's rows i..i+rows-1: their loads are the
/// same for a whole warp), columns interleaved: copy c of a thread takes
/// column j0 + c * (columns / cols), so that in each access neighbouring
/// threads (neighbouring j0) touch neighbouring elements (coalesced).
void rewrite(IRRewriter &rw, scf::ParallelOp p, const Plan &plan) {
  Location loc = p.getLoc();
  rw.setInsertionPoint(p);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rw, loc, v);
  };
  SmallVector<Value> steps(p.getStep()), ubs(p.getUpperBound());
  SmallVector<int64_t> stepOf(p.getNumLoops());
  for (unsigned d = 0; d < p.getNumLoops(); ++d)
    stepOf[d] = *getConstantIntValue(p.getStep()[d]);
  steps[plan.rowDim] = cst(stepOf[plan.rowDim] * plan.rows);
  int64_t span = plan.colTrips / plan.cols * stepOf[plan.colDim];
  ubs[plan.colDim] =
      cst(*getConstantIntValue(p.getLowerBound()[plan.colDim]) + span);
  auto tiled = scf::ParallelOp::create(rw, loc, p.getLowerBound(), ubs,
                                       steps);
  rw.setInsertionPoint(tiled.getBody()->getTerminator());
  // The copy's index along `d`: the thread's own, plus `k` times `delta`.
  auto offset = [&](unsigned d, int64_t k, int64_t delta) -> Value {
    Value iv = tiled.getInductionVars()[d];
    if (k == 0)
      return iv;
    return arith::AddIOp::create(rw, loc, iv, cst(k * delta));
  };
  SmallVector<Value> rowIvs, colIvs;
  for (int64_t r = 0; r < plan.rows; ++r)
    rowIvs.push_back(offset(plan.rowDim, r, stepOf[plan.rowDim]));
  for (int64_t c = 0; c < plan.cols; ++c)
    colIvs.push_back(offset(plan.colDim, c, span));
  SmallVector<IRMapping> copies(plan.rows * plan.cols);
  for (int64_t r = 0; r < plan.rows; ++r)
    for (int64_t c = 0; c < plan.cols; ++c) {
      IRMapping &m = copies[r * plan.cols + c];
      m.map(p.getInductionVars(), tiled.getInductionVars());
      m.map(p.getInductionVars()[plan.rowDim], rowIvs[r]);
      m.map(p.getInductionVars()[plan.colDim], colIvs[c]);
    }
  jam(rw, *p.getBody(), copies);
  rw.eraseOp(p);
}

struct GpuRegisterTilePass
    : public uscale::impl::GpuRegisterTileBase<GpuRegisterTilePass> {
  using GpuRegisterTileBase::GpuRegisterTileBase;

  void runOnOperation() override {
    auto powerOfTwo = [](int64_t v) { return v >= 1 && (v & (v - 1)) == 0; };
    if (!powerOfTwo(rows) || !powerOfTwo(cols) || rows * cols > 64 ||
        minThreads < 1) {
      getOperation().emitError("uscale-gpu-register-tile: rows and cols must "
                               "be powers of two with a product of at most "
                               "64, min-threads at least 1; not ")
          << static_cast<int64_t>(rows) << ", "
          << static_cast<int64_t>(cols) << ", "
          << static_cast<int64_t>(minThreads);
      return signalPassFailure();
    }
    SmallVector<std::pair<scf::ParallelOp, Plan>> found;
    // Outermost parallel loops only: those the offload maps.
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      auto p = dyn_cast<scf::ParallelOp>(op);
      if (!p)
        return WalkResult::advance();
      if (std::optional<Plan> pl = plan(p, rows, cols, minThreads))
        found.emplace_back(p, *pl);
      return WalkResult::skip();
    });
    IRRewriter rw(&getContext());
    for (auto &[p, pl] : found)
      rewrite(rw, p, pl);
  }
};
} // namespace
