// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-fuse-rows))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-fuse-rows{max-rows=32}))' | FileCheck %s --check-prefix=FEW
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-fuse-rows,uscale-gpu-map-reductions{lane-unroll=1}))' | FileCheck %s --check-prefix=WARP
// RUN: not unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-fuse-rows{min-length=0}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// A softmax with its mask added, as convert-linalg-to-parallel-loops,
// uscale-promote-accumulators and uscale-fold-fills leave it: five loops
// over the same 64 rows of 256 (add, max, exp, sum, divide). They become
// one loop over the rows running, in order, the elementwise loops as
// nests over the columns and the reductions as they were; the allocations
// between them move above it.
// CHECK-LABEL: func.func @softmax
// CHECK-COUNT-4: memref.alloc()
// CHECK: scf.parallel (%[[R:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:   scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:     arith.addf
// CHECK:     memref.store %{{.*}}, %[[T:.*]][%[[R]], %[[C]]]
// CHECK:   %[[MAX:.*]] = scf.for %[[C2:.*]] = {{.*}} iter_args(%[[A:.*]] = %{{.*}}) -> (f32) {
// CHECK:     memref.load %[[T]][%[[R]], %[[C2]]]
// CHECK:     arith.maximumf
// CHECK:   memref.store %[[MAX]], %[[M:.*]][%[[R]]]
// CHECK:   scf.for
// CHECK:     memref.load %[[M]][%[[R]]]
// CHECK:     math.exp
// CHECK:   scf.for {{.*}} iter_args
// CHECK:     arith.addf
// CHECK:   memref.store
// CHECK:   scf.for
// CHECK:     arith.divf
// CHECK:   scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return
// Too many rows for max-rows: the loops stay apart.
// FEW-LABEL: func.func @softmax
// FEW-COUNT-5: scf.parallel
// With uscale-gpu-map-reductions after it: one warp per row (64 rows, one
// warp per block), every nest over columns lane, lane + 32, ...; each
// reduction's butterfly gives every lane the row's value, which the later
// nests use directly (no load of the per-row buffer), and lane 0 stores it.
// WARP-LABEL: func.func @softmax
// WARP: scf.parallel (%[[B:.*]]) = {{.*}} to (%c64{{.*}})
// WARP: scf.parallel (%[[T:.*]]) = {{.*}} to (%c32{{.*}})
// WARP: %[[LANE:.*]] = arith.remui %[[T]], %[[C32:.*]] : index
// WARP: %[[LANE0:.*]] = arith.cmpi eq, %[[LANE]]
// WARP: scf.if
// WARP: scf.for %{{.*}} = %[[LANE]] to %{{.*}} step %c32{{(_[0-9]+)?}} {
// WARP: %[[PART:.*]] = scf.for %{{.*}} = %[[LANE]] to %{{.*}} step %c32{{(_[0-9]+)?}} iter_args
// WARP: gpu.shuffle xor %[[PART]], %c16_i32
// WARP-COUNT-4: gpu.shuffle xor
// The start value (here a constant) folded in last.
// WARP: %[[MAX:.*]] = arith.maximumf %cst{{.*}}, %{{.*}} : f32
// WARP-NEXT: scf.if %[[LANE0]] {
// WARP-NEXT: memref.store %[[MAX]], %[[MB:.*]][%{{.*}}] : memref<64xf32>
// WARP: scf.for %{{.*}} = %[[LANE]] to %{{.*}} step %c32{{(_[0-9]+)?}} {
// WARP-NOT: memref.load %[[MB]]
// WARP: arith.subf %{{.*}}, %[[MAX]] : f32
// WARP: math.exp
// WARP-COUNT-5: gpu.shuffle xor
// WARP: %[[SUM:.*]] = arith.addf %cst{{.*}}, %{{.*}} : f32
// WARP-NEXT: scf.if %[[LANE0]] {
// WARP: scf.for %{{.*}} = %[[LANE]] to %{{.*}} step %c32{{(_[0-9]+)?}} {
// WARP: arith.divf %{{.*}}, %[[SUM]] : f32
// BAD: error: uscale-gpu-fuse-rows: max-rows and min-length must be at least 1, not 65536 and 0
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

// A loop that reads another column of what the run wrote (a shift) would
// read, in a warp per row, what another lane wrote: the run stops before
// it. The reduction and the loop before it still fuse.
// CHECK-LABEL: func.func @neighbour_column
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:   scf.for
// CHECK:   scf.for {{.*}} iter_args
// CHECK:   scf.reduce
// CHECK: scf.parallel (%[[R:.*]], %[[C:.*]]) =
// CHECK:   %[[N:.*]] = arith.addi %[[C]], %{{.*}} : index
// CHECK:   %[[M:.*]] = arith.minui %[[N]], %{{.*}} : index
// CHECK:   memref.load %{{.*}}[%[[R]], %[[M]]]
func.func @neighbour_column(%x: memref<64x257xf32>, %y: memref<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %c255 = arith.constant 255 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64x256xf32>
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %x[%r, %c] : memref<64x257xf32>
    memref.store %a, %t[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  %s = memref.alloc() : memref<64xf32>
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %t[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %n = arith.addi %c, %c1 : index
    %m = arith.minui %n, %c255 : index
    %a = memref.load %t[%r, %m] : memref<64x256xf32>
    %b = memref.load %s[%r] : memref<64xf32>
    %q = arith.divf %a, %b : f32
    memref.store %q, %y[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  return
}

// -----

// Columns that differ (a reduction over 128 of the 256) and rows that
// differ do not join: nothing to fuse around either reduction.
// CHECK-LABEL: func.func @other_shapes
// CHECK-COUNT-3: scf.parallel
// CHECK-NOT: scf.parallel
func.func @other_shapes(%x: memref<64x256xf32>, %s: memref<64xf32>, %u: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %x[%r, %c] : memref<64x256xf32>
    %b = arith.mulf %a, %a : f32
    memref.store %b, %x[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c32) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %u[%r] : memref<32xf32>
    scf.reduce
  }
  return
}

// -----

// A per-row buffer read before the reduction that writes it (another
// lane would store it while this one reads): not fused with it.
// CHECK-LABEL: func.func @read_before_write
// CHECK-COUNT-2: scf.parallel
func.func @read_before_write(%x: memref<64x256xf32>, %s: memref<64xf32>, %y: memref<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %x[%r, %c] : memref<64x256xf32>
    %b = memref.load %s[%r] : memref<64xf32>
    %q = arith.mulf %a, %b : f32
    memref.store %q, %y[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%r] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Rows of several dimensions (attention's scores: batch x heads x
// queries), as in the block step: the fused loop keeps them, and the warp
// per row delinearizes its row index into all three.
// CHECK-LABEL: func.func @rows_in_three_dims
// CHECK: scf.parallel (%[[B:.*]], %[[H:.*]], %[[Q:.*]]) = {{.*}} {
// CHECK:   %[[S:.*]] = scf.for %[[K:.*]] = {{.*}} iter_args
// CHECK:     memref.load %{{.*}}[%[[B]], %[[H]], %[[Q]], %[[K]]]
// CHECK:   memref.store %[[S]], %{{.*}}[%[[B]], %[[H]], %[[Q]]]
// CHECK:   scf.for %[[K2:.*]] =
// CHECK:     memref.store %{{.*}}, %{{.*}}[%[[B]], %[[H]], %[[Q]], %[[K2]]]
// CHECK:   scf.reduce
// 2 x 2 x 64 = 256 rows: a warp a block (more warps a block would leave
// fewer than two blocks per SM).
// WARP-LABEL: func.func @rows_in_three_dims
// WARP: scf.parallel (%[[BLK:.*]]) = {{.*}} to (%c256{{.*}})
// WARP: scf.parallel (%[[T:.*]]) = {{.*}} to (%c32{{.*}})
// WARP: %[[ROW:.*]] = arith.addi
// WARP: %[[Q:.*]] = arith.remui %[[ROW]], %c64{{.*}} : index
// WARP: %[[REST:.*]] = arith.divui %[[ROW]], %c64{{.*}} : index
// WARP: %[[H:.*]] = arith.remui %[[REST]], %c2{{.*}} : index
// WARP: %[[B:.*]] = arith.divui %[[REST]], %c2{{.*}} : index
// WARP: scf.for %[[K:.*]] = {{.*}} iter_args
// WARP:   memref.load %{{.*}}[%[[B]], %[[H]], %[[Q]], %[[K]]]
// WARP-COUNT-5: gpu.shuffle xor
// WARP: scf.for %[[K2:.*]] =
// WARP:   memref.store %{{.*}}, %{{.*}}[%[[B]], %[[H]], %[[Q]], %[[K2]]]
func.func @rows_in_three_dims(%x: memref<2x2x64x128xf32>, %y: memref<2x2x64x128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %s = memref.alloc() : memref<2x2x64xf32>
  scf.parallel (%b, %h, %q) = (%c0, %c0, %c0) to (%c2, %c2, %c64) step (%c1, %c1, %c1) {
    %v = scf.for %k = %c0 to %c128 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%b, %h, %q, %k] : memref<2x2x64x128xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%b, %h, %q] : memref<2x2x64xf32>
    scf.reduce
  }
  scf.parallel (%b, %h, %q, %k) = (%c0, %c0, %c0, %c0) to (%c2, %c2, %c64, %c128) step (%c1, %c1, %c1, %c1) {
    %a = memref.load %x[%b, %h, %q, %k] : memref<2x2x64x128xf32>
    %t = memref.load %s[%b, %h, %q] : memref<2x2x64xf32>
    %d = arith.divf %a, %t : f32
    memref.store %d, %y[%b, %h, %q, %k] : memref<2x2x64x128xf32>
    scf.reduce
  }
  memref.dealloc %s : memref<2x2x64xf32>
  return
}

// -----

// Two reductions storing to one per-row buffer: fused, a warp's lanes
// would read the row's value from the wrong one. The run shrinks: the sum
// stays a loop of its own, the max fuses with the division after it.
// CHECK-LABEL: func.func @two_stores_to_one_buffer
// CHECK: scf.parallel
// CHECK:   arith.addf
// CHECK:   scf.reduce
// CHECK: scf.parallel
// CHECK:   arith.maximumf
// CHECK:   arith.divf
// CHECK:   scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @two_stores_to_one_buffer(%x: memref<64x256xf32>, %s: memref<64xf32>, %y: memref<64x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%r, %c] : memref<64x256xf32>
      %n = arith.addf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c64) step (%c1) {
    %v = scf.for %c = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
      %a = memref.load %x[%r, %c] : memref<64x256xf32>
      %n = arith.maximumf %acc, %a : f32
      scf.yield %n : f32
    }
    memref.store %v, %s[%r] : memref<64xf32>
    scf.reduce
  }
  scf.parallel (%r, %c) = (%c0, %c0) to (%c64, %c256) step (%c1, %c1) {
    %a = memref.load %x[%r, %c] : memref<64x256xf32>
    %b = memref.load %s[%r] : memref<64xf32>
    %q = arith.divf %a, %b : f32
    memref.store %q, %y[%r, %c] : memref<64x256xf32>
    scf.reduce
  }
  return
}
