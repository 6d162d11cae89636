/* The database file when something is wrong with it, against the real
 * `sanhui` binary: a corrupted file answers 503 on /healthz (at start, and
 * when it goes bad while running), an empty or foreign file is refused at
 * start, files are created 0600, and permission problems say so.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define NOBODY "65534"

static const char *
binary (void)
{
  return g_getenv ("SANHUI_BINARY");
}

/* Runs `sanhui --set storage.data_dir=DIR ARGS...`, as nobody when @as_nobody
 * (we may be root, who may read and write anything). Returns the exit
 * status; *@err gets standard error. */
static int
run_sanhui (gboolean as_nobody, const char *data_dir, char **err, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) sanhui = test_sanhui_argv (data_dir);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *web_root = g_build_filename (g_getenv ("SANHUI_SOURCE_ROOT"), "web", NULL);
  va_list ap;

  if (as_nobody) {
    g_ptr_array_add (argv, g_strdup ("setpriv"));
    g_ptr_array_add (argv, g_strdup ("--reuid=" NOBODY));
    g_ptr_array_add (argv, g_strdup ("--regid=" NOBODY));
    g_ptr_array_add (argv, g_strdup ("--clear-groups"));
    g_ptr_array_add (argv, g_strdup ("--"));
  }
  g_ptr_array_extend_and_steal (argv, g_steal_pointer (&sanhui));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup ("server.port=0"));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup_printf ("server.web_root=%s", web_root));
  va_start (ap, first_arg);
  for (const char *a = first_arg; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* A new temp dir holding the demo organization. (transfer full) */
static char *
demo_dir (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *dir = g_dir_make_tmp ("sanhui-faults-XXXXXX", &error);

  g_assert_no_error (error);
  if (test_run_cli (dir, NULL, NULL, &err, "demo", NULL) != 0)
    g_error ("sanhui demo failed: %s", err);
  return dir;
}

static char *
db_in (const char *dir)
{
  return g_build_filename (dir, "sanhui.db", NULL);
}

/* Adds rows of no meaning at the end of the file and writes everything
 * back into it, so that the second half of the file is table pages and the
 * schema at its start stays readable (as when a disk fails under data).
 * Runs beside a live server as another connection would. */
static void
add_bulk (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (
      sqlite3_exec (db,
                    "CREATE TABLE bulk (x BLOB);"
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
                    " INSERT INTO bulk SELECT randomblob(1500) FROM n;"
                    "PRAGMA wal_checkpoint(TRUNCATE);",
                    NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);
}

/* Overwrites the pages from the middle of the file to the last but one. */
static void
corrupt_middle (const char *path)
{
  GStatBuf st;
  guint8 junk[4096];
  int fd;
  guint pages = 0;

  memset (junk, 0x5a, sizeof junk);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  for (off_t off = st.st_size / 4096 / 2 * 4096; off + 2 * 4096 <= st.st_size; off += 4096) {
    g_assert_cmpint (pwrite (fd, junk, sizeof junk, off), ==, sizeof junk);
    pages++;
  }
  close (fd);
  g_assert_cmpuint (pages, >=, 10);
  g_test_message ("overwrote %u of %" G_GINT64_FORMAT " pages", pages, (gint64) st.st_size / 4096);
}

/* GET /healthz: the status, and the body in *@body (freed first). */
static guint
healthz (TestServer *server, char **body)
{
  g_autoptr (TestClient) client = test_client_new (server);
  g_autoptr (GBytes) raw = NULL;
  guint status = test_client_send (client, "GET", "/healthz", NULL, NULL, 0, NULL, &raw);

  g_free (*body);
  *body = raw ? g_strndup (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw)) : g_strdup ("");
  return status;
}

/* Issue 7: /healthz said ok on a corrupt database, and log-in then failed
 * with 500. A copy with pages in the middle overwritten must answer 503
 * with a reason; the intact original 200. */
static void
test_healthz_corrupt_copy (void)
{
  g_autofree char *good_dir = demo_dir ();
  g_autofree char *bad_dir = g_dir_make_tmp ("sanhui-faults-XXXXXX", NULL);
  g_autofree char *good_db = db_in (good_dir);
  g_autofree char *bad_db = db_in (bad_dir);
  g_autoptr (GFile) from = g_file_new_for_path (good_db);
  g_autoptr (GFile) to = g_file_new_for_path (bad_db);
  g_autoptr (GError) error = NULL;
  g_autofree char *good_body = NULL;
  g_autofree char *bad_body = NULL;
  TestServer *good;
  TestServer *bad;

  add_bulk (good_db);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  corrupt_middle (bad_db);

  good = test_server_start_in (good_dir, NULL);
  bad = test_server_start_in (bad_dir, NULL);
  g_assert_cmpuint (healthz (good, &good_body), ==, 200);
  g_assert_cmpstr (good_body, ==, "ok\n");
  g_assert_cmpuint (healthz (bad, &bad_body), ==, 503);
  g_test_message ("corrupt copy: %s", bad_body);
  g_assert_true (g_str_has_prefix (bad_body, "database unavailable: "));
  g_assert_nonnull (strstr (bad_body, "integrity check failed") ? bad_body
                                                                : strstr (bad_body, "malformed"));
  /* No path in an answer anyone may ask for. */
  g_assert_null (strstr (bad_body, bad_dir));
  /* The answer stays the same while the result is cached. */
  g_assert_cmpuint (healthz (bad, &bad_body), ==, 503);
  test_server_stop (good);
  test_server_stop (bad);
}

/* The quick check is cached (storage.integrity_check_seconds); once the
 * interval has passed, a file that went bad while the server runs is
 * noticed. */
static void
test_healthz_corrupted_while_running (void)
{
  static const char *const sets[] = { "storage.integrity_check_seconds=1", NULL };
  TestServer *server = test_server_start (sets);
  g_autofree char *body = NULL;
  guint status = 200;
  guint polls = 0;

  g_assert_cmpuint (healthz (server, &body), ==, 200);
  add_bulk (server->db_path);
  g_assert_cmpuint (healthz (server, &body), ==, 200);
  corrupt_middle (server->db_path);
  /* The check runs in the background once the second has passed; poll for
   * up to 30 s. */
  while (status == 200 && polls++ < 300) {
    g_usleep (100 * 1000);
    g_clear_pointer (&body, g_free);
    status = healthz (server, &body);
  }
  g_test_message ("503 after %u polls: %s", polls, body);
  g_assert_cmpuint (status, ==, 503);
  g_assert_true (g_str_has_prefix (body, "database unavailable: "));
  test_server_stop (server);
}

/* Issue 7: a zero-byte database file silently became a fresh, empty one.
 * It is refused, by the server and by `sanhui db`, and left as it is; so
 * is a file that is no database. A path that does not exist yet is still
 * created (the demo from a fresh data dir). */
static void
test_refuse_empty_or_foreign (void)
{
  static const char *const contents[] = { "", "PK\x03\x04 this is a zip, not a database" };
  g_autofree char *dir = g_dir_make_tmp ("sanhui-faults-XXXXXX", NULL);
  g_autofree char *db = db_in (dir);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (contents); i++) {
    const char *expected = i == 0 ? "empty file (0 bytes)" : "not an SQLite database";
    g_autofree char *serve_err = NULL;
    g_autofree char *db_err = NULL;
    g_autofree char *demo_err = NULL;
    g_autofree char *after = NULL;

    g_assert_true (g_file_set_contents (db, contents[i], -1, NULL));
    g_assert_cmpint (run_sanhui (FALSE, dir, &serve_err, "serve", NULL), !=, 0);
    g_assert_cmpint (run_sanhui (FALSE, dir, &db_err, "db", "version", NULL), !=, 0);
    g_assert_cmpint (run_sanhui (FALSE, dir, &demo_err, "demo", NULL), !=, 0);
    g_test_message ("serve: %s", serve_err);
    g_assert_nonnull (strstr (serve_err, expected));
    g_assert_nonnull (strstr (serve_err, db));
    g_assert_nonnull (strstr (db_err, expected));
    g_assert_nonnull (strstr (demo_err, expected));
    g_assert_true (g_file_get_contents (db, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, contents[i]);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
  g_unlink (db);
  test_remove_tree (dir);
}

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Issue 7: the database was created world-readable when the data
 * directory already existed. Everything the server keeps is 0600. */
static void
test_file_modes (void)
{
  mode_t old_umask = umask (022);
  TestServer *server = test_server_start (NULL);
  g_autofree char *wal = g_strconcat (server->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (server->db_path, "-shm", NULL);
  g_autofree char *secret = g_build_filename (server->data_dir, "secret.key", NULL);
  g_autofree char *backup = g_build_filename (server->data_dir, "backup.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *body = NULL;

  /* The data directory existed before `sanhui demo` (g_dir_make_tmp). */
  g_assert_cmpuint (healthz (server, &body), ==, 200);
  g_assert_cmpuint (mode_of (server->db_path), ==, 0600);
  g_assert_cmpuint (mode_of (wal), ==, 0600);
  g_assert_cmpuint (mode_of (shm), ==, 0600);
  g_assert_cmpuint (mode_of (secret), ==, 0600);
  g_assert_cmpint (test_run_cli (server->data_dir, NULL, NULL, &err, "db", "backup", backup, NULL),
                   ==, 0);
  g_assert_cmpuint (mode_of (backup), ==, 0600);
  test_server_stop (server);

  /* A file left readable by an older version is tightened, with a word. */
  {
    g_autofree char *dir = demo_dir ();
    g_autofree char *db = db_in (dir);
    g_autofree char *out_err = NULL;

    g_assert_cmpint (g_chmod (db, 0644), ==, 0);
    g_assert_cmpint (test_run_cli (dir, NULL, NULL, &out_err, "db", "version", NULL), ==, 0);
    g_assert_nonnull (strstr (out_err, "was readable by other users"));
    g_assert_cmpuint (mode_of (db), ==, 0600);
    test_remove_tree (dir);
  }
  umask (old_umask);
}

/* Whether we can run the binary as nobody (setpriv, and a build tree that
 * nobody may read). */
static gboolean
can_run_as_nobody (void)
{
  g_autofree char *path = g_find_program_in_path ("setpriv");
  g_autoptr (GError) error = NULL;
  int status = -1;
  const char *argv[] = { "setpriv", "--reuid=" NOBODY, "--regid=" NOBODY, "--clear-groups",
                         "--",      binary (),         "--help",          NULL };

  if (!path)
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Issue 7: an unreadable database or a read-only data directory was
 * reported without saying "permission". Root may read and write any file,
 * so as root the binary runs as nobody (setpriv) against files of root's. */
static void
test_permission_denied (void)
{
  gboolean root = geteuid () == 0;
  g_autofree char *dir = demo_dir ();
  g_autofree char *db = db_in (dir);

  if (root && !can_run_as_nobody ()) {
    g_test_skip ("running as root, and setpriv cannot run the binary as nobody: root itself "
                 "bypasses file permissions");
    test_remove_tree (dir);
    return;
  }
  /* Unreadable database: root's 0600 file for nobody, or mode 0000. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (db, root ? 0600 : 0000), ==, 0);
  for (int i = 0; i < 2; i++) {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_sanhui (root, dir, &err, i == 0 ? "serve" : "db", "version", NULL), !=, 0);
    g_test_message ("unreadable: %s", err);
    g_assert_nonnull (strstr (err, "permission denied"));
    g_assert_nonnull (strstr (err, db));
    g_assert_nonnull (strstr (err, "uid"));
  }
  /* Read-only data directory: the file is writable, but SQLite must create
   * the -wal and -shm files beside it. */
  g_assert_cmpint (g_chmod (db, 0666), ==, 0);
  g_assert_cmpint (g_chmod (dir, root ? 0755 : 0555), ==, 0);
  for (int i = 0; i < 2; i++) {
    g_autofree char *err = NULL;

    g_assert_cmpint (run_sanhui (root, dir, &err, i == 0 ? "serve" : "db", "version", NULL), !=, 0);
    g_test_message ("read-only dir: %s", err);
    g_assert_nonnull (strstr (err, "permission denied"));
    g_assert_nonnull (strstr (err, dir));
  }
  /* A -wal file left by a command run as another user (root running
   * `sanhui db`, say): SQLite alone says "unable to open database file". */
  {
    g_autofree char *err = NULL;
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);

    g_assert_cmpint (g_chmod (dir, root ? 0777 : 0755), ==, 0);
    g_assert_true (g_file_set_contents (wal, "", 0, NULL));
    g_assert_cmpint (g_chmod (wal, root ? 0600 : 0000), ==, 0);
    g_assert_cmpint (run_sanhui (root, dir, &err, "db", "version", NULL), !=, 0);
    g_test_message ("foreign -wal: %s", err);
    g_assert_nonnull (strstr (err, "permission denied"));
    g_assert_nonnull (strstr (err, wal));
    g_unlink (wal);
    g_assert_cmpint (g_chmod (dir, root ? 0755 : 0555), ==, 0);
  }
  /* `sanhui db backup` into a directory it may not write. */
  {
    g_autofree char *err = NULL;
    g_autofree char *target = g_build_filename (dir, "backup.db", NULL);
    g_autofree char *other = g_dir_make_tmp ("sanhui-faults-XXXXXX", NULL);
    g_autofree char *other_db = db_in (other);
    g_autoptr (GFile) from = g_file_new_for_path (db);
    g_autoptr (GFile) to = g_file_new_for_path (other_db);

    g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
    g_assert_cmpint (g_chmod (other, 0777), ==, 0);
    g_assert_cmpint (g_chmod (other_db, 0666), ==, 0);
    g_assert_cmpint (run_sanhui (root, other, &err, "db", "backup", target, NULL), !=, 0);
    g_test_message ("backup: %s", err);
    g_assert_nonnull (strstr (err, "permission denied"));
    g_assert_nonnull (strstr (err, target));
    test_remove_tree (other);
  }
  g_chmod (dir, 0700);
  test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store-faults/healthz-corrupt-copy", test_healthz_corrupt_copy);
  g_test_add_func ("/store-faults/healthz-corrupted-while-running",
                   test_healthz_corrupted_while_running);
  g_test_add_func ("/store-faults/refuse-empty-or-foreign", test_refuse_empty_or_foreign);
  g_test_add_func ("/store-faults/file-modes", test_file_modes);
  g_test_add_func ("/store-faults/permission-denied", test_permission_denied);
  return g_test_run ();
}
