//===- InstrumentStats.cpp - uscale-instrument-stats ----------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "unit-scale/Dialect/UScale/IR/UScaleMasks.h"

#include "mlir/IR/Builders.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_INSTRUMENTSTATS
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
std::string nameOf(Operation *op, unsigned result) {
  std::string name;
  Location loc = op->getLoc();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (isa<NameLoc>(l))
        loc = l;
  if (auto n = dyn_cast<NameLoc>(loc))
    name = n.getName().str();
  else
    name = op->getName().stripDialect().str();
  if (isa<ResidualSplitOp>(op)) // shares its weighted add's name
    name += ".split";
  if (op->getNumResults() > 1)
    name += "#" + std::to_string(result);
  return name;
}

/// True for the result of adding a constant mask (UScaleMasks.h, e.g. a
/// causal mask's -1e9): its std measures the mask, not the data, and no
/// FP8 cast ever sees it.
bool isMaskAdd(Operation *op) {
  return isa<AddOp, SubOp>(op) && llvm::any_of(op->getOperands(), [](Value v) {
           return bool(getConstantMask(v));
         });
}

/// Backward ops are the ones that depend on autodiff's loss seed.
DenseSet<Value> gradientValues(Block &body) {
  DenseSet<Value> grads;
  for (Operation &op : body)
    if (op.hasAttr("uscale.grad_seed") ||
        llvm::any_of(op.getOperands(),
                     [&](Value v) { return grads.contains(v); }))
      grads.insert(op.result_begin(), op.result_end());
  return grads;
}

/// sqrt(mean((x - mean x)^2)) over all elements, as a rank-0 tensor.
Value buildStd(OpBuilder &b, Location loc, Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  auto flatType = RankedTensorType::get({t.getNumElements()}, t.getElementType());
  auto scalarType = RankedTensorType::get({}, t.getElementType());
  Value flat = x;
  if (t != flatType)
    flat = ReshapeOp::create(b, loc, flatType, x, nullptr);
  auto mean = [&](Value v) -> Value {
    return ReduceMeanOp::create(b, loc, scalarType, v,
                                b.getDenseI64ArrayAttr({0}),
                                b.getBoolAttr(false), nullptr);
  };
  Value mu = BroadcastToOp::create(b, loc, flatType, mean(flat), nullptr);
  Value d = SubOp::create(b, loc, flat, mu, nullptr);
  Value var = mean(MulOp::create(b, loc, d, d, nullptr));
  return math::SqrtOp::create(b, loc, var);
}

/// A parameter gradient (or a partial of one): uscale-autodiff tags the
/// ops that compute them. A multi-result op may compute both kinds
/// (norm_grad: input, gain and bias gradients): its result counts as a
/// parameter gradient when only tagged ops (or the return) use it.
bool isParameterGradient(OpResult r) {
  Operation *op = r.getOwner();
  if (op->hasAttr("uscale.param_grad"))
    return true;
  return op->getNumResults() > 1 && !r.use_empty() &&
         llvm::all_of(r.getUsers(), [](Operation *u) {
           return isa<func::ReturnOp>(u) || u->hasAttr("uscale.param_grad");
         });
}

/// A scaled gradient used only by the add that accumulates it into a
/// fan-out's gradient.
bool isPartialTerm(Operation *op) {
  if (!isa<ScaleOp>(op) || op->hasAttr("uscale.param_grad") ||
      !op->getResult(0).hasOneUse())
    return false;
  return isa<AddOp>(*op->getResult(0).getUsers().begin());
}

struct InstrumentStatsPass
    : public uscale::impl::InstrumentStatsBase<InstrumentStatsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    DenseSet<Value> grads = gradientValues(body);
    SmallVector<std::pair<Value, std::string>> tracked;
    bool inBackward = false;
    for (Operation &op : body.without_terminator()) {
      inBackward |= op.hasAttr("uscale.grad_seed");
      if (op.getDialect() != op.getContext()->getLoadedDialect<UScaleDialect>() ||
          isa<ParameterOp>(op))
        continue;
      // In the backward, only gradients: other values there (transposed
      // activations for weight gradients) repeat forward tensors.
      if (inBackward && !grads.contains(op.getResult(0)))
        continue;
      if (isMaskAdd(&op))
        continue;
      // A reshape or transpose that only lays out an operand of a weight
      // gradient GEMM (the flattened activation gradient) repeats a tensor
      // already listed; named after the GEMM, it would read as the weight
      // gradient itself.
      if (isa<ReshapeOp, TransposeOp>(op) && op.hasAttr("uscale.param_grad"))
        continue;
      // A weighted term of a gradient sum (a residual split's sqrt(tau) *
      // grad_branch, a weighted add's sqrt(1 - tau) * grad_y) is below unit
      // by design (spec section 5) and is no tensor's gradient: the sum it
      // feeds is listed. The forward's weighted add has no such terms.
      if (inBackward && isPartialTerm(&op))
        continue;
      for (OpResult r : op.getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!t || t.getRank() == 0 || !isa<FloatType>(t.getElementType()) ||
            !t.hasStaticShape())
          continue;
        std::string name = nameOf(&op, r.getResultNumber());
        // Parameter gradients feed the f32 optimizer, not an FP8 matmul.
        tracked.push_back({r, !grads.contains(r)       ? name
                              : isParameterGradient(r) ? "wgrad:" + name
                                                       : "grad:" + name});
      }
    }
    OpBuilder b(ret);
    SmallVector<Value> results(ret.getOperands());
    SmallVector<Attribute> names;
    for (auto &[v, name] : tracked) {
      results.push_back(buildStd(b, v.getLoc(), v));
      names.push_back(b.getStringAttr(name));
      ++numStats;
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    func.setFunctionType(
        b.getFunctionType(func.getArgumentTypes(), TypeRange(results)));
    func->setAttr("uscale.stat_names", b.getArrayAttr(names));
  }
};
} // namespace
