#!/usr/bin/env bash
# Integration test of playing and downloading recordings
# (signaling/src/api-recording-files.c, docs/api.md "Recordings"): the real
# server on loopback, a short recorded meeting of three loadbot publishers,
# its composite rendered, then over HTTP:
#   - the whole WebM equals the file (SHA-256), with Accept-Ranges, ETag,
#     Content-Type; HEAD has the headers and no body;
#   - Range a-b, a- and -n: 206 with Content-Range and exactly those bytes;
#     past the end: 416 with bytes */size; several ranges: 200 whole;
#   - ?download=1: the Chinese file name in filename*;
#   - 401 without a session, 403 for a member of another branch and for a
#     plain member of the branch, 404 for an unknown file, 400 bad_path for
#     a row with ".." and for a link leading out, 404 file_missing for a row
#     whose file is gone;
#   - the audit log: a row for each outcome (refusals included), a
#     player's repeated requests folded, every download written, the log
#     over REST for the secretary and the inspector but not the chair.
# Skips (77) without ffprobe, jq, curl, sqlite3 or sha256sum.
set -uo pipefail
. "$(dirname "$0")/recording-e2e-lib.sh"
rec_init rec-files ffprobe sha256sum cmp

start_server
for who in admin secretary zhangwei inspector sunhao member; do login $who; done
branch=$(api secretary GET api/orgs | jq '.orgs[] | select(.name == "第一党支部") | .id')
chair_member=$(sql "SELECT member_id FROM accounts WHERE login = 'zhangwei'")
meeting_title=回放测试
add_bots

get() { # get LOGIN PATH [CURL ARGS...] → body in $work/body, headers in $work/headers; prints the status
  local who=$1 path=$2; shift 2
  curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -b "$work/$who.jar" "$@" "${url}${path#/}"
}
header() { # header NAME → its value in the last answer
  grep -i "^$1:" "$work/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'
}
fails() { ! "$@"; }
audit_rows() { # audit_rows WHERE → how many recording_access rows match
  sql "SELECT count(*) FROM recording_access a JOIN accounts c ON c.id = a.account_id WHERE $1"
}

m=$(new_meeting)
bots "$m" 4
wait "$bots_pid"; bots_pid=""
api secretary POST "api/meetings/$m/transition" '{"to":"ended"}' >/dev/null
wait_rendered "$m"
json=$(api secretary GET "api/meetings/$m/recordings")
fid=$(jq '.recordings[0].files[] | select(.kind == "composite" and .format == "webm") | .id' <<<"$json")
check "a WebM composite" [ -n "$fid" ]
rel=$(sql "SELECT path FROM recording_files WHERE id = $fid")
file=$work/data/$rel
size=$(stat -c %s "$file")
sha=$(sha256sum "$file" | cut -d' ' -f1)
f=api/recordings/files/$fid

# ---- whole file, headers, HEAD
check "full GET 200" [ "$(get secretary "$f")" = 200 ]
check "full GET is the file (SHA-256)" [ "$(sha256sum "$work/body" | cut -d' ' -f1)" = "$sha" ]
check "Accept-Ranges: bytes" [ "$(header Accept-Ranges)" = bytes ]
check "Content-Type video/webm" [ "$(header Content-Type)" = video/webm ]
check "Content-Length the size" [ "$(header Content-Length)" = "$size" ]
check "ETag the stored SHA-256" [ "$(header ETag)" = "\"$(sql "SELECT sha256 FROM recording_files WHERE id = $fid")\"" ]
check "no Content-Disposition when playing" [ -z "$(header Content-Disposition)" ]
# curl -I writes the headers where the body would go: nothing more there.
check "HEAD 200" [ "$(get secretary "$f" -I)" = 200 ]
check "HEAD has the length, no body" \
  [ "$(header Content-Length)" = "$size" -a "$(wc -c <"$work/body")" -lt 1000 ]

# ---- ranges
check "Range 100-1099: 206" [ "$(get secretary "$f" -H 'Range: bytes=100-1099')" = 206 ]
check "Content-Range 100-1099" [ "$(header Content-Range)" = "bytes 100-1099/$size" ]
check "exactly bytes 100..1099" cmp -s "$work/body" <(tail -c +101 "$file" | head -c 1000)
check "Range a-: 206" [ "$(get secretary "$f" -H "Range: bytes=$((size - 10))-")" = 206 ]
check "Content-Range of a-" [ "$(header Content-Range)" = "bytes $((size - 10))-$((size - 1))/$size" ]
check "exactly the last 10 bytes (a-)" cmp -s "$work/body" <(tail -c 10 "$file")
check "suffix -500: 206" [ "$(get secretary "$f" -H 'Range: bytes=-500')" = 206 ]
check "Content-Range of -500" [ "$(header Content-Range)" = "bytes $((size - 500))-$((size - 1))/$size" ]
check "exactly the last 500 bytes" cmp -s "$work/body" <(tail -c 500 "$file")
check "past the end: 416" [ "$(get secretary "$f" -H "Range: bytes=$size-")" = 416 ]
check "416 names the size" [ "$(header Content-Range)" = "bytes */$size" ]
check "several ranges: 200 whole" [ "$(get secretary "$f" -H 'Range: bytes=0-9,20-29')" = 200 ]
check "several ranges: the whole file" [ "$(sha256sum "$work/body" | cut -d' ' -f1)" = "$sha" ]
check "malformed: 200" [ "$(get secretary "$f" -H 'Range: bytes=9-1')" = 200 ]

# ---- download
check "download 200" [ "$(get inspector "$f?download=1")" = 200 ]
disp=$(header Content-Disposition)
check "attachment with the Chinese name" \
  grep -q "^attachment; filename=\"recording-$fid.webm\"; filename\*=UTF-8''$(jq -rn --arg t "$meeting_title" '$t | @uri')%20[0-9-]*\.webm$" <<<"$disp"
check "the chair may play" [ "$(get zhangwei "$f" -H 'Range: bytes=0-99')" = 206 ]

# ---- refusals
check "401 without a session" [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}$f")" = 401 ]
check "403 for another branch's member" [ "$(get sunhao "$f")" = 403 ]
check "403 for a plain member" [ "$(get member "$f")" = 403 ]
check "403 for a plain member listing" [ "$(status member "api/meetings/$m/recordings")" = 403 ]
check "404 for an unknown file" [ "$(get secretary api/recordings/files/999999)" = 404 ]
rec=$(jq '.recordings[0].id' <<<"$json")
add_row() { # add_row PATH → id of a composite row with that path
  sql "INSERT INTO recording_files (recording_id, kind, path, size, duration_ns, sha256, finished_at)
       VALUES ($rec, 'composite', '$1', 3, 1, '$sha', 1); SELECT last_insert_rowid();"
}
echo secret >"$work/outside.webm"
ln -s "$work/outside.webm" "$work/data/recordings/out.webm"
dots=$(add_row "recordings/../../outside.webm")
link=$(add_row "recordings/out.webm")
gone=$(add_row "recordings/$m/gone.webm")
check "400 for a stored path with .." [ "$(get secretary "api/recordings/files/$dots")" = 400 ]
check "bad_path" [ "$(jq -r .error.code "$work/body")" = bad_path ]
check "400 for a link leading out" [ "$(get secretary "api/recordings/files/$link")" = 400 ]
check "nothing of the outside file served" fails grep -q secret "$work/body"
check "404 for a missing file" [ "$(get secretary "api/recordings/files/$gone")" = 404 ]
check "file_missing, JSON" [ "$(jq -r .error.code "$work/body")" = file_missing ]
check "the missing file's row is kept" [ "$(sql "SELECT count(*) FROM recording_files WHERE id = $gone")" = 1 ]

# ---- the audit log
check "secretary's listing logged" [ "$(audit_rows "c.login = 'secretary' AND a.action = 'list' AND a.status = 200 AND a.role = 'secretary'")" -ge 1 ]
check "listing polled, folded to one row" [ "$(audit_rows "c.login = 'secretary' AND a.action = 'list'")" = 1 ]
check "the full GET logged with its bytes" [ "$(audit_rows "c.login = 'secretary' AND a.action = 'play' AND a.status = 200 AND a.file_id = $fid AND a.bytes = $size")" = 1 ]
check "206 logged with its range" [ "$(audit_rows "c.login = 'secretary' AND a.status = 206 AND a.range = 'bytes=100-1099' AND a.bytes = 1000")" = 1 ]
check "the player's next 206s folded" [ "$(audit_rows "c.login = 'secretary' AND a.status = 206")" = 1 ]
check "416 logged" [ "$(audit_rows "c.login = 'secretary' AND a.status = 416")" = 1 ]
check "the download logged" [ "$(audit_rows "c.login = 'inspector' AND a.action = 'download' AND a.role = 'inspector' AND a.bytes = $size")" = 1 ]
get inspector "$f?download=1" >/dev/null
check "every download logged" [ "$(audit_rows "c.login = 'inspector' AND a.action = 'download'")" = 2 ]
check "the chair's playback logged" [ "$(audit_rows "c.login = 'zhangwei' AND a.role = 'chair' AND a.status = 206")" = 1 ]
check "the other branch's refusal logged" [ "$(audit_rows "c.login = 'sunhao' AND a.status = 403 AND a.file_id = $fid AND a.role IN ('member', 'none')")" = 1 ] \
  || sql "SELECT '# ' || role || ' ' || action || ' ' || status || ' ' || ifnull(file_id, '-') FROM recording_access a JOIN accounts c ON c.id = a.account_id WHERE c.login = 'sunhao'"
check "the plain member's refusals logged" [ "$(audit_rows "c.login = 'member' AND a.status = 403 AND a.role = 'member'")" = 2 ]
check "bad paths and the missing file logged" \
  [ "$(audit_rows "a.file_id IN ($dots, $link) AND a.status = 400") $(audit_rows "a.file_id = $gone AND a.status = 404")" = "2 1" ]
check "client address logged" [ "$(sql "SELECT DISTINCT client FROM recording_access")" = 127.0.0.1/32 ]
check "the log refuses UPDATE" fails sql "UPDATE recording_access SET status = 200" 2>/dev/null
check "the log refuses DELETE" fails sql "DELETE FROM recording_access" 2>/dev/null
log=$(api secretary GET "api/meetings/$m/recordings/access-log")
check "the log over REST, newest first" \
  [ "$(jq -r '.entries[0] | .name + " " + .action' <<<"$log")" = "街道纪工委检查员 download" ]
check "the log over REST has every row" \
  [ "$(jq '.entries | length' <<<"$log")" = "$(audit_rows "a.meeting_id = $m")" ]
check "the inspector reads the log" [ "$(status inspector "api/meetings/$m/recordings/access-log")" = 200 ]
check "the chair does not" [ "$(status zhangwei "api/meetings/$m/recordings/access-log")" = 403 ]
check "another branch's member does not" [ "$(status sunhao "api/meetings/$m/recordings/access-log")" = 403 ]

rec_finish 30
