//===- CpuGemmTest.cpp - runtime/cpu GEMM vs a naive triple loop ----------===//
//
// Every case computes C = C0 + A B with random C0 (the kernels accumulate,
// like linalg.matmul) and compares each element with a long-double triple
// loop, within the classical bound (k + 2) eps sum_p |a_ip b_pj| + eps |c0|:
// a dropped, doubled or misplaced term is about |a b| / sum |a b| ~ 1/k off,
// far outside it. Shapes cover the micro-tile edges (MR = 6, NR = 16 / 8),
// the cache blocks (KC = 256, MC = 120 / 60, NC = 3072 / 2048), 1 x N and
// K x 1, and every operand row-major, transposed and strided.
//
//===----------------------------------------------------------------------===//
#include "GemmInternal.h"
#include "uscale-cpu/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

/// How a matrix of `rows` x `cols` is laid out in its buffer.
enum class Layout { RowMajor, ColMajor, Strided };
const char *name(Layout l) {
  return l == Layout::RowMajor   ? "row"
         : l == Layout::ColMajor ? "col"
                                 : "strided";
}

/// A matrix view: element (i, j) at data[off + i * rs + j * cs].
template <typename T> struct Mat {
  std::vector<T> buf;
  int64_t rows, cols, off, rs, cs;
  Mat(int64_t r, int64_t c, Layout l, std::mt19937 &rng) : rows(r), cols(c) {
    if (l == Layout::RowMajor) {
      off = 0, rs = c, cs = 1;
      buf.resize(r * c);
    } else if (l == Layout::ColMajor) {
      off = 0, rs = 1, cs = r;
      buf.resize(r * c);
    } else {
      // Every other column of a wider row-major matrix, rows padded, at an
      // offset: no stride is 1 and the view is not at the buffer's start.
      off = 3, cs = 2, rs = 2 * c + 5;
      buf.resize(off + r * rs);
    }
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    for (T &x : buf)
      x = static_cast<T>(u(rng));
  }
  T &at(int64_t i, int64_t j) { return buf[off + i * rs + j * cs]; }
  T *ptr() { return buf.data() + off; }
};

void gemm(int isa, int64_t m, int64_t n, int64_t k, Mat<float> &a,
          Mat<float> &b, Mat<float> &c) {
  uscale_cpu_f32_isa(isa, 1, m, n, k, a.ptr(), 0, a.rs, a.cs, b.ptr(), 0, b.rs,
                     b.cs, c.ptr(), 0, c.rs, c.cs);
}
void gemm(int isa, int64_t m, int64_t n, int64_t k, Mat<double> &a,
          Mat<double> &b, Mat<double> &c) {
  uscale_cpu_f64_isa(isa, 1, m, n, k, a.ptr(), 0, a.rs, a.cs, b.ptr(), 0, b.rs,
                     b.cs, c.ptr(), 0, c.rs, c.cs);
}

/// Runs one case; returns the number of elements outside the bound.
template <typename T>
int64_t check(int isa, int64_t m, int64_t n, int64_t k, Layout la, Layout lb,
              Layout lc, uint32_t seed) {
  std::mt19937 rng(seed);
  Mat<T> a(m, k, la, rng), b(k, n, lb, rng), c(m, n, lc, rng);
  Mat<T> c0 = c;
  gemm(isa, m, n, k, a, b, c);
  const long double eps = std::numeric_limits<T>::epsilon();
  int64_t bad = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      long double ref = c0.at(i, j), mag = 0;
      for (int64_t p = 0; p < k; ++p) {
        long double t = (long double)a.at(i, p) * b.at(p, j);
        ref += t;
        mag += std::fabs(t);
      }
      long double bound = (k + 2) * eps * mag + 2 * eps * std::fabs(ref);
      if (std::fabs(c.at(i, j) - ref) > bound && bad++ < 3)
        ADD_FAILURE() << "C(" << i << ", " << j << ") = " << (double)c.at(i, j)
                      << ", expected " << (double)ref;
    }
  // Padding and skipped elements of a strided C are untouched.
  if (lc == Layout::Strided) {
    std::vector<bool> inView(c.buf.size());
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        inView[c.off + i * c.rs + j * c.cs] = true;
    for (size_t e = 0; e < c.buf.size(); ++e)
      if (!inView[e] && c.buf[e] != c0.buf[e] && bad++ < 3)
        ADD_FAILURE() << "wrote outside the view at " << e;
  }
  return bad;
}

struct Shape {
  int64_t m, n, k;
};

const Shape kShapes[] = {
    {1, 1, 1},      {1, 37, 19},  {41, 1, 23},   {29, 31, 1},
    {1, 300, 1},    {6, 16, 8},   {5, 15, 7},    {7, 17, 9},
    {13, 33, 65},   {64, 64, 64}, {71, 50, 257}, {121, 19, 3},
    {130, 70, 300}, {2, 3100, 3}, {3, 2050, 5},  {250, 40, 513}};

template <typename T> void runAll(int isa) {
  const Layout layouts[] = {Layout::RowMajor, Layout::ColMajor,
                            Layout::Strided};
  uint32_t seed = 1;
  for (const Shape &s : kShapes)
    for (Layout la : layouts)
      for (Layout lb : layouts)
        for (Layout lc : layouts) {
          // The big shapes once per operand layout is plenty.
          if (s.m * s.n * s.k > 200000 && lc != Layout::RowMajor)
            continue;
          SCOPED_TRACE(std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                       std::to_string(s.k) + " A " + name(la) + " B " +
                       name(lb) + " C " + name(lc) + " isa " +
                       std::to_string(isa));
          ASSERT_EQ(check<T>(isa, s.m, s.n, s.k, la, lb, lc, seed++), 0);
        }
}

TEST(CpuGemm, F32Portable) { runAll<float>(0); }
TEST(CpuGemm, F64Portable) { runAll<double>(0); }
TEST(CpuGemm, F32Avx2) {
  if (!uscale_cpu_gemm_has_avx2())
    GTEST_SKIP() << "no AVX2+FMA on this CPU";
  runAll<float>(1);
}
TEST(CpuGemm, F64Avx2) {
  if (!uscale_cpu_gemm_has_avx2())
    GTEST_SKIP() << "no AVX2+FMA on this CPU";
  runAll<double>(1);
}

// The public entry point (ISA chosen by CPUID) on a transposed B.
TEST(CpuGemm, PublicSgemmTransposedB) {
  std::mt19937 rng(7);
  Mat<float> a(9, 20, Layout::RowMajor, rng), b(20, 11, Layout::ColMajor, rng),
      c(9, 11, Layout::RowMajor, rng);
  Mat<float> c0 = c;
  uscale_cpu_gemm_f32(9, 11, 20, a.ptr(), a.rs, a.cs, b.ptr(), b.rs, b.cs,
                      c.ptr(), c.rs, c.cs);
  for (int64_t i = 0; i < 9; ++i)
    for (int64_t j = 0; j < 11; ++j) {
      double ref = c0.at(i, j);
      for (int64_t p = 0; p < 20; ++p)
        ref += (double)a.at(i, p) * b.at(p, j);
      EXPECT_NEAR(c.at(i, j), ref, 1e-4);
    }
}

// The memref-descriptor entry points a compiled model calls: offsets,
// strides (a transposed A), sizes read from the descriptors, and the
// batched forms (including a batch stride of 0: one B for every product).
template <typename T, typename D2, typename D3>
void checkDescriptors(void (*f2)(D2 *, D2 *, D2 *),
                      void (*f3)(D3 *, D3 *, D3 *)) {
  const int64_t m = 7, n = 18, k = 10, nb = 3;
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> a(2 + nb * m * k), b(k * n), c(nb * m * n), c0;
  for (T &x : a)
    x = u(rng);
  for (T &x : b)
    x = u(rng);
  for (T &x : c)
    x = u(rng);
  c0 = c;
  // A of product t: element (i, p) at a[2 + t*m*k + p*m + i] (column-major).
  auto A = [&](int64_t t, int64_t i, int64_t p) {
    return a[2 + t * m * k + p * m + i];
  };
  D3 a3{a.data(), a.data(), 2, {nb, m, k}, {m * k, 1, m}};
  D3 b3{b.data(), b.data(), 0, {nb, k, n}, {0, n, 1}};
  D3 c3{c.data(), c.data(), 0, {nb, m, n}, {m * n, n, 1}};
  f3(&a3, &b3, &c3);
  for (int64_t t = 0; t < nb; ++t)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double ref = c0[t * m * n + i * n + j];
        for (int64_t p = 0; p < k; ++p)
          ref += (double)A(t, i, p) * b[p * n + j];
        EXPECT_NEAR(c[t * m * n + i * n + j], ref, 1e-4)
            << t << " " << i << " " << j;
      }
  // 2-D: product 1 alone, through offsets.
  c = c0;
  D2 a2{a.data(), a.data(), 2 + m * k, {m, k}, {1, m}};
  D2 b2{b.data(), b.data(), 0, {k, n}, {n, 1}};
  D2 c2{c.data(), c.data(), m * n, {m, n}, {n, 1}};
  f2(&a2, &b2, &c2);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double ref = c0[m * n + i * n + j];
      for (int64_t p = 0; p < k; ++p)
        ref += (double)A(1, i, p) * b[p * n + j];
      EXPECT_NEAR(c[m * n + i * n + j], ref, 1e-4);
    }
  // Products 0 and 2 untouched.
  for (int64_t e = 0; e < m * n; ++e) {
    EXPECT_EQ(c[e], c0[e]);
    EXPECT_EQ(c[2 * m * n + e], c0[2 * m * n + e]);
  }
}

TEST(CpuGemm, DescriptorsF32) {
  checkDescriptors<float>(_mlir_ciface_uscale_cpu_sgemm,
                          _mlir_ciface_uscale_cpu_sgemm_batched);
}
TEST(CpuGemm, DescriptorsF64) {
  checkDescriptors<double>(_mlir_ciface_uscale_cpu_dgemm,
                           _mlir_ciface_uscale_cpu_dgemm_batched);
}

} // namespace
