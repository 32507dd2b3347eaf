//===- memref_desc.h - 2-D memref descriptors for the GPU harnesses -------===//
//
// The C layout of a ranked memref<?x?xT> as the generated entry points take
// it (llvm.emit_c_interface: a pointer to this struct), shared by
// fp8_gemm_harness.cu and fp8_cast_harness.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_BENCH_GPU_MEMREF_DESC_H
#define USCALE_BENCH_GPU_MEMREF_DESC_H

#include <cstdint>

struct Desc2 {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
};

/// A packed rows x cols matrix at `ptr`.
inline Desc2 makeDesc(void *ptr, int64_t rows, int64_t cols) {
  return Desc2{ptr, ptr, 0, {rows, cols}, {cols, 1}};
}

#endif // USCALE_BENCH_GPU_MEMREF_DESC_H
