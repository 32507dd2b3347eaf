// RUN: unit-scale-opt %s --uscale-to-linalg | FileCheck %s

// Numpy broadcasting is an indexing map: a missing leading dimension is
// dropped, a size-1 dimension reads index 0; alpha multiplies in the body.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @binary
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8xf32>) outs(%[[E]] : tensor<4x8xf32>)
// CHECK: arith.addf
// CHECK-NOT: arith.mulf
// CHECK: linalg.yield
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
// CHECK: %[[S:.*]] = arith.subf
// CHECK: %[[A:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf %[[S]], %[[A]]
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK-NOT: uscale.
func.func @binary(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %c: tensor<4x1xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = uscale.add %x, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %1 = uscale.sub %x, %c scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %2 = uscale.mul %x, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @activations
// CHECK: arith.maximumf
// erf form of GELU
// CHECK: math.erf
// tanh form
// CHECK: math.tanh
// CHECK: math.tanh
// sigmoid = 1 / (1 + exp(-x))
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
func.func @activations(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = uscale.relu %x : tensor<8xf32>
  %1 = uscale.gelu %x : tensor<8xf32>
  %2 = uscale.gelu %x approximate = tanh : tensor<8xf32>
  %3 = uscale.tanh %x : tensor<8xf32>
  %4 = uscale.sigmoid %x : tensor<8xf32>
  return %0, %1, %2, %3, %4 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// relu' is a select on x > 0; the result is grad * f'(x) * alpha.
// CHECK-LABEL: func.func @activation_grad
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: f32, %[[G:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[P:.*]] = arith.cmpf ogt, %[[X]]
// CHECK: %[[D:.*]] = arith.select %[[P]]
// CHECK: %[[M:.*]] = arith.mulf %[[G]], %[[D]]
// CHECK: arith.mulf %[[M]]
func.func @activation_grad(%x: tensor<8xf32>, %g: tensor<8xf32>) -> tensor<8xf32> {
  %0 = uscale.activation_grad relu %x, %g scales <alpha = 2.0, beta = [1.0, 1.0]> : tensor<8xf32>
  return %0 : tensor<8xf32>
}

// Dropout hashes the row-major linear index of linalg.index values with
// murmur3's finaliser and keeps elements whose hash clears ratio * 2^32.
// CHECK-LABEL: func.func @dropout
// CHECK: linalg.generic
// CHECK-DAG: linalg.index 1 : index
// CHECK-DAG: linalg.index 0 : index
// CHECK: arith.index_castui {{.*}} : index to i32
// CHECK: arith.constant -1640531535 : i32
// CHECK: arith.xori
// CHECK: arith.shrui
// CHECK: arith.constant -2048144789 : i32
// CHECK: arith.constant -1028477387 : i32
// threshold round(0.25 * 2^32) = 1073741824
// CHECK: %[[T:.*]] = arith.constant 1073741824 : i32
// CHECK: arith.cmpi uge, %{{.*}}, %[[T]] : i32
// 1 / (1 - 0.25)
// CHECK: arith.constant 1.33333337 : f32
// CHECK: arith.select
func.func @dropout(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.dropout %x ratio = 0.25 {seed = 7} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// scale multiplies by fwd once; residual_split is the identity;
// weighted_add is sqrt(tau) branch + sqrt(1 - tau) skip.
// CHECK-LABEL: func.func @fixed
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK-NOT: arith.constant 4.000000e+00
// CHECK: arith.constant 6.000000e-01 : f32
// CHECK: arith.constant 8.000000e-01 : f32
// CHECK: return %{{.*}}, %{{.*}}, %arg0
func.func @fixed(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = uscale.scale %x fwd = 2.0 bwd = 0.5 scales <alpha = 2.0, beta = [0.5]> : tensor<8xf32>
  %1 = uscale.weighted_add %x, %y tau = 0.36 : tensor<8xf32>
  %2 = uscale.residual_split %x tau = 0.5 : tensor<8xf32>
  return %0, %1, %2 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// sum_to reduces the broadcast dimensions with linalg.reduce and reshapes
// back to the operand's rank.
// CHECK-LABEL: func.func @broadcast_sum
// CHECK: linalg.generic {indexing_maps = [#[[ROW]], #[[ID]]]
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: %[[R:.*]] = linalg.reduce ins(%arg1 : tensor<4x8xf32>) outs(%[[Z]] : tensor<8xf32>) dimensions = [0]
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1]] output_shape [1, 8] : tensor<8xf32> into tensor<1x8xf32>
func.func @broadcast_sum(%b: tensor<8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<1x8xf32>) {
  %0 = uscale.broadcast_to %b : tensor<8xf32> -> tensor<4x8xf32>
  %1 = uscale.sum_to %g : tensor<4x8xf32> -> tensor<1x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<1x8xf32>
}
