//===- ModelDataTest.cpp - unit-scale-run's data, generator, manifest -----===//
#include "uscale-runtime/Data.h"
#include "uscale-runtime/Model.h"
#include "uscale-runtime/Random.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace uscale::rt;

namespace {
FunctionSpec charModel(int64_t rows, int64_t cols, int64_t vocab) {
  FunctionSpec f;
  TensorSpec idx{"input", "tokens", DType::I64, {rows, cols}, "indices", vocab};
  TensorSpec lab{"input", "labels", DType::I64, {rows * cols}, "labels", vocab};
  f.args = {idx, lab};
  return f;
}

TEST(Random, NormalMomentsAndDeterminism) {
  Rng a(42), b(42);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double x = a.normal();
    EXPECT_EQ(x, b.normal());
    sum += x;
    sq += x * x;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  // 5 standard errors: mean 1/sqrt(n), variance sqrt(2/n).
  EXPECT_NEAR(mean, 0.0, 5 / std::sqrt(double(n)));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / n));
}

TEST(TextData, WindowsPredictTheNextCharacter) {
  std::string error;
  std::string text = "abcdefghijklmnopqrstuvwxyz0123456789";
  auto d = TextData::fromString(text, 0.25, error);
  ASSERT_TRUE(d) << error;
  EXPECT_EQ(d->vocabulary(), 36u);
  EXPECT_EQ(d->trainSize(), 27u);
  FunctionSpec f = charModel(3, 5, 64);
  std::vector<Tensor> in = {Tensor(DType::I64, {3, 5}), Tensor(DType::I64, {15})};
  Rng rng(1);
  ASSERT_TRUE(d->fill(f, in, rng, Split::Train, error)) << error;
  // Ids follow byte order: '0'..'9' are 0..9, 'a'..'z' 10..35. In this
  // text every character's successor is the next id, except '9' -> 'a'.
  for (int64_t i = 0; i < 15; ++i) {
    int64_t x = int64_t(in[0].get(i)), y = int64_t(in[1].get(i));
    EXPECT_TRUE(y == x + 1 || (x == 9 && y == 10)) << x << " -> " << y;
    if (i % 5)
      EXPECT_EQ(int64_t(in[0].get(i)), int64_t(in[1].get(i - 1)));
  }
  // Validation windows come from the last quarter only ('1'..'9' and 'z').
  ASSERT_TRUE(d->fill(f, in, rng, Split::Validation, error)) << error;
  for (int64_t i = 0; i < 15; ++i)
    EXPECT_TRUE(in[0].get(i) <= 9 || in[0].get(i) == 35) << in[0].get(i);
}

TEST(TextData, RejectsModelsThatDoNotFit) {
  std::string error;
  auto d = TextData::fromString("hello, world", 0.0, error);
  ASSERT_TRUE(d);
  std::vector<Tensor> in = {Tensor(DType::I64, {1, 4}), Tensor(DType::I64, {4})};
  Rng rng(1);
  FunctionSpec small = charModel(1, 4, 5); // 9 distinct characters
  EXPECT_FALSE(d->fill(small, in, rng, Split::Train, error));
  EXPECT_NE(error.find("9 distinct characters"), std::string::npos) << error;
  FunctionSpec wide = charModel(1, 40, 64); // window longer than the text
  std::vector<Tensor> in2 = {Tensor(DType::I64, {1, 40}),
                             Tensor(DType::I64, {40})};
  EXPECT_FALSE(d->fill(wide, in2, rng, Split::Train, error));
  EXPECT_NE(error.find("shorter than one window"), std::string::npos) << error;
}

TEST(Manifest, ParsesRolesAndRejectsMalformed) {
  std::string opt, error;
  std::vector<FunctionSpec> fs;
  std::vector<ParameterSpec> ps;
  const char *ok = R"({"format": "unit-scale-manifest/1", "optimizer": "none",
    "functions": [{"name": "f", "kind": "forward", "packed": "uscale_f",
      "args": [{"role": "param", "param": "w", "dtype": "f32", "shape": [2, 3]},
               {"role": "input", "name": "y", "use": "labels", "bound": 3,
                "dtype": "i64", "shape": [2]}],
      "results": [{"role": "loss", "dtype": "f32", "shape": []}]}],
    "parameters": [{"name": "w", "init": "normal", "dtype": "f32",
                    "shape": [2, 3], "fan_in": 2}]})";
  ASSERT_TRUE(parseManifest(ok, opt, fs, ps, error)) << error;
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].args[1].use, "labels");
  EXPECT_EQ(fs[0].args[1].bound, 3);
  EXPECT_EQ(fs[0].args[0].numElements(), 6);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(*ps[0].fanIn, 2);

  fs.clear();
  ps.clear();
  EXPECT_FALSE(parseManifest("{\"format\": \"other\"}", opt, fs, ps, error));
  EXPECT_NE(error.find("not a unit-scale manifest"), std::string::npos);
  EXPECT_FALSE(parseManifest("{not json", opt, fs, ps, error));
  EXPECT_NE(error.find("malformed manifest"), std::string::npos);
  EXPECT_FALSE(parseManifest(
      R"({"format": "unit-scale-manifest/1", "functions": [{"name": "f",
         "kind": "forward", "packed": "p", "args": [{"role": "input",
         "dtype": "f32", "shape": [-1]}], "results": []}], "parameters": []})",
      opt, fs, ps, error));
  EXPECT_NE(error.find("dynamic shapes"), std::string::npos) << error;
}

TEST(Manifest, Device) {
  std::string opt, device, error;
  std::vector<FunctionSpec> fs;
  std::vector<ParameterSpec> ps;
  auto manifest = [](const std::string &extra) {
    return R"({"format": "unit-scale-manifest/1", )" + extra +
           R"("functions": [], "parameters": []})";
  };
  // Written before the field existed: a CPU library.
  ASSERT_TRUE(parseManifest(manifest(""), opt, device, fs, ps, error)) << error;
  EXPECT_EQ(device, "cpu");
  ASSERT_TRUE(parseManifest(manifest(R"("device": "gpu", )"), opt, device, fs,
                            ps, error))
      << error;
  EXPECT_EQ(device, "gpu");
  EXPECT_FALSE(parseManifest(manifest(R"("device": "tpu", )"), opt, device,
                             fs, ps, error));
  EXPECT_NE(error.find("unknown device 'tpu'"), std::string::npos) << error;
}

TEST(Tensor, DescriptorIsRowMajor) {
  Tensor t(DType::F64, {2, 3, 4});
  auto *d = static_cast<int64_t *>(t.descriptor());
  EXPECT_EQ(d[3], 2);
  EXPECT_EQ(d[5], 4);
  EXPECT_EQ(d[6], 12); // strides
  EXPECT_EQ(d[7], 4);
  EXPECT_EQ(d[8], 1);
  t.set(5, 2.5);
  EXPECT_EQ(t.get(5), 2.5);
}
} // namespace
