/* Signed tree heads: the server's Ed25519 key (OpenSSL), its file, and the
 * signature over a head. The signed bytes (docs/archive.md) are a fixed
 * label, then the organization, time, size and root in the layout of RFC
 * 9162's TreeHeadDataV2, so a verifier in any language can rebuild them.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>

#define ED25519_KEY_LEN 32
#define SIGNED_LABEL "sanhui-tree-head-v1"

struct _ShArchiveKey {
  EVP_PKEY *pkey;
  gboolean has_private;
};

/* Sets @error from OpenSSL's queue (its first reason), prefixed with @what. */
static gboolean
fail_openssl (GError **error, const char *what)
{
  char reason[256] = "";
  unsigned long code = ERR_get_error ();

  if (code)
    ERR_error_string_n (code, reason, sizeof reason);
  ERR_clear_error ();
  g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s%s%s", what,
               reason[0] ? "：" : "", reason);
  return FALSE;
}

static ShArchiveKey *
wrap (EVP_PKEY *pkey, gboolean has_private)
{
  ShArchiveKey *key = g_new0 (ShArchiveKey, 1);

  key->pkey = pkey;
  key->has_private = has_private;
  return key;
}

void
sh_archive_key_free (ShArchiveKey *key)
{
  if (!key)
    return;
  EVP_PKEY_free (key->pkey);
  g_free (key);
}

ShArchiveKey *
sh_archive_key_generate (GError **error)
{
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");

  if (!pkey) {
    fail_openssl (error, "无法生成签名密钥");
    return NULL;
  }
  return wrap (pkey, TRUE);
}

ShArchiveKey *
sh_archive_key_load (const char *path, GError **error)
{
  g_autofree char *pem = NULL;
  gsize length = 0;
  struct stat st;
  BIO *bio;
  EVP_PKEY *pkey;

  g_return_val_if_fail (path != NULL, NULL);
  if (stat (path, &st) != 0) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "签名密钥文件 %s 不存在",
                 path);
    return NULL;
  }
  /* A signing key others can read is no proof of anything. */
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "签名密钥文件 %s 的权限过宽（应为 0600）", path);
    return NULL;
  }
  if (!g_file_get_contents (path, &pem, &length, error))
    return NULL;
  if (length > G_MAXINT) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "签名密钥文件 %s 不是密钥",
                 path);
    return NULL;
  }
  bio = BIO_new_mem_buf (pem, (int) length);
  pkey = bio ? PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  memset (pem, 0, length);
  if (!pkey) {
    fail_openssl (error, "签名密钥文件无法读取");
    return NULL;
  }
  if (EVP_PKEY_get_id (pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free (pkey);
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "签名密钥文件 %s 不是 Ed25519 密钥", path);
    return NULL;
  }
  return wrap (pkey, TRUE);
}

gboolean
sh_archive_key_save (const ShArchiveKey *key, const char *path, GError **error)
{
  BIO *bio;
  char *data = NULL;
  long length;
  gboolean ok;

  g_return_val_if_fail (key != NULL && path != NULL, FALSE);
  if (!key->has_private) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "只有公钥，无法保存签名密钥");
    return FALSE;
  }
  bio = BIO_new (BIO_s_mem ());
  if (!bio || !PEM_write_bio_PrivateKey (bio, key->pkey, NULL, NULL, 0, NULL, NULL)) {
    BIO_free (bio);
    return fail_openssl (error, "无法写出签名密钥");
  }
  length = BIO_get_mem_data (bio, &data);
  ok = g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  BIO_free (bio);
  return ok;
}

ShArchiveKey *
sh_archive_key_new_public (const guint8 *raw, gsize length, GError **error)
{
  EVP_PKEY *pkey;

  g_return_val_if_fail (raw != NULL || length == 0, NULL);
  if (length != ED25519_KEY_LEN) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "公钥应为 %d 字节，实际 %" G_GSIZE_FORMAT " 字节", ED25519_KEY_LEN, length);
    return NULL;
  }
  pkey = EVP_PKEY_new_raw_public_key (EVP_PKEY_ED25519, NULL, raw, length);
  if (!pkey) {
    fail_openssl (error, "公钥无效");
    return NULL;
  }
  return wrap (pkey, FALSE);
}

void
sh_archive_key_public_raw (const ShArchiveKey *key, guint8 out[ED25519_KEY_LEN])
{
  size_t length = ED25519_KEY_LEN;

  g_return_if_fail (key != NULL && out != NULL);
  if (!EVP_PKEY_get_raw_public_key (key->pkey, out, &length) || length != ED25519_KEY_LEN)
    g_assert_not_reached (); /* every key here is Ed25519, checked when made */
}

void
sh_archive_key_id (const ShArchiveKey *key, ShMerkleHash *out)
{
  guint8 raw[ED25519_KEY_LEN];
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = SH_MERKLE_HASH_LEN;

  g_return_if_fail (key != NULL && out != NULL);
  sh_archive_key_public_raw (key, raw);
  g_checksum_update (sum, raw, sizeof raw);
  g_checksum_get_digest (sum, out->bytes, &digest_length);
}

gboolean
sh_archive_key_has_private (const ShArchiveKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);
  return key->has_private;
}

static void
put64 (GByteArray *out, guint64 v)
{
  guint8 b[8];

  for (int i = 7; i >= 0; i--, v >>= 8)
    b[i] = (guint8) v;
  g_byte_array_append (out, b, sizeof b);
}

GBytes *
sh_tree_head_signed_data (const ShTreeHead *head)
{
  GByteArray *out = g_byte_array_new ();
  const guint8 root_length = SH_MERKLE_HASH_LEN;
  const guint8 no_extensions[2] = { 0, 0 };

  g_return_val_if_fail (head != NULL, NULL);
  /* The label ends with its NUL, so no other message can begin the same. */
  g_byte_array_append (out, (const guint8 *) SIGNED_LABEL, sizeof SIGNED_LABEL);
  put64 (out, (guint64) head->org_id);
  /* TreeHeadDataV2: timestamp, tree_size, root_hash<32..255>, extensions<0..2^16-1>. */
  put64 (out, (guint64) head->timestamp);
  put64 (out, head->size);
  g_byte_array_append (out, &root_length, 1);
  g_byte_array_append (out, head->root.bytes, SH_MERKLE_HASH_LEN);
  g_byte_array_append (out, no_extensions, sizeof no_extensions);
  return g_byte_array_free_to_bytes (out);
}

gboolean
sh_tree_head_sign (ShTreeHead *head, const ShArchiveKey *key, GError **error)
{
  g_autoptr (GBytes) data = NULL;
  EVP_MD_CTX *ctx;
  size_t length = SH_TREE_HEAD_SIGNATURE_LEN;
  gboolean ok;

  g_return_val_if_fail (head != NULL && key != NULL, FALSE);
  if (!key->has_private) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "只有公钥，无法签名");
    return FALSE;
  }
  sh_archive_key_id (key, &head->key_id);
  data = sh_tree_head_signed_data (head);
  ctx = EVP_MD_CTX_new ();
  ok = ctx && EVP_DigestSignInit (ctx, NULL, NULL, NULL, key->pkey) == 1
       && EVP_DigestSign (ctx, head->signature, &length, g_bytes_get_data (data, NULL),
                          g_bytes_get_size (data))
              == 1
       && length == SH_TREE_HEAD_SIGNATURE_LEN;
  EVP_MD_CTX_free (ctx);
  return ok ? TRUE : fail_openssl (error, "签名失败");
}

gboolean
sh_tree_head_verify (const ShTreeHead *head, const ShArchiveKey *key)
{
  g_autoptr (GBytes) data = NULL;
  ShMerkleHash key_id;
  EVP_MD_CTX *ctx;
  gboolean ok;

  g_return_val_if_fail (head != NULL && key != NULL, FALSE);
  sh_archive_key_id (key, &key_id);
  if (memcmp (key_id.bytes, head->key_id.bytes, SH_MERKLE_HASH_LEN) != 0)
    return FALSE;
  data = sh_tree_head_signed_data (head);
  ctx = EVP_MD_CTX_new ();
  ok = ctx && EVP_DigestVerifyInit (ctx, NULL, NULL, NULL, key->pkey) == 1
       && EVP_DigestVerify (ctx, head->signature, SH_TREE_HEAD_SIGNATURE_LEN,
                            g_bytes_get_data (data, NULL), g_bytes_get_size (data))
              == 1;
  EVP_MD_CTX_free (ctx);
  ERR_clear_error ();
  return ok;
}
