/*===- Gemm.c - blocked f32/f64 GEMM for compiled models -----------------===*
 *
 * One portable C implementation (GemmImpl.inc, clang/GCC vector extensions)
 * instantiated per element type and, on x86-64, twice: for AVX2+FMA and for
 * the baseline ISA. The public functions pick the AVX2 one when CPUID says
 * the CPU and the OS support it, so the archive runs on any x86-64 (and
 * builds on other targets with the baseline instantiation only). No
 * threads, no global state beyond the cached CPUID answer.
 *
 *===----------------------------------------------------------------------===*/
#include "uscale-cpu/gemm.h"
#include "GemmInternal.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define USCALE_X86_DISPATCH 1
#include <cpuid.h>
#endif

/* Register tile: 6 rows x 2 vectors uses 12 of the 16 ymm registers for
 * accumulators, 2 for B and 1 for the broadcast A element. Cache blocks:
 * a KC x NR panel of B (16 KiB) stays in L1, an MC x KC block of A
 * (f32: 120 KiB) in L2, the KC x NC block of B in L2/L3. */
#define MR 6
#define KC 256
#define F32_NR 16
#define F32_MC 120
#define F32_NC 3072
#define F64_NR 8
#define F64_MC 60
#define F64_NC 2048

/* ---- f32 ---- */
#define T float
#define VL 8
#define NR F32_NR
#define MC F32_MC
#define NC F32_NC
typedef float vf32 __attribute__((vector_size(32)));
#define V vf32

#define FN(x) x##_f32_base
#include "GemmImpl.inc"
#undef FN

#ifdef USCALE_X86_DISPATCH
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))),              \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define FN(x) x##_f32_avx2
#include "GemmImpl.inc"
#undef FN
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

#undef T
#undef VL
#undef NR
#undef MC
#undef NC
#undef V

/* ---- f64 ---- */
#define T double
#define VL 4
#define NR F64_NR
#define MC F64_MC
#define NC F64_NC
typedef double vf64 __attribute__((vector_size(32)));
#define V vf64

#define FN(x) x##_f64_base
#include "GemmImpl.inc"
#undef FN

#ifdef USCALE_X86_DISPATCH
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))),              \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
#define FN(x) x##_f64_avx2
#include "GemmImpl.inc"
#undef FN
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

#undef T
#undef VL
#undef NR
#undef MC
#undef NC
#undef V

/* ---- ISA choice ---- */

int uscale_cpu_gemm_has_avx2(void) {
#ifdef USCALE_X86_DISPATCH
  /* Computed once; racing first calls store the same value. */
  static int cached = -1;
  int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (v >= 0)
    return v;
  unsigned a, b, c, d;
  v = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_FMA) && (c & bit_AVX) &&
      (c & bit_OSXSAVE)) {
    unsigned lo, hi;
    /* The OS must save the ymm state (XCR0 bits 1 and 2). */
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) == 6 && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
        (b & bit_AVX2))
      v = 1;
  }
  __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
  return v;
#else
  return 0;
#endif
}

/* ---- drivers ---- */

static int64_t round_up(int64_t x, int64_t to) {
  return (x + to - 1) / to * to;
}
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static void *alloc_pack(int64_t elems, size_t elem_size) {
  size_t bytes = (size_t)round_up(elems * (int64_t)elem_size, 64);
  return aligned_alloc(64, bytes > 0 ? bytes : 64);
}

/* The GEMM of one type: `batch` products, operand i of product t at
 * base + t * batch stride. The packing buffers are sized for the first
 * product (all have the same shape) and shared by all. */
#define DEFINE_DRIVER(T, SUF, NRV, MCV, NCV)                                   \
  void uscale_cpu_##SUF##_isa(                                                 \
      int isa, int64_t batch, int64_t m, int64_t n, int64_t k, const T *a,     \
      int64_t bsa, int64_t rsa, int64_t csa, const T *b, int64_t bsb,          \
      int64_t rsb, int64_t csb, T *c, int64_t bsc, int64_t rsc, int64_t csc) { \
    if (batch <= 0 || m <= 0 || n <= 0)                                        \
      return;                                                                  \
    if (k <= 0)                                                                \
      return; /* C += (empty sum) */                                           \
    int64_t kc = min64(k, KC);                                                 \
    T *ap = alloc_pack(round_up(min64(m, MCV), MR) * kc, sizeof(T));           \
    T *bp = alloc_pack(round_up(min64(n, NCV), NRV) * kc, sizeof(T));          \
    if (!ap || !bp) {                                                          \
      /* Out of memory for the packs: plain loops, same result. */             \
      for (int64_t t = 0; t < batch; ++t)                                      \
        for (int64_t i = 0; i < m; ++i)                                        \
          for (int64_t p = 0; p < k; ++p)                                      \
            for (int64_t j = 0; j < n; ++j)                                    \
              c[t * bsc + i * rsc + j * csc] +=                                \
                  a[t * bsa + i * rsa + p * csa] *                             \
                  b[t * bsb + p * rsb + j * csb];                              \
    } else {                                                                   \
      for (int64_t t = 0; t < batch; ++t) {                                    \
        if (isa)                                                               \
          SUF##_avx2(m, n, k, a + t * bsa, rsa, csa, b + t * bsb, rsb, csb,    \
                     c + t * bsc, rsc, csc, ap, bp);                           \
        else                                                                   \
          gemm_ws_##SUF##_base(m, n, k, a + t * bsa, rsa, csa, b + t * bsb,    \
                               rsb, csb, c + t * bsc, rsc, csc, ap, bp);       \
      }                                                                        \
    }                                                                          \
    free(ap);                                                                  \
    free(bp);                                                                  \
  }

#ifdef USCALE_X86_DISPATCH
#define f32_avx2 gemm_ws_f32_avx2
#define f64_avx2 gemm_ws_f64_avx2
#else
#define f32_avx2 gemm_ws_f32_base
#define f64_avx2 gemm_ws_f64_base
#endif

DEFINE_DRIVER(float, f32, F32_NR, F32_MC, F32_NC)
DEFINE_DRIVER(double, f64, F64_NR, F64_MC, F64_NC)

void uscale_cpu_gemm_f32(int64_t m, int64_t n, int64_t k, const float *a,
                         int64_t rsa, int64_t csa, const float *b, int64_t rsb,
                         int64_t csb, float *c, int64_t rsc, int64_t csc) {
  uscale_cpu_f32_isa(uscale_cpu_gemm_has_avx2(), 1, m, n, k, a, 0, rsa, csa, b,
                     0, rsb, csb, c, 0, rsc, csc);
}

void uscale_cpu_gemm_f64(int64_t m, int64_t n, int64_t k, const double *a,
                         int64_t rsa, int64_t csa, const double *b, int64_t rsb,
                         int64_t csb, double *c, int64_t rsc, int64_t csc) {
  uscale_cpu_f64_isa(uscale_cpu_gemm_has_avx2(), 1, m, n, k, a, 0, rsa, csa, b,
                     0, rsb, csb, c, 0, rsc, csc);
}

/* ---- memref entry points ---- */

#define DEFINE_CIFACE(NAME, SUF, R2, R3)                                       \
  void _mlir_ciface_##NAME(R2 *a, R2 *b, R2 *c) {                              \
    uscale_cpu_##SUF##_isa(                                                    \
        uscale_cpu_gemm_has_avx2(), 1, c->sizes[0], c->sizes[1], a->sizes[1],  \
        a->aligned + a->offset, 0, a->strides[0], a->strides[1],               \
        b->aligned + b->offset, 0, b->strides[0], b->strides[1],               \
        c->aligned + c->offset, 0, c->strides[0], c->strides[1]);              \
  }                                                                            \
  void _mlir_ciface_##NAME##_batched(R3 *a, R3 *b, R3 *c) {                    \
    uscale_cpu_##SUF##_isa(                                                    \
        uscale_cpu_gemm_has_avx2(), c->sizes[0], c->sizes[1], c->sizes[2],     \
        a->sizes[2], a->aligned + a->offset, a->strides[0], a->strides[1],     \
        a->strides[2], b->aligned + b->offset, b->strides[0], b->strides[1],   \
        b->strides[2], c->aligned + c->offset, c->strides[0], c->strides[1],   \
        c->strides[2]);                                                        \
  }

DEFINE_CIFACE(uscale_cpu_sgemm, f32, uscale_cpu_memref2_f32,
              uscale_cpu_memref3_f32)
DEFINE_CIFACE(uscale_cpu_dgemm, f64, uscale_cpu_memref2_f64,
              uscale_cpu_memref3_f64)
