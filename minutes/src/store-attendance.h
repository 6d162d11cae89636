/* The store interface, attendance area (attendance.c): what a meeting is
 * held as, and the expected attendance frozen when it starts. See
 * store-backend.h for the conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShAttendanceStoreOps {
  /* Sets *@found to whether the meeting @meeting_id exists and, when it
   * does, its type, organization, planned start and state. */
  gboolean (*meeting_basis) (ShStore *store, gint64 meeting_id, gboolean *found,
                             ShMeetingType *type, gint64 *org_id, gint64 *planned_start,
                             ShMeetingState *state, GError **error);
  /* Stores @entries (ShAttendanceEntry, in their order; leave fields are
   * ignored) as the frozen list of @meeting_id, taken at @at and frozen at
   * @frozen_at. A list already frozen for the meeting is a CONFLICT: a
   * frozen list never changes. */
  gboolean (*freeze) (ShStore *store, gint64 meeting_id, gint64 at, gint64 frozen_at,
                      GPtrArray *entries, GError **error);
  /* Reads the frozen list of @meeting_id into @attendance (its at,
   * frozen_at and entries, in the order stored; leave fields 0) and sets
   * *@found; nothing is set when the meeting has none. */
  gboolean (*get_frozen) (ShStore *store, gint64 meeting_id, gboolean *found,
                          ShAttendance *attendance, GError **error);
};
