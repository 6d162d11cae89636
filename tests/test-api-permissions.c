/* The permission matrix: every role against every endpoint of docs/api.md,
 * with the exact outcome each one must get.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

typedef enum {
  ANON = 1 << 0,
  ADMIN = 1 << 1,
  SEC1 = 1 << 2, /* secretary of 第一党支部 (member 王建国) */
  MEM1 = 1 << 3, /* plain member of 第一党支部 (黄丽) */
  INSP = 1 << 4, /* inspector of the committee */
  SEC2 = 1 << 5, /* secretary of 第二党支部 (member 马兰), made in setup */
} Role;

#define N_ROLES 6
#define LOGGED_IN (ADMIN | SEC1 | MEM1 | INSP | SEC2)
#define EVERYONE (ANON | LOGGED_IN)

static const struct {
  Role role;
  const char *name;
  const char *login;
} roles[N_ROLES] = {
  { ANON, "anonymous", NULL },          { ADMIN, "admin", "admin" },
  { SEC1, "secretary-1", "secretary" }, { MEM1, "member-1", "member" },
  { INSP, "inspector", "inspector" },   { SEC2, "secretary-2", "secretary2" },
};

/* One row of the matrix. Paths and bodies are templates: see expand(). */
typedef struct {
  const char *method;
  const char *path;
  const char *content_type; /* NULL: application/json when there is a body */
  const char *body;
  guint ok_status;       /* what an allowed role gets */
  guint allowed;         /* roles that get ok_status */
  guint unprocessable;   /* roles that pass the permission check but get 422 */
  gboolean fresh_client; /* run with a client of its own (the row ends or
                            replaces the session) */
} Row;

static const Row matrix[] = {
  /* Session */
  { "POST", "/api/session", NULL, "{\"login\":\"member\",\"password\":\"Demo@2026\"}", 200,
    EVERYONE, 0, TRUE },
  { "GET", "/api/session", NULL, NULL, 200, LOGGED_IN, 0, FALSE },
  { "DELETE", "/api/session", NULL, NULL, 204, LOGGED_IN, 0, TRUE },

  /* Organizations */
  { "GET", "/api/orgs", NULL, NULL, 200, LOGGED_IN, 0, FALSE },
  { "POST", "/api/orgs", NULL,
    "{\"parent_id\":{C},\"kind\":\"branch\",\"name\":\"矩阵测试支部{N}\"}", 201, ADMIN, 0, FALSE },
  { "POST", "/api/orgs", NULL, "{\"parent_id\":{B1},\"kind\":\"group\",\"name\":\"矩阵小组{N}\"}",
    201, ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs", NULL, "{\"parent_id\":{B2},\"kind\":\"group\",\"name\":\"矩阵小组{N}\"}",
    201, ADMIN | SEC2, 0, FALSE },
  { "PATCH", "/api/orgs/{B1}", NULL, "{\"themed_day\":15}", 200, ADMIN | SEC1, 0, FALSE },
  { "PATCH", "/api/orgs/{B2}", NULL, "{\"themed_day\":20}", 200, ADMIN | SEC2, 0, FALSE },
  { "PATCH", "/api/orgs/{G1}", NULL, "{\"name\":\"第一党小组\"}", 200, ADMIN | SEC1, 0, FALSE },
  { "PATCH", "/api/orgs/{B1}", NULL, "{\"online_votes_approved\":true}", 200, ADMIN, 0, FALSE },
  { "PATCH", "/api/orgs/{B1}", NULL, "{\"name\":\"第一党支部\"}", 200, ADMIN, 0, FALSE },
  { "GET", "/api/orgs/{C}", NULL, NULL, 200, ADMIN | INSP, 0, FALSE },
  { "GET", "/api/orgs/{B1}", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/orgs/{G1}", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/orgs/{B2}", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "GET", "/api/orgs/{B1}/members", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/orgs/{G1}/members", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/orgs/{B2}/members", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/orgs/{B1}/members", NULL,
    "{\"name\":\"矩阵党员{N}\",\"phone\":\"{PHONE}\",\"status\":\"full\",\"joined_on\":\"2020-07-"
    "01\"}",
    201, ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs/{B2}/members", NULL, "{\"name\":\"矩阵党员{N}\",\"phone\":\"{PHONE}\"}", 201,
    ADMIN | SEC2, 0, FALSE },

  /* Members */
  { "GET", "/api/members/{HUANGLI}", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/members/{WANGJIANGUO}", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/members/{MALAN}", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "PATCH", "/api/members/{NEW_MEMBER_B1}", NULL, "{\"joined_on\":\"2019-07-01\"}", 200,
    ADMIN | SEC1, 0, FALSE },
  { "PATCH", "/api/members/{NEW_MEMBER_B2}", NULL, "{\"joined_on\":\"2019-07-01\"}", 200,
    ADMIN | SEC2, 0, FALSE },
  { "POST", "/api/orgs/{B1}/posts", NULL,
    "{\"member_id\":{NEW_MEMBER_B1},\"post\":\"committee_member\"}", 201, ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs/{B2}/posts", NULL,
    "{\"member_id\":{NEW_MEMBER_B2},\"post\":\"deputy_secretary\"}", 201, ADMIN | SEC2, 0, FALSE },
  { "DELETE", "/api/orgs/{B1}/posts/{POSTED_MEMBER_B1}/committee_member", NULL, NULL, 204,
    ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs/{G1}/group-members", NULL,
    "{\"member_id\":{NEW_MEMBER_B1},\"leader\":false}", 201, ADMIN | SEC1, 0, FALSE },
  { "DELETE", "/api/orgs/{G1}/group-members/{GROUPED_MEMBER_G1}", NULL, NULL, 204, ADMIN | SEC1, 0,
    FALSE },
  { "GET", "/api/members/{HUANGLI}/exclusions", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/members/{MALAN}/exclusions", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/members/{NEW_MEMBER_B1}/exclusions", NULL,
    "{\"reason\":\"illness\",\"approver\":\"示范街道党工委\",\"starts_at\":\"2026-01-01T00:00:00+"
    "08:00\"}",
    201, ADMIN | SEC1, 0, FALSE },
  /* Migrant visits: asked by the home side (or the member), decided by the
   * receiving branch, ended by either; VISIT_B1_TO_B2 was asked by SEC1. */
  { "GET", "/api/visits/branches", NULL, NULL, 200, LOGGED_IN, 0, FALSE },
  { "GET", "/api/orgs/{B1}/visits", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/orgs/{B2}/visits", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "GET", "/api/orgs/{G1}/visits", NULL, NULL, 200, 0, ADMIN | INSP | SEC1, FALSE },
  { "GET", "/api/members/{HUANGLI}/visits", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/members/{MALAN}/visits", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/members/{NEW_MEMBER_B1}/visits", NULL, "{\"host_branch_id\":{B2}}", 201,
    ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/members/{NEW_MEMBER_B2}/visits", NULL,
    "{\"host_branch_id\":{B1},\"note\":\"在第一党支部附近工作\"}", 201, ADMIN | SEC2, 0, FALSE },
  { "POST", "/api/visits/{VISIT_B1_TO_B2}/accept", NULL, "{}", 200, ADMIN | SEC2, 0, FALSE },
  { "POST", "/api/visits/{VISIT_B1_TO_B2}/refuse", NULL, "{\"reason\":\"矩阵测试\"}", 200,
    ADMIN | SEC2, 0, FALSE },
  { "POST", "/api/visits/{VISIT_B1_TO_B2}/end", NULL, "{}", 200, ADMIN | SEC1 | SEC2, 0, FALSE },
  { "POST", "/api/visits/{ACCEPTED_VISIT_B1_TO_B2}/end", NULL, "{\"reason\":\"已返回\"}", 200,
    ADMIN | SEC1 | SEC2, 0, FALSE },
  { "GET", "/api/orgs/{B1}/expected?type=general", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/orgs/{B2}/expected?type=general", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/orgs/{B1}/import?mode=preview", "text/csv",
    "姓名,手机号,党员类别,入党日期\r\n导入预览{N},{PHONE},正式,2018-07-01\r\n", 200, ADMIN | SEC1,
    0, FALSE },
  { "POST", "/api/orgs/{B1}/import?mode=commit&skip_rejected=0", "text/csv",
    "姓名,手机号,党员类别,入党日期\r\n导入党员{N},{PHONE},正式,2018-07-01\r\n", 200, ADMIN | SEC1,
    0, FALSE },
  { "POST", "/api/orgs/{B2}/import?mode=preview", "text/csv",
    "姓名,手机号,党员类别\r\n导入预览{N},{PHONE},预备\r\n", 200, ADMIN | SEC2, 0, FALSE },

  /* Meetings */
  { "GET", "/api/orgs/{B1}/meetings", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/orgs/{G1}/meetings", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/orgs/{B2}/meetings", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/orgs/{B1}/meetings", NULL,
    "{\"type\":\"general\",\"title\":\"矩阵大会{N}\",\"planned_start\":\"2026-12-20T14:00:00+08:"
    "00\","
    "\"planned_end\":\"2026-12-20T16:00:00+08:00\",\"chair_member_id\":{WANGJIANGUO}}",
    201, ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs/{G1}/meetings", NULL,
    "{\"type\":\"group\",\"title\":\"矩阵小组会{N}\",\"planned_start\":\"2026-12-21T14:00:00+08:"
    "00\","
    "\"planned_end\":\"2026-12-21T15:00:00+08:00\"}",
    201, ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/orgs/{B2}/meetings", NULL,
    "{\"type\":\"general\",\"title\":\"矩阵大会{N}\",\"planned_start\":\"2026-12-22T14:00:00+08:"
    "00\","
    "\"planned_end\":\"2026-12-22T16:00:00+08:00\"}",
    201, ADMIN | SEC2, 0, FALSE },
  { "GET", "/api/meetings/{MEETING_GENERAL}", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0,
    FALSE },
  /* 黄丽 holds no committee post: she is not expected at the committee meeting. */
  { "GET", "/api/meetings/{MEETING_COMMITTEE}", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/meetings/{MEETING_GROUP}", NULL, NULL, 200, ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/meetings/{MEETING_B2}", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  /* What a meeting kept is for the record: not for every member. */
  { "GET", "/api/meetings/{MEETING_GENERAL}/chat", NULL, NULL, 200, ADMIN | INSP | SEC1, 0, FALSE },
  { "GET", "/api/meetings/{MEETING_GENERAL}/events", NULL, NULL, 200, ADMIN | INSP | SEC1, 0,
    FALSE },
  { "GET", "/api/meetings/{MEETING_B2}/events", NULL, NULL, 200, ADMIN | INSP | SEC2, 0, FALSE },
  { "POST", "/api/meetings/{NEW_MEETING_B1}/transition", NULL, "{\"to\":\"open\"}", 200,
    ADMIN | SEC1, 0, FALSE },
  { "POST", "/api/meetings/{NEW_MEETING_B1}/transition", NULL,
    "{\"to\":\"cancelled\",\"reason\":\"矩阵测试\"}", 200, ADMIN | SEC1, 0, FALSE },
  /* The chair may move the meeting along even without a secretary's role. */
  { "POST", "/api/meetings/{MEETING_CHAIRED_BY_HUANGLI}/transition", NULL, "{\"to\":\"open\"}", 200,
    ADMIN | SEC1 | MEM1, 0, FALSE },
  { "GET", "/api/meetings/{MEETING_CHAIRED_BY_HUANGLI}", NULL, NULL, 200,
    ADMIN | INSP | SEC1 | MEM1, 0, FALSE },
  { "POST", "/api/meetings/{NEW_MEETING_B2}/transition", NULL, "{\"to\":\"open\"}", 200,
    ADMIN | SEC2, 0, FALSE },
  { "POST", "/api/meetings/{MEETING_GENERAL}/invitations", NULL, NULL, 201, ADMIN | SEC1, 0,
    FALSE },
  { "POST", "/api/meetings/{MEETING_B2}/invitations", NULL, NULL, 201, ADMIN | SEC2, 0, FALSE },
  { "GET", "/api/invitations/{INVITATION}", NULL, NULL, 200, EVERYONE, 0, FALSE },
  { "GET", "/api/my/meetings", NULL, NULL, 200, LOGGED_IN, 0, FALSE },
  /* Accounts without a member have no calendar. */
  { "GET", "/api/my/calendar", NULL, NULL, 200, SEC1 | MEM1 | SEC2, ADMIN | INSP, FALSE },
  { "GET", "/calendar/{CALENDAR}.ics", NULL, NULL, 200, EVERYONE, 0, FALSE },

  /* Accounts */
  { "GET", "/api/accounts", NULL, NULL, 200, ADMIN, 0, FALSE },
  { "POST", "/api/accounts", NULL,
    "{\"login\":\"matrix{N}\",\"display_name\":\"矩阵账号\",\"password\":\"Matrix@2026\"}", 201,
    ADMIN, 0, FALSE },
  { "POST", "/api/accounts/{NEW_ACCOUNT}/roles", NULL, "{\"role\":\"inspector\",\"org_id\":{B2}}",
    201, ADMIN, 0, FALSE },
  { "DELETE", "/api/accounts/{INSPECTOR_ACCOUNT}/roles/inspector/{B2}", NULL, NULL, 204, ADMIN, 0,
    FALSE },
  { "POST", "/api/accounts/{NEW_ACCOUNT}/password", NULL, "{\"password\":\"Changed@2026\"}", 204,
    ADMIN, 0, FALSE },
  /* Everyone may change their own password. */
  { "POST", "/api/accounts/{SELF}/password", NULL,
    "{\"old_password\":\"Demo@2026\",\"password\":\"Demo@2026\"}", 204, LOGGED_IN, 0, FALSE },

  /* Other */
  { "GET", "/healthz", NULL, NULL, 200, EVERYONE, 0, FALSE },
  /* The tests run on loopback, where scrapers need no session. */
  { "GET", "/metrics", NULL, NULL, 200, EVERYONE, 0, FALSE },
};

typedef struct {
  TestServer *server;
  TestClient *clients[N_ROLES];
  gint64 account_ids[N_ROLES];
  TestClient *admin;
  GHashTable *ids; /* fixed placeholders → text */
  guint counter;
} Matrix;

static Matrix fx;

static JsonObject *
obj (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static gint64
admin_create (const char *path, const char *body)
{
  g_autoptr (JsonNode) reply = NULL;
  guint status = test_client_json (fx.admin, "POST", path, body, &reply);

  if (status != 201)
    g_error ("POST %s %s -> %u %s", path, body, status, test_error_code (reply));
  return json_object_get_int_member (obj (reply), "id");
}

static void
admin_ok (const char *method, const char *path, const char *body)
{
  g_autoptr (JsonNode) reply = NULL;
  guint status = test_client_json (fx.admin, method, path, body, &reply);

  if (status / 100 != 2)
    g_error ("%s %s %s -> %u %s", method, path, body, status, test_error_code (reply));
}

static gint64
new_member (const char *branch)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%s/members", branch);
  guint n = ++fx.counter;
  g_autofree char *body
      = g_strdup_printf ("{\"name\":\"矩阵备用%u\",\"phone\":\"1360000%04u\"}", n, n);

  return admin_create (path, body);
}

static gint64
new_meeting (const char *org)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%s/meetings", org);
  g_autofree char *body = g_strdup_printf ("{\"type\":\"general\",\"title\":\"矩阵备用会议%u\","
                                           "\"planned_start\":\"2026-12-24T14:00:00+08:00\","
                                           "\"planned_end\":\"2026-12-24T16:00:00+08:00\"}",
                                           ++fx.counter);

  return admin_create (path, body);
}

static const char *
fixed (const char *name)
{
  const char *v = g_hash_table_lookup (fx.ids, name);

  if (!v)
    g_error ("unknown placeholder {%s}", name);
  return v;
}

/* The value of placeholder @name for one request: fixed ids of the demo, or
 * a fresh object made by the administrator, the same within one request. */
static char *
placeholder (const char *name, int role_index, GHashTable *cache)
{
  const char *cached = g_hash_table_lookup (cache, name);
  char *value;

  if (cached)
    return g_strdup (cached);
  if (g_str_equal (name, "N")) {
    value = g_strdup_printf ("%u", ++fx.counter);
  } else if (g_str_equal (name, "PHONE")) {
    value = g_strdup_printf ("1350000%04u", ++fx.counter);
  } else if (g_str_equal (name, "SELF")) {
    /* Anonymous callers aim at the administrator's account. */
    value = g_strdup_printf ("%" G_GINT64_FORMAT, fx.account_ids[role_index]
                                                      ? fx.account_ids[role_index]
                                                      : fx.account_ids[1]);
  } else if (g_str_equal (name, "NEW_MEMBER_B1")) {
    value = g_strdup_printf ("%" G_GINT64_FORMAT, new_member (fixed ("B1")));
  } else if (g_str_equal (name, "NEW_MEMBER_B2")) {
    value = g_strdup_printf ("%" G_GINT64_FORMAT, new_member (fixed ("B2")));
  } else if (g_str_equal (name, "POSTED_MEMBER_B1")) {
    g_autofree char *path = g_strdup_printf ("api/orgs/%s/posts", fixed ("B1"));
    g_autofree char *body = NULL;
    gint64 id = new_member (fixed ("B1"));
    body = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT ",\"post\":\"committee_member\"}",
                            id);
    admin_ok ("POST", path, body);
    value = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  } else if (g_str_equal (name, "GROUPED_MEMBER_G1")) {
    g_autofree char *path = g_strdup_printf ("api/orgs/%s/group-members", fixed ("G1"));
    g_autofree char *body = NULL;
    gint64 id = new_member (fixed ("B1"));
    body = g_strdup_printf ("{\"member_id\":%" G_GINT64_FORMAT ",\"leader\":false}", id);
    admin_ok ("POST", path, body);
    value = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  } else if (g_str_equal (name, "VISIT_B1_TO_B2")
             || g_str_equal (name, "ACCEPTED_VISIT_B1_TO_B2")) {
    /* Asked by the first branch's secretary, so that the administrator,
     * who did not ask, may decide. */
    g_autofree char *path
        = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/visits", new_member (fixed ("B1")));
    g_autofree char *body = g_strdup_printf ("{\"host_branch_id\":%s}", fixed ("B2"));
    g_autoptr (JsonNode) reply = NULL;
    guint status = test_client_json (fx.clients[2], "POST", path, body, &reply);
    gint64 id;

    if (status != 201)
      g_error ("POST %s %s -> %u %s", path, body, status, test_error_code (reply));
    id = json_object_get_int_member (obj (reply), "id");
    if (g_str_equal (name, "ACCEPTED_VISIT_B1_TO_B2")) {
      g_autofree char *accept = g_strdup_printf ("api/visits/%" G_GINT64_FORMAT "/accept", id);
      admin_ok ("POST", accept, "{}");
    }
    value = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  } else if (g_str_equal (name, "NEW_MEETING_B1")) {
    value = g_strdup_printf ("%" G_GINT64_FORMAT, new_meeting (fixed ("B1")));
  } else if (g_str_equal (name, "MEETING_CHAIRED_BY_HUANGLI")) {
    g_autofree char *path = g_strdup_printf ("api/orgs/%s/meetings", fixed ("B1"));
    g_autofree char *body = g_strdup_printf (
        "{\"type\":\"party_day\",\"title\":\"主题党日%u\",\"chair_member_id\":%s,"
        "\"planned_start\":\"2026-12-25T09:00:00+08:00\","
        "\"planned_end\":\"2026-12-25T11:00:00+08:00\"}",
        ++fx.counter, fixed ("HUANGLI"));
    value = g_strdup_printf ("%" G_GINT64_FORMAT, admin_create (path, body));
  } else if (g_str_equal (name, "NEW_MEETING_B2")) {
    value = g_strdup_printf ("%" G_GINT64_FORMAT, new_meeting (fixed ("B2")));
  } else if (g_str_equal (name, "NEW_ACCOUNT") || g_str_equal (name, "INSPECTOR_ACCOUNT")) {
    g_autofree char *body = g_strdup_printf (
        "{\"login\":\"spare%u\",\"display_name\":\"备用账号\",\"password\":\"Spare@2026\"}",
        ++fx.counter);
    gint64 id = admin_create ("api/accounts", body);
    if (g_str_equal (name, "INSPECTOR_ACCOUNT")) {
      g_autofree char *path = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/roles", id);
      g_autofree char *grant
          = g_strdup_printf ("{\"role\":\"inspector\",\"org_id\":%s}", fixed ("B2"));
      admin_ok ("POST", path, grant);
    }
    value = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  } else {
    value = g_strdup (fixed (name));
  }
  g_hash_table_insert (cache, g_strdup (name), g_strdup (value));
  return value;
}

static char *
expand (const char *template, int role_index, GHashTable *cache)
{
  GString *out = g_string_new (NULL);
  const char *p = template;

  while (*p) {
    const char *close;
    if (*p == '{' && g_ascii_isupper (p[1]) && (close = strchr (p, '}'))) {
      g_autofree char *name = g_strndup (p + 1, close - p - 1);
      g_autofree char *value = placeholder (name, role_index, cache);
      g_string_append (out, value);
      p = close + 1;
    } else {
      g_string_append_c (out, *p++);
    }
  }
  return g_string_free (out, FALSE);
}

static TestClient *
logged_in (int role_index)
{
  TestClient *client = test_client_new (fx.server);

  if (roles[role_index].login)
    g_assert_cmpuint (test_client_login (client, roles[role_index].login, TEST_PASSWORD), ==, 200);
  return client;
}

static void
check_error_shape (JsonNode *reply, const char *what)
{
  JsonObject *error;

  if (!reply || !json_object_has_member (obj (reply), "error"))
    g_error ("%s: no error object in the reply", what);
  error = json_object_get_object_member (obj (reply), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "message", ""), !=, "");
}

static void
test_matrix (void)
{
  guint checked = 0;

  for (gsize r = 0; r < G_N_ELEMENTS (matrix); r++) {
    const Row *row = &matrix[r];
    g_autoptr (GString) line = g_string_new (NULL);

    g_string_printf (line, "%-6s %-58s", row->method, row->path);
    for (int i = 0; i < N_ROLES; i++) {
      g_autoptr (GHashTable) cache
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autofree char *path = expand (row->path, i, cache);
      g_autofree char *body = row->body ? expand (row->body, i, cache) : NULL;
      g_autoptr (TestClient) own = row->fresh_client ? logged_in (i) : NULL;
      TestClient *client = own ? own : fx.clients[i];
      g_autoptr (JsonNode) reply = NULL;
      g_autofree char *what = g_strdup_printf ("%s %s as %s", row->method, path, roles[i].name);
      Role role = roles[i].role;
      guint status;

      status = test_client_send (client, row->method, path,
                                 body ? (row->content_type ? row->content_type : "application/json")
                                      : NULL,
                                 body, -1, &reply, NULL);
      g_string_append_printf (line, " %s=%u", roles[i].name, status);
      if (row->allowed & role) {
        if (status != row->ok_status)
          g_error ("%s: expected %u, got %u (%s)", what, row->ok_status, status,
                   test_error_code (reply));
      } else if (row->unprocessable & role) {
        if (status != 422)
          g_error ("%s: expected 422, got %u (%s)", what, status, test_error_code (reply));
        g_assert_cmpstr (test_error_code (reply), ==, "invalid");
        check_error_shape (reply, what);
      } else if (role == ANON) {
        if (status != 401 || !g_str_equal (test_error_code (reply), "unauthenticated"))
          g_error ("%s: expected 401 unauthenticated, got %u (%s)", what, status,
                   test_error_code (reply));
        check_error_shape (reply, what);
      } else {
        if (status != 403 || !g_str_equal (test_error_code (reply), "forbidden"))
          g_error ("%s: expected 403 forbidden, got %u (%s)", what, status,
                   test_error_code (reply));
        check_error_shape (reply, what);
      }
      checked++;
    }
    g_test_message ("%s", line->str);
  }
  g_assert_cmpuint (checked, ==, G_N_ELEMENTS (matrix) * N_ROLES);
  /* Changing one's own password (a row above) ends one's other sessions,
   * the fixture's administrator's among them: it logs in again. */
  g_assert_cmpuint (test_client_login (fx.admin, "admin", TEST_PASSWORD), ==, 200);
}

/* A forbidden request changes nothing: the rows denied above left the tables
 * exactly as the allowed ones made them. Checked by repeating every denied
 * state-changing request of a secretary of the other branch. */
static void
test_denied_changes_nothing (void)
{
  static const char *const tables[]
      = { "organizations", "members", "meetings", "accounts", "role_grants", "exclusions" };
  gint64 before[G_N_ELEMENTS (tables)];
  gint64 member_b1 = new_member (fixed ("B1"));
  gint64 meeting_b1 = new_meeting (fixed ("B1"));
  TestClient *sec2 = fx.clients[5];
  TestClient *mem1 = fx.clients[3];
  g_autofree char *members_path = g_strdup_printf ("api/orgs/%s/members", fixed ("B1"));
  g_autofree char *member_path = g_strdup_printf ("api/members/%" G_GINT64_FORMAT, member_b1);
  g_autofree char *exclusion_path
      = g_strdup_printf ("api/members/%" G_GINT64_FORMAT "/exclusions", member_b1);
  g_autofree char *meetings_path = g_strdup_printf ("api/orgs/%s/meetings", fixed ("B1"));
  g_autofree char *transition_path
      = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT "/transition", meeting_b1);
  g_autofree char *import_path
      = g_strdup_printf ("api/orgs/%s/import?mode=commit&skip_rejected=1", fixed ("B1"));
  g_autoptr (JsonNode) meeting = NULL;
  g_autofree char *meeting_get = g_strdup_printf ("api/meetings/%" G_GINT64_FORMAT, meeting_b1);

  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = test_count_rows (fx.server, tables[i]);
  for (int k = 0; k < 2; k++) {
    TestClient *c = k == 0 ? sec2 : mem1;
    g_assert_cmpuint (test_client_json (c, "POST", members_path,
                                        "{\"name\":\"越权党员\",\"phone\":\"13411112222\"}", NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_json (c, "PATCH", member_path, "{\"name\":\"越权改名\"}", NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_json (c, "POST", exclusion_path,
                                        "{\"reason\":\"illness\",\"approver\":\"x\","
                                        "\"starts_at\":\"2026-01-01T00:00:00+08:00\"}",
                                        NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_json (c, "POST", meetings_path,
                                        "{\"type\":\"general\",\"title\":\"越权会议\","
                                        "\"planned_start\":\"2026-12-20T14:00:00+08:00\","
                                        "\"planned_end\":\"2026-12-20T16:00:00+08:00\"}",
                                        NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_json (c, "POST", transition_path,
                                        "{\"to\":\"cancelled\",\"reason\":\"越权\"}", NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_send (c, "POST", import_path, "text/csv",
                                        "姓名,手机号,党员类别\r\n越权导入,13411113333,正式\r\n", -1,
                                        NULL, NULL),
                      ==, 403);
    g_assert_cmpuint (test_client_json (c, "POST", "api/accounts",
                                        "{\"login\":\"sneaky\",\"display_name\":\"x\","
                                        "\"password\":\"Sneaky@2026\"}",
                                        NULL),
                      ==, 403);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (test_count_rows (fx.server, tables[i]), ==, before[i]);
  /* And the records themselves are as they were. */
  g_assert_cmpuint (test_client_json (fx.admin, "GET", member_path, NULL, &meeting), ==, 200);
  g_assert_true (
      g_str_has_prefix (json_object_get_string_member (obj (meeting), "name"), "矩阵备用"));
  g_clear_pointer (&meeting, json_node_unref);
  g_assert_cmpuint (test_client_json (fx.admin, "GET", meeting_get, NULL, &meeting), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (obj (meeting), "state"), ==, "scheduled");
}

/* A request with a session but without the CSRF header is refused before
 * the permission check, whoever makes it. */
static void
test_csrf_required (void)
{
  for (int i = 1; i < N_ROLES; i++) {
    g_autoptr (JsonNode) reply = NULL;
    g_autofree char *saved = g_steal_pointer (&fx.clients[i]->csrf);
    g_autofree char *path = g_strdup_printf ("api/orgs/%s/members", fixed ("B1"));
    gint64 n = test_count_rows (fx.server, "members");

    g_assert_cmpuint (test_client_json (fx.clients[i], "POST", path,
                                        "{\"name\":\"无令牌\",\"phone\":\"13422223333\"}", &reply),
                      ==, 403);
    g_assert_cmpstr (test_error_code (reply), ==, "csrf_failed");
    g_assert_cmpint (test_count_rows (fx.server, "members"), ==, n);
    fx.clients[i]->csrf = g_steal_pointer (&saved);
  }
}

/* GET /api/orgs lists exactly what each role may see. */
static void
test_visible_orgs (void)
{
  static const char *const expected[N_ROLES] = {
    NULL,
    "示范街道党工委,第一党支部,第二党支部,第一党小组,第二党小组",
    "第一党支部,第一党小组,第二党小组",
    "第一党支部,第一党小组,第二党小组",
    "示范街道党工委,第一党支部,第二党支部,第一党小组,第二党小组",
    "第二党支部",
  };

  for (int i = 1; i < N_ROLES; i++) {
    g_autoptr (JsonNode) reply = NULL;
    g_autoptr (GPtrArray) names = g_ptr_array_new ();
    g_auto (GStrv) want = g_strsplit (expected[i], ",", -1);
    JsonArray *orgs;

    g_assert_cmpuint (test_client_json (fx.clients[i], "GET", "api/orgs", NULL, &reply), ==, 200);
    orgs = json_object_get_array_member (obj (reply), "orgs");
    for (guint k = 0; k < json_array_get_length (orgs); k++) {
      const char *name
          = json_object_get_string_member (json_array_get_object_element (orgs, k), "name");
      /* Organizations the matrix created are not the demo's. */
      if (!g_str_has_prefix (name, "矩阵"))
        g_ptr_array_add (names, (gpointer) name);
    }
    g_test_message ("%s sees %u organizations", roles[i].name, names->len);
    g_assert_cmpuint (names->len, ==, g_strv_length (want));
    for (guint k = 0; want[k]; k++)
      if (!g_ptr_array_find_with_equal_func (names, want[k], g_str_equal, NULL))
        g_error ("%s does not see %s", roles[i].name, want[k]);
  }
}

static void
set_id (const char *name, gint64 id)
{
  g_hash_table_insert (fx.ids, g_strdup (name), g_strdup_printf ("%" G_GINT64_FORMAT, id));
}

static gint64
meeting_named (gint64 org, const char *title)
{
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", org);
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *list;

  g_assert_cmpuint (test_client_json (fx.admin, "GET", path, NULL, &reply), ==, 200);
  list = json_object_get_array_member (obj (reply), "meetings");
  for (guint i = 0; i < json_array_get_length (list); i++) {
    JsonObject *m = json_array_get_object_element (list, i);
    if (g_str_equal (json_object_get_string_member (m, "title"), title))
      return json_object_get_int_member (m, "id");
  }
  g_error ("no meeting %s", title);
  return 0;
}

static void
setup (void)
{
  gint64 committee, b1, b2, account;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *url;

  fx.server = test_server_start (NULL);
  fx.ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fx.admin = test_client_new (fx.server);
  g_assert_cmpuint (test_client_login (fx.admin, "admin", TEST_PASSWORD), ==, 200);

  committee = test_org_id (fx.server, "示范街道党工委");
  b1 = test_org_id (fx.server, "第一党支部");
  b2 = test_org_id (fx.server, "第二党支部");
  set_id ("C", committee);
  set_id ("B1", b1);
  set_id ("B2", b2);
  set_id ("G1", test_org_id (fx.server, "第一党小组"));
  set_id ("HUANGLI", test_member_id (fx.server, b1, "黄丽"));
  set_id ("WANGJIANGUO", test_member_id (fx.server, b1, "王建国"));
  set_id ("MALAN", test_member_id (fx.server, b2, "马兰"));
  set_id ("MEETING_GENERAL", meeting_named (b1, "第四季度支部党员大会"));
  set_id ("MEETING_COMMITTEE", meeting_named (b1, "支部委员会十二月例会"));
  set_id ("MEETING_GROUP", meeting_named (b1, "第一党小组学习会"));

  /* The secretary of the second branch: 马兰, who holds the post there. */
  body = g_strdup_printf ("{\"login\":\"secretary2\",\"phone\":\"13800000012\","
                          "\"display_name\":\"马兰\",\"member_id\":%s,\"password\":\"Demo@2026\"}",
                          fixed ("MALAN"));
  account = admin_create ("api/accounts", body);
  g_free (body);
  path = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/roles", account);
  body = g_strdup_printf ("{\"role\":\"secretary\",\"org_id\":%" G_GINT64_FORMAT "}", b2);
  admin_ok ("POST", path, body);
  set_id ("MEETING_B2", new_meeting (fixed ("B2")));

  for (int i = 0; i < N_ROLES; i++) {
    fx.clients[i] = logged_in (i);
    if (roles[i].login) {
      g_autoptr (JsonNode) me = NULL;
      g_assert_cmpuint (test_client_json (fx.clients[i], "GET", "api/session", NULL, &me), ==, 200);
      fx.account_ids[i]
          = json_object_get_int_member (json_object_get_object_member (obj (me), "account"), "id");
    }
  }
  /* The second secretary holds exactly what was granted. */
  {
    g_autoptr (JsonNode) me = NULL;
    JsonArray *grants;
    gboolean secretary = FALSE, member = FALSE;
    g_assert_cmpuint (test_client_json (fx.clients[5], "GET", "api/session", NULL, &me), ==, 200);
    grants = json_object_get_array_member (obj (me), "roles");
    for (guint i = 0; i < json_array_get_length (grants); i++) {
      JsonObject *g = json_array_get_object_element (grants, i);
      g_assert_cmpint (json_object_get_int_member (g, "org_id"), ==, b2);
      secretary |= g_str_equal (json_object_get_string_member (g, "role"), "secretary");
      member |= g_str_equal (json_object_get_string_member (g, "role"), "member");
    }
    g_assert_true (secretary && member);
  }

  /* An invitation token and a calendar token to present as anyone. */
  path
      = (g_free (path), g_strdup_printf ("api/meetings/%s/invitations", fixed ("MEETING_GENERAL")));
  g_assert_cmpuint (test_client_json (fx.admin, "POST", path, NULL, &reply), ==, 201);
  g_hash_table_insert (fx.ids, g_strdup ("INVITATION"),
                       g_strdup (json_object_get_string_member (obj (reply), "token")));
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (test_client_json (fx.clients[3], "GET", "api/my/calendar", NULL, &reply), ==,
                    200);
  url = json_object_get_string_member (obj (reply), "url");
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (g_uri_get_path (uri), "/calendar/"));
  g_assert_true (g_str_has_suffix (g_uri_get_path (uri), ".ics"));
  {
    const char *p = g_uri_get_path (uri) + strlen ("/calendar/");
    /* The token itself holds ".ics." (its purpose): cut the suffix only. */
    g_autofree char *token = g_strndup (p, strlen (p) - strlen (".ics"));
    g_hash_table_insert (fx.ids, g_strdup ("CALENDAR"), g_steal_pointer (&token));
  }
}

static void
teardown (void)
{
  for (int i = 0; i < N_ROLES; i++)
    test_client_free (fx.clients[i]);
  test_client_free (fx.admin);
  g_hash_table_unref (fx.ids);
  test_server_stop (fx.server);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/api/permissions/matrix", test_matrix);
  g_test_add_func ("/api/permissions/denied-changes-nothing", test_denied_changes_nothing);
  g_test_add_func ("/api/permissions/csrf-required", test_csrf_required);
  g_test_add_func ("/api/permissions/visible-orgs", test_visible_orgs);
  setup ();
  status = g_test_run ();
  teardown ();
  return status;
}
