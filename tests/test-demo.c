/* Tests for the demo organization (signaling/src/demo.c): its history of
 * the past five months, what the warnings make of it, and that it loads
 * quickly and only into an empty store.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"
#include "sanhui-signaling.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define DAY (G_GINT64_CONSTANT (86400) * SEC)

typedef struct {
  ShStore *store;
  gint64 branch;
  GPtrArray *meetings; /* of the first branch and its groups */
  GPtrArray *members;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();

  f->store = minutes_fixture_open_memory ();
  g_assert_true (sh_demo_load (f->store, 1, &error));
  g_assert_no_error (error);
  /* Loading stays quick: a fraction of a second on a laptop, a bound
   * generous for a loaded machine; sanitizer builds are too slow to say. */
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 3.0);
#endif
  for (gint64 id = 1; !f->branch; id++) {
    g_autoptr (ShOrg) org = sh_org_get (f->store, id, &error);

    g_assert_no_error (error);
    if (g_str_equal (org->name, "第一党支部"))
      f->branch = id;
  }
  f->meetings = sh_meeting_list_for_org (f->store, f->branch, 0, 0, &error);
  g_assert_no_error (error);
  f->members = sh_member_list (f->store, f->branch, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_ptr_array_unref (f->meetings);
  g_ptr_array_unref (f->members);
  sh_store_free (f->store);
}

static gint64
member_named (Fixture *f, const char *name)
{
  for (guint i = 0; i < f->members->len; i++) {
    const ShMember *m = g_ptr_array_index (f->members, i);

    if (g_str_equal (m->name, name))
      return m->id;
  }
  g_assert_not_reached ();
}

static const ShAttendancePolicy policy = { 80, 300 * SEC };

static void
test_history (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 now = g_get_real_time ();
  guint scheduled = 0, ended = 0, offline = 0, rollcalls = 0, approved = 0, intervals = 0;
  guint by_type[SH_MEETING_PARTY_DAY + 1] = { 0 };

  for (guint i = 0; i < f->meetings->len; i++) {
    const ShMeeting *m = g_ptr_array_index (f->meetings, i);
    g_autoptr (GError) error = NULL;
    g_autoptr (ShAttendanceRecord) r = NULL;
    g_autoptr (GPtrArray) leave = NULL;
    g_autoptr (GPtrArray) calls = NULL;
    g_autoptr (GDateTime) utc = NULL;
    g_autoptr (GDateTime) local = NULL;
    int hour;

    if (m->state == SH_MEETING_SCHEDULED) {
      g_assert_cmpint (m->planned_start, >, now);
      scheduled++;
      continue;
    }
    g_assert_cmpint (m->state, ==, SH_MEETING_ENDED);
    g_assert_cmpint (m->planned_start, <, now);
    g_assert_cmpint (m->planned_start, >, now - 160 * DAY);
    ended++;
    by_type[m->type]++;
    /* Evenings after work, or Saturdays. */
    utc = g_date_time_new_from_unix_utc (m->planned_start / SEC);
    local = g_date_time_to_timezone (utc, tz);
    hour = g_date_time_get_hour (local);
    if (hour < 19)
      g_assert_cmpint (g_date_time_get_day_of_week (local), ==, 6);
    else
      g_assert_cmpint (g_date_time_get_minute (local), ==, 30);

    r = sh_attendance_record (f->store, m->id, &policy, now, &error);
    g_assert_no_error (error);
    g_assert_true (r->expected->frozen);
    g_assert_cmpint (r->start, >=, m->planned_start);
    g_assert_cmpint (r->end, <=, m->planned_end);
    g_assert_cmpint (r->end, >, r->start);
    g_assert_cmpuint (r->present, >, 0);
    g_assert_cmpuint (r->present, <=, r->expected_count);
    if (r->recorded_after) {
      g_autoptr (ShPastMeeting) past = sh_past_meeting_get (f->store, m->id, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (past->statuses->len, ==, r->expected_count);
      g_assert_cmpuint (r->intervals->len, ==, 0);
      g_assert_cmpint (m->type, ==, SH_MEETING_GROUP);
      offline++;
    } else {
      g_assert_cmpuint (r->intervals->len, >=, r->present);
    }
    intervals += r->intervals->len;
    leave = sh_leave_list (f->store, m->id, 0, &error);
    g_assert_no_error (error);
    for (guint k = 0; k < leave->len; k++)
      approved += ((ShLeaveRequest *) leave->pdata[k])->state == SH_LEAVE_APPROVED;
    calls = sh_rollcall_list (f->store, m->id, 0, &error);
    g_assert_no_error (error);
    for (guint k = 0; k < calls->len; k++) {
      const ShRollcall *c = g_ptr_array_index (calls, k);

      g_assert_cmpint (c->closed_at, >, 0);
      g_assert_cmpuint (c->asked, >, 0);
      g_assert_cmpuint (c->answered, ==, c->asked - 1);
      rollcalls++;
    }
  }
  g_assert_cmpuint (scheduled, ==, 4);
  /* The cadence of DOMAIN.md over five months. */
  g_assert_cmpuint (by_type[SH_MEETING_GENERAL], ==, 2);
  g_assert_cmpuint (by_type[SH_MEETING_LESSON], ==, 2);
  g_assert_cmpuint (by_type[SH_MEETING_COMMITTEE], ==, 5);
  g_assert_cmpuint (by_type[SH_MEETING_GROUP], ==, 10);
  g_assert_cmpuint (ended, ==, 19);
  g_assert_cmpuint (offline, ==, 1);
  g_assert_cmpuint (rollcalls, ==, 1);
  g_assert_cmpuint (approved, ==, 3);
  g_assert_cmpuint (intervals, >, 60);
}

static void
test_warnings (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  ShWarningPolicy wp
      = { .attendance = policy, .tz = tz, .warn_before = 60 * DAY, .absent_limit = 3 };
  gint64 zhao = member_named (f, "赵磊"), wu = member_named (f, "吴敏");

  warnings = sh_warnings_for_branch (f->store, f->branch, &wp, g_get_real_time (), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 2);
  for (guint i = 0; i < warnings->len; i++) {
    const ShMemberWarning *w = g_ptr_array_index (warnings, i);

    if (w->member_id == zhao) {
      /* No organizational life since the first meeting, five months ago. */
      g_assert_true (w->life.lapse_warning);
      g_assert_cmpint (w->life.last_attended, ==, 0);
    } else {
      g_assert_cmpint (w->member_id, ==, wu);
      g_assert_true (w->life.absence_warning);
      g_assert_cmpuint (w->life.absent_in_row, >=, 3);
      g_assert_false (w->life.lapse_warning);
    }
  }
}

static void
test_only_into_empty (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) again = NULL;

  g_assert_false (sh_demo_load (f->store, 1, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  again = sh_meeting_list_for_org (f->store, f->branch, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, f->meetings->len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/demo/history", test_history);
  ADD ("/demo/warnings", test_warnings);
  ADD ("/demo/only-into-empty", test_only_into_empty);
#undef ADD
  return g_test_run ();
}
