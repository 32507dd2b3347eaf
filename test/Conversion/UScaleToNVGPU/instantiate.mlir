// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu=wave=1 --uscale-nvgpu-instantiate -verify-diagnostics | FileCheck %s

// uscale-nvgpu-instantiate defines the host entries uscale-to-nvgpu
// declared, from the kernel templates: per variant and tile width the host
// entry and the GEMM kernel with its launcher (f32 output: OUT_KIND 3, 4
// bytes), and one cast kernel per FP8 format used, each once, however many
// GEMMs use them. N a multiple of 256: the 128 x 256 tile (no suffix);
// else the 128 x 128 one (_n128).

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @forward_both_widths_and_wgrad
// CHECK: call @uscale_fp8_matmul_fwd(
// CHECK: call @uscale_fp8_matmul_fwd_n128(
// CHECK: call @uscale_fp8_matmul_fwd_n128(
// CHECK: call @uscale_fp8_matmul_wgrad_n128(
// CHECK-NOT: func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32 attributes

// fwd: E4M3 x E4M3, both widths.
// CHECK-DAG: gpu.module @uscale_fp8_gemm_fwd_kernels
// CHECK-DAG: func.func @uscale_fp8_gemm_fwd(%{{.*}}: memref<?x?xui8>, %{{.*}}: memref<?x?xui8>, %{{.*}}: memref<?x?xi8>, %{{.*}}: f32) -> i32
// CHECK-DAG: func.func private @uscale_fp8_matmul_fwd(%{{.*}}: memref<?x?xf32>, %{{.*}}: i1, %{{.*}}: memref<?x?xf32>, %{{.*}}: i1, %{{.*}}: memref<?x?xf32>, %{{.*}}: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index) -> i32
// CHECK-DAG: nvgpu.warpgroup.mma {{.*}}memref<64x32xf8E4M3FN, 3>{{.*}}memref<32x256xf8E4M3FN, 3>
// CHECK-DAG: gpu.module @uscale_fp8_gemm_fwd_n128_kernels
// CHECK-DAG: func.func @uscale_fp8_gemm_fwd_n128(
// CHECK-DAG: func.func private @uscale_fp8_matmul_fwd_n128(
// CHECK-DAG: nvgpu.warpgroup.mma {{.*}}memref<64x32xf8E4M3FN, 3>{{.*}}memref<32x128xf8E4M3FN, 3>
// wgrad: E4M3 x E5M2.
// CHECK-DAG: gpu.module @uscale_fp8_gemm_wgrad_n128_kernels
// CHECK-DAG: func.func @uscale_fp8_gemm_wgrad_n128(
// CHECK-DAG: func.func private @uscale_fp8_matmul_wgrad_n128(
// CHECK-DAG: nvgpu.warpgroup.mma {{.*}}memref<64x32xf8E4M3FN, 3>{{.*}}memref<32x128xf8E5M2, 3>
// The cast kernels of both formats, once each.
// CHECK-DAG: gpu.module @uscale_fp8_cast_e4m3_kernels
// CHECK-DAG: gpu.module @uscale_fp8_cast_e5m2_kernels
// CHECK-DAG: nvvm.convert.f32x2.to.f8x2 {{.*}} : i16(f8E5M2)
func.func @forward_both_widths_and_wgrad(%x: tensor<128x256xf32>, %w: tensor<256x256xf32>, %v: tensor<128x256xf32>, %g: tensor<128x128xf32>) -> (tensor<128x256xf32>, tensor<128x128xf32>, tensor<128x128xf32>, tensor<256x128xf32>) {
  %qx = uscale.quantize %x e4m3 : tensor<128x256xf32>
  %qw = uscale.quantize %w e4m3 : tensor<256x256xf32>
  %qv = uscale.quantize %v e4m3 : tensor<128x256xf32>
  %y = uscale.linear %qx, %qw transpose_weight : (tensor<128x256xf32>, tensor<256x256xf32>) -> tensor<128x256xf32>
  %z = uscale.linear %qx, %qv transpose_weight : (tensor<128x256xf32>, tensor<128x256xf32>) -> tensor<128x128xf32>
  %z2 = uscale.linear %qx, %qv transpose_weight : (tensor<128x256xf32>, tensor<128x256xf32>) -> tensor<128x128xf32>
  %xt = uscale.transpose %x perm = [1, 0] : tensor<128x256xf32> -> tensor<256x128xf32>
  %qxt = uscale.quantize %xt e4m3 : tensor<256x128xf32>
  %qg = uscale.quantize %g e5m2 : tensor<128x128xf32>
  %dw = uscale.matmul %qxt, %qg : (tensor<256x128xf32>, tensor<128x128xf32>) -> tensor<256x128xf32>
  return %y, %z, %z2, %dw : tensor<128x256xf32>, tensor<128x128xf32>, tensor<128x128xf32>, tensor<256x128xf32>
}

// -----

// A declaration that does not describe a template instance is an error.
// expected-error @+1 {{uscale-nvgpu-instantiate: expected a declaration @uscale_fp8_matmul_<fwd|dgrad|wgrad>[_n128] of type '(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32' with uscale.fp8_gemm = {variant = "fwd|dgrad|wgrad", a = "e4m3|e5m2", b = "e4m3|e5m2", tile_n = 256|128 : i64} (no suffix for 256)}}
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32 attributes {uscale.fp8_gemm = {variant = "fwd", a = "e4m3", b = "e3m4", tile_n = 256}}

// -----

// So is one of another type (the host entries before batching had no
// batch count): the instance would not match its calls.
// expected-error @+1 {{uscale-nvgpu-instantiate: expected a declaration}}
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32) -> i32 attributes {uscale.fp8_gemm = {variant = "fwd", a = "e4m3", b = "e4m3", tile_n = 256}}

// -----

// So is a tile width the name does not say.
// expected-error @+1 {{uscale-nvgpu-instantiate: expected a declaration}}
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32 attributes {uscale.fp8_gemm = {variant = "fwd", a = "e4m3", b = "e4m3", tile_n = 128}}

// -----

// A user symbol with a template's name is not overwritten.
// expected-error @+1 {{the module already defines @uscale_fp8_gemm_fwd, which fp8_gemm.mlir.in defines too}}
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32 attributes {uscale.fp8_gemm = {variant = "fwd", a = "e4m3", b = "e4m3", tile_n = 256}}
func.func @uscale_fp8_gemm_fwd() {
  return
}
