/* Layer: authentication and sessions (login.c, api-session.c, above the
 * HTTP server). Log-in: the per-address throttle and the password hashing
 * pool that keeps PBKDF2 off the main thread. May include: http-private.h
 * and what it includes.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "http-private.h"

typedef struct _ShLogin ShLogin;

/* The machinery is made on first use and ends when the server stops
 * (sh_server_on_stop()). */

/* Checks @login/@password (and the one-time @code, nullable) of a POST
 * /api/session and replies: at once when throttled or busy, else after the
 * hash, from the main loop (the message is paused meanwhile). The
 * arguments are copied. */
void sh_login_start (ShRequest *req, const char *login, const char *password, const char *code);

/* How long a one-time log-in code is valid. */
#define SH_LOGIN_CODE_HOURS 24

/* Gives @account_id a new one-time log-in code (the right password and the
 * code pass the account lock once, from any network); an earlier code is
 * replaced. Sets @expires_at. Returns: (transfer full) the code, or NULL
 * with @error set. */
char *sh_login_issue_code (ShStore *store, gint64 account_id, gint64 *expires_at, GError **error);

/* Called on the main thread once a password check is done, with a request
 * rebuilt around the same message (no session and no body: what the
 * callback needs travels in @data). @new_hash: (nullable) the hash of the
 * new password, when @ok and one was asked for. The callback replies. */
typedef void (*ShPasswordCheckedFunc) (ShRequest *req, gboolean ok, const char *new_hash,
                                       gpointer data);

/* Checks @password against @hash (NULL: no check) on the hashing pool and,
 * when it matches and @new_password is set, hashes @new_password there too,
 * so that neither holds up the main thread. A check is throttled like a
 * log-in of @account_id from the request's address, and a wrong password
 * counts as a failed one. Replies itself when throttled (429) or busy
 * (503); else @done replies. @data is freed with @free_data in every case.
 * @password and @new_password are copied. */
void sh_login_check_password (ShRequest *req, gint64 account_id, const char *password,
                              const char *hash, const char *new_password,
                              ShPasswordCheckedFunc done, gpointer data, GDestroyNotify free_data);

/* Forgets the throttling of @account_id's log-ins (an administrator's
 * unlock). */
void sh_login_forget_account (ShServer *server, gint64 account_id);
