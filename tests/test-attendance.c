/* Tests for expected attendance (minutes/src/attendance.c): who a meeting
 * expects and who votes, the differences from the roster with their
 * reasons, and the list frozen when the meeting starts.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY (24 * HOUR)

typedef struct {
  ShStore *store;
  gint64 branch, other_branch, group;
  gint64 full, probationary, watched, excluded, visitor, outsider;
  gint64 secretary_account, guest_account;
  gint64 meeting;
} Fixture;

static gint64
meeting_of (Fixture *f, gint64 org, ShMeetingType type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m
      = minutes_fixture_meeting (org, type, "第四季度支部党员大会", g_get_real_time () + DAY);
  gint64 id;

  m->chair_member_id = f->full;
  if (type == SH_MEETING_LESSON) {
    m->topic = g_strdup ("学习党章");
    m->lecturer_member_id = f->full;
  }
  id = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 committee;
  ShMember watched = { 0 };
  ShExclusion x = { 0 };

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  f->group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第一党小组");
  f->full = minutes_fixture_member (f->store, f->branch, "张三", SH_MEMBER_FULL, 0);
  f->probationary = minutes_fixture_member (f->store, f->branch, "李四", SH_MEMBER_PROBATIONARY, 0);
  watched.branch_id = f->branch;
  watched.name = (char *) "王五";
  watched.status = SH_MEMBER_FULL;
  watched.under_probation = TRUE;
  watched.active = TRUE;
  f->watched = minutes_fixture_create_member (f->store, &watched);
  f->excluded = minutes_fixture_member (f->store, f->branch, "赵六", SH_MEMBER_FULL, 0);
  f->visitor
      = minutes_fixture_member (f->store, f->other_branch, "钱七", SH_MEMBER_FULL, f->branch);
  f->outsider = minutes_fixture_member (f->store, f->other_branch, "孙八", SH_MEMBER_FULL, 0);
  f->secretary_account = minutes_fixture_account (f->store, "zhangsan", "张三", f->full);
  f->guest_account = minutes_fixture_account (f->store, "chenjiu", "陈九", 0);
  x.member_id = f->excluded;
  x.reason = SH_EXCLUSION_ILLNESS;
  x.approver = (char *) "机关党委";
  x.starts_at = g_get_real_time () - DAY;
  x.recorded_by = f->secretary_account;
  g_assert_cmpint (sh_exclusion_create (f->store, &x, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (sh_group_add_member (f->store, f->group, f->full, TRUE, &error));
  g_assert_true (sh_group_add_member (f->store, f->group, f->probationary, FALSE, &error));
  g_assert_no_error (error);
  f->meeting = meeting_of (f, f->branch, SH_MEETING_GENERAL);
  g_assert_cmpint (sh_meeting_guest_add (f->store, f->meeting, f->guest_account, NULL,
                                         f->secretary_account, &error),
                   >, 0);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static ShAttendance *
expected_ok (Fixture *f, gint64 meeting)
{
  g_autoptr (GError) error = NULL;
  ShAttendance *a = sh_attendance_expected (f->store, meeting, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

/* The entry of @member_id (or of the guest account), NULL when absent. */
static const ShAttendanceEntry *
entry_of (ShAttendance *a, gint64 member_id, gint64 account_id)
{
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if ((member_id && e->member_id == member_id) || (account_id && e->account_id == account_id))
      return e;
  }
  return NULL;
}

static void
assert_entry (ShAttendance *a, gint64 member_id, gint64 account_id, ShAttendanceRole role,
              gboolean has_vote, const char *reason)
{
  const ShAttendanceEntry *e = entry_of (a, member_id, account_id);

  g_assert_nonnull (e);
  g_assert_cmpint (e->role, ==, role);
  g_assert_cmpint (e->has_vote, ==, has_vote);
  g_assert_cmpstr (e->reason, ==, reason);
}

/* The rule table of a general meeting: who is listed, how, and why. */
static void
test_general_meeting (Fixture *f, gconstpointer data)
{
  g_autoptr (ShAttendance) a = expected_ok (f, f->meeting);

  g_assert_false (a->frozen);
  g_assert_cmpint (a->frozen_at, ==, 0);
  assert_entry (a, f->full, 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  assert_entry (a, f->probationary, 0, SH_ATTENDANCE_EXPECTED, FALSE, "预备党员，无表决权");
  assert_entry (a, f->watched, 0, SH_ATTENDANCE_EXPECTED, FALSE, "留党察看，无表决权");
  assert_entry (a, f->excluded, 0, SH_ATTENDANCE_EXCLUDED, FALSE,
                "不计入应到会人数：长期患病（机关党委批准）");
  assert_entry (a, f->visitor, 0, SH_ATTENDANCE_VISITOR, FALSE,
                "流动党员（组织关系在其他支部），无表决权");
  assert_entry (a, 0, f->guest_account, SH_ATTENDANCE_GUEST, FALSE, "列席，无表决权");
  g_assert_null (entry_of (a, f->outsider, 0));
  g_assert_cmpuint (a->entries->len, ==, 6);
  g_assert_cmpuint (a->expected, ==, 3);
  g_assert_cmpuint (a->voting, ==, 1);
  /* Expected first, in roster order (by name), then the others. */
  for (guint i = 0; i < a->entries->len; i++)
    g_assert_cmpint (((ShAttendanceEntry *) g_ptr_array_index (a->entries, i))->role, ==,
                     i < 3    ? SH_ATTENDANCE_EXPECTED
                     : i == 3 ? SH_ATTENDANCE_EXCLUDED
                     : i == 4 ? SH_ATTENDANCE_VISITOR
                              : SH_ATTENDANCE_GUEST);
}

/* A group meeting expects the group's members; visitors take part only in
 * meetings open to the whole branch. */
static void
test_group_meeting (Fixture *f, gconstpointer data)
{
  gint64 meeting = meeting_of (f, f->group, SH_MEETING_GROUP);
  g_autoptr (ShAttendance) a = expected_ok (f, meeting);

  g_assert_cmpuint (a->entries->len, ==, 2);
  assert_entry (a, f->full, 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  assert_entry (a, f->probationary, 0, SH_ATTENDANCE_EXPECTED, FALSE, "预备党员，无表决权");
  g_assert_null (entry_of (a, f->visitor, 0));
  g_assert_cmpuint (a->voting, ==, 1);
}

/* A committee meeting expects the post holders only: the other members,
 * visitors included, are not listed. */
static void
test_committee_meeting (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendance) a = NULL;
  const ShPost posts[] = { SH_POST_SECRETARY, SH_POST_DEPUTY_SECRETARY, SH_POST_ORGANIZATION };
  gint64 holders[G_N_ELEMENTS (posts)], extra[4];
  gint64 meeting;

  /* Seven full members give the branch a committee (赵六 is excluded and
   * 王五 under 留党察看, but both are still full members). */
  for (guint i = 0; i < 4; i++) {
    g_autofree char *name = g_strdup_printf ("委员%u", i);

    extra[i] = minutes_fixture_member (f->store, f->branch, name, SH_MEMBER_FULL, 0);
  }
  holders[0] = f->full;
  holders[1] = extra[0];
  holders[2] = extra[1];
  for (guint i = 0; i < G_N_ELEMENTS (posts); i++)
    g_assert_true (sh_post_assign (f->store, f->branch, holders[i], posts[i], &error));
  g_assert_no_error (error);
  meeting = meeting_of (f, f->branch, SH_MEETING_COMMITTEE);
  a = expected_ok (f, meeting);
  g_assert_cmpuint (a->expected, ==, G_N_ELEMENTS (posts));
  g_assert_cmpuint (a->voting, ==, G_N_ELEMENTS (posts));
  for (guint i = 0; i < G_N_ELEMENTS (posts); i++)
    assert_entry (a, holders[i], 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  g_assert_null (entry_of (a, f->probationary, 0));
  g_assert_null (entry_of (a, f->visitor, 0));
  g_assert_cmpuint (a->entries->len, ==, G_N_ELEMENTS (posts));
}

/* A lesson is open to the whole branch, visitors included. */
static void
test_lesson (Fixture *f, gconstpointer data)
{
  gint64 meeting = meeting_of (f, f->branch, SH_MEETING_LESSON);
  g_autoptr (ShAttendance) a = expected_ok (f, meeting);

  g_assert_cmpuint (a->expected, ==, 3);
  assert_entry (a, f->visitor, 0, SH_ATTENDANCE_VISITOR, FALSE,
                "流动党员（组织关系在其他支部），无表决权");
}

/* An exclusion that has ended no longer takes the member out. */
static void
test_exclusion_period (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendance) a = NULL;
  gint64 member = minutes_fixture_member (f->store, f->branch, "周十", SH_MEMBER_FULL, 0);
  ShExclusion x = {
    .member_id = member,
    .reason = SH_EXCLUSION_ABROAD,
    .approver = (char *) "机关党委",
    .starts_at = g_get_real_time () - 30 * DAY,
    .ends_at = g_get_real_time () - DAY,
    .recorded_by = f->secretary_account,
  };

  g_assert_cmpint (sh_exclusion_create (f->store, &x, &error), >, 0);
  g_assert_no_error (error);
  a = expected_ok (f, f->meeting);
  assert_entry (a, member, 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  g_assert_cmpuint (a->voting, ==, 2);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (sh_attendance_expected (f->store, 9999, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

/* Starting freezes the list; later roster changes leave it as it was,
 * while a meeting not yet started follows them. */
static void
test_frozen_at_start (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendance) before = NULL;
  g_autoptr (ShAttendance) after = NULL;
  g_autoptr (ShAttendance) live = NULL;
  g_autoptr (ShMember) m = NULL;
  gint64 later = meeting_of (f, f->branch, SH_MEETING_PARTY_DAY);
  gint64 newcomer;

  before = expected_ok (f, f->meeting);
  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_count_rows (f->store, "meetings", &error), ==, 2);

  /* The roster changes: a newcomer, the probationary member converted and
   * renamed, the member under 留党察看 transferred out. */
  newcomer = minutes_fixture_member (f->store, f->branch, "吴十一", SH_MEMBER_FULL, 0);
  m = sh_member_get (f->store, f->probationary, &error);
  m->status = SH_MEMBER_FULL;
  g_free (m->name);
  m->name = g_strdup ("李四四");
  g_assert_true (sh_member_update (f->store, m, &error));
  g_clear_pointer (&m, sh_member_free);
  m = sh_member_get (f->store, f->watched, &error);
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);

  after = expected_ok (f, f->meeting);
  g_assert_true (after->frozen);
  g_assert_cmpint (after->frozen_at, >, 0);
  g_assert_cmpuint (after->entries->len, ==, before->entries->len);
  for (guint i = 0; i < before->entries->len; i++) {
    const ShAttendanceEntry *b = g_ptr_array_index (before->entries, i);
    const ShAttendanceEntry *e = g_ptr_array_index (after->entries, i);

    g_assert_cmpint (b->role, ==, e->role);
    g_assert_cmpint (b->member_id, ==, e->member_id);
    g_assert_cmpint (b->account_id, ==, e->account_id);
    g_assert_cmpstr (b->name, ==, e->name);
    g_assert_cmpint (b->status, ==, e->status);
    g_assert_cmpint (b->under_probation, ==, e->under_probation);
    g_assert_cmpint (b->has_vote, ==, e->has_vote);
    g_assert_cmpstr (b->reason, ==, e->reason);
  }
  g_assert_null (entry_of (after, newcomer, 0));
  g_assert_cmpuint (after->expected, ==, 3);
  g_assert_cmpuint (after->voting, ==, 1);

  /* Ending the meeting keeps the frozen list. */
  g_assert_true (sh_meeting_transition (f->store, f->meeting, SH_MEETING_ENDED, NULL, &error));
  g_clear_pointer (&after, sh_attendance_free);
  after = expected_ok (f, f->meeting);
  g_assert_true (after->frozen);
  g_assert_cmpuint (after->expected, ==, 3);

  live = expected_ok (f, later);
  g_assert_false (live->frozen);
  assert_entry (live, newcomer, 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  assert_entry (live, f->probationary, 0, SH_ATTENDANCE_EXPECTED, TRUE, NULL);
  g_assert_null (entry_of (live, f->watched, 0));
}

/* The frozen rows cannot be changed or removed, not even with SQL. */
static void
test_frozen_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db = sh_sqlite_db (f->store);

  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      sqlite3_exec (db, "UPDATE attendance_entries SET has_vote = 1", NULL, NULL, NULL), !=,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM attendance_entries", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM attendance_frozen", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE attendance_frozen SET at = 0", NULL, NULL, NULL), !=,
                   SQLITE_OK);
}

/* A start that cannot freeze the list does not start the meeting. */
static void
test_freeze_failure_keeps_state (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  sqlite3 *db = sh_sqlite_db (f->store);

  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TRIGGER refuse_freeze BEFORE INSERT ON attendance_entries"
                                 " BEGIN SELECT RAISE(ABORT, 'refused'); END;",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_false (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_nonnull (error);
  m = sh_meeting_get (f->store, f->meeting, NULL);
  g_assert_cmpint (m->state, ==, SH_MEETING_SCHEDULED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/attendance/general", test_general_meeting);
  ADD ("/attendance/group", test_group_meeting);
  ADD ("/attendance/committee", test_committee_meeting);
  ADD ("/attendance/lesson", test_lesson);
  ADD ("/attendance/exclusion-period", test_exclusion_period);
  ADD ("/attendance/not-found", test_not_found);
  ADD ("/attendance/frozen-at-start", test_frozen_at_start);
  ADD ("/attendance/frozen-append-only", test_frozen_append_only);
  ADD ("/attendance/freeze-failure", test_freeze_failure_keeps_state);
#undef ADD
  return g_test_run ();
}
