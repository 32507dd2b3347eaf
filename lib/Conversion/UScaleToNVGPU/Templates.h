//===- Templates.h - FP8 kernel templates for uscale-to-nvgpu ---*- C++ -*-===//
//
// The kernel templates (templates/*.mlir.in) are compiled into the library.
// This instantiates them the way utils/instantiate-template.py does (the
// lit tests use that script on the same files) and adds the result to the
// module being compiled, once per distinct instance.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_CONVERSION_USCALETONVGPU_TEMPLATES_H
#define USCALE_CONVERSION_USCALETONVGPU_TEMPLATES_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>

namespace mlir::uscale::nvgpu_lowering {

/// Replaces every `@KEY@` token of `text` by its value. Fails (with `error`
/// set) on a key the text does not use and on a token without a value, so
/// the C++ side and the templates cannot drift apart.
FailureOr<std::string>
instantiateTemplate(StringRef text,
                    ArrayRef<std::pair<StringRef, std::string>> values,
                    std::string &error);

/// Which templates exist.
enum class Template { Fp8Gemm, Fp8Cast, Fp8MatmulHost };

/// Instantiates `which` with `values`, parses it and moves its top-level
/// ops into `module` (and marks `module` as a gpu.container_module), unless
/// `symbol` is already defined there. Errors are reported at `loc`.
LogicalResult
addTemplateInstance(ModuleOp module, Template which, StringRef symbol,
                    ArrayRef<std::pair<StringRef, std::string>> values,
                    Location loc);

} // namespace mlir::uscale::nvgpu_lowering

#endif
