// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics --uscale-autodiff

// An op autodiff cannot differentiate is an error at that op.
func.func @foreign(%x: tensor<2x4xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<4x4xf32>
  %0 = uscale.linear %x, %w : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  // expected-error @below {{'arith.addf' op cannot be differentiated by uscale-autodiff}}
  %1 = arith.addf %0, %0 : tensor<2x4xf32>
  %2 = uscale.softmax_cross_entropy %1, %l : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %2 : tensor<f32>
}

// -----

// expected-error @below {{uscale-autodiff: no function returns a scalar float loss as its first result}}
module {
  func.func @no_loss(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
    return %x : tensor<2x4xf32>
  }
}
