/* Party group (党小组) membership and leaders.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-group.h"
#include "store-private.h"

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
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, "该组织不是党小组");
  member = sh_member_get (store, member_id, error);
  if (!member)
    return FALSE;
  /* A visiting migrant takes part in a group's meetings as a guest but is
   * not one of its members: those come from the branch's own roster. */
  if (!member->active || member->branch_id != group->parent_id)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID,
                            "该党员的组织关系不在本党小组所在支部");
  /* Every member is placed in one Party group of the branch, so that each
   * is expected at exactly one group meeting a month. */
  if (!sh_store_ops (store, group)->in_other_group (store, member_id, group_id, &found, error))
    return FALSE;
  if (found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已编入其他党小组");
  if (leader) {
    if (!sh_store_ops (store, group)->has_other_leader (store, group_id, member_id, &found, error))
      return FALSE;
    if (found)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "本党小组已有组长");
  }
  return TRUE;
}

gboolean
sh_group_add_member (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                     GError **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!check_membership (store, group_id, member_id, leader, error))
    return FALSE;
  if (sh_store_ops (store, group)->insert (store, group_id, member_id, leader, &local_error))
    return TRUE;
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该党员已在本党小组");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
sh_group_remove_member (ShStore *store, gint64 group_id, gint64 member_id, GError **error)
{
  gboolean removed = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!sh_store_ops (store, group)->remove (store, group_id, member_id, &removed, error))
    return FALSE;
  if (!removed)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该党员不在本党小组");
  return TRUE;
}

/* The leader first, then by name, as the group's roster is printed. */
GPtrArray *
sh_group_list_members (ShStore *store, gint64 group_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, group)->list (store, group_id, error);
}
