/* Tests for the lip sync of one publisher's tracks (recorder/src/lipsync.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "lipsync.h"

#define MS (G_GINT64_CONSTANT (1000000))
/* NTP fractions round to the ns. */
#define assert_near(a, b) g_assert_cmpint (ABS ((a) - (b)), <=, 1000)

/* NTP format of @ns after the NTP epoch. */
static guint64
ntp_of (gint64 ns)
{
  return ((guint64) (ns / 1000000000) << 32) | (((guint64) (ns % 1000000000) << 32) / 1000000000);
}

/* A browser captures audio and video on one clock. Audio reaches us 30 ms
 * after capture with a little jitter; video 110 ms after, and from the
 * third second on its delay grows to 300 ms (an encoder and pacer under
 * load), which a timing by arrival would write into the file. Placed by
 * capture time and corrected, both put every capture instant at the same
 * time (within 1 ms), whatever the video's delay did. */
static void
test_audio_video_line_up (void)
{
  ShLipsync audio, video;
  const gint64 ntp_offset = G_GINT64_CONSTANT (1700000000) * 1000000000; /* publisher − us */
  const guint32 audio_base = 12345, video_base = 4294000000u;            /* video wraps */
  gint64 audio_transit, video_transit, audio_fix, video_fix;
  gint64 worst = 0;

  sh_lipsync_init (&audio, 48000);
  sh_lipsync_init (&video, 90000);
  g_assert_false (sh_lipsync_transit_ns (&audio, &audio_transit));
  for (gint64 t = 0; t < 6000 * MS; t += 20 * MS) {
    gint64 jitter = (t / (20 * MS)) % 7 * 3 * MS;
    gint64 video_delay = 110 * MS + (t > 3000 * MS ? MIN (t - 3000 * MS, 190 * MS) : 0);
    gint64 a_at, v_at;

    /* Sender reports every second, the first after the first packets. */
    if (t % (1000 * MS) == 500 * MS) {
      sh_lipsync_report (&audio, 7, ntp_of (ntp_offset + t), audio_base + (guint32) (t * 48 / MS));
      sh_lipsync_report (&video, 9, ntp_of (ntp_offset + t), video_base + (guint32) (t * 90 / MS));
    }
    a_at = sh_lipsync_place (&audio, 7, audio_base + (guint32) (t * 48 / MS), t + 30 * MS + jitter);
    v_at = sh_lipsync_place (&video, 9, video_base + (guint32) (t * 90 / MS),
                             t + video_delay + jitter);
    if (t > 0 && sh_lipsync_transit_ns (&audio, &audio_transit)
        && sh_lipsync_transit_ns (&video, &video_transit)) {
      audio_fix = sh_lipsync_correction_ns (TRUE, audio_transit, &video_transit, 1);
      video_fix = sh_lipsync_correction_ns (TRUE, video_transit, &audio_transit, 1);
      worst = MAX (worst, ABS ((a_at + audio_fix) - (v_at + video_fix)));
    }
  }
  g_assert_cmpint (worst, <, 1 * MS);
  /* The first packets set each transit: audio 30 ms, video 110 ms. */
  g_assert_true (sh_lipsync_transit_ns (&audio, &audio_transit));
  g_assert_true (sh_lipsync_transit_ns (&video, &video_transit));
  g_assert_cmpint (ABS (video_transit - audio_transit - 80 * MS), <, 1 * MS);
  g_assert_cmpint (sh_lipsync_correction_ns (TRUE, video_transit, &audio_transit, 1), ==, 0);
  /* Alone, or without a report, a track needs no correction. */
  g_assert_cmpint (sh_lipsync_correction_ns (TRUE, audio_transit, NULL, 0), ==, 0);
  g_assert_cmpint (sh_lipsync_correction_ns (FALSE, 0, &video_transit, 1), ==, 0);
}

/* Before the first report the RTP timestamps time the packets; the first
 * packet is at its arrival; later ones never go back in time. */
static void
test_before_report (void)
{
  ShLipsync sync;
  gint64 transit;

  sh_lipsync_init (&sync, 90000);
  g_assert_cmpint (sh_lipsync_place (&sync, 1, 1000, 5 * MS), ==, 5 * MS);
  g_assert_cmpint (sh_lipsync_place (&sync, 1, 1000 + 9000, 150 * MS), ==, 105 * MS);
  /* A reordered older timestamp stays after the last one. */
  g_assert_cmpint (sh_lipsync_place (&sync, 1, 1000 + 4500, 160 * MS), ==, 105 * MS);
  g_assert_false (sh_lipsync_transit_ns (&sync, &transit));
}

/* A stalled capture (a second of audio that never came, the RTP
 * timestamps going on as if it had) is placed at its arrival until the
 * next report tells its capture time; the track's transit stays. */
static void
test_stall (void)
{
  ShLipsync sync;
  gint64 transit;
  const gint64 ntp0 = G_GINT64_CONSTANT (5000) * 1000 * MS;

  sh_lipsync_init (&sync, 90000);
  sh_lipsync_report (&sync, 1, ntp_of (ntp0), 0);
  assert_near (sh_lipsync_place (&sync, 1, 0, 40 * MS), 40 * MS);
  g_assert_true (sh_lipsync_transit_ns (&sync, &transit));
  assert_near (transit, 40 * MS - ntp0);
  assert_near (sh_lipsync_place (&sync, 1, 90000, 1045 * MS), 1040 * MS);
  assert_near (sh_lipsync_place (&sync, 1, 90900, 2200 * MS), 2200 * MS);
  assert_near (sh_lipsync_place (&sync, 1, 91800, 2215 * MS), 2210 * MS);
  sh_lipsync_report (&sync, 1, ntp_of (ntp0 + 2170 * MS), 91800);
  assert_near (sh_lipsync_place (&sync, 1, 92700, 2230 * MS), 2220 * MS);
  g_assert_true (sh_lipsync_transit_ns (&sync, &transit));
  assert_near (transit, 40 * MS - ntp0);
}

/* A camera switch (new SSRC): its timestamps count from its first packet's
 * arrival until its own report, which puts it back at the track's transit;
 * the old SSRC's reports no longer count. */
static void
test_new_ssrc (void)
{
  ShLipsync sync;
  gint64 transit;
  const gint64 ntp0 = G_GINT64_CONSTANT (5000) * 1000 * MS;

  sh_lipsync_init (&sync, 90000);
  assert_near (sh_lipsync_place (&sync, 1, 0, 40 * MS), 40 * MS);
  sh_lipsync_report (&sync, 1, ntp_of (ntp0 + 10 * MS), 900);
  g_assert_true (sh_lipsync_transit_ns (&sync, &transit));
  assert_near (sh_lipsync_place (&sync, 2, 777, 2300 * MS), 2300 * MS);
  sh_lipsync_report (&sync, 1, ntp_of (ntp0 + 9000 * MS), 0);
  assert_near (sh_lipsync_place (&sync, 2, 777 + 9000, 2400 * MS), 2400 * MS);
  sh_lipsync_report (&sync, 2, ntp_of (ntp0 + 2330 * MS), 777 + 9000);
  assert_near (sh_lipsync_place (&sync, 2, 777 + 18000, 2500 * MS), 2470 * MS);
  g_assert_true (sh_lipsync_transit_ns (&sync, &transit));
  assert_near (transit, 40 * MS - ntp0);
}

/* Before any report, a timestamp jump beyond a second starts again from
 * the packet's arrival. */
static void
test_jump_before_report (void)
{
  ShLipsync sync;

  sh_lipsync_init (&sync, 90000);
  assert_near (sh_lipsync_place (&sync, 1, 0, 0), 0);
  assert_near (sh_lipsync_place (&sync, 1, 900000, 100 * MS), 100 * MS);
  assert_near (sh_lipsync_place (&sync, 1, 900900, 115 * MS), 110 * MS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lipsync/audio-video", test_audio_video_line_up);
  g_test_add_func ("/lipsync/before-report", test_before_report);
  g_test_add_func ("/lipsync/stall", test_stall);
  g_test_add_func ("/lipsync/new-ssrc", test_new_ssrc);
  g_test_add_func ("/lipsync/jump-before-report", test_jump_before_report);
  return g_test_run ();
}
