/* Log-in, log-out and the session behind every request.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server-private.h"

#include <openssl/crypto.h>

#include "login.h"
#include "token.h"

void
sh_auth_clear (ShAuth *auth)
{
  g_clear_pointer (&auth->account, sh_account_free);
  g_clear_pointer (&auth->roles, g_array_unref);
  g_clear_pointer (&auth->csrf_token, g_free);
  g_clear_pointer (&auth->token_hash, g_free);
}

static char *
session_cookie_value (SoupServerMessage *msg)
{
  const char *header
      = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Cookie");
  GHashTable *cookies;
  char *value;

  if (!header)
    return NULL;
  cookies = soup_header_parse_semi_param_list (header);
  value = g_strdup (g_hash_table_lookup (cookies, SH_SESSION_COOKIE));
  soup_header_free_param_list (cookies);
  return value;
}

gboolean
sh_auth_from_token_hash (ShServer *server, const char *token_hash, ShAuth *auth)
{
  g_autofree char *csrf = NULL;
  g_autoptr (ShAccount) account = NULL;
  gint64 account_id = 0;

  if (!sh_session_lookup (server->store, token_hash, g_get_real_time (), &account_id, &csrf, NULL))
    return FALSE;
  account = sh_account_get (server->store, account_id, NULL);
  if (!account || account->disabled)
    return FALSE;
  auth->roles = sh_account_roles (server->store, account_id, NULL);
  if (!auth->roles)
    return FALSE;
  auth->account = g_steal_pointer (&account);
  auth->csrf_token = g_steal_pointer (&csrf);
  auth->token_hash = g_strdup (token_hash);
  return TRUE;
}

gboolean
sh_auth_from_message (ShServer *server, SoupServerMessage *msg, ShAuth *auth)
{
  g_autofree char *token = session_cookie_value (msg);
  g_autofree char *hash = NULL;

  if (!token || strlen (token) > 128)
    return FALSE;
  hash = sh_token_sha256_hex (token);
  return sh_auth_from_token_hash (server, hash, auth);
}

static void
set_cookie (ShRequest *req, const char *value, gint64 max_age_s)
{
  g_autofree char *header
      = g_strdup_printf ("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%" G_GINT64_FORMAT "%s",
                         SH_SESSION_COOKIE, value, max_age_s, req->server->tls ? "; Secure" : "");

  soup_message_headers_append (soup_server_message_get_response_headers (req->msg), "Set-Cookie",
                               header);
}

char *
sh_session_start (ShRequest *req, const ShAccount *account, GError **error)
{
  g_autofree char *token = sh_token_random (32);
  g_autofree char *hash = sh_token_sha256_hex (token);
  g_autofree char *csrf = sh_token_random (24);
  gint64 lifetime_s = (gint64) req->server->config->session_hours * 3600;

  if (!sh_session_create (req->server->store, hash, account->id, csrf,
                          g_get_real_time () + lifetime_s * G_USEC_PER_SEC, error))
    return NULL;
  set_cookie (req, token, lifetime_s);
  return g_steal_pointer (&csrf);
}

void
sh_session_end (ShRequest *req)
{
  if (req->auth.token_hash)
    sh_session_delete (req->server->store, req->auth.token_hash, NULL);
  set_cookie (req, "", 0);
}

void
sh_build_me (JsonBuilder *b, const ShAccount *account, GArray *roles, const char *csrf)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "account");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, account->id);
  sh_json_builder_add_string (b, "login", account->login);
  sh_json_builder_add_string (b, "display_name", account->display_name);
  sh_json_builder_add_id (b, "member_id", account->member_id);
  json_builder_end_object (b);
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
  sh_json_builder_add_string (b, "csrf_token", csrf);
  json_builder_end_object (b);
}

static void
handle_login (ShRequest *req)
{
  g_autofree char *login = NULL;
  g_autofree char *password = NULL;
  g_autofree char *code = NULL;
  g_autoptr (GError) error = NULL;

  if (!sh_json_get_string (req->body, "login", TRUE, 64, &login, &error)
      || !sh_json_get_string (req->body, "password", TRUE, 128, &password, &error)
      || !sh_json_get_string (req->body, "code", FALSE, 16, &code, &error)) {
    sh_reply_gerror (req, error);
    return;
  }
  /* Throttles, hashes off the main thread, and replies (login.c). */
  sh_login_start (req, login, password, code);
  if (password)
    OPENSSL_cleanse (password, strlen (password));
}

static void
handle_me (ShRequest *req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  sh_build_me (b, req->auth.account, req->auth.roles, req->auth.csrf_token);
  sh_reply_builder (req, SOUP_STATUS_OK, b);
}

static void
handle_logout (ShRequest *req)
{
  sh_session_end (req);
  sh_reply_no_content (req);
}

const ShRoute sh_session_routes[] = {
  { "POST", "api/session", SH_ROUTE_JSON, handle_login },
  { "GET", "api/session", SH_ROUTE_SESSION, handle_me },
  { "DELETE", "api/session", SH_ROUTE_SESSION, handle_logout },
  { NULL },
};
