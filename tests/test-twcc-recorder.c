/* Tests for the transport-wide feedback recorder. Every feedback written is
 * parsed back with sh_rtcp_parse_twcc and its statuses checked against what
 * the test recorded: the set of received numbers, arrival times within one
 * 250 µs tick (also after 10 s of packets), losses, reordering, duplicates,
 * the 16-bit wrap, deltas beyond 16 bits, fb_count, and buffers too small.
 * Time is passed in; everything is deterministic.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rtcp.h"
#include "twcc-recorder.h"

#define SENDER 0x0000BEEFu
#define MEDIA 0x12345678u
#define MS 1000
#define T0 (G_GINT64_CONSTANT (5000000000)) /* an arbitrary monotonic origin: 5000 s */

/* One parsed feedback, arrival times rebuilt the way a sender does: the
 * reference time plus the running sum of the deltas. */
typedef struct {
  ShRtcpTwcc header;
  guint n;
  ShRtcpTwccPacket packets[SH_TWCC_RECORDER_MAX_STATUSES];
  gint64 time_us[SH_TWCC_RECORDER_MAX_STATUSES];
} Feedback;

/* Writes into @cap bytes and parses back into @fb. Returns the length
 * written (0: nothing pending); fails the test on an error. */
static int
write_parse (ShTwccRecorder *r, gsize cap, Feedback *fb)
{
  guint8 buf[4096];
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpFb rtcp_fb;
  gint64 t;
  int len, n;

  g_assert_cmpuint (cap, <=, sizeof buf);
  memset (buf, 0xee, sizeof buf);
  len = sh_twcc_recorder_write (r, SENDER, MEDIA, buf, cap);
  g_assert_cmpint (len, >=, 0);
  fb->n = 0;
  if (len == 0)
    return 0;
  g_assert_cmpint (len, <=, (int) cap);
  g_assert_cmpint (len % 4, ==, 0);
  g_assert_cmpuint (buf[len], ==, 0xee); /* nothing past the returned length */
  g_assert_cmpint (sh_rtcp_check_compound (buf, (gsize) len, TRUE), ==, SH_RTCP_OK);
  sh_rtcp_iter_init (&iter, buf, (gsize) len);
  g_assert_true (sh_rtcp_iter_next (&iter, &packet));
  g_assert_cmpuint (packet.len, ==, (gsize) len);
  g_assert_cmpint (sh_rtcp_parse_fb (&packet, &rtcp_fb), ==, SH_RTCP_OK);
  g_assert_cmpuint (rtcp_fb.type, ==, SH_RTCP_RTPFB);
  g_assert_cmpuint (rtcp_fb.fmt, ==, SH_RTCP_FMT_TWCC);
  g_assert_cmpuint (rtcp_fb.sender_ssrc, ==, SENDER);
  g_assert_cmpuint (rtcp_fb.media_ssrc, ==, MEDIA);
  n = sh_rtcp_parse_twcc (&rtcp_fb, &fb->header, fb->packets, G_N_ELEMENTS (fb->packets));
  g_assert_cmpint (n, >, 0);
  fb->n = (guint) n;
  t = (gint64) fb->header.reference_time * SH_RTCP_TWCC_REFERENCE_US;
  for (guint i = 0; i < fb->n; i++) {
    if (fb->packets[i].received)
      t += (gint64) fb->packets[i].delta * SH_RTCP_TWCC_DELTA_US;
    fb->time_us[i] = fb->packets[i].received ? t : -1;
  }
  return len;
}

/* The reported time of a packet is its arrival floored to a 250 µs tick,
 * modulo the 24-bit reference time (T0 keeps it far from the wrap). */
static void
assert_time (gint64 reported_us, gint64 arrival_us)
{
  g_assert_cmpint (arrival_us - reported_us, >=, 0);
  g_assert_cmpint (arrival_us - reported_us, <, SH_RTCP_TWCC_DELTA_US);
}

/* 10 s at 1 ms spacing, each packet a different fraction of a tick late,
 * written every 50 ms: every packet reported received, at its own time
 * within one tick (no drift), feedbacks back to back, fb_count counting. */
static void
test_no_drift (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  ShTwccRecorderStats stats;
  guint16 seq = 1000, expect_base = 1000;
  guint n_feedbacks = 0, n_statuses = 0;

  for (guint i = 0; i < 10000; i++) {
    gint64 arrival = T0 + (gint64) i * MS + (gint64) ((i * 37) % 1000);

    sh_twcc_recorder_record (r, (guint16) (seq + i), arrival);
    if ((i + 1) % 50 != 0)
      continue;
    g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 50);
    g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
    g_assert_cmpuint (fb.header.base_seq, ==, expect_base);
    g_assert_cmpuint (fb.header.fb_count, ==, n_feedbacks % 256);
    g_assert_cmpuint (fb.n, ==, 50);
    for (guint k = 0; k < fb.n; k++) {
      guint j = i + 1 - 50 + k;

      g_assert_true (fb.packets[k].received);
      assert_time (fb.time_us[k], T0 + (gint64) j * MS + (gint64) ((j * 37) % 1000));
    }
    expect_base = (guint16) (expect_base + fb.n);
    n_statuses += fb.n;
    n_feedbacks++;
    g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 0);
  }
  g_assert_cmpuint (n_statuses, ==, 10000);
  g_assert_cmpint (write_parse (r, 1500, &fb), ==, 0);
  sh_twcc_recorder_get_stats (r, &stats);
  g_assert_cmpuint (stats.recorded, ==, 10000);
  g_assert_cmpuint (stats.statuses, ==, 10000);
  g_assert_cmpuint (stats.feedbacks, ==, 200);
}

/* Losses inside the range are reported as not received; the range runs to
 * the highest received number, whatever came before it. */
static void
test_losses (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;

  for (guint16 s = 1; s <= 10; s++) {
    if (s != 3 && s != 4 && s != 7)
      sh_twcc_recorder_record (r, s, T0 + s * MS);
  }
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 10);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 1);
  g_assert_cmpuint (fb.n, ==, 10);
  for (guint k = 0; k < 10; k++) {
    guint16 s = (guint16) (1 + k);

    g_assert_cmpuint (fb.packets[k].seq, ==, s);
    g_assert_cmpint (fb.packets[k].received, ==, s != 3 && s != 4 && s != 7);
    if (fb.packets[k].received)
      assert_time (fb.time_us[k], T0 + s * MS);
  }
  /* A long burst of losses (300) then one packet. */
  sh_twcc_recorder_record (r, 311, T0 + 400 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 11);
  g_assert_cmpuint (fb.n, ==, 301);
  for (guint k = 0; k < 300; k++)
    g_assert_false (fb.packets[k].received);
  g_assert_true (fb.packets[300].received);
  assert_time (fb.time_us[300], T0 + 400 * MS);
}

/* Packets reordered inside a feedback interval are all reported, at their
 * own arrival times (so some deltas are negative). */
static void
test_reordering (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  const guint16 order[] = { 10, 12, 11, 15, 13, 14, 17, 16 };
  gint64 arrival[8];

  for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
    arrival[order[i] - 10] = T0 + i * 3 * MS + 77;
    sh_twcc_recorder_record (r, order[i], arrival[order[i] - 10]);
  }
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 10);
  g_assert_cmpuint (fb.n, ==, 8);
  for (guint k = 0; k < 8; k++) {
    g_assert_true (fb.packets[k].received);
    assert_time (fb.time_us[k], arrival[k]);
  }
  g_assert_cmpint (fb.packets[2].delta, <, 0); /* 12 came before 11 */

  /* Reordered ahead of the very first packet, before any write: the range
   * starts at it instead of losing it. */
  {
    g_autoptr (ShTwccRecorder) r2 = sh_twcc_recorder_new ();

    sh_twcc_recorder_record (r2, 501, T0);
    sh_twcc_recorder_record (r2, 499, T0 + 2 * MS);
    g_assert_cmpint (sh_twcc_recorder_pending (r2), ==, 3);
    g_assert_cmpint (write_parse (r2, 1500, &fb), >, 0);
    g_assert_cmpuint (fb.header.base_seq, ==, 499);
    g_assert_cmpuint (fb.n, ==, 3);
    g_assert_true (fb.packets[0].received);
    g_assert_false (fb.packets[1].received);
    g_assert_true (fb.packets[2].received);
    assert_time (fb.time_us[0], T0 + 2 * MS);
    assert_time (fb.time_us[2], T0);
  }
}

/* A second copy keeps the first arrival; a packet whose number was already
 * reported (as not received) is ignored, and nothing is pending then. */
static void
test_duplicates_and_late (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  ShTwccRecorderStats stats;

  sh_twcc_recorder_record (r, 1, T0);
  sh_twcc_recorder_record (r, 2, T0 + 1 * MS);
  sh_twcc_recorder_record (r, 2, T0 + 5 * MS);
  sh_twcc_recorder_record (r, 4, T0 + 6 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.n, ==, 4);
  assert_time (fb.time_us[1], T0 + 1 * MS);
  g_assert_false (fb.packets[2].received);

  sh_twcc_recorder_record (r, 3, T0 + 7 * MS); /* reported missing already */
  sh_twcc_recorder_record (r, 4, T0 + 8 * MS); /* reported received already */
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 0);
  g_assert_cmpint (write_parse (r, 1500, &fb), ==, 0);

  sh_twcc_recorder_record (r, 5, T0 + 9 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 5);
  g_assert_cmpuint (fb.n, ==, 1);

  sh_twcc_recorder_get_stats (r, &stats);
  g_assert_cmpuint (stats.recorded, ==, 4);
  g_assert_cmpuint (stats.duplicates, ==, 1);
  g_assert_cmpuint (stats.late, ==, 2);
}

/* Across 65535 → 0, with 0 arriving before 65535 and a feedback written in
 * the middle of the wrap. */
static void
test_wrap (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  const guint16 order[] = { 65530, 65531, 65532, 65533, 65534, 0, 65535, 1, 2 };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    sh_twcc_recorder_record (r, order[i], T0 + i * MS);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 9);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 65530);
  g_assert_cmpuint (fb.n, ==, 9);
  for (guint k = 0; k < 9; k++)
    g_assert_true (fb.packets[k].received);
  assert_time (fb.time_us[5], T0 + 6 * MS); /* 65535 */
  assert_time (fb.time_us[6], T0 + 5 * MS); /* 0 */

  sh_twcc_recorder_record (r, 4, T0 + 10 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 3);
  g_assert_cmpuint (fb.n, ==, 2);
  g_assert_false (fb.packets[0].received);
  g_assert_true (fb.packets[1].received);

  /* A continuous stream across several wraps keeps its numbering. */
  for (guint i = 0; i < 3 * 65536; i++) {
    sh_twcc_recorder_record (r, (guint16) (5 + i), T0 + (gint64) (11 + i) * MS);
    if (i % 1000 == 999) {
      g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
      g_assert_cmpuint (fb.n, ==, 1000);
      g_assert_cmpuint (fb.header.base_seq, ==, (guint16) (5 + i - 999));
    }
  }
}

/* A 10 s gap (40000 ticks) does not fit a 16-bit delta: the feedback ends
 * before it and the next starts there with its own reference time. Also
 * backwards: a packet reordered 10 s late. */
static void
test_large_delta (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;

  sh_twcc_recorder_record (r, 100, T0);
  sh_twcc_recorder_record (r, 101, T0 + 1 * MS);
  sh_twcc_recorder_record (r, 102, T0 + 10000 * MS);
  sh_twcc_recorder_record (r, 103, T0 + 10001 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 100);
  g_assert_cmpuint (fb.n, ==, 2);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 2);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 102);
  g_assert_cmpuint (fb.n, ==, 2);
  assert_time (fb.time_us[0], T0 + 10000 * MS);
  assert_time (fb.time_us[1], T0 + 10001 * MS);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 0);

  /* 8.19 s still fits in one feedback as a large delta. */
  sh_twcc_recorder_record (r, 104, T0 + 18190 * MS);
  sh_twcc_recorder_record (r, 105, T0 + 18190 * MS + 8191 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.n, ==, 2);
  assert_time (fb.time_us[1], T0 + 26381 * MS);

  /* 107 arrives 10 s after 106 and 108: a delta beyond 16 bits forwards,
   * then one backwards, so each packet takes its own feedback. */
  sh_twcc_recorder_record (r, 106, T0 + 30000 * MS);
  sh_twcc_recorder_record (r, 108, T0 + 30001 * MS);
  sh_twcc_recorder_record (r, 107, T0 + 40001 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 106);
  g_assert_cmpuint (fb.n, ==, 1);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 107);
  g_assert_cmpuint (fb.n, ==, 1);
  assert_time (fb.time_us[0], T0 + 40001 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 108);
  g_assert_cmpuint (fb.n, ==, 1);
  assert_time (fb.time_us[0], T0 + 30001 * MS);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 0);

  /* 4 s either way fits a large delta: 110 comes 4 s after 109 and 111. */
  sh_twcc_recorder_record (r, 109, T0 + 50000 * MS);
  sh_twcc_recorder_record (r, 111, T0 + 50001 * MS);
  sh_twcc_recorder_record (r, 110, T0 + 54001 * MS);
  sh_twcc_recorder_record (r, 112, T0 + 54002 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 109);
  g_assert_cmpuint (fb.n, ==, 4);
  g_assert_cmpint (fb.packets[1].delta, >, 255);
  g_assert_cmpint (fb.packets[2].delta, <, -255);
  assert_time (fb.time_us[0], T0 + 50000 * MS);
  assert_time (fb.time_us[1], T0 + 54001 * MS);
  assert_time (fb.time_us[2], T0 + 50001 * MS);
  assert_time (fb.time_us[3], T0 + 54002 * MS);
}

/* fb_count goes up by one per feedback and wraps at 256; a call with
 * nothing pending neither writes nor counts. */
static void
test_fb_count (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;

  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 0);
  g_assert_cmpint (write_parse (r, 1500, &fb), ==, 0);
  for (guint i = 0; i < 300; i++) {
    sh_twcc_recorder_record (r, (guint16) i, T0 + i * 20 * MS);
    g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
    g_assert_cmpuint (fb.header.fb_count, ==, i % 256);
    g_assert_cmpuint (fb.header.base_seq, ==, i);
    g_assert_cmpint (write_parse (r, 1500, &fb), ==, 0);
  }
}

/* Too small for one status: an error and no change. Room for some: a
 * shorter feedback, the rest next time, nothing lost or repeated. More than
 * the status limit: split at it. */
static void
test_no_space (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  guint8 small[23];
  guint16 expect = 7000;
  guint total = 0, n_feedbacks = 0, largest = 0;

  for (guint i = 0; i < 2500; i++) {
    /* Every third packet lost, spacing varied so that vectors are needed. */
    if (i % 3 != 2)
      sh_twcc_recorder_record (r, (guint16) (7000 + i), T0 + i * MS + (i % 5) * 300);
  }
  /* The highest, 7000 + 2499, is received: 2500 pending. */
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 2500);
  g_assert_cmpint (sh_twcc_recorder_write (r, SENDER, MEDIA, small, sizeof small), ==,
                   SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (sh_twcc_recorder_write (r, SENDER, MEDIA, small, 0), ==, SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 2500);

  /* 64-byte buffers: a few statuses each, in order, each one once. */
  for (guint round = 0; round < 5; round++) {
    g_assert_cmpint (write_parse (r, 64, &fb), >, 0);
    g_assert_cmpuint (fb.header.base_seq, ==, expect);
    g_assert_cmpuint (fb.header.fb_count, ==, n_feedbacks++);
    for (guint k = 0; k < fb.n; k++) {
      guint i = (guint) (guint16) (expect + k - 7000);

      g_assert_cmpint (fb.packets[k].received, ==, i % 3 != 2);
      if (fb.packets[k].received)
        assert_time (fb.time_us[k], T0 + i * MS + (i % 5) * 300);
    }
    expect = (guint16) (expect + fb.n);
    total += fb.n;
  }
  g_assert_cmpuint (total, >, 5);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 2500 - total);

  /* Then large buffers: at most SH_TWCC_RECORDER_MAX_STATUSES each. */
  while (sh_twcc_recorder_pending (r) > 0) {
    g_assert_cmpint (write_parse (r, 4096, &fb), >, 0);
    g_assert_cmpuint (fb.header.base_seq, ==, expect);
    g_assert_cmpuint (fb.n, <=, SH_TWCC_RECORDER_MAX_STATUSES);
    largest = MAX (largest, fb.n);
    for (guint k = 0; k < fb.n; k++) {
      guint i = (guint) (guint16) (expect + k - 7000);

      g_assert_cmpint (fb.packets[k].received, ==, i % 3 != 2);
      if (fb.packets[k].received)
        assert_time (fb.time_us[k], T0 + i * MS + (i % 5) * 300);
    }
    expect = (guint16) (expect + fb.n);
    total += fb.n;
  }
  g_assert_cmpuint (total, ==, 2500);
  g_assert_cmpuint (largest, ==, SH_TWCC_RECORDER_MAX_STATUSES);
}

/* A writer that falls behind by more than the window loses the oldest
 * statuses only; a huge jump of the numbering restarts it. */
static void
test_overrun_and_restart (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  static Feedback fb;
  ShTwccRecorderStats stats;

  for (guint i = 0; i < 5000; i++)
    sh_twcc_recorder_record (r, (guint16) (60000 + i), T0 + i * MS);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, SH_TWCC_RECORDER_WINDOW);
  g_assert_cmpint (write_parse (r, 4096, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, (guint16) (60000 + 5000 - SH_TWCC_RECORDER_WINDOW));
  assert_time (fb.time_us[0], T0 + (5000 - SH_TWCC_RECORDER_WINDOW) * MS);
  sh_twcc_recorder_get_stats (r, &stats);
  g_assert_cmpuint (stats.dropped, ==, 5000 - SH_TWCC_RECORDER_WINDOW);
  while (sh_twcc_recorder_pending (r) > 0)
    g_assert_cmpint (write_parse (r, 4096, &fb), >, 0);

  /* Forward by 30000: a new numbering, not 30000 losses. */
  sh_twcc_recorder_record (r, (guint16) (60000 + 4999 + 30000), T0 + 6000 * MS);
  sh_twcc_recorder_record (r, (guint16) (60000 + 5000 + 30000), T0 + 6001 * MS);
  g_assert_cmpint (sh_twcc_recorder_pending (r), ==, 2);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, (guint16) (60000 + 4999 + 30000));
  g_assert_cmpuint (fb.n, ==, 2);
  assert_time (fb.time_us[1], T0 + 6001 * MS);

  /* Backwards by more than the window: a new numbering too, whose first
   * packets are reported although their numbers are "older". */
  sh_twcc_recorder_record (r, 10, T0 + 7000 * MS);
  sh_twcc_recorder_record (r, 11, T0 + 7001 * MS);
  g_assert_cmpint (write_parse (r, 1500, &fb), >, 0);
  g_assert_cmpuint (fb.header.base_seq, ==, 10);
  g_assert_cmpuint (fb.n, ==, 2);
  sh_twcc_recorder_get_stats (r, &stats);
  g_assert_cmpuint (stats.restarts, ==, 2);
}

/* Seeded random loss, reordering and duplication, written at irregular
 * times: every feedback continues the previous one, and each status says
 * received exactly when the packet had arrived before that write (its first
 * copy's time). */
static void
test_random_against_model (void)
{
  g_autoptr (ShTwccRecorder) r = sh_twcc_recorder_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (20260101);
  static Feedback fb;
  static gint64 first_arrival[65536];
  static gboolean reported[65536];
  guint16 expect = 0, held = 0;
  gboolean holding = FALSE, have_expect = FALSE;
  gint64 now = T0;
  guint total = 0;

  for (guint i = 0; i < 65536; i++)
    first_arrival[i] = -1;
  for (guint i = 0; i < 20000; i++) {
    guint16 s = (guint16) (65000 + i);
    guint copies = 1 + (g_rand_int_range (rand, 0, 100) < 3);
    gboolean lost = g_rand_int_range (rand, 0, 100) < 5;
    gboolean hold = !holding && g_rand_int_range (rand, 0, 100) < 5;

    now += g_rand_int_range (rand, 0, 3000);
    if (lost)
      continue;
    if (hold) {
      held = s; /* delivered after the next one (maybe after a write) */
      holding = TRUE;
      continue;
    }
    for (guint copy = 0; copy < copies; copy++) {
      if (first_arrival[s] < 0 && !reported[s])
        first_arrival[s] = now;
      sh_twcc_recorder_record (r, s, now);
    }
    if (holding) {
      if (first_arrival[held] < 0 && !reported[held])
        first_arrival[held] = now;
      sh_twcc_recorder_record (r, held, now);
      holding = FALSE;
    }
    if (g_rand_int_range (rand, 0, 100) < 4) {
      while (write_parse (r, 1500, &fb) > 0) {
        if (!have_expect)
          expect = fb.header.base_seq;
        have_expect = TRUE;
        g_assert_cmpuint (fb.header.base_seq, ==, expect);
        for (guint k = 0; k < fb.n; k++) {
          guint16 q = (guint16) (expect + k);

          g_assert_false (reported[q]);
          g_assert_cmpint (fb.packets[k].received, ==, first_arrival[q] >= 0);
          if (fb.packets[k].received)
            assert_time (fb.time_us[k], first_arrival[q]);
          reported[q] = TRUE;
        }
        expect = (guint16) (expect + fb.n);
        total += fb.n;
      }
    }
  }
  g_assert_cmpuint (total, >, 19000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/twcc-recorder/no-drift", test_no_drift);
  g_test_add_func ("/twcc-recorder/losses", test_losses);
  g_test_add_func ("/twcc-recorder/reordering", test_reordering);
  g_test_add_func ("/twcc-recorder/duplicates-and-late", test_duplicates_and_late);
  g_test_add_func ("/twcc-recorder/wrap", test_wrap);
  g_test_add_func ("/twcc-recorder/large-delta", test_large_delta);
  g_test_add_func ("/twcc-recorder/fb-count", test_fb_count);
  g_test_add_func ("/twcc-recorder/no-space", test_no_space);
  g_test_add_func ("/twcc-recorder/overrun-and-restart", test_overrun_and_restart);
  g_test_add_func ("/twcc-recorder/random-against-model", test_random_against_model);
  return g_test_run ();
}
