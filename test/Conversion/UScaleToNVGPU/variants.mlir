// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu=wave=1 | FileCheck %s

// uscale-to-nvgpu on the three GEMMs of a unit-scaled linear layer, as
// uscale-cast-fp8 leaves them: each becomes a call to its variant's host
// entry with the f32 sources of the quantize ops (which the cast kernel
// replaces), the K-major flags, and alpha in f32; the result comes back
// through a host buffer. The entry name says the tile width: no suffix for
// N a multiple of 256, _n128 otherwise (N = 384 here).

// Forward, E4M3 x E4M3, weight stored [N, K] (transpose_weight): both
// operands are K-major already.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<128x256xf32>, %[[W:.*]]: tensor<384x256xf32>)
// CHECK-NOT: uscale.quantize
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<128x256xf32> to memref<128x256xf32>
// CHECK: %[[XD:.*]] = memref.cast %[[XB]] : memref<128x256xf32> to memref<?x?xf32>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<384x256xf32> to memref<384x256xf32>
// CHECK: %[[WD:.*]] = memref.cast %[[WB]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<128x384xf32>
// CHECK: %[[CD:.*]] = memref.cast %[[C]] : memref<128x384xf32> to memref<?x?xf32>
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: %[[FALSE2:.*]] = arith.constant false
// CHECK: %[[ALPHA:.*]] = arith.constant 6.250000e-02 : f32
// One batch; each operand one matrix across (no heads).
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: %[[HA:.*]] = arith.constant 1 : index
// CHECK: %[[HB:.*]] = arith.constant 1 : index
// CHECK: %[[ST:.*]] = call @uscale_fp8_matmul_fwd_n128(%[[XD]], %[[FALSE]], %[[WD]], %[[FALSE2]], %[[CD]], %[[ALPHA]], %[[ONE]], %[[HA]], %[[HB]])
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[ST]], %{{.*}} : i32
// CHECK: cf.assert %[[OK]], "uscale-to-nvgpu: fwd FP8 GEMM 128x384x256 returned a non-zero status"
// CHECK: %[[Y:.*]] = bufferization.to_tensor %[[C]] restrict writable : memref<128x384xf32> to tensor<128x384xf32>
// CHECK: return %[[Y]]
// The host entry is declared, to be defined by uscale-nvgpu-instantiate.
// CHECK: func.func private @uscale_fp8_matmul_fwd_n128(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32
// CHECK-SAME: attributes {uscale.fp8_gemm = {a = "e4m3", b = "e4m3", tile_n = 128 : i64, variant = "fwd"}}
func.func @forward(%x: tensor<128x256xf32>, %w: tensor<384x256xf32>) -> tensor<128x384xf32> {
  %qx = uscale.quantize %x e4m3 : tensor<128x256xf32>
  %qw = uscale.quantize %w e4m3 : tensor<384x256xf32>
  %y = uscale.linear %qx, %qw transpose_weight scales <alpha = 6.250000e-02, beta = [1.0, 1.0]> : (tensor<128x256xf32>, tensor<384x256xf32>) -> tensor<128x384xf32>
  return %y : tensor<128x384xf32>
}

// -----

// dgrad, E5M2 x E4M3: dX = dY W^T of a forward linear whose weight W is
// stored [fan_in, fan_out] = [256, 384]: autodiff writes it as a linear
// with transpose_weight, so W is the kernel's B ([N = 256, K = 384]) as it
// is, and dY ([M, K]) is A.
// CHECK-LABEL: func.func @dgrad
// CHECK-SAME: (%[[G:.*]]: tensor<128x384xf32>, %[[W:.*]]: tensor<256x384xf32>)
// CHECK-NOT: uscale.quantize
// CHECK: %[[GB:.*]] = bufferization.to_buffer %[[G]] read_only
// CHECK: %[[GD:.*]] = memref.cast %[[GB]]
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
// CHECK: %[[WD:.*]] = memref.cast %[[WB]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<128x256xf32>
// CHECK: %[[CD:.*]] = memref.cast %[[C]]
// CHECK: %[[TA:.*]] = arith.constant false
// CHECK: %[[TB:.*]] = arith.constant false
// CHECK: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: call @uscale_fp8_matmul_dgrad(%[[GD]], %[[TA]], %[[WD]], %[[TB]], %[[CD]], %[[ALPHA]], %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: cf.assert {{.*}} "uscale-to-nvgpu: dgrad FP8 GEMM 128x256x384 returned a non-zero status"
// CHECK: func.func private @uscale_fp8_matmul_dgrad
// CHECK-SAME: {uscale.fp8_gemm = {a = "e5m2", b = "e4m3", tile_n = 256 : i64, variant = "dgrad"}}
func.func @dgrad(%g: tensor<128x384xf32>, %w: tensor<256x384xf32>) -> tensor<128x256xf32> {
  %qg = uscale.quantize %g e5m2 : tensor<128x384xf32>
  %qw = uscale.quantize %w e4m3 : tensor<256x384xf32>
  %dx = uscale.linear %qg, %qw transpose_weight scales <alpha = 5.000000e-01, beta = [1.0, 1.0]> : (tensor<128x384xf32>, tensor<256x384xf32>) -> tensor<128x256xf32>
  return %dx : tensor<128x256xf32>
}

// -----

// wgrad, E4M3 x E5M2: dW = X^T dY as autodiff writes it, a matmul of a
// transposed activation. The transpose is folded into the cast kernel (A
// read transposed from X itself) and erased; matmul's rhs [K, N] is read
// transposed too.
// CHECK-LABEL: func.func @wgrad
// CHECK-SAME: (%[[X:.*]]: tensor<256x128xf32>, %[[G:.*]]: tensor<256x384xf32>)
// CHECK-NOT: uscale.transpose
// CHECK-NOT: uscale.quantize
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<256x128xf32>
// CHECK: %[[XD:.*]] = memref.cast %[[XB]]
// CHECK: %[[GB:.*]] = bufferization.to_buffer %[[G]] read_only : tensor<256x384xf32>
// CHECK: %[[GD:.*]] = memref.cast %[[GB]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<128x384xf32>
// CHECK: %[[CD:.*]] = memref.cast %[[C]]
// CHECK: %[[TA:.*]] = arith.constant true
// CHECK: %[[TB:.*]] = arith.constant true
// CHECK: %[[ALPHA:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: call @uscale_fp8_matmul_wgrad_n128(%[[XD]], %[[TA]], %[[GD]], %[[TB]], %[[CD]], %[[ALPHA]], %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: func.func private @uscale_fp8_matmul_wgrad_n128
// CHECK-SAME: {uscale.fp8_gemm = {a = "e4m3", b = "e5m2", tile_n = 128 : i64, variant = "wgrad"}}
func.func @wgrad(%x: tensor<256x128xf32>, %g: tensor<256x384xf32>) -> tensor<128x384xf32> {
  %xt = uscale.transpose %x perm = [1, 0] : tensor<256x128xf32> -> tensor<128x256xf32>
  %qx = uscale.quantize %xt e4m3 : tensor<128x256xf32>
  %qg = uscale.quantize %g e5m2 : tensor<256x384xf32>
  %dw = uscale.matmul %qx, %qg scales <alpha = 1.250000e-01, beta = [1.0, 1.0]> : (tensor<128x256xf32>, tensor<256x384xf32>) -> tensor<128x384xf32>
  return %dw : tensor<128x384xf32>
}

// -----

// A linear with a bias: the kernel applies alpha to X W, the bias is
// scaled by alpha and added on the host: alpha * (X W + b) as the op says.
// A transpose with a scale is not folded (the cast kernel cannot scale),
// and a quantize that has other uses stays.
// CHECK-LABEL: func.func @bias_and_kept_ops
// CHECK-SAME: (%[[X:.*]]: tensor<128x128xf32>, %[[W:.*]]: tensor<128x128xf32>, %[[B:.*]]: tensor<128xf32>)
// CHECK: %[[XT:.*]] = uscale.transpose %[[X]] perm = [1, 0] scales
// CHECK: %[[QX:.*]] = uscale.quantize %[[XT]] e4m3
// CHECK-NOT: uscale.quantize
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[XT]] read_only
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only
// CHECK: %[[C:.*]] = memref.alloc() : memref<128x128xf32>
// CHECK: %[[TA:.*]] = arith.constant false
// CHECK: %[[TB:.*]] = arith.constant true
// CHECK: %[[ALPHA:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: call @uscale_fp8_matmul_fwd_n128({{.*}}, %[[TA]], {{.*}}, %[[TB]], {{.*}}, %[[ALPHA]], %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: %[[Y:.*]] = bufferization.to_tensor %[[C]] restrict writable
// CHECK: %[[BS:.*]] = uscale.scale %[[B]] fwd = 2.500000e-01 bwd = 1.000000e+00 : tensor<128xf32>
// CHECK: %[[R:.*]] = uscale.add %[[Y]], %[[BS]] : (tensor<128x128xf32>, tensor<128xf32>) -> tensor<128x128xf32>
// CHECK: return %[[R]], %[[QX]]
func.func @bias_and_kept_ops(%x: tensor<128x128xf32>, %w: tensor<128x128xf32>, %b: tensor<128xf32>) -> (tensor<128x128xf32>, tensor<128x128xf32>) {
  %xt = uscale.transpose %x perm = [1, 0] scales <alpha = 2.0, beta = [0.5]> : tensor<128x128xf32> -> tensor<128x128xf32>
  %qx = uscale.quantize %xt e4m3 : tensor<128x128xf32>
  %qw = uscale.quantize %w e4m3 : tensor<128x128xf32>
  %y = uscale.linear %qx, %qw, %b scales <alpha = 2.500000e-01, beta = [1.0, 1.0, 1.0]> : (tensor<128x128xf32>, tensor<128x128xf32>, tensor<128xf32>) -> tensor<128x128xf32>
  return %y, %qx : tensor<128x128xf32>, tensor<128x128xf32>
}

// -----

// A rank-3 activation with a 2-D weight (a transformer's projection,
// [B, T, K] x [K, N]) is one GEMM over the collapsed rows: M = B*T. A is
// collapsed to [M, K], C comes back [M, N] and is expanded; the bias is
// added to the expanded result.
// CHECK-LABEL: func.func @rank3
// CHECK-SAME: (%[[X:.*]]: tensor<4x32x128xf32>, %[[W:.*]]: tensor<128x256xf32>, %[[BIAS:.*]]: tensor<256xf32>)
// CHECK-NOT: uscale.quantize
// CHECK: %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<4x32x128xf32> into tensor<128x128xf32>
// CHECK: bufferization.to_buffer %[[XC]] read_only : tensor<128x128xf32> to memref<128x128xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<128x256xf32>
// CHECK: %[[TRUE:.*]] = arith.constant true
// CHECK: call @uscale_fp8_matmul_fwd(%{{.*}}, %{{.*}}, %{{.*}}, %[[TRUE]],
// CHECK: cf.assert %{{.*}}, "uscale-to-nvgpu: fwd FP8 GEMM 128x256x128 returned a non-zero status"
// CHECK: %[[Y:.*]] = bufferization.to_tensor %[[C]] restrict writable : memref<128x256xf32> to tensor<128x256xf32>
// CHECK: %[[YE:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [4, 32, 256] : tensor<128x256xf32> into tensor<4x32x256xf32>
// CHECK: %[[SB:.*]] = uscale.scale %[[BIAS]]
// CHECK: %[[OUT:.*]] = uscale.add %[[YE]], %[[SB]] : (tensor<4x32x256xf32>, tensor<256xf32>) -> tensor<4x32x256xf32>
// CHECK: return %[[OUT]]
func.func @rank3(%x: tensor<4x32x128xf32>, %w: tensor<128x256xf32>, %b: tensor<256xf32>) -> tensor<4x32x256xf32> {
  %qx = uscale.quantize %x e4m3 : tensor<4x32x128xf32>
  %qw = uscale.quantize %w e4m3 : tensor<128x256xf32>
  %y = uscale.linear %qx, %qw, %b scales <alpha = 6.250000e-02, beta = [1.0, 1.0, 1.0]> : (tensor<4x32x128xf32>, tensor<128x256xf32>, tensor<256xf32>) -> tensor<4x32x256xf32>
  return %y : tensor<4x32x256xf32>
}
