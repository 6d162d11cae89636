/* Tests for the attendance record of a meeting
 * (minutes/src/attendance-record.c): the frozen expected list, each
 * person's intervals and the status rule put together, with the counts;
 * visitors, guests and people not on the list apart; the end of the
 * meeting from its "ended" event. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define DAY (G_GINT64_CONSTANT (86400) * SEC)

typedef struct {
  ShStore *store;
  gint64 full, probationary, watched, excluded, visitor;
  gint64 full_account, probationary_account, excluded_account, visitor_account, guest_account,
      admin_account;
  gint64 meeting;
  gint64 start;
} Fixture;

static const ShAttendancePolicy policy = { 80, 300 * SEC };

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (ShAttendance) a = NULL;
  gint64 committee, branch, other, leave;
  ShMember watched = { 0 };
  ShExclusion x = { 0 };

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  other = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  f->full = minutes_fixture_member (f->store, branch, "张三", SH_MEMBER_FULL, 0);
  f->probationary = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_PROBATIONARY, 0);
  watched.branch_id = branch;
  watched.name = (char *) "王五";
  watched.status = SH_MEMBER_FULL;
  watched.under_probation = TRUE;
  watched.active = TRUE;
  f->watched = minutes_fixture_create_member (f->store, &watched);
  f->excluded = minutes_fixture_member (f->store, branch, "赵六", SH_MEMBER_FULL, 0);
  f->visitor = minutes_fixture_member (f->store, other, "钱七", SH_MEMBER_FULL, branch);
  f->full_account = minutes_fixture_account (f->store, "zhangsan", "张三", f->full);
  f->probationary_account = minutes_fixture_account (f->store, "lisi", "李四", f->probationary);
  f->excluded_account = minutes_fixture_account (f->store, "zhaoliu", "赵六", f->excluded);
  f->visitor_account = minutes_fixture_account (f->store, "qianqi", "钱七", f->visitor);
  f->guest_account = minutes_fixture_account (f->store, "chenjiu", "陈九", 0);
  f->admin_account = minutes_fixture_account (f->store, "admin", "系统管理员", 0);
  x.member_id = f->excluded;
  x.reason = SH_EXCLUSION_ILLNESS;
  x.approver = (char *) "机关党委";
  x.starts_at = g_get_real_time () - DAY;
  x.recorded_by = f->full_account;
  g_assert_cmpint (sh_exclusion_create (f->store, &x, &error), >, 0);
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 60 * SEC);
  m->chair_member_id = f->full;
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (
      sh_meeting_guest_add (f->store, f->meeting, f->guest_account, NULL, f->full_account, &error),
      >, 0);
  leave = sh_leave_request (f->store, f->meeting, f->probationary, "出差", f->probationary_account,
                            &error);
  g_assert_no_error (error);
  g_assert_true (sh_leave_approve (f->store, leave, f->full_account, NULL, &error));
  g_assert_true (sh_meeting_transition (f->store, f->meeting, SH_MEETING_OPEN, NULL, &error));
  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  a = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_true (a->frozen);
  f->start = a->frozen_at;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

/* An interval of @account from @from to @to seconds after the start. */
static void
present (Fixture *f, gint64 account, gint64 member, ShAttendanceRole role, gint64 from, gint64 to)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_presence_open (f->store, f->meeting, account, member, role, SH_DEVICE_PHONE, FALSE,
                                f->start + from * SEC, &error);

  g_assert_no_error (error);
  if (to)
    g_assert_true (sh_presence_close (f->store, id, f->start + to * SEC, SH_PRESENCE_LEFT, &error));
  g_assert_no_error (error);
}

static const ShAttendanceRow *
row_of (ShAttendanceRecord *r, guint i)
{
  g_assert_cmpuint (i, <, r->rows->len);
  return g_ptr_array_index (r->rows, i);
}

static void
test_record (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendanceRecord) live = NULL;
  g_autoptr (ShAttendanceRecord) r = NULL;
  static const char *const names[]
      = { "张三", "李四", "王五", "赵六", "钱七", "陈九", "系统管理员" };
  static const ShAttendanceStatus statuses[] = {
    SH_ATTENDANCE_PRESENT,
    SH_ATTENDANCE_ON_LEAVE,
    SH_ATTENDANCE_ABSENT,
    SH_ATTENDANCE_IS_EXCLUDED,
  };

  /* The admin sits in without being on the list: a guest row, named. */
  present (f, f->admin_account, 0, SH_ATTENDANCE_GUEST, 100, 200);
  present (f, f->full_account, f->full, SH_ATTENDANCE_EXPECTED, 0, 1000);
  present (f, f->full_account, f->full, SH_ATTENDANCE_EXPECTED, 1100, 0);
  present (f, f->excluded_account, f->excluded, SH_ATTENDANCE_EXCLUDED, 0, 3600);
  present (f, f->visitor_account, f->visitor, SH_ATTENDANCE_VISITOR, 60, 1800);
  present (f, f->guest_account, 0, SH_ATTENDANCE_GUEST, 0, 3600);

  /* Live, at 1200 s: 张三 is in now, the rest counted so far. */
  live = sh_attendance_record (f->store, f->meeting, &policy, f->start + 1200 * SEC, &error);
  g_assert_no_error (error);
  g_assert_true (live->live);
  g_assert_cmpint (live->end - live->start, ==, 1200 * SEC);
  g_assert_cmpint (row_of (live, 0)->tally.total_us, ==, 1100 * SEC);
  g_assert_cmpint (row_of (live, 0)->tally.last_departure, ==, 0);
  g_assert_cmpint (row_of (live, 0)->status, ==, SH_ATTENDANCE_PRESENT);

  /* Ended at 3600 s by the room ("ended" in the event log). */
  g_assert_cmpint (sh_meeting_event_append (f->store, f->meeting, 0, 0, SH_MEETING_EVENT_ENDED,
                                            NULL, f->start + 3600 * SEC, &error),
                   >, 0);
  g_assert_true (sh_meeting_transition (f->store, f->meeting, SH_MEETING_ENDED, NULL, &error));
  r = sh_attendance_record (f->store, f->meeting, &policy, f->start + 9999 * SEC, &error);
  g_assert_no_error (error);
  g_assert_false (r->live);
  g_assert_cmpint (r->end - r->start, ==, 3600 * SEC);
  g_assert_cmpuint (r->rows->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (row_of (r, i)->name, ==, names[i]);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_assert_cmpint (row_of (r, i)->status, ==, statuses[i]);
  /* 张三's open interval runs to the end: 1000 + 2500 s of 3600. */
  g_assert_cmpint (row_of (r, 0)->tally.total_us, ==, 3500 * SEC);
  g_assert_cmpuint (row_of (r, 0)->intervals->len, ==, 2);
  g_assert_cmpint (row_of (r, 4)->role, ==, SH_ATTENDANCE_VISITOR);
  g_assert_cmpint (row_of (r, 4)->status, ==, SH_ATTENDANCE_PARTLY);
  g_assert_cmpint (row_of (r, 5)->role, ==, SH_ATTENDANCE_GUEST);
  g_assert_cmpint (row_of (r, 6)->role, ==, SH_ATTENDANCE_GUEST);
  g_assert_null (row_of (r, 6)->entry);
  g_assert_cmpint (row_of (r, 6)->account_id, ==, f->admin_account);

  g_assert_cmpuint (r->expected_count, ==, 3);
  g_assert_cmpuint (r->voting_expected, ==, 1);
  g_assert_cmpuint (r->present, ==, 1);
  g_assert_cmpuint (r->voting_present, ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_PRESENT], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_ON_LEAVE], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_ABSENT], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_IS_EXCLUDED], ==, 1);
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_PARTLY], ==, 0);
  g_assert_cmpuint (r->visitors, ==, 1);
  g_assert_cmpuint (r->guests, ==, 2);
}

/* Before the start nothing counts and nobody is late. */
static void
test_not_started (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  gint64 branch = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "第一党支部");
  gint64 member = minutes_fixture_member (store, branch, "张三", SH_MEMBER_FULL, 0);
  g_autoptr (ShMeeting) m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                                                     g_get_real_time () + DAY);
  g_autoptr (ShAttendanceRecord) r = NULL;
  gint64 id;

  m->chair_member_id = member;
  id = sh_meeting_create (store, m, &error);
  g_assert_no_error (error);
  r = sh_attendance_record (store, id, &policy, g_get_real_time (), &error);
  g_assert_no_error (error);
  g_assert_false (r->live);
  g_assert_cmpint (r->start, ==, 0);
  g_assert_cmpuint (r->rows->len, ==, 1);
  g_assert_cmpint (row_of (r, 0)->status, ==, SH_ATTENDANCE_ABSENT);
  g_assert_null (sh_attendance_record (store, id + 100, &policy, g_get_real_time (), &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/attendance-record/record", Fixture, NULL, fixture_set_up, test_record,
              fixture_tear_down);
  g_test_add_func ("/attendance-record/not-started", test_not_started);
  return g_test_run ();
}
