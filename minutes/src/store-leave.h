/* The store interface, leave area (leave.c): leave requests and their
 * append-only log. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShLeaveStoreOps {
  /* A new pending request (checked by leave.c). A member with a pending or
   * approved request for the meeting already is a CONFLICT, kept by the
   * backend in one step. Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, gint64 meeting_id, gint64 member_id, const char *reason,
                    gint64 requested_by, gint64 requested_at, GError **error);
  /* The request @id, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShLeaveRequest *(*get) (ShStore *store, gint64 id, GError **error);
  /* Moves the pending request @id to @to (approved, refused, withdrawn) by
   * @account_id at @at, with @note (may be NULL); *@found FALSE when it
   * was no longer pending. */
  gboolean (*decide) (ShStore *store, gint64 id, ShLeaveState to, gint64 account_id, gint64 at,
                      const char *note, gboolean *found, GError **error);
  /* Appends to the request's history: it reached @state at @at, by
   * @account_id (0: the system), with @note (may be NULL). */
  gboolean (*log) (ShStore *store, gint64 leave_id, ShLeaveState state, gint64 account_id,
                   const char *note, gint64 at, GError **error);
  /* The requests for @meeting_id (of @member_id only, unless 0), by id.
   * Returns: (transfer full) (element-type ShLeaveRequest) */
  GPtrArray *(*list) (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error);
};
