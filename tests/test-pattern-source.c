/* The test picture and tone: real GStreamer encoders, RTP with the asked
 * payload types and SSRCs, delivered on the given context.
 * SPDX-License-Identifier: Apache-2.0 */
#include "pattern-source.h"
#include "rtp.h"

#define WAIT_S 20

typedef struct {
  GMainContext *context;
  guint video, audio, keyframes, wrong_thread;
  guint video_bad, audio_bad;
  GThread *expected_thread;
} Counts;

static gboolean
vp8_keyframe_start (const guint8 *rtp, gsize len)
{
  ShRtpView view;

  return sh_rtp_parse (&view, rtp, len) == SH_RTP_OK && sh_rtp_is_keyframe (&view, "VP8");
}

static void
on_packet (const guint8 *rtp, gsize len, gboolean is_video, gpointer user_data)
{
  Counts *c = user_data;
  guint pt = len >= 12 ? rtp[1] & 0x7f : 0;
  guint32 ssrc = len >= 12 ? (guint32) rtp[8] << 24 | rtp[9] << 16 | rtp[10] << 8 | rtp[11] : 0;

  if (g_thread_self () != c->expected_thread)
    c->wrong_thread++;
  if (is_video) {
    c->video++;
    if (pt != 96 || ssrc != 0x11223344 || (rtp[0] >> 6) != 2)
      c->video_bad++;
    if (vp8_keyframe_start (rtp, len))
      c->keyframes++;
  } else {
    c->audio++;
    if (pt != 111 || ssrc != 0x55667788)
      c->audio_bad++;
  }
}

static gboolean
timed_out (gpointer user_data)
{
  g_error ("no test picture or tone within %d s", WAIT_S);
  return G_SOURCE_REMOVE;
}

static void
test_packets (void)
{
  ShPatternSourceConfig config
      = { .video_pt = 96, .video_ssrc = 0x11223344, .audio_pt = 111, .audio_ssrc = 0x55667788 };
  Counts c = { .expected_thread = g_thread_self () };
  g_autoptr (GError) error = NULL;
  ShPatternSource *source = sh_pattern_source_new (NULL, &config, on_packet, &c, &error);
  guint timeout, keyframes_before;

  g_assert_no_error (error);
  timeout = g_timeout_add_seconds (WAIT_S, timed_out, NULL);
  while (c.video < 60 || c.audio < 50)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.video_bad, ==, 0);
  g_assert_cmpuint (c.audio_bad, ==, 0);
  g_assert_cmpuint (c.wrong_thread, ==, 0);
  g_assert_cmpuint (c.keyframes, >=, 1);
  /* A keyframe on request, long before the encoder's own interval. */
  keyframes_before = c.keyframes;
  sh_pattern_source_request_keyframe (source);
  while (c.keyframes == keyframes_before)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  sh_pattern_source_free (source);
  /* Packets already queued are dropped after free. */
  {
    guint after = c.video + c.audio;
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpuint (c.video + c.audio, ==, after);
  }
}

static void
test_audio_only (void)
{
  ShPatternSourceConfig config = { .audio_pt = 111, .audio_ssrc = 0x55667788 };
  Counts c = { .expected_thread = g_thread_self () };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShPatternSource) source = sh_pattern_source_new (NULL, &config, on_packet, &c, &error);
  guint timeout = g_timeout_add_seconds (WAIT_S, timed_out, NULL);

  g_assert_no_error (error);
  while (c.audio < 25)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_assert_cmpuint (c.video, ==, 0);
  g_assert_cmpuint (c.audio_bad, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pattern-source/packets", test_packets);
  g_test_add_func ("/pattern-source/audio-only", test_audio_only);
  return g_test_run ();
}
