/* SPDX-License-Identifier: Apache-2.0 */
#include "authz.h"

gboolean
sh_authz_is_admin (GArray *roles)
{
  for (guint i = 0; roles && i < roles->len; i++)
    if (g_array_index (roles, ShRoleGrant, i).role == SH_ROLE_ADMIN)
      return TRUE;
  return FALSE;
}

static gboolean
has_grant_on (GArray *roles, ShRole role, gint64 org_id)
{
  for (guint i = 0; roles && i < roles->len && org_id; i++) {
    const ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    if (g->role == role && g->org_id == org_id)
      return TRUE;
  }
  return FALSE;
}

static gboolean
is_inspector_over (ShStore *store, GArray *roles, gint64 org_id)
{
  for (guint i = 0; roles && i < roles->len; i++) {
    const ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    if (g->role == SH_ROLE_INSPECTOR && sh_org_is_within (store, org_id, g->org_id))
      return TRUE;
  }
  return FALSE;
}

gboolean
sh_authz_check (ShStore *store, GArray *roles, ShPermission perm, gint64 org_id)
{
  gint64 branch;

  if (!roles || roles->len == 0)
    return FALSE;
  if (sh_authz_is_admin (roles))
    return TRUE;
  if (perm == SH_PERM_ADMIN || org_id <= 0)
    return FALSE;
  branch = sh_org_branch_of (store, org_id);
  switch (perm) {
    case SH_PERM_READ_ORG:
      return is_inspector_over (store, roles, org_id)
             || has_grant_on (roles, SH_ROLE_SECRETARY, branch)
             || has_grant_on (roles, SH_ROLE_MEMBER, branch);
    case SH_PERM_READ_ROSTER:
      return is_inspector_over (store, roles, org_id)
             || has_grant_on (roles, SH_ROLE_SECRETARY, branch);
    case SH_PERM_MANAGE_BRANCH:
      return has_grant_on (roles, SH_ROLE_SECRETARY, branch);
    case SH_PERM_ADMIN:
    default:
      return FALSE;
  }
}

static void
add_subtree (ShStore *store, gint64 root, GHashTable *seen, GPtrArray *out, GError **error)
{
  g_autoptr (GPtrArray) orgs = sh_org_list_subtree (store, root, error);

  for (guint i = 0; orgs && i < orgs->len; i++) {
    ShOrg *org = g_ptr_array_index (orgs, i);
    if (g_hash_table_add (seen, g_memdup2 (&org->id, sizeof org->id)))
      g_ptr_array_add (out, g_steal_pointer (&orgs->pdata[i]));
  }
}

GPtrArray *
sh_authz_visible_orgs (ShStore *store, GArray *roles, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_org_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  if (sh_authz_is_admin (roles))
    return sh_org_list_subtree (store, 0, error);
  for (guint i = 0; roles && i < roles->len; i++) {
    const ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    g_autoptr (GError) local_error = NULL;

    add_subtree (store, g->org_id, seen, out, &local_error);
    if (local_error) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  }
  return g_steal_pointer (&out);
}

gboolean
sh_authz_may_request_visit (ShStore *store, GArray *roles, gint64 member_id, const ShMember *member)
{
  g_return_val_if_fail (member != NULL, FALSE);
  return (member_id && member_id == member->id)
         || sh_authz_check (store, roles, SH_PERM_MANAGE_BRANCH, member->branch_id);
}

gboolean
sh_authz_may_decide_visit (ShStore *store, GArray *roles, gint64 account_id, gint64 member_id,
                           const ShVisit *visit)
{
  g_return_val_if_fail (visit != NULL, FALSE);
  /* Four eyes, administrators included: a decision is the receiving side's
   * judgement on someone else's request. */
  if ((member_id && member_id == visit->member_id)
      || (account_id && account_id == visit->requested_by))
    return FALSE;
  return sh_authz_check (store, roles, SH_PERM_MANAGE_BRANCH, visit->host_branch_id);
}

gboolean
sh_authz_may_end_visit (ShStore *store, GArray *roles, gint64 member_id, const ShVisit *visit)
{
  g_return_val_if_fail (visit != NULL, FALSE);
  return (member_id && member_id == visit->member_id)
         || sh_authz_check (store, roles, SH_PERM_MANAGE_BRANCH, visit->home_branch_id)
         || sh_authz_check (store, roles, SH_PERM_MANAGE_BRANCH, visit->host_branch_id);
}

gboolean
sh_authz_may_read_visit (ShStore *store, GArray *roles, gint64 member_id, const ShVisit *visit)
{
  g_return_val_if_fail (visit != NULL, FALSE);
  return (member_id && member_id == visit->member_id)
         || sh_authz_check (store, roles, SH_PERM_READ_ROSTER, visit->home_branch_id)
         || sh_authz_check (store, roles, SH_PERM_READ_ROSTER, visit->host_branch_id);
}

const char *
sh_authz_own_record_widening (gint64 member_id, const ShMember *before, const ShMember *after)
{
  g_return_val_if_fail (before != NULL && after != NULL, NULL);
  if (!member_id || member_id != before->id)
    return NULL;
  /* Each of these decides a role, a meeting list or a vote. A change that
   * would only narrow access is refused too: it is made by someone else
   * just as easily, and a record nobody edits for themself is simpler to
   * audit. */
  if (after->branch_id != before->branch_id)
    return "所在党支部";
  if (after->current_branch_id != before->current_branch_id)
    return "参加活动的支部";
  if (after->migrant != before->migrant)
    return "流动党员";
  if (after->status != before->status)
    return "党员类别";
  if (after->under_probation != before->under_probation)
    return "留党察看";
  if (after->active != before->active)
    return "在册状态";
  return NULL;
}
