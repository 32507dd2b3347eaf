// RUN: unit-scale-opt %s -split-input-file --uscale-to-nvgpu | FileCheck %s

// A GEMM is an FP8 GEMM only when both of its GEMM operands are
// uscale.quantize results (what uscale-cast-fp8 produces). Anything else is
// left alone, without a diagnostic: it stays on the host path in f32, and
// the module gets no host entry.

// CHECK-LABEL: func.func @plain
// CHECK-NEXT: uscale.matmul %arg0, %arg1 scales
// CHECK-NOT: call
// CHECK-NOT: uscale_fp8_matmul
func.func @plain(%a: tensor<128x128xf32>, %b: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %y = uscale.matmul %a, %b scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}

// -----

// One quantized operand is not enough.
// CHECK-LABEL: func.func @half
// CHECK: %[[Q:.*]] = uscale.quantize %arg0 e4m3
// CHECK-NEXT: uscale.linear %[[Q]], %arg1 :
// CHECK-NOT: uscale_fp8_matmul
func.func @half(%a: tensor<128x128xf32>, %b: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %q = uscale.quantize %a e4m3 : tensor<128x128xf32>
  %y = uscale.linear %q, %b : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
  return %y : tensor<128x128xf32>
}
