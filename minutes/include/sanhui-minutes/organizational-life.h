/* sanhui-minutes/organizational-life.h — part of sanhui-minutes.h: Organizational-life warnings and
 * past meetings entered afterwards (补录). Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

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
  gint64 since;       /* when the six months could start at the earliest */
  guint records;      /* meetings read (expected, and attended elsewhere) */
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

G_END_DECLS
