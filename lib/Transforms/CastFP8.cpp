//===- CastFP8.cpp - uscale-cast-fp8 --------------------------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_CASTFP8
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {

struct CastFP8Pass : public uscale::impl::CastFP8Base<CastFP8Pass> {
  using CastFP8Base::CastFP8Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    fwd = symbolizeFP8Format(forwardFormat);
    grad = symbolizeFP8Format(gradFormat);
    if (!fwd || !grad)
      return emitError(UnknownLoc::get(ctx))
             << "uscale-cast-fp8: formats must be e4m3 or e5m2, got forward="
             << forwardFormat << " grad=" << gradFormat;
    return success();
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    // Gradients: everything that depends on the loss seed.
    DenseSet<Value> isGrad;
    for (Operation &op : body) {
      bool g = op.hasAttr("uscale.grad_seed") ||
               llvm::any_of(op.getOperands(),
                            [&](Value v) { return isGrad.contains(v); });
      if (g)
        isGrad.insert(op.result_begin(), op.result_end());
    }
    OpBuilder b(&getContext());
    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (!isa<MatMulOp, LinearOp>(op))
        continue;
      b.setInsertionPoint(&op);
      // Operands 0 and 1 are the GEMM operands of both ops (not the bias).
      for (unsigned i = 0; i < 2; ++i) {
        Value v = op.getOperand(i);
        FP8Format f = isGrad.contains(v) ? *grad : *fwd;
        if (auto q = v.getDefiningOp<QuantizeOp>(); q && q.getFormat() == f)
          continue;
        op.setOperand(i, QuantizeOp::create(b, op.getLoc(), v, f));
        ++numQuantized;
      }
    }
  }

  std::optional<FP8Format> fwd, grad;
};
} // namespace
