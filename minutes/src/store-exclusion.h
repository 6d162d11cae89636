/* The store interface, exclusion area (exclusion.c). See store-backend.h for
 * the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShExclusionStoreOps {
  /* A new exclusion with the fields of @exclusion (checked and normalized
   * by exclusion.c: approver trimmed, a blank note NULL).
   * Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, const ShExclusion *exclusion, gint64 created_at,
                    GError **error);
  /* The member's exclusions, by start then id.
   * Returns: (transfer full) (element-type ShExclusion) */
  GPtrArray *(*list) (ShStore *store, gint64 member_id, GError **error);
};
