/* Reading a recorded fragment back: every block demuxed, its time span
 * measured. What the crash recovery checks a fragment with.
 * SPDX-License-Identifier: Apache-2.0 */
#include <gst/gst.h>

#include "sanhui-recorder.h"

/* A fragment is at most a few MB: reading it takes well under this. */
#define PROBE_TIMEOUT (30 * GST_SECOND)

typedef struct {
  GstClockTime first;
  GstClockTime end;
  guint64 blocks;
} Span;

static GstPadProbeReturn
on_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Span *span = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buffer);

  (void) pad;
  if (GST_CLOCK_TIME_IS_VALID (pts)) {
    GstClockTime end
        = pts + (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0);

    if (!GST_CLOCK_TIME_IS_VALID (span->first) || pts < span->first)
      span->first = pts;
    if (!GST_CLOCK_TIME_IS_VALID (span->end) || end > span->end)
      span->end = end;
  }
  span->blocks++;
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *demux, GstPad *pad, gpointer user_data)
{
  GstElement *sink = user_data;
  g_autoptr (GstPad) sink_pad = gst_element_get_static_pad (sink, "sink");

  (void) demux;
  if (!gst_pad_is_linked (sink_pad))
    gst_pad_link (pad, sink_pad);
}

gboolean
sh_recorder_probe_fragment (const char *path, guint64 *duration_ns, guint64 *blocks, GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  GstElement *src, *demux, *sink;
  Span span = { GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  gst_init (NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such file", path);
    return FALSE;
  }
  pipeline = gst_pipeline_new (NULL);
  src = gst_element_factory_make ("filesrc", NULL);
  demux = gst_element_factory_make ("matroskademux", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  if (src == NULL || demux == NULL || sink == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "GStreamer's Matroska demuxer is missing");
    g_clear_object (&src);
    g_clear_object (&demux);
    g_clear_object (&sink);
    return FALSE;
  }
  g_object_set (src, "location", path, NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, demux, sink, NULL);
  gst_element_link (src, demux);
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), sink);
  sink_pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &span, NULL);

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, PROBE_TIMEOUT, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s: not read within 30 s", path);
  } else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) gst_error = NULL;

    gst_message_parse_error (message, &gst_error, NULL);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path,
                 gst_error ? gst_error->message : "unreadable");
  } else {
    ok = TRUE;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!ok)
    return FALSE;
  if (duration_ns != NULL)
    *duration_ns = GST_CLOCK_TIME_IS_VALID (span.first) ? span.end - span.first : 0;
  if (blocks != NULL)
    *blocks = span.blocks;
  return TRUE;
}
