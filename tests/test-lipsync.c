/* Tests for the lip sync of one publisher's tracks.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "lipsync.h"

/* NTP format of @us after the NTP epoch. */
static guint64
ntp_of (gint64 us)
{
  return ((guint64) (us / G_USEC_PER_SEC) << 32)
         | (((guint64) (us % G_USEC_PER_SEC) << 32) / G_USEC_PER_SEC);
}

/* A browser captures audio and video on one clock; video reaches the
 * server 80 ms later than audio of the same instant (pacing, bigger
 * frames), with some jitter on top. The audio must be delayed by 80 ms
 * (within 1 ms) and the video not at all. */
static void
test_audio_video_line_up (void)
{
  ShLipsync audio, video;
  const ShLipsync *only_video[] = { &video }, *only_audio[] = { &audio };
  const gint64 clock_offset
      = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC; /* publisher's NTP − our monotonic */
  const guint32 audio_base = 12345, video_base = 4000000000u; /* video wraps */

  sh_lipsync_init (&audio, 48000);
  sh_lipsync_init (&video, 90000);
  /* Nothing known yet: no correction. */
  g_assert_cmpint (sh_lipsync_correction_ns (&audio, only_video, 1), ==, 0);

  sh_lipsync_report (&audio, ntp_of (clock_offset + 1000000), audio_base + 48000);
  sh_lipsync_report (&video, ntp_of (clock_offset + 1000000), video_base + 90000);
  for (gint64 t = 0; t < 5 * G_USEC_PER_SEC; t += 20000) {
    gint64 jitter = (t / 20000) % 7 * 3000;

    sh_lipsync_packet (&audio, audio_base + (guint32) (t * 48 / 1000), t + 30000 + jitter);
    sh_lipsync_packet (&video, video_base + (guint32) (t * 90 / 1000), t + 110000 + jitter);
  }
  g_assert_cmpint (ABS (sh_lipsync_correction_ns (&audio, only_video, 1) - 80000000), <, 1000000);
  g_assert_cmpint (sh_lipsync_correction_ns (&video, only_audio, 1), ==, 0);
  /* Alone, a track needs no correction. */
  g_assert_cmpint (sh_lipsync_correction_ns (&audio, NULL, 0), ==, 0);
}

/* Packets before the first sender report say nothing about capture time. */
static void
test_no_report_no_transit (void)
{
  ShLipsync sync;

  sh_lipsync_init (&sync, 90000);
  sh_lipsync_packet (&sync, 1000, 5000);
  g_assert_false (sync.have_transit);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lipsync/audio-video", test_audio_video_line_up);
  g_test_add_func ("/lipsync/no-report", test_no_report_no_transit);
  return g_test_run ();
}
