/* Tests for the sent-packet cache: storage across the 16-bit wrap, slots
 * that were overwritten or fell out of the window, RTX packets that parse
 * back to the exact original, and the re-send limits by time and count.
 * Time is passed in, so nothing sleeps.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "packet-cache.h"
#include "rtp.h"

#define SSRC 0x5A5A0001u
#define RTX_SSRC 0x5A5A0002u
#define PT 96
#define RTX_PT 97
#define MS 1000

/* A VP8-shaped packet with a one-byte extension block (mid "1") whose
 * payload bytes depend on @seq, so that a wrong slot shows. */
static gsize
make_packet (guint8 *buf, guint16 seq, gsize payload_len)
{
  static const guint8 header[] = {
    0x90, PT,   0,    0,    0x00, 0x01, 0x5f, 0x90, 0x5a, 0x5a, 0x00, 0x01, /* fixed, X=1 */
    0xbe, 0xde, 0x00, 0x01, 0x40, '1',  0x00, 0x00,                         /* mid, padding */
  };

  memcpy (buf, header, sizeof header);
  buf[2] = (guint8) (seq >> 8);
  buf[3] = (guint8) seq;
  for (gsize i = 0; i < payload_len; i++)
    buf[sizeof header + i] = (guint8) (seq * 7 + i);
  return sizeof header + payload_len;
}

static ShPacketCache *
new_cache (guint n_slots, guint16 rtx_first_seq)
{
  ShPacketCacheConfig config;
  ShPacketCache *cache;

  sh_packet_cache_config_init (&config);
  config.n_slots = n_slots;
  config.rtx_ssrc = RTX_SSRC;
  config.rtx_payload_type = RTX_PT;
  config.rtx_first_seq = rtx_first_seq;
  cache = sh_packet_cache_new (&config);
  g_assert_nonnull (cache);
  return cache;
}

static void
insert_seq (ShPacketCache *cache, guint16 seq, gint64 now_us)
{
  guint8 buf[1500];
  gsize len = make_packet (buf, seq, 100 + seq % 50);

  g_assert_cmpint (sh_packet_cache_insert (cache, buf, len, now_us), ==, SH_PACKET_CACHE_OK);
}

/* The cached packet for @seq is byte for byte what was inserted. */
static void
assert_cached (ShPacketCache *cache, guint16 seq)
{
  guint8 expect[1500];
  gsize expect_len = make_packet (expect, seq, 100 + seq % 50), len = 0;
  const guint8 *got = sh_packet_cache_lookup (cache, seq, &len, NULL);

  g_assert_nonnull (got);
  g_assert_cmpmem (got, len, expect, expect_len);
}

static void
test_config (void)
{
  ShPacketCacheConfig config;
  g_autoptr (ShPacketCache) rounded = NULL;
  g_autoptr (ShPacketCache) video = NULL;

  sh_packet_cache_config_init (&config);
  g_assert_cmpuint (config.n_slots, ==, SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS);
  g_assert_cmpint (config.min_interval_us, ==, 100 * MS);
  g_assert_cmpuint (config.max_retransmits, ==, 3);
  video = sh_packet_cache_new (&config);
  g_assert_cmpuint (sh_packet_cache_n_slots (video), ==, 512);

  /* A power of two keeps seq & mask consistent across the wrap. */
  config.n_slots = 300;
  rounded = sh_packet_cache_new (&config);
  g_assert_cmpuint (sh_packet_cache_n_slots (rounded), ==, 512);

  config.n_slots = SH_PACKET_CACHE_MAX_SLOTS + 1;
  g_assert_null (sh_packet_cache_new (&config));
  config.n_slots = 64;
  config.rtx_payload_type = 128;
  g_assert_null (sh_packet_cache_new (&config));
}

static void
test_insert_lookup (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);
  gsize len = 0;
  gint64 sent_us = 0;

  g_assert_null (sh_packet_cache_lookup (cache, 1000, NULL, NULL));
  for (guint16 seq = 1000; seq < 1050; seq++)
    insert_seq (cache, seq, seq * MS);
  for (guint16 seq = 1000; seq < 1050; seq++)
    assert_cached (cache, seq);
  g_assert_nonnull (sh_packet_cache_lookup (cache, 1010, &len, &sent_us));
  g_assert_cmpint (sent_us, ==, 1010 * MS);
  g_assert_cmpuint (len, ==, 20 + 100 + 1010 % 50);
  /* Never stored, and ahead of the newest. */
  g_assert_null (sh_packet_cache_lookup (cache, 999, NULL, NULL));
  g_assert_null (sh_packet_cache_lookup (cache, 1050, NULL, NULL));
}

static void
test_wraparound (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);

  for (guint i = 0; i < 40; i++)
    insert_seq (cache, (guint16) (65520 + i), i * MS);
  /* 65520..65535 and 0..23 are all there, on both sides of the wrap. */
  for (guint i = 0; i < 40; i++)
    assert_cached (cache, (guint16) (65520 + i));
  g_assert_null (sh_packet_cache_lookup (cache, 24, NULL, NULL));
  g_assert_null (sh_packet_cache_lookup (cache, 65519, NULL, NULL));
}

static void
test_overwritten (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);

  for (guint16 seq = 0; seq < 200; seq++)
    insert_seq (cache, seq, seq * MS);
  /* Only the last 64 remain; older ones share their slots with newer. */
  for (guint16 seq = 0; seq < 136; seq++)
    g_assert_null (sh_packet_cache_lookup (cache, seq, NULL, NULL));
  for (guint16 seq = 136; seq < 200; seq++)
    assert_cached (cache, seq);
}

static void
test_out_of_order_and_jumps (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);
  guint8 buf[1500];
  gsize len;

  insert_seq (cache, 100, 0);
  insert_seq (cache, 102, 0);
  /* Sent late, but inside the window: stored, the newest stays 102. */
  insert_seq (cache, 101, 0);
  assert_cached (cache, 101);
  assert_cached (cache, 102);
  /* A whole window behind the newest: refused. */
  len = make_packet (buf, 102 - 64, 10);
  g_assert_cmpint (sh_packet_cache_insert (cache, buf, len, 0), ==, SH_PACKET_CACHE_ERR_TOO_OLD);

  /* Jumps that go round the whole cycle (30100, 60000, 90, 101): slot
   * 100 & 63 still held the 100 of the first cycle, which must not come
   * back as the 100 of this one, which was never sent. */
  insert_seq (cache, 30100, 0);
  g_assert_null (sh_packet_cache_lookup (cache, 100, NULL, NULL));
  insert_seq (cache, 60000, 0);
  insert_seq (cache, 90, 0);
  insert_seq (cache, 101, 0);
  g_assert_null (sh_packet_cache_lookup (cache, 100, NULL, NULL));
  g_assert_null (sh_packet_cache_lookup (cache, 60000, NULL, NULL));
  assert_cached (cache, 90);
  assert_cached (cache, 101);
  /* Far behind the newest in serial arithmetic: refused. */
  len = make_packet (buf, 40000, 10);
  g_assert_cmpint (sh_packet_cache_insert (cache, buf, len, 0), ==, SH_PACKET_CACHE_ERR_TOO_OLD);

  sh_packet_cache_clear (cache);
  g_assert_null (sh_packet_cache_lookup (cache, 101, NULL, NULL));
  insert_seq (cache, 7, 0);
  assert_cached (cache, 7);
}

static void
test_malformed (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);
  guint8 big[1600];
  guint8 out[1600];
  gsize len;

  len = make_packet (big, 5, 8);
  g_assert_cmpint (sh_packet_cache_insert (cache, big, 11, 0), ==, SH_PACKET_CACHE_ERR_MALFORMED);
  big[0] = 0x50; /* version 1 */
  g_assert_cmpint (sh_packet_cache_insert (cache, big, len, 0), ==, SH_PACKET_CACHE_ERR_MALFORMED);
  len = make_packet (big, 5, SH_PACKET_CACHE_SLOT_SIZE);
  g_assert_cmpint (sh_packet_cache_insert (cache, big, len, 0), ==, SH_PACKET_CACHE_ERR_TOO_LARGE);
  /* Exactly a slot fits, and its RTX copy is two bytes longer. */
  len = make_packet (big, 5, SH_PACKET_CACHE_SLOT_SIZE - 20);
  g_assert_cmpint (sh_packet_cache_insert (cache, big, len, 0), ==, SH_PACKET_CACHE_OK);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 5, 0, out, len + 1), ==,
                   SH_PACKET_CACHE_ERR_NO_SPACE);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 5, 0, out, len + 2), ==, (int) len + 2);
  /* Stored bytes whose extension block is broken: inserted (the cache does
   * not parse), refused at retransmission. */
  len = make_packet (big, 6, 0);
  big[15] = 9; /* the block claims 9 words */
  g_assert_cmpint (sh_packet_cache_insert (cache, big, len, 0), ==, SH_PACKET_CACHE_OK);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 6, 0, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_MALFORMED);
}

/* Builds RTX for @seq and checks it against the original: RTX identity,
 * @rtx_seq, OSN, and an unwrap that gives back the exact original bytes. */
static void
assert_rtx (ShPacketCache *cache, guint16 seq, gint64 now_us, guint16 rtx_seq)
{
  guint8 rtx[1600], back[1600], orig[1500];
  gsize orig_len = make_packet (orig, seq, 100 + seq % 50);
  ShRtpView view, orig_view;
  guint16 osn = 0;
  int n, m;

  n = sh_packet_cache_retransmit (cache, seq, now_us, rtx, sizeof rtx);
  g_assert_cmpint (n, ==, (int) orig_len + 2);
  g_assert_cmpint (sh_rtp_parse (&view, rtx, (gsize) n), ==, SH_RTP_OK);
  g_assert_cmpuint (view.ssrc, ==, RTX_SSRC);
  g_assert_cmpuint (view.payload_type, ==, RTX_PT);
  g_assert_cmpuint (view.seq, ==, rtx_seq);
  g_assert_true (sh_rtp_rtx_osn (&view, &osn));
  g_assert_cmpuint (osn, ==, seq);
  g_assert_cmpint (sh_rtp_parse (&orig_view, orig, orig_len), ==, SH_RTP_OK);
  g_assert_cmpuint (view.timestamp, ==, orig_view.timestamp);
  g_assert_cmpuint (view.ext_len, ==, orig_view.ext_len);

  m = sh_rtp_rtx_unwrap (&view, SSRC, PT, back, sizeof back);
  g_assert_cmpmem (back, m, orig, orig_len);
}

static void
test_rtx (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 65534);
  ShPacketCacheStats stats;

  for (guint i = 0; i < 10; i++)
    insert_seq (cache, (guint16) (65530 + i), 0);
  /* The RTX stream numbers its packets itself, wrapping as well. */
  assert_rtx (cache, 65531, 10 * MS, 65534);
  assert_rtx (cache, 65535, 10 * MS, 65535);
  assert_rtx (cache, 0, 10 * MS, 0);
  assert_rtx (cache, 3, 10 * MS, 1);
  sh_packet_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.stored, ==, 10);
  g_assert_cmpuint (stats.retransmitted, ==, 4);
}

static void
test_not_found (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 10);
  guint8 out[1600];
  ShPacketCacheStats stats;

  for (guint16 seq = 0; seq < 100; seq++)
    insert_seq (cache, seq, 0);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 10, 0, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_NOT_FOUND);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 100, 0, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_NOT_FOUND);
  /* A refusal does not use up an RTX sequence number. */
  assert_rtx (cache, 99, 0, 10);
  sh_packet_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.not_found, ==, 2);
}

static void
test_limits (void)
{
  g_autoptr (ShPacketCache) cache = new_cache (64, 0);
  guint8 out[1600];
  ShPacketCacheStats stats;
  gint64 t = 1000 * MS;

  insert_seq (cache, 500, t);
  insert_seq (cache, 501, t);
  assert_rtx (cache, 500, t, 0);
  /* Within 100 ms of the last copy: refused, until the interval is over. */
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 500, t + 1 * MS, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_TOO_SOON);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 500, t + 99 * MS, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_TOO_SOON);
  /* Another packet has its own count and time. */
  assert_rtx (cache, 501, t + 1 * MS, 1);
  assert_rtx (cache, 500, t + 100 * MS, 2);
  assert_rtx (cache, 500, t + 200 * MS, 3);
  /* Three copies: no more, however long the wait. */
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 500, t + 10000 * MS, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_LIMIT);
  sh_packet_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.throttled, ==, 3);

  /* Sent again on the main stream (a new insert): counts start over. */
  insert_seq (cache, 500, t + 300 * MS);
  assert_rtx (cache, 500, t + 300 * MS, 4);
}

static void
test_rtt (void)
{
  ShPacketCacheConfig config;
  g_autoptr (ShPacketCache) cache = NULL;
  guint8 out[1600];

  sh_packet_cache_config_init (&config);
  config.n_slots = 16;
  config.min_interval_us = 50 * MS;
  config.max_retransmits = 5;
  config.rtx_ssrc = RTX_SSRC;
  config.rtx_payload_type = RTX_PT;
  cache = sh_packet_cache_new (&config);
  insert_seq (cache, 1, 0);
  assert_rtx (cache, 1, 0, 0);
  assert_rtx (cache, 1, 50 * MS, 1);
  /* A long round trip stretches the interval ... */
  sh_packet_cache_set_rtt (cache, 300 * MS);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 1, 349 * MS, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_TOO_SOON);
  assert_rtx (cache, 1, 350 * MS, 2);
  /* ... and a short one never shrinks it below the minimum. */
  sh_packet_cache_set_rtt (cache, 5 * MS);
  g_assert_cmpint (sh_packet_cache_retransmit (cache, 1, 399 * MS, out, sizeof out), ==,
                   SH_PACKET_CACHE_ERR_TOO_SOON);
  assert_rtx (cache, 1, 400 * MS, 3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/packet-cache/config", test_config);
  g_test_add_func ("/packet-cache/insert-lookup", test_insert_lookup);
  g_test_add_func ("/packet-cache/wraparound", test_wraparound);
  g_test_add_func ("/packet-cache/overwritten", test_overwritten);
  g_test_add_func ("/packet-cache/out-of-order-and-jumps", test_out_of_order_and_jumps);
  g_test_add_func ("/packet-cache/malformed", test_malformed);
  g_test_add_func ("/packet-cache/rtx", test_rtx);
  g_test_add_func ("/packet-cache/not-found", test_not_found);
  g_test_add_func ("/packet-cache/limits", test_limits);
  g_test_add_func ("/packet-cache/rtt", test_rtt);
  return g_test_run ();
}
