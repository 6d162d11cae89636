/* Tests for password hashing and the password rules.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <gio/gio.h>

#include "password.h"

/* Low enough to keep the suite fast; the production default is 310000. */
#define ITERATIONS 1000

static void
test_round_trip (void)
{
  g_autofree char *encoded = sh_password_hash ("正确的密码 horse", ITERATIONS);

  g_assert_true (g_str_has_prefix (encoded, "pbkdf2-sha256$1000$"));
  g_auto (GStrv) parts = g_strsplit (encoded, "$", 0);
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_cmpuint (strlen (parts[2]), ==, 24); /* 16 bytes of salt */
  g_assert_cmpuint (strlen (parts[3]), ==, 44); /* 32 bytes of hash */
  g_assert_true (sh_password_verify ("正确的密码 horse", encoded));
}

static void
test_wrong_password (void)
{
  g_autofree char *encoded = sh_password_hash ("secret-one", ITERATIONS);

  g_assert_false (sh_password_verify ("secret-two", encoded));
  g_assert_false (sh_password_verify ("secret-on", encoded));
  g_assert_false (sh_password_verify ("", encoded));
  g_assert_false (sh_password_verify ("Secret-one", encoded));
}

static void
test_different_salts (void)
{
  g_autofree char *a = sh_password_hash ("same password", ITERATIONS);
  g_autofree char *b = sh_password_hash ("same password", ITERATIONS);
  g_auto (GStrv) parts_a = g_strsplit (a, "$", 0);
  g_auto (GStrv) parts_b = g_strsplit (b, "$", 0);

  g_assert_cmpstr (parts_a[2], !=, parts_b[2]);
  g_assert_cmpstr (parts_a[3], !=, parts_b[3]);
  g_assert_true (sh_password_verify ("same password", a));
  g_assert_true (sh_password_verify ("same password", b));
}

/* A hash from another implementation (Python hashlib.pbkdf2_hmac('sha256',
 * b'password', b'saltsaltsaltsalt', 1000)) verifies, so that the encoding is
 * the documented one and not merely self-consistent. */
static void
test_known_vector (void)
{
  g_autofree char *salt = g_base64_encode ((const guchar *) "saltsaltsaltsalt", 16);
  g_autofree char *encoded = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", salt,
                                              "8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA=");
  g_assert_true (sh_password_verify ("password", encoded));
  g_assert_false (sh_password_verify ("passwort", encoded));
}

static void
test_iterations_encoded (void)
{
  g_autofree char *encoded = sh_password_hash ("iterations count", 1234);
  g_autofree char *changed = g_strdup (encoded);

  g_assert_true (g_str_has_prefix (encoded, "pbkdf2-sha256$1234$"));
  /* The count is part of what is verified: changing it breaks the match. */
  memcpy (changed + strlen ("pbkdf2-sha256$"), "1235", 4);
  g_assert_false (sh_password_verify ("iterations count", changed));
}

static void
test_malformed (void)
{
  g_autofree char *good = sh_password_hash ("password1", ITERATIONS);
  g_auto (GStrv) parts = g_strsplit (good, "$", 0);
  g_autofree char *truncated = g_strndup (good, strlen (good) - 5);
  g_autofree char *zero = g_strdup_printf ("pbkdf2-sha256$0$%s$%s", parts[2], parts[3]);
  g_autofree char *negative = g_strdup_printf ("pbkdf2-sha256$-5$%s$%s", parts[2], parts[3]);
  g_autofree char *huge = g_strdup_printf ("pbkdf2-sha256$99999999999$%s$%s", parts[2], parts[3]);
  g_autofree char *bad_salt
      = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", "!!!!not*base64!!", parts[3]);
  g_autofree char *bad_hash
      = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", parts[2], "not base64 at all");
  g_autofree char *short_hash = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", parts[2], "AAAA");
  g_autofree char *short_salt = g_strdup_printf ("pbkdf2-sha256$1000$%s$%s", "AAAA", parts[3]);
  g_autofree char *scheme = g_strdup_printf ("bcrypt$1000$%s$%s", parts[2], parts[3]);
  g_autofree char *extra = g_strdup_printf ("%s$extra", good);
  g_autofree char *empty_salt = g_strdup_printf ("pbkdf2-sha256$1000$$%s", parts[3]);
  const char *cases[] = {
    truncated,  zero,   negative, huge,       bad_salt, bad_hash,        short_hash,
    short_salt, scheme, extra,    empty_salt, "",       "pbkdf2-sha256", "pbkdf2-sha256$1000$",
    "$$$",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_false (sh_password_verify ("password1", cases[i]));
  g_assert_true (sh_password_verify ("password1", good));
}

static void
test_acceptable (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *long_ok = g_strnfill (128, 'a');
  g_autofree char *too_long = g_strnfill (129, 'a');

  /* 128 characters that are not one repeated. */
  for (int i = 0; i < 128; i++)
    long_ok[i] = "Zq7#mP2x"[(i * 5 + i / 8) % 8];
  g_assert_true (sh_password_acceptable ("Demo@2026", &error));
  g_assert_no_error (error);
  g_assert_true (sh_password_acceptable ("wxq7#Lm2pz", &error));
  g_assert_no_error (error);
  g_assert_true (sh_password_acceptable ("为人民服务为人民服务", &error));
  g_assert_no_error (error);
  g_assert_true (sh_password_acceptable (long_ok, &error));
  g_assert_no_error (error);

  const char *weak[]
      = { "", "short1", "1234567", "12345678", "0000000000000", too_long, "bad\xff\xfeutf8" };
  for (gsize i = 0; i < G_N_ELEMENTS (weak); i++) {
    g_autoptr (GError) weak_error = NULL;
    g_assert_false (sh_password_acceptable (weak[i], &weak_error));
    g_assert_error (weak_error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_true (g_utf8_validate (weak_error->message, -1, NULL));
    g_assert_cmpuint (strlen (weak_error->message), >, 0);
  }

  /* The message tells which rule failed. */
  g_autoptr (GError) digits = NULL;
  g_assert_false (sh_password_acceptable ("12345678", &digits));
  g_assert_nonnull (strstr (digits->message, "数字"));
  g_autoptr (GError) shrt = NULL;
  g_assert_false (sh_password_acceptable ("abc", &shrt));
  g_assert_nonnull (strstr (shrt->message, "8"));
}

/* What a guesser tries first: the most common passwords (also with digits
 * or symbols around them, in any case), one character repeated, runs and
 * repeated patterns, keyboard rows. */
static void
test_common_and_simple (void)
{
  const char *common[] = {
    "password",  "Password",  "PASSWORD1",  "password123!", "woaini1314",    "qwerty123",
    "a1234567",  "a12345678", "1qaz2wsx",   "p@ssw0rd",     "iloveyou",      "!!woaini520",
    "Admin@123", "zxcvbnm1",  "qwertyuiop", "abc123456",    "5201314woaini", "huawei2024",
  };
  const char *simple[] = {
    "aaaaaaaaaaaa", "abcdefgh",     "hgfedcba",   "abcd1234",         "zzzz9999",
    "abcabcabc",    "12ab12ab12ab", "asdfghjkl;", "我我我我我我我我", "1q2w3e4r5t",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (common); i++) {
    g_autoptr (GError) error = NULL;
    if (sh_password_acceptable (common[i], &error))
      g_error ("accepted common password %s", common[i]);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (simple); i++) {
    g_autoptr (GError) error = NULL;
    if (sh_password_acceptable (simple[i], &error))
      g_error ("accepted simple password %s", simple[i]);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

/* The account's own name or phone number in the password. */
static void
test_personal (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_password_acceptable_for ("Hz#8tq2Lw", "zhangwei", "13800000001", &error));
  g_assert_no_error (error);
  g_assert_false (sh_password_acceptable_for ("ZhangWei#88", "zhangwei", NULL, &error));
  g_assert_nonnull (strstr (error->message, "账号"));
  g_clear_error (&error);
  g_assert_false (sh_password_acceptable_for ("x13800000001", "zhangwei", "13800000001", &error));
  g_assert_nonnull (strstr (error->message, "手机号"));
  g_clear_error (&error);
  /* No account to compare with: the same password passes. */
  g_assert_true (sh_password_acceptable_for ("ZhangWei#88", NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/password/round-trip", test_round_trip);
  g_test_add_func ("/password/wrong", test_wrong_password);
  g_test_add_func ("/password/different-salts", test_different_salts);
  g_test_add_func ("/password/known-vector", test_known_vector);
  g_test_add_func ("/password/iterations", test_iterations_encoded);
  g_test_add_func ("/password/malformed", test_malformed);
  g_test_add_func ("/password/acceptable", test_acceptable);
  g_test_add_func ("/password/common-and-simple", test_common_and_simple);
  g_test_add_func ("/password/personal", test_personal);
  return g_test_run ();
}
