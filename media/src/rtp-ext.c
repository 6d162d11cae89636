/* RTP header extensions (RFC 8285): reading elements of the one-byte and
 * two-byte forms, and setting an element in place or into a copy.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtp.h"
#include "rtp-bytes.h"

static gboolean
fits_one_byte (guint8 id, gsize len)
{
  /* Id 15 is reserved and means "stop"; the length nibble stores len - 1. */
  return id >= 1 && id <= 14 && len >= 1 && len <= 16;
}

static gboolean
fits_two_byte (guint8 id, gsize len)
{
  return id >= 1 && len <= 255;
}

static gsize
element_size (gboolean two_byte, gsize value_len)
{
  return (two_byte ? 2 : 1) + value_len;
}

/* @value may overlap @out when the element moves towards the start of the
 * block in its own form: the header lands before the value it came with. */
static void
put_element (guint8 *out, gboolean two_byte, guint8 id, const guint8 *value, gsize value_len)
{
  if (two_byte) {
    out[0] = id;
    out[1] = (guint8) value_len;
    memmove (out + 2, value, value_len);
  } else {
    out[0] = (guint8) ((id << 4) | (value_len - 1));
    memmove (out + 1, value, value_len);
  }
}

static gboolean
known_profile (guint16 profile, gboolean *two_byte)
{
  if (profile == SH_RTP_EXT_ONE_BYTE) {
    *two_byte = FALSE;
    return TRUE;
  }
  if ((profile & 0xfff0) == SH_RTP_EXT_TWO_BYTE) {
    *two_byte = TRUE;
    return TRUE;
  }
  return FALSE;
}

gboolean
sh_rtp_ext_iter_init (ShRtpExtIter *iter, const ShRtpView *view)
{
  memset (iter, 0, sizeof *iter);
  if (!view->extension || !known_profile (view->ext_profile, &iter->two_byte))
    return FALSE;
  iter->data = view->data + view->ext_offset;
  iter->end = view->ext_len;
  return TRUE;
}

gboolean
sh_rtp_ext_iter_next (ShRtpExtIter *iter, guint8 *id, const guint8 **value, gsize *value_len)
{
  while (iter->pos < iter->end) {
    const guint8 *p = iter->data + iter->pos;
    gsize room = iter->end - iter->pos;
    gsize header, len;

    if (p[0] == 0) {
      iter->pos++; /* a padding byte, in either form */
      continue;
    }
    if (iter->two_byte) {
      if (room < 2)
        goto malformed;
      header = 2;
      *id = p[0];
      len = p[1];
    } else {
      header = 1;
      *id = p[0] >> 4;
      len = (gsize) (p[0] & 0x0f) + 1;
      if (*id == 15) {
        /* RFC 8285 section 4.2: stop here, keep what came before. */
        iter->pos = iter->end;
        return FALSE;
      }
      if (*id == 0)
        goto malformed; /* id 0 is only ever a whole zero byte of padding */
    }
    if (len > room - header)
      goto malformed;
    *value = p + header;
    *value_len = len;
    iter->pos += header + len;
    return TRUE;
  }
  return FALSE;

malformed:
  iter->malformed = TRUE;
  iter->pos = iter->end;
  return FALSE;
}

gboolean
sh_rtp_ext_find (const ShRtpView *view, guint8 id, const guint8 **value, gsize *value_len)
{
  ShRtpExtIter iter;
  guint8 found;

  if (!sh_rtp_ext_iter_init (&iter, view))
    return FALSE;
  while (sh_rtp_ext_iter_next (&iter, &found, value, value_len)) {
    if (found == id)
      return TRUE;
  }
  return FALSE;
}

/* Writes every element of @view except @skip_id to @out (or only counts when
 * @out is NULL) in the given form. Returns the byte count, or -1 when the
 * block is malformed or an element does not fit the one-byte form. @out may
 * be the view's own block when the form is kept: elements only move towards
 * its start, never over one not yet read. */
static gssize
copy_elements (const ShRtpView *view, guint8 skip_id, gboolean two_byte, guint8 *out)
{
  ShRtpExtIter iter;
  const guint8 *value;
  gsize value_len, n = 0;
  guint8 id;

  if (!sh_rtp_ext_iter_init (&iter, view))
    return 0;
  while (sh_rtp_ext_iter_next (&iter, &id, &value, &value_len)) {
    if (id == skip_id)
      continue;
    if (!two_byte && !fits_one_byte (id, value_len))
      return -1;
    if (out != NULL)
      put_element (out + n, two_byte, id, value, value_len);
    n += element_size (two_byte, value_len);
  }
  return iter.malformed ? -1 : (gssize) n;
}

/* Overwrites element @id in place when it has the same length. Returns TRUE
 * when done, FALSE when absent or of another length; -1 when malformed. */
static int
overwrite_same_length (const ShRtpView *view, guint8 *buf, guint8 id, const guint8 *value,
                       gsize value_len)
{
  ShRtpExtIter iter;
  const guint8 *found;
  gsize found_len;
  guint8 found_id;

  if (!sh_rtp_ext_iter_init (&iter, view))
    return FALSE;
  while (sh_rtp_ext_iter_next (&iter, &found_id, &found, &found_len)) {
    if (found_id == id && found_len == value_len) {
      memcpy (buf + (found - view->data), value, value_len);
      return TRUE;
    }
  }
  return iter.malformed ? -1 : FALSE;
}

int
sh_rtp_ext_set_in_place (guint8 *buf, gsize len, gsize cap, guint8 id, const guint8 *value,
                         gsize value_len)
{
  ShRtpView view;
  gboolean two_byte = FALSE;
  gsize header_len, old_end, new_end, block, tail_len;
  gssize others;
  int rc;

  rc = sh_rtp_parse (&view, buf, len);
  if (rc < 0)
    return rc;
  if (!fits_two_byte (id, value_len))
    return SH_RTP_ERR_INVALID;
  if (view.extension && !known_profile (view.ext_profile, &two_byte))
    return SH_RTP_ERR_EXTENSION;

  /* The per-packet case (abs-send-time, mid): same length, no move. */
  rc = overwrite_same_length (&view, buf, id, value, value_len);
  if (rc < 0)
    return SH_RTP_ERR_EXTENSION;
  if (rc)
    return (int) len;

  if (!two_byte && !fits_one_byte (id, value_len))
    return SH_RTP_ERR_NO_SPACE; /* form change: every element grows */
  others = copy_elements (&view, id, two_byte, NULL);
  if (others < 0)
    return SH_RTP_ERR_EXTENSION;
  block = ((gsize) others + element_size (two_byte, value_len) + 3) & ~(gsize) 3;
  if (block / 4 > G_MAXUINT16)
    return SH_RTP_ERR_NO_SPACE;
  header_len = SH_RTP_HEADER_LEN + 4 * (gsize) view.csrc_count;
  old_end = view.payload_offset;
  new_end = header_len + 4 + block;
  tail_len = len - old_end; /* payload and padding */
  if (new_end + tail_len > cap)
    return SH_RTP_ERR_NO_SPACE;

  /* Compact the kept elements to the start of the block, move the payload,
   * then write the new element and zero padding where the two meet. */
  if (view.extension)
    copy_elements (&view, id, two_byte, buf + view.ext_offset);
  memmove (buf + new_end, buf + old_end, tail_len);
  buf[0] |= 0x10;
  sh_put16 (buf + header_len, view.extension ? view.ext_profile : SH_RTP_EXT_ONE_BYTE);
  sh_put16 (buf + header_len + 2, (guint16) (block / 4));
  put_element (buf + header_len + 4 + others, two_byte, id, value, value_len);
  memset (buf + header_len + 4 + others + element_size (two_byte, value_len), 0,
          block - (gsize) others - element_size (two_byte, value_len));
  return (int) (new_end + tail_len);
}

int
sh_rtp_ext_write (const guint8 *in, gsize in_len, guint8 id, const guint8 *value, gsize value_len,
                  guint8 *out, gsize cap)
{
  ShRtpView view;
  gboolean two_byte = FALSE;
  guint16 profile;
  gsize header_len, block, tail_len, new_len;
  gssize others;
  int rc;

  rc = sh_rtp_parse (&view, in, in_len);
  if (rc < 0)
    return rc;
  if (!fits_two_byte (id, value_len))
    return SH_RTP_ERR_INVALID;
  if (view.extension && !known_profile (view.ext_profile, &two_byte))
    return SH_RTP_ERR_EXTENSION;

  /* Keep a two-byte block as it is (with its appbits); upgrade a one-byte
   * block, or start one, only when the new element needs it. */
  if (two_byte) {
    profile = view.ext_profile;
  } else if (fits_one_byte (id, value_len)) {
    profile = SH_RTP_EXT_ONE_BYTE;
  } else {
    two_byte = TRUE;
    profile = SH_RTP_EXT_TWO_BYTE;
  }

  others = copy_elements (&view, id, two_byte, NULL);
  if (others < 0)
    return SH_RTP_ERR_EXTENSION;
  block = ((gsize) others + element_size (two_byte, value_len) + 3) & ~(gsize) 3;
  if (block / 4 > G_MAXUINT16)
    return SH_RTP_ERR_NO_SPACE;
  header_len = SH_RTP_HEADER_LEN + 4 * (gsize) view.csrc_count;
  tail_len = in_len - view.payload_offset;
  new_len = header_len + 4 + block + tail_len;
  if (new_len > cap)
    return SH_RTP_ERR_NO_SPACE;

  memcpy (out, in, header_len);
  out[0] |= 0x10;
  sh_put16 (out + header_len, profile);
  sh_put16 (out + header_len + 2, (guint16) (block / 4));
  copy_elements (&view, id, two_byte, out + header_len + 4);
  put_element (out + header_len + 4 + others, two_byte, id, value, value_len);
  memset (out + header_len + 4 + others + element_size (two_byte, value_len), 0,
          block - (gsize) others - element_size (two_byte, value_len));
  memcpy (out + header_len + 4 + block, in + view.payload_offset, tail_len);
  return (int) new_len;
}

gboolean
sh_rtp_ext_audio_level (const ShRtpView *view, guint8 id, gboolean *voice, guint8 *level)
{
  const guint8 *value;
  gsize len;

  if (!sh_rtp_ext_find (view, id, &value, &len) || len < 1)
    return FALSE;
  *voice = (value[0] & 0x80) != 0;
  *level = value[0] & 0x7f;
  return TRUE;
}

gboolean
sh_rtp_ext_transport_seq (const ShRtpView *view, guint8 id, guint16 *seq)
{
  const guint8 *value;
  gsize len;

  if (!sh_rtp_ext_find (view, id, &value, &len) || len < 2)
    return FALSE;
  *seq = sh_be16 (value);
  return TRUE;
}

gboolean
sh_rtp_ext_abs_send_time (const ShRtpView *view, guint8 id, guint32 *abs_send_time)
{
  const guint8 *value;
  gsize len;

  if (!sh_rtp_ext_find (view, id, &value, &len) || len < 3)
    return FALSE;
  *abs_send_time = sh_be24 (value);
  return TRUE;
}

guint32
sh_rtp_abs_send_time_from_us (gint64 time_us)
{
  /* Split seconds and fraction so that the shift cannot overflow; only the
   * low 6 bits of the seconds survive anyway. */
  guint64 us = (guint64) time_us;
  guint64 seconds = us / G_USEC_PER_SEC;
  guint64 fraction = ((us % G_USEC_PER_SEC) << 18) / G_USEC_PER_SEC;

  return (guint32) (((seconds << 18) | fraction) & 0xffffff);
}
