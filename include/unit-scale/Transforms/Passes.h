//===- Passes.h - unit-scale passes -----------------------------*- C++ -*-===//
#ifndef UNIT_SCALE_TRANSFORMS_PASSES_H
#define UNIT_SCALE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

namespace mlir::uscale {

#define GEN_PASS_DECL
#include "unit-scale/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "unit-scale/Transforms/Passes.h.inc"

} // namespace mlir::uscale

#endif
