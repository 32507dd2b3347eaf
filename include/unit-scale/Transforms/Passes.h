//===- Passes.h - unit-scale passes -----------------------------*- C++ -*-===//
#ifndef UNIT_SCALE_TRANSFORMS_PASSES_H
#define UNIT_SCALE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

namespace mlir::uscale {

#define GEN_PASS_DECL
#include "unit-scale/Transforms/Passes.h.inc"

/// Options of the `uscale-unit-scale` pipeline (the paper's recipe).
struct UnitScalePipelineOptions
    : public PassPipelineOptions<UnitScalePipelineOptions> {
  Option<std::string> mode{*this, "mode",
                           llvm::cl::desc("Constraint mode (see "
                                          "uscale-constrain-scales)"),
                           llvm::cl::init("gmean")};
  Option<std::string> tauRule{*this, "tau-rule",
                              llvm::cl::desc("fixed | running-mean"),
                              llvm::cl::init("fixed")};
  Option<double> tau{*this, "tau", llvm::cl::desc("tau for the fixed rule"),
                     llvm::cl::init(0.5)};
  Option<std::string> report{*this, "report",
                             llvm::cl::desc("Write the JSON report here"),
                             llvm::cl::init("")};
  Option<std::string> dot{*this, "dot",
                          llvm::cl::desc("Write a Graphviz DOT graph here"),
                          llvm::cl::init("")};
  Option<bool> summary{*this, "summary",
                       llvm::cl::desc("Print a one-line summary on stderr"),
                       llvm::cl::init(false)};
};

/// Appends weighted residuals, ideal scales, constraints (and the report
/// when asked) to `pm`, which must run on a module.
void buildUnitScalePipeline(OpPassManager &pm,
                            const UnitScalePipelineOptions &options);

/// Registers every uscale pass and the `uscale-unit-scale` pipeline.
void registerUScalePassesAndPipelines();

#define GEN_PASS_REGISTRATION
#include "unit-scale/Transforms/Passes.h.inc"

} // namespace mlir::uscale

#endif
