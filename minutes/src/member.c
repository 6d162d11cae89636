/* Party members (党员) and their home branch.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

#include <stdlib.h>
#include <string.h>

/* Chinese names are short; the bound keeps typos and pasted paragraphs out
 * of rosters and printed minutes. */
#define MEMBER_NAME_MAX_CHARS 50
#define PHONE_DIGITS 11

static const char *const status_strings[] = { "full", "probationary" };

const char *
sh_member_status_to_string (ShMemberStatus s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (status_strings), NULL);
  return status_strings[s];
}

gboolean
sh_member_status_from_string (const char *s, ShMemberStatus *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (status_strings); i++) {
    if (strcmp (s, status_strings[i]) == 0) {
      *out = (ShMemberStatus) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_member_free (ShMember *member)
{
  if (!member)
    return;
  g_free (member->name);
  g_free (member->phone);
  g_free (member->joined_on);
  g_free (member);
}

ShMember *
sh_member_copy (const ShMember *member)
{
  ShMember *copy;

  g_return_val_if_fail (member != NULL, NULL);
  copy = g_memdup2 (member, sizeof *member);
  copy->name = g_strdup (member->name);
  copy->phone = g_strdup (member->phone);
  copy->joined_on = g_strdup (member->joined_on);
  return copy;
}

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

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, message);
  return FALSE;
}

/* Web forms send "" for a field left blank: that means "none". */
static const char *
blank_to_null (const char *s)
{
  return s && *s ? s : NULL;
}

static gboolean
phone_is_valid (const char *phone)
{
  if (strlen (phone) != PHONE_DIGITS || phone[0] != '1')
    return FALSE;
  for (int i = 0; i < PHONE_DIGITS; i++)
    if (!g_ascii_isdigit (phone[i]))
      return FALSE;
  return TRUE;
}

static gboolean
date_is_valid (const char *date)
{
  int year, month, day;

  if (strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (date[i]))
      return FALSE;
  year = atoi (date);
  month = atoi (date + 5);
  day = atoi (date + 8);
  return year >= 1 && g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* The branch a migrant takes part in is the host of their accepted visit
 * (visit.c): no member write sets it, so that nobody, the member's own
 * secretary included, grants access to a branch that did not accept them. */
#define CURRENT_BRANCH_BY_VISIT                                                                    \
  "参加其他支部的组织生活，须由该支部书记接受流动党员活动申请后生效，不能直接登记"

/* Checks that @branch_id names a 党支部. */
static gboolean
check_is_branch (ShStore *store, gint64 branch_id, const char *not_branch, GError **error)
{
  g_autoptr (ShOrg) org = sh_org_get (store, branch_id, error);

  if (!org)
    return FALSE;
  if (org->kind != SH_ORG_BRANCH)
    return invalid (error, not_branch);
  return TRUE;
}

static gboolean
validate (ShStore *store, const ShMember *m, GError **error)
{
  const char *phone = blank_to_null (m->phone);
  const char *joined_on = blank_to_null (m->joined_on);

  g_return_val_if_fail ((guint) m->status < G_N_ELEMENTS (status_strings), FALSE);

  if (!m->name)
    return invalid (error, "姓名不能为空");
  if (!sh_text_validate (m->name, "姓名", MEMBER_NAME_MAX_CHARS, SH_TEXT_LINE, error))
    return FALSE;
  if (phone && !phone_is_valid (phone))
    return invalid (error, "手机号格式不正确");
  if (joined_on && !date_is_valid (joined_on))
    return invalid (error, "入党日期格式不正确，应为“年-月-日”，如 2001-07-01");
  if (m->branch_id == 0)
    return invalid (error, "请选择所在党支部");
  if (!check_is_branch (store, m->branch_id, "党员的组织关系只能在党支部", error))
    return FALSE;
  if (m->current_branch_id != 0) {
    if (!m->migrant)
      return invalid (error, "该党员正在其他支部参加组织生活，请先结束该活动，再取消流动党员");
    if (m->current_branch_id == m->branch_id)
      return invalid (error, "流动党员参加活动的支部不能是组织关系所在支部");
    if (!check_is_branch (store, m->current_branch_id, "流动党员只能参加党支部的组织生活", error))
      return FALSE;
  }
  return TRUE;
}

/* The phone number is the members table's only unique column, so a
 * uniqueness conflict can be told to the user precisely. */
static gboolean
step_member_write (ShStore *store, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (sh_sqlite_step_done (store, stmt, purpose, &local_error))
    return TRUE;
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                         "该手机号已被其他党员使用");
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Binds the editable fields as parameters 2..9 (name trimmed, blanks as
 * NULL), shared by insert and update so both store the same thing. */
static void
bind_fields (sqlite3_stmt *stmt, const ShMember *m)
{
  g_autofree char *name = g_strstrip (g_strdup (m->name));

  sqlite3_bind_int64 (stmt, 2, m->branch_id);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 4, blank_to_null (m->phone));
  sqlite3_bind_text (stmt, 5, status_strings[m->status], -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, m->under_probation ? 1 : 0);
  sqlite3_bind_int (stmt, 7, m->migrant ? 1 : 0);
  sh_sqlite_bind_id_or_null (stmt, 8, m->current_branch_id);
  sh_sqlite_bind_text_or_null (stmt, 9, blank_to_null (m->joined_on));
}

/* A new member is always active, whatever @member->active says: "inactive"
 * means transferred out, which only an update can record. */
gint64
sh_member_create (ShStore *store, const ShMember *member, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 now;

  g_return_val_if_fail (store != NULL && member != NULL, 0);
  if (member->current_branch_id != 0) {
    invalid (error, CURRENT_BRANCH_BY_VISIT);
    return 0;
  }
  if (!validate (store, member, error))
    return 0;
  stmt
      = sh_sqlite_prepare (store,
                           "INSERT INTO members (branch_id, name, phone, status, under_probation,"
                           " migrant, current_branch_id, joined_on, active, created_at, updated_at)"
                           " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10)",
                           "保存党员", error);
  if (!stmt)
    return 0;
  bind_fields (stmt, member);
  now = sh_store_now ();
  sqlite3_bind_int64 (stmt, 10, now);
  if (!step_member_write (store, stmt, "保存党员", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static gboolean
run (ShStore *store, const char *sql, gint64 id, const char *purpose, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);

  if (!stmt)
    return FALSE;
  if (id)
    sqlite3_bind_int64 (stmt, 1, id);
  return sh_sqlite_step_done (store, stmt, purpose, error);
}

static gboolean
end_open_visits (ShStore *store, gint64 member_id, GError **error)
{
  static const char *const sql[] = {
    "INSERT INTO member_visit_log (visit_id, state, note, at)"
    " SELECT id, 'ended', '组织关系变动', ?2 FROM member_visits"
    " WHERE member_id = ?1 AND state IN ('pending','accepted')",
    "UPDATE member_visits SET state = 'ended', ended_at = ?2, end_note = '组织关系变动'"
    " WHERE member_id = ?1 AND state IN ('pending','accepted')",
  };
  gint64 now = sh_store_now ();

  for (gsize i = 0; i < G_N_ELEMENTS (sql); i++) {
    g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql[i], "结束流动党员活动", error);

    if (!stmt)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, member_id);
    sqlite3_bind_int64 (stmt, 2, now);
    if (!sh_sqlite_step_done (store, stmt, "结束流动党员活动", error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
update_rows (ShStore *store, const ShMember *member, gboolean leaves_branch, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  /* A visit was asked for, and accepted, from the branch the member leaves:
   * it ends with the membership there. */
  if (leaves_branch && !end_open_visits (store, member->id, error))
    return FALSE;
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
  sqlite3_bind_int64 (stmt, 11, sh_store_now ());
  if (!step_member_write (store, stmt, "修改党员", error))
    return FALSE;
  /* Posts and Party groups belong to a branch: a member who is transferred
   * out or moves to another branch no longer holds them there. */
  if (leaves_branch
      && (!run (store, "DELETE FROM committee_posts WHERE member_id = ?1", member->id,
                "解除原支部职务", error)
          || !run (store, "DELETE FROM group_members WHERE member_id = ?1", member->id,
                   "退出原党小组", error)))
    return FALSE;
  return TRUE;
}

gboolean
sh_member_update (ShStore *store, const ShMember *member, GError **error)
{
  g_autoptr (ShMember) old = NULL;
  g_autoptr (ShMember) checked = NULL;
  gboolean leaves_branch;

  g_return_val_if_fail (store != NULL && member != NULL, FALSE);
  old = sh_member_get (store, member->id, error);
  if (!old)
    return FALSE;
  leaves_branch = old->branch_id != member->branch_id || (old->active && !member->active);
  if (member->current_branch_id != old->current_branch_id && !leaves_branch)
    return invalid (error, CURRENT_BRANCH_BY_VISIT);
  /* Leaving ends the visit: the current branch is cleared with it. */
  checked = sh_member_copy (member);
  if (leaves_branch)
    checked->current_branch_id = 0;
  if (!validate (store, checked, error))
    return FALSE;
  /* A savepoint, not BEGIN, so that the update also works inside a caller's
   * transaction (an import, say). */
  if (!run (store, "SAVEPOINT member_update", 0, "修改党员", error))
    return FALSE;
  if (!update_rows (store, checked, leaves_branch, error)) {
    run (store, "ROLLBACK TO member_update", 0, "修改党员", NULL);
    run (store, "RELEASE member_update", 0, "修改党员", NULL);
    return FALSE;
  }
  return run (store, "RELEASE member_update", 0, "修改党员", error);
}

ShMember *
sh_member_get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
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

GPtrArray *
sh_member_list (ShStore *store, gint64 branch_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return list_members (store,
                       "SELECT " MEMBER_COLUMNS " FROM members m"
                       " WHERE m.branch_id = ?1 AND m.active ORDER BY m.name, m.id",
                       branch_id, error);
}

GPtrArray *
sh_member_list_visiting (ShStore *store, gint64 branch_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return list_members (store,
                       "SELECT " MEMBER_COLUMNS " FROM members m"
                       " WHERE m.current_branch_id = ?1 AND m.branch_id <> ?1 AND m.migrant"
                       " AND m.active ORDER BY m.name, m.id",
                       branch_id, error);
}
