//===- ParametersToArguments.cpp - uscale-parameters-to-arguments ---------===//
#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_PARAMETERSTOARGUMENTS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct ParametersToArgumentsPass
    : public uscale::impl::ParametersToArgumentsBase<
          ParametersToArgumentsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool failedAny = false;
    for (auto f : module.getOps<func::FuncOp>()) {
      if (f.isExternal())
        continue;
      SmallVector<ParameterOp> params(f.getBody().front().getOps<ParameterOp>());
      // Parameters nested in regions cannot become arguments.
      f.walk([&](ParameterOp p) {
        if (p->getParentOp() != f) {
          p.emitOpError("must be at the top level of its function");
          failedAny = true;
        }
      });
      if (params.empty())
        continue;
      if (!SymbolTable::symbolKnownUseEmpty(f, module)) {
        f.emitOpError("has parameters but is called: cannot change its "
                      "signature");
        failedAny = true;
        continue;
      }
      OpBuilder b(f.getContext());
      for (auto [i, p] : llvm::enumerate(params)) {
        SmallVector<NamedAttribute> attrs{
            b.getNamedAttr("uscale.param", p.getSymNameAttr()),
            b.getNamedAttr("uscale.init",
                           b.getStringAttr(stringifyInitKind(p.getInit())))};
        if (auto v = p.getValueAttr())
          attrs.push_back(b.getNamedAttr("uscale.value", v));
        if (failed(f.insertArgument(i, p.getType(), b.getDictionaryAttr(attrs),
                                    p.getLoc()))) {
          failedAny = true;
          break;
        }
        p.getResult().replaceAllUsesWith(f.getArgument(i));
        p.erase();
      }
    }
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
