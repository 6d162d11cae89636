/* Log-in, lock-out, log-out, CSRF and the session cookie, against the real
 * server.  SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;

static void
test_login_by_name_and_phone (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (TestClient) by_phone = test_client_new (server);
  g_autoptr (JsonNode) me = NULL;
  JsonObject *account;

  g_assert_cmpuint (test_client_login (c, "secretary", TEST_PASSWORD), ==, 200);
  g_assert_nonnull (c->csrf);
  g_assert_cmpuint (test_client_json (c, "GET", "api/session", NULL, &me), ==, 200);
  account = json_object_get_object_member (json_node_get_object (me), "account");
  g_assert_cmpstr (json_object_get_string_member (account, "login"), ==, "secretary");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (me), "csrf_token"), ==,
                   c->csrf);
  g_assert_cmpuint (test_client_login (by_phone, "13800000001", TEST_PASSWORD), ==, 200);
}

static void
test_cookie_attributes (void)
{
  g_autofree char *url = g_strconcat (server->url, "api/session", NULL);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) body
      = g_bytes_new_static ("{\"login\":\"member\",\"password\":\"" TEST_PASSWORD "\"}",
                            strlen ("{\"login\":\"member\",\"password\":\"" TEST_PASSWORD "\"}"));
  g_autoptr (GBytes) reply = NULL;
  const char *cookie;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  cookie = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Set-Cookie");
  g_assert_nonnull (cookie);
  g_assert_true (g_str_has_prefix (cookie, "sanhui_session="));
  g_assert_nonnull (strstr (cookie, "HttpOnly"));
  g_assert_nonnull (strstr (cookie, "SameSite=Strict"));
  g_assert_nonnull (strstr (cookie, "Path=/"));
}

static void
test_bad_credentials (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (JsonNode) reply = NULL;
  g_autoptr (JsonNode) unknown = NULL;

  g_assert_cmpuint (test_client_json (c, "POST", "api/session",
                                      "{\"login\":\"inspector\",\"password\":\"wrong-password\"}",
                                      &reply),
                    ==, 401);
  g_assert_cmpstr (test_error_code (reply), ==, "bad_credentials");
  g_assert_cmpuint (test_client_json (c, "POST", "api/session",
                                      "{\"login\":\"nobody\",\"password\":\"whatever1\"}",
                                      &unknown),
                    ==, 401);
  g_assert_cmpstr (test_error_code (unknown), ==, "bad_credentials");
  g_assert_cmpuint (test_client_json (c, "GET", "api/session", NULL, NULL), ==, 401);
  /* A success resets the failure count for the next test. */
  g_assert_cmpuint (test_client_login (c, "inspector", TEST_PASSWORD), ==, 200);
}

/* Wrong passwords up to the account-wide lock (security.lockout_failures=3)
 * do not lock the owner out of the network they logged in from before
 * (the member logged in from loopback in cookie-attributes); the
 * administrator's unlock command still works. */
static void
test_lockout (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (JsonNode) reply = NULL;
  const char *wrong = "{\"login\":\"member\",\"password\":\"not-the-password\"}";

  for (int i = 0; i < 3; i++) {
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (test_client_json (c, "POST", "api/session", wrong, &reply), ==, 401);
    g_assert_cmpstr (test_error_code (reply), ==, "bad_credentials");
  }
  /* Locked now, but not for the owner at their usual place. */
  g_assert_cmpuint (test_client_login (c, "member", TEST_PASSWORD), ==, 200);
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, NULL, NULL, "admin", "account", "unlock",
                                 "--login", "member", NULL),
                   ==, 0);
  g_assert_cmpuint (test_client_login (c, "member", TEST_PASSWORD), ==, 200);
}

static char *
calendar_url_path (TestClient *c, const char *method)
{
  g_autoptr (JsonNode) reply = NULL;
  const char *url;

  g_assert_cmpuint (test_client_json (c, method, "api/my/calendar", NULL, &reply), ==, 200);
  url = json_object_get_string_member (json_node_get_object (reply), "url");
  g_assert_true (g_str_has_prefix (url, server->url));
  return g_strdup (url + strlen (server->url));
}

static guint
get_status (TestClient *c, const char *path)
{
  return test_client_send (c, "GET", path, NULL, NULL, 0, NULL, NULL);
}

/* A password change ends every other session, the live WebSocket of one
 * of them at its next message, and the calendar link; the changer's own
 * session stays. The owner renews the calendar link: the old one dies. An
 * administrator's reset ends every session. */
static void
test_password_change_ends_sessions (void)
{
  g_autoptr (TestClient) a = test_client_new (server);
  g_autoptr (TestClient) b = test_client_new (server);
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (TestClient) admin = test_client_new (server);
  g_autoptr (TestClient) anyone = test_client_new (server);
  g_autoptr (TestWs) ws = NULL;
  g_autoptr (JsonNode) me = NULL;
  g_autoptr (JsonNode) error = NULL;
  g_autofree char *password_path = NULL;
  g_autofree char *old_link = NULL;
  g_autofree char *new_link = NULL;
  g_autofree char *renewed = NULL;
  gint64 id;

  g_assert_cmpuint (test_client_login (a, "member2", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (b, "member2", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (c, "member2", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (a, "GET", "api/session", NULL, &me), ==, 200);
  id = json_object_get_int_member (
      json_object_get_object_member (json_node_get_object (me), "account"), "id");
  password_path = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/password", id);
  old_link = calendar_url_path (a, "GET");
  g_assert_cmpuint (get_status (anyone, old_link), ==, 200);
  ws = test_ws_connect (b);

  /* Weak new passwords are refused first: the account's name, a common
   * one. */
  g_assert_cmpuint (test_client_json (a, "POST", password_path,
                                      "{\"old_password\":\"" TEST_PASSWORD
                                      "\",\"password\":\"member2#Pw\"}",
                                      &error),
                    ==, 400);
  g_assert_cmpuint (test_client_json (a, "POST", password_path,
                                      "{\"old_password\":\"" TEST_PASSWORD
                                      "\",\"password\":\"woaini1314\"}",
                                      NULL),
                    ==, 400);
  /* Refused attempts end nothing. */
  g_assert_cmpuint (test_client_json (b, "GET", "api/session", NULL, NULL), ==, 200);

  g_assert_cmpuint (test_client_json (a, "POST", password_path,
                                      "{\"old_password\":\"" TEST_PASSWORD
                                      "\",\"password\":\"Xin#Mima2026\"}",
                                      NULL),
                    ==, 204);
  g_assert_cmpuint (test_client_json (a, "GET", "api/session", NULL, NULL), ==, 200);
  g_assert_cmpuint (test_client_json (b, "GET", "api/session", NULL, NULL), ==, 401);
  g_assert_cmpuint (test_client_json (c, "GET", "api/my/meetings", NULL, NULL), ==, 401);
  {
    g_autofree char *sent = test_ws_send (ws, "ping", NULL);
    g_autoptr (JsonNode) refused = test_ws_next_of_type (ws, "error");

    g_assert_cmpstr (test_ws_error_code (refused), ==, "unauthenticated");
  }
  g_assert_cmpuint (get_status (anyone, old_link), ==, 404);

  /* The owner's new link works; renewing it kills it. */
  new_link = calendar_url_path (a, "GET");
  g_assert_cmpuint (get_status (anyone, new_link), ==, 200);
  renewed = calendar_url_path (a, "POST");
  g_assert_cmpstr (renewed, !=, new_link);
  g_assert_cmpuint (get_status (anyone, new_link), ==, 404);
  g_assert_cmpuint (get_status (anyone, renewed), ==, 200);
  g_assert_cmpuint (test_client_json (anyone, "POST", "api/my/calendar", NULL, NULL), ==, 401);

  /* The administrator's reset ends every session, the changer's too. */
  g_assert_cmpuint (
      test_client_json (admin, "POST", password_path, "{\"password\":\"Reset#Mima2026\"}", NULL),
      ==, 204);
  g_assert_cmpuint (test_client_json (a, "GET", "api/session", NULL, NULL), ==, 401);
  g_assert_cmpuint (get_status (anyone, renewed), ==, 404);
  g_assert_cmpuint (test_client_json (admin, "GET", "api/session", NULL, NULL), ==, 200);
  g_assert_cmpuint (test_client_login (b, "member2", TEST_PASSWORD), ==, 401);
  g_assert_cmpuint (test_client_login (b, "member2", "Reset#Mima2026"), ==, 200);
}

static void
test_logout (void)
{
  g_autoptr (TestClient) c = test_client_new (server);

  g_assert_cmpuint (test_client_login (c, "secretary", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (c, "DELETE", "api/session", NULL, NULL), ==, 204);
  g_assert_cmpuint (test_client_json (c, "GET", "api/session", NULL, NULL), ==, 401);
  g_assert_cmpuint (test_client_json (c, "GET", "api/my/meetings", NULL, NULL), ==, 401);
}

static void
test_csrf (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (JsonNode) missing = NULL;
  g_autoptr (JsonNode) wrong = NULL;
  g_autofree char *real = NULL;
  gint64 meetings = test_count_rows (server, "meetings");
  gint64 branch = test_org_id (server, "第一党支部");
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", branch);
  const char *body = "{\"type\":\"general\",\"title\":\"CSRF 测试\","
                     "\"planned_start\":\"2026-12-24T14:00:00+08:00\","
                     "\"planned_end\":\"2026-12-24T15:00:00+08:00\"}";

  g_assert_cmpuint (test_client_login (c, "secretary", TEST_PASSWORD), ==, 200);
  real = g_steal_pointer (&c->csrf);
  g_assert_cmpuint (test_client_json (c, "POST", path, body, &missing), ==, 403);
  g_assert_cmpstr (test_error_code (missing), ==, "csrf_failed");
  c->csrf = g_strdup ("forged-token-forged-token-forged");
  g_assert_cmpuint (test_client_json (c, "POST", path, body, &wrong), ==, 403);
  g_assert_cmpstr (test_error_code (wrong), ==, "csrf_failed");
  /* Logging out is a state change too. */
  g_assert_cmpuint (test_client_json (c, "DELETE", "api/session", NULL, NULL), ==, 403);
  g_assert_cmpint (test_count_rows (server, "meetings"), ==, meetings);
  g_free (c->csrf);
  c->csrf = g_steal_pointer (&real);
  g_assert_cmpuint (test_client_json (c, "POST", path, body, NULL), ==, 201);
  g_assert_cmpint (test_count_rows (server, "meetings"), ==, meetings + 1);
}

static void
test_session_in_store_is_hashed (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (SoupCookieJar) jar = NULL;
  g_autofree char *db_text = NULL;
  gsize length;
  GSList *cookies;
  char *token = NULL;

  g_assert_cmpuint (test_client_login (c, "admin", TEST_PASSWORD), ==, 200);
  jar = SOUP_COOKIE_JAR (
      g_object_ref (soup_session_get_feature (c->session, SOUP_TYPE_COOKIE_JAR)));
  cookies = soup_cookie_jar_all_cookies (jar);
  for (GSList *l = cookies; l; l = l->next)
    if (g_str_equal (soup_cookie_get_name (l->data), "sanhui_session"))
      token = g_strdup (soup_cookie_get_value (l->data));
  g_slist_free_full (cookies, (GDestroyNotify) soup_cookie_free);
  g_assert_nonnull (token);
  /* Neither the database nor its WAL holds the token itself. */
  for (const char *suffix = ""; suffix; suffix = g_str_equal (suffix, "") ? "-wal" : NULL) {
    g_autofree char *file = g_strconcat (server->db_path, suffix, NULL);
    g_clear_pointer (&db_text, g_free);
    if (g_file_get_contents (file, &db_text, &length, NULL))
      g_assert_null (g_strstr_len (db_text, (gssize) length, token));
  }
  /* Nor does the server's log. */
  g_assert_null (strstr (test_server_log (server), token));
  g_assert_null (strstr (test_server_log (server), TEST_PASSWORD));
  g_free (token);
}

/* /metrics for a scraper on loopback: the counters in the Prometheus text
 * format, the media rooms' forwarded packets among them (none yet). */
static void
test_metrics (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (GBytes) raw = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpuint (test_client_send (c, "GET", "metrics", NULL, NULL, 0, NULL, &raw), ==, 200);
  text = g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  g_assert_nonnull (strstr (text, "# TYPE sanhui_media_forwarded_packets_total counter\n"
                                  "sanhui_media_forwarded_packets_total 0\n"));
  g_assert_nonnull (strstr (text, "# TYPE sanhui_login_failures_total counter\n"));
}

int
main (int argc, char **argv)
{
  static const char *const sets[] = { "security.lockout_failures=3", NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (sets);
  g_test_add_func ("/api-session/login", test_login_by_name_and_phone);
  g_test_add_func ("/api-session/cookie-attributes", test_cookie_attributes);
  g_test_add_func ("/api-session/bad-credentials", test_bad_credentials);
  g_test_add_func ("/api-session/lockout", test_lockout);
  g_test_add_func ("/api-session/password-change-ends-sessions",
                   test_password_change_ends_sessions);
  g_test_add_func ("/api-session/logout", test_logout);
  g_test_add_func ("/api-session/csrf", test_csrf);
  g_test_add_func ("/api-session/token-not-stored-or-logged", test_session_in_store_is_hashed);
  g_test_add_func ("/api-session/metrics", test_metrics);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
