/* Tests for RTCP: a write → parse round trip for every packet type, NACK
 * lists and FCIs, REMB at large bitrates, the compound builder, and every
 * class of malformed input (transport-wide feedback: test-rtcp-twcc.c).
 * Untrusted bytes are parsed from exact-size heap copies so that ASan sees
 * any read past the end.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rtcp.h"

/* Parses the only packet of @buf (an exact-size copy kept in *@copy). */
static int
single_packet (const guint8 *buf, gsize len, guint8 **copy, ShRtcpPacket *packet)
{
  ShRtcpIter iter;

  *copy = g_memdup2 (buf, len);
  sh_rtcp_iter_init (&iter, *copy, len);
  if (!sh_rtcp_iter_next (&iter, packet))
    return iter.error != SH_RTCP_OK ? iter.error : SH_RTCP_ERR_TRUNCATED;
  g_assert_false (sh_rtcp_iter_next (&iter, packet));
  return iter.error;
}

static void
fb_of (const guint8 *buf, gsize len, guint8 **copy, ShRtcpFb *fb)
{
  ShRtcpPacket packet;

  g_assert_cmpint (single_packet (buf, len, copy, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_fb (&packet, fb), ==, SH_RTCP_OK);
}

static void
test_is_rtcp (void)
{
  static const guint8 rr[] = { 0x80, 0xc9, 0x00, 0x01 };
  static const guint8 sr[] = { 0x80, 0xc8, 0x00, 0x06 };
  static const guint8 rtp_opus[] = { 0x80, 0x6f, 0x00, 0x01 };
  static const guint8 rtp_marker_pt96[] = { 0x80, 0xe0, 0x00, 0x01 };
  static const guint8 rtp_marker_pt95[] = { 0x80, 0xdf, 0x00, 0x01 };

  g_assert_true (sh_rtcp_is_rtcp (rr, sizeof rr));
  g_assert_true (sh_rtcp_is_rtcp (sr, sizeof sr));
  g_assert_false (sh_rtcp_is_rtcp (rtp_opus, sizeof rtp_opus));
  g_assert_false (sh_rtcp_is_rtcp (rtp_marker_pt96, sizeof rtp_marker_pt96));
  /* RFC 5761 section 4: why RTP must not use payload types 64-95. */
  g_assert_true (sh_rtcp_is_rtcp (rtp_marker_pt95, sizeof rtp_marker_pt95));
  g_assert_false (sh_rtcp_is_rtcp (rr, 3));
  g_assert_false (sh_rtcp_is_rtcp (NULL, 0));
}

static ShRtcpReportBlock
sample_block (guint i)
{
  ShRtcpReportBlock block = {
    .ssrc = 0x1000 + i,
    .fraction_lost = (guint8) (i * 7),
    .cumulative_lost = i % 2 ? -(gint32) i * 3 : (gint32) i * 1000,
    .ext_highest_seq = 0x00020000 + i,
    .jitter = 90 * i,
    .lsr = 0xabcd0000 + i,
    .dlsr = 65536 * i,
  };
  return block;
}

static void
assert_blocks_equal (const ShRtcpReportBlock *a, const ShRtcpReportBlock *b, guint n)
{
  for (guint i = 0; i < n; i++) {
    g_assert_cmphex (a[i].ssrc, ==, b[i].ssrc);
    g_assert_cmpuint (a[i].fraction_lost, ==, b[i].fraction_lost);
    g_assert_cmpint (a[i].cumulative_lost, ==, b[i].cumulative_lost);
    g_assert_cmpuint (a[i].ext_highest_seq, ==, b[i].ext_highest_seq);
    g_assert_cmpuint (a[i].jitter, ==, b[i].jitter);
    g_assert_cmpuint (a[i].lsr, ==, b[i].lsr);
    g_assert_cmpuint (a[i].dlsr, ==, b[i].dlsr);
  }
}

static void
test_sr_round_trip (void)
{
  ShRtcpSr sr = {
    .ssrc = 0xdeadbeef,
    .ntp_timestamp = G_GUINT64_CONSTANT (0xe9a1b2c3d4e5f607),
    .rtp_timestamp = 0x12345678,
    .packet_count = 1000,
    .octet_count = 160000,
    .n_reports = 2,
  };
  ShRtcpSr parsed;
  ShRtcpPacket packet;
  g_autofree guint8 *copy = NULL;
  guint8 buf[1024];
  int n;

  sr.reports[0] = sample_block (0);
  sr.reports[1] = sample_block (1);
  sr.reports[1].cumulative_lost = -0x800000; /* the 24-bit minimum */
  n = sh_rtcp_write_sr (buf, sizeof buf, &sr);
  g_assert_cmpint (n, ==, 28 + 48);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_sr (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmphex (parsed.ssrc, ==, sr.ssrc);
  g_assert_cmphex (parsed.ntp_timestamp, ==, sr.ntp_timestamp);
  g_assert_cmphex (parsed.rtp_timestamp, ==, sr.rtp_timestamp);
  g_assert_cmpuint (parsed.packet_count, ==, sr.packet_count);
  g_assert_cmpuint (parsed.octet_count, ==, sr.octet_count);
  g_assert_cmpuint (parsed.n_reports, ==, 2);
  assert_blocks_equal (parsed.reports, sr.reports, 2);
  g_assert_cmpint (sh_rtcp_parse_rr (&packet, &(ShRtcpRr){ 0 }), ==, SH_RTCP_ERR_TYPE);

  g_assert_cmpint (sh_rtcp_write_sr (buf, (gsize) n - 1, &sr), ==, SH_RTCP_ERR_NO_SPACE);
  sr.n_reports = 32;
  g_assert_cmpint (sh_rtcp_write_sr (buf, sizeof buf, &sr), ==, SH_RTCP_ERR_INVALID);
}

static void
test_rr_round_trip (void)
{
  ShRtcpRr rr = { .ssrc = 1, .n_reports = SH_RTCP_MAX_COUNT };
  ShRtcpRr parsed;
  ShRtcpPacket packet;
  g_autofree guint8 *copy = NULL;
  g_autofree guint8 *copy2 = NULL;
  guint8 buf[1024];
  int n;

  for (guint i = 0; i < rr.n_reports; i++)
    rr.reports[i] = sample_block (i);
  n = sh_rtcp_write_rr (buf, sizeof buf, &rr);
  g_assert_cmpint (n, ==, 8 + 31 * 24);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_rr (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpuint (parsed.ssrc, ==, 1);
  g_assert_cmpuint (parsed.n_reports, ==, 31);
  assert_blocks_equal (parsed.reports, rr.reports, 31);

  /* An empty RR: what a sender-only peer sends first in a compound. */
  rr.n_reports = 0;
  n = sh_rtcp_write_rr (buf, sizeof buf, &rr);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy2, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_rr (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpuint (parsed.n_reports, ==, 0);
}

static void
test_sdes_round_trip (void)
{
  /* CNAME lengths that end on every alignment. */
  static const char *const cnames[] = { "a", "ab", "abc", "abcd", "f3a8Q+kX2mR9vB1zTq/w==" };
  ShRtcpSdes sdes = { .n_chunks = G_N_ELEMENTS (cnames) + 1 };
  ShRtcpSdes parsed;
  ShRtcpPacket packet;
  g_autofree guint8 *copy = NULL;
  guint8 buf[512];
  int n;

  for (guint i = 0; i < G_N_ELEMENTS (cnames); i++) {
    sdes.chunks[i].ssrc = 0xa0 + i;
    sdes.chunks[i].cname = (const guint8 *) cnames[i];
    sdes.chunks[i].cname_len = (guint8) strlen (cnames[i]);
  }
  sdes.chunks[G_N_ELEMENTS (cnames)].ssrc = 0xff; /* a chunk with no items */
  n = sh_rtcp_write_sdes (buf, sizeof buf, &sdes);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n % 4, ==, 0);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpuint (parsed.n_chunks, ==, sdes.n_chunks);
  for (guint i = 0; i < G_N_ELEMENTS (cnames); i++) {
    g_assert_cmphex (parsed.chunks[i].ssrc, ==, 0xa0 + i);
    g_assert_cmpmem (parsed.chunks[i].cname, parsed.chunks[i].cname_len, cnames[i],
                     strlen (cnames[i]));
  }
  g_assert_null (parsed.chunks[G_N_ELEMENTS (cnames)].cname);
  g_assert_cmpint (sh_rtcp_write_sdes (buf, (gsize) n - 4, &sdes), ==, SH_RTCP_ERR_NO_SPACE);
}

static void
test_sdes_other_items (void)
{
  /* A NOTE item before the CNAME is skipped; a TOOL item after it too. */
  static const guint8 packet_bytes[] = {
    0x81, 0xca, 0x00, 0x05, 0x11, 0x22, 0x33, 0x44, 0x07, 0x02, 'h',  'i',
    0x01, 0x03, 'x',  'y',  'z',  0x06, 0x01, 't',  0x00, 0x00, 0x00, 0x00,
  };
  ShRtcpPacket packet;
  ShRtcpSdes sdes;
  g_autofree guint8 *copy = NULL;

  g_assert_cmpint (single_packet (packet_bytes, sizeof packet_bytes, &copy, &packet), ==,
                   SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &sdes), ==, SH_RTCP_OK);
  g_assert_cmpuint (sdes.n_chunks, ==, 1);
  g_assert_cmphex (sdes.chunks[0].ssrc, ==, 0x11223344);
  g_assert_cmpmem (sdes.chunks[0].cname, sdes.chunks[0].cname_len, "xyz", 3);
}

static void
test_bye_round_trip (void)
{
  ShRtcpBye bye = { .n_ssrcs = 2, .ssrcs = { 7, 8 } };
  ShRtcpBye parsed;
  ShRtcpPacket packet;
  g_autofree guint8 *copy = NULL;
  g_autofree guint8 *copy2 = NULL;
  guint8 buf[128];
  int n;

  n = sh_rtcp_write_bye (buf, sizeof buf, &bye);
  g_assert_cmpint (n, ==, 12);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_bye (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpuint (parsed.n_ssrcs, ==, 2);
  g_assert_cmpuint (parsed.ssrcs[1], ==, 8);
  g_assert_null (parsed.reason);

  bye.reason = (const guint8 *) "meeting ended";
  bye.reason_len = 13;
  n = sh_rtcp_write_bye (buf, sizeof buf, &bye);
  g_assert_cmpint (n, ==, 12 + 16);
  g_assert_cmpint (single_packet (buf, (gsize) n, &copy2, &packet), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_parse_bye (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpmem (parsed.reason, parsed.reason_len, "meeting ended", 13);
  g_assert_cmpuint (parsed.ssrcs[0], ==, 7);
}

static void
test_pli_fir_round_trip (void)
{
  const ShRtcpFirEntry entries[] = { { 0x1111, 3 }, { 0x2222, 255 } };
  ShRtcpFirEntry parsed[4];
  g_autofree guint8 *copy = NULL;
  g_autofree guint8 *copy2 = NULL;
  ShRtcpFb fb;
  guint8 buf[64];
  int n;

  n = sh_rtcp_write_pli (buf, sizeof buf, 0xaa, 0xbb);
  g_assert_cmpint (n, ==, 12);
  fb_of (buf, (gsize) n, &copy, &fb);
  g_assert_true (sh_rtcp_fb_is_pli (&fb));
  g_assert_cmphex (fb.sender_ssrc, ==, 0xaa);
  g_assert_cmphex (fb.media_ssrc, ==, 0xbb);
  g_assert_cmpint (sh_rtcp_parse_fir (&fb, parsed, 4), ==, SH_RTCP_ERR_TYPE);
  g_assert_cmpint (sh_rtcp_write_pli (buf, 11, 1, 2), ==, SH_RTCP_ERR_NO_SPACE);

  n = sh_rtcp_write_fir (buf, sizeof buf, 0xaa, entries, 2);
  g_assert_cmpint (n, ==, 28);
  fb_of (buf, (gsize) n, &copy2, &fb);
  g_assert_false (sh_rtcp_fb_is_pli (&fb));
  g_assert_cmpint (sh_rtcp_parse_fir (&fb, parsed, 4), ==, 2);
  g_assert_cmphex (parsed[0].ssrc, ==, 0x1111);
  g_assert_cmpuint (parsed[0].seq, ==, 3);
  g_assert_cmphex (parsed[1].ssrc, ==, 0x2222);
  g_assert_cmpuint (parsed[1].seq, ==, 255);
  /* Fewer slots than entries: the count still says how many there are. */
  g_assert_cmpint (sh_rtcp_parse_fir (&fb, parsed, 1), ==, 2);
  g_assert_cmpint (sh_rtcp_write_fir (buf, sizeof buf, 1, entries, 0), ==, SH_RTCP_ERR_INVALID);
}

static void
test_nack_list_fci (void)
{
  guint16 wrap[] = { 65534, 65535, 0, 1, 5 };
  guint16 run18[18];
  guint16 unsorted[] = { 10, 3, 3, 40, 4, 20, 10 };
  guint16 expanded[64];
  ShRtcpNackEntry entries[8], parsed[8];
  g_autofree guint8 *copy = NULL;
  ShRtcpFb fb;
  guint8 buf[64];
  int n, m;

  /* Across the wrap: one entry, pid 65534, bits for +1 +2 +3 +7. */
  n = sh_rtcp_nack_build (wrap, G_N_ELEMENTS (wrap), entries, 8);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpuint (entries[0].pid, ==, 65534);
  g_assert_cmphex (entries[0].blp, ==, 0x0047);
  m = sh_rtcp_nack_expand (entries, 1, expanded, 64);
  g_assert_cmpint (m, ==, 5);
  g_assert_cmpmem (expanded, 5 * sizeof (guint16), wrap, sizeof wrap);

  /* 17 consecutive losses fit one entry (a pid and 16 bits); an 18th
   * spills into a second. Both across the wrap. */
  for (guint i = 0; i < 18; i++)
    run18[i] = (guint16) (65530 + i);
  n = sh_rtcp_nack_build (run18, 17, entries, 8);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpuint (entries[0].pid, ==, 65530);
  g_assert_cmphex (entries[0].blp, ==, 0xffff);
  n = sh_rtcp_nack_build (run18, 18, entries, 8);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpuint (entries[0].pid, ==, 65530);
  g_assert_cmphex (entries[0].blp, ==, 0xffff);
  g_assert_cmpuint (entries[1].pid, ==, 11);
  g_assert_cmphex (entries[1].blp, ==, 0);
  m = sh_rtcp_nack_expand (entries, 2, expanded, 64);
  g_assert_cmpint (m, ==, 18);
  for (guint i = 0; i < 18; i++)
    g_assert_cmpuint (expanded[i], ==, (guint16) (65530 + i));
  g_assert_cmpint (sh_rtcp_nack_expand (entries, 2, expanded, 17), ==, SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (sh_rtcp_nack_build (run18, 18, entries, 1), ==, SH_RTCP_ERR_NO_SPACE);

  /* Unsorted with duplicates: sorted, merged, no repeats. 20 is 17 after
   * 3, one too far for the first entry. */
  n = sh_rtcp_nack_build (unsorted, G_N_ELEMENTS (unsorted), entries, 8);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpuint (entries[0].pid, ==, 3);
  g_assert_cmphex (entries[0].blp, ==, (1 << 0) | (1 << 6));
  g_assert_cmpuint (entries[1].pid, ==, 20);
  g_assert_cmphex (entries[1].blp, ==, 0);
  g_assert_cmpuint (entries[2].pid, ==, 40);
  g_assert_cmpint (sh_rtcp_nack_build (unsorted, 0, entries, 8), ==, 0);

  /* Through the wire and back. */
  n = sh_rtcp_write_nack (buf, sizeof buf, 0x01, 0x02, entries, 2);
  g_assert_cmpint (n, ==, 20);
  fb_of (buf, (gsize) n, &copy, &fb);
  g_assert_cmpuint (fb.type, ==, SH_RTCP_RTPFB);
  g_assert_cmpuint (fb.fmt, ==, SH_RTCP_FMT_NACK);
  g_assert_cmphex (fb.media_ssrc, ==, 0x02);
  g_assert_cmpint (sh_rtcp_parse_nack (&fb, parsed, 8), ==, 2);
  g_assert_cmpmem (parsed, sizeof (ShRtcpNackEntry) * 2, entries, sizeof (ShRtcpNackEntry) * 2);
  g_assert_cmpint (sh_rtcp_write_nack (buf, 19, 1, 2, entries, 2), ==, SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (sh_rtcp_write_nack (buf, sizeof buf, 1, 2, entries, 0), ==, SH_RTCP_ERR_INVALID);
}

static void
test_nack_random (void)
{
  /* Random loss sets within a window that may straddle the wrap: building
   * then expanding gives the sorted set back. */
  for (guint round = 0; round < 500; round++) {
    guint16 start = (guint16) g_test_rand_int_range (0, 65536);
    guint span = (guint) g_test_rand_int_range (1, 300);
    gboolean lost[300] = { 0 };
    guint16 seqs[300], expanded[300];
    ShRtcpNackEntry entries[300];
    guint n = 0, k = 0;
    int n_entries, n_expanded;

    for (guint i = 0; i < span; i++)
      lost[i] = g_test_rand_int_range (0, 3) == 0;
    lost[0] = TRUE;
    for (guint i = 0; i < span; i++) {
      if (lost[i])
        seqs[n++] = (guint16) (start + i);
    }
    /* Shuffle, keeping the first (the reference for sorting) in place. */
    for (guint i = n - 1; i > 1; i--) {
      guint j = (guint) g_test_rand_int_range (1, (gint32) i + 1);
      guint16 t = seqs[i];
      seqs[i] = seqs[j];
      seqs[j] = t;
    }
    n_entries = sh_rtcp_nack_build (seqs, n, entries, G_N_ELEMENTS (entries));
    g_assert_cmpint (n_entries, >, 0);
    /* Greedy packing leaves more than 16 between consecutive pids, which
     * is what makes the entry count minimal. */
    for (int e = 1; e < n_entries; e++)
      g_assert_cmpuint ((guint16) (entries[e].pid - entries[e - 1].pid), >, 16);
    n_expanded = sh_rtcp_nack_expand (entries, (guint) n_entries, expanded, 300);
    g_assert_cmpint (n_expanded, ==, (int) n);
    for (guint i = 0; i < span; i++) {
      if (lost[i])
        g_assert_cmpuint (expanded[k++], ==, (guint16) (start + i));
    }
  }
}

static void
test_remb (void)
{
  const guint64 rates[] = { 0,
                            1,
                            300000,
                            0x3ffff,
                            0x40000,
                            G_GUINT64_CONSTANT (2500000000),
                            G_GUINT64_CONSTANT (152587) << 14,
                            G_MAXUINT64 };
  ShRtcpRemb remb = { .n_ssrcs = 3, .ssrcs = { 1, 2, 3 } };
  ShRtcpRemb parsed;
  guint8 buf[64];

  for (guint i = 0; i < G_N_ELEMENTS (rates); i++) {
    g_autofree guint8 *copy = NULL;
    ShRtcpFb fb;
    int n;

    remb.bitrate = rates[i];
    n = sh_rtcp_write_remb (buf, sizeof buf, 0x77, &remb);
    g_assert_cmpint (n, ==, 32);
    fb_of (buf, (gsize) n, &copy, &fb);
    g_assert_cmpuint (fb.media_ssrc, ==, 0);
    g_assert_cmpint (sh_rtcp_parse_remb (&fb, &parsed), ==, SH_RTCP_OK);
    /* Rounded down, by less than one part in 2^17. */
    g_assert_cmpuint (parsed.bitrate, <=, rates[i]);
    g_assert_cmpuint (rates[i] - parsed.bitrate, <=, rates[i] >> 17);
    if (rates[i] < 0x40000 || rates[i] == G_GUINT64_CONSTANT (152587) << 14)
      g_assert_cmpuint (parsed.bitrate, ==, rates[i]);
    g_assert_cmpuint (parsed.n_ssrcs, ==, 3);
    g_assert_cmpuint (parsed.ssrcs[2], ==, 3);
  }
  /* 2.5 Gbps on the wire: exponent 14, mantissa 152587. */
  remb.bitrate = G_GUINT64_CONSTANT (2500000000);
  g_assert_cmpint (sh_rtcp_write_remb (buf, sizeof buf, 0x77, &remb), ==, 32);
  g_assert_cmphex (buf[17], ==, (14 << 2) | (152587 >> 16));
  g_assert_cmphex ((buf[18] << 8) | buf[19], ==, 152587 & 0xffff);
  g_assert_cmpint (sh_rtcp_write_remb (buf, 31, 0x77, &remb), ==, SH_RTCP_ERR_NO_SPACE);

  {
    /* Exponent 63 with a full mantissa saturates instead of wrapping. */
    static const guint8 huge[] = {
      0x8f, 0xce, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B', 0x00, 0xff, 0xff, 0xff,
    };
    g_autofree guint8 *copy = NULL;
    ShRtcpFb fb;

    fb_of (huge, sizeof huge, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_remb (&fb, &parsed), ==, SH_RTCP_OK);
    g_assert_cmpuint (parsed.bitrate, ==, G_MAXUINT64);
    g_assert_cmpuint (parsed.n_ssrcs, ==, 0);
  }
}

static void
test_compound_builder (void)
{
  ShRtcpRr rr = { .ssrc = 9, .n_reports = 1 };
  ShRtcpSdes sdes = { .n_chunks = 1 };
  ShRtcpRemb remb = { .bitrate = 1000000, .n_ssrcs = 1, .ssrcs = { 5 } };
  static const guint8 expected_types[] = { SH_RTCP_RR, SH_RTCP_SDES, SH_RTCP_PSFB };
  ShRtcpCompound compound;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  guint8 buf[256];
  guint8 *at;
  gsize room;
  guint i = 0;
  int len;

  rr.reports[0] = sample_block (4);
  sdes.chunks[0] = (ShRtcpSdesChunk){ 9, (const guint8 *) "cname", 5 };
  sh_rtcp_compound_init (&compound, buf, sizeof buf, FALSE);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_rr (at, room, &rr)), ==, 0);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_sdes (at, room, &sdes)), ==,
                   0);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_remb (at, room, 9, &remb)), ==,
                   0);
  len = sh_rtcp_compound_finish (&compound);
  g_assert_cmpint (len, ==, 32 + 16 + 24);
  g_assert_cmpint (sh_rtcp_check_compound (buf, (gsize) len, FALSE), ==, SH_RTCP_OK);
  sh_rtcp_iter_init (&iter, buf, (gsize) len);
  while (sh_rtcp_iter_next (&iter, &packet))
    g_assert_cmpuint (packet.type, ==, expected_types[i++]);
  g_assert_cmpuint (i, ==, 3);
  g_assert_cmpint (iter.error, ==, SH_RTCP_OK);

  /* A full compound must not start with feedback; a reduced-size one may. */
  sh_rtcp_compound_init (&compound, buf, sizeof buf, FALSE);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_pli (at, room, 1, 2)), ==,
                   SH_RTCP_ERR_ORDER);
  g_assert_cmpint (sh_rtcp_compound_finish (&compound), ==, SH_RTCP_ERR_ORDER);
  sh_rtcp_compound_init (&compound, buf, sizeof buf, TRUE);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_pli (at, room, 1, 2)), ==,
                   SH_RTCP_OK);
  len = sh_rtcp_compound_finish (&compound);
  g_assert_cmpint (len, ==, 12);
  g_assert_cmpint (sh_rtcp_check_compound (buf, (gsize) len, TRUE), ==, SH_RTCP_OK);
  g_assert_cmpint (sh_rtcp_check_compound (buf, (gsize) len, FALSE), ==, SH_RTCP_ERR_ORDER);

  /* Out of room: the error sticks. */
  sh_rtcp_compound_init (&compound, buf, 20, FALSE);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpint (sh_rtcp_compound_commit (&compound, sh_rtcp_write_rr (at, room, &rr)), ==,
                   SH_RTCP_ERR_NO_SPACE);
  at = sh_rtcp_compound_space (&compound, &room);
  g_assert_cmpuint (room, ==, 0);
  g_assert_cmpint (sh_rtcp_compound_finish (&compound), ==, SH_RTCP_ERR_NO_SPACE);

  sh_rtcp_compound_init (&compound, buf, sizeof buf, TRUE);
  g_assert_cmpint (sh_rtcp_compound_finish (&compound), ==, SH_RTCP_ERR_INVALID);
}

/* Iterates a compound from an exact-size copy; returns the iterator's
 * error and parses every packet it yields on the way. */
static int
iterate_all (const guint8 *buf, gsize len)
{
  g_autofree guint8 *copy = g_memdup2 (buf, len);
  ShRtcpIter iter;
  ShRtcpPacket packet;

  sh_rtcp_iter_init (&iter, copy, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    ShRtcpSr sr;
    ShRtcpRr rr;
    ShRtcpSdes sdes;
    ShRtcpBye bye;
    ShRtcpFb fb;
    ShRtcpFirEntry fir[4];
    ShRtcpNackEntry nack[4];
    ShRtcpRemb remb;
    ShRtcpTwcc twcc;
    ShRtcpTwccPacket twcc_packets[64];

    g_assert_true (packet.body + packet.body_len <= copy + len);
    (void) sh_rtcp_parse_sr (&packet, &sr);
    (void) sh_rtcp_parse_rr (&packet, &rr);
    (void) sh_rtcp_parse_sdes (&packet, &sdes);
    (void) sh_rtcp_parse_bye (&packet, &bye);
    if (sh_rtcp_parse_fb (&packet, &fb) == SH_RTCP_OK) {
      (void) sh_rtcp_parse_fir (&fb, fir, 4);
      (void) sh_rtcp_parse_nack (&fb, nack, 4);
      (void) sh_rtcp_parse_remb (&fb, &remb);
      (void) sh_rtcp_parse_twcc (&fb, &twcc, twcc_packets, 64);
    }
  }
  return iter.error;
}

static void
test_malformed_compound (void)
{
  static const guint8 rr[] = { 0x80, 0xc9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09 };
  guint8 buf[64];

  g_assert_cmpint (iterate_all (rr, sizeof rr), ==, SH_RTCP_OK);

  /* Length field beyond the buffer, and every truncation of a packet. */
  memcpy (buf, rr, sizeof rr);
  buf[3] = 0x02;
  g_assert_cmpint (iterate_all (buf, sizeof rr), ==, SH_RTCP_ERR_TRUNCATED);
  for (gsize i = 1; i < sizeof rr; i++)
    g_assert_cmpint (iterate_all (rr, i), ==, SH_RTCP_ERR_TRUNCATED);

  /* Versions 0, 1 and 3. */
  for (guint v = 0; v < 4; v++) {
    memcpy (buf, rr, sizeof rr);
    buf[0] = (guint8) ((v << 6) | (buf[0] & 0x3f));
    g_assert_cmpint (iterate_all (buf, sizeof rr), ==, v == 2 ? SH_RTCP_OK : SH_RTCP_ERR_VERSION);
  }

  /* A compound with a zero-length trailing chunk: a header whose length
   * field is 0 where the type needs a body, a bare partial header, zeros. */
  memcpy (buf, rr, sizeof rr);
  memcpy (buf + 8, (const guint8[]){ 0x80, 0xc9, 0x00, 0x00 }, 4);
  g_assert_cmpint (iterate_all (buf, 12), ==, SH_RTCP_ERR_MALFORMED);
  memcpy (buf + 8, (const guint8[]){ 0x81, 0xcd, 0x00, 0x00 }, 4);
  g_assert_cmpint (iterate_all (buf, 12), ==, SH_RTCP_ERR_MALFORMED);
  g_assert_cmpint (iterate_all (buf, 10), ==, SH_RTCP_ERR_TRUNCATED);
  memset (buf + 8, 0, 4);
  g_assert_cmpint (iterate_all (buf, 12), ==, SH_RTCP_ERR_VERSION);
  g_assert_cmpint (sh_rtcp_check_compound (buf, 12, FALSE), ==, SH_RTCP_ERR_VERSION);
  g_assert_cmpint (sh_rtcp_check_compound (buf, 0, FALSE), ==, SH_RTCP_ERR_TRUNCATED);

  /* Padding count 0, and beyond the body. */
  memcpy (buf, rr, sizeof rr);
  buf[0] |= 0x20;
  buf[7] = 0;
  g_assert_cmpint (iterate_all (buf, sizeof rr), ==, SH_RTCP_ERR_PADDING);
  buf[7] = 5;
  g_assert_cmpint (iterate_all (buf, sizeof rr), ==, SH_RTCP_ERR_PADDING);
  /* Padding that eats the SSRC the RR needs. */
  buf[7] = 4;
  g_assert_cmpint (iterate_all (buf, sizeof rr), ==, SH_RTCP_ERR_MALFORMED);
}

static void
test_malformed_packets (void)
{
  /* NACK whose length field covers no FCI; NACK with an FCI cut short
   * (claims 2 entries, carries 1). */
  static const guint8 nack_empty[] = { 0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2 };
  static const guint8 nack_cut[] = { 0x81, 0xcd, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 1 };
  /* FIR with a 4-byte FCI, REMB claiming 2 SSRCs with room for 1. */
  static const guint8 fir_short[] = { 0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9 };
  static const guint8 remb_short[] = { 0x8f, 0xce, 0x00, 0x05, 0,    0,    0,    1,    0, 0, 0, 0,
                                       'R',  'E',  'M',  'B',  0x02, 0x00, 0x01, 0x00, 0, 0, 0, 5 };
  static const guint8 remb_not[] = { 0x8f, 0xce, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                                     0,    0,    'R',  'E',  'M', 'X', 0x00, 0x00, 0x01, 0x00 };
  /* SDES whose item runs past the chunk; SDES without an end item. */
  static const guint8 sdes_long[] = { 0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 0 };
  static const guint8 sdes_open[] = { 0x81, 0xca, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b' };
  /* BYE whose reason length runs past the packet; SR too short for RC=1. */
  static const guint8 bye_long[] = { 0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x05, 'b', 'y', 'e' };
  ShRtcpPacket packet;
  ShRtcpNackEntry nack[4];
  ShRtcpFirEntry fir[4];
  ShRtcpRemb remb;
  ShRtcpSdes sdes;
  ShRtcpBye bye;
  ShRtcpFb fb;

  {
    g_autofree guint8 *copy = NULL;
    fb_of (nack_empty, sizeof nack_empty, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_nack (&fb, nack, 4), ==, SH_RTCP_ERR_MALFORMED);
  }
  {
    g_autofree guint8 *copy = NULL;
    g_assert_cmpint (single_packet (nack_cut, sizeof nack_cut, &copy, &packet), ==,
                     SH_RTCP_ERR_TRUNCATED);
    g_assert_cmpint (iterate_all (nack_cut, sizeof nack_cut), ==, SH_RTCP_ERR_TRUNCATED);
  }
  {
    g_autofree guint8 *copy = NULL;
    fb_of (fir_short, sizeof fir_short, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_fir (&fb, fir, 4), ==, SH_RTCP_ERR_MALFORMED);
  }
  {
    g_autofree guint8 *copy = NULL;
    fb_of (remb_short, sizeof remb_short, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_remb (&fb, &remb), ==, SH_RTCP_ERR_MALFORMED);
  }
  {
    g_autofree guint8 *copy = NULL;
    fb_of (remb_not, sizeof remb_not, &copy, &fb);
    g_assert_cmpint (sh_rtcp_parse_remb (&fb, &remb), ==, SH_RTCP_ERR_TYPE);
  }
  {
    g_autofree guint8 *copy = NULL;
    g_assert_cmpint (single_packet (sdes_long, sizeof sdes_long, &copy, &packet), ==, 0);
    g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &sdes), ==, SH_RTCP_ERR_MALFORMED);
  }
  {
    g_autofree guint8 *copy = NULL;
    g_assert_cmpint (single_packet (sdes_open, sizeof sdes_open, &copy, &packet), ==, 0);
    g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &sdes), ==, SH_RTCP_ERR_MALFORMED);
  }
  {
    g_autofree guint8 *copy = NULL;
    g_assert_cmpint (single_packet (bye_long, sizeof bye_long, &copy, &packet), ==, 0);
    g_assert_cmpint (sh_rtcp_parse_bye (&packet, &bye), ==, SH_RTCP_ERR_MALFORMED);
  }
}

static void
test_random_corruption (void)
{
  guint8 compound[512];
  guint8 buf[512];
  ShRtcpCompound builder;
  ShRtcpSr sr = { .ssrc = 1, .n_reports = 1 };
  ShRtcpSdes sdes = { .n_chunks = 1 };
  ShRtcpBye bye = { .n_ssrcs = 1, .ssrcs = { 1 }, .reason = (const guint8 *) "x", .reason_len = 1 };
  ShRtcpNackEntry nack[] = { { 100, 0x8001 } };
  ShRtcpFirEntry fir[] = { { 3, 1 } };
  ShRtcpRemb remb = { .bitrate = 123456789, .n_ssrcs = 1, .ssrcs = { 3 } };
  ShRtcpTwcc twcc = { .base_seq = 100 };
  ShRtcpTwccPacket twcc_packets[9] = {
    { 0, TRUE, 1 }, { 0, TRUE, 300 }, { 0, FALSE, 0 }, { 0, TRUE, -4 }, { 0, TRUE, 2 },
  };
  guint8 *at;
  gsize room;
  int len;

  sdes.chunks[0] = (ShRtcpSdesChunk){ 1, (const guint8 *) "abc", 3 };
  sh_rtcp_compound_init (&builder, compound, sizeof compound, FALSE);
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_sr (at, room, &sr));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_sdes (at, room, &sdes));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_nack (at, room, 1, 3, nack, 1));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_fir (at, room, 1, fir, 1));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_remb (at, room, 1, &remb));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_twcc (at, room, 1, 3, &twcc, twcc_packets, 9));
  at = sh_rtcp_compound_space (&builder, &room);
  sh_rtcp_compound_commit (&builder, sh_rtcp_write_bye (at, room, &bye));
  len = sh_rtcp_compound_finish (&builder);
  g_assert_cmpint (len, >, 0);
  g_assert_cmpint (iterate_all (compound, (gsize) len), ==, SH_RTCP_OK);

  for (guint round = 0; round < 20000; round++) {
    memcpy (buf, compound, (gsize) len);
    for (guint k = 0; k < 3; k++)
      buf[g_test_rand_int_range (0, len)] = (guint8) g_test_rand_int_range (0, 256);
    (void) iterate_all (buf, (gsize) g_test_rand_int_range (0, len + 1));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp/is-rtcp", test_is_rtcp);
  g_test_add_func ("/rtcp/sr-round-trip", test_sr_round_trip);
  g_test_add_func ("/rtcp/rr-round-trip", test_rr_round_trip);
  g_test_add_func ("/rtcp/sdes-round-trip", test_sdes_round_trip);
  g_test_add_func ("/rtcp/sdes-other-items", test_sdes_other_items);
  g_test_add_func ("/rtcp/bye-round-trip", test_bye_round_trip);
  g_test_add_func ("/rtcp/pli-fir-round-trip", test_pli_fir_round_trip);
  g_test_add_func ("/rtcp/nack-list-fci", test_nack_list_fci);
  g_test_add_func ("/rtcp/nack-random", test_nack_random);
  g_test_add_func ("/rtcp/remb", test_remb);
  g_test_add_func ("/rtcp/compound-builder", test_compound_builder);
  g_test_add_func ("/rtcp/malformed-compound", test_malformed_compound);
  g_test_add_func ("/rtcp/malformed-packets", test_malformed_packets);
  g_test_add_func ("/rtcp/random-corruption", test_random_corruption);
  return g_test_run ();
}
