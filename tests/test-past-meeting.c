/* Tests for meetings that took place (minutes/src/past-meeting.c): a live
 * meeting's history loaded with its real times, and the 补录 of one held
 * offline: its checks (future, end before start, over 24 hours, too old,
 * entered twice, members of another organization, garbage), what the
 * attendance record and the warnings make of it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define HOUR (G_GINT64_CONSTANT (3600) * SEC)
#define DAY (24 * HOUR)

enum { ZHANG, LI, WANG, ZHAO, N_MEMBERS };

typedef struct {
  ShStore *store;
  gint64 now, branch, other, outsider;
  gint64 member[N_MEMBERS], account[N_MEMBERS];
  gint64 meeting; /* a general meeting planned 3 days ago, still scheduled */
  gint64 start, end;
} Fixture;

static const char *const names[N_MEMBERS] = { "张三", "李四", "王五", "赵六" };
static const char *const logins[N_MEMBERS] = { "zhangsan", "lisi", "wangwu", "zhaoliu" };

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee;

  f->store = minutes_fixture_open_memory ();
  f->now = g_get_real_time ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  for (guint i = 0; i < N_MEMBERS; i++) {
    f->member[i] = minutes_fixture_member (f->store, f->branch, names[i],
                                           i == ZHAO ? SH_MEMBER_PROBATIONARY : SH_MEMBER_FULL, 0);
    f->account[i] = minutes_fixture_account (f->store, logins[i], names[i], f->member[i]);
  }
  f->outsider = minutes_fixture_member (f->store, f->other, "周十", SH_MEMBER_FULL, 0);
  f->start = f->now - 3 * DAY;
  f->end = f->start + 2 * HOUR;
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会（线下）", f->start);
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static ShMeetingState
state_of (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = sh_meeting_get (f->store, id, &error);

  g_assert_no_error (error);
  return m->state;
}

/* Everyone entered: 张三 present, 李四 late, 王五 on leave, 赵六 absent. */
static void
fill (Fixture *f, ShPastAttendance out[N_MEMBERS])
{
  static const ShAttendanceStatus statuses[N_MEMBERS]
      = { SH_ATTENDANCE_PRESENT, SH_ATTENDANCE_LATE, SH_ATTENDANCE_ON_LEAVE, SH_ATTENDANCE_ABSENT };

  for (guint i = 0; i < N_MEMBERS; i++)
    out[i] = (ShPastAttendance){ f->member[i], statuses[i] };
}

static const ShAttendanceRow *
row_of (const ShAttendanceRecord *r, gint64 member_id)
{
  for (guint i = 0; i < r->rows->len; i++) {
    const ShAttendanceRow *row = g_ptr_array_index (r->rows, i);

    if (row->member_id == member_id)
      return row;
  }
  g_assert_not_reached ();
}

static const ShAttendancePolicy policy = { 80, 300 * SEC };

static void
test_record_past (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendanceRecord) r = NULL;
  g_autoptr (ShPastMeeting) past = NULL;
  g_autoptr (ShAttendance) expected = NULL;
  g_autoptr (GPtrArray) events = NULL;
  ShPastAttendance entered[N_MEMBERS];
  gint64 leave;

  /* Leave is asked and decided before, as usual. */
  leave
      = sh_leave_request (f->store, f->meeting, f->member[WANG], "出差", f->account[WANG], &error);
  g_assert_no_error (error);
  g_assert_true (sh_leave_approve (f->store, leave, f->account[ZHANG], NULL, &error));
  fill (f, entered);
  g_assert_true (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered, N_MEMBERS,
                                         f->account[ZHANG], f->now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_ENDED);

  past = sh_past_meeting_get (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpint (past->started_at, ==, f->start);
  g_assert_cmpint (past->ended_at, ==, f->end);
  g_assert_cmpint (past->entered_by, ==, f->account[ZHANG]);
  g_assert_cmpint (past->entered_at, ==, f->now);
  g_assert_cmpuint (past->statuses->len, ==, N_MEMBERS);
  g_assert_cmpint (g_array_index (past->statuses, ShPastAttendance, 1).status, ==,
                   SH_ATTENDANCE_LATE);

  /* Frozen as of the real start, with the events at the real times. */
  expected = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_true (expected->frozen);
  g_assert_cmpint (expected->at, ==, f->start);
  g_assert_cmpint (expected->frozen_at, ==, f->start);
  g_assert_cmpuint (expected->expected, ==, N_MEMBERS);
  events = sh_meeting_event_list (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (((ShMeetingEvent *) events->pdata[0])->kind, ==, SH_MEETING_EVENT_STARTED);
  g_assert_cmpint (((ShMeetingEvent *) events->pdata[0])->at, ==, f->start);
  g_assert_cmpint (((ShMeetingEvent *) events->pdata[1])->kind, ==, SH_MEETING_EVENT_ENDED);
  g_assert_cmpint (((ShMeetingEvent *) events->pdata[1])->at, ==, f->end);

  r = sh_attendance_record (f->store, f->meeting, &policy, f->now, &error);
  g_assert_no_error (error);
  g_assert_true (r->recorded_after);
  g_assert_cmpint (r->entered_by, ==, f->account[ZHANG]);
  g_assert_cmpint (r->entered_at, ==, f->now);
  g_assert_cmpint (r->start, ==, f->start);
  g_assert_cmpint (r->end, ==, f->end);
  g_assert_false (r->live);
  g_assert_cmpint (row_of (r, f->member[ZHANG])->status, ==, SH_ATTENDANCE_PRESENT);
  g_assert_cmpint (row_of (r, f->member[LI])->status, ==, SH_ATTENDANCE_LATE);
  g_assert_true (row_of (r, f->member[LI])->tally.late);
  g_assert_cmpint (row_of (r, f->member[WANG])->status, ==, SH_ATTENDANCE_ON_LEAVE);
  g_assert_cmpint (row_of (r, f->member[WANG])->entry->leave_state, ==, SH_LEAVE_APPROVED);
  g_assert_cmpint (row_of (r, f->member[ZHAO])->status, ==, SH_ATTENDANCE_ABSENT);
  /* No interval is made up: the statuses are what was entered. */
  g_assert_cmpuint (r->intervals->len, ==, 0);
  g_assert_cmpuint (r->present, ==, 2);
  g_assert_cmpuint (r->voting_present, ==, 2);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_PRESENT], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_LATE], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_ON_LEAVE], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_ABSENT], ==, 1);
}

/* The times of a 补录: nothing is written when one is wrong. */
static void
test_times (Fixture *f, gconstpointer data)
{
  const struct {
    gint64 start, end;
  } bad[] = {
    { f->now - HOUR, f->now + HOUR },                  /* ends in the future */
    { f->now + HOUR, f->now + 2 * HOUR },              /* starts in the future */
    { f->start, f->start },                            /* no length */
    { f->start, f->start - HOUR },                     /* ends before it starts */
    { f->start - 2 * DAY, f->start },                  /* 48 hours */
    { f->start - DAY - SEC, f->start },                /* one second over 24 hours */
    { f->now - 400 * DAY, f->now - 400 * DAY + HOUR }, /* over a year ago */
    { 0, f->end },
    { -5, f->end },
  };
  ShPastAttendance entered[N_MEMBERS];

  fill (f, entered);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_false (sh_meeting_record_past (f->store, f->meeting, bad[i].start, bad[i].end, entered,
                                            N_MEMBERS, f->account[ZHANG], f->now, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
    g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_SCHEDULED);
  }
  /* Exactly 24 hours, ending now, is allowed. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_true (sh_meeting_record_past (f->store, f->meeting, f->now - DAY, f->now, entered,
                                           N_MEMBERS, f->account[ZHANG], f->now, &error));
    g_assert_no_error (error);
  }
}

static void
test_duplicate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShPastMeeting) past = NULL;
  ShPastAttendance entered[N_MEMBERS], again[N_MEMBERS];

  fill (f, entered);
  g_assert_true (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered, N_MEMBERS,
                                         f->account[ZHANG], f->now, &error));
  fill (f, again);
  again[0].status = SH_ATTENDANCE_ABSENT;
  g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start + HOUR, f->end, again,
                                          N_MEMBERS, f->account[LI], f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Nor can a meeting entered afterwards be marked as held live. */
  g_assert_false (sh_meeting_mark_started (f->store, f->meeting, f->start, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  past = sh_past_meeting_get (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpint (past->entered_by, ==, f->account[ZHANG]);
  g_assert_cmpint (g_array_index (past->statuses, ShPastAttendance, 0).status, ==,
                   SH_ATTENDANCE_PRESENT);
}

/* A meeting that was held live cannot be entered afterwards. */
static void
test_live_meeting_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ShPastAttendance entered[N_MEMBERS];

  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  fill (f, entered);
  g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered,
                                          N_MEMBERS, f->account[ZHANG], f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_IN_PROGRESS);
}

/* Members of another branch, and the list of another meeting. */
static void
test_wrong_org (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ShPastAttendance entered[N_MEMBERS + 1];

  fill (f, entered);
  entered[N_MEMBERS] = (ShPastAttendance){ f->outsider, SH_ATTENDANCE_PRESENT };
  g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered,
                                          N_MEMBERS + 1, f->account[ZHANG], f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  entered[0].member_id = f->outsider;
  g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered,
                                          N_MEMBERS, f->account[ZHANG], f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* Rolled back as a whole: not started, nothing frozen. */
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_SCHEDULED);
  {
    g_autoptr (ShAttendance) a = sh_attendance_expected (f->store, f->meeting, &error);

    g_assert_no_error (error);
    g_assert_false (a->frozen);
  }
  {
    g_autoptr (ShPastMeeting) none = sh_past_meeting_get (f->store, f->meeting, &error);

    g_assert_null (none);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  }
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  ShPastAttendance entered[N_MEMBERS];
  const ShAttendanceStatus not_entered[] = {
    SH_ATTENDANCE_PARTLY,    SH_ATTENDANCE_IS_EXCLUDED, SH_ATTENDANCE_STATUS_COUNT,
    (ShAttendanceStatus) 77, (ShAttendanceStatus) -1,
  };

  for (guint i = 0; i < G_N_ELEMENTS (not_entered); i++) {
    g_autoptr (GError) error = NULL;

    fill (f, entered);
    entered[2].status = not_entered[i];
    g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered,
                                            N_MEMBERS, f->account[ZHANG], f->now, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  for (guint c = 0; c < 6; c++) {
    g_autoptr (GError) error = NULL;
    guint n = N_MEMBERS;

    fill (f, entered);
    switch (c) {
      case 0:
        entered[1].member_id = 0;
        break;
      case 1:
        entered[1].member_id = -7;
        break;
      case 2:
        entered[1].member_id = 99999;
        break;
      case 3:
        entered[1].member_id = entered[0].member_id;
        break; /* twice, one missing */
      case 4:
        n = N_MEMBERS - 1;
        break; /* one missing */
      default:
        n = 0;
        break; /* nobody */
    }
    g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, entered, n,
                                            f->account[ZHANG], f->now, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (sh_meeting_record_past (f->store, f->meeting, f->start, f->end, NULL, 3,
                                            f->account[ZHANG], f->now, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  {
    g_autoptr (GError) error = NULL;

    fill (f, entered);
    g_assert_false (sh_meeting_record_past (f->store, 4242, f->start, f->end, entered, N_MEMBERS,
                                            f->account[ZHANG], f->now, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  }
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_SCHEDULED);
}

/* A live meeting's history: started, intervals with past times, ended. */
static void
test_mark_held (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendanceRecord) r = NULL;
  gint64 id;

  /* Not started yet: nothing to end. */
  g_assert_false (sh_meeting_mark_ended (f->store, f->meeting, f->end, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_meeting_mark_started (f->store, f->meeting, f->now + HOUR, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (sh_meeting_mark_started (f->store, f->meeting, f->start, f->now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_IN_PROGRESS);
  id = sh_presence_open (f->store, f->meeting, f->account[ZHANG], f->member[ZHANG],
                         SH_ATTENDANCE_EXPECTED, SH_DEVICE_PHONE, FALSE, f->start, &error);
  g_assert_true (sh_presence_close (f->store, id, f->end, SH_PRESENCE_MEETING_ENDED, &error));
  id = sh_presence_open (f->store, f->meeting, f->account[LI], f->member[LI],
                         SH_ATTENDANCE_EXPECTED, SH_DEVICE_COMPUTER, TRUE, f->start + HOUR, &error);
  g_assert_true (sh_presence_close (f->store, id, f->end, SH_PRESENCE_MEETING_ENDED, &error));
  g_assert_no_error (error);

  /* The end: after the start, within 24 hours, not in the future. */
  g_assert_false (sh_meeting_mark_ended (f->store, f->meeting, f->start, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (
      sh_meeting_mark_ended (f->store, f->meeting, f->start + DAY + SEC, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_meeting_mark_ended (f->store, f->meeting, f->now + SEC, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (sh_meeting_mark_ended (f->store, f->meeting, f->end, f->now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, f->meeting), ==, SH_MEETING_ENDED);

  r = sh_attendance_record (f->store, f->meeting, &policy, f->now, &error);
  g_assert_no_error (error);
  g_assert_false (r->recorded_after);
  g_assert_cmpint (r->start, ==, f->start);
  g_assert_cmpint (r->end, ==, f->end);
  g_assert_cmpint (row_of (r, f->member[ZHANG])->status, ==, SH_ATTENDANCE_PRESENT);
  g_assert_cmpint (row_of (r, f->member[ZHANG])->tally.total_us, ==, 2 * HOUR);
  g_assert_cmpint (row_of (r, f->member[LI])->status, ==, SH_ATTENDANCE_PARTLY);
  g_assert_cmpint (row_of (r, f->member[WANG])->status, ==, SH_ATTENDANCE_ABSENT);
  g_assert_cmpuint (r->present, ==, 2);
}

/* A 补录 counts as organizational life: the members entered present are
 * not warned, those entered absent three times in a row are. */
static void
test_warnings_count_it (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GError) error = NULL;
  ShWarningPolicy wp
      = { .attendance = policy, .tz = tz, .warn_before = 60 * DAY, .absent_limit = 3 };
  gboolean zhao = FALSE;

  /* 100, 70 and 40 days ago, then the fixture's meeting 3 days ago. */
  for (guint k = 0; k < 4; k++) {
    g_autoptr (ShMeeting) m = minutes_fixture_meeting (
        f->branch, SH_MEETING_GENERAL, "线下党员大会", f->now - (100 - 30 * k) * DAY);
    gint64 id = k == 3 ? f->meeting : sh_meeting_create (f->store, m, &error);
    gint64 start = k == 3 ? f->start : m->planned_start;
    ShPastAttendance entered[N_MEMBERS];

    g_assert_no_error (error);
    fill (f, entered);
    entered[WANG].status = k == 0 ? SH_ATTENDANCE_PRESENT : SH_ATTENDANCE_ABSENT;
    g_assert_true (sh_meeting_record_past (f->store, id, start, start + HOUR, entered, N_MEMBERS,
                                           f->account[ZHANG], f->now, &error));
    g_assert_no_error (error);
  }
  warnings = sh_warnings_for_branch (f->store, f->branch, &wp, f->now, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < warnings->len; i++) {
    const ShMemberWarning *w = g_ptr_array_index (warnings, i);

    /* 张三 and 李四 came (present, late); 王五 came 100 days ago, then was
     * absent three times; 赵六 was absent from all four. */
    g_assert_cmpint (w->member_id, !=, f->member[ZHANG]);
    g_assert_cmpint (w->member_id, !=, f->member[LI]);
    g_assert_true (w->life.absence_warning);
    g_assert_false (w->life.lapse_warning);
    if (w->member_id == f->member[WANG])
      g_assert_cmpint (w->life.last_attended, ==, f->now - 100 * DAY);
    zhao = zhao || w->member_id == f->member[ZHAO];
  }
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_true (zhao);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/past-meeting/record", test_record_past);
  ADD ("/past-meeting/times", test_times);
  ADD ("/past-meeting/duplicate", test_duplicate);
  ADD ("/past-meeting/live-meeting-refused", test_live_meeting_refused);
  ADD ("/past-meeting/wrong-org", test_wrong_org);
  ADD ("/past-meeting/garbage", test_garbage);
  ADD ("/past-meeting/mark-held", test_mark_held);
  ADD ("/past-meeting/warnings-count-it", test_warnings_count_it);
#undef ADD
  return g_test_run ();
}
