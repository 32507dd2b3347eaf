// RUN: unit-scale-opt %s -uscale-print-cut-edges -split-input-file -verify-diagnostics

// A plain chain: every edge is a bridge.
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-remark @below {{cut-edges: [bridge]}}
  %0 = uscale.relu %x : tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge]}}
  %1 = uscale.tanh %0 : tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge]}}
  return %1 : tensor<4x8xf32>
}

// -----

// A residual: x feeds the branch and the add, closing a cycle.
func.func @residual(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-remark @below {{cut-edges: [cycle]}}
  %0 = uscale.relu %x : tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [cycle, cycle]}}
  %1 = uscale.add %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge]}}
  %2 = uscale.sigmoid %1 : tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge]}}
  return %2 : tensor<4x8xf32>
}

// -----

// Parallel edges (x * x) are never bridges; a weight used once is; a tied
// weight used twice is not.
func.func @params(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = uscale.parameter "w" init normal : tensor<8x8xf32>
  %t = uscale.parameter "tied" init normal : tensor<8x8xf32>
  // expected-remark @below {{cut-edges: [cycle, cycle]}}
  %0 = uscale.mul %x, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  %1 = uscale.linear %0, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, cycle]}}
  %2 = uscale.linear %1, %t : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  // %2 -> %3 closes the cycle tied -> %2 -> %3 -> tied.
  // expected-remark @below {{cut-edges: [cycle, cycle]}}
  %3 = uscale.linear %2, %t : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge]}}
  return %3 : tensor<4x8xf32>
}

// -----

// Values that carry no gradient stay out of the graph: a float constant
// shared by two ops and integer ids read twice do not make cycles.
func.func @no_gradient(%x: tensor<4x8xf32>, %ids: tensor<4xi64>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %c = arith.constant dense<1.0> : tensor<4x8xf32>
  %e = uscale.parameter "emb" init normal : tensor<10x8xf32>
  %p = uscale.parameter "pos" init normal : tensor<10x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  %0 = uscale.add %x, %c : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  %1 = uscale.gather %e[%ids] axis = 0 : (tensor<10x8xf32>, tensor<4xi64>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  %2 = uscale.gather %p[%ids] axis = 0 : (tensor<10x8xf32>, tensor<4xi64>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  %3 = uscale.mul %1, %c : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{cut-edges: [bridge, bridge]}}
  return %0, %3 : tensor<4x8xf32>, tensor<4x8xf32>
}
