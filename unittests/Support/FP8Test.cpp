//===- FP8Test.cpp - bit-exact FP8 conversions ----------------------------===//
//
// The bit-manipulating encoder/decoder (lib/Support/FP8.cpp) against two
// references built differently:
//   1. a table of every finite value, enumerated from the format definition
//      as doubles, searched for the nearest value (ties to the code with an
//      even mantissa LSB), saturating beyond max;
//   2. LLVM's APFloat (Float8E4M3FN, Float8E5M2), round-to-nearest-even
//      after clamping to +-max.
// Codes are compared bit for bit on every code, on hand-picked edge cases
// (every midpoint between neighbours, underflow, overflow, inf, NaN, f32
// subnormals), on a structured sweep of 2^16 x 5 f32 patterns and on 2^21
// random f32 values per format (fixed seed).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Support/FP8.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace uscale;

namespace {

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

//===----------------------------------------------------------------------===//
// Reference 1: nearest value by search over the enumerated format.
//===----------------------------------------------------------------------===//

struct RefFormat {
  const char *name;
  int expBits, mantBits, bias;
  bool ieeeSpecials; // E5M2: exponent all-ones = inf/NaN; E4M3FN: only S.1111.111 NaN
  const llvm::fltSemantics &(*semantics)();
  uint8_t (*encode)(float);
  float (*decode)(uint8_t);
  float (*quantize)(float);

  /// values[c] is the magnitude of code c, for every finite positive code c.
  /// Enumerated in code order, which (checked below) is increasing order.
  std::vector<double> values;

  void enumerate() {
    const int expAllOnes = (1 << expBits) - 1;
    const int mantMax = (1 << mantBits) - 1;
    for (int ef = 0; ef <= expAllOnes; ++ef)
      for (int m = 0; m <= mantMax; ++m) {
        if (ieeeSpecials && ef == expAllOnes)
          continue; // inf / NaN
        if (!ieeeSpecials && ef == expAllOnes && m == mantMax)
          continue; // the NaN
        // value = (ef == 0 ? 0.m : 1.m) * 2^(max(ef,1) - bias)
        const double frac = ef == 0 ? m : (1 << mantBits) + m;
        values.push_back(
            std::ldexp(frac, (ef == 0 ? 1 : ef) - bias - mantBits));
      }
  }

  uint8_t maxCode() const { return static_cast<uint8_t>(values.size() - 1); }
  double maxValue() const { return values.back(); }

  uint8_t refEncode(float x) const {
    if (std::isnan(x))
      return 0x7F;
    const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
    const double a = std::fabs(static_cast<double>(x));
    if (a >= maxValue()) // finite overflow and inf: satfinite
      return sign | maxCode();
    // values[i] <= a < values[i + 1]
    const size_t i =
        std::upper_bound(values.begin(), values.end(), a) - values.begin() - 1;
    if (values[i] == a)
      return static_cast<uint8_t>(sign | i);
    // The midpoint of two FP8 neighbours is exact in double; so is a.
    const double mid = (values[i] + values[i + 1]) / 2;
    size_t pick;
    if (a < mid)
      pick = i;
    else if (a > mid)
      pick = i + 1;
    else // tie: the code whose mantissa LSB (= code LSB) is even
      pick = (i % 2 == 0) ? i : i + 1;
    return static_cast<uint8_t>(sign | pick);
  }

  /// What decode(code) must give, as a double (NaN for NaN codes).
  double refDecode(uint8_t code) const {
    const double s = (code & 0x80) ? -1.0 : 1.0;
    const unsigned mag = code & 0x7F;
    if (mag < values.size())
      return s * values[mag];
    if (ieeeSpecials && mag == values.size()) // first code past max: inf
      return s * std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }

  //===--------------------------------------------------------------------===//
  // Reference 2: APFloat.
  //===--------------------------------------------------------------------===//
  uint8_t apEncode(float x) const {
    if (std::isnan(x))
      return 0x7F;
    const float maxF = static_cast<float>(maxValue());
    // APFloat implements IEEE overflow (to inf, or to NaN for E4M3FN), not
    // satfinite; clamping first is equivalent because every value between
    // max and the overflow threshold rounds to max anyway.
    if (std::fabs(x) > maxF)
      x = std::copysign(maxF, x);
    llvm::APFloat f(x);
    bool losesInfo = false;
    f.convert(semantics(), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    return static_cast<uint8_t>(f.bitcastToAPInt().getZExtValue());
  }

  float apDecode(uint8_t code) const {
    llvm::APFloat f(semantics(), llvm::APInt(8, code));
    bool losesInfo = false;
    f.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
              &losesInfo);
    return f.convertToFloat();
  }
};

RefFormat makeE4M3() {
  RefFormat f{"E4M3", 4, 3, 7, false, &llvm::APFloat::Float8E4M3FN,
              &floatToE4M3, &e4m3ToFloat, &quantizeE4M3, {}};
  f.enumerate();
  return f;
}

RefFormat makeE5M2() {
  RefFormat f{"E5M2", 5, 2, 15, true, &llvm::APFloat::Float8E5M2,
              &floatToE5M2, &e5m2ToFloat, &quantizeE5M2, {}};
  f.enumerate();
  return f;
}

std::string hex32(float x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%08X (%a)", bitsOf(x), x);
  return buf;
}

/// Compares encode against both references on `inputs`; reports the first
/// few mismatches and returns the number checked.
size_t checkEncode(const RefFormat &f, const std::vector<float> &inputs) {
  int reported = 0;
  size_t mismatches = 0;
  for (float x : inputs) {
    const unsigned got = f.encode(x);
    const unsigned ref = f.refEncode(x);
    const unsigned ap = f.apEncode(x);
    if (got != ref || got != ap) {
      ++mismatches;
      if (reported++ < 10)
        ADD_FAILURE() << f.name << " encode(" << hex32(x) << ") = 0x"
                      << std::hex << got << ", search ref 0x" << ref
                      << ", APFloat 0x" << ap;
    }
  }
  EXPECT_EQ(mismatches, 0u) << f.name << ": of " << inputs.size();
  return inputs.size();
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

std::vector<float> edgeCases(const RefFormat &f) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> xs = {
      0.0f, -0.0f, inf, -inf,
      std::numeric_limits<float>::quiet_NaN(),
      floatOf(0xFFC00000u), // -NaN
      floatOf(0x7F800001u), // signalling NaN
      floatOf(0xFFFFFFFFu), floatOf(0x7FFFFFFFu),
      FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
      std::numeric_limits<float>::denorm_min(),
      -std::numeric_limits<float>::denorm_min(),
      floatOf(0x007FFFFFu), floatOf(0x807FFFFFu), // largest f32 subnormal
      1e30f, -1e30f};

  // Every representable value, every midpoint between neighbours (exact
  // ties, normal and subnormal), and the f32 values either side of it.
  for (size_t i = 0; i < f.values.size(); ++i) {
    const float v = static_cast<float>(f.values[i]);
    EXPECT_EQ(static_cast<double>(v), f.values[i]);
    xs.push_back(v);
    xs.push_back(std::nextafter(v, inf));
    xs.push_back(std::nextafter(v, 0.0f));
    if (i + 1 < f.values.size()) {
      const double midD = (f.values[i] + f.values[i + 1]) / 2;
      const float mid = static_cast<float>(midD);
      EXPECT_EQ(static_cast<double>(mid), midD) << "midpoint not an f32";
      xs.push_back(mid);
      xs.push_back(std::nextafter(mid, inf));
      xs.push_back(std::nextafter(mid, 0.0f));
    }
  }

  // Underflow: the smallest subnormal s and fractions of it.
  const float s = static_cast<float>(f.values[1]);
  for (float k : {0.25f, 0.5f, 0.75f, 1.5f, 2.5f, 3.5f})
    xs.push_back(s * k);
  xs.push_back(std::nextafter(s * 0.5f, inf));
  xs.push_back(std::nextafter(s * 0.5f, 0.0f));

  // Overflow: max, the midpoint to the would-be next value (one more ulp of
  // the top binade), that next value, and beyond.
  const double maxV = f.maxValue();
  const double ulpTop = f.values.back() - f.values[f.values.size() - 2];
  for (double v : {maxV, maxV + ulpTop / 2, maxV + ulpTop, 2 * maxV, 1e10}) {
    const float fv = static_cast<float>(v);
    xs.push_back(fv);
    xs.push_back(std::nextafter(fv, inf));
    xs.push_back(std::nextafter(fv, 0.0f));
  }

  const size_t n = xs.size();
  for (size_t i = 0; i < n; ++i)
    xs.push_back(-xs[i]);
  return xs;
}

/// Every f32 whose high 16 bits are anything and whose low 16 bits are one
/// of a few patterns: covers every exponent, both signs, NaN/inf encodings,
/// and exact ties (low bits all zero) at every binade.
std::vector<float> structuredSweep() {
  std::vector<float> xs;
  xs.reserve(65536 * 5);
  for (uint32_t hi = 0; hi < 65536; ++hi)
    for (uint32_t lo : {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0xFFFFu})
      xs.push_back(floatOf(hi << 16 | lo));
  return xs;
}

constexpr size_t kRandomCount = size_t(1) << 20;

/// Uniformly random bit patterns (mostly huge or tiny magnitudes, NaNs).
std::vector<float> randomBits(uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> xs(kRandomCount);
  for (float &x : xs)
    x = floatOf(static_cast<uint32_t>(rng()));
  return xs;
}

/// Random values whose exponent lies in or just around the format's range
/// (from below half the smallest subnormal to above max); a quarter of them
/// have their low mantissa bits cleared, which makes exact ties frequent.
std::vector<float> randomNearRange(const RefFormat &f, uint32_t seed) {
  std::mt19937 rng(seed);
  const int minExp = 1 - f.bias - f.mantBits - 3;
  const int maxExp = static_cast<int>(std::ilogb(f.maxValue())) + 2;
  const uint32_t span = static_cast<uint32_t>(maxExp - minExp + 1);
  std::vector<float> xs(kRandomCount);
  for (float &x : xs) {
    const uint32_t r = static_cast<uint32_t>(rng());
    const int e = minExp + static_cast<int>(r % span);
    uint32_t mant = static_cast<uint32_t>(rng()) & 0x7FFFFFu;
    if ((r >> 16) % 4 == 0)
      mant &= ~((1u << (23 - f.mantBits - 1)) - 1u);
    const uint32_t sign = (r >> 31) << 31;
    x = floatOf(sign | static_cast<uint32_t>(e + 127) << 23 | mant);
  }
  return xs;
}

class FP8Test : public ::testing::TestWithParam<const char *> {
protected:
  void SetUp() override {
    fmt = std::string(GetParam()) == "E4M3" ? makeE4M3() : makeE5M2();
  }
  RefFormat fmt = makeE4M3();
};

//===----------------------------------------------------------------------===//
// The reference itself
//===----------------------------------------------------------------------===//

TEST_P(FP8Test, ReferenceTableMatchesFormatDefinition) {
  ASSERT_TRUE(std::is_sorted(fmt.values.begin(), fmt.values.end()));
  ASSERT_TRUE(std::adjacent_find(fmt.values.begin(), fmt.values.end()) ==
              fmt.values.end());
  if (std::string(fmt.name) == "E4M3") {
    EXPECT_EQ(fmt.values.size(), 127u); // 0x00..0x7E
    EXPECT_EQ(fmt.maxValue(), 448.0);
    EXPECT_EQ(fmt.values[1], std::ldexp(1.0, -9));
    EXPECT_EQ(fmt.values[8], std::ldexp(1.0, -6));
  } else {
    EXPECT_EQ(fmt.values.size(), 124u); // 0x00..0x7B
    EXPECT_EQ(fmt.maxValue(), 57344.0);
    EXPECT_EQ(fmt.values[1], std::ldexp(1.0, -16));
    EXPECT_EQ(fmt.values[4], std::ldexp(1.0, -14));
  }
}

//===----------------------------------------------------------------------===//
// (a) All 256 codes
//===----------------------------------------------------------------------===//

TEST_P(FP8Test, AllCodesDecodeExactlyAndReEncode) {
  for (unsigned c = 0; c < 256; ++c) {
    const uint8_t code = static_cast<uint8_t>(c);
    const float got = fmt.decode(code);
    const double want = fmt.refDecode(code);
    const float ap = fmt.apDecode(code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << fmt.name << " code 0x" << std::hex << c;
      EXPECT_TRUE(std::isnan(ap));
      EXPECT_EQ(bitsOf(got), 0x7FFFFFFFu) << "canonical f32 NaN";
      EXPECT_EQ(fmt.encode(got), 0x7F) << "NaN re-encodes to canonical 0x7F";
      continue;
    }
    // Bit-exact, so -0 must come back as -0 and inf as inf.
    EXPECT_EQ(bitsOf(got), bitsOf(static_cast<float>(want)))
        << fmt.name << " code 0x" << std::hex << c;
    EXPECT_EQ(bitsOf(got), bitsOf(ap)) << fmt.name << " code 0x" << std::hex
                                       << c << " vs APFloat";
    unsigned expectCode = c;
    if (std::isinf(want)) // satfinite: +-inf encodes to +-max
      expectCode = (c & 0x80) | fmt.maxCode();
    EXPECT_EQ(fmt.encode(got), expectCode)
        << fmt.name << " code 0x" << std::hex << c;
  }
}

//===----------------------------------------------------------------------===//
// (b), (c) Encode against both references
//===----------------------------------------------------------------------===//

TEST_P(FP8Test, EdgeCasesMatchReferences) {
  checkEncode(fmt, edgeCases(fmt));
}

TEST_P(FP8Test, StructuredSweepMatchesReferences) {
  checkEncode(fmt, structuredSweep());
}

TEST_P(FP8Test, RandomBitPatternsMatchReferences) {
  checkEncode(fmt, randomBits(0x5EED0001u));
}

TEST_P(FP8Test, RandomValuesNearRangeMatchReferences) {
  checkEncode(fmt, randomNearRange(fmt, 0x5EED0002u));
}

TEST_P(FP8Test, QuantizeIsDecodeOfEncode) {
  for (float x : randomNearRange(fmt, 0x5EED0003u)) {
    const float q = fmt.quantize(x);
    ASSERT_EQ(bitsOf(q), bitsOf(fmt.decode(fmt.encode(x)))) << hex32(x);
    ASSERT_EQ(bitsOf(fmt.quantize(q)), bitsOf(q)) << "idempotent " << hex32(x);
  }
  EXPECT_EQ(fmt.quantize(std::numeric_limits<float>::infinity()),
            static_cast<float>(fmt.maxValue()));
  EXPECT_TRUE(std::isnan(fmt.quantize(std::nanf(""))));
}

INSTANTIATE_TEST_SUITE_P(Formats, FP8Test, ::testing::Values("E4M3", "E5M2"),
                         [](const auto &info) {
                           return std::string(info.param);
                         });

//===----------------------------------------------------------------------===//
// Hand-computed codes, straight from the format definitions
//===----------------------------------------------------------------------===//

TEST(FP8Known, E4M3) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(floatToE4M3(0.0f), 0x00);
  EXPECT_EQ(floatToE4M3(-0.0f), 0x80);
  EXPECT_EQ(floatToE4M3(1.0f), 0x38);
  EXPECT_EQ(floatToE4M3(-1.0f), 0xB8);
  EXPECT_EQ(floatToE4M3(1.0625f), 0x38); // tie 1 / 1.125 -> even (1)
  EXPECT_EQ(floatToE4M3(1.1875f), 0x3A); // tie 1.125 / 1.25 -> even (1.25)
  EXPECT_EQ(floatToE4M3(240.0f), 0x77);
  EXPECT_EQ(floatToE4M3(448.0f), 0x7E);
  EXPECT_EQ(floatToE4M3(-448.0f), 0xFE);
  EXPECT_EQ(floatToE4M3(464.0f), 0x7E); // tie 448 / (480) -> 448
  EXPECT_EQ(floatToE4M3(470.0f), 0x7E); // nearer 480: saturates
  EXPECT_EQ(floatToE4M3(1e6f), 0x7E);
  EXPECT_EQ(floatToE4M3(inf), 0x7E);
  EXPECT_EQ(floatToE4M3(-inf), 0xFE);
  EXPECT_EQ(floatToE4M3(std::nanf("")), 0x7F);
  EXPECT_EQ(floatToE4M3(-std::nanf("")), 0x7F);
  EXPECT_EQ(floatToE4M3(std::ldexp(1.0f, -6)), 0x08);  // min normal
  EXPECT_EQ(floatToE4M3(std::ldexp(1.0f, -9)), 0x01);  // min subnormal
  EXPECT_EQ(floatToE4M3(std::ldexp(1.0f, -10)), 0x00); // tie 0 / min -> 0
  EXPECT_EQ(floatToE4M3(std::ldexp(1.5f, -9)), 0x02);  // tie 1 / 2 -> 2
  EXPECT_EQ(floatToE4M3(std::ldexp(7.5f, -9)), 0x08);  // tie 7 / 8 -> 8
  EXPECT_EQ(e4m3ToFloat(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(e4m3ToFloat(0x7E), 448.0f);
  EXPECT_EQ(e4m3ToFloat(0xF8), -256.0f);
  EXPECT_TRUE(std::isnan(e4m3ToFloat(0x7F)));
  EXPECT_TRUE(std::isnan(e4m3ToFloat(0xFF)));
}

TEST(FP8Known, E5M2) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(floatToE5M2(0.0f), 0x00);
  EXPECT_EQ(floatToE5M2(-0.0f), 0x80);
  EXPECT_EQ(floatToE5M2(1.0f), 0x3C);
  EXPECT_EQ(floatToE5M2(1.125f), 0x3C); // tie 1 / 1.25 -> even (1)
  EXPECT_EQ(floatToE5M2(1.375f), 0x3E); // tie 1.25 / 1.5 -> even (1.5)
  EXPECT_EQ(floatToE5M2(57344.0f), 0x7B);
  EXPECT_EQ(floatToE5M2(61440.0f), 0x7B); // tie max / inf: satfinite
  EXPECT_EQ(floatToE5M2(65536.0f), 0x7B);
  EXPECT_EQ(floatToE5M2(inf), 0x7B);
  EXPECT_EQ(floatToE5M2(-inf), 0xFB);
  EXPECT_EQ(floatToE5M2(std::nanf("")), 0x7F);
  EXPECT_EQ(floatToE5M2(-std::nanf("")), 0x7F);
  EXPECT_EQ(floatToE5M2(std::ldexp(1.0f, -14)), 0x04); // min normal
  EXPECT_EQ(floatToE5M2(std::ldexp(1.0f, -16)), 0x01); // min subnormal
  EXPECT_EQ(floatToE5M2(std::ldexp(1.0f, -17)), 0x00); // tie -> 0
  EXPECT_EQ(floatToE5M2(std::ldexp(3.5f, -16)), 0x04); // tie 3 / 4 -> 4
  EXPECT_EQ(e5m2ToFloat(0x7B), 57344.0f);
  EXPECT_EQ(e5m2ToFloat(0x7C), inf);
  EXPECT_EQ(e5m2ToFloat(0xFC), -inf);
  EXPECT_TRUE(std::isnan(e5m2ToFloat(0x7D)));
  EXPECT_TRUE(std::isnan(e5m2ToFloat(0xFF)));
  EXPECT_EQ(e5m2ToFloat(0x01), std::ldexp(1.0f, -16));
}

} // namespace
