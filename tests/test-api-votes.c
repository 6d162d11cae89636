/* The REST API of motions and votes (signaling/src/api-votes.c,
 * docs/api.md "Motions and votes") against the real server with the demo
 * data: who may announce, withdraw and give an opinion, the approval
 * recorded once, the vote settings set only from above the branch, and the
 * list and record of votes. SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;
static gint64 first_branch;
static gint64 chair_member;

static char *
iso_in (gint64 minutes)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, (gint) minutes);

  return g_date_time_format_iso8601 (at);
}

static gint64
schedule (void)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autofree char *start = iso_in (5);
  g_autofree char *end = iso_in (125);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", first_branch);
  g_autofree char *body = g_strdup_printf (
      "{\"type\":\"general\",\"title\":\"表决接口测试\",\"planned_start\":\"%s\","
      "\"planned_end\":\"%s\",\"chair_member_id\":%" G_GINT64_FORMAT "}",
      start, end, chair_member);
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static JsonObject *
obj (JsonNode *node)
{
  return json_node_get_object (node);
}

static void
test_motions_who_may (void)
{
  gint64 meeting = schedule ();
  g_autofree char *motions = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions", meeting);
  g_autofree char *approval
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/vote-approval", meeting);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) inspector = test_client_logged_in (server, "inspector");
  g_autoptr (JsonNode) created = NULL;
  g_autoptr (JsonNode) conversion = NULL;
  g_autoptr (JsonNode) list = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autofree char *withdraw = NULL;
  g_autofree char *opinion = NULL;
  g_autofree char *conv_body = NULL;
  JsonArray *items;

  /* Members see the motions but do not announce them. */
  g_assert_cmpuint (test_client_json (member, "POST", motions, "{\"title\":\"审议\"}", NULL), ==,
                    403);
  g_assert_cmpuint (test_client_json (secretary, "POST", motions,
                                      "{\"kind\":\"party\",\"title\":\"审议\"}", NULL),
                    ==, 400);
  g_assert_cmpuint (test_client_json (secretary, "POST", motions,
                                      "{\"kind\":\"admission\",\"title\":\"接收王某\","
                                      "\"candidate\":\"王某\"}",
                                      &created),
                    ==, 201);
  g_assert_true (json_object_get_boolean_member (obj (created), "secret"));
  /* Conversion: a probationary member of the branch (周杰), not a full one. */
  conv_body = g_strdup_printf ("{\"kind\":\"conversion\",\"title\":\"转正\","
                               "\"candidate_member_id\":%" G_GINT64_FORMAT "}",
                               chair_member);
  g_assert_cmpuint (test_client_json (secretary, "POST", motions, conv_body, NULL), ==, 422);
  g_free (conv_body);
  conv_body = g_strdup_printf ("{\"kind\":\"conversion\",\"title\":\"转正\","
                               "\"candidate_member_id\":%" G_GINT64_FORMAT "}",
                               test_member_id (server, first_branch, "周杰"));
  g_assert_cmpuint (test_client_json (secretary, "POST", motions, conv_body, &conversion), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (obj (conversion), "candidate"), ==, "周杰");

  /* The member's own written opinion, shown back to them only. */
  opinion = g_strdup_printf ("api/motions/%" G_GINT64_FORMAT "/opinion",
                             json_object_get_int_member (obj (created), "id"));
  g_assert_cmpuint (
      test_client_json (member, "POST", opinion, "{\"choice\":\"yes\",\"text\":\"同意\"}", NULL),
      ==, 400);
  g_assert_cmpuint (
      test_client_json (member, "POST", opinion, "{\"choice\":\"for\",\"text\":\"同意\"}", NULL),
      ==, 200);
  g_assert_cmpuint (test_client_json (member, "GET", motions, NULL, &list), ==, 200);
  items = json_object_get_array_member (obj (list), "motions");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_false (json_object_get_boolean_member (obj (list), "may_manage"));
  g_assert_cmpstr (
      json_object_get_string_member (
          json_object_get_object_member (json_array_get_object_element (items, 0), "my_opinion"),
          "choice"),
      ==, "for");
  g_clear_pointer (&list, json_node_unref);
  g_assert_cmpuint (test_client_json (secretary, "GET", motions, NULL, &list), ==, 200);
  g_assert_true (json_object_get_null_member (
      json_array_get_object_element (json_object_get_array_member (obj (list), "motions"), 0),
      "my_opinion"));

  /* The approval: by the secretary, once. */
  g_assert_cmpuint (test_client_json (member, "POST", approval, "{\"approval\":\"同意\"}", NULL),
                    ==, 403);
  g_assert_cmpuint (
      test_client_json (secretary, "POST", approval, "{\"approval\":\"街道党工委同意\"}", NULL), ==,
      201);
  g_assert_cmpuint (test_client_json (secretary, "POST", approval, "{\"approval\":\"再次\"}", NULL),
                    ==, 409);
  /* An inspector reads, and changes nothing. */
  g_assert_cmpuint (test_client_json (inspector, "GET", motions, NULL, NULL), ==, 200);
  g_assert_cmpuint (test_client_json (inspector, "POST", motions, "{\"title\":\"审议\"}", NULL), ==,
                    403);

  /* Withdrawn before the start, by the secretary only. */
  withdraw = g_strdup_printf ("api/motions/%" G_GINT64_FORMAT "/withdraw",
                              json_object_get_int_member (obj (conversion), "id"));
  g_assert_cmpuint (test_client_json (member, "POST", withdraw, "{}", NULL), ==, 403);
  g_assert_cmpuint (test_client_json (secretary, "POST", withdraw, "{}", &after), ==, 200);
  g_assert_true (json_object_get_boolean_member (obj (after), "withdrawn"));
  g_assert_cmpuint (test_client_json (secretary, "POST", withdraw, "{}", NULL), ==, 409);
}

static void
test_settings_from_above (void)
{
  g_autofree char *path
      = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/vote-settings", first_branch);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) admin = test_client_logged_in (server, "admin");
  g_autoptr (JsonNode) got = NULL;
  g_autoptr (JsonNode) set = NULL;

  g_assert_cmpuint (test_client_json (secretary, "GET", path, NULL, &got), ==, 200);
  g_assert_true (json_object_get_boolean_member (obj (got), "approval_required"));
  g_assert_cmpint (json_object_get_int_member (obj (got), "election_share_percent"), ==, 80);
  /* The branch does not relax its own rule. */
  g_assert_cmpuint (
      test_client_json (secretary, "PUT", path, "{\"approval_required\":false}", NULL), ==, 403);
  g_assert_cmpuint (test_client_json (admin, "PUT", path, "{\"election_share_percent\":40}", NULL),
                    ==, 400);
  g_assert_cmpuint (test_client_json (admin, "PUT", path,
                                      "{\"approval_required\":false,\"election_share_percent\":75}",
                                      &set),
                    ==, 200);
  g_assert_false (json_object_get_boolean_member (obj (set), "approval_required"));
  g_assert_cmpint (json_object_get_int_member (obj (set), "election_share_percent"), ==, 75);
}

static void
test_vote_record_not_found (void)
{
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");

  g_assert_cmpuint (test_client_json (member, "GET", "api/votes/999999", NULL, NULL), ==, 404);
  g_assert_cmpuint (test_client_json (member, "POST", "api/motions/999999/withdraw", "{}", NULL),
                    ==, 404);
  g_assert_cmpuint (test_client_json (member, "POST", "api/motions/1/unknown", "{}", NULL), ==,
                    404);
}

/* GET /api/meetings/{id}/motions?format=csv: a download (BOM, CRLF, the
 * header, one row per announced motion, a title a spreadsheet would run
 * neutralised) for whoever reads the results, the inspector included;
 * no session, no file; an unknown meeting is 404. */
static void
test_votes_csv (void)
{
  gint64 meeting = schedule ();
  g_autofree char *motions = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/motions", meeting);
  g_autofree char *csv_path = g_strconcat (motions, "?format=csv", NULL);
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestClient) inspector = test_client_logged_in (server, "inspector");
  g_autoptr (TestClient) anonymous = test_client_new (server);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (GBytes) raw2 = NULL;
  g_auto (GStrv) lines = NULL;
  const char *csv;

  g_assert_cmpuint (
      test_client_json (secretary, "POST", motions, "{\"title\":\"=1+1 审议预算\"}", NULL), ==,
      201);
  g_assert_cmpuint (test_client_json (secretary, "POST", motions,
                                      "{\"kind\":\"election\",\"title\":\"选举书记\","
                                      "\"candidates\":[\"张三\",\"李四\"],\"seats\":1}",
                                      NULL),
                    ==, 201);
  g_assert_cmpuint (test_client_send (member, "GET", csv_path, NULL, NULL, 0, NULL, &raw), ==, 200);
  csv = g_bytes_get_data (raw, NULL);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF表决事项,类别,表决方式,"));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[1], ==, "\"'=1+1 审议预算\",一般事项,举手表决,,,,,,,,,,,,,未表决,,,,");
  g_assert_cmpstr (lines[2], ==, "选举书记,选举,无记名投票,,,,,,,,,,,,,未表决,,,,");
  g_assert_cmpuint (test_client_send (inspector, "GET", csv_path, NULL, NULL, 0, NULL, &raw2), ==,
                    200);
  g_assert_true (g_bytes_equal (raw, raw2));
  g_assert_cmpuint (test_client_send (anonymous, "GET", csv_path, NULL, NULL, 0, NULL, NULL), ==,
                    401);
  g_assert_cmpuint (test_client_send (member, "GET", "api/meetings/999999/motions?format=csv", NULL,
                                      NULL, 0, NULL, NULL),
                    ==, 404);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (NULL);
  first_branch = test_org_id (server, "第一党支部");
  chair_member = test_member_id (server, first_branch, "王建国");
  g_test_add_func ("/api-votes/motions-who-may", test_motions_who_may);
  g_test_add_func ("/api-votes/settings-from-above", test_settings_from_above);
  g_test_add_func ("/api-votes/not-found", test_vote_record_not_found);
  g_test_add_func ("/api-votes/csv", test_votes_csv);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
