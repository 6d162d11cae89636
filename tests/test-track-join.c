/* Tests for the per-track file: a generated set of fragments joined into
 * one Matroska file, every frame kept, starting at 0.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "sanhui-recorder.h"

#define MS (GST_SECOND / 1000)

static void
run_pipeline (const char *description)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_autoptr (GstMessage) message
      = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* The first timestamp in the Matroska file at @path. */
static GstClockTime
first_pts (const char *path)
{
  g_autofree char *description = g_strdup_printf (
      "filesrc location=\"%s\" ! matroskademux ! appsink name=out sync=false", path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_autoptr (GstSample) sample
      = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 30 * GST_SECOND);
  g_assert_nonnull (sample);
  GstClockTime pts = GST_BUFFER_PTS (gst_sample_get_buffer (sample));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return pts;
}

/* @n fragments made by @head (a source) and @tail (up to an encoder), the
 * first starting 700 ms late, as the live recording can leave them. */
static GStrv
make_fragments (const char *dir, const char *name, const char *head, const char *tail, guint n)
{
  g_autoptr (GStrvBuilder) paths = g_strv_builder_new ();
  for (guint i = 0; i < n; i++) {
    g_autofree char *file = g_strdup_printf ("%s-%05u.mkv", name, i);
    g_autofree char *path = g_build_filename (dir, file, NULL);
    g_autofree char *description = g_strdup_printf (
        "%s timestamp-offset=%" G_GUINT64_FORMAT " %s ! matroskamux ! filesink location=\"%s\"",
        head, i == 0 ? 700 * MS : (guint64) 0, tail, path);
    run_pipeline (description);
    g_strv_builder_add (paths, path);
  }
  return g_strv_builder_end (paths);
}

static void
check_join (const char *name, const char *head, const char *tail)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-track-join-XXXXXX", &error);
  g_assert_no_error (error);
  g_auto (GStrv) fragments = make_fragments (dir, name, head, tail, 3);

  guint64 sum_ns = 0, sum_blocks = 0;
  for (guint i = 0; fragments[i] != NULL; i++) {
    guint64 d, b;
    g_assert_true (sh_recorder_probe_fragment (fragments[i], &d, &b, &error));
    g_assert_no_error (error);
    sum_ns += d;
    sum_blocks += b;
  }
  g_assert_cmpuint (first_pts (fragments[0]), >=, 600 * MS);

  g_autofree char *joined = g_build_filename (dir, "track-1.mkv", NULL);
  g_assert_true (sh_recorder_join_track ((const char *const *) fragments, joined, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *part = g_strconcat (joined, ".part", NULL);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  guint64 duration, blocks;
  g_assert_true (sh_recorder_probe_fragment (joined, &duration, &blocks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blocks, ==, sum_blocks);
  g_assert_cmpint (ABS ((gint64) duration - (gint64) sum_ns), <=, 50 * MS);
  g_assert_cmpuint (first_pts (joined), ==, 0);

  for (guint i = 0; fragments[i] != NULL; i++)
    g_unlink (fragments[i]);
  g_unlink (joined);
  g_rmdir (dir);
}

static void
test_video (void)
{
  check_join ("camera", "videotestsrc num-buffers=25",
              "! video/x-raw,width=160,height=90,framerate=25/1 ! vp8enc deadline=1");
}

static void
test_audio (void)
{
  check_join ("microphone", "audiotestsrc num-buffers=50 samplesperbuffer=960",
              "! audio/x-raw,rate=48000,channels=1 ! opusenc");
}

static void
test_missing_fragment (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-track-join-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (dir, "gone-00000.mkv", NULL);
  g_autofree char *joined = g_build_filename (dir, "track-2.mkv", NULL);
  const char *fragments[] = { missing, NULL };

  g_assert_false (sh_recorder_join_track (fragments, joined, NULL, &error));
  g_assert_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE);
  g_assert_false (g_file_test (joined, G_FILE_TEST_EXISTS));
  g_autofree char *part = g_strconcat (joined, ".part", NULL);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/track-join/video", test_video);
  g_test_add_func ("/track-join/audio", test_audio);
  g_test_add_func ("/track-join/missing-fragment", test_missing_fragment);
  return g_test_run ();
}
