#!/usr/bin/env bash
# Builds the benchmarks with optimisation (build-bench: release, no browser
# tests) and runs the packet-path benchmark; prints the machine and the table
# that docs/benchmarks.md keeps. Run it on an otherwise idle machine.
# Usage: tools/bench.sh [--callgrind | --callgrind-only] [bench-packet-path options...]
#   --callgrind       also count instructions per packet with valgrind
#                     (reduced packet counts, about a minute)
#   --callgrind-only  only the instruction counts
set -euo pipefail
cd "$(dirname "$0")/.."

timing=1 callgrind=0
case "${1:-}" in
  --callgrind) callgrind=1; shift ;;
  --callgrind-only) callgrind=1 timing=0; shift ;;
esac

build_dir=build-bench
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" -Dbuildtype=release -Dbrowser_tests=false >/dev/null
fi
ninja -C "$build_dir" tools/bench-packet-path >/dev/null
bench=$build_dir/tools/bench-packet-path

echo "date: $(date -u +%F)  commit: $(git rev-parse --short HEAD)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$timing" = 1 ]; then
  echo
  "$bench" "$@"
fi
[ "$callgrind" = 1 ] || exit 0

command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
audio=5120 video=2560 warmup=256
echo
echo "callgrind: instructions (Ir) per packet, $audio audio / $video video packets + $warmup warm-up"
echo
echo "| profile | packet | path Ir | floor Ir | path/floor | parse+ext+rewrite Ir |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for profile in gcm cm; do
  for size in audio video; do
    n=$([ "$size" = audio ] && echo $audio || echo $video)
    # Collected only inside the two timed functions. The path also forwards
    # the one batch (128 packets) that verify() checks before the rounds.
    path_packets=$((warmup + n + 128)) floor_packets=$((warmup + n))
    file=$out/cg.$profile.$size
    valgrind --tool=callgrind --callgrind-out-file="$file" --collect-atstart=no \
      --toggle-collect=forward_batch --toggle-collect=floor_batch \
      "$bench" --profile "$profile" --size "$size" --audio-packets $audio \
      --video-packets $video --warmup $warmup --reps 1 >/dev/null 2>"$out/log" \
      || { cat "$out/log" >&2; exit 1; }
    callgrind_annotate --inclusive=yes --threshold=100 "$file" >"$file.txt"
    # Inclusive Ir of the functions named (first match of each).
    ir() {
      awk -v names="$*" 'BEGIN { n = split(names, want, " ") }
        { for (i = 1; i <= n; i++) if (!seen[i] && index($0, ":" want[i] " [")) {
            seen[i] = 1; v = $1; gsub(",", "", v); sum += v } }
        END { print sum + 0 }' "$file.txt"
    }
    p=$(ir forward_batch) f=$(ir floor_batch)
    own=$(ir sh_rtp_parse sh_rtp_ext_audio_level sh_rtp_ext_transport_seq sh_rtp_set_ssrc \
      sh_rtp_set_seq sh_rtp_set_timestamp)
    awk -v p="$p" -v f="$f" -v o="$own" -v np="$path_packets" -v nf="$floor_packets" \
      -v pr="$profile" -v s="$size" 'BEGIN { printf "| %s | %s | %.0f | %.0f | %.3f | %.0f |\n",
        pr, s, p / np, f / nf, (p / np) / (f / nf), o / np }'
  done
done
