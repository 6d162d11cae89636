/* The SQLite backend, member area: the members table, and what a member's
 * move to another branch ends in member_visits, committee_posts and
 * group_members. SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-member.h"

#define MEMBER_COLUMNS                                                                             \
  "m.id, m.branch_id, m.name, m.phone, m.status, m.under_probation, m.migrant,"                    \
  " m.current_branch_id, m.joined_on, m.active"

/* Reads a row selected with MEMBER_COLUMNS. Returns: (transfer full). */
static ShMember *
member_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShMember) member = g_new0 (ShMember, 1);

  member->id = sqlite3_column_int64 (stmt, 0);
  member->branch_id = sqlite3_column_int64 (stmt, 1);
  member->name = sh_sqlite_column_text (stmt, 2);
  member->phone = sh_sqlite_column_text (stmt, 3);
  if (!sh_member_status_from_string ((const char *) sqlite3_column_text (stmt, 4),
                                     &member->status)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "member %" G_GINT64_FORMAT " has an unknown status", member->id);
    return NULL;
  }
  member->under_probation = sqlite3_column_int (stmt, 5) != 0;
  member->migrant = sqlite3_column_int (stmt, 6) != 0;
  member->current_branch_id = sqlite3_column_int64 (stmt, 7);
  member->joined_on = sh_sqlite_column_text (stmt, 8);
  member->active = sqlite3_column_int (stmt, 9) != 0;
  return g_steal_pointer (&member);
}

/* Binds the editable fields as parameters 2..9, shared by insert and
 * update so both store the same thing. */
static void
bind_fields (sqlite3_stmt *stmt, const ShMember *m)
{
  sqlite3_bind_int64 (stmt, 2, m->branch_id);
  sqlite3_bind_text (stmt, 3, m->name, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 4, m->phone);
  sqlite3_bind_text (stmt, 5, sh_member_status_to_string (m->status), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, m->under_probation ? 1 : 0);
  sqlite3_bind_int (stmt, 7, m->migrant ? 1 : 0);
  sh_sqlite_bind_id_or_null (stmt, 8, m->current_branch_id);
  sh_sqlite_bind_text_or_null (stmt, 9, m->joined_on);
}

static gint64
insert (ShStore *store, const ShMember *member, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt
      = sh_sqlite_prepare (store,
                           "INSERT INTO members (branch_id, name, phone, status, under_probation,"
                           " migrant, current_branch_id, joined_on, active, created_at, updated_at)"
                           " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10)",
                           "保存党员", error);
  if (!stmt)
    return 0;
  bind_fields (stmt, member);
  sqlite3_bind_int64 (stmt, 10, now);
  if (!sh_sqlite_step_done (store, stmt, "保存党员", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
update (ShStore *store, const ShMember *member, gint64 now, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE members SET branch_id = ?2, name = ?3, phone = ?4, status = ?5,"
                            " under_probation = ?6, migrant = ?7, current_branch_id = ?8,"
                            " joined_on = ?9, active = ?10, updated_at = ?11 WHERE id = ?1",
                            "修改党员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, member->id);
  bind_fields (stmt, member);
  sqlite3_bind_int (stmt, 10, member->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 11, now);
  return sh_sqlite_step_done (store, stmt, "修改党员", error);
}

static gboolean
end_open_visits (ShStore *store, gint64 member_id, const char *note, gint64 now, GError **error)
{
  static const char *const sql[] = {
    "INSERT INTO member_visit_log (visit_id, state, note, at)"
    " SELECT id, 'ended', ?3, ?2 FROM member_visits"
    " WHERE member_id = ?1 AND state IN ('pending','accepted')",
    "UPDATE member_visits SET state = 'ended', ended_at = ?2, end_note = ?3"
    " WHERE member_id = ?1 AND state IN ('pending','accepted')",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sql); i++) {
    g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql[i], "结束流动党员活动", error);

    if (!stmt)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, member_id);
    sqlite3_bind_int64 (stmt, 2, now);
    sqlite3_bind_text (stmt, 3, note, -1, SQLITE_TRANSIENT);
    if (!sh_sqlite_step_done (store, stmt, "结束流动党员活动", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
run_for_member (ShStore *store, const char *sql, gint64 member_id, const char *purpose,
                GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, member_id);
  return sh_sqlite_step_done (store, stmt, purpose, error);
}

static gboolean
drop_posts_and_groups (ShStore *store, gint64 member_id, GError **error)
{
  return run_for_member (store, "DELETE FROM committee_posts WHERE member_id = ?1", member_id,
                         "解除原支部职务", error)
         && run_for_member (store, "DELETE FROM group_members WHERE member_id = ?1", member_id,
                            "退出原党小组", error);
}

static ShMember *
get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " MEMBER_COLUMNS " FROM members m WHERE m.id = ?1",
                            "读取党员", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return member_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND, "未找到该党员");
  else
    sh_sqlite_set_error (store, "读取党员", error);
  return NULL;
}

static GPtrArray *
list_members (ShStore *store, const char *sql, gint64 branch_id, GError **error)
{
  g_autoptr (GPtrArray) members = NULL;
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, "列出党员", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  members = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMember *member = member_from_row (stmt, error);

    if (!member)
      return NULL;
    g_ptr_array_add (members, member);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出党员", error);
    return NULL;
  }
  return g_steal_pointer (&members);
}

static GPtrArray *
list (ShStore *store, gint64 branch_id, GError **error)
{
  return list_members (store,
                       "SELECT " MEMBER_COLUMNS " FROM members m"
                       " WHERE m.branch_id = ?1 AND m.active ORDER BY m.name, m.id",
                       branch_id, error);
}

static GPtrArray *
list_visiting (ShStore *store, gint64 branch_id, GError **error)
{
  return list_members (store,
                       "SELECT " MEMBER_COLUMNS " FROM members m"
                       " WHERE m.current_branch_id = ?1 AND m.branch_id <> ?1 AND m.migrant"
                       " AND m.active ORDER BY m.name, m.id",
                       branch_id, error);
}

static gboolean
count_full (ShStore *store, gint64 branch_id, guint *count, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "SELECT count(*) FROM members"
                            " WHERE branch_id = ?1 AND status = 'full' AND active",
                            "统计正式党员", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  if (sqlite3_step (stmt) != SQLITE_ROW) {
    sh_sqlite_set_error (store, "统计正式党员", error);
    return FALSE;
  }
  *count = (guint) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
phone_taken (ShStore *store, const char *phone, gboolean *taken, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT 1 FROM members WHERE phone = ?", "核对手机号", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, phone, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "核对手机号", error);
    return FALSE;
  }
  *taken = rc == SQLITE_ROW;
  return TRUE;
}

const ShMemberStoreOps sh_sqlite_member_ops = {
  .insert = insert,
  .update = update,
  .end_open_visits = end_open_visits,
  .drop_posts_and_groups = drop_posts_and_groups,
  .get = get,
  .list = list,
  .list_visiting = list_visiting,
  .count_full = count_full,
  .phone_taken = phone_taken,
};
