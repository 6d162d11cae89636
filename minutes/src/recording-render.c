/* The composite render of recordings: its row, checked here and kept by the
 * backend (store-recording-render.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"
#include "store-private.h"
#include "store-recording-render.h"

static const char *const state_names[] = { "queued", "running", "done", "failed" };

const char *
sh_recording_render_state_to_string (ShRecordingRenderState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

void
sh_recording_render_free (ShRecordingRender *render)
{
  if (render == NULL)
    return;
  g_free (render->error);
  g_free (render);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->recording_render)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "存储不支持录像合成");
}

gint64
sh_recording_render_queue (ShStore *store, gint64 recording_id, gint64 at, GError **error)
{
  g_return_val_if_fail (store != NULL, 0);
  if (!have_backend (store, error))
    return 0;
  if (recording_id <= 0 || at <= 0)
    return sh_minutes_invalid (error, "录像合成缺少录像或时间");
  return sh_store_ops (store, recording_render)->queue (store, recording_id, at, error);
}

ShRecordingRender *
sh_recording_render_get (ShStore *store, gint64 recording_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, recording_render)->get (store, recording_id, error);
}

GPtrArray *
sh_recording_render_list_unfinished (ShStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->recording_render)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_render_free);
  return sh_store_ops (store, recording_render)->list_unfinished (store, error);
}

gboolean
sh_recording_render_update (ShStore *store, const ShRecordingRender *render, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && render != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  if ((guint) render->state > SH_RECORDING_RENDER_FAILED || render->progress > 1000)
    return sh_minutes_invalid (error, "录像合成状态无效");
  if (!sh_store_ops (store, recording_render)->update (store, render, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "录像合成不存在");
  return TRUE;
}
