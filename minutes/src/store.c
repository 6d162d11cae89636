/* The SQLite store: opening, migrations, transactions, backup.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"

#include <glib/gstdio.h>

G_DEFINE_QUARK (sh - minutes - error - quark, sh_minutes_error)

/* A busy database is waited for this long before failing: the server and a
 * `sanhui db backup` or `sanhui admin` command may touch the file at once. */
#define BUSY_TIMEOUT_MS 5000

void
sh_store_set_error (ShStore *store, const char *purpose, GError **error)
{
  g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "%s: %s", purpose,
               sqlite3_errmsg (store->db));
}

sqlite3_stmt *
sh_store_prepare (ShStore *store, const char *sql, const char *purpose, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    sh_store_set_error (store, purpose, error);
    return NULL;
  }
  return stmt;
}

gboolean
sh_store_step_done (ShStore *store, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  switch (sqlite3_extended_errcode (store->db)) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT, "%s：记录已存在", purpose);
      return FALSE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s：引用的记录不存在",
                   purpose);
      return FALSE;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s：数据不符合要求",
                   purpose);
      return FALSE;
    default:
      sh_store_set_error (store, purpose, error);
      return FALSE;
  }
}

char *
sh_store_column_text (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? g_strdup ((const char *) text) : NULL;
}

void
sh_store_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
sh_store_bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id)
{
  if (id)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

gint64
sh_store_now (void)
{
  return g_get_real_time ();
}

static gboolean
exec_sql (ShStore *store, const char *sql, const char *purpose, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &message) != SQLITE_OK) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "%s: %s", purpose,
                 message ? message : sqlite3_errmsg (store->db));
    sqlite3_free (message);
    return FALSE;
  }
  return TRUE;
}

int
sh_store_schema_version (ShStore *store)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, -1);
  stmt = sh_store_prepare (store, "PRAGMA user_version", "read schema version", NULL);
  if (!stmt || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

int
sh_store_latest_schema_version (void)
{
  return sh_migrations_count;
}

static gboolean
apply_migrations (ShStore *store, GError **error)
{
  int version = sh_store_schema_version (store);

  if (version < 0) {
    sh_store_set_error (store, "read schema version", error);
    return FALSE;
  }
  if (version > sh_migrations_count) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NEWER_SCHEMA,
                 "database %s has schema version %d, but this Sanhui knows only up to %d: "
                 "it was written by a newer version; upgrade Sanhui instead of using this file",
                 store->path, version, sh_migrations_count);
    return FALSE;
  }
  for (int i = version; i < sh_migrations_count; i++) {
    g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", i + 1);
    g_autofree char *purpose = g_strdup_printf ("migration %d", i + 1);

    if (!exec_sql (store, "BEGIN IMMEDIATE", purpose, error))
      return FALSE;
    if (!exec_sql (store, sh_migrations[i], purpose, error)
        || !exec_sql (store, set_version, purpose, error)
        || !exec_sql (store, "COMMIT", purpose, error)) {
      exec_sql (store, "ROLLBACK", purpose, NULL);
      return FALSE;
    }
    g_info ("store: applied migration %d", i + 1);
  }
  return TRUE;
}

ShStore *
sh_store_open (const char *path, GError **error)
{
  g_autoptr (ShStore) store = g_new0 (ShStore, 1);
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  store->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "cannot open database %s: %s",
                 path, store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
    return NULL;
  }
  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (store->db, 1);
  if (!exec_sql (store, "PRAGMA foreign_keys = ON", "enable foreign keys", error))
    return NULL;
  if (g_strcmp0 (path, ":memory:") != 0
      && !exec_sql (store, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", "enable WAL",
                    error))
    return NULL;
  if (!apply_migrations (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

void
sh_store_free (ShStore *store)
{
  if (!store)
    return;
  if (store->db)
    sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store);
}

gboolean
sh_store_transaction (ShStore *store, ShStoreTxnFunc func, gpointer user_data, GError **error)
{
  /* Inside another transaction this becomes a savepoint, so that record
   * functions that need atomicity compose (the demo loader, imports). */
  gboolean nested;

  g_return_val_if_fail (store != NULL && func != NULL, FALSE);
  nested = !sqlite3_get_autocommit (store->db);
  if (!exec_sql (store, nested ? "SAVEPOINT sh_txn" : "BEGIN IMMEDIATE", "begin transaction",
                 error))
    return FALSE;
  if (func (store, user_data, error)
      && exec_sql (store, nested ? "RELEASE sh_txn" : "COMMIT", "commit", error))
    return TRUE;
  exec_sql (store, nested ? "ROLLBACK TO sh_txn; RELEASE sh_txn" : "ROLLBACK", "roll back", NULL);
  return FALSE;
}

gboolean
sh_store_backup (ShStore *store, const char *dest_path, GError **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  g_return_val_if_fail (store != NULL && dest_path != NULL, FALSE);
  if (g_file_test (dest_path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                 "backup target %s already exists; choose a new file name", dest_path);
    return FALSE;
  }
  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "cannot create %s: %s",
                 dest_path, dest ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
    sqlite3_close (dest);
    return FALSE;
  }
  backup = sqlite3_backup_init (dest, "main", store->db, "main");
  if (!backup) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "backup to %s: %s", dest_path,
                 sqlite3_errmsg (dest));
    sqlite3_close (dest);
    return FALSE;
  }
  /* Copy in steps so that writers are not blocked for the whole copy. */
  do {
    rc = sqlite3_backup_step (backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      sqlite3_sleep (50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "backup to %s: %s", dest_path,
                 sqlite3_errstr (rc));
    sqlite3_close (dest);
    g_unlink (dest_path);
    return FALSE;
  }
  sqlite3_close (dest);
  return TRUE;
}

gint64
sh_store_count_rows (ShStore *store, const char *table, GError **error)
{
  static const char *const known[]
      = { "organizations",     "members",      "committee_posts", "group_members", "exclusions",
          "accounts",          "role_grants",  "sessions",        "meetings",      "agenda_items",
          "meeting_state_log", "meeting_chat", "meeting_events",  "meeting_guests" };
  g_autofree char *sql = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean is_known = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    is_known = is_known || g_strcmp0 (known[i], table) == 0;
  g_return_val_if_fail (is_known, -1);
  /* The name is one of the constants above, never user input. */
  sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  stmt = sh_store_prepare (store, sql, "count rows", error);
  if (!stmt)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW) {
    sh_store_set_error (store, "count rows", error);
    return -1;
  }
  return sqlite3_column_int64 (stmt, 0);
}
