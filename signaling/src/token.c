/* Signed, expiring tokens (HMAC-SHA256) and random tokens.
 * SPDX-License-Identifier: Apache-2.0 */
#include "token.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

G_DEFINE_QUARK (sh - token - error - quark, sh_token_error)

#define SECRET_BYTES 32
#define SIGNATURE_BYTES 32
/* Tokens travel in URLs; anything longer is not one of ours. */
#define TOKEN_MAX_LENGTH 1024

static void
random_bytes (guchar *buffer, gsize length)
{
  /* Every caller needs unguessable bytes for security; there is no safe way
   * to continue without them. */
  if (RAND_bytes (buffer, (int) length) != 1)
    g_error ("OpenSSL RAND_bytes failed: no randomness available");
}

/* Returns: (transfer full) URL-safe base64 without padding (RFC 4648 §5). */
static char *
base64url_encode (const guchar *data, gsize length)
{
  char *text = g_base64_encode (data, length);

  for (char *p = text; *p != '\0'; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
    else if (*p == '=') {
      *p = '\0';
      break;
    }
  }
  return text;
}

/* Strict inverse of base64url_encode(): only the URL-safe alphabet, no
 * padding, canonical trailing bits (so that one signature has one spelling).
 * Returns: (transfer full) the bytes, or NULL. */
static guchar *
base64url_decode (const char *text, gsize *length)
{
  gsize text_len = strlen (text);

  if (text_len == 0 || text_len % 4 == 1
      || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
             != text_len)
    return NULL;

  g_autoptr (GString) standard = g_string_new (text);
  for (gsize i = 0; i < standard->len; i++) {
    if (standard->str[i] == '-')
      standard->str[i] = '+';
    else if (standard->str[i] == '_')
      standard->str[i] = '/';
  }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');

  g_autofree guchar *bytes = g_base64_decode (standard->str, length);
  g_autofree char *again = base64url_encode (bytes, *length);
  if (strcmp (again, text) != 0)
    return NULL;
  return g_steal_pointer (&bytes);
}

static gboolean
is_url_safe (const char *text, gsize length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

/* Reads the expiry as sh_token_sign() writes it: decimal without a plus
 * sign or leading zeros, so that one token has one spelling. */
static gboolean
parse_expiry (const char *text, gint64 *out)
{
  if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, NULL))
    return FALSE;
  g_autofree char *canonical = g_strdup_printf ("%" G_GINT64_FORMAT, *out);
  return strcmp (canonical, text) == 0;
}

static void
compute_hmac (GBytes *secret, const char *data, gsize length, guchar out[SIGNATURE_BYTES])
{
  gsize key_len = 0;
  const guchar *key = g_bytes_get_data (secret, &key_len);
  unsigned int out_len = 0;

  if (HMAC (EVP_sha256 (), key, (int) key_len, (const guchar *) data, length, out, &out_len) == NULL
      || out_len != SIGNATURE_BYTES)
    g_error ("OpenSSL HMAC-SHA256 failed");
}

static GBytes *
read_secret (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length != SECRET_BYTES) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "%s: expected a secret of %d bytes, found %" G_GSIZE_FORMAT " bytes", path,
                 SECRET_BYTES, length);
    return NULL;
  }
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/* Writes @secret to a private temporary file beside @path and links it into
 * place: link() fails if another process created the secret meanwhile, so two
 * servers starting together end up sharing one secret, and no reader ever
 * sees a half-written file. */
static gboolean
create_secret (const char *path, const guchar *secret, gboolean *lost_race, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int saved;

  *lost_race = FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0) {
    saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 "cannot create directory %s: %s", dir, g_strerror (saved));
    return FALSE;
  }
  /* g_mkstemp() creates the file with mode 0600 whatever the umask. */
  int fd = g_mkstemp (tmp);
  if (fd < 0) {
    saved = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot create %s: %s", tmp,
                 g_strerror (saved));
    return FALSE;
  }

  gsize written = 0;
  while (written < SECRET_BYTES) {
    ssize_t n = write (fd, secret + written, SECRET_BYTES - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      goto fail;
    written += (gsize) n;
  }
  if (fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0) {
    fd = -1;
    goto fail;
  }
  fd = -1;

  if (link (tmp, path) != 0) {
    if (errno == EEXIST)
      *lost_race = TRUE;
    else
      goto fail;
  }
  g_unlink (tmp);
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write %s: %s", path,
               g_strerror (saved));
  return FALSE;
}

GBytes *
sh_token_load_or_create_secret (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (GError) local = NULL;
  GBytes *existing = read_secret (path, &local);
  if (existing != NULL)
    return existing;
  if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }

  guchar secret[SECRET_BYTES];
  gboolean lost_race = FALSE;
  random_bytes (secret, sizeof secret);
  if (!create_secret (path, secret, &lost_race, error)) {
    OPENSSL_cleanse (secret, sizeof secret);
    return NULL;
  }
  if (lost_race) {
    OPENSSL_cleanse (secret, sizeof secret);
    return read_secret (path, error);
  }
  GBytes *bytes = g_bytes_new (secret, sizeof secret);
  OPENSSL_cleanse (secret, sizeof secret);
  return bytes;
}

char *
sh_token_sign (GBytes *secret, const char *purpose, const char *subject, gint64 expires_at)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (purpose != NULL && is_url_safe (purpose, strlen (purpose)), NULL);
  g_return_val_if_fail (subject != NULL && is_url_safe (subject, strlen (subject)), NULL);

  g_autofree char *payload
      = g_strdup_printf ("v1.%s.%s.%" G_GINT64_FORMAT, purpose, subject, expires_at);
  guchar mac[SIGNATURE_BYTES];
  compute_hmac (secret, payload, strlen (payload), mac);
  g_autofree char *signature = base64url_encode (mac, sizeof mac);
  return g_strdup_printf ("%s.%s", payload, signature);
}

char *
sh_token_verify (GBytes *secret, const char *token, const char *purpose, gint64 now, GError **error)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (purpose != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize token_len = strlen (token);
  g_auto (GStrv) parts = token_len <= TOKEN_MAX_LENGTH ? g_strsplit (token, ".", 0) : NULL;
  gint64 expires_at = 0;
  gsize sig_len = 0;
  g_autofree guchar *signature = NULL;

  if (parts == NULL || g_strv_length (parts) != 5 || strcmp (parts[0], "v1") != 0
      || !is_url_safe (parts[1], strlen (parts[1])) || !is_url_safe (parts[2], strlen (parts[2]))
      || !parse_expiry (parts[3], &expires_at)
      || (signature = base64url_decode (parts[4], &sig_len)) == NULL
      || sig_len != SIGNATURE_BYTES) {
    g_set_error_literal (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_MALFORMED, "malformed token");
    return NULL;
  }

  /* The signature covers everything before the last dot. */
  guchar mac[SIGNATURE_BYTES];
  compute_hmac (secret, token, token_len - strlen (parts[4]) - 1, mac);
  if (CRYPTO_memcmp (mac, signature, SIGNATURE_BYTES) != 0) {
    g_set_error_literal (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_BAD_SIGNATURE,
                         "token signature does not match");
    return NULL;
  }
  if (strcmp (parts[1], purpose) != 0) {
    g_set_error (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_WRONG_PURPOSE, "token is for “%s”, not “%s”",
                 parts[1], purpose);
    return NULL;
  }
  if (now >= expires_at) {
    g_set_error_literal (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_EXPIRED, "token has expired");
    return NULL;
  }
  return g_strdup (parts[2]);
}

char *
sh_token_random (gsize n_bytes)
{
  g_return_val_if_fail (n_bytes > 0 && n_bytes <= 1024, NULL);

  g_autofree guchar *buffer = g_malloc (n_bytes);
  random_bytes (buffer, n_bytes);
  char *text = base64url_encode (buffer, n_bytes);
  OPENSSL_cleanse (buffer, n_bytes);
  return text;
}

char *
sh_token_sha256_hex (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* ------------------------------------------------------- calendar links */

#define CALENDAR_PURPOSE "ics"

char *
sh_token_calendar_sign (GBytes *secret, gint64 account_id, gint64 generation, gint64 expires_at)
{
  g_autofree char *subject = NULL;

  g_return_val_if_fail (account_id > 0 && generation >= 0, NULL);
  subject = g_strdup_printf ("a%" G_GINT64_FORMAT "g%" G_GINT64_FORMAT, account_id, generation);
  return sh_token_sign (secret, CALENDAR_PURPOSE, subject, expires_at);
}

gboolean
sh_token_calendar_verify (GBytes *secret, const char *token, gint64 now, gint64 *account_id,
                          gint64 *generation, GError **error)
{
  g_autofree char *subject = sh_token_verify (secret, token, CALENDAR_PURPOSE, now, error);
  g_auto (GStrv) parts = NULL;
  guint64 id = 0, gen = 0;

  if (!subject)
    return FALSE;
  /* "a<id>g<generation>", or "a<id>" from before generations. */
  parts = g_strsplit (subject[0] == 'a' ? subject + 1 : "", "g", 2);
  if (!parts[0] || !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXINT64, &id, NULL)
      || (parts[1] && !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, &gen, NULL))) {
    g_set_error_literal (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_MALFORMED, "链接无效");
    return FALSE;
  }
  *account_id = (gint64) id;
  *generation = (gint64) gen;
  return TRUE;
}

char *
sh_token_digits (guint n_digits)
{
  GString *out = g_string_sized_new (n_digits);

  while (out->len < n_digits) {
    guchar byte;

    if (RAND_bytes (&byte, 1) != 1)
      g_error ("OpenSSL RAND_bytes failed: no randomness for a one-time code");
    /* 250 = 25 * 10: dropping 250..255 keeps every digit equally likely. */
    if (byte < 250)
      g_string_append_c (out, (char) ('0' + byte % 10));
  }
  return g_string_free (out, FALSE);
}
