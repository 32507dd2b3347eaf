// RUN: unit-scale-opt %s -split-input-file --uscale-unit-scale --uscale-autodiff | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --uscale-autodiff | FileCheck %s --check-prefix=EXACT

// A residual MLP block, unit-scaled. Every backward multiplier is the
// forward op's beta: cross entropy V/sqrt(V-1) = 16/sqrt(15), not divided by
// N; the weighted add passes the branch gradient unscaled
// (beta_b * sqrt(tau) = 1) and the skip gradient times sqrt(1 - tau); the
// second linear's dX uses its beta_X (constrained: 0.2102), its dW
// beta_W = 8^-1/2 as the GEMM epilogue alpha; relu its beta 1.5564.
// CHECK-LABEL: func.func @block_train_step
// CHECK-SAME: (%[[W1:.*]]: tensor<16x32xf32> {uscale.init = "normal", uscale.param = "w1"}, %[[B1:.*]]: tensor<32xf32> {uscale.init = "zeros", uscale.param = "b1"}, %[[W2:.*]]: tensor<32x16xf32> {uscale.init = "normal", uscale.param = "w2"}, %[[X:.*]]: tensor<8x16xf32>, %[[L:.*]]: tensor<8xi64>)
// CHECK-SAME: -> (tensor<f32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x16xf32>)
// CHECK: %[[LOSS:.*]] = uscale.softmax_cross_entropy %[[R:.*]], %[[L]] scales
// CHECK: %[[ONE:.*]] = arith.constant {uscale.grad_seed} dense<1.000000e+00> : tensor<f32>
// CHECK: %[[DR:.*]] = uscale.softmax_cross_entropy_grad %[[R]], %[[L]], %[[ONE]] scales <alpha = 4.131182235954{{[0-9]*}}
// Activation gradients are untagged; the ops computing parameter gradients
// carry uscale.param_grad (read by uscale-instrument-stats).
// CHECK: %[[DA:.*]] = uscale.linear %[[DR]], %[[W2]] transpose_weight scales <alpha = 0.2102241038134{{[0-9]*}}
// CHECK-NOT: param_grad
// CHECK-SAME: -> tensor<8x32xf32>
// CHECK: %[[AT:.*]] = uscale.transpose %[[A:.*]] perm = [1, 0]
// CHECK: %[[DW2:.*]] = uscale.matmul %[[AT]], %[[DR]] scales <alpha = 0.35355339059327373{{.*}}{uscale.param_grad}
// CHECK: %[[DH:.*]] = uscale.activation_grad relu %[[H:.*]], %[[DA]] scales <alpha = 1.556389344756{{[0-9]*}}
// CHECK: %[[DW1:.*]] = uscale.matmul %{{.*}}, %[[DH]] scales <alpha = 0.35355339059327373
// CHECK: %[[DB1:.*]] = uscale.sum_to %[[DH]] scales <alpha = 0.35355339059327373, beta = [1.000000e+00]> {uscale.param_grad} : tensor<8x32xf32> -> tensor<32xf32>
// CHECK-NOT: uscale.scale
// CHECK: return %[[LOSS]], %[[DW1]], %[[DB1]], %[[DW2]]

// Without scales the gradient is exact: the only multiplier is the mean's
// 1/N (N = 8) on the cross-entropy gradient.
// EXACT-LABEL: func.func @block_train_step
// EXACT-NOT: scales
// EXACT: uscale.softmax_cross_entropy_grad %{{.*}} scales <alpha = 1.250000e-01, beta = [1.000000e+00, 1.000000e+00, 1.000000e+00]>
// EXACT-NOT: scales
// EXACT: return
func.func @block(%x: tensor<8x16xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %w1 = uscale.parameter "w1" init normal : tensor<16x32xf32>
  %b1 = uscale.parameter "b1" init zeros : tensor<32xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<32x16xf32>
  %h = uscale.linear %x, %w1, %b1 : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %a = uscale.relu %h : tensor<8x32xf32>
  %o = uscale.linear %a, %w2 : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %r = uscale.add %x, %o : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %loss = uscale.softmax_cross_entropy %r, %l : (tensor<8x16xf32>, tensor<8xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}

// -----

// A weighted residual whose skip depends on a parameter: the trunk gradient
// sums the skip path (sqrt(1 - tau)) and the branch path through the split
// (sqrt(tau)).
// CHECK-LABEL: func.func @trunk_train_step
// CHECK: %[[G:.*]] = uscale.softmax_cross_entropy_grad
// CHECK: %[[SKIP:.*]] = uscale.scale %[[G]] fwd = 0.70710678118654{{[0-9]*}}
// CHECK: %[[BR:.*]] = uscale.activation_grad tanh %{{.*}}, %[[G]] scales
// CHECK: %[[SPLIT:.*]] = uscale.scale %[[BR]] fwd = 0.70710678118654{{[0-9]*}}
// CHECK: %[[SUM:.*]] = uscale.add %[[SKIP]], %[[SPLIT]] :
// CHECK: uscale.matmul %{{.*}}, %[[SUM]] scales
func.func @trunk(%x: tensor<8x16xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<16x16xf32>
  %e = uscale.linear %x, %w : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
  %t = uscale.tanh %e : tensor<8x16xf32>
  %r = uscale.add %e, %t : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %loss = uscale.softmax_cross_entropy %r, %l : (tensor<8x16xf32>, tensor<8xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}

// -----

// A tied weight accumulates both uses' gradients.
// EXACT-LABEL: func.func @tied_train_step
// EXACT: %[[CE:.*]] = uscale.softmax_cross_entropy_grad %{{.*}} scales <alpha = 2.500000e-01
// EXACT: %[[G2:.*]] = uscale.matmul %{{.*}}, %[[CE]] {uscale.param_grad} : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
// EXACT: %[[G1:.*]] = uscale.matmul %{{.*}}, %{{.*}} : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
// EXACT: %[[SUM:.*]] = uscale.add %[[G2]], %[[G1]]
// EXACT: return %{{.*}}, %[[SUM]]
func.func @tied(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<8x8xf32>
  %0 = uscale.linear %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %1 = uscale.linear %0, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %2 = uscale.softmax_cross_entropy %1, %l : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %2 : tensor<f32>
}
