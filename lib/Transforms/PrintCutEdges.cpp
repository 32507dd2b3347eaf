//===- PrintCutEdges.cpp - uscale-print-cut-edges -------------------------===//
#include "unit-scale/Analysis/CutEdges.h"
#include "unit-scale/Transforms/Passes.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_PRINTCUTEDGES
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct PrintCutEdgesPass
    : public uscale::impl::PrintCutEdgesBase<PrintCutEdgesPass> {
  void runOnOperation() override {
    auto &cuts = getAnalysis<CutEdgeAnalysis>();
    getOperation().walk([&](Operation *op) {
      if (op->getNumOperands() == 0 || op == getOperation())
        return;
      InFlightDiagnostic d = op->emitRemark("cut-edges: [");
      llvm::interleaveComma(op->getOpOperands(), d, [&](OpOperand &use) {
        d << (cuts.isCutEdge(use) ? "bridge" : "cycle");
      });
      d << "]";
    });
    markAllAnalysesPreserved();
  }
};
} // namespace
