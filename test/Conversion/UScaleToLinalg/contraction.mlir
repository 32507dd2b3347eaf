// RUN: unit-scale-opt %s --uscale-to-linalg | FileCheck %s

// Map aliases print at the top of the module.
// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>

// A 2-D matmul is a linalg.matmul into a zero-filled tensor; alpha is one
// elementwise epilogue.
// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: %[[M:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[Z]] : tensor<4x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<4x16xf32>)
// CHECK: arith.constant 1.250000e-01 : f32
// CHECK: arith.mulf
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = uscale.matmul %a, %b scales <alpha = 0.125, beta = [1.0, 1.0]> : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// Batched A against a 2-D B: the batch folds into M.
// CHECK-LABEL: func.func @matmul_fold_batch
// CHECK: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x4x8xf32> into tensor<8x8xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[A]], %arg1 : tensor<8x8xf32>, tensor<8x16xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [2, 4, 16]
// CHECK-NOT: linalg.generic
func.func @matmul_fold_batch(%a: tensor<2x4x8xf32>, %b: tensor<8x16xf32>) -> tensor<2x4x16xf32> {
  %0 = uscale.matmul %a, %b : (tensor<2x4x8xf32>, tensor<8x16xf32>) -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// Broadcast batch dims: B is materialised at the full batch, both batches
// fold into one, and batch_matmul does the work.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: %[[A3:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x8xf32> into tensor<6x4x8xf32>
// CHECK: %[[BB:.*]] = linalg.generic {indexing_maps = [#[[BCAST]], {{.*}}]{{.*}} ins(%arg1 : tensor<1x3x8x16xf32>) outs(%{{.*}} : tensor<2x3x8x16xf32>)
// CHECK: %[[B3:.*]] = tensor.collapse_shape %[[BB]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x16xf32> into tensor<6x8x16xf32>
// CHECK: %[[M:.*]] = linalg.batch_matmul ins(%[[A3]], %[[B3]] : tensor<6x4x8xf32>, tensor<6x8x16xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 16]
func.func @matmul_broadcast(%a: tensor<2x3x4x8xf32>, %b: tensor<1x3x8x16xf32>) -> tensor<2x3x4x16xf32> {
  %0 = uscale.matmul %a, %b : (tensor<2x3x4x8xf32>, tensor<1x3x8x16xf32>) -> tensor<2x3x4x16xf32>
  return %0 : tensor<2x3x4x16xf32>
}

// linear: rows of X times W, bias and alpha in one epilogue.
// CHECK-LABEL: func.func @linear_bias
// CHECK: %[[X:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x4x8xf32> into tensor<8x8xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[X]], %arg1 : tensor<8x8xf32>, tensor<8x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BIAS]], #{{.*}}]{{.*}} ins(%[[M]], %arg2 : tensor<8x16xf32>, tensor<16xf32>)
// CHECK: %[[S:.*]] = arith.addf
// CHECK: arith.mulf %[[S]]
// CHECK: tensor.expand_shape
func.func @linear_bias(%x: tensor<2x4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<2x4x16xf32> {
  %0 = uscale.linear %x, %w, %b scales <alpha = 0.25, beta = [1.0, 1.0, 1.0]> : (tensor<2x4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  return %0 : tensor<2x4x16xf32>
}

// transpose_weight: linalg.matmul reads W[n, k] through its indexing maps;
// nothing is transposed in memory.
// CHECK-LABEL: func.func @linear_transposed
// CHECK: linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<16x8xf32>)
// CHECK-NOT: linalg.transpose
func.func @linear_transposed(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %0 = uscale.linear %x, %w transpose_weight : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
