// RUN: unit-scale-opt %s -split-input-file -uscale-cpu-gemm-calls -verify-diagnostics | FileCheck %s

// A plain f32 matmul on memrefs: every operand cast to a fully dynamic
// strided view, one call, the linalg op gone; the callee is declared once
// with the C interface (it lowers to _mlir_ciface_uscale_cpu_sgemm).
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<4x16xf32>)
// CHECK-NEXT: %[[CA:.*]] = memref.cast %[[A]] : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[CB:.*]] = memref.cast %[[B]] : memref<8x16xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: %[[CC:.*]] = memref.cast %[[C]] : memref<4x16xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-NEXT: call @uscale_cpu_sgemm(%[[CA]], %[[CB]], %[[CC]])
// CHECK-COUNT-3: memref.cast
// CHECK-NEXT: call @uscale_cpu_sgemm(
// CHECK-NEXT: return
// CHECK: func.func private @uscale_cpu_sgemm(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>) attributes {llvm.emit_c_interface}
// CHECK-NOT: func.func private @uscale_cpu_sgemm
func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}

// -----

// B read as B[n, k] (linear's transpose_weight): a transposed view, no copy.
// CHECK-LABEL: func.func @transposed_b(
// CHECK-SAME: %[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<16x8xf32>, %[[C:.*]]: memref<4x16xf32>)
// CHECK: %[[T:.*]] = memref.transpose %[[B]] (d0, d1) -> (d1, d0) : memref<16x8xf32> to memref<8x16xf32, strided<[1, 8]>>
// CHECK-NEXT: %[[CB:.*]] = memref.cast %[[T]] : memref<8x16xf32, strided<[1, 8]>> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: call @uscale_cpu_sgemm(%{{.*}}, %[[CB]], %{{.*}})
// CHECK-NOT: linalg.matmul
func.func @transposed_b(%a: memref<4x8xf32>, %b: memref<16x8xf32>, %c: memref<4x16xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                 affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<4x8xf32>, memref<16x8xf32>) outs(%c : memref<4x16xf32>)
  return
}

// -----

// A read as A[k, m]: its transposed view goes first.
// CHECK-LABEL: func.func @transposed_a(
// CHECK-SAME: %[[A:.*]]: memref<8x4xf64>
// CHECK: %[[T:.*]] = memref.transpose %[[A]] (d0, d1) -> (d1, d0) : memref<8x4xf64> to memref<4x8xf64, strided<[1, 4]>>
// CHECK-NEXT: memref.cast %[[T]] : memref<4x8xf64, strided<[1, 4]>> to memref<?x?xf64, strided<[?, ?], offset: ?>>
// CHECK: call @uscale_cpu_dgemm(
// CHECK: func.func private @uscale_cpu_dgemm(memref<?x?xf64, strided<[?, ?], offset: ?>>, {{.*}}) attributes {llvm.emit_c_interface}
func.func @transposed_a(%a: memref<8x4xf64>, %b: memref<8x16xf64>, %c: memref<4x16xf64>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                 affine_map<(m, n, k) -> (k, n)>,
                                 affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<8x4xf64>, memref<8x16xf64>) outs(%c : memref<4x16xf64>)
  return
}

// -----

// batch_matmul, f64, on a strided subview of C: the batched kernel.
// CHECK-LABEL: func.func @batched(
// CHECK: %[[S:.*]] = memref.subview
// CHECK: memref.cast %[[S]] : memref<2x4x16xf64, strided<[128, 16, 1], offset: 128>> to memref<?x?x?xf64, strided<[?, ?, ?], offset: ?>>
// CHECK: call @uscale_cpu_dgemm_batched(
// CHECK-NOT: linalg.batch_matmul
// CHECK: func.func private @uscale_cpu_dgemm_batched(memref<?x?x?xf64, strided<[?, ?, ?], offset: ?>>, {{.*}}) attributes {llvm.emit_c_interface}
func.func @batched(%a: memref<2x4x8xf64>, %b: memref<2x8x16xf64>, %c: memref<3x8x16xf64>) {
  %s = memref.subview %c[1, 0, 0] [2, 4, 16] [1, 1, 1] : memref<3x8x16xf64> to memref<2x4x16xf64, strided<[128, 16, 1], offset: 128>>
  linalg.batch_matmul ins(%a, %b : memref<2x4x8xf64>, memref<2x8x16xf64>) outs(%s : memref<2x4x16xf64, strided<[128, 16, 1], offset: 128>>)
  return
}

// -----

// The generic that uscale-cpu-loop-order makes of a matmul (loops m, k, n)
// is the same contraction.
// CHECK-LABEL: func.func @loop_ordered_generic(
// CHECK-NOT: linalg.generic
// CHECK: call @uscale_cpu_sgemm(
func.func @loop_ordered_generic(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                   affine_map<(d0, d1, d2) -> (d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0, d2)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Any dim order: A read as A[m, b, k], C written as C[b, n, m]. Both become
// views in the kernel's order ([b, m, k], [b, m, n]); C is written through
// its permuted strides.
// CHECK-LABEL: func.func @permuted_batch(
// CHECK-SAME: %[[A:.*]]: memref<4x2x8xf32>, %[[B:.*]]: memref<2x8x16xf32>, %[[C:.*]]: memref<2x16x4xf32>)
// CHECK: memref.transpose %[[A]] (d0, d1, d2) -> (d1, d0, d2) : memref<4x2x8xf32> to memref<2x4x8xf32, strided<[8, 16, 1]>>
// CHECK: memref.transpose %[[C]] (d0, d1, d2) -> (d0, d2, d1) : memref<2x16x4xf32> to memref<2x4x16xf32, strided<[64, 1, 4]>>
// CHECK: call @uscale_cpu_sgemm_batched(
func.func @permuted_batch(%a: memref<4x2x8xf32>, %b: memref<2x8x16xf32>, %c: memref<2x16x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (m, b, k)>,
                                   affine_map<(b, m, n, k) -> (b, k, n)>,
                                   affine_map<(b, m, n, k) -> (b, n, m)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x2x8xf32>, memref<2x8x16xf32>) outs(%c : memref<2x16x4xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: integer and mixed-type GEMMs, a GEMM on tensors (not yet
// bufferized), a generic that is not a multiply-accumulate, and a
// contraction with two k dims.
// CHECK-LABEL: func.func @left_alone(
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x8xi32>, memref<8x16xi32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x8xf16>, memref<8x16xf16>) outs(%{{.*}} : memref<4x16xf32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: linalg.generic
// CHECK-NOT: call
// CHECK-NOT: func.func private
func.func @left_alone(%ai: memref<4x8xi32>, %bi: memref<8x16xi32>, %ci: memref<4x16xi32>,
                      %ah: memref<4x8xf16>, %bh: memref<8x16xf16>, %cf: memref<4x16xf32>,
                      %at: tensor<4x8xf32>, %bt: tensor<8x16xf32>, %ct: tensor<4x16xf32>,
                      %a: memref<4x8xf32>, %b: memref<8x16xf32>,
                      %a3: memref<4x8x2xf32>, %b3: memref<8x2x16xf32>) -> tensor<4x16xf32> {
  linalg.matmul ins(%ai, %bi : memref<4x8xi32>, memref<8x16xi32>) outs(%ci : memref<4x16xi32>)
  linalg.matmul ins(%ah, %bh : memref<4x8xf16>, memref<8x16xf16>) outs(%cf : memref<4x16xf32>)
  %r = linalg.matmul ins(%at, %bt : tensor<4x8xf32>, tensor<8x16xf32>) outs(%ct : tensor<4x16xf32>) -> tensor<4x16xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                   affine_map<(d0, d1, d2) -> (d2, d1)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%cf : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.subf %z, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>,
                                   affine_map<(d0, d1, d2, d3) -> (d2, d3, d1)>,
                                   affine_map<(d0, d1, d2, d3) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a3, %b3 : memref<4x8x2xf32>, memref<8x2x16xf32>) outs(%cf : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return %r : tensor<4x16xf32>
}

// -----

// The kernel's name is taken by a function with a body.
// expected-error @+1 {{'uscale_cpu_sgemm' is reserved for the CPU GEMM kernel}}
func.func @uscale_cpu_sgemm(%a: memref<?x?xf32, strided<[?, ?], offset: ?>>, %b: memref<?x?xf32, strided<[?, ?], offset: ?>>, %c: memref<?x?xf32, strided<[?, ?], offset: ?>>) {
  return
}
func.func @clash(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}
