//===- JsonReader.h - ONNX ModelProto JSON reader ---------------*- C++ -*-===//
//
// Reads an ONNX ModelProto written in protobuf's JSON mapping (what
// google.protobuf.json_format.MessageToJson produces) into an OnnxModel.
// The format is described in docs/onnx-json-format.md.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_JSONREADER_H
#define UNIT_SCALE_IMPORT_JSONREADER_H

#include "unit-scale/Import/OnnxGraph.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::uscale::onnx {

/// Parses `text` (the contents of `bufferName`) as an ONNX ModelProto in
/// protobuf JSON form. Every problem is emitted as an error diagnostic on
/// `ctx`, located in `bufferName` (line:column for malformed JSON and, where
/// the reader can find them, for nodes, inputs and initializers). Returns
/// failure when any error was emitted. Never aborts on malformed input.
FailureOr<OnnxModel> readOnnxJson(llvm::StringRef text,
                                  llvm::StringRef bufferName,
                                  MLIRContext *ctx);

/// Decodes base64 (standard or URL-safe alphabet, padding optional, as
/// protobuf's JSON parser accepts). Returns nullopt on invalid input.
std::optional<std::string> decodeBase64(llvm::StringRef text);

} // namespace mlir::uscale::onnx

#endif // UNIT_SCALE_IMPORT_JSONREADER_H
