#!/usr/bin/env bash
# The README's main job: compile the bundled character language model
# (examples/charlm.json) unit-scaled, with FP8 matmuls and Adam, to a native
# library, then train it for a few steps on English text (Debian's fortunes)
# on the CPU, printing the loss. Each command is echoed.
#   usage: utils/train-example.sh [STEPS (20)]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${USCALE_BUILD_DIR:-$ROOT/build}"
STEPS="${1:-20}"
OUT="$BUILD/example"
mkdir -p "$OUT"
run() { echo "+ $*" >&2; "$@"; }
run "$ROOT/bench/charlm/prepare-text.sh" "$OUT/fortunes.txt"
run "$BUILD/bin/unit-scale-compile" "$ROOT/examples/charlm.json" -o "$OUT" \
  --unit-scale --fp8 --optimizer adam --lr 0.015625
run "$BUILD/bin/unit-scale-run" train "$OUT/libcharlm.so" \
  --text "$OUT/fortunes.txt" --steps "$STEPS" --print-every 2
