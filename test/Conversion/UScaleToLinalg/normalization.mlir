// RUN: unit-scale-opt %s --uscale-to-linalg | FileCheck %s

// Row statistics are reductions read back through a map that drops the
// reduced dimension.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>

// Softmax subtracts the row max before exp.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MI:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]]], iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<4x8xf32>) outs(%[[MI]] : tensor<4xf32>)
// CHECK: arith.maximumf
// CHECK: %[[E:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ID]]], {{.*}} ins(%arg0, %[[MAX]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}"reduction"]} ins(%[[E]] : tensor<4x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[E]], %[[SUM]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK: arith.divf
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.softmax %x axis = -1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// layer_norm: mean, variance, rsqrt(var + eps), then one map with gain and
// bias read through the trailing-dimension map.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0 : tensor<4x8xf32>)
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0, %[[MEAN]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK: %[[RSTD:.*]] = linalg.generic {{.*}} ins(%[[VAR]] : tensor<4xf32>)
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: math.rsqrt
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ROWS]], #[[COLS]], #[[COLS]], #[[ID]]], {{.*}} ins(%arg0, %[[RSTD]], %[[MEAN]], %arg1, %arg2 :
func.func @layer_norm(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.layer_norm %x gain %g bias %b axis = -1 : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// rms_norm has no mean.
// CHECK-LABEL: func.func @rms_norm
// CHECK: %[[MS:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0 : tensor<4x8xf32>)
// CHECK: %[[RSTD:.*]] = linalg.generic {{.*}} ins(%[[MS]] : tensor<4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[ID]]], {{.*}} ins(%arg0, %[[RSTD]] :
// CHECK-NOT: linalg.generic
func.func @rms_norm(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.rms_norm %x axis = -1 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// Cross entropy: max, sum of exp, the label's logit (linalg.index of the
// class dimension against the label), then a reduction to a 0-d tensor.
// Without scales the row losses are divided by N = 4.
// CHECK-LABEL: func.func @cross_entropy
// CHECK: %[[MX:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0 : tensor<4x8xf32>)
// CHECK: %[[SE:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0, %[[MX]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK: %[[PK:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4xi64>)
// CHECK: linalg.index 1 : index
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: arith.cmpi eq
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction"]} ins(%[[SE]], %[[MX]], %[[PK]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: math.log
// CHECK: arith.constant 2.500000e-01 : f32
func.func @cross_entropy(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %0 = uscale.softmax_cross_entropy %x, %l : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// With scales, alpha replaces 1/N.
// CHECK-LABEL: func.func @cross_entropy_scaled
// CHECK: math.log
// CHECK: arith.constant 5.000000e-01 : f32
func.func @cross_entropy_scaled(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %0 = uscale.softmax_cross_entropy %x, %l scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// The cross-entropy VJP reads its scalar gradient through a map with no
// results.
// CHECK-LABEL: func.func @cross_entropy_grad
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROWS]], #[[SCALAR]], #[[ID]]], {{.*}} ins(%{{.*}}, %arg1, %arg2 : tensor<4x8xf32>, tensor<4xi64>, tensor<f32>)
// CHECK: arith.select
func.func @cross_entropy_grad(%x: tensor<4x8xf32>, %l: tensor<4xi64>, %g: tensor<f32>) -> tensor<4x8xf32> {
  %0 = uscale.softmax_cross_entropy_grad %x, %l, %g : (tensor<4x8xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// softmax_grad: s * (g - sum(g * s)).
// CHECK-LABEL: func.func @softmax_grad
// CHECK: math.exp
// CHECK: %[[DOT:.*]] = linalg.generic {{.*}}"reduction"]} ins(%arg1, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ROWS]], #[[ID]]], {{.*}} ins(%{{.*}}, %arg1, %[[DOT]] :
func.func @softmax_grad(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.softmax_grad %x, %g axis = -1 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// norm_grad: d_gain and d_bias reduce over the leading dimensions; RMSNorm's
// d_bias is a zero fill.
// CHECK-LABEL: func.func @norm_grad
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[COLS]]], iterator_types = ["reduction", "parallel"]} ins(%arg2, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COLS]]], iterator_types = ["reduction", "parallel"]} ins(%arg2 : tensor<4x8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK-LABEL: func.func @rms_norm_grad
// CHECK: iterator_types = ["reduction", "parallel"]} ins(%arg1, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[ZB:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8xf32>)
// CHECK: return %{{.*}}, %{{.*}}, %[[ZB]]
func.func @norm_grad(%x: tensor<4x8xf32>, %gain: tensor<8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0:3 = uscale.norm_grad %x gain %gain grad %g axis = -1 {epsilon = 1.0e-5} : (tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
}
func.func @rms_norm_grad(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0:3 = uscale.norm_grad %x grad %g axis = -1 rms {epsilon = 1.0e-5} : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>)
  return %0#0, %0#1, %0#2 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
}
