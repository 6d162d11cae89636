/* The SQLite backend, attendance area: what a meeting is held as (read from
 * meetings), and attendance_frozen / attendance_entries, which migration 7
 * makes append-only. SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-attendance.h"

static gboolean
meeting_basis (ShStore *store, gint64 meeting_id, gboolean *found, ShMeetingType *type,
               gint64 *org_id, gint64 *planned_start, ShMeetingState *state, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT type, org_id, planned_start, state FROM meetings WHERE id = ?1",
                            "读取会议", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取会议", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (!*found)
    return TRUE;
  if (!sh_meeting_type_from_string ((const char *) sqlite3_column_text (stmt, 0), type)
      || !sh_meeting_state_from_string ((const char *) sqlite3_column_text (stmt, 3), state))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "会议类型或状态无效");
  *org_id = sqlite3_column_int64 (stmt, 1);
  *planned_start = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

static gboolean
freeze (ShStore *store, gint64 meeting_id, gint64 at, gint64 frozen_at, GPtrArray *entries,
        GError **error)
{
  g_autoptr (sqlite3_stmt) head = NULL;
  g_autoptr (sqlite3_stmt) row = NULL;

  head = sh_sqlite_prepare (store,
                            "INSERT INTO attendance_frozen (meeting_id, at, frozen_at)"
                            " VALUES (?1, ?2, ?3)",
                            "保存应到人员", error);
  if (!head)
    return FALSE;
  sqlite3_bind_int64 (head, 1, meeting_id);
  sqlite3_bind_int64 (head, 2, at);
  sqlite3_bind_int64 (head, 3, frozen_at);
  /* The primary key: a meeting's list is frozen once. */
  if (!sh_sqlite_step_done (store, head, "保存应到人员", error))
    return FALSE;
  row = sh_sqlite_prepare (store,
                           "INSERT INTO attendance_entries (meeting_id, position, role, member_id,"
                           " account_id, name, status, under_probation, has_vote, reason)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           "保存应到人员", error);
  if (!row)
    return FALSE;
  for (guint i = 0; i < entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (entries, i);

    sqlite3_reset (row);
    sqlite3_bind_int64 (row, 1, meeting_id);
    sqlite3_bind_int64 (row, 2, i);
    sqlite3_bind_text (row, 3, sh_attendance_role_to_string (e->role), -1, SQLITE_STATIC);
    sh_sqlite_bind_id_or_null (row, 4, e->member_id);
    sh_sqlite_bind_id_or_null (row, 5, e->account_id);
    sqlite3_bind_text (row, 6, e->name, -1, SQLITE_TRANSIENT);
    sh_sqlite_bind_text_or_null (row, 7,
                                 e->member_id ? sh_member_status_to_string (e->status) : NULL);
    sqlite3_bind_int (row, 8, e->under_probation ? 1 : 0);
    sqlite3_bind_int (row, 9, e->has_vote ? 1 : 0);
    sh_sqlite_bind_text_or_null (row, 10, e->reason);
    if (!sh_sqlite_step_done (store, row, "保存应到人员", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
get_frozen (ShStore *store, gint64 meeting_id, gboolean *found, ShAttendance *attendance,
            GError **error)
{
  g_autoptr (sqlite3_stmt) head = NULL;
  g_autoptr (sqlite3_stmt) rows = NULL;
  int rc;

  head = sh_sqlite_prepare (store,
                            "SELECT at, frozen_at FROM attendance_frozen WHERE meeting_id = ?1",
                            "读取应到人员", error);
  if (!head)
    return FALSE;
  sqlite3_bind_int64 (head, 1, meeting_id);
  rc = sqlite3_step (head);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取应到人员", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (!*found)
    return TRUE;
  attendance->at = sqlite3_column_int64 (head, 0);
  attendance->frozen_at = sqlite3_column_int64 (head, 1);
  rows = sh_sqlite_prepare (store,
                            "SELECT role, member_id, account_id, name, status, under_probation,"
                            " has_vote, reason FROM attendance_entries WHERE meeting_id = ?1"
                            " ORDER BY position",
                            "读取应到人员", error);
  if (!rows)
    return FALSE;
  sqlite3_bind_int64 (rows, 1, meeting_id);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW) {
    g_autoptr (ShAttendanceEntry) e = g_new0 (ShAttendanceEntry, 1);
    const char *status = (const char *) sqlite3_column_text (rows, 4);

    if (!sh_attendance_role_from_string ((const char *) sqlite3_column_text (rows, 0), &e->role)
        || (status && !sh_member_status_from_string (status, &e->status)))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "应到人员记录无效");
    e->member_id = sqlite3_column_int64 (rows, 1);
    e->account_id = sqlite3_column_int64 (rows, 2);
    e->name = sh_sqlite_column_text (rows, 3);
    e->under_probation = sqlite3_column_int (rows, 5) != 0;
    e->has_vote = sqlite3_column_int (rows, 6) != 0;
    e->reason = sh_sqlite_column_text (rows, 7);
    g_ptr_array_add (attendance->entries, g_steal_pointer (&e));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取应到人员", error);
    return FALSE;
  }
  return TRUE;
}

const ShAttendanceStoreOps sh_sqlite_attendance_ops = {
  .meeting_basis = meeting_basis,
  .freeze = freeze,
  .get_frozen = get_frozen,
};
