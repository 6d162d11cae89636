/* Branch posts: the secretary, the deputy and the committee members.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

#include <string.h>

static const char *const post_strings[] = {
  "secretary", "deputy_secretary", "organization", "propaganda", "discipline", "committee_member",
};
static const char *const post_labels[] = {
  "书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员",
};

const char *
sh_post_to_string (ShPost post)
{
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_strings), NULL);
  return post_strings[post];
}

gboolean
sh_post_from_string (const char *s, ShPost *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (post_strings); i++) {
    if (strcmp (s, post_strings[i]) == 0) {
      *out = (ShPost) i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *
sh_post_label (ShPost post)
{
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_labels), NULL);
  return post_labels[post];
}

static gboolean
fail (GError **error, ShMinutesError code, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, (gint) code, message);
  return FALSE;
}

/* Whether some other member already holds the branch's one secretary post. */
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

static gboolean
check_assignment (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  g_autoptr (ShOrg) branch = NULL;
  g_autoptr (ShMember) member = NULL;
  gboolean taken = FALSE;

  branch = sh_org_get (store, branch_id, error);
  if (!branch)
    return FALSE;
  if (branch->kind != SH_ORG_BRANCH)
    return fail (error, SH_MINUTES_ERROR_INVALID, "支部职务只能在党支部任命");
  member = sh_member_get (store, member_id, error);
  if (!member)
    return FALSE;
  if (!member->active || member->branch_id != branch_id)
    return fail (error, SH_MINUTES_ERROR_INVALID, "该党员的组织关系不在本支部");
  /* 党章: probationary members, and members under 留党察看, have no right
   * to be elected, so they cannot hold a branch post. */
  if (member->status != SH_MEMBER_FULL)
    return fail (error, SH_MINUTES_ERROR_INVALID, "预备党员不能担任支部职务");
  if (member->under_probation)
    return fail (error, SH_MINUTES_ERROR_INVALID, "留党察看期间不能担任支部职务");
  if (post != SH_POST_SECRETARY && post != SH_POST_DEPUTY_SECRETARY
      && !sh_rules_branch_has_committee_in_store (store, branch_id))
    return fail (error, SH_MINUTES_ERROR_INVALID,
                 "正式党员不足7人的支部不设支部委员会，只能设书记、副书记");
  if (post == SH_POST_SECRETARY) {
    if (!has_other_secretary (store, branch_id, member_id, &taken, error))
      return FALSE;
    if (taken)
      return fail (error, SH_MINUTES_ERROR_CONFLICT, "本支部已有书记，请先免去原书记");
  }
  return TRUE;
}

gboolean
sh_post_assign (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_strings), FALSE);

  if (!check_assignment (store, branch_id, member_id, post, error))
    return FALSE;
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO committee_posts (branch_id, member_id, post, since)"
                            " VALUES (?1, ?2, ?3, ?4)",
                            "任命职务", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, post_strings[post], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, sh_store_now ());
  if (sh_sqlite_step_done (store, stmt, "任命职务", &local_error))
    return TRUE;
  /* The key is (branch, member, post): a conflict is a repeated assignment. */
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已担任此职务");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
sh_post_remove (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_strings), FALSE);

  stmt = sh_sqlite_prepare (store,
                            "DELETE FROM committee_posts"
                            " WHERE branch_id = ?1 AND member_id = ?2 AND post = ?3",
                            "免去职务", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, branch_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, post_strings[post], -1, SQLITE_STATIC);
  if (!sh_sqlite_step_done (store, stmt, "免去职务", error))
    return FALSE;
  if (sqlite3_changes (sh_sqlite_db (store)) == 0)
    return fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该党员未担任此职务");
  return TRUE;
}

GPtrArray *
sh_post_list (ShStore *store, gint64 branch_id, GError **error)
{
  g_autoptr (GPtrArray) holders = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  /* In the order a roster prints them: secretary, deputy, the committee
   * posts, then by name. */
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
