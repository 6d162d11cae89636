/* Tests for transport-wide congestion control feedback: a hand-built vector
 * with run-length and 2-bit chunks and large and negative deltas, the 1-bit
 * vector, a long round trip across the sequence wrap, and every way the
 * chunks or deltas can fall short. Parses read exact-size heap copies so
 * that ASan sees any read past the end.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rtcp.h"

static void
fb_of (const guint8 *buf, gsize len, guint8 **copy, ShRtcpFb *fb)
{
  ShRtcpIter iter;
  ShRtcpPacket packet;

  *copy = g_memdup2 (buf, len);
  sh_rtcp_iter_init (&iter, *copy, len);
  g_assert_true (sh_rtcp_iter_next (&iter, &packet));
  g_assert_false (sh_rtcp_iter_next (&iter, &packet));
  g_assert_cmpint (iter.error, ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_fb (&packet, fb), ==, SH_RTCP_OK);
}

/* Hand-built transport-cc feedback: base 100, 9 packets, reference time -2,
 * feedback count 5; a run of 3 small deltas, then a 2-bit vector
 * [large, lost, small, large, lost, lost, (unused)]. */
static const guint8 twcc_vector[] = {
  0x8f, 0xcd, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, /* header */
  0x00, 0x64, 0x00, 0x09, 0xff, 0xff, 0xfe, 0x05, /* base, count, ref time, fb count */
  0x20, 0x03, 0xe1, 0x80,                         /* chunks */
  0x01, 0x02, 0xff, 0x01, 0x2c, 0x10, 0xff, 0xfb, /* deltas */
};

static void
test_twcc_vector (void)
{
  static const gboolean received[] = { 1, 1, 1, 1, 0, 1, 1, 0, 0 };
  static const gint32 deltas[] = { 1, 2, 255, 300, 0, 16, -5, 0, 0 };
  g_autofree guint8 *copy = NULL;
  ShRtcpTwccPacket packets[16];
  ShRtcpTwcc twcc;
  ShRtcpFb fb;
  guint8 buf[64];
  int n;

  /* Zeroed so that the structs' padding compares equal too. */
  memset (packets, 0, sizeof packets);
  fb_of (twcc_vector, sizeof twcc_vector, &copy, &fb);
  g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc, packets, 16), ==, 9);
  g_assert_cmpuint (twcc.base_seq, ==, 100);
  g_assert_cmpuint (twcc.status_count, ==, 9);
  g_assert_cmpint (twcc.reference_time, ==, -2);
  g_assert_cmpuint (twcc.fb_count, ==, 5);
  for (guint i = 0; i < 9; i++) {
    g_assert_cmpuint (packets[i].seq, ==, 100 + i);
    g_assert_cmpint (packets[i].received, ==, received[i]);
    g_assert_cmpint (packets[i].delta, ==, deltas[i]);
  }
  g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc, packets, 8), ==, SH_RTCP_ERR_NO_SPACE);

  /* Writing the parsed list gives a packet that parses to the same list. */
  n = sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, 9);
  g_assert_cmpint (n, >, 0);
  {
    g_autofree guint8 *copy2 = NULL;
    ShRtcpTwccPacket again[16];
    ShRtcpTwcc twcc2;

    memset (again, 0, sizeof again);
    fb_of (buf, (gsize) n, &copy2, &fb);
    g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc2, again, 16), ==, 9);
    g_assert_cmpint (twcc2.reference_time, ==, -2);
    g_assert_cmpmem (again, 9 * sizeof *again, packets, 9 * sizeof *packets);
  }
}

static void
test_twcc_one_bit_vector (void)
{
  ShRtcpTwccPacket packets[14];
  ShRtcpTwcc twcc = { .base_seq = 7, .reference_time = 1000, .fb_count = 0 };
  guint8 buf[64];
  int n;

  memset (packets, 0, sizeof packets);
  for (guint i = 0; i < 14; i += 2) {
    packets[i].received = TRUE;
    packets[i].delta = (gint32) i;
  }
  n = sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, 14);
  /* 12 + 8 + one chunk + 7 one-byte deltas = 29, padded to 32. */
  g_assert_cmpint (n, ==, 32);
  g_assert_cmphex ((buf[20] << 8) | buf[21], ==, 0xaaaa);
  g_assert_cmphex (buf[0] & 0x20, ==, 0x20);
  g_assert_cmpuint (buf[31], ==, 3);
}

static void
test_twcc_round_trip_mixed (void)
{
  /* 200 packets across the sequence wrap: long runs of received and lost
   * packets, isolated losses, large and negative deltas. */
  ShRtcpTwccPacket packets[200], parsed[200];
  ShRtcpTwcc twcc = { .base_seq = 65500, .reference_time = -8388608, .fb_count = 255 };
  ShRtcpTwcc twcc_parsed;
  guint8 buf[1024];
  int n;

  memset (packets, 0, sizeof packets);
  memset (parsed, 0, sizeof parsed);
  for (guint i = 0; i < 200; i++) {
    packets[i].seq = (guint16) (65500 + i);
    packets[i].received = !(i >= 40 && i < 70) && i % 13 != 5;
    if (!packets[i].received)
      packets[i].delta = 0;
    else if (i % 17 == 3)
      packets[i].delta = 8000 + (gint32) i; /* 2 s: large */
    else if (i % 29 == 1)
      packets[i].delta = -(gint32) i; /* reordered: negative */
    else
      packets[i].delta = (gint32) (i % 200);
  }
  n = sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, 200);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n % 4, ==, 0);
  {
    g_autofree guint8 *copy = NULL;
    ShRtcpFb fb;

    fb_of (buf, (gsize) n, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc_parsed, parsed, 200), ==, 200);
  }
  g_assert_cmpint (twcc_parsed.reference_time, ==, -8388608);
  g_assert_cmpuint (twcc_parsed.fb_count, ==, 255);
  g_assert_cmpuint (twcc_parsed.base_seq, ==, 65500);
  g_assert_cmpmem (parsed, sizeof parsed, packets, sizeof packets);

  /* A delta beyond 16 bits cannot be written. */
  packets[10].delta = 40000;
  g_assert_cmpint (sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, 200), ==,
                   SH_RTCP_ERR_INVALID);
  g_assert_cmpint (sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, 0), ==,
                   SH_RTCP_ERR_INVALID);
  packets[10].delta = 4;
  g_assert_cmpint (sh_rtcp_write_twcc (buf, 40, 1, 2, &twcc, packets, 200), ==,
                   SH_RTCP_ERR_NO_SPACE);
}

static void
test_twcc_malformed (void)
{
  ShRtcpTwccPacket packets[64];
  ShRtcpTwcc twcc;
  guint8 buf[sizeof twcc_vector];

  struct {
    gsize fci_len; /* cut the FCI here */
    guint16 status_count;
    int expected;
  } cases[] = {
    { 20, 9, 9 },                      /* the vector as it is */
    { 20, 10, 10 },                    /* the vector's unused 7th symbol, "lost" */
    { 20, 20, SH_RTCP_ERR_MALFORMED }, /* more packets than chunks and deltas */
    { 12, 20, SH_RTCP_ERR_MALFORMED }, /* chunks run out */
    { 19, 9, SH_RTCP_ERR_MALFORMED },  /* last delta cut */
    { 10, 9, SH_RTCP_ERR_MALFORMED },  /* second chunk missing */
    { 7, 9, SH_RTCP_ERR_TRUNCATED },   /* header cut */
    { 20, 0, SH_RTCP_ERR_MALFORMED },  /* describes nothing */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree guint8 *copy = NULL;
    ShRtcpFb fb;

    memcpy (buf, twcc_vector, sizeof buf);
    buf[14] = (guint8) (cases[i].status_count >> 8);
    buf[15] = (guint8) cases[i].status_count;
    fb_of (buf, sizeof buf, &copy, &fb);
    /* An exact-size FCI so that ASan sees a read past the cut. */
    g_autofree guint8 *fci = g_memdup2 (fb.fci, cases[i].fci_len);
    fb.fci = fci;
    fb.fci_len = cases[i].fci_len;
    g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc, packets, 64), ==, cases[i].expected);
  }

  {
    /* The reserved symbol 3 in a 2-bit vector. */
    g_autofree guint8 *copy = NULL;
    ShRtcpFb fb;

    memcpy (buf, twcc_vector, sizeof buf);
    buf[22] = 0xf1;
    fb_of (buf, sizeof buf, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc, packets, 64), ==, SH_RTCP_ERR_MALFORMED);
  }
}

static void
test_twcc_random_round_trip (void)
{
  /* Random lists of every shape: write, parse, compare. */
  for (guint round = 0; round < 300; round++) {
    guint n = (guint) g_test_rand_int_range (1, 400);
    g_autofree ShRtcpTwccPacket *packets = g_new0 (ShRtcpTwccPacket, n);
    g_autofree ShRtcpTwccPacket *parsed = g_new0 (ShRtcpTwccPacket, n);
    ShRtcpTwcc twcc = { .base_seq = (guint16) g_test_rand_int_range (0, 65536),
                        .reference_time = g_test_rand_int_range (-8388608, 8388608),
                        .fb_count = (guint8) round };
    ShRtcpTwcc twcc_parsed;
    guint8 buf[2048];
    int len;
    /* Vary the mix: mostly received, mostly lost, mostly large. */
    gint32 p_lost = g_test_rand_int_range (0, 100), p_large = g_test_rand_int_range (0, 100);

    for (guint i = 0; i < n; i++) {
      packets[i].seq = (guint16) (twcc.base_seq + i);
      packets[i].received = g_test_rand_int_range (0, 100) >= p_lost;
      if (packets[i].received)
        packets[i].delta = g_test_rand_int_range (0, 100) < p_large
                               ? g_test_rand_int_range (G_MININT16, G_MAXINT16 + 1)
                               : g_test_rand_int_range (0, 256);
    }
    len = sh_rtcp_write_twcc (buf, sizeof buf, 1, 2, &twcc, packets, n);
    g_assert_cmpint (len, >, 0);
    {
      g_autofree guint8 *copy = NULL;
      ShRtcpFb fb;

      fb_of (buf, (gsize) len, &copy, &fb);
      g_assert_cmpint (sh_rtcp_parse_twcc (&fb, &twcc_parsed, parsed, n), ==, (int) n);
    }
    g_assert_cmpint (twcc_parsed.reference_time, ==, twcc.reference_time);
    g_assert_cmpmem (parsed, n * sizeof *parsed, packets, n * sizeof *packets);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp-twcc/vector", test_twcc_vector);
  g_test_add_func ("/rtcp-twcc/one-bit-vector", test_twcc_one_bit_vector);
  g_test_add_func ("/rtcp-twcc/round-trip-mixed", test_twcc_round_trip_mixed);
  g_test_add_func ("/rtcp-twcc/malformed", test_twcc_malformed);
  g_test_add_func ("/rtcp-twcc/random-round-trip", test_twcc_random_round_trip);
  return g_test_run ();
}
