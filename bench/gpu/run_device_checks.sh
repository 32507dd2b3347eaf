#!/usr/bin/env bash
# GPU checks of the generated FP8 GEMMs, in one call of the device tool
# (see bench/gpu/README.md). Prepare on the build machine first:
#   bench/gpu/prepare.sh            # -> device-carry/fp8-gemm (git-ignored)
# then on the device (repository root, carry=["device-carry"]):
#   bash bench/gpu/run_device_checks.sh [ARTIFACTS]
# Steps, each under a timeout so one hang cannot eat the lease, and all
# under one budget (BUDGET seconds, default 400: give the device tool a
# timeout_s about 30 s longer): a step whose turn comes too late is skipped
# with a note, in the order of importance below.
#   1. the GPU, driver and clocks as found
#   2. the runtime's gtests (GPU tests enabled there)
#   3. correctness of fwd/dgrad/wgrad through the generated entry point and
#      direct launches, against CPU (double) and GPU references, and of the
#      batched entry points (BATCHED_SIZES) against the CPU; then of the
#      tuning candidates (bench/gpu/candidates, direct launches)
#   3b. the FP8 cast kernels (pair-per-thread and tiled), every byte
#      against the CPU's rounding, then timed side by side
#      (fp8_cast_harness)
#   6. train steps of models compiled --device gpu vs the same models on the
#      CPU (bench/gpu/train_step_check.sh; prepared by prepare_train_step.sh
#      into device-carry/train-step, skipped with a note if that is missing)
#   7. the transformer-block train step beside PyTorch bf16
#      (bench/gpu/block_step_bench.sh, same artifacts as step 6)
#   4. timing of the generated kernels and the candidates (CUDA events,
#      median)
#   5. torch._scaled_mm (cuBLASLt FP8) and bf16 matmul at the same sizes
#   (4 and 5 run after 6 and 7 since session 8: they measure what sessions
#   4 and 5 measured already, and the block step is the open target)
#   8. a markdown summary (last in the output), and every log, the
#      train-step CSVs included, in $OUT/logs.tar.gz
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${1:-$ROOT/device-carry/fp8-gemm}"
LOG="${OUT:-$ROOT/bench/out/gpu}"
CHECK_SIZES="${CHECK_SIZES:-128x128x128,256x384x512,1024x1024x1024,4096x4096x4096,8192x2048x8192}"
CAND_SIZES="${CAND_SIZES:-256x512x512,1024x1024x1024,4096x4096x4096,8192x2048x8192}"
BENCH_SIZES="${BENCH_SIZES:-4096x4096x4096,8192x8192x8192,8192x2048x8192}"
# Batched GEMMs (the batched entries): attention's in the block step, 64
# heads x batch of 256 x 256 x 128 (scores, dS K, dS^T Q) and 256 x 128 x
# 256 (P V, P^T dO), and an uneven one.
BATCHED_SIZES="${BATCHED_SIZES:-64x256x256x128,64x256x128x256,3x384x512x256}"
BUDGET="${BUDGET:-400}"
CANDIDATES="$(cat "$ART/candidates.txt" 2>/dev/null || true)"
mkdir -p "$LOG"
cd "$ROOT"
status=0
step() { echo; echo "=== $* [t=${SECONDS}s]"; }
# limit N: N seconds, or what is left of the budget less a reserve for the
# summary; 0 when too little is left to start the step.
limit() {
  local left=$((BUDGET - SECONDS - 15))
  ((left < 10)) && { echo 0; return; }
  echo $(($1 < left ? $1 : left))
}
# timed N LOGFILE CMD...: CMD under `timeout (limit N)`, output to the
# screen and LOGFILE; a step skipped for lack of time says so. Sets rc.
timed() {
  local t; t=$(limit "$1"); local logf=$2; shift 2
  if ((t == 0)); then
    echo "SKIPPED: out of time budget ($BUDGET s)" | tee "$logf"; rc=1; return
  fi
  timeout "$t" "$@" 2>&1 | tee "$logf"
  rc=${PIPESTATUS[0]}
  ((rc == 124)) && echo "TIMEOUT after $t s" | tee -a "$logf"
}

step "1. machine"
{ date -u +%Y-%m-%dT%H:%M:%SZ
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm,power.limit,temperature.gpu --format=csv
  nvcc --version 2>/dev/null | tail -1
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
timed 60 "$LOG/runtime-tests.txt" "$ART/UScaleRuntimeTests" --gtest_brief=1
((rc == 0)) || status=1

step "3. correctness ($CHECK_SIZES; candidates: $CAND_SIZES)"
"$HARNESS" selftest 2>&1 | tail -1 | tee "$LOG/selftest.txt"
timed 150 "$LOG/check.txt" "$HARNESS" check --cubin-dir "$ART" --sizes "$CHECK_SIZES" \
  --batched "$BATCHED_SIZES"
((rc == 0)) || status=1
# On the device a skipped check is a failure: the GPU was not usable.
if grep -q "^SKIP" "$LOG/check.txt"; then
  echo "no usable GPU: the checks did not run"; status=1
fi
if [[ -n "$CANDIDATES" ]]; then
  timed 90 "$LOG/check-candidates.txt" "$HARNESS" check --cubin-dir "$ART" \
    --variants none --candidates "$CANDIDATES" --sizes "$CAND_SIZES"
  # A failing candidate is a finding, not a failure of the shipped kernels.
fi

step "3b. FP8 cast kernels: every byte, then timed"
if [[ -x "$ART/fp8_cast_harness" ]]; then
  timed 60 "$LOG/casts.txt" "$ART/fp8_cast_harness" check --big
  ((rc == 0)) || status=1
  grep -q "^SKIP" "$LOG/casts.txt" && status=1
  timed 40 "$LOG/casts-bench.txt" "$ART/fp8_cast_harness" bench
  ((rc == 0)) || status=1
else
  echo "not prepared (bench/gpu/prepare.sh): skipped" | tee "$LOG/casts.txt"
fi

TRAIN_ART="${TRAIN_ART:-$ROOT/device-carry/train-step}"
TRAIN_LOG="${TRAIN_LOG:-$ROOT/bench/out/gpu/train-step}"
export TRAIN_LOG
step "6. train steps, GPU vs CPU libraries ($TRAIN_ART)"
if [[ -x "$TRAIN_ART/unit-scale-run" ]]; then
  timed 200 "$LOG/train-step.txt" bash bench/gpu/train_step_check.sh "$TRAIN_ART"
  ((rc == 0)) || status=1
else
  echo "not prepared (bench/gpu/prepare_train_step.sh): skipped" | tee "$LOG/train-step.txt"
fi

step "7. transformer-block train step vs PyTorch bf16"
if [[ -f "$TRAIN_ART/gpu/libblock.so" ]]; then
  timed 180 "$LOG/block.txt" bash bench/gpu/block_step_bench.sh "$TRAIN_ART"
else
  echo "not prepared (bench/gpu/prepare_train_step.sh): skipped" | tee "$LOG/block.txt"
fi

step "4. generated kernels and candidates, timed ($BENCH_SIZES)"
timed 120 "$LOG/bench.txt" "$HARNESS" bench --cubin-dir "$ART" \
  ${CANDIDATES:+--candidates "$CANDIDATES"} --sizes "$BENCH_SIZES" --iters 50 --warmup 10
((rc == 0)) || status=1

step "5. torch baselines"
timed 90 "$LOG/torch.txt" python3 bench/gpu/bench_torch_fp8.py --sizes "$BENCH_SIZES" --iters 50 --warmup 10
((rc == 0)) || status=1

step "8. summary"
cat "$LOG/check-candidates.txt" >> "$LOG/check.txt" 2>/dev/null
python3 bench/gpu/summarize.py "$LOG/check.txt" "$LOG/bench.txt" "$LOG/torch.txt" > "$LOG/summary.md"
[[ $? -eq 0 ]] || status=1
if [[ -f "$TRAIN_LOG/compare.md" ]]; then
  { echo; echo "## Train steps (GPU vs CPU library)"; echo
    cat "$TRAIN_LOG/compare.md"; } >> "$LOG/summary.md"
fi
if [[ -f "$LOG/casts.txt" ]]; then
  { echo; echo "## FP8 casts"; echo
    grep -E "^SUMMARY" "$LOG/casts.txt" | sed 's/^/check: /'
    grep -E "result=FAIL" "$LOG/casts.txt"
    grep -E "^BENCH" "$LOG/casts-bench.txt" 2>/dev/null; } >> "$LOG/summary.md"
fi
if grep -q "^block step:" "$LOG/block.txt" 2>/dev/null; then
  { echo; echo "## Transformer-block train step"; echo
    grep -E "^(block step|torch-block|variant .*):" "$LOG/block.txt"; } >> "$LOG/summary.md"
fi
# Everything in one file ($OUT returns 8 files at most).
tar -czf "$LOG/logs.tar.gz" -C "$LOG" --exclude logs.tar.gz --exclude rebuild . \
  -C "$(dirname "$TRAIN_LOG")" "$(basename "$TRAIN_LOG")" 2>/dev/null
rm -rf "$LOG"/check-candidates.txt "$LOG"/selftest.txt "$LOG"/runtime-tests.txt "$LOG"/rebuild
cat "$LOG/summary.md"
echo "status=$status (t=${SECONDS}s; logs in $LOG, all of them in logs.tar.gz)"
exit $status
