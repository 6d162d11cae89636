/* Transport-wide congestion control feedback (RTPFB FMT 15,
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1): the
 * receiver tells the sender, per transport sequence number, whether the
 * packet arrived and when, which drives the send-side bandwidth estimate.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtcp.h"
#include "rtp-bytes.h"

#define FB_HEADER_LEN 12
#define TWCC_HEADER_LEN 8 /* base seq, status count, reference time, fb count */
#define RUN_MAX 0x1fff    /* 13-bit run length */

/* Packet status symbols. */
enum { NOT_RECEIVED = 0, SMALL_DELTA = 1, LARGE_DELTA = 2, RESERVED = 3 };

int
sh_rtcp_parse_twcc (const ShRtcpFb *fb, ShRtcpTwcc *twcc, ShRtcpTwccPacket *packets, guint max)
{
  const guint8 *fci = fb->fci;
  gsize len = fb->fci_len, off = TWCC_HEADER_LEN;
  guint32 reference;
  guint count, described = 0;

  if (fb->type != SH_RTCP_RTPFB || fb->fmt != SH_RTCP_FMT_TWCC)
    return SH_RTCP_ERR_TYPE;
  if (len < TWCC_HEADER_LEN)
    return SH_RTCP_ERR_TRUNCATED;
  twcc->base_seq = sh_be16 (fci);
  twcc->status_count = sh_be16 (fci + 2);
  reference = sh_be24 (fci + 4);
  twcc->reference_time
      = (reference & 0x800000) ? (gint32) reference - 0x1000000 : (gint32) reference;
  twcc->fb_count = fci[7];
  count = twcc->status_count;
  if (count == 0)
    return SH_RTCP_ERR_MALFORMED;
  if (count > max)
    return SH_RTCP_ERR_NO_SPACE;

  /* First the chunks, until they describe status_count packets; the symbol
   * waits in .delta until the deltas are read. A last vector chunk may
   * describe more packets than there are: the extra symbols are ignored. */
  while (described < count) {
    guint16 chunk;

    if (len - off < 2)
      return SH_RTCP_ERR_MALFORMED;
    chunk = sh_be16 (fci + off);
    off += 2;
    if (!(chunk & 0x8000)) {
      guint symbol = (chunk >> 13) & 0x03;
      guint run = chunk & RUN_MAX;

      if (symbol == RESERVED)
        return SH_RTCP_ERR_MALFORMED;
      for (guint k = 0; k < run && described < count; k++)
        packets[described++].delta = (gint32) symbol;
    } else if (!(chunk & 0x4000)) {
      for (guint k = 0; k < 14 && described < count; k++)
        packets[described++].delta = (chunk >> (13 - k)) & 0x01;
    } else {
      for (guint k = 0; k < 7 && described < count; k++) {
        guint symbol = (chunk >> (12 - 2 * k)) & 0x03;

        if (symbol == RESERVED)
          return SH_RTCP_ERR_MALFORMED;
        packets[described++].delta = (gint32) symbol;
      }
    }
  }

  /* Then one receive delta per received packet, in order. */
  for (guint i = 0; i < count; i++) {
    ShRtcpTwccPacket *packet = &packets[i];
    gint32 symbol = packet->delta;

    packet->seq = (guint16) (twcc->base_seq + i);
    packet->received = symbol != NOT_RECEIVED;
    packet->delta = 0;
    if (symbol == SMALL_DELTA) {
      if (len - off < 1)
        return SH_RTCP_ERR_MALFORMED;
      packet->delta = fci[off];
      off += 1;
    } else if (symbol == LARGE_DELTA) {
      if (len - off < 2)
        return SH_RTCP_ERR_MALFORMED;
      packet->delta = (gint16) sh_be16 (fci + off);
      off += 2;
    }
  }
  return (int) count;
}

/* The symbol a packet needs, or RESERVED when its delta cannot be sent. */
static guint
symbol_of (const ShRtcpTwccPacket *packet)
{
  if (!packet->received)
    return NOT_RECEIVED;
  if (packet->delta >= 0 && packet->delta <= 255)
    return SMALL_DELTA;
  if (packet->delta >= G_MININT16 && packet->delta <= G_MAXINT16)
    return LARGE_DELTA;
  return RESERVED;
}

/* Encodes the status chunks into @out (or only counts when NULL). Returns
 * the chunk bytes, or SH_RTCP_ERR_INVALID for a delta out of range.
 *
 * At each position: a run of 14 or more equal symbols, or one that reaches
 * the end, becomes a run-length chunk; otherwise a 1-bit vector covers 14
 * packets when none of them needs a large delta, else a run of 7 or more
 * still takes a run-length chunk and anything else a 2-bit vector of 7. */
static int
encode_chunks (const ShRtcpTwccPacket *packets, guint n, guint8 *out)
{
  gsize bytes = 0;
  guint i = 0;

  for (guint j = 0; j < n; j++) {
    if (symbol_of (&packets[j]) == RESERVED)
      return SH_RTCP_ERR_INVALID;
  }

  while (i < n) {
    guint first = symbol_of (&packets[i]);
    guint remaining = n - i, run = 1, window = MIN (14, remaining);
    gboolean has_large = FALSE;
    guint16 chunk;

    while (run < remaining && run < RUN_MAX && symbol_of (&packets[i + run]) == first)
      run++;
    for (guint k = 0; k < window; k++)
      has_large |= symbol_of (&packets[i + k]) == LARGE_DELTA;

    if (run >= 14 || run == remaining || (has_large && run >= 7)) {
      chunk = (guint16) ((first << 13) | run);
      i += run;
    } else if (!has_large) {
      chunk = 0x8000;
      for (guint k = 0; k < window; k++)
        chunk |= (guint16) (symbol_of (&packets[i + k]) << (13 - k));
      i += window;
    } else {
      guint n7 = MIN (7, remaining);

      chunk = 0xc000;
      for (guint k = 0; k < n7; k++)
        chunk |= (guint16) (symbol_of (&packets[i + k]) << (12 - 2 * k));
      i += n7;
    }
    if (out != NULL)
      sh_put16 (out + bytes, chunk);
    bytes += 2;
  }
  return (int) bytes;
}

int
sh_rtcp_write_twcc (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc,
                    const ShRtcpTwcc *twcc, const ShRtcpTwccPacket *packets, guint n_packets)
{
  gsize delta_bytes = 0, unpadded, len, off;
  guint8 pad;
  int chunk_bytes;

  if (n_packets == 0 || n_packets > G_MAXUINT16)
    return SH_RTCP_ERR_INVALID;
  chunk_bytes = encode_chunks (packets, n_packets, NULL);
  if (chunk_bytes < 0)
    return chunk_bytes;
  for (guint i = 0; i < n_packets; i++) {
    guint symbol = symbol_of (&packets[i]);

    delta_bytes += symbol == SMALL_DELTA ? 1 : symbol == LARGE_DELTA ? 2 : 0;
  }
  unpadded = FB_HEADER_LEN + TWCC_HEADER_LEN + (gsize) chunk_bytes + delta_bytes;
  pad = (guint8) ((4 - unpadded % 4) % 4);
  len = unpadded + pad;
  if (len / 4 - 1 > G_MAXUINT16)
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;

  sh_rtcp_put_header (out, SH_RTCP_FMT_TWCC, SH_RTCP_RTPFB, len);
  sh_put32 (out + 4, sender_ssrc);
  sh_put32 (out + 8, media_ssrc);
  off = FB_HEADER_LEN;
  sh_put16 (out + off, twcc->base_seq);
  sh_put16 (out + off + 2, (guint16) n_packets);
  /* The reference time is kept modulo 2^24, as it wraps on the wire. */
  sh_put24 (out + off + 4, (guint32) twcc->reference_time & 0xffffff);
  out[off + 7] = twcc->fb_count;
  off += TWCC_HEADER_LEN;
  encode_chunks (packets, n_packets, out + off);
  off += (gsize) chunk_bytes;
  for (guint i = 0; i < n_packets; i++) {
    guint symbol = symbol_of (&packets[i]);

    if (symbol == SMALL_DELTA) {
      out[off++] = (guint8) packets[i].delta;
    } else if (symbol == LARGE_DELTA) {
      sh_put16 (out + off, (guint16) (gint16) packets[i].delta);
      off += 2;
    }
  }
  /* Padding as libwebrtc sends it: P bit set, the count in the last byte. */
  if (pad > 0) {
    memset (out + off, 0, pad);
    out[len - 1] = pad;
    out[0] |= 0x20;
  }
  return (int) len;
}
