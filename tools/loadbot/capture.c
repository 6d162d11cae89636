/* capture: encodes a test picture (VP8, 640x360, about 500 kbit/s, a
 * keyframe every 2 s) and a tone (Opus) once with GStreamer, packetises
 * them into RTP and keeps the packets in a file the load bots replay
 * without encoding anything (format in loadbot.h).
 *
 * Usage: capture OUTPUT [SECONDS]   (10 s by default)
 * SPDX-License-Identifier: Apache-2.0 */
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#include "loadbot.h"

typedef struct {
  gint64 at_us;
  guint seq; /* arrival order: ties keep it */
  GBytes *rtp;
} Record;

typedef struct {
  GMutex lock;
  GArray *records; /* Record */
} Collected;

static GstFlowReturn
on_sample (GstAppSink *sink, gpointer user_data)
{
  Collected *c = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  Record r = { 0 };

  if (!buffer || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_ERROR;
  r.at_us = GST_BUFFER_PTS_IS_VALID (buffer) ? (gint64) (GST_BUFFER_PTS (buffer) / 1000) : 0;
  r.rtp = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  g_mutex_lock (&c->lock);
  r.seq = c->records->len;
  g_array_append_val (c->records, r);
  g_mutex_unlock (&c->lock);
  return GST_FLOW_OK;
}

static gint
by_time (gconstpointer a, gconstpointer b)
{
  const Record *x = a, *y = b;

  if (x->at_us != y->at_us)
    return x->at_us < y->at_us ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
put_u32 (guint8 *out, guint32 v)
{
  for (int i = 0; i < 4; i++)
    out[i] = (guint8) (v >> (8 * i));
}

static void
put_u64 (guint8 *out, guint64 v)
{
  for (int i = 0; i < 8; i++)
    out[i] = (guint8) (v >> (8 * i));
}

static gboolean
write_file (const char *path, GArray *records, gint64 duration_us, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 header[LOADBOT_CAPTURE_HEADER];
  guint8 head[LOADBOT_RECORD_HEADER];

  memcpy (header, LOADBOT_CAPTURE_MAGIC, 8);
  put_u64 (header + 8, (guint64) duration_us);
  g_byte_array_append (out, header, sizeof header);
  for (guint i = 0; i < records->len; i++) {
    Record *r = &g_array_index (records, Record, i);
    gsize n;
    const guint8 *data = g_bytes_get_data (r->rtp, &n);

    put_u32 (head, (guint32) n);
    put_u64 (head + 4, (guint64) r->at_us);
    g_byte_array_append (out, head, sizeof head);
    g_byte_array_append (out, data, (guint) n);
  }
  return g_file_set_contents (path, (const char *) out->data, out->len, error);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  g_autofree char *description = NULL;
  Collected collected = { .records = g_array_new (FALSE, TRUE, sizeof (Record)) };
  GstAppSinkCallbacks callbacks = { .new_sample = on_sample };
  guint64 seconds = 10;
  guint video = 0, audio = 0;

  gst_init (&argc, &argv);
  if (argc < 2 || argc > 3
      || (argc == 3 && !g_ascii_string_to_unsigned (argv[2], 10, 1, 60, &seconds, NULL))) {
    fprintf (stderr, "usage: %s OUTPUT [SECONDS 1-60]\n", argv[0]);
    return 2;
  }
  g_mutex_init (&collected.lock);
  /* 30 frames/s and 20 ms Opus frames; the payloaders' payload types are
   * the server's own (VP8 96, Opus 111); the bots rewrite them anyway. */
  description = g_strdup_printf (
      "videotestsrc num-buffers=%u pattern=smpte horizontal-speed=4 ! "
      "video/x-raw,width=640,height=360,framerate=30/1 ! "
      "vp8enc target-bitrate=500000 end-usage=cbr keyframe-max-dist=60 deadline=1 cpu-used=4 ! "
      "rtpvp8pay pt=96 mtu=1200 picture-id-mode=15-bit ! appsink name=video sync=false "
      "audiotestsrc num-buffers=%u samplesperbuffer=960 wave=sine freq=440 volume=0.3 ! "
      "audio/x-raw,rate=48000,channels=2 ! opusenc bitrate=32000 frame-size=20 ! "
      "rtpopuspay pt=111 ! appsink name=audio sync=false",
      (guint) (seconds * 30), (guint) (seconds * 50));
  pipeline = gst_parse_launch (description, &error);
  if (!pipeline) {
    fprintf (stderr, "capture: %s\n", error->message);
    return 1;
  }
  for (int i = 0; i < 2; i++) {
    g_autoptr (GstElement) sink
        = gst_bin_get_by_name (GST_BIN (pipeline), i == 0 ? "video" : "audio");
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &collected, NULL);
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!message || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS) {
    g_autoptr (GError) gst_error = NULL;
    if (message)
      gst_message_parse_error (message, &gst_error, NULL);
    fprintf (stderr, "capture: the pipeline failed: %s\n",
             gst_error ? gst_error->message : "timed out");
    return 1;
  }
  g_array_sort (collected.records, by_time);
  for (guint i = 0; i < collected.records->len; i++) {
    gsize n;
    const guint8 *rtp = g_bytes_get_data (g_array_index (collected.records, Record, i).rtp, &n);
    if (n > 1 && (rtp[1] & 0x7f) == 96)
      video++;
    else
      audio++;
  }
  if (!write_file (argv[1], collected.records, (gint64) seconds * G_USEC_PER_SEC, &error)) {
    fprintf (stderr, "capture: %s\n", error->message);
    return 1;
  }
  printf ("capture: %s: %u video and %u audio packets, %" G_GUINT64_FORMAT " s\n", argv[1], video,
          audio, seconds);
  for (guint i = 0; i < collected.records->len; i++)
    g_bytes_unref (g_array_index (collected.records, Record, i).rtp);
  g_array_unref (collected.records);
  g_mutex_clear (&collected.lock);
  return 0;
}
