//===- OnnxImport.h - ONNX models to uscale IR entry points -----*- C++ -*-===//
//
// The importer's front door: an ONNX model (protobuf JSON, binary .onnx or
// .onnxtext) in, module out, and the `--import-onnx-json` / `--import-onnx`
// translations of unit-scale-translate.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_ONNXIMPORT_H
#define UNIT_SCALE_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>

namespace llvm {
class MemoryBuffer;
class SourceMgr;
class raw_ostream;
} // namespace llvm

namespace mlir {
class DialectRegistry;
namespace uscale {

/// Registers the dialects imported IR uses (arith, func, uscale).
void registerOnnxImportDialects(DialectRegistry &registry);

/// Reads ONNX ModelProto JSON `text` (named `bufferName` in locations) and
/// builds the module. Errors go to `ctx`'s diagnostic handlers; returns null
/// on any error.
OwningOpRef<ModuleOp> importOnnxJson(llvm::StringRef text,
                                     llvm::StringRef bufferName,
                                     MLIRContext *ctx);

/// Same, for the main buffer of `sourceMgr`.
OwningOpRef<ModuleOp> importOnnxJson(llvm::SourceMgr &sourceMgr,
                                     MLIRContext *ctx);

/// The ways an ONNX model can be written.
enum class OnnxFileFormat {
  Json,   ///< protobuf JSON (MessageToJson), .json
  Binary, ///< binary protobuf, .onnx
  Text,   ///< ONNX text format, .onnxtext / .onnxtxt
};

/// The format a file name's extension stands for, or nullopt.
std::optional<OnnxFileFormat> getOnnxFileFormat(llvm::StringRef filename);

/// The format of `data`: by `filename`'s extension when it has a known one,
/// else by content (JSON starts with '{', binary protobuf has bytes below
/// 0x20 that are not whitespace, anything else is text).
OnnxFileFormat detectOnnxFileFormat(llvm::StringRef filename,
                                    llvm::StringRef data);

/// Reads a model in `format` and builds the module; the same model in any
/// format gives the same IR (locations aside). Errors go to `ctx`'s
/// diagnostic handlers; returns null on any error. Binary and text need a
/// build with libonnx (otherwise an error says so).
OwningOpRef<ModuleOp> importOnnx(llvm::StringRef data,
                                 llvm::StringRef bufferName,
                                 OnnxFileFormat format, MLIRContext *ctx);

/// Same, for the main buffer of `sourceMgr`, format detected.
OwningOpRef<ModuleOp> importOnnx(llvm::SourceMgr &sourceMgr,
                                 MLIRContext *ctx);

/// For tools that take ONNX models where they take .mlir (unit-scale-opt):
/// imports the file `filename` (format by extension, else by content) in a
/// private context and returns the module printed as MLIR text with
/// locations (`loc(...)`), as a buffer named `filename`. Diagnostics are
/// printed to `diagOS` (with source lines where there are some); returns
/// null on any error.
std::unique_ptr<llvm::MemoryBuffer>
importOnnxFileToBuffer(llvm::StringRef filename, llvm::raw_ostream &diagOS);

/// The same for JSON (kept for existing callers).
std::unique_ptr<llvm::MemoryBuffer>
importOnnxJsonFileToBuffer(llvm::StringRef filename, llvm::raw_ostream &diagOS);

/// Registers the `--import-onnx-json` translation (mlir-translate style).
void registerImportOnnxJsonTranslation();

/// Registers the `--import-onnx` translation: any of the three formats.
void registerImportOnnxTranslation();

} // namespace uscale
} // namespace mlir

#endif // UNIT_SCALE_IMPORT_ONNXIMPORT_H
