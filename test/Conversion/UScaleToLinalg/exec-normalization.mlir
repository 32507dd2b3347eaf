// Softmax, norms, cross entropy and their VJPs lowered to LLVM and run.
// Expected values from Python's math module (norm_grad against Python
// central differences of layer_norm), 6 significant digits.
//
// RUN: unit-scale-opt %s --uscale-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  // CHECK: {{\[}}[0.0900306,   0.244728,   0.665241]]
  %x = arith.constant dense<[[1.0, 2.0, 3.0]]> : tensor<1x3xf32>
  %0 = uscale.softmax %x axis = -1 : tensor<1x3xf32>
  %p0u = tensor.cast %0 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p0u) : (tensor<*xf32>) -> ()

  // Along axis 0, times alpha 2: 2 * softmax([1, 3]) per column.
  // CHECK: {{\[}}[0.238406,   0.238406],
  // CHECK-NEXT: [1.76159,   1.76159]]
  %c = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = uscale.softmax %c axis = 0 scales <alpha = 2.0, beta = [1.0]> : tensor<2x2xf32>
  %p1u = tensor.cast %1 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p1u) : (tensor<*xf32>) -> ()

  // layer_norm of [1, 2, 3, 4] (mean 2.5, var 1.25, eps 1e-5).
  // CHECK: {{\[}}[-1.34164,   -0.447212,   0.447212,   1.34164]]
  %r = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %2 = uscale.layer_norm %r axis = -1 : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %p2u = tensor.cast %2 : tensor<1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p2u) : (tensor<*xf32>) -> ()
  // With gain [1, 2, 1, 1] and bias [0, 0, 1, 0].
  // CHECK: {{\[}}[-1.34164,   -0.894424,   1.44721,   1.34164]]
  %gain = arith.constant dense<[1.0, 2.0, 1.0, 1.0]> : tensor<4xf32>
  %bias = arith.constant dense<[0.0, 0.0, 1.0, 0.0]> : tensor<4xf32>
  %3 = uscale.layer_norm %r gain %gain bias %bias axis = -1 : (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %p3u = tensor.cast %3 : tensor<1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p3u) : (tensor<*xf32>) -> ()
  // Over two trailing dimensions (axis 1 of [1, 2, 2]): the same numbers.
  // CHECK: {{\[}}{{\[}}[-1.34164,     -0.447212],
  // CHECK-NEXT: [0.447212,     1.34164]]]
  %r3 = tensor.expand_shape %r [[0], [1, 2]] output_shape [1, 2, 2] : tensor<1x4xf32> into tensor<1x2x2xf32>
  %4 = uscale.layer_norm %r3 axis = 1 : (tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %p4u = tensor.cast %4 : tensor<1x2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%p4u) : (tensor<*xf32>) -> ()

  // rms_norm: x / sqrt(7.5 + 1e-5).
  // CHECK: {{\[}}[0.365148,   0.73029{{[67]}},   1.09544,   1.46059]]
  %5 = uscale.rms_norm %r axis = -1 : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %p5u = tensor.cast %5 : tensor<1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p5u) : (tensor<*xf32>) -> ()
  // With gain and alpha 3.
  // CHECK: {{\[}}[1.09544,   4.38178,   3.28633,   4.38178]]
  %6 = uscale.rms_norm %r gain %gain axis = -1 scales <alpha = 3.0, beta = [1.0, 1.0]> : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %p6u = tensor.cast %6 : tensor<1x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p6u) : (tensor<*xf32>) -> ()

  // Cross entropy of rows [1, 2, 3] (label 2) and [1, 1, 1] (label 0):
  // 0.407606 and log 3. Without scales the mean, with alpha 1 the sum.
  // CHECK: [0.753109]
  %lg = arith.constant dense<[[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]> : tensor<2x3xf32>
  %lab = arith.constant dense<[2, 0]> : tensor<2xi32>
  %7 = uscale.softmax_cross_entropy %lg, %lab : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<f32>
  %p7u = tensor.cast %7 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%p7u) : (tensor<*xf32>) -> ()
  // CHECK: [1.50622]
  %8 = uscale.softmax_cross_entropy %lg, %lab scales <alpha = 1.0, beta = [1.0, 1.0]> : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<f32>
  %p8u = tensor.cast %8 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%p8u) : (tensor<*xf32>) -> ()

  // softmax_grad at [1, 2, 3] with g = [1, 0, 0]: s * (g - s0).
  // CHECK: {{\[}}[0.0819251,   -0.022033,   -0.059892]]
  %g = arith.constant dense<[[1.0, 0.0, 0.0]]> : tensor<1x3xf32>
  %9 = uscale.softmax_grad %x, %g axis = -1 : tensor<1x3xf32>
  %p9u = tensor.cast %9 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p9u) : (tensor<*xf32>) -> ()

  // softmax_cross_entropy_grad, g = 2: 2 * (softmax - onehot(2)).
  // CHECK: {{\[}}[0.180061,   0.489457,   -0.669518]]
  %lab1 = arith.constant dense<[2]> : tensor<1xi64>
  %two = arith.constant dense<2.0> : tensor<f32>
  %10 = uscale.softmax_cross_entropy_grad %x, %lab1, %two : (tensor<1x3xf32>, tensor<1xi64>, tensor<f32>) -> tensor<1x3xf32>
  %p10u = tensor.cast %10 : tensor<1x3xf32> to tensor<*xf32>
  call @printMemrefF32(%p10u) : (tensor<*xf32>) -> ()

  // norm_grad of layer_norm(x, gain) for loss sum(G * y), against Python
  // central differences (h = 1e-6).
  %nx = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [2.0, 0.0, -1.0, 3.0]]> : tensor<2x4xf32>
  %ng = arith.constant dense<[[1.0, 0.0, -1.0, 2.0], [0.5, 1.0, 0.0, -1.0]]> : tensor<2x4xf32>
  %11:3 = uscale.norm_grad %nx gain %gain grad %ng axis = -1 {epsilon = 1.0e-5} : (tensor<2x4xf32>, tensor<4xf32>, tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  // CHECK: {{\[}}[0.71553{{[0-9]}},   -0.3577{{[0-9]+}},   -1.4310{{[0-9]}},   1.0733{{[0-9]}}],
  // CHECK-NEXT: [0.30041{{[0-9]}},   0.8063{{[0-9]+}},   -0.67988{{[0-9]}},   -0.42690{{[0-9]}}]]
  %p11a = tensor.cast %11#0 : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%p11a) : (tensor<*xf32>) -> ()
  // CHECK: [-1.0254{{[0-9]}},  -0.63245{{[0-9]}},  -0.44721{{[0-9]}},  1.4183{{[0-9]}}]
  %p11b = tensor.cast %11#1 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%p11b) : (tensor<*xf32>) -> ()
  // CHECK: [1.5,  1,  -1,  1]
  %p11c = tensor.cast %11#2 : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%p11c) : (tensor<*xf32>) -> ()
  return
}
