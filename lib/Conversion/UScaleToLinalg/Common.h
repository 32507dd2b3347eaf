//===- Common.h - shared helpers of the uscale-to-linalg lowering -*- C++ -*-===//
//
// Builders for the few shapes of linalg code every lowering needs: an
// all-parallel elementwise generic with numpy-broadcast operands, a fused
// map-and-reduce generic, static reshapes, constants. Each op family lives
// in its own file and contributes patterns through a populate function.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_LIB_CONVERSION_USCALETOLINALG_COMMON_H
#define UNIT_SCALE_LIB_CONVERSION_USCALETOLINALG_COMMON_H

#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace mlir::uscale::lowering {

using BodyFn = llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>;

inline RankedTensorType tensorTypeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Maps a possibly negative axis into [0, rank).
inline int64_t normAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// The alpha of an op's `scales` attribute, or nullopt without one.
std::optional<double> alphaOf(Operation *op);

/// A scalar float constant of element type `t`.
Value floatConst(OpBuilder &b, Location loc, Type t, double v);
/// An index constant.
Value indexConst(OpBuilder &b, Location loc, int64_t v);

/// `v * alpha` on scalars; returns `v` when alpha is absent or 1.
Value mulAlpha(OpBuilder &b, Location loc, Value v, std::optional<double> alpha);

/// tensor.empty of `type`.
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type);
/// tensor.empty + linalg.fill with `v`.
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, double v);

/// The map from the iteration space of `outShape` to an operand of
/// `operandShape` under numpy broadcasting (trailing alignment; size-1
/// operand dimensions read index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> outShape);

/// The map from a rank-`rank` iteration space to a tensor that holds every
/// dimension except `dropped` (sorted), in order.
AffineMap dropDimsMap(MLIRContext *ctx, int64_t rank,
                      ArrayRef<int64_t> dropped);

/// The shape without the dimensions in `dropped`.
SmallVector<int64_t> dropDims(ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> dropped);

/// An all-parallel linalg.generic over `outType` whose inputs are read
/// through `inputMaps` and whose result element is `body(inputs...)`.
Value buildMap(OpBuilder &b, Location loc, RankedTensorType outType,
               ValueRange inputs, ArrayRef<AffineMap> inputMaps, BodyFn body);

/// buildMap with numpy-broadcast maps for every input.
Value buildBroadcastMap(OpBuilder &b, Location loc, RankedTensorType outType,
                        ValueRange inputs, BodyFn body);

enum class Combine { Sum, Max };

/// A linalg.generic over the iteration space `iterShape` reducing the
/// dimensions `reduced` (sorted): each element contributes
/// `body(inputs...)` (inputs read through `inputMaps`), combined by
/// `combine` into a tensor of `iterShape` minus `reduced`.
Value buildReduce(OpBuilder &b, Location loc, ArrayRef<int64_t> iterShape,
                  Type elemType, ArrayRef<int64_t> reduced, Combine combine,
                  ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  BodyFn body);

/// A static reshape of `v` to `type` with tensor.collapse_shape /
/// tensor.expand_shape (through a 1-D tensor when no single reassociation
/// exists).
Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType type);

/// Multiplies every element by alpha (a linalg.generic), or returns `v`
/// when alpha is absent or 1.
Value scaleTensor(OpBuilder &b, Location loc, Value v,
                  std::optional<double> alpha);

/// Per-element activation f(x) and f'(x), shared by the forward and the
/// backward (activation_grad) lowerings.
Value activationValue(OpBuilder &b, Location loc, ActivationKind kind,
                      Value x);
Value activationDerivative(OpBuilder &b, Location loc, ActivationKind kind,
                           Value x);

/// alpha * softmax of `x` along `axis` (max-subtracted).
Value buildSoftmax(OpBuilder &b, Location loc, Value x, int64_t axis,
                   std::optional<double> alpha = std::nullopt);

// Pattern sets, one per op family.
void populateElementwisePatterns(RewritePatternSet &patterns);
void populateContractionPatterns(RewritePatternSet &patterns);
void populateNormalizationPatterns(RewritePatternSet &patterns);
void populateDataMovementPatterns(RewritePatternSet &patterns);

/// Fails a pattern with an error on `op` (dialect conversion only reports
/// the op as not legalized otherwise).
inline LogicalResult failWith(Operation *op, const Twine &msg) {
  op->emitOpError(msg);
  return failure();
}

/// Every shape the lowering handles is static.
LogicalResult requireStaticShapes(Operation *op);

} // namespace mlir::uscale::lowering

#endif
