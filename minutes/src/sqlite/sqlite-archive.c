/* The SQLite backend, archive area: archive_entries, archive_tree_heads and
 * archive_keys (migration 16 makes all three append-only and lets an entry
 * in only at the end of its organization's log).
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-archive.h"

#include <string.h>

/* Copies a 32-byte blob column into @out; FALSE for any other length. */
static gboolean
column_hash (sqlite3_stmt *stmt, int column, guint8 *out)
{
  if (sqlite3_column_bytes (stmt, column) != SH_MERKLE_HASH_LEN)
    return FALSE;
  memcpy (out, sqlite3_column_blob (stmt, column), SH_MERKLE_HASH_LEN);
  return TRUE;
}

static gboolean
count (ShStore *store, gint64 org_id, guint64 *size, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM archive_entries WHERE org_id = ?1",
      "读取归档日志长度", error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  if (sqlite3_step (stmt) != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取归档日志长度", error);
    return FALSE;
  }
  *size = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
append (ShStore *store, const ShArchiveEntry *entry, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gsize length;
  const void *data = g_bytes_get_data (entry->document, &length);

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO archive_entries (org_id, leaf_index, kind, meeting_id,"
                            " document, leaf_hash, appended_at, retain_until)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            "写入归档记录", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry->org_id);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) entry->index);
  sqlite3_bind_text (stmt, 3, entry->kind, -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 4, entry->meeting_id);
  sqlite3_bind_blob64 (stmt, 5, data ? data : "", length, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, entry->leaf_hash.bytes, SH_MERKLE_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, entry->appended_at);
  sqlite3_bind_int64 (stmt, 8, entry->retain_until);
  /* The trigger refusing an index other than the next one is a DATABASE
   * error here: archive.c counts and appends in one transaction. */
  return sh_sqlite_step_done (store, stmt, "写入归档记录", error);
}

static ShArchiveEntry *
get (ShStore *store, gint64 org_id, guint64 index, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (ShArchiveEntry) entry = NULL;
  int rc;

  *found = FALSE;
  stmt = sh_sqlite_prepare (store,
                            "SELECT kind, meeting_id, document, leaf_hash, appended_at,"
                            " retain_until FROM archive_entries"
                            " WHERE org_id = ?1 AND leaf_index = ?2",
                            "读取归档记录", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) MIN (index, (guint64) G_MAXINT64));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取归档记录", error);
    return NULL;
  }
  entry = g_new0 (ShArchiveEntry, 1);
  entry->org_id = org_id;
  entry->index = index;
  entry->kind = sh_sqlite_column_text (stmt, 0);
  entry->meeting_id = sqlite3_column_int64 (stmt, 1);
  entry->document = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
  if (!column_hash (stmt, 3, entry->leaf_hash.bytes)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "归档记录的哈希已损坏");
    return NULL;
  }
  entry->appended_at = sqlite3_column_int64 (stmt, 4);
  entry->retain_until = sqlite3_column_int64 (stmt, 5);
  *found = TRUE;
  return g_steal_pointer (&entry);
}

static GArray *
leaf_hashes (ShStore *store, gint64 org_id, guint64 size, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) hashes = g_array_new (FALSE, FALSE, sizeof (ShMerkleHash));
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT leaf_hash FROM archive_entries WHERE org_id = ?1"
                            " AND leaf_index < ?2 ORDER BY leaf_index",
                            "读取归档日志", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) MIN (size, (guint64) G_MAXINT64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMerkleHash h;
    if (!column_hash (stmt, 0, h.bytes)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "归档记录的哈希已损坏");
      return NULL;
    }
    g_array_append_val (hashes, h);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取归档日志", error);
    return NULL;
  }
  return g_steal_pointer (&hashes);
}

static gboolean
insert_head (ShStore *store, const ShTreeHead *head, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO archive_tree_heads (org_id, tree_size, root, signed_at,"
                            " key_id, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            "保存签名树头", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, head->org_id);
  sqlite3_bind_int64 (stmt, 2, (sqlite3_int64) head->size);
  sqlite3_bind_blob (stmt, 3, head->root.bytes, SH_MERKLE_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, head->timestamp);
  sqlite3_bind_blob (stmt, 5, head->key_id.bytes, SH_MERKLE_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 6, head->signature, SH_TREE_HEAD_SIGNATURE_LEN, SQLITE_STATIC);
  return sh_sqlite_step_done (store, stmt, "保存签名树头", error);
}

static GArray *
list_heads (ShStore *store, gint64 org_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) heads = g_array_new (FALSE, TRUE, sizeof (ShTreeHead));
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT tree_size, root, signed_at, key_id, signature"
                            " FROM archive_tree_heads WHERE org_id = ?1 ORDER BY signed_at",
                            "读取签名树头", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, org_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShTreeHead h = { .org_id = org_id };
    h.size = (guint64) sqlite3_column_int64 (stmt, 0);
    h.timestamp = sqlite3_column_int64 (stmt, 2);
    if (!column_hash (stmt, 1, h.root.bytes) || !column_hash (stmt, 3, h.key_id.bytes)
        || sqlite3_column_bytes (stmt, 4) != SH_TREE_HEAD_SIGNATURE_LEN) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "签名树头已损坏");
      return NULL;
    }
    memcpy (h.signature, sqlite3_column_blob (stmt, 4), SH_TREE_HEAD_SIGNATURE_LEN);
    g_array_append_val (heads, h);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取签名树头", error);
    return NULL;
  }
  return g_steal_pointer (&heads);
}

static gboolean
insert_key (ShStore *store, const ShMerkleHash *key_id, const guint8 *public_raw, gint64 now,
            GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO archive_keys (key_id, public_key, added_at)"
                            " VALUES (?1, ?2, ?3) ON CONFLICT (key_id) DO NOTHING",
                            "保存签名公钥", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, key_id->bytes, SH_MERKLE_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, public_raw, 32, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  return sh_sqlite_step_done (store, stmt, "保存签名公钥", error);
}

static gboolean
get_key (ShStore *store, const ShMerkleHash *key_id, guint8 *public_raw, gboolean *found,
         GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  *found = FALSE;
  stmt = sh_sqlite_prepare (store, "SELECT public_key FROM archive_keys WHERE key_id = ?1",
                            "读取签名公钥", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, key_id->bytes, SH_MERKLE_HASH_LEN, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取签名公钥", error);
    return FALSE;
  }
  if (!column_hash (stmt, 0, public_raw)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "签名公钥已损坏");
    return FALSE;
  }
  *found = TRUE;
  return TRUE;
}

const ShArchiveStoreOps sh_sqlite_archive_ops = {
  .count = count,
  .append = append,
  .get = get,
  .leaf_hashes = leaf_hashes,
  .insert_head = insert_head,
  .list_heads = list_heads,
  .insert_key = insert_key,
  .get_key = get_key,
};
