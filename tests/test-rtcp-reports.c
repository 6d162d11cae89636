/* Tests for the reports to one peer: SR timestamps that follow the source's
 * sender report and the rewriter's offset (and keep a publisher's audio and
 * video in sync), compounds that parse back with rtcp.h, and the round-trip
 * time from a report block answering our SR.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rtcp-reports.h"

#define MS G_GINT64_CONSTANT (1000)
#define T0 G_GINT64_CONSTANT (1700000000000000) /* our wall clock, µs since 1970 */

/* A source SR made at source time @source_us, arriving at our @arrival_us. */
static ShRtpSrInfo
source_sr (gint64 source_us, guint32 rtp_ts, gint64 arrival_us)
{
  return (ShRtpSrInfo){
    .valid = TRUE,
    .ntp = sh_ntp_from_unix_us (source_us),
    .rtp_ts = rtp_ts,
    .arrival_us = arrival_us,
  };
}

static void
test_sr_timestamp (void)
{
  /* The publisher's clock is 2.5 s behind ours; its SR takes 30 ms. */
  gint64 behind = 2500 * MS;
  ShRtpSrInfo sr = source_sr (T0 - behind, 1000000, T0 + 30 * MS);
  ShRtpSendStats stats;
  ShRtcpOutStream out = {
    .stats = &stats,
    .clock_rate = 90000,
    .source_sr = &sr,
    .ts_offset = 0x80000000u + 12345, /* the rewriter's: wraps on the way */
  };
  ShRtcpSr written;

  sh_rtp_send_stats_init (&stats, 0xabcdef01);
  for (guint i = 0; i < 10; i++)
    sh_rtp_send_stats_update (&stats, 1000, 0, T0);
  out.source_clock_offset_us = sh_rtcp_source_clock_offset (&sr);
  g_assert_cmpint (out.source_clock_offset_us, ==, behind + 30 * MS);

  /* At the SR's arrival we announce the SR's own instant, offset. */
  g_assert_cmpuint (sh_rtcp_out_rtp_timestamp (&out, T0 + 30 * MS), ==,
                    (guint32) (1000000 + 0x80000000u + 12345));
  /* Two seconds on: two seconds of 90 kHz later; and before it, earlier. */
  g_assert_cmpuint (sh_rtcp_out_rtp_timestamp (&out, T0 + 2030 * MS), ==,
                    (guint32) (1000000 + 180000 + 0x80000000u + 12345));
  g_assert_cmpuint (sh_rtcp_out_rtp_timestamp (&out, T0 + 30 * MS - 100 * MS), ==,
                    (guint32) (1000000 - 9000 + 0x80000000u + 12345));

  sh_rtcp_fill_sr (&out, T0 + 2030 * MS, &written);
  g_assert_cmpuint (written.ssrc, ==, 0xabcdef01);
  g_assert_cmphex (written.ntp_timestamp, ==, sh_ntp_from_unix_us (T0 + 2030 * MS));
  g_assert_cmpuint (written.rtp_timestamp, ==, (guint32) (1180000 + 0x80000000u + 12345));
  g_assert_cmpuint (written.packet_count, ==, 10);
  g_assert_cmpuint (written.octet_count, ==, 10000);
  g_assert_cmpuint (written.n_reports, ==, 0);

  /* Before the source's first SR: extrapolated from the last packet sent. */
  out.source_sr = NULL;
  sh_rtp_send_stats_update (&stats, 1000, 5000, T0 + 1000 * MS);
  g_assert_cmpuint (sh_rtcp_out_rtp_timestamp (&out, T0 + 1100 * MS), ==, 5000 + 9000);
}

/* The subscriber's view: the NTP time (µs) our SR maps @ts to. */
static double
receiver_ntp_us (const ShRtcpSr *sr, guint32 clock_rate, guint32 ts)
{
  return (double) sh_ntp_to_unix_us (sr->ntp_timestamp)
         + (double) (gint32) (ts - sr->rtp_timestamp) * 1e6 / clock_rate;
}

static void
test_lip_sync (void)
{
  /* One publisher, its clock 7 s ahead of ours. Its audio SR took 20 ms,
   * its video SR 65 ms (a congested video path): different arrivals. */
  gint64 ahead = 7000 * MS;
  gint64 source_audio_sr = T0 + ahead, source_video_sr = T0 + ahead + 300 * MS;
  ShRtpSrInfo audio_sr = source_sr (source_audio_sr, 111111, T0 + 20 * MS);
  ShRtpSrInfo video_sr = source_sr (source_video_sr, 2222222, T0 + 300 * MS + 65 * MS);
  ShRtpSendStats audio_stats, video_stats;
  ShRtcpOutStream audio = { &audio_stats, "pub", 48000, &audio_sr, 5000, 0 };
  ShRtcpOutStream video = { &video_stats, "pub", 90000, &video_sr, 0xfffff000u, 0 };
  ShRtcpSr audio_out, video_out;
  gint64 capture = source_video_sr + 1234 * MS; /* one instant on the source's clock */
  guint32 audio_ts, video_ts;
  double audio_at, video_at;

  sh_rtp_send_stats_init (&audio_stats, 1);
  sh_rtp_send_stats_init (&video_stats, 2);
  /* One offset for the publisher, from whichever SR came first. */
  audio.source_clock_offset_us = video.source_clock_offset_us
      = sh_rtcp_source_clock_offset (&audio_sr);

  sh_rtcp_fill_sr (&audio, T0 + 5000 * MS, &audio_out);
  sh_rtcp_fill_sr (&video, T0 + 5100 * MS, &video_out);

  /* The same captured instant, as the source stamps it, then rewritten. */
  audio_ts = 111111 + (guint32) ((capture - source_audio_sr) * 48 / 1000) + 5000;
  video_ts = 2222222 + (guint32) ((capture - source_video_sr) * 90 / 1000) + 0xfffff000u;
  audio_at = receiver_ntp_us (&audio_out, 48000, audio_ts);
  video_at = receiver_ntp_us (&video_out, 90000, video_ts);
  g_test_message ("audio at %.1f, video at %.1f", audio_at, video_at);
  /* In sync to within a tick, whatever the SRs' own delays were. */
  g_assert_cmpfloat (ABS (audio_at - video_at), <, 25.0);
}

/* The first packet of @buf (a compound) of the given type, parsed. */
static gboolean
next_packet (ShRtcpIter *iter, guint8 type, ShRtcpPacket *packet)
{
  return sh_rtcp_iter_next (iter, packet) && packet->type == type;
}

static void
test_compound_sender (void)
{
  ShRtpSendStats sent, idle;
  ShRtpRecvStats heard, silent;
  ShRtpRecvStats *in[] = { &heard, &silent };
  ShRtpSrInfo sr = source_sr (T0, 9000, T0);
  ShRtcpOutStream out[] = {
    { &idle, NULL, 48000, NULL, 0, 0 },
    { &sent, "publisher-cname", 48000, &sr, 100, 0 },
  };
  ShRtcpPeerReport peer = { 0x10c41, "sfu", out, 2, in, 2 };
  guint8 buf[1500];
  g_autofree guint8 *copy = NULL;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpSr parsed;
  ShRtcpSdes sdes;
  int len;

  sh_rtp_send_stats_init (&idle, 0x1d1e);
  sh_rtp_send_stats_init (&sent, 0x5e4d);
  sh_rtp_send_stats_update (&sent, 160, 9000, T0);
  sh_rtp_recv_stats_init (&heard, 0xa0d10, 48000);
  sh_rtp_recv_stats_init (&silent, 0x51e47, 90000);
  for (guint16 seq = 0; seq < 20; seq++)
    if (seq != 7)
      sh_rtp_recv_stats_update (&heard, seq, seq * 960u, 100, seq * 20 * MS);

  /* Too small: refused before any loss interval moves. */
  g_assert_cmpint (sh_rtcp_build_peer_report (&peer, T0 + 1000 * MS, buf, 40), ==,
                   SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (heard.expected_prior, ==, 0);

  len = sh_rtcp_build_peer_report (&peer, T0 + 1000 * MS, buf, sizeof buf);
  g_assert_cmpint (len, >, 0);
  copy = g_memdup2 (buf, (guint) len);
  g_assert_cmpint (sh_rtcp_check_compound (copy, (gsize) len, FALSE), ==, SH_RTCP_OK);

  sh_rtcp_iter_init (&iter, copy, (gsize) len);
  g_assert_true (next_packet (&iter, SH_RTCP_SR, &packet));
  g_assert_cmpint (sh_rtcp_parse_sr (&packet, &parsed), ==, SH_RTCP_OK);
  g_assert_cmpuint (parsed.ssrc, ==, 0x5e4d);
  g_assert_cmphex (parsed.ntp_timestamp, ==, sh_ntp_from_unix_us (T0 + 1000 * MS));
  g_assert_cmpuint (parsed.rtp_timestamp, ==, 9000 + 100 + 48000);
  g_assert_cmpuint (parsed.packet_count, ==, 1);
  g_assert_cmpuint (parsed.octet_count, ==, 160);
  /* Only the stream that has received something gets a block. */
  g_assert_cmpuint (parsed.n_reports, ==, 1);
  g_assert_cmpuint (parsed.reports[0].ssrc, ==, 0xa0d10);
  g_assert_cmpint (parsed.reports[0].cumulative_lost, ==, 1);
  g_assert_cmpuint (parsed.reports[0].fraction_lost, ==, 256 / 20);
  g_assert_cmpuint (parsed.reports[0].ext_highest_seq, ==, 19);

  g_assert_true (next_packet (&iter, SH_RTCP_SDES, &packet));
  g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &sdes), ==, SH_RTCP_OK);
  g_assert_cmpuint (sdes.n_chunks, ==, 1);
  g_assert_cmpuint (sdes.chunks[0].ssrc, ==, 0x5e4d);
  g_assert_cmpmem (sdes.chunks[0].cname, sdes.chunks[0].cname_len, "publisher-cname", 15);
  g_assert_false (sh_rtcp_iter_next (&iter, &packet));
  g_assert_cmpint (iter.error, ==, SH_RTCP_OK);
  /* The interval moved on: the next report starts from here. */
  g_assert_cmpint (heard.expected_prior, ==, 20);
}

static void
test_compound_receiver (void)
{
  ShRtpRecvStats streams[40];
  ShRtpRecvStats *in[40];
  ShRtcpPeerReport peer = { 0x10c41, "sfu-receiver", NULL, 0, in, 40 };
  guint8 buf[1500];
  g_autofree guint8 *copy = NULL;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpRr rr;
  ShRtcpSdes sdes;
  int len;

  for (guint i = 0; i < 40; i++) {
    sh_rtp_recv_stats_init (&streams[i], 0x1000 + i, 90000);
    sh_rtp_recv_stats_update (&streams[i], (guint16) i, 0, 1000, 0);
    in[i] = &streams[i];
  }
  len = sh_rtcp_build_peer_report (&peer, T0, buf, sizeof buf);
  g_assert_cmpint (len, ==, 8 + 31 * 24 + 8 + 9 * 24 + 4 + 20);
  copy = g_memdup2 (buf, (guint) len);
  g_assert_cmpint (sh_rtcp_check_compound (copy, (gsize) len, FALSE), ==, SH_RTCP_OK);

  /* Nothing sent: an RR from our receiver SSRC, 31 blocks, then the rest. */
  sh_rtcp_iter_init (&iter, copy, (gsize) len);
  g_assert_true (next_packet (&iter, SH_RTCP_RR, &packet));
  g_assert_cmpint (sh_rtcp_parse_rr (&packet, &rr), ==, SH_RTCP_OK);
  g_assert_cmpuint (rr.ssrc, ==, 0x10c41);
  g_assert_cmpuint (rr.n_reports, ==, 31);
  g_assert_cmpuint (rr.reports[30].ssrc, ==, 0x1000 + 30);
  g_assert_cmpuint (rr.reports[30].ext_highest_seq, ==, 30);
  g_assert_true (next_packet (&iter, SH_RTCP_RR, &packet));
  g_assert_cmpint (sh_rtcp_parse_rr (&packet, &rr), ==, SH_RTCP_OK);
  g_assert_cmpuint (rr.n_reports, ==, 9);
  g_assert_cmpuint (rr.reports[8].ssrc, ==, 0x1000 + 39);
  g_assert_true (next_packet (&iter, SH_RTCP_SDES, &packet));
  g_assert_cmpint (sh_rtcp_parse_sdes (&packet, &sdes), ==, SH_RTCP_OK);
  g_assert_cmpuint (sdes.chunks[0].ssrc, ==, 0x10c41);
  g_assert_cmpmem (sdes.chunks[0].cname, sdes.chunks[0].cname_len, "sfu-receiver", 12);
  g_assert_false (sh_rtcp_iter_next (&iter, &packet));

  /* Nothing sent or received still makes a valid compound: RR + SDES. */
  peer.n_in = 0;
  len = sh_rtcp_build_peer_report (&peer, T0, buf, sizeof buf);
  g_assert_cmpint (len, ==, 8 + 4 + 20);
  g_assert_cmpint (sh_rtcp_check_compound (buf, (gsize) len, FALSE), ==, SH_RTCP_OK);
}

static void
test_compound_errors (void)
{
  char long_cname[300];
  ShRtcpPeerReport peer = { 1, long_cname, NULL, 0, NULL, 0 };
  guint8 buf[1500];

  memset (long_cname, 'x', sizeof long_cname - 1);
  long_cname[sizeof long_cname - 1] = '\0';
  g_assert_cmpint (sh_rtcp_build_peer_report (&peer, T0, buf, sizeof buf), ==, SH_RTCP_ERR_INVALID);
  peer.local_cname = "ok";
  /* RR (8) + SDES header (4) + a chunk of 4 + 2 + 2 + a null, padded (12). */
  g_assert_cmpint (sh_rtcp_build_peer_report (&peer, T0, buf, 23), ==, SH_RTCP_ERR_NO_SPACE);
  g_assert_cmpint (sh_rtcp_build_peer_report (&peer, T0, buf, 24), ==, 24);
}

static void
test_rtt (void)
{
  ShRtpSendStats stats;
  ShRtcpOutStream out = { &stats, NULL, 90000, NULL, 0, 0 };
  ShRtpRecvStats subscriber; /* the peer's receiver, answering our SR */
  ShRtcpSr our_sr;
  ShRtcpReportBlock answer;
  gint64 rtt;

  sh_rtp_send_stats_init (&stats, 0x77);
  sh_rtp_send_stats_update (&stats, 1000, 3000, T0);
  sh_rtcp_fill_sr (&out, T0, &our_sr);

  /* 40 ms there, held 250 ms, 40 ms back; the peer's clock is its own
   * (its DLSR is a duration): an RTT of 80 ms. */
  sh_rtp_recv_stats_init (&subscriber, 0x77, 90000);
  sh_rtp_recv_stats_update (&subscriber, 1, 3000, 1000, 0);
  sh_rtp_recv_stats_on_sr (&subscriber, &our_sr, 555 * MS);
  g_assert_true (sh_rtp_recv_stats_report (&subscriber, 805 * MS, &answer));
  g_assert_cmpuint (answer.lsr, ==, sh_ntp_mid32 (our_sr.ntp_timestamp));
  g_assert_true (sh_rtcp_rtt_us (&answer, T0 + 330 * MS, &rtt));
  g_test_message ("rtt %" G_GINT64_FORMAT " µs", rtt);
  g_assert_cmpint (ABS (rtt - 80 * MS), <=, 50); /* 1/65536 s units, rounded twice */

  /* No SR heard yet, or an answer from the future: no estimate. */
  answer.lsr = 0;
  g_assert_false (sh_rtcp_rtt_us (&answer, T0 + 330 * MS, &rtt));
  answer.lsr = sh_ntp_mid32 (our_sr.ntp_timestamp);
  g_assert_false (sh_rtcp_rtt_us (&answer, T0 + 200 * MS, &rtt));
  /* Exactly the hold time: zero. */
  g_assert_true (sh_rtcp_rtt_us (&answer, T0 + 250 * MS, &rtt));
  g_assert_cmpint (ABS (rtt), <=, 50);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtcp-reports/sr-timestamp", test_sr_timestamp);
  g_test_add_func ("/rtcp-reports/lip-sync", test_lip_sync);
  g_test_add_func ("/rtcp-reports/compound-sender", test_compound_sender);
  g_test_add_func ("/rtcp-reports/compound-receiver", test_compound_receiver);
  g_test_add_func ("/rtcp-reports/compound-errors", test_compound_errors);
  g_test_add_func ("/rtcp-reports/rtt", test_rtt);
  return g_test_run ();
}
