// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics --uscale-parameters-to-arguments | FileCheck %s

// Parameters become leading arguments in program order, with the attributes
// uscale-autodiff gives a train step's parameters.
// CHECK-LABEL: func.func @infer
// CHECK-SAME: (%[[W:.*]]: tensor<4x2xf32> {uscale.init = "normal", uscale.param = "w"},
// CHECK-SAME: %[[B:.*]]: tensor<2xf32> {uscale.init = "data", uscale.param = "b", uscale.value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>},
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>)
// CHECK-NOT: uscale.parameter
// CHECK: uscale.linear %[[X]], %[[W]], %[[B]]
func.func @infer(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = uscale.parameter "w" init normal : tensor<4x2xf32>
  %b = uscale.parameter "b" init data {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  %y = uscale.linear %x, %w, %b : (tensor<3x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// expected-error @below {{has parameters but is called: cannot change its signature}}
func.func @callee(%x: tensor<4xf32>) -> tensor<4xf32> {
  %w = uscale.parameter "w" init ones : tensor<4xf32>
  %y = uscale.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @callee(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
