// RUN: unit-scale-opt %s -split-input-file -uscale-weighted-residuals | FileCheck %s --check-prefixes=CHECK,FIXED
// RUN: unit-scale-opt %s -split-input-file -uscale-weighted-residuals='tau=0.2' | FileCheck %s --check-prefixes=CHECK,TAU02
// RUN: unit-scale-opt %s -split-input-file -uscale-weighted-residuals='tau-rule=running-mean' | FileCheck %s --check-prefixes=CHECK,RUNNING

// Two pre-norm-style residual blocks on one trunk. The branch's read of the
// trunk goes through the split; the skip operand reads the trunk directly.
// CHECK-LABEL: func.func @trunk
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// FIXED: %[[S1:.*]] = uscale.residual_split %[[X]] tau = 5.000000e-01
// TAU02: %[[S1:.*]] = uscale.residual_split %[[X]] tau = 2.000000e-01
// RUNNING: %[[S1:.*]] = uscale.residual_split %[[X]] tau = 5.000000e-01
// CHECK: %[[B1:.*]] = uscale.tanh %[[S1]]
// FIXED: %[[Y1:.*]] = uscale.weighted_add %[[B1]], %[[X]] tau = 5.000000e-01
// TAU02: %[[Y1:.*]] = uscale.weighted_add %[[B1]], %[[X]] tau = 2.000000e-01
// RUNNING: %[[Y1:.*]] = uscale.weighted_add %[[B1]], %[[X]] tau = 5.000000e-01
// FIXED: %[[S2:.*]] = uscale.residual_split %[[Y1]] tau = 5.000000e-01
// TAU02: %[[S2:.*]] = uscale.residual_split %[[Y1]] tau = 2.000000e-01
// RUNNING: %[[S2:.*]] = uscale.residual_split %[[Y1]] tau = 0.33333333333333331
// CHECK: %[[B2:.*]] = uscale.relu %[[S2]]
// CHECK: %[[B3:.*]] = uscale.sigmoid %[[S2]]
// CHECK: %[[B4:.*]] = uscale.mul %[[B2]], %[[B3]]
// FIXED: %[[Y2:.*]] = uscale.weighted_add %[[B4]], %[[Y1]] tau = 5.000000e-01
// TAU02: %[[Y2:.*]] = uscale.weighted_add %[[B4]], %[[Y1]] tau = 2.000000e-01
// RUNNING: %[[Y2:.*]] = uscale.weighted_add %[[B4]], %[[Y1]] tau = 0.33333333333333331
// CHECK: return %[[Y2]]
func.func @trunk(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = uscale.tanh %x : tensor<4x8xf32>
  %1 = uscale.add %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = uscale.relu %1 : tensor<4x8xf32>
  %3 = uscale.sigmoid %1 : tensor<4x8xf32>
  %4 = uscale.mul %2, %3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %5 = uscale.add %1, %4 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %5 : tensor<4x8xf32>
}

// -----

// Adds that are not residual stay adds: independent operands, x + x, and a
// broadcasting add.
// CHECK-LABEL: func.func @not_residual
// CHECK-NOT: weighted_add
// CHECK-NOT: residual_split
// CHECK: uscale.add
// CHECK: uscale.add
// CHECK: uscale.add
func.func @not_residual(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = uscale.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = uscale.add %x, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = uscale.tanh %x : tensor<4x8xf32>
  %t = uscale.reduce_sum %2 axes = [0] {keepdims = false} : tensor<4x8xf32> -> tensor<8xf32>
  %3 = uscale.add %x, %t : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0, %1, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Other reads of the trunk outside the branch (here a second consumer after
// the add) keep reading the trunk, not the split.
// CHECK-LABEL: func.func @outside_reads
// CHECK: %[[S:.*]] = uscale.residual_split %[[X:.*]] tau
// CHECK: uscale.relu %[[S]]
// CHECK: uscale.weighted_add
// CHECK: uscale.tanh %[[X]]
func.func @outside_reads(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = uscale.relu %x : tensor<4x8xf32>
  %1 = uscale.add %x, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = uscale.tanh %x : tensor<4x8xf32>
  return %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>
}
