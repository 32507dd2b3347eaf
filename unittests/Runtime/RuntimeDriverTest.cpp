//===- RuntimeDriverTest.cpp - The runtime without a GPU driver -----------===//
//
// The driver is loaded with dlopen on first use; without it every mgpu*
// function reports on stderr, records the error and returns null / does
// nothing. These tests pass on machines with or without a GPU: the child
// processes point the runtime at a library that does not exist.
//
//===----------------------------------------------------------------------===//

#include "uscale-runtime/CudaDriver.h"
#include "uscale-runtime/CudaRuntime.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace uscale::rt;

TEST(RuntimeDriver, MissingLibraryIsAnError) {
  DriverApi api;
  EXPECT_FALSE(api.load("/nonexistent/libcuda.so.1"));
  EXPECT_FALSE(api.loaded());
  EXPECT_NE(api.error().find("/nonexistent/libcuda.so.1"), std::string::npos)
      << api.error();
  EXPECT_NE(api.error().find("no NVIDIA driver"), std::string::npos);
  EXPECT_EQ(api.cuInit, nullptr);
}

TEST(RuntimeDriver, LibraryWithoutTheEntryPointsIsAnError) {
  DriverApi api;
  EXPECT_FALSE(api.load("libm.so.6"));
  EXPECT_NE(api.error().find("lacks required entry points"),
            std::string::npos)
      << api.error();
  EXPECT_NE(api.error().find("cuInit"), std::string::npos);
  EXPECT_EQ(api.cuLaunchKernel, nullptr);
}

TEST(RuntimeDriver, LibraryNameOverride) {
  const char *saved = std::getenv("USCALE_CUDA_DRIVER");
  std::string keep = saved ? saved : "";
  unsetenv("USCALE_CUDA_DRIVER");
  EXPECT_STREQ(driverLibraryName(), "libcuda.so.1");
  setenv("USCALE_CUDA_DRIVER", "/x/libcuda.so", 1);
  EXPECT_STREQ(driverLibraryName(), "/x/libcuda.so");
  if (saved)
    setenv("USCALE_CUDA_DRIVER", keep.c_str(), 1);
  else
    unsetenv("USCALE_CUDA_DRIVER");
}

namespace {
/// Every ABI entry point with the driver missing: no crash, null results,
/// `code` recorded (-1 when the library is missing, the cuInit result when
/// it loads but finds no device). Returns the number of failed expectations.
int exerciseWithoutDriver(int code) {
  int bad = 0;
  auto expect = [&](bool ok) { bad += ok ? 0 : 1; };
  expect(uscaleRuntimeAvailable() == 0);
  expect(mgpuStreamCreate() == nullptr);
  expect(uscaleRuntimeTakeLastError() == code);
  expect(uscaleRuntimeTakeLastError() == 0); // taken
  expect(mgpuEventCreate() == nullptr);
  expect(mgpuMemAlloc(1024, nullptr, false) == nullptr);
  // A managed (host_shared) buffer is one that generated host code reads
  // and writes itself: without a driver it is host memory, zeroed, so that
  // code runs on (the recorded error says its results are invalid), and
  // mgpuMemFree frees it.
  auto *shared = static_cast<unsigned char *>(mgpuMemAlloc(1024, nullptr, true));
  expect(shared != nullptr);
  if (shared) {
    expect(shared[0] == 0 && shared[1023] == 0);
    shared[1023] = 7;
  }
  mgpuMemFree(shared, nullptr);
  char ptx[] = ".version 7.0\n.target sm_50\n.address_size 64\n";
  void *module = mgpuModuleLoadJIT(ptx, 3);
  expect(module == nullptr);
  expect(mgpuModuleLoad(ptx, sizeof(ptx)) == nullptr);
  void *fn = mgpuModuleGetFunction(module, "kernel");
  expect(fn == nullptr);
  mgpuLaunchKernel(fn, 1, 1, 1, 128, 1, 1, 100000, nullptr, nullptr, nullptr,
                   0);
  mgpuLaunchClusterKernel(fn, 2, 1, 1, 2, 1, 1, 128, 1, 1, 0, nullptr,
                          nullptr, nullptr);
  expect(uscaleRuntimeTakeLastError() == code);
  mgpuModuleUnload(module);
  mgpuStreamSynchronize(nullptr);
  mgpuStreamWaitEvent(nullptr, nullptr);
  mgpuStreamDestroy(nullptr);
  mgpuEventRecord(nullptr, nullptr);
  mgpuEventSynchronize(nullptr);
  mgpuEventDestroy(nullptr);
  char host[64];
  mgpuMemcpy(host, host + 32, 16, nullptr);
  mgpuMemset32(host, 0, 4, nullptr);
  mgpuMemset16(host, 0, 4, nullptr);
  mgpuMemFree(host, nullptr);
  struct {
    void *a, *b;
    int64_t off, sizes[2], strides[2];
  } desc = {host, host, 0, {4, 16}, {16, 1}};
  mgpuMemHostRegisterMemRef(2, &desc, 1);
  mgpuMemHostUnregisterMemRef(2, &desc, 1);
  int64_t box[2] = {4, 16};
  expect(mgpuTensorMapEncodeTiledMemref(2, &desc, 0, 0, 3, 0, 0, box) ==
         nullptr);
  expect(uscaleRuntimeComputeCapability() == -1);
  expect(uscaleEventCreateTimed() == nullptr);
  expect(uscaleEventElapsedMs(nullptr, nullptr) < 0);
  expect(uscaleMemcpyHtoD(host, host, 8) != 0);
  mgpuSetDefaultDevice(0);
  expect(uscaleRuntimeTakeLastError() == code);
  return bad;
}
} // namespace

// In a fresh process (threadsafe death-test style re-runs the binary) with
// the driver pointed at a missing file: the first failing call explains the
// cause once on stderr; nothing crashes.
TEST(RuntimeDriverDeathTest, EveryEntryPointFailsGracefullyWithoutDriver) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("USCALE_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
        std::exit(exerciseWithoutDriver(USCALE_ERROR_NO_DRIVER));
      },
      testing::ExitedWithCode(0),
      "uscale-cuda-runtime: mgpuStreamCreate: GPU unavailable: cannot load "
      "the CUDA driver library '/nonexistent/libcuda.so.1'.*GPU calls will do "
      "nothing");
}

// The same in this process when the machine has no driver (as on CI).
TEST(RuntimeDriver, NoDriverOnThisMachine) {
  if (uscaleRuntimeAvailable())
    GTEST_SKIP() << "a CUDA driver and device are present";
  EXPECT_EQ(mgpuStreamCreate(), nullptr);
  int code = uscaleRuntimeTakeLastError();
  EXPECT_NE(code, 0);
  EXPECT_NE(std::string(uscaleRuntimeLastErrorMessage()).find("unavailable"),
            std::string::npos);
  EXPECT_EQ(exerciseWithoutDriver(code), 0);
}
