/* Tests for Party members (minutes/src/member.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

typedef struct {
  ShStore *store;
  gint64 committee;
  gint64 branch;
  gint64 other_branch;
  gint64 group;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_memory ();
  f->committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, f->committee, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, f->committee, SH_ORG_BRANCH, "第二党支部");
  f->group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第一党小组");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

/* A valid member of @branch; the caller adjusts fields. */
static ShMember *
new_member (gint64 branch, const char *name, const char *phone)
{
  ShMember *m = g_new0 (ShMember, 1);

  m->branch_id = branch;
  m->name = g_strdup (name);
  m->phone = g_strdup (phone);
  m->status = SH_MEMBER_FULL;
  m->joined_on = g_strdup ("2001-07-01");
  m->active = TRUE;
  return m;
}

static gint64
create_ok (Fixture *f, const ShMember *m)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_member_create (f->store, m, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
assert_create_fails (Fixture *f, const ShMember *m, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sh_member_create (f->store, m, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
  /* The message is for the user, in Chinese. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (error->message, !=, "");
}

/* @member_id takes part in @host through a visit the system asked for and
 * accepted: the only way to a current branch. */
static void
visit_accepted (Fixture *f, gint64 member_id, gint64 host)
{
  g_autoptr (GError) error = NULL;
  gint64 visit = sh_visit_request (f->store, member_id, host, NULL, 0, &error);

  g_assert_no_error (error);
  g_assert_true (sh_visit_accept (f->store, visit, 0, &error));
  g_assert_no_error (error);
}

static void
set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
test_status_strings (void)
{
  ShMemberStatus s = SH_MEMBER_PROBATIONARY;

  g_assert_cmpstr (sh_member_status_to_string (SH_MEMBER_FULL), ==, "full");
  g_assert_cmpstr (sh_member_status_to_string (SH_MEMBER_PROBATIONARY), ==, "probationary");
  g_assert_true (sh_member_status_from_string ("full", &s));
  g_assert_cmpint (s, ==, SH_MEMBER_FULL);
  g_assert_true (sh_member_status_from_string ("probationary", &s));
  g_assert_cmpint (s, ==, SH_MEMBER_PROBATIONARY);
  g_assert_false (sh_member_status_from_string ("正式", &s));
  g_assert_false (sh_member_status_from_string (NULL, &s));
  g_assert_cmpint (s, ==, SH_MEMBER_PROBATIONARY);
}

static void
test_create_and_get (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = new_member (f->branch, " 张三 ", "13800138000");
  g_autoptr (ShMember) got = NULL;
  g_autoptr (ShMember) blank = new_member (f->branch, "李四", "");
  g_autoptr (ShMember) got_blank = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  m->status = SH_MEMBER_PROBATIONARY;
  m->under_probation = TRUE;
  m->migrant = TRUE;
  m->active = FALSE; /* ignored: a new member is active */
  id = create_ok (f, m);

  got = sh_member_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->id, ==, id);
  g_assert_cmpint (got->branch_id, ==, f->branch);
  g_assert_cmpstr (got->name, ==, "张三");
  g_assert_cmpstr (got->phone, ==, "13800138000");
  g_assert_cmpint (got->status, ==, SH_MEMBER_PROBATIONARY);
  g_assert_true (got->under_probation);
  g_assert_true (got->migrant);
  g_assert_cmpint (got->current_branch_id, ==, 0);
  g_assert_cmpstr (got->joined_on, ==, "2001-07-01");
  g_assert_true (got->active);

  /* Blank phone and date from a form mean "none". */
  set_str (&blank->joined_on, "");
  id = create_ok (f, blank);
  got_blank = sh_member_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_null (got_blank->phone);
  g_assert_null (got_blank->joined_on);
  g_assert_false (got_blank->migrant);
  g_assert_cmpint (got_blank->current_branch_id, ==, 0);

  g_assert_null (sh_member_get (f->store, 9999, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_assert_cmpint (sh_store_count_rows (f->store, "members", NULL), ==, 2);
}

static void
test_name_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = new_member (f->branch, NULL, NULL);
  g_autoptr (GString) name = g_string_new (NULL);

  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  set_str (&m->name, "");
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  set_str (&m->name, "  \t");
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  set_str (&m->name, "\xe5\xbc");
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  for (int i = 0; i < 50; i++)
    g_string_append (name, "名");
  set_str (&m->name, name->str);
  create_ok (f, m);
  g_string_append (name, "名");
  set_str (&m->name, name->str);
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
}

static void
test_phone_rules (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "1380013800",   "138001380001",           "23800138000", "1380013800a", "+8613800138000",
    "138 0013 800", "１３８００１３８０００", "-1380013800",
  };
  g_autoptr (ShMember) m = new_member (f->branch, "王五", "13912345678");
  g_autoptr (ShMember) other = new_member (f->other_branch, "赵六", "13912345678");
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    set_str (&m->phone, bad[i]);
    assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  }
  set_str (&m->phone, "13912345678");
  create_ok (f, m);
  /* The phone number identifies a person at log-in: unique store-wide. */
  g_assert_cmpint (sh_member_create (f->store, other, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "该手机号已被其他党员使用");
  /* Members without a phone do not collide. */
  set_str (&other->phone, NULL);
  create_ok (f, other);
  create_ok (f, other);
}

static void
test_date_rules (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "2001-7-1",   "2001/07/01", "2001-02-30", "1900-02-29",  "2001-13-01",
    "2001-00-10", "0000-01-01", "20010701",   "2001-07-01 ", "abcd-ef-gh",
  };
  g_autoptr (ShMember) m = new_member (f->branch, "王五", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    set_str (&m->joined_on, bad[i]);
    assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  }
  set_str (&m->joined_on, "2000-02-29");
  create_ok (f, m);
  set_str (&m->joined_on, NULL);
  create_ok (f, m);
}

static void
test_branch_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = new_member (0, "王五", NULL);

  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->branch_id = 9999;
  assert_create_fails (f, m, SH_MINUTES_ERROR_NOT_FOUND);
  m->branch_id = f->group;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->branch_id = f->committee;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);

  /* The branch a migrant takes part in comes from an accepted visit only:
   * a new member never brings one, valid branch or not. */
  m->branch_id = f->branch;
  m->migrant = TRUE;
  m->current_branch_id = f->other_branch;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->migrant = FALSE;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->migrant = TRUE;
  m->current_branch_id = f->branch;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->current_branch_id = f->group;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->current_branch_id = 9999;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  m->current_branch_id = -1;
  assert_create_fails (f, m, SH_MINUTES_ERROR_INVALID);
  g_assert_cmpint (sh_store_count_rows (f->store, "members", NULL), ==, 0);

  /* A migrant with no branch nearby is fine. */
  m->current_branch_id = 0;
  create_ok (f, m);
}

static void
test_update (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = new_member (f->branch, "张三", "13800138000");
  g_autoptr (ShMember) taken = new_member (f->branch, "李四", "13700137000");
  g_autoptr (ShMember) got = NULL;
  g_autoptr (GError) error = NULL;

  m->id = create_ok (f, m);
  create_ok (f, taken);

  set_str (&m->name, "张三丰");
  set_str (&m->phone, "13600136000");
  m->status = SH_MEMBER_PROBATIONARY;
  m->under_probation = TRUE;
  m->migrant = TRUE;
  set_str (&m->joined_on, "2010-10-10");
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);
  got = sh_member_get (f->store, m->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->name, ==, "张三丰");
  g_assert_cmpstr (got->phone, ==, "13600136000");
  g_assert_cmpint (got->status, ==, SH_MEMBER_PROBATIONARY);
  g_assert_true (got->under_probation);
  g_assert_true (got->migrant);
  g_assert_cmpint (got->current_branch_id, ==, 0);
  g_assert_cmpstr (got->joined_on, ==, "2010-10-10");
  g_assert_true (got->active);

  /* No update sets, moves or clears the current branch: visits do. */
  m->current_branch_id = f->other_branch;
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  visit_accepted (f, m->id, f->other_branch);
  m->current_branch_id = 0;
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  m->current_branch_id = f->other_branch;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);

  /* Each rule is checked on update too, and a failure changes nothing. */
  set_str (&m->phone, "13700137000");
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  set_str (&m->phone, "12345");
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  set_str (&m->phone, "13600136000");
  m->migrant = FALSE;
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  m->migrant = TRUE;
  m->branch_id = f->group;
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&got, sh_member_free);
  got = sh_member_get (f->store, m->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (got->branch_id, ==, f->branch);
  g_assert_cmpstr (got->phone, ==, "13600136000");

  m->branch_id = f->branch;
  m->id = 9999;
  g_assert_false (sh_member_update (f->store, m, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static gint64
count (Fixture *f, const char *sql, gint64 member_id)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (f->store, sql, "count", NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, member_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
hold_post_and_group (Fixture *f, gint64 member_id)
{
  g_autoptr (sqlite3_stmt) post = NULL;
  g_autoptr (sqlite3_stmt) group = NULL;

  /* Written directly so that this test depends on members alone. */
  post = sh_sqlite_prepare (f->store,
                            "INSERT INTO committee_posts (branch_id, member_id, post, since)"
                            " VALUES (?1, ?2, 'secretary', 1)",
                            "post", NULL);
  sqlite3_bind_int64 (post, 1, f->branch);
  sqlite3_bind_int64 (post, 2, member_id);
  g_assert_true (sh_sqlite_step_done (f->store, post, "post", NULL));
  group = sh_sqlite_prepare (f->store,
                             "INSERT INTO group_members (group_id, member_id, leader)"
                             " VALUES (?1, ?2, 1)",
                             "group", NULL);
  sqlite3_bind_int64 (group, 1, f->group);
  sqlite3_bind_int64 (group, 2, member_id);
  g_assert_true (sh_sqlite_step_done (f->store, group, "group", NULL));
}

/* Transferring out, or moving to another branch, ends the member's posts
 * and Party group there; other edits keep them. */
static void
test_leaving_branch_ends_posts (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) mover = new_member (f->branch, "调动者", NULL);
  g_autoptr (ShMember) leaver = new_member (f->branch, "转出者", NULL);
  g_autoptr (ShMember) stayer = new_member (f->branch, "留下者", NULL);
  g_autoptr (GError) error = NULL;
  const char *posts = "SELECT count(*) FROM committee_posts WHERE member_id = ?1";
  const char *groups = "SELECT count(*) FROM group_members WHERE member_id = ?1";

  mover->id = create_ok (f, mover);
  leaver->id = create_ok (f, leaver);
  stayer->id = create_ok (f, stayer);
  hold_post_and_group (f, mover->id);
  hold_post_and_group (f, leaver->id);
  hold_post_and_group (f, stayer->id);

  mover->branch_id = f->other_branch;
  g_assert_true (sh_member_update (f->store, mover, &error));
  g_assert_no_error (error);
  leaver->active = FALSE;
  g_assert_true (sh_member_update (f->store, leaver, &error));
  g_assert_no_error (error);
  stayer->status = SH_MEMBER_PROBATIONARY;
  g_assert_true (sh_member_update (f->store, stayer, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (f, posts, mover->id), ==, 0);
  g_assert_cmpint (count (f, groups, mover->id), ==, 0);
  g_assert_cmpint (count (f, posts, leaver->id), ==, 0);
  g_assert_cmpint (count (f, groups, leaver->id), ==, 0);
  g_assert_cmpint (count (f, posts, stayer->id), ==, 1);
  g_assert_cmpint (count (f, groups, stayer->id), ==, 1);
}

/* A visit belongs to the branch the member leaves: transferring out or
 * moving ends it (logged), clears the current branch, and a pending
 * request goes with it. */
static void
test_leaving_branch_ends_visit (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) visitor = new_member (f->branch, "流动者", NULL);
  g_autoptr (ShMember) asker = new_member (f->branch, "申请者", NULL);
  g_autoptr (ShMember) got = NULL;
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (GError) error = NULL;
  const char *logged = "SELECT count(*) FROM member_visit_log l JOIN member_visits v"
                       " ON v.id = l.visit_id WHERE v.member_id = ?1 AND l.state = 'ended'";

  visitor->migrant = TRUE;
  visitor->id = create_ok (f, visitor);
  asker->id = create_ok (f, asker);
  visit_accepted (f, visitor->id, f->other_branch);
  g_assert_cmpint (sh_visit_request (f->store, asker->id, f->other_branch, NULL, 0, &error), >, 0);
  g_assert_no_error (error);

  /* Moving to the very branch visited: a home now, not a visit. */
  visitor->current_branch_id = f->other_branch;
  visitor->branch_id = f->other_branch;
  g_assert_true (sh_member_update (f->store, visitor, &error));
  g_assert_no_error (error);
  got = sh_member_get (f->store, visitor->id, &error);
  g_assert_cmpint (got->branch_id, ==, f->other_branch);
  g_assert_cmpint (got->current_branch_id, ==, 0);
  visits = sh_visit_list_for_member (f->store, visitor->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (visits->len, ==, 1);
  g_assert_cmpint (((ShVisit *) visits->pdata[0])->state, ==, SH_VISIT_ENDED);
  g_assert_cmpint (count (f, logged, visitor->id), ==, 1);

  asker->active = FALSE;
  g_assert_true (sh_member_update (f->store, asker, &error));
  g_assert_no_error (error);
  g_clear_pointer (&visits, g_ptr_array_unref);
  visits = sh_visit_list_for_member (f->store, asker->id, &error);
  g_assert_cmpint (((ShVisit *) visits->pdata[0])->state, ==, SH_VISIT_ENDED);
  g_assert_cmpint (count (f, logged, asker->id), ==, 1);
}

/* A move is one unit: when its member row cannot be written (a phone
 * number taken), the visit it would have ended and the posts it would have
 * dropped stay as they were. */
static void
test_failed_move_changes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) mover = new_member (f->branch, "调动者", NULL);
  g_autoptr (ShMember) other = new_member (f->branch, "他人", "13800138000");
  g_autoptr (ShMember) got = NULL;
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (GError) error = NULL;
  const char *posts = "SELECT count(*) FROM committee_posts WHERE member_id = ?1";

  mover->migrant = TRUE;
  mover->id = create_ok (f, mover);
  other->id = create_ok (f, other);
  hold_post_and_group (f, mover->id);
  visit_accepted (f, mover->id, f->other_branch);

  got = sh_member_get (f->store, mover->id, &error);
  g_assert_no_error (error);
  got->branch_id = f->other_branch;
  g_free (got->phone);
  got->phone = g_strdup ("13800138000");
  g_assert_false (sh_member_update (f->store, got, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "该手机号已被其他党员使用");
  g_clear_error (&error);

  g_clear_pointer (&got, sh_member_free);
  got = sh_member_get (f->store, mover->id, &error);
  g_assert_cmpint (got->branch_id, ==, f->branch);
  g_assert_cmpint (got->current_branch_id, ==, f->other_branch);
  g_assert_cmpint (count (f, posts, mover->id), ==, 1);
  visits = sh_visit_list_for_member (f->store, mover->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((ShVisit *) visits->pdata[0])->state, ==, SH_VISIT_ACCEPTED);
}

/* The update works inside a caller's transaction (it uses a savepoint). */
static gboolean
update_in_txn (ShStore *store, gpointer user_data, GError **error)
{
  ShMember *m = user_data;

  m->active = FALSE;
  return sh_member_update (store, m, error);
}

static void
test_update_in_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = new_member (f->branch, "张三", NULL);
  g_autoptr (ShMember) got = NULL;
  g_autoptr (GError) error = NULL;

  m->id = create_ok (f, m);
  g_assert_true (sh_store_transaction (f->store, update_in_txn, m, &error));
  g_assert_no_error (error);
  got = sh_member_get (f->store, m->id, &error);
  g_assert_no_error (error);
  g_assert_false (got->active);
}

static void
assert_names (GPtrArray *members, const char *const *names)
{
  guint n = g_strv_length ((char **) names);

  g_assert_cmpuint (members->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (((ShMember *) g_ptr_array_index (members, i))->name, ==, names[i]);
}

static void
test_list (Fixture *f, gconstpointer data)
{
  static const char *const home[] = { "张三", "李四", "王五", NULL };
  static const char *const visiting[] = { "孙七", NULL };
  g_autoptr (ShMember) m = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) visitors = NULL;
  g_autoptr (GPtrArray) empty = NULL;
  g_autoptr (GError) error = NULL;
  gint64 gone;

  /* Created out of order: the list is by name (code point order). */
  m = new_member (f->branch, "王五", NULL);
  create_ok (f, m);
  set_str (&m->name, "张三");
  create_ok (f, m);
  set_str (&m->name, "李四");
  create_ok (f, m);
  set_str (&m->name, "转出者");
  gone = create_ok (f, m);
  m->id = gone;
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);
  m->active = TRUE;

  /* Members of the other branch: one visits our branch, one does not, and
   * one did but was transferred out. */
  m->branch_id = f->other_branch;
  set_str (&m->name, "赵六");
  create_ok (f, m);
  set_str (&m->name, "孙七");
  m->migrant = TRUE;
  visit_accepted (f, create_ok (f, m), f->branch);
  set_str (&m->name, "周八");
  m->id = create_ok (f, m);
  visit_accepted (f, m->id, f->branch);
  m->current_branch_id = f->branch;
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);

  list = sh_member_list (f->store, f->branch, &error);
  g_assert_no_error (error);
  assert_names (list, home);
  visitors = sh_member_list_visiting (f->store, f->branch, &error);
  g_assert_no_error (error);
  assert_names (visitors, visiting);
  empty = sh_member_list_visiting (f->store, f->other_branch, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_copy (void)
{
  g_autoptr (ShMember) m = new_member (3, "张三", "13800138000");
  g_autoptr (ShMember) copy = NULL;

  m->id = 7;
  m->migrant = TRUE;
  m->current_branch_id = 4;
  copy = sh_member_copy (m);
  g_assert_cmpint (copy->id, ==, 7);
  g_assert_cmpint (copy->branch_id, ==, 3);
  g_assert_cmpint (copy->current_branch_id, ==, 4);
  g_assert_true (copy->migrant);
  g_assert_cmpstr (copy->name, ==, "张三");
  g_assert_true (copy->name != m->name);
  g_assert_cmpstr (copy->phone, ==, "13800138000");
  g_assert_true (copy->phone != m->phone);
  g_assert_cmpstr (copy->joined_on, ==, "2001-07-01");
  g_assert_true (copy->joined_on != m->joined_on);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/member/status-strings", test_status_strings);
  g_test_add_func ("/member/copy", test_copy);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/member/create-and-get", test_create_and_get);
  ADD ("/member/name-rules", test_name_rules);
  ADD ("/member/phone-rules", test_phone_rules);
  ADD ("/member/date-rules", test_date_rules);
  ADD ("/member/branch-rules", test_branch_rules);
  ADD ("/member/update", test_update);
  ADD ("/member/leaving-branch-ends-posts", test_leaving_branch_ends_posts);
  ADD ("/member/leaving-branch-ends-visit", test_leaving_branch_ends_visit);
  ADD ("/member/update-in-transaction", test_update_in_transaction);
  ADD ("/member/failed-move-changes-nothing", test_failed_move_changes_nothing);
  ADD ("/member/list", test_list);
#undef ADD
  return g_test_run ();
}
