//===- FP8.cpp - bit-exact FP8 E4M3FN / E5M2 conversions ------------------===//
//
// Integer bit manipulation on the f32 encoding; no tables, no floating-point
// arithmetic in the encoder, so the result cannot depend on the host's FPU
// modes (flush-to-zero, rounding mode, x87 excess precision).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Support/FP8.h"

#include <cstring>

using namespace uscale;

namespace {

/// What distinguishes the two formats for the shared encoder/decoder.
struct Format {
  int mantBits;     // explicit mantissa bits (3 or 2)
  int bias;         // exponent bias (7 or 15)
  uint32_t maxCode; // largest finite magnitude code (0x7E or 0x7B)
  uint8_t nanCode;  // what a NaN input encodes to
  bool ieeeSpecials; // all-ones exponent is inf/NaN (E5M2) or not (E4M3FN)
};

constexpr Format kE4M3{3, 7, kE4M3MaxCode, kE4M3NaNCode, false};
constexpr Format kE5M2{2, 15, kE5M2MaxCode, kE5M2NaNCode, true};

uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof(u));
  return u;
}

float floatOf(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof(x));
  return x;
}

uint8_t encode(float x, const Format &fmt) {
  const uint32_t u = bitsOf(x);
  const uint8_t sign = static_cast<uint8_t>((u >> 24) & 0x80);
  const uint32_t mag = u & 0x7FFFFFFFu;

  // NaN in, NaN out. The sign and payload are dropped: Hopper returns the
  // one canonical NaN, and so does CUDA's host emulation (cuda_fp8.hpp
  // canonicalises every f32 NaN to 0x7FFFFFFF before converting).
  if (mag > 0x7F800000u)
    return fmt.nanCode;
  // .satfinite: an infinite input gives MAX_NORM with the input's sign (PTX
  // ISA, cvt). E4M3FN has no infinity to give anyway; for E5M2 this is the
  // difference from a plain IEEE conversion, which would keep +-inf.
  if (mag == 0x7F800000u)
    return static_cast<uint8_t>(sign | fmt.maxCode);

  const uint32_t f32Exp = mag >> 23;
  // f32 zeros and subnormals (< 2^-126) lie far below half the smallest FP8
  // subnormal (2^-10 for E4M3, 2^-17 for E5M2), so they round to a zero of
  // the same sign. Handling them here also means the FTZ question (does the
  // hardware flush f32 subnormal inputs?) cannot change any result.
  if (f32Exp == 0)
    return sign;

  // x = sig * 2^(e - 23) with sig the 24-bit significand, implicit 1 included.
  const uint32_t sig = (mag & 0x7FFFFFu) | 0x800000u;
  const int e = static_cast<int>(f32Exp) - 127;
  const int minExp = 1 - fmt.bias; // exponent of the smallest normal

  // The spacing of FP8 values around x is 2^(max(e, minExp) - mantBits):
  // for normals, mantBits fraction bits below the leading 1; below the
  // smallest normal the spacing stays fixed at the subnormal quantum
  // 2^(minExp - mantBits). Gradual underflow therefore needs no special
  // case: it is only a larger right shift of the significand.
  const int effExp = e < minExp ? minExp : e;
  int shift = 23 - fmt.mantBits + (effExp - e);
  // sig < 2^24, so with shift >= 25 the kept part is 0 and the dropped part
  // is below half an ulp: the value rounds to zero. Clamping keeps the
  // 32-bit shifts below well defined without changing the result.
  if (shift > 25)
    shift = 25;

  uint32_t q = sig >> shift; // x / spacing, truncated
  const uint32_t rem = sig & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1);
  // Round to nearest; on an exact tie pick the neighbour with an even last
  // mantissa bit (IEEE 754 roundTiesToEven, the `.rn` of cvt). Ties to even
  // rather than away from zero: it has no bias on average, which matters when
  // millions of products are summed; it is also what the hardware does.
  if (rem > half || (rem == half && (q & 1u)))
    ++q;

  // Assemble the code. For a normal, q = 1.mmm in [2^mantBits,
  // 2^(mantBits+1)) and its implicit 1 lands on the exponent field's lowest
  // bit, hence the "- 1"; for a subnormal effExp == minExp, the exponent part
  // is 0 and q is the mantissa. A rounding carry out of the mantissa
  // (1.111 -> 10.000) simply adds one to the exponent field, which is the
  // correct next binade, and a subnormal that rounds up to 2^mantBits
  // becomes the smallest normal the same way.
  uint32_t code =
      (static_cast<uint32_t>(effExp - minExp) << fmt.mantBits) + q;
  // .satfinite: anything that rounded past the largest finite value (into
  // E5M2's inf/NaN codes, E4M3's NaN code, or beyond 8 bits) becomes max.
  // Rounding first and clamping after is the same as "round, then saturate
  // on overflow": e.g. 464, the midpoint between 448 and the would-be 480,
  // ties to 448 (even) and 470 rounds to 480 then clamps to 448.
  if (code > fmt.maxCode)
    code = fmt.maxCode;
  return static_cast<uint8_t>(sign | code);
}

float decode(uint8_t code, const Format &fmt) {
  const uint32_t sign = static_cast<uint32_t>(code & 0x80) << 24;
  const uint32_t mantMask = (1u << fmt.mantBits) - 1u;
  const uint32_t expField = (code & 0x7Fu) >> fmt.mantBits;
  uint32_t mant = code & mantMask;
  const uint32_t expAllOnes = 0x7Fu >> fmt.mantBits;

  if (!fmt.ieeeSpecials) {
    // E4M3FN spends S.1111.111 on NaN; S.1111.000-110 are ordinary normals.
    if ((code & 0x7F) == 0x7F)
      return floatOf(0x7FFFFFFFu);
  } else if (expField == expAllOnes) {
    // E5M2 follows IEEE: all-ones exponent is inf (mantissa 0) or NaN.
    return mant == 0 ? floatOf(sign | 0x7F800000u) : floatOf(0x7FFFFFFFu);
  }

  int e; // unbiased exponent of the leading 1
  if (expField != 0) {
    e = static_cast<int>(expField) - fmt.bias;
  } else {
    if (mant == 0)
      return floatOf(sign); // +-0
    // Subnormal: mant * 2^(1 - bias - mantBits). Normalise so the leading 1
    // becomes f32's implicit bit; every FP8 subnormal is an f32 normal.
    e = 1 - fmt.bias;
    while (!(mant & (1u << fmt.mantBits))) {
      mant <<= 1;
      --e;
    }
    mant &= mantMask;
  }
  return floatOf(sign | static_cast<uint32_t>(e + 127) << 23 |
                 mant << (23 - fmt.mantBits));
}

} // namespace

uint8_t uscale::floatToE4M3(float x) { return encode(x, kE4M3); }
uint8_t uscale::floatToE5M2(float x) { return encode(x, kE5M2); }
float uscale::e4m3ToFloat(uint8_t code) { return decode(code, kE4M3); }
float uscale::e5m2ToFloat(uint8_t code) { return decode(code, kE5M2); }
float uscale::quantizeE4M3(float x) { return e4m3ToFloat(floatToE4M3(x)); }
float uscale::quantizeE5M2(float x) { return e5m2ToFloat(floatToE5M2(x)); }
