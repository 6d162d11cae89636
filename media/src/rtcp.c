/* RTCP compound iteration and the RFC 3550 packets: SR, RR, SDES, BYE, and
 * the compound builder. Feedback messages are in rtcp-fb.c and
 * transport-wide feedback in rtcp-twcc.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtcp.h"
#include "rtp-bytes.h"

#define REPORT_BLOCK_LEN 24
#define SR_INFO_LEN 24 /* SSRC and sender info */

gboolean
sh_rtcp_is_rtcp (const guint8 *buf, gsize len)
{
  return buf != NULL && len >= 4 && (buf[0] >> 6) == 2 && buf[1] >= 192 && buf[1] <= 223;
}

void
sh_rtcp_iter_init (ShRtcpIter *iter, const guint8 *buf, gsize len)
{
  iter->data = buf;
  iter->len = buf != NULL ? len : 0;
  iter->pos = 0;
  iter->error = SH_RTCP_OK;
}

/* The smallest body each known type can have, so that a header-only chunk
 * (length field 0) of a type that needs more is caught while iterating. */
static gsize
min_body_len (guint8 type, guint8 count)
{
  switch (type) {
    case SH_RTCP_SR:
      return SR_INFO_LEN + REPORT_BLOCK_LEN * (gsize) count;
    case SH_RTCP_RR:
      return 4 + REPORT_BLOCK_LEN * (gsize) count;
    case SH_RTCP_SDES:
      return 8 * (gsize) count; /* SSRC and a terminated, padded item list */
    case SH_RTCP_BYE:
      return 4 * (gsize) count;
    case SH_RTCP_APP:
      return 8;
    case SH_RTCP_RTPFB:
    case SH_RTCP_PSFB:
      return 8;
    default:
      return 0;
  }
}

gboolean
sh_rtcp_iter_next (ShRtcpIter *iter, ShRtcpPacket *packet)
{
  const guint8 *p;
  gsize rest, len;

  if (iter->error != SH_RTCP_OK || iter->pos >= iter->len)
    return FALSE;
  p = iter->data + iter->pos;
  rest = iter->len - iter->pos;
  if (rest < 4) {
    iter->error = SH_RTCP_ERR_TRUNCATED;
    return FALSE;
  }
  if ((p[0] >> 6) != 2) {
    iter->error = SH_RTCP_ERR_VERSION;
    return FALSE;
  }
  len = 4 * ((gsize) sh_be16 (p + 2) + 1);
  if (len > rest) {
    iter->error = SH_RTCP_ERR_TRUNCATED;
    return FALSE;
  }
  packet->data = p;
  packet->len = len;
  packet->count = p[0] & 0x1f;
  packet->type = p[1];
  packet->body = p + 4;
  packet->body_len = len - 4;
  if (p[0] & 0x20) {
    guint8 pad = p[len - 1];

    if (pad == 0 || pad > packet->body_len) {
      iter->error = SH_RTCP_ERR_PADDING;
      return FALSE;
    }
    packet->body_len -= pad;
  }
  if (packet->body_len < min_body_len (packet->type, packet->count)) {
    iter->error = SH_RTCP_ERR_MALFORMED;
    return FALSE;
  }
  iter->pos += len;
  return TRUE;
}

int
sh_rtcp_check_compound (const guint8 *buf, gsize len, gboolean reduced_size)
{
  ShRtcpIter iter;
  ShRtcpPacket packet;
  gboolean first = TRUE;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    if (first && !reduced_size && packet.type != SH_RTCP_SR && packet.type != SH_RTCP_RR)
      return SH_RTCP_ERR_ORDER;
    first = FALSE;
  }
  if (iter.error != SH_RTCP_OK)
    return iter.error;
  return first ? SH_RTCP_ERR_TRUNCATED : SH_RTCP_OK;
}

/* ---- SR and RR ---- */

static void
parse_report_blocks (const guint8 *p, guint n, ShRtcpReportBlock *blocks)
{
  for (guint i = 0; i < n; i++, p += REPORT_BLOCK_LEN) {
    guint32 lost = sh_be24 (p + 5);

    blocks[i].ssrc = sh_be32 (p);
    blocks[i].fraction_lost = p[4];
    /* Sign-extend the 24-bit count: duplicates can make it negative. */
    blocks[i].cumulative_lost = (lost & 0x800000) ? (gint32) lost - 0x1000000 : (gint32) lost;
    blocks[i].ext_highest_seq = sh_be32 (p + 8);
    blocks[i].jitter = sh_be32 (p + 12);
    blocks[i].lsr = sh_be32 (p + 16);
    blocks[i].dlsr = sh_be32 (p + 20);
  }
}

static void
write_report_blocks (guint8 *p, guint n, const ShRtcpReportBlock *blocks)
{
  for (guint i = 0; i < n; i++, p += REPORT_BLOCK_LEN) {
    gint32 lost = CLAMP (blocks[i].cumulative_lost, -0x800000, 0x7fffff);

    sh_put32 (p, blocks[i].ssrc);
    p[4] = blocks[i].fraction_lost;
    sh_put24 (p + 5, (guint32) lost & 0xffffff);
    sh_put32 (p + 8, blocks[i].ext_highest_seq);
    sh_put32 (p + 12, blocks[i].jitter);
    sh_put32 (p + 16, blocks[i].lsr);
    sh_put32 (p + 20, blocks[i].dlsr);
  }
}

int
sh_rtcp_parse_sr (const ShRtcpPacket *packet, ShRtcpSr *sr)
{
  const guint8 *b = packet->body;

  if (packet->type != SH_RTCP_SR)
    return SH_RTCP_ERR_TYPE;
  /* Extra bytes after the blocks are profile-specific extensions: allowed. */
  if (packet->body_len < SR_INFO_LEN + REPORT_BLOCK_LEN * (gsize) packet->count)
    return SH_RTCP_ERR_TRUNCATED;
  sr->ssrc = sh_be32 (b);
  sr->ntp_timestamp = ((guint64) sh_be32 (b + 4) << 32) | sh_be32 (b + 8);
  sr->rtp_timestamp = sh_be32 (b + 12);
  sr->packet_count = sh_be32 (b + 16);
  sr->octet_count = sh_be32 (b + 20);
  sr->n_reports = packet->count;
  parse_report_blocks (b + SR_INFO_LEN, sr->n_reports, sr->reports);
  return SH_RTCP_OK;
}

int
sh_rtcp_parse_rr (const ShRtcpPacket *packet, ShRtcpRr *rr)
{
  if (packet->type != SH_RTCP_RR)
    return SH_RTCP_ERR_TYPE;
  if (packet->body_len < 4 + REPORT_BLOCK_LEN * (gsize) packet->count)
    return SH_RTCP_ERR_TRUNCATED;
  rr->ssrc = sh_be32 (packet->body);
  rr->n_reports = packet->count;
  parse_report_blocks (packet->body + 4, rr->n_reports, rr->reports);
  return SH_RTCP_OK;
}

int
sh_rtcp_write_sr (guint8 *out, gsize cap, const ShRtcpSr *sr)
{
  gsize len;

  if (sr->n_reports > SH_RTCP_MAX_COUNT)
    return SH_RTCP_ERR_INVALID;
  len = 4 + SR_INFO_LEN + REPORT_BLOCK_LEN * (gsize) sr->n_reports;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  sh_rtcp_put_header (out, (guint8) sr->n_reports, SH_RTCP_SR, len);
  sh_put32 (out + 4, sr->ssrc);
  sh_put32 (out + 8, (guint32) (sr->ntp_timestamp >> 32));
  sh_put32 (out + 12, (guint32) sr->ntp_timestamp);
  sh_put32 (out + 16, sr->rtp_timestamp);
  sh_put32 (out + 20, sr->packet_count);
  sh_put32 (out + 24, sr->octet_count);
  write_report_blocks (out + 28, sr->n_reports, sr->reports);
  return (int) len;
}

int
sh_rtcp_write_rr (guint8 *out, gsize cap, const ShRtcpRr *rr)
{
  gsize len;

  if (rr->n_reports > SH_RTCP_MAX_COUNT)
    return SH_RTCP_ERR_INVALID;
  len = 8 + REPORT_BLOCK_LEN * (gsize) rr->n_reports;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  sh_rtcp_put_header (out, (guint8) rr->n_reports, SH_RTCP_RR, len);
  sh_put32 (out + 4, rr->ssrc);
  write_report_blocks (out + 8, rr->n_reports, rr->reports);
  return (int) len;
}

/* ---- SDES ---- */

#define SDES_END 0
#define SDES_CNAME 1

int
sh_rtcp_parse_sdes (const ShRtcpPacket *packet, ShRtcpSdes *sdes)
{
  const guint8 *b = packet->body;
  gsize n = packet->body_len, off = 0;

  if (packet->type != SH_RTCP_SDES)
    return SH_RTCP_ERR_TYPE;
  sdes->n_chunks = packet->count;
  for (guint i = 0; i < packet->count; i++) {
    ShRtcpSdesChunk *chunk = &sdes->chunks[i];

    if (n - off < 4)
      return SH_RTCP_ERR_MALFORMED;
    chunk->ssrc = sh_be32 (b + off);
    chunk->cname = NULL;
    chunk->cname_len = 0;
    off += 4;
    for (;;) {
      guint8 item_len;

      if (off >= n)
        return SH_RTCP_ERR_MALFORMED; /* no end-of-list item */
      if (b[off] == SDES_END) {
        /* The terminator and its null padding end on a word boundary;
         * chunks start on one, and so does the body. */
        off = (off + 4) & ~(gsize) 3;
        if (off > n)
          return SH_RTCP_ERR_MALFORMED;
        break;
      }
      if (n - off < 2)
        return SH_RTCP_ERR_MALFORMED;
      item_len = b[off + 1];
      if (item_len > n - off - 2)
        return SH_RTCP_ERR_MALFORMED;
      if (b[off] == SDES_CNAME) {
        chunk->cname = b + off + 2;
        chunk->cname_len = item_len;
      }
      off += 2 + (gsize) item_len;
    }
  }
  return SH_RTCP_OK;
}

static gsize
sdes_chunk_len (const ShRtcpSdesChunk *chunk)
{
  gsize items = chunk->cname != NULL ? 2 + (gsize) chunk->cname_len : 0;

  /* SSRC, items, at least one null octet, up to the next word. */
  return (4 + items + 1 + 3) & ~(gsize) 3;
}

int
sh_rtcp_write_sdes (guint8 *out, gsize cap, const ShRtcpSdes *sdes)
{
  gsize len = 4, off = 4;

  if (sdes->n_chunks > SH_RTCP_MAX_COUNT)
    return SH_RTCP_ERR_INVALID;
  for (guint i = 0; i < sdes->n_chunks; i++)
    len += sdes_chunk_len (&sdes->chunks[i]);
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  sh_rtcp_put_header (out, (guint8) sdes->n_chunks, SH_RTCP_SDES, len);
  for (guint i = 0; i < sdes->n_chunks; i++) {
    const ShRtcpSdesChunk *chunk = &sdes->chunks[i];
    gsize chunk_len = sdes_chunk_len (chunk);

    memset (out + off, 0, chunk_len);
    sh_put32 (out + off, chunk->ssrc);
    if (chunk->cname != NULL) {
      out[off + 4] = SDES_CNAME;
      out[off + 5] = chunk->cname_len;
      memcpy (out + off + 6, chunk->cname, chunk->cname_len);
    }
    off += chunk_len;
  }
  return (int) len;
}

/* ---- BYE ---- */

int
sh_rtcp_parse_bye (const ShRtcpPacket *packet, ShRtcpBye *bye)
{
  gsize off = 4 * (gsize) packet->count;

  if (packet->type != SH_RTCP_BYE)
    return SH_RTCP_ERR_TYPE;
  if (packet->body_len < off)
    return SH_RTCP_ERR_TRUNCATED;
  bye->n_ssrcs = packet->count;
  for (guint i = 0; i < packet->count; i++)
    bye->ssrcs[i] = sh_be32 (packet->body + 4 * (gsize) i);
  bye->reason = NULL;
  bye->reason_len = 0;
  if (off < packet->body_len) {
    guint8 reason_len = packet->body[off];

    if (reason_len > packet->body_len - off - 1)
      return SH_RTCP_ERR_MALFORMED;
    if (reason_len > 0) {
      bye->reason = packet->body + off + 1;
      bye->reason_len = reason_len;
    }
  }
  return SH_RTCP_OK;
}

int
sh_rtcp_write_bye (guint8 *out, gsize cap, const ShRtcpBye *bye)
{
  gsize reason = bye->reason != NULL && bye->reason_len > 0 ? bye->reason_len : 0;
  gsize off = 4 + 4 * (gsize) bye->n_ssrcs;
  gsize len = off + (reason > 0 ? (1 + reason + 3) & ~(gsize) 3 : 0);

  if (bye->n_ssrcs > SH_RTCP_MAX_COUNT)
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  sh_rtcp_put_header (out, (guint8) bye->n_ssrcs, SH_RTCP_BYE, len);
  for (guint i = 0; i < bye->n_ssrcs; i++)
    sh_put32 (out + 4 + 4 * (gsize) i, bye->ssrcs[i]);
  if (reason > 0) {
    memset (out + off, 0, len - off);
    out[off] = (guint8) reason;
    memcpy (out + off + 1, bye->reason, reason);
  }
  return (int) len;
}

/* ---- Compound builder ---- */

void
sh_rtcp_compound_init (ShRtcpCompound *compound, guint8 *buf, gsize cap, gboolean reduced_size)
{
  compound->buf = buf;
  compound->cap = cap;
  compound->len = 0;
  compound->reduced_size = reduced_size;
  compound->error = SH_RTCP_OK;
}

guint8 *
sh_rtcp_compound_space (ShRtcpCompound *compound, gsize *room)
{
  *room = compound->error != SH_RTCP_OK ? 0 : compound->cap - compound->len;
  return compound->buf + compound->len;
}

int
sh_rtcp_compound_commit (ShRtcpCompound *compound, int written)
{
  const guint8 *p = compound->buf + compound->len;

  if (compound->error != SH_RTCP_OK)
    return compound->error;
  if (written < 0) {
    compound->error = written;
    return written;
  }
  /* Exactly one well-formed packet, or the writer and builder disagree. */
  if ((gsize) written > compound->cap - compound->len || written < 4 || (p[0] >> 6) != 2
      || 4 * ((gsize) sh_be16 (p + 2) + 1) != (gsize) written) {
    compound->error = SH_RTCP_ERR_INVALID;
    return compound->error;
  }
  if (compound->len == 0 && !compound->reduced_size && p[1] != SH_RTCP_SR && p[1] != SH_RTCP_RR) {
    compound->error = SH_RTCP_ERR_ORDER;
    return compound->error;
  }
  compound->len += (gsize) written;
  return SH_RTCP_OK;
}

int
sh_rtcp_compound_finish (ShRtcpCompound *compound)
{
  if (compound->error != SH_RTCP_OK)
    return compound->error;
  if (compound->len == 0)
    return SH_RTCP_ERR_INVALID;
  return (int) compound->len;
}
