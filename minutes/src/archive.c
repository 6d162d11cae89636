/* The archive's stored log: appending records to an organization's
 * transparency log, signing its heads, proofs over it, and checking it all
 * again from the documents up (docs/archive.md). The tree itself is
 * merkle.c's; the signatures tree-head.c's.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-archive.h"
#include "store-private.h"

#include <string.h>

#define KIND_MAX_CHARS 40

void
sh_archive_entry_free (ShArchiveEntry *entry)
{
  if (!entry)
    return;
  g_free (entry->kind);
  g_clear_pointer (&entry->document, g_bytes_unref);
  g_free (entry);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->archive)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储没有归档日志");
}

static gboolean
check_kind (const char *kind, GError **error)
{
  gsize length = kind ? strlen (kind) : 0;

  if (length == 0 || length > KIND_MAX_CHARS || kind[0] == '-')
    return sh_minutes_invalid (error, "归档记录的类别无效");
  for (gsize i = 0; i < length; i++) {
    if (!g_ascii_islower (kind[i]) && kind[i] != '-')
      return sh_minutes_invalid (error, "归档记录的类别无效");
  }
  return TRUE;
}

static gboolean
check_document (GBytes *document, GError **error)
{
  gsize length = 0;
  const char *data = document ? g_bytes_get_data (document, &length) : NULL;

  if (length == 0)
    return sh_minutes_invalid (error, "归档记录不能为空");
  if (length > SH_ARCHIVE_DOCUMENT_MAX)
    return sh_minutes_invalid (error, "归档记录过大");
  if (!g_utf8_validate_len (data, length, NULL))
    return sh_minutes_invalid (error, "归档记录不是有效的 UTF-8 文本");
  return TRUE;
}

typedef struct {
  ShArchiveEntry *entry;
} AppendTxn;

static gboolean
append_txn (ShStore *store, gpointer data, GError **error)
{
  AppendTxn *t = data;

  if (!sh_store_ops (store, archive)->count (store, t->entry->org_id, &t->entry->index, error))
    return FALSE;
  return sh_store_ops (store, archive)->append (store, t->entry, error);
}

ShArchiveEntry *
sh_archive_append (ShStore *store, gint64 org_id, const char *kind, gint64 meeting_id,
                   GBytes *document, gint64 retain_until, GError **error)
{
  g_autoptr (ShArchiveEntry) entry = NULL;
  AppendTxn t;
  gsize length;
  const void *bytes;

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error) || !check_kind (kind, error)
      || !check_document (document, error))
    return NULL;
  entry = g_new0 (ShArchiveEntry, 1);
  entry->org_id = org_id;
  entry->kind = g_strdup (kind);
  entry->meeting_id = meeting_id;
  entry->document = g_bytes_ref (document);
  entry->appended_at = sh_store_now ();
  entry->retain_until = retain_until;
  if (retain_until <= entry->appended_at) {
    sh_minutes_invalid (error, "归档记录的保存期限必须晚于现在");
    return NULL;
  }
  bytes = g_bytes_get_data (document, &length);
  sh_merkle_leaf_hash (bytes, length, &entry->leaf_hash);
  t.entry = entry;
  if (!sh_store_transaction (store, append_txn, &t, error))
    return NULL;
  return g_steal_pointer (&entry);
}

ShArchiveEntry *
sh_archive_get_entry (ShStore *store, gint64 org_id, guint64 index, GError **error)
{
  g_autoptr (GError) local = NULL;
  ShArchiveEntry *entry;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  entry = sh_store_ops (store, archive)->get (store, org_id, index, &found, &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return NULL;
  }
  if (!found)
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND,
                 "归档日志中没有序号 %" G_GUINT64_FORMAT " 的记录", index);
  return entry;
}

gboolean
sh_archive_size (ShStore *store, gint64 org_id, guint64 *size, GError **error)
{
  g_return_val_if_fail (store != NULL && size != NULL, FALSE);
  return have_backend (store, error)
         && sh_store_ops (store, archive)->count (store, org_id, size, error);
}

/* The leaf hashes of the first @size entries, refusing a size past the end. */
static GArray *
leaves_up_to (ShStore *store, gint64 org_id, guint64 size, GError **error)
{
  guint64 count;

  if (!sh_archive_size (store, org_id, &count, error))
    return NULL;
  if (size > count) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "归档日志只有 %" G_GUINT64_FORMAT " 条记录，没有 %" G_GUINT64_FORMAT " 条", count,
                 size);
    return NULL;
  }
  return sh_store_ops (store, archive)->leaf_hashes (store, org_id, size, error);
}

static GArray *
list_heads (ShStore *store, gint64 org_id, GError **error)
{
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, archive)->list_heads (store, org_id, error);
}

typedef struct {
  const ShArchiveKey *key;
  ShTreeHead *head;
} SignTxn;

static gboolean
sign_txn (ShStore *store, gpointer data, GError **error)
{
  SignTxn *t = data;
  g_autoptr (GArray) leaves = NULL;
  g_autoptr (GArray) heads = NULL;
  guint8 raw[32];
  guint64 size;

  if (!sh_archive_size (store, t->head->org_id, &size, error)
      || !(leaves
           = sh_store_ops (store, archive)->leaf_hashes (store, t->head->org_id, size, error))
      || !(heads = list_heads (store, t->head->org_id, error)))
    return FALSE;
  t->head->size = size;
  sh_merkle_root ((const ShMerkleHash *) leaves->data, leaves->len, &t->head->root);
  /* Heads are ordered by time: a clock set back must not put a new head
   * before an old one. */
  t->head->timestamp = sh_store_now ();
  if (heads->len > 0) {
    const ShTreeHead *last = &g_array_index (heads, ShTreeHead, heads->len - 1);
    t->head->timestamp = MAX (t->head->timestamp, last->timestamp + 1);
  }
  if (!sh_tree_head_sign (t->head, t->key, error))
    return FALSE;
  sh_archive_key_public_raw (t->key, raw);
  return sh_store_ops (store, archive)
             ->insert_key (store, &t->head->key_id, raw, sh_store_now (), error)
         && sh_store_ops (store, archive)->insert_head (store, t->head, error);
}

ShTreeHead *
sh_archive_sign_head (ShStore *store, gint64 org_id, const ShArchiveKey *key, GError **error)
{
  g_autoptr (ShTreeHead) head = g_new0 (ShTreeHead, 1);
  SignTxn t = { key, head };

  g_return_val_if_fail (store != NULL && key != NULL, NULL);
  head->org_id = org_id;
  if (!have_backend (store, error) || !sh_store_transaction (store, sign_txn, &t, error))
    return NULL;
  return g_steal_pointer (&head);
}

ShTreeHead *
sh_archive_latest_head (ShStore *store, gint64 org_id, GError **error)
{
  g_autoptr (GArray) heads = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (!(heads = list_heads (store, org_id, error)))
    return NULL;
  if (heads->len == 0) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "归档日志还没有签名树头");
    return NULL;
  }
  return g_memdup2 (&g_array_index (heads, ShTreeHead, heads->len - 1), sizeof (ShTreeHead));
}

ShArchiveKey *
sh_archive_get_key (ShStore *store, const ShMerkleHash *key_id, GError **error)
{
  guint8 raw[32];
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && key_id != NULL, NULL);
  if (!have_backend (store, error)
      || !sh_store_ops (store, archive)->get_key (store, key_id, raw, &found, error))
    return NULL;
  if (!found) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "签名树头所用的公钥不在存储中");
    return NULL;
  }
  return sh_archive_key_new_public (raw, sizeof raw, error);
}

GArray *
sh_archive_inclusion_proof (ShStore *store, gint64 org_id, guint64 index, guint64 tree_size,
                            GError **error)
{
  g_autoptr (GArray) leaves = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (!(leaves = leaves_up_to (store, org_id, tree_size, error)))
    return NULL;
  return sh_merkle_inclusion_proof ((const ShMerkleHash *) leaves->data, leaves->len, index, error);
}

GArray *
sh_archive_consistency_proof (ShStore *store, gint64 org_id, guint64 old_size, guint64 new_size,
                              GError **error)
{
  g_autoptr (GArray) leaves = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (!(leaves = leaves_up_to (store, org_id, new_size, error)))
    return NULL;
  return sh_merkle_consistency_proof ((const ShMerkleHash *) leaves->data, old_size, new_size,
                                      error);
}

/* Every entry's hash against its document. Returns: (transfer full) the hashes. */
static GArray *
verify_entries (ShStore *store, gint64 org_id, guint64 *bad_index, GError **error)
{
  g_autoptr (GArray) leaves = g_array_new (FALSE, FALSE, sizeof (ShMerkleHash));
  guint64 size;

  if (!sh_archive_size (store, org_id, &size, error))
    return NULL;
  for (guint64 i = 0; i < size; i++) {
    g_autoptr (ShArchiveEntry) entry = sh_archive_get_entry (store, org_id, i, error);
    ShMerkleHash h;
    gsize length;
    const void *bytes;

    if (!entry)
      return NULL;
    bytes = g_bytes_get_data (entry->document, &length);
    sh_merkle_leaf_hash (bytes, length, &h);
    if (memcmp (h.bytes, entry->leaf_hash.bytes, SH_MERKLE_HASH_LEN) != 0) {
      if (bad_index)
        *bad_index = i;
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                   "归档记录（序号 %" G_GUINT64_FORMAT "）的内容与其哈希不符：记录已被改动", i);
      return NULL;
    }
    g_array_append_val (leaves, h);
  }
  return g_steal_pointer (&leaves);
}

static gboolean
head_fails (const ShTreeHead *head, guint64 *bad_index, GError **error, const char *why)
{
  if (bad_index)
    *bad_index = head->size;
  g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
               "%" G_GUINT64_FORMAT " 条记录时签发的树头%s", head->size, why);
  return FALSE;
}

gboolean
sh_archive_verify_log (ShStore *store, gint64 org_id, guint64 *bad_index, GError **error)
{
  g_autoptr (GArray) leaves = NULL;
  g_autoptr (GArray) heads = NULL;
  guint64 last_size = 0;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!(leaves = verify_entries (store, org_id, bad_index, error))
      || !(heads = list_heads (store, org_id, error)))
    return FALSE;
  for (guint i = 0; i < heads->len; i++) {
    const ShTreeHead *head = &g_array_index (heads, ShTreeHead, i);
    g_autoptr (ShArchiveKey) key = NULL;
    ShMerkleHash root;

    if (head->size > leaves->len)
      return head_fails (head, bad_index, error, "超出了日志现有的记录：记录被删除");
    if (head->size < last_size)
      return head_fails (head, bad_index, error, "比之前的树头小：日志被改写");
    sh_merkle_root ((const ShMerkleHash *) leaves->data, head->size, &root);
    if (memcmp (root.bytes, head->root.bytes, SH_MERKLE_HASH_LEN) != 0)
      return head_fails (head, bad_index, error, "与现有记录不符：日志被改写");
    if (!(key = sh_archive_get_key (store, &head->key_id, NULL)))
      return head_fails (head, bad_index, error, "所用的公钥不在存储中");
    if (!sh_tree_head_verify (head, key))
      return head_fails (head, bad_index, error, "签名无效");
    last_size = head->size;
  }
  return TRUE;
}
