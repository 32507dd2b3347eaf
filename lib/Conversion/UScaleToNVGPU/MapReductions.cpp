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
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;
using mlir::uscale::nvgpu_lowering::writesNoMemory;

namespace {

constexpr int64_t kWarp = 32;

/// The identity of a combining op, or null for another op.
TypedAttr identityOf(Operation *combine) {
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
  if (p.getNumResults() != 0 || p->hasAttr(gpu::getMappingAttrName()))
    return std::nullopt;
  for (unsigned d = 0; d < p.getNumLoops(); ++d) {
    std::optional<StaticDim> dim = staticDim(p.getLowerBound()[d],
                                       p.getUpperBound()[d], p.getStep()[d]);
    if (!dim)
      return std::nullopt;
    red.outputDims.push_back(*dim);
    red.outputs *= dim->trips;
  }
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
    Operation *combine = yielded.getDefiningOp();
    if (!combine || combine->getBlock() != fb || !acc.hasOneUse() ||
        combine->getNumOperands() != 2 ||
        combine->getOperand(0) == combine->getOperand(1) ||
        !llvm::is_contained(combine->getOperands(), acc))
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

void rewrite(Reduction &red) {
  scf::ParallelOp p = red.loop;
  Location loc = p.getLoc();
  OpBuilder b(p);
  int64_t warps = warpsPerBlock(red.outputs);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value c0 = cst(0), c1 = cst(1);
  auto blocks = scf::ParallelOp::create(
      b, loc, ValueRange{c0},
      ValueRange{cst((red.outputs + warps - 1) / warps)}, ValueRange{c1});
  b.setInsertionPointToStart(blocks.getBody());
  auto threads = scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{cst(warps * kWarp)}, ValueRange{c1});
  b.setInsertionPointToStart(threads.getBody());
  Value t = threads.getInductionVars()[0];
  Value warpSize = cst(kWarp);
  Value lane = arith::RemUIOp::create(b, loc, t, warpSize);
  Value output = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, blocks.getInductionVars()[0], cst(warps)),
      arith::DivUIOp::create(b, loc, t, warpSize));
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        output, cst(red.outputs));
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
  Value other = red.combine->getOperand(0) == acc
                    ? red.combine->getOperand(1)
                    : red.combine->getOperand(0);

  // Each lane's share: iterations lane, lane + 32, ... of the flattened
  // nest, reduced from the identity.
  auto share = scf::IfOp::create(b, loc, TypeRange{type}, inRange,
                                 /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&share.getThenRegion().front());
    IRMapping map = outMap;
    cloneReads(map);
    Value identity = arith::ConstantOp::create(b, loc, red.identity);
    auto loop = scf::ForOp::create(b, loc, lane, cst(red.length), warpSize,
                                   ValueRange{identity});
    b.setInsertionPointToStart(loop.getBody());
    SmallVector<Value> nestIvs;
    for (scf::ForOp f : red.nest)
      nestIvs.push_back(f.getInductionVar());
    delinearize(b, loc, loop.getInductionVar(), red.nestDims, nestIvs, map);
    map.map(acc, loop.getRegionIterArg(0));
    for (Operation &op : red.nest.back().getBody()->without_terminator())
      b.clone(op, map);
    scf::YieldOp::create(b, loc, map.lookup(red.combine->getResult(0)));
    b.setInsertionPointAfter(loop);
    scf::YieldOp::create(b, loc, loop.getResult(0));
    b.setInsertionPointToStart(&share.getElseRegion().front());
    scf::YieldOp::create(b, loc,
                         Value(arith::ConstantOp::create(b, loc, red.identity)));
  }

  // The warp's total: a butterfly, every lane ends with it.
  Value total = share.getResult(0);
  Value width = arith::ConstantIntOp::create(b, loc, kWarp, 32);
  for (int64_t offset = kWarp / 2; offset >= 1; offset /= 2) {
    Value shuffled =
        gpu::ShuffleOp::create(b, loc, total,
                               arith::ConstantIntOp::create(b, loc, offset, 32),
                               width, gpu::ShuffleMode::XOR)
            .getShuffleResult();
    total = combineWith(b, red.combine, acc, other, total, shuffled);
  }

  // Lane 0 folds in the output's old value (the nest's initial value) and
  // stores.
  Value first = arith::AndIOp::create(
      b, loc, inRange,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, cst(0)));
  auto last = scf::IfOp::create(b, loc, TypeRange{}, first,
                                /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&last.getThenRegion().front());
    IRMapping map = outMap;
    cloneReads(map);
    Value init = map.lookupOrDefault(red.nest.front().getInitArgs()[0]);
    Value result = combineWith(b, red.combine, acc, other, init, total);
    SmallVector<Value> indices;
    for (Value i : red.store.getIndices())
      indices.push_back(map.lookupOrDefault(i));
    memref::StoreOp::create(b, loc, result,
                            map.lookupOrDefault(red.store.getMemRef()),
                            indices);
  }
  // Fresh one-dimensional loops: mapping them cannot fail.
  (void)mapTo(blocks, gpu::Processor::BlockX);
  (void)mapTo(threads, gpu::Processor::ThreadX);
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
    // Outermost parallel loops only: those the offload maps.
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      auto p = dyn_cast<scf::ParallelOp>(op);
      if (!p)
        return WalkResult::advance();
      if (std::optional<Reduction> red = match(p);
          red && red->outputs <= maxOutputs && red->length >= minLength)
        found.push_back(std::move(*red));
      return WalkResult::skip();
    });
    for (Reduction &red : found)
      rewrite(red);
  }
};
} // namespace
