/* Codec payload inspection for forwarding: the VP8 payload descriptor
 * (RFC 7741) and H.264 keyframe detection (RFC 6184). The SFU needs "is this
 * a keyframe" to switch simulcast layers and answer PLIs without decoding.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rtp.h"

gboolean
sh_vp8_parse (ShVp8Descriptor *desc, const guint8 *payload, gsize len)
{
  gsize off = 1;

  memset (desc, 0, sizeof *desc);
  if (payload == NULL || len < 1)
    return FALSE;
  desc->non_reference = (payload[0] & 0x20) != 0;
  desc->start_of_partition = (payload[0] & 0x10) != 0;
  desc->partition_id = payload[0] & 0x07;

  if (payload[0] & 0x80) {
    guint8 x;

    if (off >= len)
      return FALSE;
    x = payload[off++];
    desc->has_picture_id = (x & 0x80) != 0;
    desc->has_tl0picidx = (x & 0x40) != 0;
    desc->has_tid = (x & 0x20) != 0;
    desc->has_keyidx = (x & 0x10) != 0;

    if (desc->has_picture_id) {
      if (off >= len)
        return FALSE;
      desc->picture_id_15bit = (payload[off] & 0x80) != 0;
      if (desc->picture_id_15bit) {
        if (len - off < 2)
          return FALSE;
        desc->picture_id = (guint16) (((payload[off] & 0x7f) << 8) | payload[off + 1]);
        off += 2;
      } else {
        desc->picture_id = payload[off] & 0x7f;
        off += 1;
      }
    }
    if (desc->has_tl0picidx) {
      if (off >= len)
        return FALSE;
      desc->tl0picidx = payload[off++];
    }
    if (desc->has_tid || desc->has_keyidx) {
      /* One shared byte: TID and Y are meaningful only with T, KEYIDX only
       * with K. */
      if (off >= len)
        return FALSE;
      if (desc->has_tid) {
        desc->tid = payload[off] >> 6;
        desc->layer_sync = (payload[off] & 0x20) != 0;
      }
      if (desc->has_keyidx)
        desc->keyidx = payload[off] & 0x1f;
      off++;
    }
  }

  /* A descriptor with no VP8 data after it carries nothing to forward. */
  if (off >= len)
    return FALSE;
  desc->descriptor_len = off;
  desc->frame_start = desc->start_of_partition && desc->partition_id == 0;
  if (desc->frame_start) {
    const guint8 *frame = payload + off;
    gsize frame_len = len - off;

    /* The P bit, lowest of the first byte, is 0 on a keyframe. A keyframe
     * header then has a 3-byte tag, the start code and 14-bit dimensions
     * (the top 2 bits are the scaling mode). */
    desc->keyframe = (frame[0] & 0x01) == 0;
    if (desc->keyframe && frame_len >= 10 && frame[3] == 0x9d && frame[4] == 0x01
        && frame[5] == 0x2a) {
      desc->width = (guint16) ((frame[6] | (frame[7] << 8)) & 0x3fff);
      desc->height = (guint16) ((frame[8] | (frame[9] << 8)) & 0x3fff);
    }
  }
  return TRUE;
}

gboolean
sh_vp8_set_picture_id (guint8 *payload, gsize len, guint16 picture_id)
{
  ShVp8Descriptor desc;

  if (!sh_vp8_parse (&desc, payload, len) || !desc.has_picture_id)
    return FALSE;
  /* The picture id always follows the first two descriptor bytes. */
  if (desc.picture_id_15bit) {
    payload[2] = (guint8) (0x80 | ((picture_id >> 8) & 0x7f));
    payload[3] = (guint8) picture_id;
  } else {
    payload[2] = (guint8) (picture_id & 0x7f);
  }
  return TRUE;
}

static gboolean
h264_nal_is_key (guint8 nal_type)
{
  return nal_type == 5 || nal_type == 7; /* IDR slice, SPS */
}

gboolean
sh_h264_is_keyframe (const guint8 *payload, gsize len)
{
  guint8 type;

  if (payload == NULL || len < 1)
    return FALSE;
  type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23)
    return h264_nal_is_key (type);

  if (type == 24) {
    /* STAP-A: 16-bit sizes and NAL units until the end; every size must fit,
     * or the whole packet is suspect. */
    gboolean key = FALSE;
    gsize off = 1;

    while (off < len) {
      gsize size;

      if (len - off < 2)
        return FALSE;
      size = (gsize) ((payload[off] << 8) | payload[off + 1]);
      off += 2;
      if (size == 0 || size > len - off)
        return FALSE;
      if (h264_nal_is_key (payload[off] & 0x1f))
        key = TRUE;
      off += size;
    }
    return key;
  }

  if (type == 28) {
    /* FU-A: indicator, then S|E|R|type of the fragmented unit. */
    if (len < 3)
      return FALSE;
    return (payload[1] & 0x80) != 0 && h264_nal_is_key (payload[1] & 0x1f);
  }
  return FALSE;
}

gboolean
sh_rtp_is_keyframe (const ShRtpView *view, const char *codec)
{
  const guint8 *payload = view->data + view->payload_offset;
  ShVp8Descriptor vp8;

  if (g_ascii_strcasecmp (codec, "VP8") == 0)
    return sh_vp8_parse (&vp8, payload, view->payload_len) && vp8.keyframe;
  if (g_ascii_strcasecmp (codec, "H264") == 0)
    return sh_h264_is_keyframe (payload, view->payload_len);
  return FALSE;
}
