//===- Train.cpp - unit-scale-run train -----------------------------------===//
#include "Commands.h"
#include "Common.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>

namespace uscale::run {

namespace {
/// Tokens (or examples) a step consumes: the label count, else the
/// leading dimension of the first input.
int64_t tokensPerStep(const rt::FunctionSpec &f) {
  for (const rt::TensorSpec &a : f.args)
    if (a.role == "input" && a.use == "labels")
      return a.numElements();
  for (const rt::TensorSpec &a : f.args)
    if (a.role == "input")
      return a.shape.empty() ? 1 : a.shape[0];
  return 1;
}

/// Mean forward loss over `batches` batches of `split`, drawn from a
/// generator of their own so the evaluation does not depend on training.
double evaluate(rt::Session &s, rt::DataSource &data, rt::Split split,
                int64_t batches, uint64_t seed) {
  const rt::FunctionSpec *f = s.model().find("forward");
  if (!f)
    throw std::runtime_error("evaluation needs the forward function");
  rt::Rng rng(seed);
  auto inputs = rt::Session::makeInputs(*f);
  double sum = 0;
  for (int64_t b = 0; b < batches; ++b) {
    fillOrThrow(data, *f, inputs, rng, split);
    sum += s.forward(inputs);
  }
  return sum / double(batches);
}
} // namespace

int train(Args &args) {
  if (args.positional.size() != 1)
    throw UsageError("train takes one model library");
  int64_t steps = args.takeInt("steps", 20);
  uint64_t seed = uint64_t(args.takeInt("seed", 0));
  rt::InitScheme init = parseInit(args.take("init", "unit"));
  auto textPath = args.take("text");
  double valFraction = args.takeDouble("val-fraction", 0.1);
  int64_t evalBatches = args.takeInt("eval-batches", 0);
  double lr = args.takeDouble("lr", 0);
  int64_t printEvery = std::max<int64_t>(1, args.takeInt("print-every", 1));
  auto logPath = args.take("log");
  double threshold = args.takeDouble("expect-below", NAN);
  bool expectBelow = !std::isnan(threshold);
  auto device = args.take("device");
  if (device && *device != "cpu" && *device != "gpu")
    throw UsageError("--device expects cpu or gpu, got '" + *device + "'");
  args.finish();

  auto model = loadModel(args.positional[0], device);
  const rt::FunctionSpec *step = model->find("train_step");
  if (!step)
    throw std::runtime_error(model->path() +
                             " has no train step (compiled --no-autodiff?)");
  if (lr != 0 && model->optimizer() != "none")
    throw UsageError("--lr is for models compiled with optimizer none; this "
                     "one applies " + model->optimizer() + " itself");

  std::unique_ptr<rt::DataSource> data;
  if (textPath) {
    std::string error;
    auto text = rt::TextData::load(*textPath, valFraction, error);
    if (!text)
      throw std::runtime_error(error);
    std::printf("text %s: %zu train, %zu validation characters, %zu "
                "distinct\n",
                textPath->c_str(), text->trainSize(), text->validationSize(),
                text->vocabulary());
    data = std::move(text);
  } else {
    data = std::make_unique<rt::RandomData>();
  }
  std::ofstream log;
  if (logPath) {
    log.open(*logPath);
    if (!log)
      throw std::runtime_error("cannot write " + *logPath);
    log << "step,loss,tokens_per_s\n";
  }

  rt::Session session(*model, seed, init);
  rt::Rng rng = dataRng(seed);
  auto inputs = rt::Session::makeInputs(*step);
  int64_t tokens = tokensPerStep(*step);
  double windowLoss = 0, windowSeconds = 0, lastWindowLoss = 0;
  int64_t windowSteps = 0;
  for (int64_t i = 1; i <= steps; ++i) {
    fillOrThrow(*data, *step, inputs, rng, rt::Split::Train);
    auto t0 = std::chrono::steady_clock::now();
    double loss = session.trainStep(inputs, lr);
    double secs = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
    if (!std::isfinite(loss)) {
      std::printf("step %lld  loss %g: not finite, stopping\n", (long long)i,
                  loss);
      return 1;
    }
    windowLoss += loss;
    windowSeconds += secs;
    ++windowSteps;
    if (log)
      // 9 digits: enough to compare two runs' losses to 1e-7 (bench/gpu).
      log << i << "," << std::setprecision(9) << loss << ","
          << std::setprecision(6) << double(tokens) / secs << "\n";
    if (i % printEvery == 0 || i == steps) {
      std::printf("step %lld  loss %.4f  tokens/s %.0f\n", (long long)i,
                  windowLoss / double(windowSteps),
                  double(tokens * windowSteps) / windowSeconds);
      std::fflush(stdout);
      lastWindowLoss = windowLoss / double(windowSteps);
      windowLoss = windowSeconds = 0;
      windowSteps = 0;
    }
  }
  if (evalBatches > 0) {
    double tr = evaluate(session, *data, rt::Split::Train, evalBatches, seed + 1);
    double va =
        evaluate(session, *data, rt::Split::Validation, evalBatches, seed + 2);
    std::printf("eval  train loss %.4f  validation loss %.4f\n", tr, va);
    if (textPath)
      std::printf("eval  train bpc %.4f  validation bpc %.4f\n",
                  tr / std::log(2.0), va / std::log(2.0));
  }
  if (expectBelow) {
    bool ok = lastWindowLoss < threshold;
    std::printf("final loss %.4f %s %g\n", lastWindowLoss,
                ok ? "is below" : "is NOT below", threshold);
    return ok ? 0 : 1;
  }
  return 0;
}

} // namespace uscale::run
