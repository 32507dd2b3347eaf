#!/usr/bin/env bash
# GPU checks of the generated FP8 GEMMs, in one call of the device tool
# (see bench/gpu/README.md). Prepare on the build machine first:
#   bench/gpu/prepare.sh            # -> device-carry/fp8-gemm (git-ignored)
# then on the device (repository root, carry=["device-carry"]):
#   bash bench/gpu/run_device_checks.sh [ARTIFACTS]
# Steps, each under a timeout so one hang cannot eat the lease:
#   1. the GPU, driver and clocks as found
#   2. the runtime's gtests (GPU tests enabled there)
#   3. correctness of fwd/dgrad/wgrad through the generated entry point and
#      direct launches, against CPU (double) and GPU references
#   4. timing of the generated kernels (CUDA events, median)
#   5. torch._scaled_mm (cuBLASLt FP8) and bf16 matmul at the same sizes
#   6. train steps of models compiled --device gpu vs the same models on the
#      CPU (bench/gpu/train_step_check.sh; prepared by prepare_train_step.sh
#      into device-carry/train-step, skipped with a note if that is missing)
#   7. the transformer-block train step beside PyTorch bf16
#      (bench/gpu/block_step_bench.sh, same artifacts as step 6)
#   8. a markdown summary (last in the output; everything also under $OUT)
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${1:-$ROOT/device-carry/fp8-gemm}"
LOG="${OUT:-$ROOT/bench/out/gpu}"
CHECK_SIZES="${CHECK_SIZES:-128x128x128,256x384x512,1024x1024x1024,4096x4096x4096,8192x2048x8192}"
BENCH_SIZES="${BENCH_SIZES:-4096x4096x4096,8192x8192x8192,8192x2048x8192}"
mkdir -p "$LOG"
cd "$ROOT"
status=0
step() { echo; echo "=== $*"; }

step "1. machine"
{ date -u +%Y-%m-%dT%H:%M:%SZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,power.limit --format=csv
  cat "$ART/MANIFEST.txt" 2>/dev/null | head -8; } 2>&1 | tee "$LOG/machine.txt"

HARNESS="$ART/fp8_gemm_harness"
if ! "$HARNESS" check --sizes 128x128x128 --variants none >/dev/null 2>&1; then
  step "carried harness does not start here: rebuilding it with this machine's nvcc"
  mkdir -p "$LOG/rebuild/lib"
  g++ -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -Iruntime/include \
    runtime/lib/*.cpp -ldl -o "$LOG/rebuild/lib/libuscale_cuda_runtime.so" &&
  nvcc -std=c++17 -O2 -gencode=arch=compute_90a,code=sm_90a -Iruntime/include \
    -Iinclude bench/gpu/fp8_gemm_harness.cu lib/Support/FP8.cpp "$ART"/*_host.o \
    -L"$LOG/rebuild/lib" -luscale_cuda_runtime -Xlinker -rpath \
    -Xlinker "$LOG/rebuild/lib" -o "$LOG/rebuild/fp8_gemm_harness" &&
  HARNESS="$LOG/rebuild/fp8_gemm_harness" || status=1
fi

step "2. runtime gtests"
timeout 180 "$ART/UScaleRuntimeTests" --gtest_brief=1 2>&1 | tee "$LOG/runtime-tests.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

step "3. correctness ($CHECK_SIZES)"
"$HARNESS" selftest 2>&1 | tail -1 | tee "$LOG/selftest.txt"
timeout 300 "$HARNESS" check --cubin-dir "$ART" --sizes "$CHECK_SIZES" 2>&1 | tee "$LOG/check.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
# On the device a skipped check is a failure: the GPU was not usable.
if grep -q "^SKIP" "$LOG/check.txt"; then
  echo "no usable GPU: the checks did not run"; status=1
fi

step "4. generated kernels, timed ($BENCH_SIZES)"
timeout 300 "$HARNESS" bench --cubin-dir "$ART" --sizes "$BENCH_SIZES" --iters 50 --warmup 10 2>&1 | tee "$LOG/bench.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

step "5. torch baselines"
timeout 300 python3 bench/gpu/bench_torch_fp8.py --sizes "$BENCH_SIZES" --iters 50 --warmup 10 2>&1 | tee "$LOG/torch.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

TRAIN_ART="${TRAIN_ART:-$ROOT/device-carry/train-step}"
step "6. train steps, GPU vs CPU libraries ($TRAIN_ART)"
if [[ -x "$TRAIN_ART/unit-scale-run" ]]; then
  timeout 180 bash bench/gpu/train_step_check.sh "$TRAIN_ART" 2>&1 | tee "$LOG/train-step.txt"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
else
  echo "not prepared (bench/gpu/prepare_train_step.sh): skipped" | tee "$LOG/train-step.txt"
fi

step "7. transformer-block train step vs PyTorch bf16"
if [[ -f "$TRAIN_ART/gpu/libblock.so" ]]; then
  timeout 260 bash bench/gpu/block_step_bench.sh "$TRAIN_ART" 2>&1 | tee "$LOG/block.txt"
else
  echo "not prepared (bench/gpu/prepare_train_step.sh): skipped" | tee "$LOG/block.txt"
fi

step "8. summary"
python3 bench/gpu/summarize.py "$LOG/check.txt" "$LOG/bench.txt" "$LOG/torch.txt" | tee "$LOG/summary.md"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
TRAIN_LOG="${TRAIN_LOG:-$ROOT/bench/out/gpu/train-step}"
if [[ -f "$TRAIN_LOG/compare.md" ]]; then
  { echo; echo "## Train steps (GPU vs CPU library)"; echo
    cat "$TRAIN_LOG/compare.md"; } | tee -a "$LOG/summary.md"
fi
if grep -q "^block step:" "$LOG/block.txt" 2>/dev/null; then
  { echo; echo "## Transformer-block train step"; echo
    grep -E "^(block step|torch-block):" "$LOG/block.txt"; } | tee -a "$LOG/summary.md"
fi
echo "status=$status (logs in $LOG)"
exit $status
