// A two-layer MLP whose GEMMs all have sizes that are multiples of the FP8
// kernels' 128 tile: batch 128, 256 -> 128 -> 128 classes. Layer 2 keeps its
// weight transposed ([fan_out, fan_in], the K-major layout), layer 1 does
// not, so both kinds of weight operand reach uscale-to-nvgpu.
func.func @mlp(%x: tensor<128x256xf32>, %l: tensor<128xi64>) -> tensor<f32> {
  %w1 = uscale.parameter "w1" init normal : tensor<256x128xf32>
  %b1 = uscale.parameter "b1" init zeros : tensor<128xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<128x128xf32>
  %h = uscale.linear %x, %w1, %b1 : (tensor<128x256xf32>, tensor<256x128xf32>, tensor<128xf32>) -> tensor<128x128xf32>
  %a = uscale.relu %h : tensor<128x128xf32>
  %o = uscale.linear %a, %w2 transpose_weight : (tensor<128x128xf32>, tensor<128x128xf32>) -> tensor<128x128xf32>
  %loss = uscale.softmax_cross_entropy %o, %l : (tensor<128x128xf32>, tensor<128xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
