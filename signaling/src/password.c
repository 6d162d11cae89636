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

/* The passwords tried first by anyone guessing, lower case: the top of the
 * leaked-password lists, with the ones typical in China (pinyin, 520/1314
 * "I love you (for life)", site names). A password is refused when it is
 * one of these, or one of these with digits or symbols around it. */
static const char *const common_passwords[] = {
  "password",      "passw0rd",     "p@ssw0rd",   "p@ssword",   "pass1234", "qwerty",
  "qwertyuiop",    "qwe123",       "qwe123456",  "qwer1234",   "qwerasdf", "asdf1234",
  "asdfghjkl",     "asdfasdf",     "zxcvbnm",    "zxcvbnm1",   "iloveyou", "woaini",
  "woaini1314",    "woaini520",    "woaini521",  "admin",      "admin123", "admin888",
  "administrator", "root",         "letmein",    "welcome",    "monkey",   "dragon",
  "football",      "baseball",     "sunshine",   "princess",   "abc123",   "abc12345",
  "abc123456",     "abcd1234",     "abcdefg",    "a123456",    "a1234567", "a12345678",
  "a123456789",    "aa123456",     "aa12345678", "aaa123",     "1q2w3e4r", "1q2w3e4r5t",
  "1qaz2wsx",      "qazwsx",       "qazwsxedc",  "zaq12wsx",   "q1w2e3r4", "trustno1",
  "master",        "superman",     "batman",     "shadow",     "michael",  "hello",
  "hello123",      "changeme",     "secret",     "test1234",   "test123",  "wang1234",
  "zhang123",      "li123456",     "huawei",     "xiaomi",     "taobao",   "baidu",
  "tencent",       "qq123456",     "woshishui",  "wodemima",   "mima",     "mima123",
  "nihao",         "nihao123",     "zhongguo",   "china",      "beijing",  "shanghai",
  "dangyuan",      "gongchandang", "sanhui",     "sanhuiyike", "zhibu",    "shuji",
  "123qwe",        "123abc",       "1314520",    "5201314",    "computer", "internet",
  "football1",     "love",         "lovely",     "987654321",  "88888888", "66666666",
};

static gboolean
weak (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
is_common (const char *lower)
{
  for (gsize i = 0; i < G_N_ELEMENTS (common_passwords); i++)
    if (strcmp (lower, common_passwords[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The password without the digits and symbols around it ("Password123!"
 * is still "password"). Returns: (transfer full). */
static char *
core_word (const char *lower)
{
  const char *start = lower;
  const char *end = lower + strlen (lower);

  while (*start && !g_ascii_isalpha (*start))
    start++;
  while (end > start && !g_ascii_isalpha (end[-1]))
    end--;
  return g_strndup (start, (gsize) (end - start));
}

/* Whether the characters climb, fall or repeat one step at a time, with at
 * most one jump ("aaaaaaaa", "abcdefgh", "87654321", "abcd1234",
 * "a1234567"), or repeat a pattern of up to four characters ("abcabcab",
 * "12ab12ab"), or run along a keyboard row. */
static gboolean
is_simple_sequence (const char *lower)
{
  static const char *const rows[] = {
    "qwertyuiopasdfghjklzxcvbnm", "mnbvcxzlkjhgfdsapoiuytrewq", "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
    "qazwsxedcrfvtgbyhnujmikolp", "1q2w3e4r5t6y7u8i9o0p",
  };
  g_autofree gunichar *chars = NULL;
  glong n = 0;
  int jumps = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    if (strstr (rows[i], lower))
      return TRUE;
  chars = g_utf8_to_ucs4_fast (lower, -1, &n);
  for (glong i = 1; i < n; i++) {
    gint64 step = (gint64) chars[i] - (gint64) chars[i - 1];
    if (step < -1 || step > 1)
      jumps++;
  }
  if (jumps <= 1)
    return TRUE;
  for (glong period = 1; period <= 4 && period < n; period++) {
    glong i = period;
    while (i < n && chars[i] == chars[i - period])
      i++;
    if (i == n)
      return TRUE;
  }
  return FALSE;
}

gboolean
sh_password_acceptable_for (const char *password, const char *login, const char *phone,
                            GError **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (!g_utf8_validate (password, -1, NULL))
    return weak (error, "密码含有无效字符");
  glong length = g_utf8_strlen (password, -1);
  if (length < 8)
    return weak (error, "密码太短，至少需要 8 个字符");
  if (length > 128)
    return weak (error, "密码太长，最多 128 个字符");
  if (strspn (password, "0123456789") == strlen (password))
    return weak (error, "密码不能全是数字，请加入字母或符号");

  g_autofree char *lower = g_ascii_strdown (password, -1);
  g_autofree char *core = core_word (lower);
  if (is_common (lower) || (strlen (core) >= 4 && is_common (core)))
    return weak (error, "密码太常见，很容易被猜到，请换一个");
  if (is_simple_sequence (lower))
    return weak (error, "密码不能是重复或连续的字符（如 aaaaaaaa、abcd1234），请换一个");
  if (login && strlen (login) >= 3) {
    g_autofree char *login_lower = g_ascii_strdown (login, -1);
    if (strstr (lower, login_lower))
      return weak (error, "密码不能包含账号名");
  }
  if (phone && strlen (phone) >= 6 && strstr (password, phone))
    return weak (error, "密码不能包含手机号");
  return TRUE;
}

gboolean
sh_password_acceptable (const char *password, GError **error)
{
  return sh_password_acceptable_for (password, NULL, NULL, error);
}
