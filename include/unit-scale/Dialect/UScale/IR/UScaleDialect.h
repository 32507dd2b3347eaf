//===- UScaleDialect.h - the uscale dialect ---------------------*- C++ -*-===//
#ifndef UNIT_SCALE_DIALECT_USCALE_IR_USCALEDIALECT_H
#define UNIT_SCALE_DIALECT_USCALE_IR_USCALEDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "unit-scale/Dialect/UScale/IR/UScaleOpsDialect.h.inc"

#endif
