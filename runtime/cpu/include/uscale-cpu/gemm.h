/*===- gemm.h - the CPU GEMM kernels of compiled models ------------------===*
 *
 * C += A * B for f32 and f64 on strided matrices, and the memref-descriptor
 * entry points that uscale-cpu-gemm-calls emits calls to. Single-threaded,
 * reentrant, libc only (the packing buffers come from malloc).
 *
 * A matrix is (pointer to element [0][0], row stride, column stride) in
 * elements, so transposed and strided views need no copy: the kernel packs
 * its operands into contiguous panels itself.
 *
 *===----------------------------------------------------------------------===*/
#ifndef USCALE_CPU_GEMM_H
#define USCALE_CPU_GEMM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[m x n] += A[m x k] * B[k x n]. (Not named uscale_cpu_sgemm: that is
 * the symbol of the MLIR-side wrapper that a model's own object defines.) */
void uscale_cpu_gemm_f32(int64_t m, int64_t n, int64_t k, const float *a,
                         int64_t rsa, int64_t csa, const float *b, int64_t rsb,
                         int64_t csb, float *c, int64_t rsc, int64_t csc);
void uscale_cpu_gemm_f64(int64_t m, int64_t n, int64_t k, const double *a,
                         int64_t rsa, int64_t csa, const double *b, int64_t rsb,
                         int64_t csb, double *c, int64_t rsc, int64_t csc);

/* MLIR strided memref descriptors (docs/cpu-lowering.md, "The C ABI"). */
#define USCALE_CPU_MEMREF(T, R)                                                \
  struct {                                                                     \
    T *allocated;                                                              \
    T *aligned;                                                                \
    int64_t offset;                                                            \
    int64_t sizes[R];                                                          \
    int64_t strides[R];                                                        \
  }
typedef USCALE_CPU_MEMREF(float, 2) uscale_cpu_memref2_f32;
typedef USCALE_CPU_MEMREF(double, 2) uscale_cpu_memref2_f64;
typedef USCALE_CPU_MEMREF(float, 3) uscale_cpu_memref3_f32;
typedef USCALE_CPU_MEMREF(double, 3) uscale_cpu_memref3_f64;

/* The functions a compiled model calls (func.func @uscale_cpu_sgemm etc.
 * with llvm.emit_c_interface): C += A * B, the sizes taken from the
 * descriptors (A: m x k, B: k x n, C: m x n), any strides and offsets. The
 * batched forms loop over the leading dimension. */
void _mlir_ciface_uscale_cpu_sgemm(uscale_cpu_memref2_f32 *a,
                                   uscale_cpu_memref2_f32 *b,
                                   uscale_cpu_memref2_f32 *c);
void _mlir_ciface_uscale_cpu_dgemm(uscale_cpu_memref2_f64 *a,
                                   uscale_cpu_memref2_f64 *b,
                                   uscale_cpu_memref2_f64 *c);
void _mlir_ciface_uscale_cpu_sgemm_batched(uscale_cpu_memref3_f32 *a,
                                           uscale_cpu_memref3_f32 *b,
                                           uscale_cpu_memref3_f32 *c);
void _mlir_ciface_uscale_cpu_dgemm_batched(uscale_cpu_memref3_f64 *a,
                                           uscale_cpu_memref3_f64 *b,
                                           uscale_cpu_memref3_f64 *c);

#ifdef __cplusplus
}
#endif

#endif
