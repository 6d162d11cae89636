/* Tests for the composite render, on fixtures made here in the live
 * recording's format (splitmuxsink + matroskamux fragments, VP8 and Opus,
 * timestamps from 0 at each track's first sample), one of them cut short as
 * a SIGKILL leaves it. The outputs are checked with ffprobe and by decoding
 * them: a late joiner's first frame, a screen share in the main place, and
 * a member whose camera flashes white while their microphone beeps at the
 * same instants: flash and beep must stay within 40 ms in both files.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "sanhui-recorder.h"

#define MS (G_GINT64_CONSTANT (1000000))
#define S (1000 * MS)
#define FPS 25
#define FRAME_NS (S / FPS)
#define RATE 48000
#define FIX_W 320
#define FIX_H 180

typedef struct {
  guint8 y, u, v;
} Yuv;

static const Yuv BLACK = { 16, 128, 128 }, WHITE = { 235, 128, 128 }, RED = { 81, 90, 240 },
                 BLUE = { 41, 240, 110 }, YELLOW = { 210, 16, 146 };

/* ---- fixtures ---- */

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("sanhui-render-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);
    g_unlink (path);
  }
  g_rmdir (f->dir);
  g_free (f->dir);
}

typedef Yuv (*FrameColour) (guint index, gpointer data);
typedef gint16 (*SampleValue) (guint64 index, gpointer data);

static void
run_to_eos (GstElement *pipeline)
{
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg
      = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    gst_message_parse_error (msg, &error, NULL);
    g_error ("fixture pipeline: %s", error->message);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* Returns: (transfer full) the fragments written, in order. */
static GStrv
list_fragments (Fixture *f, const char *prefix)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  for (guint i = 0;; i++) {
    g_autofree char *name = g_strdup_printf ("%s-%05u.mkv", prefix, i);
    char *path = g_build_filename (f->dir, name, NULL);
    if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
      g_free (path);
      break;
    }
    g_ptr_array_add (paths, path);
  }
  g_assert_cmpuint (paths->len, >, 0);
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_steal (paths, NULL);
}

static GstElement *
fragment_sink (Fixture *f, const char *prefix, gint64 fragment_ns)
{
  g_autofree char *pattern = g_strdup_printf ("%s/%s-%%05d.mkv", f->dir, prefix);
  GstElement *sink = gst_element_factory_make ("splitmuxsink", NULL);
  g_object_set (sink, "location", pattern, "max-size-time", (guint64) fragment_ns, NULL);
  g_object_set (sink, "muxer", gst_element_factory_make ("matroskamux", NULL), NULL);
  return sink;
}

/* A camera (VP8) of @frames frames in fragments of @fragment_ns, its first
 * frame at @first_ns and the frames from @gap_at on @gap_ns later, as the
 * recorder writes a camera that waited for a keyframe and a sender that
 * stalled. */
static GStrv
make_camera_timed (Fixture *f, const char *prefix, guint frames, gint64 fragment_ns,
                   FrameColour colour, gpointer data, gint64 first_ns, guint gap_at, gint64 gap_ns)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstElement *enc = gst_element_factory_make ("vp8enc", NULL);
  GstElement *sink = fragment_sink (f, prefix, fragment_ns);
  g_autoptr (GstCaps) caps = gst_caps_new_simple (
      "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, FIX_W, "height",
      G_TYPE_INT, FIX_H, "framerate", GST_TYPE_FRACTION, FPS, 1, NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  g_object_set (enc, "deadline", (gint64) 1, "cpu-used", 16, "keyframe-max-dist", FPS, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, enc, sink, NULL);
  g_assert_true (gst_element_link_many (src, enc, sink, NULL));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  gsize luma = FIX_W * FIX_H, chroma = luma / 4;
  for (guint i = 0; i < frames; i++) {
    Yuv c = colour (i, data);
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, luma + 2 * chroma, NULL);
    GstMapInfo map;
    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    memset (map.data, c.y, luma);
    memset (map.data + luma, c.u, chroma);
    memset (map.data + luma + chroma, c.v, chroma);
    gst_buffer_unmap (buffer, &map);
    GST_BUFFER_PTS (buffer) = (GstClockTime) (first_ns + i * FRAME_NS + (i >= gap_at ? gap_ns : 0));
    GST_BUFFER_DURATION (buffer) = FRAME_NS;
    g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  run_to_eos (pipeline);
  return list_fragments (f, prefix);
}

static GStrv
make_camera (Fixture *f, const char *prefix, guint frames, gint64 fragment_ns, FrameColour colour,
             gpointer data)
{
  return make_camera_timed (f, prefix, frames, fragment_ns, colour, data, 0, G_MAXUINT, 0);
}

/* A microphone (Opus, mono) of @duration_ns. */
static GStrv
make_microphone (Fixture *f, const char *prefix, gint64 duration_ns, gint64 fragment_ns,
                 SampleValue value, gpointer data)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("appsrc", NULL);
  GstElement *enc = gst_element_factory_make ("opusenc", NULL);
  GstElement *sink = fragment_sink (f, prefix, fragment_ns);
  g_autoptr (GstCaps) caps = gst_caps_new_simple (
      "audio/x-raw", "format", G_TYPE_STRING, "S16LE", "layout", G_TYPE_STRING, "interleaved",
      "rate", G_TYPE_INT, RATE, "channels", G_TYPE_INT, 1, NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, enc, sink, NULL);
  g_assert_true (gst_element_link (src, enc));
  g_autoptr (GstPad) enc_src = gst_element_get_static_pad (enc, "src");
  GstPad *audio = gst_element_request_pad_simple (sink, "audio_%u");
  g_assert_cmpint (gst_pad_link (enc_src, audio), ==, GST_PAD_LINK_OK);
  gst_object_unref (audio);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  const guint per_buffer = RATE / 50;
  guint64 total = (guint64) duration_ns * RATE / S;
  for (guint64 start = 0; start < total; start += per_buffer) {
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, per_buffer * 2, NULL);
    GstMapInfo map;
    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    gint16 *samples = (gint16 *) map.data;
    for (guint i = 0; i < per_buffer; i++)
      samples[i] = value (start + i, data);
    gst_buffer_unmap (buffer, &map);
    GST_BUFFER_PTS (buffer) = start * S / RATE;
    GST_BUFFER_DURATION (buffer) = per_buffer * S / RATE;
    g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  run_to_eos (pipeline);
  return list_fragments (f, prefix);
}

/* As SIGKILL leaves a fragment: cut mid-way, no index, no duration. */
static void
truncate_last (GStrv fragments)
{
  guint n = g_strv_length (fragments);
  g_assert_cmpuint (n, >=, 2);
  GStatBuf st;
  g_assert_cmpint (g_stat (fragments[n - 1], &st), ==, 0);
  g_assert_cmpint (truncate (fragments[n - 1], st.st_size / 2), ==, 0);
}

static Yuv
solid (guint index, gpointer data)
{
  return *(const Yuv *) data;
}

static gint16
silence (guint64 index, gpointer data)
{
  return 0;
}

/* Beep-and-flash: white frames and a 1 kHz beep at the same meeting times,
 * given here in track time (the meeting time minus the track's offset). */
typedef struct {
  gint64 first_ns, every_ns, length_ns;
} Pulses;

static gboolean
in_pulse (const Pulses *p, gint64 t)
{
  return t >= p->first_ns && (t - p->first_ns) % p->every_ns < p->length_ns;
}

static Yuv
flash (guint index, gpointer data)
{
  return in_pulse (data, (gint64) index * FRAME_NS) ? WHITE : BLACK;
}

static gint16
beep (guint64 index, gpointer data)
{
  gint64 t = (gint64) (index * S / RATE);
  if (!in_pulse (data, t))
    return 0;
  return (gint16) (12000 * sin (2 * G_PI * 1000.0 * (double) index / RATE));
}

static ShRenderJob *
new_job (Fixture *f, gint64 duration_ns, gboolean webm, gboolean mp4)
{
  ShRenderJob *job = sh_render_job_new ();
  job->title = g_strdup ("第一党支部 支部委员会");
  job->start = g_date_time_new_from_iso8601 ("2026-12-07T07:00:00Z", NULL);
  job->duration_ns = duration_ns;
  if (webm)
    job->webm_path = g_build_filename (f->dir, "meeting.webm", NULL);
  if (mp4)
    job->mp4_path = g_build_filename (f->dir, "meeting.mp4", NULL);
  return job;
}

static void
render (const ShRenderJob *job)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (sh_render_run (job, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ---- checking the outputs ---- */

/* ffprobe's view: codec names of the streams, the video's size, the length. */
typedef struct {
  char *video_codec, *audio_codec;
  int width, height;
  double duration;
} Probe;

static void
probe_clear (Probe *p)
{
  g_free (p->video_codec);
  g_free (p->audio_codec);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Probe, probe_clear)

static void
ffprobe (const char *path, Probe *p)
{
  const char *argv[]
      = { "ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", path, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *streams = json_object_get_array_member (root, "streams");
  g_assert_cmpuint (json_array_get_length (streams), ==, 2);
  for (guint i = 0; i < 2; i++) {
    JsonObject *s = json_array_get_object_element (streams, i);
    const char *type = json_object_get_string_member (s, "codec_type");
    const char *codec = json_object_get_string_member (s, "codec_name");
    if (g_str_equal (type, "video")) {
      p->video_codec = g_strdup (codec);
      p->width = (int) json_object_get_int_member (s, "width");
      p->height = (int) json_object_get_int_member (s, "height");
    } else {
      p->audio_codec = g_strdup (codec);
    }
  }
  JsonObject *format = json_object_get_object_member (root, "format");
  p->duration = g_ascii_strtod (json_object_get_string_member (format, "duration"), NULL);
}

static void
assert_probe (const char *path, const char *video, const char *audio, gint64 duration_ns)
{
  g_auto (Probe) p = { 0 };
  ffprobe (path, &p);
  g_assert_cmpstr (p.video_codec, ==, video);
  g_assert_cmpstr (p.audio_codec, ==, audio);
  g_assert_cmpint (p.width, ==, 1280);
  g_assert_cmpint (p.height, ==, 720);
  g_assert_cmpfloat (fabs (p.duration - (double) duration_ns / S), <=, 1.0);
}

/* The index at the front: "moov" among the top-level boxes before "mdat". */
static void
assert_moov_first (const char *path)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  gsize at = 0;
  int moov = -1, mdat = -1, index = 0;
  while (at + 8 <= length) {
    const guint8 *box = (const guint8 *) data + at;
    guint32 size32;
    memcpy (&size32, box, 4);
    guint64 size = GUINT32_FROM_BE (size32);
    if (size == 1 && at + 16 <= length) {
      memcpy (&size, box + 8, 8);
      size = GUINT64_FROM_BE (size);
    }
    if (memcmp (box + 4, "moov", 4) == 0)
      moov = index;
    if (memcmp (box + 4, "mdat", 4) == 0 && mdat < 0)
      mdat = index;
    if (size < 8)
      break;
    at += size;
    index++;
  }
  g_assert_cmpint (moov, >=, 0);
  g_assert_cmpint (mdat, >, moov);
}

/* What is kept of each decoded frame: its time and a few measures. */
typedef struct {
  gint64 pts;
  double white, red, blue, dark; /* shares of the frame's pixels */
  guint8 probe[3];               /* the RGB at Decoded.probe_x/y */
} Frame;

typedef struct {
  GMutex lock;
  GArray *frames; /* of Frame */
  GArray *audio;  /* of gint16, mono 48 kHz, from audio_start */
  gint64 audio_start;
  int probe_x, probe_y;
} Decoded;

static GstFlowReturn
on_video (GstAppSink *sink, gpointer data)
{
  Decoded *d = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstStructure *s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  int w = 0, h = 0;
  gst_structure_get_int (s, "width", &w);
  gst_structure_get_int (s, "height", &h);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  Frame fr = { .pts = (gint64) GST_BUFFER_PTS (buffer) };
  guint white = 0, red = 0, blue = 0, dark = 0;
  for (int y = 0; y < h; y += 2)
    for (int x = 0; x < w; x += 2) {
      const guint8 *p = map.data + (gsize) (y * w + x) * 3;
      white += p[0] > 200 && p[1] > 200 && p[2] > 200;
      red += p[0] > 180 && p[1] < 80 && p[2] < 80;
      blue += p[0] < 80 && p[1] < 80 && p[2] > 180;
      dark += p[0] > 30 && p[0] < 60 && p[2] > 40 && p[2] < 70;
    }
  double n = (double) (w / 2) * (h / 2);
  fr.white = white / n;
  fr.red = red / n;
  fr.blue = blue / n;
  fr.dark = dark / n;
  memcpy (fr.probe, map.data + (gsize) (d->probe_y * w + d->probe_x) * 3, 3);
  gst_buffer_unmap (buffer, &map);
  g_mutex_lock (&d->lock);
  g_array_append_val (d->frames, fr);
  g_mutex_unlock (&d->lock);
  return GST_FLOW_OK;
}

static GstFlowReturn
on_audio (GstAppSink *sink, gpointer data)
{
  Decoded *d = data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_mutex_lock (&d->lock);
  if (d->audio->len == 0)
    d->audio_start = (gint64) GST_BUFFER_PTS (buffer);
  /* Place by timestamp, so that a gap in the file stays a gap here. */
  gsize at = (gsize) (((gint64) GST_BUFFER_PTS (buffer) - d->audio_start) * RATE / S);
  if (d->audio->len < at + map.size / 2)
    g_array_set_size (d->audio, at + map.size / 2);
  memcpy (&g_array_index (d->audio, gint16, at), map.data, map.size);
  g_mutex_unlock (&d->lock);
  gst_buffer_unmap (buffer, &map);
  return GST_FLOW_OK;
}

static void
on_pad (GstElement *decoder, GstPad *pad, gpointer data)
{
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (decoder));
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  gboolean video
      = g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), "video/");
  g_autoptr (GError) error = NULL;
  GstElement *bin = gst_parse_bin_from_description (
      video ? "videoconvert ! video/x-raw,format=RGB ! appsink name=sink sync=false"
            : "audioconvert ! audioresample ! "
              "audio/x-raw,format=S16LE,channels=1,rate=48000 ! appsink name=sink sync=false",
      TRUE, &error);
  g_assert_no_error (error);
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (bin), "sink");
  GstAppSinkCallbacks callbacks = { .new_sample = video ? on_video : on_audio };
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, data, NULL);
  gst_bin_add (GST_BIN (pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (bin, "sink");
  g_assert_cmpint (gst_pad_link (pad, sinkpad), ==, GST_PAD_LINK_OK);
  gst_object_unref (pipeline);
}

static void
decode (const char *path, Decoded *d)
{
  g_mutex_init (&d->lock);
  d->frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  d->audio = g_array_new (FALSE, TRUE, sizeof (gint16));
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *decoder = gst_element_factory_make ("decodebin", NULL);
  g_object_set (src, "location", path, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, decoder, NULL);
  g_assert_true (gst_element_link (src, decoder));
  g_signal_connect (decoder, "pad-added", G_CALLBACK (on_pad), d);
  run_to_eos (pipeline);
}

static void
decoded_clear (Decoded *d)
{
  g_array_unref (d->frames);
  g_array_unref (d->audio);
  g_mutex_clear (&d->lock);
}

static const Frame *
frame_at (const Decoded *d, gint64 t)
{
  for (guint i = 0; i < d->frames->len; i++) {
    const Frame *fr = &g_array_index (d->frames, Frame, i);
    if (fr->pts <= t && t < fr->pts + FRAME_NS)
      return fr;
  }
  g_error ("no frame at %" G_GINT64_FORMAT " ns", t);
}

/* Start times of the runs of frames where @measure is over @threshold. */
static GArray *
video_onsets (const Decoded *d, gsize offset, double threshold)
{
  GArray *onsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean was = FALSE;
  for (guint i = 0; i < d->frames->len; i++) {
    const Frame *fr = &g_array_index (d->frames, Frame, i);
    gboolean is = *(const double *) ((const char *) fr + offset) > threshold;
    if (is && !was)
      g_array_append_val (onsets, fr->pts);
    was = is;
  }
  return onsets;
}

/* Beep onsets: the first loud sample after at least 200 ms of quiet. */
static GArray *
beep_onsets (const Decoded *d)
{
  GArray *onsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 last_loud = -S;
  for (guint i = 0; i < d->audio->len; i++) {
    if (abs (g_array_index (d->audio, gint16, i)) < 3000)
      continue;
    gint64 t = d->audio_start + (gint64) i * S / RATE;
    if (t - last_loud > 200 * MS)
      g_array_append_val (onsets, t);
    last_loud = t;
  }
  return onsets;
}

/* ---- the tests ---- */

/* Meeting of 6 s: A (camera flashing, microphone beeping at meeting times
 * 1, 3, 5 s; the two tracks at different offsets), B a late joiner at 2 s
 * whose last fragment was cut by a kill, C heard only. */
#define MEETING (6 * S)
#define CAM_A_OFFSET (280 * MS)
#define MIC_A_OFFSET (120 * MS)
#define LATE_OFFSET (2 * S)

static void
test_meeting (Fixture *f, gconstpointer data)
{
  Pulses cam_pulses = { 1 * S - CAM_A_OFFSET, 2 * S, 2 * FRAME_NS };
  Pulses mic_pulses = { 1 * S - MIC_A_OFFSET, 2 * S, 80 * MS };
  g_auto (GStrv) cam_a = make_camera (f, "cam-a", (guint) ((MEETING - CAM_A_OFFSET) / FRAME_NS),
                                      2 * S, flash, &cam_pulses);
  g_auto (GStrv) mic_a
      = make_microphone (f, "mic-a", MEETING - MIC_A_OFFSET, 2 * S, beep, &mic_pulses);
  g_auto (GStrv) cam_b = make_camera (f, "cam-b", 3 * FPS, 1 * S, solid, (gpointer) &RED);
  g_auto (GStrv) mic_c = make_microphone (f, "mic-c", 5 * S, 2 * S, silence, NULL);
  truncate_last (cam_b);

  g_autoptr (ShRenderJob) job = new_job (f, MEETING, TRUE, TRUE);
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "张三", "a", CAM_A_OFFSET, -1,
                           (const char *const *) cam_a);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "张三", "a", MIC_A_OFFSET, -1,
                           (const char *const *) mic_a);
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "李四", "b", LATE_OFFSET, -1,
                           (const char *const *) cam_b);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "王五", "c", 500 * MS, -1,
                           (const char *const *) mic_c);
  render (job);

  assert_probe (job->webm_path, "vp8", "opus", MEETING);
  assert_probe (job->mp4_path, "h264", "aac", MEETING);
  assert_moov_first (job->mp4_path);

  const char *outputs[] = { job->webm_path, job->mp4_path };
  for (guint o = 0; o < G_N_ELEMENTS (outputs); o++) {
    Decoded d = { 0 };
    decode (outputs[o], &d);

    /* The late joiner: first seen at its offset, within a frame. */
    g_autoptr (GArray) red = video_onsets (&d, G_STRUCT_OFFSET (Frame, red), 0.02);
    g_assert_cmpuint (red->len, ==, 1);
    g_assert_cmpint (llabs (g_array_index (red, gint64, 0) - LATE_OFFSET), <=, FRAME_NS);

    /* Beep and flash: three of each, each pair within 40 ms, and at the
     * meeting times they were made for. */
    g_autoptr (GArray) flashes = video_onsets (&d, G_STRUCT_OFFSET (Frame, white), 0.05);
    g_autoptr (GArray) beeps = beep_onsets (&d);
    g_assert_cmpuint (flashes->len, ==, 3);
    g_assert_cmpuint (beeps->len, ==, 3);
    for (guint k = 0; k < 3; k++) {
      gint64 fl = g_array_index (flashes, gint64, k), be = g_array_index (beeps, gint64, k);
      gint64 expected = (1 + 2 * (gint64) k) * S;
      if (g_test_verbose ())
        g_test_message ("%s: flash %" G_GINT64_FORMAT " ms, beep %" G_GINT64_FORMAT " ms",
                        outputs[o], fl / MS, be / MS);
      g_assert_cmpint (llabs (fl - be), <=, 40 * MS);
      g_assert_cmpint (llabs (fl - expected), <=, 40 * MS);
      g_assert_cmpint (llabs (be - expected), <=, 40 * MS);
    }
    decoded_clear (&d);
  }
}

/* White at frames 0-1 and 50-51, black between. */
static Yuv
marked (guint index, gpointer data)
{
  return index % 50 < 2 ? WHITE : BLACK;
}

/* A track's own timestamps are kept: its first frame 0.5 s into the track
 * (the wait for a keyframe) and a 0.4 s stall between its second and third
 * fragments place the markers at offset + 0.5 s and offset + 2.9 s; playing
 * the fragments end to end from 0 would show them at 1.0 and 3.0 s. */
#define PLACED_OFFSET (1 * S)

static void
test_placement (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) cam
      = make_camera_timed (f, "cam", 75, 1 * S, marked, NULL, 500 * MS, 50, 400 * MS);
  g_assert_cmpuint (g_strv_length (cam), >=, 3);
  g_autoptr (ShRenderJob) job = new_job (f, 5 * S, TRUE, FALSE);
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "张三", "a", PLACED_OFFSET, -1,
                           (const char *const *) cam);
  render (job);
  assert_probe (job->webm_path, "vp8", "opus", 5 * S);

  Decoded d = { 0 };
  decode (job->webm_path, &d);
  g_autoptr (GArray) marks = video_onsets (&d, G_STRUCT_OFFSET (Frame, white), 0.3);
  g_assert_cmpuint (marks->len, ==, 2);
  const gint64 expected[] = { PLACED_OFFSET + 500 * MS, PLACED_OFFSET + 2900 * MS };
  for (guint k = 0; k < 2; k++) {
    gint64 t = g_array_index (marks, gint64, k);
    if (g_test_verbose ())
      g_test_message ("marker %u at %" G_GINT64_FORMAT " ms", k, t / MS);
    g_assert_cmpint (llabs (t - expected[k]), <=, FRAME_NS);
  }
  decoded_clear (&d);
}

static void
test_screen_share (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) cam = make_camera (f, "cam", 4 * FPS, 2 * S, solid, (gpointer) &BLUE);
  g_auto (GStrv) screen = make_camera (f, "screen", 2 * FPS, 2 * S, solid, (gpointer) &YELLOW);
  g_autoptr (ShRenderJob) job = new_job (f, 4 * S, FALSE, TRUE);
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "张三", "a", 0, -1, (const char *const *) cam);
  sh_render_job_add_track (job, SH_RENDER_SCREEN, "张三", "a", 1 * S, 3 * S,
                           (const char *const *) screen);
  render (job);
  assert_probe (job->mp4_path, "h264", "aac", 4 * S);

  /* The centre of the main area (below the title band, above the strip). */
  Decoded d = { .probe_x = 640, .probe_y = 300 };
  decode (job->mp4_path, &d);
  const Frame *before = frame_at (&d, 500 * MS);
  const Frame *during = frame_at (&d, 2 * S);
  const Frame *after = frame_at (&d, 3500 * MS);
  /* Alone, the camera fills the frame; the share pushes it into the strip. */
  g_assert_cmpint (before->probe[2], >, 180);
  g_assert_cmpint (before->probe[0], <, 80);
  g_assert_cmpfloat (before->blue, >, 0.5);
  g_assert_cmpint (during->probe[0], >, 180);
  g_assert_cmpint (during->probe[1], >, 180);
  g_assert_cmpint (during->probe[2], <, 80);
  g_assert_cmpfloat (during->blue, >, 0.01);
  g_assert_cmpfloat (during->blue, <, 0.1);
  g_assert_cmpint (after->probe[2], >, 180);
  g_assert_cmpfloat (after->blue, >, 0.5);
  decoded_clear (&d);
}

/* No camera at all: a still frame with the title and the names. */
static void
test_audio_only (Fixture *f, gconstpointer data)
{
  Pulses pulses = { 500 * MS, 1 * S, 100 * MS };
  g_auto (GStrv) mic_a = make_microphone (f, "mic-a", 3 * S, 2 * S, beep, &pulses);
  g_auto (GStrv) mic_b = make_microphone (f, "mic-b", 3 * S, 2 * S, silence, NULL);
  g_autoptr (ShRenderJob) job = new_job (f, 3 * S, TRUE, TRUE);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "张三", "a", 0, -1,
                           (const char *const *) mic_a);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "李四", "b", 0, -1,
                           (const char *const *) mic_b);
  render (job);
  assert_probe (job->webm_path, "vp8", "opus", 3 * S);
  assert_probe (job->mp4_path, "h264", "aac", 3 * S);

  Decoded d = { 0 };
  decode (job->mp4_path, &d);
  const Frame *fr = frame_at (&d, 1500 * MS);
  /* Two dark name tiles side by side; the names and title in white. */
  g_assert_cmpfloat (fr->dark, >, 0.3);
  g_assert_cmpfloat (fr->white, >, 0.001);
  g_autoptr (GArray) beeps = beep_onsets (&d);
  g_assert_cmpuint (beeps->len, ==, 3);
  decoded_clear (&d);
}

static void
record_progress (guint permille, gpointer data)
{
  g_array_append_val ((GArray *) data, permille);
}

static void
cancel_at_start (guint permille, gpointer data)
{
  if (permille == 0)
    g_cancellable_cancel (data);
}

/* Progress climbs to 1000; a cancelled render leaves neither a file under
 * the final name nor its temporary. */
static void
test_progress_and_cancel (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) cam = make_camera (f, "cam", 2 * FPS, 1 * S, solid, (gpointer) &BLUE);
  g_autoptr (ShRenderJob) job = new_job (f, 2 * S, TRUE, TRUE);
  sh_render_job_add_track (job, SH_RENDER_CAMERA, "张三", "a", 0, -1, (const char *const *) cam);

  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_assert_false (sh_render_run (job, cancel_at_start, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_autofree char *part = g_strconcat (job->mp4_path, ".part", NULL);
  g_assert_false (g_file_test (job->mp4_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));

  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  g_assert_true (sh_render_run (job, record_progress, seen, NULL, NULL));
  g_assert_cmpuint (seen->len, >=, 2);
  g_assert_cmpuint (g_array_index (seen, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (seen, guint, seen->len - 1), ==, 1000);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpuint (g_array_index (seen, guint, i), >=, g_array_index (seen, guint, i - 1));
  g_assert_true (g_file_test (job->mp4_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

/* The executable as the server runs it: progress lines, then status 0. */
static void
test_executable (Fixture *f, gconstpointer data)
{
  const char *root = g_getenv ("SANHUI_BUILD_ROOT");
  if (root == NULL) {
    g_test_skip ("SANHUI_BUILD_ROOT not set (run under meson test)");
    return;
  }
  g_auto (GStrv) mic = make_microphone (f, "mic", 2 * S, 1 * S, silence, NULL);
  g_autoptr (ShRenderJob) job = new_job (f, 2 * S, TRUE, FALSE);
  sh_render_job_add_track (job, SH_RENDER_MICROPHONE, "张三", "a", 0, -1,
                           (const char *const *) mic);
  g_autofree char *job_path = g_build_filename (f->dir, "job.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (sh_render_job_save (job, job_path, &error));

  g_autofree char *exe = g_build_filename (root, "recorder", "sanhui-render", NULL);
  const char *argv[] = { exe, job_path, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_str_has_prefix (out, "progress 0\n"));
  g_assert_true (g_str_has_suffix (out, "progress 1000\n"));
  g_assert_cmpstr (err, ==, "");
  assert_probe (job->webm_path, "vp8", "opus", 2 * S);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/render/meeting", Fixture, NULL, fixture_setup, test_meeting, fixture_teardown);
  g_test_add ("/render/placement", Fixture, NULL, fixture_setup, test_placement, fixture_teardown);
  g_test_add ("/render/screen-share", Fixture, NULL, fixture_setup, test_screen_share,
              fixture_teardown);
  g_test_add ("/render/audio-only", Fixture, NULL, fixture_setup, test_audio_only,
              fixture_teardown);
  g_test_add ("/render/progress-and-cancel", Fixture, NULL, fixture_setup, test_progress_and_cancel,
              fixture_teardown);
  g_test_add ("/render/executable", Fixture, NULL, fixture_setup, test_executable,
              fixture_teardown);
  return g_test_run ();
}
