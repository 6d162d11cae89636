/* SPDX-License-Identifier: Apache-2.0 */
#include "pattern-source.h"

#include <gio/gio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#define DEFAULT_MTU 1200

struct _ShPatternSource {
  GMainContext *context; /* owned reference */
  GstElement *pipeline;
  GstElement *video_encoder; /* borrowed from the pipeline */
  ShPatternSourcePacketFunc func;
  gpointer user_data;
  /* Set when freeing starts: packets already on their way to the context
   * are dropped. Shared with those queued packets through a reference. */
  gint *alive;
};

typedef struct {
  gint *alive; /* a reference on the source's flag */
  ShPatternSource *source;
  GBytes *rtp;
  gboolean is_video;
} QueuedPacket;

static void
queued_packet_free (gpointer data)
{
  QueuedPacket *p = data;

  g_atomic_rc_box_release (p->alive);
  g_bytes_unref (p->rtp);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  QueuedPacket *p = data;
  gsize len;
  const guint8 *rtp = g_bytes_get_data (p->rtp, &len);

  if (g_atomic_int_get (p->alive))
    p->source->func (rtp, len, p->is_video, p->source->user_data);
  return G_SOURCE_REMOVE;
}

/* On a GStreamer streaming thread: hand the packet to the context. */
static GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  ShPatternSource *source = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  QueuedPacket *p;

  if (!buffer || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  p = g_new0 (QueuedPacket, 1);
  p->alive = g_atomic_rc_box_acquire (source->alive);
  p->source = source;
  p->rtp = g_bytes_new (map.data, map.size);
  p->is_video = g_strcmp0 (GST_OBJECT_NAME (sink), "video_sink") == 0;
  gst_buffer_unmap (buffer, &map);
  g_main_context_invoke_full (source->context, G_PRIORITY_DEFAULT, deliver, p, queued_packet_free);
  return GST_FLOW_OK;
}

static void
init_gstreamer_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gst_init (NULL, NULL);
    g_once_init_leave (&done, 1);
  }
}

static char *
pipeline_description (const ShPatternSourceConfig *c)
{
  GString *d = g_string_new (NULL);
  guint mtu = c->mtu ? c->mtu : DEFAULT_MTU;

  if (c->video_pt)
    g_string_append_printf (
        d,
        "videotestsrc is-live=true pattern=ball motion=sweep background-color=0xff1f4e9c "
        "! video/x-raw,width=640,height=360,framerate=30/1 "
        "! videoconvert ! vp8enc name=venc deadline=1 cpu-used=8 target-bitrate=600000 "
        "keyframe-max-dist=90 error-resilient=partitions "
        "! rtpvp8pay pt=%u ssrc=%u mtu=%u picture-id-mode=15-bit "
        "! appsink name=video_sink sync=false emit-signals=false max-buffers=200 drop=true ",
        c->video_pt, c->video_ssrc, mtu);
  if (c->audio_pt)
    g_string_append_printf (
        d,
        "audiotestsrc is-live=true wave=sine freq=440 volume=0.2 "
        "! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 "
        "! opusenc bitrate=32000 frame-size=20 ! rtpopuspay pt=%u ssrc=%u mtu=%u "
        "! appsink name=audio_sink sync=false emit-signals=false max-buffers=200 drop=true ",
        c->audio_pt, c->audio_ssrc, mtu);
  return g_string_free (d, FALSE);
}

static void
connect_sink (ShPatternSource *source, const char *name)
{
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (source->pipeline), name);
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };

  if (sink)
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, source, NULL);
}

ShPatternSource *
sh_pattern_source_new (GMainContext *context, const ShPatternSourceConfig *config,
                       ShPatternSourcePacketFunc func, gpointer user_data, GError **error)
{
  g_autoptr (ShPatternSource) source = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (config != NULL && func != NULL, NULL);
  g_return_val_if_fail (config->video_pt || config->audio_pt, NULL);
  init_gstreamer_once ();
  source = g_new0 (ShPatternSource, 1);
  source->context = g_main_context_ref (context ? context : g_main_context_default ());
  source->func = func;
  source->user_data = user_data;
  source->alive = g_atomic_rc_box_new (gint);
  *source->alive = 1;
  description = pipeline_description (config);
  source->pipeline = gst_parse_launch (description, error);
  if (!source->pipeline)
    return NULL;
  source->video_encoder = gst_bin_get_by_name (GST_BIN (source->pipeline), "venc");
  if (source->video_encoder)
    gst_object_unref (source->video_encoder); /* the pipeline keeps it alive */
  connect_sink (source, "video_sink");
  connect_sink (source, "audio_sink");
  if (gst_element_set_state (source->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "the test picture and tone pipeline did not start");
    return NULL;
  }
  return g_steal_pointer (&source);
}

void
sh_pattern_source_request_keyframe (ShPatternSource *source)
{
  GstEvent *event;

  if (!source->video_encoder)
    return;
  event = gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0);
  gst_element_send_event (source->video_encoder, event);
}

void
sh_pattern_source_free (ShPatternSource *source)
{
  if (!source)
    return;
  g_atomic_int_set (source->alive, 0);
  if (source->pipeline) {
    gst_element_set_state (source->pipeline, GST_STATE_NULL);
    gst_object_unref (source->pipeline);
  }
  g_atomic_rc_box_release (source->alive);
  g_main_context_unref (source->context);
  g_free (source);
}
