/* sanhui-minutes/attendance.h — part of sanhui-minutes.h: Attendance intervals and roll calls.
 * Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

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
  SH_ATTENDANCE_PRESENT,     /* 出席 */
  SH_ATTENDANCE_PARTLY,      /* 部分出席: below the configured share */
  SH_ATTENDANCE_LATE,        /* 迟到 */
  SH_ATTENDANCE_LEFT_EARLY,  /* 早退 */
  SH_ATTENDANCE_ABSENT,      /* 缺席 */
  SH_ATTENDANCE_ON_LEAVE,    /* 请假: approved leave and not present */
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
  GPtrArray *intervals;          /* (element-type ShPresenceInterval) owns what the rows borrow */
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
  gint64 started_by;  /* account */
  guint seconds;      /* the time limit */
  gint64 started_at;  /* UTC µs */
  gint64 deadline;    /* started_at + seconds */
  gint64 closed_at;   /* 0 while open */
  guint asked;        /* entries asked */
  guint answered;     /* entries answered */
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

G_END_DECLS
