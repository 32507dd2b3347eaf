// RUN: unit-scale-opt %s --uscale-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @parameter
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: return %[[C]]
func.func @parameter() -> tensor<2xf32> {
  %0 = uscale.parameter "p" init data {value = dense<[1.0, 2.0]> : tensor<2xf32>} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// gather: a generic over the result reads the index through a map and the
// table with tensor.extract at the clamped index.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<4x6xi64>) outs(%{{.*}} : tensor<4x6x8xf32>)
// CHECK: ^bb0(%[[I:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[D2:.*]] = linalg.index 2 : index
// CHECK: arith.index_cast %[[I]] : i64 to index
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: tensor.extract %arg0[%[[K]], %[[D2]]] : tensor<100x8xf32>
func.func @gather(%t: tensor<100x8xf32>, %ids: tensor<4x6xi64>) -> tensor<4x6x8xf32> {
  %0 = uscale.gather %t[%ids] axis = 0 : (tensor<100x8xf32>, tensor<4x6xi64>) -> tensor<4x6x8xf32>
  return %0 : tensor<4x6x8xf32>
}

// scatter_add: the feature dim (not indexed) is an scf.forall, each
// iteration owning one column of the output; the indexed dims are a
// sequential nest inside it, adding into that column with tensor.insert.
// CHECK-LABEL: func.func @scatter_add
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<100x8xf32>
// CHECK: scf.forall (%[[C:[a-z0-9_]+]]) in (8) shared_outs(%[[O:.*]] = %[[Z]]) -> (tensor<100x8xf32>)
// CHECK: %[[COL:.*]] = tensor.extract_slice %[[O]][0, %[[C]]] [100, 1] [1, 1] : tensor<100x8xf32> to tensor<100xf32>
// CHECK: scf.for %[[A:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[COL]]) -> (tensor<100xf32>)
// CHECK: scf.for %[[B:[a-z0-9_]+]] = {{.*}} -> (tensor<100xf32>)
// CHECK: tensor.extract %arg0[%[[A]], %[[B]], %[[C]]]
// CHECK: tensor.extract %arg1[%[[A]], %[[B]]]
// CHECK: arith.addf
// CHECK: tensor.insert
// CHECK: scf.forall.in_parallel
// CHECK: tensor.parallel_insert_slice %{{.*}} into %[[O]][0, %[[C]]] [100, 1] [1, 1]
func.func @scatter_add(%g: tensor<4x6x8xf32>, %ids: tensor<4x6xi64>) -> tensor<100x8xf32> {
  %0 = uscale.scatter_add %g[%ids] axis = 0 : (tensor<4x6x8xf32>, tensor<4x6xi64>) -> tensor<100x8xf32>
  return %0 : tensor<100x8xf32>
}

// reduce_mean: linalg.reduce, the 1/n and alpha in one epilogue, the
// keepdims reshape last.
// CHECK-LABEL: func.func @reduce
// CHECK: %[[R:.*]] = linalg.reduce ins(%arg0 : tensor<2x4x8xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [0, 2]
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[R]] : tensor<4xf32>)
// 2 / 16
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: tensor.expand_shape %[[S]] {{\[\[}}0, 1, 2]] output_shape [1, 4, 1]
func.func @reduce(%x: tensor<2x4x8xf32>) -> tensor<1x4x1xf32> {
  %0 = uscale.reduce_mean %x axes = [0, -1] scales <alpha = 2.0, beta = [1.0]> : tensor<2x4x8xf32> -> tensor<1x4x1xf32>
  return %0 : tensor<1x4x1xf32>
}

// Reshapes use one collapse or expand when the dimensions group, else go
// through 1-D.
// CHECK-LABEL: func.func @reshape
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x4x8xf32> into tensor<8x8xf32>
// CHECK: %[[F:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2]] : tensor<2x4x8xf32> into tensor<64xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[\[}}0, 1, 2]] output_shape [4, 2, 8] : tensor<64xf32> into tensor<4x2x8xf32>
func.func @reshape(%x: tensor<2x4x8xf32>) -> (tensor<8x8xf32>, tensor<4x2x8xf32>) {
  %0 = uscale.reshape %x : tensor<2x4x8xf32> -> tensor<8x8xf32>
  %1 = uscale.reshape %x : tensor<2x4x8xf32> -> tensor<4x2x8xf32>
  return %0, %1 : tensor<8x8xf32>, tensor<4x2x8xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%arg0 : tensor<2x4x8xf32>) outs(%{{.*}} : tensor<8x2x4xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x4x8xf32>) -> tensor<8x2x4xf32> {
  %0 = uscale.transpose %x perm = [2, 0, 1] : tensor<2x4x8xf32> -> tensor<8x2x4xf32>
  return %0 : tensor<8x2x4xf32>
}

// concat inserts each input at its offset; split and slice extract (slice
// with its step as stride); slice_grad inserts into zeros.
// CHECK-LABEL: func.func @shapes
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x12xf32>
// CHECK: %[[C0:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0] [4, 8] [1, 1]
// CHECK: tensor.insert_slice %arg1 into %[[C0]][0, 8] [4, 4] [1, 1]
// CHECK: tensor.extract_slice %arg0[0, 0] [4, 3] [1, 1]
// CHECK: tensor.extract_slice %arg0[0, 3] [4, 5] [1, 1]
// CHECK: tensor.extract_slice %arg0[0, 1] [4, 4] [1, 2] : tensor<4x8xf32> to tensor<4x4xf32>
// CHECK: %[[Z:.*]] = linalg.fill {{.*}} -> tensor<4x8xf32>
// CHECK: tensor.insert_slice %arg2 into %[[Z]][0, 1] [4, 4] [1, 2] : tensor<4x4xf32> into tensor<4x8xf32>
func.func @shapes(%x: tensor<4x8xf32>, %y: tensor<4x4xf32>, %g: tensor<4x4xf32>) -> (tensor<4x12xf32>, tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x4xf32>, tensor<4x8xf32>) {
  %0 = uscale.concat %x, %y axis = 1 : (tensor<4x8xf32>, tensor<4x4xf32>) -> tensor<4x12xf32>
  %1:2 = uscale.split %x axis = -1 sizes = [3, 5] : tensor<4x8xf32> -> tensor<4x3xf32>, tensor<4x5xf32>
  %2 = uscale.slice %x starts = [1] ends = [8] axes = [1] steps = [2] : tensor<4x8xf32> -> tensor<4x4xf32>
  %3 = uscale.slice_grad %g starts = [1] ends = [8] axes = [1] steps = [2] : tensor<4x4xf32> -> tensor<4x8xf32>
  return %0, %1#0, %1#1, %2, %3 : tensor<4x12xf32>, tensor<4x3xf32>, tensor<4x5xf32>, tensor<4x4xf32>, tensor<4x8xf32>
}
