// Embeds the uscale dialect and pipeline in another program through the
// installed CMake package, and runs the pipeline on a residual block.
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "unit-scale/Transforms/Passes.h"

int main() {
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::uscale::UScaleDialect, mlir::func::FuncDialect>();
  const char *src = R"mlir(
    func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %0 = uscale.relu %x : tensor<4x8xf32>
      %1 = uscale.add %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
      return %1 : tensor<4x8xf32>
    })mlir";
  auto module = mlir::parseSourceString<mlir::ModuleOp>(src, &ctx);
  if (!module)
    return 1;
  mlir::PassManager pm(&ctx);
  mlir::uscale::UnitScalePipelineOptions options;
  mlir::uscale::buildUnitScalePipeline(pm, options);
  if (mlir::failed(pm.run(*module)))
    return 2;
  module->print(llvm::outs());
  return 0;
}
