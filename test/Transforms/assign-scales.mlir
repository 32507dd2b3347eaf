// RUN: unit-scale-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(uscale-assign-scales))' | FileCheck %s

// Linear 256 -> 1024 on 8 rows: alpha = 256^-1/2, beta_X = 1024^-1/2,
// beta_W = beta_bias = 8^-1/2.
// CHECK-LABEL: func.func @linear
// CHECK: uscale.linear {{.*}} scales <alpha = 6.250000e-02, beta = [3.125000e-02, 0.35355339059327373, 0.35355339059327373]>
func.func @linear(%x: tensor<8x256xf32>) -> tensor<8x1024xf32> {
  %w = uscale.parameter "w" init normal : tensor<256x1024xf32>
  %b = uscale.parameter "b" init zeros : tensor<1024xf32>
  %y = uscale.linear %x, %w, %b : (tensor<8x256xf32>, tensor<256x1024xf32>, tensor<1024xf32>) -> tensor<8x1024xf32>
  return %y : tensor<8x1024xf32>
}

// -----

// MatMul [2,16,64] x [64,32]: alpha = 64^-1/2, beta_A = 32^-1/2,
// beta_B = (16 * 2)^-1/2 since B is broadcast over the batch of 2.
// CHECK-LABEL: func.func @matmul
// CHECK: uscale.matmul {{.*}} scales <alpha = 1.250000e-01, beta = [0.17677669529663687, 0.17677669529663687]>
func.func @matmul(%a: tensor<2x16x64xf32>, %b: tensor<64x32xf32>) -> tensor<2x16x32xf32> {
  %y = uscale.matmul %a, %b : (tensor<2x16x64xf32>, tensor<64x32xf32>) -> tensor<2x16x32xf32>
  return %y : tensor<2x16x32xf32>
}

// -----

// Add with a broadcast operand (e = 4): beta = [1, 1/2]; softmax over 256;
// activations; reduce_mean over 16: alpha = 4, beta = 16.
// CHECK-LABEL: func.func @elementwise
// CHECK: uscale.add {{.*}} scales <alpha = 0.70710678118654746, beta = [1.000000e+00, 5.000000e-01]>
// CHECK: uscale.softmax {{.*}} scales <alpha = 195.2957{{[0-9]+}}, beta = [155.2718{{[0-9]+}}]>
// CHECK: uscale.relu {{.*}} scales <alpha = 1.7128585504497{{[0-9]*}}, beta = [1.4142135623731{{[0-9]*}}]>
// CHECK: uscale.reduce_mean {{.*}} scales <alpha = 4.000000e+00, beta = [1.600000e+01]>
// CHECK: uscale.reduce_sum {{.*}} scales <alpha = 2.500000e-01, beta = [1.000000e+00]>
func.func @elementwise(%x: tensor<4x256xf32>, %y: tensor<256xf32>, %z: tensor<4x16xf32>) -> (tensor<4x256xf32>, tensor<4x1xf32>, tensor<4x1xf32>) {
  %0 = uscale.add %x, %y : (tensor<4x256xf32>, tensor<256xf32>) -> tensor<4x256xf32>
  %1 = uscale.softmax %0 axis = -1 : tensor<4x256xf32>
  %2 = uscale.relu %1 : tensor<4x256xf32>
  %3 = uscale.reduce_mean %z axes = [1] : tensor<4x16xf32> -> tensor<4x1xf32>
  %4 = uscale.reduce_sum %z axes = [1] : tensor<4x16xf32> -> tensor<4x1xf32>
  return %2, %3, %4 : tensor<4x256xf32>, tensor<4x1xf32>, tensor<4x1xf32>
}

// -----

// Embedding [1000, 64] with 250 indices: beta_W = (1000/250)^1/2 = 2.
// Cross entropy over [250, 1000]: alpha = 1/250, beta = 1000/sqrt(999).
// Layer norm over 64 features of 250 rows: beta_gain = 250^-1/2.
// CHECK-LABEL: func.func @embedding_loss
// CHECK: uscale.gather {{.*}} scales <alpha = 1.000000e+00, beta = [2.000000e+00, 1.000000e+00]>
// CHECK: uscale.layer_norm {{.*}} scales <alpha = 1.000000e+00, beta = [1.000000e+00, 0.063245553203367{{[0-9]*}}, 0.063245553203367{{[0-9]*}}]>
// CHECK: uscale.softmax_cross_entropy {{.*}} scales <alpha = 4.000000e-03, beta = [31.63859{{[0-9]+}}, 1.000000e+00]>
func.func @embedding_loss(%ids: tensor<250xi64>, %l: tensor<250xi64>) -> tensor<f32> {
  %e = uscale.parameter "emb" init normal : tensor<1000x64xf32>
  %g = uscale.parameter "g" init ones : tensor<64xf32>
  %b = uscale.parameter "b" init zeros : tensor<64xf32>
  %u = uscale.parameter "unembed" init normal : tensor<64x1000xf32>
  %0 = uscale.gather %e[%ids] axis = 0 : (tensor<1000x64xf32>, tensor<250xi64>) -> tensor<250x64xf32>
  %1 = uscale.layer_norm %0 gain %g bias %b axis = -1 : (tensor<250x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<250x64xf32>
  %2 = uscale.linear %1, %u : (tensor<250x64xf32>, tensor<64x1000xf32>) -> tensor<250x1000xf32>
  %3 = uscale.softmax_cross_entropy %2, %l : (tensor<250x1000xf32>, tensor<250xi64>) -> tensor<f32>
  return %3 : tensor<f32>
}

// -----

// Adding a constant (a causal mask) shifts, it does not sum two unit
// variables: alpha 1.
// CHECK-LABEL: func.func @mask
// CHECK: uscale.add {{.*}} scales <alpha = 1.000000e+00, beta = [1.000000e+00, 1.000000e+00]>
func.func @mask(%s: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %m = arith.constant dense<[[0.0, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %0 = uscale.add %s, %m : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Multiplying by a constant c (an exporter's 1/sqrt(d_head)) scales the std
// by |c|: alpha = beta_x = 1/|c| = 4.
// CHECK-LABEL: func.func @const_mul
// CHECK: uscale.mul {{.*}} scales <alpha = 4.000000e+00, beta = [4.000000e+00, 1.000000e+00]>
func.func @const_mul(%s: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %c = arith.constant dense<0.25> : tensor<f32>
  %0 = uscale.mul %s, %c : (tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
