/* Expected attendance and leave (请假) through the API, on a real server
 * with the demo organization: who may read and decide what, a member asks
 * leave and the secretary (or the chair) approves, and the expected list
 * shows it, live before the start and frozen after.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

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

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/attendance/expected-permissions", test_expected_permissions);
  g_test_add_func ("/api/attendance/ask-and-approve", test_ask_and_approve);
  g_test_add_func ("/api/attendance/chair-and-withdraw", test_chair_and_withdraw);

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
