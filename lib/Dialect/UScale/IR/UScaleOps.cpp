//===- UScaleOps.cpp - verifiers and shape inference ----------------------===//
//
// Shape inference lives here so that the importers never compute shapes
// themselves: they build ops and read the inferred result types, and a shape
// error is reported by the op, at the node's location.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"

#include <numeric>

using namespace mlir;
using namespace mlir::uscale;

namespace {
/// Maps a possibly negative axis into [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

LogicalResult checkStatic(std::optional<Location> loc, RankedTensorType t,
                          StringRef what) {
  if (!t.hasStaticShape())
    return emitOptionalError(loc, what, " must have a static shape, got ", t);
  return success();
}

LogicalResult sameElementType(std::optional<Location> loc, Type a, Type b,
                              StringRef what) {
  if (getElementTypeOrSelf(a) != getElementTypeOrSelf(b))
    return emitOptionalError(loc, what, " element types differ: ", a, " vs ",
                             b);
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// parameter
//===----------------------------------------------------------------------===//

LogicalResult ParameterOp::verify() {
  if (getSymName().empty())
    return emitOpError("parameter needs a non-empty name");
  if (!getResult().getType().hasStaticShape())
    return emitOpError("parameter must have a static shape");
  if (auto value = getValue()) {
    if (value->getType() != getResult().getType())
      return emitOpError("initializer type ")
             << value->getType() << " does not match parameter type "
             << getResult().getType();
    if (getInit() != InitKind::Data)
      return emitOpError("has an initializer value but init is not 'data'");
  } else if (getInit() == InitKind::Data) {
    return emitOpError("init 'data' needs a 'value' attribute");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcasting elementwise ops
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc, Value lhs,
                                    Value rhs,
                                    SmallVectorImpl<Type> &inferred) {
  auto l = rankedOf(lhs), r = rankedOf(rhs);
  if (failed(sameElementType(loc, l, r, "operand")))
    return failure();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(l.getShape(), r.getShape(), shape))
    return emitOptionalError(loc, "operand shapes ", l, " and ", r,
                             " are not broadcast-compatible");
  inferred.push_back(RankedTensorType::get(shape, l.getElementType()));
  return success();
}

#define USCALE_BROADCAST_INFER(OP)                                             \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferBroadcast(loc, adaptor.getLhs(), adaptor.getRhs(), inferred);  \
  }
USCALE_BROADCAST_INFER(AddOp)
USCALE_BROADCAST_INFER(SubOp)
USCALE_BROADCAST_INFER(MulOp)
#undef USCALE_BROADCAST_INFER

//===----------------------------------------------------------------------===//
// matmul / linear
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto a = rankedOf(adaptor.getLhs()), b = rankedOf(adaptor.getRhs());
  if (failed(sameElementType(loc, a, b, "matmul operand")))
    return failure();
  if (a.getRank() < 2 || b.getRank() < 2)
    return emitOptionalError(loc, "matmul operands need rank >= 2, got ", a,
                             " and ", b);
  int64_t m = a.getDimSize(a.getRank() - 2), k = a.getDimSize(a.getRank() - 1);
  int64_t kb = b.getDimSize(b.getRank() - 2), n = b.getDimSize(b.getRank() - 1);
  if (k != kb && !ShapedType::isDynamic(k) && !ShapedType::isDynamic(kb))
    return emitOptionalError(loc, "matmul contraction sizes differ: ", a,
                             " has k = ", k, " but ", b, " has k = ", kb);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(a.getShape().drop_back(2),
                                          b.getShape().drop_back(2), batch))
    return emitOptionalError(loc, "matmul batch dimensions of ", a, " and ",
                             b, " are not broadcast-compatible");
  batch.push_back(m);
  batch.push_back(n);
  inferred.push_back(RankedTensorType::get(batch, a.getElementType()));
  return success();
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(adaptor.getInput()), w = rankedOf(adaptor.getWeight());
  if (failed(sameElementType(loc, x, w, "linear operand")))
    return failure();
  if (x.getRank() < 1 || w.getRank() != 2)
    return emitOptionalError(loc, "linear needs an input of rank >= 1 and a "
                                  "2-D weight, got ",
                             x, " and ", w);
  bool t = adaptor.getTransposeWeight();
  int64_t fanIn = w.getDimSize(t ? 1 : 0), fanOut = w.getDimSize(t ? 0 : 1);
  if (x.getShape().back() != fanIn)
    return emitOptionalError(loc, "linear input's last dimension ",
                             x.getShape().back(), " does not match weight ",
                             w, t ? " (transposed)" : "", " fan-in ", fanIn);
  if (Value bias = adaptor.getBias()) {
    auto bt = rankedOf(bias);
    if (bt.getRank() != 1 || bt.getDimSize(0) != fanOut)
      return emitOptionalError(loc, "linear bias must be [", fanOut,
                               "], got ", bt);
    if (failed(sameElementType(loc, x, bt, "linear bias")))
      return failure();
  }
  SmallVector<int64_t> shape(x.getShape());
  shape.back() = fanOut;
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

int64_t LinearOp::getFanIn() {
  auto w = rankedOf(getWeight());
  return w.getDimSize(getTransposeWeight() ? 1 : 0);
}
int64_t LinearOp::getFanOut() {
  auto w = rankedOf(getWeight());
  return w.getDimSize(getTransposeWeight() ? 0 : 1);
}

//===----------------------------------------------------------------------===//
// dropout, softmax, norms
//===----------------------------------------------------------------------===//

LogicalResult DropoutOp::verify() {
  double p = getRatio().convertToDouble();
  if (!(p >= 0.0 && p < 1.0))
    return emitOpError("ratio must be in [0, 1), got ") << p;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (!normalizeAxis(getAxis(), getInput().getType().getRank()))
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " is out of range for "
                                << getInput().getType();
  return success();
}

/// Shared by layer_norm and rms_norm: `gain`/`bias` cover the trailing dims.
static LogicalResult inferNorm(std::optional<Location> loc, Value input,
                               ArrayRef<Value> affine, int64_t axis,
                               SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(input);
  auto ax = normalizeAxis(axis, x.getRank());
  if (!ax)
    return emitOptionalError(loc, "normalisation axis ", axis,
                             " is out of range for ", x);
  ArrayRef<int64_t> trailing = x.getShape().drop_front(*ax);
  for (Value v : affine) {
    if (!v)
      continue;
    auto t = rankedOf(v);
    if (t.getShape() != trailing)
      return emitOptionalError(loc, "normalisation gain/bias ", t,
                               " must have the normalised dimensions of ", x);
    if (failed(sameElementType(loc, x, t, "normalisation gain/bias")))
      return failure();
  }
  inferred.push_back(x);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferNorm(loc, adaptor.getInput(),
                   {adaptor.getGain(), adaptor.getBias()}, adaptor.getAxis(),
                   inferred);
}
static LogicalResult verifyEpsilon(Operation *op, APFloat eps) {
  if (!(eps.convertToDouble() >= 0))
    return op->emitOpError("epsilon must be >= 0");
  return success();
}
LogicalResult LayerNormOp::verify() {
  return verifyEpsilon(*this, getEpsilon());
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferNorm(loc, adaptor.getInput(), {adaptor.getGain()},
                   adaptor.getAxis(), inferred);
}
LogicalResult RMSNormOp::verify() {
  return verifyEpsilon(*this, getEpsilon());
}

//===----------------------------------------------------------------------===//
// gather, reductions, data movement
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto data = rankedOf(adaptor.getData());
  auto idx = rankedOf(adaptor.getIndices());
  auto ax = normalizeAxis(adaptor.getAxis(), data.getRank());
  if (!ax)
    return emitOptionalError(loc, "gather axis ", static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for ", data);
  SmallVector<int64_t> shape(data.getShape().take_front(*ax));
  llvm::append_range(shape, idx.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*ax + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

/// Normalised, sorted, duplicate-free reduction axes.
static FailureOr<SmallVector<int64_t>>
normalizeAxes(std::optional<Location> loc, ArrayRef<int64_t> axes,
              int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n)
      return emitOptionalError(loc, "axis ", a, " is out of range for rank ",
                               rank);
    if (llvm::is_contained(out, *n))
      return emitOptionalError(loc, "axis ", a, " is listed twice");
    out.push_back(*n);
  }
  llvm::sort(out);
  return out;
}

template <typename ReduceAdaptor>
static LogicalResult inferReduce(std::optional<Location> loc,
                                 ReduceAdaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(adaptor.getInput());
  auto axes = normalizeAxes(loc, adaptor.getAxes(), x.getRank());
  if (failed(axes))
    return failure();
  if (axes->empty())
    return emitOptionalError(loc, "reduction needs at least one axis");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < x.getRank(); ++d) {
    if (!llvm::is_contained(*axes, d))
      shape.push_back(x.getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

template <typename ReduceOpT> static int64_t reductionSize(ReduceOpT op) {
  auto x = op.getInput().getType();
  int64_t n = 1;
  for (int64_t a : op.getAxes())
    n *= x.getDimSize(*normalizeAxis(a, x.getRank()));
  return n;
}

LogicalResult ReduceSumOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferReduce(loc, adaptor, inferred);
}
int64_t ReduceSumOp::getReductionSize() { return reductionSize(*this); }

LogicalResult ReduceMeanOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferReduce(loc, adaptor, inferred);
}
int64_t ReduceMeanOp::getReductionSize() { return reductionSize(*this); }

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("reshape cannot change the element type");
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError("reshape needs static shapes");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("reshape from ")
           << in << " to " << out << " changes the number of elements ("
           << in.getNumElements() << " vs " << out.getNumElements() << ")";
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != x.getRank())
    return emitOptionalError(loc, "transpose perm has ", perm.size(),
                             " entries for rank ", x.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return emitOptionalError(loc, "transpose perm is not a permutation");
    seen[p] = true;
    shape.push_back(x.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = rankedOf(inputs.front());
  auto ax = normalizeAxis(adaptor.getAxis(), first.getRank());
  if (!ax)
    return emitOptionalError(loc, "concat axis ", static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for ", first);
  SmallVector<int64_t> shape(first.getShape());
  shape[*ax] = 0;
  for (Value v : inputs) {
    auto t = rankedOf(v);
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "concat inputs ", first, " and ", t,
                               " differ in rank or element type");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != *ax && t.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "concat inputs ", first, " and ", t,
                                 " differ outside axis ", *ax);
    shape[*ax] += t.getDimSize(*ax);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(adaptor.getInput());
  auto ax = normalizeAxis(adaptor.getAxis(), x.getRank());
  if (!ax)
    return emitOptionalError(loc, "split axis ", static_cast<int64_t>(adaptor.getAxis()),
                             " is out of range for ", x);
  int64_t total = 0;
  for (int64_t s : adaptor.getSizes()) {
    if (s <= 0)
      return emitOptionalError(loc, "split sizes must be positive");
    total += s;
    SmallVector<int64_t> shape(x.getShape());
    shape[*ax] = s;
    inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  }
  if (total != x.getDimSize(*ax))
    return emitOptionalError(loc, "split sizes add up to ", total,
                             " but axis ", *ax, " of ", x, " has size ",
                             x.getDimSize(*ax));
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto x = rankedOf(adaptor.getInput());
  if (failed(checkStatic(loc, x, "slice input")))
    return failure();
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    axes = adaptor.getAxes(), steps = adaptor.getSteps();
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return emitOptionalError(loc, "slice starts/ends/axes/steps must have "
                                  "the same length");
  auto nAxes = normalizeAxes(loc, axes, x.getRank());
  if (failed(nAxes))
    return failure();
  SmallVector<int64_t> shape(x.getShape());
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t d = *normalizeAxis(axes[i], x.getRank());
    int64_t dim = x.getDimSize(d);
    if (steps[i] <= 0)
      return emitOptionalError(loc, "slice steps must be positive");
    // ONNX clamping: negative bounds count from the end, then clamp.
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    s = std::clamp<int64_t>(s, 0, dim);
    e = std::clamp<int64_t>(e, 0, dim);
    shape[d] = e > s ? (e - s + steps[i] - 1) / steps[i] : 0;
  }
  inferred.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// loss
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxCrossEntropyOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  auto logits = rankedOf(adaptor.getLogits());
  auto labels = rankedOf(adaptor.getLabels());
  if (logits.getRank() < 2)
    return emitOptionalError(loc, "logits need rank >= 2 ([N, V]), got ",
                             logits);
  if (labels.getShape() != logits.getShape().drop_back())
    return emitOptionalError(loc, "labels ", labels,
                             " must have the leading dimensions of logits ",
                             logits);
  inferred.push_back(RankedTensorType::get({}, logits.getElementType()));
  return success();
}

int64_t SoftmaxCrossEntropyOp::getNumClasses() {
  return getLogits().getType().getShape().back();
}
int64_t SoftmaxCrossEntropyOp::getNumRows() {
  auto t = getLogits().getType();
  return t.getNumElements() / t.getShape().back();
}

//===----------------------------------------------------------------------===//
// residual ops
//===----------------------------------------------------------------------===//

static LogicalResult verifyTau(Operation *op, double tau) {
  if (!(tau > 0.0 && tau < 1.0))
    return op->emitOpError("tau must be in (0, 1), got ") << tau;
  return success();
}
LogicalResult WeightedAddOp::verify() {
  return verifyTau(*this, getTau().convertToDouble());
}
LogicalResult ResidualSplitOp::verify() {
  return verifyTau(*this, getTau().convertToDouble());
}


//===----------------------------------------------------------------------===//
// backward ops
//===----------------------------------------------------------------------===//

/// True when `from` numpy-broadcasts to exactly `to`.
static bool broadcastsTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to) {
  SmallVector<int64_t> shape;
  return OpTrait::util::getBroadcastedShape(from, to, shape) &&
         ArrayRef<int64_t>(shape) == to;
}

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getElementType() != out.getElementType() ||
      !broadcastsTo(in.getShape(), out.getShape()))
    return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

LogicalResult SumToOp::verify() {
  auto in = getInput().getType(), out = getResult().getType();
  if (in.getElementType() != out.getElementType() ||
      !broadcastsTo(out.getShape(), in.getShape()))
    return emitOpError("result ")
           << out << " does not broadcast to the input " << in;
  return success();
}

LogicalResult NormGradOp::verify() {
  auto x = getInput().getType();
  auto ax = normalizeAxis(static_cast<int64_t>(getAxis()), x.getRank());
  if (!ax)
    return emitOpError("axis is out of range for ") << x;
  if (getGrad().getType() != x || getDInput().getType() != x)
    return emitOpError("grad and d_input must have the input's type ") << x;
  ArrayRef<int64_t> trailing = x.getShape().drop_front(*ax);
  for (Value v : {getDGain(), getDBias()})
    if (cast<RankedTensorType>(v.getType()).getShape() != trailing)
      return emitOpError("d_gain/d_bias must have the normalised shape");
  if (getGain() && getGain().getType().getShape() != trailing)
    return emitOpError("gain must have the normalised shape");
  return success();
}

LogicalResult ScatterAddOp::verify() {
  auto out = getResult().getType(), g = getGrad().getType();
  auto idx = getIndices().getType();
  auto ax = normalizeAxis(static_cast<int64_t>(getAxis()), out.getRank());
  if (!ax)
    return emitOpError("axis is out of range for ") << out;
  SmallVector<int64_t> expected(out.getShape().take_front(*ax));
  llvm::append_range(expected, idx.getShape());
  llvm::append_range(expected, out.getShape().drop_front(*ax + 1));
  if (ArrayRef<int64_t>(expected) != g.getShape())
    return emitOpError("grad ") << g << " is not the gather of " << out
                                << " by " << idx;
  return success();
}

LogicalResult SoftmaxCrossEntropyGradOp::verify() {
  if (getResult().getType() != getLogits().getType())
    return emitOpError("result must have the logits' type");
  return success();
}

#define GET_OP_CLASSES
#include "unit-scale/Dialect/UScale/IR/UScaleOps.cpp.inc"
