/* One recorded track: appsrc → rtpjitterbuffer → depayloader → parser →
 * splitmuxsink(matroskamux), no transcoding. See docs/recording.md.
 * SPDX-License-Identifier: Apache-2.0 */
#include "track-writer.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "lipsync.h"
#include "sanhui-recorder.h"

/* Bytes of RTP waiting in appsrc before packets are dropped: a few
 * seconds of a 2 Mbit/s camera, so a stalled disk loses media, never
 * memory. */
#define MAX_QUEUED_BYTES (1024 * 1024)
/* Long enough for the room's NACK → RTX round trip on a weak network. */
#define JITTER_LATENCY_MS 400
/* Matroska clusters of at most a second: a kill loses at most the open
 * cluster's tail. */
#define CLUSTER_NS GST_SECOND

struct _ShTrackWriter {
  GstElement *pipeline;
  GstElement *src;
  guint8 payload_type;
  ShTrackWriterEvents events;
  gpointer user_data;

  gboolean started; /* the pushing thread's own */
  gint64 zero_us;
  gint finishing;      /* atomic */
  gint finished;       /* atomic: finished() ran */
  gint keyframe_asked; /* atomic */
  guint64 dropped;     /* written by the pushing thread only */

  GMutex lock;           /* the bus handler's fragment bookkeeping */
  GHashTable *opened_at; /* location → running time it opened at (guint64 *) */

  GMutex sync_lock; /* the capture clock: streaming thread and reports */
  ShLipsync sync;
};

typedef struct {
  const char *codec;
  const char *media;
  const char *encoding_name;
  const char *depay;
  const char *parser; /* NULL: none needed */
} CodecInfo;

static const CodecInfo codecs[] = {
  { "opus", "audio", "OPUS", "rtpopusdepay", NULL },
  { "VP8", "video", "VP8", "rtpvp8depay", NULL },
  { "VP9", "video", "VP9", "rtpvp9depay", NULL },
  { "H264", "video", "H264", "rtph264depay", "h264parse" },
};

static const CodecInfo *
codec_info (const char *codec)
{
  for (gsize i = 0; codec != NULL && i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].codec, codec) == 0)
      return &codecs[i];
  return NULL;
}

gboolean
sh_track_writer_supports (const char *codec)
{
  return codec_info (codec) != NULL;
}

static void
set_if_exists (GstElement *element, const char *property, gboolean value)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), property) != NULL)
    g_object_set (element, property, value, NULL);
}

static void
finish_once (ShTrackWriter *w, const char *error_message)
{
  if (g_atomic_int_compare_and_exchange (&w->finished, 0, 1) && w->events.finished != NULL)
    w->events.finished (w, error_message, w->user_data);
}

/* Runs on the thread that posts: fragment bookkeeping must see the
 * messages in order, which a main-loop watch would also do, but the
 * writer owns no main loop. */
static GstBusSyncReply
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ShTrackWriter *w = user_data;

  (void) bus;
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *s = gst_message_get_structure (message);
      GstClockTime rt = GST_CLOCK_TIME_NONE;
      const char *location;

      if (s == NULL || !gst_structure_get_clock_time (s, "running-time", &rt))
        break;
      location = gst_structure_get_string (s, "location");
      /* Fragments finish asynchronously: the next one may open before the
       * last one closed. */
      if (gst_structure_has_name (s, "splitmuxsink-fragment-opened") && location != NULL) {
        guint64 at = rt;

        g_mutex_lock (&w->lock);
        g_hash_table_replace (w->opened_at, g_strdup (location), g_memdup2 (&at, sizeof at));
        g_mutex_unlock (&w->lock);
      } else if (gst_structure_has_name (s, "splitmuxsink-fragment-closed") && location != NULL) {
        guint64 start = rt;
        guint64 *at;

        g_mutex_lock (&w->lock);
        at = g_hash_table_lookup (w->opened_at, location);
        if (at != NULL)
          start = *at;
        g_hash_table_remove (w->opened_at, location);
        g_mutex_unlock (&w->lock);
        if (w->events.fragment_closed != NULL)
          w->events.fragment_closed (w, location, start, MAX (rt, start), w->user_data);
      }
      break;
    }
    case GST_MESSAGE_EOS:
      finish_once (w, NULL);
      break;
    case GST_MESSAGE_ERROR: {
      g_autoptr (GError) err = NULL;

      gst_message_parse_error (message, &err, NULL);
      finish_once (w, err != NULL ? err->message : "GStreamer error");
      break;
    }
    default:
      break;
  }
  gst_message_unref (message);
  return GST_BUS_DROP;
}

/* splitmuxsink and the depayloader ask upstream for a keyframe; only the
 * publisher can make one, so the request leaves the pipeline here. */
static GstPadProbeReturn
on_upstream_event (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ShTrackWriter *w = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  (void) pad;
  if (event != NULL && gst_video_event_is_force_key_unit (event)) {
    g_atomic_int_set (&w->keyframe_asked, 1);
    return GST_PAD_PROBE_HANDLED;
  }
  return GST_PAD_PROBE_OK;
}

/* Packets leave the jitter buffer timed by arrival; they are written
 * timed by the publisher's capture clock (lipsync.c), so that audio and
 * video keep the distance they were captured at whatever each one's
 * delay on the way. */
static GstPadProbeReturn
on_jitter_output (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ShTrackWriter *w = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  guint8 header[12];
  gint64 at_ns;

  (void) pad;
  if (buffer == NULL || !GST_BUFFER_PTS_IS_VALID (buffer)
      || gst_buffer_extract (buffer, 0, header, sizeof header) != sizeof header)
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&w->sync_lock);
  at_ns = sh_lipsync_place (&w->sync,
                            (guint32) header[8] << 24 | (guint32) header[9] << 16
                                | (guint32) header[10] << 8 | header[11],
                            (guint32) header[4] << 24 | (guint32) header[5] << 16
                                | (guint32) header[6] << 8 | header[7],
                            (gint64) GST_BUFFER_PTS (buffer));
  g_mutex_unlock (&w->sync_lock);
  buffer = gst_buffer_make_writable (buffer);
  GST_BUFFER_PTS (buffer) = GST_BUFFER_DTS (buffer) = (GstClockTime) MAX (at_ns, 0);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

static gboolean
have_factory (const char *name)
{
  g_autoptr (GstElementFactory) factory = gst_element_factory_find (name);

  return factory != NULL;
}

/* Returns: (transfer none) the element, owned by @bin. */
static GstElement *
make (GstElement *bin, const char *factory, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);

  if (e == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "GStreamer element %s is missing (tools/setup.sh installs it)", factory);
    return NULL;
  }
  gst_bin_add (GST_BIN (bin), e);
  return e;
}

ShTrackWriter *
sh_track_writer_new (const char *codec, guint clock_rate, guint8 payload_type,
                     const char *location_pattern, guint64 fragment_ns,
                     const ShTrackWriterEvents *events, gpointer user_data, GError **error)
{
  const CodecInfo *info = codec_info (codec);
  g_autoptr (ShTrackWriter) w = NULL;
  GstElement *jitter, *depay, *parser = NULL, *splitmux, *last;
  GstStructure *mux_props, *sink_props;
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstPad) src_pad = NULL;
  g_autoptr (GstPad) jitter_pad = NULL;

  g_return_val_if_fail (location_pattern != NULL && events != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (info == NULL || clock_rate == 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "codec %s is not recorded",
                 codec ? codec : "(none)");
    return NULL;
  }
  gst_init (NULL, NULL);

  w = g_new0 (ShTrackWriter, 1);
  g_mutex_init (&w->lock);
  g_mutex_init (&w->sync_lock);
  sh_lipsync_init (&w->sync, clock_rate);
  w->opened_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->payload_type = payload_type;
  w->events = *events;
  w->user_data = user_data;
  w->keyframe_asked = g_str_equal (info->media, "video");
  w->pipeline = gst_pipeline_new (NULL);

  /* Each element goes into the pipeline as it is made: freeing the
   * writer then frees whatever was made. */
  if (!(w->src = make (w->pipeline, "appsrc", error))
      || !(jitter = make (w->pipeline, "rtpjitterbuffer", error))
      || !(depay = make (w->pipeline, info->depay, error))
      || (info->parser != NULL && !(parser = make (w->pipeline, info->parser, error)))
      || !(splitmux = make (w->pipeline, "splitmuxsink", error))) {
    w->src = NULL;
    return NULL;
  }
  if (!have_factory ("matroskamux") || !have_factory ("filesink")) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 "GStreamer's matroskamux or filesink is missing");
    w->src = NULL;
    return NULL;
  }
  gst_object_ref (w->src);

  caps
      = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, info->media, "clock-rate",
                             G_TYPE_INT, (int) clock_rate, "encoding-name", G_TYPE_STRING,
                             info->encoding_name, "payload", G_TYPE_INT, (int) payload_type, NULL);
  g_object_set (w->src, "caps", caps, "is-live", TRUE, "format", GST_FORMAT_TIME, "block", FALSE,
                "max-bytes", (guint64) MAX_QUEUED_BYTES, "leaky-type", 2 /* downstream */, NULL);
  g_object_set (jitter, "latency", JITTER_LATENCY_MS, NULL);
  set_if_exists (depay, "request-keyframe", TRUE);

  /* Crash safety: the muxer writes EBML masters with an unknown size
   * first and fixes them up when it can; clusters stay short; the file
   * sink does not hold data back in user space, so a SIGKILL loses only
   * what the pipeline had not yet pushed. Each fragment gets a muxer and
   * a sink of its own (async-finalize): with one shared pair, a closing
   * fragment's fix-ups (seeks back into its header) could land in the
   * next file when the sink had already moved on. */
  mux_props = gst_structure_new ("properties", "max-cluster-duration", G_TYPE_INT64,
                                 (gint64) CLUSTER_NS, "streamable", G_TYPE_BOOLEAN, TRUE, NULL);
  sink_props
      = gst_structure_new ("properties", "buffer-mode", G_TYPE_INT, 2 /* unbuffered */, NULL);
  g_object_set (splitmux, "location", location_pattern, "max-size-time", fragment_ns,
                "async-finalize", TRUE, "muxer-factory", "matroskamux", "muxer-properties",
                mux_props, "sink-factory", "filesink", "sink-properties", sink_props,
                "send-keyframe-requests", TRUE, NULL);
  gst_structure_free (mux_props);
  gst_structure_free (sink_props);

  last = parser != NULL ? parser : depay;
  if (!gst_element_link_many (w->src, jitter, depay, NULL)
      || (parser != NULL && !gst_element_link (depay, parser))
      || !gst_element_link_pads (last, "src", splitmux,
                                 g_str_equal (info->media, "audio") ? "audio_%u" : "video")) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot link the %s recorder", codec);
    return NULL;
  }

  src_pad = gst_element_get_static_pad (w->src, "src");
  gst_pad_add_probe (src_pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_upstream_event, w, NULL);
  jitter_pad = gst_element_get_static_pad (jitter, "src");
  gst_pad_add_probe (jitter_pad, GST_PAD_PROBE_TYPE_BUFFER, on_jitter_output, w, NULL);

  /* The pipeline's clock is the monotonic system clock, the same as
   * g_get_monotonic_time(): a packet's arrival is its running time once
   * the base time is the first packet's arrival. */
  g_autoptr (GstClock) clock = gst_system_clock_obtain ();
  g_object_set (clock, "clock-type", GST_CLOCK_TYPE_MONOTONIC, NULL);
  gst_pipeline_use_clock (GST_PIPELINE (w->pipeline), clock);
  gst_element_set_start_time (w->pipeline, GST_CLOCK_TIME_NONE);

  bus = gst_pipeline_get_bus (GST_PIPELINE (w->pipeline));
  gst_bus_set_sync_handler (bus, on_bus_message, w, NULL);
  return g_steal_pointer (&w);
}

gboolean
sh_track_writer_push (ShTrackWriter *w, const guint8 *packet, gsize len, gint64 arrival_us)
{
  GstBuffer *buffer;
  GstClockTime running;

  g_return_val_if_fail (w != NULL && packet != NULL, FALSE);

  if (len < 12 || (packet[1] & 0x7f) != w->payload_type || g_atomic_int_get (&w->finishing)) {
    w->dropped++;
    return FALSE;
  }
  if (!w->started) {
    w->started = TRUE;
    w->zero_us = arrival_us;
    gst_element_set_base_time (w->pipeline, (GstClockTime) arrival_us * GST_USECOND);
    if (gst_element_set_state (w->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      finish_once (w, "the recording pipeline did not start");
      g_atomic_int_set (&w->finishing, 1);
      w->dropped++;
      return FALSE;
    }
  }
  if (gst_app_src_get_current_level_bytes (GST_APP_SRC (w->src)) + len > MAX_QUEUED_BYTES) {
    w->dropped++;
    return FALSE;
  }
  running = arrival_us > w->zero_us ? (GstClockTime) (arrival_us - w->zero_us) * GST_USECOND : 0;
  buffer = gst_buffer_new_memdup (packet, len);
  GST_BUFFER_DTS (buffer) = running;
  if (gst_app_src_push_buffer (GST_APP_SRC (w->src), buffer) != GST_FLOW_OK) {
    w->dropped++;
    return FALSE;
  }
  return TRUE;
}

gboolean
sh_track_writer_take_keyframe_request (ShTrackWriter *w)
{
  g_return_val_if_fail (w != NULL, FALSE);
  return g_atomic_int_compare_and_exchange (&w->keyframe_asked, 1, 0);
}

gint64
sh_track_writer_get_zero_us (ShTrackWriter *w)
{
  g_return_val_if_fail (w != NULL, 0);
  return w->zero_us;
}

void
sh_track_writer_sender_report (ShTrackWriter *w, guint32 ssrc, guint64 ntp, guint32 rtp_timestamp)
{
  g_return_if_fail (w != NULL);
  g_mutex_lock (&w->sync_lock);
  sh_lipsync_report (&w->sync, ssrc, ntp, rtp_timestamp);
  g_mutex_unlock (&w->sync_lock);
}

gboolean
sh_track_writer_get_transit_ns (ShTrackWriter *w, gint64 *transit_ns)
{
  gboolean have;

  g_return_val_if_fail (w != NULL && transit_ns != NULL, FALSE);
  g_mutex_lock (&w->sync_lock);
  have = sh_lipsync_transit_ns (&w->sync, transit_ns);
  /* The jitter buffer's times count from the track's first packet. */
  if (have)
    *transit_ns += w->zero_us * 1000;
  g_mutex_unlock (&w->sync_lock);
  return have;
}

guint64
sh_track_writer_get_dropped (ShTrackWriter *w)
{
  g_return_val_if_fail (w != NULL, 0);
  return w->dropped;
}

void
sh_track_writer_finish (ShTrackWriter *w)
{
  g_return_if_fail (w != NULL);

  if (!g_atomic_int_compare_and_exchange (&w->finishing, 0, 1))
    return;
  if (!w->started)
    finish_once (w, NULL);
  else
    gst_app_src_end_of_stream (GST_APP_SRC (w->src));
}

void
sh_track_writer_free (ShTrackWriter *w)
{
  if (w == NULL)
    return;
  if (w->pipeline != NULL) {
    g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (w->pipeline));

    gst_element_set_state (w->pipeline, GST_STATE_NULL);
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    gst_object_unref (w->pipeline);
  }
  g_clear_object (&w->src);
  g_hash_table_unref (w->opened_at);
  g_mutex_clear (&w->lock);
  g_mutex_clear (&w->sync_lock);
  g_free (w);
}
