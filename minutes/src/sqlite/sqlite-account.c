/* The SQLite backend, account area: the accounts and role_grants tables.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-account.h"

#define ACCOUNT_COLUMNS                                                                            \
  "id, login, phone, display_name, member_id, password_hash, failed_logins, locked_until,"         \
  " disabled, calendar_generation"

static ShAccount *
account_from_row (sqlite3_stmt *stmt)
{
  ShAccount *a = g_new0 (ShAccount, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->login = sh_sqlite_column_text (stmt, 1);
  a->phone = sh_sqlite_column_text (stmt, 2);
  a->display_name = sh_sqlite_column_text (stmt, 3);
  a->member_id = sqlite3_column_int64 (stmt, 4);
  a->password_hash = sh_sqlite_column_text (stmt, 5);
  a->failed_logins = sqlite3_column_int (stmt, 6);
  a->locked_until = sqlite3_column_int64 (stmt, 7);
  a->disabled = sqlite3_column_int (stmt, 8) != 0;
  a->calendar_generation = sqlite3_column_int64 (stmt, 9);
  return a;
}

/* Steps a prepared single-account query. Returns: (transfer full) */
static ShAccount *
fetch_one (ShStore *store, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return account_from_row (stmt);
  if (rc == SQLITE_DONE)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
  else
    sh_sqlite_set_error (store, purpose, error);
  return NULL;
}

/* Runs a one-parameter existence query (@text, or @id when @text is NULL). */
static gboolean
row_exists (ShStore *store, const char *sql, const char *text, gint64 id, gboolean *found,
            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, "核对账号", error);
  int rc;

  if (!stmt)
    return FALSE;
  if (text)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "核对账号", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

/* Runs an UPDATE of one account bound to (?1 = @id, ?2 = @text or @value);
 * *@found tells whether a row changed. */
static gboolean
update_one (ShStore *store, const char *sql, gint64 id, const char *text, gint64 value,
            gboolean *found, const char *purpose, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (text)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 2, value);
  if (!sh_sqlite_step_done (store, stmt, purpose, error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gint64
insert (ShStore *store, const ShAccount *account, gint64 created_at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO accounts (login, phone, display_name, member_id,"
                            " password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            "创建账号", error);
  if (!stmt)
    return 0;
  sqlite3_bind_text (stmt, 1, account->login, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 2, account->phone);
  sqlite3_bind_text (stmt, 3, account->display_name, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 4, account->member_id);
  sqlite3_bind_text (stmt, 5, account->password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, account->disabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, created_at);
  if (!sh_sqlite_step_done (store, stmt, "创建账号", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static ShAccount *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?",
                            "读取账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (store, stmt, "读取账号", error);
}

static ShAccount *
find (ShStore *store, const char *login_or_phone, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE login = ?1 OR phone = ?1"
                           " ORDER BY login = ?1 DESC LIMIT 1",
                           "查找账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, login_or_phone, -1, SQLITE_TRANSIENT);
  return fetch_one (store, stmt, "查找账号", error);
}

static ShAccount *
find_by_member (ShStore *store, gint64 member_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE member_id = ?",
                            "查找党员的账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, member_id);
  return fetch_one (store, stmt, "查找党员的账号", error);
}

static GPtrArray *
list (ShStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) result = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY login",
                            "列出账号", error);
  if (!stmt)
    return NULL;
  result = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, account_from_row (stmt));
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出账号", error);
    return NULL;
  }
  return g_steal_pointer (&result);
}

static gboolean
login_taken (ShStore *store, const char *login, gboolean *taken, GError **error)
{
  return row_exists (store, "SELECT 1 FROM accounts WHERE login = ?", login, 0, taken, error);
}

static gboolean
phone_taken (ShStore *store, const char *phone, gboolean *taken, GError **error)
{
  return row_exists (store, "SELECT 1 FROM accounts WHERE phone = ?", phone, 0, taken, error);
}

static gboolean
member_taken (ShStore *store, gint64 member_id, gboolean *taken, GError **error)
{
  return row_exists (store, "SELECT 1 FROM accounts WHERE member_id = ?", NULL, member_id, taken,
                     error);
}

static gboolean
set_password_hash (ShStore *store, gint64 id, const char *hash, gboolean *found, GError **error)
{
  return update_one (store, "UPDATE accounts SET password_hash = ?2 WHERE id = ?1", id, hash, 0,
                     found, "修改密码", error);
}

static gboolean
set_disabled (ShStore *store, gint64 id, gboolean disabled, gboolean *found, GError **error)
{
  return update_one (store, "UPDATE accounts SET disabled = ?2 WHERE id = ?1", id, NULL,
                     disabled ? 1 : 0, found, "停用账号", error);
}

static gboolean
admins (ShStore *store, gint64 id, gboolean *is_admin, gboolean *other, GError **error)
{
  return row_exists (store, "SELECT 1 FROM role_grants WHERE role = 'admin' AND account_id = ?",
                     NULL, id, is_admin, error)
         && row_exists (store,
                        "SELECT 1 FROM role_grants g JOIN accounts a ON a.id = g.account_id"
                        " WHERE g.role = 'admin' AND a.disabled = 0 AND a.id != ?",
                        NULL, id, other, error);
}

static gboolean
grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO role_grants (account_id, role, org_id) VALUES (?, ?, ?)"
                            " ON CONFLICT DO NOTHING",
                            "授予角色", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, sh_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, org_id);
  return sh_sqlite_step_done (store, stmt, "授予角色", error);
}

static gboolean
revoke_grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, gboolean *found,
              GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (
      store, "DELETE FROM role_grants WHERE account_id = ? AND role = ? AND org_id = ?", "撤销角色",
      error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, sh_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, org_id);
  if (!sh_sqlite_step_done (store, stmt, "撤销角色", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static GArray *
grants (ShStore *store, gint64 account_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) result = g_array_new (FALSE, FALSE, sizeof (ShRoleGrant));
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT role, org_id FROM role_grants WHERE account_id = ?"
                            " ORDER BY role, org_id",
                            "读取角色", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShRoleGrant g = { 0 };

    if (sh_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &g.role)) {
      g.org_id = sqlite3_column_int64 (stmt, 1);
      g_array_append_val (result, g);
    }
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取角色", error);
    return NULL;
  }
  return g_steal_pointer (&result);
}

const ShAccountStoreOps sh_sqlite_account_ops = {
  .insert = insert,
  .get = get,
  .find = find,
  .find_by_member = find_by_member,
  .list = list,
  .login_taken = login_taken,
  .phone_taken = phone_taken,
  .member_taken = member_taken,
  .set_password_hash = set_password_hash,
  .set_disabled = set_disabled,
  .admins = admins,
  .grant = grant,
  .revoke = revoke_grant,
  .grants = grants,
};
