// The model exec-aot.test compiles: an unscaled f32 MLP, 8 rows of 4
// features, 3 classes. Parameters start from the runner's initialisation.
func.func @mlp(%x: tensor<8x4xf32>, %labels: tensor<8xi32>) -> tensor<f32> {
  %w1 = uscale.parameter "fc1.weight" init normal : tensor<4x16xf32>
  %b1 = uscale.parameter "fc1.bias" init zeros : tensor<16xf32>
  %w2 = uscale.parameter "fc2.weight" init normal : tensor<3x16xf32>
  %b2 = uscale.parameter "fc2.bias" init zeros : tensor<3xf32>
  %h = uscale.linear %x, %w1, %b1 : (tensor<8x4xf32>, tensor<4x16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  %a = uscale.gelu %h : tensor<8x16xf32>
  %o = uscale.linear %a, %w2, %b2 transpose_weight : (tensor<8x16xf32>, tensor<3x16xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = uscale.softmax_cross_entropy %o, %labels : (tensor<8x3xf32>, tensor<8xi32>) -> tensor<f32>
  return %l : tensor<f32>
}
