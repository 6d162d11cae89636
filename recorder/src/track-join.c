/* One file per recorded track: its fragments remuxed, without
 * transcoding, into a single Matroska file whose timestamps start at 0,
 * for players that do not know the fragments (docs/recording.md).
 *
 *   splitmuxsrc (the fragments, in order) ─ [timestamps - first] ─ matroskamux ─ filesink
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "sanhui-recorder.h"

typedef struct {
  GstElement *mux;
  GstClockTime first; /* the first timestamp seen, subtracted from every one */
} Join;

static GStrv
on_format_location (GstElement *src, gpointer data)
{
  return g_strdupv (data);
}

static GstClockTime
shift (GstClockTime t, GstClockTime by)
{
  if (!GST_CLOCK_TIME_IS_VALID (t))
    return t;
  return t > by ? t - by : 0;
}

/* The fragments' segment is replaced by a plain one from 0 and every
 * timestamp moved back by the first: the file starts at 0 whatever the
 * segment and the first timestamp were. */
static GstPadProbeReturn
on_data (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Join *join = data;

  (void) pad;
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT) {
      GstSegment segment;
      gst_segment_init (&segment, GST_FORMAT_TIME);
      GstEvent *plain = gst_event_new_segment (&segment);
      gst_event_set_seqnum (plain, gst_event_get_seqnum (event));
      gst_event_unref (event);
      GST_PAD_PROBE_INFO_DATA (info) = plain;
    }
    return GST_PAD_PROBE_OK;
  }
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime ts
      = GST_BUFFER_DTS_IS_VALID (buffer) ? GST_BUFFER_DTS (buffer) : GST_BUFFER_PTS (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (join->first) && GST_CLOCK_TIME_IS_VALID (ts))
    join->first = ts;
  if (!GST_CLOCK_TIME_IS_VALID (join->first) || join->first == 0)
    return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable (buffer);
  GST_BUFFER_PTS (buffer) = shift (GST_BUFFER_PTS (buffer), join->first);
  GST_BUFFER_DTS (buffer) = shift (GST_BUFFER_DTS (buffer), join->first);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement *src, GstPad *pad, gpointer data)
{
  Join *join = data;
  g_autofree char *name = gst_pad_get_name (pad); /* video_%u, audio_%u */
  GstPad *sink;

  (void) src;
  /* A track is one stream: the first one found is the track. */
  if (join->mux->numsinkpads > 0)
    return;
  sink = gst_element_request_pad_simple (join->mux, g_str_has_prefix (name, "video") ? "video_%u"
                                                                                     : "audio_%u");
  if (sink == NULL)
    return;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_data,
                     join, NULL);
  gst_pad_link (pad, sink);
  gst_object_unref (sink);
}

gboolean
sh_recorder_join_track (const char *const *fragments, const char *path, GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autofree char *part = NULL;
  GstElement *src, *sink;
  Join join = { .first = GST_CLOCK_TIME_NONE };
  gboolean ok = FALSE;

  g_return_val_if_fail (fragments != NULL && fragments[0] != NULL && path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  part = g_strconcat (path, ".part", NULL);
  pipeline = gst_pipeline_new ("join");
  src = gst_element_factory_make ("splitmuxsrc", NULL);
  join.mux = gst_element_factory_make ("matroskamux", NULL);
  sink = gst_element_factory_make ("filesink", NULL);
  if (src == NULL || join.mux == NULL || sink == NULL) {
    g_set_error_literal (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                         "GStreamer's splitmuxsrc, matroskamux or filesink is not installed");
    g_clear_object (&src);
    g_clear_object (&join.mux);
    g_clear_object (&sink);
    return FALSE;
  }
  gst_bin_add_many (GST_BIN (pipeline), src, join.mux, sink, NULL);
  gst_element_link (join.mux, sink);
  g_object_set (sink, "location", part, NULL);
  g_signal_connect (src, "format-location", G_CALLBACK (on_format_location), (gpointer) fragments);
  g_signal_connect (src, "pad-added", G_CALLBACK (on_pad_added), &join);

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                 "cannot read the fragments of %s", path);
  } else {
    /* Polled so that a cancellation is noticed within a quarter second. */
    for (;;) {
      g_autoptr (GstMessage) message
          = gst_bus_timed_pop_filtered (bus, GST_SECOND / 4, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (message == NULL)
        continue;
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
        g_autoptr (GError) err = NULL;
        gst_message_parse_error (message, &err, NULL);
        g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE, "%s: %s", path,
                     err->message);
      } else {
        ok = TRUE;
      }
      break;
    }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (ok && g_rename (part, path) != 0) {
    int saved = errno;
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_IO, "%s: %s", path, g_strerror (saved));
    ok = FALSE;
  }
  if (!ok)
    g_unlink (part);
  return ok;
}
