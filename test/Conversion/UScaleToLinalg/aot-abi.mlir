// RUN: unit-scale-opt %s --uscale-lower-to-llvm=aot=true | FileCheck %s
// RUN: unit-scale-opt %s --uscale-lower-to-llvm | FileCheck %s --check-prefix=JIT

// aot=true: results become trailing out-parameters and the C wrapper takes
// one descriptor pointer per argument and result (2 inputs, 2 outputs), and
// returns nothing. libm functions keep their plain names.
// CHECK-DAG: llvm.func @erff(f32) -> f32
// CHECK-DAG: llvm.func @_mlir_ciface_f(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes
// CHECK-NOT: @_mlir_ciface_erff

// Without aot, results are returned (for mlir-runner) and no wrapper exists.
// JIT-NOT: _mlir_ciface
// JIT: llvm.func @f({{.*}}) -> !llvm.struct<
func.func @f(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>) -> (tensor<4x2xf32>, tensor<f32>) {
  %h = uscale.gelu %x : tensor<4x8xf32>
  %y = uscale.matmul %h, %w : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  %s = uscale.reduce_sum %y axes = [0, 1] {keepdims = false} : tensor<4x2xf32> -> tensor<f32>
  return %y, %s : tensor<4x2xf32>, tensor<f32>
}
