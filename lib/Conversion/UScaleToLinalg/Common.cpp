//===- Common.cpp - shared helpers of the uscale-to-linalg lowering -------===//
#include "Common.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::uscale;

namespace mlir::uscale::lowering {

std::optional<double> alphaOf(Operation *op) {
  if (auto s = op->getAttrOfType<ScalesAttr>("scales"))
    return s.getAlphaValue();
  return std::nullopt;
}

Value floatConst(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v));
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value mulAlpha(OpBuilder &b, Location loc, Value v,
               std::optional<double> alpha) {
  if (!alpha || *alpha == 1.0)
    return v;
  return arith::MulFOp::create(b, loc, v,
                               floatConst(b, loc, v.getType(), *alpha));
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   double v) {
  Value c = floatConst(b, loc, type.getElementType(), v);
  return linalg::FillOp::create(b, loc, ValueRange{c},
                                ValueRange{emptyTensor(b, loc, type)})
      .getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> outShape) {
  int64_t r = operandShape.size(), R = outShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < r; ++i) {
    int64_t j = R - r + i;
    if (operandShape[i] == 1 && outShape[j] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(j, ctx));
  }
  return AffineMap::get(R, 0, exprs, ctx);
}

AffineMap dropDimsMap(MLIRContext *ctx, int64_t rank,
                      ArrayRef<int64_t> dropped) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dropped, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

SmallVector<int64_t> dropDims(ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> dropped) {
  SmallVector<int64_t> out;
  for (auto [d, s] : llvm::enumerate(shape))
    if (!llvm::is_contained(dropped, (int64_t)d))
      out.push_back(s);
  return out;
}

Value buildMap(OpBuilder &b, Location loc, RankedTensorType outType,
               ValueRange inputs, ArrayRef<AffineMap> inputMaps, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx));
  SmallVector<utils::IteratorType> iters(outType.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs,
      ValueRange{emptyTensor(b, loc, outType)}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

Value buildBroadcastMap(OpBuilder &b, Location loc, RankedTensorType outType,
                        ValueRange inputs, BodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(b.getContext(), tensorTypeOf(in).getShape(),
                                outType.getShape()));
  return buildMap(b, loc, outType, inputs, maps, body);
}

Value buildReduce(OpBuilder &b, Location loc, ArrayRef<int64_t> iterShape,
                  Type elemType, ArrayRef<int64_t> reduced, Combine combine,
                  ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = iterShape.size();
  auto outType =
      RankedTensorType::get(dropDims(iterShape, reduced), elemType);
  double init = combine == Combine::Sum
                    ? 0.0
                    : -std::numeric_limits<double>::infinity();
  Value acc = filledTensor(b, loc, outType, init);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(dropDimsMap(ctx, rank, reduced));
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d)
    iters.push_back(llvm::is_contained(reduced, d)
                        ? utils::IteratorType::reduction
                        : utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs, ValueRange{acc}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        Value a = args.back();
        Value r = combine == Combine::Sum
                      ? arith::AddFOp::create(nb, nloc, a, v).getResult()
                      : arith::MaximumFOp::create(nb, nloc, a, v).getResult();
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  auto src = tensorTypeOf(v);
  if (src == type)
    return v;
  if (src.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, v,
                                         ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, v,
                                           ArrayRef<ReassociationIndices>{});
  if (src.getRank() != type.getRank()) {
    if (auto re = getReassociationIndicesForReshape(src, type)) {
      if (src.getRank() > type.getRank())
        return tensor::CollapseShapeOp::create(b, loc, type, v, *re);
      return tensor::ExpandShapeOp::create(b, loc, type, v, *re);
    }
  }
  // Through a 1-D tensor.
  auto flat = RankedTensorType::get({src.getNumElements()},
                                    src.getElementType());
  Value f = v;
  if (src.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t d = 0; d < src.getRank(); ++d)
      all.push_back(d);
    f = tensor::CollapseShapeOp::create(b, loc, flat, v,
                                        ArrayRef<ReassociationIndices>{all});
  }
  if (type.getRank() == 1)
    return f;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(b, loc, type, f,
                                       ArrayRef<ReassociationIndices>{all});
}

Value scaleTensor(OpBuilder &b, Location loc, Value v,
                  std::optional<double> alpha) {
  if (!alpha || *alpha == 1.0)
    return v;
  auto t = tensorTypeOf(v);
  return buildBroadcastMap(b, loc, t, ValueRange{v},
                           [&](OpBuilder &nb, Location nloc, ValueRange a) {
                             return mulAlpha(nb, nloc, a[0], alpha);
                           });
}

LogicalResult requireStaticShapes(Operation *op) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(),
                                   op->getResultTypes()))
    if (auto rt = dyn_cast<RankedTensorType>(t); rt && !rt.hasStaticShape())
      return op->emitOpError("uscale-to-linalg needs static shapes, got ")
             << rt;
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

namespace {
// sqrt(2/pi), the tanh-GELU cubic coefficient, 1/sqrt(2), 1/sqrt(2 pi).
constexpr double kSqrt2OverPi = 0.79788456080286535588;
constexpr double kGeluCubic = 0.044715;
constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

struct Scalar {
  OpBuilder &b;
  Location loc;
  Type t;
  Value c(double v) { return floatConst(b, loc, t, v); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  Value erf(Value x) { return math::ErfOp::create(b, loc, x); }
  Value tanh(Value x) { return math::TanhOp::create(b, loc, x); }
  Value sigmoid(Value x) { return div(c(1.0), add(c(1.0), exp(neg(x)))); }
  /// The tanh-GELU inner argument sqrt(2/pi) (x + 0.044715 x^3).
  Value geluTanhArg(Value x) {
    Value x3 = mul(mul(x, x), x);
    return mul(c(kSqrt2OverPi), add(x, mul(c(kGeluCubic), x3)));
  }
};
} // namespace

Value activationValue(OpBuilder &b, Location loc, ActivationKind kind,
                      Value x) {
  Scalar s{b, loc, x.getType()};
  switch (kind) {
  case ActivationKind::Relu:
    return arith::MaximumFOp::create(b, loc, x, s.c(0.0));
  case ActivationKind::Gelu:
    // 0.5 x (1 + erf(x / sqrt 2))
    return s.mul(s.mul(s.c(0.5), x),
                 s.add(s.c(1.0), s.erf(s.mul(x, s.c(kInvSqrt2)))));
  case ActivationKind::GeluTanh:
    return s.mul(s.mul(s.c(0.5), x),
                 s.add(s.c(1.0), s.tanh(s.geluTanhArg(x))));
  case ActivationKind::Tanh:
    return s.tanh(x);
  case ActivationKind::Sigmoid:
    return s.sigmoid(x);
  }
  llvm_unreachable("unknown activation");
}

Value activationDerivative(OpBuilder &b, Location loc, ActivationKind kind,
                           Value x) {
  Scalar s{b, loc, x.getType()};
  switch (kind) {
  case ActivationKind::Relu: {
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      s.c(0.0));
    return arith::SelectOp::create(b, loc, pos, s.c(1.0), s.c(0.0));
  }
  case ActivationKind::Gelu: {
    // Phi(x) + x phi(x)
    Value cdf = s.mul(s.c(0.5),
                      s.add(s.c(1.0), s.erf(s.mul(x, s.c(kInvSqrt2)))));
    Value pdf =
        s.mul(s.c(kInvSqrt2Pi), s.exp(s.mul(s.c(-0.5), s.mul(x, x))));
    return s.add(cdf, s.mul(x, pdf));
  }
  case ActivationKind::GeluTanh: {
    // 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2)
    Value t = s.tanh(s.geluTanhArg(x));
    Value left = s.mul(s.c(0.5), s.add(s.c(1.0), t));
    Value du = s.mul(s.c(kSqrt2OverPi),
                     s.add(s.c(1.0), s.mul(s.c(3.0 * kGeluCubic), s.mul(x, x))));
    Value right =
        s.mul(s.mul(s.c(0.5), x), s.mul(s.sub(s.c(1.0), s.mul(t, t)), du));
    return s.add(left, right);
  }
  case ActivationKind::Tanh: {
    Value t = s.tanh(x);
    return s.sub(s.c(1.0), s.mul(t, t));
  }
  case ActivationKind::Sigmoid: {
    Value sg = s.sigmoid(x);
    return s.mul(sg, s.sub(s.c(1.0), sg));
  }
  }
  llvm_unreachable("unknown activation");
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

Value buildSoftmax(OpBuilder &b, Location loc, Value x, int64_t axis,
                   std::optional<double> alpha) {
  MLIRContext *ctx = b.getContext();
  auto t = tensorTypeOf(x);
  int64_t rank = t.getRank();
  axis = normAxis(axis, rank);
  Type et = t.getElementType();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap red = dropDimsMap(ctx, rank, {axis});
  Value mx = buildReduce(b, loc, t.getShape(), et, {axis}, Combine::Max, {x},
                         {id}, [](OpBuilder &, Location, ValueRange a) {
                           return a[0];
                         });
  Value e = buildMap(b, loc, t, {x, mx}, {id, red},
                     [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                       return math::ExpOp::create(
                           nb, nl, arith::SubFOp::create(nb, nl, a[0], a[1]));
                     });
  Value sum = buildReduce(b, loc, t.getShape(), et, {axis}, Combine::Sum, {e},
                          {id}, [](OpBuilder &, Location, ValueRange a) {
                            return a[0];
                          });
  return buildMap(b, loc, t, {e, sum}, {id, red},
                  [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                    return mulAlpha(nb, nl,
                                    arith::DivFOp::create(nb, nl, a[0], a[1]),
                                    alpha);
                  });
}

} // namespace mlir::uscale::lowering
