/* Tests for the organizational-life warnings of a branch
 * (minutes/src/warnings.c) over a real store: meetings held in the past
 * with attendance, leave, an exclusion, a visiting migrant member who
 * attends elsewhere, a member who never came and one who came after.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define DAY (G_GINT64_CONSTANT (86400) * SEC)

enum { ZHANG, LI, WANG, ZHAO, QIAN, SUN, N_MEMBERS };

typedef struct {
  ShStore *store;
  GTimeZone *tz;
  gint64 branch, other, now;
  gint64 member[N_MEMBERS], account[N_MEMBERS];
  gint64 held[5]; /* planned starts of the home meetings */
  gint64 visited; /* planned start of the meeting 孙八 attended elsewhere */
  gint64 late_member;
  gint64 other_chair;
} Fixture;

static const char *const names[N_MEMBERS] = { "张三", "李四", "王五", "赵六", "钱七", "孙八" };
static const char *const logins[N_MEMBERS]
    = { "zhangsan", "lisi", "wangwu", "zhaoliu", "qianqi", "sunba" };

/* Holds a general meeting of @org planned @days_ago: the members whose
 * bit is in @came are in the room for 50 minutes, those in @leave on
 * approved leave. */
static gint64
hold (Fixture *f, gint64 org, gint64 days_ago, guint came, guint leave)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m
      = minutes_fixture_meeting (org, SH_MEETING_GENERAL, "支部党员大会", f->now - days_ago * DAY);
  g_autoptr (ShAttendance) a = NULL;
  gint64 id;

  m->chair_member_id = org == f->branch ? f->member[ZHANG] : f->other_chair;
  id = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_MEMBERS; i++) {
    if (!(leave & (1u << i)))
      continue;
    gint64 r = sh_leave_request (f->store, id, f->member[i], "出差", f->account[i], &error);
    g_assert_no_error (error);
    g_assert_true (sh_leave_approve (f->store, r, f->account[ZHANG], NULL, &error));
  }
  g_assert_true (sh_meeting_transition (f->store, id, SH_MEETING_OPEN, NULL, &error));
  g_assert_true (sh_meeting_transition (f->store, id, SH_MEETING_IN_PROGRESS, NULL, &error));
  a = sh_attendance_expected (f->store, id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_MEMBERS; i++) {
    if (!(came & (1u << i)))
      continue;
    gint64 p = sh_presence_open (f->store, id, f->account[i], f->member[i],
                                 org == f->branch ? SH_ATTENDANCE_EXPECTED : SH_ATTENDANCE_VISITOR,
                                 SH_DEVICE_PHONE, FALSE, a->frozen_at, &error);
    g_assert_no_error (error);
    g_assert_true (
        sh_presence_close (f->store, p, a->frozen_at + 3000 * SEC, SH_PRESENCE_LEFT, &error));
  }
  g_assert_cmpint (sh_meeting_event_append (f->store, id, 0, 0, SH_MEETING_EVENT_ENDED, NULL,
                                            a->frozen_at + 3600 * SEC, &error),
                   >, 0);
  g_assert_true (sh_meeting_transition (f->store, id, SH_MEETING_ENDED, NULL, &error));
  g_assert_no_error (error);
  return m->planned_start;
}

#define ALL ((1u << N_MEMBERS) - 1)
#define BIT(i) (1u << (i))

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ShExclusion x = { 0 };
  gint64 committee;

  f->store = minutes_fixture_open_memory ();
  f->tz = g_time_zone_new_identifier ("Asia/Shanghai");
  f->now = g_get_real_time ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  f->other_chair = minutes_fixture_member (f->store, f->other, "周十", SH_MEMBER_FULL, 0);
  for (guint i = 0; i < N_MEMBERS; i++) {
    f->member[i] = minutes_fixture_member (f->store, f->branch, names[i], SH_MEMBER_FULL,
                                           i == SUN ? f->other : 0);
    f->account[i] = minutes_fixture_account (f->store, logins[i], names[i], f->member[i]);
  }
  x.member_id = f->member[ZHAO];
  x.reason = SH_EXCLUSION_ILLNESS;
  x.approver = (char *) "机关党委";
  x.starts_at = f->now - 300 * DAY;
  x.recorded_by = f->account[ZHANG];
  g_assert_cmpint (sh_exclusion_create (f->store, &x, &error), >, 0);

  /* 张三 always; 李四 twice, then absent three times; 王五 once, then on
   * leave; 赵六 excluded; 钱七 never; 孙八 at home once, then elsewhere
   * between two absences. */
  f->held[0] = hold (f, f->branch, 200, BIT (ZHANG) | BIT (LI) | BIT (WANG) | BIT (SUN), 0);
  f->held[1] = hold (f, f->branch, 100, BIT (ZHANG) | BIT (LI), BIT (WANG));
  f->held[2] = hold (f, f->branch, 70, BIT (ZHANG), BIT (WANG));
  f->visited = hold (f, f->other, 50, BIT (SUN), 0);
  f->held[3] = hold (f, f->branch, 40, BIT (ZHANG), BIT (WANG));
  f->held[4] = hold (f, f->branch, 10, BIT (ZHANG), BIT (WANG));
  /* Came to the branch after the last meeting: on no list yet. */
  f->late_member = minutes_fixture_member (f->store, f->branch, "吴十一", SH_MEMBER_FULL, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_time_zone_unref (f->tz);
  sh_store_free (f->store);
}

static GPtrArray *
warnings_at (Fixture *f, gint64 now, guint warn_days)
{
  g_autoptr (GError) error = NULL;
  ShWarningPolicy policy = {
    .attendance = { 80, 300 * SEC },
    .tz = f->tz,
    .warn_before = warn_days * DAY,
    .absent_limit = 3,
  };
  GPtrArray *w = sh_warnings_for_branch (f->store, f->branch, &policy, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (w);
  return w;
}

static const ShMemberWarning *
find (GPtrArray *warnings, gint64 member_id)
{
  for (guint i = 0; i < warnings->len; i++)
    if (((ShMemberWarning *) g_ptr_array_index (warnings, i))->member_id == member_id)
      return g_ptr_array_index (warnings, i);
  return NULL;
}

/* Six calendar months after @at in Shanghai. */
static gint64
six_months (Fixture *f, gint64 at)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (at / SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, f->tz);
  g_autoptr (GDateTime) later = g_date_time_add_months (local, 6);

  return g_date_time_to_unix (later) * SEC + at % SEC;
}

static void
test_branch (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) w = warnings_at (f, f->now, 60);
  const ShMemberWarning *li = find (w, f->member[LI]);
  const ShMemberWarning *qian = find (w, f->member[QIAN]);

  /* Always there; on leave every time missed; excluded; back elsewhere;
   * new: nothing to say. */
  g_assert_null (find (w, f->member[ZHANG]));
  g_assert_null (find (w, f->member[WANG]));
  g_assert_null (find (w, f->member[ZHAO]));
  g_assert_null (find (w, f->member[SUN]));
  g_assert_null (find (w, f->late_member));
  g_assert_cmpuint (w->len, ==, 2);

  /* Three unexcused absences in a row; the lapse is months off. */
  g_assert_nonnull (li);
  g_assert_cmpstr (li->name, ==, "李四");
  g_assert_true (li->life.absence_warning);
  g_assert_false (li->life.lapse_warning);
  g_assert_cmpuint (li->life.absent_in_row, ==, 3);
  g_assert_cmpuint (li->life.missed_unexcused, ==, 3);
  g_assert_cmpint (li->life.last_attended, ==, f->held[1]);
  g_assert_cmpint (li->life.lapse_at, ==, six_months (f, f->held[1]));
  g_assert_cmpuint (li->records, ==, 5);

  /* Never came: both warnings, the six months from the branch's first
   * meeting in the system; the nearest lapse comes first. */
  g_assert_nonnull (qian);
  g_assert_true (qian->life.absence_warning);
  g_assert_true (qian->life.lapse_warning);
  g_assert_cmpint (qian->life.last_attended, ==, 0);
  g_assert_cmpuint (qian->life.absent_in_row, ==, 5);
  g_assert_cmpint (qian->since, ==, f->held[0]);
  g_assert_cmpint (qian->life.lapse_at, ==, six_months (f, f->held[0]));
  g_assert_true (g_ptr_array_index (w, 0) == qian);
}

/* The warning period decides when the lapse is flagged. */
static void
test_warn_before (Fixture *f, gconstpointer data)
{
  gint64 lapse = six_months (f, f->held[1]);
  g_autoptr (GPtrArray) early = warnings_at (f, lapse - 90 * DAY - 1, 90);
  g_autoptr (GPtrArray) due = warnings_at (f, lapse - 90 * DAY, 90);

  g_assert_false (find (early, f->member[LI])->life.lapse_warning);
  g_assert_true (find (due, f->member[LI])->life.lapse_warning);
  /* 孙八 last came elsewhere: the lapse runs from there. */
  g_autoptr (GPtrArray) later = warnings_at (f, six_months (f, f->visited), 0);
  const ShMemberWarning *sun = find (later, f->member[SUN]);
  g_assert_nonnull (sun);
  g_assert_true (sun->life.lapse_warning);
  g_assert_false (sun->life.absence_warning);
  g_assert_cmpint (sun->life.last_attended, ==, f->visited);
  g_assert_cmpuint (sun->life.absent_in_row, ==, 2);
  /* The new member's six months run from the last meeting before they
   * came; 王五's missed meetings all had leave: never a lapse warning. */
  g_autoptr (GPtrArray) much_later = warnings_at (f, six_months (f, f->held[4]), 0);
  const ShMemberWarning *late = find (much_later, f->late_member);
  g_assert_nonnull (late);
  g_assert_cmpint (late->since, ==, f->held[4]);
  g_assert_cmpuint (late->records, ==, 0);
  g_assert_null (find (much_later, f->member[WANG]));
  g_assert_null (find (much_later, f->member[ZHAO]));
  g_assert_null (find (warnings_at (f, six_months (f, f->held[4]) - 1, 0), f->late_member));
}

/* Only a branch has warnings; a branch that never met has none. */
static void
test_edges (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ShWarningPolicy policy = { { 80, 300 * SEC }, f->tz, 60 * DAY, 3 };
  gint64 quiet = minutes_fixture_org (f->store, 1, SH_ORG_BRANCH, "第三党支部");
  g_autoptr (GPtrArray) none = NULL;

  minutes_fixture_member (f->store, quiet, "郑十二", SH_MEMBER_FULL, 0);
  none = sh_warnings_for_branch (f->store, quiet, &policy, f->now + 400 * DAY, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_null (sh_warnings_for_branch (f->store, 1, &policy, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (sh_warnings_for_branch (f->store, 9999, &policy, f->now, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/warnings/branch", Fixture, NULL, fixture_set_up, test_branch, fixture_tear_down);
  g_test_add ("/warnings/warn-before", Fixture, NULL, fixture_set_up, test_warn_before,
              fixture_tear_down);
  g_test_add ("/warnings/edges", Fixture, NULL, fixture_set_up, test_edges, fixture_tear_down);
  return g_test_run ();
}
