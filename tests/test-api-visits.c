/* Migrant visits through the API, as a hostile secretary would try them
 * (issue 7, item 4): a secretary cannot widen their own access by editing
 * their own record, a visit request grants nothing until the receiving
 * branch accepts it, and an ended visit takes the access away.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <string.h>

static TestServer *server;
static TestClient *admin;
static TestClient *secretary;  /* 王建国, secretary of 第一党支部 */
static TestClient *secretary2; /* 马兰, secretary of 第二党支部 */
static TestClient *member;     /* 黄丽, member of 第一党支部 */
static TestClient *zhu;        /* 朱强, member of 第二党支部 */
static gint64 branch1, branch2, group1;
static gint64 wang, huang, zhuqiang;

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static TestClient *
account_for (const char *login, gint64 member_id, const char *display, const char *role, gint64 org)
{
  TestClient *client = test_client_new (server);
  g_autofree char *body = g_strdup_printf ("{\"login\":\"%s\",\"display_name\":\"%s\","
                                           "\"member_id\":%" G_GINT64_FORMAT ","
                                           "\"password\":\"" TEST_PASSWORD "\"}",
                                           login, display, member_id);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts", body, &reply), ==, 201);
  if (role) {
    g_autofree char *path = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/roles",
                                             json_object_get_int_member (obj (reply), "id"));
    g_autofree char *grant
        = g_strdup_printf ("{\"role\":\"%s\",\"org_id\":%" G_GINT64_FORMAT "}", role, org);
    g_assert_cmpuint (test_client_json (admin, "POST", path, grant, NULL), ==, 201);
  }
  g_assert_cmpuint (test_client_login (client, login, TEST_PASSWORD), ==, 200);
  return client;
}

/* Sends and returns the status; the reply's error message, if any, must be
 * Chinese and non-empty. */
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
  }
  if (reply_out)
    *reply_out = g_steal_pointer (&reply);
  return status;
}

static char *
member_path (gint64 id, const char *tail)
{
  return g_strdup_printf ("api/members/%" G_GINT64_FORMAT "%s", id, tail);
}

static gint64
request_visit (TestClient *client, gint64 member_id, gint64 host, guint expect)
{
  g_autofree char *path = member_path (member_id, "/visits");
  g_autofree char *body
      = g_strdup_printf ("{\"host_branch_id\":%" G_GINT64_FORMAT ",\"note\":\"在附近工作\"}", host);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (call (client, "POST", path, body, &reply), ==, expect);
  if (expect != 201)
    return 0;
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state_label"), ==, "待接收");
  return json_object_get_int_member (obj (reply), "id");
}

static guint
decide (TestClient *client, gint64 visit, const char *action, JsonNode **reply)
{
  g_autofree char *path = g_strdup_printf ("api/visits/%" G_GINT64_FORMAT "/%s", visit, action);

  return call (client, "POST", path, "{}", reply);
}

static gint64
b2_meeting (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch2);
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *transition = NULL;
  gint64 id;

  g_assert_cmpuint (call (secretary2, "POST", path,
                          "{\"type\":\"general\",\"title\":\"第二党支部党员大会\","
                          "\"planned_start\":\"2026-12-28T14:00:00+08:00\","
                          "\"planned_end\":\"2026-12-28T16:00:00+08:00\"}",
                          &reply),
                    ==, 201);
  id = json_object_get_int_member (obj (reply), "id");
  transition = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/transition", id);
  g_assert_cmpuint (call (secretary2, "POST", transition, "{\"to\":\"open\"}", NULL), ==, 200);
  return id;
}

static gboolean
list_has (TestClient *client, const char *path, const char *field, gint64 id)
{
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *list;

  if (call (client, "GET", path, NULL, &reply) != 200)
    return FALSE;
  list = json_object_get_array_member (obj (reply), field);
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (json_object_get_int_member (json_array_get_object_element (list, i), "id") == id)
      return TRUE;
  return FALSE;
}

/* What the secretary of 第一党支部 sees of 第二党支部's meeting: the list,
 * the meeting, their own meetings, and (with @join; joins are rate
 * limited per account) joining it. Asserts that it is all or nothing, and
 * returns which. */
static gboolean
sees_b2_meeting (gint64 meeting, gboolean join)
{
  g_autofree char *list = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch2);
  g_autofree char *detail = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT, meeting);
  g_autofree char *payload = g_strdup_printf ("{\"meeting_id\":%" G_GINT64_FORMAT "}", meeting);
  g_autoptr (TestWs) ws = NULL;
  g_autoptr (JsonNode) joined = NULL;
  gboolean in_list = list_has (secretary, list, "meetings", meeting);
  gboolean in_mine = list_has (secretary, "api/my/meetings", "meetings", meeting);
  guint detail_status = call (secretary, "GET", detail, NULL, NULL);
  gboolean may_join;

  if (!join) {
    gboolean sees = detail_status == 200;

    g_assert_cmpuint (detail_status, ==, sees ? 200 : 403);
    g_assert_cmpint (in_list, ==, sees);
    g_assert_cmpint (in_mine, ==, sees);
    return sees;
  }
  ws = test_ws_connect (secretary);
  joined = test_ws_request (ws, "meeting.join", payload);
  may_join = g_strcmp0 (test_ws_type (joined), "meeting.joined") == 0;
  if (may_join) {
    JsonObject *you = json_object_get_object_member (test_ws_payload (joined), "you");
    JsonArray *roster = json_object_get_array_member (test_ws_payload (joined), "roster");

    g_assert_cmpstr (json_object_get_string_member (you, "role"), ==, "migrant_visitor");
    g_assert_false (json_object_get_boolean_member (you, "has_vote"));
    g_assert_cmpuint (json_array_get_length (roster), >=, 1);
  } else {
    g_assert_cmpstr (test_ws_error_code (joined), ==, "not_invited");
    g_assert_false (json_object_has_member (test_ws_payload (joined), "roster"));
    g_assert_false (json_object_has_member (test_ws_payload (joined), "chat_history"));
  }
  g_assert_cmpint (in_list, ==, may_join);
  g_assert_cmpint (in_mine, ==, may_join);
  g_assert_cmpuint (detail_status, ==, may_join ? 200 : 403);
  return may_join;
}

static void
assert_own_record_unchanged (void)
{
  g_autofree char *path = member_path (wang, "");
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (call (admin, "GET", path, NULL, &reply), ==, 200);
  g_assert_false (json_object_get_boolean_member (obj (reply), "migrant"));
  g_assert_true (json_object_get_null_member (obj (reply), "current_branch_id"));
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "status"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "name"), ==, "王建国");
  g_assert_cmpint (json_object_get_int_member (obj (reply), "branch_id"), ==, branch1);
}

/* The exploit of the issue, and every other edit of one's own record that
 * would widen one's own access: 403, and nothing changes. */
static void
test_own_record (void)
{
  g_autofree char *own = member_path (wang, "");
  g_autofree char *huang_path = member_path (huang, "");
  g_autofree char *exploit
      = g_strdup_printf ("{\"migrant\":true,\"current_branch_id\":%" G_GINT64_FORMAT "}", branch2);
  g_autofree char *posts = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/posts", branch1);
  g_autofree char *groups = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/group-members", group1);
  g_autofree char *own_post
      = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT ",\"post\":\"propaganda\"}", wang);
  g_autofree char *own_group
      = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT ",\"leader\":true}", wang);
  g_autofree char *members = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/members", branch1);
  g_autofree char *new_visitor = g_strdup_printf (
      "{\"name\":\"新流动党员\",\"migrant\":true,\"current_branch_id\":%" G_GINT64_FORMAT "}",
      branch2);
  const char *const widening[] = {
    exploit,
    "{\"migrant\":true}",
    "{\"status\":\"probationary\"}",
    "{\"under_probation\":true}",
    "{\"active\":false}",
    "{\"name\":\"王建国\",\"current_branch_id\":1}",
  };
  gint64 meeting = b2_meeting ();
  gint64 members_before = test_count_rows (server, "members");
  g_autoptr (JsonNode) reply = NULL;
  const char *message;

  g_assert_false (sees_b2_meeting (meeting, TRUE));
  for (gsize i = 0; i < G_N_ELEMENTS (widening); i++) {
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (call (secretary, "PATCH", own, widening[i], &reply), ==, 403);
    g_assert_cmpstr (test_error_code (reply), ==, "forbidden");
    assert_own_record_unchanged ();
  }
  message = json_object_get_string_member (json_object_get_object_member (obj (reply), "error"),
                                           "message");
  g_assert_nonnull (strstr (message, "本人"));
  g_assert_false (sees_b2_meeting (meeting, FALSE));

  /* Unchanged values and harmless fields are fine on one's own record. */
  g_assert_cmpuint (call (secretary, "PATCH", own,
                          "{\"name\":\"王建国\",\"migrant\":false,\"status\":\"full\","
                          "\"active\":true,\"phone\":\"13800000001\"}",
                          NULL),
                    ==, 200);
  assert_own_record_unchanged ();

  /* Posts and Party groups of one's own. */
  g_assert_cmpuint (call (secretary, "POST", posts, own_post, NULL), ==, 403);
  g_assert_cmpuint (call (secretary, "POST", groups, own_group, NULL), ==, 403);

  /* On someone else's record, the current branch is not an editable
   * field either: it follows an accepted visit. */
  g_assert_cmpuint (call (secretary, "PATCH", huang_path, exploit, NULL), ==, 422);
  g_assert_cmpuint (call (secretary, "POST", members, new_visitor, NULL), ==, 422);
  g_assert_cmpint (test_count_rows (server, "members"), ==, members_before);
  g_assert_false (sees_b2_meeting (meeting, FALSE));
}

/* A request grants nothing until the receiving branch accepts it; ending
 * it takes the access away. */
static void
test_visit_lifecycle (void)
{
  gint64 meeting = b2_meeting ();
  g_autofree char *b1_visits = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/visits", branch1);
  g_autofree char *b2_visits = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/visits", branch2);
  g_autofree char *own_visits = member_path (wang, "/visits");
  g_autoptr (JsonNode) reply = NULL;
  gint64 visit;

  /* The member may ask for themself; asking grants nothing. */
  visit = request_visit (secretary, wang, branch2, 201);
  g_assert_false (sees_b2_meeting (meeting, TRUE));
  g_assert_true (list_has (secretary, b1_visits, "outgoing", visit));
  g_assert_true (list_has (secretary2, b2_visits, "incoming", visit));
  g_assert_true (list_has (secretary, own_visits, "visits", visit));
  g_assert_cmpuint (call (secretary, "GET", b2_visits, NULL, NULL), ==, 403);
  /* One open request at a time. */
  request_visit (secretary, wang, branch2, 409);

  /* Deciding for another branch, or for oneself. */
  g_assert_cmpuint (decide (secretary, visit, "accept", NULL), ==, 403);
  g_assert_cmpuint (decide (member, visit, "accept", NULL), ==, 403);
  g_assert_cmpuint (decide (zhu, visit, "accept", NULL), ==, 403);
  g_assert_cmpuint (decide (secretary, visit, "refuse", NULL), ==, 403);
  g_assert_false (sees_b2_meeting (meeting, FALSE));

  /* Accepted by the receiving branch: visible, joinable. */
  g_assert_cmpuint (decide (secretary2, visit, "accept", &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "accepted");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "decided_by_name"), ==, "马兰");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "requested_by_name"), ==, "王建国");
  g_assert_true (sees_b2_meeting (meeting, TRUE));

  /* Deciding twice. */
  g_assert_cmpuint (decide (secretary2, visit, "accept", NULL), ==, 409);
  g_assert_cmpuint (decide (secretary2, visit, "refuse", NULL), ==, 409);
  g_assert_cmpuint (decide (admin, visit, "refuse", NULL), ==, 409);
  g_assert_true (sees_b2_meeting (meeting, FALSE));

  /* Others cannot end it; the member can. */
  g_assert_cmpuint (decide (member, visit, "end", NULL), ==, 403);
  g_assert_cmpuint (decide (zhu, visit, "end", NULL), ==, 403);
  g_assert_cmpuint (decide (secretary, visit, "end", NULL), ==, 200);
  g_assert_false (sees_b2_meeting (meeting, TRUE));
  g_assert_cmpuint (decide (secretary2, visit, "end", NULL), ==, 409);
  g_assert_cmpuint (decide (secretary2, visit, "accept", NULL), ==, 409);
  g_assert_false (sees_b2_meeting (meeting, FALSE));

  /* Ended by the receiving side this time. */
  visit = request_visit (secretary, wang, branch2, 201);
  g_assert_cmpuint (decide (admin, visit, "accept", NULL), ==, 200);
  g_assert_true (sees_b2_meeting (meeting, TRUE));
  g_assert_cmpuint (decide (secretary2, visit, "end", NULL), ==, 200);
  g_assert_false (sees_b2_meeting (meeting, TRUE));
  /* Accepting made him a migrant; the ended visit left no current branch. */
  {
    g_autofree char *own = member_path (wang, "");
    g_autoptr (JsonNode) record = NULL;

    g_assert_cmpuint (call (admin, "GET", own, NULL, &record), ==, 200);
    g_assert_true (json_object_get_boolean_member (obj (record), "migrant"));
    g_assert_true (json_object_get_null_member (obj (record), "current_branch_id"));
  }
}

/* The four eyes, refusal, withdrawal and bad input. */
static void
test_hostile_requests (void)
{
  g_autofree char *zhu_visits = member_path (zhuqiang, "/visits");
  g_autofree char *huge = NULL;
  g_autofree char *huge_body = NULL;
  g_autofree char *refuse = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GString) long_note = g_string_new (NULL);
  gint64 visit;

  /* An administrator who asked does not decide. */
  visit = request_visit (admin, zhuqiang, branch1, 201);
  g_assert_cmpuint (decide (admin, visit, "accept", &reply), ==, 403);
  g_assert_nonnull (strstr (json_object_get_string_member (
                                json_object_get_object_member (obj (reply), "error"), "message"),
                            "本人"));
  g_assert_cmpuint (decide (admin, visit, "refuse", NULL), ==, 403);
  /* Nor the member concerned. */
  g_assert_cmpuint (decide (zhu, visit, "accept", NULL), ==, 403);
  /* The other branch's secretary is not the receiving one. */
  g_assert_cmpuint (decide (secretary2, visit, "accept", NULL), ==, 403);
  g_clear_pointer (&reply, json_node_unref);
  refuse = g_strdup_printf ("api/visits/%" G_GINT64_FORMAT "/refuse", visit);
  g_assert_cmpuint (call (secretary, "POST", refuse, "{\"reason\":\"本支部近期无活动\"}", &reply),
                    ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "state"), ==, "refused");
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "decision_note"), ==,
                   "本支部近期无活动");
  g_assert_cmpuint (decide (secretary, visit, "accept", NULL), ==, 409);
  g_assert_cmpuint (decide (zhu, visit, "end", NULL), ==, 409);

  /* The member asks for themself, then withdraws; a withdrawn request
   * cannot be accepted. */
  visit = request_visit (zhu, zhuqiang, branch1, 201);
  g_assert_cmpuint (decide (zhu, visit, "accept", NULL), ==, 403);
  g_assert_cmpuint (decide (zhu, visit, "end", NULL), ==, 200);
  g_assert_cmpuint (decide (secretary, visit, "accept", NULL), ==, 409);

  /* Others may not ask for someone: a plain member, the wrong secretary. */
  request_visit (member, zhuqiang, branch1, 403);
  request_visit (secretary, zhuqiang, branch1, 403);
  request_visit (member, wang, branch2, 403);

  /* Unknown ids and actions. */
  g_assert_cmpuint (decide (secretary, 999999, "accept", NULL), ==, 404);
  g_assert_cmpuint (decide (secretary, 999999, "end", NULL), ==, 404);
  g_assert_cmpuint (decide (secretary, visit, "approve", NULL), ==, 404);
  g_assert_cmpuint (call (secretary, "POST", "api/visits/0/accept", "{}", NULL), ==, 404);
  g_assert_cmpuint (call (secretary, "POST", "api/visits/-1/accept", "{}", NULL), ==, 404);
  request_visit (admin, 999999, branch1, 404);

  /* Bad targets and input. */
  request_visit (zhu, zhuqiang, branch2, 422); /* own branch */
  request_visit (zhu, zhuqiang, group1, 422);
  request_visit (zhu, zhuqiang, 999999, 404);
  g_assert_cmpuint (call (zhu, "POST", zhu_visits, "{}", NULL), ==, 400);
  g_assert_cmpuint (call (zhu, "POST", zhu_visits, "{\"host_branch_id\":\"1\"}", NULL), ==, 400);
  g_assert_cmpuint (call (zhu, "POST", zhu_visits, "{\"host_branch_id\":-1}", NULL), ==, 400);
  for (int i = 0; i < 501; i++)
    g_string_append (long_note, "长");
  huge_body = g_strdup_printf ("{\"host_branch_id\":%" G_GINT64_FORMAT ",\"note\":\"%s\"}", branch1,
                               long_note->str);
  g_assert_cmpuint (call (zhu, "POST", zhu_visits, huge_body, NULL), ==, 400);
  huge = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/visits", group1);
  g_assert_cmpuint (call (secretary, "GET", huge, NULL, NULL), ==, 422);
  g_assert_cmpuint (call (secretary, "GET", "api/orgs/999999/visits", NULL, NULL), ==, 404);
}

/* The demo's migrant was asked for and accepted: the list shows it. */
static void
test_demo_visit (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/visits", branch1);
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *incoming;
  gboolean found = FALSE;

  g_assert_cmpuint (call (secretary, "GET", path, NULL, &reply), ==, 200);
  incoming = json_object_get_array_member (obj (reply), "incoming");
  for (guint i = 0; i < json_array_get_length (incoming); i++) {
    JsonObject *v = json_array_get_object_element (incoming, i);
    if (g_str_equal (json_object_get_string_member (v, "member_name"), "孙浩")) {
      g_assert_cmpstr (json_object_get_string_member (v, "state"), ==, "accepted");
      g_assert_cmpstr (json_object_get_string_member (v, "home_branch_name"), ==, "第二党支部");
      g_assert_cmpstr (json_object_get_string_member (v, "host_branch_name"), ==, "第一党支部");
      found = TRUE;
    }
  }
  g_assert_true (found);
}

/* The branch directory a request form needs: every branch, names only. */
static void
test_branch_directory (void)
{
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *list;
  g_autoptr (GString) names = g_string_new (NULL);

  g_assert_cmpuint (call (zhu, "GET", "api/visits/branches", NULL, &reply), ==, 200);
  list = json_object_get_array_member (obj (reply), "branches");
  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonObject *b = json_array_get_object_element (list, i);

    g_string_append_printf (names, "%s%s/%s", i ? "," : "",
                            json_object_get_string_member (b, "name"),
                            json_object_get_string_member (b, "parent_name"));
    g_assert_cmpuint (json_object_get_size (b), ==, 3);
  }
  g_assert_cmpstr (names->str, ==, "第一党支部/示范街道党工委,第二党支部/示范街道党工委");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/visits/demo", test_demo_visit);
  g_test_add_func ("/api/visits/branch-directory", test_branch_directory);
  g_test_add_func ("/api/visits/own-record", test_own_record);
  g_test_add_func ("/api/visits/lifecycle", test_visit_lifecycle);
  g_test_add_func ("/api/visits/hostile", test_hostile_requests);

  server = test_server_start (NULL);
  branch1 = test_org_id (server, "第一党支部");
  branch2 = test_org_id (server, "第二党支部");
  group1 = test_org_id (server, "第一党小组");
  wang = test_member_id (server, branch1, "王建国");
  huang = test_member_id (server, branch1, "黄丽");
  zhuqiang = test_member_id (server, branch2, "朱强");
  admin = test_client_new (server);
  secretary = test_client_new (server);
  member = test_client_new (server);
  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (secretary, "secretary", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (member, "member", TEST_PASSWORD), ==, 200);
  secretary2 = account_for ("secretary2", test_member_id (server, branch2, "马兰"), "马兰",
                            "secretary", branch2);
  zhu = account_for ("zhuqiang", zhuqiang, "朱强", NULL, 0);

  status = g_test_run ();

  test_client_free (admin);
  test_client_free (secretary);
  test_client_free (secretary2);
  test_client_free (member);
  test_client_free (zhu);
  test_server_stop (server);
  return status;
}
