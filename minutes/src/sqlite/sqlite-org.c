/* The SQLite backend, organization area: the organizations table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-org.h"

#define ORG_COLUMNS "o.id, o.parent_id, o.kind, o.name, o.themed_day, o.online_votes_approved"

/* Reads a row selected with ORG_COLUMNS. Returns: (transfer full). */
static ShOrg *
org_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShOrg) org = g_new0 (ShOrg, 1);

  org->id = sqlite3_column_int64 (stmt, 0);
  org->parent_id = sqlite3_column_int64 (stmt, 1);
  if (!sh_org_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &org->kind)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "organization %" G_GINT64_FORMAT " has an unknown kind", org->id);
    return NULL;
  }
  org->name = sh_sqlite_column_text (stmt, 3);
  org->themed_day = sqlite3_column_int (stmt, 4);
  org->online_votes_approved = sqlite3_column_int (stmt, 5) != 0;
  return g_steal_pointer (&org);
}

static gint64
insert (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name, gint64 created_at,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO organizations (parent_id, kind, name, created_at)"
                            " VALUES (?1, ?2, ?3, ?4)",
                            "保存组织", error);
  if (!stmt)
    return 0;
  sh_sqlite_bind_id_or_null (stmt, 1, parent_id);
  sqlite3_bind_text (stmt, 2, sh_org_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, created_at);
  if (!sh_sqlite_step_done (store, stmt, "保存组织", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
update (ShStore *store, const ShOrg *org, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE organizations SET name = ?2, themed_day = ?3,"
                            " online_votes_approved = ?4 WHERE id = ?1",
                            "修改组织", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org->id);
  sqlite3_bind_text (stmt, 2, org->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, org->themed_day);
  sqlite3_bind_int (stmt, 4, org->online_votes_approved ? 1 : 0);
  if (!sh_sqlite_step_done (store, stmt, "修改组织", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static ShOrg *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " ORG_COLUMNS " FROM organizations o WHERE o.id = ?1",
                            "读取组织", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return org_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "未找到该组织");
  else
    sh_sqlite_set_error (store, "读取组织", error);
  return NULL;
}

static GPtrArray *
list_subtree (ShStore *store, gint64 root_id, int max_depth, GError **error)
{
  g_autoptr (GPtrArray) orgs = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  /* Each row carries the path of zero-padded ids from its root, so sorting
   * by path lists the tree depth-first: every parent right before its
   * children, siblings in creation order, as a tree view shows them. */
  stmt = sh_sqlite_prepare (store,
                            "WITH RECURSIVE sub (id, path, depth) AS ("
                            "  SELECT id, printf('%020d', id), 0 FROM organizations"
                            "   WHERE (?1 = 0 AND parent_id IS NULL) OR (?1 <> 0 AND id = ?1)"
                            "  UNION ALL"
                            "  SELECT c.id, sub.path || '/' || printf('%020d', c.id), sub.depth + 1"
                            "    FROM organizations c JOIN sub ON c.parent_id = sub.id"
                            "   WHERE sub.depth < ?2)"
                            " SELECT " ORG_COLUMNS
                            " FROM sub JOIN organizations o ON o.id = sub.id ORDER BY sub.path",
                            "列出组织", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, root_id);
  sqlite3_bind_int (stmt, 2, max_depth);
  orgs = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_org_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShOrg *org = org_from_row (stmt, error);

    if (!org)
      return NULL;
    g_ptr_array_add (orgs, org);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出组织", error);
    return NULL;
  }
  return g_steal_pointer (&orgs);
}

static gboolean
is_within (ShStore *store, gint64 org_id, gint64 ancestor_id, int max_depth, gboolean *within,
           GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "WITH RECURSIVE up (id, depth) AS ("
                            "  SELECT id, 0 FROM organizations WHERE id = ?1"
                            "  UNION ALL"
                            "  SELECT o.parent_id, up.depth + 1"
                            "    FROM organizations o JOIN up ON o.id = up.id"
                            "   WHERE o.parent_id IS NOT NULL AND up.depth < ?3)"
                            " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
                            "检查组织归属", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, ancestor_id);
  sqlite3_bind_int (stmt, 3, max_depth);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "检查组织归属", error);
    return FALSE;
  }
  *within = rc == SQLITE_ROW;
  return TRUE;
}

const ShOrgStoreOps sh_sqlite_org_ops = {
  .insert = insert,
  .update = update,
  .get = get,
  .list_subtree = list_subtree,
  .is_within = is_within,
};
