// RUN: unit-scale-opt %s -uscale-unit-scale='report=%t.json dot=%t.dot summary=true' -o /dev/null 2>&1 | FileCheck %s --check-prefix=SUMMARY
// RUN: FileCheck %s --input-file=%t.json --check-prefix=GMEAN
// RUN: FileCheck %s --input-file=%t.dot --check-prefix=DOT
// RUN: unit-scale-opt %s -uscale-unit-scale='mode=none report=%t.none.json' -o /dev/null
// RUN: FileCheck %s --input-file=%t.none.json --check-prefix=NONE

// An input projection (w0) feeding one residual MLP block. w0 sits upstream
// of the block's cycle: its gradient sums the skip path and the branch path.
// Under gmean both paths carry the same factor; under mode=none they differ.

// SUMMARY: uscale: @net: 7 scaled ops, 12 edges (6 cut-edges), 3 ops constrained, 1 weighted residual adds

// The input projection reads a graph input on a cut-edge; the next linear
// reads it on the block's cycle and is constrained.
// GMEAN: "ops": [
// GMEAN: "constrained": false,
// GMEAN-NEXT: "cut_edge": true,
// GMEAN-NEXT: "index": 0,
// GMEAN-NEXT: "why": "cut-edge: keeps its ideal beta"
// GMEAN: "constrained": true,
// GMEAN-NEXT: "cut_edge": false,
// GMEAN-NEXT: "index": 0,
// GMEAN-NEXT: "why": "not a cut-edge: beta tied to alpha"
// GMEAN: "parameters": [

// Predicted factors (beta/alpha products): loss 8 * 256 / sqrt(255) =
// 128.2507; w1 and w2 are inside the branch, so 1/sqrt(tau) = sqrt(2)
// times beta_W/alpha of their own linear (8^-1/2 / 0.0441942 = 8):
// 1450.99; w0 is on a cut-edge of a plain linear: (8^-1/2 / 64^-1/2) *
// 128.2507 = 362.748, the same through the skip and the branch.
// GMEAN:      "gradient_factor": 362.747{{[0-9]+}},
// GMEAN-NEXT: "name": "w0",
// GMEAN-NEXT: "paths_agree": true,
// GMEAN:      "gradient_factor": 1450.99{{[0-9]+}},
// GMEAN-NEXT: "name": "w1",
// GMEAN-NEXT: "paths_agree": true,
// GMEAN:      "gradient_factor": 1450.99{{[0-9]+}},
// GMEAN-NEXT: "name": "w2",
// GMEAN-NEXT: "paths_agree": true,


// DOT: digraph uscale {
// DOT: "net.1" [label="w0", shape=box];
// DOT: "net.1" -> "net.{{[0-9]+}}" [color=black];
// DOT: style=filled

// NONE:      "name": "w0",
// NONE-NEXT: "paths_agree": false,
// NONE:      "name": "w1",
// NONE-NEXT: "paths_agree": true,

func.func @net(%x: tensor<8x64xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %w0 = uscale.parameter "w0" init normal : tensor<64x256xf32>
  %w1 = uscale.parameter "w1" init normal : tensor<256x1024xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<1024x256xf32>
  %e = uscale.linear %x, %w0 : (tensor<8x64xf32>, tensor<64x256xf32>) -> tensor<8x256xf32>
  %h = uscale.linear %e, %w1 : (tensor<8x256xf32>, tensor<256x1024xf32>) -> tensor<8x1024xf32>
  %a = uscale.relu %h : tensor<8x1024xf32>
  %o = uscale.linear %a, %w2 : (tensor<8x1024xf32>, tensor<1024x256xf32>) -> tensor<8x256xf32>
  %r = uscale.add %e, %o : (tensor<8x256xf32>, tensor<8x256xf32>) -> tensor<8x256xf32>
  %loss = uscale.softmax_cross_entropy %r, %l : (tensor<8x256xf32>, tensor<8xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
