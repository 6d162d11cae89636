/* Meetings entered afterwards (补录) through the API
 * (POST/GET /api/meetings/{id}/record-past) on a real server with the demo
 * organization, and the demo's history as the attendance API shows it:
 * who may enter one, hostile bodies, a duplicate, the flag in the record,
 * the member's and the branch's history and their CSV files.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <string.h>

static TestServer *server;
static TestClient *admin, *secretary, *member, *inspector, *anonymous;
static gint64 branch1, huang;

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static char *
iso (gint64 utc_us)
{
  g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);

  return g_date_time_format_iso8601 (at);
}

/* A general meeting of the first branch planned @days_ago, still
 * scheduled: held offline. */
static gint64
offline_meeting (int days_ago, gint64 *start)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  gint64 at = (g_get_real_time () / G_USEC_PER_SEC - days_ago * 86400) * G_USEC_PER_SEC;
  g_autofree char *from = iso (at);
  g_autofree char *to = iso (at + 2 * G_GINT64_CONSTANT (3600000000));
  g_autofree char *body = g_strdup_printf ("{\"type\":\"general\",\"title\":\"线下支部党员大会\","
                                           "\"planned_start\":\"%s\",\"planned_end\":\"%s\"}",
                                           from, to);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  *start = at;
  return json_object_get_int_member (obj (reply), "id");
}

/* The "attendance" array: every expected member present but 黄丽, late. */
static char *
statuses_of (gint64 meeting)
{
  g_autofree char *path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/attendance/expected", meeting);
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GString) s = g_string_new ("[");
  JsonArray *entries;

  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &reply), ==, 200);
  entries = json_object_get_array_member (obj (reply), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    gint64 id = json_object_get_int_member (e, "member_id");

    if (!g_str_equal (json_object_get_string_member (e, "role"), "expected"))
      continue;
    g_string_append_printf (s, "%s{\"member_id\":%" G_GINT64_FORMAT ",\"status\":\"%s\"}",
                            s->len > 1 ? "," : "", id, id == huang ? "late" : "present");
  }
  g_string_append (s, "]");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
body_of (gint64 start, gint64 end, const char *statuses)
{
  g_autofree char *from = iso (start);
  g_autofree char *to = iso (end);

  return g_strdup_printf ("{\"started_at\":\"%s\",\"ended_at\":\"%s\",\"attendance\":%s}", from, to,
                          statuses);
}

static void
test_record_past (void)
{
  gint64 start = 0;
  gint64 meeting = offline_meeting (5, &start);
  g_autofree char *path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/record-past", meeting);
  g_autofree char *record
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/attendance", meeting);
  g_autofree char *csv_path = g_strconcat (record, "?format=csv", NULL);
  g_autofree char *statuses = statuses_of (meeting);
  g_autofree char *body = body_of (start, start + 90 * G_GINT64_CONSTANT (60000000), statuses);
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GBytes) raw = NULL;
  JsonObject *o;
  JsonArray *rows;
  gboolean saw_huang = FALSE;

  /* Only the branch secretary (and administrators) enter it. */
  g_assert_cmpuint (test_client_json (member, "POST", path, body, NULL), ==, 403);
  g_assert_cmpuint (test_client_json (inspector, "POST", path, body, NULL), ==, 403);
  g_assert_cmpuint (test_client_json (anonymous, "POST", path, body, NULL), ==, 401);
  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, NULL), ==, 404);

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  o = obj (reply);
  g_assert_true (json_object_get_boolean_member (o, "recorded_after"));
  g_assert_cmpstr (json_object_get_string_member (o, "entered_by_name"), ==, "王建国");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "attendance")), >=, 8);
  g_clear_pointer (&reply, json_node_unref);
  /* Once only. */
  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 409);
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (test_client_json (inspector, "GET", path, NULL, NULL), ==, 200);

  g_assert_cmpuint (test_client_json (secretary, "GET", record, NULL, &reply), ==, 200);
  o = obj (reply);
  g_assert_true (json_object_get_boolean_member (o, "recorded_after"));
  g_assert_false (json_object_get_boolean_member (o, "live"));
  g_assert_cmpint (json_object_get_int_member (o, "duration_seconds"), ==, 90 * 60);
  rows = json_object_get_array_member (o, "members");
  for (guint i = 0; i < json_array_get_length (rows); i++) {
    JsonObject *row = json_array_get_object_element (rows, i);

    if (json_object_get_int_member (row, "member_id") != huang)
      continue;
    saw_huang = TRUE;
    g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "late");
  }
  g_assert_true (saw_huang);
  g_assert_cmpuint (test_client_send (secretary, "GET", csv_path, NULL, NULL, 0, NULL, &raw), ==,
                    200);
  g_assert_true (
      g_str_has_prefix (g_bytes_get_data (raw, NULL), "\xEF\xBB\xBF会议,线下支部党员大会"));
  g_assert_nonnull (strstr (g_bytes_get_data (raw, NULL), ",补录,线下召开"));
}

static void
test_hostile_bodies (void)
{
  gint64 start = 0;
  gint64 meeting = offline_meeting (8, &start);
  gint64 now = g_get_real_time ();
  gint64 hour = G_GINT64_CONSTANT (3600000000);
  g_autofree char *path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/record-past", meeting);
  g_autofree char *statuses = statuses_of (meeting);
  g_autofree char *future = body_of (now - hour, now + hour, statuses);
  g_autofree char *backwards = body_of (start, start - hour, statuses);
  g_autofree char *too_long = body_of (start - 30 * hour, start, statuses);
  g_autofree char *nobody = body_of (start, start + hour, "[]");
  g_autofree char *partly
      = body_of (start, start + hour, "[{\"member_id\":1,\"status\":\"partly_present\"}]");
  g_autofree char *excluded
      = body_of (start, start + hour, "[{\"member_id\":1,\"status\":\"excluded\"}]");
  g_autofree char *outsider
      = body_of (start, start + hour, "[{\"member_id\":11,\"status\":\"present\"}]");
  g_autofree char *strings = body_of (start, start + hour, "[\"present\"]");
  g_autofree char *not_array = body_of (start, start + hour, "{\"1\":\"present\"}");
  const char *bodies[] = {
    future,
    backwards,
    too_long,
    nobody,
    partly,
    excluded,
    outsider,
    strings,
    not_array,
    "{}",
    "{\"started_at\":\"yesterday\",\"ended_at\":\"today\",\"attendance\":[]}",
    "{\"started_at\":1,\"ended_at\":2,\"attendance\":[]}",
    "[]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr (JsonNode) reply = NULL;
    guint status = test_client_json (secretary, "POST", path, bodies[i], &reply);

    g_assert_true (status == 400 || status == 422);
  }
  /* Nothing was written: still scheduled, not entered. */
  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, NULL), ==, 404);
  g_assert_cmpuint (
      test_client_json (secretary, "POST", "api/meetings/999999/record-past", nobody, NULL), ==,
      404);
  /* A meeting of the demo's history that was held live. */
  g_assert_cmpuint (
      test_client_json (secretary, "POST", "api/meetings/5/record-past", nobody, NULL), ==, 409);
}

/* The demo's history: the member's own attendance and the branch's, with
 * the meeting entered afterwards flagged. */
static void
test_demo_history (void)
{
  g_autofree char *mine = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/attendance", huang);
  g_autofree char *branch = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/attendance", branch1);
  g_autofree char *branch_csv = g_strconcat (branch, "?format=csv", NULL);
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GBytes) raw = NULL;
  g_auto (GStrv) lines = NULL;
  JsonArray *meetings;
  guint present = 0, on_leave = 0, offline = 0, rows = 0, offline_rows = 0;

  g_assert_cmpuint (test_client_json (member, "GET", mine, NULL, &reply), ==, 200);
  meetings = json_object_get_array_member (obj (reply), "meetings");
  g_assert_cmpuint (json_array_get_length (meetings), >=, 8);
  for (guint i = 0; i < json_array_get_length (meetings); i++) {
    JsonObject *m = json_array_get_object_element (meetings, i);
    const char *status = json_object_get_string_member (m, "status");

    g_assert_false (json_object_get_boolean_member (m, "live"));
    present += g_str_equal (status, "present") || g_str_equal (status, "late");
    on_leave += g_str_equal (status, "on_leave");
    offline += json_object_get_boolean_member (m, "recorded_after");
  }
  g_assert_cmpuint (present, >=, 6);
  g_assert_cmpuint (on_leave, ==, 1);
  g_assert_cmpuint (offline, ==, 1);
  g_clear_pointer (&reply, json_node_unref);

  g_assert_cmpuint (test_client_json (secretary, "GET", branch, NULL, &reply), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (reply), "meetings")),
                    >=, 19);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (reply), "members")),
                    >=, 10);
  g_assert_cmpuint (test_client_send (secretary, "GET", branch_csv, NULL, NULL, 0, NULL, &raw), ==,
                    200);
  lines = g_strsplit (g_bytes_get_data (raw, NULL), "\r\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "\xEF\xBB\xBF组织,第一党支部"));
  g_assert_true (g_str_has_suffix (lines[1], ",补录"));
  for (guint i = 2; lines[i] && *lines[i]; i++) {
    rows++;
    offline_rows += g_str_has_suffix (lines[i], ",是");
  }
  g_assert_cmpuint (rows, >=, 19);
  g_assert_cmpuint (offline_rows, ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The demo's history first, as loaded. */
  g_test_add_func ("/api-past-meetings/demo-history", test_demo_history);
  g_test_add_func ("/api-past-meetings/record", test_record_past);
  g_test_add_func ("/api-past-meetings/hostile-bodies", test_hostile_bodies);

  server = test_server_start (NULL);
  branch1 = test_org_id (server, "第一党支部");
  huang = test_member_id (server, branch1, "黄丽");
  admin = test_client_logged_in (server, "admin");
  secretary = test_client_logged_in (server, "secretary");
  member = test_client_logged_in (server, "member");
  inspector = test_client_logged_in (server, "inspector");
  anonymous = test_client_new (server);
  status = g_test_run ();
  test_client_free (admin);
  test_client_free (secretary);
  test_client_free (member);
  test_client_free (inspector);
  test_client_free (anonymous);
  test_server_stop (server);
  return status;
}
