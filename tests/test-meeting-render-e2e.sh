#!/usr/bin/env bash
# Integration test of the composite render after the meeting
# (signaling/src/meeting-render.c, api-recordings.c): the real server on
# loopback, three publishers over ICE (tools/loadbot, as in
# test-recording-e2e.sh), recordings of a few seconds.
#   1. a meeting ends: without anyone asking the composite WebM and MP4
#      appear (polled over GET /api/meetings/{id}/recordings), ffprobe reads
#      both with the expected streams and length, the SHA-256 and size rows
#      match the files; access: secretary, chair and inspector 200, a member
#      of the other branch 403, an unknown meeting 404.
#   2. SIGKILL in the middle of a meeting, restart: the interrupted
#      recording's composite is rendered without being asked.
#   3. SIGKILL while rendering: no render outlives the server, and after the
#      restart the render runs again from the beginning and completes.
#   4. a renderer that always fails ($SANHUI_RENDER=/bin/false): three
#      attempts, then failed with the error kept.
# Skips (77) without ffprobe, jq, curl, sqlite3 or sha256sum.
set -uo pipefail
. "$(dirname "$0")/recording-e2e-lib.sh"
rec_init rec-render ffprobe sha256sum pgrep

start_server
for who in admin secretary zhangwei inspector sunhao; do login $who; done
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(sql "SELECT member_id FROM accounts WHERE login = 'zhangwei'")
meeting_title=合成测试
add_bots
renders_running() { pgrep -f "sanhui-render $work/" | wc -l; }
# Both composites: streams, length within 1 s of the recording's, rows
# that match the files.
check_composites() { # check_composites MEETING
  local json rec len f path dur
  json=$(api secretary GET "api/meetings/$1/recordings")
  rec=$(jq '.recordings[0].id' <<<"$json")
  len=$(sql "SELECT (ended_at - started_at) / 1000000.0 FROM recordings WHERE id = $rec")
  check "render done over REST" [ "$(jq -r '.recordings[0].render.state' <<<"$json")" = done ]
  check "progress 1000 over REST" [ "$(jq '.recordings[0].render.progress' <<<"$json")" = 1000 ]
  check "two composite files over REST" \
    [ "$(jq -r '[.recordings[0].files[] | select(.kind == "composite") | .format] | sort | join(",")' <<<"$json")" = mp4,webm ]
  while IFS='|' read -r f path; do
    path=$work/data/$path
    check "$f: stored size matches" [ "$(stat -c %s "$path")" = "$(sql "SELECT size FROM recording_files WHERE id = $f")" ]
    check "$f: stored SHA-256 matches" \
      [ "$(sha256sum "$path" | cut -d' ' -f1)" = "$(sql "SELECT sha256 FROM recording_files WHERE id = $f")" ]
    check "$f: video and audio" \
      [ "$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$path" | sort | tr '\n' ,)" = audio,video, ]
    dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$path")
    check "$f: length ${dur}s within 1 s of the recording's ${len}s" \
      awk -v a="$dur" -v b="$len" 'BEGIN { exit !(a - b < 1 && b - a < 1) }'
  done < <(sql "SELECT id, path FROM recording_files WHERE recording_id = $rec AND kind = 'composite'")
  check "no .part left" [ -z "$(find "$work/data/recordings/$1" -name '*.part')" ]
}

# ---- 1. a recorded meeting that ends
m1=$(new_meeting)
bots "$m1" 4
wait "$bots_pid"; bots_pid=""
api secretary POST "api/meetings/$m1/transition" '{"to":"ended"}' >/dev/null
wait_rendered "$m1"
check_composites "$m1"
check "webm is VP8/Opus" [ "$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 \
  "$work/data/$(sql "SELECT path FROM recording_files WHERE kind = 'composite' AND path LIKE '%.webm' LIMIT 1")" | sort | tr '\n' ,)" = opus,vp8, ]
check "secretary may read" [ "$(status secretary "api/meetings/$m1/recordings")" = 200 ]
check "the chair may read" [ "$(status zhangwei "api/meetings/$m1/recordings")" = 200 ]
check "an inspector may read" [ "$(status inspector "api/meetings/$m1/recordings")" = 200 ]
check "the other branch's member may not" [ "$(status sunhao "api/meetings/$m1/recordings")" = 403 ]
check "an unknown meeting is 404" [ "$(status secretary "api/meetings/999999/recordings")" = 404 ]
check "the recording is complete over REST" \
  [ "$(api inspector GET "api/meetings/$m1/recordings" | jq -r '.recordings[0].state')" = complete ]

# ---- 2. SIGKILL in the middle of a recorded meeting
m2=$(new_meeting)
bots "$m2" 60
sleep 5
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null
kill "$bots_pid" 2>/dev/null; wait "$bots_pid" 2>/dev/null; bots_pid=""
start_server
wait_rendered "$m2"
check "interrupted, with the crash moment" \
  [ "$(api secretary GET "api/meetings/$m2/recordings" | jq -r '.recordings[0] | .state + " " + (.interrupted_at != null | tostring)')" = "interrupted true" ]
check_composites "$m2"

# ---- 3. SIGKILL while rendering
m3=$(new_meeting)
bots "$m3" 8
wait "$bots_pid"; bots_pid=""
api secretary POST "api/meetings/$m3/transition" '{"to":"ended"}' >/dev/null
r3=""
for _ in $(seq 300); do
  r3=$(sql "SELECT r.id FROM recording_renders r JOIN recordings c ON c.id = r.recording_id
            WHERE c.meeting_id = $m3 AND r.state = 'running'")
  # The row says running a moment before the child is spawned.
  [ -n "$r3" ] && [ "$(renders_running)" = 1 ] && break
  sleep 0.1
done
check "the render was running" [ -n "$r3" ]
check "a sanhui-render child runs" [ "$(renders_running)" = 1 ]
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null
for _ in $(seq 50); do [ "$(renders_running)" = 0 ] && break; sleep 0.1; done
check "the render died with the server" [ "$(renders_running)" = 0 ]
start_server
wait_rendered "$m3"
check_composites "$m3"
check "run again after the restart" [ "$(sql "SELECT attempts FROM recording_renders WHERE id = $r3")" -ge 2 ]

# ---- 4. a render that fails every time: bounded attempts, the error kept
kill "$server_pid"; wait "$server_pid" 2>/dev/null
SANHUI_RENDER=/bin/false start_server
m4=$(new_meeting)
bots "$m4" 3
wait "$bots_pid"; bots_pid=""
api secretary POST "api/meetings/$m4/transition" '{"to":"ended"}' >/dev/null
wait_rendered "$m4"
json=$(api secretary GET "api/meetings/$m4/recordings")
check "failed after three attempts" \
  [ "$(jq -r '.recordings[0].render | .state + " " + (.attempts | tostring)' <<<"$json")" = "failed 3" ]
check "the failure is kept" \
  [ "$(jq -r '.recordings[0].render.error' <<<"$json")" = "sanhui-render failed (exit status 1)" ]
check "no composite row" [ "$(jq '[.recordings[0].files[] | select(.kind == "composite")] | length' <<<"$json")" = 0 ]

# ---- 5. per-track files beside meeting 1's composites: one per recorded
# track, its fragments remuxed (no transcoding), from 0, as long as they are
rec1=$(sql "SELECT id FROM recordings WHERE meeting_id = $m1 LIMIT 1")
check "a per-track file for every recorded track" \
  [ "$(sql "SELECT COUNT(*) FROM recording_files WHERE recording_id = $rec1 AND kind = 'track'")" \
    = "$(sql "SELECT COUNT(DISTINCT track_id) FROM recording_files WHERE recording_id = $rec1 AND kind = 'fragment' AND size > 0")" ]
while IFS='|' read -r f track path; do
  path=$work/data/$path
  check "track file $f: stored size matches" \
    [ "$(stat -c %s "$path")" = "$(sql "SELECT size FROM recording_files WHERE id = $f")" ]
  check "track file $f: stored SHA-256 matches" \
    [ "$(sha256sum "$path" | cut -d' ' -f1)" = "$(sql "SELECT sha256 FROM recording_files WHERE id = $f")" ]
  check "track file $f: one stream of the track's kind" \
    [ "$(ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$path" | tr '\n' ,)" \
      = "$(sql "SELECT CASE kind WHEN 'microphone' THEN 'audio,' ELSE 'video,' END FROM recording_tracks WHERE id = $track")" ]
  start=$(ffprobe -v error -show_entries format=start_time -of csv=p=0 "$path")
  check "track file $f: starts at 0 (${start}s)" awk -v s="$start" 'BEGIN { exit !(s < 0.001) }'
  dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$path")
  sum=$(sql "SELECT SUM(duration_ns) / 1e9 FROM recording_files WHERE track_id = $track AND kind = 'fragment'")
  check "track file $f: ${dur}s within 1 s of its fragments' ${sum}s" \
    awk -v a="$dur" -v b="$sum" 'BEGIN { exit !(a - b < 1 && b - a < 1) }'
done < <(sql "SELECT id, track_id, path FROM recording_files WHERE recording_id = $rec1 AND kind = 'track'")

rec_finish 30
