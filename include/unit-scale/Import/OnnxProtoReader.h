//===- OnnxProtoReader.h - binary .onnx / .onnxtext reader ------*- C++ -*-===//
//
// Reads an ONNX ModelProto in binary protobuf form (.onnx) or in the ONNX
// text format (.onnxtext, what onnx.printer writes) with libonnx, runs ONNX
// shape inference, and fills the same OnnxModel the JSON reader fills, so
// both give identical IR. Available when the build found libonnx
// (hasOnnxProtoReader()).
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_ONNXPROTOREADER_H
#define UNIT_SCALE_IMPORT_ONNXPROTOREADER_H

#include "unit-scale/Import/OnnxGraph.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

namespace mlir::uscale::onnx {

enum class OnnxProtoFormat { Binary, Text };

/// Whether this build reads binary and text ONNX (it was built with libonnx).
bool hasOnnxProtoReader();

/// Parses `data` (the contents of `bufferName`) as a ModelProto. Every
/// problem is emitted as an error diagnostic on `ctx`, located in
/// `bufferName` (at line:column for text-format syntax errors); problems of
/// ONNX's own shape inference are warnings (the builder reports what it
/// cannot import). Returns failure when any error was emitted; never
/// throws or aborts on bad input.
FailureOr<OnnxModel> readOnnxProto(llvm::StringRef data,
                                   llvm::StringRef bufferName,
                                   OnnxProtoFormat format, MLIRContext *ctx);

} // namespace mlir::uscale::onnx

#endif // UNIT_SCALE_IMPORT_ONNXPROTOREADER_H
