/* HMAC-SHA256 signed, expiring tokens for invitation links and calendar
 * feeds, and random tokens for sessions and CSRF.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#define SH_TOKEN_ERROR (sh_token_error_quark ())
GQuark sh_token_error_quark (void);

typedef enum {
  SH_TOKEN_ERROR_MALFORMED,
  SH_TOKEN_ERROR_BAD_SIGNATURE,
  SH_TOKEN_ERROR_EXPIRED,
  SH_TOKEN_ERROR_WRONG_PURPOSE,
} ShTokenError;

/* A server secret of 32 random bytes, kept in @path (mode 0600), created on
 * first use. Returns: (transfer full) the secret bytes. */
GBytes *sh_token_load_or_create_secret (const char *path, GError **error);

/* "v1.PURPOSE.SUBJECT.EXPIRES.SIG" in URL-safe base64 pieces; @purpose and
 * @subject must be URL-safe ([A-Za-z0-9_-]). Returns: (transfer full). */
char *sh_token_sign (GBytes *secret, const char *purpose, const char *subject, gint64 expires_at);

/* Checks signature (constant time), purpose and expiry against @now.
 * Returns: (transfer full) the subject, or NULL with @error set. */
char *sh_token_verify (GBytes *secret, const char *token, const char *purpose, gint64 now,
                       GError **error);

/* @n_bytes of randomness from OpenSSL, URL-safe base64 without padding.
 * Returns: (transfer full). */
char *sh_token_random (gsize n_bytes);

/* @n_digits random decimal digits (a one-time code). Returns: (transfer
 * full). */
char *sh_token_digits (guint n_digits);

/* Lower-case hex SHA-256 of @text. Returns: (transfer full). */
char *sh_token_sha256_hex (const char *text);

/* The token of a calendar link: signs the account and its calendar
 * generation, so that bumping the generation (renewal, password change)
 * revokes every older link. Returns: (transfer full). */
char *sh_token_calendar_sign (GBytes *secret, gint64 account_id, gint64 generation,
                              gint64 expires_at);
/* Checks a calendar link's token and reads the account and generation it
 * names (links made before generations existed name generation 0). */
gboolean sh_token_calendar_verify (GBytes *secret, const char *token, gint64 now,
                                   gint64 *account_id, gint64 *generation, GError **error);
