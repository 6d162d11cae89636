/* The SQLite backend, branch post area: the committee_posts table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-post.h"

static gboolean
insert (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, gint64 since,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO committee_posts (branch_id, member_id, post, since)"
                            " VALUES (?1, ?2, ?3, ?4)",
                            "任命职务", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, sh_post_to_string (post), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, since);
  return sh_sqlite_step_done (store, stmt, "任命职务", error);
}

static gboolean
remove_post (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, gboolean *removed,
             GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM committee_posts"
                            " WHERE branch_id = ?1 AND member_id = ?2 AND post = ?3",
                            "免去职务", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, sh_post_to_string (post), -1, SQLITE_STATIC);
  if (!sh_sqlite_step_done (store, stmt, "免去职务", error))
    return FALSE;
  *removed = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
has_other_secretary (ShStore *store, gint64 branch_id, gint64 member_id, gboolean *found,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT 1 FROM committee_posts WHERE branch_id = ?1"
                            " AND post = 'secretary' AND member_id <> ?2 LIMIT 1",
                            "查找书记", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "查找书记", error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

static GPtrArray *
list (ShStore *store, gint64 branch_id, GError **error)
{
  g_autoptr (GPtrArray) holders = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT p.branch_id, p.member_id, p.post FROM committee_posts p"
                            " JOIN members m ON m.id = p.member_id WHERE p.branch_id = ?1"
                            " ORDER BY CASE p.post WHEN 'secretary' THEN 0"
                            " WHEN 'deputy_secretary' THEN 1 WHEN 'organization' THEN 2"
                            " WHEN 'propaganda' THEN 3 WHEN 'discipline' THEN 4 ELSE 5 END,"
                            " m.name, m.id",
                            "列出支部职务", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  holders = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autofree ShPostHolder *h = g_new0 (ShPostHolder, 1);

    h->branch_id = sqlite3_column_int64 (stmt, 0);
    h->member_id = sqlite3_column_int64 (stmt, 1);
    if (!sh_post_from_string ((const char *) sqlite3_column_text (stmt, 2), &h->post)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                   "a post of member %" G_GINT64_FORMAT " is unknown", h->member_id);
      return NULL;
    }
    g_ptr_array_add (holders, g_steal_pointer (&h));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出支部职务", error);
    return NULL;
  }
  return g_steal_pointer (&holders);
}

const ShPostStoreOps sh_sqlite_post_ops = {
  .insert = insert,
  .remove = remove_post,
  .has_other_secretary = has_other_secretary,
  .list = list,
};
