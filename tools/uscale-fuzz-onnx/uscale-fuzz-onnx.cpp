//===- uscale-fuzz-onnx.cpp - libFuzzer target for the .onnx importer -----===//
//
// Feeds arbitrary bytes to mlir::uscale::importOnnx as a binary ModelProto,
// or as ONNX text when they start with '<' (what text models start with).
// The reader, libonnx's parser and shape inference included, must report
// every problem through MLIR diagnostics and never crash, abort or let an
// exception escape; a module that imports must pass the verifier. Built only
// with -DUSCALE_ENABLE_FUZZERS=ON and libonnx (see docs/fuzzing.md).
//
//===----------------------------------------------------------------------===//

#include "../fuzz-common/ImportFuzzContext.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  bool text = bytes.starts_with("<");
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::uscale::importOnnx(
      bytes, text ? "fuzz-input.onnxtext" : "fuzz-input.onnx",
      text ? mlir::uscale::OnnxFileFormat::Text
           : mlir::uscale::OnnxFileFormat::Binary,
      &uscale_fuzz::ImportFuzzContext::get());
  if (module)
    (void)mlir::verify(*module);
  return 0;
}
