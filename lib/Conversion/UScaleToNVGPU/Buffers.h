//===- Buffers.h - Buffers behind memref views ------------------*- C++ -*-===//
//
// Shared by the offload passes, which reason about which buffer an access
// reaches through casts, subviews and reshapes.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_LIB_CONVERSION_USCALETONVGPU_BUFFERS_H
#define USCALE_LIB_CONVERSION_USCALETONVGPU_BUFFERS_H

#include "mlir/IR/Value.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::uscale::nvgpu_lowering {

/// The buffer a view (cast, subview, reshape) of `v` is a view of.
inline Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

} // namespace mlir::uscale::nvgpu_lowering

#endif
