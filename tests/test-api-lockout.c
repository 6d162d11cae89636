/* Lock-out that does not lock out the owner: per-address throttling with
 * growing delays, the account-wide lock that spares the networks the owner
 * logged in from, unlock by an administrator (API and password reset), one
 * answer for unknown and known accounts, and the last administrator.
 *
 * The server trusts X-Forwarded-For from loopback
 * (security.trusted_proxies=127.0.0.1), so that one test can speak from many
 * addresses, as an attacker with many machines would.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

static TestServer *server;

typedef struct {
  guint status;
  JsonNode *json;    /* (nullable) */
  char *retry_after; /* (nullable) */
} Reply;

static void
reply_clear (Reply *r)
{
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_pointer (&r->retry_after, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static const char *
error_message (JsonNode *json)
{
  JsonObject *error;

  if (!json || !JSON_NODE_HOLDS_OBJECT (json)
      || !json_object_has_member (json_node_get_object (json), "error"))
    return "";
  error = json_object_get_object_member (json_node_get_object (json), "error");
  return json_object_get_string_member (error, "message");
}

/* POST /api/session as a client at @from (an IP address). */
static void
login_from (const char *from, const char *login, const char *password, Reply *out)
{
  g_autofree char *url = g_strconcat (server->url, "api/session", NULL);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  gsize n;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "login");
  json_builder_add_string_value (b, login);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &n);
  body = g_bytes_new (text, n);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  if (from)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For", from);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  out->status = soup_message_get_status (msg);
  out->retry_after = g_strdup (
      soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));
  if (g_bytes_get_size (reply) > 0
      && json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                     (gssize) g_bytes_get_size (reply), NULL))
    out->json = json_node_copy (json_parser_get_root (parser));
}

static guint
login_status (const char *from, const char *login, const char *password)
{
  g_auto (Reply) r = { 0 };

  login_from (from, login, password, &r);
  return r.status;
}

static TestClient *
admin_client (void)
{
  TestClient *admin = test_client_new (server);

  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  return admin;
}

/* The *Account* object of @login from the administrators' list.
 * Returns: (transfer full). */
static JsonObject *
account_of (TestClient *admin, const char *login)
{
  g_autoptr (JsonNode) list = NULL;
  JsonArray *accounts;

  g_assert_cmpuint (test_client_json (admin, "GET", "api/accounts", NULL, &list), ==, 200);
  accounts = json_object_get_array_member (json_node_get_object (list), "accounts");
  for (guint i = 0; i < json_array_get_length (accounts); i++) {
    JsonObject *a = json_array_get_object_element (accounts, i);
    if (g_str_equal (json_object_get_string_member (a, "login"), login))
      return json_object_ref (a);
  }
  g_assert_not_reached ();
}

static gint64
account_id (TestClient *admin, const char *login)
{
  g_autoptr (JsonObject) account = account_of (admin, login);

  return json_object_get_int_member (account, "id");
}

static gboolean
account_locked (TestClient *admin, const char *login)
{
  g_autoptr (JsonObject) account = account_of (admin, login);

  return json_object_get_boolean_member (account, "locked");
}

static gint64
failed_logins (TestClient *admin, const char *login)
{
  g_autoptr (JsonObject) account = account_of (admin, login);

  return json_object_get_int_member (account, "failed_logins");
}

/* Wrong passwords from @count different addresses of 198.51.100.0/24 (never
 * more than the per-address limit from one): the account-wide lock. */
static void
lock_from_many_addresses (const char *login, int first, int count)
{
  for (int i = 0; i < count; i++) {
    g_autofree char *from = g_strdup_printf ("198.51.100.%d", first + i);
    g_assert_cmpuint (login_status (from, login, "Wrong#pass1"), ==, 401);
  }
}

/* The answer does not tell whether the account exists: same status, code
 * and message for a known name, a phone number and an unknown name, and no
 * count of tries left. */
static void
test_unknown_answers_like_known (void)
{
  g_auto (Reply) known = { 0 };
  g_auto (Reply) phone = { 0 };
  g_auto (Reply) unknown = { 0 };

  login_from ("192.0.2.10", "inspector", "Wrong#pass1", &known);
  login_from ("192.0.2.11", "13800000001", "Wrong#pass1", &phone);
  login_from ("192.0.2.12", "no-such-account", "Wrong#pass1", &unknown);
  g_assert_cmpuint (known.status, ==, 401);
  g_assert_cmpuint (phone.status, ==, 401);
  g_assert_cmpuint (unknown.status, ==, 401);
  g_assert_cmpstr (test_error_code (known.json), ==, test_error_code (unknown.json));
  g_assert_cmpstr (error_message (known.json), ==, error_message (unknown.json));
  g_assert_cmpstr (error_message (phone.json), ==, error_message (unknown.json));
  g_assert_null (strstr (error_message (known.json), "次"));
  g_assert_cmpuint (login_status ("192.0.2.10", "inspector", TEST_PASSWORD), ==, 200);
}

/* Wrong passwords from one address get that address delays that grow
 * (429 with Retry-After, before any hash is computed, even with the right
 * password); the owner elsewhere is not affected. Unknown names are
 * throttled the same way. */
static void
test_address_throttle (void)
{
  g_auto (Reply) first = { 0 };
  g_auto (Reply) second = { 0 };
  g_auto (Reply) right = { 0 };
  g_auto (Reply) ghost = { 0 };
  guint64 wait1 = 0, wait2 = 0;

  /* security.login_account_address_failures=3 */
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (login_status ("203.0.113.5", "member2", "Wrong#pass1"), ==, 401);
  login_from ("203.0.113.5", "member2", "Wrong#pass1", &first);
  g_assert_cmpuint (first.status, ==, 429);
  g_assert_cmpstr (test_error_code (first.json), ==, "too_many_attempts");
  g_assert_nonnull (strstr (error_message (first.json), "后再试"));
  g_assert_nonnull (first.retry_after);
  g_assert_true (g_ascii_string_to_unsigned (first.retry_after, 10, 1, 86400, &wait1, NULL));
  /* Refused before the password is looked at. */
  login_from ("203.0.113.5", "member2", TEST_PASSWORD, &right);
  g_assert_cmpuint (right.status, ==, 429);
  /* The owner, from their usual address, comes in. */
  g_assert_cmpuint (login_status ("192.0.2.20", "member2", TEST_PASSWORD), ==, 200);

  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (login_status ("203.0.113.6", "ghost-account", "Wrong#pass1"), ==, 401);
  login_from ("203.0.113.6", "ghost-account", "Wrong#pass1", &ghost);
  g_assert_cmpuint (ghost.status, ==, 429);
  g_assert_cmpstr (error_message (ghost.json), ==, error_message (first.json));

  /* One address trying many names: security.login_address_failures=10. */
  for (int i = 0; i < 10; i++) {
    g_autofree char *name = g_strdup_printf ("name%d", i);
    g_assert_cmpuint (login_status ("203.0.113.7", name, "Wrong#pass1"), ==, 401);
  }
  login_from ("203.0.113.7", "name99", "Wrong#pass1", &second);
  g_assert_cmpuint (second.status, ==, 429);
  g_assert_true (g_ascii_string_to_unsigned (second.retry_after, 10, 1, 86400, &wait2, NULL));
  g_assert_cmpuint (login_status ("203.0.113.8", "name99", "Wrong#pass1"), ==, 401);
}

/* The scenario of the issue: a stranger types wrong passwords for the
 * secretary, from anywhere, until the account-wide lock. The secretary,
 * from the network they logged in from before, still comes in; the
 * stranger, even with the right password, does not; the lock shows only to
 * someone who knows the password. */
static void
test_stranger_cannot_lock_out_owner (void)
{
  g_autoptr (TestClient) admin = admin_client ();
  g_auto (Reply) stranger_right = { 0 };
  g_auto (Reply) stranger_wrong = { 0 };
  g_auto (Reply) unknown = { 0 };

  g_assert_cmpuint (login_status ("10.20.30.40", "secretary", TEST_PASSWORD), ==, 200);
  /* security.lockout_failures=5, by name and by phone number alike. */
  lock_from_many_addresses ("secretary", 1, 3);
  lock_from_many_addresses ("13800000001", 4, 2);
  g_assert_true (account_locked (admin, "secretary"));

  /* Another address of the same office network: in. */
  g_assert_cmpuint (login_status ("10.20.30.99", "secretary", TEST_PASSWORD), ==, 200);
  /* A new network with the right password: told about the lock. */
  login_from ("198.51.200.1", "secretary", TEST_PASSWORD, &stranger_right);
  g_assert_cmpuint (stranger_right.status, ==, 423);
  g_assert_cmpstr (test_error_code (stranger_right.json), ==, "account_locked");
  g_assert_nonnull (strstr (error_message (stranger_right.json), "管理员"));
  /* A wrong password is answered as always: nothing about the lock. */
  login_from ("198.51.200.2", "secretary", "Wrong#pass1", &stranger_wrong);
  login_from ("198.51.200.3", "nobody-at-all", "Wrong#pass1", &unknown);
  g_assert_cmpuint (stranger_wrong.status, ==, 401);
  g_assert_cmpstr (error_message (stranger_wrong.json), ==, error_message (unknown.json));

  /* The owner's success does not lift the lock for strangers... */
  g_assert_true (account_locked (admin, "secretary"));
}

static void
login_with_code (const char *from, const char *login, const char *password, const char *code,
                 Reply *out)
{
  g_autofree char *url = g_strconcat (server->url, "api/session", NULL);
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *text = g_strdup_printf ("{\"login\":\"%s\",\"password\":\"%s\",\"code\":\"%s\"}",
                                           login, password, code);
  g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For", from);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  out->status = soup_message_get_status (msg);
  if (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                  (gssize) g_bytes_get_size (reply), NULL))
    out->json = json_node_copy (json_parser_get_root (parser));
}

/* The owner, locked out and away from their usual networks, gets a
 * one-time code from the administrator: with the right password it passes
 * the lock once; a wrong password does not use it up; it does not lift
 * the lock for anyone else; only an administrator issues one (API or
 * CLI). */
static void
test_one_time_code (void)
{
  g_autoptr (TestClient) admin = admin_client ();
  g_autoptr (TestClient) inspector = test_client_new (server);
  gint64 id = account_id (admin, "secretary");
  g_autofree char *path = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/login-code", id);
  g_autoptr (JsonNode) issued = NULL;
  g_autofree char *out = NULL;
  g_auto (Reply) no_code = { 0 };
  g_auto (Reply) wrong_code = { 0 };
  g_auto (Reply) wrong_password = { 0 };
  g_auto (Reply) with_code = { 0 };
  g_auto (Reply) again = { 0 };
  g_auto (Reply) cli_code = { 0 };
  const char *code;

  /* Locked since stranger-cannot-lock-out-owner. */
  g_assert_true (account_locked (admin, "secretary"));
  g_assert_cmpuint (test_client_login (inspector, "inspector", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (inspector, "POST", path, NULL, NULL), ==, 403);
  g_assert_cmpuint (test_client_json (admin, "POST", path, NULL, &issued), ==, 201);
  code = json_object_get_string_member (json_node_get_object (issued), "code");
  g_assert_cmpuint (strlen (code), ==, 8);

  login_from ("198.51.220.1", "secretary", TEST_PASSWORD, &no_code);
  g_assert_cmpuint (no_code.status, ==, 423);
  g_assert_nonnull (strstr (error_message (no_code.json), "一次性登录码"));
  login_with_code ("198.51.221.1", "secretary", TEST_PASSWORD, "00000000", &wrong_code);
  g_assert_cmpuint (wrong_code.status, ==, 423);
  login_with_code ("198.51.222.1", "secretary", "Wrong#pass1", code, &wrong_password);
  g_assert_cmpuint (wrong_password.status, ==, 401);
  login_with_code ("198.51.223.1", "secretary", TEST_PASSWORD, code, &with_code);
  g_assert_cmpuint (with_code.status, ==, 200);
  /* Used up; the lock stays for everyone else. */
  login_with_code ("198.51.224.1", "secretary", TEST_PASSWORD, code, &again);
  g_assert_cmpuint (again.status, ==, 423);
  g_assert_true (account_locked (admin, "secretary"));

  /* The same from the command line. */
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, &out, NULL, "admin", "account", "code",
                                 "--login", "secretary", NULL),
                   ==, 0);
  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 8);
  login_with_code ("198.51.225.1", "secretary", TEST_PASSWORD, out, &cli_code);
  g_assert_cmpuint (cli_code.status, ==, 200);
}

/* An administrator unlocks through the API (and the address throttle of
 * the account goes with it); only an administrator may. A password reset
 * by the administrator unlocks too. */
static void
test_admin_unlock (void)
{
  g_autoptr (TestClient) admin = admin_client ();
  g_autoptr (TestClient) inspector = test_client_new (server);
  gint64 id = account_id (admin, "member");
  g_autofree char *unlock = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/unlock", id);
  g_autofree char *password = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/password", id);
  g_autoptr (JsonNode) refused = NULL;

  lock_from_many_addresses ("member", 20, 5);
  g_assert_true (account_locked (admin, "member"));
  g_assert_cmpuint (login_status ("198.51.201.1", "member", TEST_PASSWORD), ==, 423);

  g_assert_cmpuint (test_client_login (inspector, "inspector", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (inspector, "POST", unlock, NULL, &refused), ==, 403);
  g_assert_cmpuint (test_client_json (admin, "POST", unlock, NULL, NULL), ==, 204);
  g_assert_cmpuint (test_client_json (admin, "POST", "api/accounts/999999/unlock", NULL, NULL), ==,
                    404);
  g_assert_false (account_locked (admin, "member"));
  g_assert_cmpuint (login_status ("198.51.201.1", "member", TEST_PASSWORD), ==, 200);

  /* The per-address throttle of the account is lifted by the unlock. */
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint (login_status ("198.51.202.1", "member", "Wrong#pass1"), ==, 401);
  g_assert_cmpuint (login_status ("198.51.202.1", "member", TEST_PASSWORD), ==, 429);
  g_assert_cmpuint (test_client_json (admin, "POST", unlock, NULL, NULL), ==, 204);
  g_assert_cmpuint (login_status ("198.51.202.1", "member", TEST_PASSWORD), ==, 200);

  /* Locked again; the administrator sets a new password: unlocked. */
  lock_from_many_addresses ("member", 40, 5);
  g_assert_true (account_locked (admin, "member"));
  g_assert_cmpuint (
      test_client_json (admin, "POST", password, "{\"password\":\"Neu#Kennwort7\"}", NULL), ==,
      204);
  g_assert_false (account_locked (admin, "member"));
  g_assert_cmpuint (login_status ("198.51.203.1", "member", "Neu#Kennwort7"), ==, 200);
}

/* The last administrator cannot remove their own role (API and CLI) nor be
 * disabled (CLI); with a second administrator, they can. */
static void
test_last_admin (void)
{
  g_autoptr (TestClient) admin = admin_client ();
  gint64 id = account_id (admin, "admin");
  gint64 inspector = account_id (admin, "inspector");
  g_autofree char *revoke = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/roles/admin/0", id);
  g_autofree char *grant = g_strdup_printf ("api/accounts/%" G_GINT64_FORMAT "/roles", inspector);
  g_autoptr (JsonNode) refused = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpuint (test_client_json (admin, "DELETE", revoke, NULL, &refused), ==, 409);
  g_assert_cmpstr (test_error_code (refused), ==, "invalid_state");
  g_assert_nonnull (strstr (error_message (refused), "最后一位"));
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, NULL, &err, "admin", "role", "revoke",
                                 "--login", "admin", "--role", "admin", NULL),
                   !=, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, NULL, &err, "admin", "account", "disable",
                                 "--login", "admin", NULL),
                   !=, 0);
  g_assert_nonnull (strstr (err, "最后一位"));
  /* Still an administrator. */
  g_assert_cmpuint (test_client_json (admin, "GET", "api/accounts", NULL, NULL), ==, 200);

  g_assert_cmpuint (test_client_json (admin, "POST", grant, "{\"role\":\"admin\"}", NULL), ==, 201);
  g_assert_cmpuint (test_client_json (admin, "DELETE", revoke, NULL, NULL), ==, 204);
  g_assert_cmpuint (test_client_json (admin, "GET", "api/accounts", NULL, NULL), ==, 403);
}

/* Sends a log-in and hangs up without waiting for the answer. */
static void
login_and_hang_up (const char *from, const char *login, const char *password)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *body
      = g_strdup_printf ("{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
  g_autofree char *request = g_strdup_printf (
      "POST /api/session HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
      "X-Forwarded-For: %s\r\nContent-Length: %zu\r\n\r\n%s",
      g_uri_get_host (uri), g_uri_get_port (uri), from, strlen (body), body);

  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                          (guint16) g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

/* A client that hangs up while its password is being checked is still
 * counted (hanging up is no way around the throttle), and the server
 * carries on. */
static void
test_hang_up_still_counts (void)
{
  g_autoptr (TestClient) admin = admin_client ();

  g_assert_cmpuint (login_status ("203.0.113.100", "inspector", TEST_PASSWORD), ==, 200);
  g_assert_cmpint (failed_logins (admin, "inspector"), ==, 0);
  for (int i = 0; i < 3; i++)
    login_and_hang_up ("203.0.113.99", "inspector", "Wrong#pass1");
  /* The verdicts are applied on the server's main loop: wait for them
   * without trying again from that address. */
  for (int i = 0; i < 200 && failed_logins (admin, "inspector") < 3; i++)
    g_usleep (10 * 1000);
  g_assert_cmpint (failed_logins (admin, "inspector"), ==, 3);
  g_assert_cmpuint (login_status ("203.0.113.99", "inspector", TEST_PASSWORD), ==, 429);
  g_assert_cmpuint (login_status ("203.0.113.100", "inspector", TEST_PASSWORD), ==, 200);
}

/* Someone at an unattended browser guessing the owner's password through
 * the password change: the same throttle as the log-in, and nothing
 * changes. */
static void
test_old_password_guessing (void)
{
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (JsonNode) me = NULL;
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpuint (test_client_login (c, "member2", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (c, "GET", "api/session", NULL, &me), ==, 200);
  path = g_strdup_printf (
      "api/accounts/%" G_GINT64_FORMAT "/password",
      json_object_get_int_member (
          json_object_get_object_member (json_node_get_object (me), "account"), "id"));
  for (int i = 0; i < 3; i++) {
    g_autofree char *body
        = g_strdup_printf ("{\"old_password\":\"Guess#%d\",\"password\":\"Neu#Mima2026\"}", i);
    g_clear_pointer (&reply, json_node_unref);
    g_assert_cmpuint (test_client_json (c, "POST", path, body, &reply), ==, 403);
    g_assert_cmpstr (test_error_code (reply), ==, "bad_credentials");
  }
  g_clear_pointer (&reply, json_node_unref);
  g_assert_cmpuint (test_client_json (c, "POST", path,
                                      "{\"old_password\":\"" TEST_PASSWORD
                                      "\",\"password\":\"Neu#Mima2026\"}",
                                      &reply),
                    ==, 429);
  g_assert_cmpstr (test_error_code (reply), ==, "too_many_attempts");
  /* Nothing changed: the old password still opens the account elsewhere. */
  g_assert_cmpuint (login_status ("192.0.2.77", "member2", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (c, "GET", "api/session", NULL, NULL), ==, 200);
}

int
main (int argc, char **argv)
{
  static const char *const sets[] = {
    "security.trusted_proxies=127.0.0.1",        "security.lockout_failures=5",
    "security.login_account_address_failures=3", "security.login_address_failures=10",
    "security.login_delay_seconds=60",           NULL,
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (sets);
  g_test_add_func ("/api-lockout/unknown-answers-like-known", test_unknown_answers_like_known);
  g_test_add_func ("/api-lockout/address-throttle", test_address_throttle);
  g_test_add_func ("/api-lockout/stranger-cannot-lock-out-owner",
                   test_stranger_cannot_lock_out_owner);
  g_test_add_func ("/api-lockout/one-time-code", test_one_time_code);
  g_test_add_func ("/api-lockout/admin-unlock", test_admin_unlock);
  g_test_add_func ("/api-lockout/hang-up-still-counts", test_hang_up_still_counts);
  g_test_add_func ("/api-lockout/old-password-guessing", test_old_password_guessing);
  g_test_add_func ("/api-lockout/last-admin", test_last_admin);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
