//===- UScaleInterfaces.td - ScaledOpInterface ----------------*- tablegen -*-===//
#ifndef USCALE_INTERFACES_TD
#define USCALE_INTERFACES_TD

include "mlir/IR/OpBase.td"

def ScaledOpInterface : OpInterface<"ScaledOpInterface"> {
  let cppNamespace = "::mlir::uscale";
  let description = [{
    An op that unit scaling treats as a scaled op: `y = alpha * f(x)` and
    `grad_x_i = beta_i * (df/dx_i)^T grad_y`. The ideal scales come from the
    op's rule (spec section 3; all rules live in ScaleRules.cpp); the chosen
    scales live in the op's `scales` attribute. Passes read and write scales
    only through this interface, never by switching on op kinds.
  }];
  let methods = [
    InterfaceMethod<[{
        Ideal alpha and betas for N(0,1) inputs and output gradient.
        Emits an error at the op and fails when the op has no rule for its
        operand shapes.
      }], "::mlir::FailureOr<::mlir::uscale::Scales>", "computeIdealScales",
      (ins)>,
    InterfaceMethod<[{
        True when operand `i` carries a gradient (float data, not indices).
      }], "bool", "isDifferentiableOperand", (ins "unsigned":$i), [{}], [{
        return ::mlir::isa<::mlir::FloatType>(
            ::mlir::getElementTypeOrSelf($_op->getOperand(i).getType()));
      }]>,
    InterfaceMethod<[{
        True when the op's scales are fixed by construction (explicit scale
        ops, weighted residual adds and their splits): cut-edge constraints
        never change them.
      }], "bool", "hasFixedScales", (ins), [{}], [{ return false; }]>,
    InterfaceMethod<[{ The scales chosen by the passes, or null. }],
      "::mlir::uscale::ScalesAttr", "getScalesAttr", (ins), [{}], [{
        return $_op->template getAttrOfType<::mlir::uscale::ScalesAttr>(
            "scales");
      }]>,
    InterfaceMethod<[{ Record chosen scales on the op. }],
      "void", "setScalesAttr", (ins "::mlir::uscale::ScalesAttr":$s), [{}], [{
        $_op->setAttr("scales", s);
      }]>
  ];
  let verify = [{ return ::mlir::uscale::detail::verifyScaledOp($_op); }];
}

#endif // USCALE_INTERFACES_TD
