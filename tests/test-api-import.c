/* Member import through the API: preview of the encodings Excel and WPS
 * write, rejected rows, commit with and without skipping them.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;
static TestClient *secretary;
static gint64 branch_id;

/* UTF-8 with a BOM, as WPS and Excel's "CSV UTF-8" write it; a quoted field
 * holding a comma. */
static const char utf8_bom_csv[] = "\xef\xbb\xbf姓名,手机号,党员类别,入党日期,留党察看,流动党员\r\n"
                                   "张建华,13712340001,正式,2001-07-01,否,否\r\n"
                                   "\"李,明\",13712340002,预备,2026-03-01,否,是\r\n";

/* The same columns in GBK, as Excel on Chinese Windows saves "CSV":
 * 姓名,手机号,党员类别,入党日期 / 赵国庆,13712340101,正式,2001-10-01 /
 * 钱秀英,13712340102,预备,2026-04-15 */
static const char gbk_csv[]
    = "\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\xba\xc5,\xb5\xb3\xd4\xb1\xc0\xe0\xb1\xf0,"
      "\xc8\xeb\xb5\xb3\xc8\xd5\xc6\xda\r\n"
      "\xd5\xd4\xb9\xfa\xc7\xec,13712340101,\xd5\xfd\xca\xbd,2001-10-01\r\n"
      "\xc7\xae\xd0\xe3\xd3\xa2,13712340102,\xd4\xa4\xb1\xb8,2026-04-15\r\n";

/* Line 1 header; 2 and 7 are fine; the others break a rule each. */
static const char bad_rows_csv[]
    = "姓名,手机号,党员类别,入党日期\n"
      "孙立新,13712340201,正式,2010-07-01\n"     /* 2: fine */
      "周小川,1371234,正式,2010-07-01\n"         /* 3: phone too short */
      ",13712340203,正式,2010-07-01\n"           /* 4: no name */
      "吴海燕,13712340204,积极分子,2010-07-01\n" /* 5: not a member category */
      "郑光明,13800000002,正式,2010-07-01\n"     /* 6: 黄丽's phone */
      "冯晓东,13712340201,正式,2012-07-01\n"     /* 7: repeats line 2's phone */
      "陈思远,13712340207,预备,2026-02-30\n"     /* 8: no such date */
      "褚卫国,13712340208,预备,2026-01-10\n";    /* 9: fine */

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static guint
upload (const char *mode_query, const char *data, gsize length, JsonNode **reply)
{
  g_autofree char *path
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/import?%s", branch_id, mode_query);

  return test_client_send (secretary, "POST", path, "text/csv", data, (gssize) length, reply, NULL);
}

static JsonObject *
valid_row (JsonNode *preview, guint i)
{
  JsonArray *valid = json_object_get_array_member (obj (preview), "valid");

  g_assert_cmpuint (i, <, json_array_get_length (valid));
  return json_array_get_object_element (valid, i);
}

static guint
n_valid (JsonNode *preview)
{
  return json_array_get_length (json_object_get_array_member (obj (preview), "valid"));
}

static JsonArray *
rejected (JsonNode *reply)
{
  JsonArray *list = json_object_get_array_member (obj (reply), "rejected");

  g_assert_nonnull (list);
  return list;
}

/* The rejected line numbers, "3,4,5" */
static char *
rejected_lines (JsonNode *reply)
{
  JsonArray *list = rejected (reply);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonObject *r = json_array_get_object_element (list, i);
    const char *message = json_object_get_string_member (r, "message");
    g_assert_nonnull (message);
    g_assert_cmpuint ((guchar) message[0], >=, 0x80); /* a Chinese sentence */
    g_test_message ("line %" G_GINT64_FORMAT ": %s", json_object_get_int_member (r, "line"),
                    message);
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i ? "," : "",
                            json_object_get_int_member (r, "line"));
  }
  return g_string_free (out, FALSE);
}

static const char *
message_of_line (JsonNode *reply, gint64 line)
{
  JsonArray *list = rejected (reply);

  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonObject *r = json_array_get_object_element (list, i);
    if (json_object_get_int_member (r, "line") == line)
      return json_object_get_string_member (r, "message");
  }
  g_error ("line %" G_GINT64_FORMAT " is not rejected", line);
  return NULL;
}

static JsonObject *
listed_member (const char *name)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/members", branch_id);
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *list;

  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &reply), ==, 200);
  list = json_object_get_array_member (obj (reply), "members");
  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonObject *m = json_array_get_object_element (list, i);
    if (g_str_equal (json_object_get_string_member (m, "name"), name))
      return json_object_ref (m);
  }
  return NULL;
}

static void
test_preview_utf8_bom (void)
{
  g_autoptr (JsonNode) reply = NULL;
  gint64 members = test_count_rows (server, "members");
  JsonObject *row;

  g_assert_cmpuint (upload ("mode=preview", utf8_bom_csv, sizeof utf8_bom_csv - 1, &reply), ==,
                    200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "encoding"), ==, "UTF-8 (BOM)");
  g_assert_cmpuint (n_valid (reply), ==, 2);
  g_assert_cmpuint (json_array_get_length (rejected (reply)), ==, 0);
  row = valid_row (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "张建华");
  g_assert_cmpstr (json_object_get_string_member (row, "phone"), ==, "13712340001");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (row, "joined_on"), ==, "2001-07-01");
  g_assert_false (json_object_get_boolean_member (row, "under_probation"));
  g_assert_false (json_object_get_boolean_member (row, "migrant"));
  row = valid_row (reply, 1);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "李,明");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "probationary");
  g_assert_true (json_object_get_boolean_member (row, "migrant"));
  /* A preview stores nothing. */
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);

  /* Without the BOM it is plain UTF-8, parsed the same. */
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (upload ("mode=preview", utf8_bom_csv + 3, sizeof utf8_bom_csv - 4, &reply), ==,
                    200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "encoding"), ==, "UTF-8");
  g_assert_cmpuint (n_valid (reply), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (valid_row (reply, 0), "name"), ==, "张建华");
}

static void
test_preview_gbk (void)
{
  g_autoptr (JsonNode) reply = NULL;
  gint64 members = test_count_rows (server, "members");
  JsonObject *row;

  g_assert_false (g_utf8_validate (gbk_csv, sizeof gbk_csv - 1, NULL));
  g_assert_cmpuint (upload ("mode=preview", gbk_csv, sizeof gbk_csv - 1, &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (reply), "encoding"), ==, "GBK");
  g_assert_cmpuint (n_valid (reply), ==, 2);
  g_assert_cmpuint (json_array_get_length (rejected (reply)), ==, 0);
  row = valid_row (reply, 0);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "赵国庆");
  g_assert_cmpstr (json_object_get_string_member (row, "phone"), ==, "13712340101");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "full");
  g_assert_cmpstr (json_object_get_string_member (row, "joined_on"), ==, "2001-10-01");
  row = valid_row (reply, 1);
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "钱秀英");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "probationary");
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);

  /* And a GBK file commits with its names decoded. */
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (upload ("mode=commit&skip_rejected=0", gbk_csv, sizeof gbk_csv - 1, &reply), ==,
                    200);
  g_assert_cmpint (json_object_get_int_member (obj (reply), "imported"), ==, 2);
  g_assert_cmpint (test_count_rows (server, "members"), ==, members + 2);
  {
    g_autoptr (JsonObject) m = listed_member ("钱秀英");
    g_assert_nonnull (m);
    g_assert_cmpstr (json_object_get_string_member (m, "phone"), ==, "13712340102");
    g_assert_cmpstr (json_object_get_string_member (m, "status"), ==, "probationary");
    g_assert_cmpint (json_object_get_int_member (m, "branch_id"), ==, branch_id);
  }
}

static void
test_bad_rows (void)
{
  g_autoptr (JsonNode) preview = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *lines = NULL;
  gint64 members = test_count_rows (server, "members");
  JsonObject *error;
  gint64 imported;

  /* The preview names every bad line and keeps the good ones. */
  g_assert_cmpuint (upload ("mode=preview", bad_rows_csv, sizeof bad_rows_csv - 1, &preview), ==,
                    200);
  g_assert_cmpstr (json_object_get_string_member (obj (preview), "encoding"), ==, "UTF-8");
  lines = rejected_lines (preview);
  g_assert_cmpstr (lines, ==, "3,4,5,6,7,8");
  g_assert_cmpuint (n_valid (preview), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (valid_row (preview, 0), "name"), ==, "孙立新");
  g_assert_cmpstr (json_object_get_string_member (valid_row (preview, 1), "name"), ==, "褚卫国");
  g_assert_nonnull (strstr (message_of_line (preview, 3), "手机号"));
  g_assert_nonnull (strstr (message_of_line (preview, 4), "姓名"));
  /* The phone of an existing member is taken. */
  g_assert_nonnull (strstr (message_of_line (preview, 6), "手机号"));

  /* Commit without skipping: 422, the same rejected lines, nothing stored. */
  g_assert_cmpuint (
      upload ("mode=commit&skip_rejected=0", bad_rows_csv, sizeof bad_rows_csv - 1, &reply), ==,
      422);
  g_assert_cmpstr (test_error_code (reply), ==, "invalid");
  error = json_object_get_object_member (obj (reply), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "message"), !=, "");
  g_clear_pointer (&lines, g_free);
  lines = rejected_lines (reply);
  g_assert_cmpstr (lines, ==, "3,4,5,6,7,8");
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);
  g_assert_null (listed_member ("孙立新"));
  /* Without skip_rejected at all it is the same. */
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (upload ("mode=commit", bad_rows_csv, sizeof bad_rows_csv - 1, &reply), ==, 422);
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);

  /* Skipping them: exactly the valid rows go in. */
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (
      upload ("mode=commit&skip_rejected=1", bad_rows_csv, sizeof bad_rows_csv - 1, &reply), ==,
      200);
  imported = json_object_get_int_member (obj (reply), "imported");
  g_assert_cmpint (imported, ==, 2);
  g_assert_cmpint (test_count_rows (server, "members"), ==, members + imported);
  {
    g_autoptr (JsonObject) a = listed_member ("孙立新");
    g_autoptr (JsonObject) b = listed_member ("褚卫国");
    g_autoptr (JsonObject) skipped = listed_member ("冯晓东");
    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_null (skipped);
    g_assert_cmpstr (json_object_get_string_member (a, "joined_on"), ==, "2010-07-01");
    g_assert_cmpstr (json_object_get_string_member (b, "status"), ==, "probationary");
  }
  /* 黄丽 keeps her phone and is still one. */
  {
    g_autoptr (JsonObject) huang = listed_member ("黄丽");
    g_assert_nonnull (huang);
    g_assert_cmpstr (json_object_get_string_member (huang, "phone"), ==, "13800000002");
  }

  /* The same file again: its good rows are now taken too. */
  g_clear_pointer (&preview, json_node_unref);
  g_assert_cmpuint (upload ("mode=preview", bad_rows_csv, sizeof bad_rows_csv - 1, &preview), ==,
                    200);
  g_assert_cmpuint (n_valid (preview), ==, 0);
  g_clear_pointer (&lines, g_free);
  lines = rejected_lines (preview);
  g_assert_cmpstr (lines, ==, "2,3,4,5,6,7,8,9");
}

static void
test_duplicate_of_demo_member (void)
{
  static const char csv[] = "姓名,手机号,党员类别\r\n王建国,13800000001,正式\r\n";
  g_autoptr (JsonNode) reply = NULL;
  gint64 members = test_count_rows (server, "members");

  g_assert_cmpuint (upload ("mode=commit&skip_rejected=0", csv, sizeof csv - 1, &reply), ==, 422);
  g_assert_cmpstr (test_error_code (reply), ==, "invalid");
  g_assert_cmpuint (json_array_get_length (rejected (reply)), ==, 1);
  g_assert_nonnull (message_of_line (reply, 2));
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);
}

static void
expect_file_error (const char *query, const char *data, gsize length, guint status,
                   const char *code, const char *mentions)
{
  g_autoptr (JsonNode) reply = NULL;
  const char *message;
  gint64 members = test_count_rows (server, "members");

  g_assert_cmpuint (upload (query, data, length, &reply), ==, status);
  g_assert_cmpstr (test_error_code (reply), ==, code);
  message = json_object_get_string_member (json_object_get_object_member (obj (reply), "error"),
                                           "message");
  g_test_message ("%s -> %u %s", query, status, message);
  if (mentions)
    g_assert_nonnull (strstr (message, mentions));
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);
}

static void
test_unreadable_files (void)
{
  static const char binary[] = "PK\x03\x04\x00\x00\x08\x00\xff\xfe\x00\x01";
  static const char no_name[] = "手机号,党员类别\r\n13712340301,正式\r\n";

  expect_file_error ("mode=preview", "", 0, 422, "invalid", "空");
  expect_file_error ("mode=commit&skip_rejected=1", "", 0, 422, "invalid", "空");
  expect_file_error ("mode=preview", binary, sizeof binary - 1, 422, "invalid", "编码");
  expect_file_error ("mode=preview", no_name, sizeof no_name - 1, 422, "invalid", "姓名");
  expect_file_error ("mode=commit&skip_rejected=1", no_name, sizeof no_name - 1, 422, "invalid",
                     "姓名");
  expect_file_error ("mode=check", utf8_bom_csv, sizeof utf8_bom_csv - 1, 400, "bad_request",
                     "mode");
  expect_file_error ("skip_rejected=1", utf8_bom_csv, sizeof utf8_bom_csv - 1, 400, "bad_request",
                     "mode");
}

static void
test_only_into_a_branch (void)
{
  gint64 group = test_org_id (server, "第一党小组");
  g_autofree char *path
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/import?mode=commit&skip_rejected=1", group);
  g_autoptr (JsonNode) reply = NULL;
  gint64 members = test_count_rows (server, "members");

  g_assert_cmpuint (test_client_send (secretary, "POST", path, "text/csv", utf8_bom_csv,
                                      sizeof utf8_bom_csv - 1, &reply, NULL),
                    ==, 422);
  g_assert_cmpstr (test_error_code (reply), ==, "invalid");
  g_assert_cmpint (test_count_rows (server, "members"), ==, members);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/import/preview-utf8-bom", test_preview_utf8_bom);
  g_test_add_func ("/api/import/preview-gbk", test_preview_gbk);
  g_test_add_func ("/api/import/bad-rows", test_bad_rows);
  g_test_add_func ("/api/import/duplicate-of-demo-member", test_duplicate_of_demo_member);
  g_test_add_func ("/api/import/unreadable-files", test_unreadable_files);
  g_test_add_func ("/api/import/only-into-a-branch", test_only_into_a_branch);

  server = test_server_start (NULL);
  branch_id = test_org_id (server, "第一党支部");
  secretary = test_client_new (server);
  g_assert_cmpuint (test_client_login (secretary, "secretary", TEST_PASSWORD), ==, 200);
  status = g_test_run ();
  test_client_free (secretary);
  test_server_stop (server);
  return status;
}
