//===- Passes.td - unit-scale passes --------------------------*- tablegen -*-===//
//
// One file per pass under lib/Transforms/, named after the pass. The paper's
// recipe is the pipeline `uscale-unit-scale` (Pipelines.cpp):
//   uscale-weighted-residuals -> uscale-assign-scales ->
//   uscale-constrain-scales [-> uscale-scale-report].
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_TRANSFORMS_PASSES_TD
#define USCALE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrintCutEdges : Pass<"uscale-print-cut-edges", "func::FuncOp"> {
  let summary = "Print which operand uses are cut-edges (for tests)";
  let description = [{
    Emits one remark per op with operands, listing for each operand use
    whether it is a cut-edge (`bridge`) of the undirected forward graph or
    lies on a cycle (`cycle`), e.g. `cut-edges: [bridge, cycle]`. Meant for
    lit tests with `-verify-diagnostics`.
  }];
}

def WeightedResiduals : Pass<"uscale-weighted-residuals", "func::FuncOp"> {
  let summary = "Turn residual adds into weighted adds with a branch split";
  let description = [{
    A residual add is a `uscale.add` whose one operand (the skip) is an
    ancestor of the other (the branch), `x + f(x)`. It becomes
    `uscale.weighted_add %branch, %skip tau = t`, and the branch's reads of
    `x` go through one `uscale.residual_split %x tau = t` (spec section 5).

    tau: `fixed` uses the `tau` option; `running-mean` gives the l-th
    residual add along a trunk tau = 1/(l+1), where l counts the weighted
    adds along the chain of skip operands (1-based).
  }];
  let options = [
    Option<"tauRule", "tau-rule", "std::string", /*default=*/"\"fixed\"",
           "How tau is chosen: fixed | running-mean">,
    Option<"tau", "tau", "double", /*default=*/"0.5",
           "tau for the fixed rule, in (0, 1)">
  ];
  let statistics = [
    Statistic<"numResidualAdds", "residual-adds", "Residual adds weighted">
  ];
}

def AssignScales : Pass<"uscale-assign-scales", "func::FuncOp"> {
  let summary = "Give every scaled op its ideal alpha and betas";
  let description = [{
    Sets each `ScaledOpInterface` op's `scales` attribute to its ideal
    scales (spec sections 2-3). An op that has float operands but no rule is
    an error: no op is silently given a scale of 1. Ops without operands
    (parameters, constants) and terminators need no scales.
  }];
  let statistics = [
    Statistic<"numScaledOps", "scaled-ops", "Ops given ideal scales">
  ];
}

def ConstrainScales : Pass<"uscale-constrain-scales", "func::FuncOp"> {
  let summary = "Force beta = alpha on operands that are not cut-edges";
  let description = [{
    For every scaled op and every differentiable operand whose use is not a
    cut-edge of the forward graph, the op's alpha and those betas get one
    common value chosen by `mode` (spec section 4). Operands on cut-edges
    keep their ideal beta. Ops whose scales are fixed by construction
    (scale, weighted_add, residual_split) are left alone.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"gmean\"",
           "Common value: gmean | hmean | amean | to-output | "
           "to-grad-input | none">
  ];
  let statistics = [
    Statistic<"numConstrainedOps", "constrained-ops",
              "Ops with at least one constrained operand">,
    Statistic<"numCutEdges", "cut-edges", "Operand uses that are cut-edges">,
    Statistic<"numEdges", "edges", "Operand uses in the forward graph">
  ];
}

def ScaleReport : Pass<"uscale-scale-report", "ModuleOp"> {
  let summary = "Write the unit-scaling report (JSON) and graph (DOT)";
  let description = [{
    For every function: per op the ideal and final scales and, per operand,
    whether it is a cut-edge and whether it was constrained; per parameter
    the predicted gradient factor, the product of beta/alpha along its paths
    to the loss (spec section 4), and whether all paths agree. `dot` writes
    a Graphviz graph: cut-edges solid black, cycle edges dashed red,
    constrained ops filled. `summary` prints one line per function on
    stderr.
  }];
  let options = [
    Option<"jsonFile", "json", "std::string", /*default=*/"\"\"",
           "Write the JSON report to this file ('-' for stdout)">,
    Option<"dotFile", "dot", "std::string", /*default=*/"\"\"",
           "Write a Graphviz DOT graph to this file">,
    Option<"summary", "summary", "bool", /*default=*/"false",
           "Print a one-line summary per function on stderr">
  ];
}

def Autodiff : Pass<"uscale-autodiff", "ModuleOp"> {
  let summary = "Generate a train step (loss and parameter gradients)";
  let description = [{
    For each function whose first result is a scalar float loss, adds
    `@<name>_train_step`. Parameters become leading arguments (with
    `uscale.param`/`uscale.init` argument attributes) so a runner owns their
    storage; the forward function itself gets the same leading parameter
    arguments (it stays the evaluation entry point). Every backward op uses the forward op's beta, not its alpha:
    `grad_x_i = beta_i * (df/dx_i)^T grad_y` (spec section 1); weighted
    residuals and their splits follow spec section 5, and cross entropy's
    backward is not divided by N. Ops without `scales` differentiate
    exactly (alpha = beta = 1), so an unscaled model gets true gradients.

    Signatures (P parameters, then the forward inputs):
      optimizer=none: (P, inputs) -> (loss, dP)
      optimizer=sgd:  (P, inputs) -> (loss, P - lr * dP)
      optimizer=adam: (P, M, V, step: tensor<f32>, inputs) ->
                      (loss, P', M', V')   (Adam with bias correction)
    Gradients and updates are ordinary IR (uscale, arith and math ops on
    tensors), so later passes transform forward and backward alike.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"none\"",
           "none | sgd | adam">,
    Option<"lr", "lr", "double", /*default=*/"1e-3", "Learning rate">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"epsilon", "epsilon", "double", /*default=*/"1e-8", "Adam epsilon">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def CastFP8 : Pass<"uscale-cast-fp8", "func::FuncOp"> {
  let summary = "Round matmul operands to FP8 per the unit-scaling policy";
  let description = [{
    Inserts `uscale.quantize` on the two GEMM operands of every
    `uscale.matmul` and `uscale.linear` (not the bias), spec section 6:
    forward operands (activations, weights) E4M3; in the backward, the
    incoming gradient E5M2 and the other operand E4M3. A value is a gradient
    when it depends on the loss seed that uscale-autodiff marks with
    `uscale.grad_seed`. Accumulation stays f32 and alpha is applied to the
    f32 result, never folded into FP8 data. No amax, no dynamic scaling.
  }];
  let options = [
    Option<"forwardFormat", "forward", "std::string", /*default=*/"\"e4m3\"",
           "Format of forward operands: e4m3 | e5m2">,
    Option<"gradFormat", "grad", "std::string", /*default=*/"\"e5m2\"",
           "Format of incoming gradients: e4m3 | e5m2">
  ];
  let statistics = [
    Statistic<"numQuantized", "quantized-operands", "GEMM operands rounded">
  ];
}

def InstrumentStats : Pass<"uscale-instrument-stats", "func::FuncOp"> {
  let summary = "Return the standard deviation of every intermediate tensor";
  let description = [{
    For evidence that unit scaling works (spec section 8): appends to the
    function's results the std of every float tensor produced by a uscale
    op (forward activations and, in a train step, gradients), computed in
    two passes as sqrt(mean((x - mean(x))^2)). The function gets a
    `uscale.stat_names` array attribute naming each appended result after
    the producing op's location name, prefixed `grad:` for backward ops and
    `wgrad:` for backward values that flow only into the returned
    gradients (parameter gradients and their partials, which feed the f32
    optimizer rather than an FP8 matmul). The result of
    adding a constant mask (an entry <= -1e4 or -inf, UScaleMasks.h) is
    skipped: its std measures the mask. So are views that only lay out a
    weight gradient's operand, and the weighted terms of a gradient sum
    (a residual split's sqrt(tau) * grad_branch): they are below unit by
    design and are no tensor's gradient; the sum is listed.
  }];
  let dependentDialects = ["::mlir::math::MathDialect"];
  let statistics = [
    Statistic<"numStats", "stats", "Tensors instrumented">
  ];
}

def SetFloatType : Pass<"uscale-set-float-type", "ModuleOp"> {
  let summary = "Retype every f32 tensor of the model to another float type";
  let description = [{
    Rewrites, in place, every f32 tensor type in the module (function
    signatures, block arguments, op results) and every f32 dense constant
    to `type`. Its use is evidence, not speed: compiling a model in f64
    makes finite-difference gradient checks precise enough to test the
    unit-scaling theorem to 1e-3 (docs/autodiff.md). Run it right after
    import, before any scale or autodiff pass. FP8 casts (uscale.quantize)
    are defined on f32 and are rejected.
  }];
  let options = [
    Option<"type", "type", "std::string", /*default=*/"\"f64\"",
           "f16 | bf16 | f32 | f64">
  ];
}

#endif // USCALE_TRANSFORMS_PASSES_TD
