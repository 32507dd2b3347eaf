//===- GemmMatch.cpp - which uscale GEMMs the FP8 kernels run -------------===//
#include "GemmMatch.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::nvgpu_lowering;

StringRef mlir::uscale::nvgpu_lowering::variantName(GemmVariant v) {
  switch (v) {
  case GemmVariant::Forward:
    return "fwd";
  case GemmVariant::DataGrad:
    return "dgrad";
  case GemmVariant::WeightGrad:
    return "wgrad";
  }
  llvm_unreachable("unknown variant");
}

StringRef mlir::uscale::nvgpu_lowering::formatName(FP8Format f) {
  return f == FP8Format::E4M3 ? "e4m3" : "e5m2";
}

StringRef mlir::uscale::nvgpu_lowering::formatElementType(FP8Format f) {
  return f == FP8Format::E4M3 ? "f8E4M3FN" : "f8E5M2";
}

FunctionType mlir::uscale::nvgpu_lowering::hostEntryType(MLIRContext *ctx) {
  Builder b(ctx);
  auto buf = MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                             b.getF32Type());
  Type i1 = b.getI1Type();
  Type index = b.getIndexType();
  return b.getFunctionType({buf, i1, buf, i1, buf, b.getF32Type(), index,
                            index, index},
                           {b.getI32Type()});
}

namespace {

std::string describe(FP8Format f) {
  return f == FP8Format::E4M3 ? "E4M3" : "E5M2";
}

/// Whether `perm` swaps the last two of its dimensions and keeps the others
/// ([1, 0]; [0, 1, 3, 2] for a batch of matrices).
bool swapsLastTwo(ArrayRef<int64_t> perm) {
  int64_t r = perm.size();
  if (r < 2 || perm[r - 2] != r - 1 || perm[r - 1] != r - 2)
    return false;
  for (int64_t i = 0; i < r - 2; ++i)
    if (perm[i] != i)
      return false;
  return true;
}

bool unscaled(TransposeOp t) {
  std::optional<ScalesAttr> s = t.getScales();
  return !s || s->getAlphaValue() == 1.0;
}

/// Attention's head split of a batched operand: `[B, H, T, d]` =
/// transpose [0, 2, 1, 3] (or [0, 2, 3, 1]: `[B, H, d, T]`, the split
/// transposed) of a reshape `[B, T, H, d]` of a row-major tensor that is
/// `[B·T, H·d]` as a matrix. Head (b, h) is then the block at rows b·T..,
/// columns h·d.. of that matrix, which the cast kernel reads in place
/// (`heads` = H): the split is never materialised in f32.
void foldHeadSplit(KernelOperand &o) {
  auto t = o.source.getDefiningOp<TransposeOp>();
  if (!t || !unscaled(t))
    return;
  ArrayRef<int64_t> perm = t.getPerm();
  bool split = perm == ArrayRef<int64_t>{0, 2, 1, 3};
  bool splitSwapped = perm == ArrayRef<int64_t>{0, 2, 3, 1};
  auto reshape = t.getInput().getDefiningOp<ReshapeOp>();
  if ((!split && !splitSwapped) || !reshape)
    return;
  auto in = cast<RankedTensorType>(reshape.getInput().getType());
  auto out = cast<RankedTensorType>(reshape.getType());
  // [B, T, H, d] from [B, T, H·d] or [B·T, H·d]: the same matrix.
  int64_t rows = out.getDimSize(0) * out.getDimSize(1);
  int64_t cols = out.getDimSize(2) * out.getDimSize(3);
  bool matrix = (in.getRank() == 2 && in.getDimSize(0) == rows &&
                 in.getDimSize(1) == cols) ||
                (in.getRank() == 3 && in.getDimSize(0) == out.getDimSize(0) &&
                 in.getDimSize(1) == out.getDimSize(1) &&
                 in.getDimSize(2) == cols);
  if (!matrix)
    return;
  o.headSplit = t;
  o.headSplitReshape = reshape;
  o.source = reshape.getInput();
  o.heads = out.getDimSize(2);
  if (splitSwapped)
    o.transposed = !o.transposed;
}

/// The kernel operand for `v` (a quantize result), which the op reads as
/// rows x K when `kMajor`, else as K x rows (per batch). A uscale.transpose
/// of the last two dimensions ([1, 0]; with `batched` also [0, .., r-1,
/// r-2]) without scaling between the quantize and its input is folded into
/// the cast (it reads the transpose's input the other way round), so the
/// transposed tensor is never materialised in f32.
KernelOperand kernelOperand(QuantizeOp q, bool kMajor, bool batched) {
  KernelOperand o;
  o.quantize = q;
  o.format = q.getFormat();
  o.source = q.getInput();
  o.transposed = !kMajor;
  if (auto t = o.source.getDefiningOp<TransposeOp>()) {
    // An unbatched operand of rank 3 or more has its leading dimensions
    // collapsed into rows: a swap of its last two is not a 2-D transpose.
    bool plainSwap = (t.getPerm().size() == 2 || batched) &&
                     swapsLastTwo(t.getPerm());
    if (plainSwap && unscaled(t)) {
      o.transpose = t;
      o.source = t.getInput();
      o.transposed = !o.transposed;
    }
  }
  if (batched)
    foldHeadSplit(o);
  return o;
}

std::string shapeOf(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

} // namespace

std::optional<GemmMatch>
mlir::uscale::nvgpu_lowering::matchFp8Gemm(Operation *op, bool batched) {
  auto matmul = dyn_cast<MatMulOp>(op);
  auto linear = dyn_cast<LinearOp>(op);
  if (!matmul && !linear)
    return std::nullopt;
  // Operands 0 and 1 are the GEMM operands of both ops (2 is the bias).
  auto qa = op->getOperand(0).getDefiningOp<QuantizeOp>();
  auto qb = op->getOperand(1).getDefiningOp<QuantizeOp>();
  if (!qa || !qb)
    return std::nullopt;

  GemmMatch match;
  FP8Format fa = qa.getFormat(), fb = qb.getFormat();
  std::string what = "FP8 GEMM (" + describe(fa) + " x " + describe(fb) + ")";
  auto reject = [&](std::string why) {
    match.unsupported = what + ": " + why;
    return match;
  };

  GemmVariant variant;
  if (fa == FP8Format::E4M3 && fb == FP8Format::E4M3)
    variant = GemmVariant::Forward;
  else if (fa == FP8Format::E5M2 && fb == FP8Format::E4M3)
    variant = GemmVariant::DataGrad;
  else if (fa == FP8Format::E4M3 && fb == FP8Format::E5M2)
    variant = GemmVariant::WeightGrad;
  else
    return reject("there is no kernel variant for two E5M2 operands "
                  "(uscale-cast-fp8's default formats never produce them)");
  what = ("FP8 " + variantName(variant) + " GEMM (" + describe(fa) + " x " +
          describe(fb) + ")")
             .str();

  auto lhsType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhsType = cast<RankedTensorType>(op->getOperand(1).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  // [B, T, K] x [K, N] is the 2-D GEMM [B*T, K] x [K, N]: row-major
  // tensors keep their rows in that order when the leading dimensions are
  // collapsed (emitCall collapses A and expands C). Both operands batched
  // (attention) is not one GEMM.
  bool collapsible = lhsType.getRank() > 2 && rhsType.getRank() == 2 &&
                     outType.getRank() == lhsType.getRank();
  // Both operands batched ([..., M, K] x [..., K, N], the same leading
  // dimensions): one batched GEMM, with uscale-to-nvgpu{batched}.
  int64_t rank = lhsType.getRank();
  bool isBatched = rank > 2 && rhsType.getRank() == rank &&
                   outType.getRank() == rank &&
                   lhsType.getShape().drop_back(2) ==
                       rhsType.getShape().drop_back(2) &&
                   lhsType.getShape().drop_back(2) ==
                       outType.getShape().drop_back(2);
  if (isBatched && !batched)
    return reject(llvm::formatv("operands {0} and {1}: batched GEMMs are "
                                "off (uscale-to-nvgpu{{batched=false}, "
                                "unit-scale-compile --no-gpu-batched-gemm)",
                                shapeOf(lhsType), shapeOf(rhsType))
                      .str());
  if (!isBatched &&
      ((lhsType.getRank() != 2 && !collapsible) || rhsType.getRank() != 2))
    return reject(llvm::formatv("operands {0} and {1}: the FP8 kernels take "
                                "2-D operands, a first operand whose leading "
                                "dimensions collapse into M, or two batched "
                                "operands with the same leading dimensions",
                                shapeOf(lhsType), shapeOf(rhsType))
                      .str());
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
      !outType.hasStaticShape())
    return reject(llvm::formatv("operands {0} and {1}: dynamic shapes are "
                                "not supported (the tile check is static)",
                                shapeOf(lhsType), shapeOf(rhsType))
                      .str());
  for (Type t : {Type(lhsType), Type(rhsType), Type(outType)})
    if (!cast<RankedTensorType>(t).getElementType().isF32())
      return reject(llvm::formatv("{0}: the FP8 kernels read and write f32 "
                                  "tensors",
                                  shapeOf(t))
                        .str());

  GemmPlan plan;
  plan.variant = variant;
  // Kernel A is [M, K]: the lhs / input as it is. Kernel B is [N, K]:
  // matmul's rhs and an untransposed weight are [K, N], so the cast reads
  // them transposed; a transpose_weight weight is already [N, K].
  bool bKMajor = linear && linear.getTransposeWeight();
  plan.a = kernelOperand(qa, /*kMajor=*/true, isBatched);
  plan.b = kernelOperand(qb, bKMajor, isBatched);
  // Batched: the leading dimensions are the batch, M the next; else they
  // all collapse into M.
  int64_t firstRow = isBatched ? outType.getRank() - 2 : 0;
  for (int64_t i = 0; i < firstRow; ++i)
    plan.batch *= outType.getDimSize(i);
  plan.m = 1;
  for (int64_t i = firstRow, e = outType.getRank() - 1; i < e; ++i)
    plan.m *= outType.getDimSize(i);
  plan.n = outType.getDimSize(outType.getRank() - 1);
  plan.k = lhsType.getDimSize(lhsType.getRank() - 1);
  if (auto s = dyn_cast_or_null<ScalesAttr>(op->getAttr("scales")))
    plan.alpha = s.getAlphaValue();
  if (linear)
    plan.bias = linear.getBias();

  if (plan.m % kTile || plan.n % kTile || plan.k % kTile)
    return reject(llvm::formatv(
                      "M x N x K = {0} x {1} x {2} is not a multiple of the "
                      "FP8 kernel's {3} x {3} x {3} tile (no tail handling "
                      "yet)",
                      plan.m, plan.n, plan.k, kTile)
                      .str());
  if (plan.batch > kMaxBatch)
    return reject(llvm::formatv("{0} batches: the kernels run at most {1} "
                                "(the grid's z dimension)",
                                plan.batch, kMaxBatch)
                      .str());
  match.plan = plan;
  return match;
}
