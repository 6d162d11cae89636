/* The SQLite backend, past meeting area: past_meetings and
 * past_attendance (the last migration makes both append-only).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-past-meeting.h"

static gboolean
insert (ShStore *store, const ShPastMeeting *past, GError **error)
{
  g_autoptr (sqlite3_stmt) head = NULL;
  g_autoptr (sqlite3_stmt) row = NULL;

  head = sh_sqlite_prepare (store,
                            "INSERT INTO past_meetings (meeting_id, started_at, ended_at,"
                            " entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                            "保存补录会议", error);
  if (!head)
    return FALSE;
  sqlite3_bind_int64 (head, 1, past->meeting_id);
  sqlite3_bind_int64 (head, 2, past->started_at);
  sqlite3_bind_int64 (head, 3, past->ended_at);
  sh_sqlite_bind_id_or_null (head, 4, past->entered_by);
  sqlite3_bind_int64 (head, 5, past->entered_at);
  if (!sh_sqlite_step_done (store, head, "保存补录会议", error))
    return FALSE;
  row = sh_sqlite_prepare (store,
                           "INSERT INTO past_attendance (meeting_id, position, member_id, status)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           "保存补录出勤", error);
  if (!row)
    return FALSE;
  for (guint i = 0; past->statuses && i < past->statuses->len; i++) {
    const ShPastAttendance *a = &g_array_index (past->statuses, ShPastAttendance, i);

    sqlite3_reset (row);
    sqlite3_bind_int64 (row, 1, past->meeting_id);
    sqlite3_bind_int64 (row, 2, i);
    sqlite3_bind_int64 (row, 3, a->member_id);
    sqlite3_bind_text (row, 4, sh_attendance_status_to_string (a->status), -1, SQLITE_STATIC);
    if (!sh_sqlite_step_done (store, row, "保存补录出勤", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
status_from_string (const char *s, ShAttendanceStatus *out)
{
  for (guint i = 0; s && i < SH_ATTENDANCE_STATUS_COUNT; i++) {
    if (g_strcmp0 (s, sh_attendance_status_to_string ((ShAttendanceStatus) i)) == 0) {
      *out = (ShAttendanceStatus) i;
      return TRUE;
    }
  }
  return FALSE;
}

static ShPastMeeting *
get (ShStore *store, gint64 meeting_id, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) head = NULL;
  g_autoptr (sqlite3_stmt) rows = NULL;
  g_autoptr (ShPastMeeting) past = NULL;
  int rc;

  *found = FALSE;
  head = sh_sqlite_prepare (store,
                            "SELECT started_at, ended_at, entered_by, entered_at FROM past_meetings"
                            " WHERE meeting_id = ?1",
                            "读取补录会议", error);
  if (!head)
    return NULL;
  sqlite3_bind_int64 (head, 1, meeting_id);
  rc = sqlite3_step (head);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取补录会议", error);
    return NULL;
  }
  past = g_new0 (ShPastMeeting, 1);
  past->meeting_id = meeting_id;
  past->started_at = sqlite3_column_int64 (head, 0);
  past->ended_at = sqlite3_column_int64 (head, 1);
  past->entered_by = sqlite3_column_int64 (head, 2);
  past->entered_at = sqlite3_column_int64 (head, 3);
  past->statuses = g_array_new (FALSE, FALSE, sizeof (ShPastAttendance));
  rows = sh_sqlite_prepare (store,
                            "SELECT member_id, status FROM past_attendance WHERE meeting_id = ?1"
                            " ORDER BY position",
                            "读取补录出勤", error);
  if (!rows)
    return NULL;
  sqlite3_bind_int64 (rows, 1, meeting_id);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW) {
    ShPastAttendance a = { .member_id = sqlite3_column_int64 (rows, 0) };

    if (!status_from_string ((const char *) sqlite3_column_text (rows, 1), &a.status)) {
      sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "补录出勤的状态无效");
      return NULL;
    }
    g_array_append_val (past->statuses, a);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取补录出勤", error);
    return NULL;
  }
  *found = TRUE;
  return g_steal_pointer (&past);
}

const ShPastMeetingStoreOps sh_sqlite_past_meeting_ops = {
  .insert = insert,
  .get = get,
};
