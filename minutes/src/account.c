/* Accounts and role grants (log-in state: account-access.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "account-private.h"
#include "store-account.h"

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
    return sh_minutes_invalid (error,
                               "登录名须为3至32个字符，只能包含字母、数字、下划线、点和减号");
  if (a->display_name && g_utf8_validate (a->display_name, -1, NULL))
    name = g_strstrip (g_strdup (a->display_name));
  if (!name || !*name || g_utf8_strlen (name, -1) > DISPLAY_NAME_MAX_CHARS)
    return sh_minutes_invalid (error, "显示名称不能为空，且不超过50个字");
  if (a->phone && *a->phone && !phone_is_valid (a->phone))
    return sh_minutes_invalid (error, "手机号格式不正确，应为11位手机号码");
  if (!a->password_hash || !*a->password_hash)
    return sh_minutes_invalid (error, "账号必须设置密码");
  return TRUE;
}

/* Names the taken value: the backend's unique keys alone cannot say which. */
static gboolean
check_unique (ShStore *store, const ShAccount *a, const char *phone, GError **error)
{
  const ShAccountStoreOps *ops = sh_store_ops (store, account);
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean taken = FALSE;

  if (!ops->login_taken (store, a->login, &taken, error))
    return FALSE;
  if (taken) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT, "登录名“%s”已被使用",
                 a->login);
    return FALSE;
  }
  if (phone) {
    if (!ops->phone_taken (store, phone, &taken, error))
      return FALSE;
    if (taken)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该手机号已被其他账号使用");
  }
  if (!a->member_id)
    return TRUE;
  member = sh_member_get (store, a->member_id, &local_error);
  if (!member) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      return sh_minutes_invalid (error, "账号关联的党员不存在");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!ops->member_taken (store, a->member_id, &taken, error))
    return FALSE;
  if (taken)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已有账号");
  return TRUE;
}

gint64
sh_account_create (ShStore *store, const ShAccount *account, GError **error)
{
  g_autofree char *display_name = NULL;
  ShAccount row;

  g_return_val_if_fail (store != NULL && account != NULL, 0);
  if (!validate_account (account, error))
    return 0;
  row = *account;
  row.phone = account->phone && *account->phone ? account->phone : NULL;
  if (!check_unique (store, account, row.phone, error))
    return 0;
  display_name = g_strstrip (g_strdup (account->display_name));
  row.display_name = display_name;
  return sh_store_ops (store, account)->insert (store, &row, sh_store_now (), error);
}

ShAccount *
sh_account_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, account)->get (store, id, error);
}

ShAccount *
sh_account_find (ShStore *store, const char *login_or_phone, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!login_or_phone || !*login_or_phone) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
    return NULL;
  }
  return sh_store_ops (store, account)->find (store, login_or_phone, error);
}

ShAccount *
sh_account_find_by_member (ShStore *store, gint64 member_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, account)->find_by_member (store, member_id, error);
}

GPtrArray *
sh_account_list (ShStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, account)->list (store, error);
}

gboolean
sh_account_set_password_hash (ShStore *store, gint64 id, const char *hash, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!hash || !*hash)
    return sh_minutes_invalid (error, "账号必须设置密码");
  if (!sh_store_ops (store, account)->set_password_hash (store, id, hash, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
}

/* Fails when @id is the last enabled administrator: someone must be left
 * who can manage accounts. */
static gboolean
check_not_last_admin (ShStore *store, gint64 id, GError **error)
{
  gboolean admin = FALSE, other = TRUE;

  if (!sh_store_ops (store, account)->admins (store, id, &admin, &other, error))
    return FALSE;
  if (admin && !other)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                            "这是最后一位系统管理员，请先为其他账号授予管理员角色");
  return TRUE;
}

typedef struct {
  gint64 id;
  gboolean disabled;
} DisableData;

static gboolean
disable_txn (ShStore *store, gpointer user_data, GError **error)
{
  DisableData *data = user_data;
  gboolean found = FALSE;

  /* Checked in the transaction so that two administrators disabling each
   * other at once cannot both succeed. */
  if (data->disabled && !check_not_last_admin (store, data->id, error))
    return FALSE;
  if (!sh_store_ops (store, account)->set_disabled (store, data->id, data->disabled, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "账号不存在");
  /* A disabled account must lose its open sessions at once, not when they
   * expire. */
  return !data->disabled || sh_session_delete_for_account (store, data->id, NULL, error) >= 0;
}

gboolean
sh_account_set_disabled (ShStore *store, gint64 id, gboolean disabled, GError **error)
{
  DisableData data = { id, disabled };

  g_return_val_if_fail (store != NULL, FALSE);
  return sh_store_transaction (store, disable_txn, &data, error);
}

/* ------------------------------------------------------------ grants */

/* Checks a grant and returns the org id to store: admin is global. */
static gboolean
check_grant (ShStore *store, gint64 account_id, ShRole role, gint64 *org_id, GError **error)
{
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GError) local_error = NULL;

  if ((guint) role >= G_N_ELEMENTS (role_names))
    return sh_minutes_invalid (error, "角色无效");
  if (role == SH_ROLE_MEMBER)
    return sh_minutes_invalid (error, "党员角色由账号关联的党员自动获得，不能单独授予");
  account = sh_account_get (store, account_id, error);
  if (!account)
    return FALSE;
  if (role == SH_ROLE_ADMIN) {
    *org_id = 0;
    return TRUE;
  }
  org = sh_org_get (store, *org_id, &local_error);
  if (!org) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      return sh_minutes_invalid (error, "授权的组织不存在");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (role == SH_ROLE_SECRETARY && org->kind != SH_ORG_BRANCH)
    return sh_minutes_invalid (error, "支部书记角色只能授予党支部");
  return TRUE;
}

gboolean
sh_role_grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_grant (store, account_id, role, &org_id, error))
    return FALSE;
  /* Granting a role that is already held changes nothing and is no error. */
  return sh_store_ops (store, account)->grant (store, account_id, role, org_id, error);
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
  gboolean found = FALSE;

  if (data->role == SH_ROLE_ADMIN && !check_not_last_admin (store, data->account_id, error))
    return FALSE;
  if (!sh_store_ops (store, account)
           ->revoke (store, data->account_id, data->role,
                     data->role == SH_ROLE_ADMIN ? 0 : data->org_id, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该账号没有这个角色");
}

gboolean
sh_role_revoke (ShStore *store, gint64 account_id, ShRole role, gint64 org_id, GError **error)
{
  RevokeData data = { account_id, role, org_id };

  g_return_val_if_fail (store != NULL, FALSE);
  if ((guint) role >= G_N_ELEMENTS (role_names) || role == SH_ROLE_MEMBER)
    return sh_minutes_invalid (error, "该角色不能撤销");
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
  g_autoptr (ShAccount) account = NULL;
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GArray) grants = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  account = sh_account_get (store, account_id, error);
  if (!account)
    return NULL;
  grants = sh_store_ops (store, account)->grants (store, account_id, error);
  if (!grants || !account->member_id)
    return g_steal_pointer (&grants);

  /* The member role follows the membership: a member transferred out
   * (inactive) no longer sees the branch. */
  member = sh_member_get (store, account->member_id, &local_error);
  if (!member) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      return g_steal_pointer (&grants);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  if (member->active) {
    add_grant (grants, SH_ROLE_MEMBER, member->branch_id);
    if (member->migrant && member->current_branch_id
        && member->current_branch_id != member->branch_id)
      add_grant (grants, SH_ROLE_MEMBER, member->current_branch_id);
  }
  return g_steal_pointer (&grants);
}
