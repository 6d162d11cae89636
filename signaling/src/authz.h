/* Who may do what, for which organization. Every API handler asks here; the
 * rules are in one place so the permission matrix test covers them all.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

typedef enum {
  SH_PERM_READ_ORG,      /* see the organization and its meeting schedule */
  SH_PERM_READ_ROSTER,   /* see members, posts, exclusions, expected lists */
  SH_PERM_MANAGE_BRANCH, /* change members, posts, groups, meetings */
  SH_PERM_ADMIN,         /* organizations and accounts */
} ShPermission;

/* @roles: GArray of ShRoleGrant of the caller (may be NULL: nobody).
 * @org_id: the organization the request touches. */
gboolean sh_authz_check (ShStore *store, GArray *roles, ShPermission perm, gint64 org_id);

gboolean sh_authz_is_admin (GArray *roles);

/* The organizations the caller may see, parents first.
 * Returns: (transfer full) (element-type ShOrg). */
GPtrArray *sh_authz_visible_orgs (ShStore *store, GArray *roles, GError **error);
