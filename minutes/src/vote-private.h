/* Internal to the vote area (motion.c, opinion.c, vote.c): what the three
 * share about the meeting a motion belongs to. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-private.h"

/* What a meeting is held as, read through the attendance area. */
typedef struct {
  ShMeetingType type;
  gint64 org_id;
  ShMeetingState state;
} ShVoteMeeting;

/* FALSE with DATABASE when the backend keeps no votes or attendance. */
gboolean sh_vote_have_backend (ShStore *store, GError **error);
/* Fills @out; NOT_FOUND when there is no such meeting. */
gboolean sh_vote_meeting (ShStore *store, gint64 meeting_id, ShVoteMeeting *out, GError **error);
/* Scheduled or open: motions and opinions may still be given. */
gboolean sh_vote_meeting_not_started (ShMeetingState state);
/* The motion @id, with a clear message when there is none. (transfer full) */
ShMotion *sh_vote_motion (ShStore *store, gint64 id, GError **error);
/* A motion raised in the running meeting (ad hoc; STATE otherwise): an
 * ordinary one (sh_motion_create_ad_hoc()) or a runoff election, whose
 * candidates election.c adds in the same transaction. Returns: its id or 0. */
gint64 sh_motion_create_in_meeting (ShStore *store, gint64 meeting_id, ShMotionKind kind,
                                    const char *title, gboolean secret, gint64 created_by,
                                    GError **error);
