//===- Autodiff.cpp - uscale-autodiff -------------------------------------===//
//
// Reverse-mode differentiation of a forward function into a train step.
// The unit-scaling twist is one line per op: each operand's vector-Jacobian
// product of the *unscaled* op is multiplied by that operand's beta, never by
// the forward alpha (spec section 1).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <numeric>

namespace mlir::uscale {
#define GEN_PASS_DEF_AUTODIFF
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {

RankedTensorType tensorOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

int64_t normAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Builds the backward ops of one function.
class GradientBuilder {
public:
  GradientBuilder(OpBuilder &b) : b(b) {}

  Value zeros(Location loc, Type type) {
    auto t = cast<RankedTensorType>(type);
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, b.getFloatAttr(t.getElementType(), 0.0)));
  }

  /// v * m. When `fresh` (v was just built for this one operand and has no
  /// other reader), a matmul/linear/sum_to takes m as its epilogue alpha,
  /// which a GEMM kernel applies for free; otherwise a scale op.
  Value multiply(Location loc, Value v, double m, bool fresh) {
    if (m == 1.0)
      return v;
    Operation *def = v.getDefiningOp();
    if (fresh && def && v.use_empty() &&
        isa<MatMulOp, LinearOp, SumToOp, BroadcastToOp, ActivationGradOp,
            SoftmaxGradOp, ScatterAddOp, SoftmaxCrossEntropyGradOp>(def) &&
        !def->hasAttr("scales")) {
      SmallVector<double> ones(def->getNumOperands(), 1.0);
      def->setAttr("scales", ScalesAttr::get(b.getContext(), m, ones));
      return v;
    }
    return ScaleOp::create(b, loc, v.getType(), v, b.getF64FloatAttr(m),
                           b.getF64FloatAttr(m), /*scales=*/nullptr);
  }

  /// The gradient `g` (shaped like a broadcast result) summed back to the
  /// shape of `operand`.
  Value sumTo(Location loc, Value g, Value operand) {
    if (g.getType() == operand.getType())
      return g;
    return SumToOp::create(b, loc, operand.getType(), g, /*scales=*/nullptr);
  }

  Value reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
    auto t = RankedTensorType::get(shape, tensorOf(v).getElementType());
    if (t == v.getType())
      return v;
    return ReshapeOp::create(b, loc, t, v, /*scales=*/nullptr);
  }

  Value swapLastTwo(Location loc, Value v) {
    int64_t r = tensorOf(v).getRank();
    SmallVector<int64_t> perm(r);
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[r - 1], perm[r - 2]);
    return TransposeOp::create(b, loc, v, perm, /*scales=*/nullptr);
  }

  /// Fills `out[i]` with the plain VJP (df/dx_i)^T g for each differentiable
  /// operand and `mult[i]` with an extra factor that belongs to the VJP
  /// (a sign, 1/n of a mean, sqrt(tau) of a weighted add).
  LogicalResult vjp(Operation *op, ArrayRef<Value> g, SmallVectorImpl<Value> &out,
                    SmallVectorImpl<double> &mult);

private:
  OpBuilder &b;
};

LogicalResult GradientBuilder::vjp(Operation *op, ArrayRef<Value> g,
                                   SmallVectorImpl<Value> &out,
                                   SmallVectorImpl<double> &mult) {
  Location loc = op->getLoc();
  out.assign(op->getNumOperands(), Value());
  mult.assign(op->getNumOperands(), 1.0);
  Value g0 = g.empty() ? Value() : g[0];
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](MatMulOp m) {
        // dA = g B^T, dB = A^T g, each summed over broadcast batch dims.
        Value dA = MatMulOp::create(b, loc, g0, swapLastTwo(loc, m.getRhs()),
                                    nullptr);
        out[0] = sumTo(loc, dA, m.getLhs());
        auto lhsType = tensorOf(m.getLhs()), rhsType = tensorOf(m.getRhs());
        if (rhsType.getRank() == 2 && lhsType.getRank() > 2) {
          // A weight shared by every batch element: one GEMM over all rows,
          // dB = A2^T g2 with A2 [rows, K], g2 [rows, N], instead of a
          // batched product and a sum (half the work, no [batch, K, N]
          // temporary, and a 2-D GEMM the FP8 kernels take).
          int64_t k = rhsType.getDimSize(0), n = rhsType.getDimSize(1);
          int64_t rows = lhsType.getNumElements() / k;
          Value a2 = reshape(loc, m.getLhs(), {rows, k});
          Value g2 = reshape(loc, g0, {rows, n});
          out[1] = MatMulOp::create(b, loc, swapLastTwo(loc, a2), g2, nullptr);
          return success();
        }
        Value dB = MatMulOp::create(b, loc, swapLastTwo(loc, m.getLhs()), g0,
                                    nullptr);
        out[1] = sumTo(loc, dB, m.getRhs());
        return success();
      })
      .Case([&](LinearOp l) {
        bool t = l.getTransposeWeight();
        int64_t fanIn = l.getFanIn(), fanOut = l.getFanOut();
        int64_t rows = tensorOf(l.getInput()).getNumElements() / fanIn;
        // dX = g W^T: a linear with the weight's transpose flag flipped.
        out[0] = LinearOp::create(b, loc, g0, l.getWeight(), Value(),
                                  t ? nullptr : b.getUnitAttr(), nullptr);
        Value x2 = reshape(loc, l.getInput(), {rows, fanIn});
        Value g2 = reshape(loc, g0, {rows, fanOut});
        out[1] = t ? MatMulOp::create(b, loc, swapLastTwo(loc, g2), x2, nullptr)
                        .getResult()
                   : MatMulOp::create(b, loc, swapLastTwo(loc, x2), g2, nullptr)
                         .getResult();
        if (l.getBias())
          out[2] = sumTo(loc, g0, l.getBias());
        return success();
      })
      .Case([&](AddOp a) {
        out[0] = sumTo(loc, g0, a.getLhs());
        out[1] = sumTo(loc, g0, a.getRhs());
        return success();
      })
      .Case([&](SubOp s) {
        out[0] = sumTo(loc, g0, s.getLhs());
        out[1] = sumTo(loc, g0, s.getRhs());
        mult[1] = -1.0;
        return success();
      })
      .Case([&](MulOp m) {
        out[0] = sumTo(loc, MulOp::create(b, loc, g0, m.getRhs(), nullptr),
                       m.getLhs());
        out[1] = sumTo(loc, MulOp::create(b, loc, g0, m.getLhs(), nullptr),
                       m.getRhs());
        return success();
      })
      .Case([&](ReluOp o) {
        out[0] = ActivationGradOp::create(b, loc, o.getInput(), g0,
                                          ActivationKind::Relu, nullptr);
        return success();
      })
      .Case([&](GeluOp o) {
        out[0] = ActivationGradOp::create(
            b, loc, o.getInput(), g0,
            o.getApproximate() == GeluApproximation::Tanh
                ? ActivationKind::GeluTanh
                : ActivationKind::Gelu,
            nullptr);
        return success();
      })
      .Case([&](TanhOp o) {
        out[0] = ActivationGradOp::create(b, loc, o.getInput(), g0,
                                          ActivationKind::Tanh, nullptr);
        return success();
      })
      .Case([&](SigmoidOp o) {
        out[0] = ActivationGradOp::create(b, loc, o.getInput(), g0,
                                          ActivationKind::Sigmoid, nullptr);
        return success();
      })
      .Case([&](DropoutOp d) {
        // The same seed draws the same mask: dropout is linear given it.
        out[0] = DropoutOp::create(b, loc, g0, d.getRatioAttr(),
                                   d.getSeedAttr(), nullptr);
        return success();
      })
      .Case([&](SoftmaxOp s) {
        out[0] = SoftmaxGradOp::create(b, loc, s.getInput(), g0,
                                       s.getAxisAttr(), nullptr);
        return success();
      })
      .Case<LayerNormOp, RMSNormOp>([&](auto n) {
        bool rms = std::is_same_v<decltype(n), RMSNormOp>;
        auto x = tensorOf(n.getInput());
        int64_t axis = normAxis(static_cast<int64_t>(n.getAxis()), x.getRank());
        auto affine = RankedTensorType::get(x.getShape().drop_front(axis),
                                            x.getElementType());
        auto ng = NormGradOp::create(
            b, loc, TypeRange{x, affine, affine}, n.getInput(), n.getGain(), g0,
            n.getAxisAttr(), n.getEpsilonAttr(),
            rms ? b.getUnitAttr() : nullptr);
        out[0] = ng.getDInput();
        if (n.getGain())
          out[1] = ng.getDGain();
        if constexpr (std::is_same_v<decltype(n), LayerNormOp>)
          if (n.getBias())
            out[n.getGain() ? 2 : 1] = ng.getDBias();
        return success();
      })
      .Case([&](GatherOp gth) {
        out[0] = ScatterAddOp::create(b, loc, gth.getData().getType(), g0,
                                      gth.getIndices(), gth.getAxisAttr(),
                                      nullptr);
        return success();
      })
      .Case<ReduceSumOp, ReduceMeanOp>([&](auto r) {
        auto x = tensorOf(r.getInput());
        SmallVector<int64_t> kept(x.getShape());
        for (int64_t a : r.getAxes())
          kept[normAxis(a, x.getRank())] = 1;
        Value gk = reshape(loc, g0, kept);
        out[0] = BroadcastToOp::create(b, loc, x, gk, nullptr);
        if constexpr (std::is_same_v<decltype(r), ReduceMeanOp>)
          mult[0] = 1.0 / double(r.getReductionSize());
        return success();
      })
      .Case([&](ReshapeOp r) {
        out[0] = reshape(loc, g0, tensorOf(r.getInput()).getShape());
        return success();
      })
      .Case([&](TransposeOp t) {
        ArrayRef<int64_t> perm = t.getPerm();
        SmallVector<int64_t> inv(perm.size());
        for (size_t i = 0; i < perm.size(); ++i)
          inv[perm[i]] = i;
        out[0] = TransposeOp::create(b, loc, g0, inv, nullptr);
        return success();
      })
      .Case([&](ConcatOp c) {
        int64_t rank = tensorOf(c.getResult()).getRank();
        int64_t axis = normAxis(static_cast<int64_t>(c.getAxis()), rank);
        int64_t offset = 0;
        for (auto [i, in] : llvm::enumerate(c.getInputs())) {
          int64_t size = tensorOf(in).getDimSize(axis);
          out[i] = SliceOp::create(b, loc, g0, ArrayRef<int64_t>{offset},
                                   ArrayRef<int64_t>{offset + size},
                                   ArrayRef<int64_t>{axis},
                                   ArrayRef<int64_t>{1}, nullptr);
          offset += size;
        }
        return success();
      })
      .Case([&](SplitOp s) {
        SmallVector<Value> parts;
        for (auto [r, gr] : llvm::zip(s.getResults(), g))
          parts.push_back(gr ? gr : zeros(loc, r.getType()));
        out[0] = ConcatOp::create(b, loc, parts, s.getAxisAttr(), nullptr);
        return success();
      })
      .Case([&](SliceOp s) {
        out[0] = SliceGradOp::create(b, loc, s.getInput().getType(), g0,
                                     s.getStartsAttr(), s.getEndsAttr(),
                                     s.getAxesAttr(), s.getStepsAttr());
        return success();
      })
      .Case([&](SoftmaxCrossEntropyOp l) {
        out[0] = SoftmaxCrossEntropyGradOp::create(
            b, loc, l.getLogits().getType(), l.getLogits(), l.getLabels(), g0,
            nullptr);
        // The grad op is the VJP of the summed loss. Unscaled, the op is the
        // mean, whose true derivative carries 1/N; scaled, beta replaces it.
        if (!l.getScalesAttr())
          mult[0] = 1.0 / double(l.getNumRows());
        return success();
      })
      .Case([&](ScaleOp s) {
        out[0] = g0;
        return success();
      })
      .Case([&](WeightedAddOp w) {
        double tau = w.getTau().convertToDouble();
        out[0] = g0;
        out[1] = g0;
        mult[0] = std::sqrt(tau);
        mult[1] = std::sqrt(1.0 - tau);
        return success();
      })
      .Case([&](ResidualSplitOp) {
        out[0] = g0;
        return success();
      })
      .Default([&](Operation *other) {
        return other->emitOpError("cannot be differentiated by uscale-autodiff");
      });
}

/// Erases `op` and, transitively, producers left without uses, as long as
/// they are side-effect free backward ops built here.
void eraseIfDead(Operation *op) {
  SmallVector<Operation *> work{op};
  while (!work.empty()) {
    Operation *o = work.pop_back_val();
    if (!o->use_empty() || !isPure(o) || isa<func::ReturnOp>(o))
      continue;
    SmallVector<Operation *> producers;
    for (Value v : o->getOperands())
      if (Operation *d = v.getDefiningOp())
        producers.push_back(d);
    o->erase();
    for (Operation *d : producers)
      if (d->use_empty() && !isa<ParameterOp>(d))
        work.push_back(d);
  }
}

/// Turns the parameters of `func` into its leading arguments, in order of
/// appearance; names and initialisers travel as argument attributes so a
/// runner can own and initialise the storage.
FailureOr<SmallVector<BlockArgument>> liftParameters(func::FuncOp func) {
  OpBuilder b(func.getContext());
  SmallVector<ParameterOp> paramOps(func.getBody().front().getOps<ParameterOp>());
  SmallVector<BlockArgument> params;
  for (auto [i, p] : llvm::enumerate(paramOps)) {
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("uscale.param", p.getSymNameAttr()),
        b.getNamedAttr("uscale.init",
                       b.getStringAttr(stringifyInitKind(p.getInit())))};
    if (auto v = p.getValueAttr())
      attrs.push_back(b.getNamedAttr("uscale.value", v));
    if (failed(func.insertArgument(i, p.getType(), b.getDictionaryAttr(attrs),
                                   p.getLoc())))
      return failure();
    params.push_back(func.getArgument(i));
    p.getResult().replaceAllUsesWith(params.back());
    p.erase();
  }
  return params;
}

/// beta_i of a forward op: its chosen scales, the built-in factors of
/// fixed-scale ops, or 1 for an unscaled op (exact gradient).
SmallVector<double> backwardScales(Operation *op) {
  auto scaled = dyn_cast<ScaledOpInterface>(op);
  if (scaled) {
    if (ScalesAttr s = scaled.getScalesAttr())
      return SmallVector<double>(s.getBetaValues());
    if (scaled.hasFixedScales())
      if (FailureOr<Scales> s = scaled.computeIdealScales(); succeeded(s))
        return SmallVector<double>(s->beta.begin(), s->beta.end());
  }
  return SmallVector<double>(op->getNumOperands(), 1.0);
}

struct AutodiffPass : public uscale::impl::AutodiffBase<AutodiffPass> {
  using AutodiffBase::AutodiffBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (optimizer != "none" && optimizer != "sgd" && optimizer != "adam")
      return emitError(UnknownLoc::get(ctx))
             << "uscale-autodiff: unknown optimizer '" << optimizer
             << "' (expected none, sgd or adam)";
    return success();
  }

  void runOnOperation() override {
    SmallVector<func::FuncOp> forwards;
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      if (f.isExternal() || f.getNumResults() == 0 ||
          f.getSymName().ends_with("_train_step"))
        continue;
      auto t = dyn_cast<RankedTensorType>(f.getResultTypes()[0]);
      if (t && t.getRank() == 0 && isa<FloatType>(t.getElementType()))
        forwards.push_back(f);
    }
    if (forwards.empty()) {
      getOperation().emitError(
          "uscale-autodiff: no function returns a scalar float loss as its "
          "first result");
      return signalPassFailure();
    }
    for (func::FuncOp f : forwards) {
      if (failed(buildTrainStep(f)))
        return signalPassFailure();
      // The forward keeps its name and takes the same leading parameter
      // arguments: it is the evaluation entry point, and what finite
      // differences of the compiled model differentiate.
      if (failed(liftParameters(f)))
        return signalPassFailure();
    }
  }

  LogicalResult buildTrainStep(func::FuncOp forward);
  void appendOptimizer(OpBuilder &b, Location loc, func::FuncOp step,
                       ArrayRef<BlockArgument> params, ArrayRef<Value> grads,
                       Value loss);
};

/// Tags the ops that compute a parameter's gradient contribution with
/// `uscale.param_grad`: the op defining `v`, and the ops of the same vjp
/// (created after `last`) used only by tagged ops. Passes that treat
/// parameter gradients apart from activation gradients read the tag
/// (uscale-instrument-stats: parameter gradients feed the f32 optimizer,
/// not an FP8 matmul).
static void markParameterGradient(Value v, Operation *last, Operation *ret) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return;
  StringRef tag = "uscale.param_grad";
  UnitAttr unit = UnitAttr::get(def->getContext());
  auto onlyFeedsParameterGradients = [&](Operation *op) {
    return !op->use_empty() && llvm::all_of(op->getUsers(), [&](Operation *u) {
      return u == ret || u->hasAttr(tag);
    });
  };
  // A multi-result op (norm_grad) may also compute an activation gradient:
  // tag it only when all its results go to parameter gradients.
  if (def->getNumResults() == 1 || onlyFeedsParameterGradients(def))
    def->setAttr(tag, unit);
  for (Operation *op = def->getPrevNode(); op && op != last;
       op = op->getPrevNode())
    if (onlyFeedsParameterGradients(op))
      op->setAttr(tag, unit);
}

LogicalResult AutodiffPass::buildTrainStep(func::FuncOp forward) {
  OpBuilder b(forward->getContext());
  b.setInsertionPointAfter(forward);
  auto step = cast<func::FuncOp>(b.clone(*forward));
  step.setSymName((forward.getSymName() + "_train_step").str());
  Block &body = step.getBody().front();

  FailureOr<SmallVector<BlockArgument>> lifted = liftParameters(step);
  if (failed(lifted))
    return failure();
  SmallVector<BlockArgument> params = std::move(*lifted);

  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Value loss = ret.getOperand(0);
  b.setInsertionPoint(ret);
  GradientBuilder gb(b);
  DenseMap<Value, Value> grad;
  SmallVector<Operation *> deadCandidates;
  // (parameter gradient contribution, op before its vjp): tagged once the
  // whole backward exists, when every value's users are known.
  SmallVector<std::pair<Value, Operation *>> paramGradients;
  auto lossType = cast<RankedTensorType>(loss.getType());
  auto seed = arith::ConstantOp::create(
      b, ret.getLoc(),
      DenseElementsAttr::get(lossType,
                             b.getFloatAttr(lossType.getElementType(), 1.0)));
  // Marks where gradients start, for passes that treat them differently
  // (uscale-cast-fp8 gives gradients E5M2).
  seed->setAttr("uscale.grad_seed", b.getUnitAttr());
  grad[loss] = seed;

  // Only values that depend on a parameter need gradients: the backward
  // stops at the data inputs instead of computing their unused gradients.
  DenseSet<Value> needsGrad(params.begin(), params.end());
  SmallVector<Operation *> forwardOps;
  for (Operation &op : body.without_terminator()) {
    forwardOps.push_back(&op);
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return needsGrad.contains(v); }))
      needsGrad.insert(op.result_begin(), op.result_end());
  }
  for (Operation *op : llvm::reverse(forwardOps)) {
    SmallVector<Value> g;
    bool any = false;
    for (Value r : op->getResults()) {
      g.push_back(grad.lookup(r));
      any |= bool(g.back());
    }
    if (!any)
      continue;
    if (op->getNumResults() == 1 && !g[0])
      continue;
    SmallVector<Value> vjps;
    SmallVector<double> mult;
    Operation *last = ret->getPrevNode(); // ops after it are this vjp's
    if (failed(gb.vjp(op, g, vjps, mult)))
      return failure();
    SmallVector<double> beta = backwardScales(op);
    auto scaled = dyn_cast<ScaledOpInterface>(op);
    for (unsigned i = 0; i < op->getNumOperands(); ++i) {
      if (!vjps[i] || !needsGrad.contains(op->getOperand(i)) ||
          (scaled && !scaled.isDifferentiableOperand(i))) {
        if (vjps[i] && vjps[i].use_empty() && vjps[i].getDefiningOp() &&
            !llvm::is_contained(g, vjps[i]))
          deadCandidates.push_back(vjps[i].getDefiningOp());
        continue;
      }
      Value operand = op->getOperand(i);
      bool fresh = llvm::count(vjps, vjps[i]) == 1 &&
                   !llvm::is_contained(g, vjps[i]);
      Value gi = gb.multiply(op->getLoc(), vjps[i], beta[i] * mult[i], fresh);
      Value &acc = grad[operand];
      acc = acc ? AddOp::create(b, op->getLoc(), acc, gi, nullptr).getResult()
                : gi;
      if (llvm::is_contained(params, operand))
        paramGradients.push_back({acc, last});
    }
  }

  for (auto [v, last] : llvm::reverse(paramGradients))
    markParameterGradient(v, last, ret);

  // Backward ops built for operands that turned out not to need a
  // gradient (e.g. the data input of the first layer).
  for (Operation *dead : llvm::reverse(deadCandidates))
    eraseIfDead(dead);

  SmallVector<Value> paramGrads;
  for (BlockArgument p : params) {
    Value g = grad.lookup(p);
    paramGrads.push_back(g ? g : gb.zeros(p.getLoc(), p.getType()));
  }
  appendOptimizer(b, ret.getLoc(), step, params, paramGrads, loss);
  ret.erase();
  return success();
}

void AutodiffPass::appendOptimizer(OpBuilder &b, Location loc,
                                   func::FuncOp step,
                                   ArrayRef<BlockArgument> params,
                                   ArrayRef<Value> grads, Value loss) {
  SmallVector<Value> results{loss};
  auto splat = [&](Type type, double v) -> Value {
    auto t = cast<RankedTensorType>(type);
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, b.getFloatAttr(t.getElementType(), v)));
  };
  if (optimizer == "none") {
    llvm::append_range(results, grads);
  } else if (optimizer == "sgd") {
    for (auto [p, g] : llvm::zip(params, grads)) {
      Value step_ = arith::MulFOp::create(b, loc, splat(p.getType(), lr), g);
      results.push_back(arith::SubFOp::create(b, loc, p, step_));
    }
  } else {
    // Adam state arguments follow the parameters: m..., v..., step.
    unsigned n = params.size();
    SmallVector<BlockArgument> ms, vs;
    for (unsigned k = 0; k < 2; ++k)
      for (auto [i, p] : llvm::enumerate(params)) {
        unsigned idx = n + k * n + i;
        auto name = step.getArgAttrOfType<StringAttr>(i, "uscale.param");
        (void)step.insertArgument(
            idx, p.getType(),
            b.getDictionaryAttr(b.getNamedAttr(k ? "uscale.adam_v"
                                                 : "uscale.adam_m",
                                               name)),
            loc);
        (k ? vs : ms).push_back(step.getArgument(idx));
      }
    auto scalarType = RankedTensorType::get({}, b.getF32Type());
    (void)step.insertArgument(3 * n, scalarType,
                              b.getDictionaryAttr(b.getNamedAttr(
                                  "uscale.adam_step", b.getUnitAttr())),
                              loc);
    Value t = step.getArgument(3 * n);
    // Bias corrections 1 - beta^t, computed once on the scalar step.
    auto correction = [&](double beta) -> Value {
      Value pw = math::PowFOp::create(b, loc, splat(scalarType, beta), t);
      return arith::SubFOp::create(b, loc, splat(scalarType, 1.0), pw);
    };
    Value c1 = correction(beta1), c2 = correction(beta2);
    SmallVector<Value> newP, newM, newV;
    for (unsigned i = 0; i < n; ++i) {
      Type ty = params[i].getType();
      Value g = grads[i];
      Value m = arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, splat(ty, beta1), ms[i]),
          arith::MulFOp::create(b, loc, splat(ty, 1.0 - beta1), g));
      Value g2 = arith::MulFOp::create(b, loc, g, g);
      Value v = arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, splat(ty, beta2), vs[i]),
          arith::MulFOp::create(b, loc, splat(ty, 1.0 - beta2), g2));
      Value mHat = arith::DivFOp::create(
          b, loc, m, BroadcastToOp::create(b, loc, ty, c1, nullptr));
      Value vHat = arith::DivFOp::create(
          b, loc, v, BroadcastToOp::create(b, loc, ty, c2, nullptr));
      Value denom = arith::AddFOp::create(
          b, loc, math::SqrtOp::create(b, loc, vHat), splat(ty, epsilon));
      Value upd = arith::MulFOp::create(
          b, loc, splat(ty, lr), arith::DivFOp::create(b, loc, mHat, denom));
      newP.push_back(arith::SubFOp::create(b, loc, params[i], upd));
      newM.push_back(m);
      newV.push_back(v);
    }
    llvm::append_range(results, newP);
    llvm::append_range(results, newM);
    llvm::append_range(results, newV);
  }
  func::ReturnOp::create(b, loc, results);
  step.setFunctionType(b.getFunctionType(
      step.getBody().front().getArgumentTypes(), TypeRange(results)));
}

} // namespace
