//===- Stats.cpp - unit-scale-run stats -----------------------------------===//
//
// Spec section 8's evidence: at initialisation every activation and
// gradient of the unit-scaled model has a std near 1; the same model
// unscaled with PyTorch's default init does not. Both models must be
// compiled with `unit-scale-compile --stats` (optimizer none).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Common.h"
#include "StatsPlot.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace uscale::run {

namespace {
/// One train step on random data; returns its stats, each name made unique
/// by its occurrence ("name", "name@2", ...) so the two models pair up.
std::vector<std::pair<std::string, double>>
stepStats(const rt::Model &m, rt::InitScheme init, uint64_t seed) {
  const rt::FunctionSpec *f = m.find("train_step");
  if (!f)
    throw std::runtime_error(m.path() + " has no train step");
  bool instrumented = false;
  for (const rt::TensorSpec &r : f->results)
    instrumented |= r.role == "stat";
  if (!instrumented)
    throw std::runtime_error(m.path() +
                             " returns no stats: compile it with --stats");
  rt::Session s(m, seed, init);
  rt::RandomData data;
  rt::Rng rng = dataRng(seed);
  auto inputs = rt::Session::makeInputs(*f);
  fillOrThrow(data, *f, inputs, rng, rt::Split::Train);
  s.trainStep(inputs);
  std::map<std::string, int> seen;
  std::vector<std::pair<std::string, double>> out;
  for (auto &[name, v] : s.stats()) {
    int k = ++seen[name];
    out.emplace_back(k == 1 ? name : name + "@" + std::to_string(k), v);
  }
  return out;
}
} // namespace

int stats(Args &args) {
  auto scaledPath = args.take("scaled"), regularPath = args.take("regular");
  uint64_t seed = uint64_t(args.takeInt("seed", 0));
  auto svg = args.take("svg"), json = args.take("json"),
       range = args.take("range");
  std::string title = args.take("title", "std of every tensor at init");
  args.finish();
  if (!scaledPath || !regularPath || !args.positional.empty())
    throw UsageError("stats takes --scaled LIB and --regular LIB");
  double lo = 0, hi = 0;
  if (range && std::sscanf(range->c_str(), "%lf,%lf", &lo, &hi) != 2)
    throw UsageError("--range expects LO,HI");

  auto scaledModel = loadModel(*scaledPath);
  auto regularModel = loadModel(*regularPath);
  auto scaled = stepStats(*scaledModel, rt::InitScheme::Unit, seed);
  auto regular = stepStats(*regularModel, rt::InitScheme::Torch, seed);

  std::vector<StatRow> rows;
  std::map<std::string, double> reg(regular.begin(), regular.end());
  for (auto &[name, v] : scaled) {
    StatRow r{name, v, std::nullopt};
    if (auto it = reg.find(name); it != reg.end()) {
      r.regular = it->second;
      reg.erase(it);
    }
    rows.push_back(r);
  }
  for (auto &[name, v] : regular) // ops only the regular model has
    if (reg.count(name))
      rows.push_back({name, std::nullopt, v});

  std::printf("%-40s %12s %12s\n", "tensor", "unit-scaled", "regular");
  auto cell = [](const std::optional<double> &v) {
    char buf[32];
    if (v)
      std::snprintf(buf, sizeof buf, "%12.4g", *v);
    else
      std::snprintf(buf, sizeof buf, "%12s", "-");
    return std::string(buf);
  };
  // The range applies to what FP8 matmuls see: activations and the
  // gradients flowing back through them. Parameter gradients go to the
  // f32 optimizer (Adam normalises them) and are summarised apart.
  int outside = 0, scaledCount = 0, wgradCount = 0;
  double minS = 1e300, maxS = 0, minW = 1e300, maxW = 0;
  for (const StatRow &r : rows) {
    std::printf("%-40s %s %s\n", r.name.c_str(), cell(r.scaled).c_str(),
                cell(r.regular).c_str());
    if (r.scaled && r.isParameterGradient()) {
      ++wgradCount;
      minW = std::min(minW, *r.scaled);
      maxW = std::max(maxW, *r.scaled);
    } else if (r.scaled) {
      ++scaledCount;
      minS = std::min(minS, *r.scaled);
      maxS = std::max(maxS, *r.scaled);
      if (range && (*r.scaled < lo || *r.scaled > hi)) {
        ++outside;
        std::printf("  ^ outside [%g, %g]\n", lo, hi);
      }
    }
  }
  std::printf("unit-scaled: %d activations and activation gradients, std in "
              "[%.4g, %.4g]\n",
              scaledCount, minS, maxS);
  if (wgradCount)
    std::printf("unit-scaled: %d parameter gradients (not range-checked), "
                "std in [%.4g, %.4g]\n",
                wgradCount, minW, maxW);
  if (range)
    std::printf("range [%g, %g]: %d outside\n", lo, hi, outside);

  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const StatRow &r : rows)
      out.push_back({{"name", r.name},
                     {"unit_scaled", r.scaled ? nlohmann::json(*r.scaled)
                                              : nlohmann::json(nullptr)},
                     {"regular", r.regular ? nlohmann::json(*r.regular)
                                           : nlohmann::json(nullptr)}});
    std::ofstream file(*json);
    file << out.dump(1) << "\n";
    if (!file)
      throw std::runtime_error("cannot write " + *json);
  }
  if (svg && !writeStatsSvg(*svg, title, rows))
    throw std::runtime_error("cannot write " + *svg);
  return outside ? 1 : 0;
}

} // namespace uscale::run
