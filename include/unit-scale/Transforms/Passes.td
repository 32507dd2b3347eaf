//===- Passes.td - unit-scale passes --------------------------*- tablegen -*-===//
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

#endif // USCALE_TRANSFORMS_PASSES_TD
