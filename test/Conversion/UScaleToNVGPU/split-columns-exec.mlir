// RUN: unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{split-columns=true lane-unroll=4}))' | FileCheck %s
// RUN: unit-scale-opt %s --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{split-columns=true lane-unroll=4}),convert-scf-to-cf,expand-strided-metadata,lower-affine,convert-vector-to-llvm,finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)' \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs | FileCheck %s --check-prefix=EXEC

// The split column sums run (the parallel loops as plain loops) against
// the same sums in one loop per column, every output: small integers, so
// any order of the additions gives the same floats, and a share left out,
// counted twice or read from the wrong row or column is a mismatch.
// Both forms: a column sum alone, and two in one row loop (a layer
// norm's scale and shift gradients, as uscale-gpu-fuse-rows leaves them).
// CHECK-LABEL: func.func @column_sum
// CHECK: memref.alloc() : memref<32x1024xf32>
// CHECK-LABEL: func.func @scale_shift
// CHECK-COUNT-2: memref.alloc() : memref<32x1024xf32>
// EXEC: mismatches 0
// EXEC: row loop mismatches 0
// EXEC: done
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

// dgamma[j] = sum dy * xhat, dbeta[j] = sum dy over the tokens, from 0.
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

// x[b, r, j] = ((b * 256 + r) * k + j) mod m - m / 2, as a float.
func.func private @fill(%x: memref<8x256x1024xf32>, %k: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c2 = arith.constant 2 : index
  %half = arith.divui %m, %c2 : index
  scf.for %b = %c0 to %c8 step %c1 {
    scf.for %r = %c0 to %c256 step %c1 {
      scf.for %j = %c0 to %c1024 step %c1 {
        %row0 = arith.muli %b, %c256 : index
        %row = arith.addi %row0, %r : index
        %a = arith.muli %row, %k : index
        %l = arith.addi %a, %j : index
        %q = arith.remui %l, %m : index
        %qi = arith.index_cast %q : index to i64
        %hi = arith.index_cast %half : index to i64
        %d = arith.subi %qi, %hi : i64
        %f = arith.sitofp %d : i64 to f32
        memref.store %f, %x[%b, %r, %j] : memref<8x256x1024xf32>
      }
    }
  }
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c13 = arith.constant 13 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c0i = arith.constant 0 : i64
  %c1i = arith.constant 1 : i64
  %dy = memref.alloc() : memref<8x256x1024xf32>
  %xhat = memref.alloc() : memref<8x256x1024xf32>
  %out = memref.alloc() : memref<1024xf32>
  call @fill(%dy, %c7, %c13) : (memref<8x256x1024xf32>, index, index) -> ()
  call @fill(%xhat, %c3, %c5) : (memref<8x256x1024xf32>, index, index) -> ()
  // The old values: j mod 7.
  scf.for %j = %c0 to %c1024 step %c1 {
    %q = arith.remui %j, %c7 : index
    %qi = arith.index_cast %q : index to i64
    %f = arith.sitofp %qi : i64 to f32
    memref.store %f, %out[%j] : memref<1024xf32>
  }
  call @column_sum(%dy, %xhat, %out) : (memref<8x256x1024xf32>, memref<8x256x1024xf32>, memref<1024xf32>) -> ()
  %bad = scf.for %j = %c0 to %c1024 step %c1 iter_args(%n = %c0i) -> (i64) {
    %q = arith.remui %j, %c7 : index
    %qi = arith.index_cast %q : index to i64
    %init = arith.sitofp %qi : i64 to f32
    %want = scf.for %b = %c0 to %c8 step %c1 iter_args(%acc0 = %init) -> (f32) {
      %t = scf.for %r = %c0 to %c256 step %c1 iter_args(%acc = %acc0) -> (f32) {
        %u = memref.load %dy[%b, %r, %j] : memref<8x256x1024xf32>
        %v = memref.load %xhat[%b, %r, %j] : memref<8x256x1024xf32>
        %w = arith.mulf %u, %v : f32
        %s = arith.addf %acc, %w : f32
        scf.yield %s : f32
      }
      scf.yield %t : f32
    }
    %got = memref.load %out[%j] : memref<1024xf32>
    %same = arith.cmpf oeq, %got, %want : f32
    %n1 = arith.addi %n, %c1i : i64
    %n2 = arith.select %same, %n, %n1 : i64
    scf.yield %n2 : i64
  }
  vector.print str "mismatches "
  vector.print %bad : i64
  %g = memref.alloc() : memref<1024xf32>
  %bt = memref.alloc() : memref<1024xf32>
  call @scale_shift(%dy, %xhat, %g, %bt) : (memref<8x256x1024xf32>, memref<8x256x1024xf32>, memref<1024xf32>, memref<1024xf32>) -> ()
  %zero = arith.constant 0.0 : f32
  %bad2 = scf.for %j = %c0 to %c1024 step %c1 iter_args(%n = %c0i) -> (i64) {
    %want:2 = scf.for %b = %c0 to %c8 step %c1 iter_args(%p0 = %zero, %q0 = %zero) -> (f32, f32) {
      %t:2 = scf.for %r = %c0 to %c256 step %c1 iter_args(%p = %p0, %q = %q0) -> (f32, f32) {
        %u = memref.load %dy[%b, %r, %j] : memref<8x256x1024xf32>
        %v = memref.load %xhat[%b, %r, %j] : memref<8x256x1024xf32>
        %w = arith.mulf %u, %v : f32
        %p1 = arith.addf %p, %w : f32
        %q1 = arith.addf %q, %u : f32
        scf.yield %p1, %q1 : f32, f32
      }
      scf.yield %t#0, %t#1 : f32, f32
    }
    %gg = memref.load %g[%j] : memref<1024xf32>
    %gb = memref.load %bt[%j] : memref<1024xf32>
    %s1 = arith.cmpf oeq, %gg, %want#0 : f32
    %s2 = arith.cmpf oeq, %gb, %want#1 : f32
    %both = arith.andi %s1, %s2 : i1
    %n1 = arith.addi %n, %c1i : i64
    %n2 = arith.select %both, %n, %n1 : i64
    scf.yield %n2 : i64
  }
  vector.print str "row loop mismatches "
  vector.print %bad2 : i64
  vector.print str "done\n"
  memref.dealloc %g : memref<1024xf32>
  memref.dealloc %bt : memref<1024xf32>
  memref.dealloc %dy : memref<8x256x1024xf32>
  memref.dealloc %xhat : memref<8x256x1024xf32>
  memref.dealloc %out : memref<1024xf32>
  return
}
