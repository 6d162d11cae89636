/* The SQLite backend, leave area: leave_requests and leave_log (migration
 * 7: requests move forward from pending only, the log is append-only, and
 * a partial unique index keeps one open request per member and meeting).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-leave.h"

#define LEAVE_COLUMNS                                                                              \
  "id, meeting_id, member_id, reason, state, requested_by, requested_at, decided_by,"              \
  " decided_at, decision_note"

/* Reads a row selected with LEAVE_COLUMNS. Returns: (transfer full) */
static ShLeaveRequest *
leave_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShLeaveRequest) r = g_new0 (ShLeaveRequest, 1);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->meeting_id = sqlite3_column_int64 (stmt, 1);
  r->member_id = sqlite3_column_int64 (stmt, 2);
  r->reason = sh_sqlite_column_text (stmt, 3);
  if (!sh_leave_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &r->state)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "leave request %" G_GINT64_FORMAT " has an unknown state", r->id);
    return NULL;
  }
  r->requested_by = sqlite3_column_int64 (stmt, 5);
  r->requested_at = sqlite3_column_int64 (stmt, 6);
  r->decided_by = sqlite3_column_int64 (stmt, 7);
  r->decided_at = sqlite3_column_int64 (stmt, 8);
  r->decision_note = sh_sqlite_column_text (stmt, 9);
  return g_steal_pointer (&r);
}

static gint64
insert (ShStore *store, gint64 meeting_id, gint64 member_id, const char *reason,
        gint64 requested_by, gint64 requested_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO leave_requests (meeting_id, member_id, reason, state,"
                            " requested_by, requested_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
                            "提交请假申请", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 4, requested_by);
  sqlite3_bind_int64 (stmt, 5, requested_at);
  /* The only unique index: one open request per member and meeting. */
  if (!sh_sqlite_step_done (store, stmt, "提交请假申请", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static ShLeaveRequest *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " LEAVE_COLUMNS " FROM leave_requests WHERE id = ?1",
                            "读取请假申请", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return leave_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该请假申请");
  else
    sh_sqlite_set_error (store, "读取请假申请", error);
  return NULL;
}

static gboolean
decide (ShStore *store, gint64 id, ShLeaveState to, gint64 account_id, gint64 at, const char *note,
        gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "UPDATE leave_requests SET state = ?2, decided_by = ?3, decided_at = ?4,"
                           " decision_note = ?5 WHERE id = ?1 AND state = 'pending'",
                           "审批请假申请", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, sh_leave_state_to_string (to), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, account_id);
  sqlite3_bind_int64 (stmt, 4, at);
  sh_sqlite_bind_text_or_null (stmt, 5, note);
  if (!sh_sqlite_step_done (store, stmt, "审批请假申请", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
log_state (ShStore *store, gint64 leave_id, ShLeaveState state, gint64 account_id, const char *note,
           gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO leave_log (leave_id, state, account_id, note, at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5)",
                            "记录请假申请", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, leave_id);
  sqlite3_bind_text (stmt, 2, sh_leave_state_to_string (state), -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, account_id);
  sh_sqlite_bind_text_or_null (stmt, 4, note);
  sqlite3_bind_int64 (stmt, 5, at);
  return sh_sqlite_step_done (store, stmt, "记录请假申请", error);
}

static GPtrArray *
list (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error)
{
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " LEAVE_COLUMNS " FROM leave_requests WHERE meeting_id = ?1"
                            " AND (?2 = 0 OR member_id = ?2) ORDER BY id",
                            "列出请假申请", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  requests = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_leave_request_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShLeaveRequest *r = leave_from_row (stmt, error);

    if (!r)
      return NULL;
    g_ptr_array_add (requests, r);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出请假申请", error);
    return NULL;
  }
  return g_steal_pointer (&requests);
}

const ShLeaveStoreOps sh_sqlite_leave_ops = {
  .insert = insert,
  .get = get,
  .decide = decide,
  .log = log_state,
  .list = list,
};
