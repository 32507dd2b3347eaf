//===- RuntimeLogic.cpp - Pure logic of the mgpu* runtime -----------------===//

#include "uscale-runtime/RuntimeLogic.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace uscale::rt {

MemRefView readMemRefDescriptor(const void *descriptor, int64_t rank) {
  MemRefView view;
  const char *p = static_cast<const char *>(descriptor);
  std::memcpy(&view.allocated, p, sizeof(void *));
  p += sizeof(void *);
  std::memcpy(&view.aligned, p, sizeof(void *));
  p += sizeof(void *);
  std::memcpy(&view.offset, p, sizeof(int64_t));
  p += sizeof(int64_t);
  view.sizes.resize(rank);
  view.strides.resize(rank);
  for (int64_t i = 0; i < rank; ++i, p += sizeof(int64_t))
    std::memcpy(&view.sizes[i], p, sizeof(int64_t));
  for (int64_t i = 0; i < rank; ++i, p += sizeof(int64_t))
    std::memcpy(&view.strides[i], p, sizeof(int64_t));
  return view;
}

int tensorMapElementSize(int64_t dataType) {
  static constexpr int kSizes[TMA_NUM_DATA_TYPES] = {1, 2, 4, 4, 8, 8, 2,
                                                     4, 8, 2, 4, 4, 4};
  if (dataType < 0 || dataType >= TMA_NUM_DATA_TYPES)
    return 0;
  return kSizes[dataType];
}

int swizzleSpanBytes(int64_t swizzle) {
  switch (swizzle) {
  case TMA_SWIZZLE_NONE:
    return 0;
  case TMA_SWIZZLE_32B:
    return 32;
  case TMA_SWIZZLE_64B:
    return 64;
  case TMA_SWIZZLE_128B:
    return 128;
  default:
    return -1;
  }
}

namespace {
template <typename... Args> std::string concat(const Args &...args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
} // namespace

bool buildTensorMapArgs(int64_t rank, const void *descriptor, int64_t dataType,
                        int64_t interleave, int64_t swizzle,
                        int64_t l2Promotion, int64_t oobFill,
                        const int64_t *boxDims, TensorMapArgs &out,
                        std::string &error) {
  out = TensorMapArgs();
  if (rank < 1 || rank > kMaxTensorMapRank) {
    error = concat("tensor map rank ", rank, " is not in [1, ",
                   kMaxTensorMapRank, "]");
    return false;
  }
  if (!descriptor || !boxDims) {
    error = "null memref descriptor or box dimensions";
    return false;
  }
  const int elementSize = tensorMapElementSize(dataType);
  if (elementSize == 0) {
    error = concat("unknown tensor map data type ", dataType);
    return false;
  }
  const int span = swizzleSpanBytes(swizzle);
  if (span < 0) {
    error = concat("unknown swizzle mode ", swizzle);
    return false;
  }
  if (interleave < TMA_INTERLEAVE_NONE || interleave > TMA_INTERLEAVE_32B) {
    error = concat("unknown interleave mode ", interleave);
    return false;
  }
  if (l2Promotion < TMA_L2_NONE || l2Promotion > TMA_L2_256B) {
    error = concat("unknown L2 promotion mode ", l2Promotion);
    return false;
  }
  if (oobFill < TMA_OOB_ZERO || oobFill > TMA_OOB_NAN_REQUEST_ZERO_FMA) {
    error = concat("unknown out-of-bounds fill mode ", oobFill);
    return false;
  }

  MemRefView view = readMemRefDescriptor(descriptor, rank);
  if (!view.aligned) {
    error = "memref has a null data pointer";
    return false;
  }
  if (view.offset < 0) {
    error = concat("memref has a negative offset ", view.offset);
    return false;
  }
  char *address =
      static_cast<char *>(view.aligned) + view.offset * int64_t(elementSize);
  const uintptr_t addressAlignment =
      interleave == TMA_INTERLEAVE_32B ? 32 : 16;
  if (reinterpret_cast<uintptr_t>(address) % addressAlignment != 0) {
    error = concat("tensor start address (aligned pointer + offset) is not ",
                   addressAlignment, "-byte aligned");
    return false;
  }
  if (view.strides[rank - 1] != 1) {
    error = concat("innermost memref stride is ", view.strides[rank - 1],
                   ", TMA needs a contiguous innermost dimension");
    return false;
  }

  out.dataType = int(dataType);
  out.rank = unsigned(rank);
  out.globalAddress = address;
  out.interleave = int(interleave);
  out.swizzle = int(swizzle);
  out.l2Promotion = int(l2Promotion);
  out.oobFill = int(oobFill);
  // TMA dimension i is memref dimension rank-1-i.
  for (int64_t i = 0; i < rank; ++i) {
    const int64_t m = rank - 1 - i;
    const int64_t size = view.sizes[m];
    if (size < 1 || uint64_t(size) > (uint64_t(1) << 32)) {
      error = concat("memref dimension ", m, " has size ", size,
                     ", TMA needs [1, 2^32]");
      return false;
    }
    out.globalDim[i] = uint64_t(size);
    const int64_t box = boxDims[m];
    if (box < 1 || box > 256) {
      error = concat("box dimension ", m, " is ", box, ", TMA needs [1, 256]");
      return false;
    }
    out.boxDim[i] = unsigned(box);
  }
  for (int64_t i = 1; i < rank; ++i) {
    const int64_t m = rank - 1 - i;
    const int64_t stride = view.strides[m];
    if (stride < 1) {
      error = concat("memref stride ", stride, " of dimension ", m,
                     " is not positive");
      return false;
    }
    const uint64_t bytes = uint64_t(stride) * uint64_t(elementSize);
    if (bytes % 16 != 0 || bytes >= (uint64_t(1) << 40)) {
      error = concat("byte stride ", bytes, " of memref dimension ", m,
                     " must be a multiple of 16 below 2^40");
      return false;
    }
    out.globalStrides[i - 1] = bytes;
  }
  const uint64_t innerBoxBytes = uint64_t(out.boxDim[0]) * elementSize;
  if (interleave == TMA_INTERLEAVE_NONE) {
    if (innerBoxBytes % 16 != 0) {
      error = concat("innermost box is ", innerBoxBytes,
                     " bytes, TMA needs a multiple of 16");
      return false;
    }
    if (span > 0 && innerBoxBytes > uint64_t(span)) {
      error = concat("innermost box is ", innerBoxBytes,
                     " bytes, more than the ", span, "-byte swizzle span");
      return false;
    }
  }
  return true;
}

bool checkLaunchDims(int64_t gx, int64_t gy, int64_t gz, int64_t bx,
                     int64_t by, int64_t bz, int64_t smem,
                     std::string &error) {
  if (gx < 1 || gx > 2147483647 || gy < 1 || gy > 65535 || gz < 1 ||
      gz > 65535) {
    error = concat("invalid grid (", gx, ", ", gy, ", ", gz, ")");
    return false;
  }
  if (bx < 1 || bx > 1024 || by < 1 || by > 1024 || bz < 1 || bz > 64 ||
      bx * by * bz > 1024) {
    error = concat("invalid block (", bx, ", ", by, ", ", bz, ")");
    return false;
  }
  if (smem < 0) {
    error = concat("negative dynamic shared memory size ", smem);
    return false;
  }
  return true;
}

CUdeviceptr BlockCache::take(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = free.find(bytes);
  if (it == free.end())
    return 0;
  CUdeviceptr ptr = it->second;
  free.erase(it);
  cached -= bytes;
  return ptr;
}

void BlockCache::track(CUdeviceptr ptr, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  sizes[ptr] = bytes;
}

bool BlockCache::give(CUdeviceptr ptr) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = sizes.find(ptr);
  if (it == sizes.end())
    return false;
  uint64_t bytes = it->second;
  if (cached + bytes > limit) {
    sizes.erase(it);
    return false;
  }
  free.emplace(bytes, ptr);
  cached += bytes;
  return true;
}

void ProfileTable::add(const std::string &name, double ms, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mutex);
  Entry &e = entries[name];
  ++e.calls;
  e.bytes += bytes;
  e.ms += ms;
  e.maxMs = std::max(e.maxMs, ms);
}

std::string ProfileTable::report(size_t top) const {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::pair<std::string, Entry>> sorted(entries.begin(),
                                                    entries.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
    return a.second.ms != b.second.ms ? a.second.ms > b.second.ms
                                      : a.first < b.first;
  });
  double total = 0;
  uint64_t calls = 0;
  for (const auto &[name, e] : sorted) {
    total += e.ms;
    calls += e.calls;
  }
  char line[512];
  std::snprintf(line, sizeof(line),
                "uscale-profile: %llu calls, %.3f ms in all, %zu names; "
                "the %zu longest:\n",
                static_cast<unsigned long long>(calls), total, sorted.size(),
                std::min(top, sorted.size()));
  std::string out = line;
  std::snprintf(line, sizeof(line), "  %10s %12s %10s %10s %12s  %s\n",
                "calls", "total_ms", "mean_ms", "max_ms", "MB", "name");
  out += line;
  for (size_t i = 0; i < sorted.size() && i < top; ++i) {
    const Entry &e = sorted[i].second;
    std::snprintf(line, sizeof(line),
                  "  %10llu %12.3f %10.4f %10.4f %12.1f  %s\n",
                  static_cast<unsigned long long>(e.calls), e.ms,
                  e.ms / double(e.calls), e.maxMs, double(e.bytes) / 1e6,
                  sorted[i].first.c_str());
    out += line;
  }
  return out;
}

} // namespace uscale::rt
