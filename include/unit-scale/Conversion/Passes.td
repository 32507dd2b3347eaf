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

def ParametersToArguments
    : Pass<"uscale-parameters-to-arguments", "::mlir::ModuleOp"> {
  let summary = "Turn uscale.parameter ops into leading function arguments";
  let description = [{
    For each function with `uscale.parameter` ops, removes them and adds one
    leading argument per parameter, in program order, with the argument
    attributes uscale-autodiff gives a train step's parameters:
    `uscale.param` (name), `uscale.init` (normal | zeros | ones | data) and,
    for `init data`, `uscale.value`. Run after uscale-autodiff, it gives the
    forward function the train step's leading parameters, so a runner can
    evaluate the loss (e.g. on validation data) with the same buffers.
    A function that is called from elsewhere is left alone with an error.
  }];
}

def WriteManifest : Pass<"uscale-write-manifest", "::mlir::ModuleOp"> {
  let summary = "Write the JSON manifest of a compiled model's functions";
  let description = [{
    Writes `file`: for every public function with a body, its name, the
    C entry points of the native library (`_mlir_ciface_<name>` and the
    packed `uscale_<name>`), and each argument and result with its role
    (param, adam_m, adam_v, adam_step, input; loss, grad, param, adam_m,
    adam_v, output), parameter name, dtype and shape; every parameter once
    with its init kind (and values for `init data`); and the scales of
    every scaled op of the forward functions. Run it after uscale-autodiff
    and uscale-parameters-to-arguments, before lowering. `optimizer` must be
    the one given to uscale-autodiff: it says what a train step's results
    are. docs/cpu-lowering.md documents the format.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "Where to write the manifest (required)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"none\"",
           "none | sgd | adam, as given to uscale-autodiff">
  ];
}

def CpuLoopOrder : Pass<"uscale-cpu-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Loop order for plain CPU loops: GEMM reductions outside";
  let description = [{
    Rewrites every linalg.matmul / linalg.batch_matmul whose B operand is
    read as B[k, n] into a linalg.generic with loops (batch, m, k, n): the
    innermost loop then walks B and C contiguously instead of running a dot
    product down a column of B (a 512^3 f32 GEMM runs about 6x faster,
    docs/cpu-lowering.md). A 2-D matmul reading B[n, k] (a transposed
    weight) first gets B transposed once (linalg.transpose). Part of
    uscale-lower-to-llvm, on tensors, before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // USCALE_CONVERSION_PASSES_TD
