/* The store interface, session area (session.c): log-in sessions, kept by
 * the hash of their token. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShSessionStoreOps {
  /* A new session of @account_id. A token hash that is already stored is
   * a CONFLICT. */
  gboolean (*insert) (ShStore *store, const char *token_hash, gint64 account_id,
                      const char *csrf_token, gint64 created_at, gint64 expires_at, GError **error);
  /* Sets *@found to whether a session @token_hash is stored, expired or
   * not; when it is, its account, CSRF token (transfer full) and expiry. */
  gboolean (*lookup) (ShStore *store, const char *token_hash, gboolean *found, gint64 *account_id,
                      char **csrf_token, gint64 *expires_at, GError **error);
  /* Removes the session @token_hash, if there is one. */
  gboolean (*remove) (ShStore *store, const char *token_hash, GError **error);
  /* Removes the sessions that expire at or before @now.
   * Returns: how many, -1 with @error set. */
  gint64 (*remove_expired) (ShStore *store, gint64 now, GError **error);
  /* Removes every session of @account_id except @keep_token_hash (NULL:
   * keep none). Returns: how many, -1 with @error set. */
  gint64 (*remove_for_account) (ShStore *store, gint64 account_id, const char *keep_token_hash,
                                GError **error);
};
