#!/usr/bin/env bash
# The meeting benchmark: the real server on loopback with a temp data dir
# and the demo data, load bots (tools/loadbot) in one process, two
# scenarios, and the server's figures over a steady window:
#   meeting  10 participants, everyone publishing audio + video
#   lesson   the lecturer (lesson mode on) publishing, N listeners
# Measured: forwarded packets per second (/metrics), server CPU seconds per
# million forwarded packets (/proc/PID/stat), resident memory per
# participant (VmRSS before the bots and at the steady state) and the time
# from joining to the first keyframe of each remote video track (bots).
# (LOADBOT_BUILD_DIR=DIR: another build directory than build-bench, release.)
# The bots' own JSON lines are kept in BUILD_DIR/loadbot-SCENARIO.jsonl.
# Usage: tools/loadbot/run.sh [--listeners N] [--duration S] [--only meeting|lesson]
#                             [--append-docs]
set -euo pipefail
cd "$(dirname "$0")/../.."

listeners=200 duration=30 only="" append=0
while [ $# -gt 0 ]; do
  case "$1" in
    --listeners) listeners=$2; shift ;;
    --duration) duration=$2; shift ;;
    --only) only=$2; shift ;;
    --append-docs) append=1 ;;
    *) echo "usage: $0 [--listeners N] [--duration S] [--only meeting|lesson] [--append-docs]" >&2
       exit 2 ;;
  esac
  shift
done
[ "$listeners" -ge 1 ] && [ "$listeners" -le 999 ] || { echo "--listeners: 1-999" >&2; exit 2; }

build_dir=${LOADBOT_BUILD_DIR:-build-bench}
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" -Dbuildtype=release -Dbrowser_tests=false >/dev/null
fi
ninja -C "$build_dir" signaling/sanhui tools/loadbot/loadbot tools/loadbot/loadbot-capture >/dev/null
sanhui=$build_dir/signaling/sanhui
loadbot=$build_dir/tools/loadbot/loadbot
capture=tools/loadbot/media.cap
if [ ! -f "$capture" ]; then
  capture=$build_dir/tools/loadbot/media.cap
  [ -f "$capture" ] || "$build_dir/tools/loadbot/loadbot-capture" "$capture" 10
fi
for tool in curl jq; do
  command -v $tool >/dev/null || { echo "$tool is needed" >&2; exit 1; }
done

work=$(mktemp -d /tmp/sanhui-loadbot-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
# Each bot holds a WebSocket and two UDP sockets, the server as many.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

sets=(--set "storage.data_dir=$work/data" --set security.password_iterations=1000
      --set log.level=warning)
mkdir -p "$work/data"
"$sanhui" "${sets[@]}" demo >/dev/null
"$sanhui" "${sets[@]}" --set server.port=0 --set "server.web_root=$PWD/web" serve \
  >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
url=""
for _ in $(seq 200); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.out" | head -1 || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
url=$url/

# ---- REST: log-ins with a CSRF token each
declare -A csrf
login() { # login NAME
  csrf[$1]=$(curl -sf -c "$work/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"Demo@2026\"}" "${url}api/session" | jq -r .csrf_token)
}
api() { # api AS METHOD PATH [BODY]
  curl -sf -b "$work/$1.jar" -X "$2" -H "X-CSRF-Token: ${csrf[$1]}" \
    -H 'Content-Type: application/json' ${4:+-d "$4"} "${url}${3#/}"
}
login admin
login secretary
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(api secretary GET api/session | jq .account.member_id)
bots_needed=$(( listeners > 9 ? listeners : 9 ))
for i in $(seq 1 "$bots_needed"); do
  name=$(printf 'bot%03d' "$i")
  api admin POST api/accounts \
    "{\"login\":\"$name\",\"display_name\":\"压测$name\",\"password\":\"Demo@2026\"}" >/dev/null
done

new_meeting() { # new_meeting TYPE GUESTS → id
  local start end body id
  start=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
  end=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
  body="{\"type\":\"$1\",\"title\":\"压测 $1\",\"planned_start\":\"$start\",\"planned_end\":\"$end\""
  body+=",\"place\":\"线上\",\"chair_member_id\":$chair_member"
  [ "$1" = lesson ] && body+=",\"lecturer_member_id\":$chair_member,\"topic\":\"压测党课\""
  id=$(api secretary POST "api/orgs/$branch/meetings" "$body}" | jq .id)
  for i in $(seq 1 "$2"); do
    api secretary POST "api/meetings/$id/guests" "{\"login\":\"$(printf 'bot%03d' "$i")\"}" \
      >/dev/null
  done
  echo "$id"
}

clk_tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || true; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# A sample that fails leaves its variable empty, and the scenario reports "no figures".
forwarded() {
  curl -sf --max-time 10 "${url}metrics" | awk '/^sanhui_media_forwarded_packets_total / { print $2 }' \
    || true
}
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

results=()
scenario() { # scenario NAME TYPE BOTS PUBLISHERS [loadbot options...]
  local name=$1 type=$2 bots=$3 publishers=$4
  shift 4
  local meeting rss0 rss1 cpu0 cpu1 fwd0 fwd1 t0 t1 bot_cpu0 bot_cpu1 summary="" line pid
  meeting=$(new_meeting "$type" $((bots - 1)))
  sleep 1
  rss0=$(rss_kib "$server_pid")
  exec {out}< <(exec "$loadbot" --url "$url" --meeting "$meeting" --bots "$bots" \
    --publishers "$publishers" --capture "$capture" --duration "$duration" "$@" \
    2>"$work/$name.err")
  pid=$!
  while IFS= read -r line <&"$out"; do
    echo "$line" >>"$work/$name.jsonl"
    case $(jq -r .event <<<"$line") in
      steady)
        t0=$(now) cpu0=$(cpu_ticks "$server_pid") fwd0=$(forwarded)
        bot_cpu0=$(cpu_ticks "$pid")
        echo "$name: steady after $(jq .t <<<"$line") s, $(jq .ready <<<"$line")/$bots ready" >&2 ;;
      done)
        t1=$(now) cpu1=$(cpu_ticks "$server_pid") fwd1=$(forwarded)
        bot_cpu1=$(cpu_ticks "$pid")
        rss1=$(rss_kib "$server_pid") ;;
      summary) summary=$line ;;
    esac
  done
  exec {out}<&-
  cp "$work/$name.jsonl" "$build_dir/loadbot-$name.jsonl"
  wait "$pid" || { echo "$name: loadbot failed:" >&2; tail -20 "$work/$name.err" >&2; exit 1; }
  [ -n "$summary" ] && [ -n "${fwd0:-}" ] && [ -n "${fwd1:-}" ] && [ -n "${bot_cpu1:-}" ] \
    || { echo "$name: no figures (see $build_dir/loadbot-$name.jsonl)" >&2; exit 1; }
  if [ -s "$work/$name.err" ]; then
    echo "$name: loadbot said ($(wc -l <"$work/$name.err") lines):" >&2
    sort "$work/$name.err" | uniq -c | sort -rn | head -5 >&2
  fi
  results+=("$(jq -n --arg name "$name" --argjson s "$summary" \
    --argjson bots "$bots" --argjson publishers "$publishers" \
    --argjson secs "$(calc "$t1 - $t0")" --argjson fwd "$((fwd1 - fwd0))" \
    --argjson cpu "$(calc "($cpu1 - $cpu0) / $clk_tck")" \
    --argjson bcpu "$(calc "($bot_cpu1 - $bot_cpu0) / $clk_tck")" \
    --argjson rss0 "$rss0" --argjson rss1 "$rss1" '{
      name: $name, bots: $bots, publishers: $publishers, ready: $s.ready,
      pps: ($fwd / $secs), cpu_per_mpkt: (if $fwd > 0 then $cpu / $fwd * 1e6 else 0 end),
      server_cpu: ($cpu / $secs), bot_cpu: ($bcpu / $secs),
      rss_mib: ($rss1 / 1024), rss_per_participant_kib: (($rss1 - $rss0) / $bots),
      rx_pps: $s.rx_pps, kf_median: $s.keyframe_ms_median, kf_p95: $s.keyframe_ms_p95,
      kf_n: $s.video_tracks_with_keyframe, kf_offered: $s.video_tracks_offered,
      conn_median: $s.subscribe_connected_ms_median, conn_p95: $s.subscribe_connected_ms_p95 }')")
}

[ "$only" = lesson ] || scenario meeting general 10 10
[ "$only" = meeting ] || scenario lesson lesson $((listeners + 1)) 1 --lesson --rate 20

{
  echo "date: $(date -u +%F)  commit: $(git rev-parse --short HEAD)"
  echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "window: ${duration} s of steady load per scenario; bots and server share the machine"
  echo
  echo "| scenario | participants | ready | forwarded pkt/s | received pkt/s (bots) | server CPU s / M pkt | server CPU (cores) | loadbot CPU (cores) | server RSS MiB | RSS / participant KiB | join → subscribe connected median / p95 ms | join → keyframe median ms | p95 ms | tracks with keyframe |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in "${results[@]}"; do
    jq -r '"| \(.name) (\(.publishers) publishing) | \(.bots) | \(.ready) | \(.pps | round) | \(.rx_pps | round) | \(.cpu_per_mpkt * 100 | round / 100) | \(.server_cpu * 100 | round / 100) | \(.bot_cpu * 100 | round / 100) | \(.rss_mib | round) | \(.rss_per_participant_kib | round) | \(.conn_median | round) / \(.conn_p95 | round) | \(.kf_median | round) | \(.kf_p95 | round) | \(.kf_n)/\(.kf_offered) |"' <<<"$r"
  done
} | tee "$work/table.md"
if [ "$append" = 1 ]; then
  { echo; cat "$work/table.md"; } >>docs/benchmarks.md
fi
