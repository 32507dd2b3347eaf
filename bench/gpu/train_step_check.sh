#!/usr/bin/env bash
# Train steps of models compiled --device gpu against the same models
# compiled for the CPU, on the GPU machine (no MLIR there). Prepare on the
# build machine first:
#   bench/gpu/prepare_train_step.sh        # -> device-carry/train-step
# then on the device (repository root, carry=["device-carry"]):
#   bash bench/gpu/train_step_check.sh [ARTIFACTS]
# run_device_checks.sh calls it as its step 6. For each model (mlp128 on
# random data, charlm on the fortunes text) it runs TRAIN_STEPS (40) steps
# of the CPU library, the GPU library (whole step on the GPU) and the
# --host-ops GPU library (FP8 GEMMs only) from the same seed, then
# compare_losses.py checks the loss curves against the bounds in
# docs/gpu.md ("Running a model on the GPU") and reports the median step
# times. Each run is under a timeout; the whole script takes well under
# 2 minutes (40 steps of charlm on the CPU: about 10 s).
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ART="${1:-$ROOT/device-carry/train-step}"
# Not under the device tool's $OUT: only 8 files come back from there, and
# run_device_checks.sh uses them; everything that matters is printed.
LOG="${TRAIN_LOG:-$ROOT/bench/out/gpu/train-step}"
STEPS="${TRAIN_STEPS:-40}"
RUN="$ART/unit-scale-run"
mkdir -p "$LOG"
rm -f "$LOG"/*.csv "$LOG"/*.txt "$LOG"/compare.md # a failed run leaves none
status=0

# The carried runner and runtime need glibc 2.36 (Debian 12 built them);
# where they do not start, rebuild both from the sources here (g++ is
# there for nvcc; the JSON headers are carried). The models need only
# glibc 2.27, and LD_LIBRARY_PATH goes before their $ORIGIN runpath.
if ! "$RUN" --help > /dev/null 2>&1; then
  echo "--- the carried unit-scale-run does not start here: $("$RUN" --help 2>&1 | head -1)"
  echo "--- rebuilding it and libuscale_cuda_runtime.so with this machine's g++"
  mkdir -p "$LOG/rebuild"
  g++ -std=c++17 -O2 -I"$ART/include" -I"$ROOT/runtime/include" \
    "$ROOT"/tools/unit-scale-run/*.cpp "$ROOT"/runtime/lib/{Model,Session,Data}.cpp \
    -ldl -o "$LOG/rebuild/unit-scale-run" &&
  g++ -std=c++17 -O2 -fPIC -shared -fvisibility=hidden -I"$ROOT/runtime/include" \
    "$ROOT"/runtime/lib/{CudaDriver,CudaRuntime,RuntimeLogic}.cpp -ldl \
    -o "$LOG/rebuild/libuscale_cuda_runtime.so" || { echo "FAIL rebuild"; exit 1; }
  RUN="$LOG/rebuild/unit-scale-run"
  export LD_LIBRARY_PATH="$LOG/rebuild${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

echo "--- runtime: $(ldd "$ART/gpu/libcharlm.so" 2>&1 | grep -E 'uscale_cuda|not found' | tr -s ' \t' ' ')"

# run NAME LIB DEVICE [ARGS...]: train, log the per-step CSV, keep stderr.
run() {
  local name=$1 lib=$2 device=$3
  shift 3
  echo "--- $name: $STEPS steps ($device)"
  timeout "${RUN_TIMEOUT:-45}" "$RUN" train "$lib" --device "$device" --steps "$STEPS" \
    --seed 1 --print-every 10 --log "$LOG/$name.csv" "$@" \
    > "$LOG/$name.txt" 2>&1
  local rc=$?
  cat "$LOG/$name.txt"
  [[ $rc -eq 0 ]] || { echo "FAIL $name: exit $rc"; status=1; }
}

run mlp128-cpu "$ART/cpu/libmlp128.so" cpu
run mlp128-gpu "$ART/gpu/libmlp128.so" gpu
run mlp128-gpu-isa "$ART/gpu-isa/libmlp128.so" gpu
run mlp128-gpu-pairs "$ART/gpu/libmlp128_pairs.so" gpu
run mlp128-gpu-hostops "$ART/gpu-hostops/libmlp128.so" gpu
TEXT=(--text "$ART/fortunes.txt")
run charlm-cpu "$ART/cpu/libcharlm.so" cpu "${TEXT[@]}"
run charlm-gpu "$ART/gpu/libcharlm.so" gpu "${TEXT[@]}"
run charlm-gpu-hostops "$ART/gpu-hostops/libcharlm.so" gpu "${TEXT[@]}"
run charlm-gpu-norows "$ART/gpu/libcharlm_norows.so" gpu "${TEXT[@]}"
run attn-cpu "$ART/cpu/libattn.so" cpu
run attn-gpu "$ART/gpu/libattn.so" gpu
run attn-gpu-loops "$ART/gpu/libattn_loops.so" gpu
run attn-gpu-norows "$ART/gpu/libattn_norows.so" gpu
run attn-gpu-session8 "$ART/gpu/libattn_session8.so" gpu
run attn-gpu-split "$ART/gpu/libattn_split.so" gpu

echo "--- loss curves and step times"
python3 "$ROOT/bench/gpu/compare_losses.py" --dir "$LOG" 2>&1 | tee "$LOG/compare.md"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
echo "train-step status=$status (logs in $LOG)"
exit $status
