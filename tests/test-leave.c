/* Tests for leave requests (minutes/src/leave.c): asked before the meeting
 * by someone expected there, decided once, withdrawn only while pending,
 * and the history kept. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

typedef struct {
  ShStore *store;
  gint64 branch, other_branch;
  gint64 member, secretary_member, visitor, outsider;
  gint64 member_account, secretary_account;
  gint64 meeting;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee;

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  f->member = minutes_fixture_member (f->store, f->branch, "李四", SH_MEMBER_FULL, 0);
  f->secretary_member = minutes_fixture_member (f->store, f->branch, "张三", SH_MEMBER_FULL, 0);
  f->visitor
      = minutes_fixture_member (f->store, f->other_branch, "钱七", SH_MEMBER_FULL, f->branch);
  f->outsider = minutes_fixture_member (f->store, f->other_branch, "孙八", SH_MEMBER_FULL, 0);
  f->member_account = minutes_fixture_account (f->store, "lisi", "李四", f->member);
  f->secretary_account
      = minutes_fixture_account (f->store, "zhangsan", "张三", f->secretary_member);
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + DAY);
  m->chair_member_id = f->secretary_member;
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static gint64
ask_ok (Fixture *f, gint64 member, gint64 account)
{
  g_autoptr (GError) error = NULL;
  gint64 id
      = sh_leave_request (f->store, f->meeting, member, "  出差在外\n无法参加 ", account, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ShLeaveState
state_of (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShLeaveRequest) r = sh_leave_get (f->store, id, &error);

  g_assert_no_error (error);
  return r->state;
}

/* Takes @error by address: it is read after @ok was computed. */
static void
assert_fails (gboolean ok, GError **error, ShMinutesError code)
{
  g_assert_false (ok);
  g_assert_error (*error, SH_MINUTES_ERROR, (gint) code);
}

static const ShAttendanceEntry *
entry_of (ShAttendance *a, gint64 member_id)
{
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->member_id == member_id)
      return e;
  }
  return NULL;
}

static void
list_is (Fixture *f, gint64 member, guint len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = sh_leave_list (f->store, f->meeting, member, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, len);
}

static void
test_ask_and_approve (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShLeaveRequest) r = NULL;
  g_autoptr (ShAttendance) a = NULL;
  gint64 id = ask_ok (f, f->member, f->member_account);

  r = sh_leave_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->reason, ==, "出差在外\n无法参加");
  g_assert_cmpint (r->state, ==, SH_LEAVE_PENDING);
  g_assert_cmpint (r->requested_by, ==, f->member_account);
  g_assert_cmpint (r->requested_at, >, 0);

  a = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_cmpint (entry_of (a, f->member)->leave_id, ==, id);
  g_assert_cmpint (entry_of (a, f->member)->leave_state, ==, SH_LEAVE_PENDING);
  g_assert_cmpint (entry_of (a, f->secretary_member)->leave_id, ==, 0);

  g_assert_true (sh_leave_approve (f->store, id, f->secretary_account, " 同意 ", &error));
  g_assert_no_error (error);
  g_clear_pointer (&r, sh_leave_request_free);
  r = sh_leave_get (f->store, id, &error);
  g_assert_cmpint (r->state, ==, SH_LEAVE_APPROVED);
  g_assert_cmpint (r->decided_by, ==, f->secretary_account);
  g_assert_cmpstr (r->decision_note, ==, "同意");
  g_clear_pointer (&a, sh_attendance_free);
  a = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_cmpint (entry_of (a, f->member)->leave_state, ==, SH_LEAVE_APPROVED);

  /* The approval shows in the frozen list too: leave is read live. */
  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_clear_pointer (&a, sh_attendance_free);
  a = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_true (a->frozen);
  g_assert_cmpint (entry_of (a, f->member)->leave_state, ==, SH_LEAVE_APPROVED);
  g_assert_cmpint (sh_store_count_rows (f->store, "meetings", &error), ==, 1);
}

static void
test_reason_checked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *long_reason = g_strnfill (SH_LEAVE_REASON_MAX_CHARS + 1, 'a');
  const char *bad[] = { NULL, "", " \u200b ", "出差\u202e", long_reason };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_assert_cmpint (
        sh_leave_request (f->store, f->meeting, f->member, bad[i], f->member_account, &error), ==,
        0);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
    g_clear_error (&error);
  }
  list_is (f, 0, 0);
}

/* Hostile and repeated requests. */
static void
test_twice_and_strangers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 first = ask_ok (f, f->member, f->member_account);

  g_assert_cmpint (
      sh_leave_request (f->store, f->meeting, f->member, "再请一次", f->member_account, &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Approved is still open: no second request. */
  g_assert_true (sh_leave_approve (f->store, first, f->secretary_account, NULL, &error));
  g_assert_cmpint (
      sh_leave_request (f->store, f->meeting, f->member, "再请一次", f->member_account, &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Someone not expected there has nothing to ask leave from. */
  g_assert_cmpint (sh_leave_request (f->store, f->meeting, f->outsider, "不在本支部", 0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_leave_request (f->store, 9999, f->member, "没有这个会", 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A visiting migrant member may ask. */
  g_assert_cmpint (ask_ok (f, f->visitor, 0), >, first);
  list_is (f, 0, 2);
  list_is (f, f->visitor, 1);
}

/* Nobody decides their own request. */
static void
test_own_decision_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = ask_ok (f, f->secretary_member, f->secretary_account);

  assert_fails (sh_leave_approve (f->store, id, f->secretary_account, NULL, &error), &error,
                SH_MINUTES_ERROR_INVALID);
  g_assert_cmpint (state_of (f, id), ==, SH_LEAVE_PENDING);
}

/* A refusal is final for that request; the member may ask again. */
static void
test_refuse_then_ask_again (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 first = ask_ok (f, f->member, f->member_account);
  gint64 second;
  g_autoptr (ShAttendance) a = NULL;

  g_assert_true (
      sh_leave_refuse (f->store, first, f->secretary_account, "会议重要，请安排参加", &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, first), ==, SH_LEAVE_REFUSED);
  assert_fails (sh_leave_approve (f->store, first, f->secretary_account, NULL, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  assert_fails (sh_leave_withdraw (f->store, first, f->member_account, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  second = ask_ok (f, f->member, f->member_account);
  g_assert_cmpint (second, >, first);
  a = sh_attendance_expected (f->store, f->meeting, &error);
  g_assert_cmpint (entry_of (a, f->member)->leave_id, ==, second);
  g_assert_cmpint (entry_of (a, f->member)->leave_state, ==, SH_LEAVE_PENDING);
}

static void
test_withdraw (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = ask_ok (f, f->member, f->member_account);
  gint64 approved;

  g_assert_true (sh_leave_withdraw (f->store, id, f->member_account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, id), ==, SH_LEAVE_WITHDRAWN);
  assert_fails (sh_leave_withdraw (f->store, id, f->member_account, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  assert_fails (sh_leave_approve (f->store, id, f->secretary_account, NULL, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* Withdrawing after the decision is refused. */
  approved = ask_ok (f, f->member, f->member_account);
  g_assert_true (sh_leave_approve (f->store, approved, f->secretary_account, NULL, &error));
  assert_fails (sh_leave_withdraw (f->store, approved, f->member_account, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_assert_cmpint (state_of (f, approved), ==, SH_LEAVE_APPROVED);
}

/* Once the meeting has started: no new request, no withdrawal; a pending
 * request may still be decided until the meeting ends. */
static void
test_after_start (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 pending = ask_ok (f, f->member, f->member_account);

  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_leave_request (f->store, f->meeting, f->secretary_member, "临时有事",
                                     f->secretary_account, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  assert_fails (sh_leave_withdraw (f->store, pending, f->member_account, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_true (sh_meeting_transition (f->store, f->meeting, SH_MEETING_ENDED, NULL, &error));
  assert_fails (sh_leave_approve (f->store, pending, f->secretary_account, NULL, &error), &error,
                SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (state_of (f, pending), ==, SH_LEAVE_PENDING);
}

/* Every step is in the log; requests and the log cannot be rewritten. */
static void
test_history_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  sqlite3 *db = sh_sqlite_db (f->store);
  gint64 id = ask_ok (f, f->member, f->member_account);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  GString *seen = g_string_new (NULL);

  g_assert_true (sh_leave_refuse (f->store, id, f->secretary_account, "请参加", &error));
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT state || ':' || coalesce(account_id, 0) || ':'"
                                       " || coalesce(note, '') FROM leave_log WHERE leave_id = ?1"
                                       " ORDER BY id",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (seen, "%s;", sqlite3_column_text (stmt, 0));
  {
    g_autofree char *want = g_strdup_printf (
        "pending:%" G_GINT64_FORMAT ":出差在外\n无法参加;refused:%" G_GINT64_FORMAT ":请参加;",
        f->member_account, f->secretary_account);

    g_assert_cmpstr (seen->str, ==, want);
  }
  g_string_free (seen, TRUE);
  g_assert_cmpint (
      sqlite3_exec (db, "UPDATE leave_requests SET state = 'approved'", NULL, NULL, NULL), !=,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM leave_requests", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM leave_log", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE leave_log SET note = ''", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  g_assert_cmpint (state_of (f, id), ==, SH_LEAVE_REFUSED);
}

static void
test_state_strings (Fixture *f, gconstpointer data)
{
  ShLeaveState s;

  for (ShLeaveState i = SH_LEAVE_PENDING; i <= SH_LEAVE_WITHDRAWN; i++) {
    g_assert_true (sh_leave_state_from_string (sh_leave_state_to_string (i), &s));
    g_assert_cmpint (s, ==, i);
  }
  g_assert_false (sh_leave_state_from_string ("granted", &s));
  g_assert_false (sh_leave_state_from_string (NULL, &s));
  g_assert_cmpstr (sh_leave_state_label (SH_LEAVE_APPROVED), ==, "已准假");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/leave/ask-and-approve", test_ask_and_approve);
  ADD ("/leave/reason-checked", test_reason_checked);
  ADD ("/leave/twice-and-strangers", test_twice_and_strangers);
  ADD ("/leave/own-decision", test_own_decision_refused);
  ADD ("/leave/refuse-then-ask-again", test_refuse_then_ask_again);
  ADD ("/leave/withdraw", test_withdraw);
  ADD ("/leave/after-start", test_after_start);
  ADD ("/leave/history", test_history_kept);
  ADD ("/leave/state-strings", test_state_strings);
#undef ADD
  return g_test_run ();
}
