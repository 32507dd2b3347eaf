#!/usr/bin/env bash
# The transformer-block train step on the GPU machine: the block of
# gen_block.py compiled here (unit-scaled, FP8, Adam, --device gpu: FP8
# GEMMs on the FP8 kernels, every other op as a loop kernel) beside the same
# model in PyTorch bf16 (bench_torch_block.py), in one run. Prepared by
# prepare_train_step.sh (device-carry/train-step/gpu/libblock.so); called by
# run_device_checks.sh (step 7) or alone:
#   bash bench/gpu/block_step_bench.sh [ARTIFACTS]
# Prints both step times (median) and their ratio. Exit 1 when either side
# fails to run; the ratio itself is reported, not judged.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${1:-$ROOT/device-carry/train-step}"
LOG="${TRAIN_LOG:-$ROOT/bench/out/gpu/train-step}"
# As bench_torch_block.py times PyTorch: WARMUP steps first (the first
# allocates its buffers; the GPU's clocks ramp up over the first few), then
# the median of the rest.
STEPS="${BLOCK_STEPS:-25}"
WARMUP="${BLOCK_WARMUP:-5}"
RUN="$ART/unit-scale-run"
# train_step_check.sh may have rebuilt the runner for this machine.
[[ -x "$LOG/rebuild/unit-scale-run" ]] && {
  RUN="$LOG/rebuild/unit-scale-run"
  export LD_LIBRARY_PATH="$LOG/rebuild${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}
read -r B T D H V < "$ART/block-dims.txt"
mkdir -p "$LOG"
status=0

echo "--- unit-scale block (B=$B T=$T D=$D H=$H V=$V): $STEPS steps, --device gpu"
timeout 60 "$RUN" train "$ART/gpu/libblock.so" --device gpu --steps "$STEPS" \
  --seed 1 --log "$LOG/block-gpu.csv" > "$LOG/block-gpu.txt" 2>&1 || status=1
cat "$LOG/block-gpu.txt"
# Where the step's time goes: the runtime's own profile, GPU work timed by
# CUDA events without synchronising (USCALE_PROFILE=events: kernels named
# #N after their module's load order, the N-th gpu.binary of the library).
# All rows, over the timed steps (the first step's allocations included).
echo "--- profile: $STEPS steps with USCALE_PROFILE=events"
USCALE_PROFILE=events USCALE_PROFILE_TOP=400 timeout 60 "$RUN" train \
  "$ART/gpu/libblock.so" --device gpu --steps "$STEPS" --seed 1 \
  > "$LOG/block-profile.txt" 2>&1
sed -n '/^uscale-profile:/,$p' "$LOG/block-profile.txt" | head -45
echo "--- PyTorch bf16, same model"
timeout 60 python3 "$ROOT/bench/gpu/bench_torch_block.py" --batch "$B" \
  --seq "$T" --width "$D" --heads "$H" --vocab "$V" 2>&1 |
  tee "$LOG/block-torch.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

python3 - "$LOG/block-gpu.csv" "$LOG/block-torch.txt" "$((B * T))" "$WARMUP" <<'PY'
import csv, re, statistics, sys
try:
    rows = list(csv.DictReader(open(sys.argv[1])))[int(sys.argv[4]):]
    ours = statistics.median(int(sys.argv[3]) / float(r["tokens_per_s"]) * 1e3
                             for r in rows)
    m = re.search(r"([0-9.]+) ms/step", open(sys.argv[2]).read())
    torch_ms = float(m.group(1))
except Exception as e:  # a side that did not run
    print(f"block step: no comparison ({e})")
    sys.exit(0)
print(f"block step: unit-scale FP8 {ours:.2f} ms (median of {len(rows)} steps "
      f"after {sys.argv[4]}), PyTorch bf16 {torch_ms:.2f} ms, "
      f"ratio {ours / torch_ms:.2f}x (target: below 1)")
PY
echo "block status=$status"
exit $status
