//===- ScaleConstraints.cpp - cut-edge constraint arithmetic --------------===//
#include "unit-scale/Transforms/ScaleConstraints.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::uscale;

std::optional<ConstraintMode>
mlir::uscale::parseConstraintMode(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ConstraintMode>>(name)
      .Case("gmean", ConstraintMode::GMean)
      .Case("hmean", ConstraintMode::HMean)
      .Case("amean", ConstraintMode::AMean)
      .Case("to-output", ConstraintMode::ToOutput)
      .Case("to-grad-input", ConstraintMode::ToGradInput)
      .Case("none", ConstraintMode::None)
      .Default(std::nullopt);
}

SmallVector<unsigned>
mlir::uscale::constrainedOperands(ScaledOpInterface op,
                                  const CutEdgeAnalysis &cuts) {
  SmallVector<unsigned> out;
  if (op.hasFixedScales())
    return out;
  for (OpOperand &use : op->getOpOperands()) {
    unsigned i = use.getOperandNumber();
    if (op.isDifferentiableOperand(i) && !cuts.isCutEdge(use))
      out.push_back(i);
  }
  return out;
}

void mlir::uscale::applyConstraint(ConstraintMode mode, Scales &s,
                                   ArrayRef<unsigned> operands) {
  if (operands.empty() || mode == ConstraintMode::None)
    return;
  double n = double(operands.size() + 1);
  double common = s.alpha;
  switch (mode) {
  case ConstraintMode::GMean: {
    // Sum of logs: the product of many small scales would underflow.
    double logSum = std::log(s.alpha);
    for (unsigned i : operands)
      logSum += std::log(s.beta[i]);
    common = std::exp(logSum / n);
    break;
  }
  case ConstraintMode::HMean: {
    double inv = 1.0 / s.alpha;
    for (unsigned i : operands)
      inv += 1.0 / s.beta[i];
    common = n / inv;
    break;
  }
  case ConstraintMode::AMean: {
    double sum = s.alpha;
    for (unsigned i : operands)
      sum += s.beta[i];
    common = sum / n;
    break;
  }
  case ConstraintMode::ToOutput:
    common = s.alpha;
    break;
  case ConstraintMode::ToGradInput:
    common = s.beta[operands.front()];
    break;
  case ConstraintMode::None:
    return;
  }
  s.alpha = common;
  for (unsigned i : operands)
    s.beta[i] = common;
}
