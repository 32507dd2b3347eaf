//===- CudaHeaderCompatTest.cpp - Our driver declarations vs cuda.h -------===//
//
// Built only where the CUDA toolkit's cuda.h is found: every constant and
// struct layout the runtime declares by hand must match the real header.
// The checks are static_asserts, so a mismatch fails the build.
//
//===----------------------------------------------------------------------===//

#include "uscale-runtime/CudaDriver.h"

#include <cuda.h>
#include <gtest/gtest.h>

#include <cstddef>

namespace rt = uscale::rt;

static_assert(rt::CUDA_SUCCESS == CUDA_SUCCESS);
static_assert(rt::CUDA_ERROR_INVALID_VALUE == CUDA_ERROR_INVALID_VALUE);
static_assert(rt::CUDA_ERROR_NOT_INITIALIZED == CUDA_ERROR_NOT_INITIALIZED);
static_assert(rt::CUDA_ERROR_NO_DEVICE == CUDA_ERROR_NO_DEVICE);
static_assert(rt::CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ==
              CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
static_assert(rt::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR ==
              CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
static_assert(rt::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR ==
              CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
static_assert(rt::CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN ==
              CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
static_assert(rt::CU_STREAM_NON_BLOCKING == CU_STREAM_NON_BLOCKING);
static_assert(rt::CU_EVENT_DEFAULT == CU_EVENT_DEFAULT);
static_assert(rt::CU_EVENT_DISABLE_TIMING == CU_EVENT_DISABLE_TIMING);
static_assert(rt::CU_MEM_ATTACH_GLOBAL == CU_MEM_ATTACH_GLOBAL);
static_assert(rt::MEMHOSTREGISTER_PORTABLE == CU_MEMHOSTREGISTER_PORTABLE);
static_assert(rt::CU_JIT_INFO_LOG_BUFFER == CU_JIT_INFO_LOG_BUFFER);
static_assert(rt::CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES ==
              CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
static_assert(rt::CU_JIT_ERROR_LOG_BUFFER == CU_JIT_ERROR_LOG_BUFFER);
static_assert(rt::CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES ==
              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
static_assert(rt::CU_JIT_OPTIMIZATION_LEVEL == CU_JIT_OPTIMIZATION_LEVEL);
static_assert(rt::CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION ==
              CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);

static_assert(int(rt::TMA_UINT8) == int(CU_TENSOR_MAP_DATA_TYPE_UINT8));
static_assert(int(rt::TMA_UINT16) == int(CU_TENSOR_MAP_DATA_TYPE_UINT16));
static_assert(int(rt::TMA_UINT32) == int(CU_TENSOR_MAP_DATA_TYPE_UINT32));
static_assert(int(rt::TMA_INT32) == int(CU_TENSOR_MAP_DATA_TYPE_INT32));
static_assert(int(rt::TMA_UINT64) == int(CU_TENSOR_MAP_DATA_TYPE_UINT64));
static_assert(int(rt::TMA_INT64) == int(CU_TENSOR_MAP_DATA_TYPE_INT64));
static_assert(int(rt::TMA_FLOAT16) == int(CU_TENSOR_MAP_DATA_TYPE_FLOAT16));
static_assert(int(rt::TMA_FLOAT32) == int(CU_TENSOR_MAP_DATA_TYPE_FLOAT32));
static_assert(int(rt::TMA_FLOAT64) == int(CU_TENSOR_MAP_DATA_TYPE_FLOAT64));
static_assert(int(rt::TMA_BFLOAT16) == int(CU_TENSOR_MAP_DATA_TYPE_BFLOAT16));
static_assert(int(rt::TMA_FLOAT32_FTZ) == int(CU_TENSOR_MAP_DATA_TYPE_FLOAT32_FTZ));
static_assert(int(rt::TMA_TFLOAT32) == int(CU_TENSOR_MAP_DATA_TYPE_TFLOAT32));
static_assert(int(rt::TMA_TFLOAT32_FTZ) == int(CU_TENSOR_MAP_DATA_TYPE_TFLOAT32_FTZ));
static_assert(int(rt::TMA_INTERLEAVE_NONE) == int(CU_TENSOR_MAP_INTERLEAVE_NONE));
static_assert(int(rt::TMA_INTERLEAVE_16B) == int(CU_TENSOR_MAP_INTERLEAVE_16B));
static_assert(int(rt::TMA_INTERLEAVE_32B) == int(CU_TENSOR_MAP_INTERLEAVE_32B));
static_assert(int(rt::TMA_SWIZZLE_NONE) == int(CU_TENSOR_MAP_SWIZZLE_NONE));
static_assert(int(rt::TMA_SWIZZLE_32B) == int(CU_TENSOR_MAP_SWIZZLE_32B));
static_assert(int(rt::TMA_SWIZZLE_64B) == int(CU_TENSOR_MAP_SWIZZLE_64B));
static_assert(int(rt::TMA_SWIZZLE_128B) == int(CU_TENSOR_MAP_SWIZZLE_128B));
static_assert(int(rt::TMA_L2_NONE) == int(CU_TENSOR_MAP_L2_PROMOTION_NONE));
static_assert(int(rt::TMA_L2_64B) == int(CU_TENSOR_MAP_L2_PROMOTION_L2_64B));
static_assert(int(rt::TMA_L2_128B) == int(CU_TENSOR_MAP_L2_PROMOTION_L2_128B));
static_assert(int(rt::TMA_L2_256B) == int(CU_TENSOR_MAP_L2_PROMOTION_L2_256B));
static_assert(int(rt::TMA_OOB_ZERO) == int(CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE));
static_assert(int(rt::TMA_OOB_NAN_REQUEST_ZERO_FMA) == int(CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA));

static_assert(sizeof(rt::CUtensorMap) == sizeof(CUtensorMap));
static_assert(alignof(rt::CUtensorMap) >= alignof(CUtensorMap));
static_assert(sizeof(rt::CUdeviceptr) == sizeof(CUdeviceptr));
static_assert(sizeof(rt::CUlaunchAttributeValue) ==
              sizeof(CUlaunchAttributeValue));
static_assert(sizeof(rt::CUlaunchAttribute) == sizeof(CUlaunchAttribute));
static_assert(offsetof(rt::CUlaunchAttribute, value) ==
              offsetof(CUlaunchAttribute, value));
static_assert(offsetof(rt::CUlaunchAttributeValue, clusterDim) ==
              offsetof(CUlaunchAttributeValue, clusterDim));
static_assert(sizeof(rt::CUlaunchConfig) == sizeof(CUlaunchConfig));
static_assert(offsetof(rt::CUlaunchConfig, sharedMemBytes) ==
              offsetof(CUlaunchConfig, sharedMemBytes));
static_assert(offsetof(rt::CUlaunchConfig, hStream) ==
              offsetof(CUlaunchConfig, hStream));
static_assert(offsetof(rt::CUlaunchConfig, attrs) ==
              offsetof(CUlaunchConfig, attrs));
static_assert(offsetof(rt::CUlaunchConfig, numAttrs) ==
              offsetof(CUlaunchConfig, numAttrs));

TEST(CudaHeaderCompat, DeclarationsMatchCudaH) {
  // Everything is checked at compile time; this records that it was built.
  SUCCEED() << "CUDA_VERSION " << CUDA_VERSION;
}
