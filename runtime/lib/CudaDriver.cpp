//===- CudaDriver.cpp - Resolve the CUDA driver API with dlopen -----------===//

#include "uscale-runtime/CudaDriver.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>

namespace uscale::rt {
namespace {

/// Versioned symbols: try these names in order (the header's macros map the
/// unversioned API names to them).
struct Alias {
  const char *member;
  const char *symbols[3];
};
constexpr Alias kAliases[] = {
    {"cuStreamDestroy", {"cuStreamDestroy_v2", "cuStreamDestroy", nullptr}},
    {"cuEventDestroy", {"cuEventDestroy_v2", "cuEventDestroy", nullptr}},
    {"cuMemAlloc", {"cuMemAlloc_v2", nullptr, nullptr}},
    {"cuMemFree", {"cuMemFree_v2", nullptr, nullptr}},
    {"cuMemcpyHtoD", {"cuMemcpyHtoD_v2", nullptr, nullptr}},
    {"cuMemHostRegister",
     {"cuMemHostRegister_v2", "cuMemHostRegister", nullptr}},
    {"cuEventElapsedTime",
     {"cuEventElapsedTime_v2", "cuEventElapsedTime", nullptr}},
};

/// Entry points that may be missing (older drivers): the runtime checks them
/// before use and reports a clear error.
constexpr const char *kOptional[] = {
    "cuLaunchKernelEx", "cuTensorMapEncodeTiled", "cuEventElapsedTime",
    "cuMemAllocManaged", "cuMemHostRegister", "cuMemHostUnregister",
    "cuMemsetD16Async", "cuGetErrorString"};

bool isOptional(const char *member) {
  for (const char *name : kOptional)
    if (std::strcmp(name, member) == 0)
      return true;
  return false;
}

void *resolve(void *handle, const char *member) {
  for (const Alias &alias : kAliases) {
    if (std::strcmp(alias.member, member) != 0)
      continue;
    for (const char *symbol : alias.symbols)
      if (symbol)
        if (void *fn = dlsym(handle, symbol))
          return fn;
    return nullptr;
  }
  return dlsym(handle, member);
}

} // namespace

const char *driverLibraryName() {
  const char *env = std::getenv("USCALE_CUDA_DRIVER");
  return (env && *env) ? env : "libcuda.so.1";
}

bool DriverApi::load(const char *path) {
  if (handle)
    return true;
  dlerror();
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *why = dlerror();
    err = std::string("cannot load the CUDA driver library '") + path +
          "': " + (why ? why : "unknown dlopen error") +
          " (no NVIDIA driver on this machine?)";
    return false;
  }
  std::string missing;
#define USCALE_CU_FN(name, ret, ...)                                           \
  name = reinterpret_cast<decltype(name)>(resolve(h, #name));                  \
  if (!name && !isOptional(#name))                                             \
    missing += (missing.empty() ? "" : ", ") + std::string(#name);
#include "uscale-runtime/CudaDriverFunctions.def"
#undef USCALE_CU_FN
  if (!missing.empty()) {
    err = std::string("the CUDA driver library '") + path +
          "' lacks required entry points: " + missing;
#define USCALE_CU_FN(name, ret, ...) name = nullptr;
#include "uscale-runtime/CudaDriverFunctions.def"
#undef USCALE_CU_FN
    dlclose(h);
    return false;
  }
  handle = h;
  err.clear();
  return true;
}

DriverApi::~DriverApi() {
  // Deliberately keep the library loaded: generated code unloads modules from
  // global destructors, which may run after this object's destructor.
}

} // namespace uscale::rt
