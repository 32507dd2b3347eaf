//===- CudaDriver.h - The CUDA driver API, loaded with dlopen --*- C++ -*-===//
//
// The few CUDA driver API types, constants and entry points the runtime uses,
// declared here (no cuda.h needed to build) and resolved from libcuda.so.1 at
// run time. unittests/Runtime/CudaHeaderCompatTest.cpp checks every value and
// layout below against the toolkit's cuda.h when one is installed.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_CUDADRIVER_H
#define USCALE_RUNTIME_CUDADRIVER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace uscale::rt {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
/// Not a CUDA code: the driver library could not be loaded or lacks a symbol.
constexpr CUresult USCALE_ERROR_NO_DRIVER = -1;

constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
constexpr unsigned CU_STREAM_NON_BLOCKING = 1;
constexpr unsigned CU_EVENT_DEFAULT = 0;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 2;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 1;
constexpr unsigned MEMHOSTREGISTER_PORTABLE = 1; // CU_MEMHOSTREGISTER_PORTABLE
constexpr int CU_JIT_INFO_LOG_BUFFER = 3;
constexpr int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
constexpr int CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr int CU_JIT_OPTIMIZATION_LEVEL = 7;
constexpr int CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4;

// cuTensorMapEncodeTiled enums (same numbering as nvgpu's TMA attributes).
enum TensorMapDataType : int {
  TMA_UINT8 = 0, TMA_UINT16, TMA_UINT32, TMA_INT32, TMA_UINT64, TMA_INT64,
  TMA_FLOAT16, TMA_FLOAT32, TMA_FLOAT64, TMA_BFLOAT16, TMA_FLOAT32_FTZ,
  TMA_TFLOAT32, TMA_TFLOAT32_FTZ, TMA_NUM_DATA_TYPES
};
enum TensorMapInterleave : int { TMA_INTERLEAVE_NONE = 0, TMA_INTERLEAVE_16B,
                                 TMA_INTERLEAVE_32B };
enum TensorMapSwizzle : int { TMA_SWIZZLE_NONE = 0, TMA_SWIZZLE_32B,
                              TMA_SWIZZLE_64B, TMA_SWIZZLE_128B };
enum TensorMapL2Promotion : int { TMA_L2_NONE = 0, TMA_L2_64B, TMA_L2_128B,
                                  TMA_L2_256B };
enum TensorMapOOBFill : int { TMA_OOB_ZERO = 0, TMA_OOB_NAN_REQUEST_ZERO_FMA };

constexpr int kTensorMapNumQwords = 16;
struct alignas(128) CUtensorMap {
  uint64_t opaque[kTensorMapNumQwords];
};

union CUlaunchAttributeValue {
  char pad[64];
  struct { unsigned x, y, z; } clusterDim;
};
struct CUlaunchAttribute {
  int id;
  char pad[8 - sizeof(int)];
  CUlaunchAttributeValue value;
};
struct CUlaunchConfig {
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  CUstream hStream;
  CUlaunchAttribute *attrs;
  unsigned numAttrs;
};

/// Function table of the driver entry points. Every member is null until
/// load() succeeds; after a failed load, error() says why.
struct DriverApi {
#define USCALE_CU_FN(name, ret, ...) ret (*name)(__VA_ARGS__) = nullptr;
#include "uscale-runtime/CudaDriverFunctions.def"
#undef USCALE_CU_FN

  /// dlopen()s `path` (RTLD_NOW|RTLD_LOCAL) and resolves every entry point.
  /// Returns false (and sets error()) if the library or a required symbol is
  /// missing. Never aborts. Safe to call once per object.
  bool load(const char *path);
  bool loaded() const { return handle != nullptr; }
  const std::string &error() const { return err; }
  ~DriverApi();

private:
  void *handle = nullptr;
  std::string err;
};

/// The library name the runtime loads: $USCALE_CUDA_DRIVER if set, otherwise
/// "libcuda.so.1".
const char *driverLibraryName();

} // namespace uscale::rt

#endif // USCALE_RUNTIME_CUDADRIVER_H
