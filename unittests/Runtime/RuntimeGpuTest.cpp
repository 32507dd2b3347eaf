//===- RuntimeGpuTest.cpp - The runtime on a real GPU ---------------------===//
//
// Each test skips where no CUDA driver/device is usable (cuInit fails or
// libcuda.so.1 is missing), so the suite passes on CPU-only machines.
//
//===----------------------------------------------------------------------===//

#include "uscale-runtime/CudaRuntime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#define REQUIRE_GPU()                                                          \
  do {                                                                         \
    if (!uscaleRuntimeAvailable())                                             \
      GTEST_SKIP() << "no usable CUDA driver/device (cuInit unavailable)";     \
    uscaleRuntimeTakeLastError();                                              \
  } while (0)

namespace {

// out[t] = value written to and read back from the far end of the dynamic
// shared memory: word (smemWords - 1 - t) holds 3t + 1. With more than
// 48 KiB of dynamic shared memory this only launches if the runtime raised
// the function's limit first.
const char kFillPtx[] = R"(
.version 7.0
.target sm_50
.address_size 64
.extern .shared .align 16 .b8 dsmem[];
.visible .entry fill(.param .u64 out, .param .u32 n, .param .u32 smemWords)
{
  .reg .b32 %r<10>;
  .reg .b64 %rd<6>;
  .reg .pred %p<2>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [n];
  ld.param.u32 %r2, [smemWords];
  mov.u32 %r3, %tid.x;
  setp.ge.u32 %p1, %r3, %r1;
  @%p1 bra DONE;
  sub.u32 %r4, %r2, 1;
  sub.u32 %r4, %r4, %r3;
  shl.b32 %r5, %r4, 2;
  mov.u32 %r6, dsmem;
  add.u32 %r6, %r6, %r5;
  mad.lo.u32 %r7, %r3, 3, 1;
  st.shared.u32 [%r6], %r7;
  ld.shared.u32 %r8, [%r6];
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r3, 4;
  add.s64 %rd4, %rd2, %rd3;
  st.global.u32 [%rd4], %r8;
DONE:
  ret;
}
)";

struct Fill {
  void *module = nullptr;
  void *function = nullptr;
  Fill() {
    module = mgpuModuleLoadJIT(const_cast<char *>(kFillPtx), 3);
    if (module)
      function = mgpuModuleGetFunction(module, "fill");
  }
  ~Fill() { mgpuModuleUnload(module); }
  /// Launches with `smemBytes` of dynamic shared memory, returns out[0..n).
  std::vector<uint32_t> run(unsigned n, int32_t smemBytes, void *stream) {
    std::vector<uint32_t> host(n, 0xdeadbeef);
    void *dev = mgpuMemAlloc(n * 4, stream, false);
    EXPECT_NE(dev, nullptr);
    mgpuMemset32(dev, 0xffffffffu, n, stream);
    uint32_t words = uint32_t(smemBytes / 4);
    void *params[] = {&dev, &n, &words};
    mgpuLaunchKernel(function, 1, 1, 1, n, 1, 1, smemBytes, stream, params,
                     nullptr, 3);
    mgpuMemcpy(host.data(), dev, n * 4, stream);
    mgpuStreamSynchronize(stream);
    mgpuMemFree(dev, stream);
    return host;
  }
};

} // namespace

TEST(RuntimeGpu, ComputeCapability) {
  REQUIRE_GPU();
  int cc = uscaleRuntimeComputeCapability();
  EXPECT_GE(cc, 50);
  EXPECT_LT(cc, 200);
  std::printf("compute capability %d.%d\n", cc / 10, cc % 10);
}

TEST(RuntimeGpu, AllocMemsetCopyRoundTrip) {
  REQUIRE_GPU();
  void *stream = mgpuStreamCreate();
  ASSERT_NE(stream, nullptr);
  const size_t n = 1 << 20;
  void *a = mgpuMemAlloc(n * 4, stream, false);
  void *b = mgpuMemAlloc(n * 4, stream, false);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  mgpuMemset32(a, 0x12345678u, n, stream);
  mgpuMemcpy(b, a, n * 4, stream);
  std::vector<uint32_t> host(n, 0);
  mgpuMemcpy(host.data(), b, n * 4, stream);
  mgpuStreamSynchronize(stream);
  EXPECT_EQ(uscaleRuntimeTakeLastError(), 0) << uscaleRuntimeLastErrorMessage();
  for (size_t i = 0; i < n; i += 4099)
    ASSERT_EQ(host[i], 0x12345678u) << i;
  EXPECT_EQ(host[n - 1], 0x12345678u);
  mgpuMemset16(a, 0xabcd, 2 * n, stream);
  mgpuMemcpy(host.data(), a, 16, stream);
  mgpuStreamSynchronize(stream);
  EXPECT_EQ(host[0], 0xabcdabcdu);
  mgpuMemFree(a, stream);
  mgpuMemFree(b, stream);
  // Managed memory is visible on the host.
  auto *managed = static_cast<uint32_t *>(mgpuMemAlloc(64, stream, true));
  ASSERT_NE(managed, nullptr);
  mgpuMemset32(managed, 7, 16, stream);
  mgpuStreamSynchronize(stream);
  EXPECT_EQ(managed[15], 7u);
  mgpuMemFree(managed, stream);
  mgpuStreamDestroy(stream);
  EXPECT_EQ(uscaleRuntimeTakeLastError(), 0) << uscaleRuntimeLastErrorMessage();
}

TEST(RuntimeGpu, LaunchWithSmallAndLargeDynamicSharedMemory) {
  REQUIRE_GPU();
  Fill fill;
  ASSERT_NE(fill.function, nullptr) << uscaleRuntimeLastErrorMessage();
  void *stream = mgpuStreamCreate();
  for (int32_t smem : {4096, 48 * 1024, 100 * 1024, 200 * 1024}) {
    std::vector<uint32_t> out = fill.run(128, smem, stream);
    ASSERT_EQ(uscaleRuntimeTakeLastError(), 0)
        << smem << ": " << uscaleRuntimeLastErrorMessage();
    for (unsigned t = 0; t < 128; ++t)
      ASSERT_EQ(out[t], 3 * t + 1) << "smem " << smem << " thread " << t;
  }
  mgpuStreamDestroy(stream);
}

TEST(RuntimeGpu, TooMuchSharedMemoryIsAReportedError) {
  REQUIRE_GPU();
  Fill fill;
  ASSERT_NE(fill.function, nullptr);
  void *stream = mgpuStreamCreate();
  uint32_t n = 1, words = 1;
  void *dev = mgpuMemAlloc(4, stream, false);
  void *params[] = {&dev, &n, &words};
  mgpuLaunchKernel(fill.function, 1, 1, 1, 1, 1, 1, 1 << 20, stream, params,
                   nullptr, 3);
  EXPECT_NE(uscaleRuntimeTakeLastError(), 0);
  EXPECT_NE(std::string(uscaleRuntimeLastErrorMessage()).find("shared memory"),
            std::string::npos);
  mgpuStreamSynchronize(stream);
  mgpuMemFree(dev, stream);
  mgpuStreamDestroy(stream);
}

TEST(RuntimeGpu, BadPtxReportsTheJitLog) {
  REQUIRE_GPU();
  char bad[] = ".version 7.0\n.target sm_50\n.address_size 64\nthis is not ptx";
  EXPECT_EQ(mgpuModuleLoadJIT(bad, 3), nullptr);
  EXPECT_NE(uscaleRuntimeTakeLastError(), 0);
  Fill fill;
  EXPECT_EQ(mgpuModuleGetFunction(fill.module, "no_such_kernel"), nullptr);
  EXPECT_NE(uscaleRuntimeTakeLastError(), 0);
}

// Generated code relies on one in-order stream for all work (docs/gpu.md,
// "Streams"): every mgpuStreamCreate hands out the same stream, destroying
// it keeps it, and work enqueued on two "streams" runs in enqueue order
// without a wait in between.
TEST(RuntimeGpu, OneStreamForAllWork) {
  REQUIRE_GPU();
  void *s1 = mgpuStreamCreate();
  ASSERT_NE(s1, nullptr);
  mgpuStreamDestroy(s1);
  void *s2 = mgpuStreamCreate();
  EXPECT_EQ(s1, s2);
  const size_t n = 1 << 22;
  void *a = mgpuMemAlloc(n * 4, s1, false);
  void *b = mgpuMemAlloc(n * 4, s2, false);
  mgpuMemset32(a, 9, n, s1);
  mgpuMemcpy(b, a, n * 4, s2); // ordered after the memset: same stream
  uint32_t last = 0;
  mgpuMemcpy(&last, static_cast<char *>(b) + (n - 1) * 4, 4, s2);
  mgpuStreamSynchronize(s2);
  EXPECT_EQ(last, 9u);
  mgpuMemFree(a, s1);
  mgpuMemFree(b, s2);
  EXPECT_EQ(uscaleRuntimeTakeLastError(), 0) << uscaleRuntimeLastErrorMessage();
}

TEST(RuntimeGpu, EventsOrderStreamsAndTime) {
  REQUIRE_GPU();
  void *s1 = mgpuStreamCreate(), *s2 = mgpuStreamCreate();
  void *e = mgpuEventCreate();
  ASSERT_NE(e, nullptr);
  const size_t n = 1 << 22;
  void *a = mgpuMemAlloc(n * 4, s1, false);
  void *b = mgpuMemAlloc(n * 4, s1, false);
  mgpuMemset32(a, 5, n, s1);
  mgpuEventRecord(e, s1);
  mgpuStreamWaitEvent(s2, e);
  mgpuMemcpy(b, a, n * 4, s2);
  uint32_t last = 0;
  mgpuMemcpy(&last, static_cast<char *>(b) + (n - 1) * 4, 4, s2);
  mgpuStreamSynchronize(s2);
  EXPECT_EQ(last, 5u);
  void *t0 = uscaleEventCreateTimed(), *t1 = uscaleEventCreateTimed();
  mgpuEventRecord(t0, s1);
  mgpuMemcpy(b, a, n * 4, s1);
  mgpuEventRecord(t1, s1);
  mgpuEventSynchronize(t1);
  float ms = uscaleEventElapsedMs(t0, t1);
  EXPECT_GT(ms, 0.0f);
  EXPECT_LT(ms, 1000.0f);
  for (void *ev : {e, t0, t1})
    mgpuEventDestroy(ev);
  mgpuMemFree(a, s1);
  mgpuMemFree(b, s1);
  mgpuStreamDestroy(s1);
  mgpuStreamDestroy(s2);
  EXPECT_EQ(uscaleRuntimeTakeLastError(), 0) << uscaleRuntimeLastErrorMessage();
}

TEST(RuntimeGpu, TensorMapsAreEncodedAndShared) {
  REQUIRE_GPU();
  const int64_t rows = 256, cols = 512;
  void *data = mgpuMemAlloc(rows * cols, nullptr, false);
  ASSERT_NE(data, nullptr);
  struct {
    void *allocated, *aligned;
    int64_t offset, sizes[2], strides[2];
  } desc = {data, data, 0, {rows, cols}, {cols, 1}};
  int64_t box[2] = {128, 128};
  // ui8 (0), no interleave, 128-byte swizzle (3), 256-byte L2 promotion (3).
  void *m1 = mgpuTensorMapEncodeTiledMemref(2, &desc, 0, 0, 3, 3, 0, box);
  ASSERT_NE(m1, nullptr) << uscaleRuntimeLastErrorMessage();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(m1) % 64, 0u);
  void *m2 = mgpuTensorMapEncodeTiledMemref(2, &desc, 0, 0, 3, 3, 0, box);
  EXPECT_EQ(m1, m2); // same content: one device copy
  int64_t box2[2] = {64, 128};
  void *m3 = mgpuTensorMapEncodeTiledMemref(2, &desc, 0, 0, 3, 3, 0, box2);
  EXPECT_NE(m3, nullptr);
  EXPECT_NE(m3, m1);
  // Invalid request: a 256-byte inner box with 128-byte swizzle.
  int64_t wide[2] = {64, 256};
  EXPECT_EQ(mgpuTensorMapEncodeTiledMemref(2, &desc, 0, 0, 3, 0, 0, wide),
            nullptr);
  EXPECT_NE(std::string(uscaleRuntimeLastErrorMessage()).find("swizzle"),
            std::string::npos);
  uscaleRuntimeTakeLastError();
  mgpuMemFree(data, nullptr);
}
