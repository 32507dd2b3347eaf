//===- Pipelines.cpp - uscale-lower-to-gpu --------------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
// FP8 GEMMs to the kernels (declared host entries); the rest of the train
// step as uscale-lower-to-llvm lowers it for the CPU, up to loops on
// memrefs; then the kernel templates join the module (after the buffer
// deallocation pass, which rejects the GPU host code) and MLIR's NVVM
// pipeline lowers host and device code to the LLVM dialect with the
// kernels embedded as a gpu.binary.
std::string lowerToGpuText(const mlir::uscale::UScaleLowerToGPUOptions &o) {
  return llvm::formatv(
             "uscale-to-nvgpu{{fallback={0}},"
             "func.func(uscale-to-linalg,convert-elementwise-to-linalg,"
             "canonicalize,uscale-cpu-loop-order),"
             "one-shot-bufferize{{bufferize-function-boundaries "
             "function-boundary-type-conversion=identity-layout-map},"
             "buffer-deallocation-pipeline,convert-linalg-to-loops,"
             "uscale-nvgpu-instantiate,"
             "convert-math-to-llvm,convert-math-to-libm,"
             "gpu-lower-to-nvvm-pipeline{{cubin-chip={1} cubin-features={2} "
             "opt-level=3 cubin-format={3}}",
             o.fallback ? "true" : "false", o.chip.getValue(),
             o.features.getValue(), o.format.getValue())
      .str();
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
