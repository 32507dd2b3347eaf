// Stock Debian mlir-opt loads the uscale dialect and passes from the plugin
// and runs the whole pipeline (a plugin pass is named in --pass-pipeline:
// stock mlir-opt parses its flags before the plugin registers new ones).
// RUN: mlir-opt %s --load-dialect-plugin=%uscale_lib/UScalePlugin.so --load-pass-plugin=%uscale_lib/UScalePlugin.so --pass-pipeline="builtin.module(uscale-unit-scale{mode=gmean})" | FileCheck %s

// CHECK: uscale.residual_split
// CHECK: uscale.relu %{{.*}} scales <alpha = 1.55638934475{{[0-9]*}}, beta = [1.55638934475{{[0-9]*}}]>
// CHECK: uscale.weighted_add %{{.*}}, %{{.*}} tau = 5.000000e-01 scales
func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.relu %x : tensor<4x8xf32>
  %1 = uscale.add %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
