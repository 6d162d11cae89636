/* RTCP feedback messages (RFC 4585, RFC 5104): PLI, FIR, generic NACK and
 * REMB. The SFU reads them from subscribers and writes them to publishers.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtcp.h"
#include "rtp-bytes.h"

#define FB_HEADER_LEN 12 /* common header, sender SSRC, media SSRC */
#define FIR_ENTRY_LEN 8
#define NACK_ENTRY_LEN 4
#define REMB_MAX_MANTISSA 0x3ffff /* 18 bits */

int
sh_rtcp_parse_fb (const ShRtcpPacket *packet, ShRtcpFb *fb)
{
  if (packet->type != SH_RTCP_RTPFB && packet->type != SH_RTCP_PSFB)
    return SH_RTCP_ERR_TYPE;
  if (packet->body_len < 8)
    return SH_RTCP_ERR_TRUNCATED;
  fb->type = packet->type;
  fb->fmt = packet->count;
  fb->sender_ssrc = sh_be32 (packet->body);
  fb->media_ssrc = sh_be32 (packet->body + 4);
  fb->fci = packet->body + 8;
  fb->fci_len = packet->body_len - 8;
  return SH_RTCP_OK;
}

/* Writes the common part of a feedback message of @len bytes. */
static void
put_fb_header (guint8 *out, guint8 type, guint8 fmt, gsize len, guint32 sender, guint32 media)
{
  sh_rtcp_put_header (out, fmt, type, len);
  sh_put32 (out + 4, sender);
  sh_put32 (out + 8, media);
}

/* The RTCP length field counts 32-bit words minus one in 16 bits. */
static gboolean
too_long (gsize len)
{
  return len / 4 - 1 > G_MAXUINT16;
}

gboolean
sh_rtcp_fb_is_pli (const ShRtcpFb *fb)
{
  return fb->type == SH_RTCP_PSFB && fb->fmt == SH_RTCP_FMT_PLI;
}

int
sh_rtcp_write_pli (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc)
{
  if (cap < FB_HEADER_LEN)
    return SH_RTCP_ERR_NO_SPACE;
  put_fb_header (out, SH_RTCP_PSFB, SH_RTCP_FMT_PLI, FB_HEADER_LEN, sender_ssrc, media_ssrc);
  return FB_HEADER_LEN;
}

/* ---- FIR ---- */

int
sh_rtcp_parse_fir (const ShRtcpFb *fb, ShRtcpFirEntry *entries, guint max)
{
  gsize n;

  if (fb->type != SH_RTCP_PSFB || fb->fmt != SH_RTCP_FMT_FIR)
    return SH_RTCP_ERR_TYPE;
  if (fb->fci_len == 0 || fb->fci_len % FIR_ENTRY_LEN != 0)
    return SH_RTCP_ERR_MALFORMED;
  n = fb->fci_len / FIR_ENTRY_LEN;
  for (gsize i = 0; i < n && i < max; i++) {
    const guint8 *p = fb->fci + FIR_ENTRY_LEN * i;

    entries[i].ssrc = sh_be32 (p);
    entries[i].seq = p[4];
  }
  return (int) n;
}

int
sh_rtcp_write_fir (guint8 *out, gsize cap, guint32 sender_ssrc, const ShRtcpFirEntry *entries,
                   guint n_entries)
{
  gsize len = FB_HEADER_LEN + FIR_ENTRY_LEN * (gsize) n_entries;

  if (n_entries == 0 || too_long (len))
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  /* RFC 5104: the media SSRC field is unused and zero; the FCI names them. */
  put_fb_header (out, SH_RTCP_PSFB, SH_RTCP_FMT_FIR, len, sender_ssrc, 0);
  for (guint i = 0; i < n_entries; i++) {
    guint8 *p = out + FB_HEADER_LEN + FIR_ENTRY_LEN * (gsize) i;

    sh_put32 (p, entries[i].ssrc);
    p[4] = entries[i].seq;
    p[5] = p[6] = p[7] = 0;
  }
  return (int) len;
}

/* ---- Generic NACK ---- */

int
sh_rtcp_parse_nack (const ShRtcpFb *fb, ShRtcpNackEntry *entries, guint max)
{
  gsize n;

  if (fb->type != SH_RTCP_RTPFB || fb->fmt != SH_RTCP_FMT_NACK)
    return SH_RTCP_ERR_TYPE;
  if (fb->fci_len == 0 || fb->fci_len % NACK_ENTRY_LEN != 0)
    return SH_RTCP_ERR_MALFORMED;
  n = fb->fci_len / NACK_ENTRY_LEN;
  for (gsize i = 0; i < n && i < max; i++) {
    entries[i].pid = sh_be16 (fb->fci + NACK_ENTRY_LEN * i);
    entries[i].blp = sh_be16 (fb->fci + NACK_ENTRY_LEN * i + 2);
  }
  return (int) n;
}

int
sh_rtcp_nack_expand (const ShRtcpNackEntry *entries, guint n_entries, guint16 *seqs, guint max)
{
  guint n = 0;

  for (guint i = 0; i < n_entries; i++) {
    if (n >= max)
      return SH_RTCP_ERR_NO_SPACE;
    seqs[n++] = entries[i].pid;
    for (guint bit = 0; bit < 16; bit++) {
      if (!(entries[i].blp & (1u << bit)))
        continue;
      if (n >= max)
        return SH_RTCP_ERR_NO_SPACE;
      seqs[n++] = (guint16) (entries[i].pid + bit + 1);
    }
  }
  return (int) n;
}

int
sh_rtcp_nack_build (guint16 *seqs, guint n_seqs, ShRtcpNackEntry *entries, guint max)
{
  guint16 ref;
  guint n = 0, i = 0;

  if (n_seqs == 0)
    return 0;
  /* Insertion sort by signed distance from the first: lists are short and
   * usually sorted already, which makes this linear. */
  ref = seqs[0];
  for (guint j = 1; j < n_seqs; j++) {
    guint16 s = seqs[j];
    gint16 key = (gint16) (guint16) (s - ref);
    guint k = j;

    while (k > 0 && (gint16) (guint16) (seqs[k - 1] - ref) > key) {
      seqs[k] = seqs[k - 1];
      k--;
    }
    seqs[k] = s;
  }

  /* Greedy from the oldest: each entry takes its first loss and every loss
   * in the 16 after it, which is the fewest entries for sorted input. */
  while (i < n_seqs) {
    guint16 pid = seqs[i++];
    guint16 blp = 0;

    while (i < n_seqs) {
      guint16 distance = (guint16) (seqs[i] - pid);

      if (distance > 16)
        break;
      if (distance > 0)
        blp |= (guint16) (1u << (distance - 1));
      i++;
    }
    if (n >= max)
      return SH_RTCP_ERR_NO_SPACE;
    entries[n].pid = pid;
    entries[n].blp = blp;
    n++;
  }
  return (int) n;
}

int
sh_rtcp_write_nack (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc,
                    const ShRtcpNackEntry *entries, guint n_entries)
{
  gsize len = FB_HEADER_LEN + NACK_ENTRY_LEN * (gsize) n_entries;

  if (n_entries == 0 || too_long (len))
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  put_fb_header (out, SH_RTCP_RTPFB, SH_RTCP_FMT_NACK, len, sender_ssrc, media_ssrc);
  for (guint i = 0; i < n_entries; i++) {
    sh_put16 (out + FB_HEADER_LEN + NACK_ENTRY_LEN * (gsize) i, entries[i].pid);
    sh_put16 (out + FB_HEADER_LEN + NACK_ENTRY_LEN * (gsize) i + 2, entries[i].blp);
  }
  return (int) len;
}

/* ---- REMB ---- */

int
sh_rtcp_parse_remb (const ShRtcpFb *fb, ShRtcpRemb *remb)
{
  guint exponent, n;
  guint64 mantissa;

  if (fb->type != SH_RTCP_PSFB || fb->fmt != SH_RTCP_FMT_REMB || fb->fci_len < 8
      || memcmp (fb->fci, "REMB", 4) != 0)
    return SH_RTCP_ERR_TYPE;
  n = fb->fci[4];
  if (fb->fci_len < 8 + 4 * (gsize) n)
    return SH_RTCP_ERR_MALFORMED;
  exponent = fb->fci[5] >> 2;
  mantissa = ((guint64) (fb->fci[5] & 0x03) << 16) | sh_be16 (fb->fci + 6);
  /* An 18-bit mantissa shifted by up to 63 can pass 64 bits: saturate. */
  if (exponent > 46 && (mantissa >> (64 - exponent)) != 0)
    remb->bitrate = G_MAXUINT64;
  else
    remb->bitrate = mantissa << exponent;
  remb->n_ssrcs = n;
  for (guint i = 0; i < n; i++)
    remb->ssrcs[i] = sh_be32 (fb->fci + 8 + 4 * (gsize) i);
  return SH_RTCP_OK;
}

int
sh_rtcp_write_remb (guint8 *out, gsize cap, guint32 sender_ssrc, const ShRtcpRemb *remb)
{
  gsize len = FB_HEADER_LEN + 8 + 4 * (gsize) remb->n_ssrcs;
  guint exponent = 0;
  guint32 mantissa;

  if (remb->n_ssrcs > SH_RTCP_REMB_MAX_SSRCS)
    return SH_RTCP_ERR_INVALID;
  if (len > cap)
    return SH_RTCP_ERR_NO_SPACE;
  while ((remb->bitrate >> exponent) > REMB_MAX_MANTISSA)
    exponent++;
  mantissa = (guint32) (remb->bitrate >> exponent);

  put_fb_header (out, SH_RTCP_PSFB, SH_RTCP_FMT_REMB, len, sender_ssrc, 0);
  memcpy (out + FB_HEADER_LEN, "REMB", 4);
  out[FB_HEADER_LEN + 4] = (guint8) remb->n_ssrcs;
  out[FB_HEADER_LEN + 5] = (guint8) ((exponent << 2) | (mantissa >> 16));
  sh_put16 (out + FB_HEADER_LEN + 6, (guint16) mantissa);
  for (guint i = 0; i < remb->n_ssrcs; i++)
    sh_put32 (out + FB_HEADER_LEN + 8 + 4 * (gsize) i, remb->ssrcs[i]);
  return (int) len;
}
