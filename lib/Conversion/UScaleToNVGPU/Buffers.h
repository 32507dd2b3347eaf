//===- Buffers.h - Buffers behind memref views ------------------*- C++ -*-===//
//
// Shared by the offload passes, which reason about which buffer an access
// reaches through casts, subviews and reshapes, and which ops write memory.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_LIB_CONVERSION_USCALETONVGPU_BUFFERS_H
#define USCALE_LIB_CONVERSION_USCALETONVGPU_BUFFERS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseSet.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::uscale::nvgpu_lowering {

/// The buffer a view (cast, subview, reshape) of `v` is a view of.
inline Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Whether `op` or an op inside it has an operand that is `root` or a view
/// of it.
inline bool reaches(Operation *op, Value root) {
  return op
      ->walk([&](Operation *inner) {
        for (Value v : inner->getOperands())
          if (isa<MemRefType>(v.getType()) && rootBuffer(v) == root)
            return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// The buffers `op` and the ops inside it reach through memref operands.
inline llvm::DenseSet<Value> buffersOf(Operation *op) {
  llvm::DenseSet<Value> roots;
  op->walk([&](Operation *inner) {
    for (Value v : inner->getOperands())
      if (isa<MemRefType>(v.getType()))
        roots.insert(rootBuffer(v));
  });
  return roots;
}

/// Whether `op`, and every op it contains, at most reads memory: loads and
/// ops without memory effects.
inline bool writesNoMemory(Operation *op) {
  return !op->walk([](Operation *inner) {
              if (isa<memref::LoadOp>(inner) ||
                  inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                  isMemoryEffectFree(inner))
                return WalkResult::advance();
              return WalkResult::interrupt();
            })
              .wasInterrupted();
}

} // namespace mlir::uscale::nvgpu_lowering

#endif
