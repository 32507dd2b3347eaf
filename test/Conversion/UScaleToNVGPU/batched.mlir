// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu="wave=1" | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu="fallback=true batched=false" 2>&1 | FileCheck %s --check-prefix=OFF

// With `batched` (the default), a GEMM of two batched operands ([B, H, M, K] x
// [B, H, K, N], attention's) is one call of its variant's host entry: each
// operand's matrices stacked along their rows (tensor.collapse_shape of
// all but the last dimension), the K-major flags per matrix, and the batch
// count B x H as the last argument; C comes back [B*H*M, N] and is expanded
// to the op's shape. With batched=false such a GEMM stays a loop (with
// fallback, a remark).

// Attention's scores S = Q K^T: the transpose of K's last two dimensions
// folds into the cast, which then reads K ([N, K] per head) as it is.
// CHECK-LABEL: func.func @scores
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2x256x128xf32>, %[[K:.*]]: tensor<2x2x256x128xf32>)
// CHECK-NOT: uscale.transpose
// CHECK-NOT: uscale.quantize
// CHECK: %[[QM:.*]] = tensor.collapse_shape %[[Q]] {{\[\[}}0, 1, 2], [3]] : tensor<2x2x256x128xf32> into tensor<1024x128xf32>
// CHECK: %[[QB:.*]] = bufferization.to_buffer %[[QM]] read_only
// CHECK: %[[QD:.*]] = memref.cast %[[QB]] : memref<1024x128xf32> to memref<?x?xf32>
// CHECK: %[[KM:.*]] = tensor.collapse_shape %[[K]] {{\[\[}}0, 1, 2], [3]] : tensor<2x2x256x128xf32> into tensor<1024x128xf32>
// CHECK: %[[KB:.*]] = bufferization.to_buffer %[[KM]] read_only
// CHECK: %[[KD:.*]] = memref.cast %[[KB]]
// CHECK: %[[C:.*]] = memref.alloc() : memref<1024x256xf32>
// CHECK: %[[CD:.*]] = memref.cast %[[C]]
// CHECK: %[[TA:.*]] = arith.constant false
// CHECK: %[[TB:.*]] = arith.constant false
// CHECK: %[[ALPHA:.*]] = arith.constant 0.0883883461 : f32
// CHECK: %[[BATCH:.*]] = arith.constant 4 : index
// CHECK: %[[HA:.*]] = arith.constant 1 : index
// CHECK: %[[HB:.*]] = arith.constant 1 : index
// 4 x (256 / 128) x (256 / 256) = 8 CTAs of 128 x 256 fill a wave of 1.
// CHECK: %[[ST:.*]] = call @uscale_fp8_matmul_fwd(%[[QD]], %[[TA]], %[[KD]], %[[TB]], %[[CD]], %[[ALPHA]], %[[BATCH]], %[[HA]], %[[HB]])
// CHECK: cf.assert %{{.*}}, "uscale-to-nvgpu: fwd FP8 GEMM 4 x 256x256x128 returned a non-zero status"
// CHECK: %[[Y:.*]] = bufferization.to_tensor %[[C]] restrict writable : memref<1024x256xf32> to tensor<1024x256xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 2, 256, 256] : tensor<1024x256xf32> into tensor<2x2x256x256xf32>
// CHECK: return %[[E]]
// CHECK: func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32
// OFF: remark: FP8 fwd GEMM (E4M3 x E4M3): operands tensor<2x2x256x128xf32> and tensor<2x2x128x256xf32>: batched GEMMs are off (uscale-to-nvgpu{batched=false}, unit-scale-compile --no-gpu-batched-gemm)
func.func @scores(%q: tensor<2x2x256x128xf32>, %k: tensor<2x2x256x128xf32>) -> tensor<2x2x256x256xf32> {
  %kt = uscale.transpose %k perm = [0, 1, 3, 2] : tensor<2x2x256x128xf32> -> tensor<2x2x128x256xf32>
  %qq = uscale.quantize %q e4m3 : tensor<2x2x256x128xf32>
  %qk = uscale.quantize %kt e4m3 : tensor<2x2x128x256xf32>
  %s = uscale.matmul %qq, %qk scales <alpha = 0.08838834764831845, beta = [1.0, 1.0]> : (tensor<2x2x256x128xf32>, tensor<2x2x128x256xf32>) -> tensor<2x2x256x256xf32>
  return %s : tensor<2x2x256x256xf32>
}

// -----

// The value gradient dV = P^T dO (wgrad: E4M3 x E5M2): P^T folds into a
// transposed cast of P, and dO ([K, N] per head) is read transposed too.
// Shapes of one batch: M = 128 (P's columns), N = 128, K = 256.
// CHECK-LABEL: func.func @value_grad
// CHECK-SAME: (%[[P:.*]]: tensor<3x256x128xf32>, %[[DO:.*]]: tensor<3x256x128xf32>)
// CHECK: tensor.collapse_shape %[[P]] {{\[\[}}0, 1], [2]] : tensor<3x256x128xf32> into tensor<768x128xf32>
// CHECK: tensor.collapse_shape %[[DO]] {{\[\[}}0, 1], [2]] : tensor<3x256x128xf32> into tensor<768x128xf32>
// CHECK: memref.alloc() : memref<384x128xf32>
// CHECK: %[[TA:.*]] = arith.constant true
// CHECK: %[[TB:.*]] = arith.constant true
// CHECK: %[[BATCH:.*]] = arith.constant 3 : index
// CHECK: call @uscale_fp8_matmul_wgrad_n128(%{{.*}}, %[[TA]], %{{.*}}, %[[TB]], %{{.*}}, %{{.*}}, %[[BATCH]], %{{.*}}, %{{.*}})
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [3, 128, 128] : tensor<384x128xf32> into tensor<3x128x128xf32>
func.func @value_grad(%p: tensor<3x256x128xf32>, %do: tensor<3x256x128xf32>) -> tensor<3x128x128xf32> {
  %pt = uscale.transpose %p perm = [0, 2, 1] : tensor<3x256x128xf32> -> tensor<3x128x256xf32>
  %qp = uscale.quantize %pt e4m3 : tensor<3x128x256xf32>
  %qd = uscale.quantize %do e5m2 : tensor<3x256x128xf32>
  %dv = uscale.matmul %qp, %qd : (tensor<3x128x256xf32>, tensor<3x256x128xf32>) -> tensor<3x128x128xf32>
  return %dv : tensor<3x128x128xf32>
}

// -----

// A transpose that moves a batch dimension is not folded: the cast reads
// its result, materialised as before.
// CHECK-LABEL: func.func @batch_moving_transpose
// CHECK: %[[T:.*]] = uscale.transpose %{{.*}} perm = [1, 0, 2, 3]
// CHECK-NOT: uscale.quantize
// CHECK: tensor.collapse_shape %[[T]]
// CHECK: call @uscale_fp8_matmul_dgrad_n128(
func.func @batch_moving_transpose(%g: tensor<2x2x128x128xf32>, %w: tensor<2x2x128x128xf32>) -> tensor<2x2x128x128xf32> {
  %gt = uscale.transpose %g perm = [1, 0, 2, 3] : tensor<2x2x128x128xf32> -> tensor<2x2x128x128xf32>
  %qg = uscale.quantize %gt e5m2 : tensor<2x2x128x128xf32>
  %qw = uscale.quantize %w e4m3 : tensor<2x2x128x128xf32>
  %y = uscale.matmul %qg, %qw : (tensor<2x2x128x128xf32>, tensor<2x2x128x128xf32>) -> tensor<2x2x128x128xf32>
  return %y : tensor<2x2x128x128xf32>
}

// -----

// Attention's scores from the projections as the block computes them: Q
// and K split into heads (reshape [B, T, H, d], transpose [0, 2, 1, 3];
// K^T with [0, 2, 3, 1]). The cast kernels read each head where the
// projection left it (rows b·T.., columns h·d.. of the [B·T, H·d]
// matrix: heads = H), so neither split is materialised in f32; K^T's
// transpose and the GEMM's [K, N] orientation of B cancel, B is read as it
// is.
// CHECK-LABEL: func.func @scores_from_projections
// CHECK-SAME: (%[[QP:.*]]: tensor<2x256x512xf32>, %[[KP:.*]]: tensor<2x256x512xf32>)
// CHECK-NOT: uscale.transpose
// CHECK-NOT: uscale.reshape
// CHECK: tensor.collapse_shape %[[QP]] {{\[\[}}0, 1], [2]] : tensor<2x256x512xf32> into tensor<512x512xf32>
// CHECK: tensor.collapse_shape %[[KP]] {{\[\[}}0, 1], [2]] : tensor<2x256x512xf32> into tensor<512x512xf32>
// CHECK: memref.alloc() : memref<2048x256xf32>
// CHECK: %[[TA:.*]] = arith.constant false
// CHECK: %[[TB:.*]] = arith.constant false
// CHECK: %[[BATCH:.*]] = arith.constant 8 : index
// CHECK: %[[HA:.*]] = arith.constant 4 : index
// CHECK: %[[HB:.*]] = arith.constant 4 : index
// CHECK: call @uscale_fp8_matmul_fwd(%{{.*}}, %[[TA]], %{{.*}}, %[[TB]], %{{.*}}, %{{.*}}, %[[BATCH]], %[[HA]], %[[HB]])
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 4, 256, 256] : tensor<2048x256xf32> into tensor<2x4x256x256xf32>
func.func @scores_from_projections(%qp: tensor<2x256x512xf32>, %kp: tensor<2x256x512xf32>) -> tensor<2x4x256x256xf32> {
  %q4 = uscale.reshape %qp : tensor<2x256x512xf32> -> tensor<2x256x4x128xf32>
  %q = uscale.transpose %q4 perm = [0, 2, 1, 3] : tensor<2x256x4x128xf32> -> tensor<2x4x256x128xf32>
  %k4 = uscale.reshape %kp : tensor<2x256x512xf32> -> tensor<2x256x4x128xf32>
  %kt = uscale.transpose %k4 perm = [0, 2, 3, 1] : tensor<2x256x4x128xf32> -> tensor<2x4x128x256xf32>
  %qq = uscale.quantize %q e4m3 : tensor<2x4x256x128xf32>
  %qk = uscale.quantize %kt e4m3 : tensor<2x4x128x256xf32>
  %s = uscale.matmul %qq, %qk : (tensor<2x4x256x128xf32>, tensor<2x4x128x256xf32>) -> tensor<2x4x256x256xf32>
  return %s : tensor<2x4x256x256xf32>
}

// -----

// A head split whose reshape does not come from a [B·T, H·d] matrix
// (here [T, B, H·d] regrouped) is not read in place: the transpose stays.
// CHECK-LABEL: func.func @not_a_head_split
// CHECK: uscale.transpose %{{.*}} perm = [0, 2, 1, 3]
// CHECK: call @uscale_fp8_matmul_fwd({{.*}}, %c8{{.*}}, %c1{{.*}}, %c1{{.*}})
func.func @not_a_head_split(%x: tensor<256x2x512xf32>, %k: tensor<2x4x128x256xf32>) -> tensor<2x4x256x256xf32> {
  %x4 = uscale.reshape %x : tensor<256x2x512xf32> -> tensor<2x256x4x128xf32>
  %q = uscale.transpose %x4 perm = [0, 2, 1, 3] : tensor<2x256x4x128xf32> -> tensor<2x4x256x128xf32>
  %qq = uscale.quantize %q e4m3 : tensor<2x4x256x128xf32>
  %qk = uscale.quantize %k e4m3 : tensor<2x4x128x256xf32>
  %s = uscale.matmul %qq, %qk : (tensor<2x4x256x128xf32>, tensor<2x4x128x256xf32>) -> tensor<2x4x256x256xf32>
  return %s : tensor<2x4x256x256xf32>
}
