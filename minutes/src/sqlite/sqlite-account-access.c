/* The SQLite backend, the log-in state of accounts: the lock columns and
 * calendar generation of accounts, account_networks, login_codes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-account-access.h"

static gboolean
lock_state (ShStore *store, gint64 id, gboolean *found, int *failed_logins, gint64 *locked_until,
            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT failed_logins, locked_until FROM accounts WHERE id = ?",
                            "读取登录状态", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取登录状态", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (*found) {
    *failed_logins = sqlite3_column_int (stmt, 0);
    *locked_until = sqlite3_column_int64 (stmt, 1);
  }
  return TRUE;
}

static gboolean
set_lock_state (ShStore *store, gint64 id, int failed_logins, gint64 locked_until, gboolean *found,
                GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "UPDATE accounts SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
      "记录登录状态", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, failed_logins);
  sqlite3_bind_int64 (stmt, 3, locked_until);
  if (!sh_sqlite_step_done (store, stmt, "记录登录状态", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
next_calendar_generation (ShStore *store, gint64 id, gboolean *found, gint64 *generation,
                          GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE accounts SET calendar_generation = calendar_generation + 1"
                            " WHERE id = ? RETURNING calendar_generation",
                            "更新日历链接", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "更新日历链接", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  if (*found)
    *generation = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
forget_networks (ShStore *store, gint64 id, gint64 before, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "DELETE FROM account_networks WHERE account_id = ? AND last_login_at < ?",
      "记录登录网络", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, before);
  return sh_sqlite_step_done (store, stmt, "记录登录网络", error);
}

static gboolean
touch_network (ShStore *store, gint64 id, const char *network, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO account_networks (account_id, network, last_login_at)"
                            " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET last_login_at = ?3",
                            "记录登录网络", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, network, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, at);
  return sh_sqlite_step_done (store, stmt, "记录登录网络", error);
}

static gboolean
knows_network (ShStore *store, gint64 id, const char *network, gint64 since, gboolean *known,
               GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

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

static gboolean
put_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 expires_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

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

static gboolean
take_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 now, gboolean *taken,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

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
  *taken = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

const ShAccountAccessStoreOps sh_sqlite_account_access_ops = {
  .lock_state = lock_state,
  .set_lock_state = set_lock_state,
  .next_calendar_generation = next_calendar_generation,
  .forget_networks = forget_networks,
  .touch_network = touch_network,
  .knows_network = knows_network,
  .put_login_code = put_login_code,
  .take_login_code = take_login_code,
};
