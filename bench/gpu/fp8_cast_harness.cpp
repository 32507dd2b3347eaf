//===- fp8_cast_harness.cpp - Check and time the generated FP8 casts ------===//
//
// Host program for the f32 -> FP8 cast kernels of
// lib/Conversion/UScaleToNVGPU/templates/fp8_cast.mlir.in. It links the
// generated host code of both format instances (the launchers
// _mlir_ciface_uscale_fp8_cast_{e4m3,e5m2}, which embed the kernels and call
// the mgpu* runtime) and libuscale_cuda_runtime.so, and:
//
//   check     runs both kernels (the pair-per-thread @cast and @cast_tiled)
//             of both formats on random f32 matrices (normal, subnormal,
//             out-of-range, infinite and NaN values), plain and transposed,
//             stacked batches and attention's head blocks, and compares
//             every byte with the CPU's rounding (lib/Support/FP8.cpp, the
//             same as uscale.quantize). --big adds the grids that loop past
//             65535 rows (1 GiB of f32 for the tiled kernel).
//   selftest  checks the checker on the CPU: a right answer passes, a
//             wrong byte, a missing transpose or head offset fails.
//   bench     times both kernels side by side on the block step's shapes
//             (CUDA events per launch, median, inputs rotated over enough
//             buffers that L2 does not hold them) and prints the ratio.
//
// Without a usable GPU, check runs the launchers' argument validation
// (which returns before touching the GPU) and reports SKIP.
//
// Output: "CHECK key=value ... result=PASS|FAIL", "BENCH ...", then
// "SUMMARY passed=N failed=M skipped=K". Exit status 1 when a check failed.
//
//===----------------------------------------------------------------------===//

#include "memref_desc.h"
#include "uscale-runtime/CudaRuntime.h"
#include "unit-scale/Support/FP8.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

// The launchers (llvm.emit_c_interface): status 0, 1 (sizes or counts the
// kernel cannot take), 2 (src is not the matrices' grid).
extern "C" int32_t _mlir_ciface_uscale_fp8_cast_e4m3(Desc2 *src, Desc2 *dst,
                                                     bool transpose,
                                                     int64_t heads,
                                                     int64_t batch, bool tiled);
extern "C" int32_t _mlir_ciface_uscale_fp8_cast_e5m2(Desc2 *src, Desc2 *dst,
                                                     bool transpose,
                                                     int64_t heads,
                                                     int64_t batch, bool tiled);

namespace {
using Launcher = int32_t (*)(Desc2 *, Desc2 *, bool, int64_t, int64_t, bool);

struct Format {
  const char *name;
  Launcher launch;
  uint8_t (*round)(float);
};
const Format kFormats[] = {
    {"e4m3", _mlir_ciface_uscale_fp8_cast_e4m3, uscale::floatToE4M3},
    {"e5m2", _mlir_ciface_uscale_fp8_cast_e5m2, uscale::floatToE5M2},
};
const char *kernelName(bool tiled) { return tiled ? "tiled" : "pairs"; }

int passed = 0, failed = 0, skipped = 0;
void report(bool ok) { ok ? ++passed : ++failed; }

/// One cast: `batch` matrices of R x C into dst [batch x R, C]; in src they
/// are blocks of a grid `heads` wide ([batch / heads x R, heads x C], or
/// with `transpose` [batch / heads x C, heads x R]).
struct Shape {
  int64_t batch, heads, R, C;
  bool transpose;
  int64_t srcRows() const { return batch / heads * (transpose ? C : R); }
  int64_t srcCols() const { return heads * (transpose ? R : C); }
  int64_t dstRows() const { return batch * R; }
  size_t srcSize() const { return size_t(srcRows()) * size_t(srcCols()); }
  size_t dstSize() const { return size_t(dstRows()) * size_t(C); }
};

/// The source index of dst[r, c] (r over all matrices).
size_t srcIndex(const Shape &s, int64_t r, int64_t c) {
  int64_t z = r / s.R, zr = r % s.R;
  int64_t zb = z / s.heads, zh = z % s.heads;
  if (s.transpose)
    return size_t(zb * s.C + c) * size_t(s.srcCols()) + size_t(zh * s.R + zr);
  return size_t(zb * s.R + zr) * size_t(s.srcCols()) + size_t(zh * s.C + c);
}

/// Values over the whole range of both formats and beyond: normals and
/// subnormals of either sign, values past the largest finite one, zeros,
/// infinities and NaN.
std::vector<float> randomInput(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> mant(1.0f, 2.0f);
  std::uniform_int_distribution<int> expo(-22, 18), pick(0, 99);
  std::vector<float> v(n);
  for (float &x : v) {
    int p = pick(rng);
    if (p == 0)
      x = std::numeric_limits<float>::infinity();
    else if (p == 1)
      x = std::numeric_limits<float>::quiet_NaN();
    else if (p == 2)
      x = 0.0f;
    else
      x = std::ldexp(mant(rng), expo(rng));
    if (pick(rng) < 50)
      x = -x;
  }
  return v;
}

struct Diff {
  size_t wrong = 0;
  int64_t firstRow = -1, firstCol = -1;
  unsigned got = 0, want = 0;
};

Diff compare(const Shape &s, const Format &f, const std::vector<float> &src,
             const std::vector<uint8_t> &dst) {
  Diff d;
  for (int64_t r = 0; r < s.dstRows(); ++r)
    for (int64_t c = 0; c < s.C; ++c) {
      uint8_t want = f.round(src[srcIndex(s, r, c)]);
      uint8_t got = dst[size_t(r) * size_t(s.C) + size_t(c)];
      if (got != want && d.wrong++ == 0) {
        d.firstRow = r;
        d.firstCol = c;
        d.got = got;
        d.want = want;
      }
    }
  return d;
}

std::string describe(const Shape &s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "batch=%lld heads=%lld R=%lld C=%lld "
                "transpose=%d",
                (long long)s.batch, (long long)s.heads, (long long)s.R,
                (long long)s.C, int(s.transpose));
  return buf;
}

/// Statuses the launchers return before touching the GPU.
void checkArgumentValidation() {
  float srcBuf[1];
  uint8_t dstBuf[1];
  for (const Format &f : kFormats)
    for (bool tiled : {false, true}) {
      auto status = [&](int64_t sr, int64_t sc, int64_t dr, int64_t dc,
                        bool t, int64_t heads, int64_t batch) {
        Desc2 src = makeDesc(srcBuf, sr, sc), dst = makeDesc(dstBuf, dr, dc);
        return f.launch(&src, &dst, t, heads, batch, tiled);
      };
      // Only invalid calls: a valid one would launch on host memory.
      struct Call {
        int64_t sr, sc, dr, dc;
        bool t;
        int64_t heads, batch;
        int32_t want;
        bool tiledOnly;
      };
      const Call calls[] = {
          {128, 96, 128, 96, false, 1, 0, 1, false},     // no batch
          {128, 96, 128, 96, false, 1, 65536, 1, false}, // too many
          {128, 96, 128, 96, false, 3, 2, 1, false},     // heads not dividing
          {128, 96, 128, 96, false, 0, 2, 1, false},     // no heads
          {129, 96, 129, 96, false, 1, 2, 1, false},     // ragged rows
          {128, 97, 128, 97, false, 1, 1, 1, false},     // odd C
          {0, 96, 0, 96, false, 1, 1, 1, false},         // empty
          {128, 96, 128, 96, false, 1, 1, 1, true},      // C not 64 tiles
          {96, 128, 96, 128, false, 1, 1, 1, true},      // R not 64 tiles
          {64, 128, 128, 64, false, 1, 1, 2, false},     // src not dst's shape
          {128, 64, 128, 64, true, 1, 1, 2, false},      // nor transposed
          {256, 64, 256, 64, false, 2, 2, 2, false},     // not 2 blocks wide
      };
      bool ok = true;
      std::string got;
      for (const Call &c : calls) {
        if (c.tiledOnly && !tiled)
          continue;
        int32_t st = status(c.sr, c.sc, c.dr, c.dc, c.t, c.heads, c.batch);
        ok = ok && st == c.want;
        got += (got.empty() ? "" : ",") + std::to_string(st);
      }
      std::printf("CHECK format=%s kernel=%s test=argument-validation "
                  "status=%s result=%s\n",
                  f.name, kernelName(tiled), got.c_str(), ok ? "PASS" : "FAIL");
      report(ok);
    }
}

/// The checker on the CPU: a right answer passes; a wrong byte, a missing
/// transpose and a missing head offset fail.
void runSelftest() {
  const Format &f = kFormats[0];
  Shape s{4, 2, 64, 128, true};
  std::vector<float> src = randomInput(s.srcSize(), 11);
  std::vector<uint8_t> good(s.dstSize());
  for (int64_t r = 0; r < s.dstRows(); ++r)
    for (int64_t c = 0; c < s.C; ++c)
      good[size_t(r) * s.C + c] = f.round(src[srcIndex(s, r, c)]);
  auto judge = [&](const char *name, const std::vector<uint8_t> &dst,
                   bool wantPass) {
    Diff d = compare(s, f, src, dst);
    bool pass = d.wrong == 0;
    std::printf("CHECK test=selftest-%s wrong=%zu judged=%s result=%s\n", name,
                d.wrong, pass ? "pass" : "fail",
                pass == wantPass ? "PASS" : "FAIL");
    report(pass == wantPass);
  };
  judge("good", good, true);
  std::vector<uint8_t> oneByte = good;
  oneByte[oneByte.size() / 2] ^= 1;
  judge("one-byte-wrong", oneByte, false);
  // The source read untransposed, as if the flag were lost.
  std::vector<uint8_t> noTranspose(s.dstSize());
  for (int64_t r = 0; r < s.dstRows(); ++r)
    for (int64_t c = 0; c < s.C; ++c)
      noTranspose[size_t(r) * s.C + c] =
          f.round(src[size_t(r) * s.C + size_t(c)]);
  judge("transpose-missing", noTranspose, false);
  std::vector<uint8_t> noHeads(s.dstSize());
  for (int64_t r = 0; r < s.dstRows(); ++r)
    for (int64_t c = 0; c < s.C; ++c) {
      // Every matrix read from head 0's column block.
      int64_t z = r / s.R, zr = r % s.R, zb = z / s.heads;
      size_t i = size_t(zb * s.C + c) * size_t(s.srcCols()) + size_t(zr);
      noHeads[size_t(r) * s.C + c] = f.round(src[i]);
    }
  judge("head-offset-missing", noHeads, false);
}

bool gpuUsable(const char *what) {
  if (!uscaleRuntimeAvailable()) {
    std::printf("SKIP: no usable GPU (%s); %s\n",
                uscaleRuntimeLastErrorMessage(), what);
    ++skipped;
    return false;
  }
  uscaleRuntimeTakeLastError();
  return true;
}

/// Runs one cast on the GPU and compares every byte. With `misalign` the
/// source starts 4 bytes into its block (the launcher must then use the
/// pair kernel even when asked for the tiled one).
void checkOne(void *stream, const Format &f, bool tiled, const Shape &s,
              uint64_t seed, bool misalign = false) {
  std::vector<float> src = randomInput(s.srcSize(), seed);
  void *dBlock = mgpuMemAlloc((src.size() + 1) * sizeof(float), stream, false);
  void *dSrc = dBlock && misalign ? static_cast<float *>(dBlock) + 1 : dBlock;
  void *dDst = mgpuMemAlloc(s.dstSize(), stream, false);
  bool ok = dSrc && dDst;
  int32_t status = -1;
  Diff d;
  if (ok) {
    uscaleMemcpyHtoD(dSrc, src.data(), src.size() * sizeof(float));
    // A sentinel in dst: an unwritten byte shows as a wrong one.
    mgpuMemset32(dDst, 0xABABABABu, s.dstSize() / 4, stream);
    Desc2 ds = makeDesc(dSrc, s.srcRows(), s.srcCols());
    Desc2 dd = makeDesc(dDst, s.dstRows(), s.C);
    status = f.launch(&ds, &dd, s.transpose, s.heads, s.batch, tiled);
    mgpuStreamSynchronize(stream);
    std::vector<uint8_t> dst(s.dstSize());
    uscaleMemcpyDtoH(dst.data(), dDst, dst.size());
    ok = status == 0 && uscaleRuntimeTakeLastError() == 0;
    d = compare(s, f, src, dst);
    ok = ok && d.wrong == 0;
  }
  std::printf("CHECK format=%s kernel=%s %s%s status=%d wrong=%zu", f.name,
              kernelName(tiled), describe(s).c_str(),
              misalign ? " src=misaligned" : "", status, d.wrong);
  if (d.wrong)
    std::printf(" first=(%lld,%lld) got=0x%02x want=0x%02x",
                (long long)d.firstRow, (long long)d.firstCol, d.got, d.want);
  std::printf(" result=%s\n", ok ? "PASS" : "FAIL");
  report(ok);
  if (dBlock)
    mgpuMemFree(dBlock, stream);
  if (dDst)
    mgpuMemFree(dDst, stream);
}

void runCheck(bool big) {
  checkArgumentValidation();
  if (!gpuUsable("GPU checks not run"))
    return;
  void *stream = mgpuStreamCreate();
  // Sizes multiples of 64 (both kernels); transposed and not; stacked
  // batches; head blocks (attention's Q, K^T and V^T read in place).
  std::vector<Shape> shapes = {
      {1, 1, 128, 192, false}, {1, 1, 192, 320, true},
      {3, 1, 64, 128, false},  {3, 1, 64, 128, true},
      {8, 4, 128, 64, false},  {8, 4, 64, 128, true},
      {6, 3, 192, 128, true},
  };
  uint64_t seed = 1;
  for (const Format &f : kFormats)
    for (bool tiled : {false, true})
      for (const Shape &s : shapes)
        checkOne(stream, f, tiled, s, seed++);
  // A source 4 bytes off 16-byte alignment: the pair kernel, right.
  checkOne(stream, kFormats[0], true, {2, 1, 64, 128, true}, seed++, true);
  checkOne(stream, kFormats[1], true, {2, 1, 64, 128, false}, seed++, true);
  if (big) {
    // Past the grid's 65535 rows: the pair kernel's y loop, and the tiled
    // kernel's (65535 tiles of 64 rows).
    checkOne(stream, kFormats[0], false, {1, 1, 65600, 128, false}, 101);
    checkOne(stream, kFormats[0], false, {1, 1, 65600, 128, true}, 102);
    checkOne(stream, kFormats[1], true, {1, 1, 64 * 65536 + 64, 64, false},
             103);
    checkOne(stream, kFormats[1], true, {1, 1, 64 * 65536 + 64, 64, true},
             104);
  }
  mgpuStreamDestroy(stream);
}

/// Both kernels timed on the same inputs, one shape after the other.
void runBench(int warmup, int iters) {
  if (!gpuUsable("nothing timed"))
    return;
  void *stream = mgpuStreamCreate();
  void *e0 = uscaleEventCreateTimed(), *e1 = uscaleEventCreateTimed();
  struct Case {
    const char *name;
    Shape s;
  };
  // The block step's (B=8, T=256, D=1024, H=8, FFN 4096): activations as
  // they are and transposed (weight gradients), the FFN's, attention's
  // head blocks.
  const Case cases[] = {
      {"x", {1, 1, 2048, 1024, false}},
      {"x_t", {1, 1, 1024, 2048, true}},
      {"h", {1, 1, 2048, 4096, false}},
      {"h_t", {1, 1, 4096, 2048, true}},
      {"w_t", {1, 1, 1024, 1024, true}},
      {"q_heads", {64, 8, 256, 128, false}},
      {"v_heads_t", {64, 8, 128, 256, true}},
  };
  for (const Case &c : cases) {
    const Shape &s = c.s;
    // Enough input sets that the rotation does not fit in L2 (50 MiB).
    size_t bytes = s.srcSize() * sizeof(float);
    int sets = int(std::max<size_t>(2, (256u << 20) / bytes));
    std::vector<void *> srcs, dsts;
    bool ok = true;
    std::vector<float> host = randomInput(s.srcSize(), 7);
    for (int i = 0; i < sets && ok; ++i) {
      void *a = mgpuMemAlloc(bytes, stream, false);
      void *b = mgpuMemAlloc(s.dstSize(), stream, false);
      ok = a && b;
      if (ok) {
        uscaleMemcpyHtoD(a, host.data(), bytes);
        srcs.push_back(a);
        dsts.push_back(b);
      }
    }
    double us[2] = {0, 0};
    for (bool tiled : {false, true}) {
      std::vector<float> times;
      for (int i = 0; ok && i < warmup + iters; ++i) {
        Desc2 ds = makeDesc(srcs[i % sets], s.srcRows(), s.srcCols());
        Desc2 dd = makeDesc(dsts[i % sets], s.dstRows(), s.C);
        mgpuEventRecord(e0, stream);
        ok = kFormats[0].launch(&ds, &dd, s.transpose, s.heads, s.batch,
                                tiled) == 0;
        mgpuEventRecord(e1, stream);
        mgpuEventSynchronize(e1);
        float ms = uscaleEventElapsedMs(e0, e1);
        ok = ok && ms > 0 && uscaleRuntimeTakeLastError() == 0;
        if (i >= warmup)
          times.push_back(ms);
      }
      if (!ok || times.empty())
        break;
      std::nth_element(times.begin(), times.begin() + times.size() / 2,
                       times.end());
      us[tiled] = 1000.0 * times[times.size() / 2];
    }
    double gbs = us[1] > 0 ? (bytes + s.dstSize()) / (us[1] * 1e3) : 0;
    std::printf("BENCH cast=%s %s pairs_us=%.2f tiled_us=%.2f "
                "tiled_GBps=%.0f speedup=%.2f result=%s\n",
                c.name, describe(s).c_str(), us[0], us[1], gbs,
                us[1] > 0 ? us[0] / us[1] : 0.0, ok ? "PASS" : "FAIL");
    report(ok);
    for (void *p : srcs)
      mgpuMemFree(p, stream);
    for (void *p : dsts)
      mgpuMemFree(p, stream);
  }
  mgpuEventDestroy(e0);
  mgpuEventDestroy(e1);
  mgpuStreamDestroy(stream);
}
} // namespace

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  bool big = false;
  int warmup = 5, iters = 50;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--big")
      big = true;
    else if (a == "--iters" && i + 1 < argc)
      iters = std::max(1, std::atoi(argv[++i]));
    else if (a == "--warmup" && i + 1 < argc)
      warmup = std::max(0, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  if (mode == "check")
    runCheck(big);
  else if (mode == "selftest")
    runSelftest();
  else if (mode == "bench")
    runBench(warmup, iters);
  else {
    std::fprintf(stderr, "usage: %s check [--big] | selftest | bench "
                         "[--warmup N] [--iters N]\n",
                 argv[0]);
    return 2;
  }
  std::printf("SUMMARY passed=%d failed=%d skipped=%d\n", passed, failed,
              skipped);
  return failed ? 1 : 0;
}
