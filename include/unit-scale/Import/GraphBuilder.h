//===- GraphBuilder.h - build uscale IR from an OnnxModel -------*- C++ -*-===//
//
// Shared by every reader: checks the graph (names, cycles, sizes, types) and
// builds `module { func.func @<graph>(inputs) -> outputs }` from uscale ops.
// The ONNX-op to uscale-op mapping lives in one table (lib/Import/OpTable.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_IMPORT_GRAPHBUILDER_H
#define UNIT_SCALE_IMPORT_GRAPHBUILDER_H

#include "unit-scale/Import/OnnxGraph.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::uscale::onnx {

/// Builds a module holding one func.func for `model.graph`. Loads the func
/// and uscale dialects into `ctx`. Errors are emitted as diagnostics on `ctx`
/// (located at the offending node, input or initializer); returns null when
/// there was any. Never aborts on bad input.
OwningOpRef<ModuleOp> buildModule(const OnnxModel &model, MLIRContext *ctx);

/// Whether the importer maps ONNX op type `opType` (default domain).
bool isSupportedOnnxOp(llvm::StringRef opType);

/// Every ONNX op type the importer maps, sorted.
llvm::SmallVector<llvm::StringRef> getSupportedOnnxOps();

} // namespace mlir::uscale::onnx

#endif // UNIT_SCALE_IMPORT_GRAPHBUILDER_H
