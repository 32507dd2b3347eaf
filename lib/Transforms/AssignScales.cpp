//===- AssignScales.cpp - uscale-assign-scales ----------------------------===//
#include "unit-scale/Transforms/Passes.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_ASSIGNSCALES
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct AssignScalesPass
    : public uscale::impl::AssignScalesBase<AssignScalesPass> {
  void runOnOperation() override {
    bool failedAny = false;
    for (Operation &op : getOperation().getBody().getOps()) {
      if (auto scaled = dyn_cast<ScaledOpInterface>(&op)) {
        FailureOr<Scales> s = scaled.computeIdealScales();
        if (failed(s)) {
          failedAny = true;
          continue;
        }
        scaled.setScalesAttr(s->toAttr(&getContext()));
        ++numScaledOps;
        continue;
      }
      // Leaves (parameters, constants) and the terminator carry no scale.
      if (op.getNumOperands() == 0 || op.hasTrait<OpTrait::IsTerminator>())
        continue;
      // Anything else would silently pass gradients at scale 1: refuse.
      op.emitOpError("has no unit-scaling rule (only uscale ops can be "
                     "scaled; lower or import it as one)");
      failedAny = true;
    }
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
