/* rtcp-reports.h — the RTCP reports the SFU sends to one peer connection
 * and what it learns from the answers: sender reports for the streams it
 * forwards to the peer, receiver report blocks for the streams it receives
 * from the peer, SDES CNAME, and the round-trip time from a report block
 * that answers one of our sender reports.
 *
 * Lip sync. A subscriber aligns the audio and video of one publisher through
 * the NTP ↔ RTP mapping of our sender reports. We forward the publisher's
 * media timeline: the RTP timestamp we announce for our wall clock "now" is
 * the source's timestamp for the same instant (extrapolated from the
 * source's latest SR) plus the rewriter's timestamp offset. The source's
 * clock is not ours: @source_clock_offset_us says how far ahead our wall
 * clock is. Giving every stream of one publisher the same offset keeps
 * their mappings consistent, which is all lip sync needs.
 *
 * Every @now_us here is our wall clock in microseconds since 1970
 * (g_get_real_time()), the clock the NTP timestamps of our reports carry,
 * and also the clock sh_rtp_recv_stats_on_sr() must be given.
 * Nothing allocates; no locking (a peer lives on its meeting's worker).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "rtcp.h"
#include "rtp-stats.h"

G_BEGIN_DECLS

/* One stream we send to the peer. Everything borrowed. */
typedef struct {
  const ShRtpSendStats *stats; /* its SSRC, counters and last packet */
  const char *cname;           /* the publisher's CNAME (shared by its streams); NULL: the peer's */
  guint32 clock_rate;          /* Hz */
  const ShRtpSrInfo *source_sr;  /* the source's latest SR; NULL or !valid before one */
  guint32 ts_offset;             /* out timestamp = source timestamp + ts_offset (mod 2^32) */
  gint64 source_clock_offset_us; /* our wall clock minus the source's, see above */
} ShRtcpOutStream;

/* How far our wall clock is ahead of the source's, measured by one of its
 * sender reports (the network delay included, which is harmless as long as
 * every stream of the source uses the same value). 0 without a report. */
gint64 sh_rtcp_source_clock_offset (const ShRtpSrInfo *sr);

/* The outgoing RTP timestamp for our wall clock @now_us. Without a source
 * SR, extrapolated from the last packet sent (no lip sync possible yet, but
 * a timestamp in the right place for the receiver's RTT and rate stats). */
guint32 sh_rtcp_out_rtp_timestamp (const ShRtcpOutStream *out, gint64 now_us);

/* Fills the sender info of @sr (SSRC, NTP and RTP timestamps, counts) for
 * @out at @now_us; sets no report block. */
void sh_rtcp_fill_sr (const ShRtcpOutStream *out, gint64 now_us, ShRtcpSr *sr);

/* Everything we report to one peer connection. Everything borrowed. */
typedef struct {
  guint32 local_ssrc;      /* our SSRC as a receiver: the RR's sender when we send nothing */
  const char *local_cname; /* ours: the SDES of local_ssrc, and of out streams without one */
  ShRtcpOutStream *out;    /* streams we send to this peer */
  guint n_out;
  ShRtpRecvStats **in; /* streams we receive from it; each report starts their next interval */
  guint n_in;
} ShRtcpPeerReport;

/* Writes a full compound RTCP packet for @peer at @now_us into @buf:
 *  - one SR per out stream that has sent a packet, the first carrying the
 *    report blocks of the in streams (those that have received something),
 *    or, when no stream was sent, an RR from local_ssrc with them; blocks
 *    beyond 31 follow in further RR packets;
 *  - an SDES with the CNAME of every SSRC that reported.
 * Returns the length, or SH_RTCP_ERR_NO_SPACE when it does not fit @cap (and
 * then no statistics changed), SH_RTCP_ERR_INVALID for a CNAME longer than
 * 255 bytes. */
int sh_rtcp_build_peer_report (const ShRtcpPeerReport *peer, gint64 now_us, guint8 *buf, gsize cap);

/* Round-trip time from @block, a report about one of our streams in an RR or
 * SR from the peer, received at @now_us: now − LSR − DLSR (RFC 3550 6.4.1),
 * in microseconds. FALSE when the peer has not heard an SR yet (LSR 0) or
 * the result is negative (clock trouble, or an answer to someone else). */
gboolean sh_rtcp_rtt_us (const ShRtcpReportBlock *block, gint64 now_us, gint64 *rtt_us);

G_END_DECLS
