// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{lane-unroll=1}))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{min-length=2048 lane-unroll=1}))' | FileCheck %s --check-prefix=LONG

// A layer norm's row sums (2048 rows of 1024) as uscale-promote-accumulators
// leaves them: one warp per row. 2048 outputs in blocks of 4 warps (512
// blocks: at least two per SM); lane l reads elements l, l+32, ... of its
// row (coalesced), from the identity -0.0; a butterfly of five xor shuffles;
// lane 0 adds the old value and stores.
// CHECK-LABEL: func.func @row_sum
// CHECK: scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%c512)
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c128)
// CHECK: %[[LANE:.*]] = arith.remui %[[T]], %[[C32:.*]] : index
// CHECK: %[[FIRSTROW:.*]] = arith.muli %[[B]], %c4 : index
// CHECK: %[[WARP:.*]] = arith.divui %[[T]], %[[C32]] : index
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRSTROW]], %[[WARP]] : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %c2048{{.*}} : index
// CHECK: %[[SHARE:.*]] = scf.if %[[IN]] -> (f32) {
// CHECK:   %[[ID:.*]] = arith.constant -0.000000e+00 : f32
// CHECK:   scf.for %[[K:.*]] = %[[LANE]] to %c1024{{.*}} step %c32{{(_[0-9]+)?}} iter_args(%[[ACC:.*]] = %[[ID]]) -> (f32) {
// CHECK:     %[[X:.*]] = memref.load %arg0[%[[ROW]], %[[K]]]
// CHECK:     %[[Y:.*]] = arith.mulf %[[X]]
// CHECK:     arith.addf %[[ACC]], %[[Y]] : f32
// CHECK: } else {
// CHECK: gpu.shuffle xor %[[SHARE]], %c16_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor {{.*}}, %c8_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor {{.*}}, %c4_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor {{.*}}, %c2_i32, %c32_i32 : f32
// CHECK: %[[LAST:.*]], %{{.*}} = gpu.shuffle xor {{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: %[[TOTAL:.*]] = arith.addf {{.*}}, %[[LAST]] : f32
// CHECK: %[[LANE0:.*]] = arith.cmpi eq, %[[LANE]], %{{.*}} : index
// CHECK: %[[FIRST:.*]] = arith.andi %[[IN]], %[[LANE0]] : i1
// CHECK: scf.if %[[FIRST]] {
// CHECK:   %[[OLD:.*]] = memref.load %arg1[%[[ROW]]]
// CHECK:   %[[NEW:.*]] = arith.addf %[[OLD]], %[[TOTAL]] : f32
// CHECK:   memref.store %[[NEW]], %arg1[%[[ROW]]]
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// Rows shorter than min-length keep one thread per output (unmapped here).
// LONG-LABEL: func.func @row_sum
// LONG-NOT: gpu.shuffle
// LONG-NOT: mapping
// LONG: return
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

// A softmax row maximum over a two-dimensional outputs loop (8 x 256 rows
// of 256): the outputs are delinearized from the warp's index, the
// identity is -inf, and the combining op is kept as it was (maximumf, the
// accumulator second).
// LONG-LABEL: func.func @row_max
// LONG-NOT: gpu.shuffle
// LONG: return
// CHECK-LABEL: func.func @row_max
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: %[[OUT:.*]] = arith.addi
// CHECK: %[[C256:.*]] = arith.constant 256 : index
// CHECK: %[[J:.*]] = arith.remui %[[OUT]], %[[C256]]
// CHECK: %[[I:.*]] = arith.divui %[[OUT]], %[[C256]]
// CHECK: scf.if
// CHECK: %[[ID:.*]] = arith.constant 0xFF800000 : f32
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[ID]])
// CHECK:   %[[V:.*]] = memref.load %arg0[{{.*}}, {{.*}}, %{{.*}}]
// CHECK:   arith.maximumf %[[V]], %[[ACC]] : f32
// CHECK: gpu.shuffle xor
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: memref.store {{.*}}, %arg1[%{{.*}}, %{{.*}}]
func.func @row_max(%x: memref<8x256x256xf32>, %out: memref<8x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c256) step (%c1, %c1) {
    %init = memref.load %out[%i, %j] : memref<8x256xf32>
    %m = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%i, %j, %k] : memref<8x256x256xf32>
      %n = arith.maximumf %v, %acc : f32
      scf.yield %n : f32
    }
    memref.store %m, %out[%i, %j] : memref<8x256xf32>
    scf.reduce
  }
  return
}

// -----

// A bias gradient: a column sum over a nest (8 x 256 rows). The nest is
// flattened into one loop of 2048 iterations shared by the lanes, its
// indices delinearized (k / 256, k % 256).
// The whole nest counts towards min-length (8 x 256 = 2048).
// LONG-LABEL: func.func @column_sum_nest
// LONG: gpu.shuffle
// CHECK-LABEL: func.func @column_sum_nest
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %c2048{{.*}} step %{{.*}} iter_args
// CHECK:   %[[C256:.*]] = arith.constant 256 : index
// CHECK:   %[[T:.*]] = arith.remui %[[K]], %[[C256]]
// CHECK:   %[[B:.*]] = arith.divui %[[K]], %[[C256]]
// CHECK:   memref.load %arg0[%[[B]], %[[T]], %{{.*}}] : memref<8x256x1024xf32>
// CHECK-NOT: scf.for
// CHECK: gpu.shuffle xor
func.func @column_sum_nest(%x: memref<8x256x1024xf32>, %out: memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%d) = (%c0) to (%c1024) step (%c1) {
    %init = memref.load %out[%d] : memref<1024xf32>
    %r = scf.for %b = %c0 to %c8 step %c1 iter_args(%a0 = %init) -> (f32) {
      %r2 = scf.for %t = %c0 to %c256 step %c1 iter_args(%a1 = %a0) -> (f32) {
        %v = memref.load %x[%b, %t, %d] : memref<8x256x1024xf32>
        %n = arith.addf %v, %a1 : f32
        scf.yield %n : f32
      }
      scf.yield %r2 : f32
    }
    memref.store %r, %out[%d] : memref<1024xf32>
    scf.reduce
  }
  return
}

// -----

// Left alone: too many outputs for warps to pay (a batched GEMM's 4M dot
// products of 128: one thread each already fills the GPU); a combining op
// that is not a handled reduction (a product); a body that stores.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.shuffle
// CHECK-NOT: mapping
// CHECK: return
func.func @left_alone(%a: memref<64x256x128xf32>, %b: memref<64x128x256xf32>,
                      %c: memref<64x256x256xf32>, %x: memref<2048x1024xf32>,
                      %out: memref<2048xf32>, %tmp: memref<1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c64, %c256, %c256) step (%c1, %c1, %c1) {
    %init = memref.load %c[%i, %j, %k] : memref<64x256x256xf32>
    %s = scf.for %l = %c0 to %c128 step %c1 iter_args(%acc = %init) -> (f32) {
      %u = memref.load %a[%i, %j, %l] : memref<64x256x128xf32>
      %v = memref.load %b[%i, %l, %k] : memref<64x128x256xf32>
      %m = arith.mulf %u, %v : f32
      %n = arith.addf %acc, %m : f32
      scf.yield %n : f32
    }
    memref.store %s, %c[%i, %j, %k] : memref<64x256x256xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %p = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x1024xf32>
      %n = arith.mulf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %p, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  scf.parallel (%r) = (%c0) to (%c2048) step (%c1) {
    %init = memref.load %out[%r] : memref<2048xf32>
    %p = scf.for %k = %c0 to %c1024 step %c1 iter_args(%acc = %init) -> (f32) {
      %v = memref.load %x[%r, %k] : memref<2048x1024xf32>
      memref.store %v, %tmp[%k] : memref<1024xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %p, %out[%r] : memref<2048xf32>
    scf.reduce
  }
  return
}

// -----

// A bad option is an error, not a silently empty mapping.
// RUN: not unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-map-reductions{min-length=0}))' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: uscale-gpu-map-reductions: max-outputs and min-length must be at least 1, not 65536 and 0
func.func @nothing() {
  return
}

// -----

// A reduction to a scalar (the loss over 2048 tokens, started from its
// value as uscale-fold-fills leaves it): one output, one warp, instead of a
// one-thread kernel walking all 2048.
// CHECK-LABEL: func.func @loss
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1{{.*}})
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%c32{{.*}})
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2048{{.*}} step %c32
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %arg1[] : memref<f32>
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = thread_x
// LONG-LABEL: func.func @loss
// LONG: gpu.shuffle xor
func.func @loss(%x: memref<2048xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2048 = arith.constant 2048 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c2048 step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %x[%i] : memref<2048xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  memref.store %s, %out[] : memref<f32>
  return
}
