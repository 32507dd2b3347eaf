//===- OnnxGraph.cpp - helpers of the neutral ONNX graph ------------------===//
#include "unit-scale/Import/OnnxGraph.h"

using namespace mlir::uscale::onnx;
using llvm::StringRef;

StringRef mlir::uscale::onnx::dataTypeName(int32_t dataType) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",     "UINT8",      "INT8",   "UINT16",
      "INT16",     "INT32",     "INT64",      "STRING", "BOOL",
      "FLOAT16",   "DOUBLE",    "UINT32",     "UINT64", "COMPLEX64",
      "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
      "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};
  if (dataType < 0 || size_t(dataType) >= std::size(names))
    return "";
  return names[dataType];
}

StringRef mlir::uscale::onnx::attributeKindName(int32_t kind) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",   "INT",     "STRING",        "TENSOR",
      "GRAPH",     "FLOATS",  "INTS",    "STRINGS",       "TENSORS",
      "GRAPHS",    "SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO",
      "TYPE_PROTOS"};
  if (kind < 0 || size_t(kind) >= std::size(names))
    return "";
  return names[kind];
}

const OnnxAttribute *OnnxNode::findAttribute(StringRef attrName) const {
  for (const OnnxAttribute &a : attributes)
    if (a.name == attrName)
      return &a;
  return nullptr;
}

std::optional<int64_t> OnnxModel::getOpsetVersion(StringRef domain) const {
  auto isDefault = [](StringRef d) { return d.empty() || d == "ai.onnx"; };
  for (const OnnxOpsetImport &imp : opsetImports)
    if (imp.domain == domain || (isDefault(domain) && isDefault(imp.domain)))
      return imp.version;
  return std::nullopt;
}
