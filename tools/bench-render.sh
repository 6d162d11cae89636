#!/usr/bin/env bash
# Render speed of the composite: a synthetic 10-participant meeting of N
# minutes (10 cameras 640×360 VP8 at 30 fps and 10 Opus microphones, in the
# live recording's 10 s Matroska fragments, members joining over the first
# 9 s), rendered by sanhui-render to 1280×720 WebM + MP4 from one decode
# (tee), then as two passes (WebM alone, MP4 alone). Prints each as a
# multiple of real time. Run it on an otherwise idle machine.
# Usage: tools/bench-render.sh [MINUTES]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
seconds=${BENCH_SECONDS:-$((minutes * 60))}  # BENCH_SECONDS: a shorter trial
build_dir=build-bench
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" -Dbuildtype=release -Dbrowser_tests=false >/dev/null
fi
ninja -C "$build_dir" recorder/sanhui-render >/dev/null
render=$PWD/$build_dir/recorder/sanhui-render

work=$(mktemp -d /tmp/sanhui-bench-render-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "date: $(date -u +%F)  commit: $(git rev-parse --short HEAD)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "meeting: 10 participants, ${seconds} s, output 1280x720 25 fps"

# Two camera recordings with different content and one microphone; each
# participant decodes its own copy in the render, so sharing the files
# changes nothing in the work done.
frames=$((seconds * 30))
buffers=$((seconds * 50))
for pattern in smpte ball; do
  gst-launch-1.0 -q videotestsrc num-buffers=$frames pattern=$pattern \
    ! video/x-raw,width=640,height=360,framerate=30/1 \
    ! vp8enc deadline=1 cpu-used=16 keyframe-max-dist=300 target-bitrate=600000 \
    ! splitmuxsink muxer=matroskamux max-size-time=10000000000 \
      location="$work/cam-$pattern-%05d.mkv"
done
gst-launch-1.0 -q audiotestsrc num-buffers=$buffers samplesperbuffer=960 wave=pink-noise volume=0.1 \
  ! audio/x-raw,rate=48000,channels=1 ! opusenc \
  ! s.audio_0 splitmuxsink name=s muxer=matroskamux max-size-time=10000000000 \
    location="$work/mic-%05d.mkv"

fragments() { # prefix → JSON array of its fragments
  local first=1
  printf '['
  for f in "$work/$1"-*.mkv; do
    [ $first = 1 ] || printf ','
    printf '"%s"' "$f"
    first=0
  done
  printf ']'
}

write_job() { # file, outputs JSON members
  local names=(张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄强 周杰 吴霞)
  {
    printf '{"title":"基准测试 支部委员会","start":"2026-12-07T07:00:00Z",'
    printf '"duration_ns":%d000000000,%s,"tracks":[' "$seconds" "$2"
    for i in $(seq 0 9); do
      local cam=cam-smpte
      [ $((i % 2)) = 1 ] && cam=cam-ball
      [ "$i" = 0 ] || printf ','
      printf '{"kind":"camera","name":"%s","publisher":"p%d","offset_ns":%d000000000,"fragments":%s},' \
        "${names[$i]}" "$i" "$i" "$(fragments $cam)"
      printf '{"kind":"microphone","name":"%s","publisher":"p%d","offset_ns":%d000000000,"fragments":%s}' \
        "${names[$i]}" "$i" "$i" "$(fragments mic)"
    done
    printf ']}'
  } >"$1"
}

# Wall time depends on what else the machine runs; CPU time (user + system)
# does much less, so both are printed.
run() { # label, job file → prints seconds, the multiple of real time, CPU seconds
  local start end cpu
  start=$(date +%s.%N)
  cpu=$( { /usr/bin/time -f '%U %S' "$render" "$2" >/dev/null; } 2>&1 | tail -1)
  end=$(date +%s.%N)
  awk -v l="$1" -v s="$start" -v e="$end" -v m="$seconds" -v c="$cpu" \
    'BEGIN { t = e - s; split(c, u, " ");
             printf "%-30s %7.1f s  %5.2fx real time  CPU %6.1f s\n", l, t, m / t, u[1] + u[2] }'
}

write_job "$work/both.json" "\"webm\":\"$work/out.webm\",\"mp4\":\"$work/out.mp4\""
write_job "$work/webm.json" "\"webm\":\"$work/only.webm\""
write_job "$work/mp4.json" "\"mp4\":\"$work/only.mp4\""

run "WebM + MP4, one decode (tee)" "$work/both.json"
t0=$(date +%s.%N)
run "WebM alone" "$work/webm.json"
run "MP4 alone" "$work/mp4.json"
t1=$(date +%s.%N)
awk -v s="$t0" -v e="$t1" -v m="$seconds" \
  'BEGIN { t = e - s; printf "%-34s %7.1f s  %5.2fx real time\n", "WebM + MP4, two passes", t, m / t }'
ls -l "$work/out.webm" "$work/out.mp4" | awk '{ print $5, $9 }'
