// Trap 2, the upstream behaviour this project works around (kept as a test
// so that a fix upstream is noticed): one nvgpu.warpgroup.mma on a
// 128 x 128 fp8 tile is split into 8 wgmma m64n128k32, and the descriptors
// are stepped as if the tiles were f16-like. Descriptor addresses count
// 16-byte units. In 128-byte-swizzled K-major shared memory an fp8 tile
// row is 128 bytes, so the correct steps are:
//   A, next 32-wide K slice: +32 B  = +2     (upstream: +2, right)
//   A, rows 64..127:         +8 KiB = +512   (upstream: +1024, i.e. 16 KiB)
//   B, next 32-wide K slice: +32 B  = +2     (upstream: +256, i.e. 4 KiB)
// The FP8 GEMM template therefore issues one op per 64 x 32 slice with
// descriptors built from subviews (trap2-fp8-descriptors.test).
//
// RUN: mlir-opt %s -convert-nvgpu-to-nvvm | FileCheck %s

!tma = !nvgpu.tensormap.descriptor<tensor = memref<128x128xui8, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!acc = !nvgpu.warpgroup.accumulator<fragmented = vector<128x128xf32>>
!dA = !nvgpu.warpgroup.descriptor<tensor = memref<128x128xf8E4M3FN, 3>>
!dB = !nvgpu.warpgroup.descriptor<tensor = memref<128x128xf8E4M3FN, 3>>

gpu.module @m {
  gpu.func @k(%a: memref<128x128xf8E4M3FN, 3>, %b: memref<128x128xf8E4M3FN, 3>,
              %tp: !llvm.ptr) kernel {
    %t = builtin.unrealized_conversion_cast %tp : !llvm.ptr to !tma
    %da = nvgpu.warpgroup.generate.descriptor %a, %t : memref<128x128xf8E4M3FN, 3>, !tma -> !dA
    %db = nvgpu.warpgroup.generate.descriptor %b, %t : memref<128x128xf8E4M3FN, 3>, !tma -> !dB
    %c = nvgpu.warpgroup.mma.init.accumulator -> !acc
    %d = nvgpu.warpgroup.mma %da, %db, %c : !dA, !dB, !acc -> !acc
    gpu.return
  }
}

// CHECK-LABEL: gpu.func @k
// CHECK: nvvm.wgmma.mma_async %[[A:[0-9]+]], %[[B:[0-9]+]], %{{.*}}, <m = 64, n = 128, k = 32>
// k = 1: A +2 (right), B +256 (should be +2)
// CHECK: %[[IA1:.*]] = llvm.mlir.constant(2 : i32) : i64
// CHECK: llvm.add %[[A]], %[[IA1]]
// CHECK: %[[IB1:.*]] = llvm.mlir.constant(256 : i32) : i64
// CHECK: llvm.add %[[B]], %[[IB1]]
// CHECK: nvvm.wgmma.mma_async
// CHECK: llvm.mlir.constant(4 : i32) : i64
// CHECK: llvm.mlir.constant(512 : i32) : i64
// CHECK: nvvm.wgmma.mma_async
// CHECK: llvm.mlir.constant(6 : i32) : i64
// CHECK: llvm.mlir.constant(768 : i32) : i64
// CHECK: nvvm.wgmma.mma_async
// Rows 64..127 of A: +1024 (16 KiB; should be +512, 8 KiB).
// CHECK: %[[IH:.*]] = llvm.mlir.constant(1024 : i32) : i64
// CHECK: llvm.add %[[A]], %[[IH]]
// CHECK: nvvm.wgmma.mma_async
// CHECK: llvm.mlir.constant(1026 : i32) : i64
// CHECK: llvm.mlir.constant(256 : i32) : i64
// CHECK-COUNT-3: nvvm.wgmma.mma_async
// CHECK-NOT: nvvm.wgmma.mma_async
