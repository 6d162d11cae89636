/* Tests for signed tokens, the server secret and random tokens.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "token.h"

#define NOW G_GINT64_CONSTANT (1700000000)

/* Returns: (transfer full) a fixed 32-byte secret 00 01 .. 1f. */
static GBytes *
fixed_secret (guchar first)
{
  guchar bytes[32];
  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guchar) (first + i);
  return g_bytes_new (bytes, sizeof bytes);
}

static void
test_round_trip (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sh_token_sign (secret, "invite", "member-42", NOW + 3600);

  g_assert_true (g_str_has_prefix (token, "v1.invite.member-42.1700003600."));
  g_autofree char *subject = sh_token_verify (secret, token, "invite", NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject, ==, "member-42");
}

/* The signature matches an independent HMAC-SHA256 (Python's hmac module)
 * over the first four pieces. */
static void
test_known_signature (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autofree char *token = sh_token_sign (secret, "invite", "member-42", NOW);

  g_assert_cmpstr (token, ==,
                   "v1.invite.member-42.1700000000.UFUKvbyFjY1FkhsbxrC_5kyqBz_YKscAFTpYD6mFYdc");
}

static void
assert_verify_fails (GBytes *secret, const char *token, const char *purpose, gint64 now,
                     ShTokenError code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *subject = sh_token_verify (secret, token, purpose, now, &error);

  g_assert_null (subject);
  g_assert_error (error, SH_TOKEN_ERROR, (gint) code);
}

static void
test_tampered (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autofree char *token = sh_token_sign (secret, "invite", "member-42", NOW + 60);

  /* Another subject with the old signature. */
  g_autofree char *subject = g_strdup (token);
  memcpy (strstr (subject, "member-42"), "member-43", 9);
  assert_verify_fails (secret, subject, "invite", NOW, SH_TOKEN_ERROR_BAD_SIGNATURE);

  /* A later expiry with the old signature. */
  g_autofree char *expiry = g_strdup (token);
  memcpy (strstr (expiry, "1700000060"), "1800000060", 10);
  assert_verify_fails (secret, expiry, "invite", NOW, SH_TOKEN_ERROR_BAD_SIGNATURE);

  /* One character of the signature changed. */
  g_autofree char *signature = g_strdup (token);
  char *last = signature + strlen (signature) - 2;
  *last = *last == 'A' ? 'B' : 'A';
  assert_verify_fails (secret, signature, "invite", NOW, SH_TOKEN_ERROR_BAD_SIGNATURE);

  /* Another purpose with the old signature is a forgery, not a mix-up. */
  g_autofree char *purpose = g_strdup (token);
  memcpy (strstr (purpose, "invite"), "calfed", 6);
  assert_verify_fails (secret, purpose, "calfed", NOW, SH_TOKEN_ERROR_BAD_SIGNATURE);
}

static void
test_expired (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autofree char *token = sh_token_sign (secret, "calendar", "u7", NOW);

  assert_verify_fails (secret, token, "calendar", NOW, SH_TOKEN_ERROR_EXPIRED);
  assert_verify_fails (secret, token, "calendar", NOW + 1, SH_TOKEN_ERROR_EXPIRED);
  g_autofree char *subject = sh_token_verify (secret, token, "calendar", NOW - 1, NULL);
  g_assert_cmpstr (subject, ==, "u7");
}

static void
test_wrong_purpose (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autofree char *token = sh_token_sign (secret, "calendar", "u7", NOW + 60);

  assert_verify_fails (secret, token, "invite", NOW, SH_TOKEN_ERROR_WRONG_PURPOSE);
}

static void
test_wrong_secret (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autoptr (GBytes) other = fixed_secret (1);
  g_autofree char *token = sh_token_sign (secret, "invite", "m1", NOW + 60);

  assert_verify_fails (other, token, "invite", NOW, SH_TOKEN_ERROR_BAD_SIGNATURE);
}

static void
test_malformed (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autofree char *good = sh_token_sign (secret, "invite", "m1", NOW + 60);
  g_auto (GStrv) parts = g_strsplit (good, ".", 0);
  g_autofree char *v2 = g_strdup_printf ("v2.%s.%s.%s.%s", parts[1], parts[2], parts[3], parts[4]);
  g_autofree char *padded = g_strdup_printf ("%s=", good);
  g_autofree char *extra = g_strdup_printf ("%s.x", good);
  g_autofree char *bad_expiry = g_strdup_printf ("v1.%s.%s.12ab.%s", parts[1], parts[2], parts[4]);
  g_autofree char *short_sig = g_strdup_printf ("v1.%s.%s.%s.AAAA", parts[1], parts[2], parts[3]);
  g_autofree char *std_b64 = g_strdup_printf ("v1.%s.%s.%s.%s", parts[1], parts[2], parts[3],
                                              "ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+/ab+");
  g_autofree char *bad_subject = g_strdup_printf ("v1.%s.a/b.%s.%s", parts[1], parts[3], parts[4]);
  g_autofree char *huge = g_strnfill (4096, 'a');
  const char *cases[] = {
    "",          "v1",      "v1.invite.m1.1700000060",
    v2,          padded,    extra,
    bad_expiry,  short_sig, std_b64,
    bad_subject, huge,      "v1....",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_verify_fails (secret, cases[i], "invite", NOW, SH_TOKEN_ERROR_MALFORMED);
}

static void
test_secret_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-token-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "sub", "secret", NULL);
  g_autofree char *sub = g_path_get_dirname (path);

  g_autoptr (GBytes) created = sh_token_load_or_create_secret (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (created), ==, 32);

  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_size, ==, 32);

  g_autoptr (GBytes) reloaded = sh_token_load_or_create_secret (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (created, reloaded));

  /* No temporary files are left beside it. */
  g_autoptr (GDir) listing = g_dir_open (sub, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "secret");
  g_assert_null (g_dir_read_name (listing));

  /* A file of the wrong size is an error, not silently replaced. */
  g_file_set_contents (path, "short", -1, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) bad = sh_token_load_or_create_secret (path, &error);
  g_assert_null (bad);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);

  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

/* @payload with a correct signature, whatever its form. Returns: (transfer
 * full). */
static char *
sign_raw (GBytes *secret, const char *payload)
{
  gsize key_len = 0;
  const guchar *key = g_bytes_get_data (secret, &key_len);
  guint8 mac[32];
  gsize mac_len = sizeof mac;
  g_autoptr (GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);

  g_hmac_update (hmac, (const guchar *) payload, -1);
  g_hmac_get_digest (hmac, mac, &mac_len);
  g_autofree char *sig = g_base64_encode (mac, mac_len);
  g_strdelimit (sig, "+", '-');
  g_strdelimit (sig, "/", '_');
  g_strdelimit (sig, "=", '\0');
  return g_strdup_printf ("%s.%s", payload, sig);
}

/* Found by fuzzing: an expiry with a plus sign or leading zeros verified,
 * although sh_token_sign() never writes one, so that one token had several
 * spellings. */
static void
test_non_canonical_expiry (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  static const char *const payloads[] = {
    "v1.invite.member-42.01700003600",
    "v1.invite.member-42.+1700003600",
    "v1.invite.member-42.-01",
    "v1.invite.member-42.-0",
  };

  /* sign_raw() signs as sh_token_sign() does. */
  g_autofree char *good = sign_raw (secret, "v1.invite.member-42.1700003600");
  g_autofree char *expected = sh_token_sign (secret, "invite", "member-42", NOW + 3600);
  g_assert_cmpstr (good, ==, expected);

  for (gsize i = 0; i < G_N_ELEMENTS (payloads); i++) {
    g_autofree char *token = sign_raw (secret, payloads[i]);
    assert_verify_fails (secret, token, "invite", G_MININT64, SH_TOKEN_ERROR_MALFORMED);
  }
}

static void
test_random (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++) {
    char *token = sh_token_random (32);
    g_assert_cmpuint (strlen (token), ==, 43);
    for (const char *p = token; *p != '\0'; p++)
      g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
    g_assert_false (g_hash_table_contains (seen, token));
    g_hash_table_add (seen, token);
  }
  g_autofree char *one = sh_token_random (1);
  g_assert_cmpuint (strlen (one), ==, 2);
  g_autofree char *sixteen = sh_token_random (16);
  g_assert_cmpuint (strlen (sixteen), ==, 22);
}

static void
test_sha256 (void)
{
  g_autofree char *abc = sh_token_sha256_hex ("abc");
  g_autofree char *empty = sh_token_sha256_hex ("");

  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
test_digits (void)
{
  guint counts[10] = { 0 };

  for (int i = 0; i < 200; i++) {
    g_autofree char *code = sh_token_digits (8);
    g_assert_cmpuint (strlen (code), ==, 8);
    for (const char *p = code; *p; p++) {
      g_assert_true (g_ascii_isdigit (*p));
      counts[*p - '0']++;
    }
  }
  /* 1600 digits: each of the ten turns up (a broken generator would not). */
  for (int d = 0; d < 10; d++)
    g_assert_cmpuint (counts[d], >, 50);
}

/* The calendar link names the account and its generation; links made
 * before generations existed ("a42") read as generation 0. */
static void
test_calendar (void)
{
  g_autoptr (GBytes) secret = fixed_secret (0);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sh_token_calendar_sign (secret, 42, 7, NOW + 3600);
  g_autofree char *old = sh_token_sign (secret, "ics", "a42", NOW + 3600);
  g_autofree char *invite = sh_token_sign (secret, "invite", "a42g7", NOW + 3600);
  const char *bad_subjects[] = { "42", "a", "ag1", "a42g", "a42gx", "a-1g1", "a42g1g2", "m42" };
  gint64 id = 0, generation = -1;

  g_assert_true (sh_token_calendar_verify (secret, token, NOW, &id, &generation, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 42);
  g_assert_cmpint (generation, ==, 7);
  g_assert_true (sh_token_calendar_verify (secret, old, NOW, &id, &generation, &error));
  g_assert_cmpint (id, ==, 42);
  g_assert_cmpint (generation, ==, 0);
  g_assert_false (sh_token_calendar_verify (secret, invite, NOW, &id, &generation, &error));
  g_assert_error (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_WRONG_PURPOSE);
  g_clear_error (&error);
  g_assert_false (sh_token_calendar_verify (secret, token, NOW + 7200, &id, &generation, &error));
  g_assert_error (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_EXPIRED);
  g_clear_error (&error);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_subjects); i++) {
    g_autofree char *bad = sh_token_sign (secret, "ics", bad_subjects[i], NOW + 3600);
    if (sh_token_calendar_verify (secret, bad, NOW, &id, &generation, &error))
      g_error ("accepted calendar subject %s", bad_subjects[i]);
    g_assert_error (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_MALFORMED);
    g_clear_error (&error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token/round-trip", test_round_trip);
  g_test_add_func ("/token/known-signature", test_known_signature);
  g_test_add_func ("/token/tampered", test_tampered);
  g_test_add_func ("/token/expired", test_expired);
  g_test_add_func ("/token/wrong-purpose", test_wrong_purpose);
  g_test_add_func ("/token/wrong-secret", test_wrong_secret);
  g_test_add_func ("/token/malformed", test_malformed);
  g_test_add_func ("/token/secret-file", test_secret_file);
  g_test_add_func ("/token/non-canonical-expiry", test_non_canonical_expiry);
  g_test_add_func ("/token/random", test_random);
  g_test_add_func ("/token/sha256", test_sha256);
  g_test_add_func ("/token/calendar", test_calendar);
  g_test_add_func ("/token/digits", test_digits);
  return g_test_run ();
}
