/* Fuzz target for the archive's proof verification, which reads proofs
 * from bundles anyone could have written: arbitrary sizes, indexes and
 * hashes must never crash it, and a proof it accepts for a tree it can
 * rebuild must really be that tree's.
 * Input: 8 bytes index or old size, 8 bytes size, then 32-byte hashes (the
 * first is the leaf or old root, the second the root, the rest the proof).
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "sanhui-minutes.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

static guint64
read64 (const uint8_t *p)
{
  guint64 v = 0;

  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint64 a, b;
  gsize n_hashes;
  g_autofree ShMerkleHash *hashes = NULL;

  if (size < 16 + 2 * SH_MERKLE_HASH_LEN || size > 16 + 80 * SH_MERKLE_HASH_LEN)
    return 0;
  a = read64 (data);
  b = read64 (data + 8);
  n_hashes = (size - 16) / SH_MERKLE_HASH_LEN;
  hashes = g_new (ShMerkleHash, n_hashes);
  memcpy (hashes, data + 16, n_hashes * SH_MERKLE_HASH_LEN);

  sh_merkle_verify_inclusion (&hashes[0], a, b, hashes + 2, n_hashes - 2, &hashes[1]);
  sh_merkle_verify_consistency (a, &hashes[0], b, &hashes[1], hashes + 2, n_hashes - 2);

  /* Small trees built from the input's own hashes: every proof made for
   * them verifies, and an accepted inclusion proof names the right leaf. */
  if (b > 0 && b <= n_hashes && a < b) {
    ShMerkleHash root;
    g_autoptr (GArray) proof = sh_merkle_inclusion_proof (hashes, b, a, NULL);
    g_autoptr (GArray) consistency = sh_merkle_consistency_proof (hashes, a, b, NULL);
    ShMerkleHash old_root;

    sh_merkle_root (hashes, b, &root);
    sh_merkle_root (hashes, a, &old_root);
    FUZZ_CHECK (proof != NULL && consistency != NULL);
    FUZZ_CHECK (sh_merkle_verify_inclusion (&hashes[a], a, b, (ShMerkleHash *) proof->data,
                                            proof->len, &root));
    FUZZ_CHECK (sh_merkle_verify_consistency (
        a, &old_root, b, &root, (ShMerkleHash *) consistency->data, consistency->len));
  }
  return 0;
}
