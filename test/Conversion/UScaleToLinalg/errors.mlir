// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics --uscale-to-linalg

// A parameter without data has no value to lower to.
func.func @param() -> tensor<4xf32> {
  // expected-error @below {{'w' has no initializer data: run uscale-autodiff first or pass parameters as arguments}}
  %0 = uscale.parameter "w" init normal : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Dynamic shapes are not lowered; the op that is left behind is named.
func.func @dynamic(%x: tensor<?x4xf32>, %w: tensor<4x4xf32>) -> tensor<?x4xf32> {
  // expected-error @below {{'uscale.linear' op uscale-to-linalg needs static shapes, got 'tensor<?x4xf32>'}}
  // expected-error @below {{failed to legalize operation 'uscale.linear' that was explicitly marked illegal}}
  %0 = uscale.linear %x, %w : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @quantize_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @below {{lowers quantize on f32 only}}
  // expected-error @below {{failed to legalize operation 'uscale.quantize'}}
  %0 = uscale.quantize %x e4m3 : tensor<4xf16>
  return %0 : tensor<4xf16>
}
