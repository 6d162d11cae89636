#!/usr/bin/env bash
# Runs every libFuzzer target in tests/fuzz for a bounded time, on a copy of
# its seed corpus (the repository's corpus does not grow). Installs clang-14
# and its runtime if missing, builds in build-fuzz with ASan + UBSan.
# Exits non-zero when any target finds a crash, leak or sanitizer report;
# the reproducer is left in build-fuzz/fuzz-artifacts/TARGET/.
# Usage: tools/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build_dir=build-fuzz
targets=(csv-import request-json ws-envelope config token byte-range sdp rtp rtcp ice-candidate)

packages=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# -fsanitize=fuzzer-no-link gives the libraries the coverage instrumentation
# that guides libFuzzer; the fuzz binaries themselves add -fsanitize=fuzzer.
if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang-14 meson setup "$build_dir" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbrowser_tests=false -Dc_args=-fsanitize=fuzzer-no-link
fi
ninja -C "$build_dir" $(printf 'tests/fuzz/fuzz-%s ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TZ=UTC

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
summary=()
for t in "${targets[@]}"; do
  corpus="$work/$t"
  artifacts="$PWD/$build_dir/fuzz-artifacts/$t"
  log="$PWD/$build_dir/fuzz-artifacts/$t.log"
  rm -rf "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp tests/fuzz/corpus/"$t"/* "$corpus"/
  echo "==> fuzz-$t for ${seconds}s"
  rc=0
  "$build_dir/tests/fuzz/fuzz-$t" "$corpus" -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $rc, see $log and $artifacts/)"
    status=1
    grep -E 'ERROR|SUMMARY|check failed|GLib:|Test unit written' "$log" | head -20 || true
  fi
  summary+=("fuzz-$t: $result, ${runs:-0} runs, ${rate:-0} exec/s, coverage ${cov:-?} edges, corpus $(ls "$corpus" | wc -l) inputs")
done

printf '%s\n' "${summary[@]}"
exit $status
