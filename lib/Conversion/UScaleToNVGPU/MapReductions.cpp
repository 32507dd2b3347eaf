//===- MapReductions.cpp - uscale-gpu-map-reductions ----------------------===//
//
// One warp per output for reductions with few outputs and long rows (layer
// norm and softmax statistics, bias gradients): the offload's one thread
// per output leaves most of the GPU idle and reads rows uncoalesced.
// Passes.td has the contract; docs/gpu.md the measurements.
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "LoopMapping.h"
#include "RowLoops.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUMAPREDUCTIONS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::kSMs;
using mlir::uscale::nvgpu_lowering::mapTo;
using mlir::uscale::nvgpu_lowering::delinearize;
using mlir::uscale::nvgpu_lowering::combineOf;
using mlir::uscale::nvgpu_lowering::identityOf;
using mlir::uscale::nvgpu_lowering::inductionVars;
using mlir::uscale::nvgpu_lowering::loadsThenStores;
using mlir::uscale::nvgpu_lowering::unmappedDims;
using mlir::uscale::nvgpu_lowering::matchRowLoop;
using mlir::uscale::nvgpu_lowering::otherOperand;
using mlir::uscale::nvgpu_lowering::RowLoop;
using mlir::uscale::nvgpu_lowering::RowNest;
using mlir::uscale::nvgpu_lowering::rootBuffer;
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;
using mlir::uscale::nvgpu_lowering::writesNoMemory;

namespace {

constexpr int64_t kWarp = 32;

/// A reduction `uscale-gpu-map-reductions` maps: the outputs loop, the
/// nest of sequential loops carrying the accumulator (outermost first),
/// the op combining the accumulator with each value, and the store of the
/// result.
struct Reduction {
  scf::ParallelOp loop;
  SmallVector<StaticDim> outputDims, nestDims;
  SmallVector<scf::ForOp> nest;
  Operation *combine = nullptr;
  TypedAttr identity;
  memref::StoreOp store;
  int64_t outputs = 1, length = 1;
};

/// Matches `p` against the shape uscale-promote-accumulators leaves:
///   scf.parallel (ivs) { <reads>; %r = scf.for ... iter_args(%acc = %init)
///     { [scf.for ... { ] <reads>; yield combine(%acc, v) [}] }
///     memref.store %r, ... }
std::optional<Reduction> match(scf::ParallelOp p) {
  Reduction red;
  red.loop = p;
  std::optional<SmallVector<StaticDim>> dims = unmappedDims(p);
  if (!dims)
    return std::nullopt;
  red.outputDims = std::move(*dims);
  for (const StaticDim &d : red.outputDims)
    red.outputs *= d.trips;
  // The body: reads, the reduction loop, the store of its result, last.
  Block *body = p.getBody();
  scf::ForOp outer;
  for (Operation &op : body->without_terminator()) {
    if (auto f = dyn_cast<scf::ForOp>(op)) {
      outer = f;
      break;
    }
    if (!writesNoMemory(&op))
      return std::nullopt;
  }
  if (!outer || outer.getNumResults() != 1 || !outer->hasOneUse())
    return std::nullopt;
  red.store = dyn_cast_or_null<memref::StoreOp>(outer->getNextNode());
  if (!red.store || red.store.getValueToStore() != outer.getResult(0) ||
      red.store->getNextNode() != body->getTerminator())
    return std::nullopt;
  // The nest: each loop's body is the next loop, passing the accumulator
  // through, until the innermost combines it with a value.
  for (scf::ForOp f = outer;;) {
    std::optional<StaticDim> dim =
        staticDim(f.getLowerBound(), f.getUpperBound(), f.getStep());
    if (!dim || f.getNumRegionIterArgs() != 1)
      return std::nullopt;
    red.nest.push_back(f);
    red.nestDims.push_back(*dim);
    red.length *= dim->trips;
    Block *fb = f.getBody();
    Value acc = f.getRegionIterArg(0);
    Value yielded = fb->getTerminator()->getOperand(0);
    auto inner = yielded.getDefiningOp<scf::ForOp>();
    if (inner && inner->getBlock() == fb && &fb->front() == inner &&
        inner->getNextNode() == fb->getTerminator() &&
        inner.getNumResults() == 1 && inner.getInitArgs()[0] == acc) {
      f = inner;
      continue;
    }
    Operation *combine = combineOf(fb, acc);
    if (!combine)
      return std::nullopt;
    red.identity = identityOf(combine);
    if (!red.identity)
      return std::nullopt;
    for (Operation &op : fb->without_terminator())
      if (!writesNoMemory(&op))
        return std::nullopt;
    red.combine = combine;
    return red;
  }
}

/// `combine` applied to (acc, value) in its own operand order.
Value combineWith(OpBuilder &b, Operation *combine, Value acc, Value other,
                  Value accValue, Value otherValue) {
  IRMapping map;
  map.map(acc, accValue);
  map.map(other, otherValue);
  return b.clone(*combine, map)->getResult(0);
}

/// Warps per block: 8 (256 threads), fewer while that leaves fewer than
/// two blocks per SM of a 132-SM H100.
int64_t warpsPerBlock(int64_t outputs) {
  int64_t warps = 8;
  while (warps > 1 && (outputs + warps - 1) / warps < 2 * kSMs)
    warps /= 2;
  return warps;
}

/// Iterations of a lane's loop per trip: the largest power of two up to
/// `maxUnroll` that divides a lane's share (`length` / 32 iterations), so
/// that no iteration needs a guard.
int64_t iterationsPerTrip(int64_t length, int64_t maxUnroll) {
  int64_t u = 1;
  while (u * 2 <= maxUnroll && length % (kWarp * u * 2) == 0)
    u *= 2;
  return u;
}

/// Whether a reduction body's iterations can be cloned with their combines
/// deferred to the end of the trip: the combine's result is only yielded
/// (its accumulator has no other use: combineOf).
bool combineDeferrable(Operation *combine) {
  return combine->getResult(0).hasOneUse();
}

/// The lane's loop over iterations lane, lane + 32, ... of a flattened
/// nest of `length` iterations (`dims`, induction variables `ivs`),
/// `unroll` of them per trip, carrying `inits`. `iteration(loop, k, map)` clones
/// iteration k of the trip at the builder's insertion point with the
/// nest's induction variables mapped in `map` (a copy of `outer`), in
/// order k = 0, 1, ...; then `finish(maps)` ends the trip (the deferred
/// stores or combines, the yield). With more iterations per trip each
/// thread has that many loads in flight instead of one (an in-order core
/// stalls at the first use of a load).
scf::ForOp laneLoop(OpBuilder &b, Location loc, Value lane, int64_t length,
                    int64_t unroll, ArrayRef<StaticDim> dims, ValueRange ivs,
                    ValueRange inits, const IRMapping &outer,
                    function_ref<void(scf::ForOp, int64_t, IRMapping &)>
                        iteration,
                    function_ref<void(scf::ForOp, MutableArrayRef<IRMapping>)>
                        finish) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto loop = scf::ForOp::create(b, loc, lane, cst(length),
                                 cst(kWarp * unroll), inits);
  OpBuilder::InsertionGuard g(b);
  // A loop without results has its yield already; one with them gets it
  // from `finish`.
  if (inits.empty())
    b.setInsertionPoint(loop.getBody()->getTerminator());
  else
    b.setInsertionPointToEnd(loop.getBody());
  SmallVector<IRMapping> maps;
  for (int64_t k = 0; k < unroll; ++k) {
    maps.push_back(outer);
    Value iv = loop.getInductionVar();
    if (k > 0)
      iv = arith::AddIOp::create(b, loc, iv, cst(kWarp * k));
    delinearize(b, loc, iv, dims, ivs, maps.back());
    iteration(loop, k, maps.back());
  }
  finish(loop, maps);
  return loop;
}

/// A lane's share of a reduction: iterations lane, lane + 32, ... of its
/// innermost body `inner` (which combines `acc` with `other` by `combine`),
/// reduced from `identity`, each op cloned by `cloneOp`. Several per trip
/// where the combine can wait: the trip's values first (their loads in
/// flight together), then their combines in iteration order, so the result
/// is bit for bit the one-at-a-time loop's.
scf::ForOp shareLoop(OpBuilder &b, Location loc, Value lane, int64_t length,
                     int64_t maxUnroll, ArrayRef<StaticDim> dims,
                     ValueRange ivs, Value identity, const IRMapping &outer,
                     Block *inner, Operation *combine, Value acc, Value other,
                     function_ref<void(Operation &, IRMapping &)> cloneOp) {
  bool defer = combineDeferrable(combine);
  int64_t unroll = defer ? iterationsPerTrip(length, maxUnroll) : 1;
  return laneLoop(
      b, loc, lane, length, unroll, dims, ivs, ValueRange{identity}, outer,
      [&](scf::ForOp loop, int64_t, IRMapping &m) {
        m.map(acc, loop.getRegionIterArg(0));
        for (Operation &op : inner->without_terminator())
          if (!defer || &op != combine)
            cloneOp(op, m);
      },
      [&](scf::ForOp loop, MutableArrayRef<IRMapping> maps) {
        if (!defer) {
          scf::YieldOp::create(b, loc,
                               maps.front().lookup(combine->getResult(0)));
          return;
        }
        Value running = loop.getRegionIterArg(0);
        for (IRMapping &m : maps)
          running = combineWith(b, combine, acc, other, running,
                                m.lookupOrDefault(other));
        scf::YieldOp::create(b, loc, running);
      });
}

/// An elementwise nest's iterations lane, lane + 32, ... (its innermost
/// body `inner`, each op cloned by `cloneOp`). Several per trip where the
/// stores can wait: the trip's loads and arithmetic first, then its stores
/// in iteration order.
void elementwiseLoop(OpBuilder &b, Location loc, Value lane, int64_t length,
                     int64_t maxUnroll, ArrayRef<StaticDim> dims,
                     ValueRange ivs, const IRMapping &outer, Block *inner,
                     function_ref<void(Operation &, IRMapping &)> cloneOp) {
  // Iterations write distinct elements (the row loop's contract).
  bool defer = loadsThenStores(inner);
  int64_t unroll = defer ? iterationsPerTrip(length, maxUnroll) : 1;
  laneLoop(
      b, loc, lane, length, unroll, dims, ivs, ValueRange{}, outer,
      [&](scf::ForOp, int64_t, IRMapping &m) {
        for (Operation &op : inner->without_terminator())
          if (!defer || !isa<memref::StoreOp>(op))
            cloneOp(op, m);
      },
      [&](scf::ForOp, MutableArrayRef<IRMapping> maps) {
        if (!defer)
          return;
        for (IRMapping &m : maps)
          for (Operation &op : inner->without_terminator())
            if (isa<memref::StoreOp>(op))
              cloneOp(op, m);
      });
}

/// Blocks of warps, one warp per output (`outputs` of them), built at
/// `b`'s insertion point, which it leaves inside the threads loop.
struct WarpGrid {
  scf::ParallelOp blocks, threads;
  Value lane, output, inRange;
};

/// With `emulate` (the CPU check of the offload) a thread per warp instead,
/// which runs the lanes in turn (`lane` is null).
WarpGrid warpGrid(OpBuilder &b, Location loc, int64_t outputs, bool emulate) {
  int64_t warps = warpsPerBlock(outputs);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  WarpGrid g;
  Value c0 = cst(0), c1 = cst(1);
  g.blocks = scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{cst((outputs + warps - 1) / warps)},
      ValueRange{c1});
  b.setInsertionPointToStart(g.blocks.getBody());
  g.threads = scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{cst(emulate ? warps : warps * kWarp)},
      ValueRange{c1});
  b.setInsertionPointToStart(g.threads.getBody());
  Value t = g.threads.getInductionVars()[0];
  Value warpSize = cst(kWarp);
  if (!emulate)
    g.lane = arith::RemUIOp::create(b, loc, t, warpSize);
  Value first = arith::MulIOp::create(b, loc, g.blocks.getInductionVars()[0],
                                      cst(warps));
  g.output = arith::AddIOp::create(
      b, loc, first,
      emulate ? t : arith::DivUIOp::create(b, loc, t, warpSize).getResult());
  g.inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                    g.output, cst(outputs));
  return g;
}

/// The warp's total of each lane's `share`: a butterfly of xor shuffles
/// combined with `combine`, after which every lane has it.
Value butterfly(OpBuilder &b, Location loc, Value share, Operation *combine,
                Value acc, Value other) {
  Value total = share;
  Value width = arith::ConstantIntOp::create(b, loc, kWarp, 32);
  for (int64_t offset = kWarp / 2; offset >= 1; offset /= 2) {
    Value shuffled =
        gpu::ShuffleOp::create(b, loc, total,
                               arith::ConstantIntOp::create(b, loc, offset, 32),
                               width, gpu::ShuffleMode::XOR)
            .getShuffleResult();
    total = combineWith(b, combine, acc, other, total, shuffled);
  }
  return total;
}

/// The warp's total of each lane's share, `shareOf(lane)`: on the GPU the
/// butterfly above with the thread's lane; emulated, each lane's share in
/// turn into a buffer of 32 (allocated around `blocks`), then the same tree
/// in the same order (lane 0 ends with combine(v0, v16), then with what
/// lane 8 had, ...), so the result is bit for bit lane 0's on the GPU.
Value warpTotal(OpBuilder &b, Location loc, Value lane,
                function_ref<Value(Value)> shareOf, Operation *combine,
                Value acc, Value other, scf::ParallelOp blocks, Type type) {
  if (lane)
    return butterfly(b, loc, shareOf(lane), combine, acc, other);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The shares' buffer, outside the loops (the offload takes no allocation
  // inside a kernel): the emulated loops run one iteration at a time.
  Value shares;
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(blocks);
    shares = memref::AllocOp::create(b, loc, MemRefType::get({kWarp}, type));
    b.setInsertionPointAfter(blocks);
    memref::DeallocOp::create(b, loc, shares);
  }
  auto lanes = scf::ForOp::create(b, loc, cst(0), cst(kWarp), cst(1));
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(lanes.getBody()->getTerminator());
    Value l = lanes.getInductionVar();
    memref::StoreOp::create(b, loc, shareOf(l), shares, ValueRange{l});
  }
  for (int64_t offset = kWarp / 2; offset >= 1; offset /= 2) {
    auto step = scf::ForOp::create(b, loc, cst(0), cst(offset), cst(1));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(step.getBody()->getTerminator());
    Value l = step.getInductionVar();
    Value partner = arith::AddIOp::create(b, loc, l, cst(offset));
    Value mine = memref::LoadOp::create(b, loc, shares, ValueRange{l});
    Value theirs = memref::LoadOp::create(b, loc, shares, ValueRange{partner});
    memref::StoreOp::create(
        b, loc, combineWith(b, combine, acc, other, mine, theirs), shares,
        ValueRange{l});
  }
  return memref::LoadOp::create(b, loc, shares, ValueRange{cst(0)});
}

/// Runs `body(lane)` for the thread's lane, or emulated for each lane in
/// turn.
void forEachLane(OpBuilder &b, Location loc, Value lane,
                 function_ref<void(Value)> body) {
  if (lane)
    return body(lane);
  auto lanes = scf::ForOp::create(
      b, loc, arith::ConstantIndexOp::create(b, loc, 0),
      arith::ConstantIndexOp::create(b, loc, kWarp),
      arith::ConstantIndexOp::create(b, loc, 1));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(lanes.getBody()->getTerminator());
  body(lanes.getInductionVar());
}

/// Lane 0's condition (true when emulated: one thread is the warp).
Value isFirstLane(OpBuilder &b, Location loc, Value lane) {
  if (!lane)
    return arith::ConstantIntOp::create(b, loc, 1, 1);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                               arith::ConstantIndexOp::create(b, loc, 0));
}

/// Folds `total` into the output's old value (the nest's initial value,
/// mapped in `map`) and stores the result where the reduction stored it.
void storeTotal(OpBuilder &b, Location loc, Reduction &red, IRMapping &map,
                Value acc, Value other, Value total) {
  Value init = map.lookupOrDefault(red.nest.front().getInitArgs()[0]);
  Value result = combineWith(b, red.combine, acc, other, init, total);
  SmallVector<Value> indices;
  for (Value i : red.store.getIndices())
    indices.push_back(map.lookupOrDefault(i));
  memref::StoreOp::create(b, loc, result,
                          map.lookupOrDefault(red.store.getMemRef()), indices);
}

void rewrite(Reduction &red, bool emulate, int64_t maxUnroll) {
  scf::ParallelOp p = red.loop;
  Location loc = p.getLoc();
  OpBuilder b(p);
  WarpGrid grid = warpGrid(b, loc, red.outputs, emulate);
  Value lane = grid.lane, output = grid.output, inRange = grid.inRange;
  IRMapping outMap;
  delinearize(b, loc, output, red.outputDims, p.getInductionVars(), outMap);
  // The body's reads before the reduction, for the lane's share and again
  // for lane 0's store (dead copies fold away).
  auto cloneReads = [&](IRMapping &map) {
    for (Operation &op : p.getBody()->without_terminator()) {
      if (&op == red.nest.front().getOperation())
        break;
      b.clone(op, map);
    }
  };
  Type type = red.identity.getType();
  Value acc = red.nest.back().getRegionIterArg(0);
  Value other = otherOperand(red.combine, acc);

  // Each lane's share: iterations lane, lane + 32, ... of the flattened
  // nest, reduced from the identity.
  auto shareOf = [&](Value lane) -> Value {
    auto share = scf::IfOp::create(b, loc, TypeRange{type}, inRange,
                                   /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&share.getThenRegion().front());
    IRMapping map = outMap;
    cloneReads(map);
    Value identity = arith::ConstantOp::create(b, loc, red.identity);
    scf::ForOp loop = shareLoop(b, loc, lane, red.length, maxUnroll,
                                red.nestDims, inductionVars(red.nest),
                                identity, map,
                                red.nest.back().getBody(), red.combine, acc,
                                other, [&](Operation &op, IRMapping &m) {
                                  b.clone(op, m);
                                });
    b.setInsertionPointAfter(loop);
    scf::YieldOp::create(b, loc, loop.getResult(0));
    b.setInsertionPointToStart(&share.getElseRegion().front());
    scf::YieldOp::create(b, loc,
                         Value(arith::ConstantOp::create(b, loc, red.identity)));
    return share.getResult(0);
  };

  // The warp's total: a butterfly, every lane ends with it.
  Value total = warpTotal(b, loc, lane, shareOf, red.combine, acc, other,
                          grid.blocks, type);

  // Lane 0 folds in the output's old value (the nest's initial value) and
  // stores.
  Value first =
      arith::AndIOp::create(b, loc, inRange, isFirstLane(b, loc, lane));
  auto last = scf::IfOp::create(b, loc, TypeRange{}, first,
                                /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&last.getThenRegion().front());
    IRMapping map = outMap;
    cloneReads(map);
    storeTotal(b, loc, red, map, acc, other, total);
  }
  // Fresh one-dimensional loops: mapping them cannot fail.
  (void)mapTo(grid.blocks, gpu::Processor::BlockX);
  (void)mapTo(grid.threads, gpu::Processor::ThreadX);
  p.erase();
}

/// Whether a warp per output would read columns: every load of the
/// innermost body has the outputs' last induction variable as its last
/// index (a contiguous memref), so lanes, which differ only in the nest's
/// iteration, would each read their own 32-byte sector for 4 bytes, and
/// the loads' L1 transactions, not the memory, would bound the kernel.
/// The outputs must start at 0 with step 1 (they index the partial sums)
/// and their last dimension be a whole number of warps.
bool isColumnReduction(Reduction &red) {
  scf::ParallelOp p = red.loop;
  if (llvm::any_of(red.outputDims, [](const StaticDim &d) {
        return d.lb != 0 || d.step != 1;
      }) ||
      red.outputDims.back().trips % kWarp != 0 || red.length % kWarp != 0)
    return false;
  Value last = p.getInductionVars().back();
  bool loads = false;
  for (Operation &op : red.nest.back().getBody()->without_terminator()) {
    auto load = dyn_cast<memref::LoadOp>(op);
    if (!load)
      continue;
    MemRefType type = load.getMemRefType();
    if (type.getRank() < 2 || !type.getLayout().isIdentity() ||
        load.getIndices().back() != last)
      return false;
    loads = true;
  }
  return loads;
}

/// A row loop (RowLoops.h) whose nests are all column reductions (above),
/// each result only stored and no nest reading what one stores (a layer
/// norm's scale and shift gradients, fused by uscale-gpu-fuse-rows), as
/// one Reduction per nest; none otherwise.
std::optional<SmallVector<Reduction>> columnNests(RowLoop &row) {
  SmallVector<Reduction> parts;
  llvm::SmallDenseSet<Value> stored;
  for (RowNest &n : row.nests) {
    if (!n.combine || !n.loops.front()->getResult(0).hasOneUse())
      return std::nullopt;
    Reduction r;
    r.loop = row.loop;
    r.outputDims = row.rowDims;
    r.nestDims = row.colDims;
    r.nest = n.loops;
    r.combine = n.combine;
    r.identity = n.identity;
    r.store = n.store;
    r.outputs = row.rows;
    r.length = row.length;
    if (!isColumnReduction(r))
      return std::nullopt;
    stored.insert(rootBuffer(n.store.getMemRef()));
    parts.push_back(std::move(r));
  }
  WalkResult reads = row.loop.getBody()->walk([&](memref::LoadOp load) {
    return stored.contains(rootBuffer(load.getMemRef()))
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  if (reads.wasInterrupted())
    return std::nullopt;
  return parts;
}

/// Column reductions (above) over the same outputs loop (one, or a row
/// loop's nests: columnNests) as two loops of a thread per output, whose
/// neighbouring threads read neighbouring columns. In the first, thread
/// (c, outputs...) sums each reduction's iterations c, c + 32, ... for
/// c < 32 (a lane's share, now a thread of its own, several per trip as
/// shareLoop runs them) into a buffer of partial sums [32, outputs...];
/// in the second a thread per output combines each reduction's 32 in
/// order and folds in the old value. 32 times the outputs as threads (a
/// warp per output had 32 lanes), and every load coalesced.
void rewriteColumns(MutableArrayRef<Reduction> parts, int64_t maxUnroll) {
  scf::ParallelOp p = parts.front().loop;
  Location loc = p.getLoc();
  OpBuilder b(p);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The body's reads outside the nests (none depends on a nest's result).
  llvm::SmallPtrSet<Operation *, 8> nestOps;
  for (Reduction &r : parts) {
    nestOps.insert(r.nest.front());
    nestOps.insert(r.store);
  }
  auto cloneReads = [&](IRMapping &map) {
    for (Operation &op : p.getBody()->without_terminator())
      if (!nestOps.contains(&op))
        b.clone(op, map);
  };
  SmallVector<int64_t> shape{kWarp};
  SmallVector<Value> lbs{cst(0)}, ubs{cst(kWarp)}, steps{cst(1)};
  for (const StaticDim &d : parts.front().outputDims) {
    shape.push_back(d.trips);
    lbs.push_back(cst(0));
    ubs.push_back(cst(d.trips));
    steps.push_back(cst(1));
  }
  SmallVector<Value> partials;
  for (Reduction &r : parts)
    partials.push_back(memref::AllocOp::create(
        b, loc, MemRefType::get(shape, r.identity.getType())));

  // The shares: thread (c, outputs...) reduces iterations c, c + 32, ...
  auto shares = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(shares.getBody()->getTerminator());
    SmallVector<Value> ivs(shares.getInductionVars());
    IRMapping map;
    for (auto [from, to] :
         llvm::zip(p.getInductionVars(), ArrayRef(ivs).drop_front()))
      map.map(from, to);
    cloneReads(map);
    for (auto [r, partial] : llvm::zip(parts, partials)) {
      Value acc = r.nest.back().getRegionIterArg(0);
      Value identity = arith::ConstantOp::create(b, loc, r.identity);
      scf::ForOp loop = shareLoop(
          b, loc, ivs.front(), r.length, maxUnroll, r.nestDims,
          inductionVars(r.nest), identity, map, r.nest.back().getBody(),
          r.combine, acc, otherOperand(r.combine, acc),
          [&](Operation &op, IRMapping &m) { b.clone(op, m); });
      b.setInsertionPointAfter(loop);
      memref::StoreOp::create(b, loc, loop.getResult(0), partial, ivs);
    }
  }

  // The totals: each reduction's 32 shares in order, then the old value
  // folded in, as lane 0 of a warp does.
  auto totals = scf::ParallelOp::create(
      b, loc, ArrayRef(lbs).drop_front(), ArrayRef(ubs).drop_front(),
      ArrayRef(steps).drop_front());
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(totals.getBody()->getTerminator());
    SmallVector<Value> ivs(totals.getInductionVars());
    IRMapping map;
    for (auto [from, to] : llvm::zip(p.getInductionVars(), ivs))
      map.map(from, to);
    cloneReads(map);
    for (auto [r, partial] : llvm::zip(parts, partials)) {
      Value acc = r.nest.back().getRegionIterArg(0);
      Value other = otherOperand(r.combine, acc);
      auto sum = scf::ForOp::create(
          b, loc, cst(0), cst(kWarp), cst(1),
          ValueRange{arith::ConstantOp::create(b, loc, r.identity)});
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToEnd(sum.getBody());
        SmallVector<Value> indices{sum.getInductionVar()};
        indices.append(ivs.begin(), ivs.end());
        Value share = memref::LoadOp::create(b, loc, partial, indices);
        scf::YieldOp::create(b, loc,
                             combineWith(b, r.combine, acc, other,
                                         sum.getRegionIterArg(0), share));
      }
      storeTotal(b, loc, r, map, acc, other, sum.getResult(0));
    }
  }
  for (Value partial : partials)
    memref::DeallocOp::create(b, loc, partial);
  p.erase();
}

/// A warp per row of a row loop (RowLoops.h): lane l runs columns l, l+32,
/// ... of every nest; a reduction's lane shares are combined by a
/// butterfly, so every lane has the row's value, and later reads of the
/// per-row buffer use it (lane 0 stores it for what comes after the loop).
void rewriteRow(RowLoop &row, bool emulate, int64_t maxUnroll) {
  scf::ParallelOp p = row.loop;
  Location loc = p.getLoc();
  OpBuilder b(p);
  WarpGrid grid = warpGrid(b, loc, row.rows, emulate);
  Value lane = grid.lane, output = grid.output;
  // The row is the same for the whole warp: the shuffles inside the guard
  // run with every lane.
  Value inRange = grid.inRange;
  Value isLane0 = isFirstLane(b, loc, lane);
  auto guard = scf::IfOp::create(b, loc, TypeRange{}, inRange,
                                 /*withElseRegion=*/false);
  b.setInsertionPointToStart(&guard.getThenRegion().front());
  IRMapping map;
  delinearize(b, loc, output, row.rowDims, p.getInductionVars(), map);
  // Per-row results, by the buffer and row they were stored to.
  SmallVector<std::tuple<Value, SmallVector<Value>, Value>> results;
  auto cloneOp = [&](Operation &op, IRMapping &m) {
    if (auto load = dyn_cast<memref::LoadOp>(&op)) {
      Value memref = m.lookupOrDefault(load.getMemRef());
      SmallVector<Value> indices;
      for (Value i : load.getIndices())
        indices.push_back(m.lookupOrDefault(i));
      for (auto &[buf, idx, value] : results)
        if (buf == memref && idx == indices) {
          m.map(load.getResult(), value);
          return;
        }
    }
    b.clone(op, m);
  };
  RowNest *pending = nullptr; // a reduction whose store comes next
  Value pendingResult;
  for (Operation &op : p.getBody()->without_terminator()) {
    if (pending && &op == pending->store.getOperation()) {
      // Lane 0 stores the row's value; the body's later reads use it.
      SmallVector<Value> indices;
      for (Value i : pending->store.getIndices())
        indices.push_back(map.lookupOrDefault(i));
      Value memref = map.lookupOrDefault(pending->store.getMemRef());
      auto store = scf::IfOp::create(b, loc, TypeRange{}, isLane0,
                                     /*withElseRegion=*/false);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(&store.getThenRegion().front());
        memref::StoreOp::create(b, loc, pendingResult, memref, indices);
      }
      results.push_back({memref, indices, pendingResult});
      pending = nullptr;
      continue;
    }
    RowNest *nest = nullptr;
    for (RowNest &n : row.nests)
      if (n.loops.front().getOperation() == &op)
        nest = &n;
    if (!nest) {
      cloneOp(op, map);
      continue;
    }
    Block *inner = nest->loops.back().getBody();
    if (!nest->combine) {
      forEachLane(b, loc, lane, [&](Value l) {
        elementwiseLoop(b, loc, l, row.length, maxUnroll, row.colDims,
                        inductionVars(nest->loops), map, inner, cloneOp);
      });
      continue;
    }
    Value acc = nest->loops.back().getRegionIterArg(0);
    Operation *combine = nest->combine;
    Value other = otherOperand(combine, acc);
    auto shareOf = [&](Value l) -> Value {
      Value identity = arith::ConstantOp::create(b, loc, nest->identity);
      return shareLoop(b, loc, l, row.length, maxUnroll, row.colDims,
                       inductionVars(nest->loops), identity, map, inner, combine, acc,
                       other, cloneOp)
          .getResult(0);
    };
    Value total = warpTotal(b, loc, lane, shareOf, combine, acc, other,
                            grid.blocks, nest->identity.getType());
    // The nest's start value folded in, as the sequential loop would.
    Value init = map.lookupOrDefault(nest->loops.front().getInitArgs()[0]);
    pendingResult = combineWith(b, combine, acc, other, init, total);
    map.map(nest->loops.front().getResult(0), pendingResult);
    pending = nest;
  }
  (void)mapTo(grid.blocks, gpu::Processor::BlockX);
  (void)mapTo(grid.threads, gpu::Processor::ThreadX);
  p.erase();
}

struct GpuMapReductionsPass
    : public uscale::impl::GpuMapReductionsBase<GpuMapReductionsPass> {
  using GpuMapReductionsBase::GpuMapReductionsBase;

  void runOnOperation() override {
    if (maxOutputs < 1 || minLength < 1) {
      getOperation().emitError("uscale-gpu-map-reductions: max-outputs and "
                               "min-length must be at least 1, not ")
          << static_cast<int64_t>(maxOutputs) << " and "
          << static_cast<int64_t>(minLength);
      return signalPassFailure();
    }
    if (laneUnroll < 1 || laneUnroll > 16 ||
        (laneUnroll & (laneUnroll - 1)) != 0) {
      getOperation().emitError("uscale-gpu-map-reductions: lane-unroll must "
                               "be 1, 2, 4, 8 or 16, not ")
          << static_cast<int64_t>(laneUnroll);
      return signalPassFailure();
    }
    // A reduction to a scalar (the loss) is a sequential nest at the top,
    // its result stored to a rank-0 buffer: as a parallel loop of one
    // output, it gets a warp like the others instead of one thread.
    IRRewriter rw(&getContext());
    for (Block &block : getOperation().getBody()) {
      SmallVector<scf::ForOp> scalars;
      for (Operation &op : block)
        if (auto f = dyn_cast<scf::ForOp>(op);
            f && f.getNumResults() == 1 && f->hasOneUse() &&
            writesNoMemory(f) &&
            llvm::all_of(f.getInitArgs(), [](Value init) {
              // A start value the host would have to load stays outside.
              Operation *def = init.getDefiningOp();
              return !def || isMemoryEffectFree(def);
            }))
          if (auto store = dyn_cast_or_null<memref::StoreOp>(f->getNextNode());
              store && store.getValueToStore() == f.getResult(0) &&
              store.getMemRefType().getRank() == 0)
            scalars.push_back(f);
      for (scf::ForOp f : scalars) {
        Location loc = f.getLoc();
        Operation *store = f->getNextNode();
        rw.setInsertionPoint(f);
        Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
        Value one = arith::ConstantIndexOp::create(rw, loc, 1);
        auto single = scf::ParallelOp::create(rw, loc, ValueRange{zero},
                                              ValueRange{one},
                                              ValueRange{one});
        rw.moveOpBefore(f, single.getBody()->getTerminator());
        rw.moveOpBefore(store, single.getBody()->getTerminator());
      }
    }
    SmallVector<Reduction> found;
    SmallVector<RowLoop, 2> rows;
    // Outermost parallel loops only: those the offload maps.
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      auto p = dyn_cast<scf::ParallelOp>(op);
      if (!p)
        return WalkResult::advance();
      if (std::optional<Reduction> red = match(p);
          red && red->outputs <= maxOutputs && red->length >= minLength)
        found.push_back(std::move(*red));
      else if (std::optional<RowLoop> row = matchRowLoop(p);
               row && row->rows <= maxOutputs && row->length >= minLength)
        rows.push_back(std::move(*row));
      return WalkResult::skip();
    });
    for (Reduction &red : found) {
      if (splitColumns && isColumnReduction(red))
        rewriteColumns(red, laneUnroll);
      else
        rewrite(red, emulate, laneUnroll);
    }
    for (RowLoop &row : rows) {
      std::optional<SmallVector<Reduction>> parts;
      if (splitColumns && (parts = columnNests(row)))
        rewriteColumns(*parts, laneUnroll);
      else
        rewriteRow(row, emulate, laneUnroll);
    }
  }
};
} // namespace
