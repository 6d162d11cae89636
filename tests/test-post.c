/* Tests for branch posts (minutes/src/post.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

typedef struct {
  ShStore *store;
  gint64 big;   /* 8 full members (one under 留党察看): has a committee */
  gint64 small; /* 3 full members: secretary and deputy only */
  gint64 group; /* a group in the big branch */
  gint64 full[7];
  gint64 probationary;
  gint64 on_probation; /* 留党察看 */
  gint64 small_members[3];
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  ShMember on_probation
      = { .name = (char *) "察看", .status = SH_MEMBER_FULL, .under_probation = TRUE };

  f->store = minutes_fixture_open_memory ();
  f->big = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "大支部");
  f->small = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "小支部");
  f->group = minutes_fixture_org (f->store, f->big, SH_ORG_GROUP, "小组");
  for (int i = 0; i < 7; i++) {
    g_autofree char *name = g_strdup_printf ("正式%d", i);

    f->full[i] = minutes_fixture_member (f->store, f->big, name, SH_MEMBER_FULL, 0);
  }
  f->probationary = minutes_fixture_member (f->store, f->big, "预备", SH_MEMBER_PROBATIONARY, 0);
  on_probation.branch_id = f->big;
  f->on_probation = minutes_fixture_create_member (f->store, &on_probation);
  for (int i = 0; i < 3; i++) {
    g_autofree char *name = g_strdup_printf ("小%d", i);

    f->small_members[i] = minutes_fixture_member (f->store, f->small, name, SH_MEMBER_FULL, 0);
  }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static void
assign_ok (Fixture *f, gint64 branch, gint64 member, ShPost post)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_post_assign (f->store, branch, member, post, &error));
  g_assert_no_error (error);
}

static void
assert_assign_fails (Fixture *f, gint64 branch, gint64 member, ShPost post, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (sh_post_assign (f->store, branch, member, post, &error));
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_post_strings (void)
{
  static const struct {
    ShPost post;
    const char *string;
    const char *label;
  } cases[] = {
    { SH_POST_SECRETARY, "secretary", "书记" },
    { SH_POST_DEPUTY_SECRETARY, "deputy_secretary", "副书记" },
    { SH_POST_ORGANIZATION, "organization", "组织委员" },
    { SH_POST_PROPAGANDA, "propaganda", "宣传委员" },
    { SH_POST_DISCIPLINE, "discipline", "纪检委员" },
    { SH_POST_COMMITTEE_MEMBER, "committee_member", "委员" },
  };
  ShPost post = SH_POST_DISCIPLINE;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_assert_cmpstr (sh_post_to_string (cases[i].post), ==, cases[i].string);
    g_assert_cmpstr (sh_post_label (cases[i].post), ==, cases[i].label);
    g_assert_true (sh_post_from_string (cases[i].string, &post));
    g_assert_cmpint (post, ==, cases[i].post);
  }
  post = SH_POST_DISCIPLINE;
  g_assert_false (sh_post_from_string ("chair", &post));
  g_assert_false (sh_post_from_string (NULL, &post));
  g_assert_cmpint (post, ==, SH_POST_DISCIPLINE);
}

static void
test_assign_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) posts = NULL;
  g_autoptr (GPtrArray) small_posts = NULL;
  g_autoptr (GError) error = NULL;
  static const ShPost expected_order[] = {
    SH_POST_SECRETARY,  SH_POST_DEPUTY_SECRETARY, SH_POST_ORGANIZATION,
    SH_POST_PROPAGANDA, SH_POST_DISCIPLINE,       SH_POST_COMMITTEE_MEMBER,
  };

  /* Assigned out of order; the list comes in roster order. */
  assign_ok (f, f->big, f->full[4], SH_POST_DISCIPLINE);
  assign_ok (f, f->big, f->full[5], SH_POST_COMMITTEE_MEMBER);
  assign_ok (f, f->big, f->full[0], SH_POST_SECRETARY);
  assign_ok (f, f->big, f->full[3], SH_POST_PROPAGANDA);
  assign_ok (f, f->big, f->full[1], SH_POST_DEPUTY_SECRETARY);
  assign_ok (f, f->big, f->full[2], SH_POST_ORGANIZATION);
  /* One member may hold two posts. */
  assign_ok (f, f->big, f->full[1], SH_POST_COMMITTEE_MEMBER);
  /* A small branch has a secretary and deputies. */
  assign_ok (f, f->small, f->small_members[0], SH_POST_SECRETARY);
  assign_ok (f, f->small, f->small_members[1], SH_POST_DEPUTY_SECRETARY);
  assign_ok (f, f->small, f->small_members[2], SH_POST_DEPUTY_SECRETARY);

  posts = sh_post_list (f->store, f->big, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (posts->len, ==, 7);
  for (guint i = 0; i < G_N_ELEMENTS (expected_order); i++) {
    ShPostHolder *h = g_ptr_array_index (posts, i);

    g_assert_cmpint (h->branch_id, ==, f->big);
    g_assert_cmpint (h->post, ==, expected_order[i]);
    if (i < 5)
      g_assert_cmpint (h->member_id, ==, f->full[i]);
  }
  /* Two 委员, by name: 正式1 before 正式5. */
  g_assert_cmpint (((ShPostHolder *) g_ptr_array_index (posts, 5))->member_id, ==, f->full[1]);
  g_assert_cmpint (((ShPostHolder *) g_ptr_array_index (posts, 6))->member_id, ==, f->full[5]);

  small_posts = sh_post_list (f->store, f->small, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (small_posts->len, ==, 3);
  g_assert_cmpint (((ShPostHolder *) g_ptr_array_index (small_posts, 0))->post, ==,
                   SH_POST_SECRETARY);
}

static void
test_committee_posts_need_committee (Fixture *f, gconstpointer data)
{
  static const ShPost committee_only[]
      = { SH_POST_ORGANIZATION, SH_POST_PROPAGANDA, SH_POST_DISCIPLINE, SH_POST_COMMITTEE_MEMBER };
  g_autoptr (ShMember) m = NULL;
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (committee_only); i++)
    assert_assign_fails (f, f->small, f->small_members[0], committee_only[i],
                         SH_MINUTES_ERROR_INVALID);

  /* With two of its eight full members made probationary, the big branch
   * falls below the threshold as well. */
  for (int i = 5; i < 7; i++) {
    m = sh_member_get (f->store, f->full[i], &error);
    g_assert_no_error (error);
    m->status = SH_MEMBER_PROBATIONARY;
    g_assert_true (sh_member_update (f->store, m, &error));
    g_assert_no_error (error);
    g_clear_pointer (&m, sh_member_free);
  }
  assert_assign_fails (f, f->big, f->full[0], SH_POST_ORGANIZATION, SH_MINUTES_ERROR_INVALID);
  assign_ok (f, f->big, f->full[0], SH_POST_SECRETARY);
  g_assert_cmpint (sh_store_count_rows (f->store, "committee_posts", NULL), ==, 1);
}

static void
test_one_secretary (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  assign_ok (f, f->big, f->full[0], SH_POST_SECRETARY);
  assert_assign_fails (f, f->big, f->full[1], SH_POST_SECRETARY, SH_MINUTES_ERROR_CONFLICT);
  /* The same post twice is a conflict too. */
  assert_assign_fails (f, f->big, f->full[0], SH_POST_SECRETARY, SH_MINUTES_ERROR_CONFLICT);
  assign_ok (f, f->big, f->full[1], SH_POST_DEPUTY_SECRETARY);
  assert_assign_fails (f, f->big, f->full[1], SH_POST_DEPUTY_SECRETARY, SH_MINUTES_ERROR_CONFLICT);
  /* Another branch has its own secretary. */
  assign_ok (f, f->small, f->small_members[0], SH_POST_SECRETARY);

  /* A new secretary once the old one is removed. */
  g_assert_true (sh_post_remove (f->store, f->big, f->full[0], SH_POST_SECRETARY, &error));
  g_assert_no_error (error);
  assign_ok (f, f->big, f->full[1], SH_POST_SECRETARY);
  g_assert_cmpint (sh_store_count_rows (f->store, "committee_posts", NULL), ==, 3);
}

static void
test_who_may_hold_a_post (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = NULL;
  g_autoptr (GError) error = NULL;

  /* Only a member of the branch. */
  assert_assign_fails (f, f->small, f->full[0], SH_POST_SECRETARY, SH_MINUTES_ERROR_INVALID);
  assert_assign_fails (f, f->big, f->small_members[0], SH_POST_DEPUTY_SECRETARY,
                       SH_MINUTES_ERROR_INVALID);
  /* Only a full member not under 留党察看. */
  assert_assign_fails (f, f->big, f->probationary, SH_POST_SECRETARY, SH_MINUTES_ERROR_INVALID);
  assert_assign_fails (f, f->big, f->on_probation, SH_POST_DEPUTY_SECRETARY,
                       SH_MINUTES_ERROR_INVALID);
  /* Not someone transferred out. */
  m = sh_member_get (f->store, f->small_members[2], &error);
  g_assert_no_error (error);
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);
  assert_assign_fails (f, f->small, f->small_members[2], SH_POST_SECRETARY,
                       SH_MINUTES_ERROR_INVALID);
  /* Only in a branch that exists, to a member who exists. */
  assert_assign_fails (f, f->group, f->full[0], SH_POST_SECRETARY, SH_MINUTES_ERROR_INVALID);
  assert_assign_fails (f, 9999, f->full[0], SH_POST_SECRETARY, SH_MINUTES_ERROR_NOT_FOUND);
  assert_assign_fails (f, f->big, 9999, SH_POST_SECRETARY, SH_MINUTES_ERROR_NOT_FOUND);
  g_assert_cmpint (sh_store_count_rows (f->store, "committee_posts", NULL), ==, 0);
}

static void
test_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) posts = NULL;
  g_autoptr (GError) error = NULL;

  assign_ok (f, f->big, f->full[0], SH_POST_SECRETARY);
  assign_ok (f, f->big, f->full[0], SH_POST_ORGANIZATION);
  g_assert_false (sh_post_remove (f->store, f->big, f->full[0], SH_POST_PROPAGANDA, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_post_remove (f->store, f->small, f->full[0], SH_POST_SECRETARY, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sh_post_remove (f->store, f->big, f->full[0], SH_POST_ORGANIZATION, &error));
  g_assert_no_error (error);
  posts = sh_post_list (f->store, f->big, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (posts->len, ==, 1);
  g_assert_cmpint (((ShPostHolder *) g_ptr_array_index (posts, 0))->post, ==, SH_POST_SECRETARY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/post/strings", test_post_strings);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/post/assign-and-list", test_assign_and_list);
  ADD ("/post/committee-posts-need-committee", test_committee_posts_need_committee);
  ADD ("/post/one-secretary", test_one_secretary);
  ADD ("/post/who-may-hold-a-post", test_who_may_hold_a_post);
  ADD ("/post/remove", test_remove);
#undef ADD
  return g_test_run ();
}
