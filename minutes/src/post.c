/* Branch posts: the secretary, the deputy and the committee members.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-post.h"
#include "store-private.h"

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
check_assignment (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  g_autoptr (ShOrg) branch = NULL;
  g_autoptr (ShMember) member = NULL;
  gboolean taken = FALSE;

  branch = sh_org_get (store, branch_id, error);
  if (!branch)
    return FALSE;
  if (branch->kind != SH_ORG_BRANCH)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, "支部职务只能在党支部任命");
  member = sh_member_get (store, member_id, error);
  if (!member)
    return FALSE;
  if (!member->active || member->branch_id != branch_id)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, "该党员的组织关系不在本支部");
  /* 党章: probationary members, and members under 留党察看, have no right
   * to be elected, so they cannot hold a branch post. */
  if (member->status != SH_MEMBER_FULL)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, "预备党员不能担任支部职务");
  if (member->under_probation)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, "留党察看期间不能担任支部职务");
  if (post != SH_POST_SECRETARY && post != SH_POST_DEPUTY_SECRETARY
      && !sh_rules_branch_has_committee_in_store (store, branch_id))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID,
                            "正式党员不足7人的支部不设支部委员会，只能设书记、副书记");
  if (post == SH_POST_SECRETARY) {
    if (!sh_store_ops (store, post)
             ->has_other_secretary (store, branch_id, member_id, &taken, error))
      return FALSE;
    if (taken)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "本支部已有书记，请先免去原书记");
  }
  return TRUE;
}

gboolean
sh_post_assign (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_strings), FALSE);

  if (!check_assignment (store, branch_id, member_id, post, error))
    return FALSE;
  if (sh_store_ops (store, post)
          ->insert (store, branch_id, member_id, post, sh_store_now (), &local_error))
    return TRUE;
  /* The key is (branch, member, post): a conflict is a repeated assignment. */
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已担任此职务");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
sh_post_remove (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, GError **error)
{
  gboolean removed = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail ((guint) post < G_N_ELEMENTS (post_strings), FALSE);

  if (!sh_store_ops (store, post)->remove (store, branch_id, member_id, post, &removed, error))
    return FALSE;
  if (!removed)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该党员未担任此职务");
  return TRUE;
}

GPtrArray *
sh_post_list (ShStore *store, gint64 branch_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, post)->list (store, branch_id, error);
}
