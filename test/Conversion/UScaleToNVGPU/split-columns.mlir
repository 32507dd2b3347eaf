// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{split-columns=true lane-unroll=4}))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{lane-unroll=4}))' | FileCheck %s --check-prefix=WARP

// A layer-norm scale's gradient: the column sums over 8 x 256 tokens of
// dy * xhat, 1024 outputs, as uscale-promote-accumulators leaves them. A
// warp per output would give each lane its own rows of one column (WARP);
// with split-columns, thread (c, j) sums rows c, c + 32, ... of column j
// (4 per trip, loads first, combined in row order) into partial[c, j], and
// a thread per column adds the 32 partials in order, then the old value.
// The offload maps both with j fastest: neighbouring threads, neighbouring
// columns.
// CHECK-LABEL: func.func @column_sum
// CHECK: %[[P:.*]] = memref.alloc() : memref<32x1024xf32>
// CHECK: scf.parallel (%[[C:.*]], %[[J:.*]]) = (%{{.*}}, %{{.*}}) to (%c32{{.*}}, %c1024{{.*}})
// CHECK:   %[[ID:.*]] = arith.constant -0.000000e+00 : f32
// CHECK:   %[[S:.*]] = scf.for %[[K:.*]] = %[[C]] to %c2048{{.*}} step %c128{{.*}} iter_args(%[[ACC:.*]] = %[[ID]]) -> (f32) {
// CHECK-COUNT-4: memref.load %arg0[%{{.*}}, %{{.*}}, %[[J]]]
// CHECK:     %[[A1:.*]] = arith.addf %[[ACC]]
// CHECK:     %[[A2:.*]] = arith.addf %[[A1]]
// CHECK:     %[[A3:.*]] = arith.addf %[[A2]]
// CHECK:     %[[A4:.*]] = arith.addf %[[A3]]
// CHECK:     scf.yield %[[A4]] : f32
// CHECK:   memref.store %[[S]], %[[P]][%[[C]], %[[J]]] : memref<32x1024xf32>
// CHECK-NOT: mapping
// CHECK: scf.parallel (%[[J2:.*]]) = (%{{.*}}) to (%c1024{{.*}})
// CHECK:   %[[OLD:.*]] = memref.load %arg2[%[[J2]]]
// CHECK:   %[[T:.*]] = scf.for %[[I:.*]] = %{{.*}} to %c32{{.*}} step %{{.*}} iter_args(%[[TACC:.*]] = %{{.*}}) -> (f32) {
// CHECK:     %[[V:.*]] = memref.load %[[P]][%[[I]], %[[J2]]]
// CHECK:     %[[N:.*]] = arith.addf %[[TACC]], %[[V]] : f32
// CHECK:     scf.yield %[[N]]
// CHECK:   %[[R:.*]] = arith.addf %[[OLD]], %[[T]] : f32
// CHECK:   memref.store %[[R]], %arg2[%[[J2]]]
// CHECK: memref.dealloc %[[P]]
// CHECK-NOT: gpu.shuffle
// CHECK: return
// WARP-LABEL: func.func @column_sum
// WARP-NOT: memref.alloc
// WARP: gpu.shuffle
func.func @column_sum(%dy: memref<8x256x1024xf32>, %xhat: memref<8x256x1024xf32>, %out: memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%j) = (%c0) to (%c1024) step (%c1) {
    %init = memref.load %out[%j] : memref<1024xf32>
    %s = scf.for %b = %c0 to %c8 step %c1 iter_args(%acc0 = %init) -> (f32) {
      %t = scf.for %r = %c0 to %c256 step %c1 iter_args(%acc = %acc0) -> (f32) {
        %u = memref.load %dy[%b, %r, %j] : memref<8x256x1024xf32>
        %v = memref.load %xhat[%b, %r, %j] : memref<8x256x1024xf32>
        %w = arith.mulf %u, %v : f32
        %n = arith.addf %acc, %w : f32
        scf.yield %n : f32
      }
      scf.yield %t : f32
    }
    memref.store %s, %out[%j] : memref<1024xf32>
    scf.reduce
  }
  return
}

// -----

// Row sums read along the reduction: not columns, a warp per row as ever.
// CHECK-LABEL: func.func @row_sum
// CHECK-NOT: memref.alloc
// CHECK: gpu.shuffle
func.func @row_sum(%x: memref<2048x1024xf32>, %out: memref<2048xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %s = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x1024xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  return
}

// -----

// A column count that is not a whole number of warps: left to the warps.
// CHECK-LABEL: func.func @odd_columns
// CHECK-NOT: memref.alloc
// CHECK: gpu.shuffle
func.func @odd_columns(%x: memref<2048x100xf32>, %out: memref<100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %c2048 = arith.constant 2048 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%j) = (%c0) to (%c100) step (%c1) {
    %s = scf.for %k = %c0 to %c2048 step %c1 iter_args(%acc = %zero) -> (f32) {
      %v = memref.load %x[%k, %j] : memref<2048x100xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%j] : memref<100xf32>
    scf.reduce
  }
  return
}

// -----

// A layer norm's scale and shift gradients as uscale-gpu-fuse-rows leaves
// them: one loop over the columns with two column sums (dy * xhat, dy).
// Both are split in the same two loops: one thread (c, j) runs both shares
// (each its own partial buffer), one thread per column both totals.
// CHECK-LABEL: func.func @scale_shift
// CHECK: %[[PS:.*]] = memref.alloc() : memref<32x1024xf32>
// CHECK: %[[PB:.*]] = memref.alloc() : memref<32x1024xf32>
// CHECK: scf.parallel (%[[C:.*]], %[[J:.*]]) = {{.*}} to (%c32{{.*}}, %c1024{{.*}})
// CHECK:   %[[S1:.*]] = scf.for {{.*}} = %[[C]] to %c2048{{.*}} step %c128
// CHECK:     arith.mulf
// CHECK:   memref.store %[[S1]], %[[PS]][%[[C]], %[[J]]]
// CHECK:   %[[S2:.*]] = scf.for {{.*}} = %[[C]] to %c2048{{.*}} step %c128
// CHECK-NOT: arith.mulf
// CHECK:   memref.store %[[S2]], %[[PB]][%[[C]], %[[J]]]
// CHECK: scf.parallel (%[[J2:.*]]) = {{.*}} to (%c1024{{.*}})
// CHECK:   memref.load %[[PS]]
// CHECK:   memref.store {{.*}}, %arg2[%[[J2]]]
// CHECK:   memref.load %[[PB]]
// CHECK:   memref.store {{.*}}, %arg3[%[[J2]]]
// CHECK: memref.dealloc %[[PS]]
// CHECK: memref.dealloc %[[PB]]
// CHECK-NOT: gpu.shuffle
// CHECK: return
func.func @scale_shift(%dy: memref<8x256x1024xf32>, %xhat: memref<8x256x1024xf32>, %dgamma: memref<1024xf32>, %dbeta: memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%j) = (%c0) to (%c1024) step (%c1) {
    %s = scf.for %b = %c0 to %c8 step %c1 iter_args(%a0 = %zero) -> (f32) {
      %t = scf.for %r = %c0 to %c256 step %c1 iter_args(%a = %a0) -> (f32) {
        %u = memref.load %dy[%b, %r, %j] : memref<8x256x1024xf32>
        %v = memref.load %xhat[%b, %r, %j] : memref<8x256x1024xf32>
        %w = arith.mulf %u, %v : f32
        %n = arith.addf %a, %w : f32
        scf.yield %n : f32
      }
      scf.yield %t : f32
    }
    memref.store %s, %dgamma[%j] : memref<1024xf32>
    %s2 = scf.for %b = %c0 to %c8 step %c1 iter_args(%a0 = %zero) -> (f32) {
      %t = scf.for %r = %c0 to %c256 step %c1 iter_args(%a = %a0) -> (f32) {
        %u = memref.load %dy[%b, %r, %j] : memref<8x256x1024xf32>
        %n = arith.addf %a, %u : f32
        scf.yield %n : f32
      }
      scf.yield %t : f32
    }
    memref.store %s2, %dbeta[%j] : memref<1024xf32>
    scf.reduce
  }
  return
}

// -----

// A row loop whose second nest reads what the first stored (a mean, then
// the deviations from it): not independent column sums, left to the warps.
// CHECK-LABEL: func.func @dependent
// CHECK-NOT: memref.alloc
// CHECK: gpu.shuffle
func.func @dependent(%x: memref<4x512x1024xf32>, %mean: memref<4x1024xf32>, %dev: memref<4x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c512 = arith.constant 512 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c1024) step (%c1, %c1) {
    %s = scf.for %k = %c0 to %c512 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = memref.load %x[%i, %k, %j] : memref<4x512x1024xf32>
      %n = arith.addf %a, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %mean[%i, %j] : memref<4x1024xf32>
    %s2 = scf.for %k = %c0 to %c512 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = memref.load %x[%i, %k, %j] : memref<4x512x1024xf32>
      %m = memref.load %mean[%i, %j] : memref<4x1024xf32>
      %d = arith.subf %v, %m : f32
      %n = arith.addf %a, %d : f32
      scf.yield %n : f32
    }
    memref.store %s2, %dev[%i, %j] : memref<4x1024xf32>
    scf.reduce
  }
  return
}
