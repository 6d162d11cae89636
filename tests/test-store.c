/* The store: migrations on a fresh file, upgrade from an older schema,
 * refusal of a newer one, WAL and foreign keys, transactions and backup;
 * file modes, refusal of empty and foreign files, permission messages, and
 * the health check on a corrupted file. Then the store interface itself: the
 * generic store and a domain file on a backend that is not SQLite.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite/sqlite-private.h"
#include "store-health.h"
#include "store-org.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("sanhui-store-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree char *file = g_build_filename (f->dir, name, NULL);
    g_unlink (file);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
pragma_text (ShStore *store, const char *pragma)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, pragma, "pragma", NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sh_sqlite_column_text (stmt, 0);
}

static void
test_fresh (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = sh_store_open (f->path, &error);
  g_autofree char *journal = NULL;
  g_autofree char *fk = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sh_store_schema_version (store), ==, sh_store_latest_schema_version ());
  g_assert_cmpint (sh_store_latest_schema_version (), >=, 1);
  journal = pragma_text (store, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  fk = pragma_text (store, "PRAGMA foreign_keys");
  g_assert_cmpstr (fk, ==, "1");
  g_assert_cmpint (sh_store_count_rows (store, "organizations", &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_reopen_is_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) first = sh_store_open (f->path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sh_org_create (first, 0, SH_ORG_BRANCH, "第一党支部", &error), >, 0);
  g_clear_pointer (&first, sh_store_free);
  {
    g_autoptr (ShStore) again = sh_store_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (sh_store_count_rows (again, "organizations", NULL), ==, 1);
  }
}

/* A file at schema 0 with data written by hand, as an older release would
 * have left it: opening applies the migrations and keeps the file usable. */
static void
test_upgrade_from_older (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, text TEXT);"
                                 "INSERT INTO legacy_notes (text) VALUES ('kept');",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  store = sh_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_schema_version (store), ==, sh_store_latest_schema_version ());
  {
    g_autofree char *kept = pragma_text (store, "SELECT text FROM legacy_notes");
    g_assert_cmpstr (kept, ==, "kept");
  }
}

/* A failing migration rolls back and leaves the version where it was. */
static void
test_failed_migration_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = NULL;
  sqlite3 *db = NULL;
  int version = -1;
  sqlite3_stmt *stmt = NULL;

  /* A table that migration 1 wants to create already exists. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE meetings (x INTEGER)", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  store = sh_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "migration 1"));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name = 'organizations'", -1,
                          &stmt, NULL),
      ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (version, ==, 0);
}

static void
test_refuse_newer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *set
      = g_strdup_printf ("PRAGMA user_version = %d", sh_store_latest_schema_version () + 1);
  sqlite3 *db = NULL;
  ShStore *store;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, set, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = sh_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_assert_nonnull (strstr (error->message, f->path));
}

static gboolean
insert_then_fail (ShStore *store, gpointer user_data, GError **error)
{
  if (!sh_org_create (store, 0, SH_ORG_BRANCH, "回滚支部", error))
    return FALSE;
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "deliberate");
  return FALSE;
}

static gboolean
nested (ShStore *store, gpointer user_data, GError **error)
{
  g_autoptr (GError) inner = NULL;

  if (!sh_org_create (store, 0, SH_ORG_BRANCH, "外层支部", error))
    return FALSE;
  /* The inner failure rolls back only its own savepoint. */
  g_assert_false (sh_store_transaction (store, insert_then_fail, NULL, &inner));
  g_assert_error (inner, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  return TRUE;
}

static void
test_transactions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = sh_store_open (f->path, &error);

  g_assert_false (sh_store_transaction (store, insert_then_fail, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 0);
  g_assert_true (sh_store_transaction (store, nested, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 1);
}

static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = sh_store_open (f->path, &error);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);

  g_assert_cmpint (sh_org_create (store, 0, SH_ORG_BRANCH, "备份支部", &error), >, 0);
  g_assert_true (sh_store_backup (store, copy, &error));
  g_assert_no_error (error);
  {
    g_autoptr (ShStore) restored = sh_store_open (copy, &error);
    g_assert_no_error (error);
    g_assert_cmpint (sh_store_count_rows (restored, "organizations", NULL), ==, 1);
  }
  /* An existing file is never overwritten. */
  g_assert_false (sh_store_backup (store, copy, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
}

static void
test_unopenable (void)
{
  g_autoptr (GError) error = NULL;
  ShStore *store = sh_store_open ("/nonexistent-dir/sub/x.db", &error);

  g_assert_null (store);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Issue 7: with an existing data directory the database was created
 * world-readable (SQLite's 0644 under the usual umask). */
static void
test_file_modes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  mode_t old_umask = umask (022);

  {
    g_autoptr (ShStore) store = sh_store_open (f->path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (sh_org_create (store, 0, SH_ORG_BRANCH, "权限支部", &error), >, 0);
    g_assert_cmpuint (file_mode (f->path), ==, 0600);
    g_assert_cmpuint (file_mode (wal), ==, 0600);
    g_assert_cmpuint (file_mode (shm), ==, 0600);
    g_assert_true (sh_store_backup (store, copy, &error));
    g_assert_cmpuint (file_mode (copy), ==, 0600);
  }
  /* A file left readable by an older version is tightened on open. */
  g_assert_cmpint (g_chmod (f->path, 0644), ==, 0);
  {
    g_autoptr (ShStore) store = sh_store_open (f->path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (file_mode (f->path), ==, 0600);
    g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 1);
  }
  umask (old_umask);
}

/* Issue 7: a zero-byte file silently became a fresh, empty database; a file
 * that is no database at all is refused as well, and neither is touched. */
static void
test_refuse_empty_or_foreign (Fixture *f, gconstpointer data)
{
  static const char *const contents[] = { "", "hello, this is not a database at all\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (contents); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *after = NULL;
    g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
    ShStore *store;

    g_assert_true (g_file_set_contents (f->path, contents[i], -1, NULL));
    store = sh_store_open (f->path, &error);
    g_assert_null (store);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
    g_assert_nonnull (strstr (error->message, f->path));
    g_assert_nonnull (strstr (error->message, i == 0 ? "empty file (0 bytes)" : "not an SQLite"));
    g_assert_true (g_file_get_contents (f->path, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, contents[i]);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
}

/* A failed open of a path that did not exist leaves nothing behind. */
static void
test_failed_create_leaves_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *path = g_build_filename (dir, "x.db", NULL);

  /* A directory where the file should be. */
  g_assert_cmpint (g_mkdir (f->path, 0700), ==, 0);
  g_assert_null (sh_store_open (f->path, &error));
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_rmdir (f->path);
  g_clear_error (&error);
  g_assert_null (sh_store_open (path, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Issue 7: an unreadable database or a read-only data directory was
 * reported without saying "permission". Root may read and write anything,
 * so as root the check runs in a child that drops to nobody (65534). */
typedef enum {
  PERM_UNREADABLE_FILE,
  PERM_READ_ONLY_DIR,
  PERM_READ_ONLY_DIR_NEW_FILE,
} PermCase;

static void
test_permission_denied (gconstpointer data)
{
  PermCase c = GPOINTER_TO_INT (data);
  gboolean root = geteuid () == 0;

  if (g_test_subprocess ()) {
    g_autoptr (GError) error = NULL;
    ShStore *store;

    if (root && (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0))
      g_error ("cannot drop privileges: %s", g_strerror (errno));
    store = sh_store_open (g_getenv ("SANHUI_TEST_DB"), &error);
    g_assert_null (store);
    g_print ("%s\n", error->message);
    return;
  }

  g_autofree char *dir = g_dir_make_tmp ("sanhui-perm-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sanhui.db", NULL);
  g_autofree char *pattern = NULL;

  if (c != PERM_READ_ONLY_DIR_NEW_FILE) {
    g_autoptr (ShStore) store = sh_store_open (path, NULL);
    g_assert_nonnull (store);
  }
  /* The directory is traversable by the child either way. */
  g_assert_cmpint (g_chmod (dir, c == PERM_UNREADABLE_FILE ? 0755 : 0555), ==, 0);
  if (c == PERM_UNREADABLE_FILE)
    g_assert_cmpint (g_chmod (path, root ? 0600 : 0000), ==, 0);
  else if (c == PERM_READ_ONLY_DIR)
    g_assert_cmpint (g_chmod (path, 0666), ==, 0);
  g_setenv ("SANHUI_TEST_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*permission denied*");
  g_test_trap_assert_stdout ("*uid*");
  pattern = g_strdup_printf ("*%s*", c == PERM_UNREADABLE_FILE ? path : dir);
  g_test_trap_assert_stdout (pattern);
  g_unsetenv ("SANHUI_TEST_DB");
  g_chmod (dir, 0700);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
}

/* Overwrites the pages from the middle of @path to the last but one with
 * garbage, as a failing disk or a stray write would; fill() put table
 * rows there, the schema stays readable at the start. */
static void
corrupt_middle (const char *path)
{
  GStatBuf st;
  int fd;
  guint8 junk[4096];

  memset (junk, 0xa5, sizeof junk);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >=, 8 * 4096);
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  for (off_t off = st.st_size / 4096 / 2 * 4096; off + 2 * 4096 <= st.st_size; off += 4096)
    g_assert_cmpint (pwrite (fd, junk, sizeof junk, off), ==, sizeof junk);
  close (fd);
}

static void
fill (ShStore *store)
{
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 200; i++) {
    g_autofree char *name = g_strdup_printf ("第%d党支部", i);
    g_assert_cmpint (sh_org_create (store, 0, SH_ORG_BRANCH, name, &error), >, 0);
  }
  g_assert_cmpint (sqlite3_exec (sh_sqlite_db (store),
                                 "CREATE TABLE filler (x BLOB);"
                                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                 "WHERE i < 1200) INSERT INTO filler SELECT randomblob(900) FROM n;",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
}

/* Issue 7: /healthz said ok on a corrupt database. */
static void
test_health_corrupt_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (ShStore) store = sh_store_open (f->path, &error);

    fill (store);
    g_assert_true (sh_store_check_health (store, 600, &error));
    g_assert_no_error (error);
  }
  corrupt_middle (f->path);
  {
    /* Opening reads only the header and the schema: it still works. */
    g_autoptr (ShStore) store = sh_store_open (f->path, &error);

    g_assert_no_error (error);
    g_assert_false (sh_store_check_health (store, 600, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
    g_test_message ("corrupt: %s", error->message);
  }
}

/* The quick check is cached: a file that goes bad while open is noticed once
 * the interval has passed, by a check in the background. */
static void
test_health_cached_then_refreshed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = sh_store_open (f->path, &error);
  gboolean healthy = TRUE;

  fill (store);
  g_assert_cmpint (
      sqlite3_exec (sh_sqlite_db (store), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==,
      SQLITE_OK);
  g_assert_true (sh_store_check_health (store, 3600, &error));
  corrupt_middle (f->path);
  /* Within the interval the last result stands (the cheap reads come from
   * the connection's cache). */
  g_assert_true (sh_store_check_health (store, 3600, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 200 && healthy; i++) {
    healthy = sh_store_check_health (store, 0, &error);
    if (healthy)
      g_usleep (50000);
  }
  g_assert_false (healthy);
  g_assert_nonnull (strstr (error->message, "integrity") ? error->message
                                                         : strstr (error->message, "malformed"));
}

static void
test_health_memory (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = sh_store_open (":memory:", &error);

  g_assert_true (sh_store_check_health (store, 600, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------- a backend without SQL */

/* Keeps organizations in an array and counts the transaction calls, so
 * that store.c and org.c are seen to need nothing but the interface. */
typedef struct {
  GPtrArray *orgs; /* (element-type ShOrg) */
  int begun, committed, rolled_back;
  gboolean fail_commit;
  int version;
} FakeData;

static FakeData *
fake (ShStore *store)
{
  return store->backend_data;
}

static void
fake_close (ShStore *store)
{
  g_ptr_array_unref (fake (store)->orgs);
  g_free (fake (store));
}

static gboolean
fake_begin (ShStore *store, GError **error)
{
  fake (store)->begun++;
  return TRUE;
}

static gboolean
fake_commit (ShStore *store, GError **error)
{
  if (fake (store)->fail_commit) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "disk full");
    return FALSE;
  }
  fake (store)->committed++;
  return TRUE;
}

static void
fake_rollback (ShStore *store)
{
  fake (store)->rolled_back++;
}

static int
fake_schema_version (ShStore *store)
{
  return fake (store)->version;
}

static int
fake_latest (void)
{
  return 3;
}

static gint64
fake_count_rows (ShStore *store, const char *table, GError **error)
{
  return g_strcmp0 (table, "organizations") == 0 ? fake (store)->orgs->len : 0;
}

static gboolean
fake_check (ShStore *store, guint interval_s, GError **error)
{
  return TRUE;
}

static gint64
fake_org_insert (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name,
                 gint64 created_at, GError **error)
{
  ShOrg *org = g_new0 (ShOrg, 1);

  org->id = fake (store)->orgs->len + 1;
  org->parent_id = parent_id;
  org->kind = kind;
  org->name = g_strdup (name);
  g_ptr_array_add (fake (store)->orgs, org);
  return org->id;
}

static ShOrg *
fake_org_get (ShStore *store, gint64 id, GError **error)
{
  ShOrg *org;

  if (id < 1 || id > (gint64) fake (store)->orgs->len) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "none");
    return NULL;
  }
  org = g_memdup2 (g_ptr_array_index (fake (store)->orgs, id - 1), sizeof *org);
  org->name = g_strdup (org->name);
  return org;
}

static const ShHealthStoreOps fake_health_ops = { .check = fake_check };
static const ShOrgStoreOps fake_org_ops = { .insert = fake_org_insert, .get = fake_org_get };
static const ShStoreBackend fake_backend = {
  .name = "fake",
  .close = fake_close,
  .begin = fake_begin,
  .commit = fake_commit,
  .rollback = fake_rollback,
  .schema_version = fake_schema_version,
  .latest_schema_version = fake_latest,
  .count_rows = fake_count_rows,
  .health = &fake_health_ops,
  .org = &fake_org_ops,
};

static gboolean
create_branch (ShStore *store, gpointer user_data, GError **error)
{
  return sh_org_create (store, GPOINTER_TO_SIZE (user_data), SH_ORG_BRANCH, " 一支部 ", error) != 0;
}

static void
test_fake_backend (void)
{
  g_autoptr (ShStore) store = g_new0 (ShStore, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShOrg) org = NULL;
  FakeData *data = g_new0 (FakeData, 1);

  data->orgs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_org_free);
  data->version = 3;
  store->backend = &fake_backend;
  store->backend_data = data;

  /* A transaction is begin, the work, commit; a refusal rolls back. */
  g_assert_true (sh_store_transaction (store, create_branch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (data->begun, ==, 1);
  g_assert_cmpint (data->committed, ==, 1);
  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 1);
  /* The domain file checked and trimmed the name before the backend saw it. */
  org = sh_org_get (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (org->name, ==, "一支部");
  g_assert_false (sh_store_transaction (store, create_branch, GSIZE_TO_POINTER (99), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (data->rolled_back, ==, 1);
  /* A commit that fails leaves the unit open: it is rolled back. */
  data->fail_commit = TRUE;
  g_assert_false (sh_store_transaction (store, create_branch, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
  g_clear_error (&error);
  g_assert_cmpint (data->rolled_back, ==, 2);
  g_assert_cmpint (data->committed, ==, 1);

  /* Health: the schema version first, then the backend's own checks. */
  g_assert_true (sh_store_check_health (store, 60, &error));
  g_assert_no_error (error);
  data->version = 2;
  g_assert_false (sh_store_check_health (store, 60, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "version 2, expected 3"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First: they set an environment variable, which is safe only before
   * the health tests start threads. */
  g_test_add_data_func ("/store/permission/unreadable-file", GINT_TO_POINTER (PERM_UNREADABLE_FILE),
                        test_permission_denied);
  g_test_add_data_func ("/store/permission/read-only-dir", GINT_TO_POINTER (PERM_READ_ONLY_DIR),
                        test_permission_denied);
  g_test_add_data_func ("/store/permission/read-only-dir-new-file",
                        GINT_TO_POINTER (PERM_READ_ONLY_DIR_NEW_FILE), test_permission_denied);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/fresh", test_fresh);
  ADD ("/store/reopen", test_reopen_is_idempotent);
  ADD ("/store/upgrade-from-older", test_upgrade_from_older);
  ADD ("/store/failed-migration-rolls-back", test_failed_migration_rolls_back);
  ADD ("/store/refuse-newer", test_refuse_newer);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/backup", test_backup);
  ADD ("/store/file-modes", test_file_modes);
  ADD ("/store/refuse-empty-or-foreign", test_refuse_empty_or_foreign);
  ADD ("/store/failed-create-leaves-nothing", test_failed_create_leaves_nothing);
  ADD ("/store/health-corrupt-file", test_health_corrupt_file);
  ADD ("/store/health-cached-then-refreshed", test_health_cached_then_refreshed);
#undef ADD
  g_test_add_func ("/store/unopenable", test_unopenable);
  g_test_add_func ("/store/health-memory", test_health_memory);
  g_test_add_func ("/store/interface/fake-backend", test_fake_backend);
  return g_test_run ();
}
