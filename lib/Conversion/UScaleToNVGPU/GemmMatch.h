//===- GemmMatch.h - which uscale GEMMs the FP8 kernels run -----*- C++ -*-===//
//
// Recognises the FP8 GEMMs of a train step (a uscale.matmul or
// uscale.linear whose two GEMM operands are uscale.quantize ops), names
// their kernel variant from the operand formats and works out the K-major
// operands the kernel needs (docs/gpu.md, "Lowering uscale matmuls").
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_CONVERSION_USCALETONVGPU_GEMMMATCH_H
#define USCALE_CONVERSION_USCALETONVGPU_GEMMMATCH_H

#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::uscale::nvgpu_lowering {

/// The kernel variants, named by their role in a train step. The kernel
/// only cares about the operand formats; the role is what uscale-cast-fp8's
/// formats (E4M3 forward, E5M2 incoming gradients) make of them.
enum class GemmVariant {
  Forward,    // E4M3 x E4M3: Y = X W
  DataGrad,   // E5M2 x E4M3: dX = dY W^T (and dW_t = dY^T X)
  WeightGrad, // E4M3 x E5M2: dW = X^T dY
};

StringRef variantName(GemmVariant v);          // fwd, dgrad, wgrad
StringRef formatName(FP8Format f);             // e4m3, e5m2
StringRef formatElementType(FP8Format f);      // f8E4M3FN, f8E5M2

/// One K-major kernel operand: the f32 tensor the cast kernel reads and
/// whether it reads it transposed (stored K x rows instead of rows x K).
struct KernelOperand {
  Value source;
  bool transposed = false;
  FP8Format format = FP8Format::E4M3;
  Operation *quantize = nullptr;  // the uscale.quantize it replaces
  Operation *transpose = nullptr; // a folded uscale.transpose, if any
  // A batched operand read in place of attention's head split (GemmMatch
  // .cpp, foldHeadSplit): the folded transpose, and the heads across.
  Operation *headSplit = nullptr, *headSplitReshape = nullptr;
  int64_t heads = 1;
};

/// C[M, N] = alpha * sum_k A[m, k] * B[n, k] (+ alpha * bias[n]). A's
/// source may have rank 3 or more ([..., K], M the product of the leading
/// dimensions); the op's result then has the same leading dimensions.
/// A batched plan (`batch` > 1: both operands of rank 3 or more with the
/// same leading dimensions, attention's) is `batch` such GEMMs, M, N and K
/// per batch; its operands are stacked along their rows.
/// The kernels' tile: M, N and K must be multiples of it.
constexpr int64_t kTile = 128;
/// The most batches of a batched GEMM: one per block of the grid's z.
constexpr int64_t kMaxBatch = 65535;

struct GemmPlan {
  GemmVariant variant;
  KernelOperand a, b;
  int64_t m = 0, n = 0, k = 0;
  int64_t batch = 1;
  int64_t tileN = kTile; // the kernel instance's tile width (tileWidth)
  double alpha = 1.0;
  Value bias; // uscale.linear's bias, or null
};

/// Host entries of the FP8 GEMMs are named <prefix><variant>[_n128].
constexpr llvm::StringLiteral kHostEntryPrefix = "uscale_fp8_matmul_";

/// The host entries' type: (A, transA, B, transB, C, alpha, batch, headsA,
/// headsB) -> status (fp8_matmul_host.mlir.in).
FunctionType hostEntryType(MLIRContext *ctx);

/// The attribute on a host entry declaration that says which template
/// instance defines it: {variant = "fwd", a = "e4m3", b = "e4m3",
/// tile_n = 256}.
constexpr llvm::StringLiteral kFp8GemmAttr = "uscale.fp8_gemm";

/// The kernel's tile width for `batch` M x N outputs: 256 (the faster
/// kernel, docs/gpu.md) when N allows it and the 128 x 256 tiles make at
/// least `wave` CTAs (132 on an H100: one per SM); else 128, which makes
/// twice as many (a 2048 x 1024 output: 64 tiles of 128 x 256 left half
/// the SMs idle).
inline int64_t tileWidth(int64_t m, int64_t n, int64_t wave,
                         int64_t batch = 1) {
  bool fills = batch * (m / kTile) * (n / 256) >= wave;
  return n % 256 == 0 && fills ? 256 : kTile;
}

/// The template instance's name suffix for a tile width: "" for 256,
/// "_n128" for 128 (fwd, fwd_n128, ...).
inline llvm::StringRef tileSuffix(int64_t tileN) {
  return tileN == 256 ? "" : "_n128";
}

/// Why an FP8 GEMM cannot run on the kernels (empty: it can).
struct GemmMatch {
  std::optional<GemmPlan> plan;
  std::string unsupported;
};

/// Returns std::nullopt for an op that is not an FP8 GEMM (operands not
/// both quantized): it stays on the host path. Otherwise a plan, or the
/// reason the kernels cannot run it. Batched GEMMs get a plan only with
/// `batched` (uscale-to-nvgpu{batched}).
std::optional<GemmMatch> matchFp8Gemm(Operation *op, bool batched = false);

} // namespace mlir::uscale::nvgpu_lowering

#endif
