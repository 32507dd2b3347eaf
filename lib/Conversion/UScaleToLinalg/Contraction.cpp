//===- Contraction.cpp - matmul and linear to linalg.matmul ---------------===//
//
// Every GEMM becomes a linalg.matmul or linalg.batch_matmul (so a later
// pass can tile them or call a BLAS), with the op's alpha (and linear's
// bias) applied in one elementwise epilogue.
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::lowering;

namespace {

Value zeros(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type et) {
  return filledTensor(b, loc, RankedTensorType::get(shape, et), 0.0);
}

/// [m, k] x [k, n] (or [n, k] when `transposeB`) -> [m, n].
Value matmul2d(OpBuilder &b, Location loc, Value a, Value bm, bool transposeB) {
  auto at = tensorTypeOf(a), bt = tensorTypeOf(bm);
  int64_t m = at.getDimSize(0);
  int64_t n = bt.getDimSize(transposeB ? 0 : 1);
  Value init = zeros(b, loc, {m, n}, at.getElementType());
  auto mm = linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                     ValueRange{a, bm}, ValueRange{init});
  if (transposeB) {
    // (m, n, k): A(m, k), B(n, k), C(m, n).
    MLIRContext *ctx = b.getContext();
    AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
               dk = getAffineDimExpr(2, ctx);
    SmallVector<Attribute> maps{
        AffineMapAttr::get(AffineMap::get(3, 0, {dm, dk}, ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0, {dn, dk}, ctx)),
        AffineMapAttr::get(AffineMap::get(3, 0, {dm, dn}, ctx))};
    mm.setIndexingMapsAttr(b.getArrayAttr(maps));
  }
  return mm.getResult(0);
}

/// Collapses all dimensions before the last `keep` into one.
Value collapseLeading(OpBuilder &b, Location loc, Value v, int64_t keep) {
  auto t = tensorTypeOf(v);
  SmallVector<int64_t> shape{1};
  for (int64_t d = 0; d < t.getRank() - keep; ++d)
    shape[0] *= t.getDimSize(d);
  llvm::append_range(shape, t.getShape().take_back(keep));
  return reshapeTo(b, loc, v, RankedTensorType::get(shape, t.getElementType()));
}

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    Value a = adaptor.getLhs(), bm = adaptor.getRhs();
    auto at = tensorTypeOf(a), bt = tensorTypeOf(bm);
    auto out = op.getType();
    Type et = out.getElementType();
    int64_t m = at.getDimSize(at.getRank() - 2);
    int64_t k = at.getDimSize(at.getRank() - 1);
    int64_t n = bt.getDimSize(bt.getRank() - 1);
    ArrayRef<int64_t> batch = out.getShape().drop_back(2);
    int64_t nb = 1;
    for (int64_t s : batch)
      nb *= s;
    Value r;
    if (bt.getRank() == 2) {
      // No batch on B (includes the plain 2-D case): fold A's batch into M.
      Value a2 = collapseLeading(rw, loc, a, 1);
      r = matmul2d(rw, loc, a2, bm, /*transposeB=*/false);
    } else {
      // Broadcast both operands to the full batch, fold it into one
      // dimension, and use batch_matmul.
      auto full = [&](Value v, int64_t rows, int64_t cols) {
        SmallVector<int64_t> shape(batch);
        shape.push_back(rows);
        shape.push_back(cols);
        auto t = RankedTensorType::get(shape, et);
        if (tensorTypeOf(v) == t)
          return v;
        return buildBroadcastMap(rw, loc, t, {v},
                                 [](OpBuilder &, Location, ValueRange x) {
                                   return x[0];
                                 });
      };
      Value a3 = collapseLeading(rw, loc, full(a, m, k), 2);
      Value b3 = collapseLeading(rw, loc, full(bm, k, n), 2);
      Value init = zeros(rw, loc, {nb, m, n}, et);
      r = linalg::BatchMatmulOp::create(rw, loc, TypeRange{init.getType()},
                                        ValueRange{a3, b3}, ValueRange{init})
              .getResult(0);
    }
    r = scaleTensor(rw, loc, r, alphaOf(op));
    rw.replaceOp(op, reshapeTo(rw, loc, r, out));
    return success();
  }
};

/// X[..., fan_in] W (+ bias), times alpha: one linalg.matmul on the rows
/// of X and one epilogue generic for the bias and alpha.
struct LinearLowering : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op)))
      return failure();
    Location loc = op.getLoc();
    auto out = op.getType();
    Value x2 = collapseLeading(rw, loc, adaptor.getInput(), 1);
    Value r = matmul2d(rw, loc, x2, adaptor.getWeight(),
                       op.getTransposeWeight());
    std::optional<double> alpha = alphaOf(op);
    if (Value bias = adaptor.getBias()) {
      r = buildBroadcastMap(rw, loc, tensorTypeOf(r), {r, bias},
                            [&](OpBuilder &b, Location l, ValueRange v) {
                              return mulAlpha(
                                  b, l, arith::AddFOp::create(b, l, v[0], v[1]),
                                  alpha);
                            });
    } else {
      r = scaleTensor(rw, loc, r, alpha);
    }
    rw.replaceOp(op, reshapeTo(rw, loc, r, out));
    return success();
  }
};

} // namespace

void mlir::uscale::lowering::populateContractionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, LinearLowering>(patterns.getContext());
}
