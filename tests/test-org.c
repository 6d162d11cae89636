/* Tests for the organization tree (minutes/src/org.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#include <glib/gstdio.h>

static void
assert_create_fails (ShStore *store, gint64 parent_id, ShOrgKind kind, const char *name,
                     ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sh_org_create (store, parent_id, kind, name, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_kind_strings (void)
{
  static const struct {
    ShOrgKind kind;
    const char *string;
    const char *label;
  } cases[] = {
    { SH_ORG_COMMITTEE, "committee", "党委" },
    { SH_ORG_GENERAL_BRANCH, "general_branch", "党总支" },
    { SH_ORG_BRANCH, "branch", "党支部" },
    { SH_ORG_GROUP, "group", "党小组" },
  };
  ShOrgKind kind;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_assert_cmpstr (sh_org_kind_to_string (cases[i].kind), ==, cases[i].string);
    g_assert_cmpstr (sh_org_kind_label (cases[i].kind), ==, cases[i].label);
    g_assert_true (sh_org_kind_from_string (cases[i].string, &kind));
    g_assert_cmpint (kind, ==, cases[i].kind);
  }
  kind = SH_ORG_GROUP;
  g_assert_false (sh_org_kind_from_string ("Branch", &kind));
  g_assert_false (sh_org_kind_from_string ("", &kind));
  g_assert_false (sh_org_kind_from_string (NULL, &kind));
  g_assert_cmpint (kind, ==, SH_ORG_GROUP);
}

static void
test_create_and_get (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GError) error = NULL;
  gint64 committee = minutes_fixture_org (store, 0, SH_ORG_COMMITTEE, "县委机关党委");
  gint64 branch = minutes_fixture_org (store, committee, SH_ORG_BRANCH, "  第一党支部 ");

  org = sh_org_get (store, branch, &error);
  g_assert_no_error (error);
  g_assert_cmpint (org->id, ==, branch);
  g_assert_cmpint (org->parent_id, ==, committee);
  g_assert_cmpint (org->kind, ==, SH_ORG_BRANCH);
  g_assert_cmpstr (org->name, ==, "第一党支部"); /* stored trimmed */
  g_assert_cmpint (org->themed_day, ==, 0);
  g_assert_false (org->online_votes_approved);
  g_clear_pointer (&org, sh_org_free);

  org = sh_org_get (store, committee, &error);
  g_assert_no_error (error);
  g_assert_cmpint (org->parent_id, ==, 0);
  g_assert_cmpint (org->kind, ==, SH_ORG_COMMITTEE);
  g_clear_pointer (&org, sh_org_free);

  org = sh_org_get (store, 9999, &error);
  g_assert_null (org);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 2);
}

static void
test_tree_rules (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  gint64 committee = minutes_fixture_org (store, 0, SH_ORG_COMMITTEE, "县委");
  gint64 sub_committee = minutes_fixture_org (store, committee, SH_ORG_COMMITTEE, "机关党委");
  gint64 general
      = minutes_fixture_org (store, sub_committee, SH_ORG_GENERAL_BRANCH, "教育局党总支");
  gint64 root_general = minutes_fixture_org (store, 0, SH_ORG_GENERAL_BRANCH, "独立党总支");
  gint64 branch = minutes_fixture_org (store, general, SH_ORG_BRANCH, "一支部");
  gint64 group;

  /* Every allowed placement. */
  minutes_fixture_org (store, 0, SH_ORG_BRANCH, "独立支部");
  minutes_fixture_org (store, committee, SH_ORG_BRANCH, "县委直属支部");
  minutes_fixture_org (store, root_general, SH_ORG_BRANCH, "总支下支部");
  group = minutes_fixture_org (store, branch, SH_ORG_GROUP, "第一党小组");

  /* A group only under a branch. */
  assert_create_fails (store, 0, SH_ORG_GROUP, "无主小组", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, committee, SH_ORG_GROUP, "小组", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, general, SH_ORG_GROUP, "小组", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, group, SH_ORG_GROUP, "小组", SH_MINUTES_ERROR_INVALID);
  /* A branch not under a branch or a group. */
  assert_create_fails (store, branch, SH_ORG_BRANCH, "支部", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, group, SH_ORG_BRANCH, "支部", SH_MINUTES_ERROR_INVALID);
  /* A general branch only under a committee. */
  assert_create_fails (store, general, SH_ORG_GENERAL_BRANCH, "总支", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, branch, SH_ORG_GENERAL_BRANCH, "总支", SH_MINUTES_ERROR_INVALID);
  /* A committee only under a committee. */
  assert_create_fails (store, general, SH_ORG_COMMITTEE, "党委", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, branch, SH_ORG_COMMITTEE, "党委", SH_MINUTES_ERROR_INVALID);
  /* A parent that does not exist. */
  assert_create_fails (store, 4242, SH_ORG_BRANCH, "支部", SH_MINUTES_ERROR_NOT_FOUND);
  /* Names. */
  assert_create_fails (store, 0, SH_ORG_BRANCH, NULL, SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, 0, SH_ORG_BRANCH, "", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, 0, SH_ORG_BRANCH, " \t ", SH_MINUTES_ERROR_INVALID);
  assert_create_fails (store, 0, SH_ORG_BRANCH, "\xff\xfe", SH_MINUTES_ERROR_INVALID);

  g_assert_cmpint (sh_store_count_rows (store, "organizations", NULL), ==, 9);
}

static void
test_name_length (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  g_autoptr (GString) name = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  /* The limit counts characters, not bytes: 200 Chinese characters fit. */
  for (int i = 0; i < 200; i++)
    g_string_append (name, "党");
  minutes_fixture_org (store, 0, SH_ORG_BRANCH, name->str);
  g_string_append (name, "党");
  g_assert_cmpint (sh_org_create (store, 0, SH_ORG_BRANCH, name->str, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static void
test_update (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (ShOrg) again = NULL;
  g_autoptr (GError) error = NULL;
  gint64 branch = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "旧名");

  org = sh_org_get (store, branch, &error);
  g_assert_no_error (error);
  g_free (org->name);
  org->name = g_strdup ("新名");
  org->themed_day = 28;
  org->online_votes_approved = TRUE;
  /* Kind and parent are not changed by an update. */
  org->kind = SH_ORG_COMMITTEE;
  org->parent_id = 77;
  g_assert_true (sh_org_update (store, org, &error));
  g_assert_no_error (error);

  again = sh_org_get (store, branch, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->name, ==, "新名");
  g_assert_cmpint (again->themed_day, ==, 28);
  g_assert_true (again->online_votes_approved);
  g_assert_cmpint (again->kind, ==, SH_ORG_BRANCH);
  g_assert_cmpint (again->parent_id, ==, 0);

  org->themed_day = 29;
  g_assert_false (sh_org_update (store, org, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  org->themed_day = -1;
  g_assert_false (sh_org_update (store, org, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  org->themed_day = 0;
  g_free (org->name);
  org->name = g_strdup ("");
  g_assert_false (sh_org_update (store, org, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  g_free (org->name);
  org->name = g_strdup ("无此组织");
  org->id = 9999;
  g_assert_false (sh_org_update (store, org, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

/* Asserts that every organization comes after its parent when the parent is
 * in the list, and returns the ids in order. */
static GArray *
subtree_ids (ShStore *store, gint64 root_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) orgs = sh_org_list_subtree (store, root_id, &error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_no_error (error);
  g_assert_nonnull (orgs);
  for (guint i = 0; i < orgs->len; i++) {
    ShOrg *org = g_ptr_array_index (orgs, i);

    if (org->id != root_id && org->parent_id != 0)
      g_assert_true (g_hash_table_contains (seen, &org->parent_id));
    g_hash_table_add (seen, &org->id);
    g_array_append_val (ids, org->id);
  }
  return ids;
}

static void
test_list_subtree (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  g_autoptr (GArray) all = NULL;
  g_autoptr (GArray) under_general = NULL;
  g_autoptr (GArray) just_group = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  g_autoptr (GError) error = NULL;
  gint64 committee = minutes_fixture_org (store, 0, SH_ORG_COMMITTEE, "党委");
  gint64 branch_a = minutes_fixture_org (store, committee, SH_ORG_BRANCH, "甲支部");
  gint64 general = minutes_fixture_org (store, committee, SH_ORG_GENERAL_BRANCH, "总支");
  gint64 other_root = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "另一棵树");
  gint64 branch_b = minutes_fixture_org (store, general, SH_ORG_BRANCH, "乙支部");
  gint64 group_a = minutes_fixture_org (store, branch_a, SH_ORG_GROUP, "甲小组");
  gint64 group_b = minutes_fixture_org (store, branch_b, SH_ORG_GROUP, "乙小组");

  /* Depth first, siblings in creation order: a tree view's order. */
  all = subtree_ids (store, 0);
  g_assert_cmpuint (all->len, ==, 7);
  g_assert_cmpint (g_array_index (all, gint64, 0), ==, committee);
  g_assert_cmpint (g_array_index (all, gint64, 1), ==, branch_a);
  g_assert_cmpint (g_array_index (all, gint64, 2), ==, group_a);
  g_assert_cmpint (g_array_index (all, gint64, 3), ==, general);
  g_assert_cmpint (g_array_index (all, gint64, 4), ==, branch_b);
  g_assert_cmpint (g_array_index (all, gint64, 5), ==, group_b);
  g_assert_cmpint (g_array_index (all, gint64, 6), ==, other_root);

  under_general = subtree_ids (store, general);
  g_assert_cmpuint (under_general->len, ==, 3);
  g_assert_cmpint (g_array_index (under_general, gint64, 0), ==, general);
  g_assert_cmpint (g_array_index (under_general, gint64, 1), ==, branch_b);
  g_assert_cmpint (g_array_index (under_general, gint64, 2), ==, group_b);

  just_group = subtree_ids (store, group_a);
  g_assert_cmpuint (just_group->len, ==, 1);
  g_assert_cmpint (g_array_index (just_group, gint64, 0), ==, group_a);

  missing = sh_org_list_subtree (store, 9999, &error);
  g_assert_null (missing);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_is_within_and_branch_of (void)
{
  g_autoptr (ShStore) store = minutes_fixture_open_memory ();
  gint64 committee = minutes_fixture_org (store, 0, SH_ORG_COMMITTEE, "党委");
  gint64 general = minutes_fixture_org (store, committee, SH_ORG_GENERAL_BRANCH, "总支");
  gint64 branch = minutes_fixture_org (store, general, SH_ORG_BRANCH, "支部");
  gint64 group = minutes_fixture_org (store, branch, SH_ORG_GROUP, "小组");
  gint64 other = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "别的支部");

  g_assert_true (sh_org_is_within (store, group, group));
  g_assert_true (sh_org_is_within (store, group, branch));
  g_assert_true (sh_org_is_within (store, group, general));
  g_assert_true (sh_org_is_within (store, group, committee));
  g_assert_true (sh_org_is_within (store, branch, committee));
  g_assert_false (sh_org_is_within (store, committee, branch));
  g_assert_false (sh_org_is_within (store, group, other));
  g_assert_false (sh_org_is_within (store, other, committee));
  /* 0 and unknown ids are never inside anything. */
  g_assert_false (sh_org_is_within (store, group, 0));
  g_assert_false (sh_org_is_within (store, 0, committee));
  g_assert_false (sh_org_is_within (store, 9999, 9999));

  g_assert_cmpint (sh_org_branch_of (store, branch), ==, branch);
  g_assert_cmpint (sh_org_branch_of (store, group), ==, branch);
  g_assert_cmpint (sh_org_branch_of (store, general), ==, 0);
  g_assert_cmpint (sh_org_branch_of (store, committee), ==, 0);
  g_assert_cmpint (sh_org_branch_of (store, 9999), ==, 0);
  g_assert_cmpint (sh_org_branch_of (store, 0), ==, 0);
}

/* The tree survives closing and reopening a file store. */
static void
test_file_store (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-org-XXXXXX", &error);
  g_autofree char *path = NULL;
  gint64 branch, group;

  g_assert_no_error (error);
  path = g_build_filename (dir, "sanhui.db", NULL);
  {
    g_autoptr (ShStore) store = sh_store_open (path, &error);

    g_assert_no_error (error);
    branch = minutes_fixture_org (store, 0, SH_ORG_BRANCH, "文件支部");
    group = minutes_fixture_org (store, branch, SH_ORG_GROUP, "文件小组");
  }
  {
    g_autoptr (ShStore) store = sh_store_open (path, &error);
    g_autoptr (ShOrg) org = NULL;

    g_assert_no_error (error);
    org = sh_org_get (store, group, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (org->name, ==, "文件小组");
    g_assert_cmpint (sh_org_branch_of (store, group), ==, branch);
  }
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *entry;

    while (d && (entry = g_dir_read_name (d))) {
      g_autofree char *file = g_build_filename (dir, entry, NULL);
      g_unlink (file);
    }
  }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/org/kind-strings", test_kind_strings);
  g_test_add_func ("/org/create-and-get", test_create_and_get);
  g_test_add_func ("/org/tree-rules", test_tree_rules);
  g_test_add_func ("/org/name-length", test_name_length);
  g_test_add_func ("/org/update", test_update);
  g_test_add_func ("/org/list-subtree", test_list_subtree);
  g_test_add_func ("/org/is-within-and-branch-of", test_is_within_and_branch_of);
  g_test_add_func ("/org/file-store", test_file_store);
  return g_test_run ();
}
