// RUN: unit-scale-opt %s | unit-scale-opt | FileCheck %s
// RUN: unit-scale-opt %s -mlir-print-op-generic | unit-scale-opt | FileCheck %s

// CHECK-LABEL: func.func @params
func.func @params() -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>) {
  // CHECK: uscale.parameter "w" init normal : tensor<2x3xf32>
  %w = uscale.parameter "w" init normal : tensor<2x3xf32>
  // CHECK: uscale.parameter "b" init zeros : tensor<3xf32>
  %b = uscale.parameter "b" init zeros : tensor<3xf32>
  // CHECK: uscale.parameter "g" init ones : tensor<3xf32>
  %g = uscale.parameter "g" init ones : tensor<3xf32>
  // CHECK: uscale.parameter "c" init data {value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>} : tensor<2xf32>
  %c = uscale.parameter "c" init data {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  return %w, %b, %g, %c : tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>
}

// CHECK-LABEL: func.func @products
func.func @products(%x: tensor<4x8xf32>, %a: tensor<2x4x8xf32>, %bm: tensor<8x5xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x5xf32>) {
  %w = uscale.parameter "w" init normal : tensor<8x16xf32>
  %wt = uscale.parameter "wt" init normal : tensor<16x8xf32>
  %b = uscale.parameter "b" init zeros : tensor<16xf32>
  // CHECK: uscale.linear %{{.*}}, %{{.*}}, %{{.*}} scales <alpha = 5.000000e-01, beta = [2.500000e-01, 1.000000e+00, 1.000000e+00]> : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %0 = uscale.linear %x, %w, %b scales <alpha = 0.5, beta = [0.25, 1.0, 1.0]> : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  // CHECK: uscale.linear %{{.*}}, %{{.*}} transpose_weight : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %1 = uscale.linear %x, %wt transpose_weight : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  // CHECK: uscale.matmul %{{.*}}, %{{.*}} : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  %2 = uscale.matmul %a, %bm : (tensor<2x4x8xf32>, tensor<8x5xf32>) -> tensor<2x4x5xf32>
  return %0, %1, %2 : tensor<4x16xf32>, tensor<4x16xf32>, tensor<2x4x5xf32>
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<4x8xf32>, %y: tensor<8xf32>) -> tensor<4x8xf32> {
  // CHECK: uscale.add %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %0 = uscale.add %x, %y : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: uscale.sub
  %1 = uscale.sub %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: uscale.mul
  %2 = uscale.mul %1, %y : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: uscale.relu %{{.*}} : tensor<4x8xf32>
  %3 = uscale.relu %2 : tensor<4x8xf32>
  // CHECK: uscale.gelu %{{.*}} : tensor<4x8xf32>
  %4 = uscale.gelu %3 : tensor<4x8xf32>
  // CHECK: uscale.gelu %{{.*}} approximate = tanh : tensor<4x8xf32>
  %5 = uscale.gelu %4 approximate = tanh : tensor<4x8xf32>
  // CHECK: uscale.tanh
  %6 = uscale.tanh %5 : tensor<4x8xf32>
  // CHECK: uscale.sigmoid
  %7 = uscale.sigmoid %6 : tensor<4x8xf32>
  // CHECK: uscale.dropout %{{.*}} ratio = 1.000000e-01 {seed = 7 : i64} : tensor<4x8xf32>
  %8 = uscale.dropout %7 ratio = 0.1 {seed = 7} : tensor<4x8xf32>
  return %8 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @norms
func.func @norms(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %g = uscale.parameter "g" init ones : tensor<8xf32>
  %b = uscale.parameter "b" init zeros : tensor<8xf32>
  // CHECK: uscale.softmax %{{.*}} axis = 1 : tensor<4x8xf32>
  %0 = uscale.softmax %x axis = 1 : tensor<4x8xf32>
  // CHECK: uscale.layer_norm %{{.*}} gain %{{.*}} bias %{{.*}} axis = -1 {epsilon = 5.000000e-01 : f64}
  %1 = uscale.layer_norm %0 gain %g bias %b axis = -1 {epsilon = 0.5} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  // CHECK: uscale.rms_norm %{{.*}} gain %{{.*}} axis = -1 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = uscale.rms_norm %1 gain %g axis = -1 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @movement
func.func @movement(%x: tensor<4x8xf32>, %ids: tensor<2x3xi64>) -> (tensor<2x3x8xf32>, tensor<8xf32>, tensor<1x8xf32>, tensor<8x4xf32>, tensor<32xf32>, tensor<8x8xf32>, tensor<2x8xf32>) {
  %e = uscale.parameter "emb" init normal : tensor<10x8xf32>
  // CHECK: uscale.gather %{{.*}}[%{{.*}}] axis = 0 : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32>
  %0 = uscale.gather %e[%ids] axis = 0 : (tensor<10x8xf32>, tensor<2x3xi64>) -> tensor<2x3x8xf32>
  // CHECK: uscale.reduce_sum %{{.*}} axes = [0] {keepdims = false} : tensor<4x8xf32> -> tensor<8xf32>
  %1 = uscale.reduce_sum %x axes = [0] {keepdims = false} : tensor<4x8xf32> -> tensor<8xf32>
  // CHECK: uscale.reduce_mean %{{.*}} axes = [0] : tensor<4x8xf32> -> tensor<1x8xf32>
  %2 = uscale.reduce_mean %x axes = [0] : tensor<4x8xf32> -> tensor<1x8xf32>
  // CHECK: uscale.transpose %{{.*}} perm = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  %3 = uscale.transpose %x perm = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  // CHECK: uscale.reshape %{{.*}} : tensor<4x8xf32> -> tensor<32xf32>
  %4 = uscale.reshape %x : tensor<4x8xf32> -> tensor<32xf32>
  // CHECK: uscale.concat %{{.*}}, %{{.*}} axis = 0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %5 = uscale.concat %x, %x axis = 0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  // CHECK: uscale.split %{{.*}} axis = 0 sizes = [1, 3] : tensor<4x8xf32> -> tensor<1x8xf32>, tensor<3x8xf32>
  %6:2 = uscale.split %x axis = 0 sizes = [1, 3] : tensor<4x8xf32> -> tensor<1x8xf32>, tensor<3x8xf32>
  // CHECK: uscale.slice %{{.*}} starts = [-3] ends = [100] axes = [0] steps = [2] : tensor<4x8xf32> -> tensor<2x8xf32>
  %7 = uscale.slice %x starts = [-3] ends = [100] axes = [0] steps = [2] : tensor<4x8xf32> -> tensor<2x8xf32>
  return %0, %1, %2, %3, %4, %5, %7 : tensor<2x3x8xf32>, tensor<8xf32>, tensor<1x8xf32>, tensor<8x4xf32>, tensor<32xf32>, tensor<8x8xf32>, tensor<2x8xf32>
}

// CHECK-LABEL: func.func @loss_and_scaling
func.func @loss_and_scaling(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  // CHECK: uscale.scale %{{.*}} fwd = 2.000000e+00 bwd = 5.000000e-01 : tensor<4x8xf32>
  %0 = uscale.scale %x fwd = 2.0 bwd = 0.5 : tensor<4x8xf32>
  // CHECK: uscale.residual_split %{{.*}} tau = 5.000000e-01 : tensor<4x8xf32>
  %1 = uscale.residual_split %0 tau = 0.5 : tensor<4x8xf32>
  %2 = uscale.relu %1 : tensor<4x8xf32>
  // CHECK: uscale.weighted_add %{{.*}}, %{{.*}} tau = 5.000000e-01 : tensor<4x8xf32>
  %3 = uscale.weighted_add %2, %0 tau = 0.5 : tensor<4x8xf32>
  // CHECK: uscale.softmax_cross_entropy %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  %4 = uscale.softmax_cross_entropy %3, %l : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %4 : tensor<f32>
}

// CHECK-LABEL: func.func @quantize
func.func @quantize(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  // CHECK: uscale.quantize %{{.*}} e4m3 : tensor<4x8xf32>
  %0 = uscale.quantize %x e4m3 : tensor<4x8xf32>
  // CHECK: uscale.quantize %{{.*}} e5m2 : tensor<4x8xf32>
  %1 = uscale.quantize %x e5m2 : tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}
