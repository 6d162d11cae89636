/* Party group (党小组) membership and leaders.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

static gboolean
fail (GError **error, ShMinutesError code, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, (gint) code, message);
  return FALSE;
}

/* Runs a "SELECT 1 ... LIMIT 1" with two id parameters. */
static gboolean
exists (ShStore *store, const char *sql, gint64 a, gint64 b, const char *purpose, gboolean *found,
        GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);
  int rc;

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, purpose, error);
    return FALSE;
  }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
check_membership (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                  GError **error)
{
  g_autoptr (ShOrg) group = NULL;
  g_autoptr (ShMember) member = NULL;
  gboolean found = FALSE;

  group = sh_org_get (store, group_id, error);
  if (!group)
    return FALSE;
  if (group->kind != SH_ORG_GROUP)
    return fail (error, SH_MINUTES_ERROR_INVALID, "该组织不是党小组");
  member = sh_member_get (store, member_id, error);
  if (!member)
    return FALSE;
  /* A visiting migrant takes part in a group's meetings as a guest but is
   * not one of its members: those come from the branch's own roster. */
  if (!member->active || member->branch_id != group->parent_id)
    return fail (error, SH_MINUTES_ERROR_INVALID, "该党员的组织关系不在本党小组所在支部");
  /* Every member is placed in one Party group of the branch, so that each
   * is expected at exactly one group meeting a month. */
  if (!exists (store, "SELECT 1 FROM group_members WHERE member_id = ?1 AND group_id <> ?2 LIMIT 1",
               member_id, group_id, "查找党小组", &found, error))
    return FALSE;
  if (found)
    return fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已编入其他党小组");
  if (leader) {
    if (!exists (store,
                 "SELECT 1 FROM group_members WHERE group_id = ?1 AND leader"
                 " AND member_id <> ?2 LIMIT 1",
                 group_id, member_id, "查找组长", &found, error))
      return FALSE;
    if (found)
      return fail (error, SH_MINUTES_ERROR_CONFLICT, "本党小组已有组长");
  }
  return TRUE;
}

gboolean
sh_group_add_member (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_membership (store, group_id, member_id, leader, error))
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO group_members (group_id, member_id, leader)"
                            " VALUES (?1, ?2, ?3)",
                            "加入党小组", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_int (stmt, 3, leader ? 1 : 0);
  if (sh_sqlite_step_done (store, stmt, "加入党小组", &local_error))
    return TRUE;
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已在本党小组");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
sh_group_remove_member (ShStore *store, gint64 group_id, gint64 member_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
                            "退出党小组", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  if (!sh_sqlite_step_done (store, stmt, "退出党小组", error))
    return FALSE;
  if (sqlite3_changes (sh_sqlite_db (store)) == 0)
    return fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该党员不在本党小组");
  return TRUE;
}

GPtrArray *
sh_group_list_members (ShStore *store, gint64 group_id, GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  /* The leader first, then by name, as the group's roster is printed. */
  stmt = sh_sqlite_prepare (store,
                            "SELECT g.group_id, g.member_id, g.leader FROM group_members g"
                            " JOIN members m ON m.id = g.member_id WHERE g.group_id = ?1"
                            " ORDER BY g.leader DESC, m.name, m.id",
                            "列出党小组成员", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  list = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShGroupMembership *gm = g_new0 (ShGroupMembership, 1);

    gm->group_id = sqlite3_column_int64 (stmt, 0);
    gm->member_id = sqlite3_column_int64 (stmt, 1);
    gm->leader = sqlite3_column_int (stmt, 2) != 0;
    g_ptr_array_add (list, gm);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出党小组成员", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}
