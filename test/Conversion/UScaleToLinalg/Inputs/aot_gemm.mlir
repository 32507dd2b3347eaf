// GEMM shapes for exec-aot-gemm.test: every form the lowering produces
// (matmul with A's batch folded into M, batch_matmul over broadcast
// operands, linear with a transposed weight and a bias), sizes that are no
// multiple of the kernels' tiles, f32 and f64.
func.func @gemm32(%x: tensor<2x13x37xf32>, %w: tensor<21x37xf32>, %bias: tensor<21xf32>,
                  %a: tensor<2x3x7x19xf32>, %b: tensor<1x3x19x17xf32>,
                  %p: tensor<5x300xf32>, %q: tensor<300x40xf32>)
    -> (tensor<2x13x21xf32>, tensor<2x3x7x17xf32>, tensor<5x40xf32>) {
  %0 = uscale.linear %x, %w, %bias transpose_weight : (tensor<2x13x37xf32>, tensor<21x37xf32>, tensor<21xf32>) -> tensor<2x13x21xf32>
  %1 = uscale.matmul %a, %b : (tensor<2x3x7x19xf32>, tensor<1x3x19x17xf32>) -> tensor<2x3x7x17xf32>
  %2 = uscale.matmul %p, %q scales <alpha = 0.5, beta = [1.0, 1.0]> : (tensor<5x300xf32>, tensor<300x40xf32>) -> tensor<5x40xf32>
  return %0, %1, %2 : tensor<2x13x21xf32>, tensor<2x3x7x17xf32>, tensor<5x40xf32>
}

func.func @gemm64(%a: tensor<3x29x33xf64>, %b: tensor<33x40xf64>,
                  %x: tensor<2x7x19xf64>, %y: tensor<2x19x9xf64>)
    -> (tensor<3x29x40xf64>, tensor<2x7x9xf64>) {
  %0 = uscale.matmul %a, %b : (tensor<3x29x33xf64>, tensor<33x40xf64>) -> tensor<3x29x40xf64>
  %1 = uscale.matmul %x, %y : (tensor<2x7x19xf64>, tensor<2x19x9xf64>) -> tensor<2x7x9xf64>
  return %0, %1 : tensor<3x29x40xf64>, tensor<2x7x9xf64>
}
