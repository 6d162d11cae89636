/* sanhui-minutes.h — the Party-meeting domain and its SQLite store.
 *
 * This is the only public header of the minutes module: callers include it
 * alone. Its areas are kept in the headers of include/sanhui-minutes/ (included at the end), so
 * that each stays readable; they refuse to be included on their own. It knows
 * nothing of media or HTTP. Every query lives behind these functions so that another
 * backend can be added without touching callers.
 *
 * Conventions:
 *  - Times are UTC microseconds since the epoch (gint64), 0 meaning "unset".
 *  - Ids are SQLite rowids (gint64), 0 meaning "none".
 *  - Functions returning a pointer say who owns it; records are freed with
 *    their *_free function (g_autoptr works for every record type).
 *  - Validation errors carry a Simplified Chinese message meant for the user,
 *    in the SH_MINUTES_ERROR domain.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---------------------------------------------------------------- errors */

#define SH_MINUTES_ERROR (sh_minutes_error_quark ())
GQuark sh_minutes_error_quark (void);

typedef enum {
  SH_MINUTES_ERROR_DATABASE,     /* SQLite failed; message names the statement's purpose */
  SH_MINUTES_ERROR_NEWER_SCHEMA, /* the file was written by a newer Sanhui */
  SH_MINUTES_ERROR_NOT_FOUND,    /* the record does not exist */
  SH_MINUTES_ERROR_INVALID,      /* input breaks a rule; message is for the user */
  SH_MINUTES_ERROR_CONFLICT,     /* a unique value is already taken */
  SH_MINUTES_ERROR_STATE,        /* not allowed in the record's current state */
} ShMinutesError;

/* ---------------------------------------------------------------- store */

typedef struct _ShStore ShStore;

/* Opens (creating if needed) the SQLite file at @path, turns on WAL and
 * foreign keys and applies pending migrations, each in its own transaction.
 * A file from a newer schema is refused with SH_MINUTES_ERROR_NEWER_SCHEMA.
 * Use ":memory:" for a private in-memory store.  Returns: (transfer full). */
ShStore *sh_store_open (const char *path, GError **error);
void sh_store_free (ShStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShStore, sh_store_free)

/* The schema version the file is at, and the newest this build knows. */
int sh_store_schema_version (ShStore *store);
int sh_store_latest_schema_version (void);

/* Copies the live database to @dest_path with SQLite's online backup API. */
gboolean sh_store_backup (ShStore *store, const char *dest_path, GError **error);

/* Runs @func inside one transaction: committed when it returns TRUE,
 * rolled back when it returns FALSE (it must then set @error). */
typedef gboolean (*ShStoreTxnFunc) (ShStore *store, gpointer user_data, GError **error);
gboolean sh_store_transaction (ShStore *store, ShStoreTxnFunc func, gpointer user_data,
                               GError **error);

/* Number of rows in @table; for tests and /metrics. Only known table names. */
gint64 sh_store_count_rows (ShStore *store, const char *table, GError **error);

/* Whether the store can serve: a real read of the tables that log-in and
 * meetings need, the file and its directory writable, space left on the
 * disk, and SQLite's `PRAGMA quick_check`. The quick check reads the whole
 * file, so it runs at most once every @quick_check_interval_s seconds, on a
 * separate connection in a worker thread; its last result is reused
 * meanwhile (the very first one is waited for). FALSE with a short English
 * reason in @error (SH_MINUTES_ERROR_DATABASE) when not healthy. Call from
 * the thread that owns @store. */
gboolean sh_store_check_health (ShStore *store, guint quick_check_interval_s, GError **error);

/* ----------------------------------------------------------------- text */

/* What text typed by people may hold. Every name, title and message goes
 * through sh_text_validate(): no NUL or other C0/C1 control characters
 * (but \n and \t in multi-line fields), no bidirectional embeddings,
 * overrides or isolates (U+202A..U+202E, U+2066..U+2069), and not empty once
 * spaces and invisible characters (zero-width space/joiner, BOM...) are
 * taken away. */
typedef enum {
  SH_TEXT_LINE = 0,           /* one line */
  SH_TEXT_MULTILINE = 1 << 0, /* \n and \t allowed: chat, agenda items, notes */
  SH_TEXT_ALLOW_CR = 1 << 1,  /* \r allowed too: protocol text such as SDP */
} ShTextFlags;

/* Checks the characters of @text (NULL passes). Errors are INVALID, with a
 * Chinese message that starts with @label ("姓名", "字段“title”"). */
gboolean sh_text_check (const char *text, const char *label, ShTextFlags flags, GError **error);
/* TRUE when @text is NULL or holds nothing visible. */
gboolean sh_text_is_blank (const char *text);
/* sh_text_check(), then not blank and at most @max_chars once trimmed. */
gboolean sh_text_validate (const char *text, const char *label, guint max_chars, ShTextFlags flags,
                           GError **error);

/* --------------------------------------------------------- organizations */

typedef enum {
  SH_ORG_COMMITTEE,      /* 党委 */
  SH_ORG_GENERAL_BRANCH, /* 党总支 */
  SH_ORG_BRANCH,         /* 党支部 */
  SH_ORG_GROUP,          /* 党小组 (inside a branch) */
} ShOrgKind;

const char *sh_org_kind_to_string (ShOrgKind kind); /* "committee", ... */
gboolean sh_org_kind_from_string (const char *s, ShOrgKind *out);
const char *sh_org_kind_label (ShOrgKind kind); /* "党委", ... */

typedef struct {
  gint64 id;
  gint64 parent_id; /* 0 for a root */
  ShOrgKind kind;
  char *name;
  int themed_day;                 /* day of month of the 主题党日, 0 if unset */
  gboolean online_votes_approved; /* higher organization allows admission/elections online */
} ShOrg;

void sh_org_free (ShOrg *org);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShOrg, sh_org_free)

/* Creates an organization under @parent_id. The tree is checked: a group only
 * under a branch, a branch under a committee or general branch (or as a
 * root), a general branch under a committee. Returns the new id or 0. */
gint64 sh_org_create (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name,
                      GError **error);
gboolean sh_org_update (ShStore *store, const ShOrg *org,
                        GError **error); /* name, themed_day, online_votes_approved */
ShOrg *sh_org_get (ShStore *store, gint64 id, GError **error); /* transfer full */

/* @root_id and everything below it (0: every organization), parents before
 * children. Returns: (transfer full) (element-type ShOrg). */
GPtrArray *sh_org_list_subtree (ShStore *store, gint64 root_id, GError **error);

/* TRUE when @org_id is @ancestor_id or lies below it. */
gboolean sh_org_is_within (ShStore *store, gint64 org_id, gint64 ancestor_id);

/* The branch an organization belongs to: itself for a branch, the parent for
 * a group, 0 for committees and general branches. */
gint64 sh_org_branch_of (ShStore *store, gint64 org_id);

/* --------------------------------------------------------------- members */

typedef enum {
  SH_MEMBER_FULL,         /* 正式党员 */
  SH_MEMBER_PROBATIONARY, /* 预备党员 */
} ShMemberStatus;

const char *sh_member_status_to_string (ShMemberStatus s); /* "full" / "probationary" */
gboolean sh_member_status_from_string (const char *s, ShMemberStatus *out);

typedef struct {
  gint64 id;
  gint64 branch_id; /* 组织关系所在支部 */
  char *name;
  char *phone; /* 11-digit mainland mobile number, unique, may be NULL */
  ShMemberStatus status;
  gboolean under_probation; /* 留党察看: keeps attending, has no vote */
  gboolean migrant;         /* 流动党员 */
  gint64 current_branch_id; /* for a migrant: the branch they take part in nearby; 0 if none */
  char *joined_on;          /* 入党日期, "YYYY-MM-DD" or NULL */
  gboolean active;          /* FALSE once transferred out */
} ShMember;

void sh_member_free (ShMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMember, sh_member_free)
ShMember *sh_member_copy (const ShMember *member); /* transfer full */

/* Validates (name, phone format, branch is a branch, current branch differs
 * from home) and inserts. Returns the new id or 0. */
gint64 sh_member_create (ShStore *store, const ShMember *member, GError **error);
gboolean sh_member_update (ShStore *store, const ShMember *member, GError **error);
ShMember *sh_member_get (ShStore *store, gint64 id, GError **error); /* transfer full */

/* Active members whose home branch is @branch_id, ordered by name.
 * Returns: (transfer full) (element-type ShMember). */
GPtrArray *sh_member_list (ShStore *store, gint64 branch_id, GError **error);

/* Active migrant members from other branches who take part in @branch_id. */
GPtrArray *sh_member_list_visiting (ShStore *store, gint64 branch_id, GError **error);

/* -------------------------------------------------------- migrant visits */

/* A migrant member (流动党员) takes part in the organizational life of a
 * branch near where they live only once that branch has accepted them
 * (visit.c). ShMember.current_branch_id is the host of the one accepted
 * visit and nothing else: sh_member_create/update refuse to set it.
 * Account ids 0 in these calls mean "the system" (demo, command line). */

typedef enum {
  SH_VISIT_PENDING,  /* requested, grants nothing */
  SH_VISIT_ACCEPTED, /* the receiving branch took the member in */
  SH_VISIT_REFUSED,  /* final */
  SH_VISIT_ENDED,    /* withdrawn or ended by either side; final */
} ShVisitState;

const char *sh_visit_state_to_string (ShVisitState s); /* "pending", ... */
gboolean sh_visit_state_from_string (const char *s, ShVisitState *out);
const char *sh_visit_state_label (ShVisitState s); /* "待接收", ... */

typedef struct {
  gint64 id;
  gint64 member_id;
  gint64 home_branch_id; /* the member's branch when the visit was asked */
  gint64 host_branch_id; /* the receiving branch */
  ShVisitState state;
  char *note;          /* why, as given with the request; may be NULL */
  gint64 requested_by; /* account id, 0: the system */
  gint64 requested_at;
  gint64 decided_by; /* account that accepted or refused, 0 if none */
  gint64 decided_at;
  char *decision_note; /* why refused; may be NULL */
  gint64 ended_by;
  gint64 ended_at;
  char *end_note;
} ShVisit;

void sh_visit_free (ShVisit *visit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVisit, sh_visit_free)

/* Asks for @member_id (active) to take part in @host_branch_id (a branch
 * other than theirs). One open (pending or accepted) visit per member:
 * CONFLICT otherwise. Returns the new id or 0. */
gint64 sh_visit_request (ShStore *store, gint64 member_id, gint64 host_branch_id, const char *note,
                         gint64 requested_by, GError **error);
/* Decides a pending visit (STATE otherwise). Nobody decides a visit they
 * asked for or that concerns their own member record (INVALID). Accepting
 * makes the member a migrant whose current branch is the host. */
gboolean sh_visit_accept (ShStore *store, gint64 visit_id, gint64 decided_by, GError **error);
gboolean sh_visit_refuse (ShStore *store, gint64 visit_id, gint64 decided_by, const char *reason,
                          GError **error);
/* Withdraws a pending visit or ends an accepted one, clearing the current
 * branch. STATE when already refused or ended. */
gboolean sh_visit_end (ShStore *store, gint64 visit_id, gint64 ended_by, const char *reason,
                       GError **error);
ShVisit *sh_visit_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Visits into (@incoming) or out of @branch_id, newest first, at most
 * @limit (0: all). Returns: (transfer full) (element-type ShVisit). */
GPtrArray *sh_visit_list_for_branch (ShStore *store, gint64 branch_id, gboolean incoming,
                                     guint limit, GError **error);
/* Every visit of @member_id, newest first. Returns: (transfer full). */
GPtrArray *sh_visit_list_for_member (ShStore *store, gint64 member_id, GError **error);

/* ------------------------------------------------------ committee posts */

typedef enum {
  SH_POST_SECRETARY,        /* 书记 */
  SH_POST_DEPUTY_SECRETARY, /* 副书记 */
  SH_POST_ORGANIZATION,     /* 组织委员 */
  SH_POST_PROPAGANDA,       /* 宣传委员 */
  SH_POST_DISCIPLINE,       /* 纪检委员 */
  SH_POST_COMMITTEE_MEMBER, /* 委员 (other duties) */
} ShPost;

const char *sh_post_to_string (ShPost post);
gboolean sh_post_from_string (const char *s, ShPost *out);
const char *sh_post_label (ShPost post);

typedef struct {
  gint64 branch_id;
  gint64 member_id;
  ShPost post;
} ShPostHolder;

/* A member of @branch_id takes a post. One secretary per branch; the posts
 * other than secretary and deputy need a branch with a committee. */
gboolean sh_post_assign (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post,
                         GError **error);
gboolean sh_post_remove (ShStore *store, gint64 branch_id, gint64 member_id, ShPost post,
                         GError **error);
/* Returns: (transfer full) (element-type ShPostHolder). */
GPtrArray *sh_post_list (ShStore *store, gint64 branch_id, GError **error);

/* --------------------------------------------------------- Party groups */

typedef struct {
  gint64 group_id;
  gint64 member_id;
  gboolean leader; /* 组长 */
} ShGroupMembership;

/* The member must belong to the group's branch; one leader per group. */
gboolean sh_group_add_member (ShStore *store, gint64 group_id, gint64 member_id, gboolean leader,
                              GError **error);
gboolean sh_group_remove_member (ShStore *store, gint64 group_id, gint64 member_id, GError **error);
/* Returns: (transfer full) (element-type ShGroupMembership). */
GPtrArray *sh_group_list_members (ShStore *store, gint64 group_id, GError **error);

/* ----------------------------------------- exclusions from expected count */

typedef enum {
  SH_EXCLUSION_ILLNESS,   /* 长期患病 */
  SH_EXCLUSION_ABROAD,    /* 出国（境）半年以上 */
  SH_EXCLUSION_SENTENCE,  /* 服刑 */
  SH_EXCLUSION_BEDRIDDEN, /* 卧床不起 */
  SH_EXCLUSION_AWAY,      /* 外出半年以上未转组织关系 */
} ShExclusionReason;

const char *sh_exclusion_reason_to_string (ShExclusionReason r);
gboolean sh_exclusion_reason_from_string (const char *s, ShExclusionReason *out);
const char *sh_exclusion_reason_label (ShExclusionReason r);

typedef struct {
  gint64 id;
  gint64 member_id;
  ShExclusionReason reason;
  char *approver; /* who approved, as written on the approval */
  char *note;     /* may be NULL */
  gint64 starts_at;
  gint64 ends_at;     /* 0: open-ended */
  gint64 recorded_by; /* account id */
} ShExclusion;

void sh_exclusion_free (ShExclusion *exclusion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShExclusion, sh_exclusion_free)

gint64 sh_exclusion_create (ShStore *store, const ShExclusion *exclusion, GError **error);
/* Returns: (transfer full) (element-type ShExclusion). */
GPtrArray *sh_exclusion_list (ShStore *store, gint64 member_id, GError **error);
gboolean sh_member_is_excluded_at (ShStore *store, gint64 member_id, gint64 at);

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
  SH_MEETING_EVENT_ALL_MUTED,   /* the chair's "mute all" in force */
  SH_MEETING_EVENT_ALL_UNMUTED, /* and lifted */
  SH_MEETING_EVENT_STATE_CHANGED, /* a state change other than started and ended */
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

/* ------------------------------------ motions, written opinions, votes */

/* Motions (议题/表决事项) announced on a meeting before it starts, written
 * opinions (书面意见) of absent full members, and the votes held on them
 * in the live meeting (motion.c, opinion.c, vote.c, ballot-box.c; the
 * design and its limits in docs/votes.md). */
typedef enum {
  SH_MOTION_ORDINARY,   /* 一般事项: open or secret ballot, chosen */
  SH_MOTION_ADMISSION,  /* 发展党员: one candidate, secret */
  SH_MOTION_CONVERSION, /* 预备党员转正: one candidate, secret */
  SH_MOTION_ELECTION,   /* 选举: secret, the election quorum */
} ShMotionKind;

const char *sh_motion_kind_to_string (ShMotionKind k); /* "ordinary", ... */
gboolean sh_motion_kind_from_string (const char *s, ShMotionKind *out);
const char *sh_motion_kind_label (ShMotionKind k); /* "一般事项", ... */

#define SH_MOTION_TITLE_MAX_CHARS 200
#define SH_OPINION_TEXT_MAX_CHARS 2000

typedef struct {
  gint64 id;
  gint64 meeting_id;
  ShMotionKind kind;
  char *title;
  char *candidate;            /* admission and conversion: the one candidate's name */
  gint64 candidate_member_id; /* conversion: the probationary member */
  gboolean secret;            /* always TRUE but for an ordinary motion */
  gboolean ad_hoc;            /* raised by the chair in the meeting */
  gint64 created_by;          /* account id */
  gint64 created_at;
  gint64 withdrawn_by; /* 0 while announced */
  gint64 withdrawn_at;
} ShMotion;

void sh_motion_free (ShMotion *motion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMotion, sh_motion_free)

/* Announces a motion on @meeting_id, which has not started (STATE) and is
 * of a type that takes votes (INVALID), with a title. Admission names its
 * one candidate (@candidate, a 发展对象, not yet in the roster);
 * conversion names a probationary member of the meeting's branch
 * (@candidate_member_id; the name is taken from the record). @secret is
 * forced for every kind but ordinary. Returns the new id or 0. */
gint64 sh_motion_create (ShStore *store, gint64 meeting_id, ShMotionKind kind, const char *title,
                         const char *candidate, gint64 candidate_member_id, gboolean secret,
                         gint64 created_by, GError **error);
/* An ordinary motion the chair raises in the running meeting (ad hoc). */
gint64 sh_motion_create_ad_hoc (ShStore *store, gint64 meeting_id, const char *title,
                                gboolean secret, gint64 created_by, GError **error);
/* Withdraws an announced motion before the meeting starts (STATE). */
gboolean sh_motion_withdraw (ShStore *store, gint64 motion_id, gint64 withdrawn_by, GError **error);
ShMotion *sh_motion_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Returns: (transfer full) (element-type ShMotion), in the order announced. */
GPtrArray *sh_motion_list (ShStore *store, gint64 meeting_id, GError **error);

/* An organization's vote settings (*configurable*, DOMAIN.md). */
typedef struct {
  /* Admission, conversion and elections online need the higher
   * organization's approval recorded on the meeting. Default TRUE. */
  gboolean approval_required;
  guint election_share_percent; /* the election quorum, 50..100, default 80 */
} ShVoteSettings;

#define SH_VOTE_ELECTION_SHARE_DEFAULT 80

/* The settings of @org_id, the defaults when none were set. */
gboolean sh_vote_settings_get (ShStore *store, gint64 org_id, ShVoteSettings *out, GError **error);
gboolean sh_vote_settings_set (ShStore *store, gint64 org_id, const ShVoteSettings *settings,
                               GError **error);

/* The higher organization's approval of online admission, conversion and
 * elections at one meeting, as recorded: which organization and document
 * (@approval), by whom and when. Recorded once (CONFLICT). */
typedef struct {
  gint64 meeting_id;
  char *approval;
  gint64 recorded_by; /* account id */
  gint64 recorded_at;
} ShVoteApproval;

void sh_vote_approval_free (ShVoteApproval *approval);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVoteApproval, sh_vote_approval_free)

gboolean sh_vote_approval_record (ShStore *store, gint64 meeting_id, const char *approval,
                                  gint64 recorded_by, GError **error);
/* The recorded approval, NULL (and no error) when there is none. */
ShVoteApproval *sh_vote_approval_get (ShStore *store, gint64 meeting_id, GError **error);

typedef enum {
  SH_VOTE_FOR,     /* 赞成 */
  SH_VOTE_AGAINST, /* 反对 */
  SH_VOTE_ABSTAIN, /* 弃权 */
} ShVoteChoice;

#define SH_VOTE_CHOICE_COUNT 3

const char *sh_vote_choice_to_string (ShVoteChoice c); /* "for", "against", "abstain" */
gboolean sh_vote_choice_from_string (const char *s, ShVoteChoice *out);
const char *sh_vote_choice_label (ShVoteChoice c); /* "赞成", ... */

/* A written opinion (书面意见): named, given before the meeting. */
typedef struct {
  gint64 id;
  gint64 motion_id;
  gint64 member_id;
  ShVoteChoice choice;
  char *text;
  gint64 submitted_at;
  gint64 voided_by_vote; /* the vote it was void in (its member attended), 0 if none */
} ShWrittenOpinion;

void sh_written_opinion_free (ShWrittenOpinion *opinion);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShWrittenOpinion, sh_written_opinion_free)

/* The member of @account_id (no proxies: only for oneself) gives their
 * opinion on an announced admission or conversion motion (INVALID
 * otherwise) before the meeting starts (STATE): they must be an expected
 * member with a vote (INVALID). One per member and motion (CONFLICT).
 * Returns the new id or 0. */
gint64 sh_opinion_submit (ShStore *store, gint64 motion_id, gint64 account_id, ShVoteChoice choice,
                          const char *text, GError **error);
/* Returns: (transfer full) (element-type ShWrittenOpinion), by id. */
GPtrArray *sh_opinion_list (ShStore *store, gint64 motion_id, GError **error);

typedef enum {
  SH_VOTE_OPEN,   /* ballots being cast */
  SH_VOTE_CLOSED, /* counted: passed or not */
  SH_VOTE_VOID,   /* 无效: quorum lost, server restart, meeting ended */
} ShVoteState;

const char *sh_vote_state_to_string (ShVoteState s); /* "open", "closed", "void" */
gboolean sh_vote_state_from_string (const char *s, ShVoteState *out);

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 motion_id;
  gboolean secret;
  ShVoteState state;
  guint expected_voting;                /* frozen expected voting members */
  guint present_at_start;               /* of those, present when it opened */
  guint quorum;                         /* voting members present needed */
  guint ballots[SH_VOTE_CHOICE_COUNT];  /* per choice, set when closed */
  guint opinions[SH_VOTE_CHOICE_COUNT]; /* written opinions counted */
  gboolean passed;
  char *void_reason;
  gint64 opened_by; /* account id */
  gint64 opened_at;
  gint64 closed_at;
} ShVote;

void sh_vote_free (ShVote *vote);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShVote, sh_vote_free)

/* Whether a vote on a motion of @kind may open in a meeting of @type with
 * @present_voting of @expected_voting voting members present: the type
 * takes votes; admission, conversion and elections need the approval when
 * @approval_required; the quorum (an election's with @share_percent) is
 * met. Returns: the quorum, 0 with @error (INVALID, STATE) when not. Pure. */
guint sh_vote_check_start (ShMeetingType type, ShMotionKind kind, guint expected_voting,
                           guint present_voting, guint share_percent, gboolean approval_required,
                           gboolean approval_recorded, GError **error);
/* The quorum that must stay present while the vote runs. Pure. */
guint sh_vote_quorum (ShMeetingType type, ShMotionKind kind, guint expected_voting,
                      guint share_percent);

/* The ballot box of one open vote, in memory only (ballot-box.c): who
 * voted, and apart from it the count per choice and the receipts' hashes.
 * For a secret vote nothing in it joins a voter to a choice; for an open
 * vote (举手表决) the choice per voter is the record. */
typedef struct _ShBallotBox ShBallotBox;

ShBallotBox *sh_ballot_box_new (gboolean secret); /* transfer full */
void sh_ballot_box_free (ShBallotBox *box);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShBallotBox, sh_ballot_box_free)
/* Counts @member_id's ballot once (CONFLICT when they voted already).
 * @receipt_out: (out) (transfer full) a random receipt for the voter, whose
 * hash (sh_ballot_receipt_hash()) is published with the result. */
gboolean sh_ballot_box_cast (ShBallotBox *box, gint64 member_id, ShVoteChoice choice,
                             char **receipt_out, GError **error);
gboolean sh_ballot_box_has_voted (ShBallotBox *box, gint64 member_id);
guint sh_ballot_box_count (ShBallotBox *box);
/* Marks @member_id as attending the vote: their written opinion is void. */
void sh_ballot_box_mark_present (ShBallotBox *box, gint64 member_id);
/* Lowercase hex SHA-256 of @receipt. (transfer full) */
char *sh_ballot_receipt_hash (const char *receipt);

/* Opens a vote on @motion_id in its running meeting: no other vote open
 * there (CONFLICT), the motion announced and not yet decided by a counted
 * vote (STATE), sh_vote_check_start() against the frozen expected voting
 * members, of whom those in @present_members (member ids, the voting
 * members in the room now) count as present. Returns: (transfer full). */
ShVote *sh_vote_open (ShStore *store, gint64 motion_id, GArray *present_members, gint64 opened_by,
                      GError **error);
/* Whether the quorum of the open vote @vote holds with @present_members. */
gboolean sh_vote_quorum_held (ShStore *store, const ShVote *vote, GArray *present_members,
                              GError **error);
/* Counts @box into the open vote @vote_id in one unit of work: the voters,
 * the tallies, the receipts' hashes (in their sorted order), and the
 * written opinions of absent members; passes by sh_rules_motion_passes()
 * against the expected voting members. Returns: (transfer full) the vote. */
ShVote *sh_vote_close (ShStore *store, gint64 vote_id, ShBallotBox *box, GError **error);
/* The open vote @vote_id is void for @reason; no ballot is kept. */
gboolean sh_vote_void (ShStore *store, gint64 vote_id, const char *reason, GError **error);
/* Voids every vote left open (the server restarted: the ballots lived only
 * in memory). Returns how many, -1 on error. */
gint sh_vote_void_all_open (ShStore *store, const char *reason, GError **error);
ShVote *sh_vote_get (ShStore *store, gint64 id, GError **error); /* transfer full */
/* Returns: (transfer full) (element-type ShVote), in the order opened. */
GPtrArray *sh_vote_list (ShStore *store, gint64 meeting_id, GError **error);

typedef struct {
  gint64 member_id;
  gint choice; /* ShVoteChoice for an open vote, -1 for a secret one */
} ShVoteVoter;

/* Who voted in a closed vote, by member id. Returns: (transfer full)
 * (element-type ShVoteVoter). */
GArray *sh_vote_voters (ShStore *store, gint64 vote_id, GError **error);
/* The receipts' hashes of a closed vote, sorted. Returns: (transfer full). */
GStrv sh_vote_receipts (ShStore *store, gint64 vote_id, GError **error);

/* ---------------------------------------------- attendance intervals */

/* Attendance intervals (presence.c): the spans of time a person was in a
 * meeting with their own authenticated socket and live media, recorded
 * from the room event stream to the microsecond (shown to the second).
 * An interval opens when the media is live and closes when the person
 * leaves, drops, is removed, loses the media connection, is replaced by
 * another socket, or the meeting ends; a server crash leaves it open until
 * the next start closes it at the crash moment (end reason "crash"). */
typedef enum {
  SH_DEVICE_COMPUTER, /* 电脑浏览器 */
  SH_DEVICE_PHONE,    /* 手机浏览器 (tablets too) */
} ShDevice;

const char *sh_device_to_string (ShDevice d); /* "computer", "phone" */
const char *sh_device_label (ShDevice d);     /* "电脑", "手机" */
gboolean sh_device_from_string (const char *s, ShDevice *out);
/* The kind of device a browser's User-Agent names: a phone for "Mobi",
 * "Android", "iPhone", "iPad", "HarmonyOS" (and NULL or empty: computer). */
ShDevice sh_device_from_user_agent (const char *user_agent);

typedef enum {
  SH_PRESENCE_OPEN,           /* not closed yet */
  SH_PRESENCE_LEFT,           /* left the meeting */
  SH_PRESENCE_DISCONNECTED,   /* the socket dropped */
  SH_PRESENCE_REMOVED,        /* removed by the chair */
  SH_PRESENCE_MEDIA_LOST,     /* the media connection failed */
  SH_PRESENCE_REPLACED,       /* another socket of the account took over */
  SH_PRESENCE_MEETING_ENDED,  /* the meeting ended (or was cancelled) */
  SH_PRESENCE_SERVER_STOPPED, /* the server was stopped in an orderly way */
  SH_PRESENCE_CRASH,          /* closed at the next start after a crash */
} ShPresenceEnd;

const char *sh_presence_end_to_string (ShPresenceEnd e); /* "open", "left", ..., "crash" */
const char *sh_presence_end_label (ShPresenceEnd e);     /* "离开会议", ... */
gboolean sh_presence_end_from_string (const char *s, ShPresenceEnd *out);

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 account_id;
  gint64 member_id;      /* 0 for an account that is not a member */
  ShAttendanceRole role; /* from the frozen expected list (guest when not on it) */
  gint64 started_at;     /* UTC µs */
  gint64 ended_at;       /* UTC µs, 0 while open */
  ShPresenceEnd end_reason;
  ShDevice device;
  gboolean video; /* the server received their camera's packets at some moment of the interval */
} ShPresenceInterval;

void sh_presence_interval_free (ShPresenceInterval *interval);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShPresenceInterval, sh_presence_interval_free)

/* Opens an interval at @at. A person has at most one open interval per
 * meeting (CONFLICT otherwise). Returns its id, 0 with @error set. */
gint64 sh_presence_open (ShStore *store, gint64 meeting_id, gint64 account_id, gint64 member_id,
                         ShAttendanceRole role, ShDevice device, gboolean video, gint64 at,
                         GError **error);
/* Closes the open interval @id at @at (not before its start) for @reason
 * (neither OPEN nor CRASH). STATE when it is closed already. */
gboolean sh_presence_close (ShStore *store, gint64 id, gint64 at, ShPresenceEnd reason,
                            GError **error);
/* Records that the camera of the open interval @id came on. */
gboolean sh_presence_mark_video (ShStore *store, gint64 id, GError **error);
/* The intervals of @meeting_id by start. (transfer full) (element-type ShPresenceInterval) */
GPtrArray *sh_presence_list (ShStore *store, gint64 meeting_id, GError **error);

/* The heartbeat: the live server writes the time every
 * SH_PRESENCE_HEARTBEAT_SECONDS while it runs, so that a crash is known to
 * have happened at most that long after the last beat. */
#define SH_PRESENCE_HEARTBEAT_SECONDS 5
gboolean sh_presence_heartbeat (ShStore *store, gint64 at, GError **error);
/* At start, before any room opens: closes every interval left open by a
 * crash at the crash moment, the later of the last heartbeat and the last
 * event of its meeting (never before the interval's start), with reason
 * CRASH. Returns the number closed, -1 with @error set. */
gint sh_presence_close_after_crash (ShStore *store, GError **error);

/* The final status of an expected member (attendance-status.c). One
 * status per member; partly present wins over late and left early, and
 * late over left early (the flags below keep both). */
typedef enum {
  SH_ATTENDANCE_PRESENT,    /* 出席 */
  SH_ATTENDANCE_PARTLY,     /* 部分出席: below the configured share */
  SH_ATTENDANCE_LATE,       /* 迟到 */
  SH_ATTENDANCE_LEFT_EARLY, /* 早退 */
  SH_ATTENDANCE_ABSENT,     /* 缺席 */
  SH_ATTENDANCE_ON_LEAVE,   /* 请假: approved leave and not present */
  SH_ATTENDANCE_IS_EXCLUDED, /* 不计入应到: an approved exclusion */
} ShAttendanceStatus;

#define SH_ATTENDANCE_STATUS_COUNT (SH_ATTENDANCE_IS_EXCLUDED + 1)

const char *sh_attendance_status_to_string (ShAttendanceStatus s); /* "present", ... */
const char *sh_attendance_status_label (ShAttendanceStatus s);     /* "出席", ... */

typedef struct {
  guint share_percent; /* partly present below this share of the duration (80) */
  gint64 grace_us;     /* late / left early beyond this (5 min) */
} ShAttendancePolicy;

#define SH_ATTENDANCE_DEFAULT_SHARE_PERCENT 80
#define SH_ATTENDANCE_DEFAULT_GRACE_US (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)

/* What the status rule needs about one person, from their intervals cut to
 * the meeting's actual [start, end). */
typedef struct {
  gint64 total_us;       /* time present inside the meeting */
  gint64 first_arrival;  /* the first moment present, 0 if never */
  gint64 last_departure; /* the last moment present; 0 while present now */
  gboolean late;         /* set by sh_attendance_status() */
  gboolean left_early;   /* set by sh_attendance_status() */
} ShAttendanceTally;

/* Cuts @intervals (element-type ShPresenceInterval, of one person) to
 * [@start, @end) (@end: the actual end, or now while live) into @tally. */
void sh_attendance_tally (GPtrArray *intervals, gint64 start, gint64 end, ShAttendanceTally *tally);

/* The status of one person of @role on the expected list. @live: the
 * meeting is still in progress (@end is now: nobody has left early yet).
 * Sets @tally's late and left_early flags. */
ShAttendanceStatus sh_attendance_status (ShAttendanceRole role, gboolean on_leave,
                                         ShAttendanceTally *tally, gint64 start, gint64 end,
                                         gboolean live, const ShAttendancePolicy *policy);

/* The whole attendance record of a meeting (attendance-record.c). */
typedef struct {
  const ShAttendanceEntry *entry; /* (nullable) borrowed from the record's list */
  gint64 account_id;              /* for people not on the list (a secretary sitting in) */
  gint64 member_id;
  char *name;
  ShAttendanceRole role;
  ShAttendanceStatus status; /* expected and excluded members only */
  ShAttendanceTally tally;
  GPtrArray *intervals; /* (element-type ShPresenceInterval) by start */
} ShAttendanceRow;

typedef struct {
  ShAttendance *expected; /* the frozen (or live) expected list */
  ShMeetingState state;
  gint64 start;    /* actual start, 0 before it started */
  gint64 end;      /* actual end, or now while live; 0 before the start */
  gboolean live;   /* in progress: statuses are provisional */
  GPtrArray *rows; /* (element-type ShAttendanceRow) expected and excluded members
                    * in list order, then visitors, then guests */
  guint counts[SH_ATTENDANCE_STATUS_COUNT]; /* of expected members; excluded ones too */
  guint expected_count, voting_expected;
  guint present, voting_present; /* 实到: expected members present at some time */
  guint visitors, guests;        /* who came */
  GPtrArray *intervals;   /* (element-type ShPresenceInterval) owns what the rows borrow */
  /* 补录 (past-meeting.c): held offline and entered afterwards; the rows'
   * statuses are the ones entered, and no row has intervals. */
  gboolean recorded_after;
  gint64 entered_by; /* account */
  gint64 entered_at;
} ShAttendanceRecord;

void sh_attendance_record_free (ShAttendanceRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAttendanceRecord, sh_attendance_record_free)

/* The record of @meeting_id at @now. Returns: (transfer full). */
ShAttendanceRecord *sh_attendance_record (ShStore *store, gint64 meeting_id,
                                          const ShAttendancePolicy *policy, gint64 now,
                                          GError **error);
/* Warnings about a member's organizational life (DOMAIN.md, 党章 第九条). */
typedef struct {
  gint64 at;         /* the meeting's start, UTC µs */
  gboolean attended; /* took part at all: present, partly present, late, left early */
  gboolean excused;  /* did not, with a recorded reason: approved leave or an exclusion */
} ShLifeRecord;

typedef struct {
  gint64 last_attended;     /* UTC µs of the last meeting attended; 0: none in the records */
  gint64 lapse_at;          /* when six months without organizational life are reached */
  guint missed;             /* meetings missed since the last one attended */
  guint missed_unexcused;   /* of those, without a recorded reason */
  guint absent_in_row;      /* unexcused absences at the end of the records */
  gboolean lapse_warning;   /* lapse_at is within the warning period, or past */
  gboolean absence_warning; /* absent_in_row reached the configured count (3) */
} ShLifeWarning;

/* Reads a member's @records (their expected meetings that ended, oldest
 * first) at @now. The six months run from the last meeting attended, or
 * from @since (when the member came to the branch, or the start of the
 * records) if later, in calendar months of @tz; @warn_before (µs) is how
 * long before the lapse the secretary is warned. A lapse warning is raised
 * only while some missed meeting has no recorded reason, or none were
 * held at all: six months on approved leave are the secretary's to judge,
 * and they are told by the counts. @absent_limit: unexcused absences in a
 * row that raise the second warning. */
void sh_rules_organizational_life (const ShLifeRecord *records, guint n_records, gint64 since,
                                   gint64 now, GTimeZone *tz, gint64 warn_before,
                                   guint absent_limit, ShLifeWarning *out);

/* ------------------------------------------------------ roll call (点名) */

/* Roll call (rollcall.c): during a meeting in progress the chair asks
 * every member present to answer within a time limit. One open roll call
 * per meeting. At the start, every expected member and every member present
 * gets an entry; a member who comes in while it is open is asked too. A
 * member answers once, before the deadline, and only if asked. The outcome
 * of each entry follows from what is stored (asked, answered, approved
 * leave at the start), so a reader sees the same record the chair saw. */
#define SH_ROLLCALL_MIN_SECONDS 15
#define SH_ROLLCALL_MAX_SECONDS 600
#define SH_ROLLCALL_DEFAULT_SECONDS 60

typedef enum {
  SH_ROLLCALL_PENDING,  /* 待签到: asked, the roll call still open */
  SH_ROLLCALL_ANSWERED, /* 已签到 */
  SH_ROLLCALL_SILENT,   /* 未签到: asked (present) and did not answer */
  SH_ROLLCALL_ABSENT,   /* 缺席: expected, not in the room while it was open */
  SH_ROLLCALL_ON_LEAVE, /* 请假: expected, on approved leave, not in the room */
} ShRollcallOutcome;

const char *sh_rollcall_outcome_to_string (ShRollcallOutcome o); /* "pending", ... */
const char *sh_rollcall_outcome_label (ShRollcallOutcome o);     /* "待签到", ... */

typedef struct {
  gint64 member_id;
  gint64 account_id; /* the socket's account that was asked; 0 if never asked */
  char *name;
  gboolean expected;  /* 应到 at this meeting */
  gboolean on_leave;  /* approved leave when the roll call started */
  gint64 asked_at;    /* UTC µs, 0: never asked */
  gint64 answered_at; /* UTC µs (server time), 0: no answer */
  ShRollcallOutcome outcome;
} ShRollcallEntry;

void sh_rollcall_entry_free (ShRollcallEntry *entry);

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 started_by; /* account */
  guint seconds;     /* the time limit */
  gint64 started_at; /* UTC µs */
  gint64 deadline;   /* started_at + seconds */
  gint64 closed_at;  /* 0 while open */
  guint asked;       /* entries asked */
  guint answered;    /* entries answered */
  GPtrArray *entries; /* (element-type ShRollcallEntry) expected in attendance order, then others */
} ShRollcall;

void sh_rollcall_free (ShRollcall *rollcall);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRollcall, sh_rollcall_free)

/* Someone in the room when a roll call starts or while it is open. */
typedef struct {
  gint64 member_id; /* only members are asked: 0 is skipped */
  gint64 account_id;
  const char *name;
} ShRollcallPresent;

/* Starts a roll call of @meeting_id (in progress, STATE otherwise) by
 * @started_by at @now, limited to @seconds (INVALID outside
 * SH_ROLLCALL_MIN_SECONDS..SH_ROLLCALL_MAX_SECONDS), asking the members of
 * @present. CONFLICT while another is open. Returns the new id or 0. */
gint64 sh_rollcall_start (ShStore *store, gint64 meeting_id, gint64 started_by, guint seconds,
                          gint64 now, const ShRollcallPresent *present, guint n_present,
                          GError **error);
/* Asks @who, who came in at @now while the roll call is open (STATE when
 * closed or past its deadline). *@asked (nullable) TRUE when they were not
 * asked before. */
gboolean sh_rollcall_ask (ShStore *store, gint64 rollcall_id, const ShRollcallPresent *who,
                          gint64 now, gboolean *asked, GError **error);
/* @member_id answers at @now: NOT_FOUND without such a roll call, STATE
 * when it is closed or @now is past its deadline, INVALID when the member
 * was not asked, CONFLICT when they answered already. */
gboolean sh_rollcall_answer (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 now,
                             GError **error);
/* Closes the roll call at @now (STATE when closed already). */
gboolean sh_rollcall_close (ShStore *store, gint64 rollcall_id, gint64 now, GError **error);
/* Closes every open roll call (of @meeting_id, or of all meetings when 0):
 * at its deadline when that has passed, else at @now (the server restarted,
 * the room is gone). Returns how many, -1 with @error set. */
int sh_rollcall_close_all (ShStore *store, gint64 meeting_id, gint64 now, GError **error);
/* The roll call @id with its entries. Returns: (transfer full) */
ShRollcall *sh_rollcall_get (ShStore *store, gint64 id, GError **error);
/* The meeting's roll calls, oldest first; with @member_id not 0 each keeps
 * only that member's entry (the counts stay the meeting's).
 * Returns: (transfer full) (element-type ShRollcall) */
GPtrArray *sh_rollcall_list (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error);

/* ------------------------------------------------ elections, candidates */

/* Elections with several candidates (选举, election.c; docs/votes.md
 * "Elections"): an election motion announced with 2..30 candidates in
 * ballot order and a number of seats (等额: as many candidates as seats;
 * 差额: more). Each ballot marks every candidate 赞成 / 不赞成 / 弃权 (an
 * unmarked candidate is 弃权); a ballot approving more candidates than
 * there are seats is void (cast, counted as 无效票, marks ignored). Kept
 * secret like any secret ballot: per-candidate tallies only, written at
 * close, never a ballot or its combination of marks. */
#define SH_ELECTION_MIN_CANDIDATES 2
#define SH_ELECTION_MAX_CANDIDATES 30
#define SH_ELECTION_NAME_MAX_CHARS 50

typedef struct {
  gint64 motion_id;
  guint seats;
  GStrv candidates; /* names, in ballot order (position = index) */
  gint64 runoff_of; /* a runoff (另行选举): the election it follows, else 0 */
} ShElection;

void sh_election_free (ShElection *election);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElection, sh_election_free)

/* Announces an election motion on @meeting_id (as sh_motion_create())
 * with @candidates (NULL-terminated, 2..30 distinct names, INVALID) and
 * @seats (1..number of candidates, INVALID). Returns the new id or 0. */
gint64 sh_election_create (ShStore *store, gint64 meeting_id, const char *title,
                           const char *const *candidates, guint seats, gint64 created_by,
                           GError **error);
/* The candidates of election motion @motion_id; NULL and no error when it
 * has none (a single for/against election, or a backend without them).
 * Returns: (transfer full) (nullable) */
ShElection *sh_election_get (ShStore *store, gint64 motion_id, GError **error);

/* One candidate's count: marks[SH_VOTE_FOR] approvals (赞成), AGAINST
 * (不赞成), ABSTAIN (弃权, unmarked included) over valid ballots. */
typedef struct {
  guint marks[SH_VOTE_CHOICE_COUNT];
  gboolean elected;
} ShElectionTally;

/* Who is elected, set in each tally's .elected: a candidate needs more
 * approvals than half of @expected_voting (sh_rules_motion_passes()); of
 * those, the @seats with most approvals. A tie for the last seat(s)
 * elects none of the tied and sets *@runoff (另行选举). Returns how many
 * were elected. Pure. */
guint sh_election_decide (ShElectionTally *tallies, guint n_tallies, guint seats,
                          guint expected_voting, gboolean *runoff);

/* The counted result of a closed election vote. */
typedef struct {
  gint64 vote_id;
  guint seats;
  guint invalid;   /* void ballots (more approvals than seats) */
  guint elected;   /* seats filled */
  gboolean runoff; /* a tie left the last seat(s) empty */
  GArray *tallies; /* ShElectionTally, in ballot order */
} ShElectionResult;

void sh_election_result_free (ShElectionResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionResult, sh_election_result_free)
/* NULL and no error when @vote_id is not a counted election with
 * candidates. Returns: (transfer full) (nullable) */
ShElectionResult *sh_election_result_get (ShStore *store, gint64 vote_id, GError **error);

/* Runoffs (另行选举, docs/votes.md "Runoffs"). Who stands in a runoff of
 * a decided election, from its tallies as sh_election_decide() left them:
 * when candidates tied for the last seat(s), the tied ones (those who
 * passed, were not elected and have the last seat's approvals: 条例 "就
 * 票数相等的被选举人重新投票"); otherwise, when too few passed, every
 * candidate not elected. Sets @eligible[i] (@n_tallies entries) and
 * *@tie. Returns the seats still empty (0: no runoff; @eligible all
 * FALSE). Pure. */
guint sh_election_runoff_eligible (const ShElectionTally *tallies, guint n_tallies, guint seats,
                                   guint expected_voting, gboolean *eligible, gboolean *tie);

/* What a runoff of one counted election would be. */
typedef struct {
  gint64 motion_id;  /* the election it follows */
  guint seats;       /* the seats still empty */
  GStrv candidates;  /* who stands, in the election's ballot order */
  gboolean tie;      /* a tie: the rules require it; else it may be held */
  gint64 existing;   /* a runoff motion made already but not yet counted, or 0 */
} ShElectionRunoff;

void sh_election_runoff_free (ShElectionRunoff *runoff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionRunoff, sh_election_runoff_free)

/* The runoff election @motion_id (one with candidates, INVALID otherwise)
 * calls for: STATE when it is not counted yet, filled every seat, left
 * fewer than two candidates to stand (new nominations are a new
 * election), or was followed by a runoff that is counted already.
 * Returns: (transfer full) */
ShElectionRunoff *sh_election_runoff_plan (ShStore *store, gint64 motion_id, GError **error);
/* Makes the runoff of @motion_id (as sh_election_runoff_plan() allows) in
 * its running meeting (STATE otherwise): an ad hoc election motion with
 * the eligible candidates and the empty seats, linked by runoff_of. One
 * per election: a runoff made earlier and not counted yet (its vote was
 * refused or void) is returned again. Returns: its id, 0 with @error. */
gint64 sh_election_runoff_create (ShStore *store, gint64 motion_id, gint64 created_by,
                                  GError **error);

/* The combined result of an election and its runoffs (a chain: each
 * runoff follows the one before). */
typedef struct {
  gint64 motion_id;      /* the first election */
  guint seats;           /* its seats */
  GStrv elected;         /* everyone elected over the chain, in order */
  guint rounds;          /* counted elections in the chain */
  gint64 last_motion_id; /* the latest election of the chain */
  guint open_seats;      /* seats still empty */
  gboolean pending;      /* the latest election is not counted yet */
} ShElectionOutcome;

void sh_election_outcome_free (ShElectionOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionOutcome, sh_election_outcome_free)
/* The outcome of the chain @motion_id (any election in it) belongs to;
 * NULL and no error when it is no election with candidates.
 * Returns: (transfer full) (nullable) */
ShElectionOutcome *sh_election_outcome (ShStore *store, gint64 motion_id, GError **error);

/* The ballot box of a secret election with @n_candidates and @seats:
 * per-candidate counters and a count of void ballots, no ballot kept. */
ShBallotBox *sh_ballot_box_new_election (guint n_candidates, guint seats); /* transfer full */
/* 0 when @box is not an election's. */
guint sh_ballot_box_candidates (ShBallotBox *box);
/* Counts @member_id's ballot once (CONFLICT when they voted already):
 * @marks has one choice per candidate, in ballot order (INVALID when
 * @n_marks differs or this is no election box). *@valid_out FALSE when it
 * approved more candidates than seats: counted as cast, void. */
gboolean sh_ballot_box_cast_election (ShBallotBox *box, gint64 member_id, const ShVoteChoice *marks,
                                      guint n_marks, gboolean *valid_out, char **receipt_out,
                                      GError **error);
/* ------------------------------------ organizational-life warnings */

/* The warnings a branch secretary sees (warnings.c, DOMAIN.md "Attendance"):
 * each active member of the branch is read through
 * sh_rules_organizational_life() over their records of the last
 * SH_WARNING_LOOKBACK_US: every ended meeting they were expected at
 * (attended: present, partly present, late, left early; excused: approved
 * leave or an exclusion) and every meeting of another branch they attended
 * as a visiting migrant member. The six months run from the last meeting
 * attended, or from the latest of: their 入党日期, the branch's first
 * meeting in the system, the start of the look-back, and the last
 * branch-wide meeting held before they came (one that did not list them). */
#define SH_WARNING_LOOKBACK_US (G_GINT64_CONSTANT (400) * 86400 * G_USEC_PER_SEC)
#define SH_WARNING_DEFAULT_DAYS 60
#define SH_WARNING_DEFAULT_ABSENCES 3

typedef struct {
  ShAttendancePolicy attendance; /* how statuses are read */
  GTimeZone *tz;                 /* the branch's calendar (Asia/Shanghai) */
  gint64 warn_before;            /* µs before the lapse the secretary is warned */
  guint absent_limit;            /* unexcused absences in a row; 0: off */
} ShWarningPolicy;

typedef struct {
  gint64 member_id;
  char *name;
  gint64 since;      /* when the six months could start at the earliest */
  guint records;     /* meetings read (expected, and attended elsewhere) */
  ShLifeWarning life; /* at least one of its two warnings is set */
} ShMemberWarning;

void sh_member_warning_free (ShMemberWarning *warning);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMemberWarning, sh_member_warning_free)

/* The members of @branch_id (a branch) with a warning at @now, the
 * nearest lapse first. Returns: (transfer full) (element-type ShMemberWarning). */
GPtrArray *sh_warnings_for_branch (ShStore *store, gint64 branch_id, const ShWarningPolicy *policy,
                                   gint64 now, GError **error);

/* ---------------------------------------------- past meetings (补录) */

/* A meeting that took place (past-meeting.c). A meeting held offline, in a
 * room without the system, is entered afterwards by the secretary (补录):
 * its real start and end, and per expected member the status the secretary
 * enters. Such statuses are not attendance intervals (those come only from
 * the member's own session, no 代签), so the record is flagged
 * (ShAttendanceRecord.recorded_after) with who entered it and when. */
typedef struct {
  gint64 member_id;
  ShAttendanceStatus status; /* present, late, left_early, absent or on_leave */
} ShPastAttendance;

typedef struct {
  gint64 meeting_id;
  gint64 started_at, ended_at; /* UTC µs */
  gint64 entered_by;           /* account */
  gint64 entered_at;
  GArray *statuses; /* (element-type ShPastAttendance) in the order entered */
} ShPastMeeting;

void sh_past_meeting_free (ShPastMeeting *past);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShPastMeeting, sh_past_meeting_free)

/* Whether a secretary may enter @s for a member (sh_meeting_record_past). */
gboolean sh_past_status_allowed (ShAttendanceStatus s);

/* A meeting held live whose history is loaded afterwards (the demo, an
 * import): sh_meeting_mark_started() moves the scheduled (or open) meeting
 * @meeting_id to in_progress as it happened at @started_at (before @now,
 * not before SH_MEETING_MAX_PAST_US ago), with the state log, the
 * "started" event and the expected list frozen as of then;
 * sh_meeting_mark_ended() ends it at @ended_at (after the start, at most
 * SH_MEETING_MAX_DURATION_US later, not after @now). Between the two, the
 * loader adds what happened with the ordinary calls and past times
 * (sh_presence_open() / sh_presence_close(), sh_rollcall_start(), ...).
 * sh_meeting_transition() would stamp the current time instead.
 * INVALID for times, STATE for a meeting in the wrong state. */
gboolean sh_meeting_mark_started (ShStore *store, gint64 meeting_id, gint64 started_at, gint64 now,
                                  GError **error);
gboolean sh_meeting_mark_ended (ShStore *store, gint64 meeting_id, gint64 ended_at, gint64 now,
                                GError **error);

/* 补录: a scheduled meeting held offline from @started_at to @ended_at
 * (the checks of sh_meeting_mark_started() and sh_meeting_mark_ended(),
 * whose records it writes, the log's reason "补录") and, in the same
 * transaction, the statuses
 * @statuses (@n of them) entered by @entered_by at @now: one for every
 * expected member of the frozen list and none for anybody else (INVALID),
 * each sh_past_status_allowed(). CONFLICT when the meeting was entered
 * already. */
gboolean sh_meeting_record_past (ShStore *store, gint64 meeting_id, gint64 started_at,
                                 gint64 ended_at, const ShPastAttendance *statuses, guint n,
                                 gint64 entered_by, gint64 now, GError **error);

/* The 补录 of @meeting_id. Returns: (transfer full), NULL with NOT_FOUND
 * when the meeting was not entered afterwards. */
ShPastMeeting *sh_past_meeting_get (ShStore *store, gint64 meeting_id, GError **error);
/* ------------------------------------------------------- recordings */

/* A meeting's recording (docs/recording.md): the live recorder's tracks and
 * every finished file with its size, duration and SHA-256. A recording
 * still "recording" at start-up was cut by a crash: it is closed as
 * "interrupted" at the crash moment. Files are append-only. */
typedef enum {
  SH_RECORDING_RECORDING,
  SH_RECORDING_COMPLETE,
  SH_RECORDING_INTERRUPTED,
} ShRecordingState;

const char *sh_recording_state_to_string (ShRecordingState state); /* "recording", ... */

typedef struct {
  gint64 id;
  gint64 meeting_id;
  gint64 started_at;
  gint64 ended_at; /* 0 while recording */
  ShRecordingState state;
  gint64 interrupted_at; /* the crash moment, 0 unless interrupted */
} ShRecording;

void sh_recording_free (ShRecording *recording);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecording, sh_recording_free)

typedef struct {
  gint64 id;
  gint64 recording_id;
  guint64 track;       /* the media room's track id */
  char *kind;          /* "microphone", "camera", "screen" */
  char *codec;         /* "opus", "VP8", "VP9", "H264" */
  gint64 participant;  /* the publisher's participant id in the room */
  gint64 member_id;    /* 0: not a member (a guest) */
  char *display_name;
  char *location;      /* fragment pattern relative to the data dir, one %05d */
  gint64 offset_ns;    /* the track's time 0 after the recording's start */
  gint64 started_at;
  gint64 ended_at;     /* 0 while recording */
} ShRecordingTrack;

void sh_recording_track_free (ShRecordingTrack *track);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingTrack, sh_recording_track_free)

typedef enum {
  SH_RECORDING_FILE_FRAGMENT,
  SH_RECORDING_FILE_TRACK,
  SH_RECORDING_FILE_COMPOSITE,
} ShRecordingFileKind;

const char *sh_recording_file_kind_to_string (ShRecordingFileKind kind);

typedef struct {
  gint64 id;
  gint64 recording_id;
  gint64 track_id; /* a recording_tracks id; 0 for a composite */
  ShRecordingFileKind kind;
  char *path;      /* relative to the data directory */
  gint64 size;
  gint64 duration_ns;
  char *sha256;    /* lower-case hex */
  gint64 finished_at;
} ShRecordingFile;

void sh_recording_file_free (ShRecordingFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingFile, sh_recording_file_free)

/* A new recording of @meeting_id in state recording. Returns its id, 0
 * with @error set. */
gint64 sh_recording_start (ShStore *store, gint64 meeting_id, gint64 at, GError **error);
/* Ends a recording that is still recording: complete at @at. STATE when
 * it is not recording any more. */
gboolean sh_recording_complete (ShStore *store, gint64 recording_id, gint64 at, GError **error);
/* Returns: (transfer full) the recording @id, NULL with NOT_FOUND. */
ShRecording *sh_recording_get (ShStore *store, gint64 recording_id, GError **error);
/* Recordings of @meeting_id (0: all) by id.
 * Returns: (transfer full) (element-type ShRecording) */
GPtrArray *sh_recording_list (ShStore *store, gint64 meeting_id, GError **error);

/* A track (@track's id is ignored). Returns its id, 0 with @error set. */
gint64 sh_recording_add_track (ShStore *store, const ShRecordingTrack *track, GError **error);
/* The latest offset of track @id; @ended_at 0 keeps it open. */
gboolean sh_recording_update_track (ShStore *store, gint64 track_id, gint64 offset_ns,
                                    gint64 ended_at, GError **error);
/* Returns: (transfer full) (element-type ShRecordingTrack) by id. */
GPtrArray *sh_recording_list_tracks (ShStore *store, gint64 recording_id, GError **error);

/* A finished file (@file's id is ignored): fragments from the live
 * recorder, per-track files and composites from the renderer. A path
 * recorded twice is a CONFLICT. Returns its id, 0 with @error set. */
gint64 sh_recording_add_file (ShStore *store, const ShRecordingFile *file, GError **error);
/* Files of @recording_id (0: of every recording of @meeting_id; both 0:
 * all) by id. Returns: (transfer full) (element-type ShRecordingFile) */
GPtrArray *sh_recording_list_files (ShStore *store, gint64 recording_id, gint64 meeting_id,
                                    GError **error);

/* After a crash: every recording still recording becomes interrupted, its
 * interrupted_at and ended_at the crash moment (the later of the server's
 * last heartbeat, sh_presence_heartbeat(), its last finished file and its
 * start), and its open tracks end there too.
 * Returns: (transfer full) (element-type ShRecording) those closed. */
GPtrArray *sh_recording_close_after_crash (ShStore *store, GError **error);
/* Ends a recording that is still recording as interrupted at @at (the
 * server stopped, the disk filled): interrupted_at and ended_at @at, its
 * open tracks end there. STATE when it is not recording any more. */
gboolean sh_recording_interrupt (ShStore *store, gint64 recording_id, gint64 at, GError **error);

/* ------------------------------------------------------- recording renders */

/* The composite render of a finished recording (docs/recording.md, "After
 * the meeting"): one row per recording, queued when the recording ends or
 * is closed after a crash, run by the server one at a time. A render still
 * queued or running at start-up is run again from the beginning. */
typedef enum {
  SH_RECORDING_RENDER_QUEUED,
  SH_RECORDING_RENDER_RUNNING,
  SH_RECORDING_RENDER_DONE,
  SH_RECORDING_RENDER_FAILED, /* gave up after its attempts */
} ShRecordingRenderState;

const char *sh_recording_render_state_to_string (ShRecordingRenderState state); /* "queued", ... */

typedef struct {
  gint64 id;
  gint64 recording_id;
  ShRecordingRenderState state;
  guint progress; /* 0..1000 of the current attempt */
  guint attempts; /* attempts started */
  char *error;    /* the last attempt's failure, NULL if none */
  gint64 queued_at;
  gint64 started_at;  /* the current or last attempt's start, 0 if none */
  gint64 finished_at; /* done or failed, 0 otherwise */
} ShRecordingRender;

void sh_recording_render_free (ShRecordingRender *render);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingRender, sh_recording_render_free)

/* Queues the render of @recording_id at @at; a recording has one render,
 * so queuing it again returns the existing row's id. 0 with @error set. */
gint64 sh_recording_render_queue (ShStore *store, gint64 recording_id, gint64 at, GError **error);
/* Returns: (transfer full) the render of @recording_id, NULL with NOT_FOUND. */
ShRecordingRender *sh_recording_render_get (ShStore *store, gint64 recording_id, GError **error);
/* Renders queued or running, oldest first.
 * Returns: (transfer full) (element-type ShRecordingRender) */
GPtrArray *sh_recording_render_list_unfinished (ShStore *store, GError **error);
/* Writes @render's state, progress, attempts, error and times (by its id). */
gboolean sh_recording_render_update (ShStore *store, const ShRecordingRender *render,
                                     GError **error);

/* ------------------------------------------------------- recording access */

/* The audit log of recordings (docs/recording.md, "Playback and download"):
 * who listed, played or downloaded what of a meeting's recordings, and who
 * was refused. Append-only. A player's many Range requests are folded: an
 * entry is not written when the same session already has one for the same
 * meeting, file, action and status within SH_RECORDING_ACCESS_FOLD_US;
 * downloads are always written. */
typedef enum {
  SH_RECORDING_ACCESS_LIST,     /* the recordings of a meeting listed */
  SH_RECORDING_ACCESS_PLAY,     /* a file fetched for playback */
  SH_RECORDING_ACCESS_DOWNLOAD, /* a file fetched as an attachment */
} ShRecordingAccessAction;

#define SH_RECORDING_ACCESS_FOLD_US (G_GINT64_CONSTANT (600) * G_USEC_PER_SEC)

const char *sh_recording_access_action_to_string (ShRecordingAccessAction action);

typedef struct {
  gint64 id;
  gint64 at;
  gint64 account_id;
  char *account_name; /* filled when read: the account's display name */
  char *role;         /* held at the meeting: "admin", "secretary", "chair", "inspector",
                         "member" or "none" */
  gint64 meeting_id;
  gint64 file_id; /* 0 for a listing */
  ShRecordingAccessAction action;
  guint status;   /* the HTTP status answered */
  char *range;    /* the Range header as asked, NULL without one */
  gint64 bytes;   /* body bytes answered */
  char *client;   /* the client's network (sh_client_network) */
  char *session;  /* a tag of the session (never its token), folds repeats */
} ShRecordingAccess;

void sh_recording_access_free (ShRecordingAccess *access);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShRecordingAccess, sh_recording_access_free)

/* Writes @access (its id and account_name are ignored) unless an earlier
 * entry folds it (see above); *@written (nullable) says which. */
gboolean sh_recording_access_record (ShStore *store, const ShRecordingAccess *access,
                                     gboolean *written, GError **error);
/* The entries of @meeting_id, newest first, at most @limit (0: all).
 * Returns: (transfer full) (element-type ShRecordingAccess) */
GPtrArray *sh_recording_access_list (ShStore *store, gint64 meeting_id, guint limit,
                                     GError **error);
/* The recording file @file_id and the meeting it belongs to (*@meeting_id).
 * Returns: (transfer full) the file, NULL with NOT_FOUND. */
ShRecordingFile *sh_recording_access_find_file (ShStore *store, gint64 file_id,
                                                gint64 *meeting_id, GError **error);

/* ------------------------------------------------------- accounts, roles */

typedef enum {
  SH_ROLE_ADMIN,     /* everything; org_id 0 */
  SH_ROLE_SECRETARY, /* of a branch: its members, groups and meetings */
  SH_ROLE_MEMBER,    /* of the member's own branch (derived from member_id) */
  SH_ROLE_INSPECTOR, /* read-only, of an organization and everything below */
} ShRole;

const char *sh_role_to_string (ShRole role);
gboolean sh_role_from_string (const char *s, ShRole *out);

typedef struct {
  ShRole role;
  gint64 org_id;
} ShRoleGrant;

typedef struct {
  gint64 id;
  char *login; /* account name, unique */
  char *phone; /* may be NULL; unique; also accepted at log-in */
  char *display_name;
  gint64 member_id;    /* 0 for accounts that are not Party members of a branch here */
  char *password_hash; /* opaque encoded hash; never logged */
  int failed_logins;
  gint64 locked_until;
  gboolean disabled;
  gint64 calendar_generation; /* signed into calendar links; bumped to revoke them */
} ShAccount;

void sh_account_free (ShAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShAccount, sh_account_free)

gint64 sh_account_create (ShStore *store, const ShAccount *account, GError **error);
ShAccount *sh_account_get (ShStore *store, gint64 id, GError **error);
/* Looks up by account name, or by phone number. NOT_FOUND if neither. */
ShAccount *sh_account_find (ShStore *store, const char *login_or_phone, GError **error);
ShAccount *sh_account_find_by_member (ShStore *store, gint64 member_id, GError **error);
/* Returns: (transfer full) (element-type ShAccount). */
GPtrArray *sh_account_list (ShStore *store, GError **error);
gboolean sh_account_set_password_hash (ShStore *store, gint64 id, const char *hash, GError **error);
/* Disabling the last enabled administrator is refused (STATE). */
gboolean sh_account_set_disabled (ShStore *store, gint64 id, gboolean disabled, GError **error);

/* Counts a failed log-in; after @max_failures in a row the account is locked
 * until @now + @lock_duration. A lock that has expired starts the count
 * again; failures while locked do not extend the lock. Returns the new
 * failure count. */
int sh_account_record_failure (ShStore *store, gint64 id, gint64 now, int max_failures,
                               gint64 lock_duration, GError **error);
/* Clears the failure count and the lock (a log-in succeeded, or an
 * administrator unlocked the account). */
gboolean sh_account_record_success (ShStore *store, gint64 id, GError **error);
/* Sets a new password hash, clears the lock, bumps the calendar generation
 * and ends every session of the account except @keep_token_hash (nullable),
 * in one transaction. */
gboolean sh_account_change_password (ShStore *store, gint64 id, const char *hash,
                                     const char *keep_token_hash, GError **error);
/* Bumps the calendar generation (old calendar links stop working).
 * Returns the new generation, or -1 with @error set. */
gint64 sh_account_renew_calendar (ShStore *store, gint64 id, GError **error);
/* Remembers that @network (an opaque string, e.g. "203.0.113.0/24") saw a
 * successful log-in of the account at @now, and forgets the account's
 * networks last seen before @forget_before. */
gboolean sh_account_add_network (ShStore *store, gint64 id, const char *network, gint64 now,
                                 gint64 forget_before, GError **error);
/* Gives the account a one-time log-in code (replacing any earlier one),
 * stored as @code_hash, valid until @expires_at. */
gboolean sh_account_set_login_code (ShStore *store, gint64 id, const char *code_hash,
                                    gint64 expires_at, GError **error);
/* Uses up the account's one-time code if @code_hash is it and it has not
 * expired at @now; sets @used. */
gboolean sh_account_use_login_code (ShStore *store, gint64 id, const char *code_hash, gint64 now,
                                    gboolean *used, GError **error);
/* Whether the account logged in from @network at or after @since. */
gboolean sh_account_knows_network (ShStore *store, gint64 id, const char *network, gint64 since,
                                   gboolean *known, GError **error);

gboolean sh_role_grant (ShStore *store, gint64 account_id, ShRole role, gint64 org_id,
                        GError **error);
/* Revoking the admin role of the last enabled administrator is refused
 * (STATE): nobody could manage accounts any more. */
gboolean sh_role_revoke (ShStore *store, gint64 account_id, ShRole role, gint64 org_id,
                         GError **error);
/* Every grant of the account, including the member role derived from its
 * member (home branch, and the branch a migrant visits).
 * Returns: (transfer full) GArray of ShRoleGrant. */
GArray *sh_account_roles (ShStore *store, gint64 account_id, GError **error);

/* -------------------------------------------------------------- sessions */

/* Sessions are stored by the SHA-256 of their token, never the token. */
gboolean sh_session_create (ShStore *store, const char *token_hash, gint64 account_id,
                            const char *csrf_token, gint64 expires_at, GError **error);
/* Finds a live session; sets @account_id and @csrf_token (transfer full). */
gboolean sh_session_lookup (ShStore *store, const char *token_hash, gint64 now, gint64 *account_id,
                            char **csrf_token, GError **error);
gboolean sh_session_delete (ShStore *store, const char *token_hash, GError **error);
/* Ends every session of @account_id except @keep_token_hash (nullable);
 * returns how many, or -1 with @error set. */
gint64 sh_session_delete_for_account (ShStore *store, gint64 account_id,
                                      const char *keep_token_hash, GError **error);
/* Removes expired sessions; returns how many. */
gint64 sh_session_purge (ShStore *store, gint64 now, GError **error);

/* ------------------------------------------------------- member import */

typedef struct {
  guint line;    /* 1-based line in the file */
  char *message; /* why, in Chinese */
} ShImportRejection;

typedef struct {
  gint64 branch_id;
  GPtrArray *members;  /* (element-type ShMember) valid rows */
  GPtrArray *rejected; /* (element-type ShImportRejection) */
  char *encoding;      /* "UTF-8", "UTF-8 (BOM)" or "GBK" */
} ShImportPreview;

void sh_import_preview_free (ShImportPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShImportPreview, sh_import_preview_free)

/* Parses a CSV as Excel and WPS write it (UTF-8 with or without BOM, or GBK;
 * quoted fields, CRLF). Columns by Chinese header: 姓名, 手机号, 党员类别
 * (正式/预备), 入党日期, 留党察看 (是/否), 流动党员 (是/否). Rows that break a
 * rule, or repeat a phone number in the file or the store, are rejected with
 * their line. A file that cannot be read at all is an error.
 * Returns: (transfer full). */
ShImportPreview *sh_import_preview_csv (ShStore *store, gint64 branch_id, const char *data,
                                        gsize length, GError **error);

/* Imports the preview's members in one transaction. With rejected rows
 * present nothing is imported unless @skip_rejected. Sets @imported. */
gboolean sh_import_commit (ShStore *store, const ShImportPreview *preview, gboolean skip_rejected,
                           guint *imported, GError **error);

G_END_DECLS

/* The areas, in the order their types build on each other. */
#define SH_MINUTES_INSIDE
#include "sanhui-minutes/org.h"
#include "sanhui-minutes/meetings.h"
#include "sanhui-minutes/votes.h"
#include "sanhui-minutes/attendance.h"
#include "sanhui-minutes/elections.h"
#include "sanhui-minutes/organizational-life.h"
#include "sanhui-minutes/recordings.h"
#include "sanhui-minutes/meeting-minutes.h"
#include "sanhui-minutes/accounts.h"
#include "sanhui-minutes/archive.h"
#undef SH_MINUTES_INSIDE
