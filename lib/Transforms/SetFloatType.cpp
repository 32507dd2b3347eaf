//===- SetFloatType.cpp - uscale-set-float-type ---------------------------===//
//
// Retypes a model's f32 tensors (and f32 constants) in place. The uscale ops
// are element-type generic, so changing every type and constant at once
// keeps the module valid; only FP8 casts, defined on f32, are refused.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_SETFLOATTYPE
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
struct SetFloatTypePass
    : public uscale::impl::SetFloatTypeBase<SetFloatTypePass> {
  using SetFloatTypeBase::SetFloatTypeBase;

  FloatType target;

  LogicalResult initialize(MLIRContext *ctx) override {
    Builder b(ctx);
    target = llvm::StringSwitch<FloatType>(type)
                 .Case("f16", b.getF16Type())
                 .Case("bf16", b.getBF16Type())
                 .Case("f32", b.getF32Type())
                 .Case("f64", b.getF64Type())
                 .Default(nullptr);
    if (!target)
      return emitError(UnknownLoc::get(ctx))
             << "uscale-set-float-type: unknown type '" << type
             << "' (expected f16, bf16, f32 or f64)";
    return success();
  }

  Type convert(Type t) const {
    if (t.isF32())
      return target;
    if (auto s = dyn_cast<ShapedType>(t); s && s.getElementType().isF32())
      return s.clone(target);
    return t;
  }

  Attribute convert(Attribute a) const {
    if (auto d = dyn_cast<DenseFPElementsAttr>(a);
        d && d.getElementType().isF32())
      return d.mapValues(target, [&](const APFloat &v) {
        APFloat c = v;
        bool lost;
        c.convert(target.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &lost);
        return c.bitcastToAPInt();
      });
    if (auto t = dyn_cast<TypeAttr>(a))
      return TypeAttr::get(convertFunctionOrType(t.getValue()));
    return a;
  }

  Type convertFunctionOrType(Type t) const {
    auto f = dyn_cast<FunctionType>(t);
    if (!f)
      return convert(t);
    SmallVector<Type> ins, outs;
    for (Type i : f.getInputs())
      ins.push_back(convert(i));
    for (Type o : f.getResults())
      outs.push_back(convert(o));
    return FunctionType::get(f.getContext(), ins, outs);
  }

  DictionaryAttr convert(DictionaryAttr dict) const {
    if (!dict)
      return dict;
    SmallVector<NamedAttribute> attrs;
    for (NamedAttribute n : dict)
      attrs.push_back({n.getName(), convert(n.getValue())});
    return DictionaryAttr::get(dict.getContext(), attrs);
  }

  void runOnOperation() override {
    // Walk iteratively (no recursion on the input's nesting): every op's
    // attributes and result types, every block argument.
    WalkResult r = getOperation()->walk([&](Operation *op) -> WalkResult {
      if (isa<QuantizeOp>(op) && !target.isF32()) {
        op->emitOpError("is an FP8 cast defined on f32; run "
                        "uscale-set-float-type before uscale-cast-fp8");
        return WalkResult::interrupt();
      }
      // A scalar constant's attribute carries its type; other float
      // attributes (dropout's ratio, ...) are op parameters, not data.
      if (auto c = dyn_cast<arith::ConstantOp>(op))
        if (auto f = dyn_cast<FloatAttr>(c.getValue()); f && f.getType().isF32())
          c.setValueAttr(FloatAttr::get(target, f.getValueAsDouble()));
      for (NamedAttribute n : op->getAttrs()) {
        Attribute a = n.getValue();
        if (auto arr = dyn_cast<ArrayAttr>(a)) {
          // Argument/result attribute lists of functions.
          SmallVector<Attribute> elems;
          for (Attribute e : arr)
            elems.push_back(isa<DictionaryAttr>(e)
                                ? convert(cast<DictionaryAttr>(e))
                                : convert(e));
          op->setAttr(n.getName(), ArrayAttr::get(op->getContext(), elems));
        } else {
          op->setAttr(n.getName(), convert(a));
        }
      }
      for (OpResult res : op->getResults())
        res.setType(convert(res.getType()));
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            arg.setType(convert(arg.getType()));
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
