#!/usr/bin/env bash
# Render speed of the composite against a reference made in the same run.
#
# Two synthetic meetings, in the live recording's 10 s Matroska fragments:
#   small: 4 participants (640×360 VP8 cameras at 30 fps, Opus microphones,
#          joining at 0..3 s) and one screen share (1280×720 VP8 at 15 fps,
#          moving content) from 2 s to the end;
#   ten:   10 participants (cameras and microphones, joining at 0..9 s).
# Each is rendered by sanhui-render (release build) to 1280×720 25 fps WebM
# (VP8/Opus) + MP4 (H.264/AAC) from one decode, then by one ffmpeg process
# doing the same work: decode every input, scale each to its tile, draw the
# names and the title, overlay, mix the audio, both encodes at the same
# encoder settings. Prints wall time, the multiple of real time, CPU time and
# Sanhui's time over ffmpeg's.
# Usage: tools/bench-render.sh [MINUTES] [SCENARIO...]
#   MINUTES default 10; BENCH_SECONDS=20 for a quick trial; SCENARIO small, ten
#   (default both).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(small ten)
seconds=${BENCH_SECONDS:-$((minutes * 60))}
build_dir=build-bench
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" -Dbuildtype=release -Dbrowser_tests=false >/dev/null
fi
ninja -C "$build_dir" recorder/sanhui-render >/dev/null
render=$PWD/$build_dir/recorder/sanhui-render
font=$(fc-match -f '%{file}' 'Noto Sans CJK SC:bold')

# BENCH_WORK=DIR keeps the recordings in DIR and reuses them on the next run.
if [ -n "${BENCH_WORK:-}" ]; then
  work=$BENCH_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/sanhui-bench-render-XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

echo "date: $(date -u +%FT%TZ)  commit: $(git rev-parse --short HEAD)"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "meeting length: ${seconds} s; output 1280x720 25 fps"

# Two camera recordings with different content, one screen share and one
# microphone; each participant decodes its own copy in either renderer, so
# sharing the files changes nothing in the work done.
# splitmuxsink in GStreamer 1.22 now and then hangs at EOS after writing
# everything: each recording gets a time limit and another try.
gen() { # prefix, pipeline without its sink
  local prefix=$1 try
  shift
  [ ! -f "$work/$prefix.${seconds}s.done" ] || return 0
  for try in 1 2 3; do
    rm -f "$work/$prefix"-*.mkv
    if timeout $((60 + seconds)) gst-launch-1.0 -q "$@" splitmuxsink name=s muxer=matroskamux \
      max-size-time=10000000000 location="$work/$prefix-%05d.mkv"; then
      touch "$work/$prefix.${seconds}s.done"
      return
    fi
  done
  echo "cannot record $prefix" >&2
  exit 1
}
frames=$((seconds * 30))
for pattern in smpte ball; do
  gen cam-$pattern videotestsrc num-buffers=$frames pattern=$pattern \
    ! video/x-raw,width=640,height=360,framerate=30/1 \
    ! vp8enc deadline=1 cpu-used=16 keyframe-max-dist=300 target-bitrate=600000 ! s.video
done
gen screen videotestsrc num-buffers=$(((seconds - 2) * 15)) pattern=zone-plate kt=2 \
  ! video/x-raw,width=1280,height=720,framerate=15/1 \
  ! vp8enc deadline=1 cpu-used=16 keyframe-max-dist=150 target-bitrate=1500000 ! s.video
gen mic audiotestsrc num-buffers=$((seconds * 50)) samplesperbuffer=960 wave=pink-noise volume=0.1 \
  ! audio/x-raw,rate=48000,channels=1 ! opusenc ! s.audio_0

names=(张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄强 周杰 吴霞)

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

cam_of() { [ $(($1 % 2)) = 1 ] && echo cam-ball || echo cam-smpte; }

write_job() { # file, participants, screen (0/1), outputs JSON members
  local n=$2
  {
    printf '{"title":"基准测试 支部委员会","start":"2026-12-07T07:00:00Z",'
    printf '"duration_ns":%d000000000,%s,"tracks":[' "$seconds" "$4"
    for i in $(seq 0 $((n - 1))); do
      [ "$i" = 0 ] || printf ','
      printf '{"kind":"camera","name":"%s","publisher":"p%d","offset_ns":%d000000000,"fragments":%s},' \
        "${names[$i]}" "$i" "$i" "$(fragments "$(cam_of "$i")")"
      printf '{"kind":"microphone","name":"%s","publisher":"p%d","offset_ns":%d000000000,"fragments":%s}' \
        "${names[$i]}" "$i" "$i" "$(fragments mic)"
    done
    if [ "$3" = 1 ]; then
      printf ',{"kind":"screen","name":"%s","publisher":"p0","offset_ns":2000000000,"fragments":%s}' \
        "${names[0]}" "$(fragments screen)"
    fi
    printf ']}'
  } >"$1"
}

concat_list() { # prefix → path of an ffmpeg concat list of its fragments
  local list="$work/$1.txt"
  for f in "$work/$1"-*.mkv; do printf "file '%s'\n" "$f"; done >"$list"
  echo "$list"
}

# The ffmpeg reference: the composite's final layout (Sanhui's layout.c for
# that many tiles) for the whole meeting, each input scaled to its tile once
# at 25 fps, names drawn on it, overlaid on a black canvas at its offset.
ffmpeg_args() { # participants, screen (0/1), webm, mp4 → argument list, one a line
  local n=$1 screen=$2 inputs=() graph="" mix="" i x y w h
  local tiles=()
  if [ "$screen" = 1 ]; then
    # top 40, strip 144 high: screen 952×536 at (164,40), cameras 256×144.
    local left=$(((1280 - 256 * n) / 2))
    for i in $(seq 0 $((n - 1))); do tiles+=("$((left + i * 256)) 576 256 144"); done
  else
    # grid of 4 columns × 3 rows of 320×226 cells below the title, 16:9 tiles.
    local cols=1 rows
    while [ $((cols * cols)) -lt "$n" ]; do cols=$((cols + 1)); done
    rows=$(((n + cols - 1) / cols))
    local cw=$((1280 / cols)) chh=$(((720 - 40) / rows)) tw th
    tw=$cw; th=$((cw * 9 / 16))
    [ $th -le $chh ] || { th=$chh; tw=$((chh * 16 / 9)); }
    tw=$((tw & ~1)); th=$((th & ~1))
    for i in $(seq 0 $((n - 1))); do
      local row=$((i / cols)) col=$((i % cols)) in_row=$cols
      [ $row = $((rows - 1)) ] && in_row=$((n - row * cols))
      local lx=$(((1280 - in_row * cw) / 2))
      tiles+=("$(((lx + col * cw + (cw - tw) / 2) & ~1)) $(((40 + row * chh + (chh - th) / 2) & ~1)) $tw $th")
    done
  fi
  printf '基准测试 支部委员会  2026年12月07日 15:00' >"$work/title.txt"
  graph="color=c=black:s=1280x720:r=25:d=${seconds}[bg0];"
  local last=bg0 input=0
  for i in $(seq 0 $((n - 1))); do
    inputs+=(-itsoffset "$i" -f concat -safe 0 -i "$(concat_list "$(cam_of "$i")")")
    read -r x y w h <<<"${tiles[$i]}"
    graph+="[$input:v]fps=25,scale=${w}:${h}:flags=bilinear,format=yuv420p,"
    graph+="drawtext=fontfile=$font:text=${names[$i]}:fontsize=16:fontcolor=white:box=1:boxcolor=black@0.5:x=4:y=h-th-4[t$i];"
    graph+="[$last][t$i]overlay=x=$x:y=$y:eof_action=pass:repeatlast=0[bg$((i + 1))];"
    last=bg$((i + 1))
    input=$((input + 1))
  done
  if [ "$screen" = 1 ]; then
    inputs+=(-itsoffset 2 -f concat -safe 0 -i "$(concat_list screen)")
    graph+="[$input:v]fps=25,scale=952:536:flags=bilinear,format=yuv420p[scr];"
    graph+="[$last][scr]overlay=x=164:y=40:eof_action=pass:repeatlast=0[bgs];"
    last=bgs
    input=$((input + 1))
  fi
  graph+="[$last]drawtext=fontfile=$font:textfile=$work/title.txt:fontsize=15:fontcolor=white:box=1:boxcolor=black@0.5:x=0:y=0,"
  graph+="split[v1][v2];"
  for i in $(seq 0 $((n - 1))); do
    inputs+=(-f concat -safe 0 -i "$(concat_list mic)")
    graph+="[$input:a]adelay=$((i * 1000)):all=1,aresample=48000[a$i];"
    mix+="[a$i]"
    input=$((input + 1))
  done
  graph+="${mix}amix=inputs=$n:normalize=0:duration=longest,atrim=0:${seconds},asplit[a1][a2]"
  printf '%s\n' -hide_banner -loglevel error -y "${inputs[@]}" -filter_complex "$graph" \
    -map '[v1]' -map '[a1]' -c:v libvpx -deadline realtime -cpu-used 16 -threads 1 -b:v 1500k \
    -g 250 -lag-in-frames 0 -slices 4 -c:a libopus -b:a 64k -t "$seconds" "$3" \
    -map '[v2]' -map '[a2]' -c:v libx264 -preset ultrafast -tune zerolatency -b:v 2000k \
    -g 250 -c:a aac -b:a 96k -movflags +faststart -t "$seconds" "$4"
}

# Wall time depends on what else the machine runs; CPU time (user + system)
# does much less, so both are printed. Both renderers run at nice 10 (what
# sanhui-render sets itself).
run() { # label, command... → prints the line, leaves the wall time in $wall
  local start end cpu
  start=$(date +%s.%N)
  if ! /usr/bin/time -o "$work/time" -f '%U %S' nice -n 10 "${@:2}" >/dev/null 2>"$work/err"; then
    echo "$1 failed:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  cpu=$(cat "$work/time")
  end=$(date +%s.%N)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
  awk -v l="$1" -v t="$wall" -v m="$seconds" -v c="$cpu" \
    'BEGIN { split(c, u, " "); printf "  %-22s %7.1f s  %5.2fx real time  CPU %6.1f s  (%5.2fx on CPU)\n",
             l, t, m / t, u[1] + u[2], m / (u[1] + u[2]) }'
}

for scenario in "${scenarios[@]}"; do
  case $scenario in
  small) n=4 screen=1 label="4 participants + screen share" ;;
  ten) n=10 screen=0 label="10 participants" ;;
  *) echo "unknown scenario $scenario" >&2; exit 64 ;;
  esac
  echo "$scenario: $label"
  write_job "$work/$scenario.json" $n $screen \
    "\"webm\":\"$work/$scenario.webm\",\"mp4\":\"$work/$scenario.mp4\""
  run "sanhui-render" "$render" "$work/$scenario.json"
  sanhui=$wall
  mapfile -t args < <(ffmpeg_args $n $screen "$work/$scenario-ff.webm" "$work/$scenario-ff.mp4")
  run "ffmpeg (reference)" ffmpeg "${args[@]}"
  awk -v a="$sanhui" -v b="$wall" \
    'BEGIN { printf "  sanhui-render time / ffmpeg time: %.2f (%.2fx as fast)\n", a / b, b / a }'
  for f in "$work/$scenario.webm" "$work/$scenario.mp4" "$work/$scenario-ff.webm" "$work/$scenario-ff.mp4"; do
    printf '  %-16s %6.1f MB  %s s\n' "$(basename "$f")" "$(($(stat -c %s "$f") / 1000))e-3" \
      "$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$f")"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
