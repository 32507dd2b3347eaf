// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu=batched=true -verify-diagnostics

// Batched FP8 GEMMs the kernels cannot run, with batching on: the op is
// left as it was and the error names why (fallback: a remark instead).

// A broadcast batch dimension: not supported (the matrices of B would be
// read once per batch of A).
func.func @broadcast_batch(%a: tensor<2x128x128xf32>, %b: tensor<1x128x128xf32>) -> tensor<2x128x128xf32> {
  %qa = uscale.quantize %a e4m3 : tensor<2x128x128xf32>
  %qb = uscale.quantize %b e4m3 : tensor<1x128x128xf32>
  // expected-error @+1 {{FP8 fwd GEMM (E4M3 x E4M3): operands tensor<2x128x128xf32> and tensor<1x128x128xf32>: the FP8 kernels take 2-D operands, a first operand whose leading dimensions collapse into M, or two batched operands with the same leading dimensions}}
  %y = uscale.matmul %qa, %qb : (tensor<2x128x128xf32>, tensor<1x128x128xf32>) -> tensor<2x128x128xf32>
  return %y : tensor<2x128x128xf32>
}

// -----

// The tile applies per batch: M = 64 is not a multiple of 128, though the
// stacked rows (4 x 64) are.
func.func @per_batch_tile(%a: tensor<4x64x128xf32>, %b: tensor<4x128x128xf32>) -> tensor<4x64x128xf32> {
  %qa = uscale.quantize %a e4m3 : tensor<4x64x128xf32>
  %qb = uscale.quantize %b e4m3 : tensor<4x128x128xf32>
  // expected-error @+1 {{FP8 fwd GEMM (E4M3 x E4M3): M x N x K = 64 x 128 x 128 is not a multiple of the FP8 kernel's 128 x 128 x 128 tile}}
  %y = uscale.matmul %qa, %qb : (tensor<4x64x128xf32>, tensor<4x128x128xf32>) -> tensor<4x64x128xf32>
  return %y : tensor<4x64x128xf32>
}

// -----

// One batch per block of the grid's z: at most 65535.
func.func @too_many_batches(%a: tensor<256x256x128x128xf32>, %b: tensor<256x256x128x128xf32>) -> tensor<256x256x128x128xf32> {
  %qa = uscale.quantize %a e4m3 : tensor<256x256x128x128xf32>
  %qb = uscale.quantize %b e4m3 : tensor<256x256x128x128xf32>
  // expected-error @+1 {{FP8 fwd GEMM (E4M3 x E4M3): 65536 batches: the kernels run at most 65535 (the grid's z dimension)}}
  %y = uscale.matmul %qa, %qb : (tensor<256x256x128x128xf32>, tensor<256x256x128x128xf32>) -> tensor<256x256x128x128xf32>
  return %y : tensor<256x256x128x128xf32>
}
