//===- RuntimeLogicTest.cpp - Pure logic of the mgpu* runtime -------------===//
//
// No GPU needed: the arguments built for cuTensorMapEncodeTiled from memref
// descriptors, the shared-memory opt-in rule, launch checks and the tensor
// map cache.
//
//===----------------------------------------------------------------------===//

#include "uscale-runtime/RuntimeLogic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

using namespace uscale::rt;

namespace {

/// Same layout as MLIR's StridedMemRefType<T, Rank>.
template <int Rank> struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};

template <int Rank>
Descriptor<Rank> makeDescriptor(void *data, int64_t offset,
                                std::vector<int64_t> sizes,
                                std::vector<int64_t> strides) {
  Descriptor<Rank> d{};
  d.allocated = data;
  d.aligned = data;
  d.offset = offset;
  for (int i = 0; i < Rank; ++i) {
    d.sizes[i] = sizes[i];
    d.strides[i] = strides[i];
  }
  return d;
}

alignas(1024) char gBuffer[1 << 16];

} // namespace

TEST(RuntimeLogic, ReadsMemRefDescriptors) {
  auto d = makeDescriptor<3>(gBuffer, 7, {2, 3, 4}, {12, 4, 1});
  MemRefView v = readMemRefDescriptor(&d, 3);
  EXPECT_EQ(v.aligned, static_cast<void *>(gBuffer));
  EXPECT_EQ(v.offset, 7);
  EXPECT_EQ(v.sizes, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(v.strides, (std::vector<int64_t>{12, 4, 1}));
}

TEST(RuntimeLogic, ElementSizesAndSwizzleSpans) {
  EXPECT_EQ(tensorMapElementSize(TMA_UINT8), 1);
  EXPECT_EQ(tensorMapElementSize(TMA_UINT16), 2);
  EXPECT_EQ(tensorMapElementSize(TMA_INT64), 8);
  EXPECT_EQ(tensorMapElementSize(TMA_FLOAT16), 2);
  EXPECT_EQ(tensorMapElementSize(TMA_FLOAT32), 4);
  EXPECT_EQ(tensorMapElementSize(TMA_BFLOAT16), 2);
  EXPECT_EQ(tensorMapElementSize(TMA_TFLOAT32_FTZ), 4);
  EXPECT_EQ(tensorMapElementSize(-1), 0);
  EXPECT_EQ(tensorMapElementSize(13), 0);
  EXPECT_EQ(swizzleSpanBytes(TMA_SWIZZLE_NONE), 0);
  EXPECT_EQ(swizzleSpanBytes(TMA_SWIZZLE_32B), 32);
  EXPECT_EQ(swizzleSpanBytes(TMA_SWIZZLE_64B), 64);
  EXPECT_EQ(swizzleSpanBytes(TMA_SWIZZLE_128B), 128);
  EXPECT_EQ(swizzleSpanBytes(4), -1);
}

// The FP8 GEMM's operand A: M x K bytes viewed as ui8 (trap 3: TMA on fp8
// memrefs must use UINT8), 128x128 box, 128-byte swizzle. TMA order is the
// reverse of memref order: dim 0 = K (innermost).
TEST(RuntimeLogic, Fp8OperandAsUint8Rank2) {
  auto d = makeDescriptor<2>(gBuffer, 0, {256, 512}, {512, 1});
  int64_t box[2] = {128, 128};
  TensorMapArgs a;
  std::string err;
  ASSERT_TRUE(buildTensorMapArgs(2, &d, TMA_UINT8, TMA_INTERLEAVE_NONE,
                                 TMA_SWIZZLE_128B, TMA_L2_256B, TMA_OOB_ZERO,
                                 box, a, err))
      << err;
  EXPECT_EQ(a.rank, 2u);
  EXPECT_EQ(a.dataType, TMA_UINT8);
  EXPECT_EQ(a.globalAddress, static_cast<void *>(gBuffer));
  EXPECT_EQ(a.globalDim[0], 512u); // K, innermost
  EXPECT_EQ(a.globalDim[1], 256u); // M
  EXPECT_EQ(a.globalStrides[0], 512u);
  EXPECT_EQ(a.boxDim[0], 128u);
  EXPECT_EQ(a.boxDim[1], 128u);
  EXPECT_EQ(a.elementStrides[0], 1u);
  EXPECT_EQ(a.elementStrides[1], 1u);
  EXPECT_EQ(a.swizzle, TMA_SWIZZLE_128B);
  EXPECT_EQ(a.l2Promotion, TMA_L2_256B);
  EXPECT_EQ(a.interleave, TMA_INTERLEAVE_NONE);
  EXPECT_EQ(a.oobFill, TMA_OOB_ZERO);
}

// Non-square box and strided (padded) rows: box dims are reversed too, and
// byte strides scale with the element size.
TEST(RuntimeLogic, ReversesDimsStridesAndBoxRank3) {
  // f16 tensor [4][64][32] with rows padded to 64 elements.
  auto d = makeDescriptor<3>(gBuffer, 0, {4, 64, 32}, {4096, 64, 1});
  int64_t box[3] = {2, 16, 8};
  TensorMapArgs a;
  std::string err;
  ASSERT_TRUE(buildTensorMapArgs(3, &d, TMA_FLOAT16, TMA_INTERLEAVE_NONE,
                                 TMA_SWIZZLE_NONE, TMA_L2_NONE, TMA_OOB_ZERO,
                                 box, a, err))
      << err;
  EXPECT_EQ(a.globalDim[0], 32u);
  EXPECT_EQ(a.globalDim[1], 64u);
  EXPECT_EQ(a.globalDim[2], 4u);
  EXPECT_EQ(a.globalStrides[0], 128u);  // 64 f16
  EXPECT_EQ(a.globalStrides[1], 8192u); // 4096 f16
  EXPECT_EQ(a.boxDim[0], 8u);
  EXPECT_EQ(a.boxDim[1], 16u);
  EXPECT_EQ(a.boxDim[2], 2u);
}

TEST(RuntimeLogic, HonoursTheDescriptorOffset) {
  // A subview starting at row 2 of a [8][64] f32 matrix.
  auto d = makeDescriptor<2>(gBuffer, 128, {6, 64}, {64, 1});
  int64_t box[2] = {4, 32};
  TensorMapArgs a;
  std::string err;
  ASSERT_TRUE(buildTensorMapArgs(2, &d, TMA_FLOAT32, 0, TMA_SWIZZLE_128B, 0, 0,
                                 box, a, err))
      << err;
  EXPECT_EQ(a.globalAddress, static_cast<void *>(gBuffer + 512));
  EXPECT_EQ(a.globalDim[1], 6u);
}

TEST(RuntimeLogic, BoxMayExceedTheTensor) {
  auto d = makeDescriptor<2>(gBuffer, 0, {100, 64}, {64, 1});
  int64_t box[2] = {128, 64};
  TensorMapArgs a;
  std::string err;
  EXPECT_TRUE(buildTensorMapArgs(2, &d, TMA_UINT8, 0, TMA_SWIZZLE_64B, 0, 0,
                                 box, a, err))
      << err;
}

namespace {
std::string failure(int64_t rank, void *desc, int64_t dtype, int64_t swizzle,
                    const int64_t *box, int64_t interleave = 0,
                    int64_t l2 = 0, int64_t oob = 0) {
  TensorMapArgs a;
  std::string err;
  if (buildTensorMapArgs(rank, desc, dtype, interleave, swizzle, l2, oob, box,
                         a, err))
    return "<accepted>";
  EXPECT_FALSE(err.empty());
  return err;
}
} // namespace

TEST(RuntimeLogic, RejectsWhatTheDriverWouldMisread) {
  int64_t box[2] = {64, 64};
  auto ok = makeDescriptor<2>(gBuffer, 0, {128, 128}, {128, 1});
  EXPECT_EQ(failure(2, &ok, TMA_UINT8, TMA_SWIZZLE_128B, box), "<accepted>");

  EXPECT_NE(failure(0, &ok, TMA_UINT8, 0, box).find("rank 0"),
            std::string::npos);
  EXPECT_NE(failure(6, &ok, TMA_UINT8, 0, box).find("rank 6"),
            std::string::npos);
  EXPECT_NE(failure(2, nullptr, TMA_UINT8, 0, box).find("null"),
            std::string::npos);
  EXPECT_NE(failure(2, &ok, 13, 0, box).find("data type 13"),
            std::string::npos);
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 7, box).find("swizzle mode 7"),
            std::string::npos);
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 0, box, 5).find("interleave"),
            std::string::npos);
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 0, box, 0, 9).find("L2"),
            std::string::npos);
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 0, box, 0, 0, 2).find("out-of-bounds"),
            std::string::npos);

  // Column-major view: innermost stride is not 1.
  auto colMajor = makeDescriptor<2>(gBuffer, 0, {128, 128}, {1, 128});
  EXPECT_NE(failure(2, &colMajor, TMA_UINT8, 0, box).find("innermost memref "
                                                          "stride"),
            std::string::npos);
  // Start address not 16-byte aligned (offset of 8 bytes).
  auto misaligned = makeDescriptor<2>(gBuffer, 8, {64, 128}, {128, 1});
  EXPECT_NE(failure(2, &misaligned, TMA_UINT8, 0, box).find("aligned"),
            std::string::npos);
  // Row pitch of 100 bytes: not a multiple of 16.
  auto pitch = makeDescriptor<2>(gBuffer, 0, {64, 100}, {100, 1});
  EXPECT_NE(failure(2, &pitch, TMA_UINT8, 0, box).find("multiple of 16"),
            std::string::npos);
  // Empty dimension.
  auto empty = makeDescriptor<2>(gBuffer, 0, {0, 128}, {128, 1});
  EXPECT_NE(failure(2, &empty, TMA_UINT8, 0, box).find("size 0"),
            std::string::npos);
  // Box dimension above 256.
  int64_t bigBox[2] = {512, 64};
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 0, bigBox).find("[1, 256]"),
            std::string::npos);
  // Inner box wider than the swizzle span: 128 f16 = 256 bytes > 128.
  auto f16 = makeDescriptor<2>(gBuffer, 0, {64, 128}, {128, 1});
  int64_t wide[2] = {64, 128};
  EXPECT_NE(failure(2, &f16, TMA_FLOAT16, TMA_SWIZZLE_128B, wide)
                .find("swizzle span"),
            std::string::npos);
  // Inner box of 4 bytes.
  int64_t narrow[2] = {64, 4};
  EXPECT_NE(failure(2, &ok, TMA_UINT8, 0, narrow).find("multiple of 16"),
            std::string::npos);
}

TEST(RuntimeLogic, SharedMemoryOptIn) {
  EXPECT_FALSE(needsDynamicSharedMemoryOptIn(0));
  EXPECT_FALSE(needsDynamicSharedMemoryOptIn(48 * 1024));
  EXPECT_TRUE(needsDynamicSharedMemoryOptIn(48 * 1024 + 1));
  EXPECT_TRUE(needsDynamicSharedMemoryOptIn(131072 + 1024));
}

TEST(RuntimeLogic, LaunchDimensions) {
  std::string err;
  EXPECT_TRUE(checkLaunchDims(64, 64, 1, 128, 1, 1, 132096, err));
  EXPECT_TRUE(checkLaunchDims(2147483647, 65535, 65535, 1024, 1, 1, 0, err));
  EXPECT_FALSE(checkLaunchDims(0, 1, 1, 128, 1, 1, 0, err));
  EXPECT_NE(err.find("grid"), std::string::npos);
  EXPECT_FALSE(checkLaunchDims(1, 65536, 1, 128, 1, 1, 0, err));
  EXPECT_FALSE(checkLaunchDims(1, 1, 1, 1025, 1, 1, 0, err));
  EXPECT_NE(err.find("block"), std::string::npos);
  EXPECT_FALSE(checkLaunchDims(1, 1, 1, 64, 32, 1, 0, err)); // 2048 threads
  EXPECT_FALSE(checkLaunchDims(1, 1, 1, 1, 1, 65, 0, err));
  EXPECT_FALSE(checkLaunchDims(1, 1, 1, 1, 1, 1, -1, err));
  EXPECT_NE(err.find("shared"), std::string::npos);
}

TEST(RuntimeLogic, TensorMapCacheKeepsOneCopyPerContent) {
  TensorMapCache cache;
  int allocations = 0;
  auto allocate = [&](const CUtensorMap &) -> CUdeviceptr {
    return CUdeviceptr(0x1000 * ++allocations);
  };
  CUtensorMap a{}, b{};
  a.opaque[0] = 1;
  b.opaque[15] = 1;
  CUdeviceptr pa = cache.getOrInsert(a, allocate);
  EXPECT_EQ(cache.getOrInsert(a, allocate), pa);
  CUdeviceptr pb = cache.getOrInsert(b, allocate);
  EXPECT_NE(pa, pb);
  EXPECT_EQ(allocations, 2);
  EXPECT_EQ(cache.size(), 2u);
  // A failed allocation is not cached.
  CUtensorMap c{};
  c.opaque[3] = 3;
  EXPECT_EQ(cache.getOrInsert(c, [](const CUtensorMap &) {
    return CUdeviceptr(0);
  }),
            CUdeviceptr(0));
  EXPECT_EQ(cache.size(), 2u);
}

// USCALE_PROFILE's table: totals per name, longest first, limited to `top`.
TEST(ProfileTable, TotalsPerNameLongestFirst) {
  uscale::rt::ProfileTable table;
  table.add("kernel a", 1.0);
  table.add("cuMemAlloc", 0.5, 1000000);
  table.add("kernel a", 3.0);
  table.add("kernel b", 2.5);
  std::string report = table.report(2);
  EXPECT_NE(report.find("4 calls, 7.000 ms in all, 3 names; the 2 longest"),
            std::string::npos)
      << report;
  size_t a = report.find("kernel a"), b = report.find("kernel b");
  ASSERT_NE(a, std::string::npos) << report;
  ASSERT_NE(b, std::string::npos) << report;
  EXPECT_LT(a, b) << "sorted by total time";
  // kernel a: 2 calls, 4 ms in all, 2 ms mean, 3 ms max.
  EXPECT_NE(report.find("2        4.000     2.0000     3.0000"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("cuMemAlloc"), std::string::npos)
      << "only the top 2 are listed";
  EXPECT_NE(uscale::rt::ProfileTable().report(5).find("0 calls"), std::string::npos);
}

// The device block cache: exact-size reuse, the byte limit, untracked
// pointers, and flush.
TEST(BlockCache, ReusesExactSizesWithinTheLimit) {
  uscale::rt::BlockCache cache(/*limitBytes=*/1000);
  EXPECT_EQ(cache.take(100), 0u) << "empty";
  cache.track(0x1000, 100);
  cache.track(0x2000, 600);
  cache.track(0x3000, 600);
  EXPECT_FALSE(cache.give(0x9000)) << "never tracked: the caller frees it";
  EXPECT_TRUE(cache.give(0x1000));
  EXPECT_TRUE(cache.give(0x2000));
  EXPECT_EQ(cache.cachedBytes(), 700u);
  EXPECT_FALSE(cache.give(0x3000)) << "700 + 600 is over the limit";
  EXPECT_FALSE(cache.give(0x3000)) << "and no longer tracked";
  EXPECT_EQ(cache.take(200), 0u) << "no block of that size";
  EXPECT_EQ(cache.take(600), 0x2000u);
  EXPECT_EQ(cache.take(600), 0u) << "handed out once";
  EXPECT_EQ(cache.cachedBytes(), 100u);
  EXPECT_TRUE(cache.give(0x2000)) << "still tracked after reuse";
  std::vector<uscale::rt::CUdeviceptr> released;
  cache.flush([&](uscale::rt::CUdeviceptr p) { released.push_back(p); });
  std::sort(released.begin(), released.end());
  EXPECT_EQ(released,
            (std::vector<uscale::rt::CUdeviceptr>{0x1000, 0x2000}));
  EXPECT_EQ(cache.cachedBytes(), 0u);
  EXPECT_FALSE(cache.give(0x1000)) << "flushed blocks are forgotten";
}
