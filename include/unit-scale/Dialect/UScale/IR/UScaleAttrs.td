//===- UScaleAttrs.td - uscale attributes and enums -----------*- tablegen -*-===//
#ifndef USCALE_ATTRS_TD
#define USCALE_ATTRS_TD

include "unit-scale/Dialect/UScale/IR/UScaleDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def UScale_InitKind : I32EnumAttr<"InitKind", "parameter initialiser", [
    I32EnumAttrCase<"Normal", 0, "normal">,
    I32EnumAttrCase<"Zeros", 1, "zeros">,
    I32EnumAttrCase<"Ones", 2, "ones">,
    I32EnumAttrCase<"Data", 3, "data">
  ]> {
  let cppNamespace = "::mlir::uscale";
}

def UScale_GeluApprox : I32EnumAttr<"GeluApproximation", "GELU form", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"Tanh", 1, "tanh">
  ]> {
  let cppNamespace = "::mlir::uscale";
}

def UScale_ActivationKind : I32EnumAttr<"ActivationKind", "activation", [
    I32EnumAttrCase<"Relu", 0, "relu">,
    I32EnumAttrCase<"Gelu", 1, "gelu">,
    I32EnumAttrCase<"GeluTanh", 2, "gelu_tanh">,
    I32EnumAttrCase<"Tanh", 3, "tanh">,
    I32EnumAttrCase<"Sigmoid", 4, "sigmoid">
  ]> {
  let cppNamespace = "::mlir::uscale";
}

def UScale_FP8Format : I32EnumAttr<"FP8Format", "OCP FP8 format", [
    I32EnumAttrCase<"E4M3", 0, "e4m3">,
    I32EnumAttrCase<"E5M2", 1, "e5m2">
  ]> {
  let cppNamespace = "::mlir::uscale";
}

def UScale_ScalesAttr : AttrDef<UScale_Dialect, "Scales"> {
  let mnemonic = "scales";
  let summary = "forward scale alpha and one backward scale beta per operand";
  let description = [{
    `#uscale.scales<alpha = A, beta = [B0, B1, ...]>`: the op computes
    `y = A * f(x)` and its backward computes
    `grad_x_i = B_i * (df/dx_i)^T grad_y`. Operands that carry no gradient
    (integer indices, labels) have beta 1.
  }];
  // APFloat and a dense array rather than raw doubles: both hash and
  // compare the way attribute uniquing needs.
  let parameters = (ins APFloatParameter<"">:$alpha,
                        "::mlir::DenseF64ArrayAttr":$beta);
  let builders = [
    AttrBuilder<(ins "double":$alpha, "::llvm::ArrayRef<double>":$beta), [{
      return $_get($_ctxt, ::llvm::APFloat(alpha),
                   ::mlir::DenseF64ArrayAttr::get($_ctxt, beta));
    }]>
  ];
  let extraClassDeclaration = [{
    double getAlphaValue() const { return getAlpha().convertToDouble(); }
    ::llvm::ArrayRef<double> getBetaValues() const {
      return getBeta().asArrayRef();
    }
  }];
  let hasCustomAssemblyFormat = 1;
}

#endif // USCALE_ATTRS_TD
