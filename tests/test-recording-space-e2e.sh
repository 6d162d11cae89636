#!/usr/bin/env bash
# Integration test of a recording's disk space (docs/recording.md, "Disk
# space"): the recordings directory is a tmpfs of 8 MiB in a private mount
# namespace this test makes; the real server, three loadbot publishers.
#   1. a floor above the whole tmpfs ([recording] min_free_mb=64): the
#      chair (an admin in the room, over its own WebSocket) is warned as the
#      recording starts, with the space left and the minutes; /metrics counts it.
#   2. the disk fills under a recorded meeting (a filler file leaves
#      1.5 MiB): the server keeps running and answers, the meeting stays in
#      progress, the recording is interrupted at the moment the disk filled,
#      every fragment written has its row and its size and SHA-256 match the
#      file, every fragment decodes, the chair got "磁盘已满…"; with space
#      back (the filler removed) the meeting is recorded again, a new
#      recording, and the chair is told.
# Needs root (mount); skips (77) otherwise, or without unshare, ffmpeg, jq,
# curl, sqlite3, node.
set -uo pipefail
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to mount a tmpfs"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare missing"; exit 77; }
if [ -z "${SANHUI_PRIVATE_MOUNTS:-}" ]; then
  SANHUI_PRIVATE_MOUNTS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/recording-e2e-lib.sh"
rec_init rec-space ffmpeg node
space_cleanup() {
  [ -n "${chair_pid:-}" ] && kill "$chair_pid" 2>/dev/null
  [ -n "$bots_pid" ] && kill "$bots_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  umount "$work/data/recordings" 2>/dev/null
  rm -rf "$work"
}
trap space_cleanup EXIT
recordings=$work/data/recordings
mkdir -p "$recordings"
mount -t tmpfs -o size=8m tmpfs "$recordings" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }

chair_ws() { # chair_ws MEETING: admin's socket in the room, notices in $work/chair.log
  local cookie
  cookie=$(awk -F'\t' '(/^#HttpOnly_/ || !/^#/) && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' \
    "$work/admin.jar")
  : >"$work/chair.log"
  node --experimental-websocket --no-warnings "$root/tests/recording-chair-ws.mjs" "$url" "$cookie" "$1" \
    >>"$work/chair.log" 2>&1 &
  chair_pid=$!
}
wait_for() { # wait_for SECONDS CMD...: until CMD succeeds
  local n=$(($1 * 5)); shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.2; done
  return 1
}
notice() { grep -q "\"event\":\"$1\"" "$work/chair.log"; }
metric() { curl -sf "${url}metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

# ---- 1. a floor above the whole disk: the chair is warned at the start
base_sets=("${sets[@]}")
sets=("${base_sets[@]}" --set recording.min_free_mb=64)
start_server
login admin
login secretary
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(api secretary GET api/session | jq .account.member_id)
meeting_title=空间测试
add_bots
m1=$(new_meeting)
chair_ws "$m1"
check "the chair is warned as the recording starts" wait_for 15 notice low_space
check "in Chinese, with the space and the minutes left" \
  grep -q '录像存储空间不足：剩余 0\.0 GB，约可再录 [0-9]* 分钟' "$work/chair.log"
check "warned once" [ "$(grep -c low_space "$work/chair.log")" = 1 ]
check "/metrics counts the warning" [ "$(metric sanhui_recording_low_space_total)" -ge 1 ]
check "/metrics shows the free space" [ "$(metric sanhui_recording_free_bytes)" -gt 0 ]
check "the log says it" grep -q '录像存储空间不足' "$work/server.err"
kill "$chair_pid" 2>/dev/null
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""

# ---- 2. the disk fills under a meeting (a floor of 2 MiB)
sets=("${base_sets[@]}" --set recording.min_free_mb=2)
start_server
m1=$(new_meeting)
chair_ws "$m1"
wait_for 10 grep -q joined "$work/chair.log"
free_kb=$(df -k --output=avail "$recordings" | tail -1)
dd if=/dev/zero of="$recordings/filler" bs=1k count=$((free_kb - 1536)) 2>/dev/null
bots "$m1" 40
r1=$(sql "SELECT id FROM recordings WHERE meeting_id = $m1 ORDER BY id LIMIT 1")
state() { [ "$(sql "SELECT state FROM recordings WHERE id = $r1")" = "$1" ]; }
check "the recording stops when the disk is full" wait_for 40 state interrupted
check "the chair is told" wait_for 10 notice no_space
check "in Chinese" grep -q '磁盘已满，录像已停止，已录内容已保存' "$work/chair.log"
check "the server keeps running" kill -0 "$server_pid"
answers() { api secretary GET api/session >/dev/null; }
check "and answers" answers
check "the meeting goes on" \
  [ "$(api secretary GET "api/meetings/$m1" | jq -r '.state // .meeting.state')" = in_progress ]
sleep 3
check "the bots are still in the meeting" kill -0 "$bots_pid"
at=$(sql "SELECT interrupted_at FROM recordings WHERE id = $r1")
check "interrupted at the moment the disk filled" \
  [ "$at" -gt "$(sql "SELECT started_at FROM recordings WHERE id = $r1")" ]
check "the log says it" grep -q 'the disk is full' "$work/server.err"
check "/metrics counts it" [ "$(metric sanhui_recording_no_space_total)" = 1 ]
rows=$(sql "SELECT count(*) FROM recording_files WHERE recording_id = $r1")
check "fragments were written" [ "$rows" -ge 3 ]
check "every fragment on disk has its row" \
  [ "$(find "$recordings/$m1/$r1" -name '*.mkv' | wc -l)" = "$rows" ]
same=0
while IFS='|' read -r path size sha; do
  f=$work/data/$path
  if [ "$(stat -c %s "$f")" = "$size" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ]; then
    same=$((same + 1))
  else
    echo "# $path differs from its row"
  fi
done < <(sql "SELECT path, size, sha256 FROM recording_files WHERE recording_id = $r1")
check "every fragment's size and SHA-256 equal its row" [ "$same" = "$rows" ]
decoded=0
while IFS= read -r path; do
  # A fragment the full disk cut ends in the middle of a block: what is
  # there decodes, and ffmpeg says the file ended early.
  err=$(ffmpeg -nostdin -v error -i "$work/data/$path" -f null - 2>&1 \
        | grep -v -e 'non monotonically increasing dts' -e 'Last message repeated' \
                  -e 'File ended prematurely')
  if [ -z "$err" ]; then decoded=$((decoded + 1)); else echo "# $path: $(head -1 <<<"$err")"; fi
done < <(sql "SELECT path FROM recording_files WHERE recording_id = $r1")
check "every fragment decodes" [ "$decoded" = "$rows" ]
check "verify-recordings passes" "$sanhui" "${sets[@]}" verify-recordings --meeting "$m1"

# ---- space back: recorded again, a new recording, without anyone asking
kill "$bots_pid" 2>/dev/null; wait "$bots_pid" 2>/dev/null; bots_pid=""
rm -f "$recordings/filler"
new_recording() { [ "$(sql "SELECT count(*) FROM recordings WHERE meeting_id = $m1")" -ge 2 ]; }
check "recorded again once space is back" wait_for 25 new_recording
check "the chair is told" wait_for 5 notice resumed
check "the first recording stays interrupted" state interrupted
rec_finish
