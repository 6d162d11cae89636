/* The SQLite backend, migrant visit area: member_visits, member_visit_log
 * and the columns of members that an accepted visit sets (the triggers of
 * migration 4 refuse any other way to set them).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-visit.h"

#define VISIT_COLUMNS                                                                              \
  "id, member_id, home_branch_id, host_branch_id, state, note, requested_by, requested_at,"        \
  " decided_by, decided_at, decision_note, ended_by, ended_at, end_note"

/* Reads a row selected with VISIT_COLUMNS. Returns: (transfer full) */
static ShVisit *
visit_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShVisit) v = g_new0 (ShVisit, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->member_id = sqlite3_column_int64 (stmt, 1);
  v->home_branch_id = sqlite3_column_int64 (stmt, 2);
  v->host_branch_id = sqlite3_column_int64 (stmt, 3);
  if (!sh_visit_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &v->state)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "visit %" G_GINT64_FORMAT " has an unknown state", v->id);
    return NULL;
  }
  v->note = sh_sqlite_column_text (stmt, 5);
  v->requested_by = sqlite3_column_int64 (stmt, 6);
  v->requested_at = sqlite3_column_int64 (stmt, 7);
  v->decided_by = sqlite3_column_int64 (stmt, 8);
  v->decided_at = sqlite3_column_int64 (stmt, 9);
  v->decision_note = sh_sqlite_column_text (stmt, 10);
  v->ended_by = sqlite3_column_int64 (stmt, 11);
  v->ended_at = sqlite3_column_int64 (stmt, 12);
  v->end_note = sh_sqlite_column_text (stmt, 13);
  return g_steal_pointer (&v);
}

static gint64
insert (ShStore *store, gint64 member_id, gint64 home_branch_id, gint64 host_branch_id,
        const char *note, gint64 requested_by, gint64 requested_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO member_visits (member_id, home_branch_id, host_branch_id,"
                            " state, note, requested_by, requested_at)"
                            " VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
                            "申请参加其他支部的组织生活", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, member_id);
  sqlite3_bind_int64 (stmt, 2, home_branch_id);
  sqlite3_bind_int64 (stmt, 3, host_branch_id);
  sh_sqlite_bind_text_or_null (stmt, 4, note);
  sh_sqlite_bind_id_or_null (stmt, 5, requested_by);
  sqlite3_bind_int64 (stmt, 6, requested_at);
  /* The only unique index: one open visit per member. */
  if (!sh_sqlite_step_done (store, stmt, "申请参加其他支部的组织生活", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static ShVisit *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " VISIT_COLUMNS " FROM member_visits WHERE id = ?1",
                            "读取流动党员活动", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return visit_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该流动党员活动申请");
  else
    sh_sqlite_set_error (store, "读取流动党员活动", error);
  return NULL;
}

static gboolean
decide (ShStore *store, gint64 id, ShVisitState to, gint64 decided_by, gint64 at, const char *note,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE member_visits SET state = ?2, decided_by = ?3, decided_at = ?4,"
                            " decision_note = ?5 WHERE id = ?1 AND state = 'pending'",
                            "审批流动党员活动", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, sh_visit_state_to_string (to), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, decided_by);
  sqlite3_bind_int64 (stmt, 4, at);
  sh_sqlite_bind_text_or_null (stmt, 5, note);
  return sh_sqlite_step_done (store, stmt, "审批流动党员活动", error);
}

static gboolean
end (ShStore *store, gint64 id, gint64 ended_by, gint64 at, const char *note, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "UPDATE member_visits SET state = 'ended', ended_by = ?2, ended_at = ?3,"
                           " end_note = ?4 WHERE id = ?1 AND state IN ('pending','accepted')",
                           "结束流动党员活动", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sh_sqlite_bind_id_or_null (stmt, 2, ended_by);
  sqlite3_bind_int64 (stmt, 3, at);
  sh_sqlite_bind_text_or_null (stmt, 4, note);
  return sh_sqlite_step_done (store, stmt, "结束流动党员活动", error);
}

/* Runs @sql bound to (?1 = @member_id, ?2 = @host_branch_id, ?3 = @at). */
static gboolean
update_member (ShStore *store, const char *sql, gint64 member_id, gint64 host_branch_id, gint64 at,
               const char *purpose, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, member_id);
  sqlite3_bind_int64 (stmt, 2, host_branch_id);
  sqlite3_bind_int64 (stmt, 3, at);
  return sh_sqlite_step_done (store, stmt, purpose, error);
}

static gboolean
set_member_host (ShStore *store, gint64 member_id, gint64 host_branch_id, gint64 at, GError **error)
{
  return update_member (store,
                        "UPDATE members SET migrant = 1, current_branch_id = ?2, updated_at = ?3"
                        " WHERE id = ?1",
                        member_id, host_branch_id, at, "审批流动党员活动", error);
}

static gboolean
clear_member_host (ShStore *store, gint64 member_id, gint64 host_branch_id, gint64 at,
                   GError **error)
{
  return update_member (store,
                        "UPDATE members SET current_branch_id = NULL, updated_at = ?3"
                        " WHERE id = ?1 AND current_branch_id = ?2",
                        member_id, host_branch_id, at, "结束流动党员活动", error);
}

static gboolean
log_state (ShStore *store, gint64 visit_id, ShVisitState state, gint64 account_id, const char *note,
           gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO member_visit_log (visit_id, state, account_id, note, at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
                            "记录流动党员活动", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, visit_id);
  sqlite3_bind_text (stmt, 2, sh_visit_state_to_string (state), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, account_id);
  sh_sqlite_bind_text_or_null (stmt, 4, note);
  sqlite3_bind_int64 (stmt, 5, at);
  return sh_sqlite_step_done (store, stmt, "记录流动党员活动", error);
}

static GPtrArray *
list_visits (ShStore *store, const char *sql, gint64 id, guint limit, GError **error)
{
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, "列出流动党员活动", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  visits = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_visit_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShVisit *v = visit_from_row (stmt, error);

    if (!v)
      return NULL;
    g_ptr_array_add (visits, v);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出流动党员活动", error);
    return NULL;
  }
  return g_steal_pointer (&visits);
}

static GPtrArray *
list_for_branch (ShStore *store, gint64 branch_id, gboolean incoming, guint limit, GError **error)
{
  return list_visits (store,
                      incoming ? "SELECT " VISIT_COLUMNS " FROM member_visits"
                                 " WHERE host_branch_id = ?1 ORDER BY id DESC LIMIT ?2"
                               : "SELECT " VISIT_COLUMNS " FROM member_visits"
                                 " WHERE home_branch_id = ?1 ORDER BY id DESC LIMIT ?2",
                      branch_id, limit, error);
}

static GPtrArray *
list_for_member (ShStore *store, gint64 member_id, GError **error)
{
  return list_visits (store,
                      "SELECT " VISIT_COLUMNS " FROM member_visits"
                      " WHERE member_id = ?1 ORDER BY id DESC LIMIT ?2",
                      member_id, 0, error);
}

const ShVisitStoreOps sh_sqlite_visit_ops = {
  .insert = insert,
  .get = get,
  .decide = decide,
  .end = end,
  .set_member_host = set_member_host,
  .clear_member_host = clear_member_host,
  .log = log_state,
  .list_for_branch = list_for_branch,
  .list_for_member = list_for_member,
};
