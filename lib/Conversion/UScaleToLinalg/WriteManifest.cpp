//===- WriteManifest.cpp - uscale-write-manifest --------------------------===//
//
// The JSON a runner reads to drive a compiled model without MLIR: entry
// points, argument and result roles, shapes and dtypes, parameters and
// their initialisers, and the scales the model was compiled with.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Conversion/Passes.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_WRITEMANIFEST
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using namespace mlir::uscale;

namespace {

std::string typeString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

void writeShape(llvm::json::OStream &j, RankedTensorType t) {
  j.attribute("dtype", typeString(t.getElementType()));
  j.attributeArray("shape", [&] {
    for (int64_t d : t.getShape())
      j.value(d);
  });
}

void writeValues(llvm::json::OStream &j, DenseElementsAttr v) {
  if (v.isSplat()) {
    if (isa<FloatType>(v.getElementType()))
      j.attribute("splat", v.getSplatValue<APFloat>().convertToDouble());
    else
      j.attribute("splat", v.getSplatValue<APInt>().getSExtValue());
    return;
  }
  j.attributeArray("values", [&] {
    if (isa<FloatType>(v.getElementType())) {
      for (APFloat f : v.getValues<APFloat>())
        j.value(f.convertToDouble());
    } else {
      for (APInt i : v.getValues<APInt>())
        j.value(i.getSExtValue());
    }
  });
}

struct Role {
  std::string role, name;
};

/// The name the importer gave a function argument (its NameLoc), or "".
std::string argumentName(func::FuncOp f, unsigned i) {
  if (f.isExternal())
    return "";
  Location loc = f.getArgument(i).getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location l : fused.getLocations())
      if (isa<NameLoc>(l))
        loc = l;
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  return "";
}

/// What an integer input feeds, so that a runner can make data for it:
/// gather indices ("indices") or cross-entropy labels ("labels"), with the
/// exclusive upper bound of valid values (table rows, classes). Returns
/// false when no such use is found.
bool integerInputUse(Value arg, std::string &use, int64_t &bound) {
  for (OpOperand &u : arg.getUses()) {
    Operation *op = u.getOwner();
    if (auto g = dyn_cast<GatherOp>(op)) {
      if (u.getOperandNumber() != 1)
        continue;
      use = "indices";
      bound = cast<RankedTensorType>(g.getOperand(0).getType()).getShape()[0];
      return true;
    }
    if (isa<SoftmaxCrossEntropyOp>(op) && u.getOperandNumber() == 1) {
      use = "labels";
      bound = cast<RankedTensorType>(op->getOperand(0).getType()).getShape().back();
      return true;
    }
  }
  return false;
}

/// fan_in of a parameter used as a matmul/linear weight (the contracted
/// dimension): a runner's conventional (non-unit) initialisation needs it.
std::optional<int64_t> weightFanIn(Value param) {
  auto t = cast<RankedTensorType>(param.getType());
  if (t.getRank() < 2)
    return std::nullopt;
  // Look through FP8 casts (uscale-cast-fp8 quantizes weights first).
  SmallVector<Value> values{param};
  while (!values.empty()) {
    Value v = values.pop_back_val();
    for (OpOperand &u : v.getUses()) {
      Operation *op = u.getOwner();
      if (isa<QuantizeOp>(op)) {
        values.push_back(op->getResult(0));
        continue;
      }
      if (u.getOperandNumber() != 1)
        continue;
      if (auto l = dyn_cast<LinearOp>(op))
        return t.getShape()[t.getRank() - (l.getTransposeWeight() ? 1 : 2)];
      if (isa<MatMulOp>(op))
        return t.getShape()[t.getRank() - 2];
    }
  }
  return std::nullopt;
}

/// Roles of a function's arguments, from the attributes uscale-autodiff and
/// uscale-parameters-to-arguments set; inputs carry their imported names.
SmallVector<Role> argumentRoles(func::FuncOp f) {
  SmallVector<Role> roles;
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    Role r{"input", ""};
    for (StringRef key : {"uscale.param", "uscale.adam_m", "uscale.adam_v"})
      if (auto n = f.getArgAttrOfType<StringAttr>(i, key)) {
        r.role = key.drop_front(strlen("uscale.")).str();
        r.name = n.str();
      }
    if (f.getArgAttr(i, "uscale.adam_step"))
      r.role = "adam_step";
    if (r.role == "input")
      r.name = argumentName(f, i);
    roles.push_back(r);
  }
  return roles;
}

struct WriteManifestPass
    : public uscale::impl::WriteManifestBase<WriteManifestPass> {
  using WriteManifestBase::WriteManifestBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (file.empty())
      return emitError(UnknownLoc::get(ctx))
             << "uscale-write-manifest: the file option is required";
    if (optimizer != "none" && optimizer != "sgd" && optimizer != "adam")
      return emitError(UnknownLoc::get(ctx))
             << "uscale-write-manifest: unknown optimizer '" << optimizer
             << "' (expected none, sgd or adam)";
    if (device != "cpu" && device != "gpu")
      return emitError(UnknownLoc::get(ctx))
             << "uscale-write-manifest: unknown device '" << device
             << "' (expected cpu or gpu)";
    if (memory != "host" && !(memory == "device" && device == "gpu"))
      return emitError(UnknownLoc::get(ctx))
             << "uscale-write-manifest: memory '" << memory
             << "' (expected host, or device with device=gpu)";
    return success();
  }

  /// Result roles: a train step returns the loss, then per `optimizer`
  /// the gradients, the updated parameters, or those and Adam's moments.
  LogicalResult resultRoles(func::FuncOp f, ArrayRef<Role> args,
                            SmallVectorImpl<Role> &out) {
    SmallVector<std::string> params;
    for (const Role &r : args)
      if (r.role == "param")
        params.push_back(r.name);
    unsigned n = f.getNumResults();
    // uscale-instrument-stats appends one std per tracked tensor, named.
    SmallVector<Role> stats;
    if (auto names = f->getAttrOfType<ArrayAttr>("uscale.stat_names"))
      for (auto name : names.getAsValueRange<StringAttr>())
        stats.push_back({"stat", name.str()});
    if (stats.size() > n)
      return f.emitOpError("has fewer results than uscale.stat_names");
    n -= stats.size();
    auto appendStats = [&] { out.append(stats.begin(), stats.end()); };
    if (!f.getSymName().ends_with("_train_step")) {
      for (unsigned i = 0; i < n; ++i) {
        auto t = dyn_cast<RankedTensorType>(f.getResultTypes()[i]);
        bool loss = i == 0 && t && t.getRank() == 0;
        out.push_back({loss ? "loss" : "output", ""});
      }
      appendStats();
      return success();
    }
    SmallVector<StringRef> groups;
    if (optimizer == "none")
      groups = {"grad"};
    else if (optimizer == "sgd")
      groups = {"param"};
    else
      groups = {"param", "adam_m", "adam_v"};
    if (n != 1 + groups.size() * params.size())
      return f.emitOpError("has ")
             << n << " results; a train step with " << params.size()
             << " parameters and optimizer=" << optimizer << " has "
             << 1 + groups.size() * params.size()
             << " (is the optimizer option the one given to uscale-autodiff?)";
    out.push_back({"loss", ""});
    for (StringRef g : groups)
      for (const std::string &p : params)
        out.push_back({g.str(), p});
    appendStats();
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    auto output = openOutputFile(file, &error);
    if (!output) {
      module.emitError("uscale-write-manifest: ") << error;
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isExternal() && f.isPublic())
        funcs.push_back(f);

    llvm::json::OStream j(output->os(), /*IndentSize=*/2);
    bool failedAny = false;
    llvm::StringSet<> seenParams;
    j.object([&] {
      j.attribute("format", "unit-scale-manifest/1");
      j.attribute("abi", "memref-descriptors/out-params");
      j.attribute("optimizer", optimizer);
      j.attribute("device", device);
      if (memory == "device")
        j.attribute("memory", "device");
      j.attributeArray("functions", [&] {
        for (func::FuncOp f : funcs) {
          SmallVector<Role> args = argumentRoles(f), results;
          if (failed(resultRoles(f, args, results))) {
            failedAny = true;
            continue;
          }
          j.object([&] {
            j.attribute("name", f.getSymName());
            j.attribute("kind", f.getSymName().ends_with("_train_step")
                                    ? "train_step"
                                    : "forward");
            j.attribute("ciface", ("_mlir_ciface_" + f.getSymName()).str());
            j.attribute("packed", ("uscale_" + f.getSymName()).str());
            auto entry = [&](Type ty, const Role &r, Value arg = {}) {
              j.object([&] {
                j.attribute("role", r.role);
                if (!r.name.empty())
                  j.attribute(r.role == "input" || r.role == "stat" ? "name"
                                                                     : "param",
                              r.name);
                std::string use;
                int64_t bound = 0;
                if (arg && r.role == "input" &&
                    isa<IntegerType>(getElementTypeOrSelf(ty)) &&
                    integerInputUse(arg, use, bound)) {
                  j.attribute("use", use);
                  j.attribute("bound", bound);
                }
                if (auto t = dyn_cast<RankedTensorType>(ty))
                  writeShape(j, t);
                else
                  j.attribute("type", typeString(ty));
              });
            };
            j.attributeArray("args", [&] {
              for (auto [ty, r, arg] :
                   llvm::zip(f.getArgumentTypes(), args, f.getArguments()))
                entry(ty, r, arg);
            });
            j.attributeArray("results", [&] {
              for (auto [ty, r] : llvm::zip(f.getResultTypes(), results))
                entry(ty, r);
            });
          });
        }
      });
      j.attributeArray("parameters", [&] {
        for (func::FuncOp f : funcs)
          for (unsigned i = 0; i < f.getNumArguments(); ++i) {
            auto name = f.getArgAttrOfType<StringAttr>(i, "uscale.param");
            if (!name || !seenParams.insert(name.getValue()).second)
              continue;
            j.object([&] {
              j.attribute("name", name.getValue());
              if (auto init = f.getArgAttrOfType<StringAttr>(i, "uscale.init"))
                j.attribute("init", init.getValue());
              writeShape(j, cast<RankedTensorType>(f.getArgumentTypes()[i]));
              if (auto fanIn = weightFanIn(f.getArgument(i)))
                j.attribute("fan_in", *fanIn);
              if (auto v = f.getArgAttrOfType<DenseElementsAttr>(
                      i, "uscale.value"))
                writeValues(j, v);
            });
          }
      });
      // The forward functions' scales (a train step repeats them and adds
      // its backward ops, whose alphas are these betas).
      j.attributeArray("scales", [&] {
        for (func::FuncOp f : funcs) {
          if (f.getSymName().ends_with("_train_step"))
            continue;
          f.walk([&](ScaledOpInterface op) {
            ScalesAttr s = op.getScalesAttr();
            if (!s)
              return;
            j.object([&] {
              j.attribute("function", f.getSymName());
              j.attribute("op", op->getName().getStringRef());
              std::string loc;
              llvm::raw_string_ostream los(loc);
              op->getLoc().print(los);
              j.attribute("loc", loc);
              j.attribute("alpha", s.getAlphaValue());
              j.attributeArray("beta", [&] {
                for (double b : s.getBetaValues())
                  j.value(b);
              });
            });
          });
        }
      });
    });
    output->os() << "\n";
    if (failedAny)
      return signalPassFailure();
    output->keep();
  }
};

} // namespace
