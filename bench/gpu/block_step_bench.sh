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
rm -f "$LOG/block-variants.txt"
status=0

echo "--- unit-scale block (B=$B T=$T D=$D H=$H V=$V): $STEPS steps, --device gpu"
timeout 60 "$RUN" train "$ART/gpu/libblock.so" --device gpu --steps "$STEPS" \
  --seed 1 --log "$LOG/block-gpu.csv" > "$LOG/block-gpu.txt" 2>&1 || status=1
cat "$LOG/block-gpu.txt"
# Where the step's time goes: the runtime's own profile, GPU work timed by
# CUDA events without synchronising (USCALE_PROFILE=events: kernels named
# #N after their module's load order, the N-th gpu.binary of the library).
# All rows, over the timed steps (the first step's allocations included).
# profile LIB KERNELS: LIB's timed steps under USCALE_PROFILE=events, the
# 45 longest rows, then the 30 longest again with what each kernel is
# (KERNELS: kernel_table.py's table of LIB, if there).
profile() {
  local lib=$1 kernels=$2 name
  name=$(basename "$lib" .so)
  name=${name#lib}
  echo "--- profile of $name: $STEPS steps with USCALE_PROFILE=events"
  USCALE_PROFILE=events USCALE_PROFILE_TOP=400 timeout 60 "$RUN" train \
    "$lib" --device gpu --steps "$STEPS" --seed 1 \
    > "$LOG/$name-profile.txt" 2>&1
  sed -n '/^uscale-profile:/,$p' "$LOG/$name-profile.txt" | head -45
  [[ -f "$kernels" ]] || return 0
  echo "--- the longest kernels of $name, described ($(basename "$kernels"))"
  python3 - "$LOG/$name-profile.txt" "$kernels" <<'PY'
import re, sys
table = {}
for line in open(sys.argv[2]):
    parts = line.rstrip('\n').split('\t')
    if parts[0].startswith('#') and len(parts) > 1 and parts[0][1:].isdigit():
        table[parts[0]] = ' '.join(parts[1:])
rows = [l for l in open(sys.argv[1]) if re.match(r'\s+\d+\s+[0-9.]+\s', l)]
for line in rows[:30]:
    m = re.search(r'kernel (#\d+) ', line)
    described = table.get(m.group(1), '?') if m else ''
    # GB/s if the kernel moved its buffers once: against the HBM's ~3 TB/s.
    calls, total = line.split()[:2]
    mb = re.search(r'([0-9.]+) MB of buffers', described)
    rate = (f'  ~{float(mb.group(1)) / (float(total) / int(calls)):.0f} GB/s'
            if mb and float(total) > 0 else '')
    print(line.rstrip() + (f'   <- {described}{rate}' if m else ''))
PY
}
profile "$ART/gpu/libblock.so" "$ART/block-kernels.txt"
echo "--- PyTorch bf16, same model"
timeout 60 python3 "$ROOT/bench/gpu/bench_torch_block.py" --batch "$B" \
  --seq "$T" --width "$D" --heads "$H" --vocab "$V" 2>&1 |
  tee "$LOG/block-torch.txt"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

# Median step time of one of our runs (its --log csv), in ms.
median_ms() {
  python3 - "$1" "$((B * T))" "$WARMUP" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))[int(sys.argv[3]):]
print(f"{statistics.median(int(sys.argv[2]) / float(r['tokens_per_s']) * 1e3 for r in rows):.3f}")
PY
}
torch_ms=$(sed -n 's/.* \([0-9.]*\) ms\/step.*/\1/p' "$LOG/block-torch.txt" | head -1)
ours_ms=$(median_ms "$LOG/block-gpu.csv" 2>/dev/null)
if [[ -n "$ours_ms" && -n "$torch_ms" ]]; then
  python3 -c "import sys; o, t = map(float, sys.argv[1:]); print(f'block step: unit-scale FP8 {o:.2f} ms (median of steps after $WARMUP), PyTorch bf16 {t:.2f} ms, ratio {o / t:.2f}x (target: below 1)')" "$ours_ms" "$torch_ms"
else
  echo "block step: no comparison (ours '$ours_ms', PyTorch '$torch_ms')"
fi

# Variants of the same block (prepare_train_step.sh: the loop kernels'
# register tile and fused multiply-adds), timed in this run beside the
# default, which runs again last to show drift. Names: libblock_<variant>.so.
for lib in "$ART"/gpu/libblock_*.so "$ART/gpu/libblock.so"; do
  [[ -f "$lib" ]] || continue
  name=$(basename "$lib" .so)
  timeout 60 "$RUN" train "$lib" --device gpu --steps "$STEPS" --seed 1 \
    --log "$LOG/$name-variant.csv" > "$LOG/$name-variant.txt" 2>&1 || {
    echo "variant $name: failed ($(tail -1 "$LOG/$name-variant.txt"))"
    continue
  }
  v=$(median_ms "$LOG/$name-variant.csv")
  python3 -c "import sys; v, t = sys.argv[2], sys.argv[3]; print(f'variant {sys.argv[1]}: {float(v):.2f} ms' + (f', ratio {float(v) / float(t):.2f}x to PyTorch' if t else ''))" "$name" "$v" "$torch_ms"
  # The first 4 losses must match the default's to the printed digits
  # (same arithmetic up to fused multiply-adds).
  agree=$(paste -d' ' <(cut -d, -f2 "$LOG/block-gpu.csv" | sed -n 2,5p) \
    <(cut -d, -f2 "$LOG/$name-variant.csv" | sed -n 2,5p) |
    awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-3 * ($1 < 0 ? -$1 : $1) + 1e-3) bad = 1 }
      END { print (NR == 4 && !bad) ? "yes" : "no" }')
  if [[ $agree == yes ]]; then
    echo "variant $name: first losses agree with the default (1e-3)"
    echo "$v $name" >> "$LOG/block-variants.txt"
  else
    echo "variant $name: first losses DIFFER from the default (or missing)"
  fi
done
# The fastest variant whose losses agree (the default, libblock, is among
# them): the candidate for the next default.
if [[ -s "$LOG/block-variants.txt" ]]; then
  read -r fastest_ms fastest < <(sort -g "$LOG/block-variants.txt" | head -1)
  printf 'variant fastest: %s at %.2f ms (of those whose first losses agree)\n' \
    "$fastest" "$fastest_ms"
  # Where its time goes, beside the default's profile above (its kernel
  # table where prepare_train_step.sh wrote one).
  if [[ $fastest != libblock ]]; then
    profile "$ART/gpu/$fastest.so" "$ART/${fastest#lib}-kernels.txt"
  fi
fi
echo "block status=$status"
exit $status
