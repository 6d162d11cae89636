/* sanhui-minutes/archive.h — part of sanhui-minutes.h: the archive's
 * transparency log. Each organization's final records are the leaves of an
 * append-only Merkle tree hashed as RFC 9162 §2.1 says (SHA-256, 0x00 before
 * a leaf, 0x01 before two children); tree heads are signed with the server's
 * Ed25519 key. docs/archive.md describes the formats.
 * Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* ------------------------------------------------------- Merkle tree */

#define SH_MERKLE_HASH_LEN 32

typedef struct {
  guint8 bytes[SH_MERKLE_HASH_LEN];
} ShMerkleHash;

/* HASH(0x00 || data): a leaf's hash. */
void sh_merkle_leaf_hash (const void *data, gsize length, ShMerkleHash *out);

/* MTH of the @size leaves whose hashes are @leaves (SHA-256 of nothing for 0). */
void sh_merkle_root (const ShMerkleHash *leaves, guint64 size, ShMerkleHash *out);

/* The audit path of leaf @index in the tree of the first @size leaves
 * (RFC 9162 §2.1.3.1), leaf side first. Fails (INVALID) for an index outside
 * the tree. Returns: (transfer full) (element-type ShMerkleHash). */
GArray *sh_merkle_inclusion_proof (const ShMerkleHash *leaves, guint64 size, guint64 index,
                                   GError **error);

/* TRUE if @proof shows that @leaf is leaf @index of the tree of @size leaves
 * whose root is @root (RFC 9162 §2.1.3.2). */
gboolean sh_merkle_verify_inclusion (const ShMerkleHash *leaf, guint64 index, guint64 size,
                                     const ShMerkleHash *proof, gsize proof_length,
                                     const ShMerkleHash *root);

/* The proof that the tree of the first @old_size leaves is a prefix of the
 * tree of the first @new_size (RFC 9162 §2.1.4.1); empty when the sizes are
 * equal or @old_size is 0. Fails (INVALID) unless old_size <= new_size.
 * Returns: (transfer full) (element-type ShMerkleHash). */
GArray *sh_merkle_consistency_proof (const ShMerkleHash *leaves, guint64 old_size, guint64 new_size,
                                     GError **error);

/* TRUE if @proof shows the tree with @old_root at @old_size grew into the one
 * with @new_root at @new_size by appending only (RFC 9162 §2.1.4.2). */
gboolean sh_merkle_verify_consistency (guint64 old_size, const ShMerkleHash *old_root,
                                       guint64 new_size, const ShMerkleHash *new_root,
                                       const ShMerkleHash *proof, gsize proof_length);

/* Lower-case hex of a hash. Returns: (transfer full). */
char *sh_merkle_hash_to_hex (const ShMerkleHash *hash);
/* Parses 64 hex digits (either case); FALSE for anything else. */
gboolean sh_merkle_hash_from_hex (const char *hex, ShMerkleHash *out);

/* ------------------------------------------------- signed tree heads */

/* The server's Ed25519 signing key, or only its public half (a verifier's). */
typedef struct _ShArchiveKey ShArchiveKey;

/* A new key pair. Returns: (transfer full). */
ShArchiveKey *sh_archive_key_generate (GError **error);
/* Reads a PKCS#8 PEM private key written by sh_archive_key_save(); refuses a
 * file that others than its owner may read, or a key that is not Ed25519.
 * Returns: (transfer full). */
ShArchiveKey *sh_archive_key_load (const char *path, GError **error);
/* Writes the private key as PKCS#8 PEM, mode 0600, replacing @path atomically;
 * fails for a public-only key. */
gboolean sh_archive_key_save (const ShArchiveKey *key, const char *path, GError **error);
/* A public-only key from its 32 raw bytes. Returns: (transfer full). */
ShArchiveKey *sh_archive_key_new_public (const guint8 *raw, gsize length, GError **error);
/* The 32 raw bytes of the public key (RFC 8032). */
void sh_archive_key_public_raw (const ShArchiveKey *key, guint8 out[32]);
/* SHA-256 of the raw public key: how a tree head names the key that signed it,
 * so heads signed before a key rotation still find their key. */
void sh_archive_key_id (const ShArchiveKey *key, ShMerkleHash *out);
gboolean sh_archive_key_has_private (const ShArchiveKey *key);
void sh_archive_key_free (ShArchiveKey *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShArchiveKey, sh_archive_key_free)

#define SH_TREE_HEAD_SIGNATURE_LEN 64

/* A signed statement: organization @org_id's log had @size entries with
 * @root at @timestamp (UTC microseconds), signed by the key @key_id names. */
typedef struct {
  gint64 org_id;
  guint64 size;
  ShMerkleHash root;
  gint64 timestamp;
  ShMerkleHash key_id;
  guint8 signature[SH_TREE_HEAD_SIGNATURE_LEN];
} ShTreeHead;

/* The exact bytes a tree head's signature covers (docs/archive.md). Returns:
 * (transfer full). */
GBytes *sh_tree_head_signed_data (const ShTreeHead *head);
/* Fills @head's key_id and signature. Fails for a public-only key. */
gboolean sh_tree_head_sign (ShTreeHead *head, const ShArchiveKey *key, GError **error);
/* TRUE if @head is signed by @key (its key_id must name @key). */
gboolean sh_tree_head_verify (const ShTreeHead *head, const ShArchiveKey *key);

G_END_DECLS
