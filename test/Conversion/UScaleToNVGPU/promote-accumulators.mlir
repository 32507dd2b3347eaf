// RUN: unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-promote-accumulators))' | FileCheck %s

// A bias gradient as convert-linalg-to-parallel-loops leaves it: each
// iteration loads and stores the accumulator out[d]. After the pass: one
// load before the loop, the sum carried in iter_args, one store after.
// CHECK-LABEL: func.func @column_sum
// CHECK: scf.parallel (%[[D:.*]]) =
// CHECK-NEXT: %[[INIT:.*]] = memref.load %arg1[%[[D]]]
// CHECK-NEXT: %[[SUM:.*]] = scf.for %[[T:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NEXT:   %[[X:.*]] = memref.load %arg0[%[[T]], %[[D]]]
// CHECK-NEXT:   %[[NEW:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT:   scf.yield %[[NEW]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: memref.store %[[SUM]], %arg1[%[[D]]]
func.func @column_sum(%x: memref<2048x1024xf32>, %out: memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%d) = (%c0) to (%c1024) step (%c1) {
    scf.for %t = %c0 to %c2048 step %c1 {
      %v = memref.load %x[%t, %d] : memref<2048x1024xf32>
      %a = memref.load %out[%d] : memref<1024xf32>
      %s = arith.addf %a, %v : f32
      memref.store %s, %out[%d] : memref<1024xf32>
    }
    scf.reduce
  }
  return
}

// A reduction over two dimensions: the inner loop is promoted first, which
// leaves a load and a store around it in the outer loop, promoted next.
// CHECK-LABEL: func.func @total
// CHECK: %[[I0:.*]] = memref.load %arg1[]
// CHECK-NEXT: %[[R:.*]] = scf.for {{.*}} iter_args(%[[A0:.*]] = %[[I0]]) -> (f32) {
// CHECK-NEXT:   %[[R2:.*]] = scf.for {{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (f32) {
// CHECK:          arith.addf %[[A1]]
// CHECK:        scf.yield %[[R2]] : f32
// CHECK: memref.store %[[R]], %arg1[]
// CHECK-NOT: memref.store
func.func @total(%x: memref<8x16xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c8 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %j] : memref<8x16xf32>
      %a = memref.load %out[] : memref<f32>
      %s = arith.addf %a, %v : f32
      memref.store %s, %out[] : memref<f32>
    }
  }
  return
}

// Not promoted: the loop also reads the accumulator's buffer elsewhere
// (through a view), or the index changes with the loop.
// CHECK-LABEL: func.func @kept
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
func.func @kept(%x: memref<16xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c16 = arith.constant 16 : index
  %view = memref.subview %out[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %x[%i] : memref<16xf32>
    %a = memref.load %out[%c0] : memref<4xf32>
    %w = memref.load %view[%c0] : memref<2xf32, strided<[1], offset: 1>>
    %s = arith.addf %a, %v : f32
    %t = arith.addf %s, %w : f32
    memref.store %t, %out[%c0] : memref<4xf32>
  }
  scf.for %i = %c0 to %c3 step %c1 {
    %a = memref.load %out[%i] : memref<4xf32>
    %s = arith.addf %a, %a : f32
    memref.store %s, %out[%i] : memref<4xf32>
  }
  return
}
