// RUN: unit-scale-opt %s --uscale-to-nvgpu --uscale-nvgpu-instantiate | FileCheck %s --check-prefixes=CHECK,PAIRS
// RUN: unit-scale-opt %s --uscale-to-nvgpu --uscale-nvgpu-instantiate=tiled-casts=true | FileCheck %s --check-prefixes=CHECK,TILED
// RUN: unit-scale-opt %s --uscale-lower-to-gpu="tiled-casts=true format=isa" | FileCheck %s --check-prefix=PIPE

// The host entry casts its operands through the cast template's launcher,
// which picks the kernel: the pair-per-thread one by default, the tiled
// one with tiled-casts. Both kernels and the launcher are in the module
// either way; the flag is a constant of the host entry.
// CHECK-DAG: gpu.func @cast(
// CHECK-DAG: gpu.func @cast_tiled({{.*}}) workgroup(%{{.*}} : memref<4160xf32, #gpu.address_space<workgroup>>) kernel
// CHECK-DAG: func.func @uscale_fp8_cast_e4m3(%{{.*}}: memref<?x?xf32>, %{{.*}}: memref<?x?xi8>, %{{.*}}: i1, %{{.*}}: index, %{{.*}}: index, %{{.*}}: i1) -> i32 attributes {llvm.emit_c_interface
// CHECK-LABEL: func.func private @uscale_fp8_matmul_fwd_n128(
// PAIRS-COUNT-2: call @uscale_fp8_cast_e4m3(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %false{{(_[0-9]+)?}})
// TILED-COUNT-2: call @uscale_fp8_cast_e4m3(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %true{{(_[0-9]+)?}})
// CHECK: call @uscale_fp8_gemm_fwd_n128_batched(

// Through the pipeline: the option reaches the host entry, which passes
// true (folded into the launcher's call) to the launcher.
// PIPE-LABEL: llvm.func @uscale_fp8_matmul_fwd_n128(
// PIPE: %[[T:.*]] = llvm.mlir.constant(true) : i1
// PIPE: llvm.call @uscale_fp8_cast_e4m3({{.*}}, %[[T]]) :
func.func @forward(%x: tensor<128x256xf32>, %w: tensor<128x256xf32>) -> tensor<128x128xf32> {
  %qx = uscale.quantize %x e4m3 : tensor<128x256xf32>
  %qw = uscale.quantize %w e4m3 : tensor<128x256xf32>
  %y = uscale.linear %qx, %qw transpose_weight : (tensor<128x256xf32>, tensor<128x256xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}
