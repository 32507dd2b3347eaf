//===- AsyncLaunches.cpp - uscale-gpu-async-launches ----------------------===//
//
// Consecutive GPU work of a host block on one stream, waited for only where
// the host may touch memory. Passes.td has the contract.
//
//===----------------------------------------------------------------------===//
#include "GemmMatch.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUASYNCLAUNCHES
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::kFp8GemmAttr;

namespace {

/// `op` in the form uscale-offload-to-gpu emits: on a stream of its own
/// (`%s = gpu.wait async`), its token waited for by the next op.
bool onOwnStream(gpu::AsyncOpInterface op) {
  if (op.getAsyncDependencies().size() != 1 || !op.getAsyncToken() ||
      !op.getAsyncToken().hasOneUse())
    return false;
  auto stream = op.getAsyncDependencies()[0].getDefiningOp<gpu::WaitOp>();
  auto wait = dyn_cast<gpu::WaitOp>(*op.getAsyncToken().user_begin());
  return stream && stream.getAsyncDependencies().empty() &&
         stream.getAsyncToken().hasOneUse() && wait && !wait.getAsyncToken() &&
         wait->getBlock() == op->getBlock();
}

/// Whether the chain may run on past `op`: `op` does not touch memory on
/// the host (index math, views, shape queries, asserts, new streams,
/// managed allocations, which only reserve memory).
bool hostIndependent(Operation *op) {
  if (op->getNumRegions() != 0 || op->hasTrait<OpTrait::IsTerminator>())
    return false;
  if (isa<ViewLikeOpInterface, cf::AssertOp>(op) || isMemoryEffectFree(op))
    return true;
  // A new stream (`gpu.wait async` with no dependency) waits for nothing.
  if (auto wait = dyn_cast<gpu::WaitOp>(op))
    return wait.getAsyncToken() && wait.getAsyncDependencies().empty();
  auto alloc = dyn_cast<gpu::AllocOp>(op);
  return alloc && !alloc.getAsyncToken() && alloc.getAsyncDependencies().empty();
}

/// Whether `op` calls an FP8 GEMM host entry, which only enqueues GPU work
/// (on the shared stream, after the chain's).
bool callsGemmEntry(Operation *op) {
  auto call = dyn_cast<func::CallOp>(op);
  if (!call)
    return false;
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      op, call.getCalleeAttr());
  return callee && callee->hasAttr(kFp8GemmAttr);
}

void chainBlock(Block &block, bool sharedStream) {
  Type tokenType = gpu::AsyncTokenType::get(block.getParentOp()->getContext());
  Value chain; // the last token of the pending chain, or null
  OpBuilder b(block.getParentOp()->getContext());
  auto startChain = [&](Location loc) {
    chain = gpu::WaitOp::create(b, loc, tokenType, ValueRange()).getAsyncToken();
  };
  for (Operation *op = &block.front(); op;) {
    Operation *next = op->getNextNode();
    b.setInsertionPoint(op);
    if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op);
        launch && !launch.getAsyncToken() &&
        launch.getAsyncDependencies().empty() && !launch.getAsyncObject()) {
      if (!chain)
        startChain(op->getLoc());
      std::optional<gpu::KernelDim3> cluster;
      if (launch.hasClusterSize())
        cluster = launch.getClusterSizeOperandValues();
      auto async = gpu::LaunchFuncOp::create(
          b, op->getLoc(), launch.getKernel(),
          launch.getGridSizeOperandValues(), launch.getBlockSizeOperandValues(),
          launch.getDynamicSharedMemorySize(), launch.getKernelOperands(),
          tokenType, ValueRange{chain}, cluster);
      chain = async.getAsyncToken();
      op->erase();
    } else if (auto async = dyn_cast<gpu::AsyncOpInterface>(op);
               async && isa<gpu::AllocOp, gpu::DeallocOp, gpu::MemcpyOp,
                            gpu::MemsetOp>(op) &&
               onOwnStream(async)) {
      Operation *stream = async.getAsyncDependencies()[0].getDefiningOp();
      Operation *wait = *async.getAsyncToken().user_begin();
      if (chain) {
        op->setOperand(0, chain); // the only async dependency comes first
        stream->erase();
      }
      if (next == wait)
        next = wait->getNextNode();
      wait->erase();
      chain = async.getAsyncToken();
    } else if (chain && !hostIndependent(op) &&
               !(sharedStream && callsGemmEntry(op))) {
      gpu::WaitOp::create(b, op->getLoc(), Type(), ValueRange{chain});
      chain = {};
    }
    op = next;
  }
}

struct GpuAsyncLaunchesPass
    : public uscale::impl::GpuAsyncLaunchesBase<GpuAsyncLaunchesPass> {
  using GpuAsyncLaunchesBase::GpuAsyncLaunchesBase;
  void runOnOperation() override {
    for (Block &block : getOperation().getBody())
      chainBlock(block, sharedStream);
  }
};
} // namespace
