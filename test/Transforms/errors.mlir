// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics -uscale-assign-scales

// An op with float operands but no unit-scaling rule is an error, never a
// silent scale of 1.
func.func @no_rule(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'arith.addf' op has no unit-scaling rule}}
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Scales need static shapes.
func.func @dynamic(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{needs static operand shapes to compute its scales}}
  %0 = uscale.linear %x, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Cross entropy over one class has no meaningful scale.
func.func @one_class(%x: tensor<4x1xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  // expected-error @below {{has no unit-scaling rule: cross entropy needs at least two classes}}
  %0 = uscale.softmax_cross_entropy %x, %l : (tensor<4x1xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}
