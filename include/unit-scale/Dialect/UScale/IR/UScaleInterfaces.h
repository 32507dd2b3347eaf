//===- UScaleInterfaces.h - ScaledOpInterface -------------------*- C++ -*-===//
#ifndef UNIT_SCALE_DIALECT_USCALE_IR_USCALEINTERFACES_H
#define UNIT_SCALE_DIALECT_USCALE_IR_USCALEINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "unit-scale/Dialect/UScale/IR/UScaleAttrs.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::uscale {

/// Forward scale alpha and one backward scale per operand (1 for operands
/// that carry no gradient).
struct Scales {
  double alpha = 1.0;
  llvm::SmallVector<double, 4> beta;

  ScalesAttr toAttr(MLIRContext *ctx) const {
    return ScalesAttr::get(ctx, alpha, beta);
  }
  static Scales fromAttr(ScalesAttr a) {
    return Scales{a.getAlphaValue(),
                  llvm::SmallVector<double, 4>(a.getBetaValues())};
  }
};

namespace detail {
LogicalResult verifyScaledOp(Operation *op);
} // namespace detail
} // namespace mlir::uscale

#include "unit-scale/Dialect/UScale/IR/UScaleInterfaces.h.inc"

#endif
