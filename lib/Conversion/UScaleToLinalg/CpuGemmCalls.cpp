//===- CpuGemmCalls.cpp - uscale-cpu-gemm-calls ---------------------------===//
//
// GEMMs on memrefs become calls to the blocked kernels of runtime/cpu
// (libuscale_cpu_gemm.a): the loops that convert-linalg-to-loops would emit
// run at a few GFLOP/s, the kernels at tens (docs/cpu-lowering.md, Speed).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_CPUGEMMCALLS
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;

namespace {

/// A contraction the kernels compute: for each operand, the positions in
/// its indexing map of the dims the kernel expects, in the kernel's order
/// (A: [b,] m, k; B: [b,] k, n; C: [b,] m, n).
struct GemmMatch {
  bool batched = false;
  SmallVector<int64_t> perm[3];
  Type elementType;
};

/// Positions of `dims` among the results of `map`, when the map is exactly
/// a permutation of them (no other dims, no constants).
std::optional<SmallVector<int64_t>> positionsOf(AffineMap map,
                                                ArrayRef<unsigned> dims) {
  if (map.getNumResults() != dims.size() || !map.isProjectedPermutation())
    return std::nullopt;
  SmallVector<int64_t> perm;
  for (unsigned d : dims) {
    std::optional<unsigned> pos =
        map.getResultPosition(getAffineDimExpr(d, map.getContext()));
    if (!pos)
      return std::nullopt;
    perm.push_back(*pos);
  }
  return perm;
}

std::optional<GemmMatch> matchGemm(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  // The kernels exist for f32 and f64 with one type throughout (no
  // widening matmuls).
  Type et = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (!et.isF32() && !et.isF64())
    return std::nullopt;
  for (Value v : op.getDpsInputs())
    if (getElementTypeOrSelf(v.getType()) != et)
      return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->batch.size() > 1 ||
      op.getNumLoops() != 3 + dims->batch.size())
    return std::nullopt;
  GemmMatch g;
  g.batched = !dims->batch.empty();
  g.elementType = et;
  SmallVector<unsigned> lead(dims->batch.begin(), dims->batch.end());
  unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
  SmallVector<unsigned> expected[3] = {lead, lead, lead};
  expected[0].append({m, k});
  expected[1].append({k, n});
  expected[2].append({m, n});
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (int i = 0; i < 3; ++i) {
    std::optional<SmallVector<int64_t>> p = positionsOf(maps[i], expected[i]);
    if (!p)
      return std::nullopt;
    g.perm[i] = std::move(*p);
  }
  return g;
}

/// memref<?x?[x?]xT, strided<[?, ?[, ?]], offset: ?>>: any view fits.
MemRefType dynamicStridedType(unsigned rank, Type et) {
  MLIRContext *ctx = et.getContext();
  SmallVector<int64_t> dyn(rank, ShapedType::kDynamic);
  return MemRefType::get(
      dyn, et, StridedLayoutAttr::get(ctx, ShapedType::kDynamic, dyn));
}

struct CpuGemmCallsPass
    : public uscale::impl::CpuGemmCallsBase<CpuGemmCallsPass> {
  /// The kernel declaration for (type, batched), created on first use.
  FailureOr<func::FuncOp> getCallee(ModuleOp module, Type et, bool batched,
                                    Location loc) {
    std::string name = et.isF32() ? "uscale_cpu_sgemm" : "uscale_cpu_dgemm";
    if (batched)
      name += "_batched";
    MemRefType t = dynamicStridedType(batched ? 3 : 2, et);
    auto type = FunctionType::get(&getContext(), {t, t, t}, {});
    if (auto f = module.lookupSymbol<func::FuncOp>(name)) {
      if (f.getFunctionType() != type || !f.isExternal()) {
        f.emitError() << "'" << name
                      << "' is reserved for the CPU GEMM kernel; expected a "
                         "declaration of type "
                      << type;
        return failure();
      }
      return f;
    }
    if (module.lookupSymbol(name)) {
      emitError(loc) << "'" << name << "' is reserved for the CPU GEMM kernel";
      return failure();
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    auto f = func::FuncOp::create(b, module.getLoc(), name, type);
    f.setPrivate();
    // The call lowers to _mlir_ciface_<name>(desc *, desc *, desc *), the
    // kernel library's entry point.
    f->setAttr("llvm.emit_c_interface", UnitAttr::get(&getContext()));
    return f;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::LinalgOp, GemmMatch>> gemms;
    module.walk([&](linalg::LinalgOp op) {
      if (std::optional<GemmMatch> g = matchGemm(op))
        gemms.emplace_back(op, std::move(*g));
    });
    for (auto &[op, g] : gemms) {
      FailureOr<func::FuncOp> callee =
          getCallee(module, g.elementType, g.batched, op.getLoc());
      if (failed(callee))
        return signalPassFailure();
      OpBuilder b(op);
      Location loc = op.getLoc();
      SmallVector<Value> operands;
      for (int i = 0; i < 3; ++i) {
        Value v = op->getOperand(i);
        ArrayRef<int64_t> perm = g.perm[i];
        // Reorder the dims to the kernel's: a view with permuted strides.
        if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
          SmallVector<unsigned> p(perm.begin(), perm.end());
          v = memref::TransposeOp::create(
              b, loc, v,
              AffineMapAttr::get(
                  AffineMap::getPermutationMap(p, &getContext())));
        }
        operands.push_back(memref::CastOp::create(
            b, loc, dynamicStridedType(perm.size(), g.elementType), v));
      }
      func::CallOp::create(b, loc, *callee, operands);
      op->erase();
    }
  }
};
} // namespace
