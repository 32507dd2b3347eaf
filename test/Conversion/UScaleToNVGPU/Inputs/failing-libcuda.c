/* A stand-in for libcuda.so.1 (USCALE_CUDA_DRIVER) that has one device and
 * loads modules, but fails every other operation on it: allocations,
 * copies, streams, launches (with FAILING_LIBCUDA_LOAD set, module loads
 * fail too). It lets a machine without a GPU check that a GPU library's
 * failures surface as errors of unit-scale-run (run-device-gpu.test)
 * instead of results computed from uninitialised memory. Each failing
 * entry point takes no parameters here: on x86-64 and AArch64 a callee
 * that ignores its arguments may be called with any.
 *
 * With FAILING_LIBCUDA_HOST_MEMORY set, "device" memory is host memory:
 * allocations, frees, copies (each logged to stderr with its size) and
 * streams work; launches still fail. session-device-memory.test runs a
 * stand-in model library on it to check how the runner keeps state in
 * device memory. */
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FAIL 999 /* CUDA_ERROR_UNKNOWN */

int cuInit(unsigned flags) { return 0; }
int cuDeviceGetCount(int *count) {
  *count = 1;
  return 0;
}
int cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return 0;
}
int cuDeviceGetAttribute(int *value, int attribute, int device) {
  *value = 0;
  return 0;
}
static int context;
int cuDevicePrimaryCtxRetain(void **ctx, int device) {
  *ctx = &context;
  return 0;
}
int cuCtxSetCurrent(void *ctx) { return 0; }
int cuModuleLoadData(void **module, const void *image) {
  if (getenv("FAILING_LIBCUDA_LOAD"))
    return FAIL;
  *module = &context;
  return 0;
}
int cuModuleLoadDataEx(void **module, const void *image, unsigned n,
                       int *options, void **values) {
  return cuModuleLoadData(module, image);
}
int cuModuleGetFunction(void **function, void *module, const char *name) {
  *function = &context;
  return 0;
}
int cuModuleUnload(void *module) { return 0; }
int cuGetErrorName(int code, const char **name) {
  *name = "CUDA_ERROR_UNKNOWN";
  return 0;
}
int cuGetErrorString(int code, const char **text) {
  *text = "failing-libcuda: operations on the device fail";
  return 0;
}

static int hostMemory(void) {
  return getenv("FAILING_LIBCUDA_HOST_MEMORY") != NULL;
}
int cuMemAlloc_v2(unsigned long long *ptr, size_t bytes) {
  if (!hostMemory())
    return FAIL;
  *ptr = (unsigned long long)(uintptr_t)malloc(bytes ? bytes : 1);
  return 0;
}
int cuMemFree_v2(unsigned long long ptr) {
  if (!hostMemory())
    return FAIL;
  free((void *)(uintptr_t)ptr);
  return 0;
}
int cuMemcpyAsync(unsigned long long dst, unsigned long long src, size_t n,
                  void *stream) {
  if (!hostMemory())
    return FAIL;
  memcpy((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, n);
  fprintf(stderr, "failing-libcuda: copy %zu bytes\n", n);
  return 0;
}
int cuStreamCreate(void **stream, unsigned flags) {
  if (!hostMemory())
    return FAIL;
  *stream = &context;
  return 0;
}
int cuStreamDestroy(void *stream) { return hostMemory() ? 0 : FAIL; }
int cuStreamSynchronize(void *stream) { return hostMemory() ? 0 : FAIL; }

#define FAILING(name)                                                          \
  int name(void) { return FAIL; }
FAILING(cuCtxSynchronize)
FAILING(cuFuncSetAttribute)
FAILING(cuLaunchKernel)
FAILING(cuLaunchKernelEx)
FAILING(cuStreamWaitEvent)
FAILING(cuEventCreate)
FAILING(cuEventDestroy)
FAILING(cuEventRecord)
FAILING(cuEventSynchronize)
FAILING(cuEventElapsedTime)
FAILING(cuMemAllocManaged)
FAILING(cuMemcpyHtoD_v2)
FAILING(cuMemsetD32Async)
FAILING(cuMemsetD16Async)
FAILING(cuMemHostRegister_v2)
FAILING(cuMemHostUnregister)
FAILING(cuTensorMapEncodeTiled)
