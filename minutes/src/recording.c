/* Recordings of meetings: the records the live recorder and the renderer
 * leave, checked here and kept by the backend (store-recording.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "sanhui-minutes.h"
#include "store-private.h"
#include "store-recording.h"

static const char *const state_names[] = { "recording", "complete", "interrupted" };
static const char *const file_kind_names[] = { "fragment", "track", "composite" };

const char *
sh_recording_state_to_string (ShRecordingState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

const char *
sh_recording_file_kind_to_string (ShRecordingFileKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (file_kind_names), NULL);
  return file_kind_names[kind];
}

void
sh_recording_free (ShRecording *recording)
{
  g_free (recording);
}

void
sh_recording_track_free (ShRecordingTrack *track)
{
  if (track == NULL)
    return;
  g_free (track->kind);
  g_free (track->codec);
  g_free (track->display_name);
  g_free (track->location);
  g_free (track);
}

void
sh_recording_file_free (ShRecordingFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->sha256);
  g_free (file);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->recording)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "存储不支持录像");
}

/* A path under the data directory: relative, no "..", no empty part. */
static gboolean
path_is_inside (const char *path)
{
  g_auto (GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || g_path_is_absolute (path))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0' || g_str_equal (parts[i], "..") || g_str_equal (parts[i], "."))
      return FALSE;
  return TRUE;
}

gint64
sh_recording_start (ShStore *store, gint64 meeting_id, gint64 at, GError **error)
{
  g_return_val_if_fail (store != NULL, 0);
  if (!have_backend (store, error))
    return 0;
  if (meeting_id <= 0 || at <= 0)
    return sh_minutes_invalid (error, "录像缺少会议或时间");
  return sh_store_ops (store, recording)->start (store, meeting_id, at, error);
}

gboolean
sh_recording_complete (ShStore *store, gint64 recording_id, gint64 at, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error)
      || !sh_store_ops (store, recording)->complete (store, recording_id, at, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "录像已结束");
  return TRUE;
}

ShRecording *
sh_recording_get (ShStore *store, gint64 recording_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, recording)->get (store, recording_id, error);
}

GPtrArray *
sh_recording_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->recording)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_free);
  return sh_store_ops (store, recording)->list (store, meeting_id, error);
}

gint64
sh_recording_add_track (ShStore *store, const ShRecordingTrack *track, GError **error)
{
  g_return_val_if_fail (store != NULL && track != NULL, 0);
  if (!have_backend (store, error))
    return 0;
  if (track->kind == NULL || track->codec == NULL || track->display_name == NULL
      || !path_is_inside (track->location) || track->started_at <= 0)
    return sh_minutes_invalid (error, "录像轨道信息不全");
  return sh_store_ops (store, recording)->add_track (store, track, error);
}

gboolean
sh_recording_update_track (ShStore *store, gint64 track_id, gint64 offset_ns, gint64 ended_at,
                           GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error)
      || !sh_store_ops (store, recording)
              ->update_track (store, track_id, offset_ns, ended_at, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "录像轨道不存在");
  return TRUE;
}

GPtrArray *
sh_recording_list_tracks (ShStore *store, gint64 recording_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, recording)->list_tracks (store, recording_id, error);
}

gint64
sh_recording_add_file (ShStore *store, const ShRecordingFile *file, GError **error)
{
  g_return_val_if_fail (store != NULL && file != NULL, 0);
  if (!have_backend (store, error))
    return 0;
  if (!path_is_inside (file->path))
    return sh_minutes_invalid (error, "录像文件路径须在数据目录之内");
  if (file->sha256 == NULL || strlen (file->sha256) != 64 || file->size < 0 || file->duration_ns < 0
      || (guint) file->kind >= G_N_ELEMENTS (file_kind_names))
    return sh_minutes_invalid (error, "录像文件信息不全");
  if ((file->kind == SH_RECORDING_FILE_COMPOSITE) != (file->track_id == 0))
    return sh_minutes_invalid (error, "合成文件不属于单个轨道，其他文件属于一个轨道");
  return sh_store_ops (store, recording)->add_file (store, file, error);
}

GPtrArray *
sh_recording_list_files (ShStore *store, gint64 recording_id, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->recording)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_file_free);
  return sh_store_ops (store, recording)->list_files (store, recording_id, meeting_id, error);
}

gboolean
sh_recording_interrupt (ShStore *store, gint64 recording_id, gint64 at, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  if (at <= 0)
    return sh_minutes_invalid (error, "录像中断缺少时间");
  if (!sh_store_ops (store, recording)->interrupt (store, recording_id, at, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "录像已结束");
  return TRUE;
}

GPtrArray *
sh_recording_close_after_crash (ShStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->recording)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_free);
  return sh_store_ops (store, recording)->close_at_crash (store, error);
}
