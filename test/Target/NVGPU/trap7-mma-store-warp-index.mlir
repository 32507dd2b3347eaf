// Trap 7, upstream behaviour that the two-warpgroup kernel relies on (kept
// as a test so that a change upstream is noticed): the lowering of
// nvgpu.warpgroup.mma.store computes each thread's row from the CTA-wide
// warp index, row = (tid / 32) * 16 + (tid % 32) / 4, with no "% 4" that
// would make it the warp's index within its warpgroup. So in a CTA of two
// warpgroups, warpgroup 1 (warps 4-7) already stores 64 rows further down.
// bench/gpu/candidates/fp8_gemm_2wg.mlir.in therefore stores both
// warpgroups' 64-row accumulators through the view of rows 0-63; storing
// warpgroup 1 through a view of rows 64-127 (the obvious code) put it at
// rows 128-191: garbage on an H100, or an illegal address where the tile
// ends at the shared-memory limit (seen, 2026-11-26).
//
// RUN: mlir-opt %s -convert-nvgpu-to-nvvm | FileCheck %s

!acc = !nvgpu.warpgroup.accumulator<fragmented = vector<64x128xf32>>

gpu.module @m {
  gpu.func @k(%dst: memref<64x128xf32, 3>) kernel {
    %c = nvgpu.warpgroup.mma.init.accumulator -> !acc
    nvgpu.warpgroup.mma.store %c, %dst : !acc to memref<64x128xf32, 3>
    gpu.return
  }
}

// CHECK-LABEL: gpu.func @k
// CHECK-DAG: %[[C4:.*]] = llvm.mlir.constant(4 : i32) : i32
// CHECK-DAG: %[[C16:.*]] = llvm.mlir.constant(16 : i32) : i32
// CHECK-DAG: %[[C32:.*]] = llvm.mlir.constant(32 : i32) : i32
// CHECK: %[[TID:.*]] = nvvm.read.ptx.sreg.tid.x : i32
// CHECK: %[[LANE:.*]] = llvm.urem %[[TID]], %[[C32]] : i32
// CHECK: %[[WARP:.*]] = llvm.udiv %[[TID]], %[[C32]] : i32
// CHECK-NOT: llvm.urem %[[WARP]]
// CHECK: %[[QUAD:.*]] = llvm.udiv %[[LANE]], %[[C4]] : i32
// CHECK: %[[WROW:.*]] = llvm.mul %[[WARP]], %[[C16]] : i32
// CHECK: llvm.add %[[QUAD]], %[[WROW]] : i32
