/* Accounts and role grants (administrators), and password changes.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

#include "login.h"
#include "password.h"

static void
build_account (JsonBuilder *b, ShServer *server, const ShAccount *a)
{
  g_autoptr (GArray) roles = sh_account_roles (server->store, a->id, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, a->id);
  sh_json_builder_add_string (b, "login", a->login);
  sh_json_builder_add_string (b, "phone", a->phone);
  sh_json_builder_add_string (b, "display_name", a->display_name);
  sh_json_builder_add_id (b, "member_id", a->member_id);
  json_builder_set_member_name (b, "disabled");
  json_builder_add_boolean_value (b, a->disabled);
  json_builder_set_member_name (b, "locked");
  json_builder_add_boolean_value (b, a->locked_until > g_get_real_time ());
  if (a->locked_until > g_get_real_time ())
    sh_json_builder_add_time (b, "locked_until", a->locked_until, server->tz);
  json_builder_set_member_name (b, "failed_logins");
  json_builder_add_int_value (b, a->failed_logins);
  json_builder_set_member_name (b, "roles");
  json_builder_begin_array (b);
  for (guint i = 0; roles && i < roles->len; i++) {
    const ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    json_builder_begin_object (b);
    sh_json_builder_add_string (b, "role", sh_role_to_string (g->role));
    sh_json_builder_add_id (b, "org_id", g->org_id);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static gboolean
require_admin (ShRequest *req)
{
  if (sh_authz_is_admin (req->auth.roles))
    return TRUE;
  sh_reply_forbidden (req);
  return FALSE;
}

static void
handle_list_accounts (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (!require_admin (req))
    return;
  accounts = sh_account_list (req->server->store, &error);
  if (!accounts) {
    sh_reply_gerror (req, error);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "accounts");
  json_builder_begin_array (b);
  for (guint i = 0; i < accounts->len; i++)
    build_account (b, req->server, g_ptr_array_index (accounts, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

typedef struct {
  ShAccount *account; /* to create, without its hash */
  gint64 actor;
} Creation;

static void
creation_free (gpointer data)
{
  Creation *c = data;

  sh_account_free (c->account);
  g_free (c);
}

static void
create_hashed (ShRequest *req, gboolean ok, const char *new_hash, gpointer data)
{
  Creation *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) stored = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 id;

  c->account->password_hash = g_strdup (new_hash);
  id = sh_account_create (req->server->store, c->account, &error);
  if (!id || !(stored = sh_account_get (req->server->store, id, &error))) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("account %" G_GINT64_FORMAT " created by account %" G_GINT64_FORMAT, id, c->actor);
  build_account (b, req->server, stored);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

static void
handle_create_account (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) a = g_new0 (ShAccount, 1);
  g_autofree char *password = NULL;
  Creation *c;

  if (!require_admin (req))
    return;
  if (!sh_json_get_string (req->body, "login", TRUE, 32, &a->login, &error)
      || !sh_json_get_string (req->body, "phone", FALSE, 20, &a->phone, &error)
      || !sh_json_get_string (req->body, "display_name", TRUE, 50, &a->display_name, &error)
      || !sh_json_get_int (req->body, "member_id", FALSE, 0, G_MAXINT64, &a->member_id, &error)
      || !sh_json_get_string (req->body, "password", TRUE, 128, &password, &error)
      || !sh_password_acceptable_for (password, a->login, a->phone, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  c = g_new0 (Creation, 1);
  c->account = g_steal_pointer (&a);
  c->actor = req->auth.account->id;
  /* The new hash is made on the hashing pool (login.c). */
  sh_login_check_password (req, 0, NULL, NULL, password, create_hashed, c, creation_free);
}

static gboolean
read_role (ShRequest *req, const char *text, ShRole *role)
{
  if (sh_role_from_string (text, role) && *role != SH_ROLE_MEMBER)
    return TRUE;
  sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request",
                  "角色应为 admin、secretary 或 inspector（党员角色随党员档案自动获得）");
  return FALSE;
}

static void
handle_grant_role (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *role_text = NULL;
  gint64 org_id = 0;
  ShRole role;

  if (!require_admin (req))
    return;
  if (!sh_json_get_string (req->body, "role", TRUE, 20, &role_text, &error)
      || !sh_json_get_int (req->body, "org_id", FALSE, 0, G_MAXINT64, &org_id, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!read_role (req, role_text, &role))
    return;
  if (!sh_role_grant (req->server->store, req->ids[0], role, org_id, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  g_message ("role %s on %" G_GINT64_FORMAT " granted to account %" G_GINT64_FORMAT, role_text,
             org_id, req->ids[0]);
  sh_reply_ok (req, SOUP_STATUS_CREATED);
}

static void
handle_revoke_role (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  ShRole role;

  if (!require_admin (req) || !read_role (req, req->words[0], &role))
    return;
  if (!sh_role_revoke (req->server->store, req->ids[0], role, req->ids[1], &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_reply_no_content (req);
}

typedef struct {
  gint64 id;
  gint64 actor;
  char *keep_token_hash; /* the changer's own session; NULL for a reset */
} PasswordChange;

static void
password_change_free (gpointer data)
{
  PasswordChange *c = data;

  g_free (c->keep_token_hash);
  g_free (c);
}

static void
password_checked (ShRequest *req, gboolean ok, const char *new_hash, gpointer data)
{
  PasswordChange *c = data;
  g_autoptr (GError) error = NULL;

  if (!ok || !new_hash) {
    sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "bad_credentials", "原密码不正确");
    return;
  }
  if (!sh_account_change_password (req->server->store, c->id, new_hash, c->keep_token_hash,
                                   &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_login_forget_account (req->server, c->id);
  g_message ("password of account %" G_GINT64_FORMAT " changed by account %" G_GINT64_FORMAT
             "; its other sessions ended",
             c->id, c->actor);
  sh_reply_no_content (req);
}

/* Own change (with the old password): every other session ends. An
 * administrator's reset: every session ends, and the lock is lifted. Both
 * revoke the calendar link (sh_account_change_password). The old password
 * is checked, and the new one hashed, on the hashing pool; wrong old
 * passwords are throttled like failed log-ins. */
static void
handle_set_password (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *old_password = NULL;
  g_autoptr (ShAccount) target = NULL;
  gboolean self = req->ids[0] == req->auth.account->id;
  PasswordChange *c;

  if (!self && !require_admin (req))
    return;
  target = sh_account_get (req->server->store, req->ids[0], &error);
  if (!target) {
    sh_reply_gerror (req, error);
    return;
  }
  if (!sh_json_get_string (req->body, "password", TRUE, 128, &password, &error)
      || !sh_json_get_string (req->body, "old_password", self, 128, &old_password, &error)
      || !sh_password_acceptable_for (password, target->login, target->phone, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  c = g_new0 (PasswordChange, 1);
  c->id = target->id;
  c->actor = req->auth.account->id;
  c->keep_token_hash = self ? g_strdup (req->auth.token_hash) : NULL;
  sh_login_check_password (req, self ? target->id : 0, old_password,
                           self ? req->auth.account->password_hash : NULL, password,
                           password_checked, c, password_change_free);
}

static void
handle_unlock (ShRequest *req)
{
  g_autoptr (GError) error = NULL;

  if (!require_admin (req))
    return;
  if (!sh_account_record_success (req->server->store, req->ids[0], &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  sh_login_forget_account (req->server, req->ids[0]);
  g_message ("account %" G_GINT64_FORMAT " unlocked by account %" G_GINT64_FORMAT, req->ids[0],
             req->auth.account->id);
  sh_reply_no_content (req);
}

/* A one-time code for an owner locked out away from their usual networks:
 * it passes the lock once, with the right password, without lifting the
 * lock for the strangers who caused it. */
static void
handle_login_code (ShRequest *req)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *code = NULL;
  gint64 expires_at = 0;

  if (!require_admin (req))
    return;
  code = sh_login_issue_code (req->server->store, req->ids[0], &expires_at, &error);
  if (!code) {
    sh_reply_gerror (req, error);
    return;
  }
  /* The code itself is not logged. */
  g_message ("one-time log-in code for account %" G_GINT64_FORMAT
             " issued by account %" G_GINT64_FORMAT,
             req->ids[0], req->auth.account->id);
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "code", code);
  sh_json_builder_add_time (b, "expires_at", expires_at, req->server->tz);
  json_builder_end_object (b);
  sh_reply_builder (req, SOUP_STATUS_CREATED, b);
}

const ShRoute sh_account_routes[] = {
  { "GET", "api/accounts", SH_ROUTE_SESSION, handle_list_accounts },
  { "POST", "api/accounts", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_create_account },
  { "POST", "api/accounts/{id}/roles", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_grant_role },
  { "DELETE", "api/accounts/{id}/roles/{word}/{id}", SH_ROUTE_SESSION, handle_revoke_role },
  { "POST", "api/accounts/{id}/password", SH_ROUTE_SESSION | SH_ROUTE_JSON, handle_set_password },
  { "POST", "api/accounts/{id}/unlock", SH_ROUTE_SESSION, handle_unlock },
  { "POST", "api/accounts/{id}/login-code", SH_ROUTE_SESSION, handle_login_code },
  { NULL },
};
