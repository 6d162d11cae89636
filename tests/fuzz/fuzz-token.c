/* Fuzz target for signed tokens: sh_token_verify() on arbitrary text, and
 * on the same text signed correctly, so that the checks after the signature
 * are reached too.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "token.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define MAX_TOKEN 2048

static GBytes *secret;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static const guchar key[32] = "sanhui-fuzz-secret-32-bytes-long";

  fuzz_init_logging ();
  secret = g_bytes_new_static (key, sizeof key);
  return 0;
}

/* Returns: (transfer full) @token with its last dot-separated part replaced
 * by the right signature, or NULL when @token has no dot. */
static char *
sign_prefix (const char *token)
{
  const char *dot = strrchr (token, '.');
  gsize key_len = 0;
  const guchar *key = g_bytes_get_data (secret, &key_len);
  guint8 mac[32];
  gsize mac_len = sizeof mac;

  if (dot == NULL)
    return NULL;
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  g_hmac_update (hmac, (const guchar *) token, dot - token);
  g_hmac_get_digest (hmac, mac, &mac_len);
  g_autofree char *sig = g_base64_encode (mac, mac_len);
  g_strdelimit (sig, "+", '-');
  g_strdelimit (sig, "/", '_');
  g_strdelimit (sig, "=", '\0');
  return g_strdup_printf ("%.*s.%s", (int) (dot - token), token, sig);
}

/* The purpose the token claims: its second part, or "invite". */
static char *
claimed_purpose (const char *token)
{
  g_auto (GStrv) parts = g_strsplit (token, ".", 3);

  if (g_strv_length (parts) >= 3 && parts[1][0] != '\0'
      && strspn (parts[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
             == strlen (parts[1]))
    return g_strdup (parts[1]);
  return g_strdup ("invite");
}

/* Verifies @token; @signed_ok tells whether its signature is right. */
static void
check_token (const char *token, gboolean signed_ok)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *purpose = claimed_purpose (token);
  g_autofree char *subject = sh_token_verify (secret, token, purpose, NOW, &error);

  if (subject == NULL) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (error->domain == SH_TOKEN_ERROR);
    /* A correctly signed token never fails on its signature. */
    FUZZ_CHECK (!signed_ok || error->code != SH_TOKEN_ERROR_BAD_SIGNATURE);
    /* Purpose and expiry are only judged after the signature. */
    FUZZ_CHECK (signed_ok || error->code == SH_TOKEN_ERROR_MALFORMED
                || error->code == SH_TOKEN_ERROR_BAD_SIGNATURE);
    return;
  }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (signed_ok);
  FUZZ_CHECK (subject[0] != '\0');

  /* A token that verifies is one that sh_token_sign() writes. */
  g_auto (GStrv) parts = g_strsplit (token, ".", 0);
  FUZZ_CHECK (g_strv_length (parts) == 5);
  FUZZ_CHECK (strcmp (parts[2], subject) == 0);
  gint64 expires_at = g_ascii_strtoll (parts[3], NULL, 10);
  FUZZ_CHECK (expires_at > NOW);
  g_autofree char *again = sh_token_sign (secret, purpose, subject, expires_at);
  FUZZ_CHECK (again != NULL);
  if (strcmp (again, token) != 0) {
    fprintf (stderr, "token %s\nre-signed as %s\n", token, again);
    FUZZ_CHECK (strcmp (again, token) == 0);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size > MAX_TOKEN)
    return 0;
  /* Tokens reach the server as C strings: text stops at a NUL. */
  g_autofree char *token = g_strndup ((const char *) data, size);

  g_autofree char *signed_token = sign_prefix (token);
  check_token (token, signed_token != NULL && strcmp (signed_token, token) == 0);
  if (signed_token != NULL)
    check_token (signed_token, TRUE);
  return 0;
}
