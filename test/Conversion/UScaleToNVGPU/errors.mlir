// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu -verify-diagnostics

// FP8 GEMMs the kernels cannot run are errors on the op, naming the shape
// and the tile (no M/N tail predication or K tail handling yet). The IR is
// left as it was. `fallback` turns them into remarks (fallback.mlir).

func.func @not_a_tile_multiple(%x: tensor<64x256xf32>, %w: tensor<10x256xf32>) -> tensor<64x10xf32> {
  %qx = uscale.quantize %x e4m3 : tensor<64x256xf32>
  %qw = uscale.quantize %w e4m3 : tensor<10x256xf32>
  // expected-error @+1 {{FP8 fwd GEMM (E4M3 x E4M3): M x N x K = 64 x 10 x 256 is not a multiple of the FP8 kernel's 128 x 128 x 128 tile (no tail handling yet)}}
  %y = uscale.linear %qx, %qw transpose_weight : (tensor<64x256xf32>, tensor<10x256xf32>) -> tensor<64x10xf32>
  return %y : tensor<64x10xf32>
}

// -----

// Only K off the tile: still an error (a K tail would be exact with TMA's
// zero fill, but the kernel computes the tile count as K / 128).
func.func @k_tail(%a: tensor<128x200xf32>, %b: tensor<200x128xf32>) -> tensor<128x128xf32> {
  %qa = uscale.quantize %a e4m3 : tensor<128x200xf32>
  %qb = uscale.quantize %b e5m2 : tensor<200x128xf32>
  // expected-error @+1 {{FP8 wgrad GEMM (E4M3 x E5M2): M x N x K = 128 x 128 x 200 is not a multiple of the FP8 kernel's 128 x 128 x 128 tile}}
  %y = uscale.matmul %qa, %qb : (tensor<128x200xf32>, tensor<200x128xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}

// -----

func.func @two_e5m2(%a: tensor<128x128xf32>, %b: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %qa = uscale.quantize %a e5m2 : tensor<128x128xf32>
  %qb = uscale.quantize %b e5m2 : tensor<128x128xf32>
  // expected-error @+1 {{FP8 GEMM (E5M2 x E5M2): there is no kernel variant for two E5M2 operands}}
  %y = uscale.matmul %qa, %qb : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}

// -----

func.func @dynamic(%a: tensor<?x128xf32>, %b: tensor<128x128xf32>) -> tensor<?x128xf32> {
  %qa = uscale.quantize %a e4m3 : tensor<?x128xf32>
  %qb = uscale.quantize %b e4m3 : tensor<128x128xf32>
  // expected-error @+1 {{dynamic shapes are not supported}}
  %y = uscale.matmul %qa, %qb : (tensor<?x128xf32>, tensor<128x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

func.func @bf16(%a: tensor<128x128xbf16>, %b: tensor<128x128xbf16>) -> tensor<128x128xbf16> {
  %qa = uscale.quantize %a e4m3 : tensor<128x128xbf16>
  %qb = uscale.quantize %b e4m3 : tensor<128x128xbf16>
  // expected-error @+1 {{the FP8 kernels read and write f32 tensors}}
  %y = uscale.matmul %qa, %qb : (tensor<128x128xbf16>, tensor<128x128xbf16>) -> tensor<128x128xbf16>
  return %y : tensor<128x128xbf16>
}

// -----

// Every unsupported GEMM of a function is reported, not just the first.
func.func @two_errors(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %qa = uscale.quantize %a e4m3 : tensor<64x128xf32>
  %qb = uscale.quantize %b e4m3 : tensor<128x64xf32>
  // expected-error @+1 {{M x N x K = 64 x 64 x 128}}
  %y = uscale.matmul %qa, %qb : (tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<64x64xf32>
  // expected-error @+1 {{M x N x K = 64 x 64 x 128}}
  %z = uscale.matmul %qa, %qb : (tensor<64x128xf32>, tensor<128x64xf32>) -> tensor<64x64xf32>
  return %y, %z : tensor<64x64xf32>, tensor<64x64xf32>
}
