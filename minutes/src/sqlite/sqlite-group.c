/* The SQLite backend, Party group area: the group_members table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-group.h"

static gboolean
insert (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO group_members (group_id, member_id, leader)"
                            " VALUES (?1, ?2, ?3)",
                            "加入党小组", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_int (stmt, 3, leader ? 1 : 0);
  return sh_sqlite_step_done (store, stmt, "加入党小组", error);
}

static gboolean
remove_member (ShStore *store, gint64 group_id, gint64 member_id, gboolean *removed, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM group_members WHERE group_id = ?1 AND member_id = ?2",
                            "退出党小组", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  if (!sh_sqlite_step_done (store, stmt, "退出党小组", error))
    return FALSE;
  *removed = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
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
in_other_group (ShStore *store, gint64 member_id, gint64 group_id, gboolean *found, GError **error)
{
  return exists (store,
                 "SELECT 1 FROM group_members WHERE member_id = ?1 AND group_id <> ?2 LIMIT 1",
                 member_id, group_id, "查找党小组", found, error);
}

static gboolean
has_other_leader (ShStore *store, gint64 group_id, gint64 member_id, gboolean *found,
                  GError **error)
{
  return exists (store,
                 "SELECT 1 FROM group_members WHERE group_id = ?1 AND leader"
                 " AND member_id <> ?2 LIMIT 1",
                 group_id, member_id, "查找组长", found, error);
}

static GPtrArray *
list (ShStore *store, gint64 group_id, GError **error)
{
  g_autoptr (GPtrArray) memberships = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT g.group_id, g.member_id, g.leader FROM group_members g"
                            " JOIN members m ON m.id = g.member_id WHERE g.group_id = ?1"
                            " ORDER BY g.leader DESC, m.name, m.id",
                            "列出党小组成员", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  memberships = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShGroupMembership *gm = g_new0 (ShGroupMembership, 1);

    gm->group_id = sqlite3_column_int64 (stmt, 0);
    gm->member_id = sqlite3_column_int64 (stmt, 1);
    gm->leader = sqlite3_column_int (stmt, 2) != 0;
    g_ptr_array_add (memberships, gm);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出党小组成员", error);
    return NULL;
  }
  return g_steal_pointer (&memberships);
}

const ShGroupStoreOps sh_sqlite_group_ops = {
  .insert = insert,
  .remove = remove_member,
  .in_other_group = in_other_group,
  .has_other_leader = has_other_leader,
  .list = list,
};
