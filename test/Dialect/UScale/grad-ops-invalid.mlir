// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics

func.func @bad_broadcast(%b: tensor<3xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{cannot broadcast 'tensor<3xf32>' to 'tensor<4x8xf32>'}}
  %0 = uscale.broadcast_to %b : tensor<3xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @bad_sum_to(%g: tensor<4x8xf32>) -> tensor<3xf32> {
  // expected-error @below {{does not broadcast to the input}}
  %0 = uscale.sum_to %g : tensor<4x8xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @bad_scatter(%g: tensor<4x8xf32>, %ids: tensor<5xi64>) -> tensor<10x8xf32> {
  // expected-error @below {{is not the gather of}}
  %0 = uscale.scatter_add %g[%ids] axis = 0 : (tensor<4x8xf32>, tensor<5xi64>) -> tensor<10x8xf32>
  return %0 : tensor<10x8xf32>
}

// -----

func.func @bad_norm(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @below {{d_gain/d_bias must have the normalised shape}}
  %0:3 = uscale.norm_grad %x grad %g axis = -1 {epsilon = 1.0e-5} : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>, tensor<8xf32>)
  return %0#1 : tensor<4xf32>
}
