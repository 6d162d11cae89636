/* Expected attendance and leave (请假) through the API, on a real server
 * with the demo organization: who may read and decide what, a member asks
 * leave and the secretary (or the chair) approves, and the expected list
 * shows it, live before the start and frozen after. The attendance record
 * of a meeting, a member and a branch, as JSON and CSV, and intervals that
 * a crash (SIGKILL) left open closed at the crash on the next start.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <sqlite3.h>
#include <string.h>

static TestServer *server;
static TestClient *admin;
static TestClient *secretary; /* 王建国, secretary of 第一党支部 */
static TestClient *member;    /* 黄丽, member of 第一党支部 */
static TestClient *member2;   /* 刘洋, member of 第一党支部 */
static TestClient *inspector; /* over the committee: read-only */
static TestClient *outsider;  /* 朱强, member of 第二党支部 */
static gint64 branch1, huang, liu;

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

/* Sends and returns the status; an error's message must be Chinese text. */
static guint
call (TestClient *client, const char *method, const char *path, const char *body,
      JsonNode **reply_out)
{
  g_autoptr (JsonNode) reply = NULL;
  guint status = test_client_json (client, method, path, body, &reply);

  if (status >= 400) {
    JsonObject *error = json_object_get_object_member (obj (reply), "error");
    const char *message = json_object_get_string_member (error, "message");

    g_assert_true (g_utf8_validate (message, -1, NULL));
    g_assert_cmpstr (message, !=, "");
    g_assert_true (g_utf8_get_char (message) >= 0x3000);
  }
  if (reply_out)
    *reply_out = g_steal_pointer (&reply);
  return status;
}

static gint64
new_meeting (gint64 chair, const char *day)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"第一党支部党员大会\",\"chair_member_id\":%" G_GINT64_FORMAT
      ",\"planned_start\":\"%sT14:00:00+08:00\",\"planned_end\":\"%sT16:00:00+08:00\"}",
      chair, day, day);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (call (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (obj (reply), "id");
}

static char *
meeting_path (gint64 meeting, const char *tail)
{
  return g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "%s", meeting, tail);
}

static guint
ask (TestClient *client, gint64 meeting, const char *body, gint64 *id)
{
  g_autofree char *path = meeting_path (meeting, "/leave");
  g_autoptr (JsonNode) reply = NULL;
  guint status = call (client, "POST", path, body, &reply);

  if (status == 201) {
    g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "pending");
    g_assert_cmpstr (json_object_get_string_member (obj (reply), "state_label"), ==, "待审批");
    *id = json_object_get_int_member (obj (reply), "id");
  }
  return status;
}

static guint
act (TestClient *client, gint64 leave, const char *action, const char *body, JsonNode **reply)
{
  g_autofree char *path = g_strdup_printf ("api/leave/%" G_GINT64_FORMAT "/%s", leave, action);

  return call (client, "POST", path, body ? body : "{}", reply);
}

static guint
list_len (TestClient *client, gint64 meeting, guint *len)
{
  g_autofree char *path = meeting_path (meeting, "/leave");
  g_autoptr (JsonNode) reply = NULL;
  guint status = call (client, "GET", path, NULL, &reply);

  if (status == 200)
    *len = json_array_get_length (json_object_get_array_member (obj (reply), "requests"));
  return status;
}

/* The entry of @member_id in the expected list, read by the secretary. */
static JsonObject *
expected_entry (gint64 meeting, gint64 member_id, JsonNode **reply)
{
  g_autofree char *path = meeting_path (meeting, "/attendance/expected");
  JsonArray *entries;

  g_assert_cmpuint (call (secretary, "GET", path, NULL, reply), ==, 200);
  entries = json_object_get_array_member (obj (*reply), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);

    if (json_object_get_int_member (e, "member_id") == member_id)
      return e;
  }
  return NULL;
}

static void
test_expected_permissions (void)
{
  gint64 meeting = new_meeting (liu, "2026-12-20");
  g_autofree char *path = meeting_path (meeting, "/attendance/expected");
  g_autoptr (TestClient) anonymous = test_client_new (server);
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *entries;
  guint voting = 0;

  g_assert_cmpuint (call (secretary, "GET", path, NULL, &reply), ==, 200);
  g_assert_false (json_object_get_boolean_member (obj (reply), "frozen"));
  entries = json_object_get_array_member (obj (reply), "entries");
  g_assert_cmpuint (json_array_get_length (entries), >, 0);
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);

    if (g_str_equal (json_object_get_string_member (e, "role"), "expected")
        && json_object_get_boolean_member (e, "has_vote"))
      voting++;
    /* Anything that differs from a full voting member says why. */
    if (!json_object_get_boolean_member (e, "has_vote"))
      g_assert_false (json_object_get_null_member (e, "reason"));
  }
  g_assert_cmpuint (voting, ==, json_object_get_int_member (obj (reply), "voting"));
  g_assert_cmpuint (call (admin, "GET", path, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (inspector, "GET", path, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (member2, "GET", path, NULL, NULL), ==, 200); /* the chair */
  g_assert_cmpuint (call (member, "GET", path, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (outsider, "GET", path, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (anonymous, "GET", path, NULL, NULL), ==, 401);
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (
      call (secretary, "GET", "api/meetings/999999/attendance/expected", NULL, &reply), ==, 404);
}

/* A member asks, the secretary approves; the list shows it. Everyone else
 * is refused what is not theirs. */
static void
test_ask_and_approve (void)
{
  gint64 meeting = new_meeting (liu, "2026-12-21");
  g_autofree char *start = meeting_path (meeting, "/transition");
  g_autoptr (JsonNode) reply = NULL;
  gint64 leave = 0, other = 0;
  guint len = 0;
  JsonObject *entry, *state;

  g_assert_cmpuint (ask (member, meeting, "{\"reason\":\"出差在外，无法参加\"}", &leave), ==, 201);
  g_assert_cmpuint (ask (member, meeting, "{\"reason\":\"再请一次\"}", &other), ==, 409);
  g_assert_cmpuint (ask (member, meeting, "{\"reason\":\" \"}", &other), ==, 400);
  g_assert_cmpuint (ask (member, meeting, "{}", &other), ==, 400);
  g_assert_cmpuint (ask (outsider, meeting, "{\"reason\":\"不是本支部的\"}", &other), ==, 403);
  g_assert_cmpuint (ask (admin, meeting, "{\"reason\":\"管理员不是党员\"}", &other), ==, 403);

  entry = expected_entry (meeting, huang, &reply);
  state = json_object_get_object_member (entry, "leave");
  g_assert_cmpstr (json_object_get_string_member (state, "state"), ==, "pending");
  g_clear_pointer (&reply, json_node_unref);

  /* Lists: everything for those who decide or inspect, one's own for a
   * member, nothing for a member of another branch. */
  g_assert_cmpuint (list_len (secretary, meeting, &len), ==, 200);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpuint (list_len (inspector, meeting, &len), ==, 200);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpuint (list_len (member, meeting, &len), ==, 200);
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpuint (list_len (member2, meeting, &len), ==, 200); /* the chair */
  g_assert_cmpuint (len, ==, 1);
  g_assert_cmpuint (list_len (outsider, meeting, &len), ==, 403);

  /* Not theirs to decide or withdraw. */
  g_assert_cmpuint (act (member, leave, "approve", NULL, NULL), ==, 403);
  g_assert_cmpuint (act (inspector, leave, "approve", NULL, NULL), ==, 403);
  g_assert_cmpuint (act (outsider, leave, "refuse", NULL, NULL), ==, 403);
  g_assert_cmpuint (act (secretary, leave, "withdraw", NULL, NULL), ==, 403);
  g_assert_cmpuint (act (secretary, leave, "delete", NULL, NULL), ==, 404);
  g_assert_cmpuint (act (secretary, 999999, "approve", NULL, NULL), ==, 404);

  g_assert_cmpuint (act (secretary, leave, "approve", "{\"note\":\"同意\"}", &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "approved");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "decision_note"), ==, "同意");
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (act (secretary, leave, "refuse", NULL, NULL), ==, 409);
  g_assert_cmpuint (act (member, leave, "withdraw", NULL, NULL), ==, 409);

  entry = expected_entry (meeting, huang, &reply);
  state = json_object_get_object_member (entry, "leave");
  g_assert_cmpint (json_object_get_int_member (state, "id"), ==, leave);
  g_assert_cmpstr (json_object_get_string_member (state, "state"), ==, "approved");
  g_assert_cmpstr (json_object_get_string_member (state, "state_label"), ==, "已准假");
  g_clear_pointer (&reply, json_node_unref);

  /* Started: frozen, still showing the leave; no new request. */
  g_assert_cmpuint (call (secretary, "POST", start, "{\"to\":\"in_progress\"}", NULL), ==, 200);
  entry = expected_entry (meeting, huang, &reply);
  g_assert_true (json_object_get_boolean_member (obj (reply), "frozen"));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (entry, "leave"), "state"), ==,
      "approved");
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (ask (member2, meeting, "{\"reason\":\"临时有事\"}", &other), ==, 409);
  g_assert_cmpint (test_count_rows (server, "meetings"), >, 0);
}

/* The chair decides too; a member withdraws a pending request of their own. */
static void
test_chair_and_withdraw (void)
{
  gint64 meeting = new_meeting (liu, "2026-12-22");
  g_autoptr (JsonNode) reply = NULL;
  gint64 leave = 0, again = 0;

  g_assert_cmpuint (ask (member, meeting, "{\"reason\":\"家中有事\"}", &leave), ==, 201);
  g_assert_cmpuint (act (member2, leave, "withdraw", NULL, NULL), ==, 403);
  g_assert_cmpuint (act (member, leave, "withdraw", NULL, &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "withdrawn");
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (act (member2, leave, "approve", NULL, NULL), ==, 409);

  g_assert_cmpuint (ask (member, meeting, "{\"reason\":\"家中有事，仍需请假\"}", &again), ==, 201);
  g_assert_cmpint (again, !=, leave);
  g_assert_cmpuint (act (member2, again, "refuse", "{\"note\":\"请安排时间参加\"}", &reply), ==,
                    200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "refused");
  g_clear_pointer (&reply, json_node_unref);
  /* The chair asks too; nobody approves their own request. */
  g_assert_cmpuint (ask (member2, meeting, "{\"reason\":\"外出学习\"}", &leave), ==, 201);
  g_assert_cmpuint (act (member2, leave, "approve", NULL, NULL), ==, 422);
  g_assert_cmpuint (act (admin, leave, "approve", NULL, NULL), ==, 200);
}

/* ------------------------------------------------- attendance record */

static gint64 huang_account, liu_account, wang;

/* One integer from the server's database (read while it runs: WAL). */
static gint64
db_int (const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Writes into the running server's database what its attendance listener
 * writes when a browser's media comes up: the harness has no WebRTC
 * client (the browser suite has). */
static void
db_exec (const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static char *
iso_in_minutes (gint minutes)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, minutes);

  return g_date_time_format_iso8601 (at);
}

static gint64
meeting_soon (gint64 chair)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autofree char *start = iso_in_minutes (5);
  g_autofree char *end = iso_in_minutes (125);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"出勤测试=会议\",\"chair_member_id\":%" G_GINT64_FORMAT
      ",\"planned_start\":\"%s\",\"planned_end\":\"%s\"}",
      chair, start, end);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (call (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (obj (reply), "id");
}

static void
transition (gint64 meeting, const char *to)
{
  g_autofree char *path = meeting_path (meeting, "/transition");
  g_autofree char *body = g_strdup_printf ("{\"to\":\"%s\"}", to);

  g_assert_cmpuint (call (secretary, "POST", path, body, NULL), ==, 200);
}

/* The row of @member_id in a record's "members". */
static JsonObject *
record_row (JsonNode *record, gint64 member_id)
{
  JsonArray *rows = json_object_get_array_member (obj (record), "members");

  for (guint i = 0; i < json_array_get_length (rows); i++) {
    JsonObject *row = json_array_get_object_element (rows, i);

    if (json_object_get_int_member (row, "member_id") == member_id)
      return row;
  }
  g_assert_not_reached ();
}

/* "YYYY-MM-DD HH:MM:SS" in Beijing time of an RFC 3339 time of a reply. */
static char *
beijing (const char *rfc3339)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (rfc3339, NULL);
  g_autoptr (GDateTime) local = NULL;

  g_assert_nonnull (t);
  local = g_date_time_to_timezone (t, tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static gint64
unix_seconds (const char *rfc3339)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (rfc3339, NULL);

  return g_date_time_to_unix (t);
}

/* Two members in the room; 黄丽's media is live throughout, 刘洋's dropped
 * once and came back; the server is killed: both open intervals are closed
 * at the crash, marked so, and the record, its CSV and the period
 * reports read them. */
static void
test_record_and_crash (void)
{
  gint64 meeting = meeting_soon (wang);
  g_autofree char *record_path = meeting_path (meeting, "/attendance");
  g_autofree char *csv_path = meeting_path (meeting, "/attendance?format=csv");
  g_autofree char *sql = NULL;
  g_autofree char *frozen_sql = NULL;
  g_autofree char *event_sql = NULL;
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) own = NULL;
  g_autoptr (TestWs) ws_huang = NULL;
  g_autoptr (TestWs) ws_liu = NULL;
  g_autoptr (GBytes) raw = NULL;
  JsonObject *row, *counts;
  JsonArray *intervals;
  gint64 frozen, last_event, mid;

  transition (meeting, "open");
  transition (meeting, "in_progress");
  ws_huang = test_ws_join (member, meeting, NULL);
  ws_liu = test_ws_join (member2, meeting, NULL);
  frozen_sql = g_strdup_printf (
      "SELECT frozen_at FROM attendance_frozen WHERE meeting_id = %" G_GINT64_FORMAT, meeting);
  event_sql = g_strdup_printf (
      "SELECT MAX(at) FROM meeting_events WHERE meeting_id = %" G_GINT64_FORMAT, meeting);
  frozen = db_int (frozen_sql);
  last_event = db_int (event_sql);
  g_assert_cmpint (last_event, >, frozen);
  mid = frozen + (last_event - frozen) / 2;
  sql = g_strdup_printf (
      "INSERT INTO presence_intervals (meeting_id, account_id, member_id, role, started_at,"
      " device, video) VALUES (%1$" G_GINT64_FORMAT ", %2$" G_GINT64_FORMAT ", %3$" G_GINT64_FORMAT
      ", 'expected', %4$" G_GINT64_FORMAT ", 'phone', 1);"
      "INSERT INTO presence_intervals (meeting_id, account_id, member_id, role, started_at,"
      " ended_at, end_reason, device, video) VALUES (%1$" G_GINT64_FORMAT ", %5$" G_GINT64_FORMAT
      ", %6$" G_GINT64_FORMAT ", 'expected', %4$" G_GINT64_FORMAT ", %7$" G_GINT64_FORMAT
      ", 'disconnected', 'computer', 0);"
      "INSERT INTO presence_intervals (meeting_id, account_id, member_id, role, started_at,"
      " device, video) VALUES (%1$" G_GINT64_FORMAT ", %5$" G_GINT64_FORMAT ", %6$" G_GINT64_FORMAT
      ", 'expected', %8$" G_GINT64_FORMAT ", 'computer', 0);",
      meeting, huang_account, huang, frozen, liu_account, liu, mid, mid + 1);
  db_exec (sql);

  /* Live: 黄丽 is in, with no end yet. */
  g_assert_cmpuint (call (secretary, "GET", record_path, NULL, &record), ==, 200);
  g_assert_true (json_object_get_boolean_member (obj (record), "live"));
  row = record_row (record, huang);
  intervals = json_object_get_array_member (row, "intervals");
  g_assert_cmpuint (json_array_get_length (intervals), ==, 1);
  g_assert_true (
      json_object_get_null_member (json_array_get_object_element (intervals, 0), "ended_at"));
  g_clear_pointer (&record, json_node_unref);

  /* A power cut, with both still in the room. */
  test_server_crash_and_restart (server, NULL);
  g_clear_pointer (&ws_huang, test_ws_free);
  g_clear_pointer (&ws_liu, test_ws_free);
  /* The meeting's last event before the crash (the restarted server has
   * written none for it yet): with no heartbeat due, the crash moment. */
  last_event = db_int (event_sql);
  g_assert_nonnull (strstr (test_server_log (server), "left open by a crash closed"));
  g_assert_cmpint (db_int ("SELECT count(*) FROM presence_intervals WHERE ended_at IS NULL"), ==,
                   0);
  /* Rejoining after the restart is a new presence, on the same record. */
  ws_huang = test_ws_join (member, meeting, NULL);
  g_clear_pointer (&ws_huang, test_ws_free);
  transition (meeting, "ended");

  g_assert_cmpuint (call (secretary, "GET", record_path, NULL, &record), ==, 200);
  g_assert_false (json_object_get_boolean_member (obj (record), "live"));
  row = record_row (record, huang);
  intervals = json_object_get_array_member (row, "intervals");
  g_assert_cmpuint (json_array_get_length (intervals), ==, 1);
  {
    JsonObject *in = json_array_get_object_element (intervals, 0);

    g_assert_cmpstr (json_object_get_string_member (in, "end_reason"), ==, "crash");
    g_assert_cmpstr (json_object_get_string_member (in, "end_label"), ==, "服务器故障");
    /* At the crash: its last event (no heartbeat was due yet). */
    g_assert_cmpint (unix_seconds (json_object_get_string_member (in, "ended_at")), ==,
                     last_event / G_USEC_PER_SEC);
    g_assert_cmpstr (json_object_get_string_member (in, "device"), ==, "phone");
    g_assert_true (json_object_get_boolean_member (in, "video"));
  }
  row = record_row (record, liu);
  intervals = json_object_get_array_member (row, "intervals");
  g_assert_cmpuint (json_array_get_length (intervals), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (intervals, 0), "end_reason"),
      ==, "disconnected");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (intervals, 1), "end_reason"),
      ==, "crash");
  counts = json_object_get_object_member (obj (record), "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "present"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts, "expected"), ==,
                   json_array_get_length (json_object_get_array_member (obj (record), "members"))
                       - json_object_get_int_member (counts, "excluded"));

  /* Who sees what: a member their own row, someone else's branch nothing. */
  g_assert_cmpuint (call (member, "GET", record_path, NULL, &own), ==, 200);
  g_assert_true (json_object_get_boolean_member (obj (own), "own_only"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (own), "members")), ==,
                    1);
  g_assert_cmpuint (call (inspector, "GET", record_path, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (outsider, "GET", record_path, NULL, NULL), ==, 403);
  g_assert_cmpuint (test_client_send (member, "GET", csv_path, NULL, NULL, 0, NULL, NULL), ==, 403);

  /* The CSV: BOM, CRLF, Chinese headers, the counts, 黄丽's row. */
  g_assert_cmpuint (test_client_send (secretary, "GET", csv_path, NULL, NULL, 0, NULL, &raw), ==,
                    200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
    g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
    JsonObject *h = record_row (record, huang);
    JsonObject *in
        = json_array_get_object_element (json_object_get_array_member (h, "intervals"), 0);
    g_autofree char *from = beijing (json_object_get_string_member (in, "started_at"));
    g_autofree char *to = beijing (json_object_get_string_member (in, "ended_at"));
    g_autofree char *first = beijing (json_object_get_string_member (h, "first_arrival"));
    g_autofree char *last = beijing (json_object_get_string_member (h, "last_departure"));
    g_autofree char *counts_line = g_strdup_printf (
        "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",2,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
        ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
        ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",0,0",
        json_object_get_int_member (counts, "expected"),
        json_object_get_int_member (counts, "voting_expected"),
        json_object_get_int_member (counts, "voting_present"),
        json_object_get_int_member (counts, "fully_present"),
        json_object_get_int_member (counts, "partly_present"),
        json_object_get_int_member (counts, "late"),
        json_object_get_int_member (counts, "left_early"),
        json_object_get_int_member (counts, "absent"),
        json_object_get_int_member (counts, "on_leave"),
        json_object_get_int_member (counts, "excluded"));
    g_autofree char *huang_line = NULL;
    gboolean found = FALSE;

    g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF会议,出勤测试=会议,类型,支部党员大会\r\n"));
    g_assert_true (g_str_has_prefix (lines[1], "计划开始,"));
    g_assert_cmpstr (lines[2], ==,
                     "应到,有表决权应到,实到,有表决权实到,出席,部分出席,迟到,早退,缺席,请假,"
                     "不计入应到,列席,流动党员");
    g_assert_cmpstr (lines[3], ==, counts_line);
    g_assert_cmpstr (lines[4], ==, "");
    g_assert_cmpstr (lines[5], ==,
                     "姓名,身份,表决权,出席情况,迟到,早退,出席时长（分钟）,出席比例,首次进入,"
                     "最后离开,出席时段,设备,视频,请假");
    huang_line = g_strdup_printf ("黄丽,应到党员,%s,%s,%s,%s,",
                                  json_object_get_boolean_member (h, "has_vote") ? "是" : "否",
                                  json_object_get_string_member (h, "status_label"),
                                  json_object_get_boolean_member (h, "late") ? "是" : "",
                                  json_object_get_boolean_member (h, "left_early") ? "是" : "");
    for (guint i = 6; lines[i]; i++) {
      if (!g_str_has_prefix (lines[i], "黄丽,"))
        continue;
      found = TRUE;
      g_assert_true (g_str_has_prefix (lines[i], huang_line));
      g_assert_nonnull (strstr (lines[i], first));
      g_assert_nonnull (strstr (lines[i], last));
      {
        g_autofree char *span = g_strdup_printf ("%s 至 %s（服务器故障）,手机,视频,", from, to);

        g_assert_true (g_str_has_suffix (lines[i], span));
      }
    }
    g_assert_true (found);
    /* Every line ends in CRLF: the last split piece is empty. */
    g_assert_cmpstr (lines[g_strv_length (lines) - 1], ==, "");
  }
  g_clear_pointer (&raw, g_bytes_unref);
}

/* A member's history and the branch's report over a period. */
static void
test_period_reports (void)
{
  g_autofree char *mine = g_strdup_printf (
      "api/members/%" G_GINT64_FORMAT "/attendance?from=2026-01-01T00:00:00%%2B08:00", huang);
  g_autofree char *mine_csv
      = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/attendance?format=csv", huang);
  g_autofree char *branch = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/attendance", branch1);
  g_autofree char *branch_csv
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/attendance?format=csv", branch1);
  g_autofree char *bad
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/attendance?from=yesterday", branch1);
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GBytes) raw = NULL;
  JsonArray *meetings;
  gboolean crashed = FALSE;

  g_assert_cmpuint (call (member, "GET", mine, NULL, &reply), ==, 200);
  meetings = json_object_get_array_member (obj (reply), "meetings");
  g_assert_cmpuint (json_array_get_length (meetings), >=, 1);
  for (guint i = 0; i < json_array_get_length (meetings); i++) {
    JsonArray *in
        = json_object_get_array_member (json_array_get_object_element (meetings, i), "intervals");

    for (guint k = 0; k < json_array_get_length (in); k++)
      crashed = crashed
                || g_strcmp0 (json_object_get_string_member (json_array_get_object_element (in, k),
                                                             "end_reason"),
                              "crash")
                       == 0;
  }
  g_assert_true (crashed);
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (call (secretary, "GET", mine, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (inspector, "GET", mine, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (member2, "GET", mine, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (outsider, "GET", mine, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (secretary, "GET", "api/members/999999/attendance", NULL, NULL), ==, 403);
  g_assert_cmpuint (test_client_send (member, "GET", mine_csv, NULL, NULL, 0, NULL, &raw), ==, 200);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (raw, NULL), "\xEF\xBB\xBF党员,黄丽\r\n会议,"));
  g_clear_pointer (&raw, g_bytes_unref);

  g_assert_cmpuint (call (secretary, "GET", branch, NULL, &reply), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (reply), "meetings")),
                    >=, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (reply), "members")),
                    >=, 2);
  g_assert_cmpuint (call (inspector, "GET", branch, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (member, "GET", branch, NULL, NULL), ==, 403);
  g_assert_cmpuint (call (secretary, "GET", bad, NULL, NULL), ==, 400);
  g_assert_cmpuint (test_client_send (secretary, "GET", branch_csv, NULL, NULL, 0, NULL, &raw), ==,
                    200);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (raw, NULL),
                                   "\xEF\xBB\xBF组织,第一党支部\r\n会议,类型,计划开始,"));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/attendance/expected-permissions", test_expected_permissions);
  g_test_add_func ("/api/attendance/ask-and-approve", test_ask_and_approve);
  g_test_add_func ("/api/attendance/chair-and-withdraw", test_chair_and_withdraw);
  /* The crash restarts the server: after the others. */
  g_test_add_func ("/api/attendance/record-and-crash", test_record_and_crash);
  g_test_add_func ("/api/attendance/period-reports", test_period_reports);

  server = test_server_start (NULL);
  branch1 = test_org_id (server, "第一党支部");
  huang = test_member_id (server, branch1, "黄丽");
  liu = test_member_id (server, branch1, "刘洋");
  admin = test_client_logged_in (server, "admin");
  secretary = test_client_logged_in (server, "secretary");
  member = test_client_logged_in (server, "member");
  member2 = test_client_logged_in (server, "member2");
  inspector = test_client_logged_in (server, "inspector");
  {
    gint64 branch2 = test_org_id (server, "第二党支部");
    g_autofree char *body = g_strdup_printf (
        "{\"login\":\"zhuqiang\",\"display_name\":\"朱强\",\"member_id\":%" G_GINT64_FORMAT
        ",\"password\":\"" TEST_PASSWORD "\"}",
        test_member_id (server, branch2, "朱强"));

    g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts", body, NULL), ==, 201);
    outsider = test_client_logged_in (server, "zhuqiang");
  }
  wang = test_member_id (server, branch1, "王建国");
  huang_account = db_int ("SELECT id FROM accounts WHERE login = 'member'");
  liu_account = db_int ("SELECT id FROM accounts WHERE login = 'member2'");

  status = g_test_run ();

  test_client_free (admin);
  test_client_free (secretary);
  test_client_free (member);
  test_client_free (member2);
  test_client_free (inspector);
  test_client_free (outsider);
  test_server_stop (server);
  return status;
}
