//===- UScaleAttrs.h - uscale attributes and enums --------------*- C++ -*-===//
#ifndef UNIT_SCALE_DIALECT_USCALE_IR_USCALEATTRS_H
#define UNIT_SCALE_DIALECT_USCALE_IR_USCALEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "unit-scale/Dialect/UScale/IR/UScaleEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "unit-scale/Dialect/UScale/IR/UScaleAttrs.h.inc"

#endif
