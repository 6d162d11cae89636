/* The authorization rules: every role against every permission, on its own
 * organization, below it and beside it.  SPDX-License-Identifier: Apache-2.0 */
#include "authz.h"

typedef struct {
  ShStore *store;
  gint64 committee, branch_a, group_a, branch_b;
} Tree;

static void
tree_set_up (Tree *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  t->store = sh_store_open (":memory:", &error);
  g_assert_no_error (error);
  t->committee = sh_org_create (t->store, 0, SH_ORG_COMMITTEE, "党委", &error);
  t->branch_a = sh_org_create (t->store, t->committee, SH_ORG_BRANCH, "甲支部", &error);
  t->group_a = sh_org_create (t->store, t->branch_a, SH_ORG_GROUP, "甲一小组", &error);
  t->branch_b = sh_org_create (t->store, t->committee, SH_ORG_BRANCH, "乙支部", &error);
  g_assert_no_error (error);
}

static void
tree_tear_down (Tree *t, gconstpointer data)
{
  sh_store_free (t->store);
}

static GArray *
grants (ShRole role, gint64 org)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (ShRoleGrant));
  ShRoleGrant g = { role, org };

  g_array_append_val (a, g);
  return a;
}

static void
expect (Tree *t, GArray *roles, gint64 org, gboolean read_org, gboolean read_roster,
        gboolean manage, gboolean admin)
{
  g_assert_cmpint (sh_authz_check (t->store, roles, SH_PERM_READ_ORG, org), ==, read_org);
  g_assert_cmpint (sh_authz_check (t->store, roles, SH_PERM_READ_ROSTER, org), ==, read_roster);
  g_assert_cmpint (sh_authz_check (t->store, roles, SH_PERM_MANAGE_BRANCH, org), ==, manage);
  g_assert_cmpint (sh_authz_check (t->store, roles, SH_PERM_ADMIN, org), ==, admin);
}

static void
test_nobody (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) none = g_array_new (FALSE, FALSE, sizeof (ShRoleGrant));

  expect (t, NULL, t->branch_a, FALSE, FALSE, FALSE, FALSE);
  expect (t, none, t->branch_a, FALSE, FALSE, FALSE, FALSE);
}

static void
test_admin (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) roles = grants (SH_ROLE_ADMIN, 0);

  expect (t, roles, t->branch_a, TRUE, TRUE, TRUE, TRUE);
  expect (t, roles, t->committee, TRUE, TRUE, TRUE, TRUE);
  g_assert_true (sh_authz_is_admin (roles));
}

static void
test_secretary (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) roles = grants (SH_ROLE_SECRETARY, t->branch_a);

  expect (t, roles, t->branch_a, TRUE, TRUE, TRUE, FALSE);
  /* The branch's groups are the secretary's too. */
  expect (t, roles, t->group_a, TRUE, TRUE, TRUE, FALSE);
  expect (t, roles, t->branch_b, FALSE, FALSE, FALSE, FALSE);
  expect (t, roles, t->committee, FALSE, FALSE, FALSE, FALSE);
  g_assert_false (sh_authz_is_admin (roles));
}

static void
test_member (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) roles = grants (SH_ROLE_MEMBER, t->branch_a);

  expect (t, roles, t->branch_a, TRUE, FALSE, FALSE, FALSE);
  expect (t, roles, t->group_a, TRUE, FALSE, FALSE, FALSE);
  expect (t, roles, t->branch_b, FALSE, FALSE, FALSE, FALSE);
}

static void
test_inspector (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) over_all = grants (SH_ROLE_INSPECTOR, t->committee);
  g_autoptr (GArray) over_b = grants (SH_ROLE_INSPECTOR, t->branch_b);

  expect (t, over_all, t->committee, TRUE, TRUE, FALSE, FALSE);
  expect (t, over_all, t->branch_a, TRUE, TRUE, FALSE, FALSE);
  expect (t, over_all, t->group_a, TRUE, TRUE, FALSE, FALSE);
  expect (t, over_b, t->branch_b, TRUE, TRUE, FALSE, FALSE);
  expect (t, over_b, t->branch_a, FALSE, FALSE, FALSE, FALSE);
  expect (t, over_b, t->committee, FALSE, FALSE, FALSE, FALSE);
}

static void
test_unknown_org (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) inspector = grants (SH_ROLE_INSPECTOR, t->committee);
  g_autoptr (GArray) secretary = grants (SH_ROLE_SECRETARY, t->branch_a);

  expect (t, inspector, 9999, FALSE, FALSE, FALSE, FALSE);
  expect (t, secretary, 9999, FALSE, FALSE, FALSE, FALSE);
  expect (t, secretary, 0, FALSE, FALSE, FALSE, FALSE);
}

static gboolean
contains (GPtrArray *orgs, gint64 id)
{
  for (guint i = 0; i < orgs->len; i++)
    if (((ShOrg *) g_ptr_array_index (orgs, i))->id == id)
      return TRUE;
  return FALSE;
}

static void
test_visible_orgs (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) secretary = grants (SH_ROLE_SECRETARY, t->branch_a);
  g_autoptr (GArray) inspector = grants (SH_ROLE_INSPECTOR, t->committee);
  g_autoptr (GArray) both = grants (SH_ROLE_SECRETARY, t->branch_a);
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) merged = NULL;
  ShRoleGrant member = { SH_ROLE_MEMBER, t->branch_a };

  mine = sh_authz_visible_orgs (t->store, secretary, NULL);
  g_assert_cmpuint (mine->len, ==, 2);
  g_assert_true (contains (mine, t->branch_a) && contains (mine, t->group_a));
  g_assert_false (contains (mine, t->branch_b));
  all = sh_authz_visible_orgs (t->store, inspector, NULL);
  g_assert_cmpuint (all->len, ==, 4);
  /* Overlapping grants list each organization once. */
  g_array_append_val (both, member);
  merged = sh_authz_visible_orgs (t->store, both, NULL);
  g_assert_cmpuint (merged->len, ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Tree, NULL, tree_set_up, fn, tree_tear_down)
  ADD ("/authz/nobody", test_nobody);
  ADD ("/authz/admin", test_admin);
  ADD ("/authz/secretary", test_secretary);
  ADD ("/authz/member", test_member);
  ADD ("/authz/inspector", test_inspector);
  ADD ("/authz/unknown-org", test_unknown_org);
  ADD ("/authz/visible-orgs", test_visible_orgs);
#undef ADD
  return g_test_run ();
}
