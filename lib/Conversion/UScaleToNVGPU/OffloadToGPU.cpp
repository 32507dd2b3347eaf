//===- OffloadToGPU.cpp - uscale-offload-to-gpu ---------------------------===//
//
// Puts the loops of a bufferized train step on the GPU (every op, not only
// the FP8 GEMMs). Arguments are device memory owned by the caller and used
// in place. Buffers that only kernels, copies and the FP8 GEMM entries
// touch live in device memory; the few that host code also touches (a
// scalar store before a one-thread kernel) in CUDA managed memory, filled
// and drained with cuMemcpy, never by host loads and stores of device
// data: managed pages that the host touches migrate back and forth on every
// step, and first-touch faults on the GPU cost more than the kernels. The loops become
// kernels through upstream's convert-parallel-loops-to-gpu and
// gpu-kernel-outlining; this pass prepares them: one-dimensional blocks x
// threads mappings, one-thread kernels for the host code left (sequential
// nests, scalar arithmetic on device data), and the buffers. docs/gpu.md,
// "The whole step on the GPU".
//
//===----------------------------------------------------------------------===//
#include "Buffers.h"
#include "GemmMatch.h"
#include "LoopMapping.h"
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <algorithm>
#include <numeric>

namespace mlir::uscale {
#define GEN_PASS_DEF_OFFLOADTOGPU
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;
using mlir::uscale::nvgpu_lowering::buffersOf;
using mlir::uscale::nvgpu_lowering::kHostEntryPrefix;
using mlir::uscale::nvgpu_lowering::kSMs;
using mlir::uscale::nvgpu_lowering::loadsThenStores;
using mlir::uscale::nvgpu_lowering::mapTo;
using mlir::uscale::nvgpu_lowering::StaticDim;
using mlir::uscale::nvgpu_lowering::staticDim;
using mlir::uscale::nvgpu_lowering::staticDims;
using mlir::uscale::nvgpu_lowering::rootBuffer;

namespace {

/// Buffers some op of `func` may write: what memory-effect interfaces say,
/// and every memref operand of an op that says nothing (a call).
DenseSet<Value> writtenBuffers(func::FuncOp func) {
  DenseSet<Value> written;
  func.walk([&](Operation *op) {
    if (auto mem = dyn_cast<MemoryEffectOpInterface>(op)) {
      SmallVector<MemoryEffects::EffectInstance> effects;
      mem.getEffects(effects);
      for (auto &e : effects)
        if (isa<MemoryEffects::Write>(e.getEffect()) && e.getValue())
          written.insert(rootBuffer(e.getValue()));
      return;
    }
    if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return; // its nested ops are walked
    for (Value v : op->getOperands())
      if (isa<MemRefType>(v.getType()))
        written.insert(rootBuffer(v));
  });
  return written;
}

/// A buffer of `type`: managed memory (made device memory later where the
/// host never touches it), or with `emulate` host memory.
Value allocBuffer(OpBuilder &b, Location loc, MemRefType type,
                  ValueRange dynSizes, bool emulate) {
  if (emulate)
    return memref::AllocOp::create(b, loc, type, dynSizes);
  return gpu::AllocOp::create(b, loc, type, /*asyncToken=*/Type(),
                              /*asyncDependencies=*/ValueRange(), dynSizes,
                              /*symbolOperands=*/ValueRange(),
                              /*hostShared=*/true)
      .getMemref();
}

/// A buffer shaped like `like` (a memref value), with an identity layout.
Value allocLike(OpBuilder &b, Location loc, Value like, bool emulate) {
  auto type = cast<MemRefType>(like.getType());
  auto plain =
      MemRefType::get(type.getShape(), type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  SmallVector<Value> dynSizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynSizes.push_back(memref::DimOp::create(b, loc, like, i));
  return allocBuffer(b, loc, plain, dynSizes, emulate);
}

/// gpu-to-llvm lowers gpu.dealloc, gpu.memcpy and device gpu.alloc only in
/// their asynchronous form: `create(token type, stream)` builds the op on a
/// fresh stream (`gpu.wait async`), and its token is waited for. Returns
/// the op.
template <typename CreateFn>
Operation *onFreshStream(OpBuilder &b, Location loc, CreateFn &&create) {
  Type token = gpu::AsyncTokenType::get(b.getContext());
  Value stream =
      gpu::WaitOp::create(b, loc, token, ValueRange()).getAsyncToken();
  Operation *op = create(token, stream);
  gpu::WaitOp::create(b, loc, Type(), ValueRange{op->getResults().back()});
  return op;
}

void deallocBuffer(OpBuilder &b, Location loc, Value buf, bool emulate) {
  if (emulate) {
    memref::DeallocOp::create(b, loc, buf);
    return;
  }
  onFreshStream(b, loc, [&](Type token, Value stream) -> Operation * {
    return gpu::DeallocOp::create(b, loc, token, ValueRange{stream}, buf);
  });
}

/// Copies `src` to `dst`: a cuMemcpy when both are contiguous, else (or
/// with `emulate`) a host copy.
void copyBuffer(OpBuilder &b, Location loc, Value src, Value dst,
                bool emulate) {
  auto contiguous = [](Value v) {
    return cast<MemRefType>(v.getType()).getLayout().isIdentity();
  };
  if (emulate || !contiguous(src) || !contiguous(dst)) {
    memref::CopyOp::create(b, loc, src, dst);
    return;
  }
  onFreshStream(b, loc, [&](Type token, Value stream) -> Operation * {
    return gpu::MemcpyOp::create(b, loc, token, ValueRange{stream}, dst, src);
  });
}

/// Whether `op` runs on the host: it is not inside a loop mapped to GPU
/// blocks (those become kernels).
bool runsOnHost(Operation *op) {
  for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
    if (isa<scf::ParallelOp>(p) && p->hasAttr(gpu::getMappingAttrName()))
      return false;
  return true;
}

/// Whether host code may load or store through `buf` or a view of it.
/// Kernels, cuMemcpy, frees, shape queries and the FP8 GEMM host entries
/// (which only cuMemcpy their operands) do not count.
bool hostTouches(Value buf) {
  SmallVector<Value> work{buf};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == v) {
        for (Value r : user->getResults())
          work.push_back(r);
        continue;
      }
      if (isa<gpu::MemcpyOp, gpu::DeallocOp, memref::DimOp,
              memref::ExtractStridedMetadataOp>(user))
        continue;
      if (auto call = dyn_cast<func::CallOp>(user);
          call && call.getCallee().starts_with(kHostEntryPrefix))
        continue;
      if (runsOnHost(user))
        return true;
    }
  }
  return false;
}

/// Replaces a managed allocation by a device allocation.
void makeDeviceBuffer(IRRewriter &rw, gpu::AllocOp alloc) {
  Location loc = alloc.getLoc();
  rw.setInsertionPoint(alloc);
  auto device = cast<gpu::AllocOp>(
      onFreshStream(rw, loc, [&](Type token, Value stream) -> Operation * {
        return gpu::AllocOp::create(rw, loc, alloc.getMemref().getType(),
                                    token, ValueRange{stream},
                                    alloc.getDynamicSizes(),
                                    alloc.getSymbolOperands(),
                                    /*hostShared=*/false);
      }));
  rw.replaceAllUsesWith(alloc.getMemref(), device.getMemref());
  rw.eraseOp(alloc);
}

struct OffloadToGPUPass
    : public uscale::impl::OffloadToGPUBase<OffloadToGPUPass> {
  using OffloadToGPUBase::OffloadToGPUBase;

  void runOnOperation() override {
    if (blockSize < 1 || blockSize > 1024) {
      getOperation().emitError("uscale-offload-to-gpu: block-size must be in "
                               "[1, 1024], not ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    if (elementsPerThread < 1 || elementsPerThread > 16) {
      getOperation().emitError("uscale-offload-to-gpu: elements-per-thread "
                               "must be in [1, 16], not ")
          << static_cast<int64_t>(elementsPerThread);
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isDeclaration() && failed(offload(func)))
        return signalPassFailure();
  }

  LogicalResult offload(func::FuncOp func) {
    if (!func.getBody().hasOneBlock())
      return func.emitError("uscale-offload-to-gpu: expects a function of "
                            "one block (bufferized, before lowering to cf)");
    Block &body = func.getBody().front();
    SmallVector<func::ReturnOp> returns(func.getOps<func::ReturnOp>());
    // Copies of a buffer onto itself (what bufferization leaves at the end
    // of each scf.forall iteration that wrote its slice in place) do
    // nothing; inside a kernel a strided one would call the host's
    // memrefCopy.
    SmallVector<memref::CopyOp> selfCopies;
    func.walk([&](memref::CopyOp c) {
      if (c.getSource() == c.getTarget())
        selfCopies.push_back(c);
    });
    for (memref::CopyOp c : selfCopies)
      c.erase();
    IRRewriter rw(func.getContext());
    // A buffer that lives as long as the call: freed before each return.
    auto freeAtReturns = [&](Value buf) {
      for (func::ReturnOp ret : returns) {
        rw.setInsertionPoint(ret);
        deallocBuffer(rw, ret.getLoc(), buf, emulate);
      }
    };

    // Allocations and deallocations: managed memory for now; those that no
    // host code touches become device memory once the kernels are known.
    SmallVector<Operation *> allocs;
    func.walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp>(op))
        allocs.push_back(op);
    });
    for (Operation *op : allocs) {
      rw.setInsertionPoint(op);
      if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        deallocBuffer(rw, op->getLoc(), dealloc.getMemref(), emulate);
        rw.eraseOp(op);
        continue;
      }
      auto type = cast<MemRefType>(op->getResult(0).getType());
      if (!type.getLayout().isIdentity())
        return op->emitError("uscale-offload-to-gpu: allocation with a "
                             "non-identity layout");
      Value buf = allocBuffer(
          rw, op->getLoc(), type,
          op->getOperands().take_front(type.getNumDynamicDims()), emulate);
      rw.replaceOp(op, buf);
      // An alloca is freed when its scope ends: here, the function.
      if (isa<memref::AllocaOp>(op)) {
        if (buf.getParentBlock() != &body)
          return buf.getDefiningOp()->emitError(
              "uscale-offload-to-gpu: stack allocation inside a region");
        freeAtReturns(buf);
      }
    }

    // Constants (memref.global) live in host memory: copy each into a
    // buffer once, at entry.
    SmallVector<memref::GetGlobalOp> globals;
    func.walk([&](memref::GetGlobalOp g) { globals.push_back(g); });
    for (memref::GetGlobalOp g : globals) {
      rw.setInsertionPointToStart(&body);
      auto hostView = cast<memref::GetGlobalOp>(rw.clone(*g));
      Value buf = allocLike(rw, g.getLoc(), hostView, emulate);
      copyBuffer(rw, g.getLoc(), hostView, buf, emulate);
      rw.replaceOp(g, buf);
      freeAtReturns(buf);
    }

    // Loops. Only the outermost parallel loops are mapped, and those not
    // mapped already (uscale-gpu-map-reductions); a parallel loop with
    // reductions (results) stays on the host, on managed memory.
    SmallVector<scf::ParallelOp> parallels;
    for (Operation &op : body)
      if (auto p = dyn_cast<scf::ParallelOp>(op);
          p && p.getNumResults() == 0 &&
          !p->hasAttr(gpu::getMappingAttrName()))
        parallels.push_back(p);
    SmallVector<SmallVector<Operation *>> hostCode = hostComputations(body);
    for (scf::ParallelOp p : parallels)
      if (failed(mapToBlocksAndThreads(rw, p)))
        return failure();
    for (ArrayRef<Operation *> run : hostCode)
      wrapInOneThread(rw, run);

    // Arguments are device memory (the caller's: the runner keeps
    // parameters and optimizer state on the device) and used in place. One
    // that host code would load or store through is copied into a managed
    // buffer at entry and, when the function may write it (results as
    // out-parameters, updated parameters and optimizer state), back before
    // each return. Decided after the loops are mapped: kernels do not count.
    DenseSet<Value> written = writtenBuffers(func);
    for (BlockArgument arg : func.getArguments()) {
      if (!isa<MemRefType>(arg.getType()) || arg.use_empty() ||
          !hostTouches(arg))
        continue;
      // Everything created here (shape queries, allocation, copy in) keeps
      // reading `arg`; every other use reads the copy.
      Operation *firstOld = &body.front();
      rw.setInsertionPointToStart(&body);
      Value buf = allocLike(rw, arg.getLoc(), arg, emulate);
      copyBuffer(rw, arg.getLoc(), arg, buf, emulate);
      SmallPtrSet<Operation *, 8> created;
      for (Operation *op = &body.front(); op != firstOld; op = op->getNextNode())
        created.insert(op);
      rw.replaceUsesWithIf(arg, buf, [&](OpOperand &use) {
        return !created.contains(use.getOwner());
      });
      if (written.contains(arg))
        for (func::ReturnOp ret : returns) {
          rw.setInsertionPoint(ret);
          copyBuffer(rw, ret.getLoc(), buf, arg, emulate);
        }
      freeAtReturns(buf);
    }

    // Now that the kernels are known: buffers no host code touches go to
    // device memory.
    if (!emulate) {
      SmallVector<gpu::AllocOp> managed;
      func.walk([&](gpu::AllocOp a) {
        if (a.getHostShared())
          managed.push_back(a);
      });
      for (gpu::AllocOp a : managed)
        if (!hostTouches(a.getMemref()))
          makeDeviceBuffer(rw, a);
    }
    return success();
  }

  /// Whether `op` is host code the offload may move into a kernel: a load,
  /// a store, an op without memory effects or regions, or a sequential loop
  /// nest of those.
  static bool movable(Operation *op) {
    auto simple = [](Operation *o) {
      return isa<memref::LoadOp, memref::StoreOp>(o) ||
             (o->getNumRegions() == 0 && isMemoryEffectFree(o));
    };
    if (auto f = dyn_cast<scf::ForOp>(op))
      return !f->walk([&](Operation *inner) {
                  return isa<scf::ForOp, scf::YieldOp>(inner) || simple(inner)
                             ? WalkResult::advance()
                             : WalkResult::interrupt();
                }).wasInterrupted();
    return simple(op);
  }

  /// Host code that computes on device data: runs of consecutive top-level
  /// loads, stores, pure ops and sequential loop nests (a loss reduced to a
  /// scalar; the optimizer's bias corrections from the step count), with
  /// allocations between them left where they are (the kernel, where the
  /// run's last op was, comes after them). What the host needs of a run (a
  /// value used after it, and what that value is computed from in the run)
  /// stays on the host; the rest of the run, when it accesses memory,
  /// becomes a kernel. A run stays whole on the host where that would
  /// reorder two accesses to one buffer.
  static SmallVector<SmallVector<Operation *>> hostComputations(Block &body) {
    SmallVector<SmallVector<Operation *>> runs;
    SmallVector<Operation *> run;
    auto endRun = [&] {
      SmallPtrSet<Operation *, 16> inRun(run.begin(), run.end());
      // Ops whose results the host needs, and the run's ops they need.
      SmallPtrSet<Operation *, 16> host;
      SmallVector<Operation *> work;
      for (Operation *op : run)
        if (llvm::any_of(op->getUsers(), [&](Operation *user) {
              return !inRun.contains(body.findAncestorOpInBlock(*user));
            }))
          work.push_back(op);
      while (!work.empty()) {
        Operation *op = work.pop_back_val();
        if (!host.insert(op).second)
          continue;
        op->walk([&](Operation *inner) {
          for (Value v : inner->getOperands())
            if (Operation *def = v.getDefiningOp(); def && inRun.contains(def))
              work.push_back(def);
        });
      }
      SmallVector<Operation *> kernel;
      DenseSet<Value> moved; // buffers of the kernel's ops so far
      bool reorders = false;
      for (Operation *op : run) {
        if (!host.contains(op)) {
          kernel.push_back(op);
          for (Value b : buffersOf(op))
            moved.insert(b);
          continue;
        }
        // Kernel ops before `op` run after it once moved.
        for (Value b : buffersOf(op))
          reorders |= moved.contains(b);
      }
      bool touches = llvm::any_of(kernel, [](Operation *op) {
        return !isMemoryEffectFree(op);
      });
      if (touches && !reorders)
        runs.push_back(std::move(kernel));
      run.clear();
    };
    for (Operation &op : body) {
      if (movable(&op))
        run.push_back(&op);
      else if (!isa<gpu::AllocOp>(op)) // an allocation may stay between
        endRun();
    }
    endRun();
    return runs;
  }

  /// Threads per block for a loop of `flat` iterations (collapsed):
  /// `block-size`,
  /// or fewer when the loop is short, so that its blocks spread over the
  /// device (at least 2 per SM of a 132-SM H100) instead of queueing on a
  /// few SMs. Short loops are the per-row and per-column reductions (2048
  /// rows of a layer norm: 8 blocks of 256 threads used 8 SMs); each of
  /// their threads runs a long sequential loop. A multiple of the 32-thread
  /// warp; never below 32.
  int64_t threadsPerBlock(const std::optional<StaticDim> &flat) const {
    if (!flat)
      return blockSize;
    constexpr int64_t kBlocksWanted = 2 * kSMs;
    int64_t perBlock = (flat->trips + kBlocksWanted - 1) / kBlocksWanted;
    perBlock = (perBlock + 31) / 32 * 32;
    return std::clamp<int64_t>(perBlock, std::min<int64_t>(32, blockSize),
                               blockSize);
  }

  /// Iterations per thread for the one-dimensional loop `p` with `threads`
  /// per block: `elements-per-thread` (or the largest power of two below
  /// it) where the loop splits into that many strips of whole blocks that
  /// still give at least two blocks per SM, and its body is elementwise (no
  /// regions; memory touched by loads and stores only, no load after a
  /// store); else 1.
  int64_t iterationsPerThread(scf::ParallelOp p,
                              const std::optional<StaticDim> &dim,
                              int64_t threads) const {
    if (!dim || elementsPerThread <= 1 || !loadsThenStores(p.getBody()))
      return 1;
    int64_t u = 1;
    while (u * 2 <= elementsPerThread && dim->trips % (u * 2 * threads) == 0 &&
           dim->trips / (u * 2 * threads) >= 2 * kSMs)
      u *= 2;
    return u;
  }

  /// Makes the one-dimensional loop `p` (N iterations) a loop of N / u
  /// whose iteration j runs p's iterations j, j + N/u, ..., j + (u-1) N/u:
  /// their loads and arithmetic first, then their stores in that order.
  /// Each thread then has u loads in flight, not one, and each of them is
  /// still coalesced across a warp. The iterations of a parallel loop touch
  /// no element another one writes, so running them interleaved so changes
  /// nothing. Returns the new loop.
  scf::ParallelOp spreadIterations(IRRewriter &rw, scf::ParallelOp p,
                                   const StaticDim &dim, int64_t u) {
    Location loc = p.getLoc();
    int64_t strip = dim.trips / u;
    rw.setInsertionPoint(p);
    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rw, loc, v);
    };
    auto q = scf::ParallelOp::create(rw, loc, ValueRange{cst(0)},
                                     ValueRange{cst(strip)},
                                     ValueRange{cst(1)});
    rw.setInsertionPoint(q.getBody()->getTerminator());
    Value j = q.getInductionVars()[0];
    Block *body = p.getBody();
    SmallVector<IRMapping> maps(u);
    for (int64_t k = 0; k < u; ++k) {
      // p's iteration j + k strip: lb + (j + k strip) step.
      Value iv = k == 0 ? j : arith::AddIOp::create(rw, loc, j, cst(k * strip));
      if (dim.step != 1)
        iv = arith::MulIOp::create(rw, loc, iv, cst(dim.step));
      if (dim.lb != 0)
        iv = arith::AddIOp::create(rw, loc, iv, cst(dim.lb));
      maps[k].map(p.getInductionVars()[0], iv);
      for (Operation &op : body->without_terminator())
        if (!isa<memref::StoreOp>(op))
          rw.clone(op, maps[k]);
    }
    for (IRMapping &map : maps)
      for (Operation &op : body->without_terminator())
        if (isa<memref::StoreOp>(op))
          rw.clone(op, map);
    rw.eraseOp(p);
    return q;
  }

  /// Collapses `p` to one dimension, tiles it by the block size (the inner
  /// tile loop guarded by a bounds check) and maps tiles to blocks, tile
  /// elements to threads.
  LogicalResult mapToBlocksAndThreads(IRRewriter &rw, scf::ParallelOp p) {
    unsigned rank = p.getNumLoops();
    // The one-dimensional loop's static bounds: collapsing makes it run
    // from 0 by 1 over the product of the trip counts (its bound is then
    // arithmetic on constants, folded only later).
    std::optional<StaticDim> flat;
    if (std::optional<SmallVector<StaticDim>> dims = staticDims(p)) {
      flat = rank == 1 ? dims->front() : StaticDim{0, 1, 1};
      if (rank > 1)
        for (const StaticDim &d : *dims)
          flat->trips *= d.trips;
    }
    int64_t threads = threadsPerBlock(flat);
    if (rank > 1) {
      std::vector<unsigned> all(rank);
      std::iota(all.begin(), all.end(), 0u);
      Block *block = p->getBlock();
      Operation *next = p->getNextNode();
      rw.setInsertionPoint(p);
      collapseParallelLoops(rw, p, {all});
      // The collapsed loop is the last parallel loop before `next`.
      scf::ParallelOp collapsed;
      for (Operation &op : *block) {
        if (&op == next)
          break;
        if (auto q = dyn_cast<scf::ParallelOp>(op))
          collapsed = q;
      }
      if (!collapsed || collapsed.getNumLoops() != 1)
        return emitError(block->getParentOp()->getLoc(),
                         "uscale-offload-to-gpu: could not collapse a loop");
      p = collapsed;
    }
    if (int64_t u = iterationsPerThread(p, flat, threads); u > 1)
      p = spreadIterations(rw, p, *flat, u);
    // tileParallelLoop erases `p`: nothing of it is used afterwards.
    auto [outer, inner] =
        scf::tileParallelLoop(p, {threads}, /*noMinMaxBounds=*/true);
    if (failed(mapTo(outer, gpu::Processor::BlockX)) ||
        failed(mapTo(inner, gpu::Processor::ThreadX)))
      return outer.emitError("uscale-offload-to-gpu: cannot map a loop");
    return success();
  }

  /// Iterations of the innermost body of the nest `f` (the largest product
  /// of static trip counts along a chain of loops), or -1 when one is not
  /// static.
  static int64_t nestIterations(scf::ForOp f) {
    int64_t most = 0;
    bool dynamic = false;
    f.walk([&](scf::ForOp inner) {
      int64_t n = 1;
      for (Operation *op = inner; op; op = op->getParentOp()) {
        if (auto loop = dyn_cast<scf::ForOp>(op)) {
          std::optional<APInt> trips = loop.getStaticTripCount();
          if (!trips) {
            dynamic = true;
            return;
          }
          n *= trips->getSExtValue();
        }
        if (op == f.getOperation())
          break;
      }
      most = std::max(most, n);
    });
    return dynamic ? -1 : most;
  }

  /// Host code (a run of hostComputations: a reduction to a scalar, scalar
  /// arithmetic on device data) as a one-block, one-thread kernel, so that
  /// it runs where its data is: host code touching device data needs
  /// managed memory, a wait for the GPU, and page migrations both ways. A
  /// long loop nest gets a remark: one GPU thread runs a few million
  /// dependent iterations a second, so 1e5 iterations already cost tens of
  /// microseconds.
  static void wrapInOneThread(IRRewriter &rw, ArrayRef<Operation *> run) {
    for (Operation *op : run) {
      auto f = dyn_cast<scf::ForOp>(op);
      if (!f)
        continue;
      int64_t iterations = nestIterations(f);
      if (iterations < 0 || iterations > 100000)
        emitRemark(f.getLoc())
            << "uscale-offload-to-gpu: a sequential loop nest of "
            << (iterations < 0 ? std::string("dynamically many")
                               : std::to_string(iterations))
            << " iterations runs as a one-thread kernel";
    }
    // Where the run's last op was: what stayed on the host between its ops
    // (constants, allocations) may be used by it.
    Location loc = run.back()->getLoc();
    rw.setInsertionPoint(run.back());
    Value zero = arith::ConstantIndexOp::create(rw, loc, 0);
    Value one = arith::ConstantIndexOp::create(rw, loc, 1);
    auto outer = scf::ParallelOp::create(rw, loc, ValueRange{zero},
                                         ValueRange{one}, ValueRange{one});
    rw.setInsertionPointToStart(outer.getBody());
    auto inner = scf::ParallelOp::create(rw, loc, ValueRange{zero},
                                         ValueRange{one}, ValueRange{one});
    for (Operation *op : run)
      rw.moveOpBefore(op, inner.getBody()->getTerminator());
    // One-dimensional loops without a mapping yet: cannot fail.
    (void)mapTo(outer, gpu::Processor::BlockX);
    (void)mapTo(inner, gpu::Processor::ThreadX);
  }
};
} // namespace
