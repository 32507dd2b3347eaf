//===- Contract.cpp - uscale-gpu-contract ---------------------------------===//
//
// Marks the floating-point multiplies, adds and subtracts of a gpu.module's
// kernels fastmath<contract>, so that the NVPTX backend may fuse a multiply
// into the add that consumes it (fma.rn instead of mul.rn + add.rn).
// Passes.td has the trade-off.
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::uscale {
#define GEN_PASS_DEF_GPUCONTRACT
#include "unit-scale/Conversion/Passes.h.inc"
} // namespace mlir::uscale

using namespace mlir;

namespace {
struct GpuContractPass
    : public uscale::impl::GpuContractBase<GpuContractPass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      if (!isa<arith::MulFOp, arith::AddFOp, arith::SubFOp>(op))
        return;
      auto fm = cast<arith::ArithFastMathInterface>(op);
      arith::FastMathFlags flags = fm.getFastMathFlagsAttr().getValue();
      op->setAttr(fm.getFastMathAttrName(),
                  arith::FastMathFlagsAttr::get(
                      op->getContext(), flags | arith::FastMathFlags::contract));
    });
  }
};
} // namespace
