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
//===----------------------------------------------------------------------===//
#include "ImporterInternal.h"

using namespace mlir;
using namespace mlir::uscale::onnx;
using namespace mlir::uscale::onnx::detail;

namespace {

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
      : graph(model.graph), out(out) {
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
        if (!i.empty())
          ++uses[i];
    }
    for (const OnnxValueInfo &o : graph.outputs)
      ++uses[o.name];
  }

  void run() {
    for (size_t k = 0; k < out.nodes.size(); ++k)
      if (out.nodes[k])
        raiseLinear(k);
  }

private:
  const OnnxGraph &graph;
  RaisedNodes &out;
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
    for (size_t a : absorbed) {
      for (const std::string &i : out.nodes[a]->inputs)
        if (!i.empty())
          --uses[i];
      for (const std::string &o : out.nodes[a]->outputs)
        producer.erase(o);
      out.nodes[a] = nullptr;
    }
    for (const std::string &i : out.nodes[anchor]->inputs)
      if (!i.empty())
        --uses[i];
    for (const std::string &i : raised.inputs)
      if (!i.empty())
        ++uses[i];
    out.owned.push_back(std::move(raised));
    out.nodes[anchor] = &out.owned.back();
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
