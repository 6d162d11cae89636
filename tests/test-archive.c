/* The archive's stored log (minutes/src/archive.c, sqlite-archive.c): each
 * organization's entries in order, signed heads, proofs that verify against
 * them, a store that refuses to rewrite the past, and verification that
 * names what an attacker with the database file changed.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <string.h>

#define YEAR_US (G_GINT64_CONSTANT (366) * 24 * 3600 * G_USEC_PER_SEC)

typedef struct {
  ShStore *store;
  gint64 org, other_org;
  ShArchiveKey *key;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_memory ();
  f->org = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  f->other_org = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第二党支部");
  f->key = sh_archive_key_generate (NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  sh_archive_key_free (f->key);
  sh_store_free (f->store);
}

static ShArchiveEntry *
append (Fixture *f, gint64 org, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) doc = g_bytes_new (text, strlen (text));
  ShArchiveEntry *e = sh_archive_append (f->store, org, "meeting-record", 0, doc,
                                         sh_store_now () + 10 * YEAR_US, &error);

  g_assert_no_error (error);
  return e;
}

static void
append_n (Fixture *f, gint64 org, guint n)
{
  for (guint i = 0; i < n; i++) {
    g_autofree char *text = g_strdup_printf ("{\"会议\":%u}", i);
    g_autoptr (ShArchiveEntry) e = append (f, org, text);
  }
}

static void
exec (Fixture *f, const char *sql)
{
  g_assert_cmpint (sqlite3_exec (sh_sqlite_db (f->store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_append_in_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShArchiveEntry) first = append (f, f->org, "{\"a\":1}");
  g_autoptr (ShArchiveEntry) other = append (f, f->other_org, "{\"b\":1}");
  g_autoptr (ShArchiveEntry) second = append (f, f->org, "{\"a\":2}");
  g_autoptr (ShArchiveEntry) got = NULL;
  ShMerkleHash h;
  guint64 size = 0;

  /* Each organization has its own log, counted from 0. */
  g_assert_cmpuint (first->index, ==, 0);
  g_assert_cmpuint (other->index, ==, 0);
  g_assert_cmpuint (second->index, ==, 1);
  g_assert_true (sh_archive_size (f->store, f->org, &size, &error));
  g_assert_cmpuint (size, ==, 2);
  sh_merkle_leaf_hash ("{\"a\":2}", 7, &h);
  g_assert_cmpmem (second->leaf_hash.bytes, 32, h.bytes, 32);

  got = sh_archive_get_entry (f->store, f->org, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->kind, ==, "meeting-record");
  g_assert_true (g_bytes_equal (got->document, second->document));
  g_assert_cmpmem (got->leaf_hash.bytes, 32, h.bytes, 32);
  g_assert_null (sh_archive_get_entry (f->store, f->org, 2, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  static const char *const bad_kinds[]
      = { NULL, "", "Meeting", "会议", "-x", "a b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
  g_autoptr (GBytes) doc = g_bytes_new_static ("{}", 2);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) not_utf8 = g_bytes_new_static ("\xff\xfe", 2);
  g_autofree char *huge_data = g_malloc0 (SH_ARCHIVE_DOCUMENT_MAX + 1);
  g_autoptr (GBytes) huge = NULL;
  gint64 later = sh_store_now () + YEAR_US;
  guint64 size = 99;

  memset (huge_data, 'x', SH_ARCHIVE_DOCUMENT_MAX + 1);
  huge = g_bytes_new_static (huge_data, SH_ARCHIVE_DOCUMENT_MAX + 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad_kinds); i++) {
    g_autoptr (GError) error = NULL;
    g_assert_null (sh_archive_append (f->store, f->org, bad_kinds[i], 0, doc, later, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  GBytes *bad_docs[] = { NULL, empty, not_utf8, huge };
  for (guint i = 0; i < G_N_ELEMENTS (bad_docs); i++) {
    g_autoptr (GError) error = NULL;
    g_assert_null (sh_archive_append (f->store, f->org, "x", 0, bad_docs[i], later, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (sh_archive_append (f->store, f->org, "x", 0, doc, sh_store_now () - 1, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (sh_archive_append (f->store, 4242, "x", 0, doc, later, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  /* Nothing of it got in. */
  g_assert_true (sh_archive_size (f->store, f->org, &size, NULL));
  g_assert_cmpuint (size, ==, 0);
}

/* The database itself refuses to rewrite or reorder the past. */
static void
test_append_only (Fixture *f, gconstpointer data)
{
  sqlite3 *db = sh_sqlite_db (f->store);
  g_autoptr (ShTreeHead) head = NULL;
  static const char *const refused[] = {
    "UPDATE archive_entries SET document = x'7b7d'", "DELETE FROM archive_entries",
    "UPDATE archive_tree_heads SET tree_size = 1",   "DELETE FROM archive_tree_heads",
    "UPDATE archive_keys SET added_at = 0",          "DELETE FROM archive_keys",
  };

  append_n (f, f->org, 3);
  head = sh_archive_sign_head (f->store, f->org, f->key, NULL);
  g_assert_nonnull (head);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_cmpint (sqlite3_exec (db, refused[i], NULL, NULL, NULL), !=, SQLITE_OK);
  /* Only at the end: not a gap, not an index taken. */
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO archive_entries VALUES (1, 5, 'x', NULL, x'7b7d',"
                                 " zeroblob(32), 0, 1)",
                                 NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO archive_entries VALUES (1, 1, 'x', NULL, x'7b7d',"
                                 " zeroblob(32), 0, 1)",
                                 NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_true (sh_archive_verify_log (f->store, f->org, NULL, NULL));
}

static void
test_heads_and_proofs (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShTreeHead) old_head = NULL;
  g_autoptr (ShTreeHead) new_head = NULL;
  g_autoptr (ShTreeHead) latest = NULL;
  g_autoptr (ShArchiveKey) pub = NULL;
  g_autoptr (GArray) consistency = NULL;

  latest = sh_archive_latest_head (f->store, f->org, &error);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  append_n (f, f->org, 5);
  old_head = sh_archive_sign_head (f->store, f->org, f->key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old_head->size, ==, 5);
  append_n (f, f->org, 8);
  append_n (f, f->other_org, 2);
  new_head = sh_archive_sign_head (f->store, f->org, f->key, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (new_head->size, ==, 13);
  g_assert_cmpint (new_head->timestamp, >, old_head->timestamp);
  latest = sh_archive_latest_head (f->store, f->org, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (latest, sizeof *latest, new_head, sizeof *new_head);

  /* A verifier with only the public key the store kept. */
  pub = sh_archive_get_key (f->store, &new_head->key_id, &error);
  g_assert_no_error (error);
  g_assert_false (sh_archive_key_has_private (pub));
  g_assert_true (sh_tree_head_verify (old_head, pub));
  g_assert_true (sh_tree_head_verify (new_head, pub));

  for (guint64 i = 0; i < 13; i++) {
    g_autoptr (ShArchiveEntry) e = sh_archive_get_entry (f->store, f->org, i, NULL);
    g_autoptr (GArray) proof = sh_archive_inclusion_proof (f->store, f->org, i, 13, &error);
    g_assert_no_error (error);
    g_assert_true (sh_merkle_verify_inclusion (
        &e->leaf_hash, i, 13, (const ShMerkleHash *) proof->data, proof->len, &new_head->root));
  }
  consistency = sh_archive_consistency_proof (f->store, f->org, 5, 13, &error);
  g_assert_no_error (error);
  g_assert_true (sh_merkle_verify_consistency (5, &old_head->root, 13, &new_head->root,
                                               (const ShMerkleHash *) consistency->data,
                                               consistency->len));

  /* Past the log's end. */
  g_assert_null (sh_archive_inclusion_proof (f->store, f->org, 0, 14, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_archive_inclusion_proof (f->store, f->org, 13, 13, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_archive_consistency_proof (f->store, f->org, 14, 13, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_archive_get_key (f->store, &new_head->root, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

/* A rotated key: heads signed before it still verify by the old key's id. */
static void
test_key_rotation (Fixture *f, gconstpointer data)
{
  g_autoptr (ShArchiveKey) next = sh_archive_key_generate (NULL);
  g_autoptr (ShTreeHead) before = NULL;
  g_autoptr (ShTreeHead) after = NULL;

  append_n (f, f->org, 2);
  before = sh_archive_sign_head (f->store, f->org, f->key, NULL);
  append_n (f, f->org, 1);
  after = sh_archive_sign_head (f->store, f->org, next, NULL);
  g_assert_nonnull (before);
  g_assert_nonnull (after);
  g_assert_true (memcmp (before->key_id.bytes, after->key_id.bytes, 32) != 0);
  g_assert_true (sh_archive_verify_log (f->store, f->org, NULL, NULL));
}

/* Someone with the database file drops the triggers and edits: the
 * verification names the first entry or head that no longer holds. */
static void
test_tampering_named (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShTreeHead) head = NULL;
  guint64 bad = 0;

  append_n (f, f->org, 6);
  head = sh_archive_sign_head (f->store, f->org, f->key, NULL);
  g_assert_true (sh_archive_verify_log (f->store, f->org, &bad, &error));
  g_assert_no_error (error);

  exec (f, "DROP TRIGGER archive_entries_no_update");
  exec (f, "UPDATE archive_entries SET document = CAST('{\"会议\":99}' AS BLOB)"
           " WHERE org_id = 1 AND leaf_index = 3");
  g_assert_false (sh_archive_verify_log (f->store, f->org, &bad, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (bad, ==, 3);
  g_assert_nonnull (strstr (error->message, "序号 3"));
  g_clear_error (&error);

  /* The hash rewritten with the document: the signed head no longer holds. */
  exec (f, "UPDATE archive_entries SET leaf_hash = (SELECT leaf_hash FROM archive_entries"
           " WHERE org_id = 1 AND leaf_index = 4) WHERE org_id = 1 AND leaf_index = 3");
  exec (f, "UPDATE archive_entries SET document = (SELECT document FROM archive_entries"
           " WHERE org_id = 1 AND leaf_index = 4) WHERE org_id = 1 AND leaf_index = 3");
  g_assert_false (sh_archive_verify_log (f->store, f->org, &bad, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (bad, ==, 6);
  g_clear_error (&error);
}

static void
test_deleted_entries_named (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShTreeHead) head = NULL;
  guint64 bad = 0;

  append_n (f, f->org, 4);
  head = sh_archive_sign_head (f->store, f->org, f->key, NULL);
  exec (f, "DROP TRIGGER archive_entries_no_delete");
  exec (f, "DELETE FROM archive_entries WHERE org_id = 1 AND leaf_index = 3");
  g_assert_false (sh_archive_verify_log (f->store, f->org, &bad, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (bad, ==, 4);
  g_assert_nonnull (strstr (error->message, "删除"));
}

static void
test_forged_head_named (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShTreeHead) head = NULL;
  guint64 bad = 0;

  append_n (f, f->org, 3);
  head = sh_archive_sign_head (f->store, f->org, f->key, NULL);
  exec (f, "DROP TRIGGER archive_tree_heads_no_update");
  exec (f, "UPDATE archive_tree_heads SET signature = zeroblob(64)");
  g_assert_false (sh_archive_verify_log (f->store, f->org, &bad, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpuint (bad, ==, 3);
  g_assert_nonnull (strstr (error->message, "签名无效"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/archive/append-in-order", test_append_in_order);
  ADD ("/archive/bad-input", test_bad_input);
  ADD ("/archive/append-only", test_append_only);
  ADD ("/archive/heads-and-proofs", test_heads_and_proofs);
  ADD ("/archive/key-rotation", test_key_rotation);
  ADD ("/archive/tampering-named", test_tampering_named);
  ADD ("/archive/deleted-entries-named", test_deleted_entries_named);
  ADD ("/archive/forged-head-named", test_forged_head_named);
#undef ADD
  return g_test_run ();
}
