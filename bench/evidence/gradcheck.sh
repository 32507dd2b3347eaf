#!/usr/bin/env bash
# Evidence 4a (spec section 4, paper Thm 5.2): on the MLP and transformer
# examples, compiled in f64, every parameter's gradient is parallel to
# central finite differences of the compiled forward (cosine >= 0.9999) and
# equals them times the factor uscale-scale-report predicts (1e-3); with
# mode=none the transformer has parameters whose cosine falls below 1.
#   usage: bench/evidence/gradcheck.sh [COORDS (48)] [OUTDIR (docs/evidence)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${USCALE_BUILD_DIR:-$ROOT/build}/bin"
COORDS="${1:-48}"
OUT="${2:-$ROOT/docs/evidence}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$ROOT/bench/evidence/machine.sh"
mkdir -p "$OUT"

run() { # NAME MODEL UNIT_SCALE_OPTS EXPECT
  local name=$1 model=$2 opts=$3 expect=$4
  "$BIN/unit-scale-compile" "$ROOT/examples/$model.json" -o "$WORK/$name" \
    --dtype f64 --unit-scale="$opts report=$WORK/$name/report.json"
  {
    echo "# unit-scale-run gradcheck: examples/$model.json, uscale-unit-scale='$opts', f64, $COORDS coordinates per parameter"
    machine_line
    "$BIN/unit-scale-run" gradcheck "$WORK/$name/lib$model.so" \
      --report "$WORK/$name/report.json" --coords "$COORDS" --expect "$expect"
  } | tee "$OUT/gradcheck-$name.txt"
}
run mlp mlp "mode=gmean" parallel
run transformer transformer "mode=gmean" parallel
run transformer-none transformer "mode=none" not-parallel
