// RUN: unit-scale-opt %s --uscale-autodiff='optimizer=sgd lr=0.5' | FileCheck %s --check-prefix=SGD
// RUN: unit-scale-opt %s --uscale-autodiff='optimizer=adam lr=0.01 beta1=0.8 beta2=0.9 epsilon=1e-6' | FileCheck %s --check-prefix=ADAM
// RUN: not unit-scale-opt %s --uscale-autodiff='optimizer=lion' 2>&1 | FileCheck %s --check-prefix=BADOPT

// The forward keeps its name and gets the same leading parameter arguments.
// SGD: func.func @net(%{{.*}}: tensor<8x4xf32> {uscale.init = "normal", uscale.param = "w"}, %{{.*}}: tensor<2x8xf32>, %{{.*}}: tensor<2xi64>) -> tensor<f32>
// SGD-NOT: uscale.parameter
// SGD-LABEL: func.func @net_train_step
// SGD-SAME: (%[[W:.*]]: tensor<8x4xf32> {uscale.init = "normal", uscale.param = "w"}, %[[X:.*]]: tensor<2x8xf32>, %[[L:.*]]: tensor<2xi64>) -> (tensor<f32>, tensor<8x4xf32>)
// SGD: %[[G:.*]] = uscale.matmul
// SGD: %[[LR:.*]] = arith.constant dense<5.000000e-01> : tensor<8x4xf32>
// SGD: %[[STEP:.*]] = arith.mulf %[[LR]], %[[G]] : tensor<8x4xf32>
// SGD: %[[NEW:.*]] = arith.subf %[[W]], %[[STEP]] : tensor<8x4xf32>
// SGD: return %{{.*}}, %[[NEW]]

// ADAM-LABEL: func.func @net_train_step
// ADAM-SAME: (%[[W:.*]]: tensor<8x4xf32> {uscale.init = "normal", uscale.param = "w"}, %[[M:.*]]: tensor<8x4xf32> {uscale.adam_m = "w"}, %[[V:.*]]: tensor<8x4xf32> {uscale.adam_v = "w"}, %[[T:.*]]: tensor<f32> {uscale.adam_step}, %[[X:.*]]: tensor<2x8xf32>, %[[L:.*]]: tensor<2xi64>)
// ADAM-SAME: -> (tensor<f32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>)
// ADAM: %[[B1:.*]] = arith.constant dense<8.000000e-01> : tensor<f32>
// ADAM: math.powf %[[B1]], %[[T]] : tensor<f32>
// ADAM: %[[B2:.*]] = arith.constant dense<0.899999976> : tensor<f32>
// ADAM: math.powf %[[B2]], %[[T]] : tensor<f32>
// ADAM: %[[MNEW:.*]] = arith.addf
// ADAM: %[[VNEW:.*]] = arith.addf
// ADAM: uscale.broadcast_to %{{.*}} : tensor<f32> -> tensor<8x4xf32>
// ADAM: math.sqrt
// ADAM: arith.constant dense<9.99999997E-7> : tensor<8x4xf32>
// ADAM: %[[PNEW:.*]] = arith.subf %[[W]], %{{.*}} : tensor<8x4xf32>
// ADAM: return %{{.*}}, %[[PNEW]], %[[MNEW]], %[[VNEW]]

// BADOPT: unknown optimizer 'lion' (expected none, sgd or adam)

func.func @net(%x: tensor<2x8xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %w = uscale.parameter "w" init normal : tensor<8x4xf32>
  %0 = uscale.linear %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %1 = uscale.softmax_cross_entropy %0, %l : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %1 : tensor<f32>
}
