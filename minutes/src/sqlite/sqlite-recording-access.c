/* The SQLite backend, recording access area: recording_access, the
 * append-only audit log of recordings (its triggers refuse UPDATE and
 * DELETE).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-recording-access.h"

static gint64
append (ShStore *store, const ShRecordingAccess *a, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "INSERT INTO recording_access (at, account_id, role, meeting_id, file_id, action, status,"
      " range, bytes, client, session) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      "记录录像访问", error);

  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, a->at);
  sqlite3_bind_int64 (stmt, 2, a->account_id);
  sqlite3_bind_text (stmt, 3, a->role, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, a->meeting_id);
  sh_sqlite_bind_id_or_null (stmt, 5, a->file_id);
  sqlite3_bind_text (stmt, 6, sh_recording_access_action_to_string (a->action), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, a->status);
  sh_sqlite_bind_text_or_null (stmt, 8, a->range);
  sqlite3_bind_int64 (stmt, 9, a->bytes);
  sqlite3_bind_text (stmt, 10, a->client, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, a->session, -1, SQLITE_STATIC);
  if (!sh_sqlite_step_done (store, stmt, "记录录像访问", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
find_since (ShStore *store, const ShRecordingAccess *a, gint64 since, gboolean *found,
            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "SELECT 1 FROM recording_access WHERE meeting_id = ?1 AND session = ?2"
      " AND file_id IS ?3 AND action = ?4 AND status = ?5 AND at >= ?6 LIMIT 1",
      "读取录像访问记录", error);
  int rc;

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->meeting_id);
  sqlite3_bind_text (stmt, 2, a->session, -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, a->file_id);
  sqlite3_bind_text (stmt, 4, sh_recording_access_action_to_string (a->action), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, a->status);
  sqlite3_bind_int64 (stmt, 6, since);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取录像访问记录", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

static ShRecordingAccess *
access_from_row (sqlite3_stmt *stmt)
{
  ShRecordingAccess *a = g_new0 (ShRecordingAccess, 1);
  const char *action = (const char *) sqlite3_column_text (stmt, 6);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->at = sqlite3_column_int64 (stmt, 1);
  a->account_id = sqlite3_column_int64 (stmt, 2);
  a->account_name = sh_sqlite_column_text (stmt, 3);
  a->role = sh_sqlite_column_text (stmt, 4);
  a->meeting_id = sqlite3_column_int64 (stmt, 5);
  /* The schema's CHECK admits these three only. */
  a->action = g_strcmp0 (action, "list") == 0   ? SH_RECORDING_ACCESS_LIST
              : g_strcmp0 (action, "play") == 0 ? SH_RECORDING_ACCESS_PLAY
                                                : SH_RECORDING_ACCESS_DOWNLOAD;
  a->file_id = sqlite3_column_int64 (stmt, 7);
  a->status = (guint) sqlite3_column_int64 (stmt, 8);
  a->range = sh_sqlite_column_text (stmt, 9);
  a->bytes = sqlite3_column_int64 (stmt, 10);
  a->client = sh_sqlite_column_text (stmt, 11);
  a->session = sh_sqlite_column_text (stmt, 12);
  return a;
}

static GPtrArray *
list (ShStore *store, gint64 meeting_id, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "SELECT l.id, l.at, l.account_id, a.display_name, l.role, l.meeting_id, l.action,"
      " l.file_id, l.status, l.range, l.bytes, l.client, l.session"
      " FROM recording_access l JOIN accounts a ON a.id = l.account_id"
      " WHERE l.meeting_id = ?1 ORDER BY l.at DESC, l.id DESC LIMIT ?2",
      "读取录像访问记录", error);
  g_autoptr (GPtrArray) rows = NULL;
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_access_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, access_from_row (stmt));
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取录像访问记录", error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

static ShRecordingFile *
find_file (ShStore *store, gint64 file_id, gint64 *meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "SELECT f.id, f.recording_id, f.track_id, f.kind, f.path, f.size, f.duration_ns,"
      " f.sha256, f.finished_at, r.meeting_id"
      " FROM recording_files f JOIN recordings r ON r.id = f.recording_id WHERE f.id = ?1",
      "读取录像文件", error);
  g_autoptr (ShRecordingFile) f = NULL;
  const char *kind;
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, file_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "录像文件不存在");
    return NULL;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取录像文件", error);
    return NULL;
  }
  f = g_new0 (ShRecordingFile, 1);
  kind = (const char *) sqlite3_column_text (stmt, 3);
  f->id = sqlite3_column_int64 (stmt, 0);
  f->recording_id = sqlite3_column_int64 (stmt, 1);
  f->track_id = sqlite3_column_int64 (stmt, 2);
  f->kind = g_strcmp0 (kind, "composite") == 0 ? SH_RECORDING_FILE_COMPOSITE
            : g_strcmp0 (kind, "track") == 0   ? SH_RECORDING_FILE_TRACK
                                               : SH_RECORDING_FILE_FRAGMENT;
  f->path = sh_sqlite_column_text (stmt, 4);
  f->size = sqlite3_column_int64 (stmt, 5);
  f->duration_ns = sqlite3_column_int64 (stmt, 6);
  f->sha256 = sh_sqlite_column_text (stmt, 7);
  f->finished_at = sqlite3_column_int64 (stmt, 8);
  *meeting_id = sqlite3_column_int64 (stmt, 9);
  return g_steal_pointer (&f);
}

const ShRecordingAccessStoreOps sh_sqlite_recording_access_ops = {
  .append = append,
  .find_since = find_since,
  .list = list,
  .find_file = find_file,
};
