/* rtp-stats.c — per-stream RTP statistics; see rtp-stats.h.
 *
 * The sequence bookkeeping follows RFC 3550 appendix A.1 with two
 * deliberate differences:
 *  - no probation: every packet we count has passed SRTP authentication, so
 *    the first one is already proof of a genuine source;
 *  - duplicates of the last 128 sequence numbers are recognised by a bitmap
 *    and not counted, so that a network duplicate cannot hide a real loss in
 *    the report the publisher adapts its bitrate to.
 * SPDX-License-Identifier: Apache-2.0 */
#include "rtp-stats.h"

#include "rtp.h"

#define US_PER_S G_GINT64_CONSTANT (1000000)
#define WINDOW_BITS 128

/* ---- NTP ---- */

guint64
sh_ntp_from_unix_us (gint64 unix_us)
{
  gint64 secs = unix_us / US_PER_S;
  gint64 rem = unix_us % US_PER_S;
  guint64 frac;

  if (rem < 0) {
    rem += US_PER_S;
    secs--;
  }
  secs += (gint64) SH_NTP_UNIX_OFFSET;
  if (secs < 0)
    return 0;
  frac = (((guint64) rem << 32) + US_PER_S / 2) / US_PER_S;
  /* From 2036 the 32-bit seconds wrap into NTP era 1 (RFC 5905). */
  return ((guint64) (guint32) secs << 32) | frac;
}

gint64
sh_ntp_to_unix_us (guint64 ntp)
{
  gint64 secs = (gint64) (ntp >> 32);
  guint64 frac = ntp & G_GUINT64_CONSTANT (0xffffffff);

  /* RFC 4330's rule: a clear top bit means era 1 (2036–2104), since no
   * timestamp we meet predates 1968. */
  if ((secs & 0x80000000) == 0)
    secs += G_GINT64_CONSTANT (0x100000000);
  secs -= (gint64) SH_NTP_UNIX_OFFSET;
  return secs * US_PER_S + (gint64) ((frac * US_PER_S + (1u << 31)) >> 32);
}

guint32
sh_ntp_short_from_us (gint64 us)
{
  if (us <= 0)
    return 0;
  if (us >= (gint64) G_MAXUINT16 * US_PER_S + US_PER_S)
    return G_MAXUINT32;
  return (guint32) MIN ((((guint64) us << 16) + US_PER_S / 2) / US_PER_S, G_MAXUINT32);
}

gint64
sh_ntp_short_to_us (guint32 ntp_short)
{
  return (gint64) (((guint64) ntp_short * US_PER_S + (1u << 15)) >> 16);
}

/* ---- Incoming streams ---- */

void
sh_rtp_recv_stats_init (ShRtpRecvStats *stats, guint32 ssrc, guint32 clock_rate)
{
  *stats = (ShRtpRecvStats){ 0 };
  stats->ssrc = ssrc;
  stats->clock_rate = clock_rate;
}

/* Starts the sequence space over at @seq (the first packet, or a restart). */
static void
sequence_start (ShRtpRecvStats *stats, guint16 seq)
{
  stats->started = TRUE;
  stats->base_seq = seq;
  stats->max_seq = seq;
  stats->window[0] = 1;
  stats->window[1] = 0;
  stats->have_bad_seq = FALSE;
  stats->received = 0;
  stats->expected_prior = 0;
  stats->received_prior = 0;
}

/* Moves the window forward by @shift (1 .. MAX_DROPOUT) and marks the new
 * highest packet. */
static void
window_advance (ShRtpRecvStats *stats, guint shift)
{
  if (shift >= WINDOW_BITS) {
    stats->window[1] = 0;
    stats->window[0] = 0;
  } else if (shift >= 64) {
    stats->window[1] = stats->window[0] << (shift - 64);
    stats->window[0] = 0;
  } else {
    stats->window[1] = (stats->window[1] << shift) | (stats->window[0] >> (64 - shift));
    stats->window[0] <<= shift;
  }
  stats->window[0] |= 1;
}

/* Marks the packet @back below the highest; FALSE when it was marked. */
static gboolean
window_mark (ShRtpRecvStats *stats, guint back)
{
  guint64 bit = G_GUINT64_CONSTANT (1) << (back % 64);
  guint64 *word = &stats->window[back / 64];

  if (*word & bit)
    return FALSE;
  *word |= bit;
  return TRUE;
}

/* RFC 3550 A.8, on the first packet of each timestamp only: the packets of
 * one video frame share a timestamp but leave the sender's pacer
 * milliseconds apart, which is the pacer's rhythm and not the network's. */
static void
jitter_update (ShRtpRecvStats *stats, guint32 rtp_ts, gint64 arrival_us)
{
  guint32 arrival, transit;
  gint64 d;

  if (!stats->have_transit)
    stats->arrival_origin_us = arrival_us;
  else if (rtp_ts == stats->last_jitter_ts)
    return;
  /* Arrival on the RTP clock, relative to the first packet so that the
   * product stays far from overflow in any meeting's lifetime. */
  arrival
      = (guint32) ((arrival_us - stats->arrival_origin_us) * (gint64) stats->clock_rate / US_PER_S);
  transit = arrival - rtp_ts;
  if (stats->have_transit) {
    d = (gint32) (transit - stats->transit);
    if (d < 0)
      d = -d;
    stats->jitter_q4 = (guint32) MIN ((gint64) stats->jitter_q4 + d - ((stats->jitter_q4 + 8) >> 4),
                                      (gint64) G_MAXUINT32);
  }
  stats->transit = transit;
  stats->last_jitter_ts = rtp_ts;
  stats->have_transit = TRUE;
}

ShRtpStatsResult
sh_rtp_recv_stats_update (ShRtpRecvStats *stats, guint16 seq, guint32 rtp_ts, gsize payload_len,
                          gint64 arrival_us)
{
  gint delta;
  ShRtpStatsResult result;

  if (G_UNLIKELY (!stats->started)) {
    sequence_start (stats, seq);
    result = SH_RTP_STATS_IN_ORDER;
    goto counted;
  }
  delta = sh_rtp_seq_diff (seq, (guint16) stats->max_seq);
  if (G_LIKELY (delta > 0 && delta < SH_RTP_STATS_MAX_DROPOUT)) {
    window_advance (stats, (guint) delta);
    stats->max_seq += delta;
    stats->have_bad_seq = FALSE;
    result = SH_RTP_STATS_IN_ORDER;
    goto counted;
  }
  if (delta <= 0 && -delta <= SH_RTP_STATS_MAX_MISORDER) {
    if (!window_mark (stats, (guint) -delta)) {
      stats->duplicates++;
      return SH_RTP_STATS_DUPLICATE;
    }
    /* Late from before the first packet: the stream started earlier. */
    stats->base_seq = MIN (stats->base_seq, stats->max_seq + delta);
    stats->received++;
    stats->octets += payload_len;
    return SH_RTP_STATS_LATE;
  }
  /* A large jump either way: believe it only when the next packet follows
   * it (A.1), which is how a sender that restarted its sequence looks. */
  if (stats->have_bad_seq && seq == (guint16) stats->bad_seq) {
    sequence_start (stats, seq);
    result = SH_RTP_STATS_RESTARTED;
    goto counted;
  }
  stats->bad_seq = (guint16) (seq + 1);
  stats->have_bad_seq = TRUE;
  return SH_RTP_STATS_OUT_OF_RANGE;

counted:
  stats->received++;
  stats->octets += payload_len;
  jitter_update (stats, rtp_ts, arrival_us);
  return result;
}

void
sh_rtp_recv_stats_on_sr (ShRtpRecvStats *stats, const ShRtcpSr *sr, gint64 now_us)
{
  stats->last_sr = (ShRtpSrInfo){
    .valid = TRUE,
    .ntp = sr->ntp_timestamp,
    .rtp_ts = sr->rtp_timestamp,
    .packet_count = sr->packet_count,
    .octet_count = sr->octet_count,
    .arrival_us = now_us,
  };
}

guint32
sh_rtp_recv_stats_ext_highest (const ShRtpRecvStats *stats)
{
  /* Extended from the first packet's number: cycles << 16 | highest, as
   * A.1's cycles count would give with a zero start. */
  return (guint32) stats->max_seq;
}

gint64
sh_rtp_recv_stats_expected (const ShRtpRecvStats *stats)
{
  return stats->started ? stats->max_seq - stats->base_seq + 1 : 0;
}

gint64
sh_rtp_recv_stats_lost (const ShRtpRecvStats *stats)
{
  return sh_rtp_recv_stats_expected (stats) - (gint64) stats->received;
}

guint32
sh_rtp_recv_stats_jitter (const ShRtpRecvStats *stats)
{
  return stats->jitter_q4 >> 4;
}

gboolean
sh_rtp_recv_stats_report (ShRtpRecvStats *stats, gint64 now_us, ShRtcpReportBlock *block)
{
  gint64 expected, expected_interval, lost_interval;
  gint64 received_interval;

  if (!stats->started)
    return FALSE;
  expected = sh_rtp_recv_stats_expected (stats);
  expected_interval = expected - stats->expected_prior;
  received_interval = (gint64) (stats->received - stats->received_prior);
  lost_interval = expected_interval - received_interval;
  stats->expected_prior = expected;
  stats->received_prior = stats->received;

  *block = (ShRtcpReportBlock){
    .ssrc = stats->ssrc,
    .fraction_lost = 0,
    /* 24 bits signed on the wire: clamp rather than wrap (RFC 3550 6.4.1). */
    .cumulative_lost = (gint32) CLAMP (sh_rtp_recv_stats_lost (stats), -0x800000, 0x7fffff),
    .ext_highest_seq = sh_rtp_recv_stats_ext_highest (stats),
    .jitter = sh_rtp_recv_stats_jitter (stats),
  };
  if (expected_interval > 0 && lost_interval > 0)
    block->fraction_lost = (guint8) MIN ((lost_interval << 8) / expected_interval, 255);
  if (stats->last_sr.valid) {
    block->lsr = sh_ntp_mid32 (stats->last_sr.ntp);
    block->dlsr = sh_ntp_short_from_us (now_us - stats->last_sr.arrival_us);
  }
  return TRUE;
}

/* ---- Outgoing streams ---- */

void
sh_rtp_send_stats_init (ShRtpSendStats *stats, guint32 ssrc)
{
  *stats = (ShRtpSendStats){ 0 };
  stats->ssrc = ssrc;
}
