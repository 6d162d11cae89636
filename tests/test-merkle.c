/* The archive's Merkle tree (minutes/src/merkle.c) against RFC 9162: the
 * published roots of Certificate Transparency's eight test leaves, and every
 * audit path and consistency proof of small trees checked by the RFC's
 * verification algorithm (a different algorithm from the generator), then
 * broken one way at a time.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

#include <string.h>

/* The leaves of the certificate-transparency test suite and the roots of
 * their first n, n = 1..8. */
static const char *const ct_leaves[] = {
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
};
static const char *const ct_roots[] = {
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

#define MAX_LEAVES 70

static ShMerkleHash leaves[MAX_LEAVES];

static void
make_leaves (void)
{
  for (guint i = 0; i < MAX_LEAVES; i++) {
    g_autofree char *text = g_strdup_printf ("第 %u 条记录", i);
    sh_merkle_leaf_hash (text, strlen (text), &leaves[i]);
  }
}

static void
assert_hex (const ShMerkleHash *h, const char *hex)
{
  g_autofree char *got = sh_merkle_hash_to_hex (h);
  g_assert_cmpstr (got, ==, hex);
}

static void
test_ct_vectors (void)
{
  ShMerkleHash hashes[G_N_ELEMENTS (ct_leaves)], root;

  sh_merkle_root (NULL, 0, &root);
  assert_hex (&root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  for (guint i = 0; i < G_N_ELEMENTS (ct_leaves); i++) {
    gsize n = strlen (ct_leaves[i]) / 2;
    g_autofree guint8 *data = g_malloc0 (n + 1);
    for (gsize j = 0; j < n; j++)
      data[j] = (guint8) g_ascii_strtoull (
          (char[]){ ct_leaves[i][2 * j], ct_leaves[i][2 * j + 1], 0 }, NULL, 16);
    sh_merkle_leaf_hash (data, n, &hashes[i]);
  }
  for (guint n = 1; n <= G_N_ELEMENTS (ct_roots); n++) {
    sh_merkle_root (hashes, n, &root);
    assert_hex (&root, ct_roots[n - 1]);
  }
}

static void
flip (ShMerkleHash *h)
{
  h->bytes[7] ^= 0x01;
}

static void
test_inclusion_all (void)
{
  for (guint64 n = 1; n <= MAX_LEAVES; n++) {
    ShMerkleHash root;
    sh_merkle_root (leaves, n, &root);
    for (guint64 m = 0; m < n; m++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) proof = sh_merkle_inclusion_proof (leaves, n, m, &error);
      ShMerkleHash *p;

      g_assert_no_error (error);
      p = (ShMerkleHash *) proof->data;
      g_assert_true (sh_merkle_verify_inclusion (&leaves[m], m, n, p, proof->len, &root));
      /* The same proof says nothing about another leaf or place. (The size
       * is bound by the signed tree head, not by the path: the path of
       * leaf 0 of 3 also fits 4 leaves whose last two hash like leaf 2.) */
      g_assert_false (
          sh_merkle_verify_inclusion (&leaves[(m + 1) % MAX_LEAVES], m, n, p, proof->len, &root));
      if (m + 1 < n)
        g_assert_false (sh_merkle_verify_inclusion (&leaves[m], m + 1, n, p, proof->len, &root));
      g_assert_false (sh_merkle_verify_inclusion (&leaves[m], n, n, p, proof->len, &root));
      if (proof->len > 0)
        g_assert_false (sh_merkle_verify_inclusion (&leaves[m], m, n, p, proof->len - 1, &root));
      for (guint i = 0; i < proof->len; i++) {
        flip (&p[i]);
        g_assert_false (sh_merkle_verify_inclusion (&leaves[m], m, n, p, proof->len, &root));
        flip (&p[i]);
      }
      g_array_append_val (proof, root);
      p = (ShMerkleHash *) proof->data;
      g_assert_false (sh_merkle_verify_inclusion (&leaves[m], m, n, p, proof->len, &root));
    }
  }
}

static void
test_consistency_all (void)
{
  for (guint64 n = 1; n <= 40; n++) {
    ShMerkleHash new_root;
    sh_merkle_root (leaves, n, &new_root);
    for (guint64 m = 0; m <= n; m++) {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) proof = sh_merkle_consistency_proof (leaves, m, n, &error);
      ShMerkleHash old_root, *p;

      g_assert_no_error (error);
      sh_merkle_root (leaves, m, &old_root);
      p = (ShMerkleHash *) proof->data;
      g_assert_true (sh_merkle_verify_consistency (m, &old_root, n, &new_root, p, proof->len));
      if (m == 0 || m == n) {
        g_assert_cmpuint (proof->len, ==, 0);
        continue;
      }
      /* A rewritten past: another old root, or another new one, fails. */
      flip (&old_root);
      g_assert_false (sh_merkle_verify_consistency (m, &old_root, n, &new_root, p, proof->len));
      flip (&old_root);
      flip (&new_root);
      g_assert_false (sh_merkle_verify_consistency (m, &old_root, n, &new_root, p, proof->len));
      flip (&new_root);
      for (guint i = 0; i < proof->len; i++) {
        flip (&p[i]);
        g_assert_false (sh_merkle_verify_consistency (m, &old_root, n, &new_root, p, proof->len));
        flip (&p[i]);
      }
      g_assert_false (sh_merkle_verify_consistency (m, &old_root, n, &new_root, p, proof->len - 1));
      g_assert_false (sh_merkle_verify_consistency (n, &new_root, m, &old_root, p, proof->len));
    }
  }
}

/* A tree whose leaf was replaced is not consistent with the tree before. */
static void
test_rewritten_history (void)
{
  ShMerkleHash forged[20], old_root, new_root;
  g_autoptr (GArray) proof = NULL;

  memcpy (forged, leaves, sizeof forged);
  sh_merkle_root (leaves, 13, &old_root);
  sh_merkle_leaf_hash ("改过的记录", strlen ("改过的记录"), &forged[5]);
  sh_merkle_root (forged, 20, &new_root);
  proof = sh_merkle_consistency_proof (forged, 13, 20, NULL);
  g_assert_false (sh_merkle_verify_consistency (13, &old_root, 20, &new_root,
                                                (ShMerkleHash *) proof->data, proof->len));
}

static void
test_hostile (void)
{
  g_autoptr (GError) error = NULL;
  ShMerkleHash root, junk[64];

  g_assert_null (sh_merkle_inclusion_proof (leaves, 5, 5, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_merkle_inclusion_proof (NULL, 0, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_merkle_consistency_proof (leaves, 6, 5, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);

  /* Sizes no log reaches, with proofs too short or too long for them. */
  memset (junk, 0xab, sizeof junk);
  sh_merkle_root (leaves, 3, &root);
  g_assert_false (sh_merkle_verify_inclusion (&leaves[0], 0, G_MAXUINT64, junk, 3, &root));
  g_assert_false (
      sh_merkle_verify_inclusion (&leaves[0], G_MAXUINT64 - 1, G_MAXUINT64, junk, 64, &root));
  g_assert_false (sh_merkle_verify_inclusion (&leaves[0], 0, 0, NULL, 0, &root));
  g_assert_false (sh_merkle_verify_consistency (3, &root, G_MAXUINT64, &root, junk, 64));
  g_assert_false (
      sh_merkle_verify_consistency (G_MAXUINT64 - 1, &root, G_MAXUINT64, &root, junk, 1));
  g_assert_false (sh_merkle_verify_consistency (3, &root, 5, &root, NULL, 0));
  g_assert_true (sh_merkle_verify_consistency (0, &junk[0], 5, &root, NULL, 0));
  g_assert_false (sh_merkle_verify_consistency (0, &junk[0], 5, &root, junk, 1));
}

static void
test_hex (void)
{
  ShMerkleHash h;
  g_autofree char *hex = sh_merkle_hash_to_hex (&leaves[3]);
  g_autofree char *upper = g_ascii_strup (hex, -1);

  g_assert_true (sh_merkle_hash_from_hex (upper, &h));
  g_assert_cmpmem (h.bytes, 32, leaves[3].bytes, 32);
  g_assert_false (sh_merkle_hash_from_hex (NULL, &h));
  g_assert_false (sh_merkle_hash_from_hex ("", &h));
  g_assert_false (sh_merkle_hash_from_hex ("abc", &h));
  hex[10] = 'g';
  g_assert_false (sh_merkle_hash_from_hex (hex, &h));
  g_assert_false (sh_merkle_hash_from_hex (
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d00", &h));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_leaves ();
  g_test_add_func ("/merkle/ct-vectors", test_ct_vectors);
  g_test_add_func ("/merkle/inclusion-all", test_inclusion_all);
  g_test_add_func ("/merkle/consistency-all", test_consistency_all);
  g_test_add_func ("/merkle/rewritten-history", test_rewritten_history);
  g_test_add_func ("/merkle/hostile", test_hostile);
  g_test_add_func ("/merkle/hex", test_hex);
  return g_test_run ();
}
