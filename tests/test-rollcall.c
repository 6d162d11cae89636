/* Tests for roll calls (minutes/src/rollcall.c): who is asked and recorded,
 * answers once, only when asked, only before the deadline, one open roll
 * call per meeting, the bounds of the time limit, and a record the store
 * keeps as it was. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define SEC G_USEC_PER_SEC

typedef struct {
  ShStore *store;
  gint64 branch, other_branch;
  gint64 chair, lisi, wangwu, zhaoliu, zhoujiu, visitor, outsider;
  gint64 chair_account, lisi_account, wangwu_account, visitor_account, outsider_account;
  gint64 meeting;
  gint64 t0; /* the roll calls' clock */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee, leave;

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  f->chair = minutes_fixture_member (f->store, f->branch, "张三", SH_MEMBER_FULL, 0);
  f->lisi = minutes_fixture_member (f->store, f->branch, "李四", SH_MEMBER_FULL, 0);
  f->wangwu = minutes_fixture_member (f->store, f->branch, "王五", SH_MEMBER_FULL, 0);
  f->zhaoliu = minutes_fixture_member (f->store, f->branch, "赵六", SH_MEMBER_PROBATIONARY, 0);
  f->zhoujiu = minutes_fixture_member (f->store, f->branch, "周九", SH_MEMBER_FULL, 0);
  f->visitor
      = minutes_fixture_member (f->store, f->other_branch, "钱七", SH_MEMBER_FULL, f->branch);
  f->outsider = minutes_fixture_member (f->store, f->other_branch, "孙八", SH_MEMBER_FULL, 0);
  f->chair_account = minutes_fixture_account (f->store, "zhangsan", "张三", f->chair);
  f->lisi_account = minutes_fixture_account (f->store, "lisi", "李四", f->lisi);
  f->wangwu_account = minutes_fixture_account (f->store, "wangwu", "王五", f->wangwu);
  f->visitor_account = minutes_fixture_account (f->store, "qianqi", "钱七", f->visitor);
  f->outsider_account = minutes_fixture_account (f->store, "sunba", "孙八", f->outsider);
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + DAY);
  m->chair_member_id = f->chair;
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  /* 周九 is on approved leave. */
  leave = sh_leave_request (f->store, f->meeting, f->zhoujiu, "出差", 0, &error);
  g_assert_no_error (error);
  g_assert_true (sh_leave_approve (f->store, leave, f->chair_account, NULL, &error));
  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  f->t0 = g_get_real_time ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static ShRollcallPresent
present (gint64 member_id, gint64 account_id, const char *name)
{
  return (ShRollcallPresent){ member_id, account_id, name };
}

/* Starts a roll call of @seconds at t0 with 张三, 李四 and the visitor 钱七 in the room. */
static gint64
start_ok (Fixture *f, guint seconds)
{
  g_autoptr (GError) error = NULL;
  ShRollcallPresent room[] = {
    present (f->chair, f->chair_account, "张三"),
    present (f->lisi, f->lisi_account, "李四"),
    present (0, 99, "列席嘉宾"), /* a guest: not a member, not asked */
    present (f->visitor, f->visitor_account, "钱七"),
  };
  gint64 id = sh_rollcall_start (f->store, f->meeting, f->chair_account, seconds, f->t0, room,
                                 G_N_ELEMENTS (room), &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ShRollcall *
get_ok (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  ShRollcall *r = sh_rollcall_get (f->store, id, &error);

  g_assert_no_error (error);
  return r;
}

static const ShRollcallEntry *
entry_of (const ShRollcall *r, gint64 member_id)
{
  for (guint i = 0; i < r->entries->len; i++) {
    const ShRollcallEntry *e = g_ptr_array_index (r->entries, i);

    if (e->member_id == member_id)
      return e;
  }
  return NULL;
}

static void
answer_ok (Fixture *f, gint64 id, gint64 member, gint64 at)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_rollcall_answer (f->store, id, member, at, &error));
  g_assert_no_error (error);
}

static void
answer_fails (Fixture *f, gint64 id, gint64 member, gint64 at, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (sh_rollcall_answer (f->store, id, member, at, &error));
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

/* Who is recorded and how: the expected members, present or not, and the
 * members present who are not expected; answered, silent, absent, on leave. */
static void
test_record (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRollcall) r = NULL;
  gint64 id = start_ok (f, 60);
  ShRollcallPresent late = present (f->wangwu, f->wangwu_account, "王五");
  gboolean asked = FALSE;

  r = get_ok (f, id);
  g_assert_cmpint (r->meeting_id, ==, f->meeting);
  g_assert_cmpint (r->started_by, ==, f->chair_account);
  g_assert_cmpuint (r->seconds, ==, 60);
  g_assert_cmpint (r->deadline, ==, f->t0 + 60 * SEC);
  g_assert_cmpint (r->closed_at, ==, 0);
  /* Five expected members (周九 on leave), then the visitor; no guest. */
  g_assert_cmpuint (r->entries->len, ==, 6);
  g_assert_cmpuint (r->asked, ==, 3);
  g_assert_cmpuint (r->answered, ==, 0);
  g_assert_cmpint (entry_of (r, f->chair)->outcome, ==, SH_ROLLCALL_PENDING);
  g_assert_cmpint (entry_of (r, f->wangwu)->outcome, ==, SH_ROLLCALL_ABSENT);
  g_assert_cmpint (entry_of (r, f->zhoujiu)->outcome, ==, SH_ROLLCALL_ON_LEAVE);
  g_assert_false (entry_of (r, f->visitor)->expected);
  g_assert_true (entry_of (r, f->zhaoliu)->expected);
  g_assert_cmpstr (((ShRollcallEntry *) g_ptr_array_index (r->entries, 5))->name, ==, "钱七");
  g_clear_pointer (&r, sh_rollcall_free);

  answer_ok (f, id, f->chair, f->t0 + 1 * SEC);
  /* 王五 comes in during the roll call: asked too, once. */
  g_assert_true (sh_rollcall_ask (f->store, id, &late, f->t0 + 10 * SEC, &asked, &error));
  g_assert_no_error (error);
  g_assert_true (asked);
  g_assert_true (sh_rollcall_ask (f->store, id, &late, f->t0 + 11 * SEC, &asked, &error));
  g_assert_false (asked);
  answer_ok (f, id, f->wangwu, f->t0 + 60 * SEC); /* the deadline itself still counts */
  g_assert_true (sh_rollcall_close (f->store, id, f->t0 + 60 * SEC, &error));
  g_assert_no_error (error);

  r = get_ok (f, id);
  g_assert_cmpint (r->closed_at, ==, f->t0 + 60 * SEC);
  g_assert_cmpuint (r->asked, ==, 4);
  g_assert_cmpuint (r->answered, ==, 2);
  g_assert_cmpint (entry_of (r, f->chair)->outcome, ==, SH_ROLLCALL_ANSWERED);
  g_assert_cmpint (entry_of (r, f->chair)->answered_at, ==, f->t0 + 1 * SEC);
  g_assert_cmpint (entry_of (r, f->chair)->account_id, ==, f->chair_account);
  g_assert_cmpint (entry_of (r, f->wangwu)->outcome, ==, SH_ROLLCALL_ANSWERED);
  g_assert_cmpint (entry_of (r, f->wangwu)->asked_at, ==, f->t0 + 10 * SEC);
  g_assert_cmpint (entry_of (r, f->lisi)->outcome, ==, SH_ROLLCALL_SILENT);
  g_assert_cmpint (entry_of (r, f->visitor)->outcome, ==, SH_ROLLCALL_SILENT);
  g_assert_cmpint (entry_of (r, f->zhaoliu)->outcome, ==, SH_ROLLCALL_ABSENT);
  g_assert_cmpint (entry_of (r, f->zhoujiu)->outcome, ==, SH_ROLLCALL_ON_LEAVE);
  g_assert_cmpstr (sh_rollcall_outcome_label (SH_ROLLCALL_SILENT), ==, "未签到");
  g_assert_cmpstr (sh_rollcall_outcome_to_string (SH_ROLLCALL_ON_LEAVE), ==, "on_leave");
}

static void
test_hostile_answers (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = start_ok (f, 30);
  ShRollcallPresent late = present (f->wangwu, f->wangwu_account, "王五");

  answer_ok (f, id, f->lisi, f->t0 + 2 * SEC);
  /* Twice. */
  answer_fails (f, id, f->lisi, f->t0 + 3 * SEC, SH_MINUTES_ERROR_CONFLICT);
  /* Expected but not in the room, hence never asked. */
  answer_fails (f, id, f->zhaoliu, f->t0 + 3 * SEC, SH_MINUTES_ERROR_INVALID);
  /* Neither expected nor asked; nobody at all. */
  answer_fails (f, id, f->outsider, f->t0 + 3 * SEC, SH_MINUTES_ERROR_INVALID);
  answer_fails (f, id, 0, f->t0 + 3 * SEC, SH_MINUTES_ERROR_INVALID);
  /* A roll call that does not exist. */
  answer_fails (f, id + 100, f->chair, f->t0 + 3 * SEC, SH_MINUTES_ERROR_NOT_FOUND);
  /* After the deadline, even before the timer closed it. */
  answer_fails (f, id, f->chair, f->t0 + 30 * SEC + 1, SH_MINUTES_ERROR_STATE);
  g_assert_false (sh_rollcall_ask (f->store, id, &late, f->t0 + 31 * SEC, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* After an early close, before the deadline. */
  g_assert_true (sh_rollcall_close (f->store, id, f->t0 + 5 * SEC, &error));
  answer_fails (f, id, f->chair, f->t0 + 6 * SEC, SH_MINUTES_ERROR_STATE);
  g_assert_false (sh_rollcall_close (f->store, id, f->t0 + 7 * SEC, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* A guest is not asked. */
  late = present (0, 99, "嘉宾");
  g_assert_false (sh_rollcall_ask (f->store, id, &late, f->t0 + 6 * SEC, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
start_fails (Fixture *f, gint64 meeting, guint seconds, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (
      sh_rollcall_start (f->store, meeting, f->chair_account, seconds, f->t0, NULL, 0, &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_one_open_and_limits (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 id, later, scheduled;

  start_fails (f, f->meeting, 0, SH_MINUTES_ERROR_INVALID);
  start_fails (f, f->meeting, SH_ROLLCALL_MIN_SECONDS - 1, SH_MINUTES_ERROR_INVALID);
  start_fails (f, f->meeting, SH_ROLLCALL_MAX_SECONDS + 1, SH_MINUTES_ERROR_INVALID);
  start_fails (f, f->meeting, G_MAXUINT, SH_MINUTES_ERROR_INVALID);
  start_fails (f, f->meeting + 100, 60, SH_MINUTES_ERROR_NOT_FOUND);
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "第二次党员大会",
                               g_get_real_time () + 3 * DAY);
  m->chair_member_id = f->chair;
  scheduled = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  start_fails (f, scheduled, 60, SH_MINUTES_ERROR_STATE);

  id = start_ok (f, SH_ROLLCALL_MIN_SECONDS);
  start_fails (f, f->meeting, 60, SH_MINUTES_ERROR_CONFLICT);
  g_assert_true (sh_rollcall_close (f->store, id, f->t0 + SEC, &error));
  later = start_ok (f, SH_ROLLCALL_MAX_SECONDS);
  g_assert_cmpint (later, >, id);

  /* Once the meeting has ended, no more. */
  g_assert_true (sh_rollcall_close (f->store, later, f->t0 + 2 * SEC, &error));
  g_assert_true (sh_meeting_transition (f->store, f->meeting, SH_MEETING_ENDED, NULL, &error));
  start_fails (f, f->meeting, 60, SH_MINUTES_ERROR_STATE);
}

/* A roll call left open by a stopped server: closed at its deadline when
 * that passed, else now; a new one may start. */
static void
test_close_all (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRollcall) r = NULL;
  gint64 id = start_ok (f, 20);

  g_assert_cmpint (sh_rollcall_close_all (f->store, 0, f->t0 + 100 * SEC, &error), ==, 1);
  g_assert_no_error (error);
  r = get_ok (f, id);
  g_assert_cmpint (r->closed_at, ==, f->t0 + 20 * SEC);
  g_assert_cmpint (entry_of (r, f->lisi)->outcome, ==, SH_ROLLCALL_SILENT);
  g_clear_pointer (&r, sh_rollcall_free);
  g_assert_cmpint (sh_rollcall_close_all (f->store, f->meeting, f->t0, &error), ==, 0);

  f->t0 += 200 * SEC;
  id = start_ok (f, 60);
  g_assert_cmpint (sh_rollcall_close_all (f->store, f->meeting, f->t0 + 5 * SEC, &error), ==, 1);
  r = get_ok (f, id);
  g_assert_cmpint (r->closed_at, ==, f->t0 + 5 * SEC);
}

/* A member's view: their own entries, the counts of the whole roll call. */
static void
test_list_for_member (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GPtrArray) none = NULL;
  gint64 first = start_ok (f, 30);
  const ShRollcall *r;

  answer_ok (f, first, f->lisi, f->t0 + SEC);
  g_assert_true (sh_rollcall_close (f->store, first, f->t0 + 30 * SEC, &error));
  f->t0 += 60 * SEC;
  start_ok (f, 30);

  all = sh_rollcall_list (f->store, f->meeting, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  mine = sh_rollcall_list (f->store, f->meeting, f->lisi, &error);
  g_assert_cmpuint (mine->len, ==, 2);
  r = g_ptr_array_index (mine, 0);
  g_assert_cmpint (r->id, ==, first);
  g_assert_cmpuint (r->entries->len, ==, 1);
  g_assert_cmpint (entry_of (r, f->lisi)->outcome, ==, SH_ROLLCALL_ANSWERED);
  g_assert_cmpuint (r->answered, ==, 1);
  g_assert_cmpuint (r->asked, ==, 3);
  r = g_ptr_array_index (mine, 1);
  g_assert_cmpint (entry_of (r, f->lisi)->outcome, ==, SH_ROLLCALL_PENDING);
  none = sh_rollcall_list (f->store, f->meeting + 100, 0, &error);
  g_assert_cmpuint (none->len, ==, 0);
}

/* The record cannot be rewritten behind the rules' back. */
static void
test_store_keeps_record (Fixture *f, gconstpointer data)
{
  static const char *const forbidden[] = {
    "UPDATE rollcall_entries SET answered_at = answered_at + 1 WHERE answered_at IS NOT NULL",
    "UPDATE rollcall_entries SET answered_at = 5 WHERE asked_at IS NULL",
    "UPDATE rollcall_entries SET name = 'x'",
    "DELETE FROM rollcall_entries",
    "UPDATE rollcalls SET closed_at = closed_at + 1",
    "UPDATE rollcalls SET deadline = deadline + 1000000",
    "DELETE FROM rollcalls",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 id = start_ok (f, 30);

  answer_ok (f, id, f->lisi, f->t0 + SEC);
  g_assert_true (sh_rollcall_close (f->store, id, f->t0 + 30 * SEC, &error));
  for (gsize i = 0; i < G_N_ELEMENTS (forbidden); i++) {
    char *message = NULL;

    g_assert_cmpint (sqlite3_exec (sh_sqlite_db (f->store), forbidden[i], NULL, NULL, &message), !=,
                     SQLITE_OK);
    sqlite3_free (message);
  }
  /* A second open roll call of one meeting, written directly. */
  sql = g_strdup_printf ("INSERT INTO rollcalls (meeting_id, seconds, started_at, deadline)"
                         " VALUES (%" G_GINT64_FORMAT ", 30, 1, 2), (%" G_GINT64_FORMAT
                         ", 30, 1, 2)",
                         f->meeting, f->meeting);
  g_assert_cmpint (sqlite3_exec (sh_sqlite_db (f->store), sql, NULL, NULL, NULL), ==,
                   SQLITE_CONSTRAINT_UNIQUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/rollcall/record", test_record);
  ADD ("/rollcall/hostile-answers", test_hostile_answers);
  ADD ("/rollcall/one-open-and-limits", test_one_open_and_limits);
  ADD ("/rollcall/close-all", test_close_all);
  ADD ("/rollcall/list-for-member", test_list_for_member);
  ADD ("/rollcall/store-keeps-record", test_store_keeps_record);
  return g_test_run ();
}
