/* Signed tree heads and the archive's key (minutes/src/tree-head.c): a head
 * verifies under its key and under nothing else, any changed field breaks
 * it, a key survives its file, and the file is refused when others could
 * read it or when it holds something other than an Ed25519 key.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>

static ShTreeHead
make_head (void)
{
  ShTreeHead head = { .org_id = 7, .size = 42, .timestamp = 1796500000000000 };

  sh_merkle_leaf_hash ("根", strlen ("根"), &head.root);
  return head;
}

static void
test_sign_verify (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShArchiveKey) key = sh_archive_key_generate (&error);
  g_autoptr (ShArchiveKey) other = sh_archive_key_generate (&error);
  ShTreeHead head = make_head (), changed;
  ShMerkleHash id;

  g_assert_no_error (error);
  g_assert_true (sh_tree_head_sign (&head, key, &error));
  g_assert_no_error (error);
  sh_archive_key_id (key, &id);
  g_assert_cmpmem (head.key_id.bytes, 32, id.bytes, 32);
  g_assert_true (sh_tree_head_verify (&head, key));
  g_assert_false (sh_tree_head_verify (&head, other));

  changed = head, changed.org_id++;
  g_assert_false (sh_tree_head_verify (&changed, key));
  changed = head, changed.size--;
  g_assert_false (sh_tree_head_verify (&changed, key));
  changed = head, changed.timestamp++;
  g_assert_false (sh_tree_head_verify (&changed, key));
  changed = head, changed.root.bytes[31] ^= 1;
  g_assert_false (sh_tree_head_verify (&changed, key));
  changed = head, changed.signature[0] ^= 1;
  g_assert_false (sh_tree_head_verify (&changed, key));
  /* Signed by the other key but claiming this one's id, or the reverse. */
  changed = head;
  g_assert_true (sh_tree_head_sign (&changed, other, NULL));
  changed.key_id = head.key_id;
  g_assert_false (sh_tree_head_verify (&changed, key));
  g_assert_false (sh_tree_head_verify (&changed, other));
}

/* A verifier holds only the 32 public bytes. */
static void
test_public_only (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShArchiveKey) key = sh_archive_key_generate (NULL);
  g_autoptr (ShArchiveKey) pub = NULL;
  guint8 raw[32];
  ShTreeHead head = make_head ();

  sh_archive_key_public_raw (key, raw);
  pub = sh_archive_key_new_public (raw, sizeof raw, &error);
  g_assert_no_error (error);
  g_assert_false (sh_archive_key_has_private (pub));
  g_assert_true (sh_archive_key_has_private (key));
  g_assert_true (sh_tree_head_sign (&head, key, NULL));
  g_assert_true (sh_tree_head_verify (&head, pub));

  g_assert_false (sh_tree_head_sign (&head, pub, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_archive_key_save (pub, "/nonexistent/key.pem", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_archive_key_new_public (raw, 31, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

/* The bytes others must rebuild to check a head: label, then the fields
 * big-endian in TreeHeadDataV2's order. */
static void
test_signed_data_layout (void)
{
  ShTreeHead head = make_head ();
  g_autoptr (GBytes) data = sh_tree_head_signed_data (&head);
  gsize length;
  const guint8 *p = g_bytes_get_data (data, &length);
  const guint8 org[8] = { 0, 0, 0, 0, 0, 0, 0, 7 }, size[8] = { 0, 0, 0, 0, 0, 0, 0, 42 };
  guint64 timestamp;

  g_assert_cmpuint (length, ==, 20 + 8 + 8 + 8 + 1 + 32 + 2);
  g_assert_cmpmem (p, 20, "sanhui-tree-head-v1", 20);
  g_assert_cmpmem (p + 20, 8, org, 8);
  memcpy (&timestamp, p + 28, sizeof timestamp);
  g_assert_cmpuint (GUINT64_FROM_BE (timestamp), ==, head.timestamp);
  g_assert_cmpmem (p + 36, 8, size, 8);
  g_assert_cmpuint (p[44], ==, 32);
  g_assert_cmpmem (p + 45, 32, head.root.bytes, 32);
  g_assert_cmpuint (p[77], ==, 0);
  g_assert_cmpuint (p[78], ==, 0);
}

static void
test_key_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-key-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "archive-key.pem", NULL);
  g_autoptr (ShArchiveKey) key = sh_archive_key_generate (NULL);
  g_autoptr (ShArchiveKey) loaded = NULL;
  ShTreeHead head = make_head ();
  struct stat st;

  g_assert_true (sh_archive_key_save (key, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  loaded = sh_archive_key_load (path, &error);
  g_assert_no_error (error);
  /* Signed before, verified after: the same key. */
  g_assert_true (sh_tree_head_sign (&head, key, NULL));
  g_assert_true (sh_tree_head_verify (&head, loaded));

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_null (sh_archive_key_load (path, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents_full (path, "-----BEGIN PRIVATE KEY-----\n乱码\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  g_assert_null (sh_archive_key_load (path, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_null (sh_archive_key_load (path, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An EC key in the right file format is still not the archive's key. */
static void
test_wrong_key_type (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-key-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ec.pem", NULL);
  EVP_PKEY *ec = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  BIO *bio = BIO_new (BIO_s_mem ());
  char *pem = NULL;
  long length;

  g_assert_nonnull (ec);
  g_assert_true (PEM_write_bio_PrivateKey (bio, ec, NULL, NULL, 0, NULL, NULL));
  length = BIO_get_mem_data (bio, &pem);
  g_assert_true (
      g_file_set_contents_full (path, pem, length, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  BIO_free (bio);
  EVP_PKEY_free (ec);
  g_assert_null (sh_archive_key_load (path, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Ed25519"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tree-head/sign-verify", test_sign_verify);
  g_test_add_func ("/tree-head/public-only", test_public_only);
  g_test_add_func ("/tree-head/signed-data-layout", test_signed_data_layout);
  g_test_add_func ("/tree-head/key-file", test_key_file);
  g_test_add_func ("/tree-head/wrong-key-type", test_wrong_key_type);
  return g_test_run ();
}
