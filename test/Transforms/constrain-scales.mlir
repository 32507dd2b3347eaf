// One residual MLP block, Linear 256 -> 1024 -> 256 on 8 rows, under each
// constraint mode. The residual makes x -> w1-linear -> relu -> w2-linear a
// cycle, so those ops' data operands are constrained; the weights are used
// once (cut-edges) and keep beta_W = 8^-1/2.
//
// Ideal: lin1 alpha 256^-1/2 = 0.0625, beta_X 1024^-1/2 = 0.03125
//        relu alpha 1.71286, beta 1.41421
//        lin2 alpha 1024^-1/2 = 0.03125, beta_X 256^-1/2 = 0.0625
//
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales))' | FileCheck %s --check-prefix=GMEAN
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales{mode=hmean}))' | FileCheck %s --check-prefix=HMEAN
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales{mode=amean}))' | FileCheck %s --check-prefix=AMEAN
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales{mode=to-output}))' | FileCheck %s --check-prefix=TOOUT
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales{mode=to-grad-input}))' | FileCheck %s --check-prefix=TOGRAD
// RUN: unit-scale-opt %s -pass-pipeline='builtin.module(func.func(uscale-weighted-residuals,uscale-assign-scales,uscale-constrain-scales{mode=none}))' | FileCheck %s --check-prefix=NONE

// gmean: sqrt(0.0625 * 0.03125) = 0.0441941738 (the spec's example);
// relu sqrt(1.71286 * 1.41421) = 1.55639.
// GMEAN: uscale.linear {{.*}} scales <alpha = 0.044194173824159{{[0-9]*}}, beta = [0.044194173824159{{[0-9]*}}, 0.35355339059327373]>
// GMEAN: uscale.relu {{.*}} scales <alpha = 1.55638934475{{[0-9]*}}, beta = [1.55638934475{{[0-9]*}}]>
// GMEAN: uscale.linear {{.*}} scales <alpha = 0.044194173824159{{[0-9]*}}, beta = [0.044194173824159{{[0-9]*}}, 0.35355339059327373]>
// GMEAN: uscale.weighted_add {{.*}} scales <alpha = 1.000000e+00, beta = [1.41421356237309{{[0-9]*}}, 1.000000e+00]>

// hmean: 2 / (16 + 32) = 0.0416667; relu 2 / (1/1.71286 + 1/1.41421) = 1.54921.
// HMEAN: uscale.linear {{.*}} scales <alpha = 0.041666666666666{{[0-9]*}}, beta = [0.041666666666666{{[0-9]*}}, 0.35355339059327373]>
// HMEAN: uscale.relu {{.*}} scales <alpha = 1.5492{{[0-9]*}}, beta = [1.5492{{[0-9]*}}]>

// amean: (0.0625 + 0.03125) / 2 = 0.046875; relu 1.56354.
// AMEAN: uscale.linear {{.*}} scales <alpha = 4.687500e-02, beta = [4.687500e-02, 0.35355339059327373]>
// AMEAN: uscale.relu {{.*}} scales <alpha = 1.5635{{[0-9]*}}, beta = [1.5635{{[0-9]*}}]>

// TOOUT: uscale.linear {{.*}} scales <alpha = 6.250000e-02, beta = [6.250000e-02, 0.35355339059327373]>
// TOOUT: uscale.relu {{.*}} scales <alpha = 1.7128585504497, beta = [1.7128585504497]>
// TOOUT: uscale.linear {{.*}} scales <alpha = 3.125000e-02, beta = [3.125000e-02, 0.35355339059327373]>

// TOGRAD: uscale.linear {{.*}} scales <alpha = 3.125000e-02, beta = [3.125000e-02, 0.35355339059327373]>
// TOGRAD: uscale.relu {{.*}} scales <alpha = 1.4142135623731, beta = [1.4142135623731]>
// TOGRAD: uscale.linear {{.*}} scales <alpha = 6.250000e-02, beta = [6.250000e-02, 0.35355339059327373]>

// NONE: uscale.linear {{.*}} scales <alpha = 6.250000e-02, beta = [3.125000e-02, 0.35355339059327373]>
// NONE: uscale.relu {{.*}} scales <alpha = 1.7128585504497, beta = [1.4142135623731]>

func.func @block(%x: tensor<8x256xf32>, %l: tensor<8xi64>) -> tensor<f32> {
  %w1 = uscale.parameter "w1" init normal : tensor<256x1024xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<1024x256xf32>
  %h = uscale.linear %x, %w1 : (tensor<8x256xf32>, tensor<256x1024xf32>) -> tensor<8x1024xf32>
  %a = uscale.relu %h : tensor<8x1024xf32>
  %o = uscale.linear %a, %w2 : (tensor<8x1024xf32>, tensor<1024x256xf32>) -> tensor<8x256xf32>
  %r = uscale.add %x, %o : (tensor<8x256xf32>, tensor<8x256xf32>) -> tensor<8x256xf32>
  %loss = uscale.softmax_cross_entropy %r, %l : (tensor<8x256xf32>, tensor<8xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
