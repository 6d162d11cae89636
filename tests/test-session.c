/* Sessions: create, look up, expiry, delete, purge; expiry also on a backend
 * without SQL.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "store-session.h"

#include <glib/gstdio.h>

#define NOW G_GINT64_CONSTANT (1751333400000000)
#define HOUR G_GINT64_CONSTANT (3600000000)

typedef struct {
  char *dir;
  ShStore *store;
  gint64 account_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->store = minutes_fixture_open_tmp ("sanhui-session-XXXXXX", &f->dir, NULL);
  f->account_id = minutes_fixture_account (f->store, "wang.fang", "王芳", 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  minutes_fixture_close_tmp (f->store, f->dir);
}

static void
test_create_lookup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *csrf = NULL;
  gint64 account_id = 0;

  g_assert_true (
      sh_session_create (f->store, "hash-a", f->account_id, "csrf-a", NOW + HOUR, &error));
  g_assert_no_error (error);
  g_assert_true (sh_session_lookup (f->store, "hash-a", NOW, &account_id, &csrf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account_id, ==, f->account_id);
  g_assert_cmpstr (csrf, ==, "csrf-a");
  g_assert_cmpint (sh_store_count_rows (f->store, "sessions", NULL), ==, 1);

  /* The same token hash twice is a conflict, not a second session. */
  g_assert_false (
      sh_session_create (f->store, "hash-a", f->account_id, "csrf-b", NOW + HOUR, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);

  /* A session for an account that does not exist is refused. */
  g_assert_false (sh_session_create (f->store, "hash-z", 9999, "csrf-z", NOW + HOUR, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (sh_session_lookup (f->store, "no-such-hash", NOW, NULL, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_expired (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 account_id = 0;
  char *csrf = NULL;

  g_assert_true (
      sh_session_create (f->store, "hash-b", f->account_id, "csrf-b", NOW + HOUR, &error));
  g_assert_no_error (error);
  /* Live one microsecond before its end, gone at the end. */
  g_assert_true (sh_session_lookup (f->store, "hash-b", NOW + HOUR - 1, &account_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sh_session_lookup (f->store, "hash-b", NOW + HOUR, &account_id, &csrf, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_assert_null (csrf);
  /* Expired but not purged: the row is still there, yet unusable. */
  g_assert_cmpint (sh_store_count_rows (f->store, "sessions", NULL), ==, 1);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sh_session_create (f->store, "hash-c", f->account_id, "csrf-c", NOW + HOUR, &error));
  g_assert_true (sh_session_delete (f->store, "hash-c", &error));
  g_assert_no_error (error);
  g_assert_false (sh_session_lookup (f->store, "hash-c", NOW, NULL, NULL, NULL));
  g_assert_cmpint (sh_store_count_rows (f->store, "sessions", NULL), ==, 0);
  /* Logging out twice is harmless. */
  g_assert_true (sh_session_delete (f->store, "hash-c", &error));
  g_assert_no_error (error);
}

static void
test_purge (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_session_create (f->store, "old-1", f->account_id, "c1", NOW - HOUR, NULL));
  g_assert_true (sh_session_create (f->store, "old-2", f->account_id, "c2", NOW, NULL));
  g_assert_true (sh_session_create (f->store, "live", f->account_id, "c3", NOW + 1, NULL));
  g_assert_cmpint (sh_session_purge (f->store, NOW, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_count_rows (f->store, "sessions", NULL), ==, 1);
  g_assert_true (sh_session_lookup (f->store, "live", NOW, NULL, NULL, &error));
  g_assert_cmpint (sh_session_purge (f->store, NOW, &error), ==, 0);
}

static void
test_disabled_account_loses_sessions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_session_create (f->store, "s1", f->account_id, "c1", NOW + HOUR, NULL));
  g_assert_true (sh_session_create (f->store, "s2", f->account_id, "c2", NOW + HOUR, NULL));
  g_assert_true (sh_account_set_disabled (f->store, f->account_id, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_count_rows (f->store, "sessions", NULL), ==, 0);
  g_assert_false (sh_session_lookup (f->store, "s1", NOW, NULL, NULL, NULL));
}

/* Ending an account's sessions keeps the one named (the password changer's
 * own), or none, and never another account's. */
static void
test_delete_for_account (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 other = minutes_fixture_account (f->store, "li.na", "李娜", 0);
  const char *mine[] = { "m1", "m2", "m3" };

  for (gsize i = 0; i < G_N_ELEMENTS (mine); i++)
    g_assert_true (sh_session_create (f->store, mine[i], f->account_id, "c", NOW + HOUR, &error));
  g_assert_true (sh_session_create (f->store, "o1", other, "c", NOW + HOUR, &error));
  g_assert_cmpint (sh_session_delete_for_account (f->store, f->account_id, "m2", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_true (sh_session_lookup (f->store, "m2", NOW, NULL, NULL, NULL));
  g_assert_false (sh_session_lookup (f->store, "m1", NOW, NULL, NULL, NULL));
  g_assert_cmpint (sh_session_delete_for_account (f->store, f->account_id, NULL, &error), ==, 1);
  g_assert_false (sh_session_lookup (f->store, "m2", NOW, NULL, NULL, NULL));
  g_assert_true (sh_session_lookup (f->store, "o1", NOW, NULL, NULL, NULL));
  g_assert_cmpint (sh_session_delete_for_account (f->store, 9999, NULL, &error), ==, 0);
}

/* A backend without SQL that stores one session, expiring an hour after
 * NOW, whatever the time of the question: expiry is session.c's rule. */
static gboolean
fake_lookup (ShStore *store, const char *token_hash, gboolean *found, gint64 *account_id,
             char **csrf_token, gint64 *expires_at, GError **error)
{
  *found = g_str_equal (token_hash, "hash-a");
  if (*found) {
    *account_id = 7;
    *csrf_token = g_strdup ("csrf-a");
    *expires_at = NOW + HOUR;
  }
  return TRUE;
}

static const ShSessionStoreOps fake_session_ops = { .lookup = fake_lookup };
static const ShStoreBackend fake_backend = { .name = "fake", .session = &fake_session_ops };

static void
test_fake_backend (void)
{
  ShStore store = { &fake_backend, NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *csrf = NULL;
  gint64 account_id = 0;

  g_assert_true (sh_session_lookup (&store, "hash-a", NOW, &account_id, &csrf, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account_id, ==, 7);
  g_assert_cmpstr (csrf, ==, "csrf-a");
  /* At its expiry a session is as good as none, purged or not. */
  g_assert_false (sh_session_lookup (&store, "hash-a", NOW + HOUR, NULL, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (sh_session_lookup (&store, "hash-b", NOW, NULL, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/fake-backend", test_fake_backend);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/session/create-lookup", test_create_lookup);
  ADD ("/session/expired", test_expired);
  ADD ("/session/delete", test_delete);
  ADD ("/session/purge", test_purge);
  ADD ("/session/disabled-account", test_disabled_account_loses_sessions);
  ADD ("/session/delete-for-account", test_delete_for_account);
#undef ADD
  return g_test_run ();
}
