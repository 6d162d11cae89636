/* rtcp-reports.c — sender and receiver reports for one peer connection;
 * see rtcp-reports.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include "rtcp-reports.h"

#include <string.h>

#define US_PER_S G_GINT64_CONSTANT (1000000)
#define SR_LEN(blocks) (28 + 24 * (gsize) (blocks))
#define RR_LEN(blocks) (8 + 24 * (gsize) (blocks))

gint64
sh_rtcp_source_clock_offset (const ShRtpSrInfo *sr)
{
  if (sr == NULL || !sr->valid)
    return 0;
  return sr->arrival_us - sh_ntp_to_unix_us (sr->ntp);
}

/* @elapsed_us on a @clock_rate clock, rounded to the nearest tick, modulo
 * 2^32 (only the low 32 bits matter, so any elapsed time is safe). */
static guint32
ticks_of (gint64 elapsed_us, guint32 clock_rate)
{
  gint64 secs = elapsed_us / US_PER_S;
  gint64 rem = elapsed_us % US_PER_S;
  gint64 part = (rem * (gint64) clock_rate + (rem < 0 ? -US_PER_S / 2 : US_PER_S / 2)) / US_PER_S;

  return (guint32) ((guint64) secs * clock_rate + (guint64) part);
}

guint32
sh_rtcp_out_rtp_timestamp (const ShRtcpOutStream *out, gint64 now_us)
{
  const ShRtpSrInfo *sr = out->source_sr;

  if (sr != NULL && sr->valid) {
    /* Our "now" on the source's wall clock, then on its RTP clock. */
    gint64 source_now_us = now_us - out->source_clock_offset_us;
    gint64 elapsed_us = source_now_us - sh_ntp_to_unix_us (sr->ntp);

    return sr->rtp_ts + out->ts_offset + ticks_of (elapsed_us, out->clock_rate);
  }
  if (out->stats->sent)
    return out->stats->last_rtp_ts + ticks_of (now_us - out->stats->last_send_us, out->clock_rate);
  return out->ts_offset;
}

void
sh_rtcp_fill_sr (const ShRtcpOutStream *out, gint64 now_us, ShRtcpSr *sr)
{
  sr->ssrc = out->stats->ssrc;
  sr->ntp_timestamp = sh_ntp_from_unix_us (now_us);
  sr->rtp_timestamp = sh_rtcp_out_rtp_timestamp (out, now_us);
  sr->packet_count = out->stats->packets;
  sr->octet_count = out->stats->octets;
  sr->n_reports = 0;
}

static gsize
sdes_chunk_len (const char *cname)
{
  /* SSRC, CNAME item, at least one null octet, up to the next word. */
  return (4 + 2 + strlen (cname) + 1 + 3) & ~(gsize) 3;
}

static const char *
cname_of (const ShRtcpPeerReport *peer, const ShRtcpOutStream *out)
{
  const char *cname = out != NULL && out->cname != NULL ? out->cname : peer->local_cname;

  return cname != NULL ? cname : "";
}

/* Bytes the compound will take; *@too_long when a CNAME exceeds 255 bytes. */
static gsize
compound_len (const ShRtcpPeerReport *peer, guint n_senders, guint n_blocks, gboolean *too_long)
{
  guint first_blocks = MIN (n_blocks, SH_RTCP_MAX_COUNT);
  guint rest = n_blocks - first_blocks;
  guint n_chunks = n_senders > 0 ? n_senders : 1;
  gsize len;

  *too_long = FALSE;
  len = n_senders > 0 ? SR_LEN (first_blocks) + SR_LEN (0) * (n_senders - 1)
                      : RR_LEN (first_blocks);
  /* Leftover blocks: further RR packets of up to 31 blocks each. */
  len += RR_LEN (0) * ((rest + SH_RTCP_MAX_COUNT - 1) / SH_RTCP_MAX_COUNT) + 24 * (gsize) rest;
  /* SDES packet headers, then one chunk per SSRC that reported. */
  len += 4 * ((n_chunks + SH_RTCP_MAX_COUNT - 1) / SH_RTCP_MAX_COUNT);
  if (n_senders == 0) {
    *too_long |= strlen (cname_of (peer, NULL)) > 255;
    len += sdes_chunk_len (cname_of (peer, NULL));
  }
  for (guint i = 0; i < peer->n_out; i++) {
    if (!peer->out[i].stats->sent)
      continue;
    *too_long |= strlen (cname_of (peer, &peer->out[i])) > 255;
    len += sdes_chunk_len (cname_of (peer, &peer->out[i]));
  }
  return len;
}

/* Fills up to @max report blocks from the in streams, starting at *@next
 * (an index into peer->in), skipping streams with nothing received. */
static guint
take_blocks (const ShRtcpPeerReport *peer, guint *next, gint64 now_us, ShRtcpReportBlock *blocks,
             guint max)
{
  guint n = 0;

  while (n < max && *next < peer->n_in) {
    if (sh_rtp_recv_stats_report (peer->in[*next], now_us, &blocks[n]))
      n++;
    (*next)++;
  }
  return n;
}

static void
append_sdes_chunk (ShRtcpSdes *sdes, guint32 ssrc, const char *cname)
{
  ShRtcpSdesChunk *chunk = &sdes->chunks[sdes->n_chunks++];

  chunk->ssrc = ssrc;
  chunk->cname = (const guint8 *) cname;
  chunk->cname_len = (guint8) strlen (cname);
}

/* Writes @sdes when full (or when @flush and not empty). */
static void
commit_sdes (ShRtcpCompound *compound, ShRtcpSdes *sdes, gboolean flush)
{
  gsize room;
  guint8 *at;

  if (sdes->n_chunks == 0 || (!flush && sdes->n_chunks < SH_RTCP_MAX_COUNT))
    return;
  at = sh_rtcp_compound_space (compound, &room);
  sh_rtcp_compound_commit (compound, sh_rtcp_write_sdes (at, room, sdes));
  sdes->n_chunks = 0;
}

int
sh_rtcp_build_peer_report (const ShRtcpPeerReport *peer, gint64 now_us, guint8 *buf, gsize cap)
{
  ShRtcpCompound compound;
  ShRtcpSr sr;
  ShRtcpRr rr = { 0 };
  ShRtcpSdes sdes = { 0 };
  guint n_senders = 0, n_blocks = 0, next_in = 0;
  gboolean first = TRUE, too_long;
  gsize len, room;
  guint8 *at;

  for (guint i = 0; i < peer->n_out; i++)
    n_senders += peer->out[i].stats->sent ? 1 : 0;
  for (guint i = 0; i < peer->n_in; i++)
    n_blocks += peer->in[i]->started ? 1 : 0;
  /* Size first: the report blocks restart loss intervals, which must not
   * happen for a report that is never sent. */
  len = compound_len (peer, n_senders, n_blocks, &too_long);
  if (too_long)
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;

  sh_rtcp_compound_init (&compound, buf, cap, FALSE);
  for (guint i = 0; i < peer->n_out; i++) {
    const ShRtcpOutStream *out = &peer->out[i];

    if (!out->stats->sent)
      continue;
    sh_rtcp_fill_sr (out, now_us, &sr);
    if (first) {
      sr.n_reports = take_blocks (peer, &next_in, now_us, sr.reports, SH_RTCP_MAX_COUNT);
      rr.ssrc = sr.ssrc; /* leftover blocks come from the first sender */
    }
    first = FALSE;
    at = sh_rtcp_compound_space (&compound, &room);
    sh_rtcp_compound_commit (&compound, sh_rtcp_write_sr (at, room, &sr));
    append_sdes_chunk (&sdes, sr.ssrc, cname_of (peer, out));
    commit_sdes (&compound, &sdes, FALSE);
  }
  /* Without a stream sent, an RR (empty when nothing is received either:
   * a compound must start with SR or RR). Then any blocks left over. */
  if (n_senders == 0) {
    rr.ssrc = peer->local_ssrc;
    append_sdes_chunk (&sdes, peer->local_ssrc, cname_of (peer, NULL));
  }
  while (first || next_in < peer->n_in) {
    rr.n_reports = take_blocks (peer, &next_in, now_us, rr.reports, SH_RTCP_MAX_COUNT);
    if (!first && rr.n_reports == 0)
      break;
    first = FALSE;
    at = sh_rtcp_compound_space (&compound, &room);
    sh_rtcp_compound_commit (&compound, sh_rtcp_write_rr (at, room, &rr));
  }
  commit_sdes (&compound, &sdes, TRUE);
  return sh_rtcp_compound_finish (&compound);
}

gboolean
sh_rtcp_rtt_us (const ShRtcpReportBlock *block, gint64 now_us, gint64 *rtt_us)
{
  guint32 now_mid, rtt;

  if (block->lsr == 0)
    return FALSE;
  now_mid = sh_ntp_mid32 (sh_ntp_from_unix_us (now_us));
  /* Modulo 2^32 in 1/65536 s: a "negative" result shows as above half. */
  rtt = now_mid - block->lsr - block->dlsr;
  if (rtt >= 0x80000000u)
    return FALSE;
  *rtt_us = sh_ntp_short_to_us (rtt);
  return TRUE;
}
