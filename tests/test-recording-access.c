/* Tests for the audit log of recordings (minutes/src/recording-access.c and
 * the SQLite backend's area): entries written and listed newest first with
 * the account's name, a player's repeated requests folded within the window
 * while downloads and other outcomes are always written, incomplete entries
 * refused, the file lookup, and the append-only guard.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)
#define SHA_A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct {
  ShStore *store;
  gint64 account;
  gint64 meeting;
  gint64 file;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee, branch, member, recording;
  ShRecordingFile file = {
    .kind = SH_RECORDING_FILE_COMPOSITE,
    .path = "recordings/1/1/composite.webm",
    .size = 3,
    .duration_ns = 1000,
    .sha256 = SHA_A,
    .finished_at = T0 + 60 * SEC,
  };

  (void) data;
  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  member = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_FULL, 0);
  f->account = minutes_fixture_account (f->store, "lisi", "李四", member);
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 3600 * SEC);
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  recording = sh_recording_start (f->store, f->meeting, T0, &error);
  g_assert_no_error (error);
  file.recording_id = recording;
  f->file = sh_recording_add_file (f->store, &file, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  sh_store_free (f->store);
}

static ShRecordingAccess
entry (Fixture *f, ShRecordingAccessAction action, gint64 at, guint status)
{
  return (ShRecordingAccess){
    .at = at,
    .account_id = f->account,
    .role = "secretary",
    .meeting_id = f->meeting,
    .file_id = action == SH_RECORDING_ACCESS_LIST ? 0 : f->file,
    .action = action,
    .status = status,
    .range = action == SH_RECORDING_ACCESS_LIST ? NULL : "bytes=0-",
    .bytes = action == SH_RECORDING_ACCESS_LIST ? 0 : 3,
    .client = "127.0.0.1/32",
    .session = "0123456789abcdef",
  };
}

/* Records @a and returns whether it was written. */
static gboolean
record (Fixture *f, const ShRecordingAccess *a)
{
  g_autoptr (GError) error = NULL;
  gboolean written = FALSE;

  g_assert_true (sh_recording_access_record (f->store, a, &written, &error));
  g_assert_no_error (error);
  return written;
}

static GPtrArray *
list (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = sh_recording_access_list (f->store, f->meeting, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static void
test_written_and_listed (Fixture *f, gconstpointer data)
{
  ShRecordingAccess listing = entry (f, SH_RECORDING_ACCESS_LIST, T0, 200);
  ShRecordingAccess play = entry (f, SH_RECORDING_ACCESS_PLAY, T0 + SEC, 206);
  g_autoptr (GPtrArray) entries = NULL;
  const ShRecordingAccess *a;

  (void) data;
  g_assert_true (record (f, &listing));
  g_assert_true (record (f, &play));
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 2);
  a = entries->pdata[0];
  g_assert_cmpint (a->at, ==, T0 + SEC);
  g_assert_cmpint (a->action, ==, SH_RECORDING_ACCESS_PLAY);
  g_assert_cmpstr (a->account_name, ==, "李四");
  g_assert_cmpstr (a->role, ==, "secretary");
  g_assert_cmpint (a->file_id, ==, f->file);
  g_assert_cmpuint (a->status, ==, 206);
  g_assert_cmpstr (a->range, ==, "bytes=0-");
  g_assert_cmpint (a->bytes, ==, 3);
  g_assert_cmpstr (a->client, ==, "127.0.0.1/32");
  a = entries->pdata[1];
  g_assert_cmpint (a->action, ==, SH_RECORDING_ACCESS_LIST);
  g_assert_cmpint (a->file_id, ==, 0);
  g_assert_null (a->range);
  g_assert_cmpstr (sh_recording_access_action_to_string (SH_RECORDING_ACCESS_DOWNLOAD), ==,
                   "download");
}

static void
test_folding (Fixture *f, gconstpointer data)
{
  ShRecordingAccess a = entry (f, SH_RECORDING_ACCESS_PLAY, T0, 206);
  g_autoptr (GPtrArray) entries = NULL;

  (void) data;
  g_assert_true (record (f, &a));
  /* The player's next Range requests in the same session: folded. */
  a.at = T0 + 30 * SEC;
  g_assert_false (record (f, &a));
  a.at = T0 + SH_RECORDING_ACCESS_FOLD_US;
  g_assert_false (record (f, &a));
  /* Another outcome, another session, a refusal: written. */
  a.status = 416;
  g_assert_true (record (f, &a));
  a.status = 206;
  a.session = "fedcba9876543210";
  g_assert_true (record (f, &a));
  /* After the window: written again. */
  a.session = "0123456789abcdef";
  a.at = T0 + SH_RECORDING_ACCESS_FOLD_US + 1;
  g_assert_true (record (f, &a));
  /* Downloads are never folded. */
  a.action = SH_RECORDING_ACCESS_DOWNLOAD;
  a.status = 200;
  g_assert_true (record (f, &a));
  a.at += SEC;
  g_assert_true (record (f, &a));
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 6);
}

static void
test_refuses_incomplete (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) entries = NULL;

  (void) data;
  for (guint i = 0; i < 5; i++) {
    g_autoptr (GError) error = NULL;
    ShRecordingAccess bad = entry (f, SH_RECORDING_ACCESS_PLAY, T0, 200);

    if (i == 0)
      bad.file_id = 0;
    else if (i == 1)
      bad.session = "";
    else if (i == 2)
      bad.status = 42;
    else if (i == 3)
      bad.role = NULL;
    else
      bad.account_id = 0;
    g_assert_false (sh_recording_access_record (f->store, &bad, NULL, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  }
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_find_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 meeting = 0;
  g_autoptr (ShRecordingFile) file
      = sh_recording_access_find_file (f->store, f->file, &meeting, &error);
  g_autoptr (ShRecordingFile) none = NULL;

  (void) data;
  g_assert_no_error (error);
  g_assert_nonnull (file);
  g_assert_cmpint (meeting, ==, f->meeting);
  g_assert_cmpstr (file->path, ==, "recordings/1/1/composite.webm");
  g_assert_cmpint (file->kind, ==, SH_RECORDING_FILE_COMPOSITE);
  g_assert_cmpstr (file->sha256, ==, SHA_A);
  none = sh_recording_access_find_file (f->store, f->file + 100, &meeting, &error);
  g_assert_null (none);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND);
}

static void
test_append_only (Fixture *f, gconstpointer data)
{
  ShRecordingAccess a = entry (f, SH_RECORDING_ACCESS_DOWNLOAD, T0, 200);
  sqlite3 *db = sh_sqlite_db (f->store);
  g_autoptr (GPtrArray) entries = NULL;

  (void) data;
  g_assert_true (record (f, &a));
  g_assert_cmpint (sqlite3_exec (db, "UPDATE recording_access SET status = 403", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM recording_access", NULL, NULL, NULL), !=,
                   SQLITE_OK);
  entries = list (f);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (((ShRecordingAccess *) entries->pdata[0])->status, ==, 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/recording-access/written-and-listed", test_written_and_listed);
  ADD ("/recording-access/folding", test_folding);
  ADD ("/recording-access/refuses-incomplete", test_refuses_incomplete);
  ADD ("/recording-access/find-file", test_find_file);
  ADD ("/recording-access/append-only", test_append_only);
  return g_test_run ();
}
