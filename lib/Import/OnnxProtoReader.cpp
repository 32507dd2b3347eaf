//===- OnnxProtoReader.cpp - binary .onnx / .onnxtext -> OnnxModel --------===//
//
// Parses an ONNX ModelProto with Debian's libonnx (binary protobuf, or the
// ONNX text format through onnx::OnnxParser), runs ONNX shape inference, and
// copies the model into the neutral OnnxModel exactly as the JSON reader
// does, so both produce the same IR.
//
// This is the only file that sees libonnx and protobuf headers, and the only
// one compiled with exceptions (libonnx reports some errors by throwing).
// It includes no MLIR header: every call into libonnx is inside a try block
// here, and what leaves this file is plain data and message strings
// (OnnxProtoParse.h), so no exception can reach MLIR code.
//
//===----------------------------------------------------------------------===//
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"

#include "OnnxProtoParse.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

using mlir::uscale::onnx::OnnxAttribute;
using mlir::uscale::onnx::OnnxDim;
using mlir::uscale::onnx::OnnxGraph;
using mlir::uscale::onnx::OnnxModel;
using mlir::uscale::onnx::OnnxNode;
using mlir::uscale::onnx::OnnxTensor;
using mlir::uscale::onnx::OnnxValueInfo;
using mlir::uscale::onnx::detail::ProtoParseResult;

namespace {

/// Copies a ModelProto into an OnnxModel; problems the JSON reader reports
/// (with the same words) go to `result.errors`.
class Converter {
public:
  explicit Converter(ProtoParseResult &result) : result(result) {}

  void convertModel(const ::onnx::ModelProto &m, OnnxModel &model) {
    model.irVersion = m.ir_version();
    for (const ::onnx::OperatorSetIdProto &o : m.opset_import()) {
      mlir::uscale::onnx::OnnxOpsetImport imp;
      imp.domain = o.domain();
      imp.version = o.version();
      model.opsetImports.push_back(std::move(imp));
    }
    if (!m.has_graph()) {
      error("model has no 'graph' field (expected an ONNX ModelProto)");
      return;
    }
    convertGraph(m.graph(), model.graph);
  }

private:
  ProtoParseResult &result;

  void error(std::string message) {
    result.errors.push_back(std::move(message));
  }

  static std::string describeNode(const ::onnx::NodeProto &n, size_t idx) {
    std::string s = n.name().empty() ? "node #" + std::to_string(idx)
                                     : "node '" + n.name() + "'";
    if (!n.op_type().empty())
      s += " (" + n.op_type() + ")";
    return s;
  }

  void convertTensor(const ::onnx::TensorProto &p, OnnxTensor &t) {
    t.name = p.name();
    t.docString = p.doc_string();
    t.dims.assign(p.dims().begin(), p.dims().end());
    t.dataType = p.data_type();
    t.floatData.assign(p.float_data().begin(), p.float_data().end());
    t.doubleData.assign(p.double_data().begin(), p.double_data().end());
    t.int32Data.assign(p.int32_data().begin(), p.int32_data().end());
    t.int64Data.assign(p.int64_data().begin(), p.int64_data().end());
    if (p.has_raw_data()) {
      t.rawData = p.raw_data();
      t.hasRawData = true;
    }
    // The JSON field names, as the JSON reader reports them.
    if (p.string_data_size() != 0)
      t.unsupportedData = "stringData";
    if (p.uint64_data_size() != 0)
      t.unsupportedData = "uint64Data";
    if (p.external_data_size() != 0)
      t.unsupportedData = "externalData";
    if (p.has_segment())
      t.unsupportedData = "segment";
    if (p.data_location() != ::onnx::TensorProto::DEFAULT)
      t.unsupportedData = "dataLocation";
  }

  void convertAttribute(const ::onnx::AttributeProto &p,
                        const std::string &nodeWhat, OnnxAttribute &a) {
    a.name = p.name();
    if (a.name.empty()) {
      error(nodeWhat + ": an attribute has no 'name'");
      return;
    }
    std::string what = nodeWhat + ": attribute '" + a.name + "'";
    if (!p.ref_attr_name().empty()) {
      error(what + ": 'refAttrName' (a function attribute reference) is not "
                   "supported");
      return;
    }
    a.kind = p.type();
    a.i = p.i();
    a.f = p.f();
    a.s = p.s();
    a.ints.assign(p.ints().begin(), p.ints().end());
    a.floats.assign(p.floats().begin(), p.floats().end());
    a.strings.assign(p.strings().begin(), p.strings().end());
    if (p.has_t()) {
      a.t.emplace();
      convertTensor(p.t(), *a.t);
    }
    if (a.kind != OnnxAttribute::kUndefinedKind)
      return;
    // No type (old models): infer it from the one field that is present.
    const std::pair<bool, int32_t> fields[] = {
        {p.has_i(), OnnxAttribute::kIntKind},
        {p.has_f(), OnnxAttribute::kFloatKind},
        {p.has_s(), OnnxAttribute::kStringKind},
        {p.has_t(), OnnxAttribute::kTensorKind},
        {p.has_g(), OnnxAttribute::kGraphKind},
        {p.ints_size() != 0, OnnxAttribute::kIntsKind},
        {p.floats_size() != 0, OnnxAttribute::kFloatsKind},
        {p.strings_size() != 0, OnnxAttribute::kStringsKind},
        {p.tensors_size() != 0, OnnxAttribute::kTensorsKind},
        {p.graphs_size() != 0, OnnxAttribute::kGraphsKind},
        {p.has_sparse_tensor(), OnnxAttribute::kSparseTensorKind},
    };
    for (auto [present, kind] : fields) {
      if (!present)
        continue;
      if (a.kind != OnnxAttribute::kUndefinedKind) {
        error(what + ": has no 'type' and several value fields");
        return;
      }
      a.kind = kind;
    }
    if (a.kind == OnnxAttribute::kUndefinedKind)
      error(what + ": has no 'type' and no value");
  }

  void convertNode(const ::onnx::NodeProto &p, size_t idx, OnnxNode &n) {
    n.name = p.name();
    n.opType = p.op_type();
    n.domain = p.domain();
    std::string what = describeNode(p, idx);
    if (!p.has_op_type())
      error(what + ": field 'opType' is missing");
    n.inputs.assign(p.input().begin(), p.input().end());
    n.outputs.assign(p.output().begin(), p.output().end());
    n.attributes.resize(p.attribute_size());
    for (int i = 0; i < p.attribute_size(); ++i)
      convertAttribute(p.attribute(i), what, n.attributes[i]);
  }

  static const char *typeKindName(::onnx::TypeProto::ValueCase c) {
    switch (c) {
    case ::onnx::TypeProto::kSequenceType:
      return "sequenceType";
    case ::onnx::TypeProto::kMapType:
      return "mapType";
    case ::onnx::TypeProto::kOptionalType:
      return "optionalType";
    case ::onnx::TypeProto::kSparseTensorType:
      return "sparseTensorType";
    case ::onnx::TypeProto::kOpaqueType:
      return "opaqueType";
    default:
      return "";
    }
  }

  void convertValueInfo(const ::onnx::ValueInfoProto &p,
                        const std::string &what, OnnxValueInfo &info) {
    info.name = p.name();
    if (info.name.empty()) {
      error(what + ": field 'name' is missing");
      return;
    }
    if (!p.has_type())
      return; // no type: elemType stays UNDEFINED
    const ::onnx::TypeProto &type = p.type();
    if (type.value_case() != ::onnx::TypeProto::kTensorType) {
      info.isTensor = false;
      info.typeKind = typeKindName(type.value_case());
      return;
    }
    const ::onnx::TypeProto_Tensor &tensor = type.tensor_type();
    info.elemType = tensor.elem_type();
    if (!tensor.has_shape())
      return;
    info.hasShape = true;
    for (const ::onnx::TensorShapeProto_Dimension &d : tensor.shape().dim()) {
      OnnxDim dim;
      if (d.has_dim_value()) {
        dim.hasValue = true;
        dim.value = d.dim_value();
      } else {
        dim.param = d.dim_param();
      }
      info.dims.push_back(std::move(dim));
    }
  }

  void convertGraph(const ::onnx::GraphProto &g, OnnxGraph &graph) {
    graph.name = g.name();
    graph.nodes.resize(g.node_size());
    for (int i = 0; i < g.node_size(); ++i)
      convertNode(g.node(i), i, graph.nodes[i]);
    graph.inputs.resize(g.input_size());
    for (int i = 0; i < g.input_size(); ++i)
      convertValueInfo(g.input(i), "graph input", graph.inputs[i]);
    graph.outputs.resize(g.output_size());
    for (int i = 0; i < g.output_size(); ++i)
      convertValueInfo(g.output(i), "graph output", graph.outputs[i]);
    graph.initializers.resize(g.initializer_size());
    for (int i = 0; i < g.initializer_size(); ++i) {
      convertTensor(g.initializer(i), graph.initializers[i]);
      if (graph.initializers[i].name.empty())
        error("initializer #" + std::to_string(i) +
              ": field 'name' is missing");
    }
    if (g.sparse_initializer_size() != 0)
      error("graph: 'sparseInitializer' is not supported");
  }
};

/// "[ParseError at position (line: 6 column: 1)]\nError context: ...": the
/// position, and the message without it.
void splitParseError(const std::string &message, ProtoParseResult &result) {
  unsigned line = 0, column = 0;
  const char *prefix = "[ParseError at position (line: ";
  std::string text = message;
  if (message.rfind(prefix, 0) == 0 &&
      std::sscanf(message.c_str() + std::strlen(prefix), "%u column: %u",
                  &line, &column) == 2) {
    size_t end = message.find("]\n");
    if (end != std::string::npos)
      text = message.substr(end + 2);
    result.errorLine = line;
    result.errorColumn = column;
  }
  // "Error context: <text>\n<message>" -> "<message> (at '<text>')".
  const char *context = "Error context: ";
  size_t newline = text.find('\n');
  if (text.rfind(context, 0) == 0 && newline != std::string::npos) {
    std::string where = text.substr(std::strlen(context),
                                    newline - std::strlen(context));
    text = text.substr(newline + 1) + " (at '" + where + "')";
  }
  for (char &c : text)
    if (c == '\n')
      c = ' ';
  result.errors.push_back("malformed ONNX text: " + text);
}

} // namespace

ProtoParseResult mlir::uscale::onnx::detail::parseOnnxProto(
    llvm::StringRef data, bool textFormat) {
  ProtoParseResult result;
  ::onnx::ModelProto proto;
  try {
    if (textFormat) {
      std::string text = data.str(); // the parser wants a C string
      ::onnx::Common::Status status = ::onnx::OnnxParser::Parse(proto, text.c_str());
      if (!status.IsOK()) {
        splitParseError(status.ErrorMessage(), result);
        return result;
      }
    } else if (data.size() > size_t(INT32_MAX) ||
               !proto.ParseFromArray(data.data(), int(data.size()))) {
      result.errors.push_back(
          "not a binary ONNX ModelProto: protobuf parsing failed (a model "
          "over 2 GiB needs its weights in external data, which the "
          "importer does not read)");
      return result;
    }
  } catch (const std::exception &e) {
    result.errors.push_back(std::string("cannot parse the model: ") +
                            e.what());
    return result;
  } catch (...) {
    result.errors.push_back("cannot parse the model: unknown error");
    return result;
  }

  // ONNX shape inference checks the nodes against their schemas and fills in
  // what the model leaves out. The importer infers its own types; an error
  // here is reported as a warning, and the importer's own checks decide.
  try {
    ::onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                          /*strict_mode_val=*/0,
                                          /*data_prop_val=*/false);
    ::onnx::shape_inference::InferShapes(
        proto, ::onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    std::string what = e.what();
    for (char &c : what)
      if (c == '\n')
        c = ' ';
    result.warnings.push_back("ONNX shape inference failed: " + what);
  } catch (...) {
    result.warnings.push_back("ONNX shape inference failed");
  }

  OnnxModel model;
  try {
    Converter(result).convertModel(proto, model);
  } catch (const std::exception &e) {
    result.errors.push_back(std::string("cannot read the model: ") +
                            e.what());
  }
  if (result.errors.empty())
    result.model = std::move(model);
  return result;
}
