/* Roll call and the chair's attendance panel over real sockets
 * (signaling/src/meeting-rollcall.c, meeting-attendance.c, api-rollcall.c)
 * against the real server with the demo data: the panel goes to the chair
 * only and its numbers move as members come and go; a roll call that two
 * members answer, one does not and a late joiner is asked too; the
 * server's timer closes it and the record is right, for the secretary and
 * for a member. Leave decided over REST while the chair is in the room
 * reaches the panel at once. SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;
static gint64 first_branch;
static gint64 chair_member; /* 王建国, the secretary */

static void
create_account (TestClient *admin, const char *login, const char *display, gint64 member_id)
{
  g_autofree char *body
      = g_strdup_printf ("{\"login\":\"%s\",\"display_name\":\"%s\",\"member_id\":%" G_GINT64_FORMAT
                         ",\"password\":\"%s\"}",
                         login, display, member_id, TEST_PASSWORD);

  g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts", body, NULL), ==, 201);
}

static char *
iso_in (gint64 minutes)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, (gint) minutes);

  return g_date_time_format_iso8601 (at);
}

static gint64
schedule (const char *type)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *start = iso_in (5);
  g_autofree char *end = iso_in (125);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", first_branch);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"%s\",\"title\":\"点名测试\",\"planned_start\":\"%s\",\"planned_end\":\"%s\","
      "\"chair_member_id\":%" G_GINT64_FORMAT "}",
      type, start, end, chair_member);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static gint64
pint (JsonNode *message, const char *field)
{
  return json_object_get_int_member (test_ws_payload (message), field);
}

/* Whether a message of @type is queued on @ws (after letting the server
 * talk for a moment). */
static gboolean
has_queued (TestWs *ws, const char *type)
{
  test_ws_settle (300);
  for (GList *l = ws->messages.head; l; l = l->next)
    if (g_str_equal (test_ws_type (l->data), type))
      return TRUE;
  return FALSE;
}

/* The latest panel queued on @ws, waiting for one. (transfer full) */
static JsonNode *
latest_panel (TestWs *ws)
{
  JsonNode *panel = test_ws_next_of_type (ws, "meeting.attendance");

  while (has_queued (ws, "meeting.attendance")) {
    json_node_unref (panel);
    panel = test_ws_next_of_type (ws, "meeting.attendance");
  }
  return panel;
}

static gboolean
name_in (JsonNode *panel, const char *list, const char *name)
{
  JsonArray *a = json_object_get_array_member (test_ws_payload (panel), list);

  for (guint i = 0; i < json_array_get_length (a); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (a, i), "name"),
                     name))
      return TRUE;
  return FALSE;
}

static JsonObject *
rollcall_of (JsonNode *panel)
{
  return json_object_get_object_member (test_ws_payload (panel), "rollcall");
}

/* The panel: chairs only, sent on join, numbers moving with the room. */
static void
test_panel (void)
{
  gint64 meeting = schedule ("general");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) m = NULL;
  g_autoptr (TestWs) z = NULL;
  g_autoptr (JsonNode) first = latest_panel (s);
  g_autoptr (JsonNode) second = NULL;
  g_autoptr (JsonNode) third = NULL;
  g_autoptr (JsonNode) fourth = NULL;
  gint64 expected = pint (first, "expected");

  g_assert_cmpint (expected, >=, 3);
  g_assert_cmpint (pint (first, "present"), ==, 1);
  g_assert_cmpint (pint (first, "absent") + pint (first, "on_leave"), ==, expected - 1);
  g_assert_true (test_ws_pbool (first, "takes_votes"));
  g_assert_cmpint (pint (first, "quorum"), ==, pint (first, "voting") / 2 + 1);
  g_assert_true (name_in (first, "present_members", "王建国"));
  g_assert_true (name_in (first, "missing", "张伟"));
  g_assert_false (test_ws_pbool (first, "frozen"));

  m = test_ws_join (member, meeting, NULL);
  second = latest_panel (s);
  g_assert_cmpint (pint (second, "present"), ==, 2);
  z = test_ws_join (zhang, meeting, NULL);
  third = latest_panel (s);
  g_assert_cmpint (pint (third, "present"), ==, 3);
  g_assert_cmpint (pint (third, "absent") + pint (third, "on_leave"), ==, expected - 3);
  g_assert_false (name_in (third, "missing", "张伟"));
  /* Members without chair powers never get it. */
  g_assert_false (has_queued (m, "meeting.attendance"));
  g_assert_false (has_queued (z, "meeting.attendance"));

  g_assert_cmpstr (test_ws_outcome (z, "meeting.leave", NULL), ==, "meeting.left");
  fourth = latest_panel (s);
  g_assert_cmpint (pint (fourth, "present"), ==, 2);
  g_assert_true (name_in (fourth, "missing", "张伟"));
  g_assert_cmpint (json_object_get_member (test_ws_payload (fourth), "rollcall") != NULL, ==, 1);
  g_assert_true (json_node_is_null (json_object_get_member (test_ws_payload (fourth), "rollcall")));
}

static JsonNode *
rollcalls (TestClient *client, gint64 meeting, guint expect_status)
{
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/rollcalls", meeting);
  JsonNode *reply = NULL;

  g_assert_cmpuint (test_client_json (client, "GET", path, NULL, &reply), ==, expect_status);
  return reply;
}

static const char *
outcome_of (JsonObject *rollcall, const char *name)
{
  JsonArray *entries = json_object_get_array_member (rollcall, "entries");

  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);

    if (g_str_equal (json_object_get_string_member (e, "name"), name))
      return json_object_get_string_member (e, "outcome");
  }
  return NULL;
}

static void
test_rollcall (void)
{
  gint64 meeting = schedule ("general");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autoptr (TestClient) migrant = test_client_logged_in (server, "sunhao");
  g_autoptr (TestClient) outsider = test_client_logged_in (server, "mali");
  g_autoptr (TestWs) s = test_ws_join (secretary, meeting, NULL);
  g_autoptr (TestWs) m = test_ws_join (member, meeting, NULL);
  g_autoptr (TestWs) z = test_ws_join (zhang, meeting, NULL);
  g_autoptr (TestWs) v = NULL;
  g_autoptr (JsonNode) started = NULL;
  g_autoptr (JsonNode) panel = NULL;
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) mine = NULL;
  g_autoptr (JsonNode) denied = NULL;
  g_autofree char *answer = NULL;
  TestWs *asked[] = { s, m, z };
  JsonObject *r;
  gint64 id;

  /* Not before the meeting is in progress; not by a member. */
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.start", "{\"seconds\":15}"), ==,
                   "invalid_state");
  g_assert_cmpstr (test_ws_outcome (s, "meeting.start", NULL), ==, "meeting.ok");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.rollcall.start", "{\"seconds\":15}"), ==,
                   "forbidden");
  /* Limits: 15 s to 10 min. */
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.start", "{\"seconds\":14}"), ==,
                   "bad_request");
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.start", "{\"seconds\":601}"), ==,
                   "bad_request");
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.start", "{\"seconds\":\"60\"}"), ==,
                   "bad_request");

  started = test_ws_request (s, "meeting.rollcall.start", "{\"seconds\":15}");
  g_assert_cmpstr (test_ws_type (started), ==, "meeting.ok");
  id = pint (started, "rollcall_id");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.start", "{\"seconds\":15}"), ==,
                   "rollcall_open");
  for (gsize i = 0; i < G_N_ELEMENTS (asked); i++) {
    g_autoptr (JsonNode) prompt = test_ws_next_of_type (asked[i], "meeting.rollcall");

    g_assert_cmpint (pint (prompt, "rollcall_id"), ==, id);
    g_assert_true (test_ws_pbool (prompt, "open"));
    g_assert_false (test_ws_pbool (prompt, "answered"));
    g_assert_cmpstr (test_ws_pstr (prompt, "message"), ==, "点名：请在 15 秒内点击签到");
    g_assert_cmpint (pint (prompt, "remaining_ms"), >, 10000);
  }

  answer = g_strdup_printf ("{\"rollcall_id\":%" G_GINT64_FORMAT "}", id);
  g_assert_cmpstr (test_ws_outcome (s, "meeting.rollcall.answer", answer), ==, "meeting.ok");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.rollcall.answer", answer), ==, "meeting.ok");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.rollcall.answer", answer), ==, "already_answered");
  g_assert_cmpstr (test_ws_outcome (m, "meeting.rollcall.answer", "{\"rollcall_id\":999999}"), ==,
                   "unknown_rollcall");
  {
    g_autoptr (JsonNode) done = test_ws_next_of_type (m, "meeting.rollcall");
    g_assert_true (test_ws_pbool (done, "answered"));
    g_assert_cmpstr (test_ws_pstr (done, "message"), ==, "您已签到");
  }
  /* A visiting member who comes in during the roll call is asked too. */
  v = test_ws_join (migrant, meeting, NULL);
  {
    g_autoptr (JsonNode) prompt = test_ws_next_of_type (v, "meeting.rollcall");
    g_assert_true (test_ws_pbool (prompt, "open"));
    g_assert_cmpint (pint (prompt, "remaining_ms"), <, 15000);
  }
  g_assert_cmpstr (test_ws_outcome (v, "meeting.rollcall.answer", answer), ==, "meeting.ok");
  /* Nobody answers for someone else: a socket of 张伟's that is not in the
   * meeting cannot, and an administrator sitting in (no member record) is
   * not asked. */
  {
    g_autoptr (TestWs) elsewhere = test_ws_connect (zhang);
    g_autoptr (TestClient) admin = test_client_logged_in (server, "admin");
    g_autoptr (TestWs) a = test_ws_join (admin, meeting, NULL);

    g_assert_cmpstr (test_ws_outcome (elsewhere, "meeting.rollcall.answer", answer), ==,
                     "not_in_meeting");
    g_assert_cmpstr (test_ws_outcome (a, "meeting.rollcall.answer", answer), ==, "bad_request");
    g_assert_false (has_queued (a, "meeting.rollcall"));
    g_assert_cmpstr (test_ws_outcome (a, "meeting.leave", NULL), ==, "meeting.left");
  }

  panel = latest_panel (s);
  r = rollcall_of (panel);
  g_assert_true (json_object_get_boolean_member (r, "open"));
  g_assert_cmpint (json_object_get_int_member (r, "answered"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (r, "asked"), ==, 4);
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (test_ws_payload (panel), "visitors")),
      ==, 1);
  g_clear_pointer (&panel, json_node_unref);

  /* The server's timer closes it; everyone asked is told. */
  test_ws_settle (14000);
  for (gsize i = 0; i < G_N_ELEMENTS (asked); i++) {
    g_autoptr (JsonNode) closed = NULL;

    do {
      g_clear_pointer (&closed, json_node_unref);
      closed = test_ws_next_of_type (asked[i], "meeting.rollcall");
    } while (test_ws_pbool (closed, "open"));
    g_assert_cmpint (test_ws_pbool (closed, "answered"), ==, asked[i] != z);
  }
  g_assert_cmpstr (test_ws_outcome (z, "meeting.rollcall.answer", answer), ==, "invalid_state");
  panel = latest_panel (s);
  r = rollcall_of (panel);
  g_assert_false (json_object_get_boolean_member (r, "open"));
  g_assert_cmpstr (outcome_of (r, "张伟"), ==, "silent");

  /* The record: everyone for the secretary; a member's own entry. */
  record = rollcalls (secretary, meeting, 200);
  {
    JsonArray *all = json_object_get_array_member (json_node_get_object (record), "rollcalls");

    g_assert_cmpuint (json_array_get_length (all), ==, 1);
    r = json_array_get_object_element (all, 0);
  }
  g_assert_cmpint (json_object_get_int_member (r, "seconds"), ==, 15);
  g_assert_false (json_object_get_boolean_member (r, "open"));
  g_assert_cmpstr (outcome_of (r, "王建国"), ==, "answered");
  g_assert_cmpstr (outcome_of (r, "张伟"), ==, "silent");
  g_assert_cmpstr (outcome_of (r, "孙浩"), ==, "answered");
  g_assert_cmpint (json_object_get_int_member (r, "answered"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (r, "asked"), ==, 4);
  /* Expected members who never came are absent (or on leave). */
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "entries")), >, 4);

  mine = rollcalls (zhang, meeting, 200);
  r = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (mine), "rollcalls"), 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "entries")), ==, 1);
  g_assert_cmpstr (outcome_of (r, "张伟"), ==, "silent");
  denied = rollcalls (outsider, meeting, 403);
}

/* A leave request decided over REST while the chair is in the room: the
 * panel is pushed again without anyone joining or leaving. */
static void
test_leave_decided_live (void)
{
  gint64 meeting = schedule ("general");
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) zhang = test_client_logged_in (server, "zhangwei");
  g_autofree char *ask_path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/leave", meeting);
  g_autofree char *approve_path = NULL;
  g_autoptr (JsonNode) asked = NULL;
  g_autoptr (TestWs) s = NULL;
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;

  g_assert_cmpuint (
      test_client_json (zhang, "POST", ask_path, "{\"reason\":\"出差\"}", &asked), ==, 201);
  approve_path = g_strdup_printf ("api/leave/%" G_GINT64_FORMAT "/approve",
                                  json_object_get_int_member (json_node_get_object (asked), "id"));
  s = test_ws_join (secretary, meeting, NULL);
  before = latest_panel (s);
  g_assert_true (name_in (before, "missing", "张伟"));
  g_assert_false (name_in (before, "on_leave_members", "张伟"));

  g_assert_cmpuint (test_client_json (secretary, "POST", approve_path, "{}", NULL), ==, 200);
  g_assert_true (has_queued (s, "meeting.attendance"));
  after = latest_panel (s);
  g_assert_true (name_in (after, "on_leave_members", "张伟"));
  g_assert_false (name_in (after, "missing", "张伟"));
  g_assert_cmpint (pint (after, "on_leave"), ==, pint (before, "on_leave") + 1);
  g_assert_cmpint (pint (after, "absent"), ==, pint (before, "absent") - 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (NULL);
  first_branch = test_org_id (server, "第一党支部");
  chair_member = test_member_id (server, first_branch, "王建国");
  {
    g_autoptr (TestClient) admin = test_client_logged_in (server, "admin");
    gint64 second = test_org_id (server, "第二党支部");

    /* The demo gives 张伟 and 孙浩 their accounts. */
    create_account (admin, "mali", "马兰", test_member_id (server, second, "马兰"));
  }
  g_test_add_func ("/rollcall/panel", test_panel);
  g_test_add_func ("/rollcall/roll-call", test_rollcall);
  g_test_add_func ("/rollcall/leave-decided-live", test_leave_decided_live);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
