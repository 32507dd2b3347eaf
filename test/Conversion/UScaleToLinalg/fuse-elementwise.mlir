// RUN: unit-scale-opt %s --uscale-fuse-elementwise --canonicalize | FileCheck %s

// A chain of elementwise ops (the optimizer's shape: t * c1 + c2 with splat
// constants) is one linalg.generic whose body reads the constants as
// scalars: no dense constant of the tensor's shape is left. The GEMM stays
// a named linalg.matmul (no reshape propagation, no generalisation), and
// the elementwise producer that feeds it is not fused into it.
// CHECK-LABEL: func.func @chain
// CHECK-NOT: arith.constant dense
// CHECK-DAG: %[[C2:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-DAG: %[[C1:.*]] = arith.constant 0.899999976 : f32
// CHECK: %[[Q:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[Q]], %{{.*}} : tensor<64x32xf32>, tensor<32x16xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[Y]] : tensor<64x16xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[M:.*]] = arith.mulf %[[IN]], %[[C1]] : f32
// CHECK:   %[[A:.*]] = arith.addf %[[M]], %[[C2]] : f32
// CHECK:   linalg.yield %[[A]]
// CHECK-NOT: linalg.generic
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @chain(%x: tensor<64x32xf32>, %w: tensor<32x16xf32>) -> tensor<64x16xf32> {
  %e0 = tensor.empty() : tensor<64x32xf32>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x32xf32>) outs(%e0 : tensor<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<64x32xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<64x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<64x16xf32>) -> tensor<64x16xf32>
  %y = linalg.matmul ins(%q, %w : tensor<64x32xf32>, tensor<32x16xf32>) outs(%acc : tensor<64x16xf32>) -> tensor<64x16xf32>
  %c1 = arith.constant dense<0.9> : tensor<64x16xf32>
  %c2 = arith.constant dense<0.1> : tensor<64x16xf32>
  %e2 = tensor.empty() : tensor<64x16xf32>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %c1 : tensor<64x16xf32>, tensor<64x16xf32>) outs(%e2 : tensor<64x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<64x16xf32>
  %e3 = tensor.empty() : tensor<64x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %c2 : tensor<64x16xf32>, tensor<64x16xf32>) outs(%e3 : tensor<64x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64x16xf32>
  return %r : tensor<64x16xf32>
}
