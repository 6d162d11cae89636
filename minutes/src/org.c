/* Organizations: the tree of 党委, 党总支, 党支部 and 党小组.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

/* Organization names are printed on minutes and reports; the schema allows
 * this many characters. */
#define ORG_NAME_MAX_CHARS 200
/* The 主题党日 is a fixed day of every month, so it must exist in February. */
#define THEMED_DAY_MAX 28
/* Real trees are a few levels deep; the bound only stops a corrupted file
 * with a parent cycle from looping forever. */
#define ORG_MAX_DEPTH 64

static const char *const kind_strings[] = { "committee", "general_branch", "branch", "group" };
static const char *const kind_labels[] = { "党委", "党总支", "党支部", "党小组" };

const char *
sh_org_kind_to_string (ShOrgKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), NULL);
  return kind_strings[kind];
}

gboolean
sh_org_kind_from_string (const char *s, ShOrgKind *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (kind_strings); i++) {
    if (strcmp (s, kind_strings[i]) == 0) {
      *out = (ShOrgKind) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_org_kind_label (ShOrgKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_labels), NULL);
  return kind_labels[kind];
}

void
sh_org_free (ShOrg *org)
{
  if (!org)
    return;
  g_free (org->name);
  g_free (org);
}

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

static gboolean
validate_name (const char *name, GError **error)
{
  return sh_text_validate (name, "组织名称", ORG_NAME_MAX_CHARS, SH_TEXT_LINE, error);
}

/* The shape of the Party's organization tree: which kind may sit under
 * which. A parent of 0 means a root. */
static gboolean
check_placement (ShOrgKind kind, const ShOrg *parent, GError **error)
{
  const char *message = NULL;

  switch (kind) {
    case SH_ORG_GROUP:
      if (!parent || parent->kind != SH_ORG_BRANCH)
        message = "党小组只能设在党支部之下";
      break;
    case SH_ORG_BRANCH:
      if (parent && parent->kind != SH_ORG_COMMITTEE && parent->kind != SH_ORG_GENERAL_BRANCH)
        message = "党支部只能设在党委或党总支之下";
      break;
    case SH_ORG_GENERAL_BRANCH:
      if (parent && parent->kind != SH_ORG_COMMITTEE)
        message = "党总支只能设在党委之下";
      break;
    case SH_ORG_COMMITTEE:
      if (parent && parent->kind != SH_ORG_COMMITTEE)
        message = "党委只能设在上级党委之下";
      break;
  }
  if (message) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
    return FALSE;
  }
  return TRUE;
}

gint64
sh_org_create (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name, GError **error)
{
  g_autoptr (ShOrg) parent = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), 0);

  if (!validate_name (name, error))
    return 0;
  if (parent_id != 0) {
    parent = sh_org_get (store, parent_id, error);
    if (!parent) {
      g_prefix_error (error, "上级组织：");
      return 0;
    }
  }
  if (!check_placement (kind, parent, error))
    return 0;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO organizations (parent_id, kind, name, created_at)"
                            " VALUES (?1, ?2, ?3, ?4)",
                            "保存组织", error);
  if (!stmt)
    return 0;
  trimmed = g_strstrip (g_strdup (name));
  sh_sqlite_bind_id_or_null (stmt, 1, parent_id);
  sqlite3_bind_text (stmt, 2, kind_strings[kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, sh_store_now ());
  if (!sh_sqlite_step_done (store, stmt, "保存组织", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

gboolean
sh_org_update (ShStore *store, const ShOrg *org, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (store != NULL && org != NULL, FALSE);

  if (!validate_name (org->name, error))
    return FALSE;
  if (org->themed_day < 0 || org->themed_day > THEMED_DAY_MAX) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "主题党日须为每月1日至%d日",
                 THEMED_DAY_MAX);
    return FALSE;
  }
  /* Kind and parent are fixed at creation: moving a branch would silently
   * change who inspects its past meetings. */
  stmt = sh_sqlite_prepare (store,
                            "UPDATE organizations SET name = ?2, themed_day = ?3,"
                            " online_votes_approved = ?4 WHERE id = ?1",
                            "修改组织", error);
  if (!stmt)
    return FALSE;
  trimmed = g_strstrip (g_strdup (org->name));
  sqlite3_bind_int64 (stmt, 1, org->id);
  sqlite3_bind_text (stmt, 2, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, org->themed_day);
  sqlite3_bind_int (stmt, 4, org->online_votes_approved ? 1 : 0);
  if (!sh_sqlite_step_done (store, stmt, "修改组织", error))
    return FALSE;
  if (sqlite3_changes (sh_sqlite_db (store)) == 0) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "未找到该组织");
    return FALSE;
  }
  return TRUE;
}

ShOrg *
sh_org_get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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

GPtrArray *
sh_org_list_subtree (ShStore *store, gint64 root_id, GError **error)
{
  g_autoptr (GPtrArray) orgs = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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
  sqlite3_bind_int (stmt, 2, ORG_MAX_DEPTH);
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
  if (root_id != 0 && orgs->len == 0) {
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "未找到该组织");
    return NULL;
  }
  return g_steal_pointer (&orgs);
}

/* Used for permission checks, so a database failure answers "no" (and is
 * logged) rather than granting access. An ancestor of 0 is not an
 * organization: nothing lies within it. */
gboolean
sh_org_is_within (ShStore *store, gint64 org_id, gint64 ancestor_id)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, FALSE);
  if (org_id == 0 || ancestor_id == 0)
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "WITH RECURSIVE up (id, depth) AS ("
                            "  SELECT id, 0 FROM organizations WHERE id = ?1"
                            "  UNION ALL"
                            "  SELECT o.parent_id, up.depth + 1"
                            "    FROM organizations o JOIN up ON o.id = up.id"
                            "   WHERE o.parent_id IS NOT NULL AND up.depth < ?3)"
                            " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
                            "检查组织归属", &error);
  if (!stmt) {
    g_warning ("%s", error->message);
    return FALSE;
  }
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, ancestor_id);
  sqlite3_bind_int (stmt, 3, ORG_MAX_DEPTH);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "检查组织归属", &error);
    g_warning ("%s", error->message);
  }
  return FALSE;
}

gint64
sh_org_branch_of (ShStore *store, gint64 org_id)
{
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (store != NULL, 0);
  if (org_id == 0)
    return 0;
  org = sh_org_get (store, org_id, &error);
  if (!org) {
    if (!g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      g_warning ("%s", error->message);
    return 0;
  }
  switch (org->kind) {
    case SH_ORG_BRANCH:
      return org->id;
    case SH_ORG_GROUP:
      return org->parent_id;
    case SH_ORG_COMMITTEE:
    case SH_ORG_GENERAL_BRANCH:
      break;
  }
  return 0;
}
