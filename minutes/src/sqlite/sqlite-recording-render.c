/* The SQLite backend, recording renders area: recording_renders.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-recording-render.h"

#define RENDER_COLUMNS                                                                             \
  "id, recording_id, state, progress, attempts, error, queued_at, started_at, finished_at"

static const char *const state_names[] = { "queued", "running", "done", "failed" };

static ShRecordingRender *
render_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShRecordingRender) r = g_new0 (ShRecordingRender, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 2);
  guint i;

  r->id = sqlite3_column_int64 (stmt, 0);
  r->recording_id = sqlite3_column_int64 (stmt, 1);
  r->progress = (guint) sqlite3_column_int (stmt, 3);
  r->attempts = (guint) sqlite3_column_int (stmt, 4);
  r->error = sh_sqlite_column_text (stmt, 5);
  r->queued_at = sqlite3_column_int64 (stmt, 6);
  r->started_at = sqlite3_column_int64 (stmt, 7);
  r->finished_at = sqlite3_column_int64 (stmt, 8);
  for (i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (state, state_names[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (state_names)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "render %" G_GINT64_FORMAT " has an unknown state", r->id);
    return NULL;
  }
  r->state = (ShRecordingRenderState) i;
  return g_steal_pointer (&r);
}

static gint64
queue (ShStore *store, gint64 recording_id, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) insert
      = sh_sqlite_prepare (store,
                           "INSERT INTO recording_renders (recording_id, queued_at) VALUES (?1, ?2)"
                           " ON CONFLICT (recording_id) DO NOTHING",
                           "排队合成录像", error);
  g_autoptr (sqlite3_stmt) find = NULL;

  if (!insert)
    return 0;
  sqlite3_bind_int64 (insert, 1, recording_id);
  sqlite3_bind_int64 (insert, 2, at);
  if (!sh_sqlite_step_done (store, insert, "排队合成录像", error))
    return 0;
  find = sh_sqlite_prepare (store, "SELECT id FROM recording_renders WHERE recording_id = ?1",
                            "排队合成录像", error);
  if (!find)
    return 0;
  sqlite3_bind_int64 (find, 1, recording_id);
  if (sqlite3_step (find) != SQLITE_ROW) {
    sh_sqlite_set_error (store, "排队合成录像", error);
    return 0;
  }
  return sqlite3_column_int64 (find, 0);
}

static ShRecordingRender *
get (ShStore *store, gint64 recording_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "SELECT " RENDER_COLUMNS " FROM recording_renders WHERE recording_id = ?1",
      "读取录像合成", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, recording_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return render_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "录像合成不存在");
  else
    sh_sqlite_set_error (store, "读取录像合成", error);
  return NULL;
}

static GPtrArray *
list_unfinished (ShStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "SELECT " RENDER_COLUMNS " FROM recording_renders"
                           " WHERE state IN ('queued', 'running') ORDER BY id",
                           "读取录像合成", error);
  g_autoptr (GPtrArray) rows
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_render_free);
  int rc;

  if (!stmt)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShRecordingRender *r = render_from_row (stmt, error);

    if (r == NULL)
      return NULL;
    g_ptr_array_add (rows, r);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取录像合成", error);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

static gboolean
update (ShStore *store, const ShRecordingRender *r, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "UPDATE recording_renders SET state = ?2, progress = ?3, attempts = ?4,"
                           " error = ?5, started_at = ?6, finished_at = ?7 WHERE id = ?1",
                           "更新录像合成", error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->id);
  sqlite3_bind_text (stmt, 2, state_names[r->state], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, (int) r->progress);
  sqlite3_bind_int (stmt, 4, (int) r->attempts);
  sh_sqlite_bind_text_or_null (stmt, 5, r->error);
  sh_sqlite_bind_id_or_null (stmt, 6, r->started_at);
  sh_sqlite_bind_id_or_null (stmt, 7, r->finished_at);
  if (!sh_sqlite_step_done (store, stmt, "更新录像合成", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

const ShRecordingRenderStoreOps sh_sqlite_recording_render_ops = {
  .queue = queue,
  .get = get,
  .list_unfinished = list_unfinished,
  .update = update,
};
