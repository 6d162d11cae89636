/* Log-in sessions, stored by the hash of their token.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "store-session.h"

gboolean
sh_session_create (ShStore *store, const char *token_hash, gint64 account_id,
                   const char *csrf_token, gint64 expires_at, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (token_hash != NULL && *token_hash, FALSE);
  g_return_val_if_fail (csrf_token != NULL && *csrf_token, FALSE);
  return sh_store_ops (store, session)
      ->insert (store, token_hash, account_id, csrf_token, sh_store_now (), expires_at, error);
}

gboolean
sh_session_lookup (ShStore *store, const char *token_hash, gint64 now, gint64 *account_id,
                   char **csrf_token, GError **error)
{
  g_autofree char *csrf = NULL;
  gboolean found = FALSE;
  gint64 account = 0, expires_at = 0;

  g_return_val_if_fail (store != NULL && token_hash != NULL, FALSE);
  if (!sh_store_ops (store, session)
           ->lookup (store, token_hash, &found, &account, &csrf, &expires_at, error))
    return FALSE;
  /* An expired session is as good as none, even before the purge runs. */
  if (!found || expires_at <= now)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "登录已过期，请重新登录");
  if (account_id)
    *account_id = account;
  if (csrf_token)
    *csrf_token = g_steal_pointer (&csrf);
  return TRUE;
}

gboolean
sh_session_delete (ShStore *store, const char *token_hash, GError **error)
{
  g_return_val_if_fail (store != NULL && token_hash != NULL, FALSE);
  /* Logging out twice is not an error: the session is gone either way. */
  return sh_store_ops (store, session)->remove (store, token_hash, error);
}

gint64
sh_session_purge (ShStore *store, gint64 now, GError **error)
{
  g_return_val_if_fail (store != NULL, -1);
  return sh_store_ops (store, session)->remove_expired (store, now, error);
}

gint64
sh_session_delete_for_account (ShStore *store, gint64 account_id, const char *keep_token_hash,
                               GError **error)
{
  g_return_val_if_fail (store != NULL, -1);
  return sh_store_ops (store, session)
      ->remove_for_account (store, account_id, keep_token_hash, error);
}
