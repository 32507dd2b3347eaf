#!/usr/bin/env bash
# Runs every test (lit suite and gtest unit tests, through one lit run) and
# ends with one summary line "N passed, M failed". Exit status 1 when any
# test failed. Expects a build made by utils/setup.sh.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${USCALE_BUILD_DIR:-$ROOT/build}"
LIT=/usr/lib/llvm-22/bin/lit
XML="$BUILD/test-results.xml"
rm -f "$XML"
"$LIT" -sv --xunit-xml-output "$XML" "$BUILD/test" "$BUILD/unittests" "$@"
lit_rc=$?
python3 "$ROOT/utils/summarize-tests.py" "$XML" || exit 1
exit $lit_rc
