// RUN: unit-scale-opt %s --uscale-to-nvgpu --uscale-nvgpu-instantiate=tiled-casts=false | FileCheck %s --check-prefixes=CHECK,PAIRS
// RUN: unit-scale-opt %s --uscale-to-nvgpu --uscale-nvgpu-instantiate | FileCheck %s --check-prefixes=CHECK,TILED
// RUN: unit-scale-opt %s --uscale-lower-to-gpu="format=isa" | FileCheck %s --check-prefix=PIPE

// The host entry casts its operands through the cast template's launcher,
// which picks the kernel: the tiled one by default (tiled-casts), the
// pair-per-thread one with tiled-casts=false. Both kernels and the launcher are in the module
// either way; the flag is a constant of the host entry.
// CHECK-DAG: gpu.func @cast(
// CHECK-DAG: gpu.func @cast_tiled({{.*}}) workgroup(%{{.*}} : memref<4160xf32, #gpu.address_space<workgroup>>) kernel
// The launcher: the tiled kernel only where asked for and where the source
// is 16-byte and dst 4-byte aligned (else the pair kernel, slower but
// right).
// CHECK-LABEL: func.func @uscale_fp8_cast_e4m3(%arg0: memref<?x?xf32>, %arg1: memref<?x?xi8>, %arg2: i1, %arg3: index, %arg4: index, %arg5: i1) -> i32 attributes {llvm.emit_c_interface
// CHECK: %[[SRC:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK: %[[DST:.*]] = memref.extract_aligned_pointer_as_index %arg1
// CHECK: %[[S:.*]] = arith.andi %[[SRC]], %c15
// CHECK: %[[D:.*]] = arith.andi %[[DST]], %c3
// CHECK: %[[LOW:.*]] = arith.ori %[[S]], %[[D]]
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[LOW]], %c0
// CHECK: %[[USE:.*]] = arith.andi %arg5, %[[OK]] : i1
// CHECK: scf.if %[[USE]] {
// CHECK: gpu.launch_func async [%{{.*}}] @uscale_fp8_cast_e4m3_kernels::@cast_tiled
// CHECK: } else {
// CHECK: gpu.launch_func async [%{{.*}}] @uscale_fp8_cast_e4m3_kernels::@cast
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
