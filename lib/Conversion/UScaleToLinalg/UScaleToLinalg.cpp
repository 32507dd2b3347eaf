//===- UScaleToLinalg.cpp - the uscale-to-linalg pass ---------------------===//
//
// A full dialect conversion: the uscale dialect is illegal, everything else
// is legal, so any uscale op without a lowering fails the pass with its
// name. Ops are lowered one family per file (Elementwise, Contraction,
// Normalization, DataMovement).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_USCALETOLINALG
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct UScaleToLinalgPass
    : public uscale::impl::UScaleToLinalgBase<UScaleToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Parameters without data have no value to lower to: say what to do.
    bool bad = false;
    func.walk([&](ParameterOp p) {
      if (!p.getValueAttr()) {
        p.emitOpError("'")
            << p.getSymName()
            << "' has no initializer data: run uscale-autodiff first or "
               "pass parameters as arguments";
        bad = true;
      }
    });
    if (bad)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<UScaleDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    lowering::populateElementwisePatterns(patterns);
    lowering::populateContractionPatterns(patterns);
    lowering::populateNormalizationPatterns(patterns);
    lowering::populateDataMovementPatterns(patterns);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
