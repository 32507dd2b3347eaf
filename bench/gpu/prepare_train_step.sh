#!/usr/bin/env bash
# Builds, on the build machine (MLIR 22, CUDA toolkit, no GPU), everything
# bench/gpu/train_step_check.sh needs to train compiled models on the GPU
# machine (which has no MLIR):
#
#   <out>/unit-scale-run            the runner (libstdc++ and libgcc linked
#                                   statically: it meets another distribution)
#   <out>/cpu/lib<m>.so             models compiled for the CPU
#   <out>/gpu/lib<m>.so             the same compiled --device gpu (cubin for
#                                   sm_90a embedded; the whole step on the
#                                   GPU: FP8 kernels + loop kernels), and
#                                   next to them
#   <out>/gpu/libuscale_cuda_runtime.so   (found through the libraries'
#                                   $ORIGIN rpath; libstdc++ static as well)
#   <out>/gpu-isa/libmlp128.so      mlp-128 with PTX instead of a cubin (the
#                                   driver's JIT path), sharing that runtime
#   <out>/gpu-hostops/lib<m>.so     --device gpu --host-ops: only the FP8
#                                   GEMMs on the GPU, the rest on the CPU
#   <out>/gpu/libblock.so           the transformer block of gen_block.py
#                                   (block_step_bench.sh), its dimensions in
#                                   <out>/block-dims.txt; libblock_*.so: the
#                                   same with one default lever off
#                                   (--no-gpu-batched-gemm,
#                                   --no-gpu-fuse-rows, --no-gpu-tiled-casts,
#                                   --gpu-elements-per-thread 1), with
#                                   --gpu-lane-unroll 4 or 16, with
#                                   --gpu-contract or --gpu-split-columns,
#                                   and with session 8's
#                                   defaults, timed beside it;
#                                   <out>/block-kernels.txt: what each of
#                                   its kernels is (kernel_table.py)
#   <out>/fortunes.txt              the char-LM's text (bench/charlm)
#   <out>/include/nlohmann          the JSON headers, for rebuilding the
#                                   runner there if the carried one does not
#                                   start (it needs glibc 2.36: arc4random
#                                   from the static libstdc++)
#   <out>/MANIFEST.txt              commit, tools, file hashes
#
# Models: mlp128 (test/Conversion/UScaleToNVGPU/Inputs/mlp-128.mlir: all five
# FP8 GEMMs of its step on the GPU), charlm (examples/charlm.json: 39 of
# the 51 FP8 GEMMs of its train step on the GPU; docs/gpu.md says which)
# and attn (gen_block.py, 2 x 256 tokens, width 256, 2 heads of 128: every
# GEMM of its step on the FP8 kernels, attention's batched ones included),
# all unit-scaled, FP8, Adam, with the default levers; and beside them the
# code paths the --no- flags keep: mlp128 with the pair cast kernel,
# charlm and attn without fused rows, attn with attention's GEMMs as loop
# kernels, and attn with session 8's defaults (all three off, lane unroll
# 4).
#
# Usage: bench/gpu/prepare_train_step.sh [OUT_DIR]  (default:
# device-carry/train-step, git-ignored). USCALE_BUILD_DIR: the build with
# unit-scale-compile (default build/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:-$ROOT/device-carry/train-step}"
BUILD="${USCALE_BUILD_DIR:-$ROOT/build}"
CXX="${CXX:-clang++-22}"
command -v "$CXX" >/dev/null || CXX=g++
COMPILE="$BUILD/bin/unit-scale-compile"
export PATH="$PATH:/usr/local/cuda/bin" # ptxas, for the cubins

rm -rf "$OUT"
mkdir -p "$OUT/cpu" "$OUT/gpu" "$OUT/gpu-isa" "$OUT/gpu-hostops"

echo "== text"
"$ROOT/bench/charlm/prepare-text.sh" "$OUT/fortunes.txt"

echo "== unit-scale-run and the CUDA runtime (static libstdc++)"
"$CXX" -std=c++17 -O2 -fexceptions -I"$ROOT/runtime/include" \
  "$ROOT"/tools/unit-scale-run/*.cpp "$ROOT"/runtime/lib/{Model,Session,Data}.cpp \
  -static-libstdc++ -static-libgcc -ldl -o "$OUT/unit-scale-run"
"$CXX" -std=c++17 -O2 -fPIC -shared -fvisibility=hidden \
  -I"$ROOT/runtime/include" "$ROOT"/runtime/lib/{CudaDriver,CudaRuntime,RuntimeLogic}.cpp \
  -static-libstdc++ -static-libgcc -ldl -o "$OUT/gpu/libuscale_cuda_runtime.so"

mkdir -p "$OUT/include"
cp -r /usr/include/nlohmann "$OUT/include/"

echo "== models"
MLP="$ROOT/test/Conversion/UScaleToNVGPU/Inputs/mlp-128.mlir"
CHARLM="$ROOT/examples/charlm.json"
COMMON=(--unit-scale --fp8 --optimizer adam)
# The GPU defaults before session 9's runs made the three levers default.
SESSION8=(--no-gpu-batched-gemm --no-gpu-fuse-rows --no-gpu-tiled-casts
  --gpu-lane-unroll 4)
"$COMPILE" "$MLP" -o "$OUT/cpu" --name mlp128 "${COMMON[@]}" --lr 0.001
"$COMPILE" "$MLP" -o "$OUT/gpu" --name mlp128 "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format bin
# Its casts by the pair-per-thread kernel (--no-gpu-tiled-casts): the same
# FP8 operands, so the same numbers as libmlp128.so (train_step_check.sh's
# "mlp128 pair casts" pair).
"$COMPILE" "$MLP" -o "$OUT/gpu" --name mlp128_pairs "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format bin --no-gpu-tiled-casts
"$COMPILE" "$MLP" -o "$OUT/gpu-isa" --name mlp128 "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format isa
"$COMPILE" "$MLP" -o "$OUT/gpu-hostops" --name mlp128 "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format bin --host-ops
# The char-LM as utils/train-example.sh compiles it; its remarks (the GEMMs
# left on the CPU) go to a file.
"$COMPILE" "$CHARLM" -o "$OUT/cpu" "${COMMON[@]}" --lr 0.015625
"$COMPILE" "$CHARLM" -o "$OUT/gpu" "${COMMON[@]}" --lr 0.015625 \
  --device gpu --gpu-format bin 2> "$OUT/charlm-remarks.txt"
tail -1 "$OUT/charlm-remarks.txt"
"$COMPILE" "$CHARLM" -o "$OUT/gpu" --name charlm_norows "${COMMON[@]}" \
  --lr 0.015625 --device gpu --gpu-format bin --no-gpu-fuse-rows 2> /dev/null
"$COMPILE" "$CHARLM" -o "$OUT/gpu-hostops" "${COMMON[@]}" --lr 0.015625 \
  --device gpu --gpu-format bin --host-ops 2> /dev/null
# A small transformer block whose attention is 128-aligned (4 heads x
# batch of 256 x 256 x 128 GEMMs), so that its batched GEMMs run on the
# FP8 kernels (the char LM's 32-wide heads do not): for the CPU, and
# --device gpu with the defaults and with each lever off, all compared
# with the CPU by train_step_check.sh.
python3 "$ROOT/bench/gpu/gen_block.py" "$OUT/attn.json" --batch 2 --seq 256 \
  --width 256 --heads 2 --vocab 256
"$COMPILE" "$OUT/attn.json" -o "$OUT/cpu" --name attn "${COMMON[@]}" --lr 0.001
"$COMPILE" "$OUT/attn.json" -o "$OUT/gpu" --name attn "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format bin
# Attention's GEMMs as loop kernels (--no-gpu-batched-gemm).
"$COMPILE" "$OUT/attn.json" -o "$OUT/gpu" --name attn_loops "${COMMON[@]}" \
  --lr 0.001 --device gpu --gpu-format bin --no-gpu-batched-gemm 2> /dev/null
# Softmax and layer norms as separate loop kernels (--no-gpu-fuse-rows).
"$COMPILE" "$OUT/attn.json" -o "$OUT/gpu" --name attn_norows "${COMMON[@]}" \
  --lr 0.001 --device gpu --gpu-format bin --no-gpu-fuse-rows
# Column reductions as two coalesced loop kernels (--gpu-split-columns).
"$COMPILE" "$OUT/attn.json" -o "$OUT/gpu" --name attn_split "${COMMON[@]}" \
  --lr 0.001 --device gpu --gpu-format bin --gpu-split-columns 2> /dev/null
# Session 8's defaults: every lever above off, lane unroll 4.
"$COMPILE" "$OUT/attn.json" -o "$OUT/gpu" --name attn_session8 "${COMMON[@]}" \
  --lr 0.001 --device gpu --gpu-format bin "${SESSION8[@]}" 2> /dev/null
rm -f "$OUT/attn.json"
# The transformer-block benchmark (block_step_bench.sh): GPU only, its
# step is about 0.3 TFLOP, too much for this machine's CPU.
BLOCK_DIMS=(8 256 1024 8 256) # batch, seq, width, heads, vocab
echo "${BLOCK_DIMS[*]}" > "$OUT/block-dims.txt"
python3 "$ROOT/bench/gpu/gen_block.py" "$OUT/block.json" \
  --batch "${BLOCK_DIMS[0]}" --seq "${BLOCK_DIMS[1]}" --width "${BLOCK_DIMS[2]}" \
  --heads "${BLOCK_DIMS[3]}" --vocab "${BLOCK_DIMS[4]}"
"$COMPILE" "$OUT/block.json" -o "$OUT/gpu" "${COMMON[@]}" --lr 0.001 \
  --device gpu --gpu-format bin 2> "$OUT/block-remarks.txt"
tail -1 "$OUT/block-remarks.txt"
# What each of the block's kernels is, by load order (#N in the
# USCALE_PROFILE=events report): kernel_table.py over the outlined IR and
# the final module of the same lowering.
# kernel_table NAME [PIPELINE OPTIONS]: NAME-kernels.txt for the library
# compiled with those uscale-lower-to-gpu options.
kernel_table() {
  local name=$1
  shift
  "$BUILD/bin/unit-scale-opt" "$OUT/block.json" --uscale-unit-scale \
    --uscale-autodiff="optimizer=adam lr=0.001" --uscale-cast-fp8 \
    --uscale-parameters-to-arguments \
    "--uscale-lower-to-gpu=fallback=true aot=true offload=true format=isa $*" \
    --mlir-print-op-on-diagnostic=false \
    --mlir-print-ir-after=gpu-kernel-outlining -o "$OUT/block-final.mlir" \
    2> "$OUT/block-outlined.mlir"
  python3 "$ROOT/bench/gpu/kernel_table.py" "$OUT/block-outlined.mlir" \
    "$OUT/block-final.mlir" > "$OUT/$name-kernels.txt"
  rm -f "$OUT/block-outlined.mlir" "$OUT/block-final.mlir"
}
kernel_table block
kernel_table block_split split-columns=true
head -1 "$OUT/block-kernels.txt"
# Variants block_step_bench.sh times beside the default: each default
# lever off, the warp lanes' unroll at 4 (session 8's) and 16, fused
# multiply-adds in the loop kernels, and session 8's defaults.
block_variant() {
  local name=$1
  shift
  "$COMPILE" "$OUT/block.json" -o "$OUT/gpu" --name "block_$name" \
    "${COMMON[@]}" --lr 0.001 --device gpu --gpu-format bin "$@" 2> /dev/null
}
block_variant loops --no-gpu-batched-gemm
block_variant norows --no-gpu-fuse-rows
block_variant pairs --no-gpu-tiled-casts
block_variant spread1 --gpu-elements-per-thread 1
block_variant unroll4 --gpu-lane-unroll 4
block_variant unroll16 --gpu-lane-unroll 16
block_variant contract --gpu-contract
block_variant split --gpu-split-columns
block_variant session8 "${SESSION8[@]}"
rm -f "$OUT/block.json"
# Each library finds the runtime through its $ORIGIN rpath (the build
# folder in its rpath does not exist there): gpu-isa gets its own copy.
cp "$OUT/gpu/libuscale_cuda_runtime.so" "$OUT/gpu-isa/"
cp "$OUT/gpu/libuscale_cuda_runtime.so" "$OUT/gpu-hostops/"
rm -f "$OUT"/*/*.h

echo "== what they need at run time"
for f in "$OUT/unit-scale-run" "$OUT"/cpu/*.so "$OUT"/gpu*/*.so; do
  echo "$(basename "$(dirname "$f")")/$(basename "$f"): $(readelf -d "$f" |
    sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
done | sed "s|^$(basename "$OUT")/||"
# The libraries must not depend on this machine's C++ runtime.
if readelf -d "$OUT/unit-scale-run" "$OUT"/*/*.so | grep -q 'libstdc++'; then
  echo "prepare_train_step: something still needs libstdc++.so" >&2
  exit 1
fi

echo "== local smoke run (no GPU here: the CPU library trains, the GPU one fails cleanly)"
"$OUT/unit-scale-run" train "$OUT/cpu/libcharlm.so" --text "$OUT/fortunes.txt" \
  --steps 2 --device cpu | tail -1
if "$OUT/unit-scale-run" train "$OUT/gpu/libcharlm.so" --text "$OUT/fortunes.txt" \
  --steps 2 --device gpu > "$OUT/local-gpu.txt" 2>&1; then
  echo "   the GPU library ran here (a GPU is present?)"
else
  echo "   expected here: $(grep 'unit-scale-run: error' "$OUT/local-gpu.txt" | cut -c1-150)"
fi
rm -f "$OUT/local-gpu.txt"

{
  echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "dirty: $(git -C "$ROOT" status --porcelain -- runtime tools lib include bench/gpu | wc -l) files"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "unit-scale-compile: $COMPILE"
  echo "ptxas: $(ptxas --version | tail -1)"
  echo "cxx: $("$CXX" --version | head -1)"
  (cd "$OUT" && sha256sum unit-scale-run ./*/*.so fortunes.txt)
} > "$OUT/MANIFEST.txt"
du -sh "$OUT"
echo "prepared $OUT"
