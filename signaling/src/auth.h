/* Layer: HTTP server (bottom of it). Who is asking: the session cookie
 * resolved to an account and its roles, and starting and ending sessions.
 * Used by the router (server.c), the pages, the WebSocket gate and the
 * log-in. May include: glib, libsoup, sanhui-minutes.h; nothing of
 * signaling but this header's own types.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>

#include "sanhui-minutes.h"
#include "sanhui-signaling.h"

#define SH_SESSION_COOKIE "sanhui_session"

/* Who is asking: filled from the session cookie before a handler runs. */
typedef struct {
  ShAccount *account; /* NULL when not logged in */
  GArray *roles;      /* ShRoleGrant; empty when not logged in */
  char *csrf_token;
  char *token_hash;
} ShAuth;

/* Resolves the session cookie of @msg; FALSE when there is none or it is
 * no longer valid. Used by the HTTP and WebSocket paths alike. */
gboolean sh_auth_from_message (ShServer *server, SoupServerMessage *msg, ShAuth *auth);
/* The same from the SHA-256 of a session token (a WebSocket re-checks its
 * session for every message). */
gboolean sh_auth_from_token_hash (ShServer *server, const char *token_hash, ShAuth *auth);
void sh_auth_clear (ShAuth *auth);

/* Starts a session for @account and sets the cookie on @msg. Returns:
 * (transfer full) the CSRF token of the new session, or NULL with @error
 * set. */
char *sh_session_start (ShServer *server, SoupServerMessage *msg, const ShAccount *account,
                        GError **error);
/* Ends the session of @auth (nullable token) and clears the cookie. */
void sh_session_end (ShServer *server, SoupServerMessage *msg, const ShAuth *auth);
