// RUN: unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-gpu-loop-order))' | FileCheck %s
// RUN: unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-gpu-loop-order,convert-linalg-to-parallel-loops))' | FileCheck %s --check-prefix=LOOPS

// A bias gradient sums over tokens (loop 0) for each feature (loop 1). With
// the reduction first, the loop nest would be sequential at the top and run
// in one GPU thread; reordered, the features are the parallel loop and each
// sums its 2048 tokens in the same order as before.
// CHECK-DAG: #[[TOK:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[FEAT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @bias_grad
// CHECK: linalg.generic {indexing_maps = [#[[TOK]], #[[FEAT]]], iterator_types = ["parallel", "reduction"]}
// LOOPS-LABEL: func.func @bias_grad
// LOOPS: scf.parallel (%[[D:.*]]) = (%{{.*}}) to (%c1024)
// LOOPS-NEXT: scf.for %[[T:.*]] = %{{.*}} to %c2048
// LOOPS-NEXT: memref.load %{{.*}}[%[[T]], %[[D]]] : memref<2048x1024xf32>
#tok = affine_map<(t, d) -> (t, d)>
#feat = affine_map<(t, d) -> (d)>
func.func @bias_grad(%dy: memref<2048x1024xf32>, %g: memref<1024xf32>) {
  linalg.generic {indexing_maps = [#tok, #feat],
                  iterator_types = ["reduction", "parallel"]}
      ins(%dy : memref<2048x1024xf32>) outs(%g : memref<1024xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

// A named reduction over dimension 0 is generalized, then reordered.
// CHECK-LABEL: func.func @reduce_dim0
// CHECK-NOT: linalg.reduce
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// LOOPS-LABEL: func.func @reduce_dim0
// LOOPS: scf.parallel
// LOOPS-NEXT: scf.for
func.func @reduce_dim0(%x: memref<64x32xf32>, %out: memref<32xf32>) {
  linalg.reduce ins(%x : memref<64x32xf32>) outs(%out : memref<32xf32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
  return
}

// Parallel loops already outside (and a matmul, m n k): left alone.
// CHECK-LABEL: func.func @already
// CHECK: linalg.reduce
// CHECK: linalg.matmul
func.func @already(%x: memref<64x32xf32>, %out: memref<64xf32>,
                   %a: memref<8x16xf32>, %b: memref<16x4xf32>,
                   %c: memref<8x4xf32>) {
  linalg.reduce ins(%x : memref<64x32xf32>) outs(%out : memref<64xf32>) dimensions = [1]
    (%p: f32, %q: f32) {
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
    }
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>)
                outs(%c : memref<8x4xf32>)
  return
}
