//===- GradCheck.cpp - unit-scale-run gradcheck ---------------------------===//
//
// The unit-scaling theorem (spec section 4, paper Thm 5.2) as a check on
// the compiled code: each parameter's computed gradient is parallel to the
// true gradient of the compiled forward (central finite differences), and
// the factor between them is the one uscale-scale-report predicts. Compile
// in f64 (`unit-scale-compile --dtype f64`) for the differences to resolve
// 1e-3; a random subset of coordinates per parameter keeps it fast.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"
#include "Common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace uscale::run {

namespace {
struct Prediction {
  double factor = 0;
  bool pathsAgree = false;
};

std::map<std::string, Prediction> readReport(const std::string &path,
                                             const std::string &function) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::map<std::string, Prediction> out;
  try {
    nlohmann::json r = nlohmann::json::parse(in);
    for (const auto &f : r.at("functions")) {
      if (f.at("function").get<std::string>() != function)
        continue;
      for (const auto &p : f.at("parameters")) {
        Prediction pr;
        pr.pathsAgree = p.value("paths_agree", false);
        pr.factor = p.value("gradient_factor", 0.0);
        out[p.at("name").get<std::string>()] = pr;
      }
    }
  } catch (const nlohmann::json::exception &e) {
    throw std::runtime_error(path + ": not a scale report: " + e.what());
  }
  if (out.empty())
    throw std::runtime_error(path + " has no parameters for function '" +
                             function + "'");
  return out;
}

/// `count` distinct indices below `n` (all of them when n <= count).
std::vector<int64_t> pick(int64_t n, int64_t count, rt::Rng &rng) {
  std::vector<int64_t> idx(n);
  for (int64_t i = 0; i < n; ++i)
    idx[i] = i;
  if (n <= count)
    return idx;
  for (int64_t i = 0; i < count; ++i) // partial Fisher-Yates
    std::swap(idx[i], idx[i + rng.below(n - i)]);
  idx.resize(count);
  std::sort(idx.begin(), idx.end());
  return idx;
}
} // namespace

int gradcheck(Args &args) {
  auto reportPath = args.take("report");
  int64_t coords = args.takeInt("coords", 48);
  double eps = args.takeDouble("eps", 1e-5);
  uint64_t seed = uint64_t(args.takeInt("seed", 0));
  double minCos = args.takeDouble("min-cosine", 0.9999);
  double tol = args.takeDouble("factor-tol", 1e-3);
  std::string expect = args.take("expect", "");
  args.finish();
  if (args.positional.size() != 1 || !reportPath)
    throw UsageError("gradcheck takes one model library and --report FILE");
  if (!expect.empty() && expect != "parallel" && expect != "not-parallel")
    throw UsageError("--expect takes parallel or not-parallel");

  auto model = loadModel(args.positional[0]);
  const rt::FunctionSpec *fwd = model->find("forward");
  const rt::FunctionSpec *step = model->find("train_step");
  if (!fwd || !step)
    throw std::runtime_error(model->path() +
                             " needs a forward and a train step");
  if (model->optimizer() != "none")
    throw std::runtime_error(model->path() + " applies " + model->optimizer() +
                             ": compile it with --optimizer none to see its "
                             "gradients");
  auto predicted = readReport(*reportPath, fwd->name);
  bool f64 = !model->parameters().empty() &&
             model->parameters()[0].dtype == rt::DType::F64;
  if (!f64)
    std::printf("note: the model is f32; finite differences resolve about "
                "1e-2 (compile with --dtype f64)\n");

  rt::Session session(*model, seed, rt::InitScheme::Unit);
  rt::RandomData data;
  rt::Rng rng = dataRng(seed);
  auto inputs = rt::Session::makeInputs(*step);
  fillOrThrow(data, *step, inputs, rng, rt::Split::Train);
  session.trainStep(inputs); // optimizer none, no update: gradients only
  auto grads = session.gradients();

  std::printf("%-24s %6s %12s %14s %14s %10s  %s\n", "parameter", "coords",
              "cosine", "grad/fd", "predicted", "rel.err", "verdict");
  int total = 0, parallel = 0, matched = 0, notParallel = 0;
  rt::Rng coordRng(seed + 17);
  for (auto &[name, g] : grads) {
    rt::Tensor *p = session.parameter(name);
    std::vector<int64_t> idx = pick(p->size(), coords, coordRng);
    double gg = 0, ff = 0, gf = 0;
    for (int64_t i : idx) {
      double x = p->get(i);
      p->set(i, x + eps);
      double up = session.forward(inputs);
      p->set(i, x - eps);
      double down = session.forward(inputs);
      p->set(i, x);
      double fd = (up - down) / (2 * eps);
      double gi = g.get(i);
      gg += gi * gi;
      ff += fd * fd;
      gf += gi * fd;
    }
    ++total;
    auto it = predicted.find(name);
    Prediction pr = it == predicted.end() ? Prediction{} : it->second;
    if (gg == 0 || ff == 0) {
      std::printf("%-24s %6zu %12s %14s %14.6g %10s  %s\n", name.c_str(),
                  idx.size(), "-", "-", pr.factor, "-",
                  gg == ff ? "zero gradient (skipped)" : "ZERO ON ONE SIDE");
      if (gg == ff) {
        ++parallel;
        ++matched;
      } else {
        ++notParallel;
      }
      continue;
    }
    double cos = gf / std::sqrt(gg * ff), ratio = gf / ff;
    bool isParallel = cos >= minCos;
    double rel = pr.factor > 0 ? std::fabs(ratio / pr.factor - 1) : INFINITY;
    bool factorOk = pr.pathsAgree && rel <= tol;
    parallel += isParallel;
    notParallel += !isParallel;
    matched += isParallel && factorOk;
    std::string verdict = !isParallel         ? "NOT PARALLEL"
                          : !pr.pathsAgree    ? "parallel (report: paths differ)"
                          : factorOk          ? "ok"
                                              : "FACTOR MISMATCH";
    std::printf("%-24s %6zu %12.8f %14.6g %14.6g %10.2e  %s\n", name.c_str(),
                idx.size(), cos, ratio, pr.factor, rel, verdict.c_str());
  }
  std::printf("summary: %d parameters, %d parallel (cosine >= %g), %d with "
              "the predicted factor (rel. err <= %g), %d not parallel\n",
              total, parallel, minCos, matched, tol, notParallel);
  if (expect == "parallel")
    return parallel == total && matched == total ? 0 : 1;
  if (expect == "not-parallel")
    return notParallel > 0 ? 0 : 1;
  return 0;
}

} // namespace uscale::run
