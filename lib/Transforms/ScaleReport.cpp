//===- ScaleReport.cpp - uscale-scale-report ------------------------------===//
//
// Explains what the unit-scaling pipeline did, for a reader checking it
// against the spec: ideal vs final scales per op, which operands were
// constrained and why, and each parameter's predicted gradient factor.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Analysis/CutEdges.h"
#include "unit-scale/Transforms/Passes.h"
#include "unit-scale/Transforms/ScaleConstraints.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

namespace mlir::uscale {
#define GEN_PASS_DEF_SCALEREPORT
#include "unit-scale/Transforms/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {
/// A readable name for an op or value: the location's name when the
/// importer gave one, else the op name and position.
std::string locName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      if (auto n = dyn_cast<NameLoc>(l))
        return n.getName().str();
  return "";
}

std::string opLabel(Operation *op, unsigned index) {
  if (auto p = dyn_cast<ParameterOp>(op))
    return p.getSymName().str();
  std::string name = locName(op->getLoc());
  if (name.empty())
    name = op->getName().getStringRef().str() + "#" + std::to_string(index);
  return name;
}

/// Gradient factor of each value that reaches the loss: the product of
/// beta_i / alpha over the ops on a path to the loss (spec section 4).
/// `consistent` is false where two paths disagree.
struct Factor {
  double value = 0;
  bool consistent = true;
};

DenseMap<Value, Factor> gradientFactors(func::FuncOp func) {
  DenseMap<Value, Factor> factor;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (Value v : ret.getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (t && t.getRank() == 0 && isa<FloatType>(t.getElementType())) {
      factor[v] = {1.0, true};
      break; // the first scalar float result is the loss
    }
  }
  auto merge = [&](Value v, double f) {
    auto [it, inserted] = factor.try_emplace(v, Factor{f, true});
    if (!inserted && std::abs(it->second.value - f) >
                         1e-9 * std::max(std::abs(f), std::abs(it->second.value)))
      it->second.consistent = false;
  };
  for (Operation &op : llvm::reverse(func.getBody().front())) {
    auto scaled = dyn_cast<ScaledOpInterface>(&op);
    if (!scaled || !scaled.getScalesAttr())
      continue;
    std::optional<Factor> out;
    for (Value r : op.getResults()) {
      auto it = factor.find(r);
      if (it == factor.end())
        continue;
      if (!out)
        out = it->second;
      else if (it->second.value != out->value || !it->second.consistent)
        out->consistent = false;
    }
    if (!out)
      continue;
    Scales s = Scales::fromAttr(scaled.getScalesAttr());
    for (unsigned i = 0; i < op.getNumOperands(); ++i) {
      if (!scaled.isDifferentiableOperand(i))
        continue;
      Value v = op.getOperand(i);
      merge(v, out->value * s.beta[i] / s.alpha);
      if (!out->consistent)
        factor[v].consistent = false;
    }
  }
  return factor;
}

llvm::json::Array toJson(ArrayRef<double> xs) {
  llvm::json::Array a;
  for (double x : xs)
    a.push_back(x);
  return a;
}

struct FunctionReport {
  llvm::json::Object json;
  std::string summary;
};

FunctionReport reportFunction(func::FuncOp func, raw_ostream *dot) {
  CutEdgeAnalysis cuts(func);
  DenseMap<Value, Factor> factors = gradientFactors(func);
  llvm::json::Array ops, params;
  unsigned numOps = 0, numConstrained = 0, numResiduals = 0, index = 0;
  DenseMap<Operation *, std::string> ids;
  if (dot)
    *dot << "  subgraph cluster_" << func.getSymName() << " {\n    label=\""
         << func.getSymName() << "\";\n";
  for (BlockArgument arg : func.getArguments())
    if (dot)
      *dot << "    \"" << func.getSymName() << ".arg" << arg.getArgNumber()
           << "\" [shape=invhouse, label=\"input " << arg.getArgNumber()
           << "\"];\n";
  auto nodeId = [&](Value v) -> std::string {
    if (Operation *def = v.getDefiningOp())
      return ids.lookup(def);
    return (func.getSymName() + ".arg" +
            Twine(cast<BlockArgument>(v).getArgNumber()))
        .str();
  };
  for (Operation &op : func.getBody().front()) {
    ++index;
    std::string label = opLabel(&op, index);
    ids[&op] = (func.getSymName() + "." + Twine(index)).str();
    bool constrainedOp = false;
    if (auto param = dyn_cast<ParameterOp>(&op)) {
      llvm::json::Object p{{"name", param.getSymName()},
                           {"uses", (int64_t)std::distance(
                                        op.getUses().begin(),
                                        op.getUses().end())}};
      auto it = factors.find(param.getResult());
      if (it != factors.end()) {
        p["gradient_factor"] = it->second.value;
        p["paths_agree"] = it->second.consistent;
      } else {
        p["gradient_factor"] = nullptr;
      }
      params.push_back(std::move(p));
    }
    if (auto scaled = dyn_cast<ScaledOpInterface>(&op)) {
      ++numOps;
      if (isa<WeightedAddOp>(op))
        ++numResiduals;
      llvm::json::Object o{{"name", label},
                           {"op", op.getName().getStringRef()},
                           {"fixed_scales", scaled.hasFixedScales()}};
      FailureOr<Scales> ideal = scaled.computeIdealScales();
      if (succeeded(ideal))
        o["ideal"] = llvm::json::Object{{"alpha", ideal->alpha},
                                        {"beta", toJson(ideal->beta)}};
      if (ScalesAttr fin = scaled.getScalesAttr())
        o["final"] = llvm::json::Object{
            {"alpha", fin.getAlphaValue()},
            {"beta", toJson(fin.getBetaValues())}};
      SmallVector<unsigned> constrained = constrainedOperands(scaled, cuts);
      constrainedOp = !constrained.empty();
      numConstrained += constrainedOp;
      llvm::json::Array operands;
      for (OpOperand &use : op.getOpOperands()) {
        unsigned i = use.getOperandNumber();
        bool cut = cuts.isCutEdge(use);
        bool isConstrained = llvm::is_contained(constrained, i);
        std::string why =
            !scaled.isDifferentiableOperand(i) ? "no gradient (integer data)"
            : scaled.hasFixedScales()          ? "fixed by construction"
            : cut ? "cut-edge: keeps its ideal beta"
                  : "not a cut-edge: beta tied to alpha";
        operands.push_back(llvm::json::Object{{"index", (int64_t)i},
                                              {"cut_edge", cut},
                                              {"constrained", isConstrained},
                                              {"why", why}});
      }
      o["operands"] = std::move(operands);
      ops.push_back(std::move(o));
    }
    if (dot) {
      *dot << "    \"" << ids[&op] << "\" [label=\"" << label;
      if (auto scaled = dyn_cast<ScaledOpInterface>(&op))
        if (ScalesAttr s = scaled.getScalesAttr())
          *dot << "\\n" << op.getName().stripDialect() << " a="
               << llvm::format("%.3g", s.getAlphaValue());
      *dot << "\"";
      if (isa<ParameterOp>(op))
        *dot << ", shape=box";
      if (constrainedOp)
        *dot << ", style=filled, fillcolor=\"#ffd27f\"";
      *dot << "];\n";
      for (OpOperand &use : op.getOpOperands())
        *dot << "    \"" << nodeId(use.get()) << "\" -> \"" << ids[&op]
             << "\""
             << (cuts.isCutEdge(use) ? " [color=black]"
                                     : " [color=red, style=dashed]")
             << ";\n";
    }
  }
  if (dot)
    *dot << "  }\n";
  FunctionReport r;
  r.json = llvm::json::Object{{"function", func.getSymName()},
                              {"edges", (int64_t)cuts.getNumEdges()},
                              {"cut_edges", (int64_t)cuts.getNumCutEdges()},
                              {"scaled_ops", (int64_t)numOps},
                              {"constrained_ops", (int64_t)numConstrained},
                              {"weighted_residuals", (int64_t)numResiduals},
                              {"ops", std::move(ops)},
                              {"parameters", std::move(params)}};
  llvm::raw_string_ostream os(r.summary);
  os << "uscale: @" << func.getSymName() << ": " << numOps << " scaled ops, "
     << cuts.getNumEdges() << " edges (" << cuts.getNumCutEdges()
     << " cut-edges), " << numConstrained << " ops constrained, "
     << numResiduals << " weighted residual adds";
  return r;
}

struct ScaleReportPass
    : public uscale::impl::ScaleReportBase<ScaleReportPass> {
  using ScaleReportBase::ScaleReportBase;

  void runOnOperation() override {
    std::string err;
    std::unique_ptr<llvm::ToolOutputFile> json, dot;
    if (!jsonFile.empty() &&
        !(json = openOutputFile(jsonFile, &err)))
      return fail(err);
    if (!dotFile.empty() && !(dot = openOutputFile(dotFile, &err)))
      return fail(err);
    if (dot)
      dot->os() << "digraph uscale {\n  rankdir=TB;\n  node [fontsize=10];\n";
    llvm::json::Array functions;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      FunctionReport r = reportFunction(func, dot ? &dot->os() : nullptr);
      if (summary)
        llvm::errs() << r.summary << "\n";
      functions.push_back(std::move(r.json));
    }
    if (json) {
      json->os() << llvm::formatv(
          "{0:2}\n", llvm::json::Value(llvm::json::Object{
                         {"functions", std::move(functions)}}));
      json->keep();
    }
    if (dot) {
      dot->os() << "}\n";
      dot->keep();
    }
    markAllAnalysesPreserved();
  }

  void fail(const std::string &err) {
    emitError(getOperation().getLoc()) << "uscale-scale-report: " << err;
    signalPassFailure();
  }
};
} // namespace
