/*===- GemmInternal.h - the kernels behind gemm.h, for tests -------------===*
 *
 * Not installed. The unit tests call both instruction-set variants
 * directly (isa = 1: AVX2+FMA, only where uscale_cpu_gemm_has_avx2();
 * isa = 0: the baseline build), so the fallback is tested on AVX2 machines.
 *
 *===----------------------------------------------------------------------===*/
#ifndef USCALE_CPU_GEMM_INTERNAL_H
#define USCALE_CPU_GEMM_INTERNAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int uscale_cpu_gemm_has_avx2(void);

/* batch products C_t += A_t * B_t, operand X_t at x + t * bsx. */
void uscale_cpu_f32_isa(int isa, int64_t batch, int64_t m, int64_t n, int64_t k,
                        const float *a, int64_t bsa, int64_t rsa, int64_t csa,
                        const float *b, int64_t bsb, int64_t rsb, int64_t csb,
                        float *c, int64_t bsc, int64_t rsc, int64_t csc);
void uscale_cpu_f64_isa(int isa, int64_t batch, int64_t m, int64_t n, int64_t k,
                        const double *a, int64_t bsa, int64_t rsa, int64_t csa,
                        const double *b, int64_t bsb, int64_t rsb, int64_t csb,
                        double *c, int64_t bsc, int64_t rsc, int64_t csc);

#ifdef __cplusplus
}
#endif

#endif
