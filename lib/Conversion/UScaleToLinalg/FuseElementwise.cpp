//===- FuseElementwise.cpp - uscale-fuse-elementwise ----------------------===//
//
// Elementwise fusion of linalg.generic chains and splat-constant folding,
// from upstream's patterns, without reshape propagation (see Passes.td).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;

namespace {
struct FuseElementwisePass
    : public uscale::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    // Fuse a producer into its consumer only when it is elementwise and
    // this is its one use: it then disappears, nothing is recomputed.
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      auto producer = fused->get().getDefiningOp<linalg::GenericOp>();
      return producer && producer.getNumLoops() ==
                             producer.getNumParallelLoops() &&
             fused->get().hasOneUse();
    };
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
