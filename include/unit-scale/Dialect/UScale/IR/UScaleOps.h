//===- UScaleOps.h - uscale operations --------------------------*- C++ -*-===//
#ifndef UNIT_SCALE_DIALECT_USCALE_IR_USCALEOPS_H
#define UNIT_SCALE_DIALECT_USCALE_IR_USCALEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "unit-scale/Dialect/UScale/IR/UScaleAttrs.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Dialect/UScale/IR/UScaleInterfaces.h"

#define GET_OP_CLASSES
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h.inc"

#endif
