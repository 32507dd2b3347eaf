//===- FP8.h - bit-exact FP8 E4M3FN / E5M2 conversions ----------*- C++ -*-===//
//
// Conversions between f32 and the two OCP 8-bit floating-point formats, bit
// for bit what NVIDIA Hopper's `cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32` produce
// (spec section 6, docs/fp8.md):
//
//   E4M3FN  1 sign, 4 exponent (bias 7), 3 mantissa bits. No infinity; the
//           only NaN codes are S.1111.111 (0x7F, 0xFF). Max 448 (0x7E).
//   E5M2    1 sign, 5 exponent (bias 15), 2 mantissa bits. IEEE-like: exponent
//           11111 is inf (mantissa 0) or NaN. Max finite 57344 (0x7B).
//
// Encoding is round-to-nearest, ties-to-even, then saturating: every finite
// magnitude that would round above max, and +-inf, become +-max. NaN (either
// sign, any payload) becomes the positive canonical NaN 0x7F in both formats.
// Decoding is exact (every FP8 value is an f32).
//
// Dependency-free C++17 (no LLVM, no MLIR) so a GPU-free runtime can reuse it.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_SUPPORT_FP8_H
#define UNIT_SCALE_SUPPORT_FP8_H

#include <cstdint>

namespace uscale {

/// Largest finite magnitudes and their (positive) codes.
constexpr float kE4M3Max = 448.0f;
constexpr float kE5M2Max = 57344.0f;
constexpr uint8_t kE4M3MaxCode = 0x7E;
constexpr uint8_t kE5M2MaxCode = 0x7B;
/// The NaN code every NaN input encodes to (sign dropped, as the hardware
/// and CUDA's cuda_fp8.hpp host path produce).
constexpr uint8_t kE4M3NaNCode = 0x7F;
constexpr uint8_t kE5M2NaNCode = 0x7F;

/// f32 -> E4M3FN, round-to-nearest-even, satfinite (|x| beyond 448 and +-inf
/// give +-448; NaN gives 0x7F).
uint8_t floatToE4M3(float x);
/// f32 -> E5M2, round-to-nearest-even, satfinite (|x| beyond 57344 and +-inf
/// give +-57344; NaN gives 0x7F).
uint8_t floatToE5M2(float x);

/// E4M3FN -> f32, exact. 0x7F/0xFF decode to the f32 NaN 0x7FFFFFFF.
float e4m3ToFloat(uint8_t code);
/// E5M2 -> f32, exact. 0x7C/0xFC are +-inf; 0x7D-0x7F/0xFD-0xFF decode to
/// the f32 NaN 0x7FFFFFFF.
float e5m2ToFloat(uint8_t code);

/// x rounded to the nearest E4M3FN value (as the cast above), back in f32.
float quantizeE4M3(float x);
/// x rounded to the nearest E5M2 value (as the cast above), back in f32.
float quantizeE5M2(float x);

} // namespace uscale

#endif // UNIT_SCALE_SUPPORT_FP8_H
