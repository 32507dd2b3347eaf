// RUN: unit-scale-opt %s -split-input-file -verify-diagnostics

func.func @matmul_k(%a: tensor<4x8xf32>, %b: tensor<7x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{matmul contraction sizes differ}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.matmul %a, %b : (tensor<4x8xf32>, tensor<7x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @matmul_rank(%a: tensor<8xf32>, %b: tensor<8x2xf32>) -> tensor<2xf32> {
  // expected-error @below {{matmul operands need rank >= 2}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.matmul %a, %b : (tensor<8xf32>, tensor<8x2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_batch(%a: tensor<3x4x8xf32>, %b: tensor<2x8x2xf32>) -> tensor<3x4x2xf32> {
  // expected-error @below {{batch dimensions}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.matmul %a, %b : (tensor<3x4x8xf32>, tensor<2x8x2xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

func.func @matmul_result(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x3xf32> {
  // expected-error @below {{inferred type(s) 'tensor<4x2xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>'}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.matmul %a, %b : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @linear_fan_in(%x: tensor<4x8xf32>, %w: tensor<9x2xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{linear input's last dimension 8 does not match weight}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.linear %x, %w : (tensor<4x8xf32>, tensor<9x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @linear_bias(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>, %b: tensor<3xf32>) -> tensor<4x2xf32> {
  // expected-error @below {{linear bias must be [2]}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.linear %x, %w, %b : (tensor<4x8xf32>, tensor<8x2xf32>, tensor<3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @add_broadcast(%x: tensor<4x8xf32>, %y: tensor<3xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{are not broadcast-compatible}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.add %x, %y : (tensor<4x8xf32>, tensor<3xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @add_types(%x: tensor<4xf32>, %y: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @below {{operand element types differ}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.add %x, %y : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @relu_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @below {{must be ranked tensor of floating-point values}}
  %0 = uscale.relu %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @softmax_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{axis 2 is out of range}}
  %0 = uscale.softmax %x axis = 2 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dropout_ratio(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{ratio must be in [0, 1), got 1}}
  %0 = uscale.dropout %x ratio = 1.0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @norm_gain(%x: tensor<4x8xf32>, %g: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{normalisation gain/bias 'tensor<4xf32>' must have the normalised dimensions}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.layer_norm %x gain %g axis = -1 : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @norm_eps(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{epsilon must be >= 0}}
  %0 = uscale.rms_norm %x axis = -1 {epsilon = -1.0} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @gather_axis(%t: tensor<10x8xf32>, %i: tensor<4xi64>) -> tensor<4x8xf32> {
  // expected-error @below {{gather axis 2 is out of range}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.gather %t[%i] axis = 2 : (tensor<10x8xf32>, tensor<4xi64>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @reduce_axes(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  // expected-error @below {{axis 1 is listed twice}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.reduce_sum %x axes = [1, 1] : tensor<4x8xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @reshape_count(%x: tensor<4x8xf32>) -> tensor<30xf32> {
  // expected-error @below {{changes the number of elements (32 vs 30)}}
  %0 = uscale.reshape %x : tensor<4x8xf32> -> tensor<30xf32>
  return %0 : tensor<30xf32>
}

// -----

func.func @transpose_perm(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  // expected-error @below {{transpose perm is not a permutation}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.transpose %x perm = [1, 1] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @concat_dims(%x: tensor<4x8xf32>, %y: tensor<4x7xf32>) -> tensor<8x8xf32> {
  // expected-error @below {{differ outside axis 0}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.concat %x, %y axis = 0 : (tensor<4x8xf32>, tensor<4x7xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @split_sizes(%x: tensor<4x8xf32>) -> (tensor<1x8xf32>, tensor<2x8xf32>) {
  // expected-error @below {{split sizes add up to 3 but axis 0}}
  // expected-error @below {{failed to infer returned types}}
  %0:2 = uscale.split %x axis = 0 sizes = [1, 2] : tensor<4x8xf32> -> tensor<1x8xf32>, tensor<2x8xf32>
  return %0#0, %0#1 : tensor<1x8xf32>, tensor<2x8xf32>
}

// -----

func.func @slice_step(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{slice steps must be positive}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.slice %x starts = [0] ends = [4] axes = [0] steps = [0] : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @sce_labels(%x: tensor<4x8xf32>, %l: tensor<3xi64>) -> tensor<f32> {
  // expected-error @below {{labels 'tensor<3xi64>' must have the leading dimensions of logits}}
  // expected-error @below {{failed to infer returned types}}
  %0 = uscale.softmax_cross_entropy %x, %l : (tensor<4x8xf32>, tensor<3xi64>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @tau(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{tau must be in (0, 1), got 1}}
  %0 = uscale.weighted_add %x, %x tau = 1.0 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @scales_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{has 2 backward scales for 1 operands}}
  %0 = uscale.relu %x scales <alpha = 1.0, beta = [1.0, 2.0]> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @scales_positive(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{scales must be finite and positive}}
  %0 = uscale.relu %x scales <alpha = 0.0, beta = [1.0]> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @param_data() -> tensor<2xf32> {
  // expected-error @below {{init 'data' needs a 'value' attribute}}
  %0 = uscale.parameter "p" init data : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @param_value_type() -> tensor<2xf32> {
  // expected-error @below {{initializer type 'tensor<3xf32>' does not match parameter type 'tensor<2xf32>'}}
  %0 = uscale.parameter "p" init data {value = dense<1.0> : tensor<3xf32>} : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @param_name() -> tensor<2xf32> {
  // expected-error @below {{parameter needs a non-empty name}}
  %0 = uscale.parameter "" init normal : tensor<2xf32>
  return %0 : tensor<2xf32>
}
