/* The store: migrations on a fresh file, upgrade from an older schema,
 * refusal of a newer one, WAL and foreign keys, transactions and backup.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"

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
  g_autoptr (sqlite3_stmt) stmt = sh_store_prepare (store, pragma, "pragma", NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sh_store_column_text (stmt, 0);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/store/fresh", test_fresh);
  ADD ("/store/reopen", test_reopen_is_idempotent);
  ADD ("/store/upgrade-from-older", test_upgrade_from_older);
  ADD ("/store/failed-migration-rolls-back", test_failed_migration_rolls_back);
  ADD ("/store/refuse-newer", test_refuse_newer);
  ADD ("/store/transactions", test_transactions);
  ADD ("/store/backup", test_backup);
#undef ADD
  g_test_add_func ("/store/unopenable", test_unopenable);
  return g_test_run ();
}
