//===- ImporterInternal.h - shared by GraphBuilder and OpTable --*- C++ -*-===//
//
// Private to lib/Import. NodeImporter is what one entry of the op table sees:
// the node, typed access to its inputs and attributes, op creation with
// result-type inference that reports (instead of aborting on) shape errors,
// and the node's outputs.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_LIB_IMPORT_IMPORTERINTERNAL_H
#define UNIT_SCALE_LIB_IMPORT_IMPORTERINTERNAL_H

#include "unit-scale/Import/OnnxGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <deque>

namespace mlir::uscale::onnx::detail {

class GraphImporter;

/// Largest number of elements of any tensor the importer creates (2^40).
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Describes a node for messages: "node 'fc1' (Gemm)" or "node #3 (Gemm)".
std::string describeNode(const OnnxNode &node, size_t index);

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const OnnxNode &node, size_t index,
               Location loc, int64_t opset);

  const OnnxNode &node;
  const size_t index;
  OpBuilder &builder;
  const Location loc;
  /// Imported version of the default ONNX domain.
  const int64_t opset;

  MLIRContext *getContext() { return builder.getContext(); }
  /// An error at the node; the importer prefixes it with the node's name
  /// and op type.
  InFlightDiagnostic emitError() { return mlir::emitError(loc); }

  //===--------------------------------------------------------------------===//
  // Inputs
  //===--------------------------------------------------------------------===//

  /// Whether input `i` is given (present and not the empty name).
  bool hasInput(unsigned i) const {
    return i < node.inputs.size() && !node.inputs[i].empty();
  }
  /// Input `i` as an SSA tensor; a float initializer becomes a parameter.
  FailureOr<Value> getTensor(unsigned i);
  /// Same, requiring a floating-point element type.
  FailureOr<Value> getFloatTensor(unsigned i);
  /// Same, requiring an integer element type.
  FailureOr<Value> getIntTensor(unsigned i);
  /// A float tensor, or a null Value when the optional input is absent.
  FailureOr<Value> getOptionalFloatTensor(unsigned i);
  /// The values of a constant (initializer or Constant node) 0-D or 1-D
  /// INT64/INT32 input: shapes, axes, split sizes, slice bounds.
  FailureOr<SmallVector<int64_t>> getConstInts(unsigned i);
  /// The value of a constant scalar floating-point input.
  FailureOr<double> getConstFloat(unsigned i);
  /// The values of a constant FLOAT or DOUBLE input of any shape.
  FailureOr<SmallVector<double>> getConstFloats(unsigned i);
  /// The constant tensor input `i` holds (an initializer or a Constant node
  /// output), without turning it into an op; null when it is no constant.
  const OnnxTensor *getConstant(unsigned i) const;
  /// When input `i` is a 0-D or 1-D INT64/INT32 constant (a shape, axes or
  /// a folded shape computation): its values. nullopt otherwise, and on bad
  /// data (reported).
  std::optional<SmallVector<int64_t>> getIntConstant(unsigned i);
  /// The type of input `i` (a constant's from its dims and data type,
  /// without turning it into an op).
  FailureOr<RankedTensorType> getInputType(unsigned i);

  //===--------------------------------------------------------------------===//
  // Attributes: an absent attribute leaves `out` unchanged and succeeds; one
  // of another type is reported and fails.
  //===--------------------------------------------------------------------===//

  bool hasAttr(StringRef name) const {
    return node.findAttribute(name) != nullptr;
  }
  LogicalResult getAttr(StringRef name, int64_t &out);
  LogicalResult getAttr(StringRef name, double &out);
  LogicalResult getAttr(StringRef name, std::string &out);
  LogicalResult getAttr(StringRef name, SmallVectorImpl<int64_t> &out);
  LogicalResult getAttr(StringRef name, SmallVectorImpl<double> &out);
  LogicalResult getAttr(StringRef name, const OnnxTensor *&out);
  /// Reports a present attribute the mapping cannot honour.
  LogicalResult rejectAttr(StringRef name, StringRef why);

  //===--------------------------------------------------------------------===//
  // Outputs
  //===--------------------------------------------------------------------===//

  size_t getNumOutputs() const { return node.outputs.size(); }
  /// Whether output `i` is requested (present and not the empty name).
  bool hasOutput(unsigned i) const {
    return i < node.outputs.size() && !node.outputs[i].empty();
  }
  /// Defines output `i` (ignored when the node does not request it).
  void setOutput(unsigned i, Value value);
  /// Output `out` is input `in` (Identity); constants stay constants.
  LogicalResult aliasInputToOutput(unsigned in, unsigned out);
  /// Output `i` is a constant tensor (Constant).
  void setConstantOutput(unsigned i, OnnxTensor tensor);
  /// Output `i` is an INT64 constant: 0-D (`scalar`) or 1-D.
  void setIntConstantOutput(unsigned i, ArrayRef<int64_t> values, bool scalar);

  //===--------------------------------------------------------------------===//
  // Op creation
  //===--------------------------------------------------------------------===//

  /// Creates `OpT` with result types from its InferTypeOpInterface. An
  /// inference or verification error is reported at the node (nothing is
  /// created) instead of aborting as the generated builders would.
  template <typename OpT>
  FailureOr<OpT> create(ValueRange operands,
                        typename OpT::Properties props = {}) {
    SmallVector<Type, 1> types;
    if (failed(OpT::inferReturnTypes(
            getContext(), loc, operands, DictionaryAttr::get(getContext()),
            OpaqueProperties(&props), RegionRange(), types)))
      return failure();
    return createWithTypes<OpT>(types, operands, props);
  }

  /// Creates `OpT` with the given result types, then verifies it.
  template <typename OpT>
  FailureOr<OpT> createWithTypes(TypeRange types, ValueRange operands,
                                 typename OpT::Properties props = {}) {
    if (failed(checkResultSizes(types)))
      return failure();
    OperationState state(loc, OpT::getOperationName());
    state.addOperands(operands);
    state.addTypes(types);
    state.useProperties(props);
    Operation *op = builder.create(state);
    if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
      op->erase();
      return failure();
    }
    return cast<OpT>(op);
  }

  /// Fails (reported) when a result would have more than kMaxElements
  /// elements: sizes stay far from int64 overflow everywhere downstream.
  LogicalResult checkResultSizes(TypeRange types);

private:
  GraphImporter &graph;
  const OnnxAttribute *findTyped(StringRef name, int32_t kind,
                                 LogicalResult &result);
};

/// Maps one ONNX node to uscale ops.
using NodeBuilderFn = LogicalResult (*)(NodeImporter &);

struct OpMapping {
  NodeBuilderFn build;
  /// Accepted number of inputs (counting omitted optional ones).
  unsigned minInputs;
  unsigned maxInputs;
};

/// The ONNX op table: op type (default domain) -> mapping.
const llvm::StringMap<OpMapping> &getOpTable();

/// The importer-internal ops of raised nodes (OnnxNode::raisedFrom set):
/// op type -> mapping.
const llvm::StringMap<OpMapping> &getRaisedOpTable();

/// The mapping of `node` (raised ops, or ONNX ops of the known domains), or
/// null when the importer does not support it.
const OpMapping *findMapping(const OnnxNode &node);

/// The nodes the builder imports: the graph's nodes with exporter patterns
/// raised (Raise.cpp).
struct RaisedNodes {
  /// One entry per node of the graph, in the graph's order: the node itself,
  /// the raised node that replaces it (it was the last node of a pattern),
  /// or null (absorbed into a raised node).
  std::vector<const OnnxNode *> nodes;
  /// The raised nodes.
  std::deque<OnnxNode> owned;
};

/// Finds the exporter patterns of `model`'s graph (docs/onnx-json-format.md,
/// "Raised patterns") and fills `out`. Never fails: what does not match
/// exactly is left as it is.
void raiseExporterPatterns(const OnnxModel &model, RaisedNodes &out);

/// Shortest decimal rendering of `f`, read back as a double: ONNX float
/// attributes (epsilon = 1e-5f) become 1e-5 rather than 9.99999974e-6.
double floatAttrToDouble(float f);

} // namespace mlir::uscale::onnx::detail

#endif // UNIT_SCALE_LIB_IMPORT_IMPORTERINTERNAL_H
