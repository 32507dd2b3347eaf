//===- CudaRuntime.h - The mgpu* ABI of MLIR's gpu-to-llvm ------*- C -*-===//
//
// libuscale_cuda_runtime.so implements the host functions that MLIR 22's
// gpu-to-llvm lowering (and gpu.binary's module loading) calls, on top of the
// CUDA driver API loaded with dlopen on first use. Where the driver is absent
// or a call fails, each function reports on stderr, records the error
// (uscaleRuntimeLastError) and returns null / does nothing: it never aborts.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_CUDARUNTIME_H
#define USCALE_RUNTIME_CUDARUNTIME_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <stdbool.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define USCALE_RT_EXPORT __attribute__((visibility("default")))

// Streams and events (opaque CUstream / CUevent). mgpuStreamCreate hands
// out the device's one stream every time and mgpuStreamDestroy keeps it:
// all GPU work of the process runs in the order it was enqueued. Code the
// compiler generates relies on that (docs/gpu.md, "Streams").
USCALE_RT_EXPORT void *mgpuStreamCreate(void);
USCALE_RT_EXPORT void mgpuStreamDestroy(void *stream);
USCALE_RT_EXPORT void mgpuStreamSynchronize(void *stream);
USCALE_RT_EXPORT void mgpuStreamWaitEvent(void *stream, void *event);
USCALE_RT_EXPORT void *mgpuEventCreate(void);
USCALE_RT_EXPORT void mgpuEventDestroy(void *event);
USCALE_RT_EXPORT void mgpuEventSynchronize(void *event);
USCALE_RT_EXPORT void mgpuEventRecord(void *event, void *stream);

// Memory.
USCALE_RT_EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                                    bool isHostShared);
USCALE_RT_EXPORT void mgpuMemFree(void *ptr, void *stream);
USCALE_RT_EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                                 void *stream);
USCALE_RT_EXPORT void mgpuMemset32(void *dst, unsigned int value,
                                   size_t count, void *stream);
USCALE_RT_EXPORT void mgpuMemset16(void *dst, unsigned short value,
                                   size_t count, void *stream);
USCALE_RT_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                                int64_t elementSizeBytes);
USCALE_RT_EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank,
                                                  void *descriptor,
                                                  int64_t elementSizeBytes);

// Modules and launches.
USCALE_RT_EXPORT void *mgpuModuleLoad(void *data, size_t gpuBlobSize);
USCALE_RT_EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel);
USCALE_RT_EXPORT void mgpuModuleUnload(void *module);
USCALE_RT_EXPORT void *mgpuModuleGetFunction(void *module, const char *name);
/// Raises the function's dynamic shared memory limit first when smem > 48 KiB.
USCALE_RT_EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX,
                                       intptr_t gridY, intptr_t gridZ,
                                       intptr_t blockX, intptr_t blockY,
                                       intptr_t blockZ, int32_t smem,
                                       void *stream, void **params,
                                       void **extra, size_t paramsCount);
USCALE_RT_EXPORT void
mgpuLaunchClusterKernel(void *function, intptr_t clusterX, intptr_t clusterY,
                        intptr_t clusterZ, intptr_t gridX, intptr_t gridY,
                        intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                        intptr_t blockZ, int32_t smem, void *stream,
                        void **params, void **extra);
USCALE_RT_EXPORT void mgpuSetDefaultDevice(int32_t device);

/// TMA: encodes a tiled tensor map for a ranked memref descriptor and returns
/// a *device* pointer to it (what nvgpu.tma.create.descriptor's lowering
/// expects). boxDims are in memref order; TMA dimension 0 is the innermost
/// memref dimension. Identical maps share one device copy.
USCALE_RT_EXPORT void *
mgpuTensorMapEncodeTiledMemref(int64_t tensorRank, void *rankedDescriptor,
                               int64_t tensorDataType, int64_t interleave,
                               int64_t swizzle, int64_t l2Promotion,
                               int64_t oobFill, int64_t *inputBoxDims);

// Extras for hosts and tests (not called by generated code).
/// 1 when libcuda could be loaded and cuInit succeeded with a device; loads
/// the driver if needed. Prints nothing.
USCALE_RT_EXPORT int uscaleRuntimeAvailable(void);
/// Compute capability of the default device as major * 10 + minor (90 for
/// Hopper), or -1 without a usable device.
USCALE_RT_EXPORT int uscaleRuntimeComputeCapability(void);
/// The last error recorded on this thread (a CUresult, -1 for "no driver",
/// 0 for none) and clears it.
USCALE_RT_EXPORT int uscaleRuntimeTakeLastError(void);
/// A message for the last error of this thread ("" for none).
USCALE_RT_EXPORT const char *uscaleRuntimeLastErrorMessage(void);
/// Milliseconds between two events recorded with timing enabled
/// (uscaleEventCreateTimed); negative on error.
USCALE_RT_EXPORT void *uscaleEventCreateTimed(void);
USCALE_RT_EXPORT float uscaleEventElapsedMs(void *start, void *end);
/// Blocking host<->device copies on the legacy stream (for hosts).
USCALE_RT_EXPORT int uscaleMemcpyHtoD(void *dst, const void *src, size_t n);
USCALE_RT_EXPORT int uscaleMemcpyDtoH(void *dst, const void *src, size_t n);

#ifdef __cplusplus
}
#endif

#endif // USCALE_RUNTIME_CUDARUNTIME_H
