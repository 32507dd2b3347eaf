//===- Random.h - A small, portable, seeded generator -----------*- C++ -*-===//
//
// <random>'s distributions differ between standard libraries; runs recorded
// in the repo must be reproducible anywhere, so the runner uses its own:
// splitmix64 for bits, Box-Muller for normals.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_RANDOM_H
#define USCALE_RUNTIME_RANDOM_H

#include <cmath>
#include <cstdint>

namespace uscale::rt {

class Rng {
public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return (next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n) (n > 0); the modulo bias is below 2^-40 for
  /// the sizes used here.
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % uint64_t(n)); }
  /// Standard normal.
  double normal() {
    if (haveSpare_) {
      haveSpare_ = false;
      return spare_;
    }
    double u1 = 1.0 - uniform(); // (0, 1]: log is finite
    double u2 = uniform();
    double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * M_PI * u2);
    haveSpare_ = true;
    return r * std::cos(2 * M_PI * u2);
  }

private:
  uint64_t state_;
  double spare_ = 0;
  bool haveSpare_ = false;
};

} // namespace uscale::rt

#endif // USCALE_RUNTIME_RANDOM_H
