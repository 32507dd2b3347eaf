//===- GraphBuilder.cpp - OnnxModel -> func.func of uscale ops ------------===//
//
// Checks first (duplicate names, unknown ops, dangling inputs, cycles,
// initializer sizes), then sorts the nodes topologically (iteratively: the
// JSON may list them in any order) and builds one op sequence per node with
// the op table. Every error is a diagnostic at the node, input or
// initializer it concerns; nothing here asserts on user input.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Import/GraphBuilder.h"

#include "ImporterInternal.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

#include <deque>
#include <queue>

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::onnx;
using namespace mlir::uscale::onnx::detail;

std::string mlir::uscale::onnx::detail::describeNode(const OnnxNode &node,
                                                     size_t index) {
  std::string s = node.name.empty() ? "node #" + std::to_string(index)
                                    : "node '" + node.name + "'";
  if (!node.raisedFrom.empty())
    s += " (" + node.raisedFrom + ")";
  else if (!node.opType.empty())
    s += " (" + node.opType + ")";
  return s;
}

double mlir::uscale::onnx::detail::floatAttrToDouble(float f) {
  if (!std::isfinite(f))
    return double(f);
  char buf[64];
  for (int precision = 1; precision <= 9; ++precision) {
    snprintf(buf, sizeof(buf), "%.*g", precision, double(f));
    double d = strtod(buf, nullptr);
    if (float(d) == f)
      return d;
  }
  return double(f);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// MLIR element type for an ONNX data type, or null when unsupported.
static Type getElementType(MLIRContext *ctx, int32_t dataType) {
  switch (dataType) {
  case kFloat:
    return Float32Type::get(ctx);
  case kFloat16:
    return Float16Type::get(ctx);
  case kBFloat16:
    return BFloat16Type::get(ctx);
  case kDouble:
    return Float64Type::get(ctx);
  case kInt32:
    return IntegerType::get(ctx, 32);
  case kInt64:
    return IntegerType::get(ctx, 64);
  default:
    return Type();
  }
}

static std::string dataTypeString(int32_t dataType) {
  StringRef name = dataTypeName(dataType);
  std::string s = name.empty() ? "unknown type" : name.str();
  return s + " (" + std::to_string(dataType) + ")";
}

static std::string formatDims(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

/// Product of `dims`, or nullopt for a negative dim or more than
/// kMaxElements elements. A zero dim does not hide huge others: the product
/// of the non-zero dims is bounded too, so any partial product of the dims
/// (flattening, reduction sizes) stays within kMaxElements.
static std::optional<int64_t> numElements(ArrayRef<int64_t> dims) {
  int64_t bound = 1;
  bool empty = false;
  for (int64_t d : dims) {
    if (d < 0 || d > kMaxElements)
      return std::nullopt;
    empty |= d == 0;
    if (d > 1 && bound > kMaxElements / d)
      return std::nullopt;
    bound *= std::max<int64_t>(d, 1);
  }
  return empty ? 0 : bound;
}

namespace {
/// How a tensor's data is stored; `count` is in elements.
struct DataRepr {
  enum Kind { None, Float, Double, Int32, Int64, Raw } kind = None;
  size_t count = 0;
};
} // namespace

/// Bytes per element of the data types whose raw data the importer reads.
static unsigned rawElementSize(int32_t dataType) {
  switch (dataType) {
  case kFloat:
  case kInt32:
    return 4;
  case kDouble:
  case kInt64:
    return 8;
  case kFloat16:
  case kBFloat16:
    return 2;
  default:
    return 0;
  }
}

/// Checks that `t` has valid dims, one data representation that fits its
/// type, and exactly as many values as its dims need. `what` names it.
static FailureOr<DataRepr> checkTensorData(const OnnxTensor &t, Location loc,
                                           const std::string &what) {
  std::optional<int64_t> numel = numElements(t.dims);
  if (!numel)
    return emitError(loc) << what << " has invalid dims " << formatDims(t.dims)
                          << " (negative, or more than 2^40 elements)";
  if (!t.unsupportedData.empty())
    return emitError(loc) << what << ": field '" << t.unsupportedData
                          << "' is not supported (store the values in "
                             "floatData, int64Data, int32Data, doubleData or "
                             "rawData)";
  SmallVector<std::pair<DataRepr, StringRef>> present;
  if (!t.floatData.empty())
    present.push_back({{DataRepr::Float, t.floatData.size()}, "floatData"});
  if (!t.doubleData.empty())
    present.push_back({{DataRepr::Double, t.doubleData.size()}, "doubleData"});
  if (!t.int32Data.empty())
    present.push_back({{DataRepr::Int32, t.int32Data.size()}, "int32Data"});
  if (!t.int64Data.empty())
    present.push_back({{DataRepr::Int64, t.int64Data.size()}, "int64Data"});
  if (t.hasRawData)
    present.push_back({{DataRepr::Raw, t.rawData.size()}, "rawData"});
  if (present.empty())
    return DataRepr{};
  if (present.size() > 1)
    return emitError(loc) << what << " has both " << present[0].second
                          << " and " << present[1].second;
  auto [repr, field] = present.front();
  bool fits = false;
  switch (repr.kind) {
  case DataRepr::Float:
    fits = t.dataType == kFloat;
    break;
  case DataRepr::Double:
    fits = t.dataType == kDouble;
    break;
  case DataRepr::Int32:
    fits = t.dataType == kInt32 || t.dataType == kFloat16 ||
           t.dataType == kBFloat16;
    break;
  case DataRepr::Int64:
    fits = t.dataType == kInt64;
    break;
  case DataRepr::Raw:
    fits = rawElementSize(t.dataType) != 0;
    break;
  case DataRepr::None:
    break;
  }
  if (!fits) {
    if (!getElementType(loc.getContext(), t.dataType))
      return emitError(loc) << what << " has unsupported data type "
                            << dataTypeString(t.dataType)
                            << " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, "
                               "INT32, INT64)";
    return emitError(loc) << what << " of type " << dataTypeString(t.dataType)
                          << " cannot store its values in '" << field << "'";
  }
  if (repr.kind == DataRepr::Raw) {
    unsigned size = rawElementSize(t.dataType);
    if (repr.count % size != 0 || int64_t(repr.count / size) != *numel)
      return emitError(loc)
             << what << " has " << repr.count << " bytes of rawData but its dims "
             << formatDims(t.dims) << " need " << *numel << " elements of "
             << size << " bytes";
    repr.count /= size;
    return repr;
  }
  if (int64_t(repr.count) != *numel)
    return emitError(loc) << what << " has " << repr.count << " values in '"
                          << field << "' but its dims " << formatDims(t.dims)
                          << " need " << *numel;
  return repr;
}

template <typename T> static T readLE(const std::string &raw, size_t i) {
  return llvm::support::endian::read<T, llvm::endianness::little>(
      raw.data() + i * sizeof(T));
}

/// Integer values of a checked INT64/INT32 tensor.
static SmallVector<int64_t> intValues(const OnnxTensor &t,
                                      const DataRepr &repr) {
  SmallVector<int64_t> out;
  out.reserve(repr.count);
  for (size_t i = 0; i < repr.count; ++i) {
    switch (repr.kind) {
    case DataRepr::Int64:
      out.push_back(t.int64Data[i]);
      break;
    case DataRepr::Int32:
      out.push_back(t.int32Data[i]);
      break;
    case DataRepr::Raw:
      out.push_back(t.dataType == kInt64 ? readLE<int64_t>(t.rawData, i)
                                         : readLE<int32_t>(t.rawData, i));
      break;
    default:
      break;
    }
  }
  return out;
}

/// Float values of a checked FLOAT/DOUBLE/FLOAT16/BFLOAT16 tensor, as
/// doubles (scalars such as a Dropout ratio).
static SmallVector<double> floatValues(const OnnxTensor &t,
                                       const DataRepr &repr) {
  SmallVector<double> out;
  for (size_t i = 0; i < repr.count; ++i) {
    switch (repr.kind) {
    case DataRepr::Float:
      out.push_back(t.floatData[i]);
      break;
    case DataRepr::Double:
      out.push_back(t.doubleData[i]);
      break;
    case DataRepr::Raw:
      if (t.dataType == kFloat)
        out.push_back(llvm::bit_cast<float>(readLE<uint32_t>(t.rawData, i)));
      else if (t.dataType == kDouble)
        out.push_back(llvm::bit_cast<double>(readLE<uint64_t>(t.rawData, i)));
      break;
    default:
      break;
    }
  }
  return out;
}

/// The `value` of a parameter with data: a dense attribute of `type`.
static DenseElementsAttr denseValue(RankedTensorType type, const OnnxTensor &t,
                                    const DataRepr &repr) {
  if (repr.kind == DataRepr::Float)
    return DenseElementsAttr::get(type, ArrayRef<float>(t.floatData));
  if (repr.kind == DataRepr::Double)
    return DenseElementsAttr::get(type, ArrayRef<double>(t.doubleData));
  if (t.dataType == kFloat16 || t.dataType == kBFloat16) {
    // 16-bit floats: int32Data holds the bit patterns; the attribute wants
    // them in host order.
    std::vector<uint16_t> bits(repr.count);
    for (size_t i = 0; i < repr.count; ++i)
      bits[i] = repr.kind == DataRepr::Raw ? readLE<uint16_t>(t.rawData, i)
                                           : uint16_t(t.int32Data[i]);
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(reinterpret_cast<const char *>(bits.data()),
                             bits.size() * sizeof(uint16_t)));
  }
  if (t.dataType == kFloat) {
    std::vector<float> vals(repr.count);
    for (size_t i = 0; i < repr.count; ++i)
      vals[i] = llvm::bit_cast<float>(readLE<uint32_t>(t.rawData, i));
    return DenseElementsAttr::get(type, ArrayRef<float>(vals));
  }
  std::vector<double> vals(repr.count);
  for (size_t i = 0; i < repr.count; ++i)
    vals[i] = llvm::bit_cast<double>(readLE<uint64_t>(t.rawData, i));
  return DenseElementsAttr::get(type, ArrayRef<double>(vals));
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

namespace mlir::uscale::onnx::detail {

/// What a value name stands for while building.
struct ValueEntry {
  /// An SSA value, or
  Value value;
  /// a constant tensor (initializer, Constant node), turned into a
  /// uscale.parameter (initializer) or an arith.constant (Constant node)
  /// when first used as a tensor operand, or
  const OnnxTensor *constant = nullptr;
  /// Whether `constant` is a Constant node's value (not trainable).
  bool isConstantNode = false;
  /// an output its producer's mapping does not provide, or
  const OnnxNode *unsupportedBy = nullptr;
  /// an output of a node that failed (already reported): its users are
  /// skipped so that only independent errors are reported.
  bool poisoned = false;
  size_t producerIndex = 0;
  unsigned outputIndex = 0;
};

class GraphImporter {
public:
  GraphImporter(const OnnxModel &model, MLIRContext *ctx)
      : model(model), graph(model.graph), ctx(ctx), builder(ctx),
        paramBuilder(ctx),
        file(StringAttr::get(ctx, model.sourceName.empty()
                                      ? "<onnx>"
                                      : model.sourceName)) {}

  OwningOpRef<ModuleOp> run();

  FailureOr<Value> getTensor(StringRef name, Location useLoc);
  const ValueEntry *lookup(StringRef name) const {
    auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
  }
  void define(StringRef name, ValueEntry entry) { env[name] = entry; }
  const OnnxTensor *own(OnnxTensor t) {
    ownedConstants.push_back(std::move(t));
    return &ownedConstants.back();
  }
  Location fileLoc(SourcePos pos) {
    return FileLineColLoc::get(file, pos.line, pos.column);
  }
  Location nameLoc(StringRef name, SourcePos pos) {
    return NameLoc::get(StringAttr::get(ctx, name), fileLoc(pos));
  }
  Location nodeLoc(size_t i) {
    const OnnxNode &n = graph.nodes[i];
    return nameLoc(n.name.empty() ? n.opType + "#" + std::to_string(i)
                                  : n.name,
                   n.pos);
  }
  FailureOr<SmallVector<int64_t>> constInts(const OnnxTensor &t);
  FailureOr<SmallVector<double>> constFloats(const OnnxTensor &t);

  OpBuilder &getBuilder() { return builder; }

private:
  const OnnxModel &model;
  const OnnxGraph &graph;
  MLIRContext *ctx;
  OpBuilder builder;
  /// Inserts parameters at the top of the function, in first-use order.
  OpBuilder paramBuilder;
  Block *entryBlock = nullptr;
  Operation *lastParameter = nullptr;
  StringAttr file;
  llvm::StringMap<ValueEntry> env;
  llvm::StringMap<Value> parameters;
  std::deque<OnnxTensor> ownedConstants;
  /// Initializer name -> index; graph inputs that are initializers are
  /// parameters, not function arguments.
  llvm::StringMap<size_t> initializerIndex;
  RaisedNodes raised;
  /// The nodes to import: the graph's with exporter patterns raised.
  std::vector<const OnnxNode *> &nodes = raised.nodes;
  std::vector<size_t> order;
  /// Function arguments (graph inputs that are not initializers).
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<const OnnxValueInfo *> args;

  Location tensorLoc(const OnnxTensor &t) { return nameLoc(t.name, t.pos); }
  FailureOr<Value> materialize(const OnnxTensor &t);
  FailureOr<Value> materializeConstant(const OnnxTensor &t);
  /// Where the next parameter or constant goes: after the previous one, at
  /// the top of the function (first-use order).
  void setLeafInsertionPoint();
  LogicalResult checkGraph();
  LogicalResult checkInputs();
  LogicalResult sortNodes();
  FailureOr<RankedTensorType> inputType(const OnnxValueInfo &info);
  LogicalResult importNode(size_t index, int64_t opset);
  LogicalResult checkOutputType(const OnnxValueInfo &info, Value value);
};

} // namespace mlir::uscale::onnx::detail

FailureOr<SmallVector<int64_t>>
GraphImporter::constInts(const OnnxTensor &t) {
  Location loc = tensorLoc(t);
  std::string what = "constant '" + t.name + "'";
  if (t.dataType != kInt64 && t.dataType != kInt32)
    return emitError(loc) << what << " must be INT64 or INT32, not "
                          << dataTypeString(t.dataType);
  if (t.dims.size() > 1)
    return emitError(loc) << what << " must be 0-D or 1-D, has dims "
                          << formatDims(t.dims);
  auto repr = checkTensorData(t, loc, what);
  if (failed(repr))
    return failure();
  if (repr->kind == DataRepr::None)
    return emitError(loc) << what << " has no data";
  return intValues(t, *repr);
}

FailureOr<SmallVector<double>>
GraphImporter::constFloats(const OnnxTensor &t) {
  Location loc = tensorLoc(t);
  std::string what = "constant '" + t.name + "'";
  if (t.dataType != kFloat && t.dataType != kDouble)
    return emitError(loc) << what << " must be FLOAT or DOUBLE, not "
                          << dataTypeString(t.dataType);
  auto repr = checkTensorData(t, loc, what);
  if (failed(repr))
    return failure();
  if (repr->kind == DataRepr::None)
    return emitError(loc) << what << " has no data";
  return floatValues(t, *repr);
}

FailureOr<Value> GraphImporter::materialize(const OnnxTensor &t) {
  auto it = parameters.find(t.name);
  if (it != parameters.end())
    return it->second;
  Location loc = tensorLoc(t);
  std::string what = "initializer '" + t.name + "'";
  Type elemType = getElementType(ctx, t.dataType);
  if (!elemType || !isa<FloatType>(elemType))
    return emitError(loc)
           << what << " of type " << dataTypeString(t.dataType)
           << " is used as a tensor operand; only floating-point "
              "initializers become parameters (integer tensors must be graph "
              "inputs or constant shape/axes operands)";
  auto repr = checkTensorData(t, loc, what);
  if (failed(repr))
    return failure();
  auto type = RankedTensorType::get(t.dims, elemType);
  InitKind init = InitKind::Normal;
  ElementsAttr value;
  if (repr->kind != DataRepr::None) {
    init = InitKind::Data;
    value = denseValue(type, t, *repr);
  } else if (t.docString == "zeros") {
    init = InitKind::Zeros;
  } else if (t.docString == "ones") {
    init = InitKind::Ones;
  }
  setLeafInsertionPoint();
  auto op = ParameterOp::create(paramBuilder, loc, type,
                                StringAttr::get(ctx, t.name),
                                InitKindAttr::get(ctx, init), value);
  if (failed(mlir::verify(op, /*verifyRecursively=*/false))) {
    op->erase();
    return failure();
  }
  lastParameter = op;
  parameters[t.name] = op.getResult();
  return op.getResult();
}

void GraphImporter::setLeafInsertionPoint() {
  if (lastParameter)
    paramBuilder.setInsertionPointAfter(lastParameter);
  else
    paramBuilder.setInsertionPointToStart(entryBlock);
}

/// A Constant node's value used as a tensor operand: an arith.constant, not a
/// parameter (it is not trained, and analyses see it as ConstantLike).
FailureOr<Value> GraphImporter::materializeConstant(const OnnxTensor &t) {
  auto it = parameters.find(t.name);
  if (it != parameters.end())
    return it->second;
  Location loc = tensorLoc(t);
  std::string what = "constant '" + t.name + "'";
  Type elemType = getElementType(ctx, t.dataType);
  if (!elemType)
    return emitError(loc) << what << " has unsupported data type "
                          << dataTypeString(t.dataType)
                          << " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, "
                             "INT32, INT64)";
  auto repr = checkTensorData(t, loc, what);
  if (failed(repr))
    return failure();
  if (repr->kind == DataRepr::None)
    return emitError(loc) << what << " has no data";
  auto type = RankedTensorType::get(t.dims, elemType);
  DenseElementsAttr value;
  if (isa<FloatType>(elemType)) {
    value = denseValue(type, t, *repr);
  } else {
    SmallVector<int64_t> ints = intValues(t, *repr);
    if (t.dataType == kInt64) {
      value = DenseElementsAttr::get(type, ArrayRef<int64_t>(ints));
    } else {
      SmallVector<int32_t> narrow(ints.begin(), ints.end());
      value = DenseElementsAttr::get(type, ArrayRef<int32_t>(narrow));
    }
  }
  setLeafInsertionPoint();
  auto op = arith::ConstantOp::create(paramBuilder, loc, value);
  lastParameter = op;
  parameters[t.name] = op.getResult();
  return op.getResult();
}

FailureOr<Value> GraphImporter::getTensor(StringRef name, Location useLoc) {
  const ValueEntry *e = lookup(name);
  if (!e)
    return emitError(useLoc) << "value '" << name << "' is not defined";
  if (e->value)
    return e->value;
  if (e->constant)
    return e->isConstantNode ? materializeConstant(*e->constant)
                             : materialize(*e->constant);
  if (e->unsupportedBy)
    return emitError(useLoc)
           << "uses '" << name << "', output " << e->outputIndex << " of "
           << describeNode(*e->unsupportedBy, e->producerIndex)
           << ", which the importer does not provide";
  return emitError(useLoc) << "value '" << name << "' is not available";
}

//===----------------------------------------------------------------------===//
// Checks
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::checkGraph() {
  bool ok = true;
  // Who defines each value name.
  llvm::StringMap<std::string> definedBy;
  for (size_t i = 0; i < graph.initializers.size(); ++i) {
    const OnnxTensor &t = graph.initializers[i];
    std::string what = "initializer '" + t.name + "'";
    if (t.name.empty()) {
      emitError(fileLoc(t.pos)) << "initializer #" << i << " has no name";
      ok = false;
      continue;
    }
    auto [it, inserted] = initializerIndex.try_emplace(t.name, i);
    if (!inserted) {
      emitError(tensorLoc(t)) << "duplicate initializer name '" << t.name
                              << "' (initializers #" << it->second << " and #"
                              << i << ")";
      ok = false;
      continue;
    }
    definedBy[t.name] = what;
    // Sizes and types are checked up front, used or not.
    if (failed(checkTensorData(t, tensorLoc(t), what)))
      ok = false;
  }
  llvm::StringMap<size_t> inputIndex;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const OnnxValueInfo &in = graph.inputs[i];
    auto [it, inserted] = inputIndex.try_emplace(in.name, i);
    if (!inserted) {
      emitError(nameLoc(in.name, in.pos))
          << "duplicate graph input name '" << in.name << "'";
      ok = false;
      continue;
    }
    if (!initializerIndex.count(in.name))
      definedBy[in.name] = "graph input '" + in.name + "'";
  }
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const OnnxNode &n = graph.nodes[k];
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      const std::string &name = n.outputs[o];
      if (name.empty())
        continue;
      std::string what = "output " + std::to_string(o) + " of " +
                         describeNode(n, k);
      auto [it, inserted] = definedBy.try_emplace(name, what);
      if (!inserted) {
        emitError(nodeLoc(k)) << "value name '" << name
                              << "' is defined twice: by " << it->second
                              << " and by " << what;
        ok = false;
      }
    }
  }

  // Unknown op types, all in one error.
  SmallVector<size_t> unknown;
  for (size_t k = 0; k < nodes.size(); ++k)
    if (nodes[k] && !findMapping(*nodes[k]))
      unknown.push_back(k);
  if (!unknown.empty()) {
    auto diag = emitError(nodeLoc(unknown.front()));
    diag << unknown.size() << " node" << (unknown.size() == 1 ? "" : "s")
         << " with op types the importer does not support:";
    for (size_t k : unknown) {
      const OnnxNode &n = *nodes[k];
      diag << " '" << n.opType << "'";
      if (!n.domain.empty())
        diag << " (domain '" << n.domain << "')";
      diag << " in " << (n.name.empty() ? "node #" + std::to_string(k)
                                        : "node '" + n.name + "'")
           << (k == unknown.back() ? "" : ",");
    }
    for (size_t k : unknown)
      diag.attachNote(nodeLoc(k))
          << describeNode(*nodes[k], k) << " is here";
    ok = false;
  }

  // Arity, and inputs nobody produces.
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const OnnxNode &n = graph.nodes[k];
    if (n.outputs.empty() || n.outputs.front().empty()) {
      emitError(nodeLoc(k)) << describeNode(n, k) << " has no output";
      ok = false;
    }
    const OpMapping *mapping = nodes[k] ? findMapping(*nodes[k]) : nullptr;
    if (mapping && nodes[k]->raisedFrom.empty()) {
      const OpMapping &m = *mapping;
      // Trailing empty names are omitted optional inputs.
      size_t count = n.inputs.size();
      while (count > 0 && n.inputs[count - 1].empty())
        --count;
      if (count < m.minInputs || count > m.maxInputs) {
        auto diag = emitError(nodeLoc(k))
                    << describeNode(n, k) << " has " << count
                    << (count == 1 ? " input" : " inputs") << " but "
                    << n.opType << " takes ";
        if (m.minInputs == m.maxInputs)
          diag << m.minInputs;
        else if (m.maxInputs == ~0u)
          diag << "at least " << m.minInputs;
        else
          diag << m.minInputs << " to " << m.maxInputs;
        ok = false;
      }
    }
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const std::string &name = n.inputs[i];
      if (name.empty() || definedBy.count(name))
        continue;
      emitError(nodeLoc(k)) << describeNode(n, k) << ": input " << i << " '"
                            << name
                            << "' is not produced by any node, graph input "
                               "or initializer";
      ok = false;
    }
  }
  for (const OnnxValueInfo &out : graph.outputs) {
    if (out.name.empty() || !definedBy.count(out.name)) {
      emitError(nameLoc(out.name, out.pos))
          << "graph output '" << out.name
          << "' is not produced by any node, graph input or initializer";
      ok = false;
    }
  }
  if (graph.outputs.empty()) {
    emitError(fileLoc(graph.pos)) << "the graph has no outputs";
    ok = false;
  }
  return success(ok);
}

LogicalResult GraphImporter::sortNodes() {
  size_t n = nodes.size();
  llvm::StringMap<size_t> producer;
  for (size_t k = 0; k < n; ++k)
    if (nodes[k])
      for (const std::string &out : nodes[k]->outputs)
        if (!out.empty())
          producer.try_emplace(out, k);
  // Kahn's algorithm; the min-heap keeps the file's order where it is free.
  std::vector<std::vector<size_t>> users(n);
  std::vector<size_t> pending(n, 0);
  size_t live = 0;
  for (size_t k = 0; k < n; ++k) {
    if (!nodes[k])
      continue;
    ++live;
    for (const std::string &in : nodes[k]->inputs) {
      auto it = in.empty() ? producer.end() : producer.find(in);
      if (it == producer.end())
        continue;
      users[it->second].push_back(k);
      ++pending[k];
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t k = 0; k < n; ++k)
    if (nodes[k] && pending[k] == 0)
      ready.push(k);
  order.clear();
  order.reserve(live);
  while (!ready.empty()) {
    size_t k = ready.top();
    ready.pop();
    order.push_back(k);
    for (size_t u : users[k])
      if (--pending[u] == 0)
        ready.push(u);
  }
  if (order.size() == live)
    return success();

  // A cycle: walk from an unsorted node to one of its unsorted producers
  // (every unsorted node has one) until a node repeats.
  size_t start = 0;
  while (!nodes[start] || pending[start] == 0)
    ++start;
  std::vector<size_t> path;
  llvm::DenseMap<size_t, size_t> step;
  size_t cur = start;
  while (!step.count(cur)) {
    step[cur] = path.size();
    path.push_back(cur);
    size_t next = cur;
    for (const std::string &in : nodes[cur]->inputs) {
      auto it = in.empty() ? producer.end() : producer.find(in);
      if (it != producer.end() && pending[it->second] != 0) {
        next = it->second;
        break;
      }
    }
    cur = next;
  }
  // path[step[cur]...] walks against the data flow; print it with the flow.
  SmallVector<size_t> cycle(path.begin() + step[cur], path.end());
  std::reverse(cycle.begin(), cycle.end());
  auto diag = emitError(nodeLoc(cycle.front()));
  diag << "the graph has a cycle (ONNX graphs must be acyclic): ";
  for (size_t k : cycle)
    diag << describeNode(*nodes[k], k) << " -> ";
  diag << describeNode(*nodes[cycle.front()], cycle.front());
  return failure();
}

//===----------------------------------------------------------------------===//
// Building
//===----------------------------------------------------------------------===//

FailureOr<RankedTensorType>
GraphImporter::inputType(const OnnxValueInfo &info) {
  Location loc = nameLoc(info.name, info.pos);
  std::string what = "graph input '" + info.name + "'";
  if (!info.isTensor)
    return emitError(loc) << what << " has a " << info.typeKind
                          << "; only tensors are supported";
  if (info.elemType == kUndefined)
    return emitError(loc) << what << " has no tensor type (type.tensorType."
                                     "elemType)";
  Type elemType = getElementType(ctx, info.elemType);
  if (!elemType)
    return emitError(loc) << what << " has unsupported element type "
                          << dataTypeString(info.elemType)
                          << " (supported: FLOAT, FLOAT16, BFLOAT16, DOUBLE, "
                             "INT32, INT64)";
  if (!info.hasShape)
    return emitError(loc) << what
                          << " has no shape; the importer needs fixed sizes "
                             "(type.tensorType.shape.dim[].dimValue)";
  SmallVector<int64_t> dims;
  for (size_t i = 0; i < info.dims.size(); ++i) {
    const OnnxDim &d = info.dims[i];
    if (!d.hasValue) {
      auto diag = emitError(loc) << what << ": dimension " << i;
      if (!d.param.empty())
        diag << " is dynamic ('" << d.param << "')";
      else
        diag << " has no size";
      diag << "; the importer needs fixed sizes: set a dimValue (e.g. "
              "export with a fixed batch size or overwrite the dim_param)";
      return failure();
    }
    if (d.value < 0)
      return emitError(loc) << what << ": dimension " << i << " is negative ("
                            << d.value << ")";
    dims.push_back(d.value);
  }
  if (!numElements(dims))
    return emitError(loc) << what << " has more than 2^40 elements";
  return RankedTensorType::get(dims, elemType);
}

LogicalResult GraphImporter::checkOutputType(const OnnxValueInfo &info,
                                             Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  bool ok = info.isTensor;
  if (info.elemType != kUndefined &&
      getElementType(ctx, info.elemType) != type.getElementType())
    ok = false;
  if (info.hasShape) {
    if (info.dims.size() != size_t(type.getRank())) {
      ok = false;
    } else {
      for (size_t i = 0; i < info.dims.size(); ++i)
        if (info.dims[i].hasValue &&
            info.dims[i].value != type.getDimSize(i))
          ok = false;
    }
  }
  if (ok)
    return success();
  auto diag = emitError(nameLoc(info.name, info.pos))
              << "graph output '" << info.name << "' is declared as ";
  if (!info.isTensor) {
    diag << "a " << info.typeKind;
  } else {
    diag << dataTypeString(info.elemType);
    if (info.hasShape) {
      diag << " [";
      for (size_t i = 0; i < info.dims.size(); ++i) {
        diag << (i ? ", " : "");
        if (info.dims[i].hasValue)
          diag << info.dims[i].value;
        else
          diag << (info.dims[i].param.empty() ? "?" : info.dims[i].param);
      }
      diag << "]";
    }
  }
  diag << " but the graph computes " << type;
  return failure();
}

NodeImporter::NodeImporter(GraphImporter &graph, const OnnxNode &node,
                           size_t index, Location loc, int64_t opset)
    : node(node), index(index), builder(graph.getBuilder()), loc(loc),
      opset(opset), graph(graph) {}

namespace {
/// A diagnostic caught while a node is imported, re-emitted with the node's
/// name and op type in front.
struct CapturedDiagnostic {
  DiagnosticSeverity severity;
  Location loc;
  std::string message;
  SmallVector<std::pair<Location, std::string>> notes;
};
} // namespace

LogicalResult GraphImporter::importNode(size_t k, int64_t opset) {
  const OnnxNode &n = *nodes[k];
  const OpMapping &mapping = *findMapping(n);
  NodeImporter importer(*this, n, k, nodeLoc(k), opset);
  SmallVector<CapturedDiagnostic> captured;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
      CapturedDiagnostic c{d.getSeverity(), d.getLocation(), d.str(), {}};
      for (Diagnostic &note : d.getNotes()) {
        std::string msg = note.str();
        // Verifier failures append the generic op; the node says enough.
        if (StringRef(msg).starts_with("see current operation"))
          continue;
        c.notes.push_back({note.getLocation(), std::move(msg)});
      }
      captured.push_back(std::move(c));
      return success();
    });
    result = mapping.build(importer);
  }
  std::string prefix = describeNode(n, k) + ": ";
  bool hadError = false;
  for (CapturedDiagnostic &c : captured) {
    hadError |= c.severity == DiagnosticSeverity::Error;
    InFlightDiagnostic diag =
        c.severity == DiagnosticSeverity::Error     ? emitError(c.loc)
        : c.severity == DiagnosticSeverity::Warning ? emitWarning(c.loc)
                                                    : emitRemark(c.loc);
    diag << prefix << c.message;
    for (auto &[noteLoc, msg] : c.notes)
      diag.attachNote(noteLoc) << msg;
  }
  if (failed(result) && !hadError)
    emitError(nodeLoc(k)) << prefix << "could not be imported";
  if (failed(result) || hadError)
    return failure();
  // Outputs the mapping does not provide fail only where they are used.
  for (unsigned o = 0; o < n.outputs.size(); ++o) {
    if (n.outputs[o].empty() || lookup(n.outputs[o]))
      continue;
    ValueEntry e;
    e.unsupportedBy = &n;
    e.producerIndex = k;
    e.outputIndex = o;
    define(n.outputs[o], e);
  }
  return success();
}

LogicalResult GraphImporter::checkInputs() {
  // Function arguments: graph inputs that are not initializers.
  bool ok = true;
  for (const OnnxValueInfo &in : graph.inputs) {
    auto init = initializerIndex.find(in.name);
    if (init != initializerIndex.end()) {
      // A parameter; its declared type must agree with the initializer.
      const OnnxTensor &t = graph.initializers[init->second];
      if (in.isTensor && in.elemType != kUndefined &&
          (in.elemType != t.dataType ||
           (in.hasShape && in.dims.size() != t.dims.size()))) {
        emitError(nameLoc(in.name, in.pos))
            << "graph input '" << in.name << "' is declared with type "
            << dataTypeString(in.elemType) << " and rank " << in.dims.size()
            << " but its initializer has type " << dataTypeString(t.dataType)
            << " and dims " << formatDims(t.dims);
        ok = false;
      }
      continue;
    }
    auto type = inputType(in);
    if (failed(type)) {
      ok = false;
      continue;
    }
    argTypes.push_back(*type);
    argLocs.push_back(nameLoc(in.name, in.pos));
    args.push_back(&in);
  }
  return success(ok);
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  ctx->loadDialect<arith::ArithDialect, func::FuncDialect, UScaleDialect>();
  raiseExporterPatterns(model, raised);
  // Report every structural problem at once, then stop.
  bool checked = succeeded(checkGraph());
  checked &= succeeded(checkInputs());
  if (!checked || failed(sortNodes()))
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc(graph.pos));
  builder.setInsertionPointToEnd(module->getBody());
  std::string funcName = graph.name.empty() ? "main" : graph.name;
  auto func = func::FuncOp::create(builder, nameLoc(funcName, graph.pos),
                                   funcName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [arg, loc] : llvm::zip(entry->getArguments(), argLocs))
    arg.setLoc(loc);
  builder.setInsertionPointToEnd(entry);
  entryBlock = entry;

  for (auto [arg, info] : llvm::zip(entry->getArguments(), args)) {
    ValueEntry e;
    e.value = arg;
    define(info->name, e);
  }
  for (const OnnxTensor &t : graph.initializers) {
    ValueEntry e;
    e.constant = &t;
    define(t.name, e);
  }

  // A failed node poisons its outputs; nodes reading poisoned values are
  // skipped, so every independent error is reported once.
  int64_t opset = model.getOpsetVersion("").value_or(23);
  bool nodesOk = true;
  for (size_t k : order) {
    const OnnxNode &n = *nodes[k];
    bool skip = llvm::any_of(n.inputs, [&](const std::string &in) {
      const ValueEntry *e = in.empty() ? nullptr : lookup(in);
      return e && e->poisoned;
    });
    if (!skip && succeeded(importNode(k, opset)))
      continue;
    nodesOk = false;
    ValueEntry poison;
    poison.poisoned = true;
    for (const std::string &out : n.outputs)
      if (!out.empty())
        define(out, poison);
  }
  if (!nodesOk)
    return nullptr;

  SmallVector<Value> results;
  for (const OnnxValueInfo &out : graph.outputs) {
    auto value = getTensor(out.name, nameLoc(out.name, out.pos));
    if (failed(value) || failed(checkOutputType(out, *value)))
      return nullptr;
    results.push_back(*value);
  }
  func::ReturnOp::create(builder, fileLoc(graph.pos), results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, TypeRange(ValueRange(results))));
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

LogicalResult NodeImporter::checkResultSizes(TypeRange types) {
  for (Type t : types) {
    auto shaped = dyn_cast<ShapedType>(t);
    if (shaped && shaped.hasRank() && !numElements(shaped.getShape()))
      return emitError() << "the result " << t
                         << " would have more than 2^40 elements";
  }
  return success();
}

FailureOr<Value> NodeImporter::getTensor(unsigned i) {
  if (!hasInput(i))
    return emitError() << "input " << i << " is missing";
  return graph.getTensor(node.inputs[i], loc);
}

FailureOr<Value> NodeImporter::getFloatTensor(unsigned i) {
  auto v = getTensor(i);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (!isa<FloatType>(type.getElementType()))
    return emitError() << "input " << i << " '" << node.inputs[i]
                       << "' must be a floating-point tensor, got " << type;
  return v;
}

FailureOr<Value> NodeImporter::getIntTensor(unsigned i) {
  auto v = getTensor(i);
  if (failed(v))
    return failure();
  auto type = cast<RankedTensorType>(v->getType());
  if (!isa<IntegerType>(type.getElementType()))
    return emitError() << "input " << i << " '" << node.inputs[i]
                       << "' must be an integer tensor, got " << type;
  return v;
}

FailureOr<Value> NodeImporter::getOptionalFloatTensor(unsigned i) {
  if (!hasInput(i))
    return Value();
  return getFloatTensor(i);
}

FailureOr<SmallVector<int64_t>> NodeImporter::getConstInts(unsigned i) {
  if (!hasInput(i))
    return emitError() << "input " << i << " is missing";
  const ValueEntry *e = graph.lookup(node.inputs[i]);
  if (!e || !e->constant)
    return emitError() << "input " << i << " '" << node.inputs[i]
                       << "' must be a constant INT64 tensor (an initializer "
                          "or a Constant node): the importer needs static "
                          "shapes";
  return graph.constInts(*e->constant);
}

FailureOr<double> NodeImporter::getConstFloat(unsigned i) {
  if (!hasInput(i))
    return emitError() << "input " << i << " is missing";
  const ValueEntry *e = graph.lookup(node.inputs[i]);
  if (!e || !e->constant)
    return emitError() << "input " << i << " '" << node.inputs[i]
                       << "' must be a constant (an initializer or a Constant "
                          "node)";
  auto values = graph.constFloats(*e->constant);
  if (failed(values))
    return failure();
  if (values->size() != 1)
    return emitError() << "input " << i << " '" << node.inputs[i]
                       << "' must hold one value, has " << values->size();
  return values->front();
}

FailureOr<SmallVector<double>> NodeImporter::getConstFloats(unsigned i) {
  const OnnxTensor *t = getConstant(i);
  if (!t)
    return emitError() << "input " << i << " '"
                       << (hasInput(i) ? node.inputs[i] : std::string())
                       << "' must be a constant (an initializer or a Constant "
                          "node)";
  return graph.constFloats(*t);
}

const OnnxTensor *NodeImporter::getConstant(unsigned i) const {
  if (!hasInput(i))
    return nullptr;
  const ValueEntry *e = graph.lookup(node.inputs[i]);
  return e ? e->constant : nullptr;
}

std::optional<SmallVector<int64_t>> NodeImporter::getIntConstant(unsigned i) {
  const OnnxTensor *t = getConstant(i);
  if (!t || (t->dataType != kInt64 && t->dataType != kInt32) ||
      t->dims.size() > 1)
    return std::nullopt;
  auto values = graph.constInts(*t);
  if (failed(values))
    return std::nullopt;
  return std::move(*values);
}

FailureOr<RankedTensorType> NodeImporter::getInputType(unsigned i) {
  if (const OnnxTensor *t = getConstant(i)) {
    Type elemType = getElementType(getContext(), t->dataType);
    if (!elemType)
      return emitError() << "input " << i << " '" << node.inputs[i]
                         << "' has unsupported data type "
                         << dataTypeString(t->dataType);
    if (!numElements(t->dims))
      return emitError() << "input " << i << " '" << node.inputs[i]
                         << "' has invalid dims " << formatDims(t->dims);
    return RankedTensorType::get(t->dims, elemType);
  }
  auto v = getTensor(i);
  if (failed(v))
    return failure();
  return cast<RankedTensorType>(v->getType());
}

const OnnxAttribute *NodeImporter::findTyped(StringRef name, int32_t kind,
                                             LogicalResult &result) {
  result = success();
  const OnnxAttribute *a = node.findAttribute(name);
  if (!a)
    return nullptr;
  if (a->kind != kind) {
    emitError() << "attribute '" << name << "' must be "
                << attributeKindName(kind) << ", not "
                << attributeKindName(a->kind);
    result = failure();
    return nullptr;
  }
  return a;
}

LogicalResult NodeImporter::getAttr(StringRef name, int64_t &out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kIntKind, r))
    out = a->i;
  return r;
}

LogicalResult NodeImporter::getAttr(StringRef name, double &out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kFloatKind, r))
    out = floatAttrToDouble(a->f);
  return r;
}

LogicalResult NodeImporter::getAttr(StringRef name, std::string &out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kStringKind, r))
    out = a->s;
  return r;
}

LogicalResult NodeImporter::getAttr(StringRef name,
                                    SmallVectorImpl<int64_t> &out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kIntsKind, r))
    out.assign(a->ints.begin(), a->ints.end());
  return r;
}

LogicalResult NodeImporter::getAttr(StringRef name,
                                    SmallVectorImpl<double> &out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kFloatsKind, r)) {
    out.clear();
    for (float f : a->floats)
      out.push_back(floatAttrToDouble(f));
  }
  return r;
}

LogicalResult NodeImporter::getAttr(StringRef name, const OnnxTensor *&out) {
  LogicalResult r = success();
  if (auto *a = findTyped(name, OnnxAttribute::kTensorKind, r)) {
    if (!a->t)
      return emitError() << "attribute '" << name << "' has no tensor 't'";
    out = &*a->t;
  }
  return r;
}

LogicalResult NodeImporter::rejectAttr(StringRef name, StringRef why) {
  if (!hasAttr(name))
    return success();
  return emitError() << "attribute '" << name << "' is not supported: " << why;
}

void NodeImporter::setOutput(unsigned i, Value value) {
  if (!hasOutput(i))
    return;
  ValueEntry e;
  e.value = value;
  graph.define(node.outputs[i], e);
}

LogicalResult NodeImporter::aliasInputToOutput(unsigned in, unsigned out) {
  if (!hasInput(in))
    return emitError() << "input " << in << " is missing";
  const ValueEntry *e = graph.lookup(node.inputs[in]);
  if (!e)
    return emitError() << "value '" << node.inputs[in] << "' is not defined";
  if (hasOutput(out))
    graph.define(node.outputs[out], *e);
  return success();
}

void NodeImporter::setIntConstantOutput(unsigned i, ArrayRef<int64_t> values,
                                        bool scalar) {
  OnnxTensor t;
  t.dataType = kInt64;
  if (!scalar)
    t.dims = {int64_t(values.size())};
  t.int64Data.assign(values.begin(), values.end());
  setConstantOutput(i, std::move(t));
}

void NodeImporter::setConstantOutput(unsigned i, OnnxTensor tensor) {
  if (!hasOutput(i))
    return;
  tensor.name = node.outputs[i];
  tensor.pos = node.pos;
  ValueEntry e;
  e.constant = graph.own(std::move(tensor));
  e.isConstantNode = true;
  graph.define(node.outputs[i], e);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mlir::uscale::onnx::buildModule(const OnnxModel &model,
                                                      MLIRContext *ctx) {
  GraphImporter importer(model, ctx);
  return importer.run();
}

bool mlir::uscale::onnx::isSupportedOnnxOp(StringRef opType) {
  return getOpTable().count(opType) != 0;
}

SmallVector<StringRef> mlir::uscale::onnx::getSupportedOnnxOps() {
  SmallVector<StringRef> ops;
  for (const auto &entry : getOpTable())
    ops.push_back(entry.getKey());
  llvm::sort(ops);
  return ops;
}
