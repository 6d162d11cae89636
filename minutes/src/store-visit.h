/* The store interface, migrant visit area (visit.c): the visits, their
 * log, and the member's current branch that an accepted visit sets. See
 * store-backend.h for the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShVisitStoreOps {
  /* A new pending visit of @member_id from @home_branch_id to
   * @host_branch_id (checked by visit.c); @note may be NULL and
   * @requested_by 0. A member with a pending or accepted visit already is
   * a CONFLICT. Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, gint64 member_id, gint64 home_branch_id, gint64 host_branch_id,
                    const char *note, gint64 requested_by, gint64 requested_at, GError **error);
  /* The visit @id, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShVisit *(*get) (ShStore *store, gint64 id, GError **error);
  /* Records the decision (@to: accepted or refused) on the pending visit @id. */
  gboolean (*decide) (ShStore *store, gint64 id, ShVisitState to, gint64 decided_by, gint64 at,
                      const char *note, GError **error);
  /* Ends the pending or accepted visit @id. */
  gboolean (*end) (ShStore *store, gint64 id, gint64 ended_by, gint64 at, const char *note,
                   GError **error);
  /* Makes @member_id a migrant who takes part in @host_branch_id. */
  gboolean (*set_member_host) (ShStore *store, gint64 member_id, gint64 host_branch_id, gint64 at,
                               GError **error);
  /* Takes @member_id out of @host_branch_id, if that is where they take part. */
  gboolean (*clear_member_host) (ShStore *store, gint64 member_id, gint64 host_branch_id, gint64 at,
                                 GError **error);
  /* Appends to the visit's history: it reached @state at @at, by
   * @account_id (0: the system), with @note (may be NULL). */
  gboolean (*log) (ShStore *store, gint64 visit_id, ShVisitState state, gint64 account_id,
                   const char *note, gint64 at, GError **error);
  /* The newest @limit (0: all) visits to (@incoming) or from @branch_id,
   * newest first. Returns: (transfer full) (element-type ShVisit) */
  GPtrArray *(*list_for_branch) (ShStore *store, gint64 branch_id, gboolean incoming, guint limit,
                                 GError **error);
  /* Every visit of @member_id, newest first.
   * Returns: (transfer full) (element-type ShVisit) */
  GPtrArray *(*list_for_member) (ShStore *store, gint64 member_id, GError **error);
};
