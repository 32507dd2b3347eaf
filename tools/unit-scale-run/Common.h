//===- Common.h - Shared helpers of unit-scale-run's commands ---*- C++ -*-===//
#ifndef USCALE_RUN_COMMON_H
#define USCALE_RUN_COMMON_H

#include "Args.h"
#include "uscale-runtime/Data.h"
#include "uscale-runtime/Session.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace uscale::run {

/// Loads a model or throws with the loader's reason. With `device`, the
/// library must have been compiled for it. A GPU library also needs a
/// usable GPU: without one its steps would compute garbage, so that is an
/// error before the first step.
inline std::unique_ptr<rt::Model>
loadModel(const std::string &path,
          const std::optional<std::string> &device = std::nullopt) {
  std::string error;
  auto m = rt::Model::load(path, error);
  if (!m)
    throw std::runtime_error(error);
  if (device && m->device() != *device)
    throw std::runtime_error(path + " was compiled for the " + m->device() +
                             " (unit-scale-compile --device " + m->device() +
                             "), not for --device " + *device);
  if (!m->deviceReady(error))
    throw std::runtime_error(error);
  return m;
}

inline rt::InitScheme parseInit(const std::string &s) {
  if (s == "unit")
    return rt::InitScheme::Unit;
  if (s == "torch")
    return rt::InitScheme::Torch;
  throw UsageError("--init expects unit or torch, got '" + s + "'");
}

/// The generator for a run's data: derived from the run's seed but apart
/// from the parameters' generators (Session), so both are reproducible.
inline rt::Rng dataRng(uint64_t seed) { return rt::Rng(seed ^ 0xDA7A5EEDull); }

/// Fills `inputs` or throws with the data source's reason.
inline void fillOrThrow(rt::DataSource &data, const rt::FunctionSpec &f,
                        std::vector<rt::Tensor> &inputs, rt::Rng &rng,
                        rt::Split split) {
  std::string error;
  if (!data.fill(f, inputs, rng, split, error))
    throw std::runtime_error(error);
}

} // namespace uscale::run

#endif
