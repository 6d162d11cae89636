/* The composite render: every track of a recorded meeting decoded once,
 * placed at its offset on the meeting's clock, mixed, and encoded into WebM
 * and MP4 from the same decode.
 *
 *   fragments ─ decodebin ─ convert/scale ─ textoverlay(name) ─ queue ─┐ (offset)
 *   videotestsrc(dark) ─ textoverlay(name)  [member heard, not seen] ─────┤
 *   videotestsrc(black, alpha 0)  [sets the length] ──────────────────────┤
 *                                          compositor ─ textoverlay(title) ─ tee ─┬ vp8enc ─
 * webmmux └ x264enc ─ mp4mux fragments ─ decodebin ─ audioconvert/resample ─ queue ─┐ (offset)
 *   audiotestsrc(silence)  [sets the length] ────────────────┤
 *                                          audiomixer ─ tee ─┬ opusenc ─ webmmux
 *                                                            └ avenc_aac ─ mp4mux (faststart)
 *
 * Synchronisation: a track's decoded buffers keep their own timestamps (0 at
 * its first sample); the pad offset puts them at offset_ns on the meeting's
 * clock, and the mixers, in non-live mode, line everything up by running
 * time. Tile positions change on that same clock through control sources
 * on the compositor's pads (layout.c plans them).
 *
 * Runs on the calling thread's own main context (sh_render_run blocks);
 * GStreamer's streaming threads do the work.
 * SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <glib/gstdio.h>
#include <gst/controller/controller.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fragment-source.h"
#include "layout.h"
#include "sanhui-recorder.h"

#define FPS 25
#define TILE_H 360
#define AUDIO_RATE 48000
#define FONT "Noto Sans CJK SC"
#define AAC_PRIMING 1024

typedef struct {
  const ShRenderJob *job;
  GstElement *pipeline;
  GstElement *vmix, *amix;
  GMainLoop *loop;
  GError *error;
  gpointer video_pts; /* atomic: the PTS of the last frame out of the compositor */
  ShRenderProgressFunc progress;
  gpointer user_data;
  guint permille;
  guint base; /* the share of the progress the per-track files took */
} Render;

/* One input of the compositor and the interval it is shown for. */
typedef struct {
  GstPad *pad; /* borrowed from the compositor */
  ShLayoutItem item;
  const ShRenderTrack *track; /* a camera, a screen, or the microphone of a name tile */
  int width, height;          /* what its frames are scaled to before the compositor */
} Tile;

static GstElement *
make (Render *r, const char *factory, GError **error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  if (e == NULL) {
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                 "GStreamer element %s is not installed", factory);
    return NULL;
  }
  gst_bin_add (GST_BIN (r->pipeline), e);
  return e;
}

static GstElement *
make_caps (Render *r, const char *caps_string, GError **error)
{
  GstElement *e = make (r, "capsfilter", error);
  if (e != NULL) {
    g_autoptr (GstCaps) caps = gst_caps_from_string (caps_string);
    g_object_set (e, "caps", caps, NULL);
  }
  return e;
}

static gboolean
link_all (GError **error, GstElement *first, ...)
{
  va_list args;
  va_start (args, first);
  GstElement *prev = first, *next;
  while ((next = va_arg (args, GstElement *)) != NULL) {
    if (!gst_element_link (prev, next)) {
      va_end (args);
      g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE, "cannot link %s to %s",
                   GST_OBJECT_NAME (prev), GST_OBJECT_NAME (next));
      return FALSE;
    }
    prev = next;
  }
  va_end (args);
  return TRUE;
}

static gboolean
link_to_request_pad (GstElement *from, GstElement *mixer, GstPad **out, GError **error)
{
  GstPad *sink = gst_element_request_pad_simple (mixer, "sink_%u");
  g_autoptr (GstPad) src = gst_element_get_static_pad (from, "src");
  if (sink == NULL || gst_pad_link (src, sink) != GST_PAD_LINK_OK) {
    g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE, "cannot link to %s",
                 GST_OBJECT_NAME (mixer));
    return FALSE;
  }
  /* The mixer keeps the request pad; so does its parent bin. */
  if (out != NULL)
    *out = sink;
  gst_object_unref (sink);
  return TRUE;
}

static GstElement *
make_queue (Render *r, guint buffers, guint64 time_ns, GError **error)
{
  GstElement *q = make (r, "queue", error);
  if (q != NULL)
    g_object_set (q, "max-size-buffers", buffers, "max-size-bytes", 0, "max-size-time", time_ns,
                  NULL);
  return q;
}

/* Names in a font that follows the tile's height (16 px on a 640×360 tile)
 * but stays readable on the small tiles of a strip or a large grid. */
static GstElement *
make_name_overlay (Render *r, const char *text, gboolean centred, int tile_h, GError **error)
{
  GstElement *o = make (r, "textoverlay", error);
  if (o == NULL)
    return NULL;
  int size = centred ? CLAMP (tile_h * 28 / TILE_H, 10, 28) : CLAMP (tile_h * 16 / TILE_H, 9, 16);
  g_autofree char *font = g_strdup_printf ("%s %d", FONT, size);
  g_object_set (o, "text", text, "font-desc", font, "shaded-background", !centred, NULL);
  gst_util_set_object_arg (G_OBJECT (o), "valignment", centred ? "center" : "bottom");
  gst_util_set_object_arg (G_OBJECT (o), "halignment", centred ? "center" : "left");
  return o;
}

/* ---- inputs ---- */

static void
on_decoded_pad (GstElement *decoder, GstPad *pad, gpointer data)
{
  GstElement *next = data;
  g_autoptr (GstPad) sink = gst_element_get_static_pad (next, "sink");
  if (gst_pad_is_linked (sink))
    return;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *media = caps != NULL ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  g_autoptr (GstCaps) wanted = gst_pad_query_caps (sink, NULL);
  if (g_str_has_prefix (media, "video/")
      == g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (wanted, 0)), "video/"))
    gst_pad_link (pad, sink);
}

/* The fragments ! decodebin, decoded pad linked to @chain_head once known.
 * The fragments keep their timestamps (fragment-source.c): a camera's
 * first frame and a stalled sender's gaps stay where they were recorded. */
static gboolean
add_track_source (Render *r, const ShRenderTrack *track, GstElement *chain_head, GError **error)
{
  GstElement *src = sh_fragment_source_add (GST_BIN (r->pipeline),
                                            (const char *const *) track->fragments, error);
  GstElement *decoder = src != NULL ? make (r, "decodebin", error) : NULL;
  if (decoder == NULL || !link_all (error, src, decoder, NULL))
    return FALSE;
  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_decoded_pad), chain_head);
  return TRUE;
}

static gboolean
add_audio_track (Render *r, const ShRenderTrack *track, GError **error)
{
  GstElement *convert = make (r, "audioconvert", error);
  GstElement *resample = convert ? make (r, "audioresample", error) : NULL;
  GstElement *caps
      = resample ? make_caps (r, "audio/x-raw,format=S16LE,rate=48000,channels=2", error) : NULL;
  GstElement *queue = caps ? make_queue (r, 0, GST_SECOND, error) : NULL;
  GstPad *mixer_pad;
  if (queue == NULL || !link_all (error, convert, resample, caps, queue, NULL)
      || !link_to_request_pad (queue, r->amix, &mixer_pad, error))
    return FALSE;
  gst_pad_set_offset (mixer_pad, track->offset_ns);
  return add_track_source (r, track, convert, error);
}

/* Each frame is scaled once, on its track's own thread, to the size the
 * layout gives the tile for the longest time: the compositor then mostly
 * only places it, instead of scaling every input for every output frame
 * (and a 15 fps screen share 25 times a second). */
static gboolean
add_video_track (Render *r, Tile *tile, GError **error)
{
  const ShRenderTrack *track = tile->track;
  g_autofree char *caps_string
      = g_strdup_printf ("video/x-raw,format=I420,width=%d,height=%d,pixel-aspect-ratio=1/1",
                         tile->width, tile->height);
  GstElement *convert = make (r, "videoconvert", error);
  GstElement *scale = convert ? make (r, "videoscale", error) : NULL;
  GstElement *caps = scale ? make_caps (r, caps_string, error) : NULL;
  GstElement *name = caps ? make_name_overlay (r, track->name, FALSE, tile->height, error) : NULL;
  GstElement *queue = name ? make_queue (r, 4, 0, error) : NULL;
  if (queue == NULL)
    return FALSE;
  g_object_set (scale, "add-borders", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (scale), "method", "bilinear");
  if (!link_all (error, convert, scale, caps, name, queue, NULL)
      || !link_to_request_pad (queue, r->vmix, &tile->pad, error))
    return FALSE;
  gst_pad_set_offset (tile->pad, track->offset_ns);
  return add_track_source (r, track, convert, error);
}

static guint64
frames_for (gint64 duration_ns)
{
  return (guint64) gst_util_uint64_scale_ceil ((guint64) duration_ns, FPS, GST_SECOND);
}

/* A member heard but not seen gets a dark tile with their name while their
 * microphone lasts. */
static gboolean
add_name_tile (Render *r, Tile *tile, GError **error)
{
  GstElement *src = make (r, "videotestsrc", error);
  g_autofree char *caps_string = g_strdup_printf (
      "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1", tile->width, tile->height, FPS);
  GstElement *caps = src ? make_caps (r, caps_string, error) : NULL;
  GstElement *name
      = caps ? make_name_overlay (r, tile->track->name, TRUE, tile->height, error) : NULL;
  if (name == NULL)
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (src), "pattern", "solid-color");
  g_object_set (src, "foreground-color", 0xff2a2e35, "num-buffers",
                (gint) frames_for (r->job->duration_ns), NULL);
  return link_all (error, src, caps, name, NULL)
         && link_to_request_pad (name, r->vmix, &tile->pad, error);
}

static gboolean
publisher_has_camera (const ShRenderJob *job, const char *publisher)
{
  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *t = g_ptr_array_index (job->tracks, i);
    if (t->kind == SH_RENDER_CAMERA && g_str_equal (t->publisher, publisher))
      return TRUE;
  }
  return FALSE;
}

/* ---- layout over time ---- */

static GstControlSource *
bind (GstPad *pad, const char *property)
{
  GstControlSource *cs = gst_interpolation_control_source_new ();
  g_object_set (cs, "mode", GST_INTERPOLATION_MODE_NONE, NULL);
  gst_object_add_control_binding (
      GST_OBJECT (pad), gst_direct_control_binding_new_absolute (GST_OBJECT (pad), property, cs));
  return cs;
}

/* The tiles in the compositor's order (a camera or screen per video track,
 * a name tile per microphone of a member without a camera), each with its
 * usual size in @plan. Returns: (transfer full) of Tile, pads not yet set. */
static GArray *
plan_tiles (const ShRenderJob *job, GArray **plan)
{
  GArray *tiles = g_array_new (FALSE, FALSE, sizeof (Tile));
  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    ShTileKind kind = track->kind == SH_RENDER_SCREEN   ? SH_TILE_SCREEN
                      : track->kind == SH_RENDER_CAMERA ? SH_TILE_CAMERA
                                                        : SH_TILE_NAME;
    if (kind == SH_TILE_NAME && publisher_has_camera (job, track->publisher))
      continue;
    Tile tile = { .track = track,
                  .item = { .kind = kind,
                            .start_ns = track->offset_ns,
                            .end_ns = track->end_ns >= 0 ? track->end_ns : G_MAXINT64 } };
    g_array_append_val (tiles, tile);
  }
  int top = (int) job->height / 18;
  g_autofree ShLayoutItem *items = g_new0 (ShLayoutItem, MAX (tiles->len, 1));
  for (guint i = 0; i < tiles->len; i++)
    items[i] = g_array_index (tiles, Tile, i).item;
  *plan = sh_layout_plan (items, tiles->len, job->duration_ns, (int) job->width, (int) job->height,
                          top);
  for (guint i = 0; i < tiles->len; i++) {
    Tile *tile = &g_array_index (tiles, Tile, i);
    sh_layout_usual_size (*plan, job->duration_ns, i, &tile->width, &tile->height);
    if (tile->width == 0) { /* never shown: the smallest frames that still carry a name */
      tile->width = 64;
      tile->height = 36;
    }
  }
  return tiles;
}

static void
apply_layout (GArray *tiles, GArray *plan)
{
  for (guint i = 0; i < tiles->len; i++) {
    GstPad *pad = g_array_index (tiles, Tile, i).pad;
    gst_util_set_object_arg (G_OBJECT (pad), "sizing-policy", "keep-aspect-ratio");
    /* Scaling ten tiles every frame is the compositor's largest cost; the
     * default cubic filter buys nothing visible at tile sizes. */
    g_autoptr (GstStructure) config = gst_structure_new (
        "GstVideoConverter", GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD,
        GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_LINEAR,
        GST_VIDEO_CONVERTER_OPT_CHROMA_RESAMPLER_METHOD, GST_TYPE_VIDEO_RESAMPLER_METHOD,
        GST_VIDEO_RESAMPLER_METHOD_LINEAR, GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
        GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE, NULL);
    g_object_set (pad, "converter-config", config, NULL);
    const char *names[] = { "xpos", "ypos", "width", "height", "alpha" };
    GstTimedValueControlSource *cs[G_N_ELEMENTS (names)];
    for (guint p = 0; p < G_N_ELEMENTS (names); p++)
      cs[p] = GST_TIMED_VALUE_CONTROL_SOURCE (bind (pad, names[p]));
    for (guint s = 0; s < plan->len; s++) {
      const ShLayoutSegment *seg = &g_array_index (plan, ShLayoutSegment, s);
      const ShTileRect *rect = &seg->rects[i];
      GstClockTime at = (GstClockTime) seg->start_ns;
      /* Hidden tiles keep a real size: width 0 would mean "the input's". */
      gst_timed_value_control_source_set (cs[0], at, rect->x);
      gst_timed_value_control_source_set (cs[1], at, rect->y);
      gst_timed_value_control_source_set (cs[2], at, rect->width > 0 ? rect->width : 2);
      gst_timed_value_control_source_set (cs[3], at, rect->height > 0 ? rect->height : 2);
      gst_timed_value_control_source_set (cs[4], at, rect->width > 0 ? 1.0 : 0.0);
    }
    for (guint p = 0; p < G_N_ELEMENTS (names); p++)
      gst_object_unref (cs[p]);
  }
}

/* ---- outputs ---- */

static char *
title_text (const ShRenderJob *job)
{
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("Asia/Shanghai");
  if (zone == NULL) /* no tzdata: China has kept UTC+8 without summer time since 1991 */
    zone = g_time_zone_new_offset (8 * 3600);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (job->start, zone);
  g_autofree char *when = g_date_time_format (local, "%Y年%m月%d日 %H:%M");
  return g_strdup_printf ("%s  %s", job->title, when);
}

static GstPadProbeReturn
clip_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Render *r = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_PTS_IS_VALID (buffer)
      && GST_BUFFER_PTS (buffer) >= (GstClockTime) r->job->duration_ns)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
progress_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Render *r = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    g_atomic_pointer_set (&r->video_pts, GSIZE_TO_POINTER ((gsize) GST_BUFFER_PTS (buffer)));
  return GST_PAD_PROBE_OK;
}

static char *
part_path (const char *path)
{
  return g_strconcat (path, ".part", NULL);
}

/* The muxer and its file for one output; returns the muxer. */
static GstElement *
add_muxer (Render *r, const char *factory, const char *path, GError **error)
{
  GstElement *mux = make (r, factory, error);
  GstElement *sink = mux ? make (r, "filesink", error) : NULL;
  if (sink == NULL)
    return NULL;
  g_autofree char *part = part_path (path);
  g_object_set (sink, "location", part, NULL);
  if (!link_all (error, mux, sink, NULL))
    return NULL;
  return mux;
}

/* tee ! queue ! encoder [! parser] ! mux.
 * Audio queues hold seconds and video queues a few frames, so that neither
 * muxer can wait for audio that is stuck behind the other's full video queue. */
static gboolean
add_branch (Render *r, GstElement *tee, gboolean video, GstElement *encoder, GstElement *parser,
            GstElement *mux, GError **error)
{
  GstElement *queue
      = video ? make_queue (r, 8, 0, error) : make_queue (r, 0, 8 * GST_SECOND, error);
  GstElement *convert = queue && !video ? make (r, "audioconvert", error) : NULL;
  if (queue == NULL || (!video && convert == NULL))
    return FALSE;
  GstPad *tee_pad = gst_element_request_pad_simple (tee, "src_%u");
  g_autoptr (GstPad) queue_sink = gst_element_get_static_pad (queue, "sink");
  gboolean ok = gst_pad_link (tee_pad, queue_sink) == GST_PAD_LINK_OK;
  gst_object_unref (tee_pad);
  GstElement *last = parser != NULL ? parser : encoder;
  if (!ok
      || !(video ? link_all (error, queue, encoder, NULL)
                 : link_all (error, queue, convert, encoder, NULL))
      || (parser != NULL && !link_all (error, encoder, parser, NULL))
      || !gst_element_link (last, mux)) {
    if (error != NULL && *error == NULL)
      g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE, "cannot link %s to %s",
                   GST_OBJECT_NAME (last), GST_OBJECT_NAME (mux));
    return FALSE;
  }
  return TRUE;
}

static gboolean
add_outputs (Render *r, GstElement *vtee, GstElement *atee, GError **error)
{
  const ShRenderJob *job = r->job;
  if (job->webm_path != NULL) {
    GstElement *mux = add_muxer (r, "webmmux", job->webm_path, error);
    GstElement *venc = mux ? make (r, "vp8enc", error) : NULL;
    GstElement *aenc = venc ? make (r, "opusenc", error) : NULL;
    if (aenc == NULL)
      return FALSE;
    /* Realtime deadline at the fastest speed: TOOLCHAIN.md's figures. */
    g_object_set (venc, "deadline", (gint64) 1, "cpu-used", 16, "threads", 1, "lag-in-frames", 0,
                  "target-bitrate", 1500000, "keyframe-max-dist", 10 * FPS, "token-partitions", 2,
                  NULL);
    g_object_set (aenc, "bitrate", 64000, NULL);
    if (!add_branch (r, vtee, TRUE, venc, NULL, mux, error)
        || !add_branch (r, atee, FALSE, aenc, NULL, mux, error))
      return FALSE;
  }
  if (job->mp4_path != NULL) {
    GstElement *mux = add_muxer (r, "mp4mux", job->mp4_path, error);
    GstElement *venc = mux ? make (r, "x264enc", error) : NULL;
    GstElement *parse = venc ? make (r, "h264parse", error) : NULL;
    GstElement *aenc = parse ? make (r, "avenc_aac", error) : NULL;
    if (aenc == NULL)
      return FALSE;
    g_object_set (mux, "faststart", TRUE, NULL);
    gst_util_set_object_arg (G_OBJECT (venc), "speed-preset", "ultrafast");
    gst_util_set_object_arg (G_OBJECT (venc), "tune", "zerolatency");
    g_object_set (venc, "bitrate", 2000, "key-int-max", 10 * FPS, NULL);
    g_object_set (aenc, "bitrate", 96000, NULL);
    if (!add_branch (r, vtee, TRUE, venc, parse, mux, error)
        || !add_branch (r, atee, FALSE, aenc, NULL, mux, error))
      return FALSE;
    /* The AAC encoder starts with 1024 samples of priming that mp4mux's
     * edit list does not skip, so players would hear everything 21 ms late:
     * feed it that much early instead. */
    g_autoptr (GstPad) aac_in = gst_element_get_static_pad (aenc, "sink");
    g_autoptr (GstPad) aac_feed = gst_pad_get_peer (aac_in);
    gst_pad_set_offset (aac_feed,
                        -(gint64) gst_util_uint64_scale (AAC_PRIMING, GST_SECOND, AUDIO_RATE));
  }
  return TRUE;
}

/* ---- the pipeline ---- */

static gboolean
build (Render *r, GError **error)
{
  const ShRenderJob *job = r->job;
  r->pipeline = gst_pipeline_new ("render");
  r->vmix = make (r, "compositor", error);
  r->amix = r->vmix ? make (r, "audiomixer", error) : NULL;
  if (r->amix == NULL)
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (r->vmix), "background", "black");

  /* The length of the composite: a transparent video input and a silent
   * audio input that last exactly the meeting. */
  g_autofree char *base_caps
      = g_strdup_printf ("video/x-raw,format=I420,width=16,height=16,framerate=%d/1", FPS);
  GstElement *vbase = make (r, "videotestsrc", error);
  GstElement *vbase_caps = vbase ? make_caps (r, base_caps, error) : NULL;
  GstElement *abase = vbase_caps ? make (r, "audiotestsrc", error) : NULL;
  GstElement *abase_caps
      = abase ? make_caps (r, "audio/x-raw,format=S16LE,rate=48000,channels=2", error) : NULL;
  if (abase_caps == NULL)
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (vbase), "pattern", "black");
  g_object_set (vbase, "num-buffers", (gint) frames_for (job->duration_ns), NULL);
  gst_util_set_object_arg (G_OBJECT (abase), "wave", "silence");
  guint samples = AUDIO_RATE / 50;
  g_object_set (abase, "samplesperbuffer", (gint) samples, "num-buffers",
                (gint) gst_util_uint64_scale_ceil ((guint64) job->duration_ns, 50, GST_SECOND),
                NULL);
  GstPad *vbase_pad;
  if (!link_all (error, vbase, vbase_caps, NULL) || !link_all (error, abase, abase_caps, NULL)
      || !link_to_request_pad (vbase_caps, r->vmix, &vbase_pad, error)
      || !link_to_request_pad (abase_caps, r->amix, NULL, error))
    return FALSE;
  g_object_set (vbase_pad, "alpha", 0.0, NULL);

  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    if (track->kind == SH_RENDER_MICROPHONE && !add_audio_track (r, track, error))
      return FALSE;
  }
  g_autoptr (GArray) plan = NULL;
  g_autoptr (GArray) tiles = plan_tiles (job, &plan);
  for (guint i = 0; i < tiles->len; i++) {
    Tile *tile = &g_array_index (tiles, Tile, i);
    if (!(tile->item.kind == SH_TILE_NAME ? add_name_tile (r, tile, error)
                                          : add_video_track (r, tile, error)))
      return FALSE;
  }
  apply_layout (tiles, plan);

  g_autofree char *out_caps = g_strdup_printf (
      "video/x-raw,format=I420,width=%u,height=%u,framerate=%d/1,pixel-aspect-ratio=1/1",
      job->width, job->height, FPS);
  GstElement *vcaps = make_caps (r, out_caps, error);
  GstElement *title = vcaps ? make (r, "textoverlay", error) : NULL;
  GstElement *vtee = title ? make (r, "tee", error) : NULL;
  GstElement *acaps
      = vtee ? make_caps (r, "audio/x-raw,format=S16LE,rate=48000,channels=2", error) : NULL;
  GstElement *atee = acaps ? make (r, "tee", error) : NULL;
  if (atee == NULL)
    return FALSE;
  g_autofree char *text = title_text (job);
  g_autofree char *font = g_strdup_printf ("%s Bold %u", FONT, MAX (job->height / 48, 8));
  g_object_set (title, "text", text, "font-desc", font, "shaded-background", TRUE, "auto-resize",
                FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (title), "valignment", "top");
  gst_util_set_object_arg (G_OBJECT (title), "halignment", "left");
  if (!link_all (error, r->vmix, vcaps, title, vtee, NULL)
      || !link_all (error, r->amix, acaps, atee, NULL))
    return FALSE;

  g_autoptr (GstPad) vout = gst_element_get_static_pad (vcaps, "src");
  g_autoptr (GstPad) aout = gst_element_get_static_pad (acaps, "src");
  gst_pad_add_probe (vout, GST_PAD_PROBE_TYPE_BUFFER, clip_probe, r, NULL);
  gst_pad_add_probe (aout, GST_PAD_PROBE_TYPE_BUFFER, clip_probe, r, NULL);
  g_autoptr (GstPad) tee_in = gst_element_get_static_pad (vtee, "sink");
  gst_pad_add_probe (tee_in, GST_PAD_PROBE_TYPE_BUFFER, progress_probe, r, NULL);
  return add_outputs (r, vtee, atee, error);
}

static gboolean
on_bus (GstBus *bus, GstMessage *message, gpointer data)
{
  Render *r = data;
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR: {
      g_autoptr (GError) err = NULL;
      g_autofree char *debug = NULL;
      gst_message_parse_error (message, &err, &debug);
      if (r->error == NULL)
        r->error = g_error_new (SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE, "%s: %s",
                                GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), err->message);
      g_main_loop_quit (r->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_main_loop_quit (r->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer data)
{
  Render *r = data;
  gint64 pts = (gint64) GPOINTER_TO_SIZE (g_atomic_pointer_get (&r->video_pts));
  guint permille
      = r->base + (guint) MIN (999 - r->base, pts * (1000 - r->base) / r->job->duration_ns);
  if (permille != r->permille && r->progress != NULL)
    r->progress (permille, r->user_data);
  r->permille = permille;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer data)
{
  Render *r = data;
  if (r->error == NULL)
    r->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "render cancelled");
  g_main_loop_quit (r->loop);
  return G_SOURCE_REMOVE;
}

static void
remove_parts (const ShRenderJob *job)
{
  const char *outputs[] = { job->webm_path, job->mp4_path };
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    if (outputs[i] != NULL) {
      g_autofree char *part = part_path (outputs[i]);
      g_unlink (part);
    }
}

static gboolean
publish_parts (const ShRenderJob *job, GError **error)
{
  const char *outputs[] = { job->webm_path, job->mp4_path };
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++) {
    if (outputs[i] == NULL)
      continue;
    g_autofree char *part = part_path (outputs[i]);
    if (g_rename (part, outputs[i]) != 0) {
      int saved = errno;
      g_set_error (error, SH_RENDER_ERROR, SH_RENDER_ERROR_IO, "%s: %s", outputs[i],
                   g_strerror (saved));
      return FALSE;
    }
  }
  return TRUE;
}

/* The per-track files go first: remuxing is quick next to the composite,
 * and they are what an inspector needs if the composite fails. Returns the
 * share of the progress they were given. */
#define JOIN_SHARE 50

static gboolean
join_tracks (const ShRenderJob *job, ShRenderProgressFunc progress, gpointer user_data,
             GCancellable *cancellable, guint *share, GError **error)
{
  guint n = 0, done = 0;
  for (guint i = 0; i < job->tracks->len; i++)
    n += ((const ShRenderTrack *) g_ptr_array_index (job->tracks, i))->joined_path != NULL;
  *share = n > 0 ? JOIN_SHARE : 0;
  for (guint i = 0; i < job->tracks->len; i++) {
    const ShRenderTrack *track = g_ptr_array_index (job->tracks, i);
    if (track->joined_path == NULL)
      continue;
    if (!sh_recorder_join_track ((const char *const *) track->fragments, track->joined_path,
                                 cancellable, error))
      return FALSE;
    if (progress != NULL)
      progress (++done * JOIN_SHARE / n, user_data);
  }
  return TRUE;
}

gboolean
sh_render_run (const ShRenderJob *job, ShRenderProgressFunc progress, gpointer user_data,
               GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (job != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!sh_render_job_validate (job, error))
    return FALSE;

  if (progress != NULL)
    progress (0, user_data);
  guint base;
  if (!join_tracks (job, progress, user_data, cancellable, &base, error))
    return FALSE;

  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  Render r = {
    .job = job, .progress = progress, .user_data = user_data, .base = base, .permille = base
  };
  r.loop = g_main_loop_new (context, FALSE);

  gboolean ok = build (&r, &r.error);
  if (ok) {
    g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (r.pipeline));
    g_autoptr (GSource) bus_source = gst_bus_create_watch (bus);
    g_source_set_callback (bus_source, (GSourceFunc) (GCallback) on_bus, &r, NULL);
    g_source_attach (bus_source, context);
    g_autoptr (GSource) tick = g_timeout_source_new (250);
    g_source_set_callback (tick, on_tick, &r, NULL);
    g_source_attach (tick, context);
    g_autoptr (GSource) cancel = NULL;
    if (cancellable != NULL) {
      cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel, (GSourceFunc) (GCallback) on_cancelled, &r, NULL);
      g_source_attach (cancel, context);
    }
    if (gst_element_set_state (r.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      if (r.error == NULL)
        r.error = g_error_new_literal (SH_RENDER_ERROR, SH_RENDER_ERROR_PIPELINE,
                                       "the render pipeline did not start");
    } else {
      g_main_loop_run (r.loop);
    }
    gst_element_set_state (r.pipeline, GST_STATE_NULL);
    g_source_destroy (bus_source);
    g_source_destroy (tick);
    if (cancel != NULL)
      g_source_destroy (cancel);
    ok = r.error == NULL;
  }
  if (r.pipeline != NULL)
    gst_object_unref (r.pipeline);
  g_main_loop_unref (r.loop);
  g_main_context_pop_thread_default (context);

  if (ok)
    ok = publish_parts (job, &r.error);
  if (!ok) {
    remove_parts (job);
    g_propagate_error (error, r.error);
    return FALSE;
  }
  if (progress != NULL)
    progress (1000, user_data);
  return TRUE;
}
