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
