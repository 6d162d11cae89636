#!/usr/bin/env bash
# Sets up everything the test suite needs and runs it: unit, integration and
# browser suites. With --sanitize, the same suites in an AddressSanitizer +
# UndefinedBehaviorSanitizer build.
# Usage: tools/test.sh [--sanitize] [meson test arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
meson_opts=(--werror)
test_opts=()
if [ "${1:-}" = --sanitize ]; then
  shift
  build_dir=build-sanitize
  meson_opts+=(-Db_sanitize=address,undefined -Db_lundef=false)
  # Instrumented code runs several times slower (test-srtp-ctx wraps a
  # sequence number: 65,536 protected packets per cipher).
  test_opts+=(--timeout-multiplier 3)
fi

SANHUI_WITH_TEST_TOOLS=1 bash tools/setup.sh "$build_dir" "${meson_opts[@]}"

# playwright-core drives Debian's Chromium; it is pinned in package-lock.json.
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund)
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
meson test -C "$build_dir" --print-errorlogs ${test_opts[@]+"${test_opts[@]}"} "$@" || status=$?

# A closing line any CI reader understands.
python3 - "$build_dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
