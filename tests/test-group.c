/* Tests for Party group membership (minutes/src/group.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

typedef struct {
  ShStore *store;
  gint64 branch;
  gint64 other_branch;
  gint64 group;
  gint64 second_group;
  gint64 foreign_group; /* in the other branch */
  gint64 zhang, li, wang, zhao;
  gint64 outsider; /* home in the other branch */
  gint64 visitor;  /* migrant from the other branch taking part in ours */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_memory ();
  f->branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第二党支部");
  f->group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第一党小组");
  f->second_group = minutes_fixture_org (f->store, f->branch, SH_ORG_GROUP, "第二党小组");
  f->foreign_group = minutes_fixture_org (f->store, f->other_branch, SH_ORG_GROUP, "外支部小组");
  f->zhang = minutes_fixture_member (f->store, f->branch, "张三", SH_MEMBER_FULL, 0);
  f->li = minutes_fixture_member (f->store, f->branch, "李四", SH_MEMBER_FULL, 0);
  f->wang = minutes_fixture_member (f->store, f->branch, "王五", SH_MEMBER_FULL, 0);
  f->zhao = minutes_fixture_member (f->store, f->branch, "赵六", SH_MEMBER_FULL, 0);
  f->outsider = minutes_fixture_member (f->store, f->other_branch, "外人", SH_MEMBER_FULL, 0);
  f->visitor
      = minutes_fixture_member (f->store, f->other_branch, "流动", SH_MEMBER_FULL, f->branch);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static void
add_ok (Fixture *f, gint64 group, gint64 member, gboolean leader)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_group_add_member (f->store, group, member, leader, &error));
  g_assert_no_error (error);
}

static void
assert_add_fails (Fixture *f, gint64 group, gint64 member, gboolean leader, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (sh_group_add_member (f->store, group, member, leader, &error));
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_add_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GPtrArray) empty = NULL;
  g_autoptr (GError) error = NULL;
  ShGroupMembership *gm;

  add_ok (f, f->group, f->wang, FALSE);
  add_ok (f, f->group, f->zhang, FALSE);
  add_ok (f, f->group, f->li, TRUE);

  /* The leader first, then by name. */
  list = sh_group_list_members (f->store, f->group, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  gm = g_ptr_array_index (list, 0);
  g_assert_cmpint (gm->group_id, ==, f->group);
  g_assert_cmpint (gm->member_id, ==, f->li);
  g_assert_true (gm->leader);
  gm = g_ptr_array_index (list, 1);
  g_assert_cmpint (gm->member_id, ==, f->zhang);
  g_assert_false (gm->leader);
  gm = g_ptr_array_index (list, 2);
  g_assert_cmpint (gm->member_id, ==, f->wang);
  g_assert_false (gm->leader);

  empty = sh_group_list_members (f->store, f->second_group, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
}

static void
test_one_leader (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  add_ok (f, f->group, f->zhang, TRUE);
  assert_add_fails (f, f->group, f->li, TRUE, SH_MINUTES_ERROR_CONFLICT);
  add_ok (f, f->group, f->li, FALSE);
  /* The other group has its own leader. */
  add_ok (f, f->second_group, f->wang, TRUE);

  /* A new leader once the old one leaves. */
  g_assert_true (sh_group_remove_member (f->store, f->group, f->zhang, &error));
  g_assert_no_error (error);
  add_ok (f, f->group, f->zhao, TRUE);
  g_assert_cmpint (sh_store_count_rows (f->store, "group_members", NULL), ==, 3);
}

static void
test_who_may_join (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMember) m = NULL;
  g_autoptr (GError) error = NULL;

  /* Only members whose home is the group's branch: not a member of
   * another branch, not even one who visits ours as a migrant. */
  assert_add_fails (f, f->group, f->outsider, FALSE, SH_MINUTES_ERROR_INVALID);
  assert_add_fails (f, f->group, f->visitor, FALSE, SH_MINUTES_ERROR_INVALID);
  assert_add_fails (f, f->foreign_group, f->zhang, FALSE, SH_MINUTES_ERROR_INVALID);
  /* Not someone transferred out. */
  m = sh_member_get (f->store, f->zhao, &error);
  g_assert_no_error (error);
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);
  assert_add_fails (f, f->group, f->zhao, FALSE, SH_MINUTES_ERROR_INVALID);
  /* Only into a group that exists, for a member who exists. */
  assert_add_fails (f, f->branch, f->zhang, FALSE, SH_MINUTES_ERROR_INVALID);
  assert_add_fails (f, 9999, f->zhang, FALSE, SH_MINUTES_ERROR_NOT_FOUND);
  assert_add_fails (f, f->group, 9999, FALSE, SH_MINUTES_ERROR_NOT_FOUND);
  g_assert_cmpint (sh_store_count_rows (f->store, "group_members", NULL), ==, 0);

  add_ok (f, f->foreign_group, f->outsider, FALSE);
}

static void
test_one_group_per_member (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  add_ok (f, f->group, f->zhang, FALSE);
  assert_add_fails (f, f->group, f->zhang, FALSE, SH_MINUTES_ERROR_CONFLICT);
  assert_add_fails (f, f->group, f->zhang, TRUE, SH_MINUTES_ERROR_CONFLICT);
  assert_add_fails (f, f->second_group, f->zhang, FALSE, SH_MINUTES_ERROR_CONFLICT);

  /* Moving to another group: leave, then join. */
  g_assert_true (sh_group_remove_member (f->store, f->group, f->zhang, &error));
  g_assert_no_error (error);
  add_ok (f, f->second_group, f->zhang, TRUE);
}

static void
test_remove (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;

  add_ok (f, f->group, f->zhang, TRUE);
  add_ok (f, f->group, f->li, FALSE);
  g_assert_false (sh_group_remove_member (f->store, f->group, f->wang, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_group_remove_member (f->store, f->second_group, f->zhang, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (sh_group_remove_member (f->store, f->group, f->zhang, &error));
  g_assert_no_error (error);
  list = sh_group_list_members (f->store, f->group, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((ShGroupMembership *) g_ptr_array_index (list, 0))->member_id, ==, f->li);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/group/add-and-list", test_add_and_list);
  ADD ("/group/one-leader", test_one_leader);
  ADD ("/group/who-may-join", test_who_may_join);
  ADD ("/group/one-group-per-member", test_one_group_per_member);
  ADD ("/group/remove", test_remove);
#undef ADD
  return g_test_run ();
}
