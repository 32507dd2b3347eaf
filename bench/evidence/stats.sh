#!/usr/bin/env bash
# Evidence 4b: the std of every forward activation and gradient at
# initialisation, unit-scaled (N(0,1) init) beside regular (PyTorch's
# default init), for the MLP and transformer examples; a table and an SVG
# plot with the E4M3/E5M2 ranges per model.
#   usage: bench/evidence/stats.sh [OUTDIR (docs/evidence)]
# (charlm: the model of bench/charlm, for the longer-context picture.)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${USCALE_BUILD_DIR:-$ROOT/build}/bin"
OUT="${1:-$ROOT/docs/evidence}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$ROOT/bench/evidence/machine.sh"
mkdir -p "$OUT"

for model in mlp transformer charlm; do
  "$BIN/unit-scale-compile" "$ROOT/examples/$model.json" -o "$WORK/$model-unit" --unit-scale --stats
  "$BIN/unit-scale-compile" "$ROOT/examples/$model.json" -o "$WORK/$model-regular" --stats
  {
    echo "# unit-scale-run stats: examples/$model.json at init, one train step on random data (seed 0)"
    machine_line
    "$BIN/unit-scale-run" stats --scaled "$WORK/$model-unit/lib$model.so" \
      --regular "$WORK/$model-regular/lib$model.so" --range 0.5,2 \
      --svg "$OUT/stats-$model.svg" --json "$OUT/stats-$model.json" \
      --title "examples/$model.json: std of every tensor at init (unit-scaled vs regular)" || true
  } | tee "$OUT/stats-$model.txt"
done
