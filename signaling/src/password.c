/* Password hashing with PBKDF2-HMAC-SHA256 (OpenSSL).
 * SPDX-License-Identifier: Apache-2.0 */
#include "password.h"

#include <string.h>
#include <gio/gio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define SCHEME "pbkdf2-sha256"
#define SALT_BYTES 16
#define HASH_BYTES 32
/* Bounds for salts read back from stored hashes; ours are always 16. */
#define SALT_MIN_BYTES 8
#define SALT_MAX_BYTES 64

/* Decodes standard base64 strictly: g_base64_decode() skips characters it
 * does not know, so the result is re-encoded and must match the input, which
 * rejects stray characters, missing padding and non-canonical trailing bits.
 * Returns: (transfer full) the bytes, or NULL. */
static guchar *
decode_base64_strict (const char *text, gsize *length)
{
  gsize text_len = strlen (text);

  if (text_len == 0 || text_len % 4 != 0
      || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "abcdefghijklmnopqrstuvwxyz"
                       "0123456789+/=")
             != text_len)
    return NULL;

  g_autofree guchar *bytes = g_base64_decode (text, length);
  if (*length == 0)
    return NULL;
  g_autofree char *again = g_base64_encode (bytes, *length);
  if (strcmp (again, text) != 0)
    return NULL;
  return g_steal_pointer (&bytes);
}

static gboolean
derive (const char *password, const guchar *salt, gsize salt_len, guint iterations, guchar *out,
        gsize out_len)
{
  return PKCS5_PBKDF2_HMAC (password, (int) strlen (password), salt, (int) salt_len,
                            (int) iterations, EVP_sha256 (), (int) out_len, out)
         == 1;
}

char *
sh_password_hash (const char *password, guint iterations)
{
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (iterations >= 1 && iterations <= G_MAXINT32, NULL);

  guchar salt[SALT_BYTES];
  guchar hash[HASH_BYTES];

  /* Without randomness or a working KDF no safe hash can be produced, and
   * returning something weaker would be worse than stopping. */
  if (RAND_bytes (salt, sizeof salt) != 1)
    g_error ("OpenSSL RAND_bytes failed: no randomness for a password salt");
  if (!derive (password, salt, sizeof salt, iterations, hash, sizeof hash))
    g_error ("OpenSSL PKCS5_PBKDF2_HMAC failed");

  g_autofree char *salt_b64 = g_base64_encode (salt, sizeof salt);
  g_autofree char *hash_b64 = g_base64_encode (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);
  return g_strdup_printf (SCHEME "$%u$%s$%s", iterations, salt_b64, hash_b64);
}

gboolean
sh_password_verify (const char *password, const char *encoded)
{
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (encoded != NULL, FALSE);

  g_auto (GStrv) parts = g_strsplit (encoded, "$", 0);
  if (g_strv_length (parts) != 4 || strcmp (parts[0], SCHEME) != 0)
    return FALSE;

  guint64 iterations = 0;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXINT32, &iterations, NULL))
    return FALSE;

  gsize salt_len = 0, hash_len = 0;
  g_autofree guchar *salt = decode_base64_strict (parts[2], &salt_len);
  g_autofree guchar *expected = decode_base64_strict (parts[3], &hash_len);
  if (salt == NULL || expected == NULL || salt_len < SALT_MIN_BYTES || salt_len > SALT_MAX_BYTES
      || hash_len != HASH_BYTES)
    return FALSE;

  guchar actual[HASH_BYTES];
  if (!derive (password, salt, salt_len, (guint) iterations, actual, sizeof actual))
    return FALSE;
  gboolean same = CRYPTO_memcmp (actual, expected, HASH_BYTES) == 0;
  OPENSSL_cleanse (actual, sizeof actual);
  return same;
}

gboolean
sh_password_acceptable (const char *password, GError **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (!g_utf8_validate (password, -1, NULL)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "密码含有无效字符");
    return FALSE;
  }
  glong length = g_utf8_strlen (password, -1);
  if (length < 8) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "密码太短，至少需要 8 个字符");
    return FALSE;
  }
  if (length > 128) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "密码太长，最多 128 个字符");
    return FALSE;
  }
  if (strspn (password, "0123456789") == strlen (password)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "密码不能全是数字，请加入字母或符号");
    return FALSE;
  }
  return TRUE;
}
