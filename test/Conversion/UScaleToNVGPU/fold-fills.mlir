// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-fold-fills))' | FileCheck %s

// A row sum's output filled with -0.0, then reduced: the reduction starts
// from -0.0 itself and the fill loop is gone. The value stored is the same
// one the load would have read.
// CHECK-LABEL: func.func @row_sum
// CHECK: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<64xf32>
// CHECK-NOT: memref.store %[[ZERO]]
// CHECK: scf.parallel (%[[R:.*]]) =
// CHECK-NOT: memref.load %[[OUT]]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]])
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[R]]]
// CHECK-NOT: scf.parallel
// CHECK: memref.copy %[[OUT]], %arg1
func.func @row_sum(%x: memref<64x128xf32>, %res: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant -0.0 : f32
  %out = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %out[%i] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %init = memref.load %out[%r] : memref<64xf32>
    %s = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<64x128xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %out[%r] : memref<64xf32>
    scf.reduce
  }
  memref.copy %out, %res : memref<64xf32> to memref<64xf32>
  return
}

// -----

// A batched product whose output is indexed (n, j, i) while the loop runs
// (n, i, j): still every element once. Ops in between that do not touch
// the buffer do not matter.
// CHECK-LABEL: func.func @permuted
// CHECK-COUNT-2: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK-NOT: memref.load %alloc
// CHECK: return
func.func @permuted(%a: memref<4x8x16xf32>, %b: memref<4x16x8xf32>, %y: memref<4x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<4x8x8xf32>
  scf.parallel (%n, %i, %j) = (%c0, %c0, %c0) to (%c4, %c8, %c8) step (%c1, %c1, %c1) {
    memref.store %zero, %out[%n, %i, %j] : memref<4x8x8xf32>
    scf.reduce
  }
  scf.parallel (%n, %i, %j) = (%c0, %c0, %c0) to (%c4, %c8, %c8) step (%c1, %c1, %c1) {
    %v = memref.load %y[%n, %i, %j] : memref<4x8x8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %y[%n, %i, %j] : memref<4x8x8xf32>
    scf.reduce
  }
  scf.parallel (%n, %i, %j) = (%c0, %c0, %c0) to (%c4, %c8, %c8) step (%c1, %c1, %c1) {
    %init = memref.load %out[%n, %j, %i] : memref<4x8x8xf32>
    %s = scf.for %k = %c0 to %c16 step %c1 iter_args(%acc = %init) -> (f32) {
      %p = memref.load %a[%n, %i, %k] : memref<4x8x16xf32>
      %q = memref.load %b[%n, %k, %j] : memref<4x16x8xf32>
      %m = arith.mulf %p, %q : f32
      %t = arith.addf %acc, %m : f32
      scf.yield %t : f32
    }
    memref.store %s, %out[%n, %j, %i] : memref<4x8x8xf32>
    scf.reduce
  }
  memref.copy %out, %y : memref<4x8x8xf32> to memref<4x8x8xf32>
  return
}

// -----

// Kept: the reduction covers half the buffer (the other half keeps the fill
// value); something reads the buffer between fill and reduction; the
// filled buffer is an argument (another argument may alias it).
// CHECK-LABEL: func.func @kept
// CHECK: %[[HALF:.*]] = memref.alloc()
// CHECK-COUNT-2: scf.parallel
// CHECK: memref.load %[[HALF]]
// CHECK: %[[READ:.*]] = memref.alloc()
// CHECK: scf.parallel
// CHECK: memref.copy %[[READ]]
// CHECK: scf.parallel
// CHECK: memref.load %[[READ]]
// CHECK-COUNT-2: scf.parallel
// CHECK: memref.load %arg1
func.func @kept(%x: memref<64x128xf32>, %arg: memref<64xf32>, %res: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %half = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %half[%i] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c32) step (%c1) {
    %init = memref.load %half[%r] : memref<64xf32>
    %s = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<64x128xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %half[%r] : memref<64xf32>
    scf.reduce
  }
  %read = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %read[%i] : memref<64xf32>
    scf.reduce
  }
  memref.copy %read, %res : memref<64xf32> to memref<64xf32>
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %init = memref.load %read[%r] : memref<64xf32>
    %s = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<64x128xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %read[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %arg[%i] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %init = memref.load %arg[%r] : memref<64xf32>
    %s = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<64x128xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %s, %arg[%r] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// A reduction to a scalar (the loss into its out-parameter): the start
// value is stored, loaded right back, and the sum stored over it. The sum
// starts from the value and the first store goes (nothing in between reads
// an argument). Where an argument is read in between (another argument may
// alias the out-parameter), the load still takes the value but the first
// store stays.
// CHECK-LABEL: func.func @loss
// CHECK-SAME: (%[[X:.*]]: memref<64xf32>, %[[OUT:.*]]: memref<f32>, %[[OUT2:.*]]: memref<f32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT: memref.store %[[ZERO]], %[[OUT]]
// CHECK: %[[S:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (f32)
// CHECK: memref.store %[[S]], %[[OUT]][]
// CHECK: memref.store %[[ZERO]], %[[OUT2]][]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (f32)
// CHECK:   memref.load %[[X]]
// CHECK: memref.store %{{.*}}, %[[OUT2]][]
func.func @loss(%x: memref<64xf32>, %out: memref<f32>, %out2: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64xf32>
  memref.copy %x, %t : memref<64xf32> to memref<64xf32>
  memref.store %zero, %out[] : memref<f32>
  %init = memref.load %out[] : memref<f32>
  %s = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (f32) {
    %v = memref.load %t[%i] : memref<64xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  memref.store %s, %out[] : memref<f32>
  memref.store %zero, %out2[] : memref<f32>
  %init2 = memref.load %out2[] : memref<f32>
  %s2 = scf.for %i = %c0 to %c64 step %c1 iter_args(%acc = %init2) -> (f32) {
    %v = memref.load %x[%i] : memref<64xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  memref.store %s2, %out2[] : memref<f32>
  memref.dealloc %t : memref<64xf32>
  return
}
