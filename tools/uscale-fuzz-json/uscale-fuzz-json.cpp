//===- uscale-fuzz-json.cpp - libFuzzer target for the ONNX-JSON importer -===//
//
// Feeds arbitrary bytes to mlir::uscale::importOnnxJson. The importer must
// report every problem through MLIR diagnostics and never crash or abort; when
// an import succeeds the module must also pass the verifier without crashing.
// Built only with -DUSCALE_ENABLE_FUZZERS=ON (see docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//

#include "unit-scale/Import/OnnxImport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

namespace {
struct FuzzState {
  mlir::MLIRContext ctx;
  mlir::ScopedDiagnosticHandler handler;

  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    mlir::uscale::registerOnnxImportDialects(registry);
    return registry;
  }

  FuzzState()
      : ctx(makeRegistry(), mlir::MLIRContext::Threading::DISABLED),
        handler(&ctx, [](mlir::Diagnostic &) { return mlir::success(); }) {
    ctx.loadAllAvailableDialects();
  }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FuzzState *state = new FuzzState();
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::uscale::importOnnxJson(text, "fuzz-input.json", &state->ctx);
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
