/* Tests for the NACK generator: losses single and in bursts, reordering,
 * the retry schedule against the RTT, giving up, the 16-bit wrap, restarts
 * of the numbering, RTX repairs, and receiver-report figures. Every NACK
 * written is parsed back with the RTCP parsers and compared with the set of
 * sequence numbers the test knows to be missing. Time is passed in.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "nack-generator.h"
#include "rtcp.h"

#define SENDER 0x0000BEEFu
#define MEDIA 0x12345678u
#define MS 1000

static ShNackGenerator *
new_gen (void)
{
  ShNackGeneratorConfig config;

  sh_nack_generator_config_init (&config);
  return sh_nack_generator_new (&config);
}

/* Writes the due NACK at @now_us into a buffer of @cap bytes and parses it
 * back. Returns the number of sequence numbers requested (0: nothing
 * written); they are stored in @seqs, in the packet's order. */
static guint
write_nack (ShNackGenerator *gen, gint64 now_us, gsize cap, guint16 *seqs, guint max)
{
  guint8 buf[4096];
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpFb fb;
  ShRtcpNackEntry entries[600];
  int n, n_entries, n_seqs;

  g_assert_cmpuint (cap, <=, sizeof buf);
  n = sh_nack_generator_write (gen, now_us, SENDER, MEDIA, buf, cap);
  g_assert_cmpint (n, >=, 0);
  if (n == 0)
    return 0;
  g_assert_cmpint (n, <=, (int) cap);
  sh_rtcp_iter_init (&iter, buf, (gsize) n);
  g_assert_true (sh_rtcp_iter_next (&iter, &packet));
  g_assert_cmpuint (packet.len, ==, (gsize) n);
  g_assert_cmpint (sh_rtcp_parse_fb (&packet, &fb), ==, SH_RTCP_OK);
  g_assert_cmpuint (fb.type, ==, SH_RTCP_RTPFB);
  g_assert_cmpuint (fb.fmt, ==, SH_RTCP_FMT_NACK);
  g_assert_cmpuint (fb.sender_ssrc, ==, SENDER);
  g_assert_cmpuint (fb.media_ssrc, ==, MEDIA);
  n_entries = sh_rtcp_parse_nack (&fb, entries, G_N_ELEMENTS (entries));
  g_assert_cmpint (n_entries, >, 0);
  n_seqs = sh_rtcp_nack_expand (entries, (guint) n_entries, seqs, max);
  g_assert_cmpint (n_seqs, >, 0);
  return (guint) n_seqs;
}

/* The NACK due at @now_us asks for exactly @expect (in order). */
static void
assert_nack (ShNackGenerator *gen, gint64 now_us, const guint16 *expect, guint n_expect)
{
  guint16 seqs[1024];
  guint n = write_nack (gen, now_us, 1500, seqs, G_N_ELEMENTS (seqs));

  g_assert_cmpmem (seqs, n * sizeof (guint16), expect, n_expect * sizeof (guint16));
}

static void
assert_no_nack (ShNackGenerator *gen, gint64 now_us)
{
  guint8 buf[64];

  g_assert_cmpint (sh_nack_generator_write (gen, now_us, SENDER, MEDIA, buf, sizeof buf), ==, 0);
}

static void
feed_range (ShNackGenerator *gen, guint first, guint last, gint64 now_us)
{
  for (guint s = first; s <= last; s++)
    g_assert_false (sh_nack_generator_on_packet (gen, (guint16) s, now_us));
}

static void
test_config (void)
{
  ShNackGeneratorConfig config;

  sh_nack_generator_config_init (&config);
  g_assert_cmpint (config.rtt_us, ==, 100 * MS);
  g_assert_cmpint (config.reorder_delay_us, ==, 0);
  g_assert_cmpuint (config.max_retries, ==, 5);
  g_assert_cmpint (config.max_age_us, ==, 1000 * MS);
  g_assert_cmpuint (config.reset_jump, ==, 1000);
  config.rtt_us = -1;
  g_assert_null (sh_nack_generator_new (&config));
}

static void
test_no_loss (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  ShNackGeneratorStats stats;

  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, G_MAXINT64);
  feed_range (gen, 0, 999, 0);
  assert_no_nack (gen, 0);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, G_MAXINT64);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.expected, ==, 1000);
  g_assert_cmpuint (stats.received, ==, 1000);
  g_assert_cmpuint (stats.nacked, ==, 0);
}

static void
test_single_loss (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 lost[] = { 102 };
  guint8 small[15];

  feed_range (gen, 100, 101, 0);
  /* The gap shows at once, and the request is due at once. */
  g_assert_true (sh_nack_generator_on_packet (gen, 103, 5 * MS));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 1);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, 5 * MS);
  g_assert_cmpint (sh_nack_generator_write (gen, 5 * MS, SENDER, MEDIA, small, sizeof small), ==,
                   SH_RTCP_ERR_NO_SPACE);
  assert_nack (gen, 5 * MS, lost, 1);
  /* Asked: not again before an RTT. */
  assert_no_nack (gen, 6 * MS);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, 105 * MS);
  g_assert_false (sh_nack_generator_on_packet (gen, 104, 7 * MS));
}

static void
test_burst_loss (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  guint16 lost[19];
  guint16 seqs[64];
  ShNackGeneratorStats stats;

  for (guint i = 0; i < G_N_ELEMENTS (lost); i++)
    lost[i] = (guint16) (21 + i);
  feed_range (gen, 10, 20, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 40, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 19);
  /* Two entries: 21 with 22..37, then 38 with 39. */
  g_assert_cmpuint (write_nack (gen, 0, 12 + 2 * 4, seqs, 64), ==, 19);
  g_assert_cmpmem (seqs, sizeof lost, lost, sizeof lost);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.nacked, ==, 19);
}

static void
test_reordering (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  ShNackGeneratorConfig config;
  g_autoptr (ShNackGenerator) delayed = NULL;
  static const guint16 lost[] = { 3 };
  ShNackGeneratorStats stats;

  feed_range (gen, 1, 2, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 4, 0));
  /* 3 arrives late, before the NACK went out: nothing to ask. */
  g_assert_false (sh_nack_generator_on_packet (gen, 3, 1 * MS));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  assert_no_nack (gen, 1 * MS);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, G_MAXINT64);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.recovered, ==, 1);
  g_assert_cmpuint (stats.recovered_rtx, ==, 0);
  g_assert_cmpuint (stats.received, ==, 4);
  g_assert_cmpuint (stats.expected, ==, 4);
  /* Once more: a duplicate, not a second recovery. */
  g_assert_false (sh_nack_generator_on_packet (gen, 3, 2 * MS));
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.duplicates, ==, 1);
  g_assert_cmpuint (stats.received, ==, 4);

  /* With a reorder delay, the request waits for it. */
  sh_nack_generator_config_init (&config);
  config.reorder_delay_us = 10 * MS;
  delayed = sh_nack_generator_new (&config);
  feed_range (delayed, 1, 2, 0);
  g_assert_false (sh_nack_generator_on_packet (delayed, 4, 0));
  g_assert_cmpint (sh_nack_generator_next_due (delayed), ==, 10 * MS);
  assert_no_nack (delayed, 9 * MS);
  assert_nack (delayed, 10 * MS, lost, 1);
}

static void
test_retry_rtt (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 lost[] = { 11 };

  feed_range (gen, 0, 10, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 12, 0));
  assert_nack (gen, 0, lost, 1);
  assert_no_nack (gen, 99 * MS);
  assert_nack (gen, 100 * MS, lost, 1);
  /* A longer round trip spaces the retries further. */
  sh_nack_generator_set_rtt (gen, 200 * MS);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, 300 * MS);
  assert_no_nack (gen, 299 * MS);
  assert_nack (gen, 300 * MS, lost, 1);
}

static void
test_give_up_retries (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 lost[] = { 11 };
  ShNackGeneratorStats stats;

  feed_range (gen, 0, 10, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 12, 0));
  for (guint i = 0; i < 5; i++)
    assert_nack (gen, i * 100 * MS, lost, 1);
  /* Five requests were made: the sixth is not. */
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, 500 * MS);
  assert_no_nack (gen, 500 * MS);
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, G_MAXINT64);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.nacked, ==, 5);
  g_assert_cmpuint (stats.given_up, ==, 1);
  /* Arriving after all: received, but not a recovery. */
  g_assert_false (sh_nack_generator_on_packet (gen, 11, 600 * MS));
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.received, ==, 13);
  g_assert_cmpuint (stats.recovered, ==, 0);
}

static void
test_give_up_age (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 lost[] = { 11 };
  ShNackGeneratorStats stats;

  sh_nack_generator_set_rtt (gen, 300 * MS);
  feed_range (gen, 0, 10, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 12, 0));
  assert_nack (gen, 0, lost, 1);
  assert_nack (gen, 300 * MS, lost, 1);
  assert_nack (gen, 600 * MS, lost, 1);
  assert_nack (gen, 900 * MS, lost, 1);
  /* One second after the gap: too old to be worth asking for. */
  g_assert_cmpint (sh_nack_generator_next_due (gen), ==, 1000 * MS);
  assert_no_nack (gen, 1000 * MS);
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.given_up, ==, 1);
}

static void
test_window (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  ShNackGeneratorStats stats;
  guint16 seqs[600];
  guint n, total = 0;

  feed_range (gen, 0, 9, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 11, 0));
  /* 10 is missing; 600 packets later it has left the window. */
  feed_range (gen, 12, 611, 0);
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.given_up, ==, 1);

  /* A jump of 800 (below the reset threshold): only the last 511 of the
   * 799 skipped fit the window and are asked for; the rest are given up. */
  g_assert_true (sh_nack_generator_on_packet (gen, 611 + 800, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 511);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.given_up, ==, 1 + 799 - 511);
  /* A small packet holds three entries (17 each at most); the rest stay
   * due and go out in the following packets, in order. */
  n = write_nack (gen, 0, 12 + 3 * 4, seqs, G_N_ELEMENTS (seqs));
  g_assert_cmpuint (n, ==, 51);
  g_assert_cmpuint (seqs[0], ==, 611 + 800 - 511);
  total = n;
  while ((n = write_nack (gen, 0, 12 + 3 * 4, seqs, G_N_ELEMENTS (seqs))) > 0) {
    g_assert_cmpuint (seqs[0], ==, 611 + 800 - 511 + total);
    total += n;
  }
  g_assert_cmpuint (total, ==, 511);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.nacked, ==, 511);
  /* All of them in one big packet next time. */
  g_assert_cmpuint (write_nack (gen, 100 * MS, 1500, seqs, G_N_ELEMENTS (seqs)), ==, 511);
}

/* Gaps open again and again with no NACK written in between: the list of
 * missing numbers keeps only those in the window, and the next NACK asks for
 * exactly them. */
static void
test_gaps_without_writes (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  guint16 seqs[600], expect[600];
  guint16 newest = 60000;
  guint n = 0;

  g_assert_false (sh_nack_generator_on_packet (gen, newest, 0));
  for (guint round = 0; round < 100; round++) {
    newest += 300;
    g_assert_true (sh_nack_generator_on_packet (gen, newest, 0));
    g_assert_cmpuint (sh_nack_generator_n_missing (gen), <=, 510);
  }
  for (guint16 s = (guint16) (newest - 511); s != newest; s++)
    if (s != (guint16) (newest - 300))
      expect[n++] = s;
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, n);
  g_assert_cmpuint (write_nack (gen, 0, 1500, seqs, G_N_ELEMENTS (seqs)), ==, n);
  g_assert_cmpmem (seqs, n * sizeof (guint16), expect, n * sizeof (guint16));
}

static void
test_wraparound (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 lost[] = { 65535, 0 };
  ShRtcpReportBlock block = { 0 };

  feed_range (gen, 65530, 65534, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 1, 0));
  assert_nack (gen, 0, lost, 2);
  g_assert_true (sh_nack_generator_on_rtx (gen, 0, 10 * MS));
  g_assert_false (sh_nack_generator_on_packet (gen, 2, 20 * MS));
  static const guint16 still[] = { 65535 };
  assert_nack (gen, 100 * MS, still, 1);
  /* One cycle completed: the extended highest is 65536 + 2. */
  sh_nack_generator_fill_report (gen, &block);
  g_assert_cmpuint (block.ext_highest_seq, ==, 65536 + 2);
  g_assert_cmpint (block.cumulative_lost, ==, 1);
}

static void
test_big_jump (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  ShNackGeneratorStats stats;
  static const guint16 lost[] = { 5003 };

  feed_range (gen, 100, 110, 0);
  /* One stray packet far ahead is ignored ... */
  g_assert_false (sh_nack_generator_on_packet (gen, 5000, 0));
  g_assert_false (sh_nack_generator_on_packet (gen, 111, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  /* ... one very late packet as well ... */
  g_assert_false (sh_nack_generator_on_packet (gen, 111 - 600, 0));
  g_assert_true (sh_nack_generator_on_packet (gen, 113, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 1);
  /* ... but two in a row restart the numbering: nothing is asked for the
   * thousands in between, and the old gap is forgotten. */
  g_assert_false (sh_nack_generator_on_packet (gen, 5001, 0));
  g_assert_false (sh_nack_generator_on_packet (gen, 5002, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  assert_no_nack (gen, 0);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.resets, ==, 1);
  g_assert_cmpuint (stats.given_up, ==, 1);
  /* 100..113 then 5001..5002: 16 expected, 111 received once, 112 lost. */
  g_assert_cmpuint (stats.expected, ==, 14 + 2);
  g_assert_cmpuint (stats.received, ==, 13 + 2);
  /* Losses after the restart are detected again. */
  g_assert_true (sh_nack_generator_on_packet (gen, 5004, 0));
  assert_nack (gen, 0, lost, 1);

  /* Backwards too: a restart at a lower number. */
  g_assert_false (sh_nack_generator_on_packet (gen, 100, 0));
  g_assert_false (sh_nack_generator_on_packet (gen, 101, 0));
  g_assert_false (sh_nack_generator_on_packet (gen, 102, 0));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.resets, ==, 2);
}

static void
test_rtx_recovery (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  static const guint16 both[] = { 3, 4 };
  static const guint16 four[] = { 4 };
  ShNackGeneratorStats stats;

  /* Before any packet, RTX means nothing. */
  g_assert_false (sh_nack_generator_on_rtx (gen, 1, 0));
  feed_range (gen, 1, 2, 0);
  g_assert_true (sh_nack_generator_on_packet (gen, 5, 0));
  assert_nack (gen, 0, both, 2);
  g_assert_true (sh_nack_generator_on_rtx (gen, 3, 30 * MS));
  assert_nack (gen, 100 * MS, four, 1);
  /* A second copy, a copy of something received, and one ahead of the
   * newest change nothing. */
  g_assert_false (sh_nack_generator_on_rtx (gen, 3, 110 * MS));
  g_assert_false (sh_nack_generator_on_rtx (gen, 5, 110 * MS));
  g_assert_false (sh_nack_generator_on_rtx (gen, 6, 110 * MS));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 1);
  g_assert_true (sh_nack_generator_on_rtx (gen, 4, 120 * MS));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 0);
  sh_nack_generator_get_stats (gen, &stats);
  g_assert_cmpuint (stats.recovered, ==, 2);
  g_assert_cmpuint (stats.recovered_rtx, ==, 2);
  g_assert_cmpuint (stats.duplicates, ==, 2);
  g_assert_cmpuint (stats.received, ==, 5);
  g_assert_cmpuint (stats.nacked, ==, 3);
  /* The newest did not move: 6 is a gap when it is skipped. */
  g_assert_true (sh_nack_generator_on_packet (gen, 7, 130 * MS));
  g_assert_cmpuint (sh_nack_generator_n_missing (gen), ==, 1);
}

static void
test_report (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  ShRtcpReportBlock block = { 0 };

  /* 100 packets, every tenth lost. */
  for (guint s = 1000; s < 1100; s++)
    if (s % 10 != 5)
      sh_nack_generator_on_packet (gen, (guint16) s, 0);
  sh_nack_generator_fill_report (gen, &block);
  g_assert_cmpuint (block.fraction_lost, ==, 10 * 256 / 100);
  g_assert_cmpint (block.cumulative_lost, ==, 10);
  g_assert_cmpuint (block.ext_highest_seq, ==, 1099);
  /* A clean interval, with one old loss repaired: no fraction, one fewer
   * in the total. */
  sh_nack_generator_on_rtx (gen, 1095, 0);
  for (guint s = 1100; s < 1200; s++)
    sh_nack_generator_on_packet (gen, (guint16) s, 0);
  sh_nack_generator_fill_report (gen, &block);
  g_assert_cmpuint (block.fraction_lost, ==, 0);
  g_assert_cmpint (block.cumulative_lost, ==, 9);
  /* Every other one lost: 1200..1300 is 101 expected, 50 lost. */
  for (guint s = 1200; s < 1300; s += 2)
    sh_nack_generator_on_packet (gen, (guint16) s, 0);
  sh_nack_generator_on_packet (gen, 1300, 0);
  sh_nack_generator_fill_report (gen, &block);
  g_assert_cmpuint (block.fraction_lost, ==, 50 * 256 / 101);
  g_assert_cmpuint (block.ext_highest_seq, ==, 1300);
  g_assert_cmpint (block.cumulative_lost, ==, 59);
}

/* Random losses (seeded: deterministic) across a wrap, with RTX repairs:
 * each NACK asks for exactly the set the test itself knows to be missing.
 * The test keeps its own model: a loss is seen when a later packet arrives,
 * is asked for in the next five NACKs (one per 100 ms round, the RTT), then
 * given up. */
static void
test_random_losses (void)
{
  g_autoptr (ShNackGenerator) gen = new_gen ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (4588);
  g_autofree gint *seen_round = g_new (gint, 65536); /* -1: not missing */
  guint16 seqs[600], expect[600];
  guint16 seq = 65000, unseen_from = 65001;
  gint64 now = 0;
  guint n_lost = 0, n_repaired = 0, n_received = 1;
  ShNackGeneratorStats stats;

  for (guint i = 0; i < 65536; i++)
    seen_round[i] = -1;
  sh_nack_generator_on_packet (gen, seq, now);
  for (gint round = 0; round < 300; round++) {
    guint n_expect = 0, n;

    for (guint i = 0; i < 10; i++) {
      seq++;
      if (g_rand_int_range (rand, 0, 100) < 5) {
        n_lost++;
        continue;
      }
      /* Every loss between the previous arrival and this one shows now. */
      for (guint16 s = unseen_from; s != seq; s++)
        seen_round[s] = round;
      unseen_from = (guint16) (seq + 1);
      sh_nack_generator_on_packet (gen, seq, now);
      n_received++;
    }
    now += 100 * MS;
    /* Repair a third of what is still being asked for. */
    for (guint16 s = (guint16) (seq - 100); s != (guint16) (seq + 1); s++) {
      if (seen_round[s] >= 0 && round - seen_round[s] <= 5 && g_rand_int_range (rand, 0, 3) == 0) {
        g_assert_true (sh_nack_generator_on_rtx (gen, s, now));
        seen_round[s] = -1;
        n_repaired++;
      }
    }
    n = write_nack (gen, now, 1500, seqs, G_N_ELEMENTS (seqs));
    for (guint16 s = (guint16) (seq - 100); s != (guint16) (seq + 1); s++)
      if (seen_round[s] >= 0 && round - seen_round[s] <= 4)
        expect[n_expect++] = s;
    g_assert_cmpmem (seqs, n * sizeof (guint16), expect, n_expect * sizeof (guint16));
  }
  sh_nack_generator_get_stats (gen, &stats);
  /* Expected runs to the last packet that arrived, after the wrap. */
  g_assert_cmpuint (stats.expected, ==, (guint16) (unseen_from - 1 - 65000) + 1);
  g_assert_cmpuint (stats.recovered_rtx, ==, n_repaired);
  g_assert_cmpuint (stats.received, ==, n_received + n_repaired);
  g_assert_cmpuint (n_lost, >, 100);
  g_assert_cmpuint (n_repaired, >, 30);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nack-generator/config", test_config);
  g_test_add_func ("/nack-generator/no-loss", test_no_loss);
  g_test_add_func ("/nack-generator/single-loss", test_single_loss);
  g_test_add_func ("/nack-generator/burst-loss", test_burst_loss);
  g_test_add_func ("/nack-generator/reordering", test_reordering);
  g_test_add_func ("/nack-generator/retry-rtt", test_retry_rtt);
  g_test_add_func ("/nack-generator/give-up-retries", test_give_up_retries);
  g_test_add_func ("/nack-generator/give-up-age", test_give_up_age);
  g_test_add_func ("/nack-generator/window", test_window);
  g_test_add_func ("/nack-generator/gaps-without-writes", test_gaps_without_writes);
  g_test_add_func ("/nack-generator/wraparound", test_wraparound);
  g_test_add_func ("/nack-generator/big-jump", test_big_jump);
  g_test_add_func ("/nack-generator/rtx-recovery", test_rtx_recovery);
  g_test_add_func ("/nack-generator/report", test_report);
  g_test_add_func ("/nack-generator/random-losses", test_random_losses);
  return g_test_run ();
}
