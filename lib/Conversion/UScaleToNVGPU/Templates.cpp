//===- Templates.cpp - instantiate the FP8 kernel templates ---------------===//
#include "Templates.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::uscale::nvgpu_lowering;

namespace {
#include "Templates.inc"

bool isUpperAscii(char c) { return c >= 'A' && c <= 'Z'; }

/// Calls `fn(begin, length)` for every `@KEY@` token, KEY matching
/// [A-Z][A-Z0-9_]* (the same tokens as utils/instantiate-template.py).
template <typename Fn> void forEachToken(StringRef text, Fn fn) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || i + 1 >= text.size() || !isUpperAscii(text[i + 1]))
      continue;
    size_t j = i + 2;
    while (j < text.size() &&
           (isUpperAscii(text[j]) || llvm::isDigit(text[j]) || text[j] == '_'))
      ++j;
    if (j < text.size() && text[j] == '@') {
      fn(i, j + 1 - i);
      i = j;
    }
  }
}

std::pair<const char *, const char *> templateText(Template which) {
  switch (which) {
  case Template::Fp8Gemm:
    return {kTemplate_fp8_gemm, kTemplateName_fp8_gemm};
  case Template::Fp8Cast:
    return {kTemplate_fp8_cast, kTemplateName_fp8_cast};
  case Template::Fp8MatmulHost:
    return {kTemplate_fp8_matmul_host, kTemplateName_fp8_matmul_host};
  }
  llvm_unreachable("unknown template");
}
} // namespace

FailureOr<std::string> mlir::uscale::nvgpu_lowering::instantiateTemplate(
    StringRef text, ArrayRef<std::pair<StringRef, std::string>> values,
    std::string &error) {
  llvm::StringSet<> used;
  forEachToken(text, [&](size_t at, size_t len) {
    used.insert(text.substr(at + 1, len - 2));
  });
  for (auto &[key, value] : values)
    if (!used.contains(key)) {
      error = ("template does not use @" + key + "@").str();
      return failure();
    }
  std::string out;
  out.reserve(text.size());
  size_t last = 0;
  bool missing = false;
  forEachToken(text, [&](size_t at, size_t len) {
    out += text.substr(last, at - last);
    StringRef key = text.substr(at + 1, len - 2);
    const auto *it = llvm::find_if(values, [&](auto &kv) { return kv.first == key; });
    if (it == values.end()) {
      if (!missing)
        error = ("no value for @" + key + "@").str();
      missing = true;
    } else {
      out += it->second;
    }
    last = at + len;
  });
  if (missing)
    return failure();
  out += text.substr(last);
  return out;
}

LogicalResult mlir::uscale::nvgpu_lowering::addTemplateInstance(
    ModuleOp module, Template which, StringRef symbol,
    ArrayRef<std::pair<StringRef, std::string>> values, Location loc) {
  auto [text, name] = templateText(which);
  // Instances are marked, so that a second use of the same instance is
  // recognised and a user symbol of the same name is not taken for one.
  StringRef marker = "uscale.template";
  if (Operation *existing = SymbolTable::lookupSymbolIn(module, symbol)) {
    if (existing->hasAttr(marker))
      return success();
    return emitError(loc) << "uscale-nvgpu-instantiate: the module already defines @"
                          << symbol << ", which " << name << " defines too";
  }
  std::string error;
  FailureOr<std::string> source = instantiateTemplate(text, values, error);
  if (failed(source))
    return emitError(loc) << "uscale-nvgpu-instantiate: cannot instantiate " << name
                          << ": " << error;
  // The template's ops keep locations in the template (name:line:col), so
  // a diagnostic from a later lowering stage points at the template line.
  // Not verified alone: the host entry template calls the GEMM template's
  // launcher, which is only in the module after both are added. The pass
  // manager verifies the whole module after the pass.
  ParserConfig config(module.getContext(), /*verifyAfterParse=*/false);
  OwningOpRef<ModuleOp> parsed =
      parseSourceString<ModuleOp>(*source, config, name);
  if (!parsed)
    return emitError(loc) << "uscale-nvgpu-instantiate: the instantiated " << name
                          << " does not parse (see the error above)";
  if (!SymbolTable::lookupSymbolIn(*parsed, symbol))
    return emitError(loc) << "uscale-nvgpu-instantiate: " << name << " defines no @"
                          << symbol;
  // Refuse to shadow a symbol of the user's module with a template's.
  for (Operation &op : parsed->getBody()->getOperations())
    if (auto sym = SymbolTable::getSymbolName(&op))
      if (SymbolTable::lookupSymbolIn(module, sym.getValue()))
        return emitError(loc) << "uscale-nvgpu-instantiate: the module already "
                                 "defines @"
                              << sym.getValue() << ", which " << name
                              << " defines too";
  for (Operation &op : parsed->getBody()->getOperations())
    op.setAttr(marker, StringAttr::get(module.getContext(), name));
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  Block *body = module.getBody();
  body->getOperations().splice(body->end(),
                               parsed->getBody()->getOperations());
  return success();
}
