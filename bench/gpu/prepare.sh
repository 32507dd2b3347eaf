#!/usr/bin/env bash
# Builds, on a machine WITHOUT a GPU (this project's build machine: MLIR 22,
# CUDA 13 toolkit), everything bench/gpu/run_device_checks.sh needs on the
# GPU machine (which has nvcc and PyTorch but no MLIR):
#
#   <out>/src/<v>.mlir        the FP8 GEMM template instantiated per variant
#   <out>/<v>.ptx, <v>.cubin  the kernel (PTX from mlir-opt, ptxas sm_90a)
#   <out>/<v>.ptxas.txt       ptxas resource report (registers, spills, smem)
#   <out>/<v>_host.o          the generated host code (cubin embedded,
#                             _mlir_ciface_uscale_fp8_gemm_<v> entry point)
#   <out>/lib/libuscale_cuda_runtime.so
#   <out>/fp8_gemm_harness    bench/gpu/fp8_gemm_harness.cu built with nvcc
#                             (GPU reference kernel included)
#   <out>/cast_<f>_host.o     the FP8 cast template per format (both kernels
#                             embedded, the launcher _mlir_ciface_uscale_fp8_cast_<f>)
#   <out>/fp8_cast_harness    bench/gpu/fp8_cast_harness.cpp (C++)
#   <out>/UScaleRuntimeTests  the runtime's gtests (GPU tests run there)
#   <out>/<c>.cubin, <c>.launch  tuning candidates (bench/gpu/candidates),
#                             listed in <out>/candidates.txt
#   <out>/MANIFEST.txt        commit, tool versions, file hashes
#
# Usage: bench/gpu/prepare.sh [OUT_DIR]   (default: device-carry/fp8-gemm,
# git-ignored; pass carry=["device-carry"] to the device tool).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/device-carry/fp8-gemm}"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
CUDA_BIN="${CUDA_BIN:-/usr/local/cuda/bin}"
CXX="${CXX:-g++}"
PIPE='-gpu-lower-to-nvvm-pipeline=cubin-chip=sm_90a cubin-features=+ptx80 opt-level=3'
TEMPLATE="$ROOT/lib/Conversion/UScaleToNVGPU/templates/fp8_gemm.mlir.in"

rm -rf "$OUT"
mkdir -p "$OUT/src" "$OUT/lib"

# name  A  B  out-kind  out-bytes  tile-width  stages (docs/gpu.md,
# "Variants"): each variant as both instances the compiler picks from.
VARIANTS=(
  "fwd        f8E4M3FN f8E4M3FN 0 1 256 4"
  "dgrad      f8E5M2   f8E4M3FN 2 2 256 4"
  "wgrad      f8E4M3FN f8E5M2   3 4 256 4"
  "fwd_n128   f8E4M3FN f8E4M3FN 0 1 128 3"
  "dgrad_n128 f8E5M2   f8E4M3FN 2 2 128 3"
  "wgrad_n128 f8E4M3FN f8E5M2   3 4 128 3"
)
for spec in "${VARIANTS[@]}"; do
  read -r v a b kind bytes bn stages <<<"$spec"
  echo "== $v ($a x $b -> kind $kind, 128 x $bn tiles, $stages stages)"
  python3 "$ROOT/utils/instantiate-template.py" "$TEMPLATE" NAME="$v" \
    A_ELT="$a" B_ELT="$b" OUT_KIND="$kind" OUT_BYTES="$bytes" BN="$bn" \
    STAGES="$stages" LDC=$((bn + 8)) SYNC=true -o "$OUT/src/$v.mlir"
  # PTX (for inspection and the cubin used by direct launches).
  "$LLVM_BIN/mlir-opt" "$OUT/src/$v.mlir" "$PIPE cubin-format=isa" \
    -o "$OUT/src/$v.isa.mlir"
  python3 "$ROOT/utils/extract-gpu-binary.py" "$OUT/src/$v.isa.mlir" \
    -o "$OUT/$v.ptx"
  "$CUDA_BIN/ptxas" -arch=sm_90a -v "$OUT/$v.ptx" -o "$OUT/$v.cubin" \
    > "$OUT/$v.ptxas.txt" 2>&1
  grep -E "registers|spill" "$OUT/$v.ptxas.txt" | sed 's/^/   /'
  # Host code with the cubin embedded (loaded by mgpuModuleLoad at start).
  "$LLVM_BIN/mlir-opt" "$OUT/src/$v.mlir" "$PIPE cubin-format=bin" \
    | "$LLVM_BIN/mlir-translate" --mlir-to-llvmir -o "$OUT/src/${v}_host.ll"
  "$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic \
    "$OUT/src/${v}_host.ll" -o "$OUT/${v}_host.o"
done

echo "== cast kernels (both formats)"
CAST_TEMPLATE="$ROOT/lib/Conversion/UScaleToNVGPU/templates/fp8_cast.mlir.in"
for spec in "e4m3 f8E4M3FN" "e5m2 f8E5M2"; do
  read -r f elt <<<"$spec"
  python3 "$ROOT/utils/instantiate-template.py" "$CAST_TEMPLATE" NAME="$f" \
    ELT="$elt" -o "$OUT/src/cast_$f.mlir"
  "$LLVM_BIN/mlir-opt" "$OUT/src/cast_$f.mlir" "$PIPE cubin-format=bin" \
    | "$LLVM_BIN/mlir-translate" --mlir-to-llvmir -o "$OUT/src/cast_${f}_host.ll"
  "$LLVM_BIN/llc" -O2 -filetype=obj -relocation-model=pic \
    "$OUT/src/cast_${f}_host.ll" -o "$OUT/cast_${f}_host.o"
done

echo "== tuning candidates (bench/gpu/candidates)"
"$ROOT/bench/gpu/candidates/build.sh" "$OUT" | tee "$OUT/candidates.log"
tail -1 "$OUT/candidates.log" > "$OUT/candidates.txt"

echo "== runtime"
"$CXX" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden \
  -I"$ROOT/runtime/include" "$ROOT"/runtime/lib/*.cpp -ldl \
  -o "$OUT/lib/libuscale_cuda_runtime.so"

echo "== harness (nvcc)"
"$CUDA_BIN/nvcc" -std=c++17 -O2 -gencode=arch=compute_90a,code=sm_90a \
  -I"$ROOT/runtime/include" -I"$ROOT/include" \
  "$ROOT/bench/gpu/fp8_gemm_harness.cu" "$ROOT/lib/Support/FP8.cpp" \
  "$OUT"/*_host.o -L"$OUT/lib" -luscale_cuda_runtime \
  -Xlinker -rpath -Xlinker '$ORIGIN/lib' -o "$OUT/fp8_gemm_harness"

echo "== cast harness (C++)"
"$CXX" -std=c++17 -O2 -I"$ROOT/runtime/include" -I"$ROOT/include" \
  "$ROOT/bench/gpu/fp8_cast_harness.cpp" "$ROOT/lib/Support/FP8.cpp" \
  "$OUT"/cast_*_host.o -L"$OUT/lib" -luscale_cuda_runtime \
  -Wl,-rpath,'$ORIGIN/lib' -o "$OUT/fp8_cast_harness"

echo "== runtime gtests"
CUDA_INC=()
[[ -f /usr/local/cuda/include/cuda.h ]] && CUDA_INC=(-I/usr/local/cuda/include)
TESTS=("$ROOT"/unittests/Runtime/Runtime*Test.cpp)
[[ ${#CUDA_INC[@]} -gt 0 ]] && TESTS+=("$ROOT/unittests/Runtime/CudaHeaderCompatTest.cpp")
"$CXX" -std=c++17 -O1 -I"$ROOT/runtime/include" "${CUDA_INC[@]}" \
  "${TESTS[@]}" "$ROOT/runtime/lib/CudaDriver.cpp" \
  "$ROOT/runtime/lib/RuntimeLogic.cpp" \
  -L"$OUT/lib" -luscale_cuda_runtime -Wl,-rpath,'$ORIGIN/lib' \
  -lgtest_main -lgtest -lpthread -ldl -o "$OUT/UScaleRuntimeTests"

echo "== local smoke run (no GPU here: expect argument checks to pass, GPU skipped)"
"$OUT/fp8_gemm_harness" check --sizes 128x128x128 2>&1 | tail -2
"$OUT/fp8_cast_harness" check 2>&1 | tail -2
"$OUT/UScaleRuntimeTests" --gtest_brief=1 2>&1 | tail -1

{
  echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "dirty: $(git -C "$ROOT" status --porcelain -- runtime bench/gpu lib/Conversion/UScaleToNVGPU | wc -l) files"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mlir-opt: $("$LLVM_BIN/mlir-opt" --version | grep -i version | head -1)"
  echo "ptxas: $("$CUDA_BIN/ptxas" --version | tail -1)"
  echo "nvcc: $("$CUDA_BIN/nvcc" --version | tail -1)"
  echo "cxx: $("$CXX" --version | head -1)"
  (cd "$OUT" && sha256sum ./*.ptx ./*.cubin ./*.o fp8_gemm_harness fp8_cast_harness UScaleRuntimeTests lib/*.so)
} > "$OUT/MANIFEST.txt"
du -sh "$OUT"
echo "prepared $OUT"

# The train-step check (step 6 of run_device_checks.sh): models compiled
# with and without --device gpu, the runner, the text. Needs a build with
# unit-scale-compile (USCALE_BUILD_DIR, default build/).
if [[ $# -eq 0 ]]; then
  echo "== train-step artifacts"
  "$ROOT/bench/gpu/prepare_train_step.sh"
fi
