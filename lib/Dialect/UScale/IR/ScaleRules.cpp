//===- ScaleRules.cpp - ideal unit scales of every uscale op --------------===//
//
// The one place where unit-scaling rules live (spec sections 2 and 3). Each
// rule gives alpha = 1/std(y) and beta_i = 1/std(grad_x_i) for N(0,1) inputs
// and an N(0,1) output gradient; a sum of n unit terms has std sqrt(n).
// unittests/Dialect/ScaleRulesTest.cpp checks every rule by sampling.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Dialect/UScale/IR/UScaleMasks.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <vector>

using namespace mlir;
using namespace mlir::uscale;

namespace {
// 1/std(f(x)) and 1/std(f'(x) g) for x, g ~ N(0,1), by quadrature
// (utils/activation-constants.py reproduces them).
constexpr double kReluAlpha = 1.7128585504497; // sqrt(2 / (1 - 1/pi))
constexpr double kReluBeta = 1.4142135623731;  // sqrt(2)
constexpr double kGeluAlpha = 1.7009262433634;
constexpr double kGeluTanhAlpha = 1.7009165616955;
constexpr double kGeluBeta = 1.4811144127084;
constexpr double kGeluTanhBeta = 1.4811680580934;
constexpr double kTanhAlpha = 1.5925374197229;
constexpr double kTanhBeta = 1.4674135916308;
constexpr double kSigmoidAlpha = 4.8013133720387;
constexpr double kSigmoidBeta = 4.7226460859381;

double invSqrt(double n) { return 1.0 / std::sqrt(n); }

int64_t numel(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// Rule for ops whose inputs all have identity-like gradients.
Scales uniform(Operation *op, double alpha, double beta) {
  Scales s;
  s.alpha = alpha;
  s.beta.assign(op->getNumOperands(), beta);
  return s;
}

/// A broadcast operand receives the sum of e = numel(out)/numel(operand)
/// gradient terms per element.
double broadcastBeta(Operation *op, unsigned i) {
  return invSqrt(double(numel(op->getResult(0))) /
                 double(numel(op->getOperand(i))));
}

FailureOr<Scales> noRule(Operation *op, const Twine &why) {
  return op->emitOpError("has no unit-scaling rule: ") << why;
}

LogicalResult requireStatic(Operation *op) {
  for (Type t : op->getOperandTypes())
    if (!cast<RankedTensorType>(t).hasStaticShape())
      return op->emitOpError(
          "needs static operand shapes to compute its scales");
  return success();
}
} // namespace

#define USCALE_REQUIRE_STATIC()                                                \
  if (failed(requireStatic(getOperation())))                                   \
    return failure();

/// E[x^2] of a unit-scaled operand. It is 1 for the zero-mean N(0,1) inputs
/// of section 2, but a softmax output is not zero-mean: each row sums to 1,
/// so the scaled probabilities have mean alpha_softmax / s beside their unit
/// std. A matmul that consumes them (attention's P.V) sums k such terms, so
/// its output variance is k (1 + mean^2), not k (docs/design.md).
static double unitSecondMoment(Value v) {
  auto softmax = v.getDefiningOp<SoftmaxOp>();
  if (!softmax)
    return 1.0;
  FailureOr<Scales> s = softmax.computeIdealScales();
  if (failed(s))
    return 1.0;
  auto t = softmax.getInput().getType();
  auto axis = static_cast<int64_t>(softmax.getAxis());
  if (axis < 0)
    axis += t.getRank();
  double mean = s->alpha / double(t.getDimSize(axis));
  return 1.0 + mean * mean;
}

FailureOr<Scales> MatMulOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  auto a = getLhs().getType(), b = getRhs().getType();
  auto out = getResult().getType();
  int64_t m = a.getDimSize(a.getRank() - 2), k = a.getDimSize(a.getRank() - 1);
  int64_t n = b.getDimSize(b.getRank() - 1);
  // Batch elements each operand is broadcast over: its grad sums them.
  int64_t outBatch = out.getNumElements() / (m * n);
  int64_t aBatch = a.getNumElements() / (m * k);
  int64_t bBatch = b.getNumElements() / (k * n);
  // Each output sums k products a*b; with one operand zero-mean, a product's
  // variance is E[a^2] E[b^2]. Likewise for the gradients' sums.
  double a2 = unitSecondMoment(getLhs()), b2 = unitSecondMoment(getRhs());
  Scales s;
  s.alpha = invSqrt(double(k) * a2 * b2);
  s.beta = {invSqrt(double(n) * double(outBatch / aBatch) * b2),
            invSqrt(double(m) * double(outBatch / bBatch) * a2)};
  return s;
}

FailureOr<Scales> LinearOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  int64_t fanIn = getFanIn(), fanOut = getFanOut();
  double b = double(numel(getInput())) / double(fanIn);
  Scales s;
  s.alpha = invSqrt(fanIn);
  s.beta = {invSqrt(fanOut), invSqrt(b)};
  if (getBias())
    s.beta.push_back(invSqrt(b));
  return s;
}

/// Add and Sub: two unit operands sum to variance 2. Adding a constant (a
/// causal mask's 0 / -inf, spec section 3) only shifts the other operand:
/// alpha 1.
static Scales sumScales(Operation *op) {
  auto isConstant = [&](unsigned i) {
    Operation *def = op->getOperand(i).getDefiningOp();
    return def && def->hasTrait<OpTrait::ConstantLike>();
  };
  double alpha = isConstant(0) || isConstant(1) ? 1.0 : invSqrt(2);
  return Scales{alpha, {broadcastBeta(op, 0), broadcastBeta(op, 1)}};
}
FailureOr<Scales> AddOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  return sumScales(*this);
}
FailureOr<Scales> SubOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  return sumScales(*this);
}
/// The value of a splat float constant operand (an exporter's 1/sqrt(d)).
static std::optional<double> splatConstant(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

FailureOr<Scales> MulOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  Operation *op = getOperation();
  // x * c for a constant c has std |c|: alpha = beta = 1/|c| (section 2).
  for (unsigned i = 0; i < 2; ++i)
    if (std::optional<double> c = splatConstant(op->getOperand(i));
        c && *c != 0.0 && std::isfinite(*c)) {
      Scales s{1.0 / std::abs(*c), {1.0, 1.0}};
      s.beta[1 - i] = s.alpha;
      return s;
    }
  return Scales{1.0, {broadcastBeta(op, 0), broadcastBeta(op, 1)}};
}

FailureOr<Scales> ReluOp::computeIdealScales() {
  return uniform(*this, kReluAlpha, kReluBeta);
}
FailureOr<Scales> GeluOp::computeIdealScales() {
  bool tanhForm = getApproximate() == GeluApproximation::Tanh;
  return uniform(*this, tanhForm ? kGeluTanhAlpha : kGeluAlpha,
                 tanhForm ? kGeluTanhBeta : kGeluBeta);
}
FailureOr<Scales> TanhOp::computeIdealScales() {
  return uniform(*this, kTanhAlpha, kTanhBeta);
}
FailureOr<Scales> SigmoidOp::computeIdealScales() {
  return uniform(*this, kSigmoidAlpha, kSigmoidBeta);
}

FailureOr<Scales> DropoutOp::computeIdealScales() {
  double keep = std::sqrt(1.0 - getRatio().convertToDouble());
  return uniform(*this, keep, keep);
}

namespace {
/// E[sum_j p_j^2] and E[sum_j (p_j (g_j - <p, g>))^2] for p = softmax(x),
/// x and g iid N(0,1) of length n: a row's output and VJP energy. No closed
/// form exists; they are sampled with a fixed generator (deterministic, so
/// compiles are reproducible) and cached per n.
std::pair<double, double> softmaxRowMoments(int64_t n) {
  if (n <= 1)
    return {1.0, 0.0}; // p = 1 exactly; its gradient is 0
  static std::mutex mutex;
  static std::map<int64_t, std::pair<double, double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(n); it != cache.end())
    return it->second;
  uint64_t state = 0x5EED0000ull + uint64_t(n);
  auto uniform01 = [&] { // splitmix64, 53 bits
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  };
  auto normal = [&] {
    double r = std::sqrt(-2.0 * std::log(1.0 - uniform01()));
    return r * std::cos(2 * M_PI * uniform01());
  };
  // ~2^18 draws per n: the moments' relative sampling error stays below 1%.
  int64_t samples = std::clamp<int64_t>((int64_t(1) << 18) / n, 256, 1 << 15);
  std::vector<double> p(n), g(n);
  double sumP2 = 0, sumG2 = 0;
  for (int64_t k = 0; k < samples; ++k) {
    double mx = -INFINITY, z = 0, dot = 0;
    for (int64_t j = 0; j < n; ++j) {
      p[j] = normal();
      g[j] = normal();
      mx = std::max(mx, p[j]);
    }
    for (int64_t j = 0; j < n; ++j)
      z += p[j] = std::exp(p[j] - mx);
    for (int64_t j = 0; j < n; ++j) {
      p[j] /= z;
      dot += p[j] * g[j];
    }
    for (int64_t j = 0; j < n; ++j) {
      double d = p[j] * (g[j] - dot);
      sumP2 += p[j] * p[j];
      sumG2 += d * d;
    }
  }
  auto m = std::make_pair(sumP2 / double(samples), sumG2 / double(samples));
  cache[n] = m;
  return m;
}

/// Unmasked entries per softmax row when the input is `x + mask` with a
/// constant mask (entries <= -1e4 or -inf; a causal mask), the mask's rows
/// broadcasting over the input's. Empty when there is no such mask.
SmallVector<int64_t> maskedRowLengths(Value input, int64_t axis) {
  auto add = input.getDefiningOp<AddOp>();
  if (!add)
    return {};
  auto inType = cast<RankedTensorType>(input.getType());
  if (axis != inType.getRank() - 1)
    return {};
  for (Value v : {add.getLhs(), add.getRhs()}) {
    DenseFPElementsAttr mask = getConstantMask(v);
    if (!mask)
      continue;
    auto mt = cast<RankedTensorType>(mask.getType());
    int64_t s = inType.getDimSize(axis);
    if (mt.getRank() == 0 || mt.getDimSize(mt.getRank() - 1) != s)
      return {};
    SmallVector<int64_t> lengths;
    int64_t j = 0, n = 0;
    for (APFloat f : mask.getValues<APFloat>()) {
      n += !isMaskEntry(f);
      if (++j == s) {
        lengths.push_back(n);
        j = n = 0;
      }
    }
    return lengths;
  }
  return {};
}
} // namespace

FailureOr<Scales> SoftmaxOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  auto t = getInput().getType();
  auto axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += t.getRank();
  double s = double(t.getDimSize(axis));
  // A masked softmax (docs/design.md): section 2's principle applied to
  // what the op really sees, N(0,1) entries in n_r unmasked places of row
  // r. The output's second moment over all entries is
  // mean_r E[sum p^2](n_r) / s, its mean 1/s; the VJP's mean is 0.
  SmallVector<int64_t> rows = maskedRowLengths(getInput(), axis);
  if (!rows.empty()) {
    double p2 = 0, g2 = 0;
    for (int64_t n : rows) {
      auto [mp, mg] = softmaxRowMoments(n);
      p2 += mp;
      g2 += mg;
    }
    p2 /= double(rows.size()) * s;
    g2 /= double(rows.size()) * s;
    double var = p2 - 1.0 / (s * s);
    if (var > 0 && g2 > 0)
      return uniform(*this, 1.0 / std::sqrt(var), 1.0 / std::sqrt(g2));
  }
  // Large-s limits for log-normal outputs (spec section 3).
  return uniform(*this, s / std::sqrt(M_E - 1.0), s / std::sqrt(M_E));
}

/// Norm gains and biases sum one gradient term per normalised row.
static Scales normScales(Operation *op, Value input, int64_t axis) {
  auto t = cast<RankedTensorType>(input.getType());
  if (axis < 0)
    axis += t.getRank();
  int64_t h = 1;
  for (int64_t d = axis; d < t.getRank(); ++d)
    h *= t.getDimSize(d);
  Scales s = uniform(op, 1.0, invSqrt(double(t.getNumElements() / h)));
  s.beta[0] = 1.0;
  return s;
}
FailureOr<Scales> LayerNormOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  return normScales(*this, getInput(), getAxis());
}
FailureOr<Scales> RMSNormOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  return normScales(*this, getInput(), getAxis());
}

FailureOr<Scales> GatherOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  // Each table element receives numel(out)/numel(table) gradient terms on
  // average; for an embedding [V, d] with n indices that is n/V.
  double terms = double(numel(getResult())) / double(numel(getData()));
  return Scales{1.0, {invSqrt(terms), 1.0}};
}

FailureOr<Scales> ReduceSumOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  return uniform(*this, invSqrt(getReductionSize()), 1.0);
}
FailureOr<Scales> ReduceMeanOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  double n = getReductionSize();
  return uniform(*this, std::sqrt(n), n);
}

FailureOr<Scales> ReshapeOp::computeIdealScales() {
  return uniform(*this, 1.0, 1.0);
}
FailureOr<Scales> TransposeOp::computeIdealScales() {
  return uniform(*this, 1.0, 1.0);
}
FailureOr<Scales> ConcatOp::computeIdealScales() {
  return uniform(*this, 1.0, 1.0);
}
FailureOr<Scales> SplitOp::computeIdealScales() {
  return uniform(*this, 1.0, 1.0);
}
FailureOr<Scales> SliceOp::computeIdealScales() {
  return uniform(*this, 1.0, 1.0);
}

FailureOr<Scales> SoftmaxCrossEntropyOp::computeIdealScales() {
  USCALE_REQUIRE_STATIC();
  double v = double(getNumClasses());
  if (v < 2)
    return noRule(*this, "cross entropy needs at least two classes");
  // f sums the per-row losses; alpha = 1/N makes it the mean. The backward
  // is not divided by N: beta = V / sqrt(V - 1).
  return Scales{1.0 / double(getNumRows()), {v / std::sqrt(v - 1.0), 1.0}};
}

FailureOr<Scales> ScaleOp::computeIdealScales() {
  return uniform(*this, getForward().convertToDouble(),
                 getBackward().convertToDouble());
}
bool ScaleOp::hasFixedScales() { return true; }

FailureOr<Scales> WeightedAddOp::computeIdealScales() {
  // f(b, s) = sqrt(tau) b + sqrt(1-tau) s with alpha 1; grad_b = grad_y is
  // beta_b = 1/sqrt(tau) relative to df/db, grad_s is the true derivative.
  double tau = getTau().convertToDouble();
  return Scales{1.0, {1.0 / std::sqrt(tau), 1.0}};
}
bool WeightedAddOp::hasFixedScales() { return true; }

FailureOr<Scales> ResidualSplitOp::computeIdealScales() {
  return uniform(*this, 1.0, std::sqrt(getTau().convertToDouble()));
}
bool ResidualSplitOp::hasFixedScales() { return true; }
