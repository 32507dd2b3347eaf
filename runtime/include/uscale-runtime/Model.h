//===- Model.h - A compiled model, loaded without MLIR ----------*- C++ -*-===//
//
// unit-scale-compile turns a model into lib<name>.so with one C entry point
// per function, `void uscale_<fn>(void **descriptors)`, and an embedded JSON
// manifest (`uscale_manifest()`) naming every argument and result: its role
// (param, adam_m, adam_v, adam_step, input; loss, grad, param, adam_m,
// adam_v, output, stat), dtype and shape. This is the runner's view of such
// a library: it dlopens it, reads the manifest, owns the tensors, and calls
// the entry points. Plain C++17 and libdl: no MLIR at run time, so the
// runner travels to machines that only have the compiled model.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_MODEL_H
#define USCALE_RUNTIME_MODEL_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace uscale::rt {

enum class DType { F32, F64, I64, I32 };

/// Parses "f32", "f64", "i64", "i32"; nullopt for anything else.
std::optional<DType> parseDType(const std::string &s);
size_t dtypeSize(DType t);
bool isFloat(DType t);

/// One argument or result of an entry point, as the manifest describes it.
struct TensorSpec {
  std::string role; ///< param, adam_m, adam_v, adam_step, input, loss, ...
  std::string name; ///< parameter name, input name, or stat name
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::string use;   ///< integer inputs: "indices" or "labels"
  int64_t bound = 0; ///< integer inputs: exclusive upper bound of values
  int64_t numElements() const;
};

/// A dense row-major tensor with the memref descriptor the ABI passes.
class Tensor {
public:
  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> shape);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t size() const { return size_; }
  double get(int64_t i) const;
  void set(int64_t i, double v);
  std::vector<double> toDoubles() const;
  /// The strided memref descriptor, rebuilt on every call: it points into
  /// this tensor's storage, which copies and moves do not share.
  void *descriptor();
  /// The same shape over other storage (a device copy of this tensor).
  void *descriptor(void *storage);
  /// A descriptor of `shape` over `storage`, written into `out` (which must
  /// outlive its use): for buffers without a host tensor.
  static void *describe(void *storage, const std::vector<int64_t> &shape,
                        std::vector<int64_t> &out);
  void *data() { return data_.data(); }
  size_t bytes() const { return data_.size(); }

private:
  DType dtype_ = DType::F32;
  std::vector<int64_t> shape_;
  int64_t size_ = 0;
  std::vector<unsigned char> data_;
  std::vector<int64_t> desc_;
};

struct FunctionSpec {
  std::string name, kind, packed; ///< kind: "forward" or "train_step"
  std::vector<TensorSpec> args, results;
  void (*entry)(void **) = nullptr;
};

struct ParameterSpec {
  std::string name, init; ///< init: normal, zeros, ones, data
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::optional<int64_t> fanIn; ///< set for matmul/linear weights
  std::vector<double> values;   ///< init data (splat: one value)
};

/// A loaded lib<name>.so.
class Model {
public:
  /// Loads the library and parses its manifest; on failure returns null and
  /// says why in `error`.
  static std::unique_ptr<Model> load(const std::string &path,
                                     std::string &error);
  ~Model();

  const std::string &path() const { return path_; }
  const std::string &optimizer() const { return optimizer_; }
  /// "cpu" or "gpu" (unit-scale-compile --device); "cpu" for manifests
  /// written before the field existed.
  const std::string &device() const { return device_; }
  /// GPU libraries: whether the CUDA runtime they link finds a driver and
  /// a device; if not, `error` says why. Always true for CPU libraries.
  bool deviceReady(std::string &error) const;
  const std::vector<FunctionSpec> &functions() const { return functions_; }
  const std::vector<ParameterSpec> &parameters() const { return params_; }
  /// The first function of `kind`, or null.
  const FunctionSpec *find(const std::string &kind) const;

  /// Calls `f`: `args` and `results` are in manifest order; results must be
  /// allocated by the caller (see allocate) and must not alias arguments.
  /// For a GPU library, throws std::runtime_error when the CUDA runtime
  /// recorded an error during the call (or while loading): generated GPU
  /// code does not report driver failures in its results, which then hold
  /// garbage.
  void call(const FunctionSpec &f, const std::vector<Tensor *> &args,
            const std::vector<Tensor *> &results) const;
  /// The same with descriptors built by the caller, in manifest order
  /// (arguments, then results): for device memory.
  void call(const FunctionSpec &f, std::vector<void *> &descriptors) const;

  /// "host", or "device": the functions take every argument and result in
  /// device memory (an offloaded GPU library); see Session.
  const std::string &memory() const { return memory_; }
  /// Device memory through the library's runtime (memory() == "device").
  /// Each throws std::runtime_error on a failure the runtime reports.
  void *deviceAlloc(size_t bytes) const;
  void deviceFree(void *ptr) const;
  void upload(void *device, const void *host, size_t bytes) const;
  void download(void *host, const void *device, size_t bytes) const;

private:
  Model() = default;
  void throwIfRuntimeFailed(const std::string &what) const;
  std::string path_, optimizer_, device_ = "cpu", memory_ = "host";
  void *handle_ = nullptr;
  /// libuscale_cuda_runtime's error interface, found through the library
  /// (GPU libraries only; see CudaRuntime.h).
  int (*rtAvailable_)() = nullptr;
  int (*rtTakeLastError_)() = nullptr;
  const char *(*rtLastErrorMessage_)() = nullptr;
  void *(*rtAlloc_)(uint64_t, void *, bool) = nullptr;
  void (*rtFree_)(void *, void *) = nullptr;
  int (*rtHtoD_)(void *, const void *, size_t) = nullptr;
  int (*rtDtoH_)(void *, const void *, size_t) = nullptr;
  std::vector<FunctionSpec> functions_;
  std::vector<ParameterSpec> params_;
};

/// A zero tensor shaped as `spec` says.
Tensor allocate(const TensorSpec &spec);

/// Parses a manifest (the JSON text of uscale_manifest()); entry pointers
/// are left null. Exposed for tests. Returns false and sets `error` on a
/// malformed manifest.
bool parseManifest(const std::string &text, std::string &optimizer,
                   std::vector<FunctionSpec> &functions,
                   std::vector<ParameterSpec> &params, std::string &error);
/// The same, also returning the manifest's device ("cpu" when absent) and,
/// when `memory` is given, its memory ("host" when absent).
bool parseManifest(const std::string &text, std::string &optimizer,
                   std::string &device, std::vector<FunctionSpec> &functions,
                   std::vector<ParameterSpec> &params, std::string &error,
                   std::string *memory = nullptr);

} // namespace uscale::rt

#endif // USCALE_RUNTIME_MODEL_H
