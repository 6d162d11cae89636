/* The archive's Merkle tree, as RFC 9162 §2.1 defines it: the root (MTH),
 * audit paths and consistency proofs, and their verification. Pure: the
 * leaves come in as their hashes, which the store keeps; nothing here knows
 * where they came from. Generation follows the recursive definitions (linear
 * in the leaves, enough for one organization's records); verification is the
 * RFC's iterative algorithm, which needs only the proof.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

#include <string.h>

static void
hash_parts (guint8 prefix, const ShMerkleHash *left, const void *data, gsize length,
            ShMerkleHash *out)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = SH_MERKLE_HASH_LEN;

  g_checksum_update (sum, &prefix, 1);
  if (left)
    g_checksum_update (sum, left->bytes, SH_MERKLE_HASH_LEN);
  g_checksum_update (sum, data, length);
  g_checksum_get_digest (sum, out->bytes, &digest_length);
}

void
sh_merkle_leaf_hash (const void *data, gsize length, ShMerkleHash *out)
{
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (out != NULL);
  hash_parts (0x00, NULL, data, length, out);
}

/* HASH(0x01 || left || right). @out may be @left or @right. */
static void
node_hash (const ShMerkleHash *left, const ShMerkleHash *right, ShMerkleHash *out)
{
  ShMerkleHash l = *left, r = *right;

  hash_parts (0x01, &l, r.bytes, SH_MERKLE_HASH_LEN, out);
}

/* The largest power of two below @n (n >= 2): where the tree splits. */
static guint64
split_point (guint64 n)
{
  return G_GUINT64_CONSTANT (1) << (g_bit_storage (n - 1) - 1);
}

/* MTH(D[lo : lo + n]) for n >= 1. */
static void
subtree_root (const ShMerkleHash *leaves, guint64 lo, guint64 n, ShMerkleHash *out)
{
  ShMerkleHash left, right;
  guint64 k;

  if (n == 1) {
    *out = leaves[lo];
    return;
  }
  k = split_point (n);
  subtree_root (leaves, lo, k, &left);
  subtree_root (leaves, lo + k, n - k, &right);
  node_hash (&left, &right, out);
}

static void
append_root (GArray *proof, const ShMerkleHash *leaves, guint64 lo, guint64 n)
{
  ShMerkleHash h;

  subtree_root (leaves, lo, n, &h);
  g_array_append_val (proof, h);
}

void
sh_merkle_root (const ShMerkleHash *leaves, guint64 size, ShMerkleHash *out)
{
  g_return_if_fail (leaves != NULL || size == 0);
  g_return_if_fail (out != NULL);
  if (size > 0) {
    subtree_root (leaves, 0, size, out);
    return;
  }
  /* The empty tree's root is the hash of nothing, without a prefix. */
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_length = SH_MERKLE_HASH_LEN;
  g_checksum_get_digest (sum, out->bytes, &digest_length);
}

/* PATH(m, D[lo : lo + n]) appended to @proof. */
static void
audit_path (const ShMerkleHash *leaves, guint64 m, guint64 lo, guint64 n, GArray *proof)
{
  guint64 k;

  if (n == 1)
    return;
  k = split_point (n);
  if (m < k) {
    audit_path (leaves, m, lo, k, proof);
    append_root (proof, leaves, lo + k, n - k);
  } else {
    audit_path (leaves, m - k, lo + k, n - k, proof);
    append_root (proof, leaves, lo, k);
  }
}

GArray *
sh_merkle_inclusion_proof (const ShMerkleHash *leaves, guint64 size, guint64 index, GError **error)
{
  GArray *proof;

  g_return_val_if_fail (leaves != NULL || size == 0, NULL);
  if (index >= size) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "记录序号 %" G_GUINT64_FORMAT " 不在 %" G_GUINT64_FORMAT " 条记录的日志中", index,
                 size);
    return NULL;
  }
  proof = g_array_new (FALSE, FALSE, sizeof (ShMerkleHash));
  audit_path (leaves, index, 0, size, proof);
  return proof;
}

/* SUBPROOF(m, D[lo : lo + n], whole) appended to @proof. */
static void
subproof (const ShMerkleHash *leaves, guint64 m, guint64 lo, guint64 n, gboolean whole,
          GArray *proof)
{
  guint64 k;

  if (m == n) {
    if (!whole)
      append_root (proof, leaves, lo, n);
    return;
  }
  k = split_point (n);
  if (m <= k) {
    subproof (leaves, m, lo, k, whole, proof);
    append_root (proof, leaves, lo + k, n - k);
  } else {
    subproof (leaves, m - k, lo + k, n - k, FALSE, proof);
    append_root (proof, leaves, lo, k);
  }
}

GArray *
sh_merkle_consistency_proof (const ShMerkleHash *leaves, guint64 old_size, guint64 new_size,
                             GError **error)
{
  GArray *proof;

  g_return_val_if_fail (leaves != NULL || new_size == 0, NULL);
  if (old_size > new_size) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "日志不会变短：%" G_GUINT64_FORMAT " 条不能证明为 %" G_GUINT64_FORMAT " 条的前缀",
                 old_size, new_size);
    return NULL;
  }
  proof = g_array_new (FALSE, FALSE, sizeof (ShMerkleHash));
  if (old_size > 0)
    subproof (leaves, old_size, 0, new_size, TRUE, proof);
  return proof;
}

static gboolean
hash_equal (const ShMerkleHash *a, const ShMerkleHash *b)
{
  return memcmp (a->bytes, b->bytes, SH_MERKLE_HASH_LEN) == 0;
}

/* Shifts @fn and @sn right together until @fn's lowest bit is set or it is 0. */
static void
shift_to_set_bit (guint64 *fn, guint64 *sn)
{
  while (*fn != 0 && (*fn & 1) == 0) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

gboolean
sh_merkle_verify_inclusion (const ShMerkleHash *leaf, guint64 index, guint64 size,
                            const ShMerkleHash *proof, gsize proof_length, const ShMerkleHash *root)
{
  guint64 fn = index, sn;
  ShMerkleHash r;

  g_return_val_if_fail (leaf != NULL && root != NULL, FALSE);
  g_return_val_if_fail (proof != NULL || proof_length == 0, FALSE);
  if (index >= size)
    return FALSE;
  sn = size - 1;
  r = *leaf;
  for (gsize i = 0; i < proof_length; i++) {
    if (sn == 0)
      return FALSE;
    if ((fn & 1) || fn == sn) {
      node_hash (&proof[i], &r, &r);
      if (!(fn & 1))
        shift_to_set_bit (&fn, &sn);
    } else {
      node_hash (&r, &proof[i], &r);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && hash_equal (&r, root);
}

gboolean
sh_merkle_verify_consistency (guint64 old_size, const ShMerkleHash *old_root, guint64 new_size,
                              const ShMerkleHash *new_root, const ShMerkleHash *proof,
                              gsize proof_length)
{
  guint64 fn, sn;
  ShMerkleHash fr, sr;
  gsize i = 0;

  g_return_val_if_fail (old_root != NULL && new_root != NULL, FALSE);
  g_return_val_if_fail (proof != NULL || proof_length == 0, FALSE);
  if (old_size > new_size)
    return FALSE;
  if (old_size == 0)
    return proof_length == 0; /* the empty tree is a prefix of every tree */
  if (old_size == new_size)
    return proof_length == 0 && hash_equal (old_root, new_root);
  if (proof_length == 0)
    return FALSE;

  fn = old_size - 1;
  sn = new_size - 1;
  /* An old tree of a power-of-two size is a whole subtree: its root is the
   * proof's implicit first element. */
  if ((old_size & (old_size - 1)) == 0)
    fr = sr = *old_root;
  else
    fr = sr = proof[i++];
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; i < proof_length; i++) {
    if (sn == 0)
      return FALSE;
    if ((fn & 1) || fn == sn) {
      node_hash (&proof[i], &fr, &fr);
      node_hash (&proof[i], &sr, &sr);
      if (!(fn & 1))
        shift_to_set_bit (&fn, &sn);
    } else {
      node_hash (&sr, &proof[i], &sr);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && hash_equal (&fr, old_root) && hash_equal (&sr, new_root);
}

char *
sh_merkle_hash_to_hex (const ShMerkleHash *hash)
{
  char *hex = g_malloc (SH_MERKLE_HASH_LEN * 2 + 1);

  g_return_val_if_fail (hash != NULL, NULL);
  for (guint i = 0; i < SH_MERKLE_HASH_LEN; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", hash->bytes[i]);
  return hex;
}

gboolean
sh_merkle_hash_from_hex (const char *hex, ShMerkleHash *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (!hex || strlen (hex) != SH_MERKLE_HASH_LEN * 2)
    return FALSE;
  for (guint i = 0; i < SH_MERKLE_HASH_LEN; i++) {
    int hi = g_ascii_xdigit_value (hex[2 * i]), lo = g_ascii_xdigit_value (hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return FALSE;
    out->bytes[i] = (guint8) (hi << 4 | lo);
  }
  return TRUE;
}
