#!/usr/bin/env bash
# Evidence 4c: FP8 training parity of a character language model.
#
# Trains examples/charlm.json (pre-norm causal transformer, 2 blocks, width
# 128, context 64, batch 16) with Adam on Debian's `fortunes` text in four
# configurations, each from the same seed and data order:
#   fp32-regular   no unit scaling, PyTorch default init, lr 2^-10
#   fp32-unit      uscale-unit-scale, N(0,1) init, lr 2^-6
#   fp8-unit       the same with every matmul operand cast to FP8 (E4M3
#                  forward, E5M2 gradients; simulated bit-exactly), no
#                  scaling of any kind beyond the static unit scales
#   fp8-regular    the regular model with the same FP8 casts and no loss
#                  scaling
# The learning rates follow the paper's finding (Adam: unit-scaled models
# prefer larger rates, median best log2 LR -6 vs -10; spec section 8).
# Prints a progress line per --print-every steps and, at the end, train and
# validation bits per character (20 batches each through the forward).
#
#   usage: [CONFIGS="fp32-unit fp8-unit"] bench/charlm/run.sh [STEPS (1500)] [OUTDIR (build/charlm)]
# Writes OUTDIR/<config>.log (+ .csv per step) and OUTDIR/summary.md. CONFIGS
# reruns a subset (e.g. after a scale-rule change, which leaves the regular
# models alone); the summary covers every config with a log in OUTDIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${USCALE_BUILD_DIR:-$ROOT/build}/bin"
STEPS="${1:-1500}"
OUT="${2:-$ROOT/build/charlm}"
PRINT_EVERY="${PRINT_EVERY:-50}"
EVAL_BATCHES="${EVAL_BATCHES:-20}"
mkdir -p "$OUT"
"$ROOT/bench/charlm/prepare-text.sh" "$OUT/fortunes.txt"

declare -A FLAGS=(
  [fp32-regular]="--lr 0.0009765625"
  [fp32-unit]="--unit-scale --lr 0.015625"
  [fp8-unit]="--unit-scale --fp8 --lr 0.015625"
  [fp8-regular]="--fp8 --lr 0.0009765625")
declare -A INIT=([fp32-regular]=torch [fp32-unit]=unit [fp8-unit]=unit
                 [fp8-regular]=torch)
ALL=(fp32-regular fp32-unit fp8-unit fp8-regular)
read -ra CONFIGS <<<"${CONFIGS:-${ALL[*]}}"
for c in "${CONFIGS[@]}"; do
  [[ -n "${FLAGS[$c]:-}" ]] || { echo "unknown config $c (one of ${ALL[*]})" >&2; exit 2; }
done

for c in "${CONFIGS[@]}"; do
  # shellcheck disable=SC2086
  "$BIN/unit-scale-compile" "$ROOT/examples/charlm.json" -o "$OUT/$c" \
    --optimizer adam ${FLAGS[$c]}
done

for c in "${CONFIGS[@]}"; do
  echo "== $c (${FLAGS[$c]}, init ${INIT[$c]}), $STEPS steps"
  "$BIN/unit-scale-run" train "$OUT/$c/libcharlm.so" --text "$OUT/fortunes.txt" \
    --init "${INIT[$c]}" --steps "$STEPS" --seed 1 \
    --print-every "$PRINT_EVERY" --eval-batches "$EVAL_BATCHES" \
    --log "$OUT/$c.csv" | tee "$OUT/$c.log" || true
done

{
  echo "| config | flags | init | steps | train bpc | validation bpc | tokens/s (median) |"
  echo "|---|---|---|---|---|---|---|"
  for c in "${ALL[@]}"; do
    [[ -f "$OUT/$c.log" ]] || continue
    bpc=$(grep "eval  train bpc" "$OUT/$c.log" || true)
    tr=$(awk '{print $4}' <<<"$bpc")
    va=$(awk '{print $7}' <<<"$bpc")
    tps=$(tail -n +2 "$OUT/$c.csv" | cut -d, -f3 | sort -g |
          awk '{a[NR]=$1} END {if (NR) printf "%.0f", a[int((NR+1)/2)]}')
    echo "| $c | ${FLAGS[$c]} | ${INIT[$c]} | $(tail -n 1 "$OUT/$c.csv" | cut -d, -f1) | ${tr:-diverged} | ${va:-diverged} | ${tps:-} |"
  done
} > "$OUT/summary.md"
cat "$OUT/summary.md"
