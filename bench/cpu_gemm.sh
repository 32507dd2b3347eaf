#!/usr/bin/env bash
# GEMM speed of the AOT CPU path, side by side: plain loops
# (uscale-cpu-loop-order, `unit-scale-compile --no-gemm-calls`) against
# calls to the blocked kernels (uscale-cpu-gemm-calls + libuscale_cpu_gemm.a,
# the default). Prints a 512^3 GEMM (f32 B[k,n], f32 B[n,k], f64) and the
# unit-scaled Adam train steps of examples/transformer.json, mlp.json and
# charlm.json (f32 and --fp8), and the transformer's again with glibc's
# malloc told not to return memory to the kernel. Times are the median (and
# min) wall time and the median process CPU time of REPS calls
# (bench/cpu/time_entry.c).
#
#   bench/cpu_gemm.sh [BUILD_DIR] [REPS]     (default: build, 21)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
REPS="${2:-21}"
CC="${CC:-/usr/lib/llvm-22/bin/clang}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$CC" -O2 "$ROOT/bench/cpu/time_entry.c" -o "$WORK/time_entry" -ldl

# compile MODEL NAME EXTRA...: both variants into $WORK/{loops,calls}.
compile() {
  local model="$1" name="$2"
  shift 2
  "$BUILD/bin/unit-scale-compile" "$model" -o "$WORK/loops" --name "$name" \
    --no-gemm-calls "$@"
  "$BUILD/bin/unit-scale-compile" "$model" -o "$WORK/calls" --name "$name" "$@"
}

# specs NAME FUNCTION: the time_entry specs of FUNCTION from the manifest.
specs() {
  python3 - "$WORK/calls/$1.manifest.json" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
f = next(f for f in m["functions"] if f["name"] == sys.argv[2])
print(" ".join(f"{a['dtype']}:" + "x".join(map(str, a["shape"]))
               for a in f["args"] + f["results"]))
PY
}

# row LABEL NAME FUNCTION FLOPS: one table row, loops then calls.
row() {
  local label="$1" name="$2" fn="$3" flops="$4" spec line
  spec="$(specs "$name" "$fn")"
  printf '| %s |' "$label"
  local med=()
  for v in loops calls; do
    # shellcheck disable=SC2086
    line="$(env ${TUNE:-} "$WORK/time_entry" "$WORK/$v/lib$name.so" "uscale_$fn" "$REPS" $spec)"
    read -r _ m _ mn _ c <<<"$line"
    med+=("$m")
    if [[ "$flops" != 0 ]]; then
      printf ' %.1f ms (min %.1f, cpu %.1f) %.1f GFLOP/s |' "$m" "$mn" "$c" \
        "$(echo "$flops / $m / 1000000" | bc -l)"
    else
      printf ' %.1f ms (min %.1f, cpu %.1f) |' "$m" "$mn" "$c"
    fi
  done
  printf ' %.1fx |\n' "$(echo "${med[0]} / ${med[1]}" | bc -l)"
}

compile "$ROOT/bench/cpu/matmul512.mlir" matmul512 --no-autodiff
compile "$ROOT/examples/transformer.json" transformer --unit-scale --optimizer adam
compile "$ROOT/examples/mlp.json" mlp --unit-scale --optimizer adam
# The char-LM of bench/charlm (fp32-unit and fp8-unit configurations).
compile "$ROOT/examples/charlm.json" charlm --unit-scale --optimizer adam
compile "$ROOT/examples/charlm.json" charlm_fp8 --unit-scale --fp8 --optimizer adam

echo "$(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); median of $REPS calls"
echo
echo "| | loops (--no-gemm-calls) | gemm calls (default) | speed-up |"
echo "|---|---|---|---|"
F512=$((2 * 512 * 512 * 512))
row "512^3 f32 matmul, B[k,n]" matmul512 mm_f32 "$F512"
row "512^3 f32 linear, B[n,k]" matmul512 mmt_f32 "$F512"
row "512^3 f64 matmul" matmul512 mm_f64 "$F512"
row "transformer.json Adam train step" transformer transformer_train_step 0
row "mlp.json Adam train step" mlp mlp_train_step 0
row "charlm.json Adam train step" charlm charlm_train_step 0
row "charlm.json --fp8 Adam train step" charlm_fp8 charlm_train_step 0
# The compiled step mallocs and frees its temporaries on every call; with
# glibc's default thresholds much of that memory goes back to the kernel
# and comes back as fresh zeroed pages each step. A runner can keep it:
TUNE="GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=1073741824" \
  row "transformer.json step, malloc keeps its memory (GLIBC_TUNABLES)" transformer transformer_train_step 0
