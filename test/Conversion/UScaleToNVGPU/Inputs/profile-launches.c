/* Drives the runtime as generated code does, for profile-events.test: two
 * modules of one kernel each (both named step_kernel, as every loop kernel
 * of a function is), three rounds of one launch of each on the stream, a
 * synchronisation, then one more launch of the second and a copy that
 * nothing waits for. Exits with the runtime's last error. */
#include "uscale-runtime/CudaRuntime.h"

int main(void) {
  static const char image[] = "stand-in";
  void *first = mgpuModuleGetFunction(mgpuModuleLoad((void *)image, 0),
                                      "step_kernel");
  void *second = mgpuModuleGetFunction(mgpuModuleLoad((void *)image, 0),
                                       "step_kernel");
  void *stream = mgpuStreamCreate();
  for (int round = 0; round < 3; ++round) {
    mgpuLaunchKernel(first, 4, 1, 1, 256, 1, 1, 0, stream, 0, 0, 0);
    mgpuLaunchKernel(second, 2, 1, 1, 32, 1, 1, 0, stream, 0, 0, 0);
  }
  mgpuStreamSynchronize(stream);
  mgpuLaunchKernel(second, 2, 1, 1, 32, 1, 1, 0, stream, 0, 0, 0);
  void *a = mgpuMemAlloc(4096, stream, false);
  void *b = mgpuMemAlloc(4096, stream, false);
  mgpuMemcpy(b, a, 4096, stream);
  return uscaleRuntimeTakeLastError();
}
