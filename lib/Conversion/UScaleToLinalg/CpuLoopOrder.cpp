//===- CpuLoopOrder.cpp - uscale-cpu-loop-order ---------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_CPULOOPORDER
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;

namespace {
/// True when the op reads B as B[..., k, n] (k the last loop, n the one
/// before it), i.e. B's map ends in (d_last, d_last - 1).
bool readsBKN(linalg::LinalgOp op) {
  AffineMap b = op.getIndexingMapsArray()[1];
  unsigned n = op.getNumLoops();
  unsigned r = b.getNumResults();
  return r >= 2 && b.getResult(r - 2) == getAffineDimExpr(n - 1, op.getContext()) &&
         b.getResult(r - 1) == getAffineDimExpr(n - 2, op.getContext());
}

/// True for a 2-D matmul on tensors reading B as B[n, k].
bool isTransposedB(linalg::MatmulOp op) {
  if (!op.hasPureTensorSemantics())
    return false;
  MLIRContext *ctx = op.getContext();
  AffineMap b = op.getIndexingMapsArray()[1];
  return b == AffineMap::get(3, 0,
                             {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)},
                             ctx);
}

struct CpuLoopOrderPass
    : public uscale::impl::CpuLoopOrderBase<CpuLoopOrderPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // B[n, k]: transpose B once (O(NK), against the GEMM's O(MNK)) into a
    // plain matmul, which the loop below reorders.
    SmallVector<linalg::MatmulOp> transposed;
    getOperation().walk([&](linalg::MatmulOp op) {
      if (isTransposedB(op))
        transposed.push_back(op);
    });
    for (linalg::MatmulOp op : transposed) {
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
      auto bt = cast<RankedTensorType>(b.getType());
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{bt.getDimSize(1), bt.getDimSize(0)},
          bt.getElementType());
      Value bT = linalg::TransposeOp::create(rewriter, loc, b, empty,
                                             ArrayRef<int64_t>{1, 0})
                     .getResult()[0];
      auto mm = linalg::MatmulOp::create(
          rewriter, loc, op->getResultTypes(), ValueRange{a, bT},
          op.getDpsInits());
      rewriter.replaceOp(op, mm->getResults());
    }

    SmallVector<linalg::LinalgOp> gemms;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) && readsBKN(op))
        gemms.push_back(op);
    });
    for (linalg::LinalgOp op : gemms) {
      rewriter.setInsertionPoint(op);
      unsigned n = op.getNumLoops();
      // (..., m, n, k) -> (..., m, k, n)
      SmallVector<unsigned> order;
      for (unsigned d = 0; d + 2 < n; ++d)
        order.push_back(d);
      order.push_back(n - 1);
      order.push_back(n - 2);
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
      if (failed(g) || failed(linalg::interchangeGenericOp(rewriter, *g, order)))
        return signalPassFailure();
    }
  }
};
} // namespace
