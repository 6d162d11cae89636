/* Meetings through the API: scheduling, the member's view, state changes,
 * cancelling, invitation links and the calendar feed.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include "token.h"

static TestServer *server;
static TestClient *secretary; /* 王建国, secretary of 第一党支部 */
static TestClient *member;    /* 黄丽, member of 第一党支部 */
static TestClient *other;     /* 朱强, member of 第二党支部 */
static TestClient *migrant;   /* 孙浩, of 第二党支部, takes part in 第一党支部 */
static gint64 branch1, branch2, group1;
static gint64 wang, li, huang;
static guint serial;

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static const char *
str (JsonNode *node, const char *field)
{
  return json_object_get_string_member (obj (node), field);
}

static TestClient *
account_for (const char *login, gint64 member_id, const char *display)
{
  g_autoptr (TestClient) admin = test_client_new (server);
  TestClient *client = test_client_new (server);
  g_autofree char *body = g_strdup_printf ("{\"login\":\"%s\",\"display_name\":\"%s\","
                                           "\"member_id\":%" G_GINT64_FORMAT ","
                                           "\"password\":\"" TEST_PASSWORD "\"}",
                                           login, display, member_id);

  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts", body, NULL), ==, 201);
  g_assert_cmpuint (test_client_login (client, login, TEST_PASSWORD), ==, 200);
  return client;
}

/* Schedules a general meeting of 第一党支部 as the secretary. */
static JsonNode *
schedule (const char *title_prefix)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"%s%u\",\"planned_start\":\"2026-12-20T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"chair_member_id\":%" G_GINT64_FORMAT "}",
      title_prefix, ++serial, wang);
  JsonNode *reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return reply;
}

static gboolean
list_has (JsonNode *reply, gint64 id)
{
  JsonArray *list = json_object_get_array_member (obj (reply), "meetings");

  for (guint i = 0; i < json_array_get_length (list); i++)
    if (json_object_get_int_member (json_array_get_object_element (list, i), "id") == id)
      return TRUE;
  return FALSE;
}

static gboolean
my_meetings_has (TestClient *client, gint64 id)
{
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (client, "GET", "api/my/meetings", NULL, &reply), ==, 200);
  return list_has (reply, id);
}

static void
test_schedule_and_member_view (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"冬季党员大会\","
      "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"place\":\"社区党群服务中心二楼\","
      "\"chair_member_id\":%" G_GINT64_FORMAT ",\"recorder_member_id\":%" G_GINT64_FORMAT ","
      "\"agenda\":[\"传达上级会议精神\",\"  讨论年度工作总结  \",\"民主评议党员\"]}",
      wang, li);
  g_autoptr (JsonNode) created = NULL;
  g_autoptr (JsonNode) fetched = NULL;
  g_autofree char *meeting_path = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *fetched_text = NULL;
  JsonArray *agenda;
  gint64 id;
  gint64 before = test_count_rows (server, "meetings");

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &created), ==, 201);
  g_assert_cmpint (test_count_rows (server, "meetings"), ==, before + 1);
  id = json_object_get_int_member (obj (created), "id");
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (json_object_get_int_member (obj (created), "org_id"), ==, branch1);
  g_assert_cmpstr (str (created, "org_name"), ==, "第一党支部");
  g_assert_cmpstr (str (created, "type"), ==, "general");
  g_assert_cmpstr (str (created, "type_label"), ==, "支部党员大会");
  g_assert_cmpstr (str (created, "title"), ==, "冬季党员大会");
  g_assert_cmpstr (str (created, "planned_start"), ==, "2026-12-20T14:00:00+08:00");
  g_assert_cmpstr (str (created, "planned_end"), ==, "2026-12-20T16:00:00+08:00");
  g_assert_cmpstr (str (created, "place"), ==, "社区党群服务中心二楼");
  g_assert_cmpint (json_object_get_int_member (obj (created), "chair_member_id"), ==, wang);
  g_assert_cmpint (json_object_get_int_member (obj (created), "recorder_member_id"), ==, li);
  g_assert_cmpstr (str (created, "state"), ==, "scheduled");
  g_assert_cmpstr (str (created, "state_label"), ==, "已安排");
  g_assert_true (json_object_get_null_member (obj (created), "cancel_reason"));

  /* The agenda comes back in order, trimmed. */
  agenda = json_object_get_array_member (obj (created), "agenda");
  g_assert_cmpuint (json_array_get_length (agenda), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (agenda, 0), ==, "传达上级会议精神");
  g_assert_cmpstr (json_array_get_string_element (agenda, 1), ==, "讨论年度工作总结");
  g_assert_cmpstr (json_array_get_string_element (agenda, 2), ==, "民主评议党员");
  meeting_path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT, id);
  g_assert_cmpuint (test_client_json (member, "GET", meeting_path, NULL, &fetched), ==, 200);
  created_text = json_to_string (created, FALSE);
  fetched_text = json_to_string (fetched, FALSE);
  g_assert_cmpstr (fetched_text, ==, created_text);

  /* Every member of the branch sees it; a migrant taking part here too;
   * the other branch's members do not. */
  g_assert_true (my_meetings_has (member, id));
  g_assert_true (my_meetings_has (secretary, id));
  g_assert_true (my_meetings_has (migrant, id));
  g_assert_false (my_meetings_has (other, id));
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_json (other, "GET", meeting_path, NULL, &reply), ==, 403);
    g_assert_cmpstr (test_error_code (reply), ==, "forbidden");
  }
  /* The branch's list has it; a time window around it too, one after it not. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_autofree char *window = g_strdup_printf ("%s?from=2026-12-20T00:00:00%%2B08:00"
                                               "&to=2026-12-21T00:00:00%%2B08:00",
                                               path);
    g_autofree char *after = g_strdup_printf ("%s?from=2026-12-21T00:00:00Z", path);
    g_assert_cmpuint (test_client_json (member, "GET", path, NULL, &reply), ==, 200);
    g_assert_true (list_has (reply, id));
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (test_client_json (member, "GET", window, NULL, &reply), ==, 200);
    g_assert_true (list_has (reply, id));
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (test_client_json (member, "GET", after, NULL, &reply), ==, 200);
    g_assert_false (list_has (reply, id));
  }
}

static void
test_group_meeting_audience (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", group1);
  g_autoptr (JsonNode) created = NULL;
  gint64 id;

  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"type\":\"group\",\"title\":\"小组学习会\","
                                      "\"planned_start\":\"2026-12-18T19:00:00+08:00\","
                                      "\"planned_end\":\"2026-12-18T20:30:00+08:00\"}",
                                      &created),
                    ==, 201);
  id = json_object_get_int_member (obj (created), "id");
  g_assert_cmpstr (str (created, "type_label"), ==, "党小组会");
  g_assert_cmpstr (str (created, "org_name"), ==, "第一党小组");
  /* 黄丽 is in 第一党小组; the migrant only joins general meetings, lessons
   * and Party days of the branch he visits. */
  g_assert_true (my_meetings_has (member, id));
  g_assert_false (my_meetings_has (migrant, id));
  g_assert_false (my_meetings_has (other, id));
}

static void
test_lesson_needs_topic (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autofree char *without = g_strdup_printf (
      "{\"type\":\"lesson\",\"title\":\"专题党课\",\"planned_start\":\"2026-12-22T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-22T15:30:00+08:00\",\"lecturer_member_id\":%" G_GINT64_FORMAT "}",
      wang);
  g_autofree char *blank = g_strdup_printf (
      "{\"type\":\"lesson\",\"title\":\"专题党课\",\"planned_start\":\"2026-12-22T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-22T15:30:00+08:00\",\"topic\":\"   \","
      "\"lecturer_member_id\":%" G_GINT64_FORMAT "}",
      wang);
  g_autofree char *with = g_strdup_printf (
      "{\"type\":\"lesson\",\"title\":\"专题党课\",\"planned_start\":\"2026-12-22T14:00:00+08:00\","
      "\"planned_end\":\"2026-12-22T15:30:00+08:00\",\"topic\":\"学习党章\","
      "\"lecturer_member_id\":%" G_GINT64_FORMAT "}",
      wang);
  gint64 before = test_count_rows (server, "meetings");

  for (int i = 0; i < 2; i++) {
    g_autoptr (JsonNode) reply = NULL;
    JsonObject *error;
    g_assert_cmpuint (test_client_json (secretary, "POST", path, i == 0 ? without : blank, &reply),
                      ==, 422);
    g_assert_cmpstr (test_error_code (reply), ==, "invalid");
    error = json_object_get_object_member (obj (reply), "error");
    g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "主题"));
  }
  g_assert_cmpint (test_count_rows (server, "meetings"), ==, before);
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_json (secretary, "POST", path, with, &reply), ==, 201);
    g_assert_cmpstr (str (reply, "type_label"), ==, "党课");
    g_assert_cmpstr (str (reply, "topic"), ==, "学习党章");
    g_assert_cmpint (json_object_get_int_member (obj (reply), "lecturer_member_id"), ==, wang);
  }
  g_assert_cmpint (test_count_rows (server, "meetings"), ==, before + 1);
}

static guint
transition (TestClient *client, gint64 id, const char *body, JsonNode **reply)
{
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/transition", id);

  return test_client_json (client, "POST", path, body, reply);
}

static void
expect_invalid_state (gint64 id, const char *to, const char *state_now)
{
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (JsonNode) now = NULL;
  g_autofree char *body = g_strdup_printf ("{\"to\":\"%s\",\"reason\":\"测试\"}", to);
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT, id);
  gint64 log_rows = test_count_rows (server, "meeting_state_log");

  g_assert_cmpuint (transition (secretary, id, body, &reply), ==, 409);
  g_assert_cmpstr (test_error_code (reply), ==, "invalid_state");
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (obj (reply), "error"), "message"),
                   !=, "");
  g_assert_cmpint (test_count_rows (server, "meeting_state_log"), ==, log_rows);
  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &now), ==, 200);
  g_assert_cmpstr (str (now, "state"), ==, state_now);
}

static void
test_state_transitions (void)
{
  static const char *const steps[] = { "open", "in_progress", "ended", "archived" };
  g_autoptr (JsonNode) meeting = schedule ("状态测试");
  gint64 id = json_object_get_int_member (obj (meeting), "id");
  gint64 log_rows = test_count_rows (server, "meeting_state_log");
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  /* Jumping ahead is refused. */
  expect_invalid_state (id, "ended", "scheduled");
  expect_invalid_state (id, "archived", "scheduled");
  g_ptr_array_add (labels, g_strdup (str (meeting, "state_label")));
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++) {
    g_autofree char *body = g_strdup_printf ("{\"to\":\"%s\"}", steps[i]);
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (transition (secretary, id, body, &reply), ==, 200);
    g_assert_cmpstr (str (reply, "state"), ==, steps[i]);
    g_assert_cmpint (json_object_get_int_member (obj (reply), "id"), ==, id);
    /* Each state has its own Chinese label. */
    g_assert_cmpuint ((guchar) str (reply, "state_label")[0], >=, 0x80);
    g_assert_false (
        g_ptr_array_find_with_equal_func (labels, str (reply, "state_label"), g_str_equal, NULL));
    g_ptr_array_add (labels, g_strdup (str (reply, "state_label")));
    g_assert_cmpint (test_count_rows (server, "meeting_state_log"), ==, log_rows + (gint64) i + 1);
  }
  /* No way back out of the archive, nor cancelling it. */
  expect_invalid_state (id, "open", "archived");
  expect_invalid_state (id, "in_progress", "archived");
  expect_invalid_state (id, "cancelled", "archived");
  expect_invalid_state (id, "archived", "archived");
  /* "scheduled" is a state but never a destination. */
  expect_invalid_state (id, "scheduled", "archived");
  /* A word that is no state at all is a bad request. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (transition (secretary, id, "{\"to\":\"finished\"}", &reply), ==, 400);
    g_assert_cmpstr (test_error_code (reply), ==, "bad_request");
  }
  /* A plain member who does not chair it may not move it. */
  {
    g_autoptr (JsonNode) m2 = schedule ("成员无权");
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (transition (member, json_object_get_int_member (obj (m2), "id"),
                                  "{\"to\":\"open\"}", &reply),
                      ==, 403);
    g_assert_cmpstr (test_error_code (reply), ==, "forbidden");
  }
}

static void
test_cancel (void)
{
  g_autoptr (JsonNode) meeting = schedule ("取消测试");
  g_autoptr (JsonNode) open_one = schedule ("开放后取消");
  g_autoptr (JsonNode) running = schedule ("进行中不能取消");
  gint64 id = json_object_get_int_member (obj (meeting), "id");
  gint64 open_id = json_object_get_int_member (obj (open_one), "id");
  gint64 running_id = json_object_get_int_member (obj (running), "id");
  g_autoptr (JsonNode) reply = NULL;

  /* Without a reason, or with a blank one: refused, nothing changes. */
  g_assert_cmpuint (transition (secretary, id, "{\"to\":\"cancelled\"}", &reply), ==, 422);
  g_assert_cmpstr (test_error_code (reply), ==, "invalid");
  g_assert_nonnull (strstr (json_object_get_string_member (
                                json_object_get_object_member (obj (reply), "error"), "message"),
                            "原因"));
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (transition (secretary, id, "{\"to\":\"cancelled\",\"reason\":\"  \"}", &reply),
                    ==, 422);
  g_clear_pointer (&reply, json_node_unref);
  expect_invalid_state (id, "ended", "scheduled");

  /* With a reason: cancelled, and the reason is kept. */
  g_assert_cmpuint (transition (secretary, id,
                                "{\"to\":\"cancelled\",\"reason\":\"上级临时通知集中学习\"}",
                                &reply),
                    ==, 200);
  g_assert_cmpstr (str (reply, "state"), ==, "cancelled");
  g_assert_cmpstr (str (reply, "state_label"), !=, str (meeting, "state_label"));
  g_assert_cmpstr (str (reply, "cancel_reason"), ==, "上级临时通知集中学习");
  g_clear_pointer (&reply, json_node_unref);
  /* The member still sees it, cancelled, with the reason. */
  {
    g_autoptr (JsonNode) mine = NULL;
    JsonArray *list;
    gboolean seen = FALSE;
    g_assert_cmpuint (test_client_json (member, "GET", "api/my/meetings", NULL, &mine), ==, 200);
    list = json_object_get_array_member (obj (mine), "meetings");
    for (guint i = 0; i < json_array_get_length (list); i++) {
      JsonObject *m = json_array_get_object_element (list, i);
      if (json_object_get_int_member (m, "id") != id)
        continue;
      seen = TRUE;
      g_assert_cmpstr (json_object_get_string_member (m, "state"), ==, "cancelled");
      g_assert_cmpstr (json_object_get_string_member (m, "cancel_reason"), ==,
                       "上级临时通知集中学习");
    }
    g_assert_true (seen);
  }
  /* Cancelled is final. */
  expect_invalid_state (id, "cancelled", "cancelled");
  expect_invalid_state (id, "open", "cancelled");
  expect_invalid_state (id, "in_progress", "cancelled");

  /* An open meeting may be cancelled; one in progress may not. */
  g_assert_cmpuint (transition (secretary, open_id, "{\"to\":\"open\"}", NULL), ==, 200);
  g_assert_cmpuint (
      transition (secretary, open_id, "{\"to\":\"cancelled\",\"reason\":\"改期\"}", &reply), ==,
      200);
  g_assert_cmpstr (str (reply, "cancel_reason"), ==, "改期");
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (transition (secretary, running_id, "{\"to\":\"in_progress\"}", NULL), ==, 200);
  expect_invalid_state (running_id, "cancelled", "in_progress");
}

/* Flips one character in the middle of the last dot-separated part. */
static char *
tamper (const char *token)
{
  char *copy = g_strdup (token);
  char *sig = strrchr (copy, '.');
  gsize n;

  g_assert_nonnull (sig);
  sig++;
  n = strlen (sig);
  g_assert_cmpuint (n, >, 8);
  sig[n / 2] = sig[n / 2] == 'A' ? 'B' : 'A';
  return copy;
}

static GBytes *
server_secret (void)
{
  g_autofree char *path = g_build_filename (server->data_dir, "secret.key", NULL);
  g_autoptr (GError) error = NULL;
  GBytes *secret;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  secret = sh_token_load_or_create_secret (path, &error);
  g_assert_no_error (error);
  return secret;
}

static void
expect_token_error (TestClient *client, const char *path, guint status, const char *code)
{
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (client, "GET", path, NULL, &reply), ==, status);
  g_assert_cmpstr (test_error_code (reply), ==, code);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (obj (reply), "error"), "message"),
                   !=, "");
}

static void
test_invitation (void)
{
  g_autoptr (JsonNode) meeting = schedule ("邀请测试");
  gint64 id = json_object_get_int_member (obj (meeting), "id");
  g_autofree char *path = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/invitations", id);
  g_autoptr (JsonNode) invite = NULL;
  g_autoptr (JsonNode) seen = NULL;
  g_autoptr (TestClient) anon = test_client_new (server);
  g_autoptr (GBytes) secret = server_secret ();
  g_autoptr (GDateTime) expires = NULL;
  g_autoptr (GDateTime) end = NULL;
  g_autofree char *get = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *forged = NULL;
  const char *token;
  JsonObject *m;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, NULL, &invite), ==, 201);
  token = str (invite, "token");
  g_assert_nonnull (token);
  g_assert_nonnull (strstr (str (invite, "url"), token));
  g_assert_true (g_str_has_prefix (str (invite, "url"), server->url));
  /* The link lives no longer than a day after the meeting. */
  expires = g_date_time_new_from_iso8601 (str (invite, "expires_at"), NULL);
  end = g_date_time_new_from_iso8601 (str (meeting, "planned_end"), NULL);
  g_assert_nonnull (expires);
  g_assert_cmpint (g_date_time_difference (expires, end), <=, G_TIME_SPAN_DAY);
  g_assert_cmpint (g_date_time_to_unix (expires), >, g_get_real_time () / G_USEC_PER_SEC);

  get = g_strdup_printf ("api/invitations/%s", token);
  g_assert_cmpuint (test_client_json (anon, "GET", get, NULL, &seen), ==, 200);
  m = json_object_get_object_member (obj (seen), "meeting");
  g_assert_nonnull (m);
  g_assert_cmpint (json_object_get_int_member (m, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (m, "title"), ==, str (meeting, "title"));
  g_assert_cmpstr (json_object_get_string_member (m, "org_name"), ==, "第一党支部");

  /* A tampered signature. */
  {
    g_autofree char *tampered = tamper (token);
    bad = g_strdup_printf ("api/invitations/%s", tampered);
    expect_token_error (anon, bad, 400, "token_invalid");
  }
  /* Garbage. */
  expect_token_error (anon, "api/invitations/not-a-token", 400, "token_invalid");
  /* Signed with the server's key but expired an hour ago. */
  {
    g_autofree char *subject = g_strdup_printf ("m%" G_GINT64_FORMAT, id);
    g_autofree char *t
        = sh_token_sign (secret, "invite", subject, g_get_real_time () - G_TIME_SPAN_HOUR);
    expired = g_strdup_printf ("api/invitations/%s", t);
    expect_token_error (anon, expired, 410, "token_expired");
  }
  /* Signed for another purpose (a calendar token) is not an invitation. */
  {
    g_autofree char *t = sh_token_sign (secret, "ics", "a1", g_get_real_time () + G_TIME_SPAN_HOUR);
    g_autofree char *p = g_strdup_printf ("api/invitations/%s", t);
    expect_token_error (anon, p, 400, "token_invalid");
  }
  /* Signed with another key. */
  {
    g_autoptr (GBytes) wrong = g_bytes_new ("0123456789abcdef0123456789abcdef", 32);
    g_autofree char *subject = g_strdup_printf ("m%" G_GINT64_FORMAT, id);
    g_autofree char *t
        = sh_token_sign (wrong, "invite", subject, g_get_real_time () + G_TIME_SPAN_HOUR);
    forged = g_strdup_printf ("api/invitations/%s", t);
    expect_token_error (anon, forged, 400, "token_invalid");
  }
  /* A valid link to a meeting that does not exist. */
  {
    g_autofree char *t
        = sh_token_sign (secret, "invite", "m999999", g_get_real_time () + G_TIME_SPAN_HOUR);
    g_autofree char *p = g_strdup_printf ("api/invitations/%s", t);
    expect_token_error (anon, p, 404, "not_found");
  }
  /* Members cannot make links. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_json (member, "POST", path, NULL, &reply), ==, 403);
  }
}

/* GET of @url (absolute) without a session: status, content type, body. */
static guint
fetch (const char *url, char **type, char **body)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize n;
  const char *data;

  g_assert_nonnull (msg);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &n);
  *type = g_strdup (
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "Content-Type"));
  *body = g_strndup (data, n);
  return soup_message_get_status (msg);
}

static char *
calendar_url (TestClient *client)
{
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (client, "GET", "api/my/calendar", NULL, &reply), ==, 200);
  g_assert_true (g_str_has_prefix (str (reply, "url"), server->url));
  g_assert_true (g_str_has_suffix (str (reply, "url"), ".ics"));
  g_assert_nonnull (str (reply, "expires_at"));
  return g_strdup (str (reply, "url"));
}

static void
test_calendar (void)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch1);
  g_autoptr (JsonNode) meeting = NULL;
  g_autofree char *url = calendar_url (member);
  g_autofree char *other_url = calendar_url (other);
  g_autofree char *type = NULL;
  g_autofree char *body = NULL;
  g_autoptr (GBytes) secret = server_secret ();

  g_assert_cmpuint (test_client_json (secretary, "POST", path,
                                      "{\"type\":\"party_day\",\"title\":\"日历主题党日\","
                                      "\"planned_start\":\"2026-12-26T09:00:00+08:00\","
                                      "\"planned_end\":\"2026-12-26T11:00:00+08:00\"}",
                                      &meeting),
                    ==, 201);
  g_assert_cmpuint (fetch (url, &type, &body), ==, 200);
  g_assert_true (g_str_has_prefix (type, "text/calendar"));
  g_assert_true (g_str_has_prefix (body, "BEGIN:VCALENDAR"));
  g_assert_nonnull (strstr (body, "END:VCALENDAR"));
  g_assert_nonnull (strstr (body, "BEGIN:VEVENT"));
  g_assert_nonnull (strstr (body, "日历主题党日"));
  g_clear_pointer (&type, g_free);
  g_clear_pointer (&body, g_free);

  /* The other branch's member has a calendar without it. */
  g_assert_cmpuint (fetch (other_url, &type, &body), ==, 200);
  g_assert_true (g_str_has_prefix (body, "BEGIN:VCALENDAR"));
  g_assert_null (strstr (body, "日历主题党日"));
  g_clear_pointer (&type, g_free);
  g_clear_pointer (&body, g_free);

  /* A tampered link. */
  {
    g_autofree char *token = g_strndup (url, strlen (url) - strlen (".ics"));
    g_autofree char *bad_token = tamper (token);
    g_autofree char *bad = g_strdup_printf ("%s.ics", bad_token);
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_assert_cmpuint (fetch (bad, &type, &body), ==, 400);
    g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
    g_assert_cmpstr (test_error_code (json_parser_get_root (parser)), ==, "token_invalid");
    g_assert_null (strstr (body, "日历主题党日"));
    g_clear_pointer (&type, g_free);
    g_clear_pointer (&body, g_free);
  }
  /* An expired link, and an invitation token presented as a calendar. */
  {
    g_autoptr (JsonNode) me = NULL;
    g_autofree char *subject = NULL;
    g_autofree char *t = NULL;
    g_autofree char *expired = NULL;
    g_autofree char *invite = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();

    g_assert_cmpuint (test_client_json (member, "GET", "api/session", NULL, &me), ==, 200);
    subject = g_strdup_printf (
        "a%" G_GINT64_FORMAT,
        json_object_get_int_member (json_object_get_object_member (obj (me), "account"), "id"));
    t = sh_token_sign (secret, "ics", subject, g_get_real_time () - G_TIME_SPAN_MINUTE);
    expired = g_strdup_printf ("%scalendar/%s.ics", server->url, t);
    g_assert_cmpuint (fetch (expired, &type, &body), ==, 410);
    g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
    g_assert_cmpstr (test_error_code (json_parser_get_root (parser)), ==, "token_expired");
    g_clear_pointer (&type, g_free);
    g_clear_pointer (&body, g_free);
    g_free (t);
    t = sh_token_sign (secret, "invite", subject, g_get_real_time () + G_TIME_SPAN_HOUR);
    invite = g_strdup_printf ("%scalendar/%s.ics", server->url, t);
    g_assert_cmpuint (fetch (invite, &type, &body), ==, 400);
    g_assert_null (strstr (body, "VCALENDAR"));
  }
  /* An account without a member has no calendar. */
  {
    g_autoptr (TestClient) admin = test_client_new (server);
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
    g_assert_cmpuint (test_client_json (admin, "GET", "api/my/calendar", NULL, &reply), ==, 422);
    g_assert_cmpstr (test_error_code (reply), ==, "invalid");
  }
}

/* Titles in GET /api/orgs/{id}/meetings as @client sees them. */
static GHashTable *
branch_schedule (TestClient *client, gint64 org)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", org);
  g_autoptr (JsonNode) reply = NULL;
  GHashTable *titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *list;

  g_assert_cmpuint (test_client_json (client, "GET", path, NULL, &reply), ==, 200);
  list = json_object_get_array_member (json_node_get_object (reply), "meetings");
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_hash_table_add (titles, g_strdup (json_object_get_string_member (
                                  json_array_get_object_element (list, i), "title")));
  return titles;
}

static void
test_member_sees_own_part_of_schedule (void)
{
  g_autoptr (GHashTable) chair_view = branch_schedule (secretary, branch1);
  g_autoptr (GHashTable) member_view = branch_schedule (member, branch1);

  /* The demo's committee meeting and the first group's meeting: 黄丽 is in
   * the first group but not on the committee. */
  g_assert_true (g_hash_table_contains (chair_view, "支部委员会十二月例会"));
  g_assert_false (g_hash_table_contains (member_view, "支部委员会十二月例会"));
  g_assert_true (g_hash_table_contains (member_view, "第一党小组学习会"));
  g_assert_true (g_hash_table_contains (member_view, "第四季度支部党员大会"));
  g_assert_cmpuint (g_hash_table_size (member_view), <, g_hash_table_size (chair_view));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/meetings/schedule-and-member-view", test_schedule_and_member_view);
  g_test_add_func ("/api/meetings/group-meeting-audience", test_group_meeting_audience);
  g_test_add_func ("/api/meetings/lesson-needs-topic", test_lesson_needs_topic);
  g_test_add_func ("/api/meetings/state-transitions", test_state_transitions);
  g_test_add_func ("/api/meetings/cancel", test_cancel);
  g_test_add_func ("/api/meetings/invitation", test_invitation);
  g_test_add_func ("/api/meetings/calendar", test_calendar);
  g_test_add_func ("/api/meetings/member-sees-own-part-of-schedule",
                   test_member_sees_own_part_of_schedule);

  server = test_server_start (NULL);
  branch1 = test_org_id (server, "第一党支部");
  branch2 = test_org_id (server, "第二党支部");
  group1 = test_org_id (server, "第一党小组");
  wang = test_member_id (server, branch1, "王建国");
  li = test_member_id (server, branch1, "李红梅");
  huang = test_member_id (server, branch1, "黄丽");
  secretary = test_client_new (server);
  member = test_client_new (server);
  g_assert_cmpuint (test_client_login (secretary, "secretary", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (member, "member", TEST_PASSWORD), ==, 200);
  other = account_for ("zhuqiang", test_member_id (server, branch2, "朱强"), "朱强");
  /* The demo gives 孙浩 his account. */
  migrant = test_client_new (server);
  g_assert_cmpuint (test_client_login (migrant, "sunhao", TEST_PASSWORD), ==, 200);
  g_assert_cmpint (huang, >, 0);

  status = g_test_run ();

  test_client_free (secretary);
  test_client_free (member);
  test_client_free (other);
  test_client_free (migrant);
  test_server_stop (server);
  return status;
}
