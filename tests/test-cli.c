/* The `sanhui` command: help, configuration errors, database commands,
 * demo loading and the admin commands, run as a user would.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sanhui-cli-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
}

#define CLI(f, in, out, err, ...) test_run_cli ((f)->dir, in, out, err, __VA_ARGS__, NULL)

static void
test_help_and_unknown (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (f, NULL, &out, NULL, "--help"), ==, 0);
  g_assert_nonnull (strstr (out, "Usage: sanhui"));
  g_assert_nonnull (strstr (out, "db backup FILE"));
  g_assert_cmpint (CLI (f, NULL, NULL, &err, "frobnicate"), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
}

static char *
write_file (Fixture *f, const char *name, const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_config_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *bad_value = write_file (f, "bad.ini", "# settings\n[server]\nport = many\n");
  g_autofree char *bad_key = write_file (f, "typo.ini", "[server]\nprot = 80\n");
  g_autofree char *err1 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;
  g_autofree char *expect1 = g_strdup_printf ("%s:3", bad_value);
  g_autofree char *expect2 = g_strdup_printf ("%s:2", bad_key);

  g_assert_cmpint (CLI (f, NULL, NULL, &err1, "--config", bad_value, "serve"), ==, 1);
  g_assert_nonnull (strstr (err1, expect1));
  g_assert_nonnull (strstr (err1, "port"));
  g_assert_cmpint (CLI (f, NULL, NULL, &err2, "--config", bad_key, "db", "version"), ==, 1);
  g_assert_nonnull (strstr (err2, expect2));
  g_assert_nonnull (strstr (err2, "prot"));
  g_assert_cmpint (CLI (f, NULL, NULL, &err3, "--set", "server.port=-1", "serve"), ==, 1);
  g_assert_nonnull (strstr (err3, "port"));
  /* Without TLS only loopback may be served. */
  g_assert_cmpint (CLI (f, NULL, NULL, &err4, "--set", "server.listen_address=0.0.0.0", "serve"),
                   ==, 1);
  g_assert_nonnull (strstr (err4, "TLS"));
}

static void
test_db_commands (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *db = g_build_filename (f->dir, "sanhui.db", NULL);
  sqlite3 *handle = NULL;

  g_assert_cmpint (CLI (f, NULL, &out, NULL, "db", "migrate"), ==, 0);
  g_assert_nonnull (strstr (out, "schema version"));
  g_assert_cmpint (CLI (f, NULL, NULL, NULL, "demo"), ==, 0);
  g_assert_cmpint (CLI (f, NULL, NULL, NULL, "db", "backup", backup), ==, 0);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (CLI (f, NULL, NULL, &err, "db", "backup", backup), ==, 1);
  g_assert_nonnull (strstr (err, "exists"));
  /* The backup is a complete database: its demo logins are there, with
   * the accounts of the other members of the first branch and 孙浩. */
  g_assert_cmpint (sqlite3_open_v2 (backup, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (handle, "SELECT count(*) FROM accounts", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 13);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (handle);
  /* A file from a newer Sanhui is refused, and left as it was. */
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA user_version = 999", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (handle);
  g_assert_cmpint (CLI (f, NULL, NULL, &err2, "db", "version"), ==, 1);
  g_assert_nonnull (strstr (err2, "newer"));
}

static void
test_demo_only_into_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (f, NULL, &out, NULL, "demo"), ==, 0);
  g_assert_nonnull (strstr (out, "secretary"));
  g_assert_nonnull (strstr (out, "Demo@2026"));
  g_assert_cmpint (CLI (f, NULL, NULL, &err, "demo"), ==, 1);
  g_assert_nonnull (strstr (err, "empty database"));
}

static void
test_admin_commands (Fixture *f, gconstpointer data)
{
  g_autofree char *branch_id = NULL;
  g_autofree char *member_id = NULL;
  g_autofree char *orgs = NULL;
  g_autofree char *members = NULL;
  g_autofree char *accounts = NULL;
  g_autofree char *weak = NULL;
  g_autofree char *bad_kind = NULL;

  g_assert_cmpint (CLI (f, NULL, &branch_id, NULL, "admin", "org", "add", "--kind", "branch",
                        "--name", "机关党支部"),
                   ==, 0);
  g_strstrip (branch_id);
  g_assert_cmpint (
      CLI (f, NULL, NULL, &bad_kind, "admin", "org", "add", "--kind", "club", "--name", "x"), ==,
      1);
  g_assert_cmpint (CLI (f, NULL, &orgs, NULL, "admin", "org", "list"), ==, 0);
  g_assert_nonnull (strstr (orgs, "机关党支部"));
  g_assert_cmpint (CLI (f, NULL, &member_id, NULL, "admin", "member", "add", "--branch", branch_id,
                        "--name", "钱程", "--phone", "13912345678"),
                   ==, 0);
  g_strstrip (member_id);
  g_assert_cmpint (CLI (f, NULL, &members, NULL, "admin", "member", "list", "--branch", branch_id),
                   ==, 0);
  g_assert_nonnull (strstr (members, "钱程"));
  g_assert_cmpint (CLI (f, "short\n", NULL, &weak, "admin", "account", "add", "--login", "qian",
                        "--name", "钱程", "--member", member_id),
                   ==, 1);
  g_assert_cmpint (CLI (f, "Str0ng-Passw0rd\n", NULL, NULL, "admin", "account", "add", "--login",
                        "qian", "--name", "钱程", "--member", member_id),
                   ==, 0);
  g_assert_cmpint (CLI (f, NULL, NULL, NULL, "admin", "role", "grant", "--login", "qian", "--role",
                        "secretary", "--org", branch_id),
                   ==, 0);
  g_assert_cmpint (CLI (f, NULL, NULL, NULL, "admin", "role", "grant", "--login", "qian", "--role",
                        "member", "--org", branch_id),
                   ==, 1);
  g_assert_cmpint (
      CLI (f, "An0ther-Passw0rd\n", NULL, NULL, "admin", "account", "password", "--login", "qian"),
      ==, 0);
  g_assert_cmpint (CLI (f, NULL, &accounts, NULL, "admin", "account", "list"), ==, 0);
  g_assert_nonnull (strstr (accounts, "qian"));
  /* The password is never echoed anywhere. */
  g_assert_null (strstr (accounts, "Passw0rd"));
}

static void
test_new_account_can_log_in (Fixture *f, gconstpointer data)
{
  TestServer *server = test_server_start (NULL);
  g_autoptr (TestClient) c = test_client_new (server);
  g_autoptr (JsonNode) me = NULL;

  g_assert_cmpint (test_run_cli (server->data_dir, "Str0ng-Passw0rd\n", NULL, NULL, "admin",
                                 "account", "add", "--login", "auditor", "--name", "审计员", NULL),
                   ==, 0);
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, NULL, NULL, "admin", "role", "grant",
                                 "--login", "auditor", "--role", "inspector", "--org", "1", NULL),
                   ==, 0);
  g_assert_cmpuint (test_client_login (c, "auditor", "Str0ng-Passw0rd"), ==, 200);
  g_assert_cmpuint (test_client_json (c, "GET", "api/orgs/1/members", NULL, &me), ==, 200);
  test_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cli/help-and-unknown", test_help_and_unknown);
  ADD ("/cli/config-errors", test_config_errors);
  ADD ("/cli/db-commands", test_db_commands);
  ADD ("/cli/demo-only-into-empty", test_demo_only_into_empty);
  ADD ("/cli/admin-commands", test_admin_commands);
  ADD ("/cli/new-account-can-log-in", test_new_account_can_log_in);
#undef ADD
  return g_test_run ();
}
