// A batched f32 GEMM (attention's scores without FP8: 8 x 512 x 512 outputs,
// 64 products each), which the FP8 kernels do not take: a loop kernel.
func.func @scores(%a: tensor<8x512x64xf32>, %b: tensor<8x64x512xf32>) -> tensor<8x512x512xf32> {
  %y = uscale.matmul %a, %b scales <alpha = 0.125, beta = [1.0, 1.0]> : (tensor<8x512x64xf32>, tensor<8x64x512xf32>) -> tensor<8x512x512xf32>
  return %y : tensor<8x512x512xf32>
}
