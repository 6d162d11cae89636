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

/* Visits: a member 7 of branch A visits branch B, asked by account 70. */
static void
test_visits (Tree *t, gconstpointer data)
{
  g_autoptr (GArray) sec_a = grants (SH_ROLE_SECRETARY, t->branch_a);
  g_autoptr (GArray) sec_b = grants (SH_ROLE_SECRETARY, t->branch_b);
  g_autoptr (GArray) member_a = grants (SH_ROLE_MEMBER, t->branch_a);
  g_autoptr (GArray) admin = grants (SH_ROLE_ADMIN, 0);
  g_autoptr (GArray) inspector = grants (SH_ROLE_INSPECTOR, t->committee);
  ShMember m = { .id = 7, .branch_id = t->branch_a };
  ShVisit v = { .id = 1,
                .member_id = 7,
                .home_branch_id = t->branch_a,
                .host_branch_id = t->branch_b,
                .requested_by = 70 };

  /* Asking: the home secretary, an administrator, the member. */
  g_assert_true (sh_authz_may_request_visit (t->store, sec_a, 1, &m));
  g_assert_true (sh_authz_may_request_visit (t->store, admin, 0, &m));
  g_assert_true (sh_authz_may_request_visit (t->store, member_a, 7, &m));
  g_assert_false (sh_authz_may_request_visit (t->store, member_a, 8, &m));
  g_assert_false (sh_authz_may_request_visit (t->store, sec_b, 9, &m));
  g_assert_false (sh_authz_may_request_visit (t->store, inspector, 0, &m));
  g_assert_false (sh_authz_may_request_visit (t->store, NULL, 0, &m));

  /* Deciding: the receiving secretary or an administrator, not the one who
   * asked nor the member, whatever their roles. */
  g_assert_true (sh_authz_may_decide_visit (t->store, sec_b, 71, 9, &v));
  g_assert_true (sh_authz_may_decide_visit (t->store, admin, 72, 0, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, admin, 70, 0, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, sec_b, 70, 9, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, sec_b, 71, 7, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, sec_a, 71, 9, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, member_a, 73, 7, &v));
  g_assert_false (sh_authz_may_decide_visit (t->store, inspector, 74, 0, &v));

  /* Ending: either secretary, an administrator, the member. */
  g_assert_true (sh_authz_may_end_visit (t->store, sec_a, 1, &v));
  g_assert_true (sh_authz_may_end_visit (t->store, sec_b, 9, &v));
  g_assert_true (sh_authz_may_end_visit (t->store, admin, 0, &v));
  g_assert_true (sh_authz_may_end_visit (t->store, member_a, 7, &v));
  g_assert_false (sh_authz_may_end_visit (t->store, member_a, 8, &v));
  g_assert_false (sh_authz_may_end_visit (t->store, inspector, 0, &v));

  /* Reading: rosters of either branch, or the member. */
  g_assert_true (sh_authz_may_read_visit (t->store, inspector, 0, &v));
  g_assert_true (sh_authz_may_read_visit (t->store, sec_b, 9, &v));
  g_assert_true (sh_authz_may_read_visit (t->store, member_a, 7, &v));
  g_assert_false (sh_authz_may_read_visit (t->store, member_a, 8, &v));
}

/* Nobody widens their own access by editing their own record. */
static void
test_own_record_widening (void)
{
  ShMember before = { .id = 7, .branch_id = 1, .status = SH_MEMBER_PROBATIONARY, .active = TRUE };
  ShMember after = before;

  g_assert_null (sh_authz_own_record_widening (7, &before, &after));
  after.name = (char *) "新名字";
  g_assert_null (sh_authz_own_record_widening (7, &before, &after));
  after.migrant = TRUE;
  after.current_branch_id = 2;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "参加活动的支部");
  /* Someone else's record is not this rule's business. */
  g_assert_null (sh_authz_own_record_widening (8, &before, &after));
  g_assert_null (sh_authz_own_record_widening (0, &before, &after));
  after.current_branch_id = 0;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "流动党员");
  after = before;
  after.status = SH_MEMBER_FULL;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "党员类别");
  after = before;
  after.under_probation = TRUE;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "留党察看");
  after = before;
  after.active = FALSE;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "在册状态");
  after = before;
  after.branch_id = 3;
  g_assert_cmpstr (sh_authz_own_record_widening (7, &before, &after), ==, "所在党支部");
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
  ADD ("/authz/visits", test_visits);
  g_test_add_func ("/authz/own-record-widening", test_own_record_widening);
#undef ADD
  return g_test_run ();
}
