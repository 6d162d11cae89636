/* Bad input: every malformed or invalid request is answered with a 4xx and
 * a clear error object, and changes nothing in the database.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#define MAX_BODY 4096
#define MAX_UPLOAD 16384

static TestServer *server;
static TestClient *admin;
static TestClient *secretary;
static gint64 branch_id;
static gint64 member_id; /* 黄丽 */

static const char *const tables[]
    = { "members",    "meetings",      "organizations",   "accounts",     "role_grants",
        "exclusions", "group_members", "committee_posts", "agenda_items", "meeting_state_log" };
static gint64 counts[G_N_ELEMENTS (tables)];

static void
snapshot (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    counts[i] = test_count_rows (server, tables[i]);
}

static void
assert_unchanged (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    if (test_count_rows (server, tables[i]) != counts[i])
      g_error ("table %s changed: %" G_GINT64_FORMAT " rows, was %" G_GINT64_FORMAT, tables[i],
               test_count_rows (server, tables[i]), counts[i]);
}

static gboolean
has_non_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return TRUE;
  return FALSE;
}

/* Sends one request and checks status, code and the shape of the error:
 * {"error": {"code", "message"}} with a non-empty Chinese message, which
 * contains @mentions when given. */
static void
expect_error (TestClient *client, const char *method, const char *path, const char *type,
              const char *body, gssize length, guint status, const char *code, const char *mentions)
{
  g_autoptr (JsonNode) reply = NULL;
  guint got
      = test_client_send (client, method, path, body ? type : NULL, body, length, &reply, NULL);
  JsonObject *root, *error;
  const char *message;

  if (got != status || g_strcmp0 (test_error_code (reply), code) != 0)
    g_error ("%s %s: expected %u %s, got %u %s", method, path, status, code, got,
             test_error_code (reply));
  g_assert_nonnull (reply);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  root = json_node_get_object (reply);
  g_assert_true (json_object_has_member (root, "error"));
  error = json_object_get_object_member (root, "error");
  g_assert_true (json_object_has_member (error, "code"));
  g_assert_true (json_object_has_member (error, "message"));
  message = json_object_get_string_member (error, "message");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_assert_true (has_non_ascii (message));
  if (mentions && !strstr (message, mentions))
    g_error ("%s %s: message “%s” does not mention “%s”", method, path, message, mentions);
  g_test_message ("%s %s -> %u %s: %s", method, path, got, code, message);
}

static void
expect_json_error (TestClient *client, const char *method, const char *path, const char *body,
                   guint status, const char *code, const char *mentions)
{
  expect_error (client, method, path, "application/json", body, -1, status, code, mentions);
}

static char *
members_path (void)
{
  return g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/members", branch_id);
}

static char *
meetings_path (void)
{
  return g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch_id);
}

static void
test_not_json (void)
{
  g_autofree char *path = members_path ();
  static const char invalid_utf8[]
      = "{\"name\":\"\xe5\xbc\xa0\xff\xfe\",\"phone\":\"13712345678\"}";

  snapshot ();
  expect_json_error (secretary, "POST", path, "this is not JSON", 400, "invalid_json", NULL);
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\",", 400, "invalid_json", NULL);
  expect_json_error (secretary, "POST", path, "[{\"name\":\"张三\"}]", 400, "invalid_json", NULL);
  expect_json_error (secretary, "POST", path, "\"张三\"", 400, "invalid_json", NULL);
  expect_json_error (secretary, "POST", path, "null", 400, "invalid_json", NULL);
  expect_json_error (secretary, "POST", path, "42", 400, "invalid_json", NULL);
  expect_error (secretary, "POST", path, "application/json", "", 0, 400, "invalid_json", NULL);
  expect_error (secretary, "POST", path, "application/json", invalid_utf8, sizeof invalid_utf8 - 1,
                400, "invalid_json", "UTF-8");
  /* A NUL inside the body is not text either. */
  expect_error (secretary, "POST", path, "application/json", "{\"name\":\"a\0b\"}", 14, 400,
                "invalid_json", NULL);
  /* Log-in goes through the same parser, before any session exists. */
  {
    g_autoptr (TestClient) anon = test_client_new (server);
    expect_json_error (anon, "POST", "api/session", "login=admin&password=x", 400, "invalid_json",
                       NULL);
    expect_json_error (anon, "POST", "api/session", "[\"admin\",\"Demo@2026\"]", 400,
                       "invalid_json", NULL);
  }
  assert_unchanged ();
}

static void
test_wrong_types (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *mpath = meetings_path ();

  snapshot ();
  expect_json_error (secretary, "POST", path, "{\"name\": 5}", 400, "bad_request", "name");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"phone\": 13712345678}", 400,
                     "bad_request", "phone");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"status\": \"member\"}", 400,
                     "bad_request", "status");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"migrant\": \"yes\"}", 400,
                     "bad_request", "migrant");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"under_probation\": 1}", 400,
                     "bad_request", "under_probation");
  expect_json_error (secretary, "POST", path, "{\"name\": [\"张三\"]}", 400, "bad_request", "name");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"current_branch_id\": \"1\"}",
                     400, "bad_request", "current_branch_id");
  expect_json_error (secretary, "POST", path, "{\"name\": \"张三\", \"current_branch_id\": -3}",
                     400, "bad_request", "current_branch_id");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\",\"planned_start\":1797746400,"
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "planned_start");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"agenda\":\"议程一\"}",
                     400, "bad_request", "agenda");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"agenda\":[\"一\", 2]}",
                     400, "bad_request", "agenda");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"chair_member_id\":\"1\"}",
                     400, "bad_request", "chair_member_id");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"meeting\",\"title\":\"会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "type");
  expect_json_error (admin, "POST", "api/orgs",
                     "{\"parent_id\":\"1\",\"kind\":\"branch\",\"name\":\"x\"}", 400, "bad_request",
                     "parent_id");
  expect_json_error (admin, "POST", "api/orgs", "{\"kind\":\"club\",\"name\":\"x\"}", 400,
                     "bad_request", "kind");
  expect_json_error (admin, "POST", "api/accounts",
                     "{\"login\":\"x1\",\"display_name\":\"x\",\"password\":12345678}", 400,
                     "bad_request", "password");
  assert_unchanged ();
}

static void
test_missing_fields (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *mpath = meetings_path ();
  g_autoptr (TestClient) anon = test_client_new (server);

  snapshot ();
  expect_json_error (secretary, "POST", path, "{}", 400, "bad_request", "name");
  expect_json_error (secretary, "POST", path, "{\"name\": null, \"phone\":\"13712345678\"}", 400,
                     "bad_request", "name");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "title");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"   \","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "title");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\"}",
                     400, "bad_request", "planned_end");
  expect_json_error (admin, "POST", "api/orgs", "{\"kind\":\"branch\"}", 400, "bad_request",
                     "name");
  expect_json_error (admin, "POST", "api/accounts", "{\"login\":\"nopass\",\"display_name\":\"x\"}",
                     400, "bad_request", "password");
  expect_json_error (anon, "POST", "api/session", "{\"login\":\"admin\"}", 400, "bad_request",
                     "password");
  {
    g_autofree char *ex
        = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/exclusions", member_id);
    expect_json_error (secretary, "POST", ex, "{\"reason\":\"illness\",\"approver\":\"党工委\"}",
                       400, "bad_request", "starts_at");
    expect_json_error (secretary, "POST", ex,
                       "{\"reason\":\"holiday\",\"approver\":\"党工委\","
                       "\"starts_at\":\"2026-01-01T00:00:00+08:00\"}",
                       400, "bad_request", "reason");
  }
  assert_unchanged ();
}

static void
test_content_type (void)
{
  g_autofree char *path = members_path ();
  g_autoptr (TestClient) anon = test_client_new (server);
  const char *body = "{\"name\":\"张三\",\"phone\":\"13712345678\"}";

  snapshot ();
  expect_error (secretary, "POST", path, "text/plain", body, -1, 415, "unsupported_media_type",
                "application/json");
  expect_error (secretary, "POST", path, "application/x-www-form-urlencoded", "name=x", -1, 415,
                "unsupported_media_type", NULL);
  expect_error (secretary, "POST", path, "text/csv", body, -1, 415, "unsupported_media_type", NULL);
  expect_error (anon, "POST", "api/session", "text/plain",
                "{\"login\":\"admin\",\"password\":\"Demo@2026\"}", -1, 415,
                "unsupported_media_type", NULL);
  /* The media type is matched without its parameters. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_send (secretary, "POST", path, "application/json; charset=utf-8",
                                        "{\"name\":\"字符集\",\"phone\":\"13712340000\"}", -1,
                                        &reply, NULL),
                      ==, 201);
    counts[0]++;
  }
  assert_unchanged ();
}

/* A JSON object of exactly @size bytes without a name: a member that could
 * not be created even if the body were read. */
static char *
big_json (gsize size)
{
  GString *s = g_string_new ("{\"note\":\"");

  while (s->len < size - 2)
    g_string_append_c (s, 'x');
  g_string_append (s, "\"}");
  return g_string_free (s, FALSE);
}

/* Sends a body over the limit; TRUE when it was refused with 413 as
 * documented. Any other answer must have changed nothing
 * (the callers check the tables). */
/* The body is refused from its declared length, before it is read. */
static void
refused_as_too_large (TestClient *client, const char *path, const char *type, const char *body,
                      const char *mentions)
{
  expect_error (client, "POST", path, type, body, -1, 413, "body_too_large", mentions);
}

static void
test_body_too_large (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *just_over = big_json (MAX_BODY + 1);
  g_autofree char *much_over = big_json (MAX_BODY * 3);
  g_autofree char *at_limit = big_json (MAX_BODY);
  g_autoptr (TestClient) anon = test_client_new (server);

  snapshot ();
  g_assert_cmpuint (strlen (just_over), ==, MAX_BODY + 1);
  g_assert_cmpuint (strlen (at_limit), ==, MAX_BODY);
  refused_as_too_large (secretary, path, "application/json", just_over, "4096");
  refused_as_too_large (secretary, path, "application/json", much_over, NULL);
  refused_as_too_large (anon, "api/session", "application/json", much_over, NULL);
  /* At the limit the body is read and judged on its content. */
  expect_json_error (secretary, "POST", path, at_limit, 400, "bad_request", "name");
  assert_unchanged ();
}

static char *
csv_of_size (gsize size, const char *phone_prefix, guint *rows)
{
  GString *s = g_string_new ("姓名,手机号,党员类别,入党日期\r\n");

  *rows = 0;
  while (s->len < size) {
    g_string_append_printf (s, "上传测试%u,%s%04u,正式,2010-07-01\r\n", *rows, phone_prefix, *rows);
    (*rows)++;
  }
  return g_string_free (s, FALSE);
}

static void
test_upload_too_large (void)
{
  g_autofree char *preview
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/import?mode=preview", branch_id);
  g_autofree char *commit = g_strdup_printf (
      "api/orgs/%" G_GINT64_FORMAT "/import?mode=commit&skip_rejected=0", branch_id);
  guint rows;
  /* Phones of 10 digits: every row is rejected should the file be read. */
  g_autofree char *over = csv_of_size (MAX_UPLOAD + 100, "139123", &rows);
  g_autofree char *between = NULL;

  snapshot ();
  refused_as_too_large (secretary, commit, "text/csv", over, "16384");
  refused_as_too_large (secretary, preview, "text/csv", over, NULL);
  assert_unchanged ();
  /* Uploads have their own, larger limit: a file over max_body_bytes but
   * under max_upload_bytes is read. */
  between = csv_of_size (MAX_BODY * 2, "1391234", &rows);
  g_assert_cmpuint (strlen (between), >, MAX_BODY);
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (
        test_client_send (secretary, "POST", preview, "text/csv", between, -1, &reply, NULL), ==,
        200);
    g_assert_cmpuint (json_array_get_length (
                          json_object_get_array_member (json_node_get_object (reply), "valid")),
                      ==, rows);
  }
  assert_unchanged ();
}

static void
test_unknown_endpoint_and_method (void)
{
  g_autofree char *org = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT, branch_id);
  g_autofree char *bogus = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/bogus", branch_id);
  g_autoptr (TestClient) anon = test_client_new (server);

  snapshot ();
  expect_json_error (admin, "GET", "api/nothing", NULL, 404, "not_found", NULL);
  expect_json_error (admin, "GET", bogus, NULL, 404, "not_found", NULL);
  expect_json_error (admin, "GET", "api/orgs/1/members/extra/segments", NULL, 404, "not_found",
                     NULL);
  expect_json_error (anon, "GET", "api/nothing", NULL, 404, "not_found", NULL);
  expect_json_error (admin, "PUT", "api/orgs", "{}", 405, "method_not_allowed", NULL);
  expect_json_error (admin, "DELETE", org, NULL, 405, "method_not_allowed", NULL);
  expect_json_error (admin, "PUT", org, "{\"name\":\"改名\"}", 405, "method_not_allowed", NULL);
  expect_json_error (admin, "GET", "api/my/calendar/x", NULL, 404, "not_found", NULL);
  expect_json_error (admin, "POST", "api/my/meetings", "{}", 405, "method_not_allowed", NULL);
  expect_json_error (anon, "DELETE", "api/accounts", NULL, 405, "method_not_allowed", NULL);
  assert_unchanged ();
}

static void
test_bad_ids (void)
{
  static const char *const paths[] = {
    "api/orgs/abc",
    "api/orgs/-1",
    "api/orgs/1.5",
    "api/orgs/0x10",
    "api/orgs/99999999999999999999999",
    "api/orgs/9223372036854775808",
    "api/orgs/9223372036854775807",
    "api/orgs/0",
    "api/orgs/999999",
    "api/orgs/999999/members",
    "api/orgs/999999/meetings",
    "api/orgs/999999/expected?type=general",
    "api/members/abc",
    "api/members/999999",
    "api/members/99999999999999999999999/exclusions",
    "api/meetings/999999",
    "api/meetings/abc",
  };

  snapshot ();
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    expect_json_error (admin, "GET", paths[i], NULL, 404, "not_found", NULL);
  expect_json_error (admin, "PATCH", "api/members/999999", "{\"name\":\"无人\"}", 404, "not_found",
                     NULL);
  expect_json_error (admin, "PATCH", "api/members/99999999999999999999", "{\"name\":\"无人\"}", 404,
                     "not_found", NULL);
  expect_json_error (admin, "POST", "api/meetings/999999/transition", "{\"to\":\"open\"}", 404,
                     "not_found", NULL);
  expect_json_error (admin, "POST", "api/meetings/999999/invitations", NULL, 404, "not_found",
                     NULL);
  expect_json_error (admin, "POST", "api/orgs/999999/members", "{\"name\":\"无处\"}", 404,
                     "not_found", NULL);
  expect_json_error (admin, "POST", "api/orgs/999999/meetings",
                     "{\"type\":\"general\",\"title\":\"无处\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     404, "not_found", NULL);
  assert_unchanged ();
}

static void
test_times_without_offset (void)
{
  g_autofree char *mpath = meetings_path ();
  g_autofree char *list = NULL;
  g_autofree char *ex = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/exclusions", member_id);

  snapshot ();
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"无时区\","
                     "\"planned_start\":\"2026-12-20T14:00:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "planned_start");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"无时区\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20 16:00\"}",
                     400, "bad_request", "planned_end");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"只有日期\","
                     "\"planned_start\":\"2026-12-20\","
                     "\"planned_end\":\"2026-12-21\"}",
                     400, "bad_request", "planned_start");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"乱写\","
                     "\"planned_start\":\"下周三下午\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "planned_start");
  expect_json_error (secretary, "POST", ex,
                     "{\"reason\":\"illness\",\"approver\":\"党工委\","
                     "\"starts_at\":\"2026-01-01T00:00:00\"}",
                     400, "bad_request", "starts_at");
  list = g_strdup_printf ("%s?from=2026-01-01T00:00:00", mpath);
  expect_json_error (secretary, "GET", list, NULL, 400, "bad_request", "from");
  g_free (list);
  list = g_strdup_printf ("%s?to=tomorrow", mpath);
  expect_json_error (secretary, "GET", list, NULL, 400, "bad_request", "to");
  assert_unchanged ();
  /* Z and any offset are fine. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_json (secretary, "POST", mpath,
                                        "{\"type\":\"general\",\"title\":\"协调世界时\","
                                        "\"planned_start\":\"2026-12-20T06:00:00Z\","
                                        "\"planned_end\":\"2026-12-20T20:00:00+11:00\"}",
                                        &reply),
                      ==, 201);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "planned_start"),
                     ==, "2026-12-20T14:00:00+08:00");
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (reply), "planned_end"),
                     ==, "2026-12-20T17:00:00+08:00");
  }
}

static void
test_domain_rules (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *mpath = meetings_path ();
  g_autofree char *member = g_strdup_printf ("api/members/%" G_GINT64_FORMAT, member_id);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;

  snapshot ();
  g_assert_cmpuint (test_client_json (admin, "GET", member, NULL, &before), ==, 200);
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"倒流的会\","
                     "\"planned_start\":\"2026-12-20T16:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T14:00:00+08:00\"}",
                     422, "invalid", "结束时间");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"瞬间的会\","
                     "\"planned_start\":\"2026-12-20T16:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     422, "invalid", "结束时间");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"group\",\"title\":\"支部开小组会\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     422, "invalid", "党小组");
  expect_json_error (secretary, "POST", path, "{\"name\":\"号码错\",\"phone\":\"12345\"}", 422,
                     "invalid", "手机号");
  expect_json_error (secretary, "POST", path, "{\"name\":\"号码错\",\"phone\":\"23800000099\"}",
                     422, "invalid", "手机号");
  expect_json_error (secretary, "POST", path, "{\"name\":\"日期错\",\"joined_on\":\"2020-13-45\"}",
                     422, "invalid", "入党日期");
  /* The phone of an existing member is taken. */
  expect_json_error (secretary, "POST", path, "{\"name\":\"重号\",\"phone\":\"13800000002\"}", 409,
                     "conflict", NULL);
  /* A change that breaks a rule changes nothing, even its valid fields. */
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄丽丽\",\"phone\":\"999\"}", 422,
                     "invalid", "手机号");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄丽丽\",\"active\":\"no\"}", 400,
                     "bad_request", "active");
  expect_json_error (secretary, "PATCH", member, "{\"migrant\":false,\"current_branch_id\":1}", 422,
                     "invalid", NULL);
  expect_json_error (admin, "POST", "api/accounts",
                     "{\"login\":\"weak\",\"display_name\":\"弱密码\",\"password\":\"12345678\"}",
                     400, "bad_request", "密码");
  expect_json_error (admin, "POST", "api/accounts",
                     "{\"login\":\"admin\",\"display_name\":\"重名\",\"password\":\"Again@2026\"}",
                     409, "conflict", NULL);
  g_assert_cmpuint (test_client_json (admin, "GET", member, NULL, &after), ==, 200);
  before_text = json_to_string (before, FALSE);
  after_text = json_to_string (after, FALSE);
  g_assert_cmpstr (after_text, ==, before_text);
  assert_unchanged ();
}

/* Issue 7: "\u0000" silently truncated names and chat; control characters,
 * right-to-left overrides and names of zero-width spaces were accepted.
 * Each is refused with a message naming the field, and nothing changes. */
static void
test_hidden_characters (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *mpath = meetings_path ();
  g_autofree char *member = g_strdup_printf ("api/members/%" G_GINT64_FORMAT, member_id);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;

  snapshot ();
  g_assert_cmpuint (test_client_json (admin, "GET", member, NULL, &before), ==, 200);
  /* NUL: json-glib would keep only "张". */
  expect_json_error (secretary, "POST", path, "{\"name\":\"张\\u0000三\"}", 400, "invalid_json",
                     "字段“name”含有空字符");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄\\u0000丽丽\"}", 400,
                     "invalid_json", "name");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"会\\u0000议\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"agenda\":[\"a\\u0000\"]}",
                     400, "invalid_json", "空字符");
  expect_json_error (admin, "POST", "api/session",
                     "{\"login\":\"admin\\u0000x\",\"password\":\"x\"}", 400, "invalid_json",
                     "login");
  /* Control characters. */
  expect_json_error (secretary, "POST", path, "{\"name\":\"张\\u0007三\"}", 400, "bad_request",
                     "控制字符");
  expect_json_error (secretary, "POST", path, "{\"name\":\"张\\u001b[31m三\"}", 400, "bad_request",
                     "name");
  expect_json_error (secretary, "POST", path, "{\"name\":\"张\\u0085三\"}", 400, "bad_request",
                     "U+0085");
  /* Names are one line (a line break is fine in chat and agenda). */
  expect_json_error (secretary, "POST", path, "{\"name\":\"张\\n三\"}", 422, "invalid",
                     "姓名不能换行");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄\\r\\n丽\"}", 422, "invalid",
                     "姓名");
  /* Bidirectional overrides, embeddings and isolates. */
  expect_json_error (secretary, "POST", path, "{\"name\":\"\\u202e三张\"}", 400, "bad_request",
                     "改变文字显示方向");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄\\u2066丽\\u2069\"}", 400,
                     "bad_request", "name");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"支部党员大会\\u202b\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                     400, "bad_request", "title");
  expect_json_error (admin, "POST", "api/orgs",
                     "{\"kind\":\"branch\",\"name\":\"第\\u202e九支部\"}", 400, "bad_request",
                     "name");
  /* Names made of nothing visible. */
  expect_json_error (secretary, "POST", path, "{\"name\":\"\\u200b\\u200b\\u200b\"}", 400,
                     "bad_request", "不可见字符");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\" \\u200c\\ufeff\\u200d \"}", 400,
                     "bad_request", "name");
  expect_json_error (admin, "POST", "api/orgs", "{\"kind\":\"branch\",\"name\":\"\\u3164\\u2060\"}",
                     400, "bad_request", "name");
  expect_json_error (
      admin, "POST", "api/accounts",
      "{\"login\":\"ghost\",\"display_name\":\"\\u200b\",\"password\":\"Ghost@2026x\"}", 400,
      "bad_request", "display_name");
  g_assert_cmpuint (test_client_json (admin, "GET", member, NULL, &after), ==, 200);
  before_text = json_to_string (before, FALSE);
  after_text = json_to_string (after, FALSE);
  g_assert_cmpstr (after_text, ==, before_text);
  assert_unchanged ();
}

/* Issue 7: a JSON body followed by a second object was accepted. */
static void
test_trailing_json (void)
{
  g_autofree char *path = members_path ();
  g_autofree char *member = g_strdup_printf ("api/members/%" G_GINT64_FORMAT, member_id);

  snapshot ();
  expect_json_error (secretary, "POST", path, "{\"name\":\"张三\"}{\"name\":\"李四\"}", 400,
                     "invalid_json", "多余的内容");
  expect_json_error (secretary, "POST", path, "{\"name\":\"张三\"} {\"name\":\"李四\"}", 400,
                     "invalid_json", "多余的内容");
  expect_json_error (secretary, "PATCH", member, "{\"name\":\"黄丽丽\"}]", 400, "invalid_json",
                     NULL);
  expect_json_error (secretary, "POST", path, "{\"name\":\"张三\"}\n\"李四\"", 400, "invalid_json",
                     NULL);
  {
    g_autoptr (TestClient) anon = test_client_new (server);
    expect_json_error (anon, "POST", "api/session",
                       "{\"login\":\"admin\",\"password\":\"x\"}{\"login\":\"secretary\"}", 400,
                       "invalid_json", NULL);
  }
  assert_unchanged ();
}

/* The meeting socket reads its messages with the same parser (what chat
 * text may hold is checked by the store: tests/test-text.c). */
static void
test_ws_same_parser (void)
{
  g_autoptr (TestWs) ws = test_ws_connect (secretary);
  static const char *const bad[] = {
    "{\"type\":\"meeting.chat\",\"id\":\"c1\",\"payload\":{\"text\":"
    "\"同意\\u0000（被截掉的部分）\"}}",
    "{\"type\":\"meeting.chat\",\"id\":\"c2\",\"payload\":{\"text\":\"x\"}}{\"type\":\"ping\"}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (JsonNode) reply = NULL;

    soup_websocket_connection_send_text (ws->conn, bad[i]);
    reply = test_ws_next_of_type (ws, "error");
    g_assert_cmpstr (test_ws_error_code (reply), ==, "invalid_json");
    g_test_message ("ws: %s", test_ws_pstr (reply, "message"));
  }
  g_assert_cmpint (test_count_rows (server, "meeting_chat"), ==, 0);
}

/* Issue 7: second 60 became :59 and a ten-year meeting was accepted. */
static void
test_time_values (void)
{
  g_autofree char *mpath = meetings_path ();
  g_autofree char *ten_years = NULL;
  g_autofree char *far_ahead = NULL;
  g_autofree char *long_ago = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) ahead = g_date_time_add_years (now, 3);
  g_autoptr (GDateTime) ago = g_date_time_add_years (now, -2);
  g_autofree char *ahead_text = g_date_time_format (ahead, "%Y-%m-%dT%H:00:00Z");
  g_autofree char *ago_text = g_date_time_format (ago, "%Y-%m-%dT%H:00:00Z");
  static const char *const impossible[] = {
    "2026-12-20T14:00:60+08:00", "2026-12-20T24:00:00+08:00", "2027-02-29T14:00:00+08:00",
    "2026-11-31T14:00:00+08:00", "2026-12-20T14:00:00+24:00",
  };

  snapshot ();
  for (gsize i = 0; i < G_N_ELEMENTS (impossible); i++) {
    g_autofree char *body = g_strdup_printf ("{\"type\":\"general\",\"title\":\"不存在的时刻\","
                                             "\"planned_start\":\"%s\","
                                             "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                                             impossible[i]);
    expect_json_error (secretary, "POST", mpath, body, 400, "bad_request", "planned_start");
  }
  ten_years = g_strdup ("{\"type\":\"general\",\"title\":\"十年的会\","
                        "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                        "\"planned_end\":\"2036-12-20T16:00:00+08:00\"}");
  expect_json_error (secretary, "POST", mpath, ten_years, 422, "invalid", "24 小时");
  expect_json_error (secretary, "POST", mpath,
                     "{\"type\":\"general\",\"title\":\"一天多\","
                     "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-21T14:00:01+08:00\"}",
                     422, "invalid", "24 小时");
  far_ahead = g_strdup_printf ("{\"type\":\"general\",\"title\":\"三年后\","
                               "\"planned_start\":\"%s\",\"planned_end\":\"%s\"}",
                               ahead_text, ahead_text);
  /* (the end equals the start: the window is checked first) */
  expect_json_error (secretary, "POST", mpath, far_ahead, 422, "invalid", "两年");
  long_ago = g_strdup_printf ("{\"type\":\"general\",\"title\":\"两年前\","
                              "\"planned_start\":\"%s\",\"planned_end\":\"%s\"}",
                              ago_text, ago_text);
  expect_json_error (secretary, "POST", mpath, long_ago, 422, "invalid", "一年");
  assert_unchanged ();
  /* A whole day is fine. */
  {
    g_autoptr (JsonNode) reply = NULL;
    g_assert_cmpuint (test_client_json (secretary, "POST", mpath,
                                        "{\"type\":\"party_day\",\"title\":\"主题党日\","
                                        "\"planned_start\":\"2026-12-20T08:00:00+08:00\","
                                        "\"planned_end\":\"2026-12-21T08:00:00+08:00\"}",
                                        &reply),
                      ==, 201);
  }
}

int
main (int argc, char **argv)
{
  const char *sets[] = { "server.max_body_bytes=" G_STRINGIFY (MAX_BODY),
                         "server.max_upload_bytes=" G_STRINGIFY (MAX_UPLOAD), NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/input/not-json", test_not_json);
  g_test_add_func ("/api/input/wrong-types", test_wrong_types);
  g_test_add_func ("/api/input/missing-fields", test_missing_fields);
  g_test_add_func ("/api/input/content-type", test_content_type);
  g_test_add_func ("/api/input/body-too-large", test_body_too_large);
  g_test_add_func ("/api/input/upload-too-large", test_upload_too_large);
  g_test_add_func ("/api/input/unknown-endpoint-and-method", test_unknown_endpoint_and_method);
  g_test_add_func ("/api/input/bad-ids", test_bad_ids);
  g_test_add_func ("/api/input/times-without-offset", test_times_without_offset);
  g_test_add_func ("/api/input/domain-rules", test_domain_rules);
  g_test_add_func ("/api/input/hidden-characters", test_hidden_characters);
  g_test_add_func ("/api/input/trailing-json", test_trailing_json);
  g_test_add_func ("/api/input/ws-same-parser", test_ws_same_parser);
  g_test_add_func ("/api/input/time-values", test_time_values);

  server = test_server_start (sets);
  admin = test_client_new (server);
  secretary = test_client_new (server);
  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (secretary, "secretary", TEST_PASSWORD), ==, 200);
  branch_id = test_org_id (server, "第一党支部");
  member_id = test_member_id (server, branch_id, "黄丽");
  status = g_test_run ();
  test_client_free (admin);
  test_client_free (secretary);
  test_server_stop (server);
  return status;
}
