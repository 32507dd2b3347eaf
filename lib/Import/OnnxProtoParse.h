//===- OnnxProtoParse.h - libonnx side of the .onnx reader ------*- C++ -*-===//
//
// Private to lib/Import. The interface between OnnxProtoReader.cpp (which
// alone includes libonnx and protobuf headers and is compiled with
// exceptions) and the MLIR side (OnnxImport.cpp): plain data and strings,
// no MLIR types, nothing that throws.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_LIB_IMPORT_ONNXPROTOPARSE_H
#define UNIT_SCALE_LIB_IMPORT_ONNXPROTOPARSE_H

#include "unit-scale/Import/OnnxGraph.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::uscale::onnx::detail {

struct ProtoParseResult {
  /// The model, when there was no error.
  std::optional<OnnxModel> model;
  /// Complete messages; they name the node, attribute or initializer.
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  /// Position of a text-format syntax error (1-based), 0 when unknown.
  unsigned errorLine = 0;
  unsigned errorColumn = 0;
};

/// Parses a ModelProto (binary protobuf, or the ONNX text format when
/// `textFormat`), runs ONNX shape inference and converts it. Never throws.
ProtoParseResult parseOnnxProto(llvm::StringRef data, bool textFormat);

} // namespace mlir::uscale::onnx::detail

#endif // UNIT_SCALE_LIB_IMPORT_ONNXPROTOPARSE_H
