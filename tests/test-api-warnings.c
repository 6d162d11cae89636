/* Organizational-life warnings through the API (GET /api/orgs/{id}/warnings)
 * on a real server with the demo organization: who may see them, hostile
 * ids, a committee instead of a branch, and the shape of each member's
 * warning, on the two members the demo's history flags. The rule itself
 * is tested in test-warnings.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-warnings.h"
#include "harness.h"

#include <string.h>

static TestServer *server;
static TestClient *admin, *secretary, *member, *inspector, *anonymous;
static gint64 branch1, branch2, committee;

static guint
get (TestClient *client, gint64 org, JsonNode **reply)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/warnings", org);

  return test_client_json (client, "GET", path, NULL, reply);
}

static void
test_who_may_see (void)
{
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (get (secretary, branch1, NULL), ==, 200);
  g_assert_cmpuint (get (admin, branch1, NULL), ==, 200);
  g_assert_cmpuint (get (inspector, branch1, &reply), ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (reply), "org_id"), ==,
                   branch1);
  /* A member of the branch, the secretary of another branch, nobody. */
  g_assert_cmpuint (get (member, branch1, NULL), ==, 403);
  g_assert_cmpuint (get (secretary, branch2, NULL), ==, 403);
  g_assert_cmpuint (get (anonymous, branch1, NULL), ==, 401);
}

static void
test_hostile_ids (void)
{
  static const char *const paths[] = {
    "api/orgs/0/warnings",
    "api/orgs/-1/warnings",
    "api/orgs/999999999/warnings",
    "api/orgs/9223372036854775807/warnings",
    "api/orgs/99999999999999999999/warnings",
    "api/orgs/1e3/warnings",
    "api/orgs/%31/warnings",
    "api/orgs/1%00/warnings",
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
    guint status = test_client_json (admin, "GET", paths[i], NULL, NULL);

    /* Refused as malformed (400, 404, 422) or as unknown (403): never served. */
    g_assert_true (status == 400 || status == 403 || status == 404 || status == 422);
  }
  /* Unknown and forbidden answer alike for someone who is not an admin. */
  g_assert_cmpuint (test_client_json (secretary, "GET", "api/orgs/999999999/warnings", NULL, NULL),
                    ==, 403);
  /* Only a branch has warnings. */
  g_assert_cmpuint (get (admin, committee, NULL), ==, 422);
}

static void
test_shape (void)
{
  g_autoptr (JsonNode) reply = NULL;
  JsonObject *o;
  JsonArray *members;

  g_assert_cmpuint (get (secretary, branch1, &reply), ==, 200);
  o = json_node_get_object (reply);
  g_assert_cmpint (json_object_get_int_member (o, "warning_days"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (o, "absence_limit"), ==, 3);
  members = json_object_get_array_member (o, "members");
  /* The demo's history flags two members: 赵磊, who never took part in
   * five months, and 吴敏, absent from every meeting of the last ten weeks. */
  g_assert_cmpuint (json_array_get_length (members), ==, 2);
  for (guint i = 0; i < json_array_get_length (members); i++) {
    JsonObject *w = json_array_get_object_element (members, i);
    JsonArray *kinds = json_object_get_array_member (w, "kinds");
    const char *text = json_object_get_string_member (w, "text");
    const char *name = json_object_get_string_member (w, "name");

    if (g_str_equal (name, "赵磊")) {
      g_assert_cmpstr (json_array_get_string_element (kinds, 0), ==, "lapse");
      g_assert_true (json_object_get_null_member (w, "last_attended"));
      g_assert_false (json_object_get_boolean_member (w, "lapsed"));
      g_assert_true (g_str_has_prefix (text, "记录中没有参加组织生活，将于"));
    } else {
      g_assert_cmpstr (name, ==, "吴敏");
      g_assert_cmpuint (json_array_get_length (kinds), ==, 1);
      g_assert_cmpstr (json_array_get_string_element (kinds, 0), ==, "absences");
      g_assert_cmpint (json_object_get_int_member (w, "absent_in_row"), >=, 3);
      g_assert_nonnull (strstr (text, "无故缺席"));
    }

    g_assert_cmpint (json_object_get_int_member (w, "member_id"), >, 0);
    g_assert_cmpuint (json_array_get_length (kinds), >=, 1);
    g_assert_true (g_utf8_validate (text, -1, NULL));
    g_assert_true (g_utf8_get_char (text) >= 0x3000);
    g_assert_true (json_object_has_member (w, "lapse_at"));
    g_assert_true (json_object_has_member (w, "absent_in_row"));
  }
}

/* The sentence each warning gets, dates where the branch is. */
static void
test_text (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GDateTime) june = g_date_time_new (tz, 2026, 6, 15, 8, 0, 0);
  g_autoptr (GDateTime) december = g_date_time_new (tz, 2026, 12, 15, 8, 0, 0);
  gint64 last = g_date_time_to_unix (june) * G_USEC_PER_SEC;
  gint64 lapse = g_date_time_to_unix (december) * G_USEC_PER_SEC;
  gint64 day = G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  ShMemberWarning soon
      = { .life = { .last_attended = last, .lapse_at = lapse, .lapse_warning = TRUE } };
  ShMemberWarning lapsed = {
    .life
    = { .lapse_at = lapse, .absent_in_row = 4, .lapse_warning = TRUE, .absence_warning = TRUE }
  };
  ShMemberWarning absent = {
    .life
    = { .last_attended = last, .lapse_at = lapse, .absent_in_row = 3, .absence_warning = TRUE }
  };
  g_autofree char *a = sh_warning_text (&soon, lapse - 30 * day, tz);
  g_autofree char *b = sh_warning_text (&soon, lapse - 30 * day + 1, tz);
  g_autofree char *c = sh_warning_text (&lapsed, lapse, tz);
  g_autofree char *d = sh_warning_text (&absent, lapse - 90 * day, tz);

  g_assert_cmpstr (a, ==,
                   "最近一次参加组织生活是2026年6月15日，将于2026年12月15日满六个月未参加组织生活"
                   "（还有30天）。");
  /* Part of a day left counts as a day. */
  g_assert_nonnull (strstr (b, "（还有30天）"));
  g_assert_cmpstr (c, ==,
                   "记录中没有参加组织生活，已于2026年12月15日满六个月未参加组织生活；已连续4次"
                   "无故缺席。");
  g_assert_cmpstr (d, ==, "已连续3次无故缺席。");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api-warnings/who-may-see", test_who_may_see);
  g_test_add_func ("/api-warnings/hostile-ids", test_hostile_ids);
  g_test_add_func ("/api-warnings/shape", test_shape);
  g_test_add_func ("/api-warnings/text", test_text);

  server = test_server_start (NULL);
  branch1 = test_org_id (server, "第一党支部");
  branch2 = test_org_id (server, "第二党支部");
  committee = test_org_id (server, "示范街道党工委");
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
