/* Tests for reading a recorded fragment back (recorder/src/probe.c): a
 * whole file, one cut short as a kill leaves it, garbage, nothing.
 * SPDX-License-Identifier: Apache-2.0 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "sanhui-recorder.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  gst_init (NULL, NULL);
  f->dir = g_dir_make_tmp ("sanhui-probe-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  (void) data;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Returns: (transfer full) a Matroska file of 2 s of Opus (100 frames). */
static char *
make_fragment (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->dir, "track-1-00000.mkv", NULL);
  g_autofree char *description = g_strdup_printf (
      "audiotestsrc num-buffers=100 samplesperbuffer=960 ! audio/x-raw,rate=48000 ! opusenc "
      "! matroskamux ! filesink location=%s",
      path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;

  g_assert_no_error (error);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return path;
}

static void
test_whole (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_fragment (f);
  guint64 duration = 0, blocks = 0;

  (void) data;
  g_assert_true (sh_recorder_probe_fragment (path, &duration, &blocks, &error));
  g_assert_no_error (error);
  /* The encoder may flush one frame more at the end. */
  g_assert_cmpuint (blocks, >=, 100);
  g_assert_cmpuint (blocks, <=, 101);
  g_assert_cmpint (ABS ((gint64) duration - 2 * (gint64) GST_SECOND), <, 100 * GST_MSECOND);
}

/* The first 60 % of the file, as a kill in the middle of writing leaves
 * it: still read, fewer blocks, a shorter span. */
static void
test_cut_short (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_fragment (f);
  g_autofree char *cut = g_build_filename (f->dir, "track-1-00001.mkv", NULL);
  g_autofree char *bytes = NULL;
  gsize length = 0;
  guint64 duration = 0, blocks = 0;

  (void) data;
  g_assert_true (g_file_get_contents (path, &bytes, &length, &error));
  g_assert_true (g_file_set_contents (cut, bytes, (gssize) (length * 6 / 10), &error));
  g_assert_true (sh_recorder_probe_fragment (cut, &duration, &blocks, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blocks, >, 20);
  g_assert_cmpuint (blocks, <, 95);
  g_assert_cmpuint (duration, >, GST_SECOND / 2);
  g_assert_cmpuint (duration, <, 2 * GST_SECOND);
}

static void
test_unreadable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.mkv", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.mkv", NULL);

  (void) data;
  g_assert_true (g_file_set_contents (garbage, "not a matroska file at all", -1, &error));
  g_assert_false (sh_recorder_probe_fragment (garbage, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (sh_recorder_probe_fragment (missing, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/probe/whole", Fixture, NULL, fixture_setup, test_whole, fixture_teardown);
  g_test_add ("/probe/cut-short", Fixture, NULL, fixture_setup, test_cut_short, fixture_teardown);
  g_test_add ("/probe/unreadable", Fixture, NULL, fixture_setup, test_unreadable, fixture_teardown);
  return g_test_run ();
}
