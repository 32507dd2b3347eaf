//===- UScaleOps.td - uscale operations -----------------------*- tablegen -*-===//
#ifndef USCALE_OPS_TD
#define USCALE_OPS_TD

include "unit-scale/Dialect/UScale/IR/UScaleDialect.td"
include "unit-scale/Dialect/UScale/IR/UScaleAttrs.td"
include "unit-scale/Dialect/UScale/IR/UScaleInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// Types and base classes
//===----------------------------------------------------------------------===//

def UScale_FloatTensor : RankedTensorOf<[AnyFloat]>;
def UScale_IndexTensor : RankedTensorOf<[AnySignlessInteger]>;
def UScale_AnyTensor : RankedTensorOf<[AnyFloat, AnySignlessInteger]>;

// A compute op: pure, carries optional chosen scales, implements the scale
// interface (its rule lives in ScaleRules.cpp).
class UScale_ScaledOp<string mnemonic, list<Trait> traits = [],
                      list<string> overrides = []>
    : UScale_Op<mnemonic, !listconcat(traits, [Pure,
          DeclareOpInterfaceMethods<ScaledOpInterface, overrides>])>;

class UScale_UnaryOp<string mnemonic, list<Trait> traits = []>
    : UScale_ScaledOp<mnemonic, !listconcat(traits,
          [SameOperandsAndResultType])> {
  let arguments = (ins UScale_FloatTensor:$input,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales^)? attr-dict `:` type($input)
  }];
}

// Elementwise binary op with numpy broadcasting.
class UScale_BroadcastBinaryOp<string mnemonic>
    : UScale_ScaledOp<mnemonic, [InferTypeOpAdaptor]> {
  let arguments = (ins UScale_FloatTensor:$lhs, UScale_FloatTensor:$rhs,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`scales` $scales^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

def UScale_ParameterOp : UScale_Op<"parameter", [Pure]> {
  let summary = "a trainable parameter of the model";
  let description = [{
    Declares a named parameter. `init` says how a runner initialises it:
    `normal` (N(0,1), unit scaling's weight init), `zeros` (biases),
    `ones` (norm gains) or `data` (the imported initializer in `value`).
    A parameter used by several ops (tied weights) is one SSA value with
    several uses, which is what the cut-edge analysis needs to see.

    ```mlir
    %w = uscale.parameter "fc1.weight" init normal : tensor<256x1024xf32>
    ```
  }];
  let arguments = (ins StrAttr:$sym_name, UScale_InitKind:$init,
                       OptionalAttr<ElementsAttr>:$value);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $sym_name `init` $init attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def UScale_MatMulOp : UScale_ScaledOp<"matmul", [InferTypeOpAdaptor]> {
  let summary = "batched matrix product with broadcast batch dimensions";
  let description = [{
    `A[..., m, k] x B[..., k, n] -> [..., m, n]`; batch dimensions broadcast
    as in numpy. Both operands have rank >= 2.
  }];
  let arguments = (ins UScale_FloatTensor:$lhs, UScale_FloatTensor:$rhs,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`scales` $scales^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def UScale_LinearOp : UScale_ScaledOp<"linear", [InferTypeOpAdaptor]> {
  let summary = "fully connected layer X W (+ bias)";
  let description = [{
    `X[..., fan_in] x W[fan_in, fan_out] (+ bias[fan_out])`. With
    `transpose_weight`, W is stored `[fan_out, fan_in]` (the K-major layout
    FP8 wgmma wants; ONNX Gemm's transB).
  }];
  let arguments = (ins UScale_FloatTensor:$input, UScale_FloatTensor:$weight,
                       Optional<UScale_FloatTensor>:$bias,
                       UnitAttr:$transpose_weight,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`transpose_weight` $transpose_weight^)?
    (`scales` $scales^)? attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    int64_t getFanIn();
    int64_t getFanOut();
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

def UScale_AddOp : UScale_BroadcastBinaryOp<"add"> {
  let summary = "elementwise sum (not a residual: see weighted_add)";
}
def UScale_SubOp : UScale_BroadcastBinaryOp<"sub"> {
  let summary = "elementwise difference";
}
def UScale_MulOp : UScale_BroadcastBinaryOp<"mul"> {
  let summary = "elementwise product";
}

def UScale_ReluOp : UScale_UnaryOp<"relu"> { let summary = "max(x, 0)"; }
def UScale_TanhOp : UScale_UnaryOp<"tanh"> { let summary = "tanh(x)"; }
def UScale_SigmoidOp : UScale_UnaryOp<"sigmoid"> {
  let summary = "1 / (1 + exp(-x))";
}
def UScale_GeluOp : UScale_ScaledOp<"gelu", [SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit (exact or tanh form)";
  let arguments = (ins UScale_FloatTensor:$input,
                       DefaultValuedAttr<UScale_GeluApprox,
                           "GeluApproximation::None">:$approximate,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`approximate` `=` $approximate^)? (`scales` $scales^)?
    attr-dict `:` type($input)
  }];
}

def UScale_DropoutOp : UScale_ScaledOp<"dropout", [SameOperandsAndResultType]> {
  let summary = "inverted dropout: zero with probability p, scale by 1/(1-p)";
  let arguments = (ins UScale_FloatTensor:$input, F64Attr:$ratio,
                       DefaultValuedAttr<I64Attr, "0">:$seed,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `ratio` `=` $ratio (`scales` $scales^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Normalisation and softmax
//===----------------------------------------------------------------------===//

def UScale_SoftmaxOp : UScale_ScaledOp<"softmax", [SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let arguments = (ins UScale_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`scales` $scales^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

class UScale_NormOp<string mnemonic, string desc, list<Trait> traits = []>
    : UScale_ScaledOp<mnemonic, !listconcat(traits, [InferTypeOpAdaptor])> {
  let description = desc # [{
    Normalises over the trailing dimensions starting at `axis`; the optional
    gain (and bias) have exactly those trailing dimensions.
  }];
  let results = (outs UScale_FloatTensor:$result);
  let hasVerifier = 1;
}

def UScale_LayerNormOp : UScale_NormOp<"layer_norm",
    "(x - mean) / sqrt(var + eps) * gain + bias.",
    [AttrSizedOperandSegments]> {
  let summary = "layer normalisation";
  let arguments = (ins UScale_FloatTensor:$input,
                       Optional<UScale_FloatTensor>:$gain,
                       Optional<UScale_FloatTensor>:$bias,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let assemblyFormat = [{
    $input (`gain` $gain^)? (`bias` $bias^)? `axis` `=` $axis
    (`scales` $scales^)? attr-dict `:` functional-type(operands, results)
  }];
}

def UScale_RMSNormOp : UScale_NormOp<"rms_norm",
    "x / sqrt(mean(x^2) + eps) * gain."> {
  let summary = "root-mean-square normalisation";
  let arguments = (ins UScale_FloatTensor:$input,
                       Optional<UScale_FloatTensor>:$gain,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let assemblyFormat = [{
    $input (`gain` $gain^)? `axis` `=` $axis (`scales` $scales^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Gather, reductions, data movement
//===----------------------------------------------------------------------===//

def UScale_GatherOp : UScale_ScaledOp<"gather", [InferTypeOpAdaptor]> {
  let summary = "gather slices along an axis (an embedding lookup at axis 0)";
  let description = [{
    ONNX Gather: `out = data[:axis] ++ indices.shape ++ data[axis+1:]`.
    With a `[V, d]` table and axis 0 this is an embedding lookup.
  }];
  let arguments = (ins UScale_FloatTensor:$data, UScale_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $data `[` $indices `]` `axis` `=` $axis (`scales` $scales^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

class UScale_ReduceOp<string mnemonic>
    : UScale_ScaledOp<mnemonic, [InferTypeOpAdaptor]> {
  let arguments = (ins UScale_FloatTensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`scales` $scales^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Number of elements reduced into one output element.
    int64_t getReductionSize();
  }];
}
def UScale_ReduceSumOp : UScale_ReduceOp<"reduce_sum"> {
  let summary = "sum over axes";
}
def UScale_ReduceMeanOp : UScale_ReduceOp<"reduce_mean"> {
  let summary = "mean over axes";
}

def UScale_ReshapeOp : UScale_ScaledOp<"reshape"> {
  let summary = "static reshape to the result type";
  let arguments = (ins UScale_FloatTensor:$input,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def UScale_TransposeOp : UScale_ScaledOp<"transpose", [InferTypeOpAdaptor]> {
  let summary = "permute dimensions: result dim i is input dim perm[i]";
  let arguments = (ins UScale_FloatTensor:$input, DenseI64ArrayAttr:$perm,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `perm` `=` $perm (`scales` $scales^)? attr-dict `:`
    type($input) `->` type($result)
  }];
}

def UScale_ConcatOp : UScale_ScaledOp<"concat", [InferTypeOpAdaptor]> {
  let summary = "concatenate along an axis";
  let arguments = (ins Variadic<UScale_FloatTensor>:$inputs, I64Attr:$axis,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis (`scales` $scales^)? attr-dict `:`
    functional-type($inputs, results)
  }];
}

def UScale_SplitOp : UScale_ScaledOp<"split", [InferTypeOpAdaptor]> {
  let summary = "split along an axis into pieces of the given sizes";
  let arguments = (ins UScale_FloatTensor:$input, I64Attr:$axis,
                       DenseI64ArrayAttr:$sizes,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs Variadic<UScale_FloatTensor>:$results);
  let assemblyFormat = [{
    $input `axis` `=` $axis `sizes` `=` $sizes (`scales` $scales^)? attr-dict
    `:` type($input) `->` type($results)
  }];
}

def UScale_SliceOp : UScale_ScaledOp<"slice", [InferTypeOpAdaptor]> {
  let summary = "static strided slice (ONNX Slice with constant bounds)";
  let description = [{
    For each listed axis, keeps indices `starts[i], starts[i] + steps[i], ...`
    up to (excluding) `ends[i]`, after ONNX's clamping of negative and
    out-of-range bounds. Steps are positive.
  }];
  let arguments = (ins UScale_FloatTensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `starts` `=` $starts `ends` `=` $ends `axes` `=` $axes
    `steps` `=` $steps (`scales` $scales^)? attr-dict `:`
    type($input) `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Loss
//===----------------------------------------------------------------------===//

def UScale_SoftmaxCrossEntropyOp
    : UScale_ScaledOp<"softmax_cross_entropy", [InferTypeOpAdaptor]> {
  let summary = "mean softmax cross entropy of logits [N, V] against labels [N]";
  let description = [{
    `loss = (1/N) * sum_rows(-log softmax(logits)[label])`. Leading logits
    dimensions are flattened into N; labels have exactly those dimensions.
    For unit scaling the op's `f` is the *sum* over rows: with `scales` the
    result is `alpha * sum` (the ideal alpha 1/N gives the mean), without
    it the result is the mean.
  }];
  let arguments = (ins UScale_FloatTensor:$logits, UScale_IndexTensor:$labels,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs 0DTensorOf<[AnyFloat]>:$loss);
  let assemblyFormat = [{
    $logits `,` $labels (`scales` $scales^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    int64_t getNumRows();
    int64_t getNumClasses();
  }];
}

//===----------------------------------------------------------------------===//
// Ops the unit-scaling passes introduce
//===----------------------------------------------------------------------===//

def UScale_ScaleOp
    : UScale_ScaledOp<"scale", [SameOperandsAndResultType],
                      ["hasFixedScales"]> {
  let summary = "multiply by `forward`; gradients by `backward`";
  let description = [{
    `y = forward * x`, `grad_x = backward * grad_y`. The two factors differ
    on purpose: that is unit scaling's separation of forward and backward
    scales.
  }];
  let arguments = (ins UScale_FloatTensor:$input, F64Attr:$forward,
                       F64Attr:$backward,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `fwd` `=` $forward `bwd` `=` $backward (`scales` $scales^)?
    attr-dict `:` type($input)
  }];
}

def UScale_WeightedAddOp
    : UScale_ScaledOp<"weighted_add", [SameOperandsAndResultType],
                      ["hasFixedScales"]> {
  let summary = "residual add: sqrt(tau) * branch + sqrt(1 - tau) * skip";
  let description = [{
    Backward: `grad_branch = grad_y`, `grad_skip = sqrt(1 - tau) * grad_y`.
    The branch's missing `sqrt(tau)` is applied where the branch leaves the
    trunk, by the matching `uscale.residual_split` (spec section 5).
  }];
  let arguments = (ins UScale_FloatTensor:$branch, UScale_FloatTensor:$skip,
                       F64Attr:$tau,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $branch `,` $skip `tau` `=` $tau (`scales` $scales^)? attr-dict `:`
    type($result)
  }];
  let hasVerifier = 1;
}

def UScale_ResidualSplitOp
    : UScale_ScaledOp<"residual_split", [SameOperandsAndResultType],
                      ["hasFixedScales"]> {
  let summary = "where a residual branch reads the trunk";
  let description = [{
    Forward identity; backward `grad_x = sqrt(tau) * grad_branch`. Uses of
    the trunk value inside the branch read this op's result.
  }];
  let arguments = (ins UScale_FloatTensor:$input, F64Attr:$tau,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `tau` `=` $tau (`scales` $scales^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Backward ops (built by uscale-autodiff)
//
// Each computes the plain vector-Jacobian product of its forward op; when it
// carries `scales`, its result is multiplied by that alpha, which is where
// autodiff puts the forward op's beta. They are not themselves
// differentiated, so they implement no scale rule.
//===----------------------------------------------------------------------===//

class UScale_GradOp<string mnemonic, list<Trait> traits = []>
    : UScale_Op<mnemonic, !listconcat(traits, [Pure])>;

def UScale_BroadcastToOp : UScale_GradOp<"broadcast_to"> {
  let summary = "numpy-broadcast a tensor to the result shape";
  let arguments = (ins UScale_FloatTensor:$input,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def UScale_SumToOp : UScale_GradOp<"sum_to"> {
  let summary = "sum a broadcast result back to an operand's shape";
  let description = [{
    The adjoint of numpy broadcasting: sums over the leading dimensions the
    result lacks and over dimensions where the result has size 1.
  }];
  let arguments = (ins UScale_FloatTensor:$input,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scales` $scales^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def UScale_ActivationGradOp
    : UScale_GradOp<"activation_grad", [AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "grad * f'(input) for an elementwise activation f";
  let arguments = (ins UScale_FloatTensor:$input, UScale_FloatTensor:$grad,
                       UScale_ActivationKind:$kind,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `,` $grad (`scales` $scales^)? attr-dict `:` type($result)
  }];
}

def UScale_SoftmaxGradOp
    : UScale_GradOp<"softmax_grad", [AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "VJP of softmax at input: s * (g - sum(g * s, axis))";
  let arguments = (ins UScale_FloatTensor:$input, UScale_FloatTensor:$grad,
                       I64Attr:$axis,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $grad `axis` `=` $axis (`scales` $scales^)? attr-dict `:`
    type($result)
  }];
}

def UScale_NormGradOp : UScale_GradOp<"norm_grad"> {
  let summary = "VJP of layer_norm / rms_norm: (d_input, d_gain, d_bias)";
  let description = [{
    Recomputes the normalisation of `input` over the dimensions from `axis`
    on and returns the gradients for the input and for a gain and bias of
    the normalised shape (d_gain, d_bias are computed even when the forward
    op had none; unused results cost nothing after DCE). `rms` selects
    RMSNorm (no mean subtraction; d_bias is then zero).
  }];
  let arguments = (ins UScale_FloatTensor:$input,
                       Optional<UScale_FloatTensor>:$gain,
                       UScale_FloatTensor:$grad, I64Attr:$axis,
                       F64Attr:$epsilon, UnitAttr:$rms);
  let results = (outs UScale_FloatTensor:$d_input, UScale_FloatTensor:$d_gain,
                      UScale_FloatTensor:$d_bias);
  let assemblyFormat = [{
    $input (`gain` $gain^)? `grad` $grad `axis` `=` $axis (`rms` $rms^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def UScale_ScatterAddOp : UScale_GradOp<"scatter_add"> {
  let summary = "VJP of gather: add gradient slices into a zero tensor";
  let arguments = (ins UScale_FloatTensor:$grad, UScale_IndexTensor:$indices,
                       I64Attr:$axis,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `[` $indices `]` `axis` `=` $axis (`scales` $scales^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def UScale_SliceGradOp : UScale_GradOp<"slice_grad"> {
  let summary = "VJP of slice: place the gradient, zeros elsewhere";
  let arguments = (ins UScale_FloatTensor:$grad, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$steps);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `starts` `=` $starts `ends` `=` $ends `axes` `=` $axes
    `steps` `=` $steps attr-dict `:` type($grad) `->` type($result)
  }];
}

def UScale_SoftmaxCrossEntropyGradOp
    : UScale_GradOp<"softmax_cross_entropy_grad"> {
  let summary = "(softmax(logits) - onehot(labels)) * g, g a scalar";
  let description = [{
    The VJP of the summed per-row cross entropy; autodiff multiplies it by
    the op's beta and, as the spec requires, does not divide by N.
  }];
  let arguments = (ins UScale_FloatTensor:$logits, UScale_IndexTensor:$labels,
                       0DTensorOf<[AnyFloat]>:$grad,
                       OptionalAttr<UScale_ScalesAttr>:$scales);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = [{
    $logits `,` $labels `,` $grad (`scales` $scales^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// FP8
//===----------------------------------------------------------------------===//

def UScale_QuantizeOp : UScale_Op<"quantize", [Pure, SameOperandsAndResultType]> {
  let summary = "round to an FP8 format (RNE, saturating), keeping the type";
  let description = [{
    Each element becomes the nearest value of the OCP FP8 `format` (E4M3FN:
    max 448; E5M2: max 57344), ties to even, finite overflow and infinities
    saturated to +-max, NaN kept: bit-exact with Hopper's
    `cvt.rn.satfinite.{e4m3,e5m2}x2.f32` (lib/Support/FP8.cpp is the
    reference). The result keeps the f32 type: on the CPU the cast is
    simulated exactly; GPU lowering turns a quantize feeding a GEMM into
    real FP8 operands. No scale is applied: unit scaling keeps values in
    range (spec section 6).
  }];
  let arguments = (ins UScale_FloatTensor:$input, UScale_FP8Format:$format);
  let results = (outs UScale_FloatTensor:$result);
  let assemblyFormat = "$input $format attr-dict `:` type($input)";
}

#endif // USCALE_OPS_TD
