//===- fp8_gemm_harness.cu - Check and time the generated FP8 GEMMs -------===//
//
// Host program for the FP8 GEMM kernels instantiated from
// lib/Conversion/UScaleToNVGPU/templates/fp8_gemm.mlir.in. It links the
// generated host code of each variant (the _mlir_ciface_* entry points,
// which embed the kernel and call the mgpu* runtime) and
// libuscale_cuda_runtime.so, and:
//
//   check  computes C = alpha * A . B^T for random fp8 inputs through
//          (a) the generated host entry point and (b) a direct launch of the
//          kernel from a cubin (--cubin-dir), and compares each with a CPU
//          reference in double (every element for small sizes, sampled rows,
//          columns and elements for large ones) and, when built with nvcc,
//          with a GPU reference kernel on every element.
//          --batched BxMxNxK,... also checks the batched entry points
//          (B GEMMs on operands stacked along their rows) against the CPU
//          reference.
//   selftest  checks the checker on the CPU: good output passes, swapped
//          tiles and unwritten elements fail (no GPU needed).
//   bench  times direct launches (CUDA events, median of --iters after
//          --warmup, inputs rotated over 3 buffer sets so L2 does not hold
//          them) and the generated entry point (host clock, it synchronises).
//
//   --candidates NAME:BASE,...  also checks (direct launch only) and times
//          tuning candidates: DIR/NAME.cubin, launched as DIR/NAME.launch
//          says, with the operand and output formats of variant BASE
//          (bench/gpu/candidates/README.md).
//
// Builds as CUDA C++ (nvcc: adds the GPU reference) or as plain C++
// (-x c++: CPU reference only; what the lit test does on machines without
// nvcc). Without a usable GPU it checks what it can (argument validation of
// the generated entry points) and reports SKIP.
//
// Output: one line per result, "CHECK key=value ... result=PASS|FAIL" and
// "BENCH key=value ...", then "SUMMARY passed=N failed=M skipped=K".
// Exit status 1 when a check failed.
//
//===----------------------------------------------------------------------===//

#include "memref_desc.h"
#include "uscale-runtime/CudaRuntime.h"
#include "unit-scale/Support/FP8.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

// The generated host entry points (llvm.emit_c_interface).
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_fwd(Desc2 *, Desc2 *, Desc2 *,
                                                    float);
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_dgrad(Desc2 *, Desc2 *,
                                                      Desc2 *, float);
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_wgrad(Desc2 *, Desc2 *,
                                                      Desc2 *, float);
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_fwd_n128(Desc2 *, Desc2 *,
                                                         Desc2 *, float);
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_dgrad_n128(Desc2 *, Desc2 *,
                                                           Desc2 *, float);
extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_wgrad_n128(Desc2 *, Desc2 *,
                                                           Desc2 *, float);

// The batched entries: `batch` GEMMs on operands stacked along their rows
// (A [batch x M, K], B [batch x N, K], C [batch x M, N x bytes]).
#define USCALE_BATCHED_ENTRY(v)                                                \
  extern "C" int32_t _mlir_ciface_uscale_fp8_gemm_##v##_batched(              \
      Desc2 *, Desc2 *, Desc2 *, float, int64_t);
USCALE_BATCHED_ENTRY(fwd)
USCALE_BATCHED_ENTRY(dgrad)
USCALE_BATCHED_ENTRY(wgrad)
USCALE_BATCHED_ENTRY(fwd_n128)
USCALE_BATCHED_ENTRY(dgrad_n128)
USCALE_BATCHED_ENTRY(wgrad_n128)
#undef USCALE_BATCHED_ENTRY

namespace {

enum OutKind { OUT_E4M3 = 0, OUT_E5M2 = 1, OUT_BF16 = 2, OUT_F32 = 3 };
using EntryFn = int32_t (*)(Desc2 *, Desc2 *, Desc2 *, float);
using BatchedFn = int32_t (*)(Desc2 *, Desc2 *, Desc2 *, float, int64_t);

struct Variant {
  const char *name;
  bool aE5M2, bE5M2; // operand formats (false: E4M3)
  OutKind out;
  int outBytes;
  EntryFn entry;
  int tileN; // the instance's tile width: N must be a multiple of it
  BatchedFn batched;
};

// The template instances the compiler picks from (docs/gpu.md): 128 x 256
// tiles with 4 stages, and 128 x 128 tiles with 3 stages (_n128).
const Variant kVariants[] = {
    {"fwd", false, false, OUT_E4M3, 1, _mlir_ciface_uscale_fp8_gemm_fwd, 256,
     _mlir_ciface_uscale_fp8_gemm_fwd_batched},
    {"dgrad", true, false, OUT_BF16, 2, _mlir_ciface_uscale_fp8_gemm_dgrad,
     256, _mlir_ciface_uscale_fp8_gemm_dgrad_batched},
    {"wgrad", false, true, OUT_F32, 4, _mlir_ciface_uscale_fp8_gemm_wgrad,
     256, _mlir_ciface_uscale_fp8_gemm_wgrad_batched},
    {"fwd_n128", false, false, OUT_E4M3, 1,
     _mlir_ciface_uscale_fp8_gemm_fwd_n128, 128,
     _mlir_ciface_uscale_fp8_gemm_fwd_n128_batched},
    {"dgrad_n128", true, false, OUT_BF16, 2,
     _mlir_ciface_uscale_fp8_gemm_dgrad_n128, 128,
     _mlir_ciface_uscale_fp8_gemm_dgrad_n128_batched},
    {"wgrad_n128", false, true, OUT_F32, 4,
     _mlir_ciface_uscale_fp8_gemm_wgrad_n128, 128,
     _mlir_ciface_uscale_fp8_gemm_wgrad_n128_batched},
};

const char *outName(OutKind k) {
  switch (k) {
  case OUT_E4M3: return "e4m3";
  case OUT_E5M2: return "e5m2";
  case OUT_BF16: return "bf16";
  default: return "f32";
  }
}

// --- numbers -------------------------------------------------------------

float decode(uint8_t code, bool e5m2) {
  return e5m2 ? uscale::e5m2ToFloat(code) : uscale::e4m3ToFloat(code);
}

float bf16ToFloat(uint16_t b) {
  uint32_t u = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

float readOutput(const uint8_t *c, size_t i, OutKind k) {
  switch (k) {
  case OUT_E4M3: return uscale::e4m3ToFloat(c[i]);
  case OUT_E5M2: return uscale::e5m2ToFloat(c[i]);
  case OUT_BF16: {
    uint16_t b;
    std::memcpy(&b, c + 2 * i, 2);
    return bf16ToFloat(b);
  }
  default: {
    float f;
    std::memcpy(&f, c + 4 * i, 4);
    return f;
  }
  }
}

/// The fp8 neighbours of a value: the spacing of codes at its magnitude.
double fp8Ulp(double v, OutKind k) {
  int mant = k == OUT_E4M3 ? 3 : 2;
  int minExp = k == OUT_E4M3 ? -6 : -14;
  double a = std::fabs(v);
  int e = a > 0 ? int(std::floor(std::log2(a))) : minExp;
  e = std::max(e, minExp);
  return std::ldexp(1.0, e - mant);
}

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  double normal() {
    double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

/// Codes of N(0, 1) samples, rounded (RNE, saturating) to the format:
/// drawn from a pool of 2^16 quantized samples (fast enough for the 8192^2
/// benchmark operands).
std::vector<uint8_t> randomFp8(size_t n, bool e5m2, Rng &rng) {
  std::vector<uint8_t> pool(1 << 16);
  for (auto &x : pool) {
    float f = float(rng.normal());
    x = e5m2 ? uscale::floatToE5M2(f) : uscale::floatToE4M3(f);
  }
  std::vector<uint8_t> v(n);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint64_t r = rng.next();
    for (int j = 0; j < 4; ++j)
      v[i + j] = pool[(r >> (16 * j)) & 0xFFFF];
  }
  for (; i < n; ++i)
    v[i] = pool[rng.next() & 0xFFFF];
  return v;
}

// --- GPU reference (nvcc builds only) --------------------------------------

#ifdef __CUDACC__
__constant__ float kDecodeA[256];
__constant__ float kDecodeB[256];

/// C[m][n] = alpha * sum_k A[m][k] B[n][k] in f32 (products of fp8 values
/// are exact in f32; 32 x 32 shared-memory tiles).
__global__ void referenceGemm(const uint8_t *A, const uint8_t *B, float *C,
                              int M, int N, int K, float alpha) {
  __shared__ float as[32][33], bs[32][33];
  int tx = threadIdx.x, ty = threadIdx.y;
  int m = blockIdx.y * 32 + ty, n = blockIdx.x * 32 + tx;
  float acc = 0.0f;
  for (int k0 = 0; k0 < K; k0 += 32) {
    as[ty][tx] = kDecodeA[A[size_t(blockIdx.y * 32 + ty) * K + k0 + tx]];
    bs[ty][tx] = kDecodeB[B[size_t(blockIdx.x * 32 + ty) * K + k0 + tx]];
    __syncthreads();
#pragma unroll
    for (int k = 0; k < 32; ++k)
      acc += as[ty][k] * bs[tx][k];
    __syncthreads();
  }
  if (m < M && n < N)
    C[size_t(m) * N + n] = alpha * acc;
}

bool gpuReference(const Variant &v, void *dA, void *dB, int M, int N, int K,
                  float alpha, std::vector<float> &out) {
  float ta[256], tb[256];
  for (int i = 0; i < 256; ++i) {
    ta[i] = decode(uint8_t(i), v.aE5M2);
    tb[i] = decode(uint8_t(i), v.bE5M2);
    if (std::isnan(ta[i])) ta[i] = 0; // inputs never hold NaN codes
    if (std::isnan(tb[i])) tb[i] = 0;
  }
  if (cudaMemcpyToSymbol(kDecodeA, ta, sizeof(ta)) != cudaSuccess ||
      cudaMemcpyToSymbol(kDecodeB, tb, sizeof(tb)) != cudaSuccess)
    return false;
  float *dC = nullptr;
  if (cudaMalloc(&dC, size_t(M) * N * 4) != cudaSuccess)
    return false;
  dim3 grid(N / 32, M / 32), block(32, 32);
  referenceGemm<<<grid, block>>>(static_cast<uint8_t *>(dA),
                                 static_cast<uint8_t *>(dB), dC, M, N, K,
                                 alpha);
  bool ok = cudaGetLastError() == cudaSuccess &&
            cudaDeviceSynchronize() == cudaSuccess;
  out.resize(size_t(M) * N);
  ok = ok && cudaMemcpy(out.data(), dC, out.size() * 4,
                        cudaMemcpyDeviceToHost) == cudaSuccess;
  cudaFree(dC);
  return ok;
}
#endif

// --- comparison -------------------------------------------------------------

struct Errors {
  double sumSqErr = 0, sumSqRef = 0, maxAbs = 0;
  size_t compared = 0, nan = 0, offByMoreThanOneCode = 0;
  /// Absolute slack of the one-code rule, so that accumulation error is not
  /// mistaken for a fault (wrong tiles are off by O(1)): 1% of the
  /// reference's RMS (elements near zero, where fp8 codes are 2^-9 or 2^-16
  /// apart), plus 3e-4 sqrt(K) of it. The second term is 15x the
  /// accumulation error measured on an H100 (f32 outputs, RMS 1.0e-4 of the
  /// output RMS at K = 128, 1.7e-3 at K = 8192: about 2e-5 sqrt(K)); at
  /// K = 8192 the 1% alone failed one E4M3 element in 16.8M by two codes
  /// (2026-11-26).
  double absSlack = 0;
  Errors() = default;
  Errors(double refRms, int K)
      : absSlack((0.01 + 3e-4 * std::sqrt(double(K))) * refRms) {}
  void add(double out, double ref, OutKind k) {
    ++compared;
    if (std::isnan(out)) {
      ++nan;
      return;
    }
    double e = out - ref;
    sumSqErr += e * e;
    sumSqRef += ref * ref;
    maxAbs = std::max(maxAbs, std::fabs(e));
    if (k == OUT_E4M3 || k == OUT_E5M2) {
      // The kernel's fp8 value must be the rounding of ref or a neighbour
      // of it (the accumulator differs from ref by rounding), give or take
      // absSlack.
      float f = float(ref);
      double r = k == OUT_E4M3 ? uscale::quantizeE4M3(f)
                               : uscale::quantizeE5M2(f);
      if (std::fabs(out - r) > 1.0001 * fp8Ulp(r, k) + absSlack)
        ++offByMoreThanOneCode;
    }
  }
  double relFro() const {
    return sumSqRef > 0 ? std::sqrt(sumSqErr / sumSqRef) : std::sqrt(sumSqErr);
  }
};

/// Written-down bounds (docs/gpu.md): relative Frobenius error of the output
/// against the exact result. fp8 wgmma accumulates in reduced precision
/// (about 2e-3 relative measured at K = 512 on an H200), bf16 adds its
/// rounding, fp8 outputs their own (3 or 2 mantissa bits).
double relBound(OutKind k) {
  switch (k) {
  case OUT_F32: return 2e-2;
  case OUT_BF16: return 2e-2;
  case OUT_E4M3: return 8e-2;
  default: return 1.5e-1;
  }
}

double cpuDot(const uint8_t *a, const uint8_t *b, int K, bool aE5, bool bE5,
              const float *lutA, const float *lutB) {
  (void)aE5;
  (void)bE5;
  double s = 0;
  for (int k = 0; k < K; ++k)
    s += double(lutA[a[k]]) * double(lutB[b[k]]);
  return s;
}


struct Verdict {
  Errors cpu, gpu;
  size_t unwritten = 0;
  bool ok = false;
};

/// Compares an output (bytes of C) with the CPU reference at `points` and,
/// if present, the GPU reference on every element, against the bounds.
Verdict judge(const Variant &v, const std::vector<uint8_t> &C, size_t M,
              size_t N, int K,
              const std::vector<std::pair<size_t, size_t>> &points,
              const std::vector<double> &ref,
              const std::vector<float> &gpuRef, bool haveGpuRef) {
  double cpuSq = 0, gpuSq = 0;
  for (double r : ref)
    cpuSq += r * r;
  if (haveGpuRef)
    for (float r : gpuRef)
      gpuSq += double(r) * r;
  Verdict vd;
  vd.cpu =
      Errors(std::sqrt(cpuSq / double(std::max<size_t>(ref.size(), 1))), K);
  vd.gpu = Errors(
      std::sqrt(gpuSq / double(std::max<size_t>(gpuRef.size(), 1))), K);
  for (size_t i = 0; i < points.size(); ++i)
    vd.cpu.add(readOutput(C.data(), points[i].first * N + points[i].second,
                          v.out),
               ref[i], v.out);
  for (size_t i = 0; i < M * N; ++i) {
    float o = readOutput(C.data(), i, v.out);
    if (std::isnan(o))
      ++vd.unwritten;
    if (haveGpuRef)
      vd.gpu.add(o, gpuRef[i], v.out);
  }
  vd.ok = vd.cpu.nan == 0 && vd.unwritten == 0 &&
          vd.cpu.relFro() <= relBound(v.out) &&
          vd.cpu.offByMoreThanOneCode == 0 &&
          (!haveGpuRef || (vd.gpu.relFro() <= relBound(v.out) &&
                           vd.gpu.offByMoreThanOneCode == 0));
  return vd;
}

/// Bytes of one output element in the variant's format (RNE, saturating).
void writeOutput(uint8_t *c, size_t i, OutKind k, float x) {
  switch (k) {
  case OUT_E4M3: c[i] = uscale::floatToE4M3(x); return;
  case OUT_E5M2: c[i] = uscale::floatToE5M2(x); return;
  case OUT_BF16: {
    uint32_t u;
    std::memcpy(&u, &x, 4);
    uint16_t b = uint16_t((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
    std::memcpy(c + 2 * i, &b, 2);
    return;
  }
  default:
    std::memcpy(c + 4 * i, &x, 4);
  }
}

// --- driver -----------------------------------------------------------------

struct Size {
  int M, N, K;
};

std::vector<Size> parseSizes(const std::string &s) {
  std::vector<Size> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    std::string one = s.substr(pos, end == std::string::npos ? end : end - pos);
    Size z{};
    if (std::sscanf(one.c_str(), "%dx%dx%d", &z.M, &z.N, &z.K) != 3) {
      std::fprintf(stderr, "bad size '%s' (want MxNxK)\n", one.c_str());
      std::exit(2);
    }
    out.push_back(z);
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return out;
}

/// "BxMxNxK,...": batched sizes (attention's: 64x256x256x128).
std::vector<std::pair<int, Size>> parseBatchedSizes(const std::string &s) {
  std::vector<std::pair<int, Size>> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    std::string one = s.substr(pos, end == std::string::npos ? end : end - pos);
    int b = 0;
    Size z{};
    if (std::sscanf(one.c_str(), "%dx%dx%dx%d", &b, &z.M, &z.N, &z.K) != 4 ||
        b < 1) {
      std::fprintf(stderr, "bad batched size '%s' (want BxMxNxK)\n",
                   one.c_str());
      std::exit(2);
    }
    out.push_back({b, z});
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return out;
}

struct Options {
  std::string mode;
  std::vector<Size> sizes;
  std::string cubinDir;
  std::vector<std::string> variants;
  std::vector<std::string> candidates; // NAME:BASE (bench/gpu/candidates)
  int iters = 50, warmup = 10;
  uint64_t seed = 1;
  size_t fullCheckLimit = size_t(1) << 31; // M*N*K up to this: every element
  // Batched checks (the batched entries): batch x M x N x K, per batch.
  std::vector<std::pair<int, Size>> batched;
};

int passed = 0, failed = 0, skipped = 0;

void report(bool ok) { ok ? ++passed : ++failed; }

bool wanted(const Options &o, const Variant &v) {
  if (o.variants.empty())
    return true;
  return std::find(o.variants.begin(), o.variants.end(), v.name) !=
         o.variants.end();
}

std::vector<uint8_t> readFile(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

/// How a cubin is launched: one CTA of 256 threads per 128 x tileN tile,
/// with the template's shared memory for that width (4 stages of 48 KiB
/// for 256, 3 of 32 KiB for 128). A tuning candidate (bench/gpu/candidates)
/// may say otherwise in <name>.launch beside its cubin:
/// "tile_n=256 threads=256 smem=147456".
struct LaunchConfig {
  int tileN = 256, threads = 256, smem = 196608;
  explicit LaunchConfig(int tile)
      : tileN(tile), smem(tile == 256 ? 196608 : 98304) {}
  bool read(const std::string &path) {
    std::ifstream f(path);
    if (!f)
      return true; // no sidecar: the defaults
    std::string word;
    while (f >> word) {
      size_t eq = word.find('=');
      if (eq == std::string::npos)
        return false;
      std::string key = word.substr(0, eq);
      int value = std::atoi(word.c_str() + eq + 1);
      if (key == "tile_n")
        tileN = value;
      else if (key == "threads")
        threads = value;
      else if (key == "smem")
        smem = value;
      else
        return false;
    }
    return tileN > 0 && tileN <= 256 && tileN % 128 == 0 && threads > 0 &&
           smem > 0;
  }
};

/// A kernel loaded from a cubin, launched directly (the same argument list
/// fp8-gemm-ptx.test pins down).
struct DirectKernel {
  void *module = nullptr, *function = nullptr;
  std::vector<uint8_t> image;
  LaunchConfig cfg;
  explicit DirectKernel(int tileN) : cfg(tileN) {}
  bool load(const std::string &path) {
    std::string stem = path.substr(0, path.rfind('.'));
    if (!cfg.read(stem + ".launch")) {
      std::fprintf(stderr, "bad launch sidecar %s.launch\n", stem.c_str());
      return false;
    }
    image = readFile(path);
    if (image.empty())
      return false;
    image.push_back(0);
    module = mgpuModuleLoad(image.data(), image.size());
    if (module)
      function = mgpuModuleGetFunction(module, "kernel");
    return function != nullptr;
  }
  ~DirectKernel() { mgpuModuleUnload(module); }
  bool fits(int64_t n) const { return n % cfg.tileN == 0; }
  /// Encodes the tensor maps (cached by the runtime) and launches.
  bool launch(Desc2 &a, Desc2 &b, Desc2 &c, float alpha, void *stream) {
    if (!fits(b.sizes[0]))
      return false;
    int64_t boxA[2] = {128, 128}, boxB[2] = {cfg.tileN, 128}; // rows, bytes
    // ui8 (0), no interleave, 128-byte swizzle (3), 256-byte L2 (3), zero.
    void *ta = mgpuTensorMapEncodeTiledMemref(2, &a, 0, 0, 3, 3, 0, boxA);
    void *tb = mgpuTensorMapEncodeTiledMemref(2, &b, 0, 0, 3, 3, 0, boxB);
    if (!ta || !tb)
      return false;
    int64_t numK = a.sizes[1] / 128;
    void *params[] = {&ta,           &tb,           &c.allocated,
                      &c.aligned,    &c.offset,     &c.sizes[0],
                      &c.sizes[1],   &c.strides[0], &c.strides[1],
                      &alpha,        &numK};
    // One CTA per 128 x tileN tile: x over N, y over M.
    mgpuLaunchKernel(function, b.sizes[0] / cfg.tileN, a.sizes[0] / 128, 1,
                     cfg.threads, 1, 1, cfg.smem, stream, params, nullptr,
                     11);
    return uscaleRuntimeTakeLastError() == 0;
  }
};

/// What check and bench run: the generated variants (entry point + cubin)
/// and tuning candidates (--candidates NAME:BASE, cubin only; formats of
/// the base variant).
struct Job {
  Variant v;
  std::string name;
  bool hasEntry;
};

std::vector<Job> jobs(const Options &o) {
  std::vector<Job> out;
  for (const Variant &v : kVariants)
    if (wanted(o, v))
      out.push_back({v, v.name, true});
  for (const std::string &spec : o.candidates) {
    size_t colon = spec.find(':');
    std::string base = colon == std::string::npos ? "" : spec.substr(colon + 1);
    const Variant *b = nullptr;
    for (const Variant &v : kVariants)
      if (base == v.name)
        b = &v;
    if (!b) {
      std::fprintf(stderr, "bad candidate '%s' (want NAME:fwd|dgrad|wgrad)\n",
                   spec.c_str());
      std::exit(2);
    }
    out.push_back({*b, spec.substr(0, colon), false});
  }
  for (Job &j : out)
    j.v.name = j.name.c_str(); // stable: out is not resized from here on
  return out;
}

void checkArgumentValidation() {
  // Runs without a GPU: the entry points reject bad shapes before touching
  // the runtime.
  for (const Variant &v : kVariants) {
    Desc2 a = makeDesc(nullptr, 128, 100), b = makeDesc(nullptr, 128, 100),
          c = makeDesc(nullptr, 128, 128 * v.outBytes);
    int32_t s1 = v.entry(&a, &b, &c, 1.0f);
    a = makeDesc(nullptr, 128, 256);
    b = makeDesc(nullptr, 256, 128);
    int32_t s2 = v.entry(&a, &b, &c, 1.0f);
    b = makeDesc(nullptr, 256, 256); // N = 256: a multiple of either tile
    c = makeDesc(nullptr, 128, 64); // C narrower than N * output bytes
    int32_t s3 = v.entry(&a, &b, &c, 1.0f);
    bool ok = s1 == 1 && s2 == 2 && s3 == 2;
    std::printf("CHECK variant=%s test=argument-validation status=%d,%d,%d "
                "result=%s\n",
                v.name, s1, s2, s3, ok ? "PASS" : "FAIL");
    report(ok);
    // The batched entry: 2 batches of 128 x 256 x 128 are accepted up to
    // the shape check (C one row short: 2), and the batch count is
    // checked: 0, more than the grid's z (65535), or not dividing the rows
    // of A and B (3 into 256 and 512): 1.
    a = makeDesc(nullptr, 256, 128);
    b = makeDesc(nullptr, 512, 128);
    c = makeDesc(nullptr, 255, 256 * v.outBytes);
    int32_t b1 = v.batched(&a, &b, &c, 1.0f, 2);
    c = makeDesc(nullptr, 256, 256 * v.outBytes);
    int32_t b2 = v.batched(&a, &b, &c, 1.0f, 0);
    int32_t b3 = v.batched(&a, &b, &c, 1.0f, 65536);
    int32_t b4 = v.batched(&a, &b, &c, 1.0f, 3);
    // 2 batches of 128 rows of A but 3 x 256 rows of B: N = 384 per batch,
    // C has 256 x bytes columns: shapes disagree.
    b = makeDesc(nullptr, 768, 128);
    int32_t b5 = v.batched(&a, &b, &c, 1.0f, 2);
    // (N = 384 is not a multiple of the 128 x 256 instances' tile: 1.)
    ok = b1 == 2 && b2 == 1 && b3 == 1 && b4 == 1 &&
         b5 == (v.tileN == 256 ? 1 : 2);
    std::printf("CHECK variant=%s test=batched-argument-validation "
                "status=%d,%d,%d,%d,%d result=%s\n",
                v.name, b1, b2, b3, b4, b5, ok ? "PASS" : "FAIL");
    report(ok);
  }
}


/// CPU-only test of the checker itself (what judge() accepts and rejects),
/// so that a device run is not wasted on a checker that fails good output
/// or passes bad output. For each variant's output format: an output equal
/// to the exact result plus accumulation-like noise (0.3% relative and
/// 1e-3 absolute, then rounded to the format) must pass; the same output
/// with two 128 x 128 tiles swapped, or with one element left unwritten
/// (0xFF poison), must fail.
/// The CPU reference of `batch` GEMMs on stacked operands (A [B x M, K],
/// Bm [B x N, K]) at `points`, (row of the stacked C, column): every
/// element when `full`, else the first and last rows and columns of each
/// batch and 4096 samples.
void batchedReference(const Variant &v, const std::vector<uint8_t> &A,
                      const std::vector<uint8_t> &Bm, size_t B, size_t M,
                      size_t N, size_t K, float alpha, bool full, Rng &rng,
                      std::vector<std::pair<size_t, size_t>> &points,
                      std::vector<double> &ref) {
  float lutA[256], lutB[256];
  for (int i = 0; i < 256; ++i) {
    lutA[i] = decode(uint8_t(i), v.aE5M2);
    lutB[i] = decode(uint8_t(i), v.bE5M2);
  }
  points.clear();
  if (full) {
    for (size_t r = 0; r < B * M; ++r)
      for (size_t n = 0; n < N; ++n)
        points.push_back({r, n});
  } else {
    for (size_t bt = 0; bt < B; ++bt)
      for (size_t n = 0; n < N; ++n) {
        points.push_back({bt * M, n});
        points.push_back({bt * M + M - 1, n});
      }
    for (size_t bt = 0; bt < B; ++bt)
      for (size_t m = 0; m < M; ++m) {
        points.push_back({bt * M + m, 0});
        points.push_back({bt * M + m, N - 1});
      }
    for (int i = 0; i < 4096; ++i)
      points.push_back({size_t(rng.next() % (B * M)), size_t(rng.next() % N)});
  }
  ref.resize(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    size_t row = points[i].first, bt = row / M;
    ref[i] = alpha * cpuDot(&A[row * K], &Bm[(bt * N + points[i].second) * K],
                            int(K), v.aE5M2, v.bE5M2, lutA, lutB);
  }
}

/// The batched checker on the CPU: outputs computed per batch (with noise)
/// pass; outputs computed as if a kernel forgot one operand's batch offset
/// (every batch reading batch 0's B, or its A) fail, with every element
/// compared and with the sampled points.
void runBatchedSelfTest(const Options &o) {
  const size_t B = 3, M = 128, N = 256, K = 128;
  const Variant &v = kVariants[0];
  Rng rng(o.seed + 7);
  std::vector<uint8_t> A = randomFp8(B * M * K, v.aE5M2, rng);
  std::vector<uint8_t> Bm = randomFp8(B * N * K, v.bE5M2, rng);
  const float alpha = float(1.0 / std::sqrt(double(K)));
  // Outputs for every element: per batch, or with batch 0's B or A.
  std::vector<std::pair<size_t, size_t>> all;
  std::vector<double> exact, noB, noA;
  std::vector<uint8_t> zeroA(A), zeroB(Bm);
  for (size_t bt = 1; bt < B; ++bt) {
    std::copy(Bm.begin(), Bm.begin() + N * K, zeroB.begin() + bt * N * K);
    std::copy(A.begin(), A.begin() + M * K, zeroA.begin() + bt * M * K);
  }
  batchedReference(v, A, Bm, B, M, N, K, alpha, true, rng, all, exact);
  batchedReference(v, A, zeroB, B, M, N, K, alpha, true, rng, all, noB);
  batchedReference(v, zeroA, Bm, B, M, N, K, alpha, true, rng, all, noA);
  auto output = [&](const std::vector<double> &vals, bool noisy) {
    std::vector<uint8_t> c(B * M * N * v.outBytes);
    for (size_t i = 0; i < vals.size(); ++i)
      writeOutput(c.data(), all[i].first * N + all[i].second, v.out,
                  float(noisy ? vals[i] * (1.0 + 3e-3 * rng.normal())
                              : vals[i]));
    return c;
  };
  struct Case {
    const char *name;
    std::vector<uint8_t> c;
    bool expectPass;
  } cases[] = {{"good", output(exact, true), true},
               {"b-offset-missing", output(noB, false), false},
               {"a-offset-missing", output(noA, false), false}};
  for (const Case &c : cases)
    for (int full = 0; full < 2; ++full) {
      std::vector<std::pair<size_t, size_t>> points;
      std::vector<double> ref;
      batchedReference(v, A, Bm, B, M, N, K, alpha, full == 1, rng, points,
                       ref);
      Verdict vd = judge(v, c.c, B * M, N, int(K), points, ref, {}, false);
      bool ok = vd.ok == c.expectPass;
      std::printf("CHECK variant=%s out=%s test=selftest-batched-%s-%s "
                  "rel_fro=%.3e judged=%s result=%s\n",
                  v.name, outName(v.out), c.name, full ? "full" : "sampled",
                  vd.cpu.relFro(), vd.ok ? "pass" : "fail",
                  ok ? "PASS" : "FAIL");
      report(ok);
    }
}

void runSelfTest(const Options &o) {
  const size_t M = 256, N = 256, K = 512;
  for (const Variant &v : kVariants) {
    if (v.tileN != 256)
      continue; // the _n128 instances have the same formats
    Rng rng(o.seed + 99);
    std::vector<uint8_t> A = randomFp8(M * K, v.aE5M2, rng);
    std::vector<uint8_t> B = randomFp8(N * K, v.bE5M2, rng);
    float lutA[256], lutB[256];
    for (int i = 0; i < 256; ++i) {
      lutA[i] = decode(uint8_t(i), v.aE5M2);
      lutB[i] = decode(uint8_t(i), v.bE5M2);
    }
    const double alpha = 1.0 / std::sqrt(double(K));
    std::vector<std::pair<size_t, size_t>> points;
    std::vector<double> ref;
    std::vector<float> fref;
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n) {
        points.push_back({m, n});
        ref.push_back(alpha * cpuDot(&A[m * K], &B[n * K], int(K), v.aE5M2,
                                     v.bE5M2, lutA, lutB));
        fref.push_back(float(ref.back()));
      }
    std::vector<uint8_t> good(M * N * v.outBytes);
    for (size_t i = 0; i < M * N; ++i) {
      double noisy = ref[i] * (1.0 + 3e-3 * rng.normal()) + 1e-3 * rng.normal();
      writeOutput(good.data(), i, v.out, float(noisy));
    }
    std::vector<uint8_t> swapped = good;
    const size_t rowBytes = N * v.outBytes, tileBytes = 128 * v.outBytes;
    for (size_t r = 0; r < 128; ++r)
      std::swap_ranges(swapped.begin() + r * rowBytes,
                       swapped.begin() + r * rowBytes + tileBytes,
                       swapped.begin() + r * rowBytes + tileBytes);
    std::vector<uint8_t> unwritten = good;
    std::memset(unwritten.data() + (M * N / 2 + 77) * v.outBytes, 0xFF,
                v.outBytes);
    struct Case {
      const char *name;
      const std::vector<uint8_t> *c;
      bool expectPass;
    } cases[] = {{"good", &good, true},
                 {"swapped-tiles", &swapped, false},
                 {"unwritten-element", &unwritten, false}};
    for (const Case &c : cases)
      for (int gpuRef = 0; gpuRef < 2; ++gpuRef) {
        Verdict vd = judge(v, *c.c, M, N, int(K), points, ref, fref, gpuRef == 1);
        bool ok = vd.ok == c.expectPass;
        std::printf("CHECK variant=%s out=%s test=selftest-%s%s "
                    "rel_fro=%.3e off_by_2plus_codes=%zu nan=%zu judged=%s "
                    "result=%s\n",
                    v.name, outName(v.out), c.name,
                    gpuRef ? "+gpu-ref" : "", vd.cpu.relFro(),
                    vd.cpu.offByMoreThanOneCode, vd.unwritten,
                    vd.ok ? "pass" : "fail", ok ? "PASS" : "FAIL");
        report(ok);
      }
  }
  runBatchedSelfTest(o);
}

/// The batched entry of `v` on `batch` GEMMs of M x N x K stacked along
/// their rows, against a CPU reference in double: every element of every
/// batch when batch x M x N x K is at most --full-check-limit, else the
/// first and last rows and columns of each batch and 4096 samples. A wrong
/// batch offset (A's, B's or C's) reads or writes another batch's rows:
/// those elements are off by O(1), and unwritten ones are NaN.
void checkBatched(const Options &o, const Variant &v, int batch, Size z,
                  void *stream) {
  if (z.N % v.tileN) {
    std::printf("CHECK variant=%s batch=%d M=%d N=%d K=%d result=SKIP (N is "
                "not a multiple of the tile width)\n",
                v.name, batch, z.M, z.N, z.K);
    return;
  }
  Rng rng(o.seed * 7919 + batch * 101 + z.M * 31 + z.N * 17 + z.K);
  const size_t B = batch, M = z.M, N = z.N, K = z.K;
  std::vector<uint8_t> A = randomFp8(B * M * K, v.aE5M2, rng);
  std::vector<uint8_t> Bm = randomFp8(B * N * K, v.bE5M2, rng);
  const float alpha = float(1.0 / std::sqrt(double(K)));
  void *dA = mgpuMemAlloc(A.size(), stream, false);
  void *dB = mgpuMemAlloc(Bm.size(), stream, false);
  void *dC = mgpuMemAlloc(B * M * N * v.outBytes, stream, false);
  if (!dA || !dB || !dC) {
    std::printf("CHECK variant=%s batch=%zu M=%zu N=%zu K=%zu result=FAIL "
                "(allocation: %s)\n",
                v.name, B, M, N, K, uscaleRuntimeLastErrorMessage());
    report(false);
    return;
  }
  uscaleMemcpyHtoD(dA, A.data(), A.size());
  uscaleMemcpyHtoD(dB, Bm.data(), Bm.size());
  mgpuMemset32(dC, 0xFFFFFFFFu, B * M * N * v.outBytes / 4, stream);
  mgpuStreamSynchronize(stream);
  Desc2 a = makeDesc(dA, B * M, K), b = makeDesc(dB, B * N, K),
        c = makeDesc(dC, B * M, N * v.outBytes);
  int32_t status = v.batched(&a, &b, &c, alpha, batch);
  mgpuStreamSynchronize(stream);
  bool launched = status == 0 && uscaleRuntimeTakeLastError() == 0;
  std::vector<uint8_t> C(B * M * N * v.outBytes);
  uscaleMemcpyDtoH(C.data(), dC, C.size());
  mgpuMemFree(dA, stream);
  mgpuMemFree(dB, stream);
  mgpuMemFree(dC, stream);
  if (!launched) {
    std::printf("CHECK variant=%s path=batched batch=%zu M=%zu N=%zu K=%zu "
                "result=FAIL (status %d: %s)\n",
                v.name, B, M, N, K, status, uscaleRuntimeLastErrorMessage());
    report(false);
    return;
  }
  bool full = B * M * N * K <= o.fullCheckLimit;
  std::vector<std::pair<size_t, size_t>> points;
  std::vector<double> ref;
  batchedReference(v, A, Bm, B, M, N, K, alpha, full, rng, points, ref);
  Verdict vd = judge(v, C, B * M, N, z.K, points, ref, {}, false);
  std::printf("CHECK variant=%s out=%s path=batched batch=%zu M=%zu N=%zu "
              "K=%zu cpu=%s:%zu rel_fro=%.3e max_abs=%.3e "
              "off_by_2plus_codes=%zu nan=%zu bound=%.0e result=%s\n",
              v.name, outName(v.out), B, M, N, K, full ? "full" : "sampled",
              vd.cpu.compared, vd.cpu.relFro(), vd.cpu.maxAbs,
              vd.cpu.offByMoreThanOneCode, vd.unwritten, relBound(v.out),
              vd.ok ? "PASS" : "FAIL");
  report(vd.ok);
}

void runCheck(const Options &o) {
  checkArgumentValidation();
  if (!uscaleRuntimeAvailable()) {
    std::printf("SKIP: no usable GPU (%s); GPU checks not run\n",
                uscaleRuntimeLastErrorMessage());
    ++skipped;
    return;
  }
  if (int cc = uscaleRuntimeComputeCapability(); cc < 90 || cc >= 100) {
    std::printf("SKIP: the GPU is sm_%d, the kernels need sm_90a (Hopper); "
                "GPU checks not run\n",
                cc);
    ++skipped;
    return;
  }
  uscaleRuntimeTakeLastError();
  void *stream = mgpuStreamCreate();
  for (const Job &job : jobs(o)) {
    const Variant &v = job.v;
    DirectKernel direct(v.tileN);
    bool haveDirect = false;
    if (!o.cubinDir.empty()) {
      haveDirect = direct.load(o.cubinDir + "/" + v.name + ".cubin");
      if (!haveDirect) {
        std::printf("CHECK variant=%s test=load-cubin result=FAIL (%s)\n",
                    v.name, uscaleRuntimeLastErrorMessage());
        report(false);
      }
    }
    float lutA[256], lutB[256];
    for (int i = 0; i < 256; ++i) {
      lutA[i] = decode(uint8_t(i), v.aE5M2);
      lutB[i] = decode(uint8_t(i), v.bE5M2);
    }
    for (const Size &z : o.sizes) {
      if (z.N % v.tileN || !direct.fits(z.N)) {
        std::printf("CHECK variant=%s M=%d N=%d K=%d result=SKIP (N is not "
                    "a multiple of the tile width)\n",
                    v.name, z.M, z.N, z.K);
        continue;
      }
      Rng rng(o.seed * 1000003 + z.M * 31 + z.N * 17 + z.K);
      const size_t M = z.M, N = z.N, K = z.K;
      std::vector<uint8_t> A = randomFp8(M * K, v.aE5M2, rng);
      std::vector<uint8_t> B = randomFp8(N * K, v.bE5M2, rng);
      const float alpha = float(1.0 / std::sqrt(double(K)));
      void *dA = mgpuMemAlloc(A.size(), stream, false);
      void *dB = mgpuMemAlloc(B.size(), stream, false);
      void *dC = mgpuMemAlloc(M * N * v.outBytes, stream, false);
      if (!dA || !dB || !dC) {
        std::printf("CHECK variant=%s M=%zu N=%zu K=%zu result=FAIL "
                    "(allocation: %s)\n",
                    v.name, M, N, K, uscaleRuntimeLastErrorMessage());
        report(false);
        continue;
      }
      uscaleMemcpyHtoD(dA, A.data(), A.size());
      uscaleMemcpyHtoD(dB, B.data(), B.size());
      Desc2 a = makeDesc(dA, M, K), b = makeDesc(dB, N, K),
            c = makeDesc(dC, M, N * v.outBytes);

      std::vector<float> gpuRef;
#ifdef __CUDACC__
      bool haveGpuRef = gpuReference(v, dA, dB, z.M, z.N, z.K, alpha, gpuRef);
#else
      bool haveGpuRef = false;
#endif
      // CPU reference elements: all, or rows/columns/samples.
      bool full = M * N * K <= o.fullCheckLimit;
      std::vector<std::pair<size_t, size_t>> points;
      if (full) {
        for (size_t m = 0; m < M; ++m)
          for (size_t n = 0; n < N; ++n)
            points.push_back({m, n});
      } else {
        size_t rows[] = {0, M - 1, size_t(rng.next() % M)};
        size_t cols[] = {0, N - 1, size_t(rng.next() % N)};
        for (size_t r : rows)
          for (size_t n = 0; n < N; ++n)
            points.push_back({r, n});
        for (size_t cc : cols)
          for (size_t m = 0; m < M; ++m)
            points.push_back({m, cc});
        for (int i = 0; i < 4096; ++i)
          points.push_back({size_t(rng.next() % M), size_t(rng.next() % N)});
      }
      std::vector<double> ref(points.size());
      for (size_t i = 0; i < points.size(); ++i)
        ref[i] = alpha * cpuDot(&A[points[i].first * K],
                                &B[points[i].second * K], z.K, v.aE5M2,
                                v.bE5M2, lutA, lutB);

      for (int path = 0; path < 2; ++path) {
        if ((path == 1 && !haveDirect) || (path == 0 && !job.hasEntry))
          continue;
        const char *pathName = path == 0 ? "entry" : "direct";
        // Poison: 0xFF bytes are NaN in f32, bf16, E4M3 and E5M2.
        mgpuMemset32(dC, 0xFFFFFFFFu, M * N * v.outBytes / 4, stream);
        mgpuStreamSynchronize(stream);
        bool launched;
        if (path == 0) {
          int32_t status = v.entry(&a, &b, &c, alpha);
          launched = status == 0 && uscaleRuntimeTakeLastError() == 0;
        } else {
          launched = direct.launch(a, b, c, alpha, stream);
          mgpuStreamSynchronize(stream);
          launched = launched && uscaleRuntimeTakeLastError() == 0;
        }
        std::vector<uint8_t> C(M * N * v.outBytes);
        uscaleMemcpyDtoH(C.data(), dC, C.size());
        if (!launched) {
          std::printf("CHECK variant=%s path=%s M=%zu N=%zu K=%zu "
                      "result=FAIL (launch: %s)\n",
                      v.name, pathName, M, N, K,
                      uscaleRuntimeLastErrorMessage());
          report(false);
          continue;
        }
        Verdict vd = judge(v, C, M, N, z.K, points, ref, gpuRef, haveGpuRef);
        std::printf(
            "CHECK variant=%s out=%s path=%s M=%zu N=%zu K=%zu cpu=%s:%zu "
            "rel_fro=%.3e max_abs=%.3e off_by_2plus_codes=%zu nan=%zu "
            "gpu_ref_rel_fro=%s bound=%.0e result=%s\n",
            v.name, outName(v.out), pathName, M, N, K,
            full ? "full" : "sampled", vd.cpu.compared, vd.cpu.relFro(),
            vd.cpu.maxAbs, vd.cpu.offByMoreThanOneCode, vd.unwritten,
            haveGpuRef ? std::to_string(vd.gpu.relFro()).c_str() : "n/a",
            relBound(v.out), vd.ok ? "PASS" : "FAIL");
        bool ok = vd.ok;
        report(ok);
      }
      mgpuMemFree(dA, stream);
      mgpuMemFree(dB, stream);
      mgpuMemFree(dC, stream);
    }
    if (job.hasEntry)
      for (const auto &[batch, z] : o.batched)
        checkBatched(o, v, batch, z, stream);
  }
  mgpuStreamDestroy(stream);
}

void runBench(const Options &o) {
  if (!uscaleRuntimeAvailable()) {
    std::printf("SKIP: no usable GPU (%s); nothing timed\n",
                uscaleRuntimeLastErrorMessage());
    ++skipped;
    return;
  }
  if (int cc = uscaleRuntimeComputeCapability(); cc < 90 || cc >= 100) {
    std::printf("SKIP: the GPU is sm_%d, the kernels need sm_90a (Hopper); "
                "nothing timed\n",
                cc);
    ++skipped;
    return;
  }
  uscaleRuntimeTakeLastError();
  void *stream = mgpuStreamCreate();
  void *e0 = uscaleEventCreateTimed(), *e1 = uscaleEventCreateTimed();
  for (const Job &job : jobs(o)) {
    const Variant &v = job.v;
    DirectKernel direct(v.tileN);
    if (!direct.load(o.cubinDir + "/" + v.name + ".cubin")) {
      std::printf("BENCH variant=%s result=FAIL (cannot load %s/%s.cubin: "
                  "%s)\n",
                  v.name, o.cubinDir.c_str(), v.name,
                  uscaleRuntimeLastErrorMessage());
      report(false);
      continue;
    }
    for (const Size &z : o.sizes) {
      if (!direct.fits(z.N)) {
        std::printf("BENCH variant=%s M=%d N=%d K=%d result=SKIP (tile)\n",
                    v.name, z.M, z.N, z.K);
        continue;
      }
      const size_t M = z.M, N = z.N, K = z.K;
      constexpr int kSets = 3;
      Rng rng(o.seed + 7);
      std::vector<Desc2> as, bs, cs;
      std::vector<void *> buffers;
      bool ok = true;
      for (int s = 0; s < kSets && ok; ++s) {
        std::vector<uint8_t> A = randomFp8(M * K, v.aE5M2, rng);
        std::vector<uint8_t> B = randomFp8(N * K, v.bE5M2, rng);
        void *dA = mgpuMemAlloc(A.size(), stream, false);
        void *dB = mgpuMemAlloc(B.size(), stream, false);
        void *dC = mgpuMemAlloc(M * N * v.outBytes, stream, false);
        ok = dA && dB && dC;
        if (!ok)
          break;
        uscaleMemcpyHtoD(dA, A.data(), A.size());
        uscaleMemcpyHtoD(dB, B.data(), B.size());
        buffers.insert(buffers.end(), {dA, dB, dC});
        as.push_back(makeDesc(dA, M, K));
        bs.push_back(makeDesc(dB, N, K));
        cs.push_back(makeDesc(dC, M, N * v.outBytes));
      }
      const float alpha = float(1.0 / std::sqrt(double(K)));
      std::vector<float> times;
      for (int i = 0; ok && i < o.warmup + o.iters; ++i) {
        int s = i % kSets;
        mgpuEventRecord(e0, stream);
        ok = direct.launch(as[s], bs[s], cs[s], alpha, stream);
        mgpuEventRecord(e1, stream);
        mgpuEventSynchronize(e1);
        float ms = uscaleEventElapsedMs(e0, e1);
        ok = ok && ms > 0 && uscaleRuntimeTakeLastError() == 0;
        if (i >= o.warmup)
          times.push_back(ms);
      }
      // The generated entry point (stream create/sync/destroy per call).
      std::vector<double> entryTimes;
      for (int i = 0; ok && job.hasEntry && i < std::min(o.iters, 20) + 3;
           ++i) {
        int s = i % kSets;
        auto t0 = std::chrono::steady_clock::now();
        ok = v.entry(&as[s], &bs[s], &cs[s], alpha) == 0;
        auto t1 = std::chrono::steady_clock::now();
        if (i >= 3)
          entryTimes.push_back(
              std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      ok = ok && uscaleRuntimeTakeLastError() == 0;
      if (ok) {
        std::sort(times.begin(), times.end());
        std::sort(entryTimes.begin(), entryTimes.end());
        double med = times[times.size() / 2];
        double entryMed = entryTimes.empty()
                              ? std::nan("")
                              : entryTimes[entryTimes.size() / 2];
        double flops = 2.0 * double(M) * double(N) * double(K);
        std::printf("BENCH variant=%s out=%s M=%zu N=%zu K=%zu "
                    "median_ms=%.4f min_ms=%.4f max_ms=%.4f tflops=%.1f "
                    "entry_median_ms=%.4f entry_tflops=%.1f iters=%zu\n",
                    v.name, outName(v.out), M, N, K, med, times.front(),
                    times.back(), flops / (med * 1e-3) / 1e12, entryMed,
                    flops / (entryMed * 1e-3) / 1e12, times.size());
      } else {
        std::printf("BENCH variant=%s M=%zu N=%zu K=%zu result=FAIL (%s)\n",
                    v.name, M, N, K, uscaleRuntimeLastErrorMessage());
      }
      report(ok);
      for (void *p : buffers)
        mgpuMemFree(p, stream);
    }
  }
  mgpuEventDestroy(e0);
  mgpuEventDestroy(e1);
  mgpuStreamDestroy(stream);
}

void usage() {
  std::fprintf(
      stderr,
      "usage: fp8_gemm_harness check|bench|selftest [--sizes MxNxK,...] "
      "[--cubin-dir DIR] [--variants fwd,dgrad,wgrad] "
      "[--candidates NAME:BASE,...] [--iters N] "
      "[--warmup N] [--seed N] [--full-check-limit MNK] "
      "[--batched BxMxNxK,...]\n");
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  if (argc < 2) {
    usage();
    return 2;
  }
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--sizes")
      o.sizes = parseSizes(value());
    else if (arg == "--cubin-dir")
      o.cubinDir = value();
    else if (arg == "--variants") {
      std::string s = value();
      size_t pos = 0;
      while (pos <= s.size()) {
        size_t end = s.find(',', pos);
        o.variants.push_back(s.substr(pos, end - pos));
        if (end == std::string::npos)
          break;
        pos = end + 1;
      }
    } else if (arg == "--candidates") {
      std::string s = value();
      for (size_t pos = 0; pos <= s.size();) {
        size_t end = s.find(',', pos);
        o.candidates.push_back(s.substr(pos, end - pos));
        if (end == std::string::npos)
          break;
        pos = end + 1;
      }
    } else if (arg == "--iters")
      o.iters = std::atoi(value().c_str());
    else if (arg == "--warmup")
      o.warmup = std::atoi(value().c_str());
    else if (arg == "--seed")
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--batched")
      o.batched = parseBatchedSizes(value());
    else if (arg == "--full-check-limit")
      o.fullCheckLimit = std::strtoull(value().c_str(), nullptr, 10);
    else {
      usage();
      return 2;
    }
  }
  if (o.sizes.empty())
    o.sizes = o.mode == "bench"
                  ? parseSizes("4096x4096x4096,8192x8192x8192,8192x2048x8192")
                  : parseSizes("128x128x128,256x384x512,1024x1024x1024");
  std::vector<Size> all = o.sizes;
  for (const auto &bz : o.batched)
    all.push_back(bz.second);
  for (const Size &z : all)
    if (z.M % 128 || z.N % 128 || z.K % 128 || z.M <= 0 || z.N <= 0 ||
        z.K <= 0) {
      std::fprintf(stderr, "sizes must be positive multiples of 128\n");
      return 2;
    }
  if (o.iters < 1)
    o.iters = 1;
  if (o.mode == "check")
    runCheck(o);
  else if (o.mode == "selftest")
    runSelfTest(o);
  else if (o.mode == "bench") {
    if (o.cubinDir.empty()) {
      std::fprintf(stderr, "bench needs --cubin-dir\n");
      return 2;
    }
    runBench(o);
  } else {
    usage();
    return 2;
  }
  std::printf("SUMMARY passed=%d failed=%d skipped=%d\n", passed, failed,
              skipped);
  return failed ? 1 : 0;
}
