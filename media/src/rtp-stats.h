/* rtp-stats.h — per-stream RTP statistics for RTCP reports (RFC 3550
 * section 6.4 and appendix A): on incoming streams the extended highest
 * sequence number, expected and received packets, loss, interarrival jitter
 * and the last sender report heard; on outgoing streams packet and octet
 * counts. Plus the NTP timestamp conversions both sides need.
 *
 * Plain structs, zero-initialised or set up by an init function, updated in
 * place on the packet path: no allocation, no clock call (times are passed
 * in), no locking (a stream lives on its meeting's worker thread).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "rtcp.h"

G_BEGIN_DECLS

/* ---- NTP timestamps (RFC 5905: seconds since 1900 in 32.32 fixed point) ---- */

#define SH_NTP_UNIX_OFFSET G_GUINT64_CONSTANT (2208988800) /* 1900 → 1970, seconds */

/* @unix_us: microseconds since 1970 (g_get_real_time()). Times before 1900
 * give 0. */
guint64 sh_ntp_from_unix_us (gint64 unix_us);
gint64 sh_ntp_to_unix_us (guint64 ntp);

/* The "middle 32 bits" of RFC 3550 (16.16 seconds), as LSR carries it. */
static inline guint32
sh_ntp_mid32 (guint64 ntp)
{
  return (guint32) (ntp >> 16);
}

/* Durations in the 16.16 unit of DLSR and RTT (1/65536 s); negative
 * durations give 0. */
guint32 sh_ntp_short_from_us (gint64 us);
gint64 sh_ntp_short_to_us (guint32 ntp_short);

/* ---- Incoming streams ---- */

/* What a stream's latest sender report said, and when it arrived (on the
 * clock of the report functions, see sh_rtp_recv_stats_on_sr()). */
typedef struct {
  gboolean valid;
  guint64 ntp;    /* the sender's wall clock at the report */
  guint32 rtp_ts; /* the same instant on the stream's RTP clock */
  guint32 packet_count;
  guint32 octet_count;
  gint64 arrival_us;
} ShRtpSrInfo;

/* The outcome of one packet, for callers that want it (NACK generation,
 * counters). Negative: the packet was not counted. */
typedef enum {
  SH_RTP_STATS_IN_ORDER = 0,      /* newer than every packet before */
  SH_RTP_STATS_LATE = 1,          /* older than the highest, first time seen */
  SH_RTP_STATS_RESTARTED = 2,     /* the second of two in-sequence packets far from the old
                                   * sequence: the sender restarted, counters reset */
  SH_RTP_STATS_DUPLICATE = -1,    /* seen before (within the last 128 sequence numbers) */
  SH_RTP_STATS_OUT_OF_RANGE = -2, /* a jump too large to trust on its own (RFC 3550 A.1) */
} ShRtpStatsResult;

#define SH_RTP_STATS_MAX_DROPOUT 3000 /* RFC 3550 A.1 */
#define SH_RTP_STATS_MAX_MISORDER 100

typedef struct {
  guint32 ssrc;
  guint32 clock_rate; /* Hz, for jitter */

  /* Sequence space, extended to 64 bits (no wrap in practice). */
  gboolean started;
  gint64 base_seq;   /* extended number of the first packet */
  gint64 max_seq;    /* extended highest number */
  guint64 window[2]; /* bit i: packet max_seq - i has arrived (i < 128) */
  guint32 bad_seq;   /* RFC 3550 A.1: the packet after a suspicious jump, +1 */
  gboolean have_bad_seq;
  guint64 received; /* distinct packets (duplicates within the window excluded) */
  guint64 duplicates;
  guint64 octets; /* payload octets received */

  /* For "fraction lost since the last report". */
  gint64 expected_prior;
  guint64 received_prior;

  /* Interarrival jitter (RFC 3550 A.8), 1/16 RTP units. */
  gboolean have_transit;
  gint64 arrival_origin_us; /* arrivals are taken relative to the first */
  guint32 transit;
  guint32 last_jitter_ts; /* timestamp of the last packet used for jitter */
  guint32 jitter_q4;

  ShRtpSrInfo last_sr;
} ShRtpRecvStats;

void sh_rtp_recv_stats_init (ShRtpRecvStats *stats, guint32 ssrc, guint32 clock_rate);

/* The packet path: one packet (@seq, @rtp_ts, @payload_len bytes of payload)
 * arriving at @arrival_us (microseconds on any clock that does not jump,
 * g_get_monotonic_time() for instance: only differences are used). */
ShRtpStatsResult sh_rtp_recv_stats_update (ShRtpRecvStats *stats, guint16 seq, guint32 rtp_ts,
                                           gsize payload_len, gint64 arrival_us);

/* Records the stream's sender report @sr, arrived at @now_us (the clock of
 * sh_rtp_recv_stats_report()'s @now_us). */
void sh_rtp_recv_stats_on_sr (ShRtpRecvStats *stats, const ShRtcpSr *sr, gint64 now_us);

/* Derived counters, without side effects. */
guint32 sh_rtp_recv_stats_ext_highest (const ShRtpRecvStats *stats);
gint64 sh_rtp_recv_stats_expected (const ShRtpRecvStats *stats);
gint64 sh_rtp_recv_stats_lost (const ShRtpRecvStats *stats);    /* may be negative */
guint32 sh_rtp_recv_stats_jitter (const ShRtpRecvStats *stats); /* RTP units */

/* Fills the report block about this stream at @now_us and starts the next
 * interval of "fraction lost". FALSE (and nothing changes) before the first
 * packet: a block about nothing would report garbage. */
gboolean sh_rtp_recv_stats_report (ShRtpRecvStats *stats, gint64 now_us, ShRtcpReportBlock *block);

/* ---- Outgoing streams ---- */

typedef struct {
  guint32 ssrc;
  guint32 packets; /* wrap like the SR fields they fill */
  guint32 octets;  /* payload octets, without header and padding */
  gboolean sent;
  guint32 last_rtp_ts; /* of the last packet sent, and when */
  gint64 last_send_us;
} ShRtpSendStats;

void sh_rtp_send_stats_init (ShRtpSendStats *stats, guint32 ssrc);

/* The packet path: one packet sent at @now_us (the reports' clock). */
static inline void
sh_rtp_send_stats_update (ShRtpSendStats *stats, gsize payload_len, guint32 rtp_ts, gint64 now_us)
{
  stats->packets++;
  stats->octets += (guint32) payload_len;
  stats->sent = TRUE;
  stats->last_rtp_ts = rtp_ts;
  stats->last_send_us = now_us;
}

G_END_DECLS
