// RUN: unit-scale-opt %s --uscale-unit-scale --uscale-autodiff --uscale-cast-fp8 | FileCheck %s
// RUN: unit-scale-opt %s --uscale-autodiff --uscale-cast-fp8='forward=e5m2 grad=e4m3' | FileCheck %s --check-prefix=SWAP
// RUN: not unit-scale-opt %s --uscale-cast-fp8='forward=e3m4' 2>&1 | FileCheck %s --check-prefix=BAD

// Forward GEMM operands (activation and weight) are E4M3; in the backward
// the incoming gradient is E5M2 and the other operand E4M3; the bias and
// non-GEMM ops are untouched; alpha stays on the f32 GEMM result.
// CHECK-LABEL: func.func @mlp_train_step
// CHECK-SAME: (%[[W1:[^:]*]]: tensor<8x16xf32> {{.*}}, %[[B1:[^:]*]]: tensor<16xf32> {{.*}}, %[[W2:[^:]*]]: tensor<16x4xf32> {{.*}}, %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK: %[[QX:.*]] = uscale.quantize %[[X]] e4m3
// CHECK: %[[QW1:.*]] = uscale.quantize %[[W1]] e4m3
// CHECK: %[[H:.*]] = uscale.linear %[[QX]], %[[QW1]], %[[B1]] scales
// CHECK: %[[A:.*]] = uscale.relu %[[H]]
// CHECK: %[[QA:.*]] = uscale.quantize %[[A]] e4m3
// CHECK: %[[QW2:.*]] = uscale.quantize %[[W2]] e4m3
// CHECK: uscale.linear %[[QA]], %[[QW2]] scales
// CHECK: %[[SEED:.*]] = arith.constant {uscale.grad_seed} dense<1.000000e+00>
// CHECK: %[[G:.*]] = uscale.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %[[SEED]]
// dX of the second linear: gradient E5M2, weight E4M3.
// CHECK: %[[QG:.*]] = uscale.quantize %[[G]] e5m2
// CHECK: %[[QW2B:.*]] = uscale.quantize %[[W2]] e4m3
// CHECK: uscale.linear %[[QG]], %[[QW2B]] transpose_weight scales
// dW of the second linear: activation E4M3, gradient E5M2.
// CHECK: %[[AT:.*]] = uscale.transpose %[[A]]
// CHECK: %[[QAT:.*]] = uscale.quantize %[[AT]] e4m3
// CHECK: %[[QG2:.*]] = uscale.quantize %[[G]] e5m2
// CHECK: uscale.matmul %[[QAT]], %[[QG2]] scales
// CHECK-NOT: uscale.quantize %[[B1]]

// SWAP-LABEL: func.func @mlp_train_step
// SWAP: uscale.quantize %{{.*}} e5m2
// SWAP: %[[G:.*]] = uscale.softmax_cross_entropy_grad
// SWAP: uscale.quantize %[[G]] e4m3

// BAD: uscale-cast-fp8: formats must be e4m3 or e5m2, got forward=e3m4 grad=e5m2

func.func @mlp(%x: tensor<2x8xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  %w1 = uscale.parameter "w1" init normal : tensor<8x16xf32>
  %b1 = uscale.parameter "b1" init zeros : tensor<16xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<16x4xf32>
  %h = uscale.linear %x, %w1, %b1 : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<2x16xf32>
  %a = uscale.relu %h : tensor<2x16xf32>
  %o = uscale.linear %a, %w2 : (tensor<2x16xf32>, tensor<16x4xf32>) -> tensor<2x4xf32>
  %loss = uscale.softmax_cross_entropy %o, %l : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
