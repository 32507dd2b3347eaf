// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-atomic-accumulate))' | FileCheck %s

// An embedding gradient as the scatter-add's forall leaves it: one
// iteration per feature d, the tokens in order inside. After the pass: one
// parallel loop over (batch, token, feature), the feature innermost, adding
// with an atomic add into the row the token's id selects.
// CHECK-LABEL: func.func @embedding_grad
// CHECK: scf.parallel (%[[B:.*]], %[[T:.*]], %[[D:.*]]) = (%c0, %c0, %c0) to (%c8, %c256, %c1024)
// CHECK-NEXT: %[[ROW:.*]] = memref.subview %arg2[0, %[[D]]]
// CHECK-NEXT: %[[G:.*]] = memref.load %arg0[%[[B]], %[[T]], %[[D]]]
// CHECK-NEXT: %[[ID:.*]] = memref.load %arg1[%[[B]], %[[T]]]
// CHECK-NEXT: %[[I:.*]] = arith.index_cast %[[ID]]
// CHECK-NEXT: memref.atomic_rmw addf %[[G]], %[[ROW]][%[[I]]]
// CHECK-NEXT: scf.reduce
// CHECK-NOT: scf.for
func.func @embedding_grad(%g: memref<8x256x1024xf32>, %ids: memref<8x256xi64>,
                          %out: memref<256x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%d) = (%c0) to (%c1024) step (%c1) {
    %row = memref.subview %out[0, %d] [256, 1] [1, 1] : memref<256x1024xf32> to memref<256xf32, strided<[1024], offset: ?>>
    scf.for %b = %c0 to %c8 step %c1 {
      scf.for %t = %c0 to %c256 step %c1 {
        %v = memref.load %g[%b, %t, %d] : memref<8x256x1024xf32>
        %id = memref.load %ids[%b, %t] : memref<8x256xi64>
        %i = arith.index_cast %id : i64 to index
        %old = memref.load %row[%i] : memref<256xf32, strided<[1024], offset: ?>>
        %new = arith.addf %old, %v : f32
        memref.store %new, %row[%i] : memref<256xf32, strided<[1024], offset: ?>>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Left alone: a nest that also reads the accumulated buffer elsewhere (a
// running sum: iterations depend on each other through memory), and one
// that stores something besides the accumulation.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: atomic_rmw
// CHECK: return
func.func @left_alone(%g: memref<256x1024xf32>, %out: memref<256x1024xf32>,
                      %other: memref<256x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c255 = arith.constant 255 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%d) = (%c0) to (%c1024) step (%c1) {
    scf.for %t = %c0 to %c255 step %c1 {
      %v = memref.load %out[%t, %d] : memref<256x1024xf32>
      %t1 = arith.addi %t, %c1 : index
      %old = memref.load %out[%t1, %d] : memref<256x1024xf32>
      %new = arith.addf %old, %v : f32
      memref.store %new, %out[%t1, %d] : memref<256x1024xf32>
    }
    scf.reduce
  }
  scf.parallel (%d) = (%c0) to (%c1024) step (%c1) {
    scf.for %t = %c0 to %c255 step %c1 {
      %v = memref.load %g[%t, %d] : memref<256x1024xf32>
      memref.store %v, %other[%t, %d] : memref<256x1024xf32>
      %old = memref.load %out[%t, %d] : memref<256x1024xf32>
      %new = arith.addf %old, %v : f32
      memref.store %new, %out[%t, %d] : memref<256x1024xf32>
    }
    scf.reduce
  }
  return
}
