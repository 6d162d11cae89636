/* The store interface, archive area (archive.c): each organization's
 * transparency log (entries in order, append-only), its signed tree heads
 * and the public keys that signed them. See store-backend.h for the
 * conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShArchiveStoreOps {
  /* The number of entries of @org_id's log. */
  gboolean (*count) (ShStore *store, gint64 org_id, guint64 *size, GError **error);
  /* Stores @entry (checked by archive.c) at entry->index, which must be the
   * log's size: anything else is a CONFLICT (another writer got there). */
  gboolean (*append) (ShStore *store, const ShArchiveEntry *entry, GError **error);
  /* Entry @index of @org_id's log, or NULL with *@found FALSE and no error.
   * Returns: (transfer full) */
  ShArchiveEntry *(*get) (ShStore *store, gint64 org_id, guint64 index, gboolean *found,
                          GError **error);
  /* The leaf hashes of the first @size entries in order (fewer when the log
   * is shorter). Returns: (transfer full) (element-type ShMerkleHash) */
  GArray *(*leaf_hashes) (ShStore *store, gint64 org_id, guint64 size, GError **error);
  /* Stores a signed head; its key must have been stored. */
  gboolean (*insert_head) (ShStore *store, const ShTreeHead *head, GError **error);
  /* @org_id's heads, oldest first. Returns: (transfer full) (element-type ShTreeHead) */
  GArray *(*list_heads) (ShStore *store, gint64 org_id, GError **error);
  /* Keeps a public key by its id; a key kept already is left as it is. */
  gboolean (*insert_key) (ShStore *store, const ShMerkleHash *key_id, const guint8 *public_raw,
                          gint64 now, GError **error);
  /* The 32 raw bytes of the key @key_id names, *@found FALSE when unknown. */
  gboolean (*get_key) (ShStore *store, const ShMerkleHash *key_id, guint8 *public_raw,
                       gboolean *found, GError **error);
};
