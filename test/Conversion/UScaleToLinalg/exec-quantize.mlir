// uscale.quantize lowered to LLVM and run: a few values by hand, then a
// checksum over 65536 f32 bit patterns (every sign and exponent, exact ties,
// zeros, f32 subnormals, infinities, NaNs) against Inputs/quantize_ref.py,
// an independent exact-arithmetic reference (lib/Support/FP8.cpp gives the
// same checksums).
//
// RUN: unit-scale-opt %s --uscale-lower-to-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void %mlir_runner_libs \
// RUN:   | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

// sum_i bits(quantize(x_i)) * (i + 1) (mod 2^64), x_i = (i << 16) | low.
func.func @checksum_e4m3(%low: i32) -> i64 {
  %x = call @sweep(%low) : (i32) -> tensor<65536xf32>
  %q = uscale.quantize %x e4m3 : tensor<65536xf32>
  %s = call @sum(%q) : (tensor<65536xf32>) -> i64
  return %s : i64
}
func.func @checksum_e5m2(%low: i32) -> i64 {
  %x = call @sweep(%low) : (i32) -> tensor<65536xf32>
  %q = uscale.quantize %x e5m2 : tensor<65536xf32>
  %s = call @sum(%q) : (tensor<65536xf32>) -> i64
  return %s : i64
}

func.func @sweep(%low: i32) -> tensor<65536xf32> {
  %e = tensor.empty() : tensor<65536xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<65536xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %c16 = arith.constant 16 : i32
    %hi = arith.shli %ii, %c16 : i32
    %b = arith.ori %hi, %low : i32
    %f = arith.bitcast %b : i32 to f32
    linalg.yield %f : f32
  } -> tensor<65536xf32>
  return %x : tensor<65536xf32>
}

func.func @sum(%q: tensor<65536xf32>) -> i64 {
  %z = arith.constant dense<0> : tensor<i64>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]} ins(%q : tensor<65536xf32>) outs(%z : tensor<i64>) {
  ^bb0(%v: f32, %acc: i64):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %one = arith.constant 1 : i64
    %w = arith.addi %ii, %one : i64
    %b = arith.bitcast %v : f32 to i32
    %bb = arith.extui %b : i32 to i64
    %p = arith.muli %bb, %w : i64
    %r = arith.addi %acc, %p : i64
    linalg.yield %r : i64
  } -> tensor<i64>
  %r = tensor.extract %s[] : tensor<i64>
  return %r : i64
}

func.func @main() {
  // 464 ties to 448 (even), 470 rounds to the would-be 480 and saturates,
  // -inf saturates, 2^-10 ties to 0, 1.5 * 2^-9 ties to 2 * 2^-9.
  // CHECK: [448,  448,  448,  448,  -448,  0.101562,  -0.3125,  0,  0.00390625,  -0]
  %a = arith.constant dense<[448.0, 464.0, 470.0, 1.0e9, 0xFF800000, 0.1, -0.3, 0.0009765625, 0.0029296875, -0.0]> : tensor<10xf32>
  %qa = uscale.quantize %a e4m3 : tensor<10xf32>
  %qau = tensor.cast %qa : tensor<10xf32> to tensor<*xf32>
  call @printMemrefF32(%qau) : (tensor<*xf32>) -> ()
  // CHECK: [57344,  57344,  57344,  0.09375,  0,  3.05176e-05]
  %b = arith.constant dense<[57344.0, 61440.0, 1.0e6, 0.1, 7.62939453125e-06, 2.288818359375e-05]> : tensor<6xf32>
  %qb = uscale.quantize %b e5m2 : tensor<6xf32>
  %qbu = tensor.cast %qb : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%qbu) : (tensor<*xf32>) -> ()

  %l0 = arith.constant 0 : i32
  %l1 = arith.constant 32768 : i32
  // quantize_ref.py e4m3 0; e4m3 0x8000; e5m2 0; e5m2 0x8000
  // CHECK: 5072597527977639554
  // CHECK-NEXT: 5072622646651273088
  // CHECK-NEXT: 5197762523591458434
  // CHECK-NEXT: 5197780441922289536
  %s0 = call @checksum_e4m3(%l0) : (i32) -> i64
  vector.print %s0 : i64
  %s1 = call @checksum_e4m3(%l1) : (i32) -> i64
  vector.print %s1 : i64
  %s2 = call @checksum_e5m2(%l0) : (i32) -> i64
  vector.print %s2 : i64
  %s3 = call @checksum_e5m2(%l1) : (i32) -> i64
  vector.print %s3 : i64
  return
}
