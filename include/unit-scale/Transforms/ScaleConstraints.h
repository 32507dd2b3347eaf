//===- ScaleConstraints.h - cut-edge constraint arithmetic ------*- C++ -*-===//
//
// Shared by uscale-constrain-scales (which applies constraints) and
// uscale-scale-report (which explains them), so that both agree on which
// operands are constrained.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_TRANSFORMS_SCALECONSTRAINTS_H
#define UNIT_SCALE_TRANSFORMS_SCALECONSTRAINTS_H

#include "unit-scale/Analysis/CutEdges.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::uscale {

enum class ConstraintMode { GMean, HMean, AMean, ToOutput, ToGradInput, None };

std::optional<ConstraintMode> parseConstraintMode(llvm::StringRef name);

/// Differentiable operands of `op` whose use is not a cut-edge: these must
/// share the op's alpha. Empty for ops with fixed scales.
llvm::SmallVector<unsigned> constrainedOperands(ScaledOpInterface op,
                                                const CutEdgeAnalysis &cuts);

/// Replaces alpha and the betas of `operands` by their common value.
void applyConstraint(ConstraintMode mode, Scales &scales,
                     llvm::ArrayRef<unsigned> operands);

} // namespace mlir::uscale

#endif
