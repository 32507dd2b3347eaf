//===- ConstrainScales.cpp - uscale-constrain-scales ----------------------===//
#include "unit-scale/Analysis/CutEdges.h"
#include "unit-scale/Transforms/Passes.h"
#include "unit-scale/Transforms/ScaleConstraints.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_CONSTRAINSCALES
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct ConstrainScalesPass
    : public uscale::impl::ConstrainScalesBase<ConstrainScalesPass> {
  using ConstrainScalesBase::ConstrainScalesBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    parsedMode = parseConstraintMode(mode);
    if (!parsedMode)
      return emitError(UnknownLoc::get(ctx))
             << "uscale-constrain-scales: unknown mode '" << mode
             << "' (expected gmean, hmean, amean, to-output, "
                "to-grad-input or none)";
    return success();
  }

  void runOnOperation() override {
    auto &cuts = getAnalysis<CutEdgeAnalysis>();
    numEdges += cuts.getNumEdges();
    numCutEdges += cuts.getNumCutEdges();
    bool failedAny = false;
    for (Operation &op : getOperation().getBody().getOps()) {
      auto scaled = dyn_cast<ScaledOpInterface>(&op);
      if (!scaled || scaled.hasFixedScales())
        continue;
      ScalesAttr attr = scaled.getScalesAttr();
      if (!attr) {
        op.emitOpError("has no scales: run uscale-assign-scales first");
        failedAny = true;
        continue;
      }
      SmallVector<unsigned> constrained = constrainedOperands(scaled, cuts);
      if (constrained.empty())
        continue;
      ++numConstrainedOps;
      Scales s = Scales::fromAttr(attr);
      applyConstraint(*parsedMode, s, constrained);
      scaled.setScalesAttr(s.toAttr(&getContext()));
    }
    if (failedAny)
      signalPassFailure();
    markAnalysesPreserved<CutEdgeAnalysis>();
  }

  std::optional<ConstraintMode> parsedMode;
};
} // namespace
