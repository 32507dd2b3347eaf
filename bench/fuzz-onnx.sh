#!/usr/bin/env bash
# Fuzzes the onnx importer: see bench/fuzz.sh and docs/fuzzing.md.
exec "$(dirname "${BASH_SOURCE[0]}")/fuzz.sh" onnx "$@"
