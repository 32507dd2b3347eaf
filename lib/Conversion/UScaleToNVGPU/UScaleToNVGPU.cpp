//===- UScaleToNVGPU.cpp - uscale-to-nvgpu --------------------------------===//
//
// Replaces the FP8 GEMMs of a train step (GemmMatch.h) by calls to
// per-variant host entries, declared here and instantiated from the kernel
// templates by uscale-nvgpu-instantiate (InstantiateKernels.cpp). What runs
// where is described in docs/gpu.md.
//
//===----------------------------------------------------------------------===//
#include "GemmMatch.h"

#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_USCALETONVGPU
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;
using namespace mlir::uscale::nvgpu_lowering;

namespace {

/// One host entry per variant and tile width: uscale_fp8_matmul_fwd (128 x
/// 256 tiles), uscale_fp8_matmul_fwd_n128 (128 x 128; tileWidth says which).
std::string hostEntryName(const GemmPlan &plan) {
  return (kHostEntryPrefix + variantName(plan.variant) +
          tileSuffix(plan.tileN))
      .str();
}

/// Declares the host entry `plan` calls (once per variant), private and
/// without a body. uscale-nvgpu-instantiate later replaces the declaration
/// by the template instance named in its `uscale.fp8_gemm` attribute: the
/// bodies are GPU host code that bufferization's deallocation pass rejects
/// (ops with unknown memory effects on memrefs), so they join the module
/// after the host code is bufferized.
LogicalResult declareHostEntry(ModuleOp module, const GemmPlan &plan,
                               Location loc) {
  std::string name = hostEntryName(plan);
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  FunctionType type = hostEntryType(ctx);
  DictionaryAttr kernel = b.getDictionaryAttr(
      {b.getNamedAttr("variant", b.getStringAttr(variantName(plan.variant))),
       b.getNamedAttr("a", b.getStringAttr(formatName(plan.a.format))),
       b.getNamedAttr("b", b.getStringAttr(formatName(plan.b.format))),
       b.getNamedAttr("tile_n", b.getI64IntegerAttr(plan.tileN))});
  if (Operation *existing = SymbolTable::lookupSymbolIn(module, name)) {
    auto fn = dyn_cast<func::FuncOp>(existing);
    if (fn && fn.getFunctionType() == type &&
        fn->getAttr(kFp8GemmAttr) == kernel)
      return success();
    return emitError(loc) << "uscale-to-nvgpu: the module already defines @"
                          << name << ", the FP8 GEMM host entry's name";
  }
  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(b, module.getLoc(), name, type);
  fn.setPrivate();
  fn->setAttr(kFp8GemmAttr, kernel);
  return success();
}

/// `t` (a static f32 tensor) as the host entry's memref<?x?xf32>. read_only:
/// the host entry only copies it to the device.
Value asHostBuffer(OpBuilder &b, Location loc, Value t) {
  auto tt = cast<RankedTensorType>(t.getType());
  auto staticType = MemRefType::get(tt.getShape(), tt.getElementType());
  Value buf = bufferization::ToBufferOp::create(b, loc, staticType, t,
                                                /*read_only=*/true);
  auto dynType = MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                                 tt.getElementType());
  return memref::CastOp::create(b, loc, dynType, buf);
}

/// The reassociation that collapses all but the last of `rank` dimensions.
SmallVector<ReassociationIndices> leadingIntoOne(int64_t rank) {
  ReassociationIndices leading;
  for (int64_t i = 0; i < rank - 1; ++i)
    leading.push_back(i);
  return {leading, {rank - 1}};
}

/// Replaces `op` by the host entry call of `plan`; returns the result.
Value emitCall(Operation *op, const GemmPlan &plan) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  // [..., cols] -> [rows, cols]: a view once bufferized. A batched
  // operand's matrices are then stacked along the rows.
  auto asMatrix = [&](Value source) {
    int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
    if (rank > 2)
      source = tensor::CollapseShapeOp::create(b, loc, source,
                                               leadingIntoOne(rank));
    return asHostBuffer(b, loc, source);
  };
  Value a = asMatrix(plan.a.source);
  Value bm = asMatrix(plan.b.source);
  int64_t rowsC = plan.batch * plan.m;
  auto cType = MemRefType::get({rowsC, plan.n}, outType.getElementType());
  Value c = memref::AllocOp::create(b, loc, cType);
  Value cDyn = memref::CastOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                      outType.getElementType()),
      c);
  Value transA = arith::ConstantOp::create(b, loc, b.getBoolAttr(plan.a.transposed));
  Value transB = arith::ConstantOp::create(b, loc, b.getBoolAttr(plan.b.transposed));
  // alpha is applied by the kernel's epilogue in f32.
  Value alpha = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(plan.alpha)));
  Value batch = arith::ConstantIndexOp::create(b, loc, plan.batch);
  Value headsA = arith::ConstantIndexOp::create(b, loc, plan.a.heads);
  Value headsB = arith::ConstantIndexOp::create(b, loc, plan.b.heads);
  auto call = func::CallOp::create(
      b, loc, b.getStringAttr(hostEntryName(plan)), TypeRange{b.getI32Type()},
      ValueRange{a, transA, bm, transB, cDyn, alpha, batch, headsA, headsB});
  // The sizes and shapes the host entry checks (status 1, 2) were checked
  // here already; a non-zero status means the generated code is wrong.
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                   call.getResult(0), zero);
  cf::AssertOp::create(
      b, loc, ok,
      b.getStringAttr(llvm::formatv("uscale-to-nvgpu: {0} FP8 GEMM {1}{2}x{3}x{4} "
                                    "returned a non-zero status",
                                    variantName(plan.variant),
                                    plan.batch > 1
                                        ? llvm::formatv("{0} x ", plan.batch)
                                              .str()
                                        : std::string(),
                                    plan.m, plan.n, plan.k)
                          .str()));
  // restrict: no other to_tensor aliases `c`; writable: later ops may
  // update the result in place.
  Value y = bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get({rowsC, plan.n}, outType.getElementType()),
      c, b.getUnitAttr(), b.getUnitAttr());
  if (outType.getRank() > 2) // [M, N] -> [..., N]
    y = tensor::ExpandShapeOp::create(b, loc, outType, y,
                                      leadingIntoOne(outType.getRank()));
  if (plan.bias) {
    // linear computes alpha * (X W + b); the kernel gave alpha * X W.
    auto biasType = plan.bias.getType();
    Value scaled = ScaleOp::create(b, loc, biasType, plan.bias,
                                   b.getF64FloatAttr(plan.alpha),
                                   b.getF64FloatAttr(1.0), ScalesAttr());
    y = AddOp::create(b, loc, outType, y, scaled, ScalesAttr());
  }
  return y;
}

/// Erases the quantize (and folded transposes) a replaced GEMM read, when
/// nothing else uses them: the cast kernel did their work.
void eraseIfDead(const KernelOperand &o) {
  for (Operation *op :
       {o.quantize, o.transpose, o.headSplit, o.headSplitReshape})
    if (op && op->use_empty())
      op->erase();
}

struct UScaleToNVGPUPass
    : public uscale::impl::UScaleToNVGPUBase<UScaleToNVGPUPass> {
  using UScaleToNVGPUBase::UScaleToNVGPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (wave < 1) {
      module.emitError("uscale-to-nvgpu: wave (CTAs in one wave of the GPU) "
                       "must be at least 1, not ")
          << static_cast<int64_t>(wave);
      return signalPassFailure();
    }
    SmallVector<Operation *> gemms;
    module.walk([&](Operation *op) {
      if (isa<MatMulOp, LinearOp>(op))
        gemms.push_back(op);
    });
    bool failedAny = false;
    for (Operation *op : gemms) {
      std::optional<GemmMatch> match = matchFp8Gemm(op, batched);
      if (!match)
        continue; // not an FP8 GEMM: left to the host path
      if (!match->plan) {
        if (fallback) {
          op->emitRemark() << match->unsupported
                           << "; left on the host path (fallback)";
        } else {
          op->emitError() << match->unsupported;
          failedAny = true;
        }
        continue;
      }
      GemmPlan &plan = *match->plan;
      plan.tileN = tileWidth(plan.m, plan.n, wave, plan.batch);
      if (failed(declareHostEntry(module, plan, op->getLoc()))) {
        failedAny = true;
        continue;
      }
      Value y = emitCall(op, plan);
      op->getResult(0).replaceAllUsesWith(y);
      op->erase();
      eraseIfDead(plan.a);
      if (plan.b.quantize != plan.a.quantize)
        eraseIfDead(plan.b);
      ++numGemms;
    }
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace
