/* Shared by the minutes module's unit tests: stores, organizations,
 * members and accounts for their fixtures.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <glib/gstdio.h>

ShStore *
minutes_fixture_open_memory (void)
{
  g_autoptr (GError) error = NULL;
  ShStore *store = sh_store_open (":memory:", &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

ShStore *
minutes_fixture_open_tmp (const char *tmpl, char **dir, char **path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;
  ShStore *store;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  file = g_build_filename (*dir, "sanhui.db", NULL);
  store = sh_store_open (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (path != NULL)
    *path = g_steal_pointer (&file);
  return store;
}

void
minutes_fixture_remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    g_autofree char *child = g_build_filename (dir, name, NULL);

    g_unlink (child);
  }
  g_rmdir (dir);
}

void
minutes_fixture_close_tmp (ShStore *store, char *dir)
{
  sh_store_free (store);
  minutes_fixture_remove_dir (dir);
  g_free (dir);
}

gint64
minutes_fixture_org (ShStore *store, gint64 parent, ShOrgKind kind, const char *name)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_org_create (store, parent, kind, name, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
minutes_fixture_create_member (ShStore *store, const ShMember *m)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_member_create (store, m, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
minutes_fixture_member (ShStore *store, gint64 branch, const char *name, ShMemberStatus status,
                        gint64 visiting)
{
  ShMember m = {
    .branch_id = branch,
    .name = (char *) name,
    .status = status,
    .migrant = visiting != 0,
    .active = TRUE,
  };
  g_autoptr (GError) error = NULL;
  gint64 id = minutes_fixture_create_member (store, &m);
  gint64 visit;

  /* The current branch comes only from an accepted visit. */
  if (visiting) {
    visit = sh_visit_request (store, id, visiting, NULL, 0, &error);
    g_assert_no_error (error);
    sh_visit_accept (store, visit, 0, &error);
    g_assert_no_error (error);
  }
  return id;
}

gint64
minutes_fixture_account (ShStore *store, const char *login, const char *display_name,
                         gint64 member_id)
{
  g_autoptr (GError) error = NULL;
  ShAccount a = {
    .login = (char *) login,
    .display_name = (char *) display_name,
    .member_id = member_id,
    .password_hash = (char *) "$scrypt$test",
  };
  gint64 id = sh_account_create (store, &a, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

ShMeeting *
minutes_fixture_meeting (gint64 org_id, ShMeetingType type, const char *title, gint64 start)
{
  ShMeeting *m = sh_meeting_new ();

  m->org_id = org_id;
  m->type = type;
  m->title = g_strdup (title);
  m->planned_start = start;
  m->planned_end = start + 2 * G_GINT64_CONSTANT (3600000000);
  return m;
}
