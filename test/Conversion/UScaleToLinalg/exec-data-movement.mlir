// Parameters, gather/scatter_add, reductions and shape ops lowered to LLVM
// and run; expected values by hand.
//
// RUN: unit-scale-opt %s --uscale-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

// Slices are views; a function boundary gives them an identity layout.
func.func @print22(%t: tensor<2x2xf32>) {
  %u = tensor.cast %t : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // A parameter with init data is a constant.
  // CHECK: [0.5,  -1.5]
  %p = uscale.parameter "p" init data {value = dense<[0.5, -1.5]> : tensor<2xf32>} : tensor<2xf32>
  %pu = tensor.cast %p : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%pu) : (tensor<*xf32>) -> ()

  // Embedding lookup; -1 counts from the end, 7 is clamped to the last row.
  // CHECK: {{\[}}[5,   6],
  // CHECK-NEXT: [1,   2],
  // CHECK-NEXT: [5,   6],
  // CHECK-NEXT: [5,   6],
  // CHECK-NEXT: [5,   6]]
  %table = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %ids = arith.constant dense<[2, 0, 2, -1, 7]> : tensor<5xi64>
  %e = uscale.gather %table[%ids] axis = 0 : (tensor<3x2xf32>, tensor<5xi64>) -> tensor<5x2xf32>
  %eu = tensor.cast %e : tensor<5x2xf32> to tensor<*xf32>
  call @printMemrefF32(%eu) : (tensor<*xf32>) -> ()
  // Along axis 1 with 2-D indices and alpha 10: out[r, i, j] = table[r, idx[i, j]].
  // CHECK: {{\[}}{{\[}}[20,     10]],
  // CHECK-NEXT: {{\[}}[40,     30]],
  // CHECK-NEXT: {{\[}}[60,     50]]]
  %ids2 = arith.constant dense<[[1, 0]]> : tensor<1x2xi32>
  %e2 = uscale.gather %table[%ids2] axis = 1 scales <alpha = 10.0, beta = [1.0, 1.0]> : (tensor<3x2xf32>, tensor<1x2xi32>) -> tensor<3x1x2xf32>
  %e2u = tensor.cast %e2 : tensor<3x1x2xf32> to tensor<*xf32>
  call @printMemrefF32(%e2u) : (tensor<*xf32>) -> ()

  // scatter_add: rows of g added at ids [2, 0, 2]; row 1 gets nothing.
  // CHECK: {{\[}}[2,   2],
  // CHECK-NEXT: [0,   0],
  // CHECK-NEXT: [4,   4]]
  %g = arith.constant dense<[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]> : tensor<3x2xf32>
  %sids = arith.constant dense<[2, 0, 2]> : tensor<3xi64>
  %s = uscale.scatter_add %g[%sids] axis = 0 : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  %su = tensor.cast %s : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%su) : (tensor<*xf32>) -> ()

  %x = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  // CHECK: {{\[}}[6],
  // CHECK-NEXT: [15]]
  %r0 = uscale.reduce_sum %x axes = [1] : tensor<2x3xf32> -> tensor<2x1xf32>
  %r0u = tensor.cast %r0 : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%r0u) : (tensor<*xf32>) -> ()
  // mean over everything, alpha 2: 2 * 3.5
  // CHECK: [7]
  %r1 = uscale.reduce_mean %x axes = [0, -1] scales <alpha = 2.0, beta = [1.0]> {keepdims = false} : tensor<2x3xf32> -> tensor<f32>
  %r1u = tensor.cast %r1 : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%r1u) : (tensor<*xf32>) -> ()
  // CHECK: [2.5,  3.5,  4.5]
  %r2 = uscale.reduce_mean %x axes = [0] {keepdims = false} : tensor<2x3xf32> -> tensor<3xf32>
  %r2u = tensor.cast %r2 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%r2u) : (tensor<*xf32>) -> ()

  // CHECK: {{\[}}[1,   2],
  // CHECK-NEXT: [3,   4],
  // CHECK-NEXT: [5,   6]]
  %rs = uscale.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  %rsu = tensor.cast %rs : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%rsu) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[1,   4],
  // CHECK-NEXT: [2,   5],
  // CHECK-NEXT: [3,   6]]
  %t = uscale.transpose %x perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %tu = tensor.cast %t : tensor<3x2xf32> to tensor<*xf32>
  call @printMemrefF32(%tu) : (tensor<*xf32>) -> ()
  // CHECK: {{\[}}[1,   2,   3,   1,   1],
  // CHECK-NEXT: [4,   5,   6,   2,   2]]
  %g2 = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %c = uscale.concat %x, %g2 axis = 1 : (tensor<2x3xf32>, tensor<2x2xf32>) -> tensor<2x5xf32>
  %cu = tensor.cast %c : tensor<2x5xf32> to tensor<*xf32>
  call @printMemrefF32(%cu) : (tensor<*xf32>) -> ()
  // split [1, 2] along axis 1, alpha 2.
  // CHECK: {{\[}}[2],
  // CHECK-NEXT: [8]]
  // CHECK: {{\[}}[4,   6],
  // CHECK-NEXT: [10,   12]]
  %sp:2 = uscale.split %x axis = 1 sizes = [1, 2] scales <alpha = 2.0, beta = [1.0]> : tensor<2x3xf32> -> tensor<2x1xf32>, tensor<2x2xf32>
  %sp0 = tensor.cast %sp#0 : tensor<2x1xf32> to tensor<*xf32>
  call @printMemrefF32(%sp0) : (tensor<*xf32>) -> ()
  %sp1 = tensor.cast %sp#1 : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%sp1) : (tensor<*xf32>) -> ()
  // Columns from -3 (= 0) in steps of 2: 0 and 2.
  // CHECK: {{\[}}[1,   3],
  // CHECK-NEXT: [4,   6]]
  %sl = uscale.slice %x starts = [-3] ends = [100] axes = [1] steps = [2] : tensor<2x3xf32> -> tensor<2x2xf32>
  call @print22(%sl) : (tensor<2x2xf32>) -> ()
  // Its VJP puts the values back at columns 0 and 2.
  // CHECK: {{\[}}[1,   0,   3],
  // CHECK-NEXT: [4,   0,   6]]
  %sg = uscale.slice_grad %sl starts = [-3] ends = [100] axes = [1] steps = [2] : tensor<2x2xf32> -> tensor<2x3xf32>
  %sgu = tensor.cast %sg : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%sgu) : (tensor<*xf32>) -> ()
  return
}
