/* The store interface, meeting area (meeting.c): meetings, their agendas
 * and the log of their state changes. See store-backend.h for the
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShMeetingStoreOps {
  /* A new, scheduled meeting with the fields of @meeting (checked by
   * meeting.c; a blank place is NULL, a delegation note only with a
   * delegator), without its agenda, created and updated at @now.
   * Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, const ShMeeting *meeting, gint64 now, GError **error);
  /* Item @position (from 0) of the meeting's agenda. */
  gboolean (*insert_agenda_item) (ShStore *store, gint64 meeting_id, guint position,
                                  const char *title, GError **error);
  /* The meeting @id with its agenda, NULL with NOT_FOUND when there is none.
   * Returns: (transfer full) */
  ShMeeting *(*get) (ShStore *store, gint64 id, GError **error);
  /* The meetings held by @org_id or by a Party group right under it,
   * planned to start in [@from, @to) (0: no bound), by planned start then
   * id, each with its agenda.
   * Returns: (transfer full) (element-type ShMeeting) */
  GPtrArray *(*list_for_org) (ShStore *store, gint64 org_id, gint64 from, gint64 to,
                              GError **error);
  /* The meetings a member may be expected at, for meeting.c to narrow:
   * those of @home_branch_id and its groups, those where @member_id
   * chairs, records or lectures, and, unless @visiting_branch_id is 0, the
   * general meetings, lessons and themed days of that branch; planned to
   * start in [@from, @to) (0: no bound), by planned start then id, each
   * with its agenda. Returns: (transfer full) (element-type ShMeeting) */
  GPtrArray *(*list_candidates) (ShStore *store, gint64 home_branch_id, gint64 member_id,
                                 gint64 visiting_branch_id, gint64 from, gint64 to, GError **error);
  /* Sets *@found to whether the meeting @id exists and, when it does, its
   * state and when it last changed. */
  gboolean (*get_state) (ShStore *store, gint64 id, gboolean *found, ShMeetingState *state,
                         gint64 *updated_at, GError **error);
  /* Moves the meeting @id to @state at @updated_at; a @cancel_reason that
   * is not NULL replaces the stored one. */
  gboolean (*set_state) (ShStore *store, gint64 id, ShMeetingState state, gint64 updated_at,
                         const char *cancel_reason, GError **error);
  /* Appends a state change to the meeting's history; @reason may be NULL. */
  gboolean (*log_state) (ShStore *store, gint64 id, ShMeetingState from, ShMeetingState to,
                         const char *reason, gint64 at, GError **error);
};
