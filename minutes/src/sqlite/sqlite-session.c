/* The SQLite backend, session area: the sessions table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-session.h"

static gboolean
insert (ShStore *store, const char *token_hash, gint64 account_id, const char *csrf_token,
        gint64 created_at, gint64 expires_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at,"
                            " expires_at) VALUES (?, ?, ?, ?, ?)",
                            "创建会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, csrf_token, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, created_at);
  sqlite3_bind_int64 (stmt, 5, expires_at);
  return sh_sqlite_step_done (store, stmt, "创建会话", error);
}

static gboolean
lookup (ShStore *store, const char *token_hash, gboolean *found, gint64 *account_id,
        char **csrf_token, gint64 *expires_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT account_id, csrf_token, expires_at FROM sessions"
                            " WHERE token_hash = ?",
                            "查找会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "查找会话", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (!*found)
    return TRUE;
  *account_id = sqlite3_column_int64 (stmt, 0);
  *csrf_token = sh_sqlite_column_text (stmt, 1);
  *expires_at = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

static gboolean
remove_one (ShStore *store, const char *token_hash, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store, "DELETE FROM sessions WHERE token_hash = ?", "删除会话", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_TRANSIENT);
  return sh_sqlite_step_done (store, stmt, "删除会话", error);
}

static gint64
remove_expired (ShStore *store, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store, "DELETE FROM sessions WHERE expires_at <= ?", "清理过期会话",
                            error);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!sh_sqlite_step_done (store, stmt, "清理过期会话", error))
    return -1;
  return sqlite3_changes64 (sh_sqlite_db (store));
}

static gint64
remove_for_account (ShStore *store, gint64 account_id, const char *keep_token_hash, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

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

const ShSessionStoreOps sh_sqlite_session_ops = {
  .insert = insert,
  .lookup = lookup,
  .remove = remove_one,
  .remove_expired = remove_expired,
  .remove_for_account = remove_for_account,
};
