// RUN: unit-scale-opt %s -split-input-file --uscale-set-float-type -verify-diagnostics | FileCheck %s

// Every f32 tensor becomes f64: signature, parameters, op results, dense
// constants; integer tensors and op parameters (dropout's ratio) stay.
// CHECK-LABEL: func.func @net(%{{.*}}: tensor<2x8xf64>, %{{.*}}: tensor<2xi64>) -> tensor<f64>
// CHECK: uscale.parameter "w" init normal : tensor<8x4xf64>
// CHECK: arith.constant dense<5.000000e-01> : tensor<2x4xf64>
// CHECK: uscale.linear {{.*}} -> tensor<2x4xf64>
// CHECK: uscale.add {{.*}} -> tensor<2x4xf64>
// CHECK: uscale.softmax_cross_entropy {{.*}} (tensor<2x4xf64>, tensor<2xi64>) -> tensor<f64>
func.func @net(%x: tensor<2x8xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<8x4xf32>
  %c = arith.constant dense<0.5> : tensor<2x4xf32>
  %0 = uscale.linear %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %1 = uscale.add %0, %c : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = uscale.softmax_cross_entropy %1, %l : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %2 : tensor<f32>
}

// -----

// FP8 casts are defined on f32: retyping after uscale-cast-fp8 is refused.
func.func @fp8(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{is an FP8 cast defined on f32; run uscale-set-float-type before uscale-cast-fp8}}
  %0 = uscale.quantize %x e4m3 : tensor<4xf32>
  return %0 : tensor<4xf32>
}
