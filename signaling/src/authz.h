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

/* Migrant visits (流动党员). @member_id is the caller's own member record
 * (0 if none), @account_id the caller's account.
 * Asking: the home branch's secretary, an administrator, or the member for
 * themself (a request grants nothing). */
gboolean sh_authz_may_request_visit (ShStore *store, GArray *roles, gint64 member_id,
                                     const ShMember *member);
/* Accepting or refusing: the receiving branch's secretary or an
 * administrator, never the member concerned nor whoever asked. */
gboolean sh_authz_may_decide_visit (ShStore *store, GArray *roles, gint64 account_id,
                                    gint64 member_id, const ShVisit *visit);
/* Ending or withdrawing: either branch's secretary, an administrator, or
 * the member (ending only ever narrows access). */
gboolean sh_authz_may_end_visit (ShStore *store, GArray *roles, gint64 member_id,
                                 const ShVisit *visit);
/* Reading: whoever sees the roster of either branch, or the member. */
gboolean sh_authz_may_read_visit (ShStore *store, GArray *roles, gint64 member_id,
                                  const ShVisit *visit);

/* Nobody widens their own access: the fields of @after that differ from
 * @before on the caller's own record (@member_id) and that decide what the
 * caller may see or do. Returns NULL when the change is allowed, otherwise
 * the first such field's Chinese name (static). */
const char *sh_authz_own_record_widening (gint64 member_id, const ShMember *before,
                                          const ShMember *after);
