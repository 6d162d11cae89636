/* Accounts: validation, look-ups, lockout, roles.
 * SPDX-License-Identifier: Apache-2.0 */
#include "account-private.h"
#include "minutes-fixture.h"

#include <glib/gstdio.h>

#define NOW G_GINT64_CONSTANT (1751333400000000)
#define MINUTE G_GINT64_CONSTANT (60000000)

typedef struct {
  char *dir;
  ShStore *store;
  gint64 committee_id;
  gint64 branch_id;
  gint64 other_branch_id;
  gint64 member_id;
  gint64 migrant_id;
} Fixture;

static gint64
add_member (ShStore *store, gint64 branch_id, const char *name, const char *phone, gboolean migrant,
            gint64 current_branch_id)
{
  ShMember m = {
    .branch_id = branch_id,
    .name = (char *) name,
    .phone = (char *) phone,
    .status = SH_MEMBER_FULL,
    .migrant = migrant,
    .active = TRUE,
  };
  g_autoptr (GError) error = NULL;
  gint64 id = minutes_fixture_create_member (store, &m);

  /* The current branch comes only from an accepted visit. */
  if (current_branch_id) {
    gint64 visit = sh_visit_request (store, id, current_branch_id, NULL, 0, &error);

    g_assert_no_error (error);
    sh_visit_accept (store, visit, 0, &error);
    g_assert_no_error (error);
  }
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_tmp ("sanhui-account-XXXXXX", &f->dir, NULL);
  f->committee_id = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch_id = minutes_fixture_org (f->store, f->committee_id, SH_ORG_BRANCH, "第一党支部");
  f->other_branch_id = minutes_fixture_org (f->store, f->committee_id, SH_ORG_BRANCH, "第二党支部");
  f->member_id = add_member (f->store, f->branch_id, "张伟", "13800138000", FALSE, 0);
  f->migrant_id
      = add_member (f->store, f->branch_id, "李娜", "13900139000", TRUE, f->other_branch_id);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  minutes_fixture_close_tmp (f->store, f->dir);
}

static gint64
create (Fixture *f, const char *login, const char *phone, const char *display_name,
        gint64 member_id, GError **error)
{
  ShAccount a = { 0 };

  a.login = (char *) login;
  a.phone = (char *) phone;
  a.display_name = (char *) display_name;
  a.member_id = member_id;
  a.password_hash = "$scrypt$n=16384$salt$hash";
  return sh_account_create (f->store, &a, error);
}

static void
test_roles_strings (void)
{
  ShRole role;

  for (ShRole r = SH_ROLE_ADMIN; r <= SH_ROLE_INSPECTOR; r++) {
    g_assert_true (sh_role_from_string (sh_role_to_string (r), &role));
    g_assert_cmpint (role, ==, r);
  }
  g_assert_cmpstr (sh_role_to_string (SH_ROLE_ADMIN), ==, "admin");
  g_assert_cmpstr (sh_role_to_string (SH_ROLE_SECRETARY), ==, "secretary");
  g_assert_cmpstr (sh_role_to_string (SH_ROLE_MEMBER), ==, "member");
  g_assert_cmpstr (sh_role_to_string (SH_ROLE_INSPECTOR), ==, "inspector");
  g_assert_false (sh_role_from_string ("root", &role));
  g_assert_false (sh_role_from_string (NULL, &role));
}

static void
test_validation (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *login, *phone, *display_name;
  } bad[] = {
    { "ab", NULL, "名" },                                /* too short */
    { "a23456789012345678901234567890123", NULL, "名" }, /* 33 chars */
    { "wang fang", NULL, "名" },                         /* space */
    { "王芳", NULL, "名" },                              /* not ASCII */
    { NULL, NULL, "名" },
    { "wangfang", NULL, "" },
    { "wangfang", NULL, "   " },
    { "wangfang", NULL, NULL },
    { "wangfang", "1380013800", "名" },   /* 10 digits */
    { "wangfang", "138001380001", "名" }, /* 12 digits */
    { "wangfang", "1380013800a", "名" },
    { "wangfang", "23800138000", "名" }, /* not a mobile number */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    g_assert_cmpint (create (f, bad[i].login, bad[i].phone, bad[i].display_name, 0, &error), ==, 0);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  g_assert_cmpint (sh_store_count_rows (f->store, "accounts", NULL), ==, 0);

  /* The edges that are allowed. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_cmpint (create (f, "a_b", NULL, "甲", 0, &error), >, 0);
    g_assert_no_error (error);
    g_assert_cmpint (create (f, "A.b-c_01234567890123456789012345", "13700137000", "乙", 0, &error),
                     >, 0);
    g_assert_no_error (error);
  }
}

static void
test_conflicts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (create (f, "zhangwei", "13800138000", "张伟", f->member_id, &error), >, 0);
  g_assert_no_error (error);

  g_assert_cmpint (create (f, "zhangwei", NULL, "另一个", 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (create (f, "other", "13800138000", "另一个", 0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (create (f, "other", NULL, "另一个", f->member_id, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (create (f, "other", NULL, "另一个", 424242, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_store_count_rows (f->store, "accounts", NULL), ==, 1);
}

static void
test_lookups (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) by_id = NULL;
  g_autoptr (ShAccount) by_login = NULL;
  g_autoptr (ShAccount) by_phone = NULL;
  g_autoptr (ShAccount) by_member = NULL;
  g_autoptr (ShAccount) digits = NULL;
  g_autoptr (GPtrArray) all = NULL;
  gint64 id, admin_id, numeric_id;

  id = create (f, "zhangwei", "13800138000", "  张伟 ", f->member_id, &error);
  g_assert_no_error (error);
  admin_id = create (f, "admin", NULL, "管理员", 0, &error);
  g_assert_no_error (error);
  /* A login that looks like someone else's phone number. */
  numeric_id = create (f, "13800138000", NULL, "数字账号", 0, &error);
  g_assert_no_error (error);

  by_id = sh_account_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id->login, ==, "zhangwei");
  g_assert_cmpstr (by_id->phone, ==, "13800138000");
  g_assert_cmpstr (by_id->display_name, ==, "张伟");
  g_assert_cmpint (by_id->member_id, ==, f->member_id);
  g_assert_cmpstr (by_id->password_hash, ==, "$scrypt$n=16384$salt$hash");
  g_assert_cmpint (by_id->failed_logins, ==, 0);
  g_assert_cmpint (by_id->locked_until, ==, 0);
  g_assert_false (by_id->disabled);

  by_login = sh_account_find (f->store, "zhangwei", &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_login->id, ==, id);
  /* The exact login wins over another account's phone. */
  digits = sh_account_find (f->store, "13800138000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (digits->id, ==, numeric_id);
  by_member = sh_account_find_by_member (f->store, f->member_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (by_member->id, ==, id);

  g_assert_true (sh_account_set_disabled (f->store, numeric_id, TRUE, &error));
  g_assert_null (sh_account_find (f->store, "nobody", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (sh_account_find (f->store, "", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (sh_account_get (f->store, 999, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (sh_account_find_by_member (f->store, f->migrant_id, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  all = sh_account_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (((ShAccount *) all->pdata[0])->login, ==, "13800138000");
  g_assert_true (((ShAccount *) all->pdata[0])->disabled);
  g_assert_cmpstr (((ShAccount *) all->pdata[1])->login, ==, "admin");
  g_assert_cmpint (((ShAccount *) all->pdata[1])->id, ==, admin_id);
  g_assert_cmpstr (((ShAccount *) all->pdata[2])->login, ==, "zhangwei");
}

static void
test_phone_login (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) found = NULL;
  gint64 id = create (f, "lina", "13900139000", "李娜", f->migrant_id, &error);

  g_assert_no_error (error);
  found = sh_account_find (f->store, "13900139000", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, id);
}

static void
test_updates (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) after = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);

  g_assert_no_error (error);
  g_assert_true (sh_account_set_password_hash (f->store, id, "$scrypt$new", &error));
  g_assert_no_error (error);
  g_assert_true (sh_account_set_disabled (f->store, id, TRUE, &error));
  g_assert_no_error (error);
  after = sh_account_get (f->store, id, &error);
  g_assert_cmpstr (after->password_hash, ==, "$scrypt$new");
  g_assert_true (after->disabled);
  g_clear_pointer (&after, sh_account_free);
  g_assert_true (sh_account_set_disabled (f->store, id, FALSE, &error));
  after = sh_account_get (f->store, id, &error);
  g_assert_false (after->disabled);

  g_assert_false (sh_account_set_password_hash (f->store, id, "", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_account_set_password_hash (f->store, 999, "$x", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_account_set_disabled (f->store, 999, TRUE, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_lockout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) a = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);

  g_assert_no_error (error);
  for (int i = 1; i <= 4; i++) {
    g_assert_cmpint (sh_account_record_failure (f->store, id, NOW, 5, 15 * MINUTE, &error), ==, i);
    g_assert_no_error (error);
    a = sh_account_get (f->store, id, NULL);
    g_assert_cmpint (a->failed_logins, ==, i);
    g_assert_cmpint (a->locked_until, ==, 0);
    g_clear_pointer (&a, sh_account_free);
  }
  /* The fifth failure in a row locks the account. */
  g_assert_cmpint (sh_account_record_failure (f->store, id, NOW + 1, 5, 15 * MINUTE, &error), ==,
                   5);
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpint (a->failed_logins, ==, 5);
  g_assert_cmpint (a->locked_until, ==, NOW + 1 + 15 * MINUTE);
  g_clear_pointer (&a, sh_account_free);

  /* A success clears both the count and the lock. */
  g_assert_true (sh_account_record_success (f->store, id, &error));
  g_assert_no_error (error);
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpint (a->failed_logins, ==, 0);
  g_assert_cmpint (a->locked_until, ==, 0);
  g_clear_pointer (&a, sh_account_free);

  /* The count starts again from one. */
  g_assert_cmpint (sh_account_record_failure (f->store, id, NOW, 5, 15 * MINUTE, &error), ==, 1);
  g_assert_cmpint (sh_account_record_failure (f->store, 999, NOW, 5, MINUTE, &error), ==, -1);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_account_record_success (f->store, 999, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static gboolean
has_grant (GArray *grants, ShRole role, gint64 org_id)
{
  for (guint i = 0; i < grants->len; i++) {
    ShRoleGrant *g = &g_array_index (grants, ShRoleGrant, i);

    if (g->role == role && g->org_id == org_id)
      return TRUE;
  }
  return FALSE;
}

static void
test_grants (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) roles = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", f->member_id, &error);
  gint64 plain = create (f, "guest", NULL, "访客", 0, &error);
  gint64 other;

  g_assert_no_error (error);
  /* Admin is global whatever org is passed. */
  g_assert_true (sh_role_grant (f->store, id, SH_ROLE_ADMIN, f->branch_id, &error));
  g_assert_no_error (error);
  g_assert_true (sh_role_grant (f->store, id, SH_ROLE_SECRETARY, f->branch_id, &error));
  g_assert_no_error (error);
  g_assert_true (sh_role_grant (f->store, id, SH_ROLE_INSPECTOR, f->committee_id, &error));
  g_assert_no_error (error);
  /* Granting again is not an error and adds nothing. */
  g_assert_true (sh_role_grant (f->store, id, SH_ROLE_SECRETARY, f->branch_id, &error));
  g_assert_cmpint (sh_store_count_rows (f->store, "role_grants", NULL), ==, 3);

  /* Refused: the member role, a secretary of a committee, a missing org or
   * account. */
  g_assert_false (sh_role_grant (f->store, id, SH_ROLE_MEMBER, f->branch_id, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_role_grant (f->store, id, SH_ROLE_SECRETARY, f->committee_id, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_role_grant (f->store, id, SH_ROLE_INSPECTOR, 777, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_role_grant (f->store, 999, SH_ROLE_ADMIN, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  roles = sh_account_roles (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 4);
  g_assert_true (has_grant (roles, SH_ROLE_ADMIN, 0));
  g_assert_true (has_grant (roles, SH_ROLE_SECRETARY, f->branch_id));
  g_assert_true (has_grant (roles, SH_ROLE_INSPECTOR, f->committee_id));
  g_assert_true (has_grant (roles, SH_ROLE_MEMBER, f->branch_id));
  g_clear_pointer (&roles, g_array_unref);

  g_assert_true (sh_role_revoke (f->store, id, SH_ROLE_SECRETARY, f->branch_id, &error));
  g_assert_no_error (error);
  /* The last administrator cannot lose the role: nobody could manage
   * accounts any more. With a second administrator, the first may go. */
  g_assert_false (sh_role_revoke (f->store, id, SH_ROLE_ADMIN, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  other = create (f, "admin2", NULL, "第二管理员", 0, &error);
  g_assert_true (sh_role_grant (f->store, other, SH_ROLE_ADMIN, 0, &error));
  g_assert_true (sh_role_revoke (f->store, id, SH_ROLE_ADMIN, 0, &error));
  g_assert_no_error (error);
  g_assert_false (sh_role_revoke (f->store, id, SH_ROLE_ADMIN, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  roles = sh_account_roles (f->store, id, &error);
  g_assert_cmpuint (roles->len, ==, 2);
  g_assert_true (has_grant (roles, SH_ROLE_INSPECTOR, f->committee_id));
  g_assert_true (has_grant (roles, SH_ROLE_MEMBER, f->branch_id));
  g_clear_pointer (&roles, g_array_unref);

  /* An account without a member has no member role at all. */
  roles = sh_account_roles (f->store, plain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 0);
  g_clear_pointer (&roles, g_array_unref);
  g_assert_null (sh_account_roles (f->store, 999, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_migrant_roles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) roles = NULL;
  gint64 id = create (f, "lina", NULL, "李娜", f->migrant_id, &error);

  g_assert_no_error (error);
  roles = sh_account_roles (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 2);
  g_assert_true (has_grant (roles, SH_ROLE_MEMBER, f->branch_id));
  g_assert_true (has_grant (roles, SH_ROLE_MEMBER, f->other_branch_id));
}

static void
test_transferred_member_loses_role (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) roles = NULL;
  g_autoptr (ShMember) m = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", f->member_id, &error);

  g_assert_no_error (error);
  m = sh_member_get (f->store, f->member_id, &error);
  g_assert_no_error (error);
  m->active = FALSE;
  g_assert_true (sh_member_update (f->store, m, &error));
  g_assert_no_error (error);
  roles = sh_account_roles (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (roles->len, ==, 0);
}

/* A lock that ran out starts the count again: one more wrong password
 * after the lock must not lock at once. Failures while locked do not
 * extend the lock. */
static void
test_lockout_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) a = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);
  gint64 until = NOW + 15 * MINUTE;

  for (int i = 1; i <= 5; i++)
    sh_account_record_failure (f->store, id, NOW, 5, 15 * MINUTE, &error);
  g_assert_no_error (error);
  /* Hammering the locked account changes nothing. */
  for (int i = 0; i < 20; i++)
    g_assert_cmpint (sh_account_record_failure (f->store, id, NOW + MINUTE, 5, 15 * MINUTE, &error),
                     ==, 5);
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpint (a->locked_until, ==, until);
  g_clear_pointer (&a, sh_account_free);

  /* After the lock: the count is one, the lock is gone. */
  g_assert_cmpint (sh_account_record_failure (f->store, id, until + 1, 5, 15 * MINUTE, &error), ==,
                   1);
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpint (a->failed_logins, ==, 1);
  g_assert_cmpint (a->locked_until, ==, 0);
  g_clear_pointer (&a, sh_account_free);
  for (int i = 2; i <= 4; i++)
    g_assert_cmpint (sh_account_record_failure (f->store, id, until + i, 5, 15 * MINUTE, &error),
                     ==, i);
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpint (a->locked_until, ==, 0);
}

static gint64
add_session (Fixture *f, const char *hash, gint64 account_id)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_session_create (f->store, hash, account_id, "csrf", NOW + MINUTE, &error));
  g_assert_no_error (error);
  return account_id;
}

/* A new password ends the other sessions (or all), lifts the lock and
 * revokes the calendar link; other accounts keep theirs. */
static void
test_change_password (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAccount) a = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);
  gint64 other = create (f, "lina", NULL, "李娜", 0, &error);
  gint64 owner = 0;

  add_session (f, "h1", id);
  add_session (f, "h2", id);
  add_session (f, "h3", id);
  add_session (f, "o1", other);
  for (int i = 0; i < 5; i++)
    sh_account_record_failure (f->store, id, g_get_real_time (), 5, 15 * MINUTE, &error);
  g_assert_no_error (error);

  g_assert_true (sh_account_change_password (f->store, id, "$new$1", "h2", &error));
  g_assert_no_error (error);
  g_assert_false (sh_session_lookup (f->store, "h1", NOW, &owner, NULL, NULL));
  g_assert_true (sh_session_lookup (f->store, "h2", NOW, &owner, NULL, NULL));
  g_assert_false (sh_session_lookup (f->store, "h3", NOW, &owner, NULL, NULL));
  g_assert_true (sh_session_lookup (f->store, "o1", NOW, &owner, NULL, NULL));
  a = sh_account_get (f->store, id, NULL);
  g_assert_cmpstr (a->password_hash, ==, "$new$1");
  g_assert_cmpint (a->failed_logins, ==, 0);
  g_assert_cmpint (a->locked_until, ==, 0);
  g_assert_cmpint (a->calendar_generation, ==, 1);
  g_clear_pointer (&a, sh_account_free);

  /* An administrator's reset keeps none. */
  g_assert_true (sh_account_change_password (f->store, id, "$new$2", NULL, &error));
  g_assert_false (sh_session_lookup (f->store, "h2", NOW, &owner, NULL, NULL));
  g_assert_true (sh_session_lookup (f->store, "o1", NOW, &owner, NULL, NULL));
  g_assert_cmpint (sh_account_renew_calendar (f->store, id, &error), ==, 3);

  g_assert_false (sh_account_change_password (f->store, id, "", "h2", &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_account_change_password (f->store, 999, "$x", NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (sh_account_renew_calendar (f->store, 999, &error), ==, -1);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_networks (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);
  gint64 other = create (f, "lina", NULL, "李娜", 0, &error);
  gboolean known = TRUE;

  g_assert_true (sh_account_knows_network (f->store, id, "10.1.2.0/24", 0, &known, &error));
  g_assert_false (known);
  g_assert_true (sh_account_add_network (f->store, id, "10.1.2.0/24", NOW, 0, &error));
  /* Again: the time moves on, no duplicate. */
  g_assert_true (sh_account_add_network (f->store, id, "10.1.2.0/24", NOW + 1, 0, &error));
  g_assert_no_error (error);
  g_assert_true (sh_account_knows_network (f->store, id, "10.1.2.0/24", 0, &known, &error));
  g_assert_true (known);
  g_assert_true (sh_account_knows_network (f->store, other, "10.1.2.0/24", 0, &known, &error));
  g_assert_false (known);
  /* Seen too long ago: not known any more; a later log-in elsewhere
   * forgets it for good. */
  g_assert_true (sh_account_knows_network (f->store, id, "10.1.2.0/24", NOW + 2, &known, &error));
  g_assert_false (known);
  g_assert_true (
      sh_account_add_network (f->store, id, "10.9.9.0/24", NOW + MINUTE, NOW + 2, &error));
  g_assert_true (sh_account_knows_network (f->store, id, "10.1.2.0/24", 0, &known, &error));
  g_assert_false (known);
  g_assert_true (sh_account_knows_network (f->store, id, "10.9.9.0/24", NOW, &known, &error));
  g_assert_true (known);
}

/* A one-time code works once, before it expires, for its account only; a
 * new code replaces the old one. */
static void
test_login_code (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 id = create (f, "zhangwei", NULL, "张伟", 0, &error);
  gint64 other = create (f, "lina", NULL, "李娜", 0, &error);
  gboolean used = TRUE;

  g_assert_true (sh_account_set_login_code (f->store, id, "h1", NOW + MINUTE, &error));
  g_assert_no_error (error);
  g_assert_true (sh_account_use_login_code (f->store, id, "wrong", NOW, &used, &error));
  g_assert_false (used);
  g_assert_true (sh_account_use_login_code (f->store, other, "h1", NOW, &used, &error));
  g_assert_false (used);
  g_assert_true (sh_account_use_login_code (f->store, id, "h1", NOW + MINUTE, &used, &error));
  g_assert_false (used);
  g_assert_true (sh_account_use_login_code (f->store, id, "h1", NOW, &used, &error));
  g_assert_true (used);
  g_assert_true (sh_account_use_login_code (f->store, id, "h1", NOW, &used, &error));
  g_assert_false (used);

  g_assert_true (sh_account_set_login_code (f->store, id, "h2", NOW + MINUTE, &error));
  g_assert_true (sh_account_set_login_code (f->store, id, "h3", NOW + MINUTE, &error));
  g_assert_true (sh_account_use_login_code (f->store, id, "h2", NOW, &used, &error));
  g_assert_false (used);
  g_assert_true (sh_account_use_login_code (f->store, id, "h3", NOW, &used, &error));
  g_assert_true (used);
  g_assert_no_error (error);

  g_assert_false (sh_account_set_login_code (f->store, 999, "h", NOW + MINUTE, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

/* Nobody may disable or demote the last enabled administrator, by API or
 * CLI alike (both go through these). */
static void
test_last_admin (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 first = create (f, "admin1", NULL, "管理员一", 0, &error);
  gint64 second = create (f, "admin2", NULL, "管理员二", 0, &error);

  g_assert_true (sh_role_grant (f->store, first, SH_ROLE_ADMIN, 0, &error));
  g_assert_false (sh_account_set_disabled (f->store, first, TRUE, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* A disabled administrator does not count as the other one. */
  g_assert_true (sh_role_grant (f->store, second, SH_ROLE_ADMIN, 0, &error));
  g_assert_true (sh_account_set_disabled (f->store, second, TRUE, &error));
  g_assert_false (sh_role_revoke (f->store, first, SH_ROLE_ADMIN, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_account_set_disabled (f->store, first, TRUE, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  /* With the second enabled again, either may go. */
  g_assert_true (sh_account_set_disabled (f->store, second, FALSE, &error));
  g_assert_true (sh_account_set_disabled (f->store, first, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (sh_role_revoke (f->store, second, SH_ROLE_ADMIN, 0, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
}

/* The lock rule alone, on the data it is given: no store. */
static void
test_next_failure (void)
{
  gint64 until = -1;

  /* Counting up to the limit, then a lock of the given length. */
  g_assert_cmpint (sh_account_next_failure (0, 0, NOW, 3, MINUTE, &until), ==, 1);
  g_assert_cmpint (until, ==, 0);
  g_assert_cmpint (sh_account_next_failure (2, 0, NOW, 3, MINUTE, &until), ==, 3);
  g_assert_cmpint (until, ==, NOW + MINUTE);
  /* While locked nothing moves, not even the end of the lock. */
  g_assert_cmpint (sh_account_next_failure (3, NOW + 5, NOW, 3, MINUTE, &until), ==, 3);
  g_assert_cmpint (until, ==, NOW + 5);
  /* A lock that ran out starts again at one, and one is not enough. */
  g_assert_cmpint (sh_account_next_failure (3, NOW, NOW, 3, MINUTE, &until), ==, 1);
  g_assert_cmpint (until, ==, 0);
  /* ... unless the limit is one. */
  g_assert_cmpint (sh_account_next_failure (3, NOW - 1, NOW, 1, MINUTE, &until), ==, 1);
  g_assert_cmpint (until, ==, NOW + MINUTE);
  /* A limit of 0 or less never locks. */
  g_assert_cmpint (sh_account_next_failure (99, 0, NOW, 0, MINUTE, &until), ==, 100);
  g_assert_cmpint (until, ==, 0);
  g_assert_cmpint (sh_account_next_failure (99, 0, NOW, -1, MINUTE, &until), ==, 100);
  g_assert_cmpint (until, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/account/role-strings", test_roles_strings);
  g_test_add_func ("/account/next-failure", test_next_failure);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/account/validation", test_validation);
  ADD ("/account/conflicts", test_conflicts);
  ADD ("/account/lookups", test_lookups);
  ADD ("/account/phone-login", test_phone_login);
  ADD ("/account/updates", test_updates);
  ADD ("/account/lockout", test_lockout);
  ADD ("/account/grants", test_grants);
  ADD ("/account/lockout-expiry", test_lockout_expiry);
  ADD ("/account/change-password", test_change_password);
  ADD ("/account/networks", test_networks);
  ADD ("/account/last-admin", test_last_admin);
  ADD ("/account/login-code", test_login_code);
  ADD ("/account/migrant-roles", test_migrant_roles);
  ADD ("/account/transferred-member", test_transferred_member_loses_role);
#undef ADD
  return g_test_run ();
}
