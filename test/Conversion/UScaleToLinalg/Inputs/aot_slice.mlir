// A forward-only function whose result is a strided view of its input:
// copying it into the caller's buffer needs memrefCopy, which the library
// carries itself (exec-aot.test).
func.func @pick(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  %s = uscale.slice %x starts = [1] ends = [6] axes = [1] steps = [2] : tensor<4x6xf32> -> tensor<4x3xf32>
  return %s : tensor<4x3xf32>
}
