/* Log-in, log-out and who is logged in: the routes of /api/session.
 * SPDX-License-Identifier: Apache-2.0 */
#include "api-private.h"

#include <openssl/crypto.h>

#include "login.h"

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
  sh_session_end (req->server, req->msg, &req->auth);
  sh_reply_no_content (req);
}

const ShRoute sh_session_routes[] = {
  { "POST", "api/session", SH_ROUTE_JSON, handle_login },
  { "GET", "api/session", SH_ROUTE_SESSION, handle_me },
  { "DELETE", "api/session", SH_ROUTE_SESSION, handle_logout },
  { NULL },
};
