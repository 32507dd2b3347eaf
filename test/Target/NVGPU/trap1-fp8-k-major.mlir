// Trap 1: fp8 wgmma takes only K-major operands. {transposeB} (B stored
// K x N, N contiguous) is rejected for fp8 by the NVVM verifier, so B must
// be stored N x K (K contiguous): the compiler keeps fp8 weight copies
// pre-transposed (docs/gpu.md). The template's wgmma ops use layouts
// row (A, K-major) and col (B, K-major), for every variant.
//
// RUN: not mlir-opt %s -convert-nvgpu-to-nvvm 2>&1 | FileCheck %s --check-prefix=TRANSPOSED
// RUN: %fp8_gemm_fwd | mlir-opt -convert-nvgpu-to-nvvm | FileCheck %s --check-prefix=FWD
// RUN: %fp8_gemm_dgrad | mlir-opt -convert-nvgpu-to-nvvm | FileCheck %s --check-prefix=DGRAD
// RUN: %fp8_gemm_wgrad | mlir-opt -convert-nvgpu-to-nvvm | FileCheck %s --check-prefix=WGRAD

!tma = !nvgpu.tensormap.descriptor<tensor = memref<128x128xui8, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
!acc = !nvgpu.warpgroup.accumulator<fragmented = vector<64x128xf32>>
!dA = !nvgpu.warpgroup.descriptor<tensor = memref<64x32xf8E4M3FN, 3>>
!dB = !nvgpu.warpgroup.descriptor<tensor = memref<32x128xf8E4M3FN, 3>>

gpu.module @m {
  gpu.func @k(%a: memref<64x32xf8E4M3FN, 3>, %b: memref<128x32xf8E4M3FN, 3>,
              %tp: !llvm.ptr) kernel {
    %t = builtin.unrealized_conversion_cast %tp : !llvm.ptr to !tma
    %da = nvgpu.warpgroup.generate.descriptor %a, %t : memref<64x32xf8E4M3FN, 3>, !tma -> !dA
    %db = nvgpu.warpgroup.generate.descriptor %b, %t : memref<128x32xf8E4M3FN, 3>, !tma -> !dB
    %c = nvgpu.warpgroup.mma.init.accumulator -> !acc
    // TRANSPOSED: error: 'nvvm.wgmma.mma_async' op given layouts layout_a = row and layout_b = row for input types e4m3 and e4m3 requires transpose. However, this is only supported for: f16 and bf16
    %d = nvgpu.warpgroup.mma %da, %db, %c {transposeB} : !dA, !dB, !acc -> !acc
    gpu.return
  }
}

// One op per warpgroup and 32-wide K slice (each warpgroup owns 64 rows of
// the 128 x 256 tile); the slice loop is unrolled later, in LLVM. Both
// operands K-major: A row, B col.
// FWD: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>, <wrapped>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// FWD-NOT: nvvm.wgmma.mma_async
// DGRAD: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>, <wrapped>], A[<e5m2>, <one>, <row>], B[<e4m3>, <one>, <col>]
// DGRAD-NOT: nvvm.wgmma.mma_async
// WGRAD: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>, <wrapped>], A[<e4m3>, <one>, <row>], B[<e5m2>, <one>, <col>]
// WGRAD-NOT: nvvm.wgmma.mma_async
