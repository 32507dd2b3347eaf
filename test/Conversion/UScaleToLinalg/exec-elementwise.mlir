// Elementwise ops lowered to LLVM and run. Expected values are computed by
// hand or with Python's math module (6 significant digits, as
// printMemrefF32 prints them); activation gradients against Python central
// differences, dropout masks against Inputs/dropout_ref.py.
//
// RUN: unit-scale-opt %s --uscale-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print2(%t: tensor<2x3xf32>) {
  %u = tensor.cast %t : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
func.func @print1(%t: tensor<?xf32>) {
  %u = tensor.cast %t : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = arith.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %c = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>

  // Row broadcast.
  // CHECK: {{\[}}[11,   22,   33],
  // CHECK-NEXT: [14,   25,   36]]
  %0 = uscale.add %x, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  call @print2(%0) : (tensor<2x3xf32>) -> ()
  // alpha = 0.5 multiplies the product.
  // CHECK: {{\[}}[5,   20,   45],
  // CHECK-NEXT: [20,   50,   90]]
  %1 = uscale.mul %x, %b scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  call @print2(%1) : (tensor<2x3xf32>) -> ()
  // Column broadcast.
  // CHECK: {{\[}}[0,   1,   2],
  // CHECK-NEXT: [2,   3,   4]]
  %2 = uscale.sub %x, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  call @print2(%2) : (tensor<2x3xf32>) -> ()

  %a = arith.constant dense<[-1.0, 0.0, 1.0, 2.0]> : tensor<4xf32>
  // CHECK: [0,  0,  1,  2]
  %r = uscale.relu %a : tensor<4xf32>
  %ru = tensor.cast %r : tensor<4xf32> to tensor<?xf32>
  call @print1(%ru) : (tensor<?xf32>) -> ()
  // gelu(x) = 0.5 x (1 + erf(x / sqrt 2))
  // CHECK: [-0.158655,  0,  0.841345,  1.9545]
  %g = uscale.gelu %a : tensor<4xf32>
  %gu = tensor.cast %g : tensor<4xf32> to tensor<?xf32>
  call @print1(%gu) : (tensor<?xf32>) -> ()
  // tanh form, with alpha 2: 2 * [-0.158808, 0, 0.841192, 1.9546]
  // CHECK: [-0.317616,  0,  1.68238,  3.9092]
  %gt = uscale.gelu %a approximate = tanh scales <alpha = 2.0, beta = [1.0]> : tensor<4xf32>
  %gtu = tensor.cast %gt : tensor<4xf32> to tensor<?xf32>
  call @print1(%gtu) : (tensor<?xf32>) -> ()
  // CHECK: [-0.761594,  0,  0.761594,  0.964028]
  %t = uscale.tanh %a : tensor<4xf32>
  %tu = tensor.cast %t : tensor<4xf32> to tensor<?xf32>
  call @print1(%tu) : (tensor<?xf32>) -> ()
  // CHECK: [0.268941,  0.5,  0.731059,  0.880797]
  %s = uscale.sigmoid %a : tensor<4xf32>
  %su = tensor.cast %s : tensor<4xf32> to tensor<?xf32>
  call @print1(%su) : (tensor<?xf32>) -> ()

  // g * f'(x) at x = [-1, 0.5, 2], g = [1, 2, 3] (Python central
  // differences, h = 1e-6).
  %ax = arith.constant dense<[-1.0, 0.5, 2.0]> : tensor<3xf32>
  %ag = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  // CHECK: [0,  2,  3]
  %d0 = uscale.activation_grad relu %ax, %ag : tensor<3xf32>
  %d0u = tensor.cast %d0 : tensor<3xf32> to tensor<?xf32>
  call @print1(%d0u) : (tensor<?xf32>) -> ()
  // CHECK: [-0.0833155,  1.73499,  3.2557]
  %d1 = uscale.activation_grad gelu %ax, %ag : tensor<3xf32>
  %d1u = tensor.cast %d1 : tensor<3xf32> to tensor<?xf32>
  call @print1(%d1u) : (tensor<?xf32>) -> ()
  // CHECK: [-0.0829641,  1.73474,  3.2583]
  %d2 = uscale.activation_grad gelu_tanh %ax, %ag : tensor<3xf32>
  %d2u = tensor.cast %d2 : tensor<3xf32> to tensor<?xf32>
  call @print1(%d2u) : (tensor<?xf32>) -> ()
  // CHECK: [0.419974,  1.5729,  0.211952]
  %d3 = uscale.activation_grad tanh %ax, %ag : tensor<3xf32>
  %d3u = tensor.cast %d3 : tensor<3xf32> to tensor<?xf32>
  call @print1(%d3u) : (tensor<?xf32>) -> ()
  // sigmoid, with alpha 10: 10 * [0.196612, 0.470007, 0.314981]
  // CHECK: [1.96612,  4.70007,  3.14981]
  %d4 = uscale.activation_grad sigmoid %ax, %ag scales <alpha = 10.0, beta = [1.0, 1.0]> : tensor<3xf32>
  %d4u = tensor.cast %d4 : tensor<3xf32> to tensor<?xf32>
  call @print1(%d4u) : (tensor<?xf32>) -> ()

  // Fixed-scale ops: scale multiplies by fwd (its `scales` alpha, equal to
  // fwd, is not applied twice); weighted_add with tau = 0.36 is
  // 0.6 branch + 0.8 skip; residual_split is the identity.
  // CHECK: [2,  4,  6]
  %sc = uscale.scale %ag fwd = 2.0 bwd = 0.5 scales <alpha = 2.0, beta = [0.5]> : tensor<3xf32>
  %scu = tensor.cast %sc : tensor<3xf32> to tensor<?xf32>
  call @print1(%scu) : (tensor<?xf32>) -> ()
  // 0.6 * [1, 2, 3] + 0.8 * [-1, 0.5, 2] = [-0.2, 1.6, 3.4]
  // CHECK: [-0.2,  1.6,  3.4]
  %wa = uscale.weighted_add %ag, %ax tau = 0.36 : tensor<3xf32>
  %wau = tensor.cast %wa : tensor<3xf32> to tensor<?xf32>
  call @print1(%wau) : (tensor<?xf32>) -> ()
  // CHECK: [-1,  0.5,  2]
  %rs = uscale.residual_split %ax tau = 0.5 : tensor<3xf32>
  %rsu = tensor.cast %rs : tensor<3xf32> to tensor<?xf32>
  call @print1(%rsu) : (tensor<?xf32>) -> ()

  // broadcast_to with alpha 2, and sum_to back (with alpha 0.5).
  // CHECK: {{\[}}[20,   40,   60],
  // CHECK-NEXT: [20,   40,   60]]
  %bt = uscale.broadcast_to %b scales <alpha = 2.0, beta = [1.0]> : tensor<3xf32> -> tensor<2x3xf32>
  call @print2(%bt) : (tensor<2x3xf32>) -> ()
  // Column sums of x: [5, 7, 9].
  // CHECK: [5,  7,  9]
  %st = uscale.sum_to %x : tensor<2x3xf32> -> tensor<3xf32>
  %stu = tensor.cast %st : tensor<3xf32> to tensor<?xf32>
  call @print1(%stu) : (tensor<?xf32>) -> ()
  // Row sums of x times 0.5: [3, 7.5].
  // CHECK: {{\[}}[3],
  // CHECK-NEXT: [7.5]]
  %st2 = uscale.sum_to %x scales <alpha = 0.5, beta = [1.0]> : tensor<2x3xf32> -> tensor<2x1xf32>
  %st2u = tensor.cast %st2 : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%st2u) : (tensor<*xf32>) -> ()

  // Dropout, ratio 0.25, seed 7: `dropout_ref.py 7 0.25 16` keeps
  // [0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]; kept values are 4/3.
  // CHECK: [0,  1.33333,  1.33333,  0,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333]
  %ones = arith.constant dense<1.0> : tensor<16xf32>
  %dr = uscale.dropout %ones ratio = 0.25 {seed = 7} : tensor<16xf32>
  %dru = tensor.cast %dr : tensor<16xf32> to tensor<?xf32>
  call @print1(%dru) : (tensor<?xf32>) -> ()
  // Same seed, another shape with the same element count: the same mask
  // (it depends on the linear index only).
  // CHECK: {{\[}}[0,   1.33333,   1.33333,   0],
  // CHECK-NEXT: [1.33333,   1.33333,   1.33333,   1.33333],
  %ones2 = arith.constant dense<1.0> : tensor<4x4xf32>
  %dr2 = uscale.dropout %ones2 ratio = 0.25 {seed = 7} : tensor<4x4xf32>
  %dr2u = tensor.cast %dr2 : tensor<4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%dr2u) : (tensor<*xf32>) -> ()
  // Seed 8: [1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0].
  // CHECK: [1.33333,  1.33333,  0,  0,  1.33333,  1.33333,  0,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  1.33333,  0]
  %dr3 = uscale.dropout %ones ratio = 0.25 {seed = 8} : tensor<16xf32>
  %dr3u = tensor.cast %dr3 : tensor<16xf32> to tensor<?xf32>
  call @print1(%dr3u) : (tensor<?xf32>) -> ()
  // 1000 elements, ratio 0.5: 497 kept (dropout_ref.py 7 0.5 1000), each
  // 2, sum 994.
  // CHECK: [994]
  %ones3 = arith.constant dense<1.0> : tensor<1000xf32>
  %dr4 = uscale.dropout %ones3 ratio = 0.5 {seed = 7} : tensor<1000xf32>
  %sum = uscale.reduce_sum %dr4 axes = [0] : tensor<1000xf32> -> tensor<1xf32>
  %sumu = tensor.cast %sum : tensor<1xf32> to tensor<?xf32>
  call @print1(%sumu) : (tensor<?xf32>) -> ()
  return
}
