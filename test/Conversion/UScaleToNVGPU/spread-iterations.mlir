// RUN: unit-scale-opt %s --uscale-offload-to-gpu | FileCheck %s
// RUN: unit-scale-opt %s --uscale-offload-to-gpu="elements-per-thread=1" | FileCheck %s --check-prefix=ONE
// RUN: unit-scale-opt %s --uscale-offload-to-gpu="emulate=true" | FileCheck %s --check-prefix=EMU
// RUN: not unit-scale-opt %s --uscale-offload-to-gpu="elements-per-thread=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: uscale-offload-to-gpu: elements-per-thread must be in [1, 16], not 0
// RUN: unit-scale-opt %s --uscale-offload-to-gpu="emulate=true" --convert-scf-to-cf --expand-strided-metadata --lower-affine --convert-vector-to-llvm --finalize-memref-to-llvm --convert-math-to-llvm --convert-arith-to-llvm --convert-index-to-llvm --convert-cf-to-llvm --convert-func-to-llvm --reconcile-unrealized-casts \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefix=EXEC

// uscale-offload-to-gpu gives each thread of a long elementwise loop
// elements-per-thread (default 4) iterations, N / 4 apart: thread j runs
// iterations j, j + N/4, j + N/2, j + 3N/4, their loads and arithmetic
// first, then their stores in that order, so that each thread has four
// loads in flight and each of them is coalesced across a warp. The 2-D
// loop over 2048 x 1024 is one loop of 2M / 4 = 524288 iterations (2048
// blocks of 256 threads: at least two per SM; no bounds guard needed).
// CHECK-LABEL: func.func @square_plus(
// CHECK: scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%c524288) step
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%{{.*}}) step
// CHECK-NOT: scf.if
// CHECK: %[[J:.*]] = arith.addi %[[T]], %[[B]]
// CHECK: %[[C0:.*]] = arith.remsi %[[J]], %c1024
// CHECK: %[[R0:.*]] = arith.divsi %[[J]], %c1024
// CHECK: %[[X0:.*]] = memref.load %arg0[%[[R0]], %[[C0]]] : memref<2048x1024xf32>
// CHECK: %[[Y0:.*]] = arith.addf
// CHECK: %[[J1:.*]] = arith.addi %[[J]], %c524288
// CHECK: memref.load %arg0
// CHECK: %[[Y1:.*]] = arith.addf
// CHECK: %[[J2:.*]] = arith.addi %[[J]], %c1048576
// CHECK: memref.load %arg0
// CHECK: %[[Y2:.*]] = arith.addf
// CHECK: %[[J3:.*]] = arith.addi %[[J]], %c1572864
// CHECK: memref.load %arg0
// CHECK: %[[Y3:.*]] = arith.addf
// CHECK-NOT: memref.load
// CHECK: memref.store %[[Y0]], %arg1[%[[R0]], %[[C0]]]
// CHECK-NEXT: memref.store %[[Y1]], %arg1
// CHECK-NEXT: memref.store %[[Y2]], %arg1
// CHECK-NEXT: memref.store %[[Y3]], %arg1
// CHECK-NEXT: scf.reduce
// The emulated offload (the run below) spreads the same way.
// EMU-LABEL: func.func @square_plus(
// EMU-COUNT-4: memref.load
// EMU-COUNT-4: memref.store
// EMU: return
// ONE-LABEL: func.func @square_plus(
// ONE: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
// ONE-COUNT-1: memref.load
// ONE-NOT: memref.load
// ONE-COUNT-1: memref.store
// ONE-NOT: memref.store
// ONE: return
func.func @square_plus(%x: memref<2048x1024xf32>, %y: memref<2048x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2048, %c1024) step (%c1, %c1) {
    %a = memref.load %x[%i, %j] : memref<2048x1024xf32>
    %b = arith.mulf %a, %a : f32
    %c = arith.addf %b, %a : f32
    memref.store %c, %y[%i, %j] : memref<2048x1024xf32>
    scf.reduce
  }
  return
}

// A short loop (4 x 300) keeps one iteration per thread, and so does a
// long one whose body has a nested loop or reads after it stores.
// CHECK-LABEL: func.func @short(
// CHECK-COUNT-1: memref.load
// CHECK-NOT: memref.load
// CHECK: return
func.func @short(%x: memref<4x300xf32>, %y: memref<4x300xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c300 = arith.constant 300 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c300) step (%c1, %c1) {
    %a = memref.load %x[%i, %j] : memref<4x300xf32>
    memref.store %a, %y[%i, %j] : memref<4x300xf32>
    scf.reduce
  }
  return
}

// CHECK-LABEL: func.func @load_after_store(
// CHECK-COUNT-2: memref.load
// CHECK-NOT: memref.load
// CHECK: return
func.func @load_after_store(%x: memref<2048x1024xf32>, %y: memref<2048x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2048, %c1024) step (%c1, %c1) {
    %a = memref.load %x[%i, %j] : memref<2048x1024xf32>
    memref.store %a, %y[%i, %j] : memref<2048x1024xf32>
    %b = memref.load %y[%i, %j] : memref<2048x1024xf32>
    %c = arith.addf %a, %b : f32
    memref.store %c, %x[%i, %j] : memref<2048x1024xf32>
    scf.reduce
  }
  return
}

// Run on the CPU (emulate: host memory, the mapped loops as plain loops):
// the spread loop computes every element as the plain loop in @main does,
// x^2 + x for x = (i * 1024 + j) mod 1000 / 8.
// EXEC: mismatches 0
// EXEC: done
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %c0i = arith.constant 0 : i64
  %c1i = arith.constant 1 : i64
  %eighth = arith.constant 0.125 : f32
  %x = memref.alloc() : memref<2048x1024xf32>
  %y = memref.alloc() : memref<2048x1024xf32>
  scf.for %i = %c0 to %c2048 step %c1 {
    scf.for %j = %c0 to %c1024 step %c1 {
      %row = arith.muli %i, %c1024 : index
      %lin = arith.addi %row, %j : index
      %m = arith.remui %lin, %c1000 : index
      %mi = arith.index_cast %m : index to i64
      %mf = arith.uitofp %mi : i64 to f32
      %v = arith.mulf %mf, %eighth : f32
      memref.store %v, %x[%i, %j] : memref<2048x1024xf32>
    }
  }
  call @square_plus(%x, %y) : (memref<2048x1024xf32>, memref<2048x1024xf32>) -> ()
  %bad = scf.for %i = %c0 to %c2048 step %c1 iter_args(%n = %c0i) -> (i64) {
    %r = scf.for %j = %c0 to %c1024 step %c1 iter_args(%k = %n) -> (i64) {
      %a = memref.load %x[%i, %j] : memref<2048x1024xf32>
      %b = arith.mulf %a, %a : f32
      %want = arith.addf %b, %a : f32
      %got = memref.load %y[%i, %j] : memref<2048x1024xf32>
      %same = arith.cmpf oeq, %got, %want : f32
      %k1 = arith.addi %k, %c1i : i64
      %k2 = arith.select %same, %k, %k1 : i64
      scf.yield %k2 : i64
    }
    scf.yield %r : i64
  }
  vector.print str "mismatches "
  vector.print %bad : i64
  vector.print str "done\n"
  memref.dealloc %x : memref<2048x1024xf32>
  memref.dealloc %y : memref<2048x1024xf32>
  return
}
