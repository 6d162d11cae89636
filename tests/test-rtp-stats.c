/* Tests for receiver statistics (RFC 3550 A.1, A.3, A.8): loss with a known
 * pattern, sequence wraparound, duplicates and reordering, restarts,
 * jitter against the RFC formula, LSR/DLSR, and NTP conversions.
 * SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <glib.h>

#include "rtp-stats.h"

#define SSRC 0x5eed0001u
#define MS G_GINT64_CONSTANT (1000)

static ShRtpStatsResult
feed (ShRtpRecvStats *stats, guint32 seq)
{
  /* Audio at 48 kHz, 20 ms apart, arriving on time. */
  return sh_rtp_recv_stats_update (stats, (guint16) seq, seq * 960, 100, (gint64) seq * 20 * MS);
}

static void
test_loss_pattern (void)
{
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;

  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  g_assert_false (sh_rtp_recv_stats_report (&stats, 0, &block));

  /* Interval 1: 0..99, every tenth lost (3, 13, ..., 93). */
  for (guint32 seq = 0; seq < 100; seq++)
    if (seq % 10 != 3)
      g_assert_cmpint (feed (&stats, seq), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpuint (block.ssrc, ==, SSRC);
  g_assert_cmpuint (block.ext_highest_seq, ==, 99);
  g_assert_cmpint (block.cumulative_lost, ==, 10);
  g_assert_cmpuint (block.fraction_lost, ==, 10 * 256 / 100);
  g_assert_cmpuint (stats.octets, ==, 90 * 100);

  /* Interval 2: nothing lost; the cumulative count stays. */
  for (guint32 seq = 100; seq < 200; seq++)
    feed (&stats, seq);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpint (block.cumulative_lost, ==, 10);
  g_assert_cmpuint (block.fraction_lost, ==, 0);

  /* Interval 3: every other packet lost. */
  for (guint32 seq = 200; seq < 300; seq += 2)
    feed (&stats, seq);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpuint (block.ext_highest_seq, ==, 298);
  g_assert_cmpint (block.cumulative_lost, ==, 10 + 49);
  g_assert_cmpuint (block.fraction_lost, ==, 49 * 256 / 99);

  /* Interval 4: nothing new at all: no loss to report. */
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpuint (block.fraction_lost, ==, 0);

  /* Interval 5: late arrivals of interval 3's losses make up more than the
   * interval expected: a negative interval loss reports 0. */
  for (guint32 seq = 201; seq < 298; seq += 2)
    if (298 - seq <= SH_RTP_STATS_MAX_MISORDER)
      g_assert_cmpint (feed (&stats, seq), ==, SH_RTP_STATS_LATE);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpuint (block.fraction_lost, ==, 0);
  g_assert_cmpint (block.cumulative_lost, ==, 10);
}

static void
test_wraparound (void)
{
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;

  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  for (guint32 seq = 65530; seq < 65530 + 20; seq++)
    if (seq != 65536 + 2)
      g_assert_cmpint (feed (&stats, seq), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  /* One cycle: 1 << 16 | 13. */
  g_assert_cmpuint (block.ext_highest_seq, ==, 65536 + 13);
  g_assert_cmpint (sh_rtp_recv_stats_expected (&stats), ==, 20);
  g_assert_cmpint (block.cumulative_lost, ==, 1);

  /* Reordering across the wrap: 65535 after 0 is late, not a new cycle. */
  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  g_assert_cmpint (feed (&stats, 65534), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_cmpint (feed (&stats, 65536), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_cmpint (feed (&stats, 65535), ==, SH_RTP_STATS_LATE);
  g_assert_cmpuint (sh_rtp_recv_stats_ext_highest (&stats), ==, 65536);
  g_assert_cmpint (sh_rtp_recv_stats_lost (&stats), ==, 0);
}

static void
test_duplicates_and_reordering (void)
{
  static const guint32 order[] = { 10, 11, 13, 12, 14, 14, 12, 15, 9, 15 };
  static const ShRtpStatsResult expect[] = {
    SH_RTP_STATS_IN_ORDER, SH_RTP_STATS_IN_ORDER,  SH_RTP_STATS_IN_ORDER,  SH_RTP_STATS_LATE,
    SH_RTP_STATS_IN_ORDER, SH_RTP_STATS_DUPLICATE, SH_RTP_STATS_DUPLICATE, SH_RTP_STATS_IN_ORDER,
    SH_RTP_STATS_LATE,     SH_RTP_STATS_DUPLICATE,
  };
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;

  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpint (feed (&stats, order[i]), ==, expect[i]);
  /* 9 came late from before the first packet: the stream began there. */
  g_assert_cmpint (sh_rtp_recv_stats_expected (&stats), ==, 7);
  g_assert_cmpuint (stats.received, ==, 7);
  g_assert_cmpuint (stats.duplicates, ==, 3);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpint (block.cumulative_lost, ==, 0);
  g_assert_cmpuint (block.fraction_lost, ==, 0);
  g_assert_cmpuint (block.ext_highest_seq, ==, 15);

  /* A duplicate far back in the window (but within misorder) is still
   * recognised, across the 64-bit word boundary of the bitmap. */
  for (guint32 seq = 16; seq < 100; seq++)
    feed (&stats, seq);
  g_assert_cmpint (feed (&stats, 20), ==, SH_RTP_STATS_DUPLICATE);
  g_assert_cmpint (feed (&stats, 99 - 70), ==, SH_RTP_STATS_DUPLICATE);
  /* A big step forward (within the dropout limit) is a loss, and the
   * bitmap moves with it. */
  g_assert_cmpint (feed (&stats, 300), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_cmpint (feed (&stats, 250), ==, SH_RTP_STATS_LATE);
  g_assert_cmpint (feed (&stats, 250), ==, SH_RTP_STATS_DUPLICATE);
  g_assert_cmpint (sh_rtp_recv_stats_lost (&stats), ==, 300 - 100 - 1);
}

static void
test_restart (void)
{
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;

  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  for (guint32 seq = 100; seq <= 110; seq++)
    feed (&stats, seq);
  /* One stray packet far away is not believed, and the stream goes on. */
  g_assert_cmpint (feed (&stats, 40000), ==, SH_RTP_STATS_OUT_OF_RANGE);
  g_assert_cmpint (feed (&stats, 111), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_cmpint (sh_rtp_recv_stats_expected (&stats), ==, 12);
  /* Far behind is suspicious too. */
  g_assert_cmpint (feed (&stats, 111 - SH_RTP_STATS_MAX_MISORDER - 1), ==,
                   SH_RTP_STATS_OUT_OF_RANGE);

  /* Two in sequence far away: the sender restarted. */
  g_assert_cmpint (feed (&stats, 40000), ==, SH_RTP_STATS_OUT_OF_RANGE);
  g_assert_cmpint (feed (&stats, 40001), ==, SH_RTP_STATS_RESTARTED);
  g_assert_cmpint (feed (&stats, 40002), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpuint (block.ext_highest_seq, ==, 40002);
  g_assert_cmpint (block.cumulative_lost, ==, 0);
  g_assert_cmpuint (block.fraction_lost, ==, 0);
}

static void
test_cumulative_clamp (void)
{
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;
  guint32 seq = 0;

  /* Steps of 2999 (just under the dropout limit): 2998 lost each time. */
  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  for (guint i = 0; i < 3000; i++, seq += 2999)
    g_assert_cmpint (feed (&stats, seq), ==, SH_RTP_STATS_IN_ORDER);
  g_assert_cmpint (sh_rtp_recv_stats_lost (&stats), ==, 2999 * 2998);
  g_assert_true (sh_rtp_recv_stats_report (&stats, 0, &block));
  g_assert_cmpint (block.cumulative_lost, ==, 0x7fffff);
  g_assert_cmpuint (block.fraction_lost, ==, 255);
  g_assert_cmpuint (block.ext_highest_seq, ==, 2999u * 2999u);
}

static void
test_jitter_constant_delay (void)
{
  ShRtpRecvStats stats;

  /* Video at 90 kHz, 25 frames a second, 4 packets per frame paced 2 ms
   * apart, every frame 70 ms in transit. */
  sh_rtp_recv_stats_init (&stats, SSRC, 90000);
  for (guint frame = 0; frame < 300; frame++) {
    gint64 sent_us = 1000000 + (gint64) frame * 40 * MS;

    for (guint p = 0; p < 4; p++)
      sh_rtp_recv_stats_update (&stats, (guint16) (frame * 4 + p), 123456 + frame * 3600, 1200,
                                sent_us + 70 * MS + p * 2 * MS);
  }
  g_assert_cmpuint (sh_rtp_recv_stats_jitter (&stats), ==, 0);
}

static void
test_jitter_formula (void)
{
  ShRtpRecvStats stats;
  g_autoptr (GRand) rand = g_rand_new_with_seed (3550);
  double reference = 0, prev_transit = 0;

  /* Audio at 48 kHz with 0–30 ms of random network delay. The reference is
   * RFC 3550 6.4.1 in real numbers: J += (|D| - J) / 16. */
  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  for (guint i = 0; i < 2000; i++) {
    guint32 ts = 7777 + i * 960;
    gint64 arrival_us = (gint64) i * 20000 + g_rand_int_range (rand, 0, 30000);
    double transit = (double) arrival_us * 48000 / 1e6 - (double) (ts - 7777);

    sh_rtp_recv_stats_update (&stats, (guint16) i, ts, 100, 5000000 + arrival_us);
    if (i > 0)
      reference += (fabs (transit - prev_transit) - reference) / 16;
    prev_transit = transit;
  }
  g_test_message ("jitter %u, reference %.2f", sh_rtp_recv_stats_jitter (&stats), reference);
  /* Uniform delays over 30 ms: E|D| = 10 ms = 480 units. */
  g_assert_cmpfloat (reference, >, 300);
  g_assert_cmpfloat (fabs (sh_rtp_recv_stats_jitter (&stats) - reference), <=, 2.0);
}

static void
test_lsr_dlsr (void)
{
  ShRtpRecvStats stats;
  ShRtcpReportBlock block;
  ShRtcpSr sr = { .ssrc = SSRC, .ntp_timestamp = G_GUINT64_CONSTANT (0xe1234567890abcde) };
  gint64 t0 = G_GINT64_CONSTANT (1700000000000000);

  sh_rtp_recv_stats_init (&stats, SSRC, 48000);
  feed (&stats, 1);
  g_assert_true (sh_rtp_recv_stats_report (&stats, t0, &block));
  g_assert_cmpuint (block.lsr, ==, 0);
  g_assert_cmpuint (block.dlsr, ==, 0);

  sh_rtp_recv_stats_on_sr (&stats, &sr, t0);
  g_assert_true (sh_rtp_recv_stats_report (&stats, t0 + 1500 * MS, &block));
  g_assert_cmpuint (block.lsr, ==, 0x4567890a);
  g_assert_cmpuint (block.dlsr, ==, 3 * 65536 / 2);
  g_assert_true (sh_rtp_recv_stats_report (&stats, t0 + 1 * MS, &block));
  g_assert_cmpuint (block.dlsr, ==, 66); /* 65.536 rounded */
}

static void
test_ntp (void)
{
  static const gint64 times[] = {
    0,
    1,
    999999,
    1000000,
    G_GINT64_CONSTANT (1700000000123456),
    G_GINT64_CONSTANT (2085978496000000) - 1, /* the last microsecond of NTP era 0 */
    G_GINT64_CONSTANT (2085978496000000),     /* 2036-02-07 06:28:16 UTC: era 1 begins */
    G_GINT64_CONSTANT (2208988800000000),     /* 2040 */
  };

  /* 1970 in NTP is 2208988800 s; half a second is half of 2^32. */
  g_assert_cmphex (sh_ntp_from_unix_us (0), ==, SH_NTP_UNIX_OFFSET << 32);
  g_assert_cmphex (sh_ntp_from_unix_us (1500000), ==,
                   ((SH_NTP_UNIX_OFFSET + 1) << 32) | 0x80000000u);
  g_assert_cmphex (sh_ntp_from_unix_us (G_GINT64_CONSTANT (2085978496000000)), ==, 0);
  g_assert_cmphex (sh_ntp_from_unix_us (-(gint64) SH_NTP_UNIX_OFFSET * 1000000 - 1), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    g_assert_cmpint (sh_ntp_to_unix_us (sh_ntp_from_unix_us (times[i])), ==, times[i]);
  g_assert_cmphex (sh_ntp_mid32 (G_GUINT64_CONSTANT (0x1122334455667788)), ==, 0x33445566);

  g_assert_cmpuint (sh_ntp_short_from_us (1000000), ==, 65536);
  g_assert_cmpuint (sh_ntp_short_from_us (-5), ==, 0);
  g_assert_cmpuint (sh_ntp_short_from_us (G_GINT64_CONSTANT (1) << 50), ==, G_MAXUINT32);
  g_assert_cmpint (sh_ntp_short_to_us (65536 / 4), ==, 250000);
  g_assert_cmpint (sh_ntp_short_to_us (1), ==, 15); /* 15.26 µs */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp-stats/loss-pattern", test_loss_pattern);
  g_test_add_func ("/rtp-stats/wraparound", test_wraparound);
  g_test_add_func ("/rtp-stats/duplicates-reordering", test_duplicates_and_reordering);
  g_test_add_func ("/rtp-stats/restart", test_restart);
  g_test_add_func ("/rtp-stats/cumulative-clamp", test_cumulative_clamp);
  g_test_add_func ("/rtp-stats/jitter-constant-delay", test_jitter_constant_delay);
  g_test_add_func ("/rtp-stats/jitter-formula", test_jitter_formula);
  g_test_add_func ("/rtp-stats/lsr-dlsr", test_lsr_dlsr);
  g_test_add_func ("/rtp-stats/ntp", test_ntp);
  return g_test_run ();
}
