//===- Pipelines.cpp - uscale-lower-to-llvm and registration --------------===//
#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Conversion/PipelineText.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

using namespace mlir;

namespace {
// The shared front (bufferizedLoweringText), then loops and LLVM
// (vector.print too, which the execution tests use).
std::string lowerToLLVMText(bool aot, bool gemmCalls, bool emulateOffload,
                            bool fuseRows, bool emulateWarps,
                            int64_t laneUnroll, int64_t elementsPerThread,
                            bool splitColumns) {
  gemmCalls &= !emulateOffload;
  std::string p = mlir::uscale::bufferizedLoweringText(
      /*cpuGemms=*/gemmCalls, /*cpuLoopOrder=*/!gemmCalls && !emulateOffload,
      aot);
  // uscale-lower-to-gpu{offload}'s loop handling, run here on the CPU.
  p += emulateOffload ? mlir::uscale::offloadLoopsText(/*blockSize=*/256,
                                                       /*emulate=*/true,
                                                       /*tileRows=*/4,
                                                       /*tileCols=*/4,
                                                       fuseRows,
                                                       emulateWarps,
                                                       laneUnroll,
                                                       elementsPerThread,
                                                       splitColumns)
                      : "convert-linalg-to-loops,";
  p += "convert-scf-to-cf,expand-strided-metadata,"
       "lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,"
       "convert-math-to-llvm,convert-math-to-libm,convert-arith-to-llvm,"
       "convert-index-to-llvm,convert-cf-to-llvm,";
  p += "convert-func-to-llvm,reconcile-unrealized-casts";
  return p;
}
} // namespace

void mlir::uscale::buildUScaleLowerToLLVMPipeline(
    OpPassManager &pm, const UScaleLowerToLLVMOptions &options) {
  if (failed(parsePassPipeline(lowerToLLVMText(options.aot, options.gemmCalls,
                                               options.emulateOffload,
                                               options.fuseRows,
                                               options.emulateWarps,
                                               options.laneUnroll,
                                               options.elementsPerThread,
                                               options.splitColumns),
                               pm, llvm::errs())))
    llvm::report_fatal_error("uscale-lower-to-llvm: bad pipeline text");
}

void mlir::uscale::registerUScaleConversionPassesAndPipelines() {
  registerUScaleConversionPasses();
  PassPipelineRegistration<UScaleLowerToLLVMOptions>(
      "uscale-lower-to-llvm",
      "Lower uscale functions to the LLVM dialect (uscale-to-linalg, "
      "bufferization, loops, LLVM); aot=true for a native library's C ABI, "
      "gemm-calls=true for calls to the CPU GEMM kernels",
      buildUScaleLowerToLLVMPipeline);
}
