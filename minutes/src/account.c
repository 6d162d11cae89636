/* Accounts and role grants (log-in state: account-access.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "account-private.h"
#include "sqlite/sqlite-private.h"

#include <string.h>

#define LOGIN_MIN 3
#define LOGIN_MAX 32
#define DISPLAY_NAME_MAX_CHARS 50

/* ------------------------------------------------------------- roles */

static const char *const role_names[] = {
  [SH_ROLE_ADMIN] = "admin",
  [SH_ROLE_SECRETARY] = "secretary",
  [SH_ROLE_MEMBER] = "member",
  [SH_ROLE_INSPECTOR] = "inspector",
};

const char *
sh_role_to_string (ShRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), NULL);
  return role_names[role];
}

gboolean
sh_role_from_string (const char *s, ShRole *out)
{
  for (guint i = 0; s && i < G_N_ELEMENTS (role_names); i++) {
    if (strcmp (s, role_names[i]) == 0) {
      if (out)
        *out = (ShRole) i;
      return TRUE;
    }
  }
  return FALSE;
}

/* ----------------------------------------------------------- records */

void
sh_account_free (ShAccount *account)
{
  if (!account)
    return;
  g_free (account->login);
  g_free (account->phone);
  g_free (account->display_name);
  /* The hash is a secret: do not leave it in freed memory. */
  if (account->password_hash) {
    memset (account->password_hash, 0, strlen (account->password_hash));
    g_free (account->password_hash);
  }
  g_free (account);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
not_found (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, message);
  return FALSE;
}

static gboolean
login_is_valid (const char *login)
{
  gsize len = login ? strlen (login) : 0;

  if (len < LOGIN_MIN || len > LOGIN_MAX)
    return FALSE;
  for (const char *p = login; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.' && *p != '-')
      return FALSE;
  }
  return TRUE;
}

static gboolean
phone_is_valid (const char *phone)
{
  /* The same rule as a member's phone: a mainland mobile number. */
  if (!phone || strlen (phone) != 11 || phone[0] != '1')
    return FALSE;
  for (const char *p = phone; *p; p++) {
    if (!g_ascii_isdigit (*p))
      return FALSE;
  }
  return TRUE;
}

static gboolean
validate_account (const ShAccount *a, GError **error)
{
  g_autofree char *name = NULL;

  if (!login_is_valid (a->login))
    return invalid (error, "登录名须为3至32个字符，只能包含字母、数字、下划线、点和减号");
  if (a->display_name && g_utf8_validate (a->display_name, -1, NULL))
    name = g_strstrip (g_strdup (a->display_name));
  if (!name || !*name || g_utf8_strlen (name, -1) > DISPLAY_NAME_MAX_CHARS)
    return invalid (error, "显示名称不能为空，且不超过50个字");
  if (a->phone && *a->phone && !phone_is_valid (a->phone))
    return invalid (error, "手机号格式不正确，应为11位手机号码");
  if (!a->password_hash || !*a->password_hash)
    return invalid (error, "账号必须设置密码");
  return TRUE;
}

/* Runs a one-parameter existence query; @found tells whether a row came. */
gboolean
sh_account_row_exists (ShStore *store, const char *sql, const char *text, gint64 id,
                       gboolean *found, GError **error)
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

gint64
sh_account_create (ShStore *store, const ShAccount *account, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *display_name = NULL;
  const char *phone;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && account != NULL, 0);
  if (!validate_account (account, error))
    return 0;
  phone = account->phone && *account->phone ? account->phone : NULL;

  /* Name the taken value: the unique index alone cannot say which. */
  if (!sh_account_row_exists (store, "SELECT 1 FROM accounts WHERE login = ?", account->login, 0,
                              &found, error))
    return 0;
  if (found) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT, "登录名“%s”已被使用",
                 account->login);
    return 0;
  }
  if (phone) {
    if (!sh_account_row_exists (store, "SELECT 1 FROM accounts WHERE phone = ?", phone, 0, &found,
                                error))
      return 0;
    if (found) {
      g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                           "该手机号已被其他账号使用");
      return 0;
    }
  }
  if (account->member_id) {
    if (!sh_account_row_exists (store, "SELECT 1 FROM members WHERE id = ?", NULL,
                                account->member_id, &found, error))
      return 0;
    if (!found)
      return invalid (error, "账号关联的党员不存在");
    if (!sh_account_row_exists (store, "SELECT 1 FROM accounts WHERE member_id = ?", NULL,
                                account->member_id, &found, error))
      return 0;
    if (found) {
      g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT, "该党员已有账号");
      return 0;
    }
  }

  display_name = g_strstrip (g_strdup (account->display_name));
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO accounts (login, phone, display_name, member_id,"
                            " password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            "创建账号", error);
  if (!stmt)
    return 0;
  sqlite3_bind_text (stmt, 1, account->login, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 2, phone);
  sqlite3_bind_text (stmt, 3, display_name, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 4, account->member_id);
  sqlite3_bind_text (stmt, 5, account->password_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, account->disabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, sh_store_now ());
  if (!sh_sqlite_step_done (store, stmt, "创建账号", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

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

/* Steps a prepared single-account query. */
static ShAccount *
fetch_one (ShStore *store, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return account_from_row (stmt);
  if (rc == SQLITE_DONE)
    not_found (error, "账号不存在");
  else
    sh_sqlite_set_error (store, "读取账号", error);
  return NULL;
}

ShAccount *
sh_account_get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = sh_sqlite_prepare (store, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?",
                            "读取账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  return fetch_one (store, stmt, error);
}

ShAccount *
sh_account_find (ShStore *store, const char *login_or_phone, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (!login_or_phone || !*login_or_phone) {
    not_found (error, "账号不存在");
    return NULL;
  }
  /* A login may itself be eleven digits: an exact login match wins over
   * another account's phone number. */
  stmt
      = sh_sqlite_prepare (store,
                           "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE login = ?1 OR phone = ?1"
                           " ORDER BY login = ?1 DESC LIMIT 1",
                           "查找账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, login_or_phone, -1, SQLITE_TRANSIENT);
  return fetch_one (store, stmt, error);
}

ShAccount *
sh_account_find_by_member (ShStore *store, gint64 member_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = sh_sqlite_prepare (store, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE member_id = ?",
                            "查找党员的账号", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, member_id);
  return fetch_one (store, stmt, error);
}

GPtrArray *
sh_account_list (ShStore *store, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) result = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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

/* Runs an UPDATE of one account bound to (?1 = id, ?2 = @value) and reports
 * NOT_FOUND when no row changed. */
gboolean
sh_account_update (ShStore *store, const char *sql, gint64 id, const char *text, gint64 value,
                   const char *purpose, GError **error)
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
  if (sqlite3_changes (sh_sqlite_db (store)) == 0)
    return not_found (error, "账号不存在");
  return TRUE;
}

gboolean
sh_account_set_password_hash (ShStore *store, gint64 id, const char *hash, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!hash || !*hash)
    return invalid (error, "账号必须设置密码");
  return sh_account_update (store, "UPDATE accounts SET password_hash = ?2 WHERE id = ?1", id, hash,
                            0, "修改密码", error);
}

typedef struct {
  gint64 id;
  gboolean disabled;
} DisableData;

/* Whether an enabled account other than @id holds the admin role. */
static gboolean
other_admin_exists (ShStore *store, gint64 id, gboolean *found, GError **error)
{
  return sh_account_row_exists (store,
                                "SELECT 1 FROM role_grants g JOIN accounts a ON a.id = g.account_id"
                                " WHERE g.role = 'admin' AND a.disabled = 0 AND a.id != ?",
                                NULL, id, found, error);
}

static gboolean
is_admin (ShStore *store, gint64 id, gboolean *found, GError **error)
{
  return sh_account_row_exists (store,
                                "SELECT 1 FROM role_grants WHERE role = 'admin' AND account_id = ?",
                                NULL, id, found, error);
}

static gboolean
refuse_last_admin (GError **error)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE,
                       "这是最后一位系统管理员，请先为其他账号授予管理员角色");
  return FALSE;
}

static gboolean
disable_txn (ShStore *store, gpointer user_data, GError **error)
{
  DisableData *data = user_data;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean admin = FALSE, other = TRUE;

  /* Checked in the transaction so that two administrators disabling each
   * other at once cannot both succeed. */
  if (data->disabled
      && (!is_admin (store, data->id, &admin, error)
          || (admin && !other_admin_exists (store, data->id, &other, error))))
    return FALSE;
  if (!other)
    return refuse_last_admin (error);
  if (!sh_account_update (store, "UPDATE accounts SET disabled = ?2 WHERE id = ?1", data->id, NULL,
                          data->disabled ? 1 : 0, "停用账号", error))
    return FALSE;
  if (!data->disabled)
    return TRUE;
  /* A disabled account must lose its open sessions at once, not when they
   * expire. */
  stmt = sh_sqlite_prepare (store, "DELETE FROM sessions WHERE account_id = ?", "结束账号会话",
                            error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  return sh_sqlite_step_done (store, stmt, "结束账号会话", error);
}

gboolean
sh_account_set_disabled (ShStore *store, gint64 id, gboolean disabled, GError **error)
{
  DisableData data = { id, disabled };

  g_return_val_if_fail (store != NULL, FALSE);
  return sh_store_transaction (store, disable_txn, &data, error);
}

/* ------------------------------------------------------------ grants */

static gboolean
org_kind (ShStore *store, gint64 org_id, ShOrgKind *kind, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt
      = sh_sqlite_prepare (store, "SELECT kind FROM organizations WHERE id = ?", "读取组织", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取组织", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW
           && sh_org_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), kind);
  return TRUE;
}

/* Checks a grant and returns the org id to store: admin is global. */
static gboolean
check_grant (ShStore *store, gint64 account_id, ShRole role, gint64 *org_id, GError **error)
{
  ShOrgKind kind = SH_ORG_BRANCH;
  gboolean found = FALSE;

  if ((guint) role >= G_N_ELEMENTS (role_names))
    return invalid (error, "角色无效");
  if (role == SH_ROLE_MEMBER)
    return invalid (error, "党员角色由账号关联的党员自动获得，不能单独授予");
  if (!sh_account_row_exists (store, "SELECT 1 FROM accounts WHERE id = ?", NULL, account_id,
                              &found, error))
    return FALSE;
  if (!found)
    return not_found (error, "账号不存在");
  if (role == SH_ROLE_ADMIN) {
    *org_id = 0;
    return TRUE;
  }
  if (!org_kind (store, *org_id, &kind, &found, error))
    return FALSE;
  if (!found)
    return invalid (error, "授权的组织不存在");
  if (role == SH_ROLE_SECRETARY && kind != SH_ORG_BRANCH)
    return invalid (error, "支部书记角色只能授予党支部");
  return TRUE;
}

gboolean
sh_role_grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_grant (store, account_id, role, &org_id, error))
    return FALSE;
  /* Granting a role that is already held changes nothing and is no error. */
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

typedef struct {
  gint64 account_id;
  ShRole role;
  gint64 org_id;
} RevokeData;

static gboolean
revoke_txn (ShStore *store, gpointer user_data, GError **error)
{
  RevokeData *data = user_data;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean admin = FALSE, other = TRUE;

  if (data->role == SH_ROLE_ADMIN
      && (!is_admin (store, data->account_id, &admin, error)
          || (admin && !other_admin_exists (store, data->account_id, &other, error))))
    return FALSE;
  if (!other)
    return refuse_last_admin (error);
  stmt = sh_sqlite_prepare (
      store, "DELETE FROM role_grants WHERE account_id = ? AND role = ? AND org_id = ?", "撤销角色",
      error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->account_id);
  sqlite3_bind_text (stmt, 2, sh_role_to_string (data->role), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, data->role == SH_ROLE_ADMIN ? 0 : data->org_id);
  if (!sh_sqlite_step_done (store, stmt, "撤销角色", error))
    return FALSE;
  if (sqlite3_changes (sh_sqlite_db (store)) == 0)
    return not_found (error, "该账号没有这个角色");
  return TRUE;
}

gboolean
sh_role_revoke (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error)
{
  RevokeData data = { account_id, role, org_id };

  g_return_val_if_fail (store != NULL, FALSE);
  if ((guint) role >= G_N_ELEMENTS (role_names) || role == SH_ROLE_MEMBER)
    return invalid (error, "该角色不能撤销");
  return sh_store_transaction (store, revoke_txn, &data, error);
}

static void
add_grant (GArray *grants, ShRole role, gint64 org_id)
{
  ShRoleGrant grant = { role, org_id };

  g_array_append_val (grants, grant);
}

GArray *
sh_account_roles (ShStore *store, gint64 account_id, GError **error)
{
  g_autoptr (sqlite3_stmt) account = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) member = NULL;
  g_autoptr (GArray) grants = g_array_new (FALSE, FALSE, sizeof (ShRoleGrant));
  gint64 member_id;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  account
      = sh_sqlite_prepare (store, "SELECT member_id FROM accounts WHERE id = ?", "读取账号", error);
  if (!account)
    return NULL;
  sqlite3_bind_int64 (account, 1, account_id);
  rc = sqlite3_step (account);
  if (rc == SQLITE_DONE) {
    not_found (error, "账号不存在");
    return NULL;
  }
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取账号", error);
    return NULL;
  }
  member_id = sqlite3_column_int64 (account, 0);

  stmt = sh_sqlite_prepare (store,
                            "SELECT role, org_id FROM role_grants WHERE account_id = ?"
                            " ORDER BY role, org_id",
                            "读取角色", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShRole role;

    if (sh_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &role))
      add_grant (grants, role, sqlite3_column_int64 (stmt, 1));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取角色", error);
    return NULL;
  }
  if (!member_id)
    return g_steal_pointer (&grants);

  /* The member role follows the membership: a member transferred out
   * (inactive) no longer sees the branch. */
  member = sh_sqlite_prepare (store,
                              "SELECT branch_id, migrant, current_branch_id FROM members"
                              " WHERE id = ? AND active = 1",
                              "读取党员", error);
  if (!member)
    return NULL;
  sqlite3_bind_int64 (member, 1, member_id);
  rc = sqlite3_step (member);
  if (rc == SQLITE_ROW) {
    gint64 visiting = sqlite3_column_int64 (member, 2);

    add_grant (grants, SH_ROLE_MEMBER, sqlite3_column_int64 (member, 0));
    if (sqlite3_column_int (member, 1) && visiting && visiting != sqlite3_column_int64 (member, 0))
      add_grant (grants, SH_ROLE_MEMBER, visiting);
  } else if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取党员", error);
    return NULL;
  }
  return g_steal_pointer (&grants);
}
