// RUN: unit-scale-opt %s -split-input-file --uscale-fuse-elementwise --canonicalize | FileCheck %s

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

// -----

// Adam's shape: the new moment m2 is returned and read by the update. The
// update is one op that computes m2 once and yields both m2 and the new
// parameter: m2 is neither recomputed nor read back.
// CHECK-LABEL: func.func @shared
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK-SAME: ins(%arg2, %arg0, %arg1 : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>)
// CHECK: ^bb0(%[[P:[a-z_0-9]+]]: f32, %[[M:[a-z_0-9]+]]: f32, %[[G:[a-z_0-9]+]]: f32,
// CHECK-NEXT: %[[M2:.*]] = arith.addf %[[M]], %[[G]] : f32
// CHECK-NEXT: %[[P2:.*]] = arith.subf %[[P]], %[[M2]] : f32
// CHECK-NEXT: linalg.yield %[[M2]], %[[P2]] : f32, f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[F]]#0, %[[F]]#1
#id1 = affine_map<(d0) -> (d0)>
func.func @shared(%m: tensor<64xf32>, %g: tensor<64xf32>, %p: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %m2 = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%m, %g : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %p2 = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%p, %m2 : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.subf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  return %m2, %p2 : tensor<64xf32>, tensor<64xf32>
}

// -----

// The sum %s is not fused: its first user is a reduction (reductions keep
// their one-output shape), and its other user %d comes after that
// reduction (the fused op, built where %d is, would not dominate it). %d,
// returned and read by %q after it, is fused into %q.
// CHECK-LABEL: func.func @kept
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%arg0, %arg1 :
// CHECK: linalg.generic {{.*}}"reduction"{{.*}} ins(%[[S]] :
// CHECK: %[[DQ:.*]]:2 = linalg.generic {{.*}} ins(%[[S]], %arg1 :
// CHECK-NOT: linalg.generic
// CHECK: return %{{.*}}, %[[DQ]]#0, %[[DQ]]#1
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @kept(%x: tensor<8x16xf32>, %y: tensor<8x16xf32>) -> (tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
  %e = tensor.empty() : tensor<8x16xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.addf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  %z = arith.constant 0.0 : f32
  %er = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%s : tensor<8x16xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %o : f32
    linalg.yield %t : f32
  } -> tensor<8xf32>
  %d = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = arith.addf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  %q = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%d, %y : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %t = arith.mulf %a, %b : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  return %sum, %d, %q : tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>
}

// -----

// Attention's shapes. The head split (a transpose) and the rounding after it
// are one generic, the transpose read through its indexing map. The scaling
// of a batched GEMM's result and the causal mask after a reshape are one
// generic too: the scaling's loops are expanded to the mask's (the reshape
// moves to the GEMM's result). The GEMM itself stays a named op.
// CHECK-LABEL: func.func @attention_shapes
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[SPLIT:.*]], #{{.*}}], {{.*}} ins(%arg0 : tensor<2x4x2x8xf32>)
// CHECK: arith.negf
// CHECK: %[[S:.*]] = linalg.batch_matmul
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[\[}}0, 1], [2], [3]]
// CHECK: linalg.generic {{.*}} ins(%[[E]], %arg2 : tensor<2x2x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
// CHECK: return
#split_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#mask = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
func.func @attention_shapes(%q: tensor<2x4x2x8xf32>, %k: tensor<4x8x4xf32>, %m: tensor<4x4xf32>) -> (tensor<2x2x4x8xf32>, tensor<2x2x4x4xf32>) {
  %e0 = tensor.empty() : tensor<2x2x4x8xf32>
  %t = linalg.transpose ins(%q : tensor<2x4x2x8xf32>) outs(%e0 : tensor<2x2x4x8xf32>) permutation = [0, 2, 1, 3]
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<2x2x4x8xf32>) outs(%e0 : tensor<2x2x4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<2x2x4x8xf32>
  %c = tensor.collapse_shape %r [[0, 1], [2], [3]] : tensor<2x2x4x8xf32> into tensor<4x4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x4x4xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<4x4x4xf32>) -> tensor<4x4x4xf32>
  %s = linalg.batch_matmul ins(%c, %k : tensor<4x4x8xf32>, tensor<4x8x4xf32>) outs(%acc : tensor<4x4x4xf32>) -> tensor<4x4x4xf32>
  %scaled = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : tensor<4x4x4xf32>) outs(%e1 : tensor<4x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %h = arith.constant 0.5 : f32
    %p = arith.mulf %a, %h : f32
    linalg.yield %p : f32
  } -> tensor<4x4x4xf32>
  %x = tensor.expand_shape %scaled [[0, 1], [2], [3]] output_shape [2, 2, 4, 4] : tensor<4x4x4xf32> into tensor<2x2x4x4xf32>
  %e2 = tensor.empty() : tensor<2x2x4x4xf32>
  %masked = linalg.generic {indexing_maps = [#id4, #mask, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %m : tensor<2x2x4x4xf32>, tensor<4x4xf32>) outs(%e2 : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.addf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<2x2x4x4xf32>
  return %r, %masked : tensor<2x2x4x8xf32>, tensor<2x2x4x4xf32>
}
