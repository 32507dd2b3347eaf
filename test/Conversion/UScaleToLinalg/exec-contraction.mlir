// matmul and linear lowered to LLVM and run; expected values by hand.
//
// RUN: unit-scale-opt %s --uscale-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %a = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = arith.constant dense<[[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]]> : tensor<3x2xf32>

  // [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
  // CHECK: {{\[}}[58,   64],
  // CHECK-NEXT: [139,   154]]
  %0 = uscale.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %p0u = tensor.cast %0 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p0u) : (tensor<*xf32>) -> ()

  // Batch broadcast [2,2,3] x [1,3,2]; the second batch of A picks rows
  // 0 and 1 of B; alpha 0.5.
  // CHECK: {{\[}}[29,     32],
  // CHECK-NEXT: [69.5,     77]],
  // CHECK-NEXT: {{\[}}[3.5,     4],
  // CHECK-NEXT: [4.5,     5]]]
  %a3 = arith.constant dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]> : tensor<2x2x3xf32>
  %b3 = tensor.expand_shape %b [[0, 1], [2]] output_shape [1, 3, 2] : tensor<3x2xf32> into tensor<1x3x2xf32>
  %1 = uscale.matmul %a3, %b3 scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<2x2x3xf32>, tensor<1x3x2xf32>) -> tensor<2x2x2xf32>
  %p1u = tensor.cast %1 : tensor<2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1u) : (tensor<*xf32>) -> ()

  // A without batch against a batched B: [2,3] x [2,3,2]; batch 1 of B is
  // all ones, giving the row sums 6 and 15.
  // CHECK: {{\[}}[58,     64],
  // CHECK-NEXT: [139,     154]],
  // CHECK-NEXT: {{\[}}[6,     6],
  // CHECK-NEXT: [15,     15]]]
  %ones = arith.constant dense<1.0> : tensor<1x3x2xf32>
  %bb = tensor.concat dim(0) %b3, %ones : (tensor<1x3x2xf32>, tensor<1x3x2xf32>) -> tensor<2x3x2xf32>
  %2 = uscale.matmul %a, %bb : (tensor<2x3xf32>, tensor<2x3x2xf32>) -> tensor<2x2x2xf32>
  %p2u = tensor.cast %2 : tensor<2x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p2u) : (tensor<*xf32>) -> ()

  // linear with bias [1, -1] and alpha 0.5: ([[58,64],[139,154]] + b) / 2
  // CHECK: {{\[}}[29.5,   31.5],
  // CHECK-NEXT: [70,   76.5]]
  %bias = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %3 = uscale.linear %a, %b, %bias scales <alpha = 0.5, beta = [1.0, 1.0, 1.0]> : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %p3u = tensor.cast %3 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p3u) : (tensor<*xf32>) -> ()

  // transpose_weight: W stored [fan_out, fan_in] = B^T gives A B again.
  // CHECK: {{\[}}[58,   64],
  // CHECK-NEXT: [139,   154]]
  %bt = arith.constant dense<[[7.0, 9.0, 11.0], [8.0, 10.0, 12.0]]> : tensor<2x3xf32>
  %4 = uscale.linear %a, %bt transpose_weight : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  %p4u = tensor.cast %4 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4u) : (tensor<*xf32>) -> ()

  // Rank-3 and rank-1 inputs: leading dimensions are rows.
  // CHECK: {{\[}}[58,     64]],
  // CHECK-NEXT: {{\[}}[139,     154]]]
  %a31 = tensor.expand_shape %a [[0, 1], [2]] output_shape [2, 1, 3] : tensor<2x3xf32> into tensor<2x1x3xf32>
  %5 = uscale.linear %a31, %b : (tensor<2x1x3xf32>, tensor<3x2xf32>) -> tensor<2x1x2xf32>
  %p5u = tensor.cast %5 : tensor<2x1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p5u) : (tensor<*xf32>) -> ()
  // CHECK: [59,  63]
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %6 = uscale.linear %v, %b, %bias : (tensor<3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %p6u = tensor.cast %6 : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%p6u) : (tensor<*xf32>) -> ()
  return
}
