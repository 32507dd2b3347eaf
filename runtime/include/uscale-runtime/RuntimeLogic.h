//===- RuntimeLogic.h - Pure logic of the mgpu* runtime --------*- C++ -*-===//
//
// Everything in the runtime that does not need a GPU, kept separate so that
// unit tests check it on any machine: turning a memref descriptor into the
// arguments of cuTensorMapEncodeTiled, the dynamic-shared-memory opt-in rule,
// launch-dimension checks, and the cache that keeps one device copy per
// distinct tensor map.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_RUNTIMELOGIC_H
#define USCALE_RUNTIME_RUNTIMELOGIC_H

#include "uscale-runtime/CudaDriver.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace uscale::rt {

/// The layout of MLIR's ranked memref descriptor (StridedMemRefType) for a
/// given rank, read through a raw pointer.
struct MemRefView {
  void *allocated = nullptr;
  void *aligned = nullptr;
  int64_t offset = 0;
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
};
/// Reads a ranked descriptor {ptr, ptr, i64 offset, i64 sizes[rank],
/// i64 strides[rank]} (rank >= 0).
MemRefView readMemRefDescriptor(const void *descriptor, int64_t rank);

constexpr int kMaxTensorMapRank = 5;
constexpr int64_t kDefaultSharedMemoryLimit = 48 * 1024;

/// Bytes per element of a CUtensorMapDataType, 0 for values out of range.
int tensorMapElementSize(int64_t dataType);

/// Bytes of the innermost box dimension that a swizzle mode allows (the
/// swizzle span), 0 for "no limit" (SWIZZLE_NONE), -1 for invalid modes.
int swizzleSpanBytes(int64_t swizzle);

/// Arguments of cuTensorMapEncodeTiled, in TMA order: dimension 0 is the
/// innermost (fastest varying) one, which is the *last* memref dimension.
struct TensorMapArgs {
  int dataType = 0;
  unsigned rank = 0;
  void *globalAddress = nullptr;
  uint64_t globalDim[kMaxTensorMapRank] = {1, 1, 1, 1, 1};
  /// Byte strides of dimensions 1..rank-1 (dimension 0 must be contiguous).
  uint64_t globalStrides[kMaxTensorMapRank - 1] = {0, 0, 0, 0};
  unsigned boxDim[kMaxTensorMapRank] = {1, 1, 1, 1, 1};
  unsigned elementStrides[kMaxTensorMapRank] = {1, 1, 1, 1, 1};
  int interleave = 0, swizzle = 0, l2Promotion = 0, oobFill = 0;
};

/// Builds the cuTensorMapEncodeTiled arguments for the ABI call
/// mgpuTensorMapEncodeTiledMemref(rank, descriptor, dtype, interleave,
/// swizzle, l2promo, oob, boxDims). `boxDims` is in memref order (outermost
/// first), as nvgpu.tma.create.descriptor writes it. The descriptor's offset
/// is honoured. Checks what the driver would reject (or worse, silently
/// misread): rank 1..5, known data type, innermost stride 1, 16-byte aligned
/// address and byte strides, strides below 2^40, dims in [1, 2^32], box dims
/// in [1, 256] (a box may exceed the tensor: TMA fills out-of-bounds
/// elements), inner box bytes a multiple of 16 and within the swizzle span. Returns false with a message in `error`.
bool buildTensorMapArgs(int64_t rank, const void *descriptor, int64_t dataType,
                        int64_t interleave, int64_t swizzle,
                        int64_t l2Promotion, int64_t oobFill,
                        const int64_t *boxDims, TensorMapArgs &out,
                        std::string &error);

/// True when a launch with `bytes` of dynamic shared memory must first raise
/// the function's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES.
inline bool needsDynamicSharedMemoryOptIn(int64_t bytes) {
  return bytes > kDefaultSharedMemoryLimit;
}

/// Checks grid/block/cluster extents of a launch: each in [1, 2^31-1] for
/// grid x and [1, 65535] for grid y/z, block x/y in [1, 1024], z in [1, 64],
/// at most 1024 threads, shared memory >= 0. Returns false with a message.
bool checkLaunchDims(int64_t gx, int64_t gy, int64_t gz, int64_t bx,
                     int64_t by, int64_t bz, int64_t smem,
                     std::string &error);

/// One device copy per distinct tensor map (by content): the ABI returns a
/// device pointer to the map, and a training loop encodes the same maps every
/// step. `allocate` copies a map to the device and returns its address (0 on
/// failure); the cache never frees (maps are 128 bytes; the set of distinct
/// maps is bounded by the set of distinct buffers and shapes).
class TensorMapCache {
public:
  template <typename AllocateFn>
  CUdeviceptr getOrInsert(const CUtensorMap &map, AllocateFn &&allocate) {
    std::lock_guard<std::mutex> lock(mutex);
    Key key;
    for (int i = 0; i < kTensorMapNumQwords; ++i)
      key.words[i] = map.opaque[i];
    auto it = entries.find(key);
    if (it != entries.end())
      return it->second;
    CUdeviceptr ptr = allocate(map);
    if (ptr)
      entries.emplace(key, ptr);
    return ptr;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex);
    return entries.size();
  }

private:
  struct Key {
    uint64_t words[kTensorMapNumQwords];
    bool operator<(const Key &o) const {
      for (int i = 0; i < kTensorMapNumQwords; ++i)
        if (words[i] != o.words[i])
          return words[i] < o.words[i];
      return false;
    }
  };
  mutable std::mutex mutex;
  std::map<Key, CUdeviceptr> entries;
};

/// Device blocks kept for reuse instead of cuMemFree and cuMemAlloc: a
/// compiled train step allocates and frees the same buffers on every step,
/// and both calls cost (cuMemFree synchronises the device). Free blocks are
/// kept by exact size, up to `limitBytes` in all. Reuse is safe because
/// generated code frees a buffer only after the work that used it has
/// completed (every launch is waited for; frees follow a stream wait).
class BlockCache {
public:
  explicit BlockCache(uint64_t limitBytes) : limit(limitBytes) {}
  /// A kept block of exactly `bytes` (now in use again), or 0.
  CUdeviceptr take(uint64_t bytes);
  /// Records a block the driver handed out, so that give() knows its size.
  void track(CUdeviceptr ptr, uint64_t bytes);
  /// Takes back a block: true when kept (the caller must not free it);
  /// false for an untracked block, or when keeping it would exceed the
  /// limit: then the caller frees it (and it is no longer tracked).
  bool give(CUdeviceptr ptr);
  /// Forgets every kept block, calling release(ptr) on each (before a
  /// retried allocation, and to return memory).
  template <typename ReleaseFn> void flush(ReleaseFn &&release) {
    std::multimap<uint64_t, CUdeviceptr> kept;
    {
      std::lock_guard<std::mutex> lock(mutex);
      kept.swap(free);
      for (const auto &[bytes, ptr] : kept)
        sizes.erase(ptr);
      cached = 0;
    }
    for (const auto &entry : kept)
      release(entry.second);
  }
  uint64_t cachedBytes() const {
    std::lock_guard<std::mutex> lock(mutex);
    return cached;
  }

private:
  mutable std::mutex mutex;
  uint64_t limit, cached = 0;
  std::map<CUdeviceptr, uint64_t> sizes;        // tracked blocks, in use or kept
  std::multimap<uint64_t, CUdeviceptr> free;    // kept blocks by size
};

/// Totals per name (a kernel, an allocation call, a copy) for
/// USCALE_PROFILE: where a compiled step spends its time, on machines
/// without a profiler. The runtime times each call (=1: on the host, the
/// call synchronised; =events: launches and copies by CUDA events) and
/// prints report() at exit.
class ProfileTable {
public:
  void add(const std::string &name, double ms, uint64_t bytes = 0);
  /// A header with the totals, then the `top` names by total time (most
  /// first), one line each: calls, total, mean and max ms, bytes.
  std::string report(size_t top) const;

private:
  struct Entry {
    uint64_t calls = 0, bytes = 0;
    double ms = 0, maxMs = 0;
  };
  mutable std::mutex mutex;
  std::map<std::string, Entry> entries;
};

} // namespace uscale::rt

#endif // USCALE_RUNTIME_RUNTIMELOGIC_H
