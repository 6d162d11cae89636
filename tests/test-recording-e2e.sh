#!/usr/bin/env bash
# Integration test of live recording: the real server on loopback, three
# publishers over ICE/DTLS/SRTP (tools/loadbot, Opus + VP8), a general
# meeting recorded with 2 s fragments.
#   1. recorded and ended: the recording is complete, six tracks (three
#      microphones, three cameras) with their publishers, every fragment
#      decodes (ffmpeg), each track's fragments add up to its length within
#      1 s, `sanhui verify-recordings` passes.
#   2. SIGKILL mid-recording, restart: without anyone asking the recording
#      is interrupted at the crash moment, every fragment left on disk has
#      its row and decodes; verify-recordings passes, then names a file
#      with one byte changed and a deleted one, exit status 1.
# Skips (77) without ffmpeg, jq, curl or sqlite3.
set -uo pipefail
for tool in ffmpeg ffprobe jq curl sqlite3; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done
root=${SANHUI_SOURCE_ROOT:?} build=${SANHUI_BUILD_ROOT:?}
sanhui=${SANHUI_BINARY:-$build/signaling/sanhui}
loadbot=$build/tools/loadbot/loadbot
[ -x "$loadbot" ] || { echo "SKIP: $loadbot not built"; exit 77; }
work=$(mktemp -d /tmp/sanhui-rec-e2e-XXXXXX)
server_pid="" bots_pid=""
cleanup() {
  [ -n "$bots_pid" ] && kill "$bots_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
check() { # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); return 1; fi
}

sets=(--set "storage.data_dir=$work/data" --set security.password_iterations=1000
      --set log.level=message --set recording.fragment_seconds=2)
mkdir -p "$work/data"
"$sanhui" "${sets[@]}" demo >/dev/null || exit 1
start_server() {
  : >"$work/server.out"
  "$sanhui" "${sets[@]}" --set server.port=0 --set "server.web_root=$root/web" serve \
    >"$work/server.out" 2>>"$work/server.err" &
  server_pid=$!
  url=""
  for _ in $(seq 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/server.out" | head -1)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the server did not start"; cat "$work/server.err"; exit 1; }
  url=$url/
}
declare -A csrf
login() {
  csrf[$1]=$(curl -sf -c "$work/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"Demo@2026\"}" "${url}api/session" | jq -r .csrf_token)
}
api() {
  curl -sf -b "$work/$1.jar" -X "$2" -H "X-CSRF-Token: ${csrf[$1]}" \
    -H 'Content-Type: application/json' ${4:+-d "$4"} "${url}${3#/}"
}
sql() { sqlite3 "$work/data/sanhui.db" "$1"; }

start_server
login admin
login secretary
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(api secretary GET api/session | jq .account.member_id)
for i in 1 2; do
  api admin POST api/accounts \
    "{\"login\":\"bot00$i\",\"display_name\":\"录制$i\",\"password\":\"Demo@2026\"}" >/dev/null
done
new_meeting() { # → id; opened and started over REST
  local st en id
  st=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
  en=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
  id=$(api secretary POST "api/orgs/$branch/meetings" \
    "{\"type\":\"general\",\"title\":\"录制测试\",\"planned_start\":\"$st\",\"planned_end\":\"$en\",\"place\":\"线上\",\"chair_member_id\":$chair_member}" \
    | jq .id)
  for i in 1 2; do
    api secretary POST "api/meetings/$id/guests" "{\"login\":\"bot00$i\"}" >/dev/null
  done
  api secretary POST "api/meetings/$id/transition" '{"to":"open"}' >/dev/null
  api secretary POST "api/meetings/$id/transition" '{"to":"in_progress"}' >/dev/null
  echo "$id"
}
bots() { # bots MEETING SECONDS
  "$loadbot" --url "$url" --meeting "$1" --bots 3 --publishers 3 \
    --capture "$root/tools/loadbot/media.cap" --duration "$2" >/dev/null 2>"$work/bots.err" &
  bots_pid=$!
}
all_decode() { # all_decode RECORDING_ID [killed]
  local f ok=0 err
  while IFS= read -r f; do
    # The null muxer's complaint about two frames on one timestamp is not
    # a decoding error: a bot answers a keyframe request at once, with the
    # timestamp of the frame it just sent.
    # A fragment open at a kill ends in the middle of a block: what is
    # there decodes, and ffmpeg says the file ended early.
    err=$(ffmpeg -nostdin -v error -i "$work/data/$f" -f null - 2>&1 \
          | grep -v -e 'non monotonically increasing dts to muxer' -e 'Last message repeated' \
          | { if [ "${2:-}" = killed ]; then grep -v 'File ended prematurely'; else cat; fi; })
    if [ -n "$err" ]; then
      echo "# does not decode: $f: $(head -2 <<<"$err" | tr '\n' ' ')"; ok=1
    fi
  done < <(sql "SELECT path FROM recording_files WHERE recording_id = $1")
  return $ok
}
# Fragments only (track-<track>-<n>.mkv): the render adds per-track files
# (track-<track>.mkv) and composites, whose rows come when it finishes.
files_on_disk() { find "$work/data/recordings/$1/$2" -name 'track-*-*.mkv' | wc -l; }

# ---- 1. a recorded meeting that ends
m1=$(new_meeting)
bots "$m1" 8
wait "$bots_pid"; bots_pid=""
api secretary POST "api/meetings/$m1/transition" '{"to":"ended"}' >/dev/null
for _ in $(seq 50); do
  [ "$(sql "SELECT state FROM recordings WHERE meeting_id = $m1")" = complete ] && break
  sleep 0.2
done
r1=$(sql "SELECT id FROM recordings WHERE meeting_id = $m1")
check "recording complete" [ "$(sql "SELECT state FROM recordings WHERE id = $r1")" = complete ]
check "three microphones, three cameras" \
  [ "$(sql "SELECT group_concat(kind || '/' || codec, ',') FROM (SELECT kind, codec FROM recording_tracks WHERE recording_id = $r1 ORDER BY kind, id)")" \
    = "camera/VP8,camera/VP8,camera/VP8,microphone/opus,microphone/opus,microphone/opus" ]
check "the chair's tracks carry the member and name" \
  [ "$(sql "SELECT count(*) FROM recording_tracks WHERE recording_id = $r1 AND member_id = $chair_member AND display_name <> ''")" = 2 ]
check "every fragment has its row" \
  [ "$(files_on_disk "$m1" "$r1")" = "$(sql "SELECT count(*) FROM recording_files WHERE recording_id = $r1 AND kind = 'fragment'")" ]
check "every fragment decodes" all_decode "$r1"
# Each track: its fragments' durations add up to its length within 1 s.
spans=$(sql "SELECT abs(sum(f.duration_ns) - (t.ended_at - t.started_at) * 1000) < 1000000000
             FROM recording_tracks t JOIN recording_files f ON f.track_id = t.id AND f.kind = 'fragment'
             WHERE t.recording_id = $r1 GROUP BY t.id" | sort -u)
check "fragment durations add up to each track's length" [ "$spans" = 1 ] \
  || sql "SELECT '# track ' || t.track || ' ' || t.kind || ': fragments ' || sum(f.duration_ns) / 1000000
          || ' ms, track ' || (t.ended_at - t.started_at) / 1000 || ' ms'
          FROM recording_tracks t JOIN recording_files f ON f.track_id = t.id AND f.kind = 'fragment'
          WHERE t.recording_id = $r1 GROUP BY t.id"
check "verify-recordings passes" "$sanhui" "${sets[@]}" verify-recordings --meeting "$m1"

# ---- 2. SIGKILL in the middle of a recorded meeting
m2=$(new_meeting)
bots "$m2" 60
sleep 7
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null
killed_at=$(($(date +%s%N) / 1000))
kill "$bots_pid" 2>/dev/null; wait "$bots_pid" 2>/dev/null; bots_pid=""
start_server
r2=$(sql "SELECT id FROM recordings WHERE meeting_id = $m2")
check "interrupted after the restart" [ "$(sql "SELECT state FROM recordings WHERE id = $r2")" = interrupted ]
at=$(sql "SELECT interrupted_at FROM recordings WHERE id = $r2")
started=$(sql "SELECT started_at FROM recordings WHERE id = $r2")
check "interrupted at the crash moment (within the heartbeat)" \
  [ "$at" -le "$killed_at" -a "$at" -ge $((killed_at - 7000000)) -a "$at" -gt "$started" ]
check "every fragment left on disk has its SHA-256 row" \
  [ "$(files_on_disk "$m2" "$r2")" = "$(sql "SELECT count(*) FROM recording_files WHERE recording_id = $r2 AND kind = 'fragment' AND length(sha256) = 64")" ]
check "fragments were written" [ "$(files_on_disk "$m2" "$r2")" -ge 6 ]
check "every fragment decodes after the kill" all_decode "$r2" killed
check "verify-recordings passes" "$sanhui" "${sets[@]}" verify-recordings
changed=$(sql "SELECT path FROM recording_files WHERE recording_id = $r2 AND size > 2000 LIMIT 1")
gone=$(sql "SELECT path FROM recording_files WHERE recording_id = $r2 ORDER BY id DESC LIMIT 1")
printf 'X' | dd of="$work/data/$changed" bs=1 seek=1500 conv=notrunc 2>/dev/null
rm -f "$work/data/$gone"
out=$("$sanhui" "${sets[@]}" verify-recordings); rc=$?
check "verify-recordings fails" [ "$rc" = 1 ]
check "it names the changed file" grep -q "^CHANGED $changed " <<<"$out"
check "it names the deleted file" grep -q "^MISSING $gone\$" <<<"$out"
check "it names nothing else" [ "$(grep -c '^\(CHANGED\|MISSING\)' <<<"$out")" = 2 ]

[ "$fails" = 0 ] || { echo "# server log:"; grep -v '^$' "$work/server.err" | tail -20; exit 1; }
