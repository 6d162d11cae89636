/* sanhui-minutes/meetings.h — part of sanhui-minutes.h: Meetings, their room records, expected
 * attendance and leave, and the rules derived from them. Included by sanhui-minutes.h only; see its
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* -------------------------------------------------------------- meetings */

typedef enum {
  SH_MEETING_GENERAL,   /* 支部党员大会 */
  SH_MEETING_COMMITTEE, /* 支部委员会会议 */
  SH_MEETING_GROUP,     /* 党小组会 */
  SH_MEETING_LESSON,    /* 党课 */
  SH_MEETING_PARTY_DAY, /* 主题党日 */
} ShMeetingType;

const char *sh_meeting_type_to_string (ShMeetingType t);
gboolean sh_meeting_type_from_string (const char *s, ShMeetingType *out);
const char *sh_meeting_type_label (ShMeetingType t);

typedef enum {
  SH_MEETING_SCHEDULED,
  SH_MEETING_OPEN, /* joinable, not yet started by the chair */
  SH_MEETING_IN_PROGRESS,
  SH_MEETING_ENDED,
  SH_MEETING_ARCHIVED,
  SH_MEETING_CANCELLED,
} ShMeetingState;

const char *sh_meeting_state_to_string (ShMeetingState s);
gboolean sh_meeting_state_from_string (const char *s, ShMeetingState *out);
const char *sh_meeting_state_label (ShMeetingState s);

typedef struct {
  gint64 id;
  gint64 org_id; /* the branch, or the group for a group meeting */
  ShMeetingType type;
  char *title;
  gint64 planned_start;
  gint64 planned_end;
  char *place; /* NULL or "" means online */
  gint64 chair_member_id;
  gint64 delegated_by_member_id; /* set when the chair acts for the secretary */
  char *delegation_note;
  gint64 recorder_member_id;
  gint64 lecturer_member_id; /* lesson: a member lecturing, or 0 */
  char *lecturer_name;       /* lesson: the lecturer as printed (invited speakers) */
  char *topic;               /* lesson topic */
  ShMeetingState state;
  char *cancel_reason;
  char *node_id;     /* media node that hosts it; "" on a single machine */
  GPtrArray *agenda; /* (element-type utf8) agenda items in order */
  gint64 created_by; /* account id */
  gint64 created_at;
  gint64 updated_at;
} ShMeeting;

ShMeeting *sh_meeting_new (void); /* transfer full; agenda is an empty array */
void sh_meeting_free (ShMeeting *meeting);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMeeting, sh_meeting_free)

/* Validates and stores a new meeting in state scheduled: the type matches
 * the organization (group meeting on a group; committee meeting only for a
 * branch with a committee; the others on a branch), end after start, chair
 * and recorder are members there, a lesson has a topic and a lecturer; it
 * lasts at most SH_MEETING_MAX_DURATION_US and starts at most
 * SH_MEETING_MAX_AHEAD_US from now; names and texts pass sh_text_validate().
 * Returns the new id or 0. */
gint64 sh_meeting_create (ShStore *store, const ShMeeting *meeting, GError **error);

#define SH_MEETING_MAX_DURATION_US (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)
#define SH_MEETING_MAX_AHEAD_US (G_GINT64_CONSTANT (2 * 366) * 86400 * G_USEC_PER_SEC)
#define SH_MEETING_MAX_PAST_US (G_GINT64_CONSTANT (366) * 86400 * G_USEC_PER_SEC)
/* For a meeting scheduled by a person now (@now_us): it may be entered
 * afterwards (补录) but not start more than SH_MEETING_MAX_PAST_US ago.
 * Kept apart from sh_meeting_create() so that records and fixtures of past
 * years can still be created by code. INVALID with a message for the user. */
gboolean sh_meeting_check_new_start (gint64 planned_start, gint64 now_us, GError **error);
ShMeeting *sh_meeting_get (ShStore *store, gint64 id, GError **error); /* transfer full */

/* Meetings of @org_id (and, for a branch, of its groups) whose planned start
 * is in [from, to) (0 means unbounded), by planned start.
 * Returns: (transfer full) (element-type ShMeeting). */
GPtrArray *sh_meeting_list_for_org (ShStore *store, gint64 org_id, gint64 from, gint64 to,
                                    GError **error);

/* Meetings that @member_id is expected at, chairs, records or lectures,
 * including meetings of the branch a migrant visits, by planned start. */
GPtrArray *sh_meeting_list_for_member (ShStore *store, gint64 member_id, gint64 from, gint64 to,
                                       GError **error);

/* Moves a meeting along scheduled → open → in_progress → ended → archived;
 * scheduled/open → cancelled needs a non-empty @reason. Anything else is
 * SH_MINUTES_ERROR_STATE. */
gboolean sh_meeting_transition (ShStore *store, gint64 id, ShMeetingState to, const char *reason,
                                GError **error);

/* iCalendar (RFC 5545) text of @meetings for a phone calendar, with a
 * reminder before each; cancelled meetings carry STATUS:CANCELLED.
 * @url_base prefixes the link to each meeting. Returns: (transfer full). */
char *sh_meeting_ics (GPtrArray *meetings, const char *calendar_name, const char *url_base);

/* ------------------------------------------------- meeting room records */

/* What happens in a live meeting, kept with the meeting (meeting-log.c).
 * Chat and events are append-only: the store refuses to change them. */

#define SH_MEETING_CHAT_MAX_CHARS 1000

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 account_id;
  gint64 member_id; /* 0 when the account is not a member here */
  char *name;       /* the account's display name when listed; ignored on append */
  char *text;
  gint64 at;
} ShChatMessage;

void sh_chat_message_free (ShChatMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShChatMessage, sh_chat_message_free)

/* Stores one chat line (1 to SH_MEETING_CHAT_MAX_CHARS characters of valid
 * UTF-8, not blank). Returns the new id or 0. */
gint64 sh_meeting_chat_append (ShStore *store, gint64 meeting_id, gint64 account_id,
                               gint64 member_id, const char *text, gint64 at, GError **error);
/* The last @limit lines of the meeting (0: all), oldest first, with the
 * sender's display name. Returns: (transfer full) (element-type ShChatMessage). */
GPtrArray *sh_meeting_chat_list (ShStore *store, gint64 meeting_id, guint limit, GError **error);

/* The room event stream (DESIGN.md): one row per thing that happened. */
typedef enum {
  SH_MEETING_EVENT_JOINED,
  SH_MEETING_EVENT_LEFT,
  SH_MEETING_EVENT_REPLACED, /* a second connection of the account took over */
  SH_MEETING_EVENT_REMOVED,  /* by the chair */
  SH_MEETING_EVENT_MUTED,
  SH_MEETING_EVENT_UNMUTED,
  SH_MEETING_EVENT_HAND_RAISED,
  SH_MEETING_EVENT_HAND_LOWERED,
  SH_MEETING_EVENT_FLOOR_GIVEN,
  SH_MEETING_EVENT_FLOOR_TAKEN,
  SH_MEETING_EVENT_LOCKED,
  SH_MEETING_EVENT_UNLOCKED,
  SH_MEETING_EVENT_LESSON_MODE_ON,
  SH_MEETING_EVENT_LESSON_MODE_OFF,
  SH_MEETING_EVENT_STARTED,
  SH_MEETING_EVENT_ENDED,
  SH_MEETING_EVENT_ALL_MUTED,           /* the chair's "mute all" in force */
  SH_MEETING_EVENT_ALL_UNMUTED,         /* and lifted */
  SH_MEETING_EVENT_STATE_CHANGED,       /* a state change other than started and ended */
  SH_MEETING_EVENT_CONNECTION_LOST,     /* a participant's media connection failed */
  SH_MEETING_EVENT_CONNECTION_REGAINED, /* and works again */
} ShMeetingEventKind;

#define SH_MEETING_EVENT_KIND_COUNT (SH_MEETING_EVENT_CONNECTION_REGAINED + 1)

const char *sh_meeting_event_kind_to_string (ShMeetingEventKind kind); /* "joined", ... */
gboolean sh_meeting_event_kind_from_string (const char *s, ShMeetingEventKind *out);

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 account_id; /* whom it concerns; 0 for the room as a whole */
  gint64 member_id;
  ShMeetingEventKind kind;
  char *detail; /* a small JSON object (who did it, which media, why) or NULL */
  gint64 at;
} ShMeetingEvent;

void sh_meeting_event_free (ShMeetingEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMeetingEvent, sh_meeting_event_free)

/* Appends one event. Returns the new id or 0. */
gint64 sh_meeting_event_append (ShStore *store, gint64 meeting_id, gint64 account_id,
                                gint64 member_id, ShMeetingEventKind kind, const char *detail,
                                gint64 at, GError **error);
/* Every event of the meeting in the order they happened.
 * Returns: (transfer full) (element-type ShMeetingEvent). */
GPtrArray *sh_meeting_event_list (ShStore *store, gint64 meeting_id, GError **error);

/* Guests (列席) approved for one meeting: an account that may join online
 * (account_id set, name its display name) or a person named for the record. */
typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 account_id; /* 0: named only, cannot join online */
  char *name;
  gint64 approved_by; /* account id */
  gint64 at;
} ShMeetingGuest;

void sh_meeting_guest_free (ShMeetingGuest *guest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMeetingGuest, sh_meeting_guest_free)

/* Adds a guest; with @account_id the name defaults to the account's display
 * name. An account is a guest of a meeting at most once (CONFLICT).
 * Returns the new id or 0. */
gint64 sh_meeting_guest_add (ShStore *store, gint64 meeting_id, gint64 account_id, const char *name,
                             gint64 approved_by, GError **error);
/* Returns: (transfer full) (element-type ShMeetingGuest), in the order added. */
GPtrArray *sh_meeting_guest_list (ShStore *store, gint64 meeting_id, GError **error);
/* TRUE when @account_id is an approved guest of the meeting. */
gboolean sh_meeting_guest_is_approved (ShStore *store, gint64 meeting_id, gint64 account_id);

/* ------------------------------------------- expected attendance, leave */

/* Leave (请假, leave.c): a member asks before the meeting starts, with a
 * reason; the branch secretary approves or refuses; the member may
 * withdraw a pending request. One open (pending or approved) request per
 * member and meeting: after a refusal or a withdrawal the member may ask
 * again, as a new request. Every step is kept in an append-only log. */
typedef enum {
  SH_LEAVE_PENDING,   /* 待审批 */
  SH_LEAVE_APPROVED,  /* 已准假 */
  SH_LEAVE_REFUSED,   /* 未准假; final */
  SH_LEAVE_WITHDRAWN, /* 已撤回; final */
} ShLeaveState;

#define SH_LEAVE_REASON_MAX_CHARS 500

const char *sh_leave_state_to_string (ShLeaveState s); /* "pending", ... */
gboolean sh_leave_state_from_string (const char *s, ShLeaveState *out);
const char *sh_leave_state_label (ShLeaveState s); /* "待审批", ... */

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 member_id;
  char *reason;
  ShLeaveState state;
  gint64 requested_by; /* account id, 0: the system */
  gint64 requested_at;
  gint64 decided_by; /* account that approved, refused or withdrew; 0 if none */
  gint64 decided_at;
  char *decision_note; /* may be NULL */
} ShLeaveRequest;

void sh_leave_request_free (ShLeaveRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShLeaveRequest, sh_leave_request_free)

/* @member_id asks for leave from @meeting_id, which has not started yet
 * (STATE otherwise); they must be expected there or a visiting migrant
 * member (INVALID otherwise). @reason passes sh_text_validate() (multi-line,
 * at most SH_LEAVE_REASON_MAX_CHARS). CONFLICT when the member already has
 * a pending or approved request for the meeting. Returns the new id or 0. */
gint64 sh_leave_request (ShStore *store, gint64 meeting_id, gint64 member_id, const char *reason,
                         gint64 requested_by, GError **error);
/* Decides a pending request (STATE otherwise) while the meeting has not
 * ended; @note is optional. Nobody decides their own request (INVALID). */
gboolean sh_leave_approve (ShStore *store, gint64 leave_id, gint64 decided_by, const char *note,
                           GError **error);
gboolean sh_leave_refuse (ShStore *store, gint64 leave_id, gint64 decided_by, const char *note,
                          GError **error);
/* Withdraws a pending request before the meeting starts (STATE otherwise). */
gboolean sh_leave_withdraw (ShStore *store, gint64 leave_id, gint64 withdrawn_by, GError **error);
ShLeaveRequest *sh_leave_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* The meeting's requests, oldest first; @member_id 0 for everyone's.
 * Returns: (transfer full) (element-type ShLeaveRequest). */
GPtrArray *sh_leave_list (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error);

/* Expected attendance (应到, attendance.c): who a meeting expects, from its
 * type and organization (sh_rules_entitled_attendees()), each with whether
 * they vote; members excluded from the expected count, visiting migrant
 * members and guests (列席) listed apart, without a vote. Computed live
 * until the meeting starts; the move to in_progress freezes it into the
 * store in the same transaction, and from then on the frozen list is read,
 * whatever happens to the roster afterwards. */
typedef enum {
  SH_ATTENDANCE_EXPECTED, /* 应到: counts, with or without a vote */
  SH_ATTENDANCE_EXCLUDED, /* 不计入应到会人数: an approved exclusion */
  SH_ATTENDANCE_VISITOR,  /* a visiting migrant member: no vote */
  SH_ATTENDANCE_GUEST,    /* 列席: no vote */
} ShAttendanceRole;

const char *sh_attendance_role_to_string (ShAttendanceRole r); /* "expected", ... */
gboolean sh_attendance_role_from_string (const char *s, ShAttendanceRole *out);

typedef struct {
  ShAttendanceRole role;
  gint64 member_id;  /* 0 for a guest */
  gint64 account_id; /* a guest's account, 0 if none or a member */
  char *name;
  ShMemberStatus status;    /* members only */
  gboolean under_probation; /* members only: 留党察看 */
  gboolean has_vote;        /* sh_rules_has_vote(), for expected members */
  /* Why this entry differs from a full, voting member of the roster
   * ("预备党员，无表决权", the exclusion's reason, ...); NULL when it does
   * not. */
  char *reason;
  /* The member's latest leave request for the meeting (read live, never
   * frozen): its id, 0 when none, and its state. */
  gint64 leave_id;
  ShLeaveState leave_state;
} ShAttendanceEntry;

void sh_attendance_entry_free (ShAttendanceEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAttendanceEntry, sh_attendance_entry_free)

typedef struct {
  gint64 meeting_id;
  gboolean frozen;    /* TRUE once the meeting started with this build */
  gint64 at;          /* the time the exclusions were taken at */
  gint64 frozen_at;   /* 0 while live */
  guint expected;     /* entries with role EXPECTED */
  guint voting;       /* of those, with a vote */
  GPtrArray *entries; /* (element-type ShAttendanceEntry) expected in roster
                       * order, then excluded, visitors, guests */
} ShAttendance;

void sh_attendance_free (ShAttendance *attendance);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAttendance, sh_attendance_free)

/* The expected attendance of @meeting_id: live while it is scheduled or
 * open, the frozen list afterwards. A meeting that started before this
 * build kept no frozen list: it is computed live, with frozen FALSE.
 * Returns: (transfer full). */
ShAttendance *sh_attendance_expected (ShStore *store, gint64 meeting_id, GError **error);

/* ----------------------------------------------------------------- rules */

/* Derived organization rules, in one place (DOMAIN.md). */

/* 表决权: a full member, not under 留党察看, voting in their home branch. */
gboolean sh_rules_has_vote (const ShMember *member, gint64 meeting_branch_id);

/* A branch has a committee when it has 7 or more full members. */
gboolean sh_rules_branch_has_committee (guint full_member_count);
gboolean sh_rules_branch_has_committee_in_store (ShStore *store, gint64 branch_id);

/* The members expected (应到) at a meeting of @type held by @org_id at time
 * @at: the type's attendee set minus exclusions in force at @at.
 *  general / lesson / party day: every active member of the branch;
 *  committee: holders of committee posts; group: the group's members.
 * Returns: (transfer full) (element-type ShMember). */
GPtrArray *sh_rules_expected_attendees (ShStore *store, ShMeetingType type, gint64 org_id,
                                        gint64 at, GError **error);

/* Everyone who may attend such a meeting: the same set without the
 * exclusions, which take a member out of the expected count but never
 * keep them from attending. Returns: (transfer full) (element-type ShMember). */
GPtrArray *sh_rules_entitled_attendees (ShStore *store, ShMeetingType type, gint64 org_id,
                                        GError **error);

/* Votes happen only in a branch general meeting or a committee meeting
 * (条例 第十一、十二条); lessons, group meetings and party days take none. */
gboolean sh_rules_meeting_takes_votes (ShMeetingType type);

/* The fewest voting members present that make a quorum of a meeting of
 * @type with @expected_voting expected voting members: more than half
 * (for a committee meeting, of the committee). 0 for a type that takes no
 * votes: it has no quorum to meet. */
guint sh_rules_quorum (ShMeetingType type, guint expected_voting);

/* An election's quorum: at least @share_percent (configurable, 80 by
 * default) of the expected voting members, and never less than the
 * meeting's own quorum. */
guint sh_rules_election_quorum (ShMeetingType type, guint expected_voting, guint share_percent);

/* A motion passes when the votes in favour (written opinions included) are
 * more than half of the *expected* voting members, not of those present. */
gboolean sh_rules_motion_passes (guint in_favour, guint expected_voting);

G_END_DECLS
