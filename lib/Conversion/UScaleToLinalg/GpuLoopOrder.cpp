//===- GpuLoopOrder.cpp - uscale-gpu-loop-order ---------------------------===//
//
// Parallel loops outside, reductions inside, so that offloaded loop nests
// map to one GPU thread per output element instead of one thread in all
// (Passes.td has the why and the numbers).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPULOOPORDER
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;

namespace {
/// The loop order with every parallel loop first (each group keeps its
/// order), or empty when `op` already has it.
SmallVector<unsigned> parallelFirst(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < iters.size(); ++d)
    if (iters[d] == utils::IteratorType::parallel)
      order.push_back(d);
  unsigned numParallel = order.size();
  for (unsigned d = 0; d < iters.size(); ++d)
    if (iters[d] != utils::IteratorType::parallel)
      order.push_back(d);
  for (unsigned i = 0; i < numParallel; ++i)
    if (order[i] != i)
      return order;
  return {};
}

struct GpuLoopOrderPass
    : public uscale::impl::GpuLoopOrderBase<GpuLoopOrderPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (!parallelFirst(op).empty())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<unsigned> order = parallelFirst(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(g)) {
          op->emitError("uscale-gpu-loop-order: cannot generalize this op "
                        "to reorder its loops");
          return signalPassFailure();
        }
        generic = *g;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic->emitError("uscale-gpu-loop-order: cannot reorder loops");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
