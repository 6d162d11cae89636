/* Tests for the keyframe request limiter: bursts collapse into one request,
 * a request inside the interval goes out at its end, a keyframe cancels what
 * waits, FIR command sequence numbers follow RFC 5104, and what is written
 * parses back as the PLI or FIR it claims to be. Time is simulated.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "keyframe-limiter.h"
#include "rtcp.h"

#define MS G_TIME_SPAN_MILLISECOND
#define SENDER 0x5f5f5f5fu
#define MEDIA 0x12345678u

/* Parses @buf as one feedback message from SENDER about MEDIA; returns its
 * FMT, and for a FIR its command sequence number in *@fir_seq. */
static guint8
parse_request (const guint8 *buf, int len, guint8 *fir_seq)
{
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpFb fb;

  g_assert_cmpint (len, >, 0);
  sh_rtcp_iter_init (&iter, buf, (gsize) len);
  g_assert_true (sh_rtcp_iter_next (&iter, &packet));
  g_assert_cmpuint (packet.len, ==, (gsize) len);
  g_assert_cmpint (sh_rtcp_parse_fb (&packet, &fb), ==, SH_RTCP_OK);
  g_assert_cmpuint (fb.type, ==, SH_RTCP_PSFB);
  g_assert_cmphex (fb.sender_ssrc, ==, SENDER);
  if (fb.fmt == SH_RTCP_FMT_FIR) {
    ShRtcpFirEntry entry;

    g_assert_cmpint (sh_rtcp_parse_fir (&fb, &entry, 1), ==, 1);
    g_assert_cmphex (entry.ssrc, ==, MEDIA);
    *fir_seq = entry.seq;
  } else {
    g_assert_true (sh_rtcp_fb_is_pli (&fb));
    g_assert_cmphex (fb.media_ssrc, ==, MEDIA);
  }
  return fb.fmt;
}

/* Takes a due request as a PLI; returns the bytes written. */
static int
take_pli (ShKeyframeLimiter *l, gint64 now)
{
  guint8 buf[64];
  guint8 unused;
  int n = sh_keyframe_limiter_take (l, now, FALSE, SENDER, MEDIA, buf, sizeof buf);

  if (n > 0)
    g_assert_cmpuint (parse_request (buf, n, &unused), ==, SH_RTCP_FMT_PLI);
  return n;
}

/* Takes a due request as a FIR and returns its sequence number; -1 when
 * nothing was due. */
static int
take_fir (ShKeyframeLimiter *l, gint64 now)
{
  guint8 buf[64];
  guint8 seq = 0;
  int n = sh_keyframe_limiter_take (l, now, TRUE, SENDER, MEDIA, buf, sizeof buf);

  if (n == 0)
    return -1;
  g_assert_cmpuint (parse_request (buf, n, &seq), ==, SH_RTCP_FMT_FIR);
  return seq;
}

/* 100 subscribers ask within 100 ms: one request goes out at once, and the
 * rest, still unanswered, exactly one more when the interval ends. */
static void
test_burst (void)
{
  ShKeyframeLimiter l;
  gint64 now = 1000 * MS;
  int sent = 0;

  sh_keyframe_limiter_init (&l, 0);
  g_assert_cmpint (l.interval_us, ==, 500 * MS);
  g_assert_false (sh_keyframe_limiter_due (&l, now));
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, -1);
  g_assert_cmpint (take_pli (&l, now), ==, 0);

  for (int i = 0; i < 100; i++, now += MS) {
    sh_keyframe_limiter_request (&l, now);
    if (take_pli (&l, now) > 0)
      sent++;
  }
  g_assert_cmpint (sent, ==, 1);
  g_assert_cmpuint (l.n_requests, ==, 100);
  /* The ones after the first wait for the end of the interval. */
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, 1500 * MS);
  for (; now < 1500 * MS; now += 10 * MS)
    g_assert_cmpint (take_pli (&l, now), ==, 0);
  g_assert_true (sh_keyframe_limiter_due (&l, 1500 * MS));
  g_assert_cmpint (take_pli (&l, 1500 * MS), >, 0);
  g_assert_cmpuint (l.n_sent, ==, 2);
  /* Nothing more waits. */
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, -1);
  g_assert_cmpint (take_pli (&l, 5000 * MS), ==, 0);
}

/* A single request inside the interval is not lost: it goes out as soon as
 * the interval since the last one sent is over. */
static void
test_deferred (void)
{
  ShKeyframeLimiter l;

  sh_keyframe_limiter_init (&l, 300 * MS);
  sh_keyframe_limiter_request (&l, 0);
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, 0);
  g_assert_cmpint (take_pli (&l, 0), >, 0);
  sh_keyframe_limiter_request (&l, 299 * MS);
  g_assert_false (sh_keyframe_limiter_due (&l, 299 * MS));
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, 300 * MS);
  g_assert_cmpint (take_pli (&l, 299 * MS), ==, 0);
  /* The timer fires late: the request is still there. */
  g_assert_cmpint (take_pli (&l, 450 * MS), >, 0);
  /* The next interval counts from when it was really sent. */
  sh_keyframe_limiter_request (&l, 500 * MS);
  g_assert_cmpint (take_pli (&l, 749 * MS), ==, 0);
  g_assert_cmpint (take_pli (&l, 750 * MS), >, 0);
  /* Long after, a request goes out at once. */
  sh_keyframe_limiter_request (&l, 10000 * MS);
  g_assert_cmpint (take_pli (&l, 10000 * MS), >, 0);
}

/* A keyframe answers every request made before it: what waits is dropped;
 * a request after it is a new one. */
static void
test_keyframe_cancels (void)
{
  ShKeyframeLimiter l;

  sh_keyframe_limiter_init (&l, 500 * MS);
  sh_keyframe_limiter_request (&l, 0);
  g_assert_cmpint (take_pli (&l, 0), >, 0);
  for (int i = 1; i <= 30; i++)
    sh_keyframe_limiter_request (&l, i * 10 * MS);
  sh_keyframe_limiter_keyframe_arrived (&l, 320 * MS);
  g_assert_cmpint (l.last_keyframe_us, ==, 320 * MS);
  g_assert_false (sh_keyframe_limiter_due (&l, 500 * MS));
  g_assert_cmpint (sh_keyframe_limiter_next_due_us (&l), ==, -1);
  for (gint64 t = 320 * MS; t < 3000 * MS; t += 50 * MS)
    g_assert_cmpint (take_pli (&l, t), ==, 0);
  g_assert_cmpuint (l.n_sent, ==, 1);

  /* A keyframe with nothing asked changes nothing either. */
  sh_keyframe_limiter_keyframe_arrived (&l, 3000 * MS);
  g_assert_cmpint (take_pli (&l, 3000 * MS), ==, 0);
  sh_keyframe_limiter_request (&l, 3001 * MS);
  g_assert_cmpint (take_pli (&l, 3001 * MS), >, 0);
}

/* FIR: a new request takes the next command sequence number, wrapping at
 * 8 bits; repeating a request no keyframe answered keeps its number. */
static void
test_fir_seq (void)
{
  ShKeyframeLimiter l;
  gint64 now = 0;
  int first;

  sh_keyframe_limiter_init (&l, 500 * MS);
  sh_keyframe_limiter_request (&l, now);
  first = take_fir (&l, now);
  g_assert_cmpint (first, ==, 0);
  /* Unanswered and asked again: a repetition, same number. */
  sh_keyframe_limiter_request (&l, now + 100 * MS);
  g_assert_cmpint (take_fir (&l, now + 500 * MS), ==, 0);

  for (int i = 1; i <= 300; i++) {
    now += 1000 * MS;
    sh_keyframe_limiter_keyframe_arrived (&l, now);
    sh_keyframe_limiter_request (&l, now + 1);
    g_assert_cmpint (take_fir (&l, now + 1), ==, i & 0xff);
  }

  /* A PLI in between does not consume a FIR number. */
  now += 1000 * MS;
  sh_keyframe_limiter_keyframe_arrived (&l, now);
  sh_keyframe_limiter_request (&l, now);
  g_assert_cmpint (take_pli (&l, now), >, 0);
  now += 1000 * MS;
  sh_keyframe_limiter_keyframe_arrived (&l, now);
  sh_keyframe_limiter_request (&l, now);
  g_assert_cmpint (take_fir (&l, now), ==, 301 & 0xff);
}

/* An output too small for the message: an error, and the request stays due
 * with its FIR number unspent. */
static void
test_no_space (void)
{
  ShKeyframeLimiter l;
  guint8 buf[64];
  guint8 seq = 0xee;
  int n;

  sh_keyframe_limiter_init (&l, 500 * MS);
  sh_keyframe_limiter_request (&l, 0);
  g_assert_cmpint (sh_keyframe_limiter_take (&l, 0, FALSE, SENDER, MEDIA, buf, 11), <, 0);
  g_assert_cmpint (sh_keyframe_limiter_take (&l, 0, TRUE, SENDER, MEDIA, buf, 19), <, 0);
  g_assert_true (sh_keyframe_limiter_due (&l, 0));
  g_assert_cmpuint (l.n_sent, ==, 0);
  n = sh_keyframe_limiter_take (&l, 0, TRUE, SENDER, MEDIA, buf, 20);
  g_assert_cmpint (n, ==, 20);
  g_assert_cmpuint (parse_request (buf, n, &seq), ==, SH_RTCP_FMT_FIR);
  g_assert_cmpuint (seq, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/keyframe-limiter/burst", test_burst);
  g_test_add_func ("/keyframe-limiter/deferred", test_deferred);
  g_test_add_func ("/keyframe-limiter/keyframe-cancels", test_keyframe_cancels);
  g_test_add_func ("/keyframe-limiter/fir-seq", test_fir_seq);
  g_test_add_func ("/keyframe-limiter/no-space", test_no_space);
  return g_test_run ();
}
