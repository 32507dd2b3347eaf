//===- uscale-fuzz-json.cpp - libFuzzer target for the ONNX-JSON importer -===//
//
// Feeds arbitrary bytes to mlir::uscale::importOnnxJson. The importer must
// report every problem through MLIR diagnostics and never crash or abort; when
// an import succeeds the module must also pass the verifier without crashing.
// Built only with -DUSCALE_ENABLE_FUZZERS=ON (see docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//

#include "../fuzz-common/ImportFuzzContext.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::uscale::importOnnxJson(
      text, "fuzz-input.json", &uscale_fuzz::ImportFuzzContext::get());
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
