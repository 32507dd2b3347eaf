// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-merge-loops))' | FileCheck %s

// Three parameter updates (a 2-D and two 1-D ones, each on its own
// buffers) become one loop over 8 x 16 + 16 + 32 = 176 iterations: each
// segment checks its range (t - offset < trips, unsigned), recovers its
// loop's indices and runs that loop's body. A constant between two loops
// does not end the run.
// CHECK-LABEL: func.func @updates
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c176{{.*}}) step
// CHECK: %[[IN0:.*]] = arith.cmpi ult, %[[T]], %c128
// CHECK: scf.if %[[IN0]] {
// CHECK:   %[[J:.*]] = arith.remui %[[T]], %c16
// CHECK:   %[[I:.*]] = arith.divui %[[T]], %c16
// CHECK:   memref.load %arg0[%[[I]], %[[J]]]
// CHECK:   memref.store {{.*}}, %arg0[%[[I]], %[[J]]]
// CHECK: %[[L1:.*]] = arith.subi %[[T]], %c128
// CHECK: %[[IN1:.*]] = arith.cmpi ult, %[[L1]], %c16
// CHECK: scf.if %[[IN1]] {
// CHECK:   memref.load %arg1[%[[L1]]]
// CHECK: %[[L2:.*]] = arith.subi %[[T]], %c144
// CHECK: %[[IN2:.*]] = arith.cmpi ult, %[[L2]], %c32
// CHECK: scf.if %[[IN2]] {
// CHECK:   %[[K:.*]] = arith.muli %[[L2]], %c2
// CHECK:   memref.load %arg2[%[[K]]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @updates(%w: memref<8x16xf32>, %b: memref<16xf32>, %v: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %lr = arith.constant 0.5 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c16) step (%c1, %c1) {
    %x = memref.load %w[%i, %j] : memref<8x16xf32>
    %y = arith.mulf %x, %lr : f32
    memref.store %y, %w[%i, %j] : memref<8x16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %b[%i] : memref<16xf32>
    %y = arith.mulf %x, %lr : f32
    memref.store %y, %b[%i] : memref<16xf32>
    scf.reduce
  }
  %c2 = arith.constant 2 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c2) {
    %x = memref.load %v[%i] : memref<64xf32>
    %y = arith.mulf %x, %lr : f32
    memref.store %y, %v[%i] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Not merged: the second loop reads what the first writes (through a
// view); a loop with a nested loop; an allocation between two loops (an
// op with a memory effect ends a run). The last two loops are independent
// and adjacent: merged.
// CHECK-LABEL: func.func @dependent
// CHECK: scf.parallel ({{.*}}) to (%c16)
// CHECK: scf.parallel ({{.*}}) to (%c16)
// CHECK: scf.parallel ({{.*}}) to (%c16)
// CHECK: scf.for
// CHECK: memref.alloc
// CHECK: scf.parallel ({{.*}}) to (%c32{{.*}})
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @dependent(%a: memref<16xf32>, %b: memref<16xf32>, %c: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %a[%i] : memref<16xf32>
    memref.store %x, %b[%i] : memref<16xf32>
    scf.reduce
  }
  %view = memref.expand_shape %b [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %r = arith.divui %i, %c4 : index
    %s = arith.remui %i, %c4 : index
    %x = memref.load %view[%r, %s] : memref<4x4xf32>
    memref.store %x, %a[%i] : memref<16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %z = scf.for %k = %c0 to %c4 step %c1 iter_args(%acc = %i) -> (index) {
      %n = arith.addi %acc, %k : index
      scf.yield %n : index
    }
    %f = arith.index_cast %z : index to i32
    %g = arith.sitofp %f : i32 to f32
    memref.store %g, %b[%i] : memref<16xf32>
    scf.reduce
  }
  %fresh = memref.alloc() : memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %a[%i] : memref<16xf32>
    memref.store %x, %fresh[%i] : memref<16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %x = memref.load %c[%c0, %c0] : memref<4x4xf32>
    memref.store %x, %b[%i] : memref<16xf32>
    scf.reduce
  }
  memref.dealloc %fresh : memref<16xf32>
  return
}

// -----

// Forty independent copies, each between two 4x4 buffers (56 bytes of
// descriptor each): all forty in one kernel would take 4480 bytes of
// parameters, over the 4096 the pass allows, so they make two loops of 36
// and 4 copies (36 x 2 x 56 = 4032 bytes; 576 and 64 iterations).
// CHECK-LABEL: func.func @many
// CHECK: scf.parallel ({{.*}}) to (%c576{{.*}})
// CHECK: scf.parallel ({{.*}}) to (%c64{{.*}})
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @many(%a0: memref<4x4xf32>, %b0: memref<4x4xf32>, %a1: memref<4x4xf32>, %b1: memref<4x4xf32>, %a2: memref<4x4xf32>, %b2: memref<4x4xf32>, %a3: memref<4x4xf32>, %b3: memref<4x4xf32>, %a4: memref<4x4xf32>, %b4: memref<4x4xf32>, %a5: memref<4x4xf32>, %b5: memref<4x4xf32>, %a6: memref<4x4xf32>, %b6: memref<4x4xf32>, %a7: memref<4x4xf32>, %b7: memref<4x4xf32>, %a8: memref<4x4xf32>, %b8: memref<4x4xf32>, %a9: memref<4x4xf32>, %b9: memref<4x4xf32>, %a10: memref<4x4xf32>, %b10: memref<4x4xf32>, %a11: memref<4x4xf32>, %b11: memref<4x4xf32>, %a12: memref<4x4xf32>, %b12: memref<4x4xf32>, %a13: memref<4x4xf32>, %b13: memref<4x4xf32>, %a14: memref<4x4xf32>, %b14: memref<4x4xf32>, %a15: memref<4x4xf32>, %b15: memref<4x4xf32>, %a16: memref<4x4xf32>, %b16: memref<4x4xf32>, %a17: memref<4x4xf32>, %b17: memref<4x4xf32>, %a18: memref<4x4xf32>, %b18: memref<4x4xf32>, %a19: memref<4x4xf32>, %b19: memref<4x4xf32>, %a20: memref<4x4xf32>, %b20: memref<4x4xf32>, %a21: memref<4x4xf32>, %b21: memref<4x4xf32>, %a22: memref<4x4xf32>, %b22: memref<4x4xf32>, %a23: memref<4x4xf32>, %b23: memref<4x4xf32>, %a24: memref<4x4xf32>, %b24: memref<4x4xf32>, %a25: memref<4x4xf32>, %b25: memref<4x4xf32>, %a26: memref<4x4xf32>, %b26: memref<4x4xf32>, %a27: memref<4x4xf32>, %b27: memref<4x4xf32>, %a28: memref<4x4xf32>, %b28: memref<4x4xf32>, %a29: memref<4x4xf32>, %b29: memref<4x4xf32>, %a30: memref<4x4xf32>, %b30: memref<4x4xf32>, %a31: memref<4x4xf32>, %b31: memref<4x4xf32>, %a32: memref<4x4xf32>, %b32: memref<4x4xf32>, %a33: memref<4x4xf32>, %b33: memref<4x4xf32>, %a34: memref<4x4xf32>, %b34: memref<4x4xf32>, %a35: memref<4x4xf32>, %b35: memref<4x4xf32>, %a36: memref<4x4xf32>, %b36: memref<4x4xf32>, %a37: memref<4x4xf32>, %b37: memref<4x4xf32>, %a38: memref<4x4xf32>, %b38: memref<4x4xf32>, %a39: memref<4x4xf32>, %b39: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a0[%i, %j] : memref<4x4xf32>
    memref.store %x, %b0[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a1[%i, %j] : memref<4x4xf32>
    memref.store %x, %b1[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a2[%i, %j] : memref<4x4xf32>
    memref.store %x, %b2[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a3[%i, %j] : memref<4x4xf32>
    memref.store %x, %b3[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a4[%i, %j] : memref<4x4xf32>
    memref.store %x, %b4[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a5[%i, %j] : memref<4x4xf32>
    memref.store %x, %b5[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a6[%i, %j] : memref<4x4xf32>
    memref.store %x, %b6[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a7[%i, %j] : memref<4x4xf32>
    memref.store %x, %b7[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a8[%i, %j] : memref<4x4xf32>
    memref.store %x, %b8[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a9[%i, %j] : memref<4x4xf32>
    memref.store %x, %b9[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a10[%i, %j] : memref<4x4xf32>
    memref.store %x, %b10[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a11[%i, %j] : memref<4x4xf32>
    memref.store %x, %b11[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a12[%i, %j] : memref<4x4xf32>
    memref.store %x, %b12[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a13[%i, %j] : memref<4x4xf32>
    memref.store %x, %b13[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a14[%i, %j] : memref<4x4xf32>
    memref.store %x, %b14[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a15[%i, %j] : memref<4x4xf32>
    memref.store %x, %b15[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a16[%i, %j] : memref<4x4xf32>
    memref.store %x, %b16[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a17[%i, %j] : memref<4x4xf32>
    memref.store %x, %b17[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a18[%i, %j] : memref<4x4xf32>
    memref.store %x, %b18[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a19[%i, %j] : memref<4x4xf32>
    memref.store %x, %b19[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a20[%i, %j] : memref<4x4xf32>
    memref.store %x, %b20[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a21[%i, %j] : memref<4x4xf32>
    memref.store %x, %b21[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a22[%i, %j] : memref<4x4xf32>
    memref.store %x, %b22[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a23[%i, %j] : memref<4x4xf32>
    memref.store %x, %b23[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a24[%i, %j] : memref<4x4xf32>
    memref.store %x, %b24[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a25[%i, %j] : memref<4x4xf32>
    memref.store %x, %b25[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a26[%i, %j] : memref<4x4xf32>
    memref.store %x, %b26[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a27[%i, %j] : memref<4x4xf32>
    memref.store %x, %b27[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a28[%i, %j] : memref<4x4xf32>
    memref.store %x, %b28[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a29[%i, %j] : memref<4x4xf32>
    memref.store %x, %b29[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a30[%i, %j] : memref<4x4xf32>
    memref.store %x, %b30[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a31[%i, %j] : memref<4x4xf32>
    memref.store %x, %b31[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a32[%i, %j] : memref<4x4xf32>
    memref.store %x, %b32[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a33[%i, %j] : memref<4x4xf32>
    memref.store %x, %b33[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a34[%i, %j] : memref<4x4xf32>
    memref.store %x, %b34[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a35[%i, %j] : memref<4x4xf32>
    memref.store %x, %b35[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a36[%i, %j] : memref<4x4xf32>
    memref.store %x, %b36[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a37[%i, %j] : memref<4x4xf32>
    memref.store %x, %b37[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a38[%i, %j] : memref<4x4xf32>
    memref.store %x, %b38[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %x = memref.load %a39[%i, %j] : memref<4x4xf32>
    memref.store %x, %b39[%i, %j] : memref<4x4xf32>
    scf.reduce
  }
  return
}
