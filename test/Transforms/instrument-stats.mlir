// RUN: unit-scale-opt %s -split-input-file --uscale-unit-scale --uscale-autodiff --uscale-instrument-stats | FileCheck %s

// Every float tensor a uscale op produces gets its std appended to the
// results, named after the op; a gradient is named after the op whose
// backward produced it, prefixed grad: ("grad:loss" is d loss / d logits),
// or wgrad: for parameter gradients ("wgrad:fc" is fc's weight gradient).
// CHECK-LABEL: func.func @net_train_step
// CHECK-SAME: -> (tensor<f32>, tensor<8x4xf32>, tensor<f32>, tensor<f32>, tensor<f32>)
// CHECK-SAME: attributes {uscale.stat_names = ["fc", "grad:loss", "wgrad:fc"]}
// std(fc) = sqrt(mean((x - mean x)^2)):
// CHECK: %[[FLAT:.*]] = uscale.reshape %[[FC:.*]] : tensor<2x4xf32> -> tensor<8xf32>
// CHECK: %[[MU:.*]] = uscale.reduce_mean %[[FLAT]] axes = [0] {keepdims = false} : tensor<8xf32> -> tensor<f32>
// CHECK: %[[MUB:.*]] = uscale.broadcast_to %[[MU]] : tensor<f32> -> tensor<8xf32>
// CHECK: %[[D:.*]] = uscale.sub %[[FLAT]], %[[MUB]]
// CHECK: %[[D2:.*]] = uscale.mul %[[D]], %[[D]]
// CHECK: %[[VAR:.*]] = uscale.reduce_mean %[[D2]]
// CHECK: %[[STD:.*]] = math.sqrt %[[VAR]] : tensor<f32>
// CHECK: return %{{.*}}, %{{.*}}, %[[STD]],
func.func @net(%x: tensor<2x8xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<8x4xf32>
  %0 = uscale.linear %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32> loc("fc")
  %1 = uscale.softmax_cross_entropy %0, %l : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32> loc("loss")
  return %1 : tensor<f32>
}

// -----

// A rank-3 activation's weight gradient is one GEMM over the flattened
// rows. The reshape that flattens the incoming gradient is layout, not a
// new tensor: it must not be listed (it used to be, as "wgrad:proj", with
// the activation gradient's std), so "wgrad:proj" is the GEMM's result.
// CHECK-LABEL: func.func @rank3_train_step
// CHECK-SAME: uscale.stat_names = ["proj", "flat", "grad:loss", "grad:flat", "wgrad:proj"]}
func.func @rank3(%x: tensor<2x3x8xf32>, %l: tensor<6xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<8x4xf32>
  %0 = uscale.matmul %x, %w : (tensor<2x3x8xf32>, tensor<8x4xf32>) -> tensor<2x3x4xf32> loc("proj")
  %1 = uscale.reshape %0 : tensor<2x3x4xf32> -> tensor<6x4xf32> loc("flat")
  %2 = uscale.softmax_cross_entropy %1, %l : (tensor<6x4xf32>, tensor<6xi64>) -> tensor<f32> loc("loss")
  return %2 : tensor<f32>
}

// -----

// A residual: the trunk's gradient is sqrt(tau) * grad_branch +
// sqrt(1 - tau) * grad_y (spec section 5). Those two scaled terms are below
// unit by design and are no tensor's gradient; only their sum is listed
// (the last "grad:res"), not the terms.
// CHECK-LABEL: func.func @residual_train_step
// CHECK-SAME: uscale.stat_names = ["in", "res.split", "branch", "res", "head", "grad:loss", "grad:head", "wgrad:head", "grad:branch", "wgrad:branch", "grad:res", "wgrad:in"]}
// CHECK: %[[SKIP:.*]] = uscale.scale %{{.*}} fwd = 0.70710678118654757
// CHECK: %[[BRANCH:.*]] = uscale.scale %{{.*}} fwd = 0.70710678118654757
// CHECK: %[[SUM:.*]] = uscale.add %[[SKIP]], %[[BRANCH]]
// CHECK: uscale.reshape %[[SUM]]
func.func @residual(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %u = uscale.parameter "u" init normal : tensor<8x8xf32>
  %w = uscale.parameter "w" init normal : tensor<8x8xf32>
  %v = uscale.parameter "v" init normal : tensor<8x8xf32>
  %h = uscale.matmul %x, %u : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("in")
  %0 = uscale.matmul %h, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("branch")
  %1 = uscale.add %h, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> loc("res")
  %2 = uscale.matmul %1, %v : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> loc("head")
  %3 = uscale.softmax_cross_entropy %2, %l : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32> loc("loss")
  return %3 : tensor<f32>
}
