// RUN: unit-scale-opt %s --uscale-unit-scale --uscale-autodiff --uscale-instrument-stats | FileCheck %s

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
