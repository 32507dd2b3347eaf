// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-register-tile))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-register-tile{min-threads=1 rows=2 cols=8}))' | FileCheck %s --check-prefix=SMALL
// RUN: not unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-gpu-register-tile{rows=3}))' 2>&1 | FileCheck %s --check-prefix=BAD

// Attention's scores: 64 batched 256x256 outputs, each summing 128 products,
// as uscale-promote-accumulators leaves them. Each iteration of the new
// loop computes 4 x 4 outputs (262144 iterations, over the 67584 default
// minimum): 4 neighbouring rows (step 4) and 4 columns 64 apart (the column
// loop runs to 64), so that neighbouring threads touch neighbouring
// columns in each access. Per step of the reduction it loads 4 elements of
// A (one per row) and 4 of B (one per column), not 32, and carries all 16
// accumulators; the 16 outputs are loaded before and stored after, each at
// its own indices.
// CHECK-LABEL: func.func @scores
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[S4:.*]] = arith.constant 4 : index
// CHECK: scf.parallel (%[[N:.*]], %[[I:.*]], %[[J:.*]]) = {{.*}} to (%c64, %c256, %c64{{.*}}) step (%[[C1]], %[[S4]], %[[C1]])
// CHECK-DAG: %[[I1:.*]] = arith.addi %[[I]], %c1{{.*}} : index
// CHECK-DAG: %[[I2:.*]] = arith.addi %[[I]], %c2{{.*}} : index
// CHECK-DAG: %[[I3:.*]] = arith.addi %[[I]], %c3{{.*}} : index
// CHECK-DAG: %[[J1:.*]] = arith.addi %[[J]], %c64{{.*}} : index
// CHECK-DAG: %[[J3:.*]] = arith.addi %[[J]], %c192{{.*}} : index
// CHECK-COUNT-16: memref.load %arg2
// CHECK: %[[R:.*]]:16 = scf.for %[[K:.*]] = %c0 to %c128 step %c1 iter_args(%[[A0:[a-z0-9]+]] = %{{[0-9]+}}, %[[A1:[a-z0-9]+]] = %{{[0-9]+}}, {{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-NEXT: %[[X0:.*]] = memref.load %arg0[%[[N]], %[[I]], %[[K]]]
// CHECK-NEXT: memref.load %arg0[%[[N]], %[[I1]], %[[K]]]
// CHECK-NEXT: memref.load %arg0[%[[N]], %[[I2]], %[[K]]]
// CHECK-NEXT: %[[X3:.*]] = memref.load %arg0[%[[N]], %[[I3]], %[[K]]]
// CHECK-NEXT: %[[Y0:.*]] = memref.load %arg1[%[[N]], %[[K]], %[[J]]]
// CHECK-NEXT: %[[Y1:.*]] = memref.load %arg1[%[[N]], %[[K]], %[[J1]]]
// CHECK-NEXT: memref.load %arg1[%[[N]], %[[K]], %{{.*}}]
// CHECK-NEXT: %[[Y3:.*]] = memref.load %arg1[%[[N]], %[[K]], %[[J3]]]
// CHECK-NEXT: %[[P0:.*]] = arith.mulf %[[X0]], %[[Y0]]
// CHECK-NEXT: %[[P1:.*]] = arith.mulf %[[X0]], %[[Y1]]
// CHECK-COUNT-13: arith.mulf
// CHECK-NEXT: %[[P15:.*]] = arith.mulf %[[X3]], %[[Y3]]
// CHECK-NEXT: %[[S0:.*]] = arith.addf %[[A0]], %[[P0]]
// CHECK-NEXT: %[[S1:.*]] = arith.addf %[[A1]], %[[P1]]
// CHECK-COUNT-14: arith.addf
// CHECK-NEXT: scf.yield %[[S0]], %[[S1]],
// CHECK-NOT: memref.load
// CHECK: memref.store %[[R]]#0, %arg2[%[[N]], %[[I]], %[[J]]]
// CHECK-NEXT: memref.store %[[R]]#1, %arg2[%[[N]], %[[I]], %[[J1]]]
// CHECK-COUNT-13: memref.store
// CHECK-NEXT: memref.store %[[R]]#15, %arg2[%[[N]], %[[I3]], %[[J3]]]
// CHECK-NEXT: scf.reduce
// With rows=2 cols=8: two rows of eight outputs.
// SMALL-LABEL: func.func @scores
// SMALL: scf.parallel {{.*}} to (%c64, %c256, %c32{{.*}}) step (%{{.*}}, %c2{{.*}}, %c1{{.*}})
// SMALL: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// SMALL-COUNT-10: memref.load
// SMALL-NEXT: arith.mulf
func.func @scores(%a: memref<64x256x128xf32>, %b: memref<64x128x256xf32>,
                  %c: memref<64x256x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%n, %i, %j) = (%c0, %c0, %c0) to (%c64, %c256, %c256) step (%c1, %c1, %c1) {
    %init = memref.load %c[%n, %i, %j] : memref<64x256x256xf32>
    %r = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%n, %i, %k] : memref<64x256x128xf32>
      %y = memref.load %b[%n, %k, %j] : memref<64x128x256xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      scf.yield %s : f32
    }
    memref.store %r, %c[%n, %i, %j] : memref<64x256x256xf32>
    scf.reduce
  }
  return
}

// -----

// A product whose second operand is read transposed (B[j, k]) and an
// epilogue scale after the reduction: the copies of the epilogue are
// jammed too, one multiply per output. Rows are the first dimension (the
// only other one). 1024 x 512 outputs: 4 x 4 tiles leave 32768 iterations,
// under the default 67584, so the tile shrinks to 2 x 2 (131072).
// CHECK-LABEL: func.func @scaled_transposed
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = {{.*}} to (%c1024, %c256{{.*}}) step (%c2{{.*}}, %c1{{.*}})
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32) {
// CHECK-COUNT-4: memref.load
// CHECK-NOT: memref.load
// CHECK: scf.yield
// CHECK-COUNT-4: arith.mulf %{{.*}}, %cst
// SMALL-LABEL: func.func @scaled_transposed
// SMALL: to (%c1024, %c64{{.*}}) step (%c2{{.*}}, %c1{{.*}})
func.func @scaled_transposed(%a: memref<1024x64xf32>, %b: memref<512x64xf32>,
                             %c: memref<1024x512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %alpha = arith.constant 0.125 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c512) step (%c1, %c1) {
    %init = memref.load %c[%i, %j] : memref<1024x512xf32>
    %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (f32) {
      %x = memref.load %a[%i, %k] : memref<1024x64xf32>
      %y = memref.load %b[%j, %k] : memref<512x64xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      scf.yield %s : f32
    }
    %scaled = arith.mulf %r, %alpha : f32
    memref.store %scaled, %c[%i, %j] : memref<1024x512xf32>
    scf.reduce
  }
  return
}

// -----

// Left alone: a row reduction (every load depends on the row, and the
// columns are not a dimension of the loop), an elementwise loop (no
// reduction), and a loop whose body writes inside the reduction.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: to (%c512, %c512) step (%c1, %c1)
// CHECK-NOT: step (%c{{[248]}}
// SMALL-LABEL: func.func @left_alone
// SMALL-COUNT-3: step (%c1, %c1)
func.func @left_alone(%x: memref<512x512x64xf32>, %out: memref<512x512xf32>,
                      %y: memref<512x512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c512) step (%c1, %c1) {
    %init = memref.load %out[%i, %j] : memref<512x512xf32>
    %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%i, %j, %k] : memref<512x512x64xf32>
      %s = arith.addf %acc, %v : f32
      scf.yield %s : f32
    }
    memref.store %r, %out[%i, %j] : memref<512x512xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c512) step (%c1, %c1) {
    %v = memref.load %y[%i, %j] : memref<512x512xf32>
    %d = arith.addf %v, %v : f32
    memref.store %d, %out[%i, %j] : memref<512x512xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c512, %c512) step (%c1, %c1) {
    scf.for %k = %c0 to %c64 step %c1 {
      %v = memref.load %y[%i, %k] : memref<512x512xf32>
      memref.store %v, %out[%i, %j] : memref<512x512xf32>
    }
    scf.reduce
  }
  return
}

// BAD: error: uscale-gpu-register-tile: rows and cols must be powers of two with a product of at most 64, min-threads at least 1; not 3, 4, 67584
