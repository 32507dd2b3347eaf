//===- FuseRows.cpp - uscale-gpu-fuse-rows --------------------------------===//
//
// A softmax or a layer norm becomes, after convert-linalg-to-parallel-loops,
// up to five loops over the same rows: reductions (a max, a sum) and
// elementwise loops between them, each a kernel that reads the whole
// tensor again. This fuses such a run into one loop over the rows whose
// body runs the nests in order (a row loop, RowLoops.h), which
// uscale-gpu-map-reductions then gives a warp per row. Passes.td has the
// contract.
//
//===----------------------------------------------------------------------===//
#include "RowLoops.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUFUSEROWS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale::nvgpu_lowering;

namespace {

/// A top-level loop of a row op: a reduction over `cols` for each of
/// `rows` (its dimensions), or an elementwise loop over `rows` x `cols`
/// (its dimensions, split by the run it joins).
struct Piece {
  scf::ParallelOp loop;
  bool reduction = false;
  SmallVector<StaticDim> dims;     // all parallel dimensions
  SmallVector<StaticDim> nestDims; // a reduction's columns
};

/// `op` as a piece, or none.
std::optional<Piece> classify(Operation *op) {
  auto p = dyn_cast<scf::ParallelOp>(op);
  std::optional<SmallVector<StaticDim>> dims;
  if (!p || !(dims = unmappedDims(p)))
    return std::nullopt;
  Piece piece;
  piece.loop = p;
  piece.dims = std::move(*dims);
  Block *body = p.getBody();
  scf::ForOp nest;
  for (Operation &o : body->without_terminator()) {
    if (auto f = dyn_cast<scf::ForOp>(&o); f && !nest) {
      nest = f;
      continue;
    }
    if (o.getNumRegions() != 0)
      return std::nullopt;
  }
  if (!nest) { // elementwise: loads, stores, arithmetic
    for (Operation &o : body->without_terminator())
      if (!writesNoMemory(&o) && !isa<memref::StoreOp>(&o))
        return std::nullopt;
    return piece;
  }
  // A reduction as uscale-promote-accumulators leaves it: reads, the nest
  // carrying the accumulator, the store of its result last.
  auto store = dyn_cast_or_null<memref::StoreOp>(nest->getNextNode());
  if (nest.getNumResults() != 1 || !store ||
      store.getValueToStore() != nest.getResult(0) ||
      store->getNextNode() != body->getTerminator())
    return std::nullopt;
  for (Operation &o : body->without_terminator())
    if (&o != nest.getOperation() && &o != store.getOperation() &&
        !writesNoMemory(&o))
      return std::nullopt;
  RowNest rowNest;
  if (!collectNest(nest, rowNest, piece.nestDims))
    return std::nullopt;
  piece.reduction = true;
  return piece;
}

/// Whether `op` can move above the loops of a run: an allocation or a
/// constant, which nothing in the run can depend on the place of.
bool movable(Operation *op) {
  if (auto alloc = dyn_cast<memref::AllocOp>(op))
    return alloc->getNumOperands() == 0;
  return isa<arith::ConstantOp>(op);
}

/// One loop over `rows` running the pieces' bodies in order, the
/// elementwise ones as nests over `cols`; inserted before the first.
scf::ParallelOp buildFused(MutableArrayRef<Piece> run, ArrayRef<StaticDim> rows,
                           ArrayRef<StaticDim> cols) {
  Location loc = run.front().loop->getLoc();
  OpBuilder b(run.front().loop);
  auto bounds = [&](ArrayRef<StaticDim> dims, SmallVector<Value> &lbs,
                    SmallVector<Value> &ubs, SmallVector<Value> &steps) {
    for (const StaticDim &d : dims) {
      lbs.push_back(arith::ConstantIndexOp::create(b, loc, d.lb));
      ubs.push_back(
          arith::ConstantIndexOp::create(b, loc, d.lb + d.trips * d.step));
      steps.push_back(arith::ConstantIndexOp::create(b, loc, d.step));
    }
  };
  SmallVector<Value> lbs, ubs, steps;
  bounds(rows, lbs, ubs, steps);
  auto fused = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  for (Piece &piece : run) {
    b.setInsertionPoint(fused.getBody()->getTerminator());
    IRMapping map;
    SmallVector<Value> ivs(piece.loop.getInductionVars());
    for (unsigned d = 0; d < rows.size(); ++d)
      map.map(ivs[d], fused.getInductionVars()[d]);
    if (!piece.reduction) {
      SmallVector<Value> clbs, cubs, csteps;
      bounds(cols, clbs, cubs, csteps);
      for (unsigned d = 0; d < cols.size(); ++d) {
        auto f = scf::ForOp::create(b, loc, clbs[d], cubs[d], csteps[d]);
        map.map(ivs[rows.size() + d], f.getInductionVar());
        b.setInsertionPoint(f.getBody()->getTerminator());
      }
    }
    for (Operation &o : piece.loop.getBody()->without_terminator())
      b.clone(o, map);
  }
  return fused;
}

struct GpuFuseRowsPass
    : public uscale::impl::GpuFuseRowsBase<GpuFuseRowsPass> {
  using GpuFuseRowsBase::GpuFuseRowsBase;

  /// Fuses the longest run of pieces around `ops[at]` (a reduction) that
  /// makes a row loop; returns the index after it, or at + 1.
  size_t fuseAround(SmallVectorImpl<Operation *> &ops, size_t at) {
    Piece seed = *classify(ops[at]);
    ArrayRef<StaticDim> rows = seed.dims, cols = seed.nestDims;
    int64_t numRows = 1, length = 1;
    for (const StaticDim &d : rows)
      numRows *= d.trips;
    for (const StaticDim &d : cols)
      length *= d.trips;
    if (numRows > maxRows || length < minLength)
      return at + 1;
    SmallVector<StaticDim> all(rows);
    all.append(cols.begin(), cols.end());
    auto fits = [&](Operation *op) -> std::optional<Piece> {
      std::optional<Piece> p = classify(op);
      if (!p)
        return std::nullopt;
      if (p->reduction ? sameDims(p->dims, rows) && sameDims(p->nestDims, cols)
                       : sameDims(p->dims, all))
        return p;
      return std::nullopt;
    };
    // The stretch of ops around the seed that are pieces of these rows or
    // movable.
    size_t first = at, last = at;
    // (Null: an op a fusion erased.)
    auto joins = [&](Operation *op) {
      return op && (movable(op) || fits(op));
    };
    while (first > 0 && joins(ops[first - 1]))
      --first;
    while (last + 1 < ops.size() && joins(ops[last + 1]))
      ++last;
    // The pieces, classified once, and where they stand in `ops`.
    SmallVector<size_t> pieces;
    SmallVector<Piece> classified;
    size_t seedAt = 0;
    for (size_t i = first; i <= last; ++i) {
      if (movable(ops[i]))
        continue;
      if (i == at)
        seedAt = pieces.size();
      pieces.push_back(i);
      classified.push_back(*fits(ops[i]));
    }
    // The longest run of consecutive pieces (the seed among them) whose
    // fusion is a row loop: ends shrink until it is.
    for (size_t s = 0; s <= seedAt; ++s)
      for (size_t e = pieces.size(); e > std::max(s + 1, seedAt); --e) {
        SmallVector<Piece> run(classified.begin() + s,
                               classified.begin() + e);
        scf::ParallelOp fused = buildFused(run, rows, cols);
        if (!matchRowLoop(fused)) {
          // Gone with its bound constants.
          SmallVector<Operation *> bounds;
          for (Value v : fused->getOperands())
            bounds.push_back(v.getDefiningOp());
          fused.erase();
          for (Operation *c : bounds)
            if (c && c->use_empty())
              c->erase();
          continue;
        }
        // The allocations and constants between the pieces go first.
        for (size_t i = pieces[s]; i < pieces[e - 1]; ++i)
          if (movable(ops[i]))
            ops[i]->moveBefore(fused);
        for (size_t i = s; i < e; ++i) {
          ops[pieces[i]]->erase();
          ops[pieces[i]] = nullptr;
        }
        ++numFused;
        return pieces[e - 1] + 1;
      }
    return at + 1;
  }

  void runOnOperation() override {
    if (maxRows < 1 || minLength < 1) {
      getOperation().emitError("uscale-gpu-fuse-rows: max-rows and "
                               "min-length must be at least 1, not ")
          << static_cast<int64_t>(maxRows) << " and "
          << static_cast<int64_t>(minLength);
      return signalPassFailure();
    }
    for (Block &block : getOperation().getBody()) {
      SmallVector<Operation *> ops;
      for (Operation &op : block)
        ops.push_back(&op);
      // Fused ops are erased: indices past a fusion stay valid, those
      // inside it are not visited again.
      for (size_t i = 0; i < ops.size();) {
        std::optional<Piece> p =
            ops[i] ? classify(ops[i]) : std::optional<Piece>();
        i = p && p->reduction ? fuseAround(ops, i) : i + 1;
      }
    }
  }
};

} // namespace
