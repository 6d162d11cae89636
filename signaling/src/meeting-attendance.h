/* Layer: protocol handlers (see meeting-private.h). The chair's live
 * attendance panel (meeting-attendance.c) and roll call (meeting-rollcall.c),
 * both listeners of the room event stream. The panel's counting is a pure
 * function, table-tested on its own (tests/test-meeting-attendance.c).
 * May include: meeting-private.h and what it includes.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "meeting-private.h"

/* Someone in the room with their own socket. */
typedef struct {
  gint64 member_id; /* 0: not a member */
  gint64 account_id;
  const char *name;
  ShRoomRole role;
} ShPanelPresence;

/* The panel's numbers. Lists borrow from the counted inputs. */
typedef struct {
  gboolean takes_votes; /* sh_rules_meeting_takes_votes() */
  guint expected;       /* 应到 */
  guint present;        /* 实到: expected members in the room */
  guint on_leave;       /* expected, approved leave, not in the room */
  guint absent;         /* expected, not in the room, not on leave: 未到 */
  guint voting;         /* expected voting members (the frozen count) */
  guint voting_present; /* of those, in the room */
  guint quorum;         /* sh_rules_quorum(), 0 when the type takes no votes */
  gboolean quorum_met;  /* voting_present >= quorum (FALSE without votes) */
  /* (element-type ShAttendanceEntry) expected entries, in attendance order */
  GPtrArray *present_list;
  GPtrArray *missing; /* 未到: not in the room, not on leave */
  GPtrArray *on_leave_list;
  /* (element-type ShPanelPresence) in the room, not expected */
  GPtrArray *visitors; /* visiting migrant members: no vote */
  GPtrArray *excluded; /* members excluded from the expected count who came */
  GPtrArray *guests;   /* 列席 and anyone else not expected */
} ShAttendancePanel;

void sh_attendance_panel_free (ShAttendancePanel *panel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAttendancePanel, sh_attendance_panel_free)

/* Counts @present (an array of @n_present, each account once) against the
 * expected attendance @a of a meeting of @type. A member counts as present
 * by member id; a guest's entry by account id. Returns: (transfer full) */
ShAttendancePanel *sh_attendance_panel_count (const ShAttendance *a, ShMeetingType type,
                                              const ShPanelPresence *present, guint n_present);

/* meeting-attendance.c: pushes `meeting.attendance` to the participants
 * with chair powers of a room after every change that moves a number, and
 * to a chair who comes in. */
void sh_meeting_attendance_attach (ShServer *server);
/* Something the panel shows changed in @meeting_id (a roll call answer):
 * the chairs get the panel again, soon (changes close together are sent
 * once). */
void sh_meeting_attendance_changed (ShServer *server, gint64 meeting_id);

/* meeting-rollcall.c: meeting.rollcall.start and meeting.rollcall.answer,
 * the server's timer that closes a roll call, asking those who come in. */
extern const ShWsProtocol sh_rollcall_protocol;
void sh_meeting_rollcall_attach (ShServer *server);
