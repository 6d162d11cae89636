/* The SQLite backend, presence area: presence_intervals and
 * presence_heartbeat (migration 8: an interval is closed once and never
 * deleted; a partial unique index keeps one open interval per person and
 * meeting).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-presence.h"

#define INTERVAL_COLUMNS                                                                           \
  "id, meeting_id, account_id, member_id, role, started_at, ended_at, end_reason, device, video"

/* Reads a row selected with INTERVAL_COLUMNS. Returns: (transfer full) */
static ShPresenceInterval *
interval_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShPresenceInterval) i = g_new0 (ShPresenceInterval, 1);
  const char *end = (const char *) sqlite3_column_text (stmt, 7);

  i->id = sqlite3_column_int64 (stmt, 0);
  i->meeting_id = sqlite3_column_int64 (stmt, 1);
  i->account_id = sqlite3_column_int64 (stmt, 2);
  i->member_id = sqlite3_column_int64 (stmt, 3);
  i->started_at = sqlite3_column_int64 (stmt, 5);
  i->ended_at = sqlite3_column_int64 (stmt, 6);
  i->video = sqlite3_column_int (stmt, 9) != 0;
  if (!sh_attendance_role_from_string ((const char *) sqlite3_column_text (stmt, 4), &i->role)
      || !sh_device_from_string ((const char *) sqlite3_column_text (stmt, 8), &i->device)
      || !sh_presence_end_from_string (end ? end : "open", &i->end_reason)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "attendance interval %" G_GINT64_FORMAT " has an unknown value", i->id);
    return NULL;
  }
  return g_steal_pointer (&i);
}

static gint64
insert (ShStore *store, const ShPresenceInterval *i, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO presence_intervals (meeting_id, account_id, member_id,"
                            " role, started_at, device, video) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            "记录出席时段", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, i->meeting_id);
  sqlite3_bind_int64 (stmt, 2, i->account_id);
  sh_sqlite_bind_id_or_null (stmt, 3, i->member_id);
  sqlite3_bind_text (stmt, 4, sh_attendance_role_to_string (i->role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, i->started_at);
  sqlite3_bind_text (stmt, 6, sh_device_to_string (i->device), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, i->video ? 1 : 0);
  /* The only unique index: one open interval per person and meeting. */
  if (!sh_sqlite_step_done (store, stmt, "记录出席时段", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
close_interval (ShStore *store, gint64 id, gint64 at, ShPresenceEnd reason, gboolean *found,
                GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE presence_intervals SET ended_at = ?2, end_reason = ?3"
                            " WHERE id = ?1 AND ended_at IS NULL",
                            "结束出席时段", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, at);
  sqlite3_bind_text (stmt, 3, sh_presence_end_to_string (reason), -1, SQLITE_STATIC);
  if (!sh_sqlite_step_done (store, stmt, "结束出席时段", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
mark_video (ShStore *store, gint64 id, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "UPDATE presence_intervals SET video = 1 WHERE id = ?1 AND ended_at IS NULL",
      "记录视频", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!sh_sqlite_step_done (store, stmt, "记录视频", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static GPtrArray *
list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (GPtrArray) intervals = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " INTERVAL_COLUMNS " FROM presence_intervals"
                            " WHERE meeting_id = ?1 ORDER BY started_at, id",
                            "读取出席时段", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  intervals = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_presence_interval_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShPresenceInterval *i = interval_from_row (stmt, error);

    if (!i)
      return NULL;
    g_ptr_array_add (intervals, i);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取出席时段", error);
    return NULL;
  }
  return g_steal_pointer (&intervals);
}

static gboolean
heartbeat (ShStore *store, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO presence_heartbeat (id, at) VALUES (1, ?1)"
                            " ON CONFLICT (id) DO UPDATE SET at = MAX(at, excluded.at)",
                            "记录运行心跳", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  return sh_sqlite_step_done (store, stmt, "记录运行心跳", error);
}

static gint
close_open_at_crash (ShStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  /* SQLite's MAX() of several arguments is NULL when one is: COALESCE
   * keeps a missing heartbeat or event out of it. */
  stmt = sh_sqlite_prepare (
      store,
      "UPDATE presence_intervals SET end_reason = 'crash', ended_at = MAX(started_at,"
      " COALESCE((SELECT at FROM presence_heartbeat WHERE id = 1), 0),"
      " COALESCE((SELECT MAX(at) FROM meeting_events e"
      "   WHERE e.meeting_id = presence_intervals.meeting_id), 0))"
      " WHERE ended_at IS NULL",
      "结束崩溃时的出席时段", error);
  if (!stmt || !sh_sqlite_step_done (store, stmt, "结束崩溃时的出席时段", error))
    return -1;
  return sqlite3_changes (sh_sqlite_db (store));
}

static gboolean
ended_at (ShStore *store, gint64 meeting_id, gint64 *at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT at FROM meeting_events WHERE meeting_id = ?1 AND kind = 'ended'"
                            " ORDER BY id DESC LIMIT 1",
                            "读取会议结束时间", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  rc = sqlite3_step (stmt);
  *at = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取会议结束时间", error);
    return FALSE;
  }
  return TRUE;
}

const ShPresenceStoreOps sh_sqlite_presence_ops = {
  .insert = insert,
  .close = close_interval,
  .mark_video = mark_video,
  .list = list,
  .heartbeat = heartbeat,
  .close_open_at_crash = close_open_at_crash,
  .ended_at = ended_at,
};
