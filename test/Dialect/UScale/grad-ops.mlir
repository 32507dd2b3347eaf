// RUN: unit-scale-opt %s | unit-scale-opt | FileCheck %s

// CHECK-LABEL: func.func @grads
func.func @grads(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>, %b: tensor<8xf32>, %ids: tensor<4xi64>, %s: tensor<f32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<10x8xf32>, tensor<4x16xf32>, tensor<4x8xf32>) {
  // CHECK: uscale.broadcast_to %{{.*}} : tensor<8xf32> -> tensor<4x8xf32>
  %0 = uscale.broadcast_to %b : tensor<8xf32> -> tensor<4x8xf32>
  // CHECK: uscale.sum_to %{{.*}} scales <alpha = 5.000000e-01, beta = [1.000000e+00]> : tensor<4x8xf32> -> tensor<8xf32>
  %1 = uscale.sum_to %g scales <alpha = 0.5, beta = [1.0]> : tensor<4x8xf32> -> tensor<8xf32>
  // CHECK: uscale.activation_grad gelu_tanh %{{.*}}, %{{.*}} : tensor<4x8xf32>
  %2 = uscale.activation_grad gelu_tanh %x, %g : tensor<4x8xf32>
  // CHECK: uscale.softmax_grad %{{.*}}, %{{.*}} axis = -1 : tensor<4x8xf32>
  %3 = uscale.softmax_grad %x, %g axis = -1 : tensor<4x8xf32>
  // CHECK: uscale.norm_grad %{{.*}} gain %{{.*}} grad %{{.*}} axis = -1 {epsilon = 1.000000e-05 : f64}
  %4:3 = uscale.norm_grad %x gain %b grad %g axis = -1 {epsilon = 1.0e-5} : (tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: uscale.norm_grad %{{.*}} grad %{{.*}} axis = -1 rms
  %5:3 = uscale.norm_grad %x grad %g axis = -1 rms {epsilon = 1.0e-5} : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  // CHECK: uscale.scatter_add %{{.*}}[%{{.*}}] axis = 0 : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<10x8xf32>
  %6 = uscale.scatter_add %g[%ids] axis = 0 : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<10x8xf32>
  // CHECK: uscale.slice_grad %{{.*}} starts = [0] ends = [8] axes = [1] steps = [1] : tensor<4x8xf32> -> tensor<4x16xf32>
  %7 = uscale.slice_grad %g starts = [0] ends = [8] axes = [1] steps = [1] : tensor<4x8xf32> -> tensor<4x16xf32>
  // CHECK: uscale.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x8xf32>
  %8 = uscale.softmax_cross_entropy_grad %x, %ids, %s : (tensor<4x8xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x8xf32>
  return %2, %1, %0, %3, %4#0, %4#1, %6, %7, %8 : tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<8xf32>, tensor<10x8xf32>, tensor<4x16xf32>, tensor<4x8xf32>
}
