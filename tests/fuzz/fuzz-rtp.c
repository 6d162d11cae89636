/* Fuzz target for RTP packets from the network: sh_rtp_parse() on arbitrary
 * bytes; for a packet that parses, every reader (header extensions, audio
 * level, transport sequence number, abs-send-time, VP8 descriptor, H.264
 * keyframe, RTX) and every writer, the writers on copies of the input. What
 * a writer produces must parse and carry what was written.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "rtp.h"

/* Larger than any RTP packet over UDP, and than the fuzzer's inputs. */
#define MAX_PACKET 65536
#define EXTRA 600 /* room for a two-byte element of 255 bytes and its padding */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

/* Whether the packet in @buf carries element @id with @value. */
static gboolean
has_element (const guint8 *buf, gsize len, guint8 id, const guint8 *value, gsize value_len)
{
  ShRtpView view;
  ShRtpExtIter iter;
  const guint8 *found;
  gsize found_len;
  guint8 found_id;

  FUZZ_CHECK (sh_rtp_parse (&view, buf, len) == SH_RTP_OK);
  if (!sh_rtp_ext_iter_init (&iter, &view))
    return FALSE;
  while (sh_rtp_ext_iter_next (&iter, &found_id, &found, &found_len)) {
    FUZZ_CHECK (found >= buf && found + found_len <= buf + len);
    if (found_id == id && found_len == value_len && memcmp (found, value, value_len) == 0)
      return TRUE;
  }
  return FALSE;
}

/* A written packet parses and keeps the original's header and payload. */
static void
check_written (const ShRtpView *orig, const guint8 *buf, int n, guint8 id, const guint8 *value,
               gsize value_len)
{
  ShRtpView view;

  FUZZ_CHECK (n > 0);
  FUZZ_CHECK (sh_rtp_parse (&view, buf, (gsize) n) == SH_RTP_OK);
  FUZZ_CHECK (view.extension);
  FUZZ_CHECK (view.ssrc == orig->ssrc && view.seq == orig->seq);
  FUZZ_CHECK (view.payload_type == orig->payload_type && view.marker == orig->marker);
  FUZZ_CHECK (view.csrc_count == orig->csrc_count);
  FUZZ_CHECK (view.payload_len == orig->payload_len);
  FUZZ_CHECK (memcmp (sh_rtp_view_payload (&view), sh_rtp_view_payload (orig), orig->payload_len)
              == 0);
  FUZZ_CHECK (has_element (buf, (gsize) n, id, value, value_len));
}

static void
read_extensions (const ShRtpView *view)
{
  ShRtpExtIter iter;
  const guint8 *value;
  gsize value_len;
  guint8 id;
  gboolean voice;
  guint8 level;
  guint16 tseq;
  guint32 ast;

  if (sh_rtp_ext_iter_init (&iter, view)) {
    guint n = 0;

    while (sh_rtp_ext_iter_next (&iter, &id, &value, &value_len)) {
      FUZZ_CHECK (id != 0 && (iter.two_byte || id < 15));
      FUZZ_CHECK (value >= view->data + view->ext_offset);
      FUZZ_CHECK (value + value_len <= view->data + view->ext_offset + view->ext_len);
      FUZZ_CHECK (++n <= view->ext_len);
    }
  }
  for (guint8 ext = 0; ext < 16; ext++) {
    (void) sh_rtp_ext_audio_level (view, ext, &voice, &level);
    (void) sh_rtp_ext_transport_seq (view, ext, &tseq);
    (void) sh_rtp_ext_abs_send_time (view, ext, &ast);
  }
  (void) sh_rtp_ext_find (view, 255, &value, &value_len);
}

static void
read_payload (const ShRtpView *view)
{
  const guint8 *payload = sh_rtp_view_payload (view);
  ShVp8Descriptor vp8;

  if (sh_vp8_parse (&vp8, payload, view->payload_len)) {
    FUZZ_CHECK (vp8.descriptor_len < view->payload_len);
    FUZZ_CHECK (!vp8.keyframe || vp8.frame_start);
    if (vp8.has_picture_id) {
      g_autofree guint8 *copy = g_memdup2 (payload, view->payload_len);
      ShVp8Descriptor again;
      guint16 id = vp8.picture_id_15bit ? 0x1234 : 0x55;

      FUZZ_CHECK (sh_vp8_set_picture_id (copy, view->payload_len, id));
      FUZZ_CHECK (sh_vp8_parse (&again, copy, view->payload_len));
      FUZZ_CHECK (again.picture_id == id && again.descriptor_len == vp8.descriptor_len);
    }
  }
  (void) sh_h264_is_keyframe (payload, view->payload_len);
}

static void
rtx (const ShRtpView *view)
{
  guint8 out[MAX_PACKET + 2];
  ShRtpView unwrapped, wrapped;
  guint16 osn;
  int n;

  n = sh_rtp_rtx_unwrap (view, 0xcafe, 96, out, sizeof out);
  if (!sh_rtp_rtx_osn (view, &osn)) {
    FUZZ_CHECK (n == SH_RTP_ERR_TRUNCATED);
  } else {
    FUZZ_CHECK (n > 0);
    FUZZ_CHECK (sh_rtp_parse (&unwrapped, out, (gsize) n) == SH_RTP_OK);
    FUZZ_CHECK (unwrapped.seq == osn && unwrapped.ssrc == 0xcafe);
    FUZZ_CHECK (unwrapped.payload_type == 96 && unwrapped.payload_len == view->payload_len - 2);
    /* Too small by one byte. */
    FUZZ_CHECK (sh_rtp_rtx_unwrap (view, 1, 96, out, (gsize) n - 1) == SH_RTP_ERR_NO_SPACE);
  }

  n = sh_rtp_rtx_wrap (view, 0xbeef, 97, 7, out, sizeof out);
  FUZZ_CHECK (n > 0);
  FUZZ_CHECK (sh_rtp_parse (&wrapped, out, (gsize) n) == SH_RTP_OK);
  FUZZ_CHECK (sh_rtp_rtx_osn (&wrapped, &osn) && osn == view->seq);
  FUZZ_CHECK (wrapped.payload_len == view->payload_len + 2);
  /* And back: the original header and payload, without padding. */
  guint8 back[MAX_PACKET + 2];
  n = sh_rtp_rtx_unwrap (&wrapped, view->ssrc, view->payload_type, back, sizeof back);
  FUZZ_CHECK (n > 0);
  FUZZ_CHECK (sh_rtp_parse (&unwrapped, back, (gsize) n) == SH_RTP_OK);
  FUZZ_CHECK (unwrapped.seq == view->seq && unwrapped.payload_len == view->payload_len);
  FUZZ_CHECK (
      memcmp (sh_rtp_view_payload (&unwrapped), sh_rtp_view_payload (view), view->payload_len)
      == 0);
}

static void
set_header_fields (const guint8 *data, gsize size)
{
  g_autofree guint8 *copy = g_memdup2 (data, size);
  ShRtpView view;

  FUZZ_CHECK (sh_rtp_set_ssrc (copy, size, 0x01020304));
  FUZZ_CHECK (sh_rtp_set_seq (copy, size, 0xfffe));
  FUZZ_CHECK (sh_rtp_set_timestamp (copy, size, 0x90000));
  FUZZ_CHECK (sh_rtp_set_payload_type (copy, size, 111));
  FUZZ_CHECK (!sh_rtp_set_payload_type (copy, size, 128));
  FUZZ_CHECK (sh_rtp_set_marker (copy, size, TRUE));
  FUZZ_CHECK (sh_rtp_parse (&view, copy, size) == SH_RTP_OK);
  FUZZ_CHECK (view.ssrc == 0x01020304 && view.seq == 0xfffe && view.timestamp == 0x90000);
  FUZZ_CHECK (view.payload_type == 111 && view.marker);
  FUZZ_CHECK (sh_rtp_set_marker (copy, size, FALSE));
  FUZZ_CHECK (sh_rtp_parse (&view, copy, size) == SH_RTP_OK && !view.marker);
}

/* Sets element @id to @value_len bytes in place and into a copy. */
static void
set_extension (const ShRtpView *view, guint8 id, gsize value_len)
{
  static const guint8 value[255] = { 0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
  gsize size = view->len;
  g_autofree guint8 *in_place = g_malloc (size + EXTRA);
  g_autofree guint8 *out = g_malloc (size + EXTRA);
  int n;

  memcpy (in_place, view->data, size);
  n = sh_rtp_ext_set_in_place (in_place, size, size + EXTRA, id, value, value_len);
  if (n >= 0)
    check_written (view, in_place, n, id, value, value_len);
  else
    FUZZ_CHECK (n == SH_RTP_ERR_NO_SPACE || n == SH_RTP_ERR_EXTENSION || n == SH_RTP_ERR_INVALID);

  n = sh_rtp_ext_write (view->data, size, id, value, value_len, out, size + EXTRA);
  if (n >= 0)
    check_written (view, out, n, id, value, value_len);
  else
    FUZZ_CHECK (n == SH_RTP_ERR_NO_SPACE || n == SH_RTP_ERR_EXTENSION || n == SH_RTP_ERR_INVALID);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  ShRtpView view;
  int rc;

  if (size > MAX_PACKET)
    return 0;
  rc = sh_rtp_parse (&view, data, size);
  if (rc != SH_RTP_OK) {
    FUZZ_CHECK (rc < 0 && rc >= SH_RTP_ERR_PADDING);
    return 0;
  }
  FUZZ_CHECK (view.data == data && view.len == size);
  FUZZ_CHECK (view.payload_offset + view.payload_len + view.padding_len == size);
  FUZZ_CHECK (!view.extension || view.ext_offset + view.ext_len <= view.payload_offset);
  for (guint i = 0; i < view.csrc_count; i++)
    (void) sh_rtp_view_csrc (&view, i);

  read_extensions (&view);
  read_payload (&view);
  rtx (&view);
  set_header_fields (data, size);

  /* Same length as Chromium's abs-send-time and transport-cc, one-byte ids
   * at both ends, the two-byte form, and a length only it can hold. */
  set_extension (&view, 2, 3);
  set_extension (&view, 3, 2);
  set_extension (&view, 1, 1);
  set_extension (&view, 14, 16);
  set_extension (&view, 15, 1);
  set_extension (&view, 200, 4);
  set_extension (&view, 4, 0);
  set_extension (&view, 5, 255);
  return 0;
}
