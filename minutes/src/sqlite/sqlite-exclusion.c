/* The SQLite backend, exclusion area: the exclusions table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-exclusion.h"

static gint64
insert (ShStore *store, const ShExclusion *e, gint64 created_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO exclusions (member_id, reason, approver, note, starts_at,"
                            " ends_at, recorded_by, created_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            "登记不计入应到人数", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, e->member_id);
  sqlite3_bind_text (stmt, 2, sh_exclusion_reason_to_string (e->reason), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, e->approver, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 4, e->note);
  sqlite3_bind_int64 (stmt, 5, e->starts_at);
  sqlite3_bind_int64 (stmt, 6, e->ends_at);
  sh_sqlite_bind_id_or_null (stmt, 7, e->recorded_by);
  sqlite3_bind_int64 (stmt, 8, created_at);
  if (!sh_sqlite_step_done (store, stmt, "登记不计入应到人数", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
list (ShStore *store, gint64 member_id, GError **error)
{
  g_autoptr (GPtrArray) exclusions = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT id, member_id, reason, approver, note, starts_at, ends_at,"
                            " recorded_by FROM exclusions WHERE member_id = ?1"
                            " ORDER BY starts_at, id",
                            "列出不计入应到人数的登记", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, member_id);
  exclusions = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_exclusion_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShExclusion) e = g_new0 (ShExclusion, 1);

    e->id = sqlite3_column_int64 (stmt, 0);
    e->member_id = sqlite3_column_int64 (stmt, 1);
    if (!sh_exclusion_reason_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                          &e->reason)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                   "exclusion %" G_GINT64_FORMAT " has an unknown reason", e->id);
      return NULL;
    }
    e->approver = sh_sqlite_column_text (stmt, 3);
    e->note = sh_sqlite_column_text (stmt, 4);
    e->starts_at = sqlite3_column_int64 (stmt, 5);
    e->ends_at = sqlite3_column_int64 (stmt, 6);
    e->recorded_by = sqlite3_column_int64 (stmt, 7);
    g_ptr_array_add (exclusions, g_steal_pointer (&e));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出不计入应到人数的登记", error);
    return NULL;
  }
  return g_steal_pointer (&exclusions);
}

const ShExclusionStoreOps sh_sqlite_exclusion_ops = {
  .insert = insert,
  .list = list,
};
