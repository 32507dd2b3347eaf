#!/usr/bin/env bash
# Builds the libFuzzer target for the ONNX-JSON importer in a separate,
# sanitizer-instrumented build dir and runs it on the seed corpus.
#
#   bench/fuzz.sh json|onnx [RUNS] [extra libFuzzer args...]
# (bench/fuzz-json.sh and bench/fuzz-onnx.sh call it with their target)
#
# RUNS defaults to 1000000. Env: BUILD_DIR (default <repo>/build-fuzz),
# CORPUS_DIR (scratch copy of the seed corpus, default a fresh mktemp dir),
# JOBS (default 2). Exits nonzero when the fuzzer finds a crash.
set -euo pipefail
KIND="${1:?usage: bench/fuzz.sh json|onnx [RUNS] [libFuzzer args...]}"; shift
case "$KIND" in json) MAX_LEN=4096 ;; onnx) MAX_LEN=16384 ;; *) echo "fuzz.sh: unknown target $KIND" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-1000000}"
shift || true
BUILD_DIR="${BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${JOBS:-2}"

if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DUSCALE_ENABLE_FUZZERS=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined"
fi
cmake --build "$BUILD_DIR" --target uscale-fuzz-$KIND -j "$JOBS"

FUZZER="$(find "$BUILD_DIR" -type f -name uscale-fuzz-$KIND -perm -u+x | head -n1)"
if [[ -z "$FUZZER" ]]; then
  echo "fuzz.sh: uscale-fuzz-$KIND not found under $BUILD_DIR" >&2
  exit 2
fi

CORPUS_DIR="${CORPUS_DIR:-$(mktemp -d /tmp/uscale-fuzz-$KIND.XXXXXX)}"
mkdir -p "$CORPUS_DIR"
cp "$ROOT"/test/fuzz/corpus-$KIND/* "$CORPUS_DIR"/
ARTIFACTS="$CORPUS_DIR/artifacts/"
mkdir -p "$ARTIFACTS"
echo "fuzz.sh: fuzzer $FUZZER, corpus $CORPUS_DIR, runs $RUNS"

LOG="$CORPUS_DIR/fuzz.log"
set +e
"$FUZZER" -runs="$RUNS" -max_len="$MAX_LEN" -rss_limit_mb=4096 \
  -artifact_prefix="$ARTIFACTS" "$@" "$CORPUS_DIR" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e

echo "----"
grep -E '^Done [0-9]+ runs in [0-9]+ second' "$LOG" || echo "fuzz.sh: no 'Done' line (crash or timeout?)"
if [[ $rc -ne 0 ]]; then
  echo "fuzz.sh: fuzzer exited with $rc; artifacts in $ARTIFACTS" >&2
  ls -l "$ARTIFACTS" >&2 || true
fi
exit "$rc"
