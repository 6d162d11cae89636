/* The store interface, Party group area (group.c). See store-backend.h for
 * the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShGroupStoreOps {
  /* Places @member_id in @group_id; already there is a CONFLICT. */
  gboolean (*insert) (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                      GError **error);
  /* Takes them out; sets *@removed to whether they were in it. */
  gboolean (*remove) (ShStore *store, gint64 group_id, gint64 member_id, gboolean *removed,
                      GError **error);
  /* Sets *@found to whether @member_id is in a group other than @group_id. */
  gboolean (*in_other_group) (ShStore *store, gint64 member_id, gint64 group_id, gboolean *found,
                              GError **error);
  /* Sets *@found to whether a member other than @member_id leads @group_id. */
  gboolean (*has_other_leader) (ShStore *store, gint64 group_id, gint64 member_id, gboolean *found,
                                GError **error);
  /* The group's members, the leader first, then by name and id.
   * Returns: (transfer full) (element-type ShGroupMembership) */
  GPtrArray *(*list) (ShStore *store, gint64 group_id, GError **error);
};
