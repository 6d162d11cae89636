/* The SQLite backend, recordings area: recordings, recording_tracks and
 * recording_files (the last append-only).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-recording.h"

#define RECORDING_COLUMNS "id, meeting_id, started_at, ended_at, state, interrupted_at"
#define TRACK_COLUMNS                                                                              \
  "id, recording_id, track, kind, codec, participant, member_id, display_name, location,"          \
  " offset_ns, started_at, ended_at"
#define FILE_COLUMNS                                                                               \
  "f.id, f.recording_id, f.track_id, f.kind, f.path, f.size, f.duration_ns, f.sha256,"             \
  " f.finished_at"

static ShRecording *
recording_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShRecording) r = g_new0 (ShRecording, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 4);

  r->id = sqlite3_column_int64 (stmt, 0);
  r->meeting_id = sqlite3_column_int64 (stmt, 1);
  r->started_at = sqlite3_column_int64 (stmt, 2);
  r->ended_at = sqlite3_column_int64 (stmt, 3);
  r->interrupted_at = sqlite3_column_int64 (stmt, 5);
  if (g_strcmp0 (state, "recording") == 0)
    r->state = SH_RECORDING_RECORDING;
  else if (g_strcmp0 (state, "complete") == 0)
    r->state = SH_RECORDING_COMPLETE;
  else if (g_strcmp0 (state, "interrupted") == 0)
    r->state = SH_RECORDING_INTERRUPTED;
  else {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "recording %" G_GINT64_FORMAT " has an unknown state", r->id);
    return NULL;
  }
  return g_steal_pointer (&r);
}

static ShRecordingTrack *
track_from_row (sqlite3_stmt *stmt, GError **error)
{
  ShRecordingTrack *t = g_new0 (ShRecordingTrack, 1);

  (void) error;
  t->id = sqlite3_column_int64 (stmt, 0);
  t->recording_id = sqlite3_column_int64 (stmt, 1);
  t->track = (guint64) sqlite3_column_int64 (stmt, 2);
  t->kind = sh_sqlite_column_text (stmt, 3);
  t->codec = sh_sqlite_column_text (stmt, 4);
  t->participant = sqlite3_column_int64 (stmt, 5);
  t->member_id = sqlite3_column_int64 (stmt, 6);
  t->display_name = sh_sqlite_column_text (stmt, 7);
  t->location = sh_sqlite_column_text (stmt, 8);
  t->offset_ns = sqlite3_column_int64 (stmt, 9);
  t->started_at = sqlite3_column_int64 (stmt, 10);
  t->ended_at = sqlite3_column_int64 (stmt, 11);
  return t;
}

static ShRecordingFile *
file_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShRecordingFile) f = g_new0 (ShRecordingFile, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 3);

  f->id = sqlite3_column_int64 (stmt, 0);
  f->recording_id = sqlite3_column_int64 (stmt, 1);
  f->track_id = sqlite3_column_int64 (stmt, 2);
  f->path = sh_sqlite_column_text (stmt, 4);
  f->size = sqlite3_column_int64 (stmt, 5);
  f->duration_ns = sqlite3_column_int64 (stmt, 6);
  f->sha256 = sh_sqlite_column_text (stmt, 7);
  f->finished_at = sqlite3_column_int64 (stmt, 8);
  if (g_strcmp0 (kind, "fragment") == 0)
    f->kind = SH_RECORDING_FILE_FRAGMENT;
  else if (g_strcmp0 (kind, "track") == 0)
    f->kind = SH_RECORDING_FILE_TRACK;
  else if (g_strcmp0 (kind, "composite") == 0)
    f->kind = SH_RECORDING_FILE_COMPOSITE;
  else {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "recording file %" G_GINT64_FORMAT " has an unknown kind", f->id);
    return NULL;
  }
  return g_steal_pointer (&f);
}

typedef gpointer (*RowFunc) (sqlite3_stmt *stmt, GError **error);

/* Steps @stmt to the end, one element per row. Returns: (transfer full) */
static GPtrArray *
collect (ShStore *store, sqlite3_stmt *stmt, RowFunc row, GDestroyNotify free_func,
         const char *purpose, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    gpointer item = row (stmt, error);

    if (item == NULL)
      return NULL;
    g_ptr_array_add (rows, item);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, purpose, error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

static gint64
start (ShStore *store, gint64 meeting_id, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "INSERT INTO recordings (meeting_id, started_at) VALUES (?1, ?2)", "开始录像", error);

  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!sh_sqlite_step_done (store, stmt, "开始录像", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
complete (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "UPDATE recordings SET state = 'complete', ended_at = ?2"
                           " WHERE id = ?1 AND state = 'recording'",
                           "结束录像", error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!sh_sqlite_step_done (store, stmt, "结束录像", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static ShRecording *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "SELECT " RECORDING_COLUMNS " FROM recordings WHERE id = ?1", "读取录像", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return recording_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "录像不存在");
  else
    sh_sqlite_set_error (store, "读取录像", error);
  return NULL;
}

static GPtrArray *
list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store,
                                                     "SELECT " RECORDING_COLUMNS " FROM recordings"
                                                     " WHERE ?1 = 0 OR meeting_id = ?1 ORDER BY id",
                                                     "读取录像", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  return collect (store, stmt, (RowFunc) recording_from_row, (GDestroyNotify) sh_recording_free,
                  "读取录像", error);
}

static gint64
add_track (ShStore *store, const ShRecordingTrack *t, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "INSERT INTO recording_tracks (recording_id, track, kind, codec, participant, member_id,"
      " display_name, location, offset_ns, started_at, ended_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      "记录录像轨道", error);

  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, t->recording_id);
  sqlite3_bind_int64 (stmt, 2, (gint64) t->track);
  sqlite3_bind_text (stmt, 3, t->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, t->codec, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, t->participant);
  sh_sqlite_bind_id_or_null (stmt, 6, t->member_id);
  sqlite3_bind_text (stmt, 7, t->display_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, t->location, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, t->offset_ns);
  sqlite3_bind_int64 (stmt, 10, t->started_at);
  sh_sqlite_bind_id_or_null (stmt, 11, t->ended_at);
  if (!sh_sqlite_step_done (store, stmt, "记录录像轨道", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
update_track (ShStore *store, gint64 id, gint64 offset_ns, gint64 ended_at, gboolean *found,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "UPDATE recording_tracks SET offset_ns = ?2,"
                           " ended_at = COALESCE(ended_at, ?3) WHERE id = ?1",
                           "更新录像轨道", error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, offset_ns);
  sh_sqlite_bind_id_or_null (stmt, 3, ended_at);
  if (!sh_sqlite_step_done (store, stmt, "更新录像轨道", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static GPtrArray *
list_tracks (ShStore *store, gint64 recording_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "SELECT " TRACK_COLUMNS " FROM recording_tracks"
                           " WHERE recording_id = ?1 ORDER BY id",
                           "读取录像轨道", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  return collect (store, stmt, (RowFunc) track_from_row, (GDestroyNotify) sh_recording_track_free,
                  "读取录像轨道", error);
}

static gint64
add_file (ShStore *store, const ShRecordingFile *f, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "INSERT INTO recording_files (recording_id, track_id, kind, path, size, duration_ns,"
      " sha256, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      "记录录像文件", error);

  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, f->recording_id);
  sh_sqlite_bind_id_or_null (stmt, 2, f->track_id);
  sqlite3_bind_text (stmt, 3, sh_recording_file_kind_to_string (f->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, f->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, f->size);
  sqlite3_bind_int64 (stmt, 6, f->duration_ns);
  sqlite3_bind_text (stmt, 7, f->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, f->finished_at);
  if (!sh_sqlite_step_done (store, stmt, "记录录像文件", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
list_files (ShStore *store, gint64 recording_id, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store,
      "SELECT " FILE_COLUMNS " FROM recording_files f JOIN recordings r ON r.id = f.recording_id"
      " WHERE (?1 = 0 OR f.recording_id = ?1) AND (?2 = 0 OR r.meeting_id = ?2) ORDER BY f.id",
      "读取录像文件", error);

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  sqlite3_bind_int64 (stmt, 2, meeting_id);
  return collect (store, stmt, (RowFunc) file_from_row, (GDestroyNotify) sh_recording_file_free,
                  "读取录像文件", error);
}

static GPtrArray *
close_at_crash (ShStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) open = NULL;
  g_autoptr (GPtrArray) closed = NULL;

  open = sh_sqlite_prepare (store,
                            "SELECT " RECORDING_COLUMNS " FROM recordings"
                            " WHERE state = 'recording' ORDER BY id",
                            "读取未结束的录像", error);
  if (!open)
    return NULL;
  closed = collect (store, open, (RowFunc) recording_from_row, (GDestroyNotify) sh_recording_free,
                    "读取未结束的录像", error);
  if (closed == NULL || closed->len == 0)
    return g_steal_pointer (&closed);

  /* The crash moment: the last heartbeat of the server that crashed, or
   * later when the recording left a file after it. SQLite's MAX() of
   * several arguments is NULL when one is: COALESCE keeps them out. */
  if (!sh_sqlite_exec (
          store,
          "UPDATE recordings SET state = 'interrupted',"
          " interrupted_at = MAX(started_at,"
          "   COALESCE((SELECT at FROM presence_heartbeat WHERE id = 1), 0),"
          "   COALESCE((SELECT MAX(finished_at) FROM recording_files f"
          "             WHERE f.recording_id = recordings.id), 0))"
          " WHERE state = 'recording';"
          "UPDATE recordings SET ended_at = interrupted_at"
          " WHERE state = 'interrupted' AND ended_at IS NULL;"
          "UPDATE recording_tracks SET ended_at = MAX(started_at,"
          "   (SELECT interrupted_at FROM recordings r WHERE r.id = recording_tracks.recording_id))"
          " WHERE ended_at IS NULL AND recording_id IN"
          "   (SELECT id FROM recordings WHERE state = 'interrupted');",
          "结束中断的录像", error))
    return NULL;
  for (guint i = 0; i < closed->len; i++) {
    ShRecording *r = closed->pdata[i];
    g_autoptr (ShRecording) now = get (store, r->id, error);

    if (now == NULL)
      return NULL;
    *r = *now;
  }
  return g_steal_pointer (&closed);
}

static gboolean
interrupt (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL, tracks = NULL;

  if (!sh_sqlite_exec (store, "SAVEPOINT recording_interrupt", "中断录像", error))
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "UPDATE recordings SET state = 'interrupted', interrupted_at = ?2,"
                            " ended_at = ?2 WHERE id = ?1 AND state = 'recording'",
                            "中断录像", error);
  tracks = sh_sqlite_prepare (store,
                              "UPDATE recording_tracks SET ended_at = MAX(started_at, ?2)"
                              " WHERE recording_id = ?1 AND ended_at IS NULL",
                              "中断录像", error);
  if (stmt != NULL && tracks != NULL) {
    sqlite3_bind_int64 (stmt, 1, id);
    sqlite3_bind_int64 (stmt, 2, at);
    sqlite3_bind_int64 (tracks, 1, id);
    sqlite3_bind_int64 (tracks, 2, at);
    if (sh_sqlite_step_done (store, stmt, "中断录像", error)) {
      *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
      if (!*found || sh_sqlite_step_done (store, tracks, "中断录像", error))
        return sh_sqlite_exec (store, "RELEASE recording_interrupt", "中断录像", error);
    }
  }
  sh_sqlite_exec (store, "ROLLBACK TO recording_interrupt; RELEASE recording_interrupt", "中断录像",
                  NULL);
  return FALSE;
}

const ShRecordingStoreOps sh_sqlite_recording_ops = {
  .start = start,
  .complete = complete,
  .get = get,
  .list = list,
  .add_track = add_track,
  .update_track = update_track,
  .list_tracks = list_tracks,
  .add_file = add_file,
  .list_files = list_files,
  .close_at_crash = close_at_crash,
  .interrupt = interrupt,
};
