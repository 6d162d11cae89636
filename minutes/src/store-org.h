/* The store interface, organization area (org.c). See store-backend.h for
 * the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShOrgStoreOps {
  /* A new organization under @parent_id (0: a root) named @name (checked
   * and trimmed by org.c). Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name,
                    gint64 created_at, GError **error);
  /* Sets name, themed_day and online_votes_approved of the organization
   * @org->id; kind and parent never change. Sets *@found to whether the
   * organization exists. */
  gboolean (*update) (ShStore *store, const ShOrg *org, gboolean *found, GError **error);
  /* The organization @id, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShOrg *(*get) (ShStore *store, gint64 id, GError **error);
  /* @root_id and the organizations below it down to @max_depth levels, or
   * every tree when @root_id is 0: depth first, each parent right before its
   * children, siblings in creation order. Empty when @root_id is unknown.
   * Returns: (transfer full) (element-type ShOrg) */
  GPtrArray *(*list_subtree) (ShStore *store, gint64 root_id, int max_depth, GError **error);
  /* Sets *@within to whether @ancestor_id is @org_id itself or one of its
   * ancestors at most @max_depth levels up. */
  gboolean (*is_within) (ShStore *store, gint64 org_id, gint64 ancestor_id, int max_depth,
                         gboolean *within, GError **error);
};
