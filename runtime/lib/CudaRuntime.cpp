//===- CudaRuntime.cpp - mgpu* functions over the dlopen'ed driver --------===//
//
// Every entry point: make sure the driver is loaded and the device's primary
// context is current on this thread, call the driver, report failures on
// stderr and in the thread's last-error slot. Nothing here aborts.
//
//===----------------------------------------------------------------------===//

#include "uscale-runtime/CudaRuntime.h"
#include "uscale-runtime/CudaDriver.h"
#include "uscale-runtime/RuntimeLogic.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

using namespace uscale::rt;

namespace {

constexpr const char *kPrefix = "uscale-cuda-runtime";

/// Bytes of freed device blocks kept for reuse (BlockCache):
/// USCALE_BLOCK_CACHE_MB, default 4096; 0 turns reuse off.
uint64_t blockCacheLimit() {
  const char *env = std::getenv("USCALE_BLOCK_CACHE_MB");
  uint64_t mb = env && *env ? std::strtoull(env, nullptr, 10) : 4096;
  return mb << 20;
}

/// The device's one stream. mgpuStreamCreate hands it out every time and
/// mgpuStreamDestroy keeps it: all GPU work of a process runs in the order
/// the host enqueued it, whatever stream the generated code asked for.
/// Generated code relies on that (docs/gpu.md, "Streams"): it waits only
/// where the host reads device data or returns, not between GPU steps that
/// MLIR's stream-per-token model would have to order with waits (an FP8
/// GEMM host entry called in the middle of a chain of launches).
struct SharedStream {
  std::mutex mutex;
  CUstream stream = nullptr;
};

struct DeviceState {
  CUcontext context = nullptr;
  int maxSharedOptIn = -1; // bytes, -1 until queried
  TensorMapCache tensorMaps;
  BlockCache blocks{blockCacheLimit()};
  SharedStream shared;
};

struct Runtime {
  std::mutex mutex;
  bool attempted = false;
  bool available = false;
  std::string initError;
  CUresult initCode = CUDA_SUCCESS;
  DriverApi api;
  std::map<int, DeviceState> devices;
  std::atomic<int> defaultDevice{0};
  std::atomic<bool> reportedUnavailable{false};
};

Runtime &runtime() {
  // Leaked on purpose: generated code calls mgpuModuleUnload from global
  // destructors, which may run after static objects here are destroyed.
  static Runtime *r = new Runtime;
  return *r;
}

thread_local int tlsLastError = 0;
thread_local std::string tlsLastMessage;

void record(CUresult code, const std::string &message, bool print = true) {
  tlsLastError = code;
  tlsLastMessage = message;
  if (print)
    std::fprintf(stderr, "%s: %s\n", kPrefix, message.c_str());
}

std::string describe(CUresult code) {
  Runtime &r = runtime();
  const char *name = nullptr, *text = nullptr;
  if (r.api.cuGetErrorName)
    r.api.cuGetErrorName(code, &name);
  if (r.api.cuGetErrorString)
    r.api.cuGetErrorString(code, &text);
  std::string s = name ? name : ("CUDA error " + std::to_string(code));
  if (text)
    s += std::string(" (") + text + ")";
  return s;
}

/// Loads the driver and initialises it once. Returns whether it is usable.
bool initialize() {
  Runtime &r = runtime();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.attempted)
    return r.available;
  r.attempted = true;
  if (!r.api.load(driverLibraryName())) {
    r.initError = r.api.error();
    r.initCode = USCALE_ERROR_NO_DRIVER;
    return false;
  }
  CUresult res = r.api.cuInit(0);
  if (res != CUDA_SUCCESS) {
    r.initError = "cuInit failed: " + describe(res);
    r.initCode = res;
    return false;
  }
  int count = 0;
  res = r.api.cuDeviceGetCount(&count);
  if (res != CUDA_SUCCESS || count == 0) {
    r.initError = "no CUDA device is visible";
    r.initCode = res != CUDA_SUCCESS ? res : CUDA_ERROR_NO_DEVICE;
    return false;
  }
  r.available = true;
  return true;
}

/// Context of the default device, retained on first use (caller holds no
/// lock). Null on failure (error recorded).
DeviceState *currentDevice(const char *fn) {
  Runtime &r = runtime();
  int ordinal = r.defaultDevice.load();
  std::lock_guard<std::mutex> lock(r.mutex);
  DeviceState &state = r.devices[ordinal];
  if (!state.context) {
    CUdevice device = 0;
    CUresult res = r.api.cuDeviceGet(&device, ordinal);
    if (res == CUDA_SUCCESS)
      res = r.api.cuDevicePrimaryCtxRetain(&state.context, device);
    if (res != CUDA_SUCCESS) {
      state.context = nullptr;
      record(res, std::string(fn) + ": cannot use device " +
                      std::to_string(ordinal) + ": " + describe(res));
      return nullptr;
    }
  }
  return &state;
}

/// Entry check of every mgpu* function: driver usable and the context
/// current on this thread.
DeviceState *enter(const char *fn) {
  Runtime &r = runtime();
  if (!initialize()) {
    // Print the cause once; later calls only record it.
    bool first = !r.reportedUnavailable.exchange(true);
    record(r.initCode,
           std::string(fn) + ": GPU unavailable: " + r.initError +
               (first ? "; GPU calls will do nothing and return null" : ""),
           first);
    return nullptr;
  }
  DeviceState *state = currentDevice(fn);
  if (!state)
    return nullptr;
  CUresult res = r.api.cuCtxSetCurrent(state->context);
  if (res != CUDA_SUCCESS) {
    // At exit, generated code unloads its modules from global destructors,
    // which may run after the driver shut down: nothing left to do, and
    // nothing worth printing.
    constexpr CUresult kDeinitialized = 4; // CUDA_ERROR_DEINITIALIZED
    record(res, std::string(fn) + ": cuCtxSetCurrent failed: " + describe(res),
           /*print=*/res != kDeinitialized);
    return nullptr;
  }
  return state;
}

// --- USCALE_PROFILE: where a step spends its time -------------------------
//
// =1: every call timed on the host up to its stream's completion (a
// synchronisation after each: kernels look longer by the launch latency,
// and nothing overlaps). =events: GPU work (launches, copies) timed on the
// GPU by a pair of CUDA events around it, with no synchronisation added;
// the events are read at the next mgpuStreamSynchronize (or every 4096
// calls, or at exit). A kernel's time then runs from the moment the stream
// reaches it: when the GPU waits for the host to enqueue it, that wait is
// counted too. Host calls (allocations, frees) are host-timed in both modes.
// Kernels are named `#N name <grid, threads>`: N counts the modules in the
// order they were loaded (generated code loads its gpu.binary ops in order
// at start-up), since every loop kernel of a function has the same name.

struct Profile {
  struct Pending {
    std::string name;
    CUevent start, end;
    uint64_t bytes;
  };
  ProfileTable table;
  std::mutex mutex;
  bool events = false;
  std::map<CUmodule, int> modules;         // load order
  std::map<CUfunction, std::string> names; // kernel names, for the table
  std::vector<Pending> pending;            // recorded, not read yet
  std::vector<CUevent> spare;              // read, for reuse
};

void readEvents(Profile &p);

/// Rows of the report: USCALE_PROFILE_TOP, default 40.
size_t profileRows() {
  const char *env = std::getenv("USCALE_PROFILE_TOP");
  long rows = env && *env ? std::strtol(env, nullptr, 10) : 40;
  return rows > 0 ? size_t(rows) : 40;
}

/// The profile, or null when USCALE_PROFILE is unset (the default: no
/// synchronisation or event is added anywhere then). The report goes to
/// stderr at exit.
Profile *profile() {
  static Profile *p = [] {
    const char *env = std::getenv("USCALE_PROFILE");
    if (!env || !*env || std::string(env) == "0")
      return static_cast<Profile *>(nullptr);
    auto *created = new Profile; // leaked: reported at exit
    created->events = std::string(env) == "events";
    std::atexit([] {
      Profile *p = profile();
      {
        std::lock_guard<std::mutex> lock(p->mutex);
        readEvents(*p);
      }
      std::fputs(p->table.report(profileRows()).c_str(), stderr);
    });
    return created;
  }();
  return p;
}

double nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Adds the recorded events' times to the table (waiting for the last) and
/// keeps the events for reuse. Called with `p.mutex` held.
void readEvents(Profile &p) {
  const DriverApi &api = runtime().api;
  for (Profile::Pending &e : p.pending) {
    float ms = 0;
    if (api.cuEventSynchronize(e.end) == CUDA_SUCCESS &&
        api.cuEventElapsedTime(&ms, e.start, e.end) == CUDA_SUCCESS)
      p.table.add(e.name, ms, e.bytes);
    p.spare.push_back(e.start);
    p.spare.push_back(e.end);
  }
  p.pending.clear();
}

/// An event for the profile (timing enabled), or null.
CUevent profileEvent(Profile &p) {
  if (!p.spare.empty()) {
    CUevent e = p.spare.back();
    p.spare.pop_back();
    return e;
  }
  CUevent e = nullptr;
  if (runtime().api.cuEventCreate(&e, CU_EVENT_DEFAULT) != CUDA_SUCCESS)
    return nullptr;
  return e;
}

/// Times `call`. With `onStream` (it enqueues GPU work on `stream`) in the
/// events mode, between two events on the stream; otherwise on the host, up
/// to the stream's completion (USCALE_PROFILE=1) or the call's return.
template <typename Call>
void timed(const std::string &name, CUstream stream, uint64_t bytes,
           bool onStream, Call &&call) {
  Profile *p = profile();
  if (!p) {
    call();
    return;
  }
  if (p->events && onStream) {
    std::lock_guard<std::mutex> lock(p->mutex);
    const DriverApi &api = runtime().api;
    CUevent start = profileEvent(*p), end = profileEvent(*p);
    bool started = start && end &&
                   api.cuEventRecord(start, stream) == CUDA_SUCCESS;
    call();
    if (started && api.cuEventRecord(end, stream) == CUDA_SUCCESS) {
      p->pending.push_back({name, start, end, bytes});
      if (p->pending.size() >= 4096)
        readEvents(*p);
      return;
    }
    for (CUevent e : {start, end}) // not recorded: kept for reuse
      if (e)
        p->spare.push_back(e);
    return;
  }
  double t0 = nowMs();
  call();
  if (!p->events)
    runtime().api.cuStreamSynchronize(stream);
  p->table.add(name, nowMs() - t0, bytes);
}

/// Checks a driver result; on failure records and prints it.
bool check(CUresult res, const char *fn, const char *call) {
  if (res == CUDA_SUCCESS)
    return true;
  record(res, std::string(fn) + ": " + call + " failed: " + describe(res));
  return false;
}

bool missing(void *entry, const char *fn, const char *entryName) {
  if (entry)
    return false;
  record(USCALE_ERROR_NO_DRIVER, std::string(fn) + ": the CUDA driver has no " +
                                     entryName + " (driver too old?)");
  return true;
}

CUstream asStream(void *s) { return static_cast<CUstream>(s); }
CUevent asEvent(void *e) { return static_cast<CUevent>(e); }
CUdeviceptr asDevPtr(const void *p) {
  return reinterpret_cast<CUdeviceptr>(p);
}

/// Raises the function's dynamic shared memory limit when needed.
bool prepareSharedMemory(DeviceState &state, CUfunction f, int64_t smem,
                         const char *fn) {
  if (!needsDynamicSharedMemoryOptIn(smem))
    return true;
  Runtime &r = runtime();
  if (state.maxSharedOptIn < 0) {
    CUdevice device = 0;
    int value = 0;
    if (!check(r.api.cuDeviceGet(&device, r.defaultDevice.load()), fn,
               "cuDeviceGet") ||
        !check(r.api.cuDeviceGetAttribute(
                   &value,
                   CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                   device),
               fn, "cuDeviceGetAttribute"))
      return false;
    state.maxSharedOptIn = value;
  }
  if (smem > state.maxSharedOptIn) {
    record(CUDA_ERROR_INVALID_VALUE,
           std::string(fn) + ": " + std::to_string(smem) +
               " bytes of dynamic shared memory requested, the device allows " +
               std::to_string(state.maxSharedOptIn));
    return false;
  }
  return check(r.api.cuFuncSetAttribute(
                   f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                   int(smem)),
               fn, "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)");
}

/// Host extent in bytes of a memref (offset included), for host registering.
bool memrefHostRange(int64_t rank, void *descriptor, int64_t elementSize,
                     char *&begin, size_t &bytes) {
  if (!descriptor || rank < 0 || elementSize <= 0)
    return false;
  MemRefView view = readMemRefDescriptor(descriptor, rank);
  int64_t last = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (view.sizes[i] == 0) {
      bytes = 0;
      begin = static_cast<char *>(view.aligned);
      return true;
    }
    last += (view.sizes[i] - 1) * view.strides[i];
  }
  begin = static_cast<char *>(view.aligned) + view.offset * elementSize;
  bytes = size_t(last + 1) * size_t(elementSize);
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

extern "C" void *mgpuStreamCreate() {
  DeviceState *state = enter(__func__);
  if (!state)
    return nullptr;
  std::lock_guard<std::mutex> lock(state->shared.mutex);
  if (!state->shared.stream &&
      !check(runtime().api.cuStreamCreate(&state->shared.stream,
                                          CU_STREAM_NON_BLOCKING),
             __func__, "cuStreamCreate"))
    state->shared.stream = nullptr;
  return state->shared.stream;
}

/// The shared stream lives as long as the process.
extern "C" void mgpuStreamDestroy(void * /*stream*/) {}

extern "C" void mgpuStreamSynchronize(void *stream) {
  if (!enter(__func__))
    return;
  const char *fn = __func__;
  timed("cuStreamSynchronize", asStream(stream), 0, /*onStream=*/false, [&] {
    check(runtime().api.cuStreamSynchronize(asStream(stream)), fn,
          "cuStreamSynchronize");
  });
  if (Profile *p = profile(); p && p->events) {
    std::lock_guard<std::mutex> lock(p->mutex);
    readEvents(*p);
  }
}

extern "C" void mgpuStreamWaitEvent(void *stream, void *event) {
  if (!enter(__func__) || !event)
    return;
  check(runtime().api.cuStreamWaitEvent(asStream(stream), asEvent(event), 0),
        __func__, "cuStreamWaitEvent");
}

extern "C" void *mgpuEventCreate() {
  if (!enter(__func__))
    return nullptr;
  CUevent event = nullptr;
  if (!check(runtime().api.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING),
             __func__, "cuEventCreate"))
    return nullptr;
  return event;
}

extern "C" void *uscaleEventCreateTimed() {
  if (!enter(__func__))
    return nullptr;
  CUevent event = nullptr;
  if (!check(runtime().api.cuEventCreate(&event, CU_EVENT_DEFAULT), __func__,
             "cuEventCreate"))
    return nullptr;
  return event;
}

extern "C" void mgpuEventDestroy(void *event) {
  if (!enter(__func__) || !event)
    return;
  check(runtime().api.cuEventDestroy(asEvent(event)), __func__,
        "cuEventDestroy");
}

extern "C" void mgpuEventSynchronize(void *event) {
  if (!enter(__func__) || !event)
    return;
  check(runtime().api.cuEventSynchronize(asEvent(event)), __func__,
        "cuEventSynchronize");
}

extern "C" void mgpuEventRecord(void *event, void *stream) {
  if (!enter(__func__) || !event)
    return;
  check(runtime().api.cuEventRecord(asEvent(event), asStream(stream)),
        __func__, "cuEventRecord");
}

extern "C" float uscaleEventElapsedMs(void *start, void *end) {
  if (!enter(__func__))
    return -1.0f;
  if (missing(reinterpret_cast<void *>(runtime().api.cuEventElapsedTime),
              __func__, "cuEventElapsedTime"))
    return -1.0f;
  float ms = -1.0f;
  if (!check(runtime().api.cuEventElapsedTime(&ms, asEvent(start),
                                              asEvent(end)),
             __func__, "cuEventElapsedTime"))
    return -1.0f;
  return ms;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

namespace {
/// Host memory handed out when a managed (host_shared) allocation fails.
/// Generated host code reads and writes managed buffers itself (arguments
/// are copied in, scalars stored), so a null pointer would crash the
/// program; with this it runs on and the recorded error reports that its
/// results are invalid (unit-scale-run stops on it).
struct HostFallback {
  std::mutex mutex;
  std::unordered_set<void *> pointers;

  void *allocate(uint64_t sizeBytes) {
    void *p = std::calloc(1, sizeBytes);
    if (p) {
      std::lock_guard<std::mutex> lock(mutex);
      pointers.insert(p);
    }
    return p;
  }
  /// Frees `p` if it came from allocate().
  bool release(void *p) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!pointers.erase(p))
        return false;
    }
    std::free(p);
    return true;
  }
};

HostFallback &hostFallback() {
  static HostFallback *f = new HostFallback; // outlives static destructors
  return *f;
}
} // namespace

extern "C" void *mgpuMemAlloc(uint64_t sizeBytes, void * /*stream*/,
                              bool isHostShared) {
  if (sizeBytes == 0)
    return nullptr;
  DeviceState *state = enter(__func__);
  if (!state)
    return isHostShared ? hostFallback().allocate(sizeBytes) : nullptr;
  Runtime &r = runtime();
  const char *fn = __func__; // in the lambdas, __func__ is operator()
  CUdeviceptr ptr = 0;
  bool ok = true;
  if (isHostShared) {
    timed("cuMemAllocManaged", nullptr, sizeBytes, /*onStream=*/false, [&] {
      ok = !missing(reinterpret_cast<void *>(r.api.cuMemAllocManaged),
                    fn, "cuMemAllocManaged") &&
           check(r.api.cuMemAllocManaged(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL),
                 fn, "cuMemAllocManaged");
    });
    return ok ? reinterpret_cast<void *>(ptr) : hostFallback().allocate(sizeBytes);
  }
  if ((ptr = state->blocks.take(sizeBytes))) {
    if (Profile *p = profile())
      p->table.add("cuMemAlloc (block reused)", 0, sizeBytes);
    return reinterpret_cast<void *>(ptr);
  }
  timed("cuMemAlloc", nullptr, sizeBytes, /*onStream=*/false, [&] {
    // Out of memory with blocks kept for reuse: give them back, try again.
    if (r.api.cuMemAlloc(&ptr, sizeBytes) != CUDA_SUCCESS &&
        state->blocks.cachedBytes() > 0) {
      state->blocks.flush([&](CUdeviceptr kept) { r.api.cuMemFree(kept); });
      ptr = 0;
    }
    ok = ptr || check(r.api.cuMemAlloc(&ptr, sizeBytes), fn, "cuMemAlloc");
  });
  if (!ok)
    return nullptr;
  state->blocks.track(ptr, sizeBytes);
  return reinterpret_cast<void *>(ptr);
}

extern "C" void mgpuMemFree(void *ptr, void * /*stream*/) {
  if (!ptr || hostFallback().release(ptr))
    return;
  DeviceState *state = enter(__func__);
  if (!state || state->blocks.give(asDevPtr(ptr)))
    return;
  const char *fn = __func__;
  timed("cuMemFree", nullptr, 0, /*onStream=*/false, [&] {
    check(runtime().api.cuMemFree(asDevPtr(ptr)), fn, "cuMemFree");
  });
}

extern "C" void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                           void *stream) {
  if (sizeBytes == 0 || !enter(__func__))
    return;
  const char *fn = __func__;
  timed("cuMemcpyAsync", asStream(stream), sizeBytes, /*onStream=*/true, [&] {
    check(runtime().api.cuMemcpyAsync(asDevPtr(dst), asDevPtr(src), sizeBytes,
                                      asStream(stream)),
          fn, "cuMemcpyAsync");
  });
}

extern "C" void mgpuMemset32(void *dst, unsigned int value, size_t count,
                             void *stream) {
  if (count == 0 || !enter(__func__))
    return;
  check(runtime().api.cuMemsetD32Async(asDevPtr(dst), value, count,
                                       asStream(stream)),
        __func__, "cuMemsetD32Async");
}

extern "C" void mgpuMemset16(void *dst, unsigned short value, size_t count,
                             void *stream) {
  if (count == 0 || !enter(__func__))
    return;
  Runtime &r = runtime();
  if (missing(reinterpret_cast<void *>(r.api.cuMemsetD16Async), __func__,
              "cuMemsetD16Async"))
    return;
  check(r.api.cuMemsetD16Async(asDevPtr(dst), value, count, asStream(stream)),
        __func__, "cuMemsetD16Async");
}

extern "C" void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                          int64_t elementSizeBytes) {
  if (!enter(__func__))
    return;
  Runtime &r = runtime();
  char *begin = nullptr;
  size_t bytes = 0;
  if (!memrefHostRange(rank, descriptor, elementSizeBytes, begin, bytes)) {
    record(CUDA_ERROR_INVALID_VALUE, std::string(__func__) +
                                         ": invalid memref descriptor");
    return;
  }
  if (bytes == 0 ||
      missing(reinterpret_cast<void *>(r.api.cuMemHostRegister), __func__,
              "cuMemHostRegister"))
    return;
  check(r.api.cuMemHostRegister(begin, bytes, MEMHOSTREGISTER_PORTABLE),
        __func__, "cuMemHostRegister");
}

extern "C" void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                            int64_t elementSizeBytes) {
  if (!enter(__func__))
    return;
  Runtime &r = runtime();
  char *begin = nullptr;
  size_t bytes = 0;
  if (!memrefHostRange(rank, descriptor, elementSizeBytes, begin, bytes) ||
      bytes == 0 ||
      missing(reinterpret_cast<void *>(r.api.cuMemHostUnregister), __func__,
              "cuMemHostUnregister"))
    return;
  check(r.api.cuMemHostUnregister(begin), __func__, "cuMemHostUnregister");
}

extern "C" int uscaleMemcpyHtoD(void *dst, const void *src, size_t n) {
  if (!enter(__func__))
    return tlsLastError;
  Runtime &r = runtime();
  if (n && (!check(r.api.cuMemcpyAsync(asDevPtr(dst), asDevPtr(src), n,
                                       nullptr),
                   __func__, "cuMemcpyAsync") ||
            !check(r.api.cuStreamSynchronize(nullptr), __func__,
                   "cuStreamSynchronize")))
    return tlsLastError;
  return 0;
}

extern "C" int uscaleMemcpyDtoH(void *dst, const void *src, size_t n) {
  return uscaleMemcpyHtoD(dst, src, n); // unified addressing: same call
}

//===----------------------------------------------------------------------===//
// Modules and launches
//===----------------------------------------------------------------------===//

namespace {
/// Numbers `module` in load order, for the profile's kernel names.
void numberModule(CUmodule module) {
  if (Profile *p = profile()) {
    std::lock_guard<std::mutex> lock(p->mutex);
    p->modules.emplace(module, int(p->modules.size()));
  }
}
} // namespace

extern "C" void *mgpuModuleLoad(void *data, size_t /*gpuBlobSize*/) {
  if (!enter(__func__))
    return nullptr;
  if (!data) {
    record(CUDA_ERROR_INVALID_VALUE, "mgpuModuleLoad: null binary");
    return nullptr;
  }
  CUmodule module = nullptr;
  if (!check(runtime().api.cuModuleLoadData(&module, data), __func__,
             "cuModuleLoadData"))
    return nullptr;
  numberModule(module);
  return module;
}

extern "C" void *mgpuModuleLoadJIT(void *data, int optLevel) {
  if (!enter(__func__))
    return nullptr;
  if (!data) {
    record(CUDA_ERROR_INVALID_VALUE, "mgpuModuleLoadJIT: null PTX");
    return nullptr;
  }
  static thread_local char errorLog[8192];
  errorLog[0] = 0;
  int options[] = {CU_JIT_OPTIMIZATION_LEVEL, CU_JIT_ERROR_LOG_BUFFER,
                   CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {reinterpret_cast<void *>(intptr_t(optLevel)), errorLog,
                    reinterpret_cast<void *>(intptr_t(sizeof(errorLog)))};
  CUmodule module = nullptr;
  CUresult res =
      runtime().api.cuModuleLoadDataEx(&module, data, 3, options, values);
  if (res != CUDA_SUCCESS) {
    record(res, std::string(__func__) + ": cuModuleLoadDataEx failed: " +
                    describe(res) + (errorLog[0] ? "\n" : "") + errorLog);
    return nullptr;
  }
  numberModule(module);
  return module;
}

extern "C" void mgpuModuleUnload(void *module) {
  if (!module || !enter(__func__))
    return;
  check(runtime().api.cuModuleUnload(static_cast<CUmodule>(module)), __func__,
        "cuModuleUnload");
}

extern "C" void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!enter(__func__))
    return nullptr;
  if (!module || !name) {
    record(CUDA_ERROR_INVALID_VALUE,
           std::string(__func__) + ": null module (did it fail to load?) or "
                                   "null name");
    return nullptr;
  }
  CUfunction function = nullptr;
  if (!check(runtime().api.cuModuleGetFunction(
                 &function, static_cast<CUmodule>(module), name),
             __func__, "cuModuleGetFunction"))
    return nullptr;
  if (Profile *p = profile()) {
    std::lock_guard<std::mutex> lock(p->mutex);
    auto m = p->modules.find(static_cast<CUmodule>(module));
    p->names[function] =
        (m == p->modules.end() ? std::string("#?") : "#" + std::to_string(m->second)) +
        " " + name;
  }
  return function;
}

extern "C" void mgpuLaunchKernel(void *function, intptr_t gridX,
                                 intptr_t gridY, intptr_t gridZ,
                                 intptr_t blockX, intptr_t blockY,
                                 intptr_t blockZ, int32_t smem, void *stream,
                                 void **params, void **extra,
                                 size_t /*paramsCount*/) {
  DeviceState *state = enter(__func__);
  if (!state)
    return;
  if (!function) {
    record(CUDA_ERROR_INVALID_VALUE,
           std::string(__func__) + ": null function (module failed to load?)");
    return;
  }
  std::string error;
  if (!checkLaunchDims(gridX, gridY, gridZ, blockX, blockY, blockZ, smem,
                       error)) {
    record(CUDA_ERROR_INVALID_VALUE, std::string(__func__) + ": " + error);
    return;
  }
  CUfunction f = static_cast<CUfunction>(function);
  if (!prepareSharedMemory(*state, f, smem, __func__))
    return;
  std::string name;
  if (Profile *p = profile()) {
    std::lock_guard<std::mutex> lock(p->mutex);
    name = "kernel " + p->names[f] + " <" + std::to_string(gridX) + "x" +
           std::to_string(gridY) + "x" + std::to_string(gridZ) + ", " +
           std::to_string(blockX * blockY * blockZ) + ">";
  }
  const char *fn = __func__; // in the lambda, __func__ is operator()
  timed(name, asStream(stream), 0, /*onStream=*/true, [&] {
    check(runtime().api.cuLaunchKernel(f, unsigned(gridX), unsigned(gridY),
                                       unsigned(gridZ), unsigned(blockX),
                                       unsigned(blockY), unsigned(blockZ),
                                       unsigned(smem), asStream(stream),
                                       params, extra),
          fn, "cuLaunchKernel");
  });
}

extern "C" void mgpuLaunchClusterKernel(
    void *function, intptr_t clusterX, intptr_t clusterY, intptr_t clusterZ,
    intptr_t gridX, intptr_t gridY, intptr_t gridZ, intptr_t blockX,
    intptr_t blockY, intptr_t blockZ, int32_t smem, void *stream,
    void **params, void **extra) {
  DeviceState *state = enter(__func__);
  if (!state)
    return;
  Runtime &r = runtime();
  if (!function) {
    record(CUDA_ERROR_INVALID_VALUE,
           std::string(__func__) + ": null function (module failed to load?)");
    return;
  }
  std::string error;
  if (!checkLaunchDims(gridX, gridY, gridZ, blockX, blockY, blockZ, smem,
                       error) ||
      !checkLaunchDims(clusterX, clusterY, clusterZ, 1, 1, 1, 0, error)) {
    record(CUDA_ERROR_INVALID_VALUE, std::string(__func__) + ": " + error);
    return;
  }
  if (missing(reinterpret_cast<void *>(r.api.cuLaunchKernelEx), __func__,
              "cuLaunchKernelEx"))
    return;
  CUfunction f = static_cast<CUfunction>(function);
  if (!prepareSharedMemory(*state, f, smem, __func__))
    return;
  CUlaunchAttribute attr{};
  attr.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  attr.value.clusterDim.x = unsigned(clusterX);
  attr.value.clusterDim.y = unsigned(clusterY);
  attr.value.clusterDim.z = unsigned(clusterZ);
  CUlaunchConfig config{};
  config.gridDimX = unsigned(gridX);
  config.gridDimY = unsigned(gridY);
  config.gridDimZ = unsigned(gridZ);
  config.blockDimX = unsigned(blockX);
  config.blockDimY = unsigned(blockY);
  config.blockDimZ = unsigned(blockZ);
  config.sharedMemBytes = unsigned(smem);
  config.hStream = asStream(stream);
  config.attrs = &attr;
  config.numAttrs = 1;
  check(r.api.cuLaunchKernelEx(&config, f, params, extra), __func__,
        "cuLaunchKernelEx");
}

extern "C" void mgpuSetDefaultDevice(int32_t device) {
  runtime().defaultDevice.store(device);
}

//===----------------------------------------------------------------------===//
// TMA
//===----------------------------------------------------------------------===//

extern "C" void *mgpuTensorMapEncodeTiledMemref(
    int64_t tensorRank, void *rankedDescriptor, int64_t tensorDataType,
    int64_t interleave, int64_t swizzle, int64_t l2Promotion, int64_t oobFill,
    int64_t *inputBoxDims) {
  DeviceState *state = enter(__func__);
  if (!state)
    return nullptr;
  Runtime &r = runtime();
  TensorMapArgs args;
  std::string error;
  if (!buildTensorMapArgs(tensorRank, rankedDescriptor, tensorDataType,
                          interleave, swizzle, l2Promotion, oobFill,
                          inputBoxDims, args, error)) {
    record(CUDA_ERROR_INVALID_VALUE, std::string(__func__) + ": " + error);
    return nullptr;
  }
  if (missing(reinterpret_cast<void *>(r.api.cuTensorMapEncodeTiled),
              __func__, "cuTensorMapEncodeTiled"))
    return nullptr;
  CUtensorMap map{};
  if (!check(r.api.cuTensorMapEncodeTiled(
                 &map, args.dataType, args.rank, args.globalAddress,
                 args.globalDim, args.globalStrides, args.boxDim,
                 args.elementStrides, args.interleave, args.swizzle,
                 args.l2Promotion, args.oobFill),
             __func__, "cuTensorMapEncodeTiled"))
    return nullptr;
  CUdeviceptr ptr = state->tensorMaps.getOrInsert(
      map, [&](const CUtensorMap &m) -> CUdeviceptr {
        CUdeviceptr device = 0;
        if (!check(r.api.cuMemAlloc(&device, sizeof(CUtensorMap)), __func__,
                   "cuMemAlloc"))
          return 0;
        // The copy must have landed before any stream's kernel reads it.
        if (!check(r.api.cuMemcpyHtoD(device, &m, sizeof(CUtensorMap)),
                   __func__, "cuMemcpyHtoD") ||
            !check(r.api.cuCtxSynchronize(), __func__, "cuCtxSynchronize")) {
          r.api.cuMemFree(device);
          return 0;
        }
        return device;
      });
  return reinterpret_cast<void *>(ptr);
}

//===----------------------------------------------------------------------===//
// Extras
//===----------------------------------------------------------------------===//

extern "C" int uscaleRuntimeAvailable() { return initialize() ? 1 : 0; }

extern "C" int uscaleRuntimeComputeCapability() {
  if (!initialize())
    return -1;
  Runtime &r = runtime();
  CUdevice device = 0;
  int major = 0, minor = 0;
  if (r.api.cuDeviceGet(&device, r.defaultDevice.load()) != CUDA_SUCCESS ||
      r.api.cuDeviceGetAttribute(
          &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device) !=
          CUDA_SUCCESS ||
      r.api.cuDeviceGetAttribute(
          &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device) !=
          CUDA_SUCCESS)
    return -1;
  return major * 10 + minor;
}

extern "C" int uscaleRuntimeTakeLastError() {
  int e = tlsLastError;
  tlsLastError = 0;
  return e;
}

extern "C" const char *uscaleRuntimeLastErrorMessage() {
  return tlsLastMessage.c_str();
}
