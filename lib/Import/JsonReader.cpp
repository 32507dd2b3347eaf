//===- JsonReader.cpp - ONNX ModelProto JSON -> OnnxModel -----------------===//
//
// LLVM is built without exceptions, so every nlohmann call that could throw
// would abort instead: the JSON is parsed with allow_exceptions = false and
// every access below checks the value's type first (find() instead of
// operator[]/at(), get<> only after is_xxx()).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Import/JsonReader.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <nlohmann/json.hpp>

#include <cfloat>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::uscale::onnx;
using json = nlohmann::json;

//===----------------------------------------------------------------------===//
// base64
//===----------------------------------------------------------------------===//

static int base64Value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

std::optional<std::string> mlir::uscale::onnx::decodeBase64(StringRef text) {
  size_t n = text.size();
  while (n > 0 && text[n - 1] == '=')
    --n;
  size_t padding = text.size() - n;
  if (padding > 2 || (padding != 0 && text.size() % 4 != 0) || n % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(n / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    int v = base64Value(text[i]);
    if (v < 0)
      return std::nullopt;
    acc = ((acc << 6) | uint32_t(v)) & 0xFFFFFFu;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFFu));
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Source positions
//===----------------------------------------------------------------------===//

namespace {
/// Positions found by one lexical pass over (valid) JSON text: the `opType`
/// keys in order (one per node, unless a node lacks it or nested graphs add
/// more), and the first position of each `"name": "<value>"` value.
struct SourceIndex {
  std::vector<SourcePos> opTypeKeys;
  llvm::StringMap<SourcePos> nameValues;

  void scan(StringRef text) {
    unsigned line = 1;
    size_t lineStart = 0, i = 0, n = text.size();
    bool expectNameValue = false;
    while (i < n) {
      char c = text[i];
      if (c != '"') {
        if (c == '\n') {
          ++line;
          lineStart = i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != ':') {
          expectNameValue = false;
        }
        ++i;
        continue;
      }
      SourcePos pos{line, unsigned(i - lineStart + 1)};
      size_t start = ++i;
      bool escaped = false;
      while (i < n && text[i] != '"') {
        if (text[i] == '\\') {
          escaped = true;
          ++i;
        }
        ++i;
      }
      StringRef content = text.slice(start, std::min(i, n));
      ++i; // closing quote
      if (expectNameValue) {
        if (!escaped)
          nameValues.try_emplace(content, pos);
        expectNameValue = false;
        continue;
      }
      size_t j = i;
      while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' ||
                       text[j] == '\n'))
        ++j;
      if (j < n && text[j] == ':') {
        if (content == "opType")
          opTypeKeys.push_back(pos);
        else if (content == "name")
          expectNameValue = true;
      }
    }
  }
};

/// SAX handler used only to locate a syntax error (the DOM parse already
/// failed); it records the position and message nlohmann reports.
struct ErrorLocator : nlohmann::json_sax<json> {
  size_t position = 0;
  std::string message;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t &) override { return true; }
  bool string(string_t &) override { return true; }
  bool binary(binary_t &) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t &) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    position = pos;
    StringRef what(ex.what());
    // "[json.exception.parse_error.101] parse error at line 1, column 2: msg"
    size_t p = what.find("parse error");
    if (p != StringRef::npos) {
      size_t q = what.find(": ", p);
      if (q != StringRef::npos)
        what = what.drop_front(q + 2);
    }
    message = what.str();
    return false;
  }
};

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

class Reader {
public:
  Reader(StringRef text, StringRef bufferName, MLIRContext *ctx)
      : text(text), file(StringAttr::get(ctx, bufferName)) {}

  FailureOr<OnnxModel> read();

private:
  StringRef text;
  StringAttr file;
  SourceIndex index;
  bool hadError = false;
  /// Where errors about the element being read are reported.
  SourcePos current{1, 1};

  InFlightDiagnostic error(SourcePos pos) {
    hadError = true;
    if (!pos.known())
      pos = SourcePos{1, 1};
    return emitError(FileLineColLoc::get(file, pos.line, pos.column));
  }
  InFlightDiagnostic error() { return error(current); }

  SourcePos posOfName(const std::string &name, SourcePos fallback) {
    auto it = index.nameValues.find(name);
    return it == index.nameValues.end() ? fallback : it->second;
  }

  // Scalar conversions (no diagnostics).
  static bool toInt64(const json &v, int64_t &out);
  static bool toDouble(const json &v, double &out);
  static float toFloat(double d);

  // Field readers: a field that is absent leaves `out` alone and succeeds; a
  // field of the wrong type is reported against `what` and fails.
  bool readString(const json &obj, const char *key, std::string &out,
                  const std::string &what);
  bool readInt(const json &obj, const char *key, int64_t &out,
               const std::string &what);
  bool readInt32(const json &obj, const char *key, int32_t &out,
                 const std::string &what);
  bool readFloat(const json &obj, const char *key, float &out,
                 const std::string &what);
  bool readBytes(const json &obj, const char *key, std::string &out,
                 const std::string &what);
  bool readStrings(const json &obj, const char *key,
                   std::vector<std::string> &out, const std::string &what,
                   bool base64);
  template <typename T>
  bool readNumbers(const json &obj, const char *key, std::vector<T> &out,
                   const std::string &what);
  /// The array at obj[key], or null (absent: `present` false; not an array:
  /// reported).
  const json *getArray(const json &obj, const char *key,
                       const std::string &what, bool &ok);

  void readGraph(const json &g, OnnxGraph &graph);
  void readNode(const json &v, size_t index, OnnxNode &node);
  void readAttribute(const json &v, const std::string &nodeWhat,
                     OnnxAttribute &attr);
  void readTensor(const json &v, const std::string &what, OnnxTensor &tensor);
  void readValueInfo(const json &v, const std::string &what,
                     OnnxValueInfo &info);
  void reportSyntaxError();
};
} // namespace

bool Reader::toInt64(const json &v, int64_t &out) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > uint64_t(std::numeric_limits<int64_t>::max()))
      return false;
    out = int64_t(u);
    return true;
  }
  if (v.is_number_integer()) {
    out = v.get<int64_t>();
    return true;
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // [-2^63, 2^63) and integral.
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
        std::floor(d) != d)
      return false;
    out = int64_t(d);
    return true;
  }
  if (v.is_string()) {
    StringRef s(v.get_ref<const std::string &>());
    // getAsInteger returns true on error (including overflow).
    return !s.empty() && !s.getAsInteger(10, out);
  }
  return false;
}

bool Reader::toDouble(const json &v, double &out) {
  if (v.is_number()) {
    out = v.get<double>();
    return true;
  }
  if (v.is_string()) {
    StringRef s(v.get_ref<const std::string &>());
    if (s == "NaN") {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    if (s == "Infinity") {
      out = std::numeric_limits<double>::infinity();
      return true;
    }
    if (s == "-Infinity") {
      out = -std::numeric_limits<double>::infinity();
      return true;
    }
    // getAsDouble returns true on error.
    return !s.empty() && !s.getAsDouble(out);
  }
  return false;
}

float Reader::toFloat(double d) {
  // Out-of-range double -> float conversion is undefined behaviour.
  if (d > double(FLT_MAX))
    return std::numeric_limits<float>::infinity();
  if (d < -double(FLT_MAX))
    return -std::numeric_limits<float>::infinity();
  return float(d);
}

bool Reader::readString(const json &obj, const char *key, std::string &out,
                        const std::string &what) {
  auto it = obj.find(key);
  if (it == obj.end())
    return true;
  if (!it->is_string()) {
    error() << what << ": field '" << key << "' must be a string";
    return false;
  }
  out = it->get_ref<const std::string &>();
  return true;
}

bool Reader::readInt(const json &obj, const char *key, int64_t &out,
                     const std::string &what) {
  auto it = obj.find(key);
  if (it == obj.end())
    return true;
  if (!toInt64(*it, out)) {
    error() << what << ": field '" << key
            << "' must be a 64-bit integer (a number or a decimal string)";
    return false;
  }
  return true;
}

bool Reader::readInt32(const json &obj, const char *key, int32_t &out,
                       const std::string &what) {
  int64_t v = out;
  auto it = obj.find(key);
  if (it == obj.end())
    return true;
  if (!toInt64(*it, v) || v < std::numeric_limits<int32_t>::min() ||
      v > std::numeric_limits<int32_t>::max()) {
    error() << what << ": field '" << key << "' must be a 32-bit integer";
    return false;
  }
  out = int32_t(v);
  return true;
}

bool Reader::readFloat(const json &obj, const char *key, float &out,
                       const std::string &what) {
  auto it = obj.find(key);
  if (it == obj.end())
    return true;
  double d;
  if (!toDouble(*it, d)) {
    error() << what << ": field '" << key << "' must be a number";
    return false;
  }
  out = toFloat(d);
  return true;
}

bool Reader::readBytes(const json &obj, const char *key, std::string &out,
                       const std::string &what) {
  auto it = obj.find(key);
  if (it == obj.end())
    return true;
  if (!it->is_string()) {
    error() << what << ": field '" << key << "' must be a base64 string";
    return false;
  }
  auto decoded = decodeBase64(it->get_ref<const std::string &>());
  if (!decoded) {
    error() << what << ": field '" << key
            << "' is not valid base64 (protobuf's JSON form of bytes)";
    return false;
  }
  out = std::move(*decoded);
  return true;
}

const json *Reader::getArray(const json &obj, const char *key,
                             const std::string &what, bool &ok) {
  auto it = obj.find(key);
  if (it == obj.end())
    return nullptr;
  if (!it->is_array()) {
    error() << what << ": field '" << key << "' must be an array";
    ok = false;
    return nullptr;
  }
  return &*it;
}

bool Reader::readStrings(const json &obj, const char *key,
                         std::vector<std::string> &out, const std::string &what,
                         bool base64) {
  bool ok = true;
  const json *arr = getArray(obj, key, what, ok);
  if (!arr)
    return ok;
  out.reserve(arr->size());
  size_t i = 0;
  for (const json &e : *arr) {
    if (!e.is_string()) {
      error() << what << ": " << key << "[" << i << "] must be a string";
      return false;
    }
    if (!base64) {
      out.push_back(e.get_ref<const std::string &>());
    } else {
      auto decoded = decodeBase64(e.get_ref<const std::string &>());
      if (!decoded) {
        error() << what << ": " << key << "[" << i << "] is not valid base64";
        return false;
      }
      out.push_back(std::move(*decoded));
    }
    ++i;
  }
  return true;
}

template <typename T>
bool Reader::readNumbers(const json &obj, const char *key, std::vector<T> &out,
                         const std::string &what) {
  bool ok = true;
  const json *arr = getArray(obj, key, what, ok);
  if (!arr)
    return ok;
  out.reserve(arr->size());
  size_t i = 0;
  for (const json &e : *arr) {
    if constexpr (std::is_floating_point_v<T>) {
      double d;
      if (!toDouble(e, d)) {
        error() << what << ": " << key << "[" << i << "] must be a number";
        return false;
      }
      if constexpr (std::is_same_v<T, float>)
        out.push_back(toFloat(d));
      else
        out.push_back(d);
    } else {
      int64_t v;
      if (!toInt64(e, v) || v < int64_t(std::numeric_limits<T>::min()) ||
          v > int64_t(std::numeric_limits<T>::max())) {
        error() << what << ": " << key << "[" << i << "] must be a "
                << (sizeof(T) == 8 ? "64" : "32")
                << "-bit integer (a number or a decimal string)";
        return false;
      }
      out.push_back(T(v));
    }
    ++i;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Messages
//===----------------------------------------------------------------------===//

void Reader::readTensor(const json &v, const std::string &what,
                        OnnxTensor &t) {
  if (!v.is_object()) {
    error() << what << " must be an object (a TensorProto)";
    return;
  }
  readString(v, "name", t.name, what);
  std::string w = t.name.empty() ? what : what + " '" + t.name + "'";
  readString(v, "docString", t.docString, w);
  readNumbers(v, "dims", t.dims, w);
  readInt32(v, "dataType", t.dataType, w);
  readNumbers(v, "floatData", t.floatData, w);
  readNumbers(v, "doubleData", t.doubleData, w);
  readNumbers(v, "int32Data", t.int32Data, w);
  readNumbers(v, "int64Data", t.int64Data, w);
  if (v.find("rawData") != v.end()) {
    t.hasRawData = readBytes(v, "rawData", t.rawData, w);
  }
  for (const char *unsupported :
       {"stringData", "uint64Data", "externalData", "segment"}) {
    auto it = v.find(unsupported);
    if (it != v.end() && !(it->is_array() && it->empty()))
      t.unsupportedData = unsupported;
  }
  auto loc = v.find("dataLocation");
  if (loc != v.end() &&
      !(loc->is_string() && loc->get_ref<const std::string &>() == "DEFAULT") &&
      !(loc->is_number_integer() && loc->get<int64_t>() == 0))
    t.unsupportedData = "dataLocation";
}

static int32_t attributeKindFromName(StringRef name) {
  for (int32_t k = 1; k <= OnnxAttribute::kTypeProtosKind; ++k)
    if (attributeKindName(k) == name)
      return k;
  return -1;
}

void Reader::readAttribute(const json &v, const std::string &nodeWhat,
                           OnnxAttribute &a) {
  if (!v.is_object()) {
    error() << nodeWhat << ": attributes must be objects";
    return;
  }
  if (!readString(v, "name", a.name, nodeWhat))
    return;
  if (a.name.empty()) {
    error() << nodeWhat << ": an attribute has no 'name'";
    return;
  }
  std::string what = nodeWhat + ": attribute '" + a.name + "'";
  auto typeIt = v.find("type");
  if (typeIt != v.end()) {
    int64_t k = -1;
    if (typeIt->is_string())
      k = attributeKindFromName(typeIt->get_ref<const std::string &>());
    else if (!toInt64(*typeIt, k))
      k = -1;
    if (k < 1 || k > OnnxAttribute::kTypeProtosKind) {
      error() << what << ": unknown attribute 'type' (expected one of "
                 "INT, FLOAT, STRING, TENSOR, INTS, FLOATS, ...)";
      return;
    }
    a.kind = int32_t(k);
  }
  if (v.find("refAttrName") != v.end()) {
    error() << what
            << ": 'refAttrName' (a function attribute reference) is not "
               "supported";
    return;
  }
  readInt(v, "i", a.i, what);
  readFloat(v, "f", a.f, what);
  readBytes(v, "s", a.s, what);
  readNumbers(v, "ints", a.ints, what);
  readNumbers(v, "floats", a.floats, what);
  readStrings(v, "strings", a.strings, what, /*base64=*/true);
  auto t = v.find("t");
  if (t != v.end()) {
    a.t.emplace();
    readTensor(*t, what + ": tensor", *a.t);
  }
  if (a.kind != OnnxAttribute::kUndefinedKind)
    return;
  // No type: infer it from the one field that is present (protobuf omits
  // fields at their default, so a typed attribute with i = 0 has no 'i').
  static const std::pair<const char *, int32_t> fields[] = {
      {"i", OnnxAttribute::kIntKind},
      {"f", OnnxAttribute::kFloatKind},
      {"s", OnnxAttribute::kStringKind},
      {"t", OnnxAttribute::kTensorKind},
      {"g", OnnxAttribute::kGraphKind},
      {"ints", OnnxAttribute::kIntsKind},
      {"floats", OnnxAttribute::kFloatsKind},
      {"strings", OnnxAttribute::kStringsKind},
      {"tensors", OnnxAttribute::kTensorsKind},
      {"graphs", OnnxAttribute::kGraphsKind},
      {"sparseTensor", OnnxAttribute::kSparseTensorKind},
  };
  for (auto [key, kind] : fields) {
    if (v.find(key) == v.end())
      continue;
    if (a.kind != OnnxAttribute::kUndefinedKind) {
      error() << what << ": has no 'type' and several value fields";
      return;
    }
    a.kind = kind;
  }
  if (a.kind == OnnxAttribute::kUndefinedKind)
    error() << what << ": has no 'type' and no value";
}

void Reader::readNode(const json &v, size_t idx, OnnxNode &node) {
  std::string what = "graph.node[" + std::to_string(idx) + "]";
  if (!v.is_object()) {
    error() << what << " must be an object (a NodeProto)";
    return;
  }
  readString(v, "name", node.name, what);
  readString(v, "opType", node.opType, what);
  readString(v, "domain", node.domain, what);
  if (!node.name.empty())
    what = "node '" + node.name + "'";
  else
    what = "node #" + std::to_string(idx);
  if (!node.opType.empty())
    what += " (" + node.opType + ")";
  if (v.find("opType") == v.end())
    error() << what << ": field 'opType' is missing";
  readStrings(v, "input", node.inputs, what, /*base64=*/false);
  readStrings(v, "output", node.outputs, what, /*base64=*/false);
  bool ok = true;
  if (const json *attrs = getArray(v, "attribute", what, ok)) {
    node.attributes.resize(attrs->size());
    size_t i = 0;
    for (const json &a : *attrs)
      readAttribute(a, what, node.attributes[i++]);
  }
}

void Reader::readValueInfo(const json &v, const std::string &what,
                           OnnxValueInfo &info) {
  if (!v.is_object()) {
    error() << what << " must be an object (a ValueInfoProto)";
    return;
  }
  readString(v, "name", info.name, what);
  std::string w = what + " '" + info.name + "'";
  info.pos = posOfName(info.name, current);
  SourcePos saved = current;
  current = info.pos;
  llvm::scope_exit restore([&] { current = saved; });
  if (info.name.empty()) {
    error() << what << ": field 'name' is missing";
    return;
  }
  auto type = v.find("type");
  if (type == v.end())
    return; // no type: elemType stays UNDEFINED
  if (!type->is_object()) {
    error() << w << ": field 'type' must be an object (a TypeProto)";
    return;
  }
  auto tensorType = type->find("tensorType");
  if (tensorType == type->end()) {
    info.isTensor = false;
    for (auto it = type->begin(); it != type->end(); ++it)
      if (it.key() != "denotation")
        info.typeKind = it.key();
    return;
  }
  if (!tensorType->is_object()) {
    error() << w << ": 'type.tensorType' must be an object";
    return;
  }
  readInt32(*tensorType, "elemType", info.elemType, w);
  auto shape = tensorType->find("shape");
  if (shape == tensorType->end())
    return;
  if (!shape->is_object()) {
    error() << w << ": 'type.tensorType.shape' must be an object";
    return;
  }
  info.hasShape = true;
  bool ok = true;
  const json *dims = getArray(*shape, "dim", w + ": shape", ok);
  if (!dims)
    return;
  size_t i = 0;
  for (const json &d : *dims) {
    std::string dw = w + ": shape dim " + std::to_string(i++);
    if (!d.is_object()) {
      error() << dw << " must be an object";
      return;
    }
    OnnxDim dim;
    if (d.find("dimValue") != d.end()) {
      if (!readInt(d, "dimValue", dim.value, dw))
        return;
      dim.hasValue = true;
    } else if (!readString(d, "dimParam", dim.param, dw)) {
      return;
    }
    info.dims.push_back(std::move(dim));
  }
}

void Reader::readGraph(const json &g, OnnxGraph &graph) {
  const std::string what = "graph";
  readString(g, "name", graph.name, what);
  bool ok = true;
  if (const json *nodes = getArray(g, "node", what, ok)) {
    graph.nodes.resize(nodes->size());
    // Node positions: the k-th "opType" key belongs to the k-th node unless
    // the counts disagree (a node without opType, nested graphs); then fall
    // back to the position of the node's name.
    bool byOrder = index.opTypeKeys.size() == nodes->size();
    size_t i = 0;
    for (const json &n : *nodes) {
      SourcePos pos;
      if (byOrder) {
        pos = index.opTypeKeys[i];
      } else if (n.is_object()) {
        auto name = n.find("name");
        if (name != n.end() && name->is_string())
          pos = posOfName(name->get_ref<const std::string &>(), SourcePos{});
      }
      graph.nodes[i].pos = pos;
      SourcePos saved = current;
      if (pos.known())
        current = pos;
      readNode(n, i, graph.nodes[i]);
      current = saved;
      ++i;
    }
  }
  auto readInfos = [&](const char *key, std::vector<OnnxValueInfo> &out,
                       const char *desc) {
    if (const json *arr = getArray(g, key, what, ok)) {
      out.resize(arr->size());
      size_t i = 0;
      for (const json &v : *arr) {
        readValueInfo(v, desc, out[i]);
        ++i;
      }
    }
  };
  readInfos("input", graph.inputs, "graph input");
  readInfos("output", graph.outputs, "graph output");
  if (const json *inits = getArray(g, "initializer", what, ok)) {
    graph.initializers.resize(inits->size());
    size_t i = 0;
    for (const json &t : *inits) {
      OnnxTensor &tensor = graph.initializers[i++];
      SourcePos saved = current;
      if (t.is_object()) {
        auto name = t.find("name");
        if (name != t.end() && name->is_string())
          current = posOfName(name->get_ref<const std::string &>(), current);
      }
      tensor.pos = current;
      readTensor(t, "initializer", tensor);
      if (t.is_object() && tensor.name.empty())
        error() << "initializer #" << (i - 1) << ": field 'name' is missing";
      current = saved;
    }
  }
  auto sparse = g.find("sparseInitializer");
  if (sparse != g.end() && !(sparse->is_array() && sparse->empty()))
    error() << "graph: 'sparseInitializer' is not supported";
}

void Reader::reportSyntaxError() {
  ErrorLocator locator;
  json::sax_parse(text.begin(), text.end(), &locator);
  // nlohmann's position counts the characters read; the offending one is
  // the last of them.
  size_t offset = locator.position == 0 ? 0 : locator.position - 1;
  offset = std::min(offset, text.size());
  StringRef before = text.take_front(offset);
  unsigned line = 1 + before.count('\n');
  size_t lastNewline = before.rfind('\n');
  unsigned column = unsigned(
      lastNewline == StringRef::npos ? offset + 1 : offset - lastNewline);
  error(SourcePos{line, column})
      << "malformed JSON: "
      << (locator.message.empty() ? std::string("syntax error")
                                  : locator.message);
}

FailureOr<OnnxModel> Reader::read() {
  json root = json::parse(text.begin(), text.end(), /*cb=*/nullptr,
                          /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    reportSyntaxError();
    return failure();
  }
  if (!root.is_object()) {
    error(SourcePos{1, 1})
        << "the top-level JSON value must be an object (an ONNX ModelProto)";
    return failure();
  }
  index.scan(text);

  OnnxModel model;
  model.sourceName = file.getValue().str();
  const std::string what = "model";
  readInt(root, "irVersion", model.irVersion, what);
  bool ok = true;
  if (const json *opsets = getArray(root, "opsetImport", what, ok)) {
    for (const json &o : *opsets) {
      if (!o.is_object()) {
        error() << "model: opsetImport entries must be objects";
        break;
      }
      OnnxOpsetImport imp;
      readString(o, "domain", imp.domain, "model: opsetImport");
      readInt(o, "version", imp.version, "model: opsetImport");
      model.opsetImports.push_back(std::move(imp));
    }
  }
  auto graph = root.find("graph");
  if (graph == root.end()) {
    error(SourcePos{1, 1})
        << "model has no 'graph' field (expected an ONNX ModelProto as "
           "written by google.protobuf.json_format.MessageToJson)";
    return failure();
  }
  if (!graph->is_object()) {
    error(SourcePos{1, 1}) << "model: field 'graph' must be an object";
    return failure();
  }
  model.graph.pos = SourcePos{1, 1};
  readGraph(*graph, model.graph);
  if (hadError)
    return failure();
  return model;
}

FailureOr<OnnxModel> mlir::uscale::onnx::readOnnxJson(StringRef text,
                                                      StringRef bufferName,
                                                      MLIRContext *ctx) {
  Reader reader(text, bufferName, ctx);
  return reader.read();
}
