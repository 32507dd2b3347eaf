// RUN: not unit-scale-opt %s -uscale-constrain-scales='mode=median' 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not unit-scale-opt %s -uscale-weighted-residuals='tau=1.5' 2>&1 | FileCheck %s --check-prefix=TAU
// RUN: not unit-scale-opt %s -uscale-weighted-residuals='tau-rule=cosine' 2>&1 | FileCheck %s --check-prefix=RULE
// RUN: not unit-scale-opt %s -uscale-unit-scale='mode=bogus' 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not unit-scale-opt %s -uscale-constrain-scales 2>&1 | FileCheck %s --check-prefix=ORDER

// MODE: unknown mode '{{median|bogus}}' (expected gmean, hmean, amean, to-output, to-grad-input or none)
// TAU: tau must be in (0, 1), got 1.5
// RULE: unknown tau-rule 'cosine' (expected fixed or running-mean)
// ORDER: has no scales: run uscale-assign-scales first

func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.relu %x : tensor<4x8xf32>
  %1 = uscale.add %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}
