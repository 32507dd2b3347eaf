// RUN: unit-scale-opt %s --uscale-to-nvgpu=fallback=true -verify-diagnostics | FileCheck %s

// With fallback, an FP8 GEMM the kernels cannot run stays on the host path
// (its quantize ops simulate FP8 exactly there) with a remark, and the
// others in the same function still move to the GPU.

// CHECK-LABEL: func.func @mixed
// CHECK: %[[QX:.*]] = uscale.quantize %{{.*}} e4m3 : tensor<64x256xf32>
// CHECK: %[[QW:.*]] = uscale.quantize %{{.*}} e4m3 : tensor<10x256xf32>
// CHECK: uscale.linear %[[QX]], %[[QW]] transpose_weight
// CHECK: call @uscale_fp8_matmul_fwd
// CHECK-NOT: uscale.linear
// CHECK: func.func private @uscale_fp8_matmul_fwd
func.func @mixed(%x: tensor<64x256xf32>, %w: tensor<10x256xf32>, %x2: tensor<128x256xf32>, %w2: tensor<128x256xf32>) -> (tensor<64x10xf32>, tensor<128x128xf32>) {
  %qx = uscale.quantize %x e4m3 : tensor<64x256xf32>
  %qw = uscale.quantize %w e4m3 : tensor<10x256xf32>
  // expected-remark @+1 {{FP8 fwd GEMM (E4M3 x E4M3): M x N x K = 64 x 10 x 256 is not a multiple of the FP8 kernel's 128 x 128 x 128 tile (no tail handling yet); left on the host path (fallback)}}
  %y = uscale.linear %qx, %qw transpose_weight : (tensor<64x256xf32>, tensor<10x256xf32>) -> tensor<64x10xf32>
  %qx2 = uscale.quantize %x2 e4m3 : tensor<128x256xf32>
  %qw2 = uscale.quantize %w2 e4m3 : tensor<128x256xf32>
  %z = uscale.linear %qx2, %qw2 transpose_weight : (tensor<128x256xf32>, tensor<128x256xf32>) -> tensor<128x128xf32>
  return %y, %z : tensor<64x10xf32>, tensor<128x128xf32>
}
