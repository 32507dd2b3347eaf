//===- Model.cpp - Load a compiled model and call it ----------------------===//
#include "uscale-runtime/Model.h"

#include <cstring>
#include <dlfcn.h>
#include <stdexcept>
#include <nlohmann/json.hpp>

namespace uscale::rt {

std::optional<DType> parseDType(const std::string &s) {
  if (s == "f32")
    return DType::F32;
  if (s == "f64")
    return DType::F64;
  if (s == "i64")
    return DType::I64;
  if (s == "i32")
    return DType::I32;
  return std::nullopt;
}

size_t dtypeSize(DType t) {
  return t == DType::F64 || t == DType::I64 ? 8 : 4;
}

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64; }

int64_t TensorSpec::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype_(dtype), shape_(std::move(shape)) {
  size_ = 1;
  for (int64_t d : shape_)
    size_ *= d;
  // At least one element of storage so that rank-0 and empty tensors still
  // have a valid pointer.
  data_.assign(std::max<int64_t>(size_, 1) * dtypeSize(dtype_), 0);
}

double Tensor::get(int64_t i) const {
  const unsigned char *p = data_.data() + i * dtypeSize(dtype_);
  switch (dtype_) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return static_cast<double>(v);
  }
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  }
  return 0;
}

void Tensor::set(int64_t i, double v) {
  unsigned char *p = data_.data() + i * dtypeSize(dtype_);
  switch (dtype_) {
  case DType::F32: {
    float f = static_cast<float>(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case DType::F64:
    std::memcpy(p, &v, 8);
    return;
  case DType::I64: {
    int64_t x = static_cast<int64_t>(v);
    std::memcpy(p, &x, 8);
    return;
  }
  case DType::I32: {
    int32_t x = static_cast<int32_t>(v);
    std::memcpy(p, &x, 4);
    return;
  }
  }
}

std::vector<double> Tensor::toDoubles() const {
  std::vector<double> out(size_);
  for (int64_t i = 0; i < size_; ++i)
    out[i] = get(i);
  return out;
}

void *Tensor::descriptor() { return descriptor(data_.data()); }

void *Tensor::descriptor(void *ptr) { return describe(ptr, shape_, desc_); }

void *Tensor::describe(void *ptr, const std::vector<int64_t> &shape_,
                       std::vector<int64_t> &desc_) {
  // { T *allocated; T *aligned; int64_t offset; sizes[rank]; strides[rank] }
  size_t rank = shape_.size();
  desc_.assign(3 + 2 * rank, 0);
  std::memcpy(&desc_[0], &ptr, sizeof(void *));
  std::memcpy(&desc_[1], &ptr, sizeof(void *));
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    desc_[3 + i] = shape_[i];
    desc_[3 + rank + i] = stride;
    stride *= shape_[i];
  }
  return desc_.data();
}

Tensor allocate(const TensorSpec &spec) { return Tensor(spec.dtype, spec.shape); }

namespace {
using nlohmann::json;

bool readSpec(const json &j, TensorSpec &s, std::string &error) {
  s.role = j.at("role").get<std::string>();
  if (j.contains("param"))
    s.name = j["param"].get<std::string>();
  else if (j.contains("name"))
    s.name = j["name"].get<std::string>();
  if (!j.contains("dtype")) {
    error = "argument of role '" + s.role + "' is not a ranked tensor";
    return false;
  }
  auto dt = parseDType(j.at("dtype").get<std::string>());
  if (!dt) {
    error = "unsupported dtype '" + j.at("dtype").get<std::string>() + "'";
    return false;
  }
  s.dtype = *dt;
  s.shape = j.at("shape").get<std::vector<int64_t>>();
  for (int64_t d : s.shape)
    if (d < 0) {
      error = "dynamic shapes are not supported";
      return false;
    }
  s.use = j.value("use", "");
  s.bound = j.value("bound", int64_t(0));
  return true;
}
} // namespace

bool parseManifest(const std::string &text, std::string &optimizer,
                   std::vector<FunctionSpec> &functions,
                   std::vector<ParameterSpec> &params, std::string &error) {
  std::string device;
  return parseManifest(text, optimizer, device, functions, params, error);
}

bool parseManifest(const std::string &text, std::string &optimizer,
                   std::string &device, std::vector<FunctionSpec> &functions,
                   std::vector<ParameterSpec> &params, std::string &error,
                   std::string *memory) {
  try {
    json m = json::parse(text);
    if (m.value("format", "") != "unit-scale-manifest/1") {
      error = "not a unit-scale manifest (format '" + m.value("format", "") +
              "', expected unit-scale-manifest/1)";
      return false;
    }
    optimizer = m.value("optimizer", "none");
    device = m.value("device", "cpu");
    if (device != "cpu" && device != "gpu") {
      error = "unknown device '" + device + "' (expected cpu or gpu)";
      return false;
    }
    std::string mem = m.value("memory", "host");
    if (mem != "host" && !(mem == "device" && device == "gpu")) {
      error = "unknown memory '" + mem + "' (expected host, or device on a gpu)";
      return false;
    }
    if (memory)
      *memory = mem;
    for (const json &f : m.at("functions")) {
      FunctionSpec fs;
      fs.name = f.at("name").get<std::string>();
      fs.kind = f.at("kind").get<std::string>();
      fs.packed = f.at("packed").get<std::string>();
      for (auto [key, out] : {std::pair{"args", &fs.args},
                              std::pair{"results", &fs.results}})
        for (const json &a : f.at(key)) {
          TensorSpec spec;
          if (!readSpec(a, spec, error)) {
            error = fs.name + ": " + error;
            return false;
          }
          out->push_back(spec);
        }
      functions.push_back(std::move(fs));
    }
    for (const json &p : m.at("parameters")) {
      ParameterSpec ps;
      ps.name = p.at("name").get<std::string>();
      ps.init = p.value("init", "normal");
      auto dt = parseDType(p.at("dtype").get<std::string>());
      if (!dt || !isFloat(*dt)) {
        error = "parameter " + ps.name + ": unsupported dtype";
        return false;
      }
      ps.dtype = *dt;
      ps.shape = p.at("shape").get<std::vector<int64_t>>();
      if (p.contains("fan_in"))
        ps.fanIn = p["fan_in"].get<int64_t>();
      if (p.contains("splat"))
        ps.values = {p["splat"].get<double>()};
      else if (p.contains("values"))
        ps.values = p["values"].get<std::vector<double>>();
      params.push_back(std::move(ps));
    }
  } catch (const json::exception &e) {
    error = std::string("malformed manifest: ") + e.what();
    return false;
  }
  return true;
}

std::unique_ptr<Model> Model::load(const std::string &path,
                                   std::string &error) {
  // RTLD_LOCAL: two models (scaled and regular) define the same symbols.
  void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    error = std::string("cannot load ") + path + ": " + dlerror();
    return nullptr;
  }
  std::unique_ptr<Model> m(new Model());
  m->path_ = path;
  m->handle_ = h;
  using ManifestFn = const char *(*)();
  auto manifest = reinterpret_cast<ManifestFn>(dlsym(h, "uscale_manifest"));
  if (!manifest) {
    error = path + " has no uscale_manifest(): not built by unit-scale-compile";
    return nullptr;
  }
  if (!parseManifest(manifest(), m->optimizer_, m->device_, m->functions_,
                     m->params_, error, &m->memory_)) {
    error = path + ": " + error;
    return nullptr;
  }
  if (m->device_ == "gpu") {
    // dlsym on the handle also searches the library's dependencies, where
    // the runtime is.
    m->rtAvailable_ =
        reinterpret_cast<int (*)()>(dlsym(h, "uscaleRuntimeAvailable"));
    m->rtTakeLastError_ =
        reinterpret_cast<int (*)()>(dlsym(h, "uscaleRuntimeTakeLastError"));
    m->rtLastErrorMessage_ = reinterpret_cast<const char *(*)()>(
        dlsym(h, "uscaleRuntimeLastErrorMessage"));
    m->rtAlloc_ = reinterpret_cast<void *(*)(uint64_t, void *, bool)>(
        dlsym(h, "mgpuMemAlloc"));
    m->rtFree_ = reinterpret_cast<void (*)(void *, void *)>(
        dlsym(h, "mgpuMemFree"));
    m->rtHtoD_ = reinterpret_cast<int (*)(void *, const void *, size_t)>(
        dlsym(h, "uscaleMemcpyHtoD"));
    m->rtDtoH_ = reinterpret_cast<int (*)(void *, const void *, size_t)>(
        dlsym(h, "uscaleMemcpyDtoH"));
    if (!m->rtAvailable_ || !m->rtTakeLastError_ || !m->rtLastErrorMessage_ ||
        !m->rtAlloc_ || !m->rtFree_ || !m->rtHtoD_ || !m->rtDtoH_) {
      error = path + " is a GPU library but does not link "
                     "libuscale_cuda_runtime.so";
      return nullptr;
    }
  }
  for (FunctionSpec &f : m->functions_) {
    f.entry = reinterpret_cast<void (*)(void **)>(dlsym(h, f.packed.c_str()));
    if (!f.entry) {
      error = path + ": manifest names " + f.packed + ", which it lacks";
      return nullptr;
    }
  }
  return m;
}

Model::~Model() {
  if (handle_)
    dlclose(handle_);
}

bool Model::deviceReady(std::string &error) const {
  if (device_ != "gpu")
    return true;
  // Loading the library already tried to load its kernels (global
  // constructors) and recorded why that failed: the driver or the device
  // missing, or kernels the device cannot run (not a Hopper GPU).
  std::string why = rtLastErrorMessage_();
  if (!rtAvailable_()) {
    error = "no usable CUDA GPU for " + path_ +
            (why.empty() ? std::string(" (no CUDA driver or device)")
                         : ": " + why);
    return false;
  }
  if (rtTakeLastError_() != 0) {
    error = "cannot load the GPU kernels of " + path_ + ": " + why;
    return false;
  }
  return true;
}

const FunctionSpec *Model::find(const std::string &kind) const {
  for (const FunctionSpec &f : functions_)
    if (f.kind == kind)
      return &f;
  return nullptr;
}

void Model::call(const FunctionSpec &f, const std::vector<Tensor *> &args,
                 const std::vector<Tensor *> &results) const {
  if (memory_ == "device")
    throw std::logic_error(path_ + ": " + f.name +
                           " takes device memory: call it through a Session");
  std::vector<void *> d;
  d.reserve(args.size() + results.size());
  for (Tensor *t : args)
    d.push_back(t->descriptor());
  for (Tensor *t : results)
    d.push_back(t->descriptor());
  call(f, d);
}

void Model::call(const FunctionSpec &f, std::vector<void *> &d) const {
  f.entry(d.data());
  throwIfRuntimeFailed(f.name + ": the GPU runtime failed, results are invalid");
}

void Model::throwIfRuntimeFailed(const std::string &what) const {
  if (rtTakeLastError_ && rtTakeLastError_() != 0)
    throw std::runtime_error(path_ + ": " + what + ": " +
                             rtLastErrorMessage_());
}

void *Model::deviceAlloc(size_t bytes) const {
  if (!rtAlloc_)
    throw std::logic_error(path_ + " is not a GPU library");
  void *p = rtAlloc_(bytes, nullptr, /*isHostShared=*/false);
  throwIfRuntimeFailed("cannot allocate " + std::to_string(bytes) +
                       " bytes of device memory");
  if (!p && bytes)
    throw std::runtime_error(path_ + ": device allocation of " +
                             std::to_string(bytes) + " bytes failed");
  return p;
}

void Model::deviceFree(void *ptr) const {
  if (rtFree_ && ptr)
    rtFree_(ptr, nullptr);
}

void Model::upload(void *device, const void *host, size_t bytes) const {
  if (!rtHtoD_)
    throw std::logic_error(path_ + " is not a GPU library");
  if (bytes && rtHtoD_(device, host, bytes) != 0)
    throwIfRuntimeFailed("copy to the device failed");
}

void Model::download(void *host, const void *device, size_t bytes) const {
  if (!rtDtoH_)
    throw std::logic_error(path_ + " is not a GPU library");
  if (bytes && rtDtoH_(host, device, bytes) != 0)
    throwIfRuntimeFailed("copy from the device failed");
}

} // namespace uscale::rt
