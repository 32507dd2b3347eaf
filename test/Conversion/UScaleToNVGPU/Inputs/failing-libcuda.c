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
 * device memory.
 *
 * With FAILING_LIBCUDA_CLOCK set as well, launches succeed (doing
 * nothing), each module and function gets a handle of its own, and a fake
 * GPU clock advances by 1.5 ms per launch and 0.25 ms per copy; events
 * record the clock, and each stream synchronisation is logged. profile-events.test checks USCALE_PROFILE=events
 * against it. */
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
static int clockMode(void) {
  return getenv("FAILING_LIBCUDA_HOST_MEMORY") && getenv("FAILING_LIBCUDA_CLOCK");
}
static double gpuClock; /* ms */
static char handles[64];
static int nextHandle;
int cuDevicePrimaryCtxRetain(void **ctx, int device) {
  *ctx = &context;
  return 0;
}
int cuCtxSetCurrent(void *ctx) { return 0; }
int cuModuleLoadData(void **module, const void *image) {
  if (getenv("FAILING_LIBCUDA_LOAD"))
    return FAIL;
  *module = clockMode() ? (void *)&handles[nextHandle++ % 64] : &context;
  return 0;
}
int cuModuleLoadDataEx(void **module, const void *image, unsigned n,
                       int *options, void **values) {
  return cuModuleLoadData(module, image);
}
int cuModuleGetFunction(void **function, void *module, const char *name) {
  /* One kernel per module in clock mode: the module's handle will do. */
  *function = clockMode() ? module : &context;
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
  gpuClock += 0.25;
  return 0;
}
int cuStreamCreate(void **stream, unsigned flags) {
  if (!hostMemory())
    return FAIL;
  *stream = &context;
  return 0;
}
int cuStreamDestroy(void *stream) { return hostMemory() ? 0 : FAIL; }
int cuStreamSynchronize(void *stream) {
  if (clockMode())
    fprintf(stderr, "failing-libcuda: synchronize\n");
  return hostMemory() ? 0 : FAIL;
}

int cuLaunchKernel(void) {
  if (!clockMode())
    return FAIL;
  gpuClock += 1.5;
  return 0;
}
int cuEventCreate(void **event, unsigned flags) {
  if (!clockMode())
    return FAIL;
  *event = calloc(1, sizeof(double));
  return 0;
}
int cuEventDestroy(void *event) {
  if (!clockMode())
    return FAIL;
  free(event);
  return 0;
}
int cuEventRecord(void *event, void *stream) {
  if (!clockMode())
    return FAIL;
  *(double *)event = gpuClock;
  return 0;
}
int cuEventSynchronize(void *event) { return clockMode() ? 0 : FAIL; }
int cuEventElapsedTime(float *ms, void *start, void *end) {
  if (!clockMode())
    return FAIL;
  *ms = (float)(*(double *)end - *(double *)start);
  return 0;
}

#define FAILING(name)                                                          \
  int name(void) { return FAIL; }
FAILING(cuCtxSynchronize)
FAILING(cuFuncSetAttribute)
FAILING(cuLaunchKernelEx)
FAILING(cuStreamWaitEvent)
FAILING(cuMemAllocManaged)
FAILING(cuMemcpyHtoD_v2)
FAILING(cuMemsetD32Async)
FAILING(cuMemsetD16Async)
FAILING(cuMemHostRegister_v2)
FAILING(cuMemHostUnregister)
FAILING(cuTensorMapEncodeTiled)
