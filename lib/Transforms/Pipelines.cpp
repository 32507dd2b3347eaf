//===- Pipelines.cpp - the uscale-unit-scale pipeline ---------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::uscale;

void mlir::uscale::buildUnitScalePipeline(
    OpPassManager &pm, const UnitScalePipelineOptions &options) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createWeightedResiduals(
      WeightedResidualsOptions{options.tauRule, options.tau}));
  fpm.addPass(createAssignScales());
  fpm.addPass(createConstrainScales(ConstrainScalesOptions{options.mode}));
  if (!options.report.empty() || !options.dot.empty() || options.summary)
    pm.addPass(createScaleReport(
        ScaleReportOptions{options.report, options.dot, options.summary}));
}

void mlir::uscale::registerUScalePassesAndPipelines() {
  registerUScalePasses();
  PassPipelineRegistration<UnitScalePipelineOptions>(
      "uscale-unit-scale",
      "Unit-scale a model graph: weighted residuals, ideal scales, cut-edge "
      "constraints (the paper's recipe)",
      buildUnitScalePipeline);
}
