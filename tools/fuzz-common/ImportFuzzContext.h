//===- ImportFuzzContext.h - MLIR context shared by the import fuzzers ----===//
//
// One context per fuzzer process, built on first use: the importer's
// dialects loaded up front, single-threaded, and every diagnostic swallowed
// (the importer reports bad input through diagnostics; the fuzzers look for
// crashes, aborts and escaping exceptions, not for errors).
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_TOOLS_IMPORTFUZZCONTEXT_H
#define USCALE_TOOLS_IMPORTFUZZCONTEXT_H

#include "unit-scale/Import/OnnxImport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

namespace uscale_fuzz {

class ImportFuzzContext {
public:
  static mlir::MLIRContext &get() {
    static ImportFuzzContext *state = new ImportFuzzContext();
    return state->ctx;
  }

private:
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    mlir::uscale::registerOnnxImportDialects(registry);
    return registry;
  }

  ImportFuzzContext()
      : ctx(makeRegistry(), mlir::MLIRContext::Threading::DISABLED),
        handler(&ctx, [](mlir::Diagnostic &) { return mlir::success(); }) {
    ctx.loadAllAvailableDialects();
  }

  mlir::MLIRContext ctx;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace uscale_fuzz

#endif
