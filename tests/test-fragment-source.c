/* Tests for the fragment source of the render: many fragments read back as
 * one stream with the timestamps they were written with (a first frame
 * late, a gap between fragments), never more than three of them open.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib/gstdio.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include "fragment-source.h"

#define MS (G_GINT64_CONSTANT (1000000))
#define FRAME_NS (40 * MS)
#define FRAMES 150
#define FIRST_NS (500 * MS)
#define GAP_AT 100
#define GAP_NS (300 * MS)

static gint64
written_pts (guint i)
{
  return FIRST_NS + (gint64) i * FRAME_NS + (i >= GAP_AT ? GAP_NS : 0);
}

/* 6 s of VP8 in fragments of 200 ms (a keyframe every 5 frames). */
static GStrv
make_fragments (const char *dir)
{
  g_autofree char *description = g_strdup_printf (
      "appsrc name=src format=time "
      "caps=video/x-raw,format=I420,width=64,height=48,framerate=25/1 ! "
      "vp8enc deadline=1 keyframe-max-dist=5 ! "
      "splitmuxsink muxer-factory=matroskamux max-size-time=200000000 location=%s/f-%%05d.mkv",
      dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_autoptr (GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < FRAMES; i++) {
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, 64 * 48 * 3 / 2, NULL);
    gst_buffer_memset (buffer, 0, (guint8) (16 + i % 200), 64 * 48 * 3 / 2);
    GST_BUFFER_PTS (buffer) = (GstClockTime) written_pts (i);
    GST_BUFFER_DURATION (buffer) = FRAME_NS;
    g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg
      = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  for (guint i = 0;; i++) {
    g_autofree char *name = g_strdup_printf ("f-%05u.mkv", i);
    char *path = g_build_filename (dir, name, NULL);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
      g_free (path);
      break;
    }
    g_ptr_array_add (paths, path);
  }
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_steal (paths, NULL);
}

typedef struct {
  GstBin *bin;
  GMutex lock;
  GArray *running; /* of gint64: each buffer's running time */
  guint most_open; /* the most filesrc elements seen in the bin at once */
} Seen;

static void
count_file (const GValue *item, gpointer data)
{
  GstElement *element = g_value_get_object (item);
  guint *n = data;
  *n += g_str_equal (GST_OBJECT_NAME (gst_element_get_factory (element)), "filesrc");
}

static GstPadProbeReturn
on_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Seen *seen = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  g_autoptr (GstEvent) event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  const GstSegment *segment;
  gst_event_parse_segment (event, &segment);
  gint64 running
      = (gint64) gst_segment_to_running_time (segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buffer));
  guint open = 0;
  g_autoptr (GstIterator) it = gst_bin_iterate_elements (seen->bin);
  while (gst_iterator_foreach (it, count_file, &open) == GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    open = 0;
  }
  g_mutex_lock (&seen->lock);
  g_array_append_val (seen->running, running);
  seen->most_open = MAX (seen->most_open, open);
  g_mutex_unlock (&seen->lock);
  return GST_PAD_PROBE_OK;
}

static gboolean
on_bus (GstBus *bus, GstMessage *message, gpointer data)
{
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    gst_message_parse_error (message, &error, NULL);
    g_error ("fragment source: %s", error->message);
  }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
test_timestamps_kept (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sanhui-fragments-XXXXXX", &error);
  g_assert_no_error (error);
  g_auto (GStrv) fragments = make_fragments (dir);
  g_assert_cmpuint (g_strv_length (fragments), >=, 20);

  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src
      = sh_fragment_source_add (GST_BIN (pipeline), (const char *const *) fragments, &error);
  g_assert_no_error (error);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (pipeline), sink);
  g_assert_true (gst_element_link (src, sink));

  Seen seen = { .bin = GST_BIN (pipeline), .running = g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_mutex_init (&seen.lock);
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &seen, NULL);
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  g_autoptr (GSource) watch = gst_bus_create_watch (bus);
  g_source_set_callback (watch, (GSourceFunc) (GCallback) on_bus, loop, NULL);
  g_source_attach (watch, context);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_main_loop_run (loop);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_source_destroy (watch);
  gst_object_unref (pipeline);
  g_main_context_pop_thread_default (context);

  /* Every frame, at the running time it was written with. */
  g_assert_cmpuint (seen.running->len, ==, FRAMES);
  for (guint i = 0; i < FRAMES; i++)
    g_assert_cmpint (g_array_index (seen.running, gint64, i), ==, written_pts (i));
  g_assert_cmpuint (seen.most_open, >=, 1);
  g_assert_cmpuint (seen.most_open, <=, 3);
  g_array_unref (seen.running);
  g_mutex_clear (&seen.lock);

  for (guint i = 0; fragments[i] != NULL; i++)
    g_unlink (fragments[i]);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fragment-source/timestamps-kept", test_timestamps_kept);
  return g_test_run ();
}
