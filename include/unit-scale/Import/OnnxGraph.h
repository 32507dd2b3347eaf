//===- OnnxGraph.h - neutral in-memory ONNX graph ---------------*- C++ -*-===//
//
// A plain-data copy of the parts of an ONNX ModelProto the importer uses.
// Readers (the JSON reader here, a binary .onnx reader later) fill it; the
// graph builder (GraphBuilder.h) turns it into uscale IR. Nothing in here
// depends on MLIR, protobuf or a JSON library, and nothing is validated:
// the builder checks names, sizes and types and reports errors.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_ONNXGRAPH_H
#define UNIT_SCALE_IMPORT_ONNXGRAPH_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::uscale::onnx {

/// ONNX TensorProto.DataType values the importer knows by name.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
};

/// Name of a DataType value ("FLOAT", "INT64", ...), or "" when unknown.
llvm::StringRef dataTypeName(int32_t dataType);

/// Where an element starts in the reader's source text (1-based line and
/// column). Line 0 means unknown (a binary reader has no positions).
struct SourcePos {
  unsigned line = 0;
  unsigned column = 0;
  bool known() const { return line != 0; }
};

/// TensorProto: an initializer or a TENSOR attribute (Constant nodes).
/// At most one data representation is filled in; with none, the tensor is a
/// data-less declaration (a parameter the runner initialises, see
/// docs/onnx-json-format.md).
struct OnnxTensor {
  std::string name;
  std::string docString;
  std::vector<int64_t> dims;
  int32_t dataType = kUndefined;

  std::vector<float> floatData;   // FLOAT
  std::vector<double> doubleData; // DOUBLE
  /// INT32 (and narrower ints), and FLOAT16/BFLOAT16 as raw bit patterns,
  /// as ONNX stores them.
  std::vector<int32_t> int32Data;
  std::vector<int64_t> int64Data; // INT64
  /// Decoded bytes of `raw_data`, little-endian, when hasRawData.
  std::string rawData;
  bool hasRawData = false;
  /// Data the importer cannot use (string_data, external data, ...): the
  /// field's name, reported when the tensor is used.
  std::string unsupportedData;

  SourcePos pos;

  bool hasData() const {
    return hasRawData || !floatData.empty() || !doubleData.empty() ||
           !int32Data.empty() || !int64Data.empty() ||
           !unsupportedData.empty();
  }
};

/// AttributeProto. `kind` follows AttributeProto.AttributeType.
struct OnnxAttribute {
  enum Kind : int32_t {
    kUndefinedKind = 0,
    kFloatKind = 1,
    kIntKind = 2,
    kStringKind = 3,
    kTensorKind = 4,
    kGraphKind = 5,
    kFloatsKind = 6,
    kIntsKind = 7,
    kStringsKind = 8,
    kTensorsKind = 9,
    kGraphsKind = 10,
    kSparseTensorKind = 11,
    kSparseTensorsKind = 12,
    kTypeProtoKind = 13,
    kTypeProtosKind = 14,
  };
  std::string name;
  int32_t kind = kUndefinedKind;
  int64_t i = 0;
  float f = 0.0f;
  std::string s; // bytes (decoded from base64 in JSON)
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  std::optional<OnnxTensor> t;
};

/// Name of an AttributeProto.AttributeType ("INT", "FLOATS", ...).
llvm::StringRef attributeKindName(int32_t kind);

/// NodeProto. An empty input or output name is an omitted optional one.
struct OnnxNode {
  std::string name;
  std::string opType;
  std::string domain;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;
  SourcePos pos;
  /// Never set by readers: the importer sets it on the nodes it creates when
  /// it raises an exporter pattern ("MatMul+Add", ...) to one node. Such a
  /// node's opType names an importer-internal op.
  std::string raisedFrom;

  /// The attribute called `attrName`, or null.
  const OnnxAttribute *findAttribute(llvm::StringRef attrName) const;
};

/// One dimension of a TensorShapeProto.
struct OnnxDim {
  bool hasValue = false;
  int64_t value = 0;
  std::string param; // symbolic (dynamic) dimension name
};

/// ValueInfoProto with a tensor type: a graph input or output.
struct OnnxValueInfo {
  std::string name;
  /// False when the type is not a tensor type (sequence, map, ...); then
  /// `typeKind` names what it is.
  bool isTensor = true;
  std::string typeKind;
  int32_t elemType = kUndefined;
  /// False when the tensor type has no shape at all (unknown rank).
  bool hasShape = false;
  std::vector<OnnxDim> dims;
  SourcePos pos;
};

/// GraphProto.
struct OnnxGraph {
  std::string name;
  std::vector<OnnxNode> nodes;
  std::vector<OnnxValueInfo> inputs;
  std::vector<OnnxValueInfo> outputs;
  std::vector<OnnxTensor> initializers;
  SourcePos pos;
};

struct OnnxOpsetImport {
  std::string domain;
  int64_t version = 0;
};

/// ModelProto.
struct OnnxModel {
  int64_t irVersion = 0;
  std::vector<OnnxOpsetImport> opsetImports;
  OnnxGraph graph;
  /// File the model came from; the builder's locations name it.
  std::string sourceName;

  /// The imported opset version of `domain` ("" and "ai.onnx" are the same
  /// domain), or nullopt when the model does not import it.
  std::optional<int64_t> getOpsetVersion(llvm::StringRef domain = "") const;
};

} // namespace mlir::uscale::onnx

#endif // UNIT_SCALE_IMPORT_ONNXGRAPH_H
