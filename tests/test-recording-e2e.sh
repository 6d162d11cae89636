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
#   3. SIGTERM mid-recording: the server stops within seconds, having closed
#      the recording as interrupted at the stop moment, every track ended,
#      every fragment closed whole with its row; the restart recovers
#      nothing.
# Skips (77) without ffmpeg, jq, curl or sqlite3.
set -uo pipefail
. "$(dirname "$0")/recording-e2e-lib.sh"
rec_init rec-e2e ffmpeg ffprobe

start_server
login admin
login secretary
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(api secretary GET api/session | jq .account.member_id)
meeting_title=录制测试
add_bots

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

# ---- 3. SIGTERM in the middle of a recorded meeting: closed, not left open
m3=$(new_meeting)
bots "$m3" 60
sleep 7
r3=$(sql "SELECT id FROM recordings WHERE meeting_id = $m3")
term_at=$(($(date +%s%N) / 1000))
kill -TERM "$server_pid"
stopped=no
for _ in $(seq 100); do
  kill -0 "$server_pid" 2>/dev/null || { stopped=yes; break; }
  sleep 0.1
done
check "the server stops within 10 s" [ "$stopped" = yes ]
wait "$server_pid" 2>/dev/null; server_pid=""
kill "$bots_pid" 2>/dev/null; wait "$bots_pid" 2>/dev/null; bots_pid=""
check "the recording is closed as interrupted by the stop itself" \
  [ "$(sql "SELECT state FROM recordings WHERE id = $r3")" = interrupted ]
at=$(sql "SELECT interrupted_at FROM recordings WHERE id = $r3")
check "at the stop moment" [ "$at" -ge "$term_at" -a "$at" -le $((term_at + 2000000)) ]
check "every track ended there" \
  [ "$(sql "SELECT count(*) FROM recording_tracks WHERE recording_id = $r3 AND (ended_at IS NULL OR ended_at > $at)")" = 0 ]
check "the log says why" grep -q "recording $r3 of meeting $m3 closed as interrupted: the server stopped" "$work/server.err"
check "every fragment has its SHA-256 row" \
  [ "$(files_on_disk "$m3" "$r3")" = "$(sql "SELECT count(*) FROM recording_files WHERE recording_id = $r3 AND length(sha256) = 64")" ]
check "every fragment decodes, none cut" all_decode "$r3"
start_server
check "the restart finds nothing to recover" \
  [ "$(grep -c "recording $r3 of meeting $m3 was cut by a crash" "$work/server.err")" = 0 ]
check "verify-recordings passes" "$sanhui" "${sets[@]}" verify-recordings --meeting "$m3"

rec_finish 20
