//===- DataMovement.cpp - parameters, gather/scatter, reductions, shapes --===//
#include "Common.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::lowering;

namespace {

/// `uscale.parameter ... init data` -> arith.constant. Other parameters are
/// rejected before the conversion runs (UScaleToLinalg.cpp).
struct ParameterLowering : OpConversionPattern<ParameterOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ParameterOp op, OpAdaptor,
                  ConversionPatternRewriter &rw) const override {
    auto value = op.getValueAttr();
    if (!value)
      return failWith(op, "has no initializer data: run uscale-autodiff "
                          "first or pass parameters as arguments");
    rw.replaceOpWithNewOp<arith::ConstantOp>(op, cast<TypedAttr>(value));
    return success();
  }
};

/// An index read from an integer tensor, with ONNX's negative indices
/// counted from the end and then clamped into [0, dim).
Value clampedIndex(OpBuilder &b, Location l, Value raw, int64_t dim) {
  Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), raw);
  Value zero = indexConst(b, l, 0);
  Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::AddIOp::create(b, l, i, indexConst(b, l, dim));
  i = arith::SelectOp::create(b, l, neg, wrapped, i);
  i = arith::MaxSIOp::create(b, l, i, zero);
  return arith::MinSIOp::create(b, l, i, indexConst(b, l, dim - 1));
}

/// Coordinates into the gathered tensor (rank D) for an element of the
/// gather result: dims before `axis` pass through, `axis` takes `index`,
/// later dims are shifted by the index rank.
SmallVector<Value> gatherCoords(ValueRange outIdx, Value index, int64_t axis,
                                int64_t dataRank, int64_t idxRank) {
  SmallVector<Value> c;
  for (int64_t d = 0; d < dataRank; ++d) {
    if (d < axis)
      c.push_back(outIdx[d]);
    else if (d == axis)
      c.push_back(index);
    else
      c.push_back(outIdx[d - 1 + idxRank]);
  }
  return c;
}

/// out[pre, i..., post] = data[pre, clamp(indices[i...]), post]: a generic
/// over the result reading `data` with tensor.extract.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    MLIRContext *ctx = rw.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dt = tensorTypeOf(data);
    int64_t dRank = dt.getRank(), iRank = tensorTypeOf(indices).getRank();
    int64_t axis = normAxis(op.getAxis(), dRank);
    auto out = op.getType();
    int64_t oRank = out.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = axis; d < axis + iRank; ++d)
      idxExprs.push_back(getAffineDimExpr(d, ctx));
    std::optional<double> alpha = alphaOf(op);
    Value r = buildMap(
        rw, op.getLoc(), out, {indices},
        {AffineMap::get(oRank, 0, idxExprs, ctx)},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          SmallVector<Value> outIdx;
          for (int64_t d = 0; d < oRank; ++d)
            outIdx.push_back(linalg::IndexOp::create(b, l, d));
          Value i = clampedIndex(b, l, a[0], dt.getDimSize(axis));
          Value v = tensor::ExtractOp::create(
              b, l, data, gatherCoords(outIdx, i, axis, dRank, iRank));
          return mulAlpha(b, l, v, alpha);
        });
    rw.replaceOp(op, r);
    return success();
  }
};

/// The adjoint of gather: adds each gradient element into a zero tensor at
/// its gathered position. O(numel(grad)). Elements that differ in a dim the
/// indices do not cover (an embedding gradient's feature dim) always land in
/// different outputs, so those dims are an scf.forall: each iteration owns
/// one line of the output along `axis` and walks the indexed dims
/// sequentially (scf.for with tensor.extract/insert on that line, in place
/// after bufferization). On a GPU that is one thread per line instead of a
/// single thread for everything (2M iterations, 0.5 s, in a transformer
/// block's step); the sums are in the same order either way.
struct ScatterAddLowering : OpConversionPattern<ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    Value g = adaptor.getGrad(), indices = adaptor.getIndices();
    auto out = op.getType();
    auto gt = tensorTypeOf(g);
    int64_t dRank = out.getRank(), iRank = tensorTypeOf(indices).getRank();
    int64_t gRank = gt.getRank();
    int64_t axis = normAxis(op.getAxis(), dRank);
    std::optional<double> alpha = alphaOf(op);
    Value init = filledTensor(rw, loc, out, 0.0);
    // The sequential part: the indexed dims of the gradient, adding into
    // `acc` (the whole output, or one line of it) at coordinates `at`.
    auto addLoops = [&](OpBuilder &b, Location l, ValueRange outer, Value acc,
                        auto at) -> Value {
      SmallVector<Value> lbs, ubs, steps;
      for (int64_t d = axis; d < axis + iRank; ++d) {
        lbs.push_back(indexConst(b, l, 0));
        ubs.push_back(indexConst(b, l, gt.getDimSize(d)));
        steps.push_back(indexConst(b, l, 1));
      }
      scf::LoopNest nest = scf::buildLoopNest(
          b, l, lbs, ubs, steps, ValueRange{acc},
          [&](OpBuilder &nb, Location nl, ValueRange ivs,
              ValueRange cur) -> scf::ValueVector {
            SmallVector<Value> gIdx(outer.begin(), outer.begin() + axis);
            gIdx.append(ivs.begin(), ivs.end());
            gIdx.append(outer.begin() + axis, outer.end());
            Value gv = tensor::ExtractOp::create(nb, nl, g, gIdx);
            Value raw = tensor::ExtractOp::create(nb, nl, indices, ivs);
            Value i = clampedIndex(nb, nl, raw, out.getDimSize(axis));
            SmallVector<Value> c = at(i);
            Value old = tensor::ExtractOp::create(nb, nl, cur[0], c);
            Value sum =
                arith::AddFOp::create(nb, nl, old, mulAlpha(nb, nl, gv, alpha));
            return {tensor::InsertOp::create(nb, nl, sum, cur[0], c)};
          });
      return nest.results[0];
    };
    if (gRank == iRank) { // every dim is indexed: one sequential nest
      rw.replaceOp(op, addLoops(rw, loc, ValueRange(), init, [&](Value i) {
                     return SmallVector<Value>{i};
                   }));
      return success();
    }
    // The dims not indexed, in order: [0, axis) and [axis + iRank, gRank).
    SmallVector<OpFoldResult> ubs;
    for (int64_t d = 0; d < gRank; ++d)
      if (d < axis || d >= axis + iRank)
        ubs.push_back(rw.getIndexAttr(gt.getDimSize(d)));
    auto forall = scf::ForallOp::create(rw, loc, ubs, ValueRange{init},
                                        /*mapping=*/std::nullopt);
    OpBuilder b = OpBuilder::atBlockTerminator(forall.getBody());
    SmallVector<Value> p = forall.getInductionVars();
    Value shared = forall.getRegionIterArgs()[0];
    // This iteration's line: out[p_pre, :, p_post], as a 1-D tensor.
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t d = 0; d < dRank; ++d) {
      offsets.push_back(d == axis ? OpFoldResult(b.getIndexAttr(0))
                                  : OpFoldResult(p[d < axis ? d : d - 1]));
      sizes.push_back(b.getIndexAttr(d == axis ? out.getDimSize(axis) : 1));
      strides.push_back(b.getIndexAttr(1));
    }
    auto lineType =
        RankedTensorType::get({out.getDimSize(axis)}, out.getElementType());
    Value line = tensor::ExtractSliceOp::create(b, loc, lineType, shared,
                                                offsets, sizes, strides);
    Value summed = addLoops(b, loc, p, line, [&](Value i) {
      return SmallVector<Value>{i};
    });
    b.setInsertionPointToStart(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(b, loc, summed, shared, offsets,
                                          sizes, strides);
    rw.replaceOp(op, forall.getResult(0));
    return success();
  }
};

/// reduce_sum / reduce_mean: linalg.reduce, the mean's 1/n and alpha in one
/// epilogue, then the keepdims reshape.
template <typename OpTy>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto t = tensorTypeOf(x);
    SmallVector<int64_t> axes;
    for (int64_t a : op.getAxes())
      axes.push_back(normAxis(a, t.getRank()));
    llvm::sort(axes);
    auto redType = RankedTensorType::get(dropDims(t.getShape(), axes),
                                         t.getElementType());
    Value init = filledTensor(rw, loc, redType, 0.0);
    Value r = linalg::ReduceOp::create(
                  rw, loc, ValueRange{x}, ValueRange{init}, axes,
                  [](OpBuilder &b, Location l, ValueRange a) {
                    linalg::YieldOp::create(
                        b, l,
                        ValueRange{arith::AddFOp::create(b, l, a[0], a[1])});
                  })
                  .getResult(0);
    double factor = alphaOf(op).value_or(1.0);
    if constexpr (std::is_same_v<OpTy, ReduceMeanOp>)
      factor /= double(op.getReductionSize());
    r = scaleTensor(rw, loc, r, factor);
    rw.replaceOp(op, reshapeTo(rw, loc, r, op.getType()));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Value r = reshapeTo(rw, op.getLoc(), adaptor.getInput(), op.getType());
    rw.replaceOp(op, scaleTensor(rw, op.getLoc(), r, alphaOf(op)));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    Value init = emptyTensor(rw, loc, op.getType());
    Value r = linalg::TransposeOp::create(rw, loc, adaptor.getInput(), init,
                                          op.getPerm())
                  .getResult()[0];
    rw.replaceOp(op, scaleTensor(rw, loc, r, alphaOf(op)));
    return success();
  }
};

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> v) {
  SmallVector<OpFoldResult> r;
  for (int64_t x : v)
    r.push_back(b.getIndexAttr(x));
  return r;
}

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    auto out = op.getType();
    int64_t rank = out.getRank();
    int64_t axis = normAxis(op.getAxis(), rank);
    Value r = emptyTensor(rw, loc, out);
    int64_t offset = 0;
    for (Value in : adaptor.getInputs()) {
      auto t = tensorTypeOf(in);
      SmallVector<int64_t> offs(rank, 0), strides(rank, 1);
      offs[axis] = offset;
      r = tensor::InsertSliceOp::create(rw, loc, in, r, indexAttrs(rw, offs),
                                        indexAttrs(rw, t.getShape()),
                                        indexAttrs(rw, strides));
      offset += t.getDimSize(axis);
    }
    rw.replaceOp(op, scaleTensor(rw, loc, r, alphaOf(op)));
    return success();
  }
};

struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    int64_t rank = tensorTypeOf(x).getRank();
    int64_t axis = normAxis(op.getAxis(), rank);
    std::optional<double> alpha = alphaOf(op);
    SmallVector<Value> parts;
    int64_t offset = 0;
    for (Value res : op.getResults()) {
      auto t = tensorTypeOf(res);
      SmallVector<int64_t> offs(rank, 0), strides(rank, 1);
      offs[axis] = offset;
      Value p = tensor::ExtractSliceOp::create(
          rw, loc, t, x, indexAttrs(rw, offs), indexAttrs(rw, t.getShape()),
          indexAttrs(rw, strides));
      parts.push_back(scaleTensor(rw, loc, p, alpha));
      offset += t.getDimSize(axis);
    }
    rw.replaceOp(op, parts);
    return success();
  }
};

/// Offsets and strides of an ONNX slice (sizes come from the result type).
void sliceGeometry(ArrayRef<int64_t> inShape, ArrayRef<int64_t> starts,
                   ArrayRef<int64_t> axes, ArrayRef<int64_t> steps,
                   SmallVectorImpl<int64_t> &offs,
                   SmallVectorImpl<int64_t> &strides) {
  int64_t rank = inShape.size();
  offs.assign(rank, 0);
  strides.assign(rank, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t d = normAxis(axes[i], rank), dim = inShape[d];
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    offs[d] = std::clamp<int64_t>(s, 0, dim);
    strides[d] = steps[i];
  }
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    auto in = tensorTypeOf(adaptor.getInput());
    auto out = op.getType();
    SmallVector<int64_t> offs, strides;
    sliceGeometry(in.getShape(), op.getStarts(), op.getAxes(), op.getSteps(),
                  offs, strides);
    Value r = tensor::ExtractSliceOp::create(
        rw, loc, out, adaptor.getInput(), indexAttrs(rw, offs),
        indexAttrs(rw, out.getShape()), indexAttrs(rw, strides));
    rw.replaceOp(op, scaleTensor(rw, loc, r, alphaOf(op)));
    return success();
  }
};

struct SliceGradLowering : OpConversionPattern<SliceGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    auto out = op.getType();
    auto g = tensorTypeOf(adaptor.getGrad());
    SmallVector<int64_t> offs, strides;
    sliceGeometry(out.getShape(), op.getStarts(), op.getAxes(), op.getSteps(),
                  offs, strides);
    Value zeros = filledTensor(rw, loc, out, 0.0);
    Value r = tensor::InsertSliceOp::create(
        rw, loc, adaptor.getGrad(), zeros, indexAttrs(rw, offs),
        indexAttrs(rw, g.getShape()), indexAttrs(rw, strides));
    rw.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::uscale::lowering::populateDataMovementPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ParameterLowering, GatherLowering, ScatterAddLowering,
               ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReshapeLowering, TransposeLowering, ConcatLowering,
               SplitLowering, SliceLowering, SliceGradLowering>(
      patterns.getContext());
}
