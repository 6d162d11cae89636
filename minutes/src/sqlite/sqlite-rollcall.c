/* The SQLite backend, roll call area: rollcalls and rollcall_entries (a
 * partial unique index keeps one open roll call per meeting; triggers let
 * a roll call only close and an entry only be asked and answered, once).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-rollcall.h"

static gint64
insert (ShStore *store, gint64 meeting_id, gint64 started_by, guint seconds, gint64 started_at,
        gint64 deadline, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO rollcalls (meeting_id, started_by, seconds, started_at,"
                            " deadline) VALUES (?1, ?2, ?3, ?4, ?5)",
                            "开始点名", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 2, started_by);
  sqlite3_bind_int64 (stmt, 3, seconds);
  sqlite3_bind_int64 (stmt, 4, started_at);
  sqlite3_bind_int64 (stmt, 5, deadline);
  /* The partial unique index: one open roll call per meeting. */
  if (!sh_sqlite_step_done (store, stmt, "开始点名", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static void
bind_time_or_null (sqlite3_stmt *stmt, int index, gint64 at)
{
  if (at)
    sqlite3_bind_int64 (stmt, index, at);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
add_entry (ShStore *store, gint64 rollcall_id, const ShRollcallEntry *e, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "INSERT INTO rollcall_entries (rollcall_id, member_id, account_id, name,"
                           " expected, on_leave, asked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           "记录点名人员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rollcall_id);
  sqlite3_bind_int64 (stmt, 2, e->member_id);
  sh_sqlite_bind_id_or_null (stmt, 3, e->account_id);
  sqlite3_bind_text (stmt, 4, e->name ? e->name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, e->expected ? 1 : 0);
  sqlite3_bind_int (stmt, 6, e->on_leave ? 1 : 0);
  bind_time_or_null (stmt, 7, e->asked_at);
  return sh_sqlite_step_done (store, stmt, "记录点名人员", error);
}

/* Runs an UPDATE of one row and tells whether it changed one. */
static gboolean
update_one (ShStore *store, sqlite3_stmt *stmt, const char *purpose, gboolean *found,
            GError **error)
{
  if (!sh_sqlite_step_done (store, stmt, purpose, error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
mark_asked (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 account_id, gint64 at,
            gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE rollcall_entries SET asked_at = ?3, account_id = ?4"
                            " WHERE rollcall_id = ?1 AND member_id = ?2 AND asked_at IS NULL",
                            "记录点名人员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rollcall_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_int64 (stmt, 3, at);
  sh_sqlite_bind_id_or_null (stmt, 4, account_id);
  return update_one (store, stmt, "记录点名人员", found, error);
}

static gboolean
answer (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 at, gboolean *found,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE rollcall_entries SET answered_at = ?3 WHERE rollcall_id = ?1"
                            " AND member_id = ?2 AND asked_at IS NOT NULL AND answered_at IS NULL",
                            "记录签到", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rollcall_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_int64 (stmt, 3, at);
  return update_one (store, stmt, "记录签到", found, error);
}

static gboolean
close_rollcall (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "UPDATE rollcalls SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL", "结束点名",
      error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, at);
  return update_one (store, stmt, "结束点名", found, error);
}

static gboolean
read_entries (ShStore *store, ShRollcall *r, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT member_id, account_id, name, expected, on_leave, asked_at,"
                            " answered_at FROM rollcall_entries WHERE rollcall_id = ?1 ORDER BY id",
                            "读取点名记录", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShRollcallEntry *e = g_new0 (ShRollcallEntry, 1);

    e->member_id = sqlite3_column_int64 (stmt, 0);
    e->account_id = sqlite3_column_int64 (stmt, 1);
    e->name = sh_sqlite_column_text (stmt, 2);
    e->expected = sqlite3_column_int (stmt, 3) != 0;
    e->on_leave = sqlite3_column_int (stmt, 4) != 0;
    e->asked_at = sqlite3_column_int64 (stmt, 5);
    e->answered_at = sqlite3_column_int64 (stmt, 6);
    g_ptr_array_add (r->entries, e);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取点名记录", error);
    return FALSE;
  }
  return TRUE;
}

static ShRollcall *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (ShRollcall) r = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT id, meeting_id, started_by, seconds, started_at, deadline,"
                            " closed_at FROM rollcalls WHERE id = ?1",
                            "读取点名记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该次点名");
    return NULL;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取点名记录", error);
    return NULL;
  }
  r = g_new0 (ShRollcall, 1);
  r->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_rollcall_entry_free);
  r->id = sqlite3_column_int64 (stmt, 0);
  r->meeting_id = sqlite3_column_int64 (stmt, 1);
  r->started_by = sqlite3_column_int64 (stmt, 2);
  r->seconds = (guint) sqlite3_column_int64 (stmt, 3);
  r->started_at = sqlite3_column_int64 (stmt, 4);
  r->deadline = sqlite3_column_int64 (stmt, 5);
  r->closed_at = sqlite3_column_int64 (stmt, 6);
  if (!read_entries (store, r, error))
    return NULL;
  return g_steal_pointer (&r);
}

static GArray *
ids (ShStore *store, gint64 meeting_id, gboolean open_only, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT id FROM rollcalls WHERE (?1 = 0 OR meeting_id = ?1)"
                            " AND (?2 = 0 OR closed_at IS NULL) ORDER BY id",
                            "列出点名记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int (stmt, 2, open_only ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    g_array_append_val (out, id);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出点名记录", error);
    return NULL;
  }
  return g_steal_pointer (&out);
}

const ShRollcallStoreOps sh_sqlite_rollcall_ops = {
  .insert = insert,
  .add_entry = add_entry,
  .mark_asked = mark_asked,
  .answer = answer,
  .close = close_rollcall,
  .get = get,
  .ids = ids,
};
