//===- Passes.td - uscale conversion passes -------------------*- tablegen -*-===//
#ifndef USCALE_CONVERSION_PASSES_TD
#define USCALE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def UScaleToLinalg : Pass<"uscale-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower uscale ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `uscale` op of a function into upstream ops on tensors
    (linalg.generic / matmul / batch_matmul / reduce / transpose / fill,
    tensor.empty / expand_shape / collapse_shape / extract_slice /
    insert_slice / extract, arith, math, and scf.for for scatter_add).

    Scale semantics: an op with a `scales` attribute computes
    `alpha * f(x)` (for matmul and linear the multiply is the GEMM
    epilogue); without `scales` it computes plain `f`. The fixed-scale ops
    (`scale`, `weighted_add`, `residual_split`) are defined by their own
    attributes and ignore the alpha in `scales` (which equals them).

    `uscale.parameter` ops with `init data` become `arith.constant`; any
    other parameter is an error: run `uscale-autodiff` (or
    `uscale-parameters-to-arguments`) first so that parameters are function
    arguments. Any uscale op left behind fails the pass with its name.

    Dropout draws its mask from a counter-based hash of (seed, linear
    element index) (see docs/cpu-lowering.md), so the backward dropout that
    uscale-autodiff builds with the same seed applies the same mask.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::scf::SCFDialect"
  ];
}

#endif // USCALE_CONVERSION_PASSES_TD
