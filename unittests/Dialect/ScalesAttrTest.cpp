//===- ScalesAttrTest.cpp - #uscale.scales round trip ---------------------===//
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::uscale;

TEST(ScalesAttr, PrintParseIsExact) {
  MLIRContext ctx;
  ctx.loadDialect<UScaleDialect>();
  // Values whose decimal form is long: printing must keep every bit.
  double alpha = 1.0 / std::sqrt(3.0);
  std::vector<double> beta = {0.0441941738241592, 1.0 / 7.0, 1e-30};
  auto attr = ScalesAttr::get(&ctx, alpha, beta);
  std::string text;
  llvm::raw_string_ostream os(text);
  Attribute(attr).print(os);
  Attribute parsed = parseAttribute(text, &ctx);
  ASSERT_TRUE(parsed) << text;
  auto back = dyn_cast<ScalesAttr>(parsed);
  ASSERT_TRUE(back);
  EXPECT_EQ(back.getAlphaValue(), alpha);
  ASSERT_EQ(back.getBetaValues().size(), beta.size());
  for (size_t i = 0; i < beta.size(); ++i)
    EXPECT_EQ(back.getBetaValues()[i], beta[i]) << text;
  EXPECT_EQ(back, attr); // uniqued
}

TEST(ScalesAttr, ScalesStructRoundTrip) {
  MLIRContext ctx;
  ctx.loadDialect<UScaleDialect>();
  Scales s{0.5, {0.25, 2.0}};
  Scales t = Scales::fromAttr(s.toAttr(&ctx));
  EXPECT_EQ(t.alpha, 0.5);
  EXPECT_EQ(t.beta, s.beta);
}
