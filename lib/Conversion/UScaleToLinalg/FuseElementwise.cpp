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
bool isElementwise(linalg::GenericOp op) {
  return op && op.getNumLoops() == op.getNumParallelLoops();
}

/// Whether every user of `producer` other than `consumer` comes after
/// `consumer` in its block: the fused op, built where `consumer` is, must
/// dominate the users it then serves.
bool usedAfter(linalg::GenericOp producer, linalg::GenericOp consumer) {
  Block *block = consumer->getBlock();
  for (Operation *user : producer->getUsers()) {
    if (user == consumer)
      continue;
    Operation *ancestor = block->findAncestorOpInBlock(*user);
    if (!ancestor || !consumer->isBeforeInBlock(ancestor))
      return false;
  }
  return true;
}

/// An elementwise producer whose result has several uses, fused into an
/// elementwise consumer of the same loops that reads each of its elements
/// once: the fused op computes the value once and also yields it for the
/// other users, and the consumer no longer reads it back (Adam's moments
/// and its update, a residual sum and what reads it: one kernel each).
/// Nothing is recomputed. Reductions are not fused into: they keep the
/// one-store shape the GPU reductions match.
struct FuseSharedProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise(consumer))
      return failure();
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      if (!isElementwise(producer) || operand->get().hasOneUse() ||
          producer.getNumLoops() != consumer.getNumLoops() ||
          !consumer.getMatchingIndexingMap(operand).isPermutation() ||
          !linalg::areElementwiseOpsFusable(operand) ||
          !usedAfter(producer, consumer))
        continue;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        continue;
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceAllUsesWith(original, replacement);
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      return success();
    }
    return failure();
  }
};

/// A transpose that elementwise fusion could join to a neighbour, as a
/// generic: its one user is an elementwise generic (attention's head split
/// and the FP8 rounding of the operand after it: one kernel), or its input
/// is an elementwise generic's result used only here (the scaling of
/// attention's output and the head merge after it).
struct GeneralizeFusableTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    bool intoUser =
        op->hasOneUse() &&
        isElementwise(dyn_cast<linalg::GenericOp>(*op->user_begin()));
    bool fromProducer =
        input.hasOneUse() &&
        isElementwise(input.getDefiningOp<linalg::GenericOp>());
    if (op->getNumResults() != 1 || !(intoUser || fromProducer))
      return failure();
    return linalg::generalizeNamedOp(rewriter, op);
  }
};

/// Reshapes may move across elementwise generics only (expanding the
/// generic's loops), so that two elementwise ops on either side of a
/// reshape fuse (a batched GEMM's scaling, then a reshape, then the causal
/// mask). Contractions keep their shape: a GEMM turned into an expanded
/// generic would be taken away from the GEMM kernels.
bool reshapeMovesAcross(OpOperand *operand) {
  auto generic = dyn_cast<linalg::GenericOp>(operand->getOwner());
  if (!generic)
    generic = operand->get().getDefiningOp<linalg::GenericOp>();
  return isElementwise(generic);
}

struct FuseElementwisePass
    : public uscale::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    // Fuse an elementwise producer into its consumer when this is its one
    // use (it then disappears), or into an elementwise consumer of the
    // same loops that reads each of its elements once: the fused op
    // computes the value once, stores it for the other users, and the
    // consumer no longer reads it back (Adam's moments and update, a
    // residual sum and the layer norm after it: one kernel each). Nothing
    // is recomputed either way. Reductions are not fused into, so they
    // keep the one-store shape the GPU reductions match.
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      auto producer = fused->get().getDefiningOp<linalg::GenericOp>();
      return isElementwise(producer) && fused->get().hasOneUse();
    };
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      reshapeMovesAcross);
    patterns.add<FuseSharedProducer, GeneralizeFusableTranspose>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
