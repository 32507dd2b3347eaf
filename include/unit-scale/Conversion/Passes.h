//===- Passes.h - uscale conversion passes ----------------------*- C++ -*-===//
//
// Lowering of the uscale dialect to upstream MLIR (linalg on tensors) and the
// `uscale-lower-to-llvm` pipeline that takes it on to the LLVM dialect.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_CONVERSION_PASSES_H
#define UNIT_SCALE_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::uscale {

#define GEN_PASS_DECL
#include "unit-scale/Conversion/Passes.h.inc"

/// Options of the `uscale-lower-to-llvm` pipeline.
struct UScaleLowerToLLVMOptions
    : public PassPipelineOptions<UScaleLowerToLLVMOptions> {
  Option<bool> aot{*this, "aot",
                   llvm::cl::desc("Ahead-of-time ABI: function results become "
                                  "caller-allocated out-parameters and every "
                                  "function gets a _mlir_ciface_ wrapper "
                                  "(see docs/cpu-lowering.md)"),
                   llvm::cl::init(false)};
};

/// Appends uscale-to-linalg, bufferization and the lowering to the LLVM
/// dialect to `pm` (which runs on a module). The result can be run by
/// mlir-runner or translated to LLVM IR.
void buildUScaleLowerToLLVMPipeline(OpPassManager &pm,
                                    const UScaleLowerToLLVMOptions &options);

/// Registers the conversion passes and the `uscale-lower-to-llvm` pipeline.
void registerUScaleConversionPassesAndPipelines();

#define GEN_PASS_REGISTRATION
#include "unit-scale/Conversion/Passes.h.inc"

} // namespace mlir::uscale

#endif
