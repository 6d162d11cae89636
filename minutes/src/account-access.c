/* An account's log-in state: failures and the lock, password changes that
 * end other sessions, the calendar link's generation, the networks the
 * owner logs in from, and one-time codes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "account-private.h"
#include "sqlite/sqlite-private.h"

/* ----------------------------------------------------------- lockout */

int
sh_account_record_failure (ShStore *store, gint64 id, gint64 now, int max_failures,
                           gint64 lock_duration, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, -1);
  /* One statement, so that concurrent failures cannot lose a count. SET
   * expressions see the old row; RETURNING sees the new one. A
   * @max_failures of 0 or less turns the lock off. A lock that has run out
   * starts the count again (else one more wrong try would lock at once);
   * failures while locked leave the lock as it is, so that a stranger
   * cannot keep the account locked for ever. */
  stmt = sh_sqlite_prepare (store,
                            "UPDATE accounts SET"
                            " failed_logins = CASE WHEN locked_until > ?4 THEN failed_logins"
                            "   WHEN locked_until > 0 THEN 1 ELSE failed_logins + 1 END,"
                            " locked_until = CASE WHEN locked_until > ?4 THEN locked_until"
                            "   WHEN ?2 > 0 AND (CASE WHEN locked_until > 0 THEN 1"
                            "     ELSE failed_logins + 1 END) >= ?2 THEN ?3 ELSE 0 END"
                            " WHERE id = ?1 RETURNING failed_logins",
                            "记录登录失败", error);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, max_failures);
  sqlite3_bind_int64 (stmt, 3, now + lock_duration);
  sqlite3_bind_int64 (stmt, 4, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    sh_account_error (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
    return -1;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "记录登录失败", error);
    return -1;
  }
  return sqlite3_column_int (stmt, 0);
}

gboolean
sh_account_record_success (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  return sh_account_update (
      store, "UPDATE accounts SET failed_logins = 0, locked_until = ?2 WHERE id = ?1", id, NULL, 0,
      "记录登录成功", error);
}

typedef struct {
  gint64 id;
  const char *hash;
  const char *keep;
} PasswordData;

static gboolean
password_txn (ShStore *store, gpointer user_data, GError **error)
{
  PasswordData *data = user_data;

  /* A new password is a fresh start: whoever held the old one loses the
   * sessions and the calendar link it opened, and a lock set by someone
   * guessing the old one has no more reason to hold. */
  return sh_account_update (store,
                            "UPDATE accounts SET password_hash = ?2, failed_logins = 0,"
                            " locked_until = 0, calendar_generation = calendar_generation + 1"
                            " WHERE id = ?1",
                            data->id, data->hash, 0, "修改密码", error)
         && sh_session_delete_for_account (store, data->id, data->keep, error) >= 0;
}

gboolean
sh_account_change_password (ShStore *store, gint64 id, const char *hash,
                            const char *keep_token_hash, GError **error)
{
  PasswordData data = { id, hash, keep_token_hash };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!hash || !*hash)
    return sh_account_error (error, SH_MINUTES_ERROR_INVALID, "账号必须设置密码");
  return sh_store_transaction (store, password_txn, &data, error);
}

gint64
sh_account_renew_calendar (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, -1);
  stmt = sh_sqlite_prepare (store,
                            "UPDATE accounts SET calendar_generation = calendar_generation + 1"
                            " WHERE id = ? RETURNING calendar_generation",
                            "更新日历链接", error);
  if (!stmt)
    return -1;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE) {
    sh_account_error (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
    return -1;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "更新日历链接", error);
    return -1;
  }
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
sh_account_add_network (ShStore *store, gint64 id, const char *network, gint64 now,
                        gint64 forget_before, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) prune = NULL;

  g_return_val_if_fail (store != NULL && network != NULL, FALSE);
  /* Networks not logged in from for long are forgotten: the list stays
   * short, and last year's hotel is no longer exempt from the lock. */
  prune = sh_sqlite_prepare (
      store, "DELETE FROM account_networks WHERE account_id = ? AND last_login_at < ?",
      "记录登录网络", error);
  if (!prune)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, id);
  sqlite3_bind_int64 (prune, 2, forget_before);
  if (!sh_sqlite_step_done (store, prune, "记录登录网络", error))
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO account_networks (account_id, network, last_login_at)"
                            " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET last_login_at = ?3",
                            "记录登录网络", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, network, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  return sh_sqlite_step_done (store, stmt, "记录登录网络", error);
}

gboolean
sh_account_set_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 expires_at,
                           GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && code_hash != NULL, FALSE);
  if (!sh_account_row_exists (store, "SELECT 1 FROM accounts WHERE id = ?", NULL, id, &found,
                              error))
    return FALSE;
  if (!found)
    return sh_account_error (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO login_codes (account_id, code_hash, expires_at)"
                            " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE"
                            " SET code_hash = ?2, expires_at = ?3",
                            "生成登录码", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, code_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return sh_sqlite_step_done (store, stmt, "生成登录码", error);
}

gboolean
sh_account_use_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 now,
                           gboolean *used, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL && code_hash != NULL && used != NULL, FALSE);
  /* One statement: a code cannot be used twice by two log-ins at once. */
  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM login_codes WHERE account_id = ? AND code_hash = ?"
                            " AND expires_at > ?",
                            "使用登录码", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, code_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!sh_sqlite_step_done (store, stmt, "使用登录码", error))
    return FALSE;
  *used = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

gboolean
sh_account_knows_network (ShStore *store, gint64 id, const char *network, gint64 since,
                          gboolean *known, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL && network != NULL && known != NULL, FALSE);
  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM account_networks WHERE account_id = ? AND network = ?"
                            " AND last_login_at >= ?",
                            "读取登录网络", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, network, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, since);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取登录网络", error);
    return FALSE;
  }
  *known = rc == SQLITE_ROW;
  return TRUE;
}
