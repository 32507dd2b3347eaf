//===- Elementwise.cpp - elementwise uscale ops to linalg.generic ---------===//
//
// add/sub/mul (numpy broadcast), activations and their gradient, dropout,
// the fixed-scale ops (scale, weighted_add, residual_split), broadcast_to
// and sum_to.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::lowering;

namespace {

template <typename OpTy>
struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    std::optional<double> alpha = alphaOf(op);
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value v;
          if constexpr (std::is_same_v<OpTy, AddOp>)
            v = arith::AddFOp::create(b, loc, a[0], a[1]);
          else if constexpr (std::is_same_v<OpTy, SubOp>)
            v = arith::SubFOp::create(b, loc, a[0], a[1]);
          else
            v = arith::MulFOp::create(b, loc, a[0], a[1]);
          return mulAlpha(b, loc, v, alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy>
struct ActivationLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  ActivationKind kindOf(OpTy op) const {
    if constexpr (std::is_same_v<OpTy, ReluOp>)
      return ActivationKind::Relu;
    else if constexpr (std::is_same_v<OpTy, TanhOp>)
      return ActivationKind::Tanh;
    else if constexpr (std::is_same_v<OpTy, SigmoidOp>)
      return ActivationKind::Sigmoid;
    else
      return op.getApproximate() == GeluApproximation::Tanh
                 ? ActivationKind::GeluTanh
                 : ActivationKind::Gelu;
  }
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    std::optional<double> alpha = alphaOf(op);
    ActivationKind kind = kindOf(op);
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return mulAlpha(b, loc, activationValue(b, loc, kind, a[0]), alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

struct ActivationGradLowering : OpConversionPattern<ActivationGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ActivationGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    std::optional<double> alpha = alphaOf(op);
    ActivationKind kind = op.getKind();
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getInput(), adaptor.getGrad()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value d = activationDerivative(b, loc, kind, a[0]);
          return mulAlpha(b, loc, arith::MulFOp::create(b, loc, a[1], d),
                          alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// murmur3's 32-bit finaliser (a bijection with good avalanche).
uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/// Dropout's mask: element i (row-major linear index) is kept when
///   fmix32(uint32(i) * 0x9E3779B1 ^ key(seed)) >= threshold
/// with key(seed) = fmix32(uint32(seed) ^ fmix32(uint32(seed >> 32) +
/// 0x9E3779B9)) and threshold = round(ratio * 2^32) (see
/// docs/cpu-lowering.md). A pure function of (seed, i): the backward dropout
/// with the same seed applies the same mask.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    std::optional<double> alpha = alphaOf(op);
    double p = op.getRatio().convertToDouble();
    auto seed = static_cast<uint64_t>(op.getSeed());
    uint32_t key = fmix32(static_cast<uint32_t>(seed) ^
                          fmix32(static_cast<uint32_t>(seed >> 32) +
                                 0x9E3779B9u));
    double thr = std::nearbyint(p * 4294967296.0);
    uint32_t threshold =
        thr >= 4294967295.0 ? 0xffffffffu : static_cast<uint32_t>(thr);
    double keepScale = 1.0 / (1.0 - p);
    auto type = op.getType();
    ArrayRef<int64_t> shape = type.getShape();
    Value r = buildBroadcastMap(
        rw, op.getLoc(), type, {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Type i32 = b.getI32Type();
          auto c32 = [&](uint32_t v) -> Value {
            return arith::ConstantOp::create(
                b, loc, i32, b.getI32IntegerAttr(static_cast<int32_t>(v)));
          };
          // Row-major linear index, wrapped to 32 bits.
          Value lin;
          int64_t stride = 1;
          for (int64_t d = shape.size() - 1; d >= 0; --d) {
            Value idx = linalg::IndexOp::create(b, loc, d);
            Value i = arith::IndexCastUIOp::create(b, loc, i32, idx);
            Value term = arith::MulIOp::create(
                b, loc, i, c32(static_cast<uint32_t>(stride)));
            lin = lin ? arith::AddIOp::create(b, loc, lin, term).getResult()
                      : term;
            stride *= shape[d];
          }
          if (!lin)
            lin = c32(0);
          Value h = arith::XOrIOp::create(
              b, loc, arith::MulIOp::create(b, loc, lin, c32(0x9E3779B1u)),
              c32(key));
          auto xorShift = [&](Value v, uint32_t s) -> Value {
            return arith::XOrIOp::create(
                b, loc, v, arith::ShRUIOp::create(b, loc, v, c32(s)));
          };
          h = xorShift(h, 16);
          h = arith::MulIOp::create(b, loc, h, c32(0x85ebca6bu));
          h = xorShift(h, 13);
          h = arith::MulIOp::create(b, loc, h, c32(0xc2b2ae35u));
          h = xorShift(h, 16);
          Value keep = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                             h, c32(threshold));
          Type et = a[0].getType();
          double s = keepScale * alpha.value_or(1.0);
          Value kept = arith::MulFOp::create(b, loc, a[0],
                                             floatConst(b, loc, et, s));
          return arith::SelectOp::create(b, loc, keep, kept,
                                         floatConst(b, loc, et, 0.0));
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// uscale.scale: y = fwd * x (the op's own factor; its `scales` alpha, when
/// assigned, equals fwd).
struct ScaleLowering : OpConversionPattern<ScaleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    rw.replaceOp(op, scaleTensor(rw, op.getLoc(), adaptor.getInput(),
                                 op.getForward().convertToDouble()));
    return success();
  }
};

/// y = sqrt(tau) branch + sqrt(1 - tau) skip.
struct WeightedAddLowering : OpConversionPattern<WeightedAddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WeightedAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    double tau = op.getTau().convertToDouble();
    double wb = std::sqrt(tau), ws = std::sqrt(1.0 - tau);
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getBranch(), adaptor.getSkip()},
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Type et = a[0].getType();
          Value x = arith::MulFOp::create(b, loc, a[0],
                                          floatConst(b, loc, et, wb));
          Value y = arith::MulFOp::create(b, loc, a[1],
                                          floatConst(b, loc, et, ws));
          return arith::AddFOp::create(b, loc, x, y);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

struct ResidualSplitLowering : OpConversionPattern<ResidualSplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResidualSplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct BroadcastToLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    std::optional<double> alpha = alphaOf(op);
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return mulAlpha(b, loc, a[0], alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// Sums over the leading dimensions the result lacks and over dimensions
/// where the result has size 1 (linalg.reduce), then reshapes.
struct SumToLowering : OpConversionPattern<SumToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SumToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    auto in = tensorTypeOf(adaptor.getInput());
    auto out = op.getType();
    int64_t lead = in.getRank() - out.getRank();
    SmallVector<int64_t> reduced;
    for (int64_t d = 0; d < in.getRank(); ++d)
      if (d < lead || (out.getDimSize(d - lead) == 1 && in.getDimSize(d) != 1))
        reduced.push_back(d);
    Value r = adaptor.getInput();
    if (!reduced.empty()) {
      auto redType = RankedTensorType::get(dropDims(in.getShape(), reduced),
                                           in.getElementType());
      Value init = filledTensor(rw, loc, redType, 0.0);
      r = linalg::ReduceOp::create(
              rw, loc, ValueRange{r}, ValueRange{init}, reduced,
              [](OpBuilder &b, Location l, ValueRange a) {
                linalg::YieldOp::create(
                    b, l, ValueRange{arith::AddFOp::create(b, l, a[0], a[1])});
              })
              .getResult(0);
    }
    r = reshapeTo(rw, loc, r, out);
    rw.replaceOp(op, scaleTensor(rw, loc, r, alphaOf(op)));
    return success();
  }
};

/// uscale.quantize: f32 -> nearest FP8 value (RNE, satfinite, NaN -> the
/// canonical NaN), back in f32. Integer operations on the f32 encoding,
/// step for step lib/Support/FP8.cpp's encoder, so the result is bit-exact
/// with it (and with Hopper's cvt.rn.satfinite) and independent of FPU
/// modes:
///   sig = 1.mantissa (24 bits), e = unbiased exponent,
///   eff = max(e, minExp), shift = min(23 - M + eff - e, 25),
///   q = RNE(sig >> shift), value = min(q * 2^(eff - M), max).
/// f32 zeros and subnormals give a zero of the same sign, +-inf give +-max.
struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    if (!op.getType().getElementType().isF32())
      return failWith(op, "uscale-to-linalg lowers quantize on f32 only");
    bool e4m3 = op.getFormat() == FP8Format::E4M3;
    const int mantBits = e4m3 ? 3 : 2;
    const int minExp = 1 - (e4m3 ? 7 : 15);
    const float maxVal = e4m3 ? 448.0f : 57344.0f;
    uint32_t maxBits;
    std::memcpy(&maxBits, &maxVal, sizeof(maxBits));
    Value r = buildBroadcastMap(
        rw, op.getLoc(), op.getType(), {adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Type i32 = b.getI32Type();
          auto c = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(
                b, l, i32, b.getI32IntegerAttr(static_cast<int32_t>(v)));
          };
          using P = arith::CmpIPredicate;
          auto cmp = [&](P p, Value x, Value y) -> Value {
            return arith::CmpIOp::create(b, l, p, x, y);
          };
          auto sel = [&](Value cnd, Value x, Value y) -> Value {
            return arith::SelectOp::create(b, l, cnd, x, y);
          };
          Value u = arith::BitcastOp::create(b, l, i32, a[0]);
          Value sign = arith::AndIOp::create(b, l, u, c(0x80000000u));
          Value mag = arith::AndIOp::create(b, l, u, c(0x7FFFFFFF));
          Value f32Exp = arith::ShRUIOp::create(b, l, mag, c(23));
          Value sig = arith::OrIOp::create(
              b, l, arith::AndIOp::create(b, l, mag, c(0x7FFFFF)),
              c(0x800000));
          Value e = arith::SubIOp::create(b, l, f32Exp, c(127));
          Value eff = arith::MaxSIOp::create(b, l, e, c(minExp));
          Value shift = arith::AddIOp::create(
              b, l, c(23 - mantBits), arith::SubIOp::create(b, l, eff, e));
          shift = arith::MinSIOp::create(b, l, shift, c(25));
          Value q = arith::ShRUIOp::create(b, l, sig, shift);
          Value one = c(1);
          Value lowMask = arith::SubIOp::create(
              b, l, arith::ShLIOp::create(b, l, one, shift), one);
          Value rem = arith::AndIOp::create(b, l, sig, lowMask);
          Value half = arith::ShLIOp::create(
              b, l, one, arith::SubIOp::create(b, l, shift, one));
          Value odd = cmp(P::ne, arith::AndIOp::create(b, l, q, one), c(0));
          Value up = arith::OrIOp::create(
              b, l, cmp(P::ugt, rem, half),
              arith::AndIOp::create(b, l, cmp(P::eq, rem, half), odd));
          q = arith::AddIOp::create(
              b, l, q, arith::ExtUIOp::create(b, l, i32, up));
          // q * 2^(eff - M): exact (q <= 2^(M+1), a power-of-two factor).
          Value pow2Bits = arith::ShLIOp::create(
              b, l, arith::AddIOp::create(b, l, eff, c(127 - mantBits)),
              c(23));
          Value pow2 = arith::BitcastOp::create(b, l, b.getF32Type(), pow2Bits);
          Value qf = arith::UIToFPOp::create(b, l, b.getF32Type(), q);
          Value v = arith::MulFOp::create(b, l, qf, pow2);
          Value vBits = arith::BitcastOp::create(b, l, i32, v);
          vBits = arith::MinUIOp::create(b, l, vBits, c(maxBits));
          // Specials: f32 zero/subnormal -> +-0, inf -> +-max, NaN -> NaN.
          vBits = sel(cmp(P::eq, f32Exp, c(0)), c(0), vBits);
          vBits = sel(cmp(P::eq, mag, c(0x7F800000)), c(maxBits), vBits);
          Value res = arith::OrIOp::create(b, l, sign, vBits);
          res = sel(cmp(P::ugt, mag, c(0x7F800000)), c(0x7FFFFFFF), res);
          return arith::BitcastOp::create(b, l, b.getF32Type(), res);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::uscale::lowering::populateElementwisePatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>,
               BinaryLowering<MulOp>, ActivationLowering<ReluOp>,
               ActivationLowering<TanhOp>, ActivationLowering<SigmoidOp>,
               ActivationLowering<GeluOp>, ActivationGradLowering,
               DropoutLowering, ScaleLowering, WeightedAddLowering,
               ResidualSplitLowering, BroadcastToLowering, SumToLowering,
               QuantizeLowering>(ctx);
}
