/* Password hashing: PBKDF2-HMAC-SHA256 from OpenSSL with a random 16-byte
 * salt. Encoded as "pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64" so that the
 * iteration count can be raised without breaking old hashes.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

/* Returns: (transfer full) the encoded hash. */
char *sh_password_hash (const char *password, guint iterations);

/* Constant-time comparison against an encoded hash; FALSE for a malformed
 * encoding. */
gboolean sh_password_verify (const char *password, const char *encoded);

/* Rules for a new password: length 8..128, not all digits, not one of the
 * most common passwords (with digits or symbols around it), not repeated or
 * consecutive characters, and not containing the account's @login or
 * @phone (both nullable). Sets a Chinese message in @error
 * (G_IO_ERROR_INVALID_ARGUMENT) when weak. */
gboolean sh_password_acceptable_for (const char *password, const char *login, const char *phone,
                                     GError **error);
/* The same without an account to compare with. */
gboolean sh_password_acceptable (const char *password, GError **error);
