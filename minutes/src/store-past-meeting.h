/* The store interface, past meeting area (past-meeting.c): meetings held
 * offline and entered afterwards (补录), with who entered them and the
 * statuses entered. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShPastMeetingStoreOps {
  /* Stores @past (checked by past-meeting.c) with its statuses. A meeting
   * entered already is a CONFLICT: an entry never changes. */
  gboolean (*insert) (ShStore *store, const ShPastMeeting *past, GError **error);
  /* The entry of @meeting_id with its statuses in the order entered, or
   * NULL with *@found FALSE and no error when there is none.
   * Returns: (transfer full) */
  ShPastMeeting *(*get) (ShStore *store, gint64 meeting_id, gboolean *found, GError **error);
};
