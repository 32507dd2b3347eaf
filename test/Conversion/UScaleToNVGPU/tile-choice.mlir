// RUN: unit-scale-opt %s --uscale-to-nvgpu | FileCheck %s
// RUN: unit-scale-opt %s --uscale-to-nvgpu=wave=64 | FileCheck %s --check-prefix=WAVE64

// The 128 x 256 tile only where its CTAs fill a wave of the GPU (132 SMs on
// an H100, the default): a 2048 x 1024 output makes 16 x 4 = 64 such tiles,
// so it takes the 128 x 128 tile (128 CTAs); 4096 x 2048 makes 32 x 8 = 256.
// With wave=64 the first one fills a wave too.
// CHECK-LABEL: func.func @two_sizes
// CHECK: call @uscale_fp8_matmul_fwd_n128(
// CHECK: call @uscale_fp8_matmul_fwd(
// WAVE64-LABEL: func.func @two_sizes
// WAVE64: call @uscale_fp8_matmul_fwd(
// WAVE64: call @uscale_fp8_matmul_fwd(
func.func @two_sizes(%x: tensor<2048x1024xf32>, %w: tensor<1024x1024xf32>,
                     %x2: tensor<4096x1024xf32>, %w2: tensor<2048x1024xf32>)
    -> (tensor<2048x1024xf32>, tensor<4096x2048xf32>) {
  %qx = uscale.quantize %x e4m3 : tensor<2048x1024xf32>
  %qw = uscale.quantize %w e4m3 : tensor<1024x1024xf32>
  %y = uscale.linear %qx, %qw transpose_weight scales <alpha = 3.125000e-02, beta = [1.0, 1.0]> : (tensor<2048x1024xf32>, tensor<1024x1024xf32>) -> tensor<2048x1024xf32>
  %qx2 = uscale.quantize %x2 e4m3 : tensor<4096x1024xf32>
  %qw2 = uscale.quantize %w2 e4m3 : tensor<2048x1024xf32>
  %y2 = uscale.linear %qx2, %qw2 transpose_weight scales <alpha = 3.125000e-02, beta = [1.0, 1.0]> : (tensor<4096x1024xf32>, tensor<2048x1024xf32>) -> tensor<4096x2048xf32>
  return %y, %y2 : tensor<2048x1024xf32>, tensor<4096x2048xf32>
}

// RUN: not unit-scale-opt %s --uscale-to-nvgpu=wave=0 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: uscale-to-nvgpu: wave (CTAs in one wave of the GPU) must be at least 1, not 0
