# Shared harness of the recording end-to-end tests (test-recording-e2e.sh,
# test-meeting-render-e2e.sh, test-recording-files-e2e.sh), sourced, not run:
# the real server on loopback over the demo data, curl sessions per login,
# three loadbot publishers over ICE/DTLS/SRTP, 2 s fragments.
#   rec_init NAME TOOL...  skips (77) without a tool or loadbot; makes $work,
#                          the demo data and the cleanup trap
#   start_server           (re)starts the server; logs in again whoever was
#   login LOGIN, api LOGIN METHOD PATH [JSON], status LOGIN PATH, sql SQL
#   new_meeting            → id of a general meeting in 第一党支部 titled
#                          $meeting_title, chaired by $chair_member, with the
#                          bots as guests, opened and started over REST
#   bots MEETING SECONDS   three publishing bots in the background ($bots_pid)
#   wait_rendered MEETING  until the first recording's render is done or failed
#   check WHAT CMD...      TAP-like line, counts failures in $fails
#   rec_finish [LINES]     exit 1 with the server log's tail if anything failed
# shellcheck shell=bash

rec_init() { # rec_init NAME TOOL...
  local name=$1 tool; shift
  for tool in "$@" jq curl sqlite3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
  done
  root=${SANHUI_SOURCE_ROOT:?} build=${SANHUI_BUILD_ROOT:?}
  sanhui=${SANHUI_BINARY:-$build/signaling/sanhui}
  loadbot=$build/tools/loadbot/loadbot
  [ -x "$loadbot" ] || { echo "SKIP: $loadbot not built"; exit 77; }
  work=$(mktemp -d "/tmp/sanhui-$name-XXXXXX")
  server_pid="" bots_pid="" fails=0 url=""
  trap rec_cleanup EXIT
  sets=(--set "storage.data_dir=$work/data" --set security.password_iterations=1000
        --set log.level=message --set recording.fragment_seconds=2)
  mkdir -p "$work/data"
  "$sanhui" "${sets[@]}" demo >/dev/null || exit 1
}
rec_cleanup() {
  [ -n "$bots_pid" ] && kill "$bots_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
check() { # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fails=$((fails + 1)); return 1; fi
}
rec_finish() { # rec_finish [LOG_LINES]
  [ "$fails" = 0 ] || { echo "# server log:"; grep -v '^$' "$work/server.err" | tail -"${1:-30}"; exit 1; }
}

declare -A csrf
start_server() {
  local who
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
  for who in "${!csrf[@]}"; do login "$who"; done
}
login() {
  csrf[$1]=$(curl -sf -c "$work/$1.jar" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"Demo@2026\"}" "${url}api/session" | jq -r .csrf_token)
}
api() {
  curl -sf -b "$work/$1.jar" -X "$2" -H "X-CSRF-Token: ${csrf[$1]}" \
    -H 'Content-Type: application/json' ${4:+-d "$4"} "${url}${3#/}"
}
status() { # status LOGIN PATH → the HTTP status of a GET
  curl -s -o /dev/null -w '%{http_code}' -b "$work/$1.jar" "${url}${2#/}"
}
sql() { sqlite3 "$work/data/sanhui.db" "$1"; }

add_bots() { # the two guest accounts the bots log in as (bot001, bot002)
  local i
  for i in 1 2; do
    api admin POST api/accounts \
      "{\"login\":\"bot00$i\",\"display_name\":\"录制$i\",\"password\":\"Demo@2026\"}" >/dev/null
  done
}
new_meeting() { # → id; opened and started over REST
  local st en id i
  st=$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ)
  en=$(date -u -d '+3 hours' +%Y-%m-%dT%H:%M:%SZ)
  id=$(api secretary POST "api/orgs/$branch/meetings" \
    "{\"type\":\"general\",\"title\":\"$meeting_title\",\"planned_start\":\"$st\",\"planned_end\":\"$en\",\"place\":\"线上\",\"chair_member_id\":$chair_member}" \
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
render_state() { # render_state MEETING → the first recording's render state over REST
  api secretary GET "api/meetings/$1/recordings" | jq -r '.recordings[0].render.state // "none"'
}
wait_rendered() { # wait_rendered MEETING: until done or failed (at most 120 s)
  local s
  for _ in $(seq 600); do
    s=$(render_state "$1")
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
}
