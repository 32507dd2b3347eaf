#!/usr/bin/env bash
# Builds the GEMM tuning candidates (README.md here) into OUT_DIR beside the
# main variants' cubins, for fp8_gemm_harness --candidates:
#   <name>.cubin  <name>.launch (grid tile, threads, shared memory)
#   <name>.ptx    <name>.ptxas.txt (registers, spills)
# and prints the harness's --candidates argument as the last line.
# Usage: bench/gpu/candidates/build.sh OUT_DIR   (prepare.sh calls it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
OUT="$1"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
CUDA_BIN="${CUDA_BIN:-/usr/local/cuda/bin}"
PIPE='-gpu-lower-to-nvvm-pipeline=cubin-chip=sm_90a cubin-features=+ptx80 opt-level=3 cubin-format=isa'
TEMPLATE="$ROOT/bench/gpu/candidates/fp8_gemm_2wg.mlir.in"
mkdir -p "$OUT/src"

# base  A  B  out-kind  (as prepare.sh's variants)
declare -A FORMATS=(
  [fwd]="f8E4M3FN f8E4M3FN 0"
  [dgrad]="f8E5M2 f8E4M3FN 2"
  [wgrad]="f8E4M3FN f8E5M2 3"
)
# name  base  BN  stages
CANDIDATES=(
  "fwd_w256s4   fwd   256 4"
  "dgrad_w256s4 dgrad 256 4"
  "wgrad_w256s4 wgrad 256 4"
  "fwd_w256s3   fwd   256 3"
  "fwd_w128s4   fwd   128 4"
  "fwd_w128s3   fwd   128 3"
)
list=()
for spec in "${CANDIDATES[@]}"; do
  read -r name base bn stages <<<"$spec"
  read -r a b kind <<<"${FORMATS[$base]}"
  tx=$((16384 + bn * 128))
  ldc=$((bn + 8))
  tpr=$((bn / 8))
  rps=$((256 / tpr))
  smem=$((stages * tx))
  (( smem < 128 * ldc * 4 )) && smem=$((128 * ldc * 4))
  python3 "$ROOT/utils/instantiate-template.py" "$TEMPLATE" NAME="$name" \
    A_ELT="$a" B_ELT="$b" OUT_KIND="$kind" BN="$bn" STAGES="$stages" \
    STAGES_M1=$((stages - 1)) B_OFFSET=$((stages * 16384)) TX_BYTES="$tx" \
    SMEM_BYTES="$smem" LDC="$ldc" TPR="$tpr" RPS="$rps" \
    EPI_STEPS=$((128 / rps)) -o "$OUT/src/$name.mlir"
  "$LLVM_BIN/mlir-opt" "$OUT/src/$name.mlir" "$PIPE" -o "$OUT/src/$name.isa.mlir"
  python3 "$ROOT/utils/extract-gpu-binary.py" "$OUT/src/$name.isa.mlir" \
    -o "$OUT/$name.ptx"
  "$CUDA_BIN/ptxas" -arch=sm_90a -v "$OUT/$name.ptx" -o "$OUT/$name.cubin" \
    > "$OUT/$name.ptxas.txt" 2>&1
  echo "tile_n=$bn threads=256 smem=$smem" > "$OUT/$name.launch"
  echo "   $name: $(grep -o 'Used [0-9]* registers' "$OUT/$name.ptxas.txt"), $(grep -o '[0-9]* bytes spill stores' "$OUT/$name.ptxas.txt"), smem $smem"
  list+=("$name:$base")
done
(IFS=,; echo "${list[*]}")
