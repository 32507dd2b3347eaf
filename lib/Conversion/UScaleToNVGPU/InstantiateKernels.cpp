//===- InstantiateKernels.cpp - uscale-nvgpu-instantiate ------------------===//
//
// Defines the FP8 GEMM host entries that uscale-to-nvgpu declared, from the
// kernel templates: the per-variant host entry, the GEMM kernel and its
// host launcher (f32 output), and the cast kernels of each operand format
// with their launcher.
//
//===----------------------------------------------------------------------===//
#include "GemmMatch.h"
#include "Templates.h"

#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_NVGPUINSTANTIATE
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::nvgpu_lowering;

namespace {


/// Replaces the declaration `decl` by its template instances.
LogicalResult instantiate(ModuleOp module, func::FuncOp decl,
                          bool deviceOperands, bool tiledCasts) {
  auto kernel = dyn_cast<DictionaryAttr>(decl->getAttr(kFp8GemmAttr));
  auto str = [&](StringRef key) -> StringRef {
    if (!kernel)
      return {};
    auto s = dyn_cast_or_null<StringAttr>(kernel.get(key));
    return s ? s.getValue() : StringRef();
  };
  StringRef variant = str("variant");
  std::optional<FP8Format> fa = symbolizeFP8Format(str("a")),
                           fb = symbolizeFP8Format(str("b"));
  auto tileAttr =
      kernel ? dyn_cast_or_null<IntegerAttr>(kernel.get("tile_n")) : nullptr;
  int64_t tileN = tileAttr ? tileAttr.getInt() : 0;
  std::string name = (variant + tileSuffix(tileN)).str();
  if (!decl.isDeclaration() || !fa || !fb ||
      !llvm::is_contained({"fwd", "dgrad", "wgrad"}, variant) ||
      (tileN != 256 && tileN != 128) ||
      decl.getName() != (kHostEntryPrefix + name).str() ||
      decl.getFunctionType() != hostEntryType(module.getContext()))
    return decl.emitError()
           << "uscale-nvgpu-instantiate: expected a declaration "
              "@uscale_fp8_matmul_<fwd|dgrad|wgrad>[_n128] of type "
           << hostEntryType(module.getContext()) << " with " << kFp8GemmAttr
           << " = {variant = \"fwd|dgrad|wgrad\", a = \"e4m3|e5m2\", b = "
              "\"e4m3|e5m2\", tile_n = 256|128 : i64} (no suffix for 256)";
  Location loc = decl.getLoc();
  // The template instance defines the same symbol.
  decl.erase();
  if (failed(addTemplateInstance(
          module, Template::Fp8Gemm, "uscale_fp8_gemm_" + name,
          {{"NAME", name},
           {"A_ELT", formatElementType(*fa).str()},
           {"B_ELT", formatElementType(*fb).str()},
           // 3: f32 output, 4 bytes per element: the uscale op's result
           // type (docs/gpu.md, "Templates").
           {"OUT_KIND", "3"},
           {"OUT_BYTES", "4"},
           // The measured best ring depth per width (bench/gpu/README.md).
           {"BN", std::to_string(tileN)},
           {"STAGES", tileN == 256 ? "4" : "3"},
           {"LDC", std::to_string(tileN + 8)},
           // The host entry orders everything on the runtime's one stream.
           {"SYNC", "false"}},
          loc)))
    return failure();
  for (FP8Format f : {*fa, *fb}) {
    std::string fmt = formatName(f).str();
    if (failed(addTemplateInstance(
            module, Template::Fp8Cast, "uscale_fp8_cast_" + fmt + "_kernels",
            {{"NAME", fmt}, {"ELT", formatElementType(f).str()}}, loc)))
      return failure();
  }
  return addTemplateInstance(module, Template::Fp8MatmulHost,
                             (kHostEntryPrefix + name).str(),
                             {{"NAME", name},
                              {"A_FMT", formatName(*fa).str()},
                              {"B_FMT", formatName(*fb).str()},
                              {"DEVICE_OPERANDS",
                               deviceOperands ? "true" : "false"},
                              {"TILED_CASTS", tiledCasts ? "true" : "false"}},
                             loc);
}

struct NVGPUInstantiatePass
    : public uscale::impl::NVGPUInstantiateBase<NVGPUInstantiatePass> {
  using NVGPUInstantiateBase::NVGPUInstantiateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> decls;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr(kFp8GemmAttr))
        decls.push_back(fn);
    for (func::FuncOp decl : decls)
      if (failed(instantiate(module, decl, deviceOperands, tiledCasts)))
        return signalPassFailure();
  }
};

} // namespace
