#!/usr/bin/env bash
# Installs the Debian packages unit-scale needs (when missing and running as
# root), then configures and builds into build/. Idempotent: a second run
# only rebuilds what changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${USCALE_BUILD_DIR:-$ROOT/build}"
JOBS="${USCALE_JOBS:-2}"

# libonnx-dev, libprotobuf-dev, protobuf-compiler: binary .onnx/.onnxtext
# import; python3-onnx, libonnx-testdata: the tests that convert models and
# import Debian's PyTorch-exported test models. fortunes: the English text
# of the character language model (test/Runner, bench/charlm).
PKGS=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22
      libclang-rt-22-dev nlohmann-json3-dev libonnx-dev libprotobuf-dev
      protobuf-compiler python3-onnx libonnx-testdata libgtest-dev cmake
      ninja-build python3 graphviz fortunes)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]} (run as root to install)" >&2
    exit 1
  fi
fi

LLVM=/usr/lib/llvm-22
if [[ ! -f "$BUILD/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$LLVM/bin/clang" -DCMAKE_CXX_COMPILER="$LLVM/bin/clang++" \
    -DMLIR_DIR="$LLVM/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM/bin/lit" >/dev/null
fi
ninja -C "$BUILD" -j "$JOBS" all >&2
