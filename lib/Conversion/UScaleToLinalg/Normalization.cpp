//===- Normalization.cpp - softmax, norms, cross entropy and their VJPs ---===//
//
// Row statistics are linalg.generic reductions whose results are read back
// through a map that drops the reduced dimensions, so nothing is reshaped.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::lowering;

namespace {

SmallVector<int64_t> range(int64_t from, int64_t to) {
  SmallVector<int64_t> r;
  for (int64_t d = from; d < to; ++d)
    r.push_back(d);
  return r;
}

/// The map from a rank-`rank` iteration space onto its trailing dimensions
/// starting at `axis` (a norm's gain and bias).
AffineMap trailingMap(MLIRContext *ctx, int64_t rank, int64_t axis) {
  return dropDimsMap(ctx, rank, range(0, axis));
}

Value identity(OpBuilder &, Location, ValueRange a) { return a[0]; }

/// Statistics of a normalisation over dims [axis, rank) of x: the mean
/// (layer norm only, else null) and 1/sqrt(var + eps) (or of mean(x^2) +
/// eps for RMSNorm), as tensors over the leading dimensions.
struct NormStats {
  Value mean, rstd;
};

NormStats normStats(OpBuilder &b, Location loc, Value x, int64_t axis,
                    double eps, bool rms) {
  MLIRContext *ctx = b.getContext();
  auto t = tensorTypeOf(x);
  int64_t rank = t.getRank();
  Type et = t.getElementType();
  SmallVector<int64_t> red = range(axis, rank);
  int64_t n = 1;
  for (int64_t d : red)
    n *= t.getDimSize(d);
  double invN = 1.0 / double(n);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap lead = dropDimsMap(ctx, rank, red);
  NormStats s;
  Value var;
  if (rms) {
    var = buildReduce(b, loc, t.getShape(), et, red, Combine::Sum, {x}, {id},
                      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                        Value sq = arith::MulFOp::create(nb, l, a[0], a[0]);
                        return arith::MulFOp::create(
                            nb, l, sq, floatConst(nb, l, et, invN));
                      });
  } else {
    s.mean = buildReduce(b, loc, t.getShape(), et, red, Combine::Sum, {x},
                         {id},
                         [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return arith::MulFOp::create(
                               nb, l, a[0], floatConst(nb, l, et, invN));
                         });
    var = buildReduce(b, loc, t.getShape(), et, red, Combine::Sum,
                      {x, s.mean}, {id, lead},
                      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                        Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                        Value sq = arith::MulFOp::create(nb, l, d, d);
                        return arith::MulFOp::create(
                            nb, l, sq, floatConst(nb, l, et, invN));
                      });
  }
  auto leadType = tensorTypeOf(var);
  s.rstd = buildMap(b, loc, leadType, {var},
                    {AffineMap::getMultiDimIdentityMap(leadType.getRank(), ctx)},
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      Value v = arith::AddFOp::create(
                          nb, l, a[0], floatConst(nb, l, et, eps));
                      return math::RsqrtOp::create(nb, l, v);
                    });
  return s;
}

/// layer_norm / rms_norm: (x - mean) * rstd * gain + bias, times alpha.
template <typename OpTy>
struct NormLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    constexpr bool rms = std::is_same_v<OpTy, RMSNormOp>;
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = tensorTypeOf(x);
    int64_t rank = t.getRank();
    int64_t axis = normAxis(op.getAxis(), rank);
    NormStats s = normStats(rw, loc, x, axis,
                            op.getEpsilon().convertToDouble(), rms);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap lead = dropDimsMap(ctx, rank, range(axis, rank));
    AffineMap trail = trailingMap(ctx, rank, axis);
    SmallVector<Value> ins{x, s.rstd};
    SmallVector<AffineMap> maps{id, lead};
    if (!rms) {
      ins.push_back(s.mean);
      maps.push_back(lead);
    }
    int gainIdx = -1, biasIdx = -1;
    if (Value g = adaptor.getGain()) {
      gainIdx = ins.size();
      ins.push_back(g);
      maps.push_back(trail);
    }
    if constexpr (!rms) {
      if (Value bias = adaptor.getBias()) {
        biasIdx = ins.size();
        ins.push_back(bias);
        maps.push_back(trail);
      }
    }
    std::optional<double> alpha = alphaOf(op);
    Value r = buildMap(
        rw, loc, op.getType(), ins, maps,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value c = rms ? a[0]
                        : arith::SubFOp::create(b, l, a[0], a[2]).getResult();
          Value y = arith::MulFOp::create(b, l, c, a[1]);
          if (gainIdx >= 0)
            y = arith::MulFOp::create(b, l, y, a[gainIdx]);
          if (biasIdx >= 0)
            y = arith::AddFOp::create(b, l, y, a[biasIdx]);
          return mulAlpha(b, l, y, alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// (d_input, d_gain, d_bias) of a layer/RMS norm, xhat the normalised input
/// and gy = grad * gain:
///   d_bias = sum_lead(grad), d_gain = sum_lead(grad * xhat),
///   d_input = rstd * (gy - mean(gy) - xhat * mean(gy * xhat))
/// (without the mean(gy) term for RMSNorm, whose d_bias is zero).
struct NormGradLowering : OpConversionPattern<NormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NormGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    bool rms = op.getRms();
    Value x = adaptor.getInput(), g = adaptor.getGrad(),
          gain = adaptor.getGain();
    auto t = tensorTypeOf(x);
    Type et = t.getElementType();
    int64_t rank = t.getRank();
    int64_t axis = normAxis(op.getAxis(), rank);
    SmallVector<int64_t> trailDims = range(axis, rank),
                         leadDims = range(0, axis);
    int64_t n = 1;
    for (int64_t d : trailDims)
      n *= t.getDimSize(d);
    double invN = 1.0 / double(n);
    NormStats s = normStats(rw, loc, x, axis,
                            op.getEpsilon().convertToDouble(), rms);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap lead = dropDimsMap(ctx, rank, trailDims);
    AffineMap trail = trailingMap(ctx, rank, axis);

    // xhat, materialised once.
    SmallVector<Value> ins{x, s.rstd};
    SmallVector<AffineMap> maps{id, lead};
    if (!rms) {
      ins.push_back(s.mean);
      maps.push_back(lead);
    }
    Value xhat = buildMap(rw, loc, t, ins, maps,
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value c =
                                rms ? a[0]
                                    : arith::SubFOp::create(b, l, a[0], a[2])
                                          .getResult();
                            return arith::MulFOp::create(b, l, c, a[1]);
                          });

    auto gy = [&](OpBuilder &b, Location l, Value gv, Value gainv) -> Value {
      return gainv ? arith::MulFOp::create(b, l, gv, gainv).getResult() : gv;
    };
    SmallVector<Value> gIns{g};
    SmallVector<AffineMap> gMaps{id};
    if (gain) {
      gIns.push_back(gain);
      gMaps.push_back(trail);
    }
    auto gainArg = [&](ValueRange a) { return gain ? a[1] : Value(); };

    // mean(gy * xhat) and (layer norm) mean(gy) over the normalised dims.
    SmallVector<Value> m2Ins(gIns);
    SmallVector<AffineMap> m2Maps(gMaps);
    m2Ins.push_back(xhat);
    m2Maps.push_back(id);
    Value m2 = buildReduce(
        rw, loc, t.getShape(), et, trailDims, Combine::Sum, m2Ins, m2Maps,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = arith::MulFOp::create(b, l, gy(b, l, a[0], gainArg(a)),
                                          a.back());
          return arith::MulFOp::create(b, l, v, floatConst(b, l, et, invN));
        });
    Value m1;
    if (!rms)
      m1 = buildReduce(
          rw, loc, t.getShape(), et, trailDims, Combine::Sum, gIns, gMaps,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::MulFOp::create(b, l, gy(b, l, a[0], gainArg(a)),
                                         floatConst(b, l, et, invN));
          });

    SmallVector<Value> dIns(gIns);
    SmallVector<AffineMap> dMaps(gMaps);
    unsigned base = dIns.size();
    dIns.append({xhat, s.rstd, m2});
    dMaps.append({id, lead, lead});
    if (!rms) {
      dIns.push_back(m1);
      dMaps.push_back(lead);
    }
    Value dx = buildMap(
        rw, loc, t, dIns, dMaps,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = gy(b, l, a[0], gainArg(a));
          Value xh = a[base], rstd = a[base + 1], mm2 = a[base + 2];
          if (!rms)
            v = arith::SubFOp::create(b, l, v, a[base + 3]);
          v = arith::SubFOp::create(b, l, v,
                                    arith::MulFOp::create(b, l, xh, mm2));
          return arith::MulFOp::create(b, l, v, rstd);
        });

    Value dGain = buildReduce(
        rw, loc, t.getShape(), et, leadDims, Combine::Sum, {g, xhat},
        {id, id}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::MulFOp::create(b, l, a[0], a[1]);
        });
    Value dBias =
        rms ? filledTensor(rw, loc,
                           cast<RankedTensorType>(op.getDBias().getType()), 0.0)
            : buildReduce(rw, loc, t.getShape(), et, leadDims, Combine::Sum,
                          {g}, {id}, identity);
    rw.replaceOp(op, ValueRange{dx, dGain, dBias});
    return success();
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    rw.replaceOp(op, buildSoftmax(rw, op.getLoc(), adaptor.getInput(),
                                  op.getAxis(), alphaOf(op)));
    return success();
  }
};

/// s * (g - sum(g * s, axis)), s = softmax(input).
struct SoftmaxGradLowering : OpConversionPattern<SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    auto t = op.getType();
    int64_t rank = t.getRank();
    int64_t axis = normAxis(op.getAxis(), rank);
    Value s = buildSoftmax(rw, loc, adaptor.getInput(), axis);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    Value dot = buildReduce(
        rw, loc, t.getShape(), t.getElementType(), {axis}, Combine::Sum,
        {adaptor.getGrad(), s}, {id, id},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::MulFOp::create(b, l, a[0], a[1]);
        });
    std::optional<double> alpha = alphaOf(op);
    Value r = buildMap(
        rw, loc, t, {s, adaptor.getGrad(), dot},
        {id, id, dropDimsMap(ctx, rank, {axis})},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value d = arith::SubFOp::create(b, l, a[1], a[2]);
          return mulAlpha(b, l, arith::MulFOp::create(b, l, a[0], d), alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// `idx(last) == label` inside a generic whose last dimension is the class.
Value isLabel(OpBuilder &b, Location l, Value label, int64_t classDim) {
  Value cls = linalg::IndexOp::create(b, l, classDim);
  Value lab = arith::IndexCastOp::create(b, l, b.getIndexType(), label);
  return arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, cls, lab);
}

/// sum over rows of (logsumexp(row) - row[label]), times alpha, or divided
/// by the number of rows when the op has no scales (the mean).
struct CrossEntropyLowering : OpConversionPattern<SoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    Value x = adaptor.getLogits(), labels = adaptor.getLabels();
    auto t = tensorTypeOf(x);
    Type et = t.getElementType();
    int64_t rank = t.getRank(), cls = rank - 1;
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap rows = dropDimsMap(ctx, rank, {cls});
    Value mx = buildReduce(rw, loc, t.getShape(), et, {cls}, Combine::Max, {x},
                           {id}, identity);
    Value sumExp = buildReduce(
        rw, loc, t.getShape(), et, {cls}, Combine::Sum, {x, mx}, {id, rows},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return math::ExpOp::create(b, l,
                                     arith::SubFOp::create(b, l, a[0], a[1]));
        });
    Value picked = buildReduce(
        rw, loc, t.getShape(), et, {cls}, Combine::Sum, {x, labels},
        {id, rows}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::SelectOp::create(b, l, isLabel(b, l, a[1], cls), a[0],
                                         floatConst(b, l, et, 0.0));
        });
    double factor =
        alphaOf(op).value_or(1.0 / double(op.getNumRows()));
    ArrayRef<int64_t> rowShape = t.getShape().drop_back();
    AffineMap rid = AffineMap::getMultiDimIdentityMap(rank - 1, ctx);
    Value loss = buildReduce(
        rw, loc, rowShape, et, range(0, rank - 1), Combine::Sum,
        {sumExp, mx, picked}, {rid, rid, rid},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value lse = arith::AddFOp::create(b, l, math::LogOp::create(b, l, a[0]),
                                            a[1]);
          Value row = arith::SubFOp::create(b, l, lse, a[2]);
          return arith::MulFOp::create(b, l, row,
                                       floatConst(b, l, et, factor));
        });
    rw.replaceOp(op, loss);
    return success();
  }
};

/// (softmax(logits) - onehot(labels)) * g * alpha, g a 0-d tensor.
struct CrossEntropyGradLowering
    : OpConversionPattern<SoftmaxCrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    MLIRContext *ctx = rw.getContext();
    Location loc = op.getLoc();
    auto t = op.getType();
    Type et = t.getElementType();
    int64_t rank = t.getRank(), cls = rank - 1;
    Value s = buildSoftmax(rw, loc, adaptor.getLogits(), cls);
    std::optional<double> alpha = alphaOf(op);
    Value r = buildMap(
        rw, loc, t, {s, adaptor.getLabels(), adaptor.getGrad()},
        {AffineMap::getMultiDimIdentityMap(rank, ctx),
         dropDimsMap(ctx, rank, {cls}), AffineMap::get(rank, 0, {}, ctx)},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value one = arith::SelectOp::create(b, l, isLabel(b, l, a[1], cls),
                                              floatConst(b, l, et, 1.0),
                                              floatConst(b, l, et, 0.0));
          Value d = arith::SubFOp::create(b, l, a[0], one);
          return mulAlpha(b, l, arith::MulFOp::create(b, l, d, a[2]), alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::uscale::lowering::populateNormalizationPatterns(
    RewritePatternSet &patterns) {
  patterns.add<NormLowering<LayerNormOp>, NormLowering<RMSNormOp>,
               NormGradLowering, SoftmaxLowering, SoftmaxGradLowering,
               CrossEntropyLowering, CrossEntropyGradLowering>(
      patterns.getContext());
}
