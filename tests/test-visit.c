/* Tests for migrant visits (minutes/src/visit.c): only an accepted visit
 * gives a member a current branch, decisions are made once and never by the
 * member or whoever asked, and the history is kept.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#include <string.h>

typedef struct {
  ShStore *store;
  gint64 committee, home, host, group;
  gint64 member;       /* of home, a migrant */
  gint64 other_member; /* of home */
  gint64 home_secretary, host_secretary, member_account;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_memory ();
  f->committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->home = minutes_fixture_org (f->store, f->committee, SH_ORG_BRANCH, "第二党支部");
  f->host = minutes_fixture_org (f->store, f->committee, SH_ORG_BRANCH, "第一党支部");
  f->group = minutes_fixture_org (f->store, f->host, SH_ORG_GROUP, "第一党小组");
  f->member = minutes_fixture_member (f->store, f->home, "孙浩", SH_MEMBER_FULL, 0);
  f->other_member = minutes_fixture_member (f->store, f->home, "马兰", SH_MEMBER_FULL, 0);
  f->home_secretary = minutes_fixture_account (f->store, "sec2", "马兰", f->other_member);
  f->host_secretary = minutes_fixture_account (f->store, "sec1", "王建国", 0);
  f->member_account = minutes_fixture_account (f->store, "sunhao", "孙浩", f->member);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static gint64
current_branch (Fixture *f, gint64 member_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMember) m = sh_member_get (f->store, member_id, &error);

  g_assert_no_error (error);
  return m->current_branch_id;
}

static gboolean
has_member_grant (Fixture *f, gint64 account, gint64 org)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) roles = sh_account_roles (f->store, account, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < roles->len; i++) {
    ShRoleGrant *g = &g_array_index (roles, ShRoleGrant, i);
    if (g->role == SH_ROLE_MEMBER && g->org_id == org)
      return TRUE;
  }
  return FALSE;
}

static gint64
request_ok (Fixture *f, gint64 member, gint64 by)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_visit_request (f->store, member, f->host, "在第一党支部附近工作", by, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ShVisitState
state_of (Fixture *f, gint64 visit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVisit) v = sh_visit_get (f->store, visit, &error);

  g_assert_no_error (error);
  return v->state;
}

static gint64
log_rows (Fixture *f, gint64 visit)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      f->store, "SELECT count(*) FROM member_visit_log WHERE visit_id = ?1", "count", NULL);

  sqlite3_bind_int64 (stmt, 1, visit);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_state_strings (void)
{
  ShVisitState s = SH_VISIT_ENDED;

  for (int i = SH_VISIT_PENDING; i <= SH_VISIT_ENDED; i++) {
    g_assert_true (sh_visit_state_from_string (sh_visit_state_to_string (i), &s));
    g_assert_cmpint (s, ==, i);
    g_assert_true (g_utf8_validate (sh_visit_state_label (i), -1, NULL));
  }
  g_assert_false (sh_visit_state_from_string ("待接收", &s));
  g_assert_false (sh_visit_state_from_string (NULL, &s));
  g_assert_false (sh_visit_state_from_string ("", &s));
}

/* The exploit, in the store: a request grants nothing until accepted, an
 * accepted visit grants the host branch, ending takes it away. */
static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVisit) v = NULL;
  g_autoptr (ShMember) m = NULL;
  gint64 id = request_ok (f, f->member, f->home_secretary);

  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_PENDING);
  g_assert_cmpint (current_branch (f, f->member), ==, 0);
  g_assert_false (has_member_grant (f, f->member_account, f->host));

  g_assert_true (sh_visit_accept (f->store, id, f->host_secretary, &error));
  g_assert_no_error (error);
  v = sh_visit_get (f->store, id, &error);
  g_assert_cmpint (v->state, ==, SH_VISIT_ACCEPTED);
  g_assert_cmpint (v->home_branch_id, ==, f->home);
  g_assert_cmpint (v->host_branch_id, ==, f->host);
  g_assert_cmpint (v->requested_by, ==, f->home_secretary);
  g_assert_cmpint (v->decided_by, ==, f->host_secretary);
  g_assert_cmpint (v->decided_at, >=, v->requested_at);
  g_assert_cmpstr (v->note, ==, "在第一党支部附近工作");
  m = sh_member_get (f->store, f->member, &error);
  g_assert_true (m->migrant); /* accepting makes them a migrant */
  g_assert_cmpint (m->current_branch_id, ==, f->host);
  g_assert_true (has_member_grant (f, f->member_account, f->host));

  g_assert_true (sh_visit_end (f->store, id, f->member_account, "已返回原单位", &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_ENDED);
  g_assert_cmpint (current_branch (f, f->member), ==, 0);
  g_assert_false (has_member_grant (f, f->member_account, f->host));
  g_assert_cmpint (log_rows (f, id), ==, 3);

  /* A new visit may follow the ended one. */
  g_assert_cmpint (request_ok (f, f->member, f->member_account), >, id);
}

static void
test_refuse_and_withdraw (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVisit) v = NULL;
  gint64 refused = request_ok (f, f->member, f->home_secretary);
  gint64 withdrawn;

  g_assert_true (
      sh_visit_refuse (f->store, refused, f->host_secretary, "本支部近期无活动", &error));
  g_assert_no_error (error);
  v = sh_visit_get (f->store, refused, &error);
  g_assert_cmpint (v->state, ==, SH_VISIT_REFUSED);
  g_assert_cmpstr (v->decision_note, ==, "本支部近期无活动");
  g_assert_cmpint (current_branch (f, f->member), ==, 0);

  /* Final: no accept, no end, no second refusal. */
  g_assert_false (sh_visit_accept (f->store, refused, f->host_secretary, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_visit_end (f->store, refused, f->home_secretary, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_visit_refuse (f->store, refused, f->host_secretary, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (current_branch (f, f->member), ==, 0);

  /* A pending request withdrawn is over: it can no longer be accepted. */
  withdrawn = request_ok (f, f->member, f->home_secretary);
  g_assert_true (sh_visit_end (f->store, withdrawn, f->home_secretary, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sh_visit_accept (f->store, withdrawn, f->host_secretary, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_assert_cmpint (current_branch (f, f->member), ==, 0);
}

/* Hostile deciders and requests. */
static void
test_hostile (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = request_ok (f, f->member, f->home_secretary);

  /* The member concerned, and whoever asked, never decide. */
  g_assert_false (sh_visit_accept (f->store, id, f->member_account, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_visit_accept (f->store, id, f->home_secretary, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_visit_refuse (f->store, id, f->home_secretary, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_PENDING);

  /* One open visit at a time, pending or accepted. */
  g_assert_cmpint (sh_visit_request (f->store, f->member, f->host, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (sh_visit_accept (f->store, id, f->host_secretary, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_visit_request (f->store, f->member, f->host, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Deciding twice. */
  g_assert_false (sh_visit_accept (f->store, id, f->host_secretary, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_visit_refuse (f->store, id, f->host_secretary, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (current_branch (f, f->member), ==, f->host);

  /* Where the visit goes: another branch, really a branch. */
  g_assert_cmpint (sh_visit_request (f->store, f->other_member, f->home, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_visit_request (f->store, f->other_member, f->group, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_visit_request (f->store, f->other_member, f->committee, NULL, 0, &error), ==,
                   0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_visit_request (f->store, f->other_member, 9999, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (sh_visit_request (f->store, 9999, f->host, NULL, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Unknown visits. */
  g_assert_false (sh_visit_accept (f->store, 9999, f->host_secretary, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_visit_end (f->store, -1, f->host_secretary, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (sh_visit_get (f->store, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_notes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) huge = g_string_new (NULL);
  g_autoptr (ShVisit) v = NULL;
  gint64 id;

  for (int i = 0; i < 501; i++)
    g_string_append (huge, "长");
  g_assert_cmpint (sh_visit_request (f->store, f->member, f->host, huge->str, 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_visit_request (f->store, f->member, f->host, "\xff\xfe", 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (log_rows (f, 1), ==, 0);
  g_assert_null (sh_visit_get (f->store, 1, NULL));

  /* A blank note is no note. */
  id = sh_visit_request (f->store, f->member, f->host, "", 0, &error);
  g_assert_no_error (error);
  v = sh_visit_get (f->store, id, &error);
  g_assert_null (v->note);
  g_assert_false (sh_visit_refuse (f->store, id, f->host_secretary, huge->str, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_PENDING);
}

/* Nothing but an accepted visit sets the current branch, not even SQL
 * that skips the API: the triggers of migration 4. And the history is
 * append-only. */
static void
test_store_guards (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = request_ok (f, f->member, f->home_secretary);
  const char *const refused[] = {
    "UPDATE members SET migrant = 1, current_branch_id = 2",
    "UPDATE member_visit_log SET note = 'x'",
    "DELETE FROM member_visit_log",
    "DELETE FROM member_visits",
    "UPDATE member_visits SET host_branch_id = 1",
    "INSERT INTO members (branch_id, name, status, migrant, current_branch_id, created_at,"
    " updated_at) VALUES (2, '外人', 'full', 1, 3, 0, 0)",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (f->store, refused[i], "hostile", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), !=, SQLITE_DONE);
  }
  g_assert_cmpint (current_branch (f, f->member), ==, 0);
  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_PENDING);
  g_assert_cmpint (log_rows (f, id), ==, 1);

  /* A refused visit stays refused, even by hand. */
  g_assert_true (sh_visit_refuse (f->store, id, f->host_secretary, NULL, &error));
  {
    g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
        f->store, "UPDATE member_visits SET state = 'accepted'", "hostile", &error);
    g_assert_cmpint (sqlite3_step (stmt), !=, SQLITE_DONE);
  }
  g_assert_cmpint (state_of (f, id), ==, SH_VISIT_REFUSED);
}

static void
test_lists (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) in_host = NULL;
  g_autoptr (GPtrArray) out_host = NULL;
  g_autoptr (GPtrArray) out_home = NULL;
  g_autoptr (GPtrArray) limited = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  gint64 first = request_ok (f, f->member, 0);
  gint64 second;

  g_assert_true (sh_visit_refuse (f->store, first, f->host_secretary, NULL, &error));
  second = request_ok (f, f->member, 0);
  request_ok (f, f->other_member, 0);

  in_host = sh_visit_list_for_branch (f->store, f->host, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_host->len, ==, 3);
  out_host = sh_visit_list_for_branch (f->store, f->host, FALSE, 0, &error);
  g_assert_cmpuint (out_host->len, ==, 0);
  out_home = sh_visit_list_for_branch (f->store, f->home, FALSE, 0, &error);
  g_assert_cmpuint (out_home->len, ==, 3);
  limited = sh_visit_list_for_branch (f->store, f->home, FALSE, 1, &error);
  g_assert_cmpuint (limited->len, ==, 1);
  mine = sh_visit_list_for_member (f->store, f->member, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 2);
  /* Newest first. */
  g_assert_cmpint (((ShVisit *) mine->pdata[0])->id, ==, second);
  g_assert_cmpint (((ShVisit *) mine->pdata[1])->id, ==, first);
}

/* Decisions inside a caller's transaction (the demo loads in one). */
static gboolean
accept_in_txn (ShStore *store, gpointer user_data, GError **error)
{
  return sh_visit_accept (store, *(gint64 *) user_data, 0, error)
         && !sh_visit_accept (store, *(gint64 *) user_data, 0, NULL);
}

static void
test_in_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = request_ok (f, f->member, 0);

  g_assert_true (sh_store_transaction (f->store, accept_in_txn, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (current_branch (f, f->member), ==, f->host);
}

/* A database from before visits, where a secretary had set a current
 * branch directly: after the upgrade it is a pending request, granting
 * nothing until the receiving branch accepts it. */
static void
test_migration (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (ShStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (ShMember) m = NULL;
  sqlite3 *db = NULL;
  int visits_migration = -1;
  ShVisit *v;

  for (int i = 0; i < sh_migrations_count && visits_migration < 0; i++)
    if (strstr (sh_migrations[i], "CREATE TABLE member_visits"))
      visits_migration = i;
  g_assert_cmpint (visits_migration, >, 0);

  dir = g_dir_make_tmp ("sanhui-visit-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "sanhui.db", NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (int i = 0; i < visits_migration; i++)
    g_assert_cmpint (sqlite3_exec (db, sh_migrations[i], NULL, NULL, NULL), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf (
        "PRAGMA user_version = %d;"
        "INSERT INTO organizations (id, parent_id, kind, name, created_at)"
        " VALUES (1, NULL, 'branch', '甲支部', 0), (2, NULL, 'branch', '乙支部', 0);"
        "INSERT INTO members (id, branch_id, name, status, migrant, current_branch_id,"
        " created_at, updated_at) VALUES (1, 1, '书记', 'full', 1, 2, 0, 0);",
        visits_migration);
    char *message = NULL;

    if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
      g_error ("%s", message);
  }
  sqlite3_close (db);

  store = sh_store_open (path, &error);
  g_assert_no_error (error);
  m = sh_member_get (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (m->current_branch_id, ==, 0);
  visits = sh_visit_list_for_branch (store, 2, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 1);
  v = visits->pdata[0];
  g_assert_cmpint (v->state, ==, SH_VISIT_PENDING);
  g_assert_cmpint (v->member_id, ==, 1);
  g_assert_cmpint (v->home_branch_id, ==, 1);
  g_assert_cmpint (v->requested_by, ==, 0);
  g_assert_true (sh_visit_accept (store, v->id, 0, &error));
  g_clear_pointer (&m, sh_member_free);
  m = sh_member_get (store, 1, &error);
  g_assert_cmpint (m->current_branch_id, ==, 2);
  minutes_fixture_close_tmp (g_steal_pointer (&store), g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/visit/state-strings", test_state_strings);
  g_test_add_func ("/visit/migration", test_migration);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/visit/lifecycle", test_lifecycle);
  ADD ("/visit/refuse-and-withdraw", test_refuse_and_withdraw);
  ADD ("/visit/hostile", test_hostile);
  ADD ("/visit/notes", test_notes);
  ADD ("/visit/store-guards", test_store_guards);
  ADD ("/visit/lists", test_lists);
  ADD ("/visit/in-transaction", test_in_transaction);
#undef ADD
  return g_test_run ();
}
