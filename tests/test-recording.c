/* Tests for recordings in the store (minutes/src/recording.c and the
 * SQLite backend's recordings area): tracks, files, completion and the
 * crash recovery's closing at the crash moment.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)
#define SHA_A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

typedef struct {
  ShStore *store;
  gint64 member;
  gint64 meeting;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee, branch;

  (void) data;
  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->member = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_FULL, 0);
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 3600 * SEC);
  m->chair_member_id = f->member;
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  sh_store_free (f->store);
}

static gint64
add_track (Fixture *f, gint64 recording, guint64 track, gint64 member)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *location = g_strdup_printf (
      "recordings/1/%" G_GINT64_FORMAT "/track-%" G_GUINT64_FORMAT "-%%05d.mkv", recording, track);
  ShRecordingTrack t = {
    .recording_id = recording,
    .track = track,
    .kind = "camera",
    .codec = "VP8",
    .participant = 7,
    .member_id = member,
    .display_name = "李四",
    .location = location,
    .offset_ns = 120000000,
    .started_at = T0 + SEC,
  };
  gint64 id = sh_recording_add_track (f->store, &t, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
add_file (Fixture *f, gint64 recording, gint64 track, const char *path, gint64 finished)
{
  g_autoptr (GError) error = NULL;
  ShRecordingFile file = {
    .recording_id = recording,
    .track_id = track,
    .kind = SH_RECORDING_FILE_FRAGMENT,
    .path = (char *) path,
    .size = 3,
    .duration_ns = 10 * G_GINT64_CONSTANT (1000000000),
    .sha256 = SHA_A,
    .finished_at = finished,
  };
  gint64 id = sh_recording_add_file (f->store, &file, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
test_complete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tracks = NULL, files = NULL, all = NULL;
  g_autoptr (ShRecording) r = NULL;
  gint64 rec = sh_recording_start (f->store, f->meeting, T0, &error);
  gint64 track;

  (void) data;
  g_assert_no_error (error);
  track = add_track (f, rec, 3, f->member);
  add_track (f, rec, 4, 0); /* a guest has no member id */
  g_assert_true (sh_recording_update_track (f->store, track, 80000000, T0 + 30 * SEC, &error));
  g_assert_no_error (error);
  add_file (f, rec, track, "recordings/1/1/track-3-00000.mkv", T0 + 11 * SEC);

  tracks = sh_recording_list_tracks (f->store, rec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tracks->len, ==, 2);
  ShRecordingTrack *t = tracks->pdata[0];
  g_assert_cmpint (t->offset_ns, ==, 80000000);
  g_assert_cmpint (t->ended_at, ==, T0 + 30 * SEC);
  g_assert_cmpint (t->member_id, ==, f->member);
  g_assert_cmpstr (t->display_name, ==, "李四");
  g_assert_cmpint (((ShRecordingTrack *) tracks->pdata[1])->member_id, ==, 0);

  g_assert_true (sh_recording_complete (f->store, rec, T0 + 60 * SEC, &error));
  g_assert_false (sh_recording_complete (f->store, rec, T0 + 61 * SEC, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  r = sh_recording_get (f->store, rec, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->state, ==, SH_RECORDING_COMPLETE);
  g_assert_cmpint (r->ended_at, ==, T0 + 60 * SEC);
  g_assert_cmpint (r->interrupted_at, ==, 0);

  /* Composites come later, from the renderer, without a track. */
  ShRecordingFile composite = {
    .recording_id = rec,
    .kind = SH_RECORDING_FILE_COMPOSITE,
    .path = "recordings/1/1/composite.webm",
    .size = 10,
    .duration_ns = 1,
    .sha256 = SHA_A,
    .finished_at = T0 + 70 * SEC,
  };
  g_assert_cmpint (sh_recording_add_file (f->store, &composite, &error), >, 0);
  g_assert_no_error (error);
  files = sh_recording_list_files (f->store, rec, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpint (((ShRecordingFile *) files->pdata[1])->kind, ==, SH_RECORDING_FILE_COMPOSITE);
  all = sh_recording_list_files (f->store, 0, f->meeting, &error);
  g_assert_cmpuint (all->len, ==, 2);
}

static void
test_bad_files (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 rec = sh_recording_start (f->store, f->meeting, T0, &error);
  gint64 track = add_track (f, rec, 1, f->member);
  const char *bad_paths[] = { "/etc/passwd", "recordings/../../x.mkv", "", "a//b.mkv" };
  ShRecordingFile file = {
    .recording_id = rec,
    .track_id = track,
    .kind = SH_RECORDING_FILE_FRAGMENT,
    .size = 3,
    .sha256 = SHA_A,
    .finished_at = T0,
  };

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (bad_paths); i++) {
    file.path = (char *) bad_paths[i];
    g_assert_cmpint (sh_recording_add_file (f->store, &file, &error), ==, 0);
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
    g_clear_error (&error);
  }
  file.path = "recordings/x.mkv";
  file.sha256 = "abc";
  g_assert_cmpint (sh_recording_add_file (f->store, &file, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* A fragment belongs to a track. */
  file.sha256 = SHA_A;
  file.track_id = 0;
  g_assert_cmpint (sh_recording_add_file (f->store, &file, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  /* The same path twice. */
  add_file (f, rec, track, "recordings/y.mkv", T0);
  file.track_id = track;
  file.path = "recordings/y.mkv";
  g_assert_cmpint (sh_recording_add_file (f->store, &file, &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
}

/* A crash: the open recording is closed at the later of the last
 * heartbeat and its last finished file; a complete one is left alone. */
static void
test_close_after_crash (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) closed = NULL, again = NULL, tracks = NULL;
  g_autoptr (ShRecording) done = NULL;
  gint64 finished = sh_recording_start (f->store, f->meeting, T0 - 100 * SEC, &error);
  gint64 open1, open2, track;

  (void) data;
  g_assert_true (sh_recording_complete (f->store, finished, T0 - 50 * SEC, &error));
  open1 = sh_recording_start (f->store, f->meeting, T0, &error);
  open2 = sh_recording_start (f->store, f->meeting, T0 + 5 * SEC, &error);
  track = add_track (f, open1, 1, f->member);
  add_file (f, open2, add_track (f, open2, 2, 0), "recordings/z-00000.mkv", T0 + 50 * SEC);
  g_assert_true (sh_presence_heartbeat (f->store, T0 + 40 * SEC, &error));
  g_assert_no_error (error);

  closed = sh_recording_close_after_crash (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (closed->len, ==, 2);
  ShRecording *r1 = closed->pdata[0], *r2 = closed->pdata[1];
  g_assert_cmpint (r1->id, ==, open1);
  g_assert_cmpint (r1->state, ==, SH_RECORDING_INTERRUPTED);
  g_assert_cmpint (r1->interrupted_at, ==, T0 + 40 * SEC);
  g_assert_cmpint (r1->ended_at, ==, T0 + 40 * SEC);
  g_assert_cmpint (r2->interrupted_at, ==, T0 + 50 * SEC);
  tracks = sh_recording_list_tracks (f->store, open1, &error);
  g_assert_cmpint (((ShRecordingTrack *) tracks->pdata[0])->ended_at, ==, T0 + 40 * SEC);
  g_assert_cmpint (((ShRecordingTrack *) tracks->pdata[0])->id, ==, track);

  done = sh_recording_get (f->store, finished, &error);
  g_assert_cmpint (done->state, ==, SH_RECORDING_COMPLETE);
  again = sh_recording_close_after_crash (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 0);
}

/* The server stops (or the disk fills) in mid recording: interrupted at
 * that moment, open tracks end there, an ended track keeps its end; the
 * crash recovery then has nothing to close. */
static void
test_interrupt (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tracks = NULL, closed = NULL;
  g_autoptr (ShRecording) r = NULL;
  gint64 id = sh_recording_start (f->store, f->meeting, T0, &error);
  gint64 early = add_track (f, id, 1, f->member);

  (void) data;
  add_track (f, id, 2, 0);
  g_assert_true (sh_recording_update_track (f->store, early, 0, T0 + 5 * SEC, &error));
  g_assert_true (sh_recording_interrupt (f->store, id, T0 + 30 * SEC, &error));
  g_assert_no_error (error);
  r = sh_recording_get (f->store, id, &error);
  g_assert_cmpint (r->state, ==, SH_RECORDING_INTERRUPTED);
  g_assert_cmpint (r->interrupted_at, ==, T0 + 30 * SEC);
  g_assert_cmpint (r->ended_at, ==, T0 + 30 * SEC);
  tracks = sh_recording_list_tracks (f->store, id, &error);
  g_assert_cmpint (((ShRecordingTrack *) tracks->pdata[0])->ended_at, ==, T0 + 5 * SEC);
  g_assert_cmpint (((ShRecordingTrack *) tracks->pdata[1])->ended_at, ==, T0 + 30 * SEC);

  g_assert_false (sh_recording_interrupt (f->store, id, T0 + 40 * SEC, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (sh_recording_complete (f->store, id, T0 + 40 * SEC, &error));
  g_clear_error (&error);
  closed = sh_recording_close_after_crash (f->store, &error);
  g_assert_cmpuint (closed->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/recording/complete", Fixture, NULL, fixture_set_up, test_complete,
              fixture_tear_down);
  g_test_add ("/recording/bad-files", Fixture, NULL, fixture_set_up, test_bad_files,
              fixture_tear_down);
  g_test_add ("/recording/close-after-crash", Fixture, NULL, fixture_set_up, test_close_after_crash,
              fixture_tear_down);
  g_test_add ("/recording/interrupt", Fixture, NULL, fixture_set_up, test_interrupt,
              fixture_tear_down);
  return g_test_run ();
}
