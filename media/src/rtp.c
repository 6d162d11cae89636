/* RTP header parsing (RFC 3550), in-place rewrites, sequence numbers and RTX
 * (RFC 4588). Header extensions are in rtp-ext.c, codecs in rtp-codec.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtp.h"
#include "rtp-bytes.h"

int
sh_rtp_parse (ShRtpView *view, const guint8 *buf, gsize len)
{
  gsize offset;

  if (buf == NULL || len < SH_RTP_HEADER_LEN)
    return SH_RTP_ERR_TRUNCATED;
  if ((buf[0] >> 6) != 2)
    return SH_RTP_ERR_VERSION;

  view->data = buf;
  view->len = len;
  view->padding = (buf[0] & 0x20) != 0;
  view->extension = (buf[0] & 0x10) != 0;
  view->csrc_count = buf[0] & 0x0f;
  view->marker = (buf[1] & 0x80) != 0;
  view->payload_type = buf[1] & 0x7f;
  view->seq = sh_be16 (buf + 2);
  view->timestamp = sh_be32 (buf + 4);
  view->ssrc = sh_be32 (buf + 8);
  view->ext_profile = 0;
  view->ext_offset = 0;
  view->ext_len = 0;
  view->padding_len = 0;

  offset = SH_RTP_HEADER_LEN + 4 * (gsize) view->csrc_count;
  if (offset > len)
    return SH_RTP_ERR_CSRC;

  if (view->extension) {
    gsize ext_len;

    if (len - offset < 4)
      return SH_RTP_ERR_EXTENSION;
    view->ext_profile = sh_be16 (buf + offset);
    ext_len = 4 * (gsize) sh_be16 (buf + offset + 2);
    offset += 4;
    if (ext_len > len - offset)
      return SH_RTP_ERR_EXTENSION;
    view->ext_offset = offset;
    view->ext_len = ext_len;
    offset += ext_len;
  }

  view->payload_offset = offset;
  view->payload_len = len - offset;

  if (view->padding) {
    /* The last octet counts the padding including itself, so 0 is invalid;
     * a count reaching into the header is too. A packet that is all padding
     * is valid: bandwidth probes are sent that way. */
    guint8 pad = buf[len - 1];

    if (pad == 0 || pad > view->payload_len)
      return SH_RTP_ERR_PADDING;
    view->padding_len = pad;
    view->payload_len -= pad;
  }
  return SH_RTP_OK;
}

guint32
sh_rtp_view_csrc (const ShRtpView *view, guint index)
{
  g_return_val_if_fail (index < view->csrc_count, 0);
  return sh_be32 (view->data + SH_RTP_HEADER_LEN + 4 * (gsize) index);
}

gboolean
sh_rtp_set_ssrc (guint8 *buf, gsize len, guint32 ssrc)
{
  if (len < SH_RTP_HEADER_LEN)
    return FALSE;
  sh_put32 (buf + 8, ssrc);
  return TRUE;
}

gboolean
sh_rtp_set_seq (guint8 *buf, gsize len, guint16 seq)
{
  if (len < SH_RTP_HEADER_LEN)
    return FALSE;
  sh_put16 (buf + 2, seq);
  return TRUE;
}

gboolean
sh_rtp_set_timestamp (guint8 *buf, gsize len, guint32 timestamp)
{
  if (len < SH_RTP_HEADER_LEN)
    return FALSE;
  sh_put32 (buf + 4, timestamp);
  return TRUE;
}

gboolean
sh_rtp_set_payload_type (guint8 *buf, gsize len, guint8 payload_type)
{
  if (len < SH_RTP_HEADER_LEN || payload_type > 127)
    return FALSE;
  buf[1] = (guint8) ((buf[1] & 0x80) | payload_type);
  return TRUE;
}

gboolean
sh_rtp_set_marker (guint8 *buf, gsize len, gboolean marker)
{
  if (len < SH_RTP_HEADER_LEN)
    return FALSE;
  buf[1] = (guint8) (marker ? (buf[1] | 0x80) : (buf[1] & 0x7f));
  return TRUE;
}

gint64
sh_rtp_seq_unwrap (ShRtpSeqUnwrapper *unwrapper, guint16 seq)
{
  if (!unwrapper->started) {
    unwrapper->started = TRUE;
    unwrapper->last = seq;
    return seq;
  }
  /* Step by the shortest signed distance from the last value, so reordering
   * across a wrap moves backwards instead of a whole cycle forwards. */
  unwrapper->last += sh_rtp_seq_diff (seq, (guint16) unwrapper->last);
  return unwrapper->last;
}

/* Copies the header of @view (fixed part, CSRCs, extension block) into @out
 * with padding cleared and the given identity. */
static void
copy_header (const ShRtpView *view, guint32 ssrc, guint8 payload_type, guint16 seq, guint8 *out)
{
  memcpy (out, view->data, view->payload_offset);
  out[0] &= (guint8) ~0x20;
  out[1] = (guint8) ((out[1] & 0x80) | (payload_type & 0x7f));
  sh_put16 (out + 2, seq);
  sh_put32 (out + 8, ssrc);
}

gboolean
sh_rtp_rtx_osn (const ShRtpView *rtx, guint16 *osn)
{
  if (rtx->payload_len < 2)
    return FALSE;
  *osn = sh_be16 (rtx->data + rtx->payload_offset);
  return TRUE;
}

int
sh_rtp_rtx_unwrap (const ShRtpView *rtx, guint32 ssrc, guint8 payload_type, guint8 *out, gsize cap)
{
  gsize total;
  guint16 osn;

  if (!sh_rtp_rtx_osn (rtx, &osn))
    return SH_RTP_ERR_TRUNCATED;
  if (payload_type > 127)
    return SH_RTP_ERR_INVALID;
  total = rtx->payload_offset + rtx->payload_len - 2;
  if (total > cap)
    return SH_RTP_ERR_NO_SPACE;
  copy_header (rtx, ssrc, payload_type, osn, out);
  memcpy (out + rtx->payload_offset, rtx->data + rtx->payload_offset + 2, rtx->payload_len - 2);
  return (int) total;
}

int
sh_rtp_rtx_wrap (const ShRtpView *original, guint32 ssrc, guint8 payload_type, guint16 seq,
                 guint8 *out, gsize cap)
{
  gsize total = original->payload_offset + 2 + original->payload_len;

  if (payload_type > 127)
    return SH_RTP_ERR_INVALID;
  if (total > cap)
    return SH_RTP_ERR_NO_SPACE;
  copy_header (original, ssrc, payload_type, seq, out);
  sh_put16 (out + original->payload_offset, original->seq);
  memcpy (out + original->payload_offset + 2, original->data + original->payload_offset,
          original->payload_len);
  return (int) total;
}
