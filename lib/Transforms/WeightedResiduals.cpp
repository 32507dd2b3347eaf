//===- WeightedResiduals.cpp - uscale-weighted-residuals ------------------===//
//
// Finds residual adds `x + f(x)` and rewrites them to
//   %s = uscale.residual_split %x tau = t       (reads of x inside f)
//   %y = uscale.weighted_add %f, %x tau = t
// Ancestor tests are backward searches that never go above the skip's
// position in the block, so a residual trunk costs O(ops) overall.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cmath>

namespace mlir::uscale {
#define GEN_PASS_DEF_WEIGHTEDRESIDUALS
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
/// Position of a value's producer in the block; block arguments come first.
int64_t positionOf(Value v, const DenseMap<Operation *, int64_t> &pos) {
  if (Operation *def = v.getDefiningOp())
    return pos.lookup(def);
  return -1;
}

/// When `skip` is an ancestor of `branch`, returns the ops between them
/// (ancestors of `branch` produced after `skip`), else nullopt.
std::optional<DenseSet<Operation *>>
branchOps(Value skip, Value branch, const DenseMap<Operation *, int64_t> &pos) {
  int64_t floor = positionOf(skip, pos);
  DenseSet<Operation *> seen;
  SmallVector<Operation *> work;
  bool reachesSkip = false;
  if (Operation *def = branch.getDefiningOp())
    if (pos.lookup(def) > floor && seen.insert(def).second)
      work.push_back(def);
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    for (Value operand : op->getOperands()) {
      if (operand == skip) {
        reachesSkip = true;
        continue;
      }
      Operation *def = operand.getDefiningOp();
      if (def && pos.lookup(def) > floor && seen.insert(def).second)
        work.push_back(def);
    }
  }
  if (!reachesSkip)
    return std::nullopt;
  return seen;
}

struct WeightedResidualsPass
    : public uscale::impl::WeightedResidualsBase<WeightedResidualsPass> {
  using WeightedResidualsBase::WeightedResidualsBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (tauRule != "fixed" && tauRule != "running-mean")
      return emitError(UnknownLoc::get(ctx))
             << "uscale-weighted-residuals: unknown tau-rule '" << tauRule
             << "' (expected fixed or running-mean)";
    if (!(tau > 0.0 && tau < 1.0))
      return emitError(UnknownLoc::get(ctx))
             << "uscale-weighted-residuals: tau must be in (0, 1), got "
             << tau;
    return success();
  }

  void runOnOperation() override {
    Block &body = getOperation().getBody().front();
    DenseMap<Operation *, int64_t> pos;
    int64_t i = 0;
    for (Operation &op : body)
      pos[&op] = i++;
    // Depth of each weighted add along its trunk (1-based), for
    // running-mean tau.
    DenseMap<Operation *, int64_t> depth;
    for (auto add : llvm::make_early_inc_range(body.getOps<AddOp>())) {
      if (add.getLhs().getType() != add.getType() ||
          add.getRhs().getType() != add.getType() ||
          add.getLhs() == add.getRhs())
        continue;
      Value skip = add.getLhs(), branch = add.getRhs();
      auto inside = branchOps(skip, branch, pos);
      if (!inside) {
        std::swap(skip, branch);
        inside = branchOps(skip, branch, pos);
      }
      if (!inside)
        continue;
      int64_t level = 1;
      if (auto prev = skip.getDefiningOp<WeightedAddOp>())
        level = depth.lookup(prev) + 1;
      double t = tauRule == "running-mean" ? 1.0 / double(level + 1) : tau;

      OpBuilder b(add);
      FloatAttr tauAttr = b.getF64FloatAttr(t);
      // The split sits right after the skip's producer so that it dominates
      // every read inside the branch.
      if (Operation *def = skip.getDefiningOp())
        b.setInsertionPointAfter(def);
      else
        b.setInsertionPointToStart(&body);
      auto split = ResidualSplitOp::create(b, add.getLoc(), skip, tauAttr,
                                           /*scales=*/nullptr);
      skip.replaceUsesWithIf(split, [&](OpOperand &use) {
        return inside->contains(use.getOwner());
      });
      b.setInsertionPoint(add);
      auto wadd = WeightedAddOp::create(b, add.getLoc(), branch, skip,
                                        tauAttr, /*scales=*/nullptr);
      depth[wadd] = level;
      pos[wadd] = pos.lookup(add);
      pos[split] = positionOf(skip, pos);
      add.replaceAllUsesWith(wadd.getResult());
      add.erase();
      ++numResidualAdds;
    }
  }
};
} // namespace
