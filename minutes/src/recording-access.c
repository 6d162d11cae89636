/* The audit log of recordings: who listed, played or downloaded what, and
 * who was refused, checked and folded here and kept append-only by the
 * backend (store-recording-access.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"
#include "store-private.h"
#include "store-recording-access.h"

static const char *const action_names[] = { "list", "play", "download" };

const char *
sh_recording_access_action_to_string (ShRecordingAccessAction action)
{
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_names), NULL);
  return action_names[action];
}

void
sh_recording_access_free (ShRecordingAccess *access)
{
  if (access == NULL)
    return;
  g_free (access->account_name);
  g_free (access->role);
  g_free (access->range);
  g_free (access->client);
  g_free (access->session);
  g_free (access);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->recording_access)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "存储不支持录像访问记录");
}

gboolean
sh_recording_access_record (ShStore *store, const ShRecordingAccess *access, gboolean *written,
                            GError **error)
{
  const ShRecordingAccessStoreOps *ops;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && access != NULL, FALSE);
  if (written)
    *written = FALSE;
  if (!have_backend (store, error))
    return FALSE;
  if (access->at <= 0 || access->account_id <= 0 || access->meeting_id <= 0
      || (guint) access->action >= G_N_ELEMENTS (action_names) || access->role == NULL
      || access->role[0] == '\0' || access->client == NULL || access->session == NULL
      || access->session[0] == '\0' || access->status < 100 || access->status > 599
      || access->bytes < 0 || (access->action != SH_RECORDING_ACCESS_LIST && access->file_id <= 0))
    return sh_minutes_invalid (error, "录像访问记录不全");
  ops = sh_store_ops (store, recording_access);
  /* A download is an act of its own; a player's Range requests and a page's
   * polling are one viewing. */
  if (access->action != SH_RECORDING_ACCESS_DOWNLOAD
      && !ops->find_since (store, access, access->at - SH_RECORDING_ACCESS_FOLD_US, &found, error))
    return FALSE;
  if (found)
    return TRUE;
  if (ops->append (store, access, error) == 0)
    return FALSE;
  if (written)
    *written = TRUE;
  return TRUE;
}

GPtrArray *
sh_recording_access_list (ShStore *store, gint64 meeting_id, guint limit, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, recording_access)->list (store, meeting_id, limit, error);
}

ShRecordingFile *
sh_recording_access_find_file (ShStore *store, gint64 file_id, gint64 *meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL && meeting_id != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  if (file_id <= 0) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "录像文件不存在");
    return NULL;
  }
  return sh_store_ops (store, recording_access)->find_file (store, file_id, meeting_id, error);
}
