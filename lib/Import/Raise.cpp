//===- Raise.cpp - raise exporter patterns in the ONNX graph --------------===//
//
// Exporters write some layers as several ONNX nodes (a linear layer on 3-D
// inputs as MatMul + Add, ...). Before building, the importer replaces each
// such group of nodes by one *raised* node (OnnxNode::raisedFrom names the
// pattern) that maps to one uscale op. This works on the neutral OnnxGraph,
// so every reader gets the same IR, and it runs before the op check, so a
// pattern may contain ops the table does not map on their own.
//
// A pattern only absorbs nodes whose outputs nothing else reads (other
// nodes, graph outputs), so removing them never leaves a dangling use. The
// node that computes the pattern's result (its last node) is replaced by the
// raised node, which keeps that node's name, position and outputs; absorbed
// nodes become null in RaisedNodes::nodes. Constant nodes are never absorbed
// (others may read them; unused ones import to nothing).
//
// Patterns (docs/onnx-json-format.md, "Raised patterns"):
//   MatMul + Add                      -> Linear (importer-internal)
//   ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div (+ Mul gain, + Add bias)
//                                     -> LayerNormalization
//   x * 0.5 * (1 + Erf(x / sqrt 2))   -> Gelu
//   x * 0.5 * (1 + Tanh(sqrt(2/pi) (x + 0.044715 x^3)))
//                                     -> Gelu approximate = "tanh"
//   NegativeLogLikelihoodLoss(LogSoftmax(x)) or (Log(Softmax(x)))
//                                     -> SoftmaxCrossEntropyLoss
// Raised nodes of standard op types carry attributes named "_..." with what
// only the builder can check (it knows the ranks); see OpTable.cpp.
//
//===----------------------------------------------------------------------===//
#include "ImporterInternal.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Endian.h"

#include <cmath>

using namespace mlir;
using namespace mlir::uscale::onnx;
using namespace mlir::uscale::onnx::detail;

namespace {

constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kSqrtHalf = 0.7071067811865476;
constexpr double kSqrt2OverPi = 0.7978845608028654;

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

bool isFloatType(int32_t dataType) {
  return dataType == kFloat || dataType == kFloat16 ||
         dataType == kBFloat16 || dataType == kDouble;
}

class Raiser {
public:
  Raiser(const OnnxModel &model, RaisedNodes &out)
      : graph(model.graph), out(out),
        opset(model.getOpsetVersion("").value_or(23)) {
    out.nodes.reserve(graph.nodes.size());
    for (const OnnxNode &n : graph.nodes)
      out.nodes.push_back(&n);
    for (const OnnxTensor &t : graph.initializers)
      initializers.try_emplace(t.name, &t);
    for (size_t k = 0; k < graph.nodes.size(); ++k) {
      for (const std::string &o : graph.nodes[k].outputs)
        if (!o.empty())
          producer.try_emplace(o, k);
      for (const std::string &i : graph.nodes[k].inputs)
        if (!i.empty()) {
          ++uses[i];
          consumers[i].push_back(k);
        }
    }
    for (const OnnxValueInfo &o : graph.outputs)
      ++uses[o.name];
  }

  void run() {
    // The larger patterns first: a LayerNorm's or GELU's inner Add must not
    // be taken for something else.
    for (size_t k = 0; k < out.nodes.size(); ++k)
      if (out.nodes[k])
        raiseLayerNorm(k);
    for (size_t k = 0; k < out.nodes.size(); ++k)
      if (out.nodes[k])
        raiseGelu(k);
    for (size_t k = 0; k < out.nodes.size(); ++k)
      if (out.nodes[k])
        raiseCrossEntropy(k);
    for (size_t k = 0; k < out.nodes.size(); ++k)
      if (out.nodes[k])
        raiseLinear(k);
  }

private:
  const OnnxGraph &graph;
  RaisedNodes &out;
  const int64_t opset;
  /// Value name -> the live nodes that read it (once per read).
  llvm::StringMap<SmallVector<size_t, 2>> consumers;
  /// Value name -> index of the live node that computes it.
  llvm::StringMap<size_t> producer;
  /// Value name -> number of reads by live nodes and graph outputs.
  llvm::StringMap<unsigned> uses;
  llvm::StringMap<const OnnxTensor *> initializers;

  /// The live, not yet raised default-domain node of type `opType` that
  /// computes `value` as its output 0, or nullopt.
  std::optional<size_t> producerOf(StringRef value, StringRef opType) {
    auto it = producer.find(value);
    if (it == producer.end() || !out.nodes[it->second])
      return std::nullopt;
    const OnnxNode &n = *out.nodes[it->second];
    if (n.opType != opType || !isDefaultDomain(n.domain) ||
        !n.raisedFrom.empty() || n.outputs.empty() || n.outputs[0] != value)
      return std::nullopt;
    return it->second;
  }

  /// Whether only one node reads `value` (and it is no graph output).
  bool hasOneUse(StringRef value) { return uses.lookup(value) == 1; }

  /// The float initializer `name` of rank `rank`, or null. An initializer is
  /// what becomes a uscale.parameter (a Constant node does not).
  const OnnxTensor *floatInitializer(StringRef name, size_t rank) {
    const OnnxTensor *t = initializers.lookup(name);
    if (!t || !isFloatType(t->dataType) || t->dims.size() != rank)
      return nullptr;
    return t;
  }

  /// Node `anchor` becomes `raised`; the nodes `absorbed` disappear.
  void replace(size_t anchor, ArrayRef<size_t> absorbed, OnnxNode raised) {
    auto dropReads = [&](size_t k) {
      for (const std::string &i : out.nodes[k]->inputs) {
        if (i.empty())
          continue;
        --uses[i];
        auto &c = consumers[i];
        auto it = llvm::find(c, k);
        if (it != c.end())
          c.erase(it);
      }
    };
    for (size_t a : absorbed) {
      dropReads(a);
      for (const std::string &o : out.nodes[a]->outputs)
        producer.erase(o);
      out.nodes[a] = nullptr;
    }
    dropReads(anchor);
    for (const std::string &i : raised.inputs)
      if (!i.empty()) {
        ++uses[i];
        consumers[i].push_back(anchor);
      }
    out.owned.push_back(std::move(raised));
    out.nodes[anchor] = &out.owned.back();
  }

  /// The live, not raised default-domain node of type `opType` that is the
  /// only reader of `value`, or nullopt.
  std::optional<size_t> onlyConsumer(StringRef value, StringRef opType) {
    if (!hasOneUse(value))
      return std::nullopt;
    auto it = consumers.find(value);
    if (it == consumers.end() || it->second.size() != 1)
      return std::nullopt;
    size_t k = it->second.front();
    const OnnxNode *n = out.nodes[k];
    if (!n || n->opType != opType || !isDefaultDomain(n->domain) ||
        !n->raisedFrom.empty())
      return std::nullopt;
    return k;
  }

  //===--------------------------------------------------------------------===//
  // Constants
  //===--------------------------------------------------------------------===//

  /// The tensor a constant value holds: an initializer, or the value of a
  /// Constant node (`value`, `value_float`, `value_int`); null otherwise.
  /// `scratch` holds a tensor made from a scalar attribute.
  const OnnxTensor *constantTensor(StringRef name, OnnxTensor &scratch) {
    if (const OnnxTensor *t = initializers.lookup(name))
      return t;
    auto it = producer.find(name);
    if (it == producer.end() || !out.nodes[it->second])
      return nullptr;
    const OnnxNode &n = *out.nodes[it->second];
    if (n.opType != "Constant" || !isDefaultDomain(n.domain))
      return nullptr;
    if (const OnnxAttribute *a = n.findAttribute("value"))
      return a->kind == OnnxAttribute::kTensorKind && a->t ? &*a->t : nullptr;
    if (const OnnxAttribute *a = n.findAttribute("value_float")) {
      scratch = OnnxTensor();
      scratch.dataType = kFloat;
      scratch.floatData = {a->f};
      return &scratch;
    }
    if (const OnnxAttribute *a = n.findAttribute("value_int")) {
      scratch = OnnxTensor();
      scratch.dataType = kInt64;
      scratch.int64Data = {a->i};
      return &scratch;
    }
    return nullptr;
  }

  /// Element `i` of a tensor's data as a double, or nullopt.
  static std::optional<double> element(const OnnxTensor &t, size_t i) {
    auto raw = [&](size_t size) -> const char * {
      return t.hasRawData && t.rawData.size() >= (i + 1) * size
                 ? t.rawData.data() + i * size
                 : nullptr;
    };
    using llvm::support::endian::read;
    constexpr auto little = llvm::endianness::little;
    switch (t.dataType) {
    case kFloat:
      if (i < t.floatData.size())
        return t.floatData[i];
      if (const char *p = raw(4))
        return llvm::bit_cast<float>(read<uint32_t, little>(p));
      return std::nullopt;
    case kDouble:
      if (i < t.doubleData.size())
        return t.doubleData[i];
      if (const char *p = raw(8))
        return llvm::bit_cast<double>(read<uint64_t, little>(p));
      return std::nullopt;
    case kFloat16:
    case kBFloat16: {
      uint16_t bits;
      if (i < t.int32Data.size())
        bits = uint16_t(t.int32Data[i]);
      else if (const char *p = raw(2))
        bits = read<uint16_t, little>(p);
      else
        return std::nullopt;
      llvm::APFloat f(t.dataType == kFloat16 ? llvm::APFloat::IEEEhalf()
                                             : llvm::APFloat::BFloat(),
                      llvm::APInt(16, bits));
      return f.convertToDouble();
    }
    case kInt64:
      if (i < t.int64Data.size())
        return double(t.int64Data[i]);
      if (const char *p = raw(8))
        return double(read<int64_t, little>(p));
      return std::nullopt;
    case kInt32:
      if (i < t.int32Data.size())
        return double(t.int32Data[i]);
      if (const char *p = raw(4))
        return double(read<int32_t, little>(p));
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }

  /// The value of a one-element constant, or nullopt.
  std::optional<double> scalar(StringRef name) {
    OnnxTensor scratch;
    const OnnxTensor *t = constantTensor(name, scratch);
    if (!t)
      return std::nullopt;
    int64_t numel = 1;
    for (int64_t d : t->dims)
      numel *= d;
    if (numel != 1)
      return std::nullopt;
    return element(*t, 0);
  }

  /// Whether `name` is a one-element constant within 1e-4 (relative) of
  /// `expected`.
  bool isScalar(StringRef name, double expected) {
    std::optional<double> v = scalar(name);
    return v && std::abs(*v - expected) <= 1e-4 * std::abs(expected);
  }

  /// The integers of a 0-D or 1-D integer constant, or nullopt.
  std::optional<SmallVector<int64_t>> constInts(StringRef name) {
    OnnxTensor scratch;
    const OnnxTensor *t = constantTensor(name, scratch);
    if (!t || (t->dataType != kInt64 && t->dataType != kInt32) ||
        t->dims.size() > 1)
      return std::nullopt;
    int64_t numel = t->dims.empty() ? 1 : t->dims[0];
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < numel; ++i) {
      std::optional<double> v = element(*t, size_t(i));
      if (!v)
        return std::nullopt;
      values.push_back(int64_t(*v));
    }
    return values;
  }

  //===--------------------------------------------------------------------===//
  // Products
  //===--------------------------------------------------------------------===//

  /// The factors of the product computing `value`: Mul nodes read by
  /// nothing else (recorded in `absorbed`) are flattened; Pow(v, 3) is
  /// three factors v when `powers` is set (and the Pow is absorbed).
  void factors(StringRef value, SmallVectorImpl<std::string> &out,
               SmallVectorImpl<size_t> &absorbed, bool powers, int depth = 0) {
    if (depth < 8 && hasOneUse(value)) {
      if (auto k = producerOf(value, "Mul")) {
        const OnnxNode &mul = *this->out.nodes[*k];
        if (mul.inputs.size() == 2 && mul.attributes.empty()) {
          absorbed.push_back(*k);
          for (const std::string &in : mul.inputs)
            factors(in, out, absorbed, powers, depth + 1);
          return;
        }
      }
      if (auto k = powers ? producerOf(value, "Pow") : std::nullopt) {
        const OnnxNode &pow = *this->out.nodes[*k];
        if (pow.inputs.size() == 2 && isScalar(pow.inputs[1], 3.0)) {
          absorbed.push_back(*k);
          out.append(3, pow.inputs[0]);
          return;
        }
      }
    }
    out.push_back(value.str());
  }

  /// Removes one factor that is a constant close to `expected`.
  bool takeScalar(SmallVectorImpl<std::string> &fs, double expected) {
    for (auto it = fs.begin(); it != fs.end(); ++it)
      if (isScalar(*it, expected)) {
        fs.erase(it);
        return true;
      }
    return false;
  }

  /// Add(v, 1) or Add(1, v) computing `value` (read only once): v.
  std::optional<std::string> plusOne(StringRef value,
                                     SmallVectorImpl<size_t> &absorbed) {
    auto k = hasOneUse(value) ? producerOf(value, "Add") : std::nullopt;
    if (!k)
      return std::nullopt;
    const OnnxNode &add = *out.nodes[*k];
    if (add.inputs.size() != 2 || !add.attributes.empty())
      return std::nullopt;
    for (unsigned side = 0; side < 2; ++side)
      if (isScalar(add.inputs[side], 1.0)) {
        absorbed.push_back(*k);
        return add.inputs[1 - side];
      }
    return std::nullopt;
  }

  /// A raised node named and placed like `last`, the pattern's last node.
  static OnnxNode raisedLike(const OnnxNode &last, StringRef opType,
                             StringRef pattern) {
    OnnxNode n;
    n.name = last.name;
    n.opType = opType.str();
    n.raisedFrom = pattern.str();
    n.outputs = {last.outputs.front()};
    n.pos = last.pos;
    return n;
  }

  static OnnxAttribute intAttr(StringRef name, int64_t v) {
    OnnxAttribute a;
    a.name = name.str();
    a.kind = OnnxAttribute::kIntKind;
    a.i = v;
    return a;
  }
  static OnnxAttribute floatAttr(StringRef name, double v) {
    OnnxAttribute a;
    a.name = name.str();
    a.kind = OnnxAttribute::kFloatKind;
    a.f = float(v);
    return a;
  }
  static OnnxAttribute intsAttr(StringRef name, ArrayRef<int64_t> v) {
    OnnxAttribute a;
    a.name = name.str();
    a.kind = OnnxAttribute::kIntsKind;
    a.ints.assign(v.begin(), v.end());
    return a;
  }

  /// The axes of a ReduceMean with keepdims = 1 (attribute, or constant
  /// input 1 from opset 18), or nullopt.
  std::optional<SmallVector<int64_t>> reduceMeanAxes(const OnnxNode &n) {
    if (const OnnxAttribute *k = n.findAttribute("keepdims"))
      if (k->kind != OnnxAttribute::kIntKind || k->i != 1)
        return std::nullopt;
    if (const OnnxAttribute *a = n.findAttribute("axes")) {
      if (a->kind != OnnxAttribute::kIntsKind || a->ints.empty() ||
          n.inputs.size() > 1)
        return std::nullopt;
      return SmallVector<int64_t>(a->ints.begin(), a->ints.end());
    }
    if (n.inputs.size() != 2)
      return std::nullopt;
    auto axes = constInts(n.inputs[1]);
    if (!axes || axes->empty())
      return std::nullopt;
    return axes;
  }

  /// LayerNorm as PyTorch exports it before opset 17, anchored at the Div:
  ///   mean = ReduceMean(x); d = Sub(x, mean); p = Pow(d, 2) or Mul(d, d)
  ///   var = ReduceMean(p); s = Sqrt(Add(var, eps)); n = Div(d, s)
  /// then optionally Mul(n, gain) and Add(., bias), gain and bias float
  /// initializers with one dimension per reduced axis.
  void raiseLayerNorm(size_t k) {
    const OnnxNode &div = *out.nodes[k];
    if (div.opType != "Div" || !isDefaultDomain(div.domain) ||
        !div.raisedFrom.empty() || div.inputs.size() != 2 ||
        div.outputs.size() != 1)
      return;
    const std::string &d = div.inputs[0];
    SmallVector<size_t> absorbed;
    auto sqrtIdx = hasOneUse(div.inputs[1])
                       ? producerOf(div.inputs[1], "Sqrt")
                       : std::nullopt;
    if (!sqrtIdx)
      return;
    const OnnxNode &sqrt = *out.nodes[*sqrtIdx];
    auto addIdx = sqrt.inputs.size() == 1 && hasOneUse(sqrt.inputs[0])
                      ? producerOf(sqrt.inputs[0], "Add")
                      : std::nullopt;
    if (!addIdx)
      return;
    const OnnxNode &addEps = *out.nodes[*addIdx];
    if (addEps.inputs.size() != 2)
      return;
    std::optional<double> eps;
    std::optional<size_t> varIdx;
    for (unsigned side = 0; side < 2 && !varIdx; ++side) {
      eps = scalar(addEps.inputs[1 - side]);
      if (eps && hasOneUse(addEps.inputs[side]))
        varIdx = producerOf(addEps.inputs[side], "ReduceMean");
    }
    if (!varIdx || !eps || !(*eps >= 0.0))
      return;
    const OnnxNode &var = *out.nodes[*varIdx];
    auto varAxes = reduceMeanAxes(var);
    if (!varAxes || var.inputs.empty() || !hasOneUse(var.inputs[0]))
      return;
    // The square of d.
    std::optional<size_t> sqIdx;
    unsigned dReads = 0;
    if (auto p = producerOf(var.inputs[0], "Pow")) {
      const OnnxNode &pow = *out.nodes[*p];
      if (pow.inputs.size() == 2 && pow.inputs[0] == d &&
          isScalar(pow.inputs[1], 2.0)) {
        sqIdx = p;
        dReads = 2;
      }
    } else if (auto m = producerOf(var.inputs[0], "Mul")) {
      const OnnxNode &mul = *out.nodes[*m];
      if (mul.inputs.size() == 2 && mul.inputs[0] == d && mul.inputs[1] == d) {
        sqIdx = m;
        dReads = 3;
      }
    }
    if (!sqIdx || uses.lookup(d) != dReads)
      return;
    auto subIdx = producerOf(d, "Sub");
    if (!subIdx)
      return;
    const OnnxNode &sub = *out.nodes[*subIdx];
    if (sub.inputs.size() != 2 || !hasOneUse(sub.inputs[1]))
      return;
    const std::string &x = sub.inputs[0];
    auto meanIdx = producerOf(sub.inputs[1], "ReduceMean");
    if (!meanIdx)
      return;
    const OnnxNode &mean = *out.nodes[*meanIdx];
    auto meanAxes = reduceMeanAxes(mean);
    if (!meanAxes || *meanAxes != *varAxes || mean.inputs.empty() ||
        mean.inputs[0] != x)
      return;
    absorbed.append({*meanIdx, *subIdx, *sqIdx, *varIdx, *addIdx, *sqrtIdx});

    // Optional gain and bias, one dimension per reduced axis.
    size_t last = k;
    std::string gain, bias;
    auto affine = [&](StringRef opType, std::string &param) {
      const std::string &v = out.nodes[last]->outputs[0];
      auto c = onlyConsumer(v, opType);
      if (!c)
        return;
      const OnnxNode &n = *out.nodes[*c];
      if (n.inputs.size() != 2 || !n.attributes.empty() || n.outputs.size() != 1)
        return;
      unsigned side = n.inputs[0] == v ? 1 : 0;
      if (n.inputs[1 - side] != v ||
          !floatInitializer(n.inputs[side], varAxes->size()))
        return;
      param = n.inputs[side];
      absorbed.push_back(last);
      last = *c;
    };
    affine("Mul", gain);
    if (!gain.empty())
      affine("Add", bias);

    // LayerNormalization's axis is the first normalised one; the builder
    // checks that the reduced axes are exactly the trailing ones.
    SmallVector<int64_t> axes = *varAxes;
    bool sameSign = llvm::all_of(
        axes, [&](int64_t a) { return (a < 0) == (axes.front() < 0); });
    int64_t first = sameSign ? *llvm::min_element(axes) : axes.front();
    OnnxNode ln = raisedLike(*out.nodes[last], "LayerNormalization",
                             "LayerNorm pattern");
    ln.inputs = {x, gain, bias};
    while (!ln.inputs.empty() && ln.inputs.back().empty())
      ln.inputs.pop_back();
    ln.attributes = {intAttr("axis", first), floatAttr("epsilon", *eps),
                     intsAttr("_reduced_axes", axes)};
    replace(last, absorbed, std::move(ln));
  }

  /// GELU as exporters write it, anchored at the outermost Mul:
  ///   x * 0.5 * (1 + Erf(x / sqrt(2)))             (or x * 0.7071...)
  ///   x * 0.5 * (1 + Tanh(0.7978... * (x + 0.044715 * x^3)))
  /// in any order of the factors; x^3 is Pow(x, 3) or x * x * x.
  void raiseGelu(size_t k) {
    const OnnxNode &root = *out.nodes[k];
    if (root.opType != "Mul" || !isDefaultDomain(root.domain) ||
        !root.raisedFrom.empty() || root.inputs.size() != 2 ||
        root.outputs.size() != 1 || !root.attributes.empty())
      return;
    SmallVector<size_t> absorbed;
    SmallVector<std::string> fs;
    for (const std::string &in : root.inputs)
      factors(in, fs, absorbed, /*powers=*/false);
    if (fs.size() != 3 || !takeScalar(fs, 0.5))
      return;
    // One factor is 1 + f(...), the other is x.
    for (unsigned i = 0; i < 2; ++i) {
      SmallVector<size_t> inner(absorbed);
      auto v = plusOne(fs[i], inner);
      const std::string &x = fs[1 - i];
      if (!v)
        continue;
      std::string approximate;
      if (matchErfArg(*v, x, inner))
        approximate = "none";
      else if (matchTanhArg(*v, x, inner))
        approximate = "tanh";
      else
        continue;
      OnnxNode gelu = raisedLike(root, "Gelu", approximate == "tanh"
                                                   ? "GELU tanh pattern"
                                                   : "GELU erf pattern");
      gelu.inputs = {x};
      OnnxAttribute a;
      a.name = "approximate";
      a.kind = OnnxAttribute::kStringKind;
      a.s = approximate;
      gelu.attributes = {a};
      replace(k, inner, std::move(gelu));
      return;
    }
  }

  /// `v` = Erf(x / sqrt 2) or Erf(x * (1 / sqrt 2)).
  bool matchErfArg(StringRef v, StringRef x, SmallVectorImpl<size_t> &absorbed) {
    auto erfIdx = hasOneUse(v) ? producerOf(v, "Erf") : std::nullopt;
    if (!erfIdx || out.nodes[*erfIdx]->inputs.size() != 1)
      return false;
    const std::string &arg = out.nodes[*erfIdx]->inputs[0];
    if (!hasOneUse(arg))
      return false;
    if (auto d = producerOf(arg, "Div")) {
      const OnnxNode &div = *out.nodes[*d];
      if (div.inputs.size() != 2 || div.inputs[0] != x ||
          !isScalar(div.inputs[1], kSqrt2))
        return false;
      absorbed.append({*erfIdx, *d});
      return true;
    }
    SmallVector<size_t> mulAbsorbed;
    SmallVector<std::string> fs;
    factors(arg, fs, mulAbsorbed, /*powers=*/false);
    if (fs.size() != 2 || !takeScalar(fs, kSqrtHalf) || fs[0] != x)
      return false;
    absorbed.push_back(*erfIdx);
    absorbed.append(mulAbsorbed.begin(), mulAbsorbed.end());
    return true;
  }

  /// `v` = Tanh(sqrt(2/pi) * (x + 0.044715 * x^3)).
  bool matchTanhArg(StringRef v, StringRef x,
                    SmallVectorImpl<size_t> &absorbed) {
    auto tanhIdx = hasOneUse(v) ? producerOf(v, "Tanh") : std::nullopt;
    if (!tanhIdx || out.nodes[*tanhIdx]->inputs.size() != 1)
      return false;
    SmallVector<size_t> inner;
    SmallVector<std::string> fs;
    factors(out.nodes[*tanhIdx]->inputs[0], fs, inner, /*powers=*/false);
    if (fs.size() != 2 || !takeScalar(fs, kSqrt2OverPi))
      return false;
    // x + 0.044715 x^3
    auto addIdx = hasOneUse(fs[0]) ? producerOf(fs[0], "Add") : std::nullopt;
    if (!addIdx)
      return false;
    const OnnxNode &add = *out.nodes[*addIdx];
    if (add.inputs.size() != 2 || !add.attributes.empty())
      return false;
    unsigned side = add.inputs[0] == x ? 1 : 0;
    if (add.inputs[1 - side] != x)
      return false;
    SmallVector<std::string> cube;
    factors(add.inputs[side], cube, inner, /*powers=*/true);
    if (cube.size() != 4 || !takeScalar(cube, 0.044715) ||
        llvm::any_of(cube, [&](const std::string &f) { return f != x; }))
      return false;
    absorbed.push_back(*tanhIdx);
    absorbed.push_back(*addIdx);
    absorbed.append(inner.begin(), inner.end());
    return true;
  }

  /// NegativeLogLikelihoodLoss(LogSoftmax(x), target) or with
  /// Log(Softmax(x)), the softmax over the class axis (checked by the
  /// builder) -> SoftmaxCrossEntropyLoss(x, target) with the loss's
  /// attributes (reduction, ignore_index: the builder accepts what the
  /// SoftmaxCrossEntropyLoss mapping accepts).
  void raiseCrossEntropy(size_t k) {
    const OnnxNode &nll = *out.nodes[k];
    if (nll.opType != "NegativeLogLikelihoodLoss" ||
        !isDefaultDomain(nll.domain) || !nll.raisedFrom.empty() ||
        nll.inputs.size() < 2 || nll.outputs.size() != 1)
      return;
    const std::string &logProb = nll.inputs[0];
    if (!hasOneUse(logProb))
      return;
    SmallVector<size_t> absorbed;
    const OnnxNode *softmax = nullptr;
    StringRef pattern;
    if (auto ls = producerOf(logProb, "LogSoftmax")) {
      absorbed.push_back(*ls);
      softmax = out.nodes[*ls];
      pattern = "LogSoftmax+NegativeLogLikelihoodLoss";
    } else if (auto log = producerOf(logProb, "Log")) {
      const OnnxNode &l = *out.nodes[*log];
      auto sm = l.inputs.size() == 1 && hasOneUse(l.inputs[0])
                    ? producerOf(l.inputs[0], "Softmax")
                    : std::nullopt;
      if (!sm)
        return;
      absorbed.append({*log, *sm});
      softmax = out.nodes[*sm];
      pattern = "Softmax+Log+NegativeLogLikelihoodLoss";
    }
    if (!softmax || softmax->inputs.size() != 1)
      return;
    int64_t axis = opset < 13 ? 1 : -1;
    if (const OnnxAttribute *a = softmax->findAttribute("axis")) {
      if (a->kind != OnnxAttribute::kIntKind)
        return;
      axis = a->i;
    }
    OnnxNode sce = raisedLike(nll, "SoftmaxCrossEntropyLoss", pattern);
    sce.inputs = nll.inputs;
    sce.inputs[0] = softmax->inputs[0];
    sce.attributes = nll.attributes;
    sce.attributes.push_back(intAttr("_softmax_axis", axis));
    // Before opset 13 softmax flattens the input to 2-D at the axis.
    sce.attributes.push_back(intAttr("_softmax_2d", opset < 13));
    replace(k, absorbed, std::move(sce));
  }

  /// Add(MatMul(X, W), B) or Add(B, MatMul(X, W)), W a 2-D float
  /// initializer [K, N], B a 1-D one [N] of the same type, the MatMul read
  /// only by the Add -> Linear(X, W, B).
  void raiseLinear(size_t k) {
    const OnnxNode &add = *out.nodes[k];
    if (add.opType != "Add" || !isDefaultDomain(add.domain) ||
        !add.raisedFrom.empty() || add.inputs.size() != 2 ||
        add.outputs.size() != 1 || !add.attributes.empty())
      return;
    for (unsigned side = 0; side < 2; ++side) {
      auto mmIdx = producerOf(add.inputs[side], "MatMul");
      if (!mmIdx || !hasOneUse(add.inputs[side]))
        continue;
      const OnnxNode &mm = *out.nodes[*mmIdx];
      if (mm.inputs.size() != 2 || mm.inputs[0].empty())
        continue;
      const OnnxTensor *w = floatInitializer(mm.inputs[1], 2);
      const OnnxTensor *b = floatInitializer(add.inputs[1 - side], 1);
      if (!w || !b || b->dataType != w->dataType || b->dims[0] != w->dims[1])
        continue;
      OnnxNode linear = raisedLike(add, "Linear", "MatMul+Add");
      linear.inputs = {mm.inputs[0], mm.inputs[1], add.inputs[1 - side]};
      replace(k, {*mmIdx}, std::move(linear));
      return;
    }
  }
};

} // namespace

void mlir::uscale::onnx::detail::raiseExporterPatterns(const OnnxModel &model,
                                                       RaisedNodes &out) {
  Raiser(model, out).run();
}
