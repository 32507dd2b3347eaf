// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{lane-unroll=4}))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions))' | FileCheck %s --check-prefix=EIGHT
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-fuse-rows,uscale-gpu-map-reductions{lane-unroll=4}))' | FileCheck %s --check-prefix=ROWS
// RUN: not unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{lane-unroll=3}))' 2>&1 | FileCheck %s --check-prefix=BAD

// uscale-gpu-map-reductions runs lane-unroll (default 8; 4 in the CHECK
// run) iterations of a lane's loop per trip: the trip's loads and products first, then the
// additions in iteration order (lane, lane + 32, lane + 64, lane + 96), the
// one-at-a-time loop's order, so the sum is the same bit for bit and each
// thread has four loads in flight instead of one.
// CHECK-LABEL: func.func @row_sum
// CHECK: %[[LANE:.*]] = arith.remui
// CHECK: scf.for %[[K:.*]] = %[[LANE]] to %c1024{{.*}} step %c128{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK-NEXT: %[[X0:.*]] = memref.load %arg0[%{{.*}}, %[[K]]]
// CHECK-NEXT: %[[Y0:.*]] = arith.mulf %[[X0]]
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[K1:.*]] = arith.addi %[[K]], %[[C32]]
// CHECK-NEXT: %[[X1:.*]] = memref.load %arg0[%{{.*}}, %[[K1]]]
// CHECK-NEXT: %[[Y1:.*]] = arith.mulf %[[X1]]
// CHECK: %[[K2:.*]] = arith.addi %[[K]], %c64
// CHECK-NEXT: %[[X2:.*]] = memref.load %arg0[%{{.*}}, %[[K2]]]
// CHECK-NEXT: %[[Y2:.*]] = arith.mulf %[[X2]]
// CHECK: %[[K3:.*]] = arith.addi %[[K]], %c96
// CHECK-NEXT: %[[X3:.*]] = memref.load %arg0[%{{.*}}, %[[K3]]]
// CHECK-NEXT: %[[Y3:.*]] = arith.mulf %[[X3]]
// CHECK-NEXT: %[[S0:.*]] = arith.addf %[[ACC]], %[[Y0]] : f32
// CHECK-NEXT: %[[S1:.*]] = arith.addf %[[S0]], %[[Y1]] : f32
// CHECK-NEXT: %[[S2:.*]] = arith.addf %[[S1]], %[[Y2]] : f32
// CHECK-NEXT: %[[S3:.*]] = arith.addf %[[S2]], %[[Y3]] : f32
// CHECK-NEXT: scf.yield %[[S3]] : f32
// CHECK: gpu.shuffle xor
// lane-unroll=8: eight per trip (a lane's 32 iterations divide by 8).
// EIGHT-LABEL: func.func @row_sum
// EIGHT: scf.for %{{.*}} step %c256{{.*}} iter_args
// EIGHT-COUNT-8: memref.load %arg0
// EIGHT-COUNT-8: arith.addf
// EIGHT-NEXT: scf.yield
func.func @row_sum(%x: memref<2048x1024xf32>, %out: memref<2048xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %scale = arith.constant 9.765625E-4 : f32
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %s = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x1024xf32>
      %w = arith.mulf %v, %scale : f32
      %n = arith.addf %acc, %w : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  return
}

// -----

// A lane's share of 96 (3 iterations) divides by neither 4 nor 2: one per
// trip, as before.
// CHECK-LABEL: func.func @odd_share
// CHECK: scf.for %{{.*}} step %c32{{.*}} iter_args
// CHECK-COUNT-1: memref.load %arg0
// CHECK-NOT: memref.load %arg0
// CHECK: scf.yield
func.func @odd_share(%x: memref<2048x96xf32>, %out: memref<2048xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c96 = arith.constant 96 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %s = scf.for %k = %c0 to %c96 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x96xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  return
}

// -----

// A combine whose result is used again in the body cannot wait for the
// end of the trip: one per trip.
// CHECK-LABEL: func.func @combine_reused
// CHECK: scf.for %{{.*}} step %c32{{.*}} iter_args
// CHECK-COUNT-1: memref.load %arg0
// CHECK-NOT: memref.load %arg0
// CHECK: scf.yield
func.func @combine_reused(%x: memref<2048x1024xf32>, %out: memref<2048xf32>, %dbg: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %s = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x1024xf32>
      %n = arith.addf %acc, %v : f32
      %sq = arith.mulf %n, %n : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  return
}

// -----

// A row loop (uscale-gpu-fuse-rows: a softmax's five loops over 64 rows of
// 256): a lane's share is 8 columns, 4 per trip. In the elementwise nests
// the trip's loads and arithmetic come first, then its four stores (each
// to its own column, in iteration order); in the reductions the values
// first, then the combines in order.
// ROWS-LABEL: func.func @softmax
// ROWS: scf.for %{{.*}} step %c128{{.*}} {
// ROWS-COUNT-4: arith.addf
// ROWS-NEXT: memref.store
// ROWS-NEXT: memref.store
// ROWS-NEXT: memref.store
// ROWS-NEXT: memref.store
// ROWS-NEXT: }
// ROWS: scf.for %{{.*}} step %c128{{.*}} iter_args
// ROWS-COUNT-4: memref.load
// ROWS-NEXT: arith.maximumf
// ROWS-NEXT: arith.maximumf
// ROWS-NEXT: arith.maximumf
// ROWS-NEXT: arith.maximumf
// ROWS-NEXT: scf.yield
// ROWS: scf.for %{{.*}} step %c128{{.*}} {
// ROWS-COUNT-4: math.exp
// ROWS-NEXT: memref.store
// ROWS: scf.for %{{.*}} step %c128{{.*}} iter_args
// ROWS: scf.for %{{.*}} step %c128{{.*}} {
// ROWS-COUNT-4: arith.divf
// ROWS-NEXT: memref.store
func.func @softmax(%x: memref<64x256xf32>, %m: memref<256xf32>, %y: memref<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %t = memref.alloc() : memref<64x256xf32>
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %x[%r, %c] : memref<64x256xf32>
    %b = memref.load %m[%c] : memref<256xf32>
    %s = arith.addf %a, %b : f32
    memref.store %s, %t[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  %mx = memref.alloc() : memref<64xf32>
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %ninf) -> (f32) {
      %a = memref.load %t[%r, %c] : memref<64x256xf32>
      %n = arith.maximumf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %mx[%r] : memref<64xf32>
    scf.reduce
  }
  %e = memref.alloc() : memref<64x256xf32>
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %t[%r, %c] : memref<64x256xf32>
    %b = memref.load %mx[%r] : memref<64xf32>
    %d = arith.subf %a, %b : f32
    %x2 = math.exp %d : f32
    memref.store %x2, %e[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  %sm = memref.alloc() : memref<64xf32>
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %e[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %sm[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %e[%r, %c] : memref<64x256xf32>
    %b = memref.load %sm[%r] : memref<64xf32>
    %q = arith.divf %a, %b : f32
    memref.store %q, %y[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  memref.dealloc %t : memref<64x256xf32>
  memref.dealloc %mx : memref<64xf32>
  memref.dealloc %e : memref<64x256xf32>
  memref.dealloc %sm : memref<64xf32>
  return
}

// -----

// BAD: error: uscale-gpu-map-reductions: lane-unroll must be 1, 2, 4, 8 or 16, not 3
func.func @nothing() {
  return
}
