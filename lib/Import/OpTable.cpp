//===- OpTable.cpp - the ONNX op -> uscale op table -----------------------===//
//
// One entry per ONNX op type: a function that reads the node's inputs and
// attributes through NodeImporter and creates uscale ops. Result types come
// from the ops' shape inference; the importer computes a shape itself only
// where the op takes its result type as given (reshape).
//
//===----------------------------------------------------------------------===//
#include "ImporterInternal.h"

#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::onnx;
using namespace mlir::uscale::onnx::detail;

static RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// A possibly negative axis mapped into [0, rank), or nullopt.
static std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// Defines output 0 from a created op (or propagates the failure).
template <typename OpT>
static LogicalResult setResult(NodeImporter &n, FailureOr<OpT> op) {
  if (failed(op))
    return failure();
  n.setOutput(0, (*op)->getResult(0));
  return success();
}

/// Reshapes `v` to `shape` (same element count, checked by the verifier).
static FailureOr<Value> reshape(NodeImporter &n, Value v,
                                ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, typeOf(v).getElementType());
  auto op = n.createWithTypes<ReshapeOp>(type, v);
  if (failed(op))
    return failure();
  return op->getResult();
}

static FailureOr<Value> transpose(NodeImporter &n, Value v,
                                  ArrayRef<int64_t> perm) {
  TransposeOp::Properties props;
  props.perm = DenseI64ArrayAttr::get(n.getContext(), perm);
  auto op = n.create<TransposeOp>(v, props);
  if (failed(op))
    return failure();
  return op->getResult();
}

static std::optional<LogicalResult> foldIntConstants(NodeImporter &n);

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename OpT> static LogicalResult buildUnary(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  return setResult(n, n.create<OpT>(*x));
}

template <typename OpT> static LogicalResult buildBinary(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto a = n.getFloatTensor(0);
  if (failed(a))
    return failure();
  auto b = n.getFloatTensor(1);
  if (failed(b))
    return failure();
  return setResult(n, n.create<OpT>(ValueRange{*a, *b}));
}

static LogicalResult buildGelu(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  std::string approximate = "none";
  if (failed(x) || failed(n.getAttr("approximate", approximate)))
    return failure();
  GeluOp::Properties props;
  if (approximate == "tanh")
    props.approximate =
        GeluApproximationAttr::get(n.getContext(), GeluApproximation::Tanh);
  else if (approximate != "none")
    return n.emitError() << "attribute 'approximate' must be \"none\" or "
                            "\"tanh\", got \""
                         << approximate << "\"";
  return setResult(n, n.create<GeluOp>(*x, props));
}

static LogicalResult buildDropout(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  double ratio = 0.5;
  int64_t seed = 0;
  if (failed(n.getAttr("ratio", ratio)) || failed(n.getAttr("seed", seed)))
    return failure();
  if (n.hasInput(1)) { // opset >= 12: the ratio is an input
    auto r = n.getConstFloat(1);
    if (failed(r))
      return failure();
    ratio = *r;
  }
  if (!(ratio >= 0.0 && ratio < 1.0))
    return n.emitError() << "dropout ratio must be in [0, 1), got " << ratio;
  DropoutOp::Properties props;
  props.ratio = FloatAttr::get(Float64Type::get(n.getContext()), ratio);
  if (n.hasAttr("seed"))
    props.seed = IntegerAttr::get(IntegerType::get(n.getContext(), 64), seed);
  // Output 1 (the mask) is not provided; using it is reported.
  return setResult(n, n.create<DropoutOp>(*x, props));
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

static LogicalResult buildMatMul(NodeImporter &n) {
  auto a = n.getFloatTensor(0);
  if (failed(a))
    return failure();
  auto b = n.getFloatTensor(1);
  if (failed(b))
    return failure();
  return setResult(n, n.create<MatMulOp>(ValueRange{*a, *b}));
}

/// Gemm: Y = alpha * A' B' + beta * C with alpha = beta = 1 -> linear.
static LogicalResult buildGemm(NodeImporter &n) {
  double alpha = 1.0, beta = 1.0;
  int64_t transA = 0, transB = 0;
  if (failed(n.getAttr("alpha", alpha)) || failed(n.getAttr("beta", beta)) ||
      failed(n.getAttr("transA", transA)) ||
      failed(n.getAttr("transB", transB)))
    return failure();
  if (alpha != 1.0)
    return n.emitError() << "attribute 'alpha' = " << alpha
                         << " is not supported (only 1.0): fold it into the "
                            "weights";
  auto a = n.getFloatTensor(0);
  if (failed(a))
    return failure();
  auto b = n.getFloatTensor(1);
  if (failed(b))
    return failure();
  // beta = 0 drops C (PyTorch's mm exports it so).
  FailureOr<Value> c = Value();
  if (beta != 0.0)
    c = n.getOptionalFloatTensor(2);
  if (failed(c))
    return failure();
  if (*c && beta != 1.0)
    return n.emitError() << "attribute 'beta' = " << beta
                         << " is not supported (only 1.0 or 0.0): fold it "
                            "into the bias";
  if (typeOf(*a).getRank() != 2 || typeOf(*b).getRank() != 2)
    return n.emitError() << "inputs A and B must be 2-D, got "
                         << typeOf(*a) << " and " << typeOf(*b);
  Value input = *a;
  if (transA) {
    auto t = transpose(n, input, {1, 0});
    if (failed(t))
      return failure();
    input = *t;
  }
  // C of shape [N] or [1, N] is the linear's bias; any other C (it must
  // broadcast to [M, N]) is added after the linear.
  Value bias = *c, addend;
  if (bias) {
    int64_t fanOut = typeOf(*b).getDimSize(transB ? 0 : 1);
    ArrayRef<int64_t> shape = typeOf(bias).getShape();
    if (shape.size() == 2 && shape[0] == 1 && shape[1] == fanOut) {
      auto r = reshape(n, bias, {fanOut});
      if (failed(r))
        return failure();
      bias = *r;
    } else if (!(shape.size() == 1 && shape[0] == fanOut)) {
      addend = bias;
      bias = Value();
    }
  }
  LinearOp::Properties props;
  if (transB)
    props.transpose_weight = UnitAttr::get(n.getContext());
  SmallVector<Value, 3> operands{input, *b};
  if (bias)
    operands.push_back(bias);
  auto linear = n.create<LinearOp>(operands, props);
  if (failed(linear) || !addend)
    return setResult(n, linear);
  auto sum = n.create<AddOp>(ValueRange{linear->getResult(), addend});
  if (failed(sum))
    return failure();
  if (sum->getType() != linear->getType())
    return n.emitError() << "input C " << typeOf(addend)
                         << " does not broadcast to the product's shape "
                         << linear->getType();
  return setResult(n, sum);
}

//===----------------------------------------------------------------------===//
// Normalisation and softmax
//===----------------------------------------------------------------------===//

static LogicalResult buildSoftmax(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  // Before opset 13 the default axis is 1 and softmax runs over the input
  // flattened to 2-D at the axis: the same only for the last axis.
  int64_t axis = n.opset < 13 ? 1 : -1;
  if (failed(x) || failed(n.getAttr("axis", axis)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  if (n.opset < 13 && normalizeAxis(axis, rank) != rank - 1)
    return n.emitError() << "softmax over axis " << axis << " of a rank-"
                         << rank << " tensor at opset " << n.opset
                         << " flattens the trailing dimensions; only the "
                            "last axis is supported before opset 13";
  SoftmaxOp::Properties props;
  props.axis = IntegerAttr::get(IntegerType::get(n.getContext(), 64), axis);
  return setResult(n, n.create<SoftmaxOp>(*x, props));
}

template <typename PropsT>
static LogicalResult normAttrs(NodeImporter &n, PropsT &props) {
  int64_t axis = -1;
  double epsilon = 1e-5;
  if (failed(n.getAttr("axis", axis)) || failed(n.getAttr("epsilon", epsilon)))
    return failure();
  MLIRContext *ctx = n.getContext();
  props.axis = IntegerAttr::get(IntegerType::get(ctx, 64), axis);
  if (n.hasAttr("epsilon"))
    props.epsilon = FloatAttr::get(Float64Type::get(ctx), epsilon);
  return success();
}

static LogicalResult buildLayerNorm(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  auto gain = n.getOptionalFloatTensor(1);
  if (failed(gain))
    return failure();
  auto bias = n.getOptionalFloatTensor(2);
  if (failed(bias))
    return failure();
  LayerNormOp::Properties props;
  if (failed(normAttrs(n, props)))
    return failure();
  props.operandSegmentSizes = {1, *gain ? 1 : 0, *bias ? 1 : 0};
  SmallVector<Value, 3> operands{*x};
  for (Value v : {*gain, *bias})
    if (v)
      operands.push_back(v);
  // Outputs 1 and 2 (mean, inverse std) are not provided.
  return setResult(n, n.create<LayerNormOp>(operands, props));
}

/// RMSNormalization (opset 23) and onnxruntime's SimplifiedLayerNormalization.
static LogicalResult buildRMSNorm(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  auto gain = n.getOptionalFloatTensor(1);
  if (failed(gain))
    return failure();
  RMSNormOp::Properties props;
  if (failed(normAttrs(n, props)))
    return failure();
  SmallVector<Value, 2> operands{*x};
  if (*gain)
    operands.push_back(*gain);
  return setResult(n, n.create<RMSNormOp>(operands, props));
}

//===----------------------------------------------------------------------===//
// Gather and reductions
//===----------------------------------------------------------------------===//

static LogicalResult buildGather(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto data = n.getFloatTensor(0);
  if (failed(data))
    return failure();
  auto indices = n.getIntTensor(1);
  int64_t axis = 0;
  if (failed(indices) || failed(n.getAttr("axis", axis)))
    return failure();
  GatherOp::Properties props;
  props.axis = IntegerAttr::get(IntegerType::get(n.getContext(), 64), axis);
  return setResult(n, n.create<GatherOp>(ValueRange{*data, *indices}, props));
}

template <typename OpT> static LogicalResult buildReduce(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  int64_t keepdims = 1, noopWithEmptyAxes = 0;
  if (failed(x) || failed(n.getAttr("keepdims", keepdims)) ||
      failed(n.getAttr("noop_with_empty_axes", noopWithEmptyAxes)))
    return failure();
  // Axes: an attribute before opset 18 (13 for ReduceSum), an input after.
  SmallVector<int64_t> axes;
  if (n.hasAttr("axes")) {
    if (failed(n.getAttr("axes", axes)))
      return failure();
  } else if (n.hasInput(1)) {
    auto input = n.getConstInts(1);
    if (failed(input))
      return failure();
    axes = std::move(*input);
  }
  if (axes.empty()) {
    if (noopWithEmptyAxes)
      return n.aliasInputToOutput(0, 0);
    axes.resize(typeOf(*x).getRank());
    std::iota(axes.begin(), axes.end(), 0);
  }
  typename OpT::Properties props;
  props.axes = DenseI64ArrayAttr::get(n.getContext(), axes);
  props.keepdims = BoolAttr::get(n.getContext(), keepdims != 0);
  return setResult(n, n.create<OpT>(*x, props));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

static LogicalResult buildReshape(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  auto target = n.getConstInts(1);
  int64_t allowZero = 0;
  if (failed(target) || failed(n.getAttr("allowzero", allowZero)))
    return failure();
  RankedTensorType in = typeOf(*x);
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  int64_t known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allowZero) {
      if (int64_t(i) >= in.getRank())
        return n.emitError() << "shape " << i << " is 0 (copy the input "
                             << "dimension) but the input " << in
                             << " has only " << in.getRank() << " dimensions";
      d = in.getDimSize(i);
    } else if (d == -1) {
      if (inferred)
        return n.emitError() << "shape has more than one -1";
      inferred = i;
      shape.push_back(-1);
      continue;
    } else if (d < 0) {
      return n.emitError() << "shape " << i << " is " << d
                           << "; sizes must be >= -1";
    }
    if (llvm::MulOverflow(known, d, known))
      return n.emitError() << "the target shape has too many elements";
    shape.push_back(d);
  }
  int64_t total = in.getNumElements();
  if (inferred) {
    if (known == 0 || total % known != 0)
      return n.emitError() << "cannot reshape " << in << " (" << total
                           << " elements) to a shape with -1 and " << known
                           << " known elements";
    shape[*inferred] = total / known;
  } else if (known != total) {
    auto diag = n.emitError() << "cannot reshape " << in << " (" << total
                              << " elements) to [";
    llvm::interleaveComma(shape, diag);
    diag << "] (" << known << " elements)";
    return failure();
  }
  auto r = reshape(n, *x, shape);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Axes from the `axes` attribute (older opsets) or a constant input 1.
static LogicalResult getAxes(NodeImporter &n, SmallVectorImpl<int64_t> &axes) {
  if (n.hasAttr("axes"))
    return n.getAttr("axes", axes);
  if (!n.hasInput(1))
    return success();
  auto input = n.getConstInts(1);
  if (failed(input))
    return failure();
  axes.assign(input->begin(), input->end());
  return success();
}

/// Flatten: [d0 * ... * d(axis-1), d(axis) * ... * d(rank-1)].
static LogicalResult buildFlatten(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  int64_t axis = 1;
  if (failed(x) || failed(n.getAttr("axis", axis)))
    return failure();
  RankedTensorType in = typeOf(*x);
  int64_t rank = in.getRank();
  if (axis < -rank || axis > rank)
    return n.emitError() << "axis " << axis << " is out of range for " << in;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= in.getDimSize(d);
  auto r = reshape(n, *x, {outer, inner});
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Squeeze: drops the listed size-1 dimensions (all of them when none).
static LogicalResult buildSqueeze(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto x = n.getFloatTensor(0);
  SmallVector<int64_t> axes;
  if (failed(x) || failed(getAxes(n, axes)))
    return failure();
  RankedTensorType in = typeOf(*x);
  SmallVector<bool> drop(in.getRank(), axes.empty());
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, in.getRank());
    if (!ax)
      return n.emitError() << "axis " << a << " is out of range for " << in;
    if (in.getDimSize(*ax) != 1)
      return n.emitError() << "cannot squeeze dimension " << *ax << " of "
                           << in << ": its size is not 1";
    drop[*ax] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!drop[d] || in.getDimSize(d) != 1)
      shape.push_back(in.getDimSize(d));
  auto r = reshape(n, *x, shape);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

/// Unsqueeze: inserts size-1 dimensions at the listed output positions.
static LogicalResult buildUnsqueeze(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto x = n.getFloatTensor(0);
  SmallVector<int64_t> axes;
  if (failed(x) || failed(getAxes(n, axes)))
    return failure();
  RankedTensorType in = typeOf(*x);
  if (axes.empty())
    return n.emitError() << "needs axes (attribute or input 1)";
  int64_t rank = in.getRank() + int64_t(axes.size());
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : axes) {
    auto ax = normalizeAxis(a, rank);
    if (!ax || inserted[*ax])
      return n.emitError() << "axis " << a
                           << " is out of range or repeated for output rank "
                           << rank;
    inserted[*ax] = true;
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> dims = in.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (inserted[d]) {
      shape.push_back(1);
    } else {
      shape.push_back(dims.front());
      dims = dims.drop_front();
    }
  }
  auto r = reshape(n, *x, shape);
  if (failed(r))
    return failure();
  n.setOutput(0, *r);
  return success();
}

static LogicalResult buildTranspose(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  SmallVector<int64_t> perm;
  if (failed(x) || failed(n.getAttr("perm", perm)))
    return failure();
  if (!n.hasAttr("perm")) {
    for (int64_t d = typeOf(*x).getRank() - 1; d >= 0; --d)
      perm.push_back(d);
  }
  auto t = transpose(n, *x, perm);
  if (failed(t))
    return failure();
  n.setOutput(0, *t);
  return success();
}

static LogicalResult buildConcat(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  int64_t axis = 0;
  if (!n.hasAttr("axis"))
    return n.emitError() << "attribute 'axis' is required";
  if (failed(n.getAttr("axis", axis)))
    return failure();
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < n.node.inputs.size(); ++i) {
    auto v = n.getFloatTensor(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  ConcatOp::Properties props;
  props.axis = IntegerAttr::get(IntegerType::get(n.getContext(), 64), axis);
  return setResult(n, n.create<ConcatOp>(inputs, props));
}

static LogicalResult buildSplit(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  int64_t axis = 0, numOutputs = 0;
  if (failed(x) || failed(n.getAttr("axis", axis)) ||
      failed(n.getAttr("num_outputs", numOutputs)))
    return failure();
  RankedTensorType in = typeOf(*x);
  auto ax = normalizeAxis(axis, in.getRank());
  if (!ax)
    return n.emitError() << "axis " << axis << " is out of range for " << in;
  int64_t dim = in.getDimSize(*ax);
  size_t outputs = n.getNumOutputs();
  SmallVector<int64_t> sizes;
  if (n.hasAttr("split")) { // before opset 13
    if (failed(n.getAttr("split", sizes)))
      return failure();
  } else if (n.hasInput(1)) {
    auto s = n.getConstInts(1);
    if (failed(s))
      return failure();
    sizes = std::move(*s);
  } else if (n.hasAttr("num_outputs")) { // opset 18: last chunk may be smaller
    if (numOutputs <= 0 || size_t(numOutputs) != outputs)
      return n.emitError() << "attribute 'num_outputs' = " << numOutputs
                           << " does not match the node's " << outputs
                           << " outputs";
    int64_t chunk = (dim + numOutputs - 1) / numOutputs;
    for (int64_t i = 0; i + 1 < numOutputs; ++i)
      sizes.push_back(chunk);
    sizes.push_back(dim - chunk * (numOutputs - 1));
  } else {
    if (outputs == 0 || dim % int64_t(outputs) != 0)
      return n.emitError() << "cannot split dimension " << *ax << " of size "
                           << dim << " into " << outputs << " equal parts";
    sizes.assign(outputs, dim / int64_t(outputs));
  }
  for (int64_t s : sizes)
    if (s <= 0 || s > dim)
      return n.emitError() << "split size " << s << " is not in [1, " << dim
                           << "]";
  if (sizes.size() != outputs)
    return n.emitError() << "split into " << sizes.size()
                         << " parts but the node has " << outputs
                         << " outputs";
  SplitOp::Properties props;
  props.axis = IntegerAttr::get(IntegerType::get(n.getContext(), 64), axis);
  props.sizes = DenseI64ArrayAttr::get(n.getContext(), sizes);
  auto op = n.create<SplitOp>(*x, props);
  if (failed(op))
    return failure();
  for (unsigned i = 0; i < outputs; ++i)
    n.setOutput(i, (*op)->getResult(i));
  return success();
}

static LogicalResult buildSlice(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  RankedTensorType in = typeOf(*x);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.hasInput(1) || n.hasInput(2)) { // opset >= 10: constant inputs
    auto s = n.getConstInts(1);
    if (failed(s))
      return failure();
    auto e = n.getConstInts(2);
    if (failed(e))
      return failure();
    starts = std::move(*s);
    ends = std::move(*e);
    if (n.hasInput(3)) {
      auto a = n.getConstInts(3);
      if (failed(a))
        return failure();
      axes = std::move(*a);
    }
    if (n.hasInput(4)) {
      auto st = n.getConstInts(4);
      if (failed(st))
        return failure();
      steps = std::move(*st);
    }
  } else { // opset < 10: attributes
    if (!n.hasAttr("starts") || !n.hasAttr("ends"))
      return n.emitError() << "needs 'starts' and 'ends' (inputs 1 and 2, or "
                              "attributes before opset 10)";
    if (failed(n.getAttr("starts", starts)) ||
        failed(n.getAttr("ends", ends)) || failed(n.getAttr("axes", axes)))
      return failure();
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(int64_t(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  // A step past the dimension takes at most one element, like a step equal
  // to it; clamping keeps the size arithmetic far from overflow.
  for (size_t i = 0; i < steps.size() && i < axes.size(); ++i)
    if (auto ax = normalizeAxis(axes[i], in.getRank()))
      steps[i] = std::min(steps[i], std::max<int64_t>(in.getDimSize(*ax), 1));
  MLIRContext *ctx = n.getContext();
  SliceOp::Properties props;
  props.starts = DenseI64ArrayAttr::get(ctx, starts);
  props.ends = DenseI64ArrayAttr::get(ctx, ends);
  props.axes = DenseI64ArrayAttr::get(ctx, axes);
  props.steps = DenseI64ArrayAttr::get(ctx, steps);
  return setResult(n, n.create<SliceOp>(*x, props));
}

static LogicalResult buildIdentity(NodeImporter &n) {
  return n.aliasInputToOutput(0, 0);
}

/// Constant: its value becomes a constant tensor, usable as a shape/axes
/// operand or (float) as a parameter with data.
static LogicalResult buildConstant(NodeImporter &n) {
  OnnxTensor t;
  const OnnxTensor *value = nullptr;
  int64_t i = 0;
  double f = 0;
  SmallVector<int64_t> ints;
  SmallVector<double> floats;
  if (failed(n.getAttr("value", value)) || failed(n.getAttr("value_int", i)) ||
      failed(n.getAttr("value_ints", ints)) ||
      failed(n.getAttr("value_float", f)) ||
      failed(n.getAttr("value_floats", floats)))
    return failure();
  if (value) {
    t = *value;
  } else if (n.hasAttr("value_int")) {
    t.dataType = kInt64;
    t.int64Data = {i};
  } else if (n.hasAttr("value_ints")) {
    t.dataType = kInt64;
    t.dims = {int64_t(ints.size())};
    t.int64Data.assign(ints.begin(), ints.end());
  } else if (n.hasAttr("value_float")) {
    t.dataType = kFloat;
    t.floatData = {float(f)};
  } else if (n.hasAttr("value_floats")) {
    t.dataType = kFloat;
    t.dims = {int64_t(floats.size())};
    for (double d : floats)
      t.floatData.push_back(float(d));
  } else {
    return n.emitError() << "needs one of the attributes 'value', "
                            "'value_int', 'value_ints', 'value_float', "
                            "'value_floats' (others are not supported)";
  }
  if (!t.hasData())
    return n.emitError() << "the constant has no data";
  n.setConstantOutput(0, std::move(t));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape computations on constants
//===----------------------------------------------------------------------===//

/// Exporters compute static shapes at run time: Shape -> Gather ->
/// Unsqueeze -> Concat -> Reshape, with Cast, Slice and integer arithmetic
/// on the way. With static shapes every such value is a constant: when all
/// inputs of one of these ops are 0-D or 1-D integer constants, the result is
/// computed here and is a constant too (usable as a shape, axes, ...).
/// Returns nullopt when the node is not such a computation.
static std::optional<LogicalResult> foldIntConstants(NodeImporter &n) {
  StringRef op = n.node.opType;
  size_t count = n.node.inputs.size();
  while (count > 0 && n.node.inputs[count - 1].empty())
    --count;
  if (count == 0)
    return std::nullopt;
  SmallVector<SmallVector<int64_t>> in;
  SmallVector<bool> scalar;
  for (unsigned i = 0; i < count; ++i) {
    if (!n.hasInput(i)) {
      in.emplace_back();
      scalar.push_back(false);
      continue;
    }
    auto v = n.getIntConstant(i);
    if (!v)
      return std::nullopt;
    in.push_back(std::move(*v));
    scalar.push_back(n.getConstant(i)->dims.empty());
  }
  auto fail = [&](const Twine &why) -> LogicalResult {
    return n.emitError() << "cannot fold this shape computation: " << why;
  };
  auto axisIsZero = [&](int64_t axis) { return axis == 0 || axis == -1; };

  if (op == "Gather") {
    int64_t axis = 0;
    if (failed(n.getAttr("axis", axis)))
      return failure();
    if (scalar[0] || !axisIsZero(axis))
      return fail("Gather needs 1-D data and axis 0");
    SmallVector<int64_t> out;
    int64_t size = int64_t(in[0].size());
    for (int64_t i : in[1]) {
      if (i < -size || i >= size)
        return fail("index " + Twine(i) + " is out of range for " +
                    Twine(size) + " values");
      out.push_back(in[0][i < 0 ? i + size : i]);
    }
    n.setIntConstantOutput(0, out, scalar[1]);
    return success();
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    SmallVector<int64_t> axes;
    if (n.hasAttr("axes")) {
      if (failed(n.getAttr("axes", axes)))
        return failure();
    } else if (in.size() > 1) {
      axes.assign(in[1].begin(), in[1].end());
    }
    bool unsqueeze = op == "Unsqueeze";
    bool ok = unsqueeze ? scalar[0] && axes.size() == 1 && axisIsZero(axes[0])
                        : !scalar[0] && in[0].size() == 1 &&
                              (axes.empty() ||
                               (axes.size() == 1 && axisIsZero(axes[0])));
    if (!ok)
      return std::nullopt; // not a 0-D <-> 1-D shape value: map normally
    n.setIntConstantOutput(0, in[0], /*scalar=*/!unsqueeze);
    return success();
  }
  if (op == "Concat") {
    int64_t axis = 0;
    if (failed(n.getAttr("axis", axis)))
      return failure();
    SmallVector<int64_t> out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (scalar[i] || !axisIsZero(axis))
        return fail("Concat needs 1-D inputs and axis 0");
      out.append(in[i].begin(), in[i].end());
    }
    n.setIntConstantOutput(0, out, false);
    return success();
  }
  if (op == "Slice") {
    SmallVector<int64_t> starts, ends, axes, steps;
    if (in.size() >= 3) {
      starts = in[1];
      ends = in[2];
      if (in.size() > 3)
        axes = in[3];
      if (in.size() > 4)
        steps = in[4];
    } else if (failed(n.getAttr("starts", starts)) ||
               failed(n.getAttr("ends", ends)) ||
               failed(n.getAttr("axes", axes))) {
      return failure();
    }
    if (scalar[0] || starts.size() != 1 || ends.size() != 1 ||
        (!axes.empty() && (axes.size() != 1 || !axisIsZero(axes[0]))) ||
        steps.size() > 1)
      return fail("Slice needs 1-D data and one range on axis 0");
    int64_t size = int64_t(in[0].size());
    int64_t step = steps.empty() ? 1 : steps[0];
    if (step == 0)
      return fail("the step is 0");
    auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v = v < -size ? -1 : v + size;
      return std::min(std::max(v, lo), hi);
    };
    SmallVector<int64_t> out;
    if (step > 0) {
      for (int64_t i = clamp(starts[0], 0, size), e = clamp(ends[0], 0, size);
           i < e; i += step)
        out.push_back(in[0][i]);
    } else {
      for (int64_t i = clamp(starts[0], -1, size - 1),
                   e = clamp(ends[0], -1, size - 1);
           i > e; i += step)
        out.push_back(in[0][i]);
    }
    n.setIntConstantOutput(0, out, false);
    return success();
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (in.size() != 2)
      return std::nullopt;
    size_t a = in[0].size(), b = in[1].size();
    if (a != b && a != 1 && b != 1)
      return fail("operands of " + Twine(a) + " and " + Twine(b) +
                  " values do not broadcast");
    SmallVector<int64_t> out;
    for (size_t i = 0, e = std::max(a, b); i < e; ++i) {
      int64_t x = in[0][a == 1 ? 0 : i], y = in[1][b == 1 ? 0 : i], r = 0;
      bool overflow = false;
      if (op == "Add")
        overflow = llvm::AddOverflow(x, y, r);
      else if (op == "Sub")
        overflow = llvm::SubOverflow(x, y, r);
      else if (op == "Mul")
        overflow = llvm::MulOverflow(x, y, r);
      else if (y == 0)
        return fail("division by zero");
      else
        r = x / y; // ONNX integer Div truncates
      if (overflow)
        return fail("the result overflows 64 bits");
      out.push_back(r);
    }
    n.setIntConstantOutput(0, out, scalar[0] && scalar[1]);
    return success();
  }
  return std::nullopt;
}

/// Shape: the input's static dims, a constant (`start`, `end` from
/// opset 15).
static LogicalResult buildShape(NodeImporter &n) {
  auto type = n.getInputType(0);
  int64_t rank = 0;
  if (failed(type))
    return failure();
  rank = type->getRank();
  int64_t start = 0, end = rank;
  if (failed(n.getAttr("start", start)) || failed(n.getAttr("end", end)))
    return failure();
  auto clamp = [&](int64_t v) {
    return std::min(std::max(v < 0 ? v + rank : v, int64_t(0)), rank);
  };
  start = clamp(start);
  end = clamp(end);
  ArrayRef<int64_t> dims = type->getShape();
  n.setIntConstantOutput(
      0, start < end ? dims.slice(start, end - start) : ArrayRef<int64_t>(),
      false);
  return success();
}

/// Cast: folded on constants (shape computations); on a tensor only a cast
/// to its own element type (a no-op) is supported.
static LogicalResult buildCast(NodeImporter &n) {
  int64_t to = 0;
  if (!n.hasAttr("to"))
    return n.emitError() << "attribute 'to' is required";
  if (failed(n.getAttr("to", to)))
    return failure();
  if (auto ints = n.getIntConstant(0)) {
    bool scalar = n.getConstant(0)->dims.empty();
    OnnxTensor t;
    t.dataType = int32_t(to);
    if (!scalar)
      t.dims = {int64_t(ints->size())};
    if (to == kInt64) {
      t.int64Data.assign(ints->begin(), ints->end());
    } else if (to == kInt32) {
      for (int64_t v : *ints)
        t.int32Data.push_back(int32_t(v));
    } else if (to == kFloat) {
      for (int64_t v : *ints)
        t.floatData.push_back(float(v));
    } else if (to == kDouble) {
      for (int64_t v : *ints)
        t.doubleData.push_back(double(v));
    } else {
      return n.emitError() << "cannot fold a Cast of integer constants to "
                           << dataTypeName(int32_t(to)) << " (" << to << ")";
    }
    n.setConstantOutput(0, std::move(t));
    return success();
  }
  auto type = n.getInputType(0);
  if (failed(type))
    return failure();
  const OnnxTensor *c = n.getConstant(0);
  if ((c && c->dataType == to) ||
      (!c && ((to == kFloat && type->getElementType().isF32()) ||
              (to == kDouble && type->getElementType().isF64()) ||
              (to == kFloat16 && type->getElementType().isF16()) ||
              (to == kBFloat16 && type->getElementType().isBF16()) ||
              (to == kInt64 && type->getElementType().isInteger(64)) ||
              (to == kInt32 && type->getElementType().isInteger(32)))))
    return n.aliasInputToOutput(0, 0);
  return n.emitError() << "Cast of " << *type << " to "
                       << dataTypeName(int32_t(to))
                       << " is not supported (only casts of integer "
                          "constants, as in shape computations, and no-op "
                          "casts)";
}

/// Div: integer constants fold (shape computations); X / C with C a float
/// constant (attention's 1/sqrt(d)) is X * (1/C), the reciprocal an
/// arith.constant; any other divisor is not supported.
static LogicalResult buildDiv(NodeImporter &n) {
  if (auto folded = foldIntConstants(n))
    return *folded;
  auto x = n.getFloatTensor(0);
  if (failed(x))
    return failure();
  const OnnxTensor *c = n.getConstant(1);
  if (!c)
    return n.emitError() << "input 1 '" << n.node.inputs[1]
                         << "' must be a constant (a Constant node or an "
                            "initializer): only division by a constant is "
                            "supported";
  auto type = n.getInputType(1);
  if (failed(type))
    return failure();
  if (type->getElementType() != typeOf(*x).getElementType() ||
      !(type->getElementType().isF32() || type->getElementType().isF64()))
    return n.emitError() << "the divisor " << *type << " must be a FLOAT or "
                            "DOUBLE constant of the dividend's element type";
  auto values = n.getConstFloats(1);
  if (failed(values))
    return failure();
  DenseElementsAttr reciprocal;
  if (type->getElementType().isF32()) {
    SmallVector<float> r;
    for (double v : *values)
      r.push_back(float(1.0 / v));
    reciprocal = DenseElementsAttr::get(*type, ArrayRef<float>(r));
  } else {
    SmallVector<double> r;
    for (double v : *values)
      r.push_back(1.0 / v);
    reciprocal = DenseElementsAttr::get(*type, ArrayRef<double>(r));
  }
  Value cst = arith::ConstantOp::create(n.builder, n.loc, reciprocal);
  return setResult(n, n.create<MulOp>(ValueRange{*x, cst}));
}

//===----------------------------------------------------------------------===//
// Loss
//===----------------------------------------------------------------------===//

static LogicalResult buildSoftmaxCrossEntropy(NodeImporter &n) {
  std::string reduction = "mean";
  if (failed(n.getAttr("reduction", reduction)))
    return failure();
  if (reduction != "mean")
    return n.emitError() << "attribute 'reduction' = \"" << reduction
                         << "\" is not supported (only \"mean\")";
  // PyTorch always writes ignore_index (default -100). A negative index can
  // never equal a valid label (labels lie in [0, V)), so it changes nothing;
  // a class index would need masking, which uscale does not do.
  int64_t ignoreIndex = -1;
  if (failed(n.getAttr("ignore_index", ignoreIndex)))
    return failure();
  if (ignoreIndex >= 0)
    return n.emitError() << "attribute 'ignore_index' = " << ignoreIndex
                         << " is not supported: labels are never ignored "
                            "(a negative ignore_index, PyTorch's default "
                            "-100, is accepted)";
  if (n.hasInput(2))
    return n.emitError() << "input 2 (class weights) is not supported";
  auto scores = n.getFloatTensor(0);
  if (failed(scores))
    return failure();
  auto labels = n.getIntTensor(1);
  if (failed(labels))
    return failure();
  Value logits = *scores;
  // ONNX puts the classes at axis 1 ([N, C, d1, ...]); uscale wants them
  // last.
  int64_t rank = typeOf(logits).getRank();
  if (rank > 2) {
    SmallVector<int64_t> perm{0};
    for (int64_t d = 2; d < rank; ++d)
      perm.push_back(d);
    perm.push_back(1);
    auto t = transpose(n, logits, perm);
    if (failed(t))
      return failure();
    logits = *t;
  }
  // Output 1 (log_prob) is not provided.
  return setResult(
      n, n.create<SoftmaxCrossEntropyOp>(ValueRange{logits, *labels}));
}

//===----------------------------------------------------------------------===//
// Raised nodes (Raise.cpp)
//===----------------------------------------------------------------------===//

/// Linear(X, W, B) from MatMul + Add: X W + B with W [K, N], B [N].
static LogicalResult buildRaisedLinear(NodeImporter &n) {
  SmallVector<Value, 3> operands;
  for (unsigned i = 0; i < 3; ++i) {
    auto v = n.getFloatTensor(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  return setResult(n, n.create<LinearOp>(operands));
}

/// The decomposed LayerNorm: ReduceMean's axes (`_reduced_axes`) must be
/// the trailing dimensions from `axis` on, which only the ranks tell.
static LogicalResult buildRaisedLayerNorm(NodeImporter &n) {
  auto x = n.getFloatTensor(0);
  SmallVector<int64_t> reduced;
  int64_t axis = -1;
  if (failed(x) || failed(n.getAttr("_reduced_axes", reduced)) ||
      failed(n.getAttr("axis", axis)))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  auto first = normalizeAxis(axis, rank);
  SmallVector<int64_t> normalized;
  for (int64_t a : reduced)
    if (auto ax = normalizeAxis(a, rank))
      normalized.push_back(*ax);
  llvm::sort(normalized);
  bool trailing = first && normalized.size() == reduced.size() &&
                  int64_t(normalized.size()) == rank - *first;
  for (size_t i = 0; trailing && i < normalized.size(); ++i)
    trailing = normalized[i] == *first + int64_t(i);
  if (!trailing) {
    auto diag = n.emitError() << "the ReduceMean axes [";
    llvm::interleaveComma(reduced, diag);
    return diag << "] are not the trailing dimensions of " << typeOf(*x)
                << ": only a normalisation over the last dimensions is a "
                   "layer_norm";
  }
  return buildLayerNorm(n);
}

/// (Log)Softmax + NegativeLogLikelihoodLoss: the softmax must run over the
/// class axis 1 (and, before opset 13, over a 2-D input).
static LogicalResult buildRaisedSoftmaxCrossEntropy(NodeImporter &n) {
  auto scores = n.getFloatTensor(0);
  int64_t axis = 1, legacy = 0;
  if (failed(scores) || failed(n.getAttr("_softmax_axis", axis)) ||
      failed(n.getAttr("_softmax_2d", legacy)))
    return failure();
  int64_t rank = typeOf(*scores).getRank();
  if (normalizeAxis(axis, rank) != 1 || (legacy && rank != 2))
    return n.emitError() << "the softmax runs over axis " << axis << " of "
                         << typeOf(*scores)
                         << (legacy ? " (flattened to 2-D before opset 13)"
                                    : "")
                         << ", not over the classes (axis 1) that the loss "
                            "reads";
  return buildSoftmaxCrossEntropy(n);
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

const llvm::StringMap<OpMapping> &mlir::uscale::onnx::detail::getOpTable() {
  static const llvm::StringMap<OpMapping> table = {
      {"Add", {buildBinary<AddOp>, 2, 2}},
      {"Cast", {buildCast, 1, 1}},
      {"Concat", {buildConcat, 1, ~0u}},
      {"Constant", {buildConstant, 0, 0}},
      {"Div", {buildDiv, 2, 2}},
      {"Dropout", {buildDropout, 1, 3}},
      {"Flatten", {buildFlatten, 1, 1}},
      {"Gather", {buildGather, 2, 2}},
      {"Gelu", {buildGelu, 1, 1}},
      {"Gemm", {buildGemm, 2, 3}},
      {"Identity", {buildIdentity, 1, 1}},
      {"LayerNormalization", {buildLayerNorm, 1, 3}},
      {"MatMul", {buildMatMul, 2, 2}},
      {"Mul", {buildBinary<MulOp>, 2, 2}},
      {"RMSNormalization", {buildRMSNorm, 1, 2}},
      {"ReduceMean", {buildReduce<ReduceMeanOp>, 1, 2}},
      {"ReduceSum", {buildReduce<ReduceSumOp>, 1, 2}},
      {"Relu", {buildUnary<ReluOp>, 1, 1}},
      {"Reshape", {buildReshape, 2, 2}},
      {"Shape", {buildShape, 1, 1}},
      {"Sigmoid", {buildUnary<SigmoidOp>, 1, 1}},
      {"SimplifiedLayerNormalization", {buildRMSNorm, 1, 2}},
      {"Slice", {buildSlice, 1, 5}},
      {"Softmax", {buildSoftmax, 1, 1}},
      {"SoftmaxCrossEntropyLoss", {buildSoftmaxCrossEntropy, 2, 3}},
      {"Split", {buildSplit, 1, 2}},
      {"Squeeze", {buildSqueeze, 1, 2}},
      {"Sub", {buildBinary<SubOp>, 2, 2}},
      {"Tanh", {buildUnary<TanhOp>, 1, 1}},
      {"Transpose", {buildTranspose, 1, 1}},
      {"Unsqueeze", {buildUnsqueeze, 1, 2}},
  };
  return table;
}

const llvm::StringMap<OpMapping> &
mlir::uscale::onnx::detail::getRaisedOpTable() {
  static const llvm::StringMap<OpMapping> table = {
      {"Gelu", {buildGelu, 1, 1}},
      {"LayerNormalization", {buildRaisedLayerNorm, 1, 3}},
      {"Linear", {buildRaisedLinear, 3, 3}},
      {"SoftmaxCrossEntropyLoss", {buildRaisedSoftmaxCrossEntropy, 2, 3}},
  };
  return table;
}

const OpMapping *
mlir::uscale::onnx::detail::findMapping(const OnnxNode &node) {
  const llvm::StringMap<OpMapping> &table =
      node.raisedFrom.empty() ? getOpTable() : getRaisedOpTable();
  if (node.raisedFrom.empty() && !node.domain.empty() &&
      node.domain != "ai.onnx" && node.domain != "com.microsoft")
    return nullptr;
  auto it = table.find(node.opType);
  return it == table.end() ? nullptr : &it->second;
}
