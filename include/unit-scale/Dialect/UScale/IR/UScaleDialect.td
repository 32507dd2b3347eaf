//===- UScaleDialect.td - the uscale dialect ------------------*- tablegen -*-===//
#ifndef USCALE_DIALECT_TD
#define USCALE_DIALECT_TD

include "mlir/IR/OpBase.td"

def UScale_Dialect : Dialect {
  let name = "uscale";
  let summary = "ONNX-like graph ops that carry unit-scaling factors";
  let description = [{
    The `uscale` dialect holds model graphs (forward and, later, training
    steps) on ranked tensors. Every compute op implements
    `ScaledOpInterface`: it knows its ideal forward scale (alpha) and its
    per-operand backward scales (beta) from its operand shapes, and it can
    carry the scales chosen by the unit-scaling passes in a `scales`
    attribute. Parameters are explicit `uscale.parameter` ops so that the
    graph analyses can tell weights from data inputs.
  }];
  let cppNamespace = "::mlir::uscale";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

class UScale_Op<string mnemonic, list<Trait> traits = []>
    : Op<UScale_Dialect, mnemonic, traits>;

#endif // USCALE_DIALECT_TD
