//===- OnnxImport.h - ONNX JSON to uscale IR entry points -------*- C++ -*-===//
//
// The importer's front door: JSON text or file in, module out, and the
// `--import-onnx-json` translation of unit-scale-translate.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_ONNXIMPORT_H
#define UNIT_SCALE_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>

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

/// For tools that take .json where they take .mlir (unit-scale-opt): imports
/// the file `filename` in a private context and returns the module printed
/// as MLIR text with locations (`loc(...)`), as a buffer named `filename`.
/// Diagnostics are printed to `diagOS` (with source lines); returns null on
/// any error.
std::unique_ptr<llvm::MemoryBuffer>
importOnnxJsonFileToBuffer(llvm::StringRef filename, llvm::raw_ostream &diagOS);

/// Registers the `--import-onnx-json` translation (mlir-translate style).
void registerImportOnnxJsonTranslation();

} // namespace uscale
} // namespace mlir

#endif // UNIT_SCALE_IMPORT_ONNXIMPORT_H
