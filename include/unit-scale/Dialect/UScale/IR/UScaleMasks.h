//===- UScaleMasks.h - What counts as an additive mask ----------*- C++ -*-===//
//
// One definition for every pass that treats `x + M` with a constant mask M
// (a causal mask) specially: the masked-softmax scale rule and
// uscale-instrument-stats.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_DIALECT_USCALE_IR_USCALEMASKS_H
#define USCALE_DIALECT_USCALE_IR_USCALEMASKS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"

namespace mlir::uscale {

/// An entry that removes its position from a softmax: -inf, or a large
/// negative stand-in such as an exporter's -1e9.
inline bool isMaskEntry(const llvm::APFloat &f) {
  return f.isNegative() && (f.isInfinity() || f.convertToDouble() <= -1e4);
}

/// The constant behind `v` when it is a mask (a float constant with at
/// least one mask entry), else null.
inline DenseFPElementsAttr getConstantMask(Value v) {
  DenseFPElementsAttr c;
  if (!matchPattern(v, m_Constant(&c)))
    return {};
  return llvm::any_of(c.getValues<llvm::APFloat>(), isMaskEntry)
             ? c
             : DenseFPElementsAttr();
}

} // namespace mlir::uscale

#endif
