/* The meeting room's records: migration 2 on a fresh file and on a file
 * written at schema version 1, chat and events appended and listed, their
 * append-only guard, and guests.  SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"

#include <glib/gstdio.h>

#define T0 G_GINT64_CONSTANT (1751333400000000) /* 2025-07-01 01:30 UTC */
#define HOUR G_GINT64_CONSTANT (3600000000)

typedef struct {
  char *dir;
  char *path;
  ShStore *store;
  gint64 branch;
  gint64 member;
  gint64 account;
  gint64 other_account;
  gint64 meeting;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;

  f->store = minutes_fixture_open_tmp ("sanhui-meeting-log-XXXXXX", &f->dir, &f->path);
  f->branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  f->member = minutes_fixture_member (f->store, f->branch, "黄丽", SH_MEMBER_FULL, 0);
  f->account = minutes_fixture_account (f->store, "huangli", "黄丽", f->member);
  f->other_account = minutes_fixture_account (f->store, "guest", "列席同志", 0);
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会", T0);
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  minutes_fixture_close_tmp (f->store, f->dir);
  g_free (f->path);
}

static void
test_fresh_file_has_version_2 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sh_store_latest_schema_version (), >=, 2);
  g_assert_cmpint (sh_store_schema_version (f->store), ==, sh_store_latest_schema_version ());
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_chat", &error), ==, 0);
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_events", &error), ==, 0);
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_guests", &error), ==, 0);
  g_assert_no_error (error);
}

/* A file written by the first release: only migration 1 applied, with a
 * meeting in it. Opening it applies migration 2 and keeps the data. */
static void
test_upgrade_from_version_1 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-v1-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "sanhui.db", NULL);
  sqlite3 *db = NULL;
  ShStore *store;
  g_autoptr (GPtrArray) chat = NULL;
  g_autoptr (ShMeeting) meeting = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sh_migrations[0], NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO organizations (id, kind, name, created_at)"
                                 " VALUES (1, 'branch', '老支部', 0);"
                                 "INSERT INTO accounts (id, login, display_name, password_hash,"
                                 " created_at) VALUES (1, 'old', '老账号', 'x', 0);"
                                 "INSERT INTO meetings (id, org_id, type, title, planned_start,"
                                 " planned_end, state, created_at, updated_at) VALUES (1, 1,"
                                 " 'general', '旧会议', 1, 2, 'ended', 0, 0);"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  store = sh_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_schema_version (store), ==, sh_store_latest_schema_version ());
  meeting = sh_meeting_get (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (meeting->title, ==, "旧会议");
  g_assert_cmpint (sh_meeting_chat_append (store, 1, 1, 0, "补充说明", 5, &error), >, 0);
  g_assert_no_error (error);
  chat = sh_meeting_chat_list (store, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chat->len, ==, 1);
  g_assert_cmpstr (((ShChatMessage *) chat->pdata[0])->name, ==, "老账号");
  sh_store_free (store);

  /* Opening again applies nothing twice. */
  store = sh_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sh_store_count_rows (store, "meeting_chat", NULL), ==, 1);
  sh_store_free (store);
  minutes_fixture_remove_dir (dir);
}

static void
test_chat_append_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) last = NULL;
  ShChatMessage *m;

  for (int i = 0; i < 5; i++) {
    g_autofree char *text = g_strdup_printf ("  第%d条发言  ", i);
    g_assert_cmpint (
        sh_meeting_chat_append (f->store, f->meeting, f->account, f->member, text, T0 + i, &error),
        >, 0);
    g_assert_no_error (error);
  }
  all = sh_meeting_chat_list (f->store, f->meeting, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 5);
  m = all->pdata[0];
  g_assert_cmpstr (m->text, ==, "第0条发言");
  g_assert_cmpstr (m->name, ==, "黄丽");
  g_assert_cmpint (m->account_id, ==, f->account);
  g_assert_cmpint (m->member_id, ==, f->member);
  g_assert_cmpint (m->at, ==, T0);

  /* A limit keeps the newest lines, oldest first. */
  last = sh_meeting_chat_list (f->store, f->meeting, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (last->len, ==, 2);
  g_assert_cmpstr (((ShChatMessage *) last->pdata[0])->text, ==, "第3条发言");
  g_assert_cmpstr (((ShChatMessage *) last->pdata[1])->text, ==, "第4条发言");
}

static void
test_chat_rejects_bad_text (Fixture *f, gconstpointer data)
{
  g_autoptr (GString) long_text = g_string_new (NULL);
  GError *error = NULL;

  g_assert_cmpint (sh_meeting_chat_append (f->store, f->meeting, f->account, 0, "   ", T0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (
      sh_meeting_chat_append (f->store, f->meeting, f->account, 0, "\xff\xfe", T0, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  for (int i = 0; i < SH_MEETING_CHAT_MAX_CHARS; i++)
    g_string_append (long_text, "字");
  g_assert_cmpint (
      sh_meeting_chat_append (f->store, f->meeting, f->account, 0, long_text->str, T0, &error), >,
      0);
  g_assert_no_error (error);
  g_string_append (long_text, "字");
  g_assert_cmpint (
      sh_meeting_chat_append (f->store, f->meeting, f->account, 0, long_text->str, T0, &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* A meeting that does not exist is refused by the foreign key. */
  g_assert_cmpint (sh_meeting_chat_append (f->store, 999, f->account, 0, "你好", T0, &error), ==,
                   0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_chat", NULL), ==, 1);
}

static void
test_events_append_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  static const ShMeetingEventKind kinds[]
      = { SH_MEETING_EVENT_JOINED, SH_MEETING_EVENT_STARTED, SH_MEETING_EVENT_MUTED,
          SH_MEETING_EVENT_LEFT, SH_MEETING_EVENT_ENDED };
  ShMeetingEvent *e;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++) {
    gboolean room_wide = kinds[i] == SH_MEETING_EVENT_STARTED || kinds[i] == SH_MEETING_EVENT_ENDED;
    g_assert_cmpint (
        sh_meeting_event_append (
            f->store, f->meeting, room_wide ? 0 : f->account, room_wide ? 0 : f->member, kinds[i],
            kinds[i] == SH_MEETING_EVENT_MUTED ? "{\"kind\":\"audio\",\"by\":1}" : NULL,
            T0 + (gint64) i, &error),
        >, 0);
    g_assert_no_error (error);
  }
  events = sh_meeting_event_list (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (kinds));
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++) {
    e = events->pdata[i];
    g_assert_cmpint (e->kind, ==, kinds[i]);
    g_assert_cmpint (e->at, ==, T0 + (gint64) i);
  }
  e = events->pdata[2];
  g_assert_cmpint (e->account_id, ==, f->account);
  g_assert_cmpint (e->member_id, ==, f->member);
  g_assert_cmpstr (e->detail, ==, "{\"kind\":\"audio\",\"by\":1}");
  e = events->pdata[1];
  g_assert_cmpint (e->account_id, ==, 0);
  g_assert_null (e->detail);
}

static void
test_event_kind_names (void)
{
  ShMeetingEventKind kind;

  for (int k = SH_MEETING_EVENT_JOINED; k < SH_MEETING_EVENT_KIND_COUNT; k++) {
    const char *name = sh_meeting_event_kind_to_string ((ShMeetingEventKind) k);
    g_assert_nonnull (name);
    g_assert_true (sh_meeting_event_kind_from_string (name, &kind));
    g_assert_cmpint (kind, ==, k);
  }
  g_assert_cmpstr (sh_meeting_event_kind_to_string (SH_MEETING_EVENT_LESSON_MODE_ON), ==,
                   "lesson_mode_on");
  g_assert_false (sh_meeting_event_kind_from_string ("exploded", &kind));
  g_assert_false (sh_meeting_event_kind_from_string (NULL, &kind));
}

/* Inspectors audit chat and events: nothing rewrites or deletes them. */
static void
test_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  sh_meeting_chat_append (f->store, f->meeting, f->account, 0, "原话", T0, &error);
  sh_meeting_event_append (f->store, f->meeting, f->account, 0, SH_MEETING_EVENT_JOINED, NULL, T0,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (sh_sqlite_db (f->store), "UPDATE meeting_chat SET text = '改过'",
                                 NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (sh_sqlite_db (f->store), "DELETE FROM meeting_chat", NULL, NULL, NULL), !=,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (sh_sqlite_db (f->store), "UPDATE meeting_events SET kind = 'left'",
                                 NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (sh_sqlite_db (f->store), "DELETE FROM meeting_events", NULL, NULL, NULL), !=,
      SQLITE_OK);
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_chat", NULL), ==, 1);
  g_assert_cmpint (sh_store_count_rows (f->store, "meeting_events", NULL), ==, 1);
}

static void
test_guests (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) guests = NULL;
  GError *error = NULL;
  ShMeetingGuest *g;

  g_assert_false (sh_meeting_guest_is_approved (f->store, f->meeting, f->other_account));
  g_assert_cmpint (
      sh_meeting_guest_add (f->store, f->meeting, f->other_account, NULL, f->account, &error), >,
      0);
  g_assert_no_error (error);
  g_assert_cmpint (
      sh_meeting_guest_add (f->store, f->meeting, 0, "  入党积极分子 李四 ", f->account, &error), >,
      0);
  g_assert_no_error (error);
  g_assert_true (sh_meeting_guest_is_approved (f->store, f->meeting, f->other_account));
  g_assert_false (sh_meeting_guest_is_approved (f->store, f->meeting, f->account));
  g_assert_false (sh_meeting_guest_is_approved (f->store, f->meeting, 0));

  /* Twice the same account, nobody at all, an unknown meeting. */
  g_assert_cmpint (
      sh_meeting_guest_add (f->store, f->meeting, f->other_account, NULL, f->account, &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (sh_meeting_guest_add (f->store, f->meeting, 0, "  ", f->account, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_meeting_guest_add (f->store, 999, f->other_account, NULL, f->account, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
  g_clear_error (&error);

  guests = sh_meeting_guest_list (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (guests->len, ==, 2);
  g = guests->pdata[0];
  g_assert_cmpint (g->account_id, ==, f->other_account);
  g_assert_cmpstr (g->name, ==, "列席同志");
  g_assert_cmpint (g->approved_by, ==, f->account);
  g = guests->pdata[1];
  g_assert_cmpint (g->account_id, ==, 0);
  g_assert_cmpstr (g->name, ==, "入党积极分子 李四");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add ("/meeting-log/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("fresh-file-has-version-2", test_fresh_file_has_version_2);
  ADD ("chat-append-and-list", test_chat_append_and_list);
  ADD ("chat-rejects-bad-text", test_chat_rejects_bad_text);
  ADD ("events-append-and-list", test_events_append_and_list);
  ADD ("append-only", test_append_only);
  ADD ("guests", test_guests);
#undef ADD
  g_test_add_func ("/meeting-log/upgrade-from-version-1", test_upgrade_from_version_1);
  g_test_add_func ("/meeting-log/event-kind-names", test_event_kind_names);
  return g_test_run ();
}
