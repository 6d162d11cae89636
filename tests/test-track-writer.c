/* Tests for one recorded track: real RTP made by GStreamer encoders and
 * payloaders, fed at its real pace, then the fragments probed and decoded
 * by ffprobe/ffmpeg.
 * SPDX-License-Identifier: Apache-2.0 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "track-writer.h"

#define FRAGMENT_NS (1 * GST_SECOND)

typedef struct {
  guint64 pts; /* the payloader's, made continuous across parts */
  GBytes *packet;
} Packet;

typedef struct {
  char *dir;
  GMutex lock;
  GCond cond;
  GPtrArray *fragments; /* char *, in the order closed */
  guint64 fragment_ns_total;
  gboolean finished;
  char *error_message;
} Fixture;

static void
packet_free (gpointer p)
{
  Packet *packet = p;
  g_bytes_unref (packet->packet);
  g_free (packet);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  (void) data;
  gst_init (NULL, NULL);
  f->dir = g_dir_make_tmp ("sanhui-track-writer-XXXXXX", &error);
  g_assert_no_error (error);
  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  f->fragments = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  (void) data;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (f->dir, name, NULL);
    if (g_getenv ("KEEP") == NULL)
      g_unlink (path);
  }
  if (g_getenv ("KEEP") == NULL)
    g_rmdir (f->dir);
  g_free (f->dir);
  g_ptr_array_unref (f->fragments);
  g_free (f->error_message);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
}

static void
on_fragment_closed (ShTrackWriter *w, const char *location, guint64 start_ns, guint64 end_ns,
                    gpointer user_data)
{
  Fixture *f = user_data;

  (void) w;
  g_mutex_lock (&f->lock);
  g_ptr_array_add (f->fragments, g_strdup (location));
  f->fragment_ns_total += end_ns - start_ns;
  g_mutex_unlock (&f->lock);
}

static void
on_finished (ShTrackWriter *w, const char *error_message, gpointer user_data)
{
  Fixture *f = user_data;

  (void) w;
  g_mutex_lock (&f->lock);
  f->finished = TRUE;
  f->error_message = g_strdup (error_message);
  g_cond_signal (&f->cond);
  g_mutex_unlock (&f->lock);
}

static const ShTrackWriterEvents events = { on_fragment_closed, on_finished };

/* Appends the RTP packets of @description (ending in an appsink named
 * "out") to @packets, their times after @offset_ns. Returns the end. */
static guint64
make_rtp (const char *description, GPtrArray *packets, guint64 offset_ns)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr (GstElement) sink = NULL;
  guint64 last = offset_ns;
  GstSample *sample;

  g_assert_no_error (error);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_object_set (sink, "sync", FALSE, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL) {
    GstBuffer *buffer = gst_sample_get_buffer (sample);
    GstMapInfo map;
    Packet *p = g_new0 (Packet, 1);

    g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
    p->packet = g_bytes_new (map.data, map.size);
    p->pts = offset_ns + GST_BUFFER_PTS (buffer);
    last = MAX (last, p->pts);
    gst_buffer_unmap (buffer, &map);
    g_ptr_array_add (packets, p);
    gst_sample_unref (sample);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return last;
}

/* Feeds @packets at their own pace (arrival = now), skipping every
 * @lose_every-th (0: none), with the packets of the [@stall_from,
 * @stall_to) second held back and then delivered at once (a loaded machine:
 * 0, 0 for none), then finishes and waits. */
static void
feed_stalled (Fixture *f, ShTrackWriter *w, GPtrArray *packets, guint lose_every,
              guint64 stall_from, guint64 stall_to)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < packets->len; i++) {
    Packet *p = packets->pdata[i];
    gint64 due = start + (gint64) (p->pts / 1000);
    gsize len;
    const guint8 *data = g_bytes_get_data (p->packet, &len);

    if (p->pts >= stall_from && p->pts < stall_to)
      due = start + (gint64) (stall_to / 1000);
    if (due > g_get_monotonic_time ())
      g_usleep ((gulong) (due - g_get_monotonic_time ()));
    if (lose_every != 0 && i % lose_every == lose_every - 1)
      continue;
    sh_track_writer_push (w, data, len, g_get_monotonic_time ());
  }
  sh_track_writer_finish (w);
  g_mutex_lock (&f->lock);
  while (!f->finished)
    g_cond_wait (&f->cond, &f->lock);
  g_mutex_unlock (&f->lock);
  g_assert_cmpstr (f->error_message, ==, NULL);
}

static void
feed (Fixture *f, ShTrackWriter *w, GPtrArray *packets, guint lose_every)
{
  feed_stalled (f, w, packets, lose_every, 0, 0);
}

/* Returns: (transfer full) ffprobe's output for @path. */
static char *
probe (const char *path, const char *entries)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[]
      = { "ffprobe", "-v", "error", "-show_entries", entries, "-of", "default=nw=1", path, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* Decodes @path whole; TRUE when ffmpeg reports no error. */
static gboolean
decodes (const char *path)
{
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { "ffmpeg", "-v", "error", "-i", path, "-f", "null", "-", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The span of @path's packets: the fragments are written append-only,
 * without a duration in their header. */
static double
probe_duration (const char *path)
{
  g_autofree char *out = probe (path, "packet=pts_time,duration_time");
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  double first = -1, end = 0, pts = 0;

  for (guint i = 0; lines[i] != NULL; i++) {
    if (g_str_has_prefix (lines[i], "pts_time=")) {
      pts = g_ascii_strtod (lines[i] + 9, NULL);
      if (first < 0 || pts < first)
        first = pts;
    } else if (g_str_has_prefix (lines[i], "duration_time=")) {
      end = MAX (end, pts + g_ascii_strtod (lines[i] + 14, NULL));
    }
  }
  g_assert_cmpfloat (first, >=, 0);
  return end - first;
}

static void
check_fragments (Fixture *f, double expect_s, const char *codec, gboolean two_sizes)
{
  double total = 0;
  gboolean small = FALSE, large = FALSE;

  g_assert_cmpuint (f->fragments->len, >=, 2);
  /* Every file was reported closed before the writer finished. */
  {
    g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
    guint files = 0;

    while (g_dir_read_name (dir) != NULL)
      files++;
    g_assert_cmpuint (files, ==, f->fragments->len);
  }
  for (guint i = 0; i < f->fragments->len; i++) {
    const char *path = f->fragments->pdata[i];
    g_autofree char *streams = probe (path, "stream=codec_name,width,height");

    g_assert_true (decodes (path));
    g_assert_nonnull (strstr (streams, codec));
    if (strstr (streams, "width=320") != NULL)
      small = TRUE;
    if (strstr (streams, "width=640") != NULL)
      large = TRUE;
    total += probe_duration (path);
  }
  if (two_sizes)
    g_assert_true (small && large);
  g_assert_cmpfloat (ABS (total - expect_s), <, 1.0);
  g_assert_cmpfloat (ABS ((double) f->fragment_ns_total / GST_SECOND - expect_s), <, 1.0);
}

static void
test_opus (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) packets = g_ptr_array_new_with_free_func (packet_free);
  g_autofree char *pattern = g_build_filename (f->dir, "track-1-%05d.mkv", NULL);
  g_autoptr (GError) error = NULL;
  guint64 end;

  (void) data;
  end = make_rtp ("audiotestsrc num-buffers=150 samplesperbuffer=960 ! audio/x-raw,rate=48000 "
                  "! opusenc ! rtpopuspay pt=111 ! appsink name=out",
                  packets, 0);
  g_autoptr (ShTrackWriter) w
      = sh_track_writer_new ("opus", 48000, 111, pattern, FRAGMENT_NS, &events, f, &error);
  g_assert_no_error (error);
  feed (f, w, packets, 0);
  g_assert_cmpuint (sh_track_writer_get_dropped (w), ==, 0);
  check_fragments (f, (double) end / GST_SECOND, "opus", FALSE);
}

/* A camera switch: a new SSRC, a new sequence and timestamp base and a
 * new resolution in the middle; and a packet in 40 lost. */
static void
test_vp8_switch_and_loss (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) packets = g_ptr_array_new_with_free_func (packet_free);
  g_autofree char *pattern = g_build_filename (f->dir, "track-2-%05d.mkv", NULL);
  g_autoptr (GError) error = NULL;
  guint64 end;

  (void) data;
  end = make_rtp ("videotestsrc num-buffers=45 ! video/x-raw,width=320,height=240,framerate=30/1 "
                  "! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ssrc=1111 "
                  "! appsink name=out",
                  packets, 0);
  end = make_rtp ("videotestsrc num-buffers=60 pattern=ball "
                  "! video/x-raw,width=640,height=480,framerate=30/1 "
                  "! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ssrc=2222 "
                  "! appsink name=out",
                  packets, end + GST_SECOND / 30);
  g_autoptr (ShTrackWriter) w
      = sh_track_writer_new ("VP8", 90000, 96, pattern, FRAGMENT_NS, &events, f, &error);
  g_assert_no_error (error);
  /* A video track asks for a keyframe as it starts. */
  g_assert_true (sh_track_writer_take_keyframe_request (w));
  g_assert_false (sh_track_writer_take_keyframe_request (w));
  feed (f, w, packets, 40);
  check_fragments (f, (double) end / GST_SECOND, "vp8", TRUE);
}

/* A loaded machine: a second of packets held back, then delivered in one
 * burst, twice. The recording goes on; the fragments decode. */
static void
test_vp8_stalls (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) packets = g_ptr_array_new_with_free_func (packet_free);
  g_autofree char *pattern = g_build_filename (f->dir, "track-4-%05d.mkv", NULL);
  g_autoptr (GError) error = NULL;

  (void) data;
  make_rtp ("videotestsrc num-buffers=120 ! video/x-raw,width=320,height=240,framerate=30/1 "
            "! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ! appsink name=out",
            packets, 0);
  g_autoptr (ShTrackWriter) w
      = sh_track_writer_new ("VP8", 90000, 96, pattern, FRAGMENT_NS, &events, f, &error);
  g_assert_no_error (error);
  feed_stalled (f, w, packets, 0, GST_SECOND / 2, 2 * GST_SECOND);
  g_assert_cmpuint (f->fragments->len, >=, 2);
  for (guint i = 0; i < f->fragments->len; i++)
    g_assert_true (decodes (f->fragments->pdata[i]));
}

/* Shifts the RTP timestamps of packets [@from, end) by @delta ticks and
 * rewrites their SSRC when @ssrc is not 0 (a publisher's encoder restart
 * or an SFU's rewriting that sends time backwards). */
static void
rewrite_rtp (GPtrArray *packets, guint from, gint64 delta, guint32 ssrc)
{
  for (guint i = from; i < packets->len; i++) {
    Packet *p = packets->pdata[i];
    gsize len = g_bytes_get_size (p->packet);
    guint8 *data;
    guint32 ts;

    g_assert_cmpuint (len, >=, 12);
    data = g_memdup2 (g_bytes_get_data (p->packet, NULL), len);
    ts = (guint32) data[4] << 24 | (guint32) data[5] << 16 | (guint32) data[6] << 8 | data[7];
    ts = (guint32) ((gint64) ts + delta);
    data[4] = ts >> 24, data[5] = ts >> 16, data[6] = ts >> 8, data[7] = ts;
    if (ssrc != 0)
      data[8] = ssrc >> 24, data[9] = ssrc >> 16, data[10] = ssrc >> 8, data[11] = ssrc;
    g_bytes_unref (p->packet);
    p->packet = g_bytes_new_take (data, len);
  }
}

/* Time going backwards on a loaded machine: the RTP timestamps jump back
 * by 700 ms in mid stream (an encoder restart: same SSRC, the sequence
 * going on) while the packets of a second and a half are held back and
 * then delivered at once, and later a new SSRC jumps back again. Buffers
 * leaving the jitter buffer then go backwards, which matroskamux refuses
 * ("Timestamping error on input streams", and the track's recording
 * ended there). The recording must go on to the end: no error, fragments
 * that decode. */
static void
test_opus_time_backwards (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) packets = g_ptr_array_new_with_free_func (packet_free);
  g_autofree char *pattern = g_build_filename (f->dir, "track-5-%05d.mkv", NULL);
  g_autoptr (GError) error = NULL;

  (void) data;
  make_rtp ("audiotestsrc num-buffers=200 samplesperbuffer=960 ! audio/x-raw,rate=48000 "
            "! opusenc ! rtpopuspay pt=111 ssrc=4242 ! appsink name=out",
            packets, 0);
  rewrite_rtp (packets, 60, -48000 * 7 / 10, 0);
  rewrite_rtp (packets, 150, -48000 * 7 / 10, 5353);
  g_autoptr (ShTrackWriter) w
      = sh_track_writer_new ("opus", 48000, 111, pattern, FRAGMENT_NS, &events, f, &error);
  g_assert_no_error (error);
  feed_stalled (f, w, packets, 0, GST_SECOND, 5 * GST_SECOND / 2);
  g_assert_cmpuint (f->fragments->len, >=, 2);
  for (guint i = 0; i < f->fragments->len; i++)
    g_assert_true (decodes (f->fragments->pdata[i]));
  /* The last second was written: the track did not stop at the jump. */
  g_assert_cmpuint (f->fragment_ns_total, >, 2 * GST_SECOND);
  /* Placed by capture time (lipsync.c), nothing reached the muxer going
   * back: the guard before it had nothing to drop. */
  g_assert_cmpuint (sh_track_writer_get_backward (w), ==, 0);
}

static void
test_foreign_payload_dropped (Fixture *f, gconstpointer data)
{
  g_autofree char *pattern = g_build_filename (f->dir, "track-3-%05d.mkv", NULL);
  g_autoptr (GError) error = NULL;
  guint8 packet[20] = { 0x80, 100 };

  (void) data;
  g_autoptr (ShTrackWriter) w
      = sh_track_writer_new ("H264", 90000, 102, pattern, FRAGMENT_NS, &events, f, &error);
  g_assert_no_error (error);
  g_assert_false (sh_track_writer_push (w, packet, sizeof packet, g_get_monotonic_time ()));
  g_assert_false (sh_track_writer_push (w, packet, 5, g_get_monotonic_time ()));
  g_assert_cmpuint (sh_track_writer_get_dropped (w), ==, 2);
  /* Never started: finishing is immediate and writes nothing. */
  sh_track_writer_finish (w);
  g_assert_true (f->finished);
  g_assert_cmpuint (f->fragments->len, ==, 0);

  g_assert_null (sh_track_writer_new ("G722", 8000, 9, pattern, FRAGMENT_NS, &events, f, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/track-writer/opus", Fixture, NULL, fixture_setup, test_opus, fixture_teardown);
  g_test_add ("/track-writer/vp8-switch-and-loss", Fixture, NULL, fixture_setup,
              test_vp8_switch_and_loss, fixture_teardown);
  g_test_add ("/track-writer/vp8-stalls", Fixture, NULL, fixture_setup, test_vp8_stalls,
              fixture_teardown);
  g_test_add ("/track-writer/opus-time-backwards", Fixture, NULL, fixture_setup,
              test_opus_time_backwards, fixture_teardown);
  g_test_add ("/track-writer/foreign-payload", Fixture, NULL, fixture_setup,
              test_foreign_payload_dropped, fixture_teardown);
  return g_test_run ();
}
