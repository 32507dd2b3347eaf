//===- Pipelines.cpp - uscale-lower-to-gpu --------------------------------===//
#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Conversion/PipelineText.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
// FP8 GEMMs to the kernels (declared host entries); the rest of the train
// step as uscale-lower-to-llvm lowers it for the CPU, up to loops on
// memrefs (with gemm-calls, the GEMMs left on the host call the CPU
// kernels; with aot, the library's C ABI as in uscale-lower-to-llvm); then
// the kernel templates join the module (after the buffer deallocation
// pass, which rejects the GPU host code) and MLIR's NVVM pipeline lowers
// host and device code to the LLVM dialect with the kernels embedded as a
// gpu.binary.
std::string lowerToGpuText(const mlir::uscale::UScaleLowerToGPUOptions &o) {
  std::string p = llvm::formatv("uscale-to-nvgpu{{fallback={0} batched={1}},",
                                o.fallback ? "true" : "false",
                                o.batchedGemms ? "true" : "false")
                      .str();
  // The CPU lowering's front (shared, so its emulate-offload checks this);
  // before the templates are instantiated: their host entries return a
  // status, not a buffer, and are called only from inside the module. With
  // offload, the GEMMs left off the FP8 kernels become GPU loops like every
  // other op: no CPU loop order, no CPU GEMM calls.
  bool hostGemms = o.gemmCalls && !o.offload;
  p += mlir::uscale::bufferizedLoweringText(
      /*cpuGemms=*/hostGemms,
      /*cpuLoopOrder=*/!hostGemms && !o.offload, o.aot);
  if (o.offload)
    // Canonicalization before outlining folds the launch's index math
    // (bounds, trip counts, delinearization divisors) to constants, which
    // outlining then sinks into the kernel: a division by a kernel argument
    // is a 64-bit division routine per index, by a constant a shift.
    p += mlir::uscale::offloadLoopsText(o.blockSize, /*emulate=*/false,
                                        o.tileRows, o.tileCols, o.fuseRows,
                                        /*emulateWarps=*/false,
                                        o.laneUnroll, o.elementsPerThread,
                                        o.splitColumns) +
         "func.func(convert-parallel-loops-to-gpu,canonicalize,cse),"
         "gpu-launch-sink-index-computations,"
         "gpu-kernel-outlining,"
         "func.func(uscale-gpu-async-launches{shared-stream=true})," +
         (o.contract ? "gpu.module(uscale-gpu-contract)," : "");
  else
    p += "convert-linalg-to-loops,";
  // Host math to LLVM and libm. With offload the host has none left (every
  // loop is a kernel, whose math the NVVM pipeline maps to libdevice), and
  // these passes must not reach into the kernels: convert-math-to-libm is a
  // module pass that would.
  p += llvm::formatv("uscale-nvgpu-instantiate{{device-operands={0} "
                     "tiled-casts={1}},",
                     o.offload ? "true" : "false",
                     o.tiledCasts ? "true" : "false")
           .str();
  p += o.offload ? "func.func(convert-math-to-llvm),"
                 : "convert-math-to-llvm,convert-math-to-libm,";
  p += llvm::formatv("gpu-lower-to-nvvm-pipeline{{cubin-chip={0} "
                     "cubin-features={1} opt-level=3 cubin-format={2}}",
                     o.chip.getValue(), o.features.getValue(),
                     o.format.getValue())
           .str();
  return p;
}
} // namespace

void mlir::uscale::buildUScaleLowerToGPUPipeline(
    OpPassManager &pm, const UScaleLowerToGPUOptions &options) {
  if (failed(parsePassPipeline(lowerToGpuText(options), pm, llvm::errs())))
    llvm::report_fatal_error("uscale-lower-to-gpu: bad pipeline text");
}

void mlir::uscale::registerUScaleGPUPipelines() {
  PassPipelineRegistration<UScaleLowerToGPUOptions>(
      "uscale-lower-to-gpu",
      "Lower a train step with FP8 GEMMs for a Hopper GPU: uscale-to-nvgpu, "
      "the CPU lowering of the other ops, the kernel templates, and "
      "gpu-lower-to-nvvm-pipeline (docs/gpu.md)",
      buildUScaleLowerToGPUPipeline);
}
