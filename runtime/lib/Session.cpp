//===- Session.cpp - Parameters and optimizer state of a model ------------===//
#include "uscale-runtime/Session.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace uscale::rt {

namespace {
Tensor initialise(const ParameterSpec &p, Rng &rng, InitScheme scheme) {
  Tensor t(p.dtype, p.shape);
  if (p.init == "ones") {
    for (int64_t i = 0; i < t.size(); ++i)
      t.set(i, 1.0);
  } else if (p.init == "data") {
    for (int64_t i = 0; i < t.size(); ++i)
      t.set(i, p.values.size() == 1 ? p.values[0] : p.values[i]);
  } else if (p.init == "normal") {
    double std = 1.0;
    if (scheme == InitScheme::Torch && p.fanIn)
      std = 1.0 / std::sqrt(3.0 * double(*p.fanIn));
    for (int64_t i = 0; i < t.size(); ++i)
      t.set(i, std * rng.normal());
  } // zeros: as allocated
  return t;
}

Tensor *lookup(std::vector<std::pair<std::string, Tensor>> &v,
               const std::string &name) {
  for (auto &[n, t] : v)
    if (n == name)
      return &t;
  return nullptr;
}
} // namespace

Session::Session(const Model &model, uint64_t seed, InitScheme scheme)
    : model_(model), adamStep_(DType::F32, {}),
      onDevice_(model.memory() == "device") {
  // One generator per parameter, seeded from the run's seed and the
  // parameter's position: adding a parameter does not reshuffle the others.
  for (size_t i = 0; i < model.parameters().size(); ++i) {
    const ParameterSpec &p = model.parameters()[i];
    Rng rng(seed * 0x100000001B3ull + i);
    params_.emplace_back(p.name, initialise(p, rng, scheme));
    if (model.optimizer() == "adam") {
      adamM_.emplace_back(p.name, Tensor(p.dtype, p.shape));
      adamV_.emplace_back(p.name, Tensor(p.dtype, p.shape));
    }
  }
}

Session::~Session() { freeDeviceCopies(); }

std::vector<std::pair<std::string, Tensor>> &Session::parameters() {
  pullToHost();
  return params_;
}

Tensor *Session::parameter(const std::string &name) {
  pullToHost();
  return lookup(params_, name);
}

void *&Session::deviceCopy(Tensor *t) {
  for (auto &[host, dev] : device_)
    if (host == t)
      return dev;
  device_.emplace_back(t, model_.deviceAlloc(t->bytes()));
  return device_.back().second;
}

void Session::pullToHost() {
  if (!onDevice_)
    return;
  if (!hostFresh_)
    for (auto &[host, dev] : device_)
      model_.download(host->data(), dev, host->bytes());
  hostFresh_ = true;
  deviceFresh_ = false; // the caller may change the host copies
}

void Session::freeDeviceCopies() {
  for (auto &[host, dev] : device_)
    model_.deviceFree(dev);
  device_.clear();
}

std::vector<Tensor> Session::makeInputs(const FunctionSpec &f) {
  std::vector<Tensor> inputs;
  for (const TensorSpec &a : f.args)
    if (a.role == "input")
      inputs.push_back(allocate(a));
  return inputs;
}

double Session::run(const FunctionSpec &f, std::vector<Tensor> &inputs) {
  std::vector<Tensor *> args;
  size_t nextInput = 0;
  for (const TensorSpec &a : f.args) {
    Tensor *t = nullptr;
    if (a.role == "param")
      t = lookup(params_, a.name);
    else if (a.role == "adam_m")
      t = lookup(adamM_, a.name);
    else if (a.role == "adam_v")
      t = lookup(adamV_, a.name);
    else if (a.role == "adam_step")
      t = &adamStep_;
    else if (a.role == "input" && nextInput < inputs.size())
      t = &inputs[nextInput++];
    if (!t)
      throw std::runtime_error(f.name + ": no value for argument of role '" +
                               a.role + "' " + a.name);
    if (t->shape() != a.shape || t->dtype() != a.dtype)
      throw std::runtime_error(f.name + ": argument '" + a.role + " " +
                               a.name + "' has the wrong shape or dtype");
    args.push_back(t);
  }
  if (onDevice_)
    return runOnDevice(f, inputs, args);
  std::vector<Tensor> results;
  results.reserve(f.results.size());
  std::vector<Tensor *> resultPtrs;
  for (const TensorSpec &r : f.results) {
    results.push_back(allocate(r));
    resultPtrs.push_back(&results.back());
  }
  model_.call(f, args, resultPtrs);

  double loss = results.empty() ? 0.0 : results[0].get(0);
  grads_.clear();
  stats_.clear();
  for (size_t i = 0; i < f.results.size(); ++i) {
    const TensorSpec &r = f.results[i];
    if (r.role == "grad")
      grads_.emplace_back(r.name, std::move(results[i]));
    else if (r.role == "param")
      *lookup(params_, r.name) = std::move(results[i]);
    else if (r.role == "adam_m")
      *lookup(adamM_, r.name) = std::move(results[i]);
    else if (r.role == "adam_v")
      *lookup(adamV_, r.name) = std::move(results[i]);
    else if (r.role == "stat")
      stats_.emplace_back(r.name, results[i].get(0));
  }
  return loss;
}

double Session::runOnDevice(const FunctionSpec &f,
                            std::vector<Tensor> &inputs,
                            const std::vector<Tensor *> &args) {
  // Parameters and moments: uploaded when the host copies are newer (the
  // first call, or after the caller had them); the step count on every call
  // that takes it.
  if (!deviceFresh_) {
    for (auto *group : {&params_, &adamM_, &adamV_})
      for (auto &[name, t] : *group)
        model_.upload(deviceCopy(&t), t.data(), t.bytes());
    deviceFresh_ = true;
  }
  if (std::find(args.begin(), args.end(), &adamStep_) != args.end())
    model_.upload(deviceCopy(&adamStep_), adamStep_.data(), adamStep_.bytes());

  // Inputs and results in per-call device buffers (the runtime reuses
  // freed blocks, so this is no cuMemAlloc per step). Each descriptor lives
  // in its tensor, and every tensor here is a different object.
  std::vector<void *> temporaries;
  auto temporary = [&](size_t bytes) {
    temporaries.push_back(model_.deviceAlloc(bytes));
    return temporaries.back();
  };
  // Updated state (parameters, moments) gets no host tensor: allocating
  // and zeroing one per call cost more than the step's kernels.
  auto stateGroup = [&](const TensorSpec &r)
      -> std::vector<std::pair<std::string, Tensor>> * {
    return r.role == "param"    ? &params_
           : r.role == "adam_m" ? &adamM_
           : r.role == "adam_v" ? &adamV_
                                : nullptr;
  };
  std::vector<Tensor> results(f.results.size());
  std::vector<void *> resultDev;
  std::vector<std::vector<int64_t>> stateDescriptors(f.results.size());
  try {
    std::vector<void *> descriptors;
    for (Tensor *t : args) {
      bool isInput = t >= inputs.data() && t < inputs.data() + inputs.size();
      void *dev = isInput ? temporary(t->bytes()) : deviceCopy(t);
      if (isInput)
        model_.upload(dev, t->data(), t->bytes());
      descriptors.push_back(t->descriptor(dev));
    }
    for (size_t i = 0; i < f.results.size(); ++i) {
      const TensorSpec &r = f.results[i];
      if (stateGroup(r)) {
        resultDev.push_back(temporary(r.numElements() * dtypeSize(r.dtype)));
        descriptors.push_back(
            Tensor::describe(resultDev.back(), r.shape, stateDescriptors[i]));
        continue;
      }
      results[i] = allocate(r);
      resultDev.push_back(temporary(results[i].bytes()));
      descriptors.push_back(results[i].descriptor(resultDev.back()));
    }
    model_.call(f, descriptors);
  } catch (...) {
    for (void *p : temporaries)
      model_.deviceFree(p);
    throw;
  }

  // Updated parameters and moments stay on the device: the result buffer
  // becomes the state's copy. Everything else comes back to the host.
  grads_.clear();
  stats_.clear();
  std::vector<void *> adopted;
  for (size_t i = 0; i < f.results.size(); ++i) {
    const TensorSpec &r = f.results[i];
    if (auto *group = stateGroup(r)) {
      void *&copy = deviceCopy(lookup(*group, r.name));
      model_.deviceFree(copy);
      copy = resultDev[i];
      adopted.push_back(resultDev[i]);
      hostFresh_ = false;
      continue;
    }
    model_.download(results[i].data(), resultDev[i], results[i].bytes());
    if (r.role == "grad")
      grads_.emplace_back(r.name, std::move(results[i]));
    else if (r.role == "stat")
      stats_.emplace_back(r.name, results[i].get(0));
  }
  for (void *p : temporaries)
    if (std::find(adopted.begin(), adopted.end(), p) == adopted.end())
      model_.deviceFree(p);
  return results.empty() ? 0.0 : results[0].get(0);
}

double Session::forward(std::vector<Tensor> &inputs) {
  const FunctionSpec *f = model_.find("forward");
  if (!f)
    throw std::runtime_error(model_.path() + " has no forward function");
  return run(*f, inputs);
}

double Session::trainStep(std::vector<Tensor> &inputs, double lr) {
  const FunctionSpec *f = model_.find("train_step");
  if (!f)
    throw std::runtime_error(model_.path() +
                             " has no train step (compiled --no-autodiff?)");
  adamStep_.set(0, adamStep_.get(0) + 1); // 1-based
  double loss = run(*f, inputs);
  if (model_.optimizer() == "none" && lr != 0)
    for (auto &[name, g] : grads_) {
      Tensor *p = parameter(name); // host copy, re-uploaded next call
      for (int64_t i = 0; i < p->size(); ++i)
        p->set(i, p->get(i) - lr * g.get(i));
    }
  return loss;
}

} // namespace uscale::rt
