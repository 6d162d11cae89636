/* Who is asking, and the session cookie behind it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "auth.h"

#include "http-private.h"
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
set_cookie (ShServer *server, SoupServerMessage *msg, const char *value, gint64 max_age_s)
{
  g_autofree char *header
      = g_strdup_printf ("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%" G_GINT64_FORMAT "%s",
                         SH_SESSION_COOKIE, value, max_age_s, server->tls ? "; Secure" : "");

  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie",
                               header);
}

char *
sh_session_start (ShServer *server, SoupServerMessage *msg, const ShAccount *account,
                  GError **error)
{
  g_autofree char *token = sh_token_random (32);
  g_autofree char *hash = sh_token_sha256_hex (token);
  g_autofree char *csrf = sh_token_random (24);
  gint64 lifetime_s = (gint64) server->config->session_hours * 3600;

  if (!sh_session_create (server->store, hash, account->id, csrf,
                          g_get_real_time () + lifetime_s * G_USEC_PER_SEC, error))
    return NULL;
  set_cookie (server, msg, token, lifetime_s);
  return g_steal_pointer (&csrf);
}

void
sh_session_end (ShServer *server, SoupServerMessage *msg, const ShAuth *auth)
{
  if (auth->token_hash)
    sh_session_delete (server->store, auth->token_hash, NULL);
  set_cookie (server, msg, "", 0);
}
