/* Log-in sessions, stored by the hash of their token.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

gboolean
sh_session_create (ShStore *store, const char *token_hash, gint64 account_id,
                   const char *csrf_token, gint64 expires_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (token_hash != NULL && *token_hash, FALSE);
  g_return_val_if_fail (csrf_token != NULL && *csrf_token, FALSE);
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
                            " expires_at) VALUES (?, ?, ?, ?, ?)",
                            "创建会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, csrf_token, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, sh_store_now ());
  sqlite3_bind_int64 (stmt, 5, expires_at);
  return sh_sqlite_step_done (store, stmt, "创建会话", error);
}

gboolean
sh_session_lookup (ShStore *store, const char *token_hash, gint64 now, gint64 *account_id,
                   char **csrf_token, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL && token_hash != NULL, FALSE);
  /* An expired session is as good as none, even before the purge runs. */
  stmt = sh_sqlite_prepare (store,
                            "SELECT account_id, csrf_token FROM sessions"
                            " WHERE token_hash = ? AND expires_at > ?",
                            "查找会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND,
                         "登录已过期，请重新登录");
    return FALSE;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "查找会话", error);
    return FALSE;
  }
  if (account_id)
    *account_id = sqlite3_column_int64 (stmt, 0);
  if (csrf_token)
    *csrf_token = sh_sqlite_column_text (stmt, 1);
  return TRUE;
}

gboolean
sh_session_delete (ShStore *store, const char *token_hash, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL && token_hash != NULL, FALSE);
  /* Logging out twice is not an error: the session is gone either way. */
  stmt = sh_sqlite_prepare (store, "DELETE FROM sessions WHERE token_hash = ?", "删除会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  return sh_sqlite_step_done (store, stmt, "删除会话", error);
}

gint64
sh_session_purge (ShStore *store, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, -1);
  stmt = sh_sqlite_prepare (store, "DELETE FROM sessions WHERE expires_at <= ?", "清理过期会话",
                            error);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!sh_sqlite_step_done (store, stmt, "清理过期会话", error))
    return -1;
  return sqlite3_changes64 (sh_sqlite_db (store));
}

gint64
sh_session_delete_for_account (ShStore *store, gint64 account_id, const char *keep_token_hash,
                               GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, -1);
  /* "IS NOT NULL" holds for every row, so one statement serves both
   * cases: keep one session, or keep none. */
  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM sessions WHERE account_id = ? AND token_hash IS NOT ?",
                            "结束账号会话", error);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sh_sqlite_bind_text_or_null (stmt, 2, keep_token_hash);
  if (!sh_sqlite_step_done (store, stmt, "结束账号会话", error))
    return -1;
  return sqlite3_changes64 (sh_sqlite_db (store));
}
