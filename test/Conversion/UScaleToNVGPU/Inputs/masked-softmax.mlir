// A masked softmax over 64 rows of 256 (kernel-table.test).
func.func @masked_softmax(%x: tensor<64x256xf32>, %m: tensor<256xf32>) -> tensor<64x256xf32> {
  %a = uscale.add %x, %m : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
  %y = uscale.softmax %a axis = -1 : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
