/* Tests for the render job built from store rows
 * (signaling/src/meeting-render.c, sh_meeting_render_build_job): tracks
 * and their fragments, offsets and ends on the recording's clock, what is
 * left out, and a job the renderer accepts.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib/gstdio.h>

#include "meeting-render.h"

#define SEC G_GINT64_CONSTANT (1000000)
#define NS_PER_US 1000
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC + 250000)

typedef struct {
  char *dir;
  ShRecording recording;
  GPtrArray *tracks;
  GPtrArray *files;
  char *webm, *mp4;
} Fixture;

static void
add_track (Fixture *f, gint64 id, const char *kind, const char *name, gint64 participant,
           gint64 offset_ns, gint64 ended_at)
{
  ShRecordingTrack *t = g_new0 (ShRecordingTrack, 1);

  t->id = id;
  t->recording_id = f->recording.id;
  t->track = (guint64) id;
  t->kind = g_strdup (kind);
  t->codec = g_strdup ("VP8");
  t->participant = participant;
  t->display_name = g_strdup (name);
  t->location = g_strdup_printf ("recordings/1/5/track-%" G_GINT64_FORMAT "-%%05d.mkv", id);
  t->offset_ns = offset_ns;
  t->started_at = T0 + offset_ns / NS_PER_US;
  t->ended_at = ended_at;
  g_ptr_array_add (f->tracks, t);
}

/* A fragment row of @track; written to the disk unless @on_disk is FALSE. */
static void
add_fragment (Fixture *f, gint64 track, guint n, gsize size, gboolean on_disk)
{
  ShRecordingFile *file = g_new0 (ShRecordingFile, 1);
  g_autofree char *full = NULL;
  g_autofree char *content = g_strnfill (size, 'x');

  file->id = f->files->len + 1;
  file->recording_id = f->recording.id;
  file->track_id = track;
  file->kind = SH_RECORDING_FILE_FRAGMENT;
  file->path = g_strdup_printf ("recordings/1/5/track-%" G_GINT64_FORMAT "-%05u.mkv", track, n);
  file->size = (gint64) size;
  file->duration_ns = 2 * G_GINT64_CONSTANT (1000000000);
  file->sha256 = g_strnfill (64, 'a');
  g_ptr_array_add (f->files, file);
  full = g_build_filename (f->dir, file->path, NULL);
  if (on_disk)
    g_assert_true (g_file_set_contents (full, content, (gssize) size, NULL));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autofree char *rec_dir = NULL;

  (void) data;
  f->dir = g_dir_make_tmp ("sanhui-meeting-render-XXXXXX", NULL);
  rec_dir = g_build_filename (f->dir, "recordings", "1", "5", NULL);
  g_assert_cmpint (g_mkdir_with_parents (rec_dir, 0700), ==, 0);
  f->webm = g_build_filename (rec_dir, "composite.webm", NULL);
  f->mp4 = g_build_filename (rec_dir, "composite.mp4", NULL);
  f->recording = (ShRecording){
    .id = 5,
    .meeting_id = 1,
    .started_at = T0,
    .ended_at = T0 + 60 * SEC,
    .state = SH_RECORDING_COMPLETE,
  };
  f->tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_track_free);
  f->files = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_recording_file_free);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

  (void) data;
  g_assert_cmpint (system (cmd), ==, 0);
  g_ptr_array_unref (f->tracks);
  g_ptr_array_unref (f->files);
  g_free (f->webm);
  g_free (f->mp4);
  g_free (f->dir);
}

static ShRenderJob *
build (Fixture *f, const char *title, GError **error)
{
  return sh_meeting_render_build_job (f->dir, title, &f->recording, f->tracks, f->files, f->webm,
                                      f->mp4, error);
}

static void
test_tracks (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) job = NULL;
  const ShRenderTrack *cam, *mic, *screen;
  g_autofree char *start = NULL;

  (void) data;
  /* 张三's camera and microphone; 李四's screen share from 20 s to 30 s. */
  add_track (f, 1, "camera", "张三", 7, 2400000000, T0 + 59 * SEC);
  add_track (f, 2, "microphone", "张三", 7, 2380000000, 0);
  add_track (f, 3, "screen", "李四", 8, 20 * G_GINT64_CONSTANT (1000000000), T0 + 30 * SEC);
  /* Rows in the order they were stored, which is not their order. */
  add_fragment (f, 1, 1, 10, TRUE);
  add_fragment (f, 2, 0, 10, TRUE);
  add_fragment (f, 1, 0, 10, TRUE);
  add_fragment (f, 3, 0, 10, TRUE);
  job = build (f, "支部党员大会", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->title, ==, "支部党员大会");
  start = g_date_time_format_iso8601 (job->start);
  g_assert_cmpstr (start, ==, "2027-01-15T08:00:00.250000Z");
  g_assert_cmpint (job->duration_ns, ==, 60 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpstr (job->webm_path, ==, f->webm);
  g_assert_cmpstr (job->mp4_path, ==, f->mp4);
  g_assert_cmpuint (job->tracks->len, ==, 3);
  cam = job->tracks->pdata[0];
  mic = job->tracks->pdata[1];
  screen = job->tracks->pdata[2];
  g_assert_cmpint (cam->kind, ==, SH_RENDER_CAMERA);
  g_assert_cmpstr (cam->name, ==, "张三");
  g_assert_cmpint (cam->offset_ns, ==, 2400000000);
  g_assert_cmpint (cam->end_ns, ==, 59 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (g_strv_length (cam->fragments), ==, 2);
  g_assert_true (g_str_has_suffix (cam->fragments[0], "/recordings/1/5/track-1-00000.mkv"));
  g_assert_true (g_str_has_suffix (cam->fragments[1], "/recordings/1/5/track-1-00001.mkv"));
  g_assert_true (g_path_is_absolute (cam->fragments[0]));
  /* One member's camera and microphone share a publisher, others not. */
  g_assert_cmpint (mic->kind, ==, SH_RENDER_MICROPHONE);
  g_assert_cmpstr (mic->publisher, ==, cam->publisher);
  g_assert_cmpint (mic->end_ns, ==, -1);
  g_assert_cmpint (screen->kind, ==, SH_RENDER_SCREEN);
  g_assert_cmpstr (screen->publisher, !=, cam->publisher);
  g_assert_cmpint (screen->end_ns, ==, 30 * G_GINT64_CONSTANT (1000000000));
  /* What the renderer checks before decoding anything. */
  g_assert_true (sh_render_job_validate (job, &error));
  g_assert_no_error (error);
}

static void
test_left_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) job = NULL;
  const ShRenderTrack *t;

  (void) data;
  add_track (f, 1, "camera", "张三", 7, 0, 0);
  add_fragment (f, 1, 0, 10, TRUE);
  add_fragment (f, 1, 1, 10, FALSE);               /* gone from the disk */
  add_fragment (f, 1, 2, 0, TRUE);                 /* empty: opened just before a crash */
  add_track (f, 2, "microphone", "李四", 8, 0, 0); /* no fragment at all */
  add_track (f, 3, "microphone", "王五", 9, 61 * G_GINT64_CONSTANT (1000000000), 0);
  add_fragment (f, 3, 0, 10, TRUE);                 /* starts after the end */
  add_track (f, 4, "whiteboard", "赵六", 10, 0, 0); /* unknown kind */
  add_fragment (f, 4, 0, 10, TRUE);
  /* A track that ended after the recording's end ends with it. */
  add_track (f, 5, "camera", "孙七", 11, 0, T0 + 90 * SEC);
  add_fragment (f, 5, 0, 10, TRUE);
  job = build (f, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->title, ==, "会议录像");
  g_assert_cmpuint (job->tracks->len, ==, 2);
  t = job->tracks->pdata[0];
  g_assert_cmpstr (t->name, ==, "张三");
  g_assert_cmpuint (g_strv_length (t->fragments), ==, 1);
  t = job->tracks->pdata[1];
  g_assert_cmpstr (t->name, ==, "孙七");
  g_assert_cmpint (t->end_ns, ==, job->duration_ns);
}

static void
test_interrupted_and_open (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRenderJob) job = NULL;

  (void) data;
  /* Cut by a crash: rendered up to the crash moment. */
  f->recording.state = SH_RECORDING_INTERRUPTED;
  f->recording.interrupted_at = f->recording.ended_at = T0 + 7 * SEC;
  job = build (f, "支委会", &error);
  g_assert_no_error (error);
  g_assert_cmpint (job->duration_ns, ==, 7 * G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (job->tracks->len, ==, 0);
  g_clear_pointer (&job, sh_render_job_free);

  /* Still recording, or no length: nothing to render yet. */
  f->recording.state = SH_RECORDING_RECORDING;
  g_assert_null (build (f, "支委会", &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
  g_clear_error (&error);
  f->recording.state = SH_RECORDING_COMPLETE;
  f->recording.ended_at = f->recording.started_at;
  g_assert_null (build (f, "支委会", &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/meeting-render/job/tracks", Fixture, NULL, fixture_set_up, test_tracks,
              fixture_tear_down);
  g_test_add ("/meeting-render/job/left-out", Fixture, NULL, fixture_set_up, test_left_out,
              fixture_tear_down);
  g_test_add ("/meeting-render/job/interrupted-and-open", Fixture, NULL, fixture_set_up,
              test_interrupted_and_open, fixture_tear_down);
  return g_test_run ();
}
