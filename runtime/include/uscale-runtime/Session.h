//===- Session.h - Parameters and optimizer state of a model ----*- C++ -*-===//
//
// Owns a model's parameters (and Adam's moments), initialises them, and runs
// its forward and train-step entry points, binding every argument and
// result by the role the manifest gives it. For a library that takes device
// memory ("memory": "device": an offloaded GPU library) the session keeps
// the parameters and moments on the device between calls: a train step
// uploads only the batch and the step count and downloads only the loss
// (and stats or gradients); the updated parameters stay where the step
// wrote them. The host copies are refreshed when asked for.
//
//===----------------------------------------------------------------------===//
#ifndef USCALE_RUNTIME_SESSION_H
#define USCALE_RUNTIME_SESSION_H

#include "uscale-runtime/Model.h"
#include "uscale-runtime/Random.h"

#include <string>
#include <utility>
#include <vector>

namespace uscale::rt {

/// How `normal` parameters are drawn.
///  - Unit: N(0, 1), what unit scaling assumes (spec section 1).
///  - Torch: PyTorch's defaults, the "regular" baseline: a matmul/linear
///    weight with fan_in n gets variance 1/(3n) (nn.Linear's
///    U(-1/sqrt(n), 1/sqrt(n))), drawn as a normal with that variance;
///    other `normal` parameters (embeddings) N(0, 1) like nn.Embedding.
/// zeros / ones / data parameters are the same under both.
enum class InitScheme { Unit, Torch };

class Session {
public:
  Session(const Model &model, uint64_t seed, InitScheme scheme);

  const Model &model() const { return model_; }
  /// Parameters in manifest order (current: downloaded from the device if a
  /// step changed them there; the caller may change them, and the next call
  /// uploads them again).
  std::vector<std::pair<std::string, Tensor>> &parameters();
  Tensor *parameter(const std::string &name);

  /// Runs the forward function; returns its loss (result 0).
  /// Inputs are passed by non-const reference because the C ABI takes
  /// non-const descriptors; the compiled functions only read them.
  double forward(std::vector<Tensor> &inputs);
  /// Runs the train step. With optimizer sgd/adam the library updates the
  /// parameters (and moments); with none the runner applies plain SGD with
  /// `lr` (0: no update). Returns the loss.
  double trainStep(std::vector<Tensor> &inputs, double lr = 0);

  /// After trainStep with optimizer none: the gradient of each parameter.
  const std::vector<std::pair<std::string, Tensor>> &gradients() const {
    return grads_;
  }
  /// After any call of an instrumented function: (name, std) per stat.
  const std::vector<std::pair<std::string, double>> &stats() const {
    return stats_;
  }

  /// Input tensors shaped for `f` (zeros).
  static std::vector<Tensor> makeInputs(const FunctionSpec &f);

  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;
  ~Session();

private:
  double run(const FunctionSpec &f, std::vector<Tensor> &inputs);
  double runOnDevice(const FunctionSpec &f, std::vector<Tensor> &inputs,
                     const std::vector<Tensor *> &args);
  /// Device memory: the device copy of `t` (allocated on first use).
  void *&deviceCopy(Tensor *t);
  /// Host copies current (downloads), then marks the device copies stale.
  void pullToHost();
  void freeDeviceCopies();

  const Model &model_;
  std::vector<std::pair<std::string, Tensor>> params_, adamM_, adamV_, grads_;
  std::vector<std::pair<std::string, double>> stats_;
  Tensor adamStep_;
  /// Device copies of parameters, moments and the step count (keyed by the
  /// host tensor, whose address is stable: the vectors never grow).
  std::vector<std::pair<Tensor *, void *>> device_;
  bool onDevice_ = false;    ///< model takes device memory
  bool deviceFresh_ = false; ///< device copies hold the latest values
  bool hostFresh_ = true;    ///< host copies hold the latest values
};

} // namespace uscale::rt

#endif // USCALE_RUNTIME_SESSION_H
