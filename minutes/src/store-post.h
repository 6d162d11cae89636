/* The store interface, branch post area (post.c). See store-backend.h for
 * the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShPostStoreOps {
  /* Records that @member_id holds @post in @branch_id since @since; the
   * same post held twice is a CONFLICT. */
  gboolean (*insert) (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post, gint64 since,
                      GError **error);
  /* Ends it; sets *@removed to whether the member held it. */
  gboolean (*remove) (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post,
                      gboolean *removed, GError **error);
  /* Sets *@found to whether a member other than @member_id is the
   * secretary of @branch_id. */
  gboolean (*has_other_secretary) (ShStore *store, gint64 branch_id, gint64 member_id,
                                   gboolean *found, GError **error);
  /* The posts of @branch_id in the order a roster prints them: secretary,
   * deputy, organization, propaganda, discipline, the others, then by the
   * holder's name and id. Returns: (transfer full) (element-type ShPostHolder) */
  GPtrArray *(*list) (ShStore *store, gint64 branch_id, GError **error);
};
