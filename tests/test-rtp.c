/* Tests for RTP parsing, header extensions, in-place rewrites, RTX and the
 * keyframe detectors, on hand-built packets shaped like browsers' and on
 * every class of malformed input. Every parse of untrusted bytes goes through
 * an exact-size heap copy, so that ASan sees any read past the end.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rtp.h"

/* Chromium's usual audio extmap ids. */
enum { EXT_AUDIO_LEVEL = 1, EXT_ABS_SEND_TIME = 2, EXT_TRANSPORT_CC = 3, EXT_MID = 4 };

/* An Opus packet as Chromium sends it: one-byte extensions audio level (voice,
 * -26 dBov), abs-send-time, transport-cc seq 42 and mid "0", then one byte of
 * padding inside the block. */
static const guint8 chromium_audio[] = {
  0x90, 0x6f, 0x12, 0x34, 0x00, 0x01, 0xe2, 0x40, 0x11, 0x22, 0x33, 0x44, /* fixed header */
  0xbe, 0xde, 0x00, 0x03,                                                 /* one-byte, 3 words */
  0x10, 0x9a,                                                             /* id 1, len 1 */
  0x22, 0x12, 0x34, 0x56,                                                 /* id 2, len 3 */
  0x31, 0x00, 0x2a,                                                       /* id 3, len 2 */
  0x40, 0x30,                                                             /* id 4 "0" */
  0x00,                                                                   /* padding */
  0xfc, 0xff, 0xfe, 0x01, 0x02,                                           /* Opus */
};

/* Parses an exact-size heap copy, so ASan catches reads past the end. */
static int
parse_copy (ShRtpView *view, const guint8 *buf, gsize len, guint8 **copy)
{
  *copy = g_memdup2 (buf, len);
  return sh_rtp_parse (view, *copy, len);
}

/* Runs every writer on a parsed (possibly hostile) packet with exact-size
 * heap outputs: a write past the end shows up under ASan. */
static void
writers_stay_in_bounds (const ShRtpView *view)
{
  g_autofree guint8 *in_place = g_memdup2 (view->data, view->len);
  g_autofree guint8 *out = g_malloc (view->len + 8);
  ShRtpView again;
  int n;

  (void) sh_rtp_ext_set_in_place (in_place, view->len, view->len, EXT_MID, (const guint8 *) "ab",
                                  2);
  n = sh_rtp_ext_write (view->data, view->len, EXT_MID, (const guint8 *) "xyz", 3, out,
                        view->len + 8);
  if (n > 0)
    g_assert_cmpint (sh_rtp_parse (&again, out, (gsize) n), ==, SH_RTP_OK);
  n = sh_rtp_rtx_wrap (view, 1, 97, 2, out, view->len + 8);
  if (n > 0) {
    g_assert_cmpint (sh_rtp_parse (&again, out, (gsize) n), ==, SH_RTP_OK);
    (void) sh_rtp_rtx_unwrap (&again, 3, 96, in_place, view->len);
  }
}

static int
parse_only (const guint8 *buf, gsize len)
{
  g_autofree guint8 *copy = NULL;
  ShRtpView view;
  int rc = parse_copy (&view, buf, len, &copy);

  if (rc == SH_RTP_OK) {
    /* Walk whatever parsed: extensions and codec views too. */
    ShRtpExtIter iter;
    const guint8 *value;
    gsize value_len;
    guint8 id;
    ShVp8Descriptor vp8;

    if (sh_rtp_ext_iter_init (&iter, &view)) {
      while (sh_rtp_ext_iter_next (&iter, &id, &value, &value_len))
        g_assert_true (value + value_len <= copy + len);
    }
    (void) sh_vp8_parse (&vp8, sh_rtp_view_payload (&view), view.payload_len);
    (void) sh_h264_is_keyframe (sh_rtp_view_payload (&view), view.payload_len);
    writers_stay_in_bounds (&view);
  }
  return rc;
}

static void
test_chromium_audio (void)
{
  g_autofree guint8 *copy = NULL;
  ShRtpView view;
  const guint8 *value;
  gsize value_len;
  gboolean voice;
  guint8 level;
  guint16 tseq;
  guint32 ast;

  g_assert_cmpint (parse_copy (&view, chromium_audio, sizeof chromium_audio, &copy), ==, SH_RTP_OK);
  g_assert_false (view.marker);
  g_assert_false (view.padding);
  g_assert_true (view.extension);
  g_assert_cmpuint (view.payload_type, ==, 111);
  g_assert_cmpuint (view.seq, ==, 0x1234);
  g_assert_cmpuint (view.timestamp, ==, 123456);
  g_assert_cmpuint (view.ssrc, ==, 0x11223344);
  g_assert_cmpuint (view.ext_profile, ==, 0xbede);
  g_assert_cmpuint (view.ext_len, ==, 12);
  g_assert_cmpuint (view.payload_offset, ==, 28);
  g_assert_cmpuint (view.payload_len, ==, 5);
  g_assert_cmpuint (sh_rtp_view_payload (&view)[0], ==, 0xfc);

  g_assert_true (sh_rtp_ext_audio_level (&view, EXT_AUDIO_LEVEL, &voice, &level));
  g_assert_true (voice);
  g_assert_cmpuint (level, ==, 26);
  g_assert_true (sh_rtp_ext_abs_send_time (&view, EXT_ABS_SEND_TIME, &ast));
  g_assert_cmpuint (ast, ==, 0x123456);
  g_assert_true (sh_rtp_ext_transport_seq (&view, EXT_TRANSPORT_CC, &tseq));
  g_assert_cmpuint (tseq, ==, 42);
  g_assert_true (sh_rtp_ext_find (&view, EXT_MID, &value, &value_len));
  g_assert_cmpmem (value, value_len, "0", 1);
  g_assert_false (sh_rtp_ext_find (&view, 5, &value, &value_len));
}

static void
test_ext_iterate (void)
{
  static const guint8 expected_ids[] = { 1, 2, 3, 4 };
  static const gsize expected_lens[] = { 1, 3, 2, 1 };
  g_autofree guint8 *copy = NULL;
  ShRtpView view;
  ShRtpExtIter iter;
  const guint8 *value;
  gsize value_len;
  guint8 id;
  guint n = 0;

  g_assert_cmpint (parse_copy (&view, chromium_audio, sizeof chromium_audio, &copy), ==, 0);
  g_assert_true (sh_rtp_ext_iter_init (&iter, &view));
  while (sh_rtp_ext_iter_next (&iter, &id, &value, &value_len)) {
    g_assert_cmpuint (n, <, 4);
    g_assert_cmpuint (id, ==, expected_ids[n]);
    g_assert_cmpuint (value_len, ==, expected_lens[n]);
    n++;
  }
  g_assert_cmpuint (n, ==, 4);
  g_assert_false (iter.malformed);
}

static void
test_two_byte_extension (void)
{
  /* Two-byte form with appbits 3: an empty element (allowed only here), a
   * 3-byte one, padding; marker set, PT 96. */
  static const guint8 packet[] = {
    0x90, 0xe0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0xde, 0xad, 0xbe, 0xef, 0x10, 0x03, 0x00, 0x02, /* two-byte, 2 words */
    0x14, 0x00,                                     /* id 20, empty */
    0x05, 0x03, 'a',  'b',  'c',  0x00,             /* id 5 "abc", padding */
    0x42,
  };
  g_autofree guint8 *copy = NULL;
  ShRtpView view;
  const guint8 *value;
  gsize value_len;

  g_assert_cmpint (parse_copy (&view, packet, sizeof packet, &copy), ==, SH_RTP_OK);
  g_assert_true (view.marker);
  g_assert_cmpuint (view.payload_type, ==, 96);
  g_assert_cmpuint (view.ext_profile, ==, 0x1003);
  g_assert_true (sh_rtp_ext_find (&view, 20, &value, &value_len));
  g_assert_cmpuint (value_len, ==, 0);
  g_assert_true (sh_rtp_ext_find (&view, 5, &value, &value_len));
  g_assert_cmpmem (value, value_len, "abc", 3);
  g_assert_cmpuint (view.payload_len, ==, 1);
  g_assert_cmpuint (sh_rtp_view_payload (&view)[0], ==, 0x42);
}

static void
test_padding_and_csrcs (void)
{
  static const guint8 packet[] = {
    0xa2, 0x60, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, /* P, CC=2 */
    0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d,                         /* CSRCs */
    'a',  'b',  'c',  'd',  0x00, 0x00, 0x00, 0x04,                         /* payload, pad */
  };
  static const guint8 probe[] = {
    0xa0, 0x60, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
  };
  g_autofree guint8 *copy = NULL;
  g_autofree guint8 *copy2 = NULL;
  ShRtpView view;

  g_assert_cmpint (parse_copy (&view, packet, sizeof packet, &copy), ==, SH_RTP_OK);
  g_assert_true (view.padding);
  g_assert_cmpuint (view.padding_len, ==, 4);
  g_assert_cmpuint (view.csrc_count, ==, 2);
  g_assert_cmphex (sh_rtp_view_csrc (&view, 0), ==, 0x01020304);
  g_assert_cmphex (sh_rtp_view_csrc (&view, 1), ==, 0x0a0b0c0d);
  g_assert_cmpuint (view.payload_offset, ==, 20);
  g_assert_cmpmem (sh_rtp_view_payload (&view), view.payload_len, "abcd", 4);

  /* All padding: how bandwidth probes look. */
  g_assert_cmpint (parse_copy (&view, probe, sizeof probe, &copy2), ==, SH_RTP_OK);
  g_assert_cmpuint (view.payload_len, ==, 0);
}

static void
test_malformed (void)
{
  guint8 buf[64];
  gsize len = sizeof chromium_audio;

  /* Every truncation of a valid packet into its header: an error, never a
   * crash. (From 28 bytes on it is a valid packet with a shorter payload.) */
  for (gsize i = 0; i < 28; i++) {
    int rc = parse_only (chromium_audio, i);
    g_assert_cmpint (rc, <, 0);
  }
  g_assert_cmpint (parse_only (chromium_audio, 11), ==, SH_RTP_ERR_TRUNCATED);
  g_assert_cmpint (parse_only (chromium_audio, 20), ==, SH_RTP_ERR_EXTENSION);

  /* Version 0, 1 and 3. */
  for (guint v = 0; v < 4; v++) {
    memcpy (buf, chromium_audio, len);
    buf[0] = (guint8) ((buf[0] & 0x3f) | (v << 6));
    g_assert_cmpint (parse_only (buf, len), ==, v == 2 ? SH_RTP_OK : SH_RTP_ERR_VERSION);
  }

  /* CSRC count reaching past the end: 15 CSRCs need 72 bytes. */
  memcpy (buf, chromium_audio, 16);
  buf[0] = 0x8f;
  g_assert_cmpint (parse_only (buf, 16), ==, SH_RTP_ERR_CSRC);

  /* Extension length beyond the packet. */
  memcpy (buf, chromium_audio, len);
  buf[15] = 0x09;
  g_assert_cmpint (parse_only (buf, len), ==, SH_RTP_ERR_EXTENSION);
  buf[14] = 0xff;
  g_assert_cmpint (parse_only (buf, len), ==, SH_RTP_ERR_EXTENSION);

  /* Padding count 0, and larger than the payload. */
  memcpy (buf, chromium_audio, len);
  buf[0] |= 0x20;
  buf[len - 1] = 0;
  g_assert_cmpint (parse_only (buf, len), ==, SH_RTP_ERR_PADDING);
  buf[len - 1] = 6;
  g_assert_cmpint (parse_only (buf, len), ==, SH_RTP_ERR_PADDING);
  buf[len - 1] = 5;
  g_assert_cmpint (parse_only (buf, len), ==, SH_RTP_OK);
  /* Padding bit with no byte after the header at all. */
  g_assert_cmpint (parse_only (buf, 28), ==, SH_RTP_ERR_PADDING);

  g_assert_cmpint (sh_rtp_parse (&(ShRtpView){ 0 }, NULL, 0), ==, SH_RTP_ERR_TRUNCATED);
}

static void
test_malformed_extension_elements (void)
{
  guint8 buf[sizeof chromium_audio];
  g_autofree guint8 *copy = NULL;
  ShRtpView view;
  ShRtpExtIter iter;
  const guint8 *value;
  gsize value_len;
  guint8 id;

  /* An element whose length runs past the block: stop, flag, no overread. */
  memcpy (buf, chromium_audio, sizeof buf);
  buf[25] = 0x4f; /* mid claims 16 bytes */
  g_assert_cmpint (parse_copy (&view, buf, sizeof buf, &copy), ==, SH_RTP_OK);
  g_assert_true (sh_rtp_ext_iter_init (&iter, &view));
  while (sh_rtp_ext_iter_next (&iter, &id, &value, &value_len))
    ;
  g_assert_true (iter.malformed);
  g_assert_false (sh_rtp_ext_find (&view, EXT_MID, &value, &value_len));
  g_assert_cmpint (
      sh_rtp_ext_set_in_place (copy, sizeof buf, sizeof buf, EXT_MID, (const guint8 *) "1", 1), ==,
      SH_RTP_ERR_EXTENSION);

  /* Id 15 ends processing: elements after it are not seen. */
  memcpy (copy, chromium_audio, sizeof buf);
  copy[22] = 0xf1;
  g_assert_true (sh_rtp_ext_find (&view, EXT_ABS_SEND_TIME, &value, &value_len));
  g_assert_false (sh_rtp_ext_find (&view, EXT_MID, &value, &value_len));
}

static void
test_random_corruption (void)
{
  guint8 buf[sizeof chromium_audio];

  /* Flip bytes of a valid packet at random: parse and walk without fault. */
  for (guint round = 0; round < 20000; round++) {
    memcpy (buf, chromium_audio, sizeof buf);
    for (guint k = 0; k < 3; k++)
      buf[g_test_rand_int_range (0, sizeof buf)] = (guint8) g_test_rand_int_range (0, 256);
    (void) parse_only (buf, g_test_rand_int_range (0, sizeof buf + 1));
  }
}

static void
test_rewrite_fields (void)
{
  guint8 buf[sizeof chromium_audio];
  ShRtpView view;

  memcpy (buf, chromium_audio, sizeof buf);
  g_assert_true (sh_rtp_set_ssrc (buf, sizeof buf, 0xcafebabe));
  g_assert_true (sh_rtp_set_seq (buf, sizeof buf, 65535));
  g_assert_true (sh_rtp_set_timestamp (buf, sizeof buf, 0xfffffff0));
  g_assert_true (sh_rtp_set_payload_type (buf, sizeof buf, 109));
  g_assert_true (sh_rtp_set_marker (buf, sizeof buf, TRUE));
  g_assert_false (sh_rtp_set_payload_type (buf, sizeof buf, 128));
  g_assert_false (sh_rtp_set_ssrc (buf, 11, 1));
  g_assert_cmpint (sh_rtp_parse (&view, buf, sizeof buf), ==, SH_RTP_OK);
  g_assert_cmphex (view.ssrc, ==, 0xcafebabe);
  g_assert_cmpuint (view.seq, ==, 65535);
  g_assert_cmphex (view.timestamp, ==, 0xfffffff0);
  g_assert_cmpuint (view.payload_type, ==, 109);
  g_assert_true (view.marker);
  g_assert_cmpmem (buf + 12, sizeof buf - 12, chromium_audio + 12, sizeof buf - 12);
  g_assert_true (sh_rtp_set_marker (buf, sizeof buf, FALSE));
  g_assert_cmphex (buf[1], ==, 109);
}

/* Checks the audio packet's four elements and payload after a rewrite. */
static void
assert_audio_elements (const guint8 *buf, gsize len, const char *mid, guint32 ast)
{
  ShRtpView view;
  const guint8 *value;
  gsize value_len;
  gboolean voice;
  guint8 level;
  guint16 tseq;
  guint32 got_ast;

  g_assert_cmpint (sh_rtp_parse (&view, buf, len), ==, SH_RTP_OK);
  g_assert_cmpuint (view.ext_len % 4, ==, 0);
  g_assert_true (sh_rtp_ext_audio_level (&view, EXT_AUDIO_LEVEL, &voice, &level));
  g_assert_cmpuint (level, ==, 26);
  g_assert_true (sh_rtp_ext_abs_send_time (&view, EXT_ABS_SEND_TIME, &got_ast));
  g_assert_cmphex (got_ast, ==, ast);
  g_assert_true (sh_rtp_ext_transport_seq (&view, EXT_TRANSPORT_CC, &tseq));
  g_assert_cmpuint (tseq, ==, 42);
  g_assert_true (sh_rtp_ext_find (&view, EXT_MID, &value, &value_len));
  g_assert_cmpmem (value, value_len, mid, strlen (mid));
  g_assert_cmpmem (sh_rtp_view_payload (&view), view.payload_len, chromium_audio + 28, 5);
}

static void
test_ext_set_in_place (void)
{
  guint8 buf[128];
  guint8 out[128];
  const guint8 ast[3] = { 0xab, 0xcd, 0xef };
  gsize len = sizeof chromium_audio;
  int rc;

  /* Same length: abs-send-time rewritten without moving anything. */
  memcpy (buf, chromium_audio, len);
  rc = sh_rtp_ext_set_in_place (buf, len, len, EXT_ABS_SEND_TIME, ast, 3);
  g_assert_cmpint (rc, ==, (int) len);
  assert_audio_elements (buf, len, "0", 0xabcdef);

  /* Longer mid with the exact room it needs: the payload moves. */
  rc = sh_rtp_ext_set_in_place (buf, len, len, EXT_MID, (const guint8 *) "video1", 6);
  g_assert_cmpint (rc, ==, SH_RTP_ERR_NO_SPACE);
  rc = sh_rtp_ext_set_in_place (buf, len, sizeof buf, EXT_MID, (const guint8 *) "video1", 6);
  g_assert_cmpint (rc, ==, (int) len + 4);
  len = (gsize) rc;
  assert_audio_elements (buf, len, "video1", 0xabcdef);

  /* Shorter again: the block shrinks back, padding absorbed. */
  rc = sh_rtp_ext_set_in_place (buf, len, sizeof buf, EXT_MID, (const guint8 *) "a", 1);
  g_assert_cmpint (rc, ==, (int) sizeof chromium_audio);
  len = (gsize) rc;
  assert_audio_elements (buf, len, "a", 0xabcdef);

  /* A value that needs the two-byte form cannot be done in place; the
   * copying writer converts every element. */
  rc = sh_rtp_ext_set_in_place (buf, len, sizeof buf, 9, (const guint8 *) "0123456789abcdefXY", 18);
  g_assert_cmpint (rc, ==, SH_RTP_ERR_NO_SPACE);
  rc = sh_rtp_ext_write (buf, len, 9, (const guint8 *) "0123456789abcdefXY", 18, out, sizeof out);
  g_assert_cmpint (rc, >, 0);
  assert_audio_elements (out, (gsize) rc, "a", 0xabcdef);
  {
    ShRtpView view;
    const guint8 *value;
    gsize value_len;

    g_assert_cmpint (sh_rtp_parse (&view, out, (gsize) rc), ==, SH_RTP_OK);
    g_assert_cmphex (view.ext_profile, ==, 0x1000);
    g_assert_true (sh_rtp_ext_find (&view, 9, &value, &value_len));
    g_assert_cmpmem (value, value_len, "0123456789abcdefXY", 18);
  }
  g_assert_cmpint (sh_rtp_ext_write (buf, len, 9, (const guint8 *) "x", 1, out, len), ==,
                   SH_RTP_ERR_NO_SPACE);

  /* Bad ids and lengths. */
  g_assert_cmpint (sh_rtp_ext_set_in_place (buf, len, sizeof buf, 0, ast, 1), ==,
                   SH_RTP_ERR_INVALID);
  g_assert_cmpint (sh_rtp_ext_write (buf, len, 3, ast, 256, out, sizeof out), ==,
                   SH_RTP_ERR_INVALID);
}

static void
test_ext_add_to_plain_packet (void)
{
  static const guint8 plain[] = {
    0x81, 0x60, 0x00, 0x07, 0x00, 0x00, 0x10, 0x00,
    0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x05, /* one CSRC */
    0x01, 0x02, 0x03,
  };
  guint8 buf[64];
  guint8 out[64];
  ShRtpView view;
  const guint8 *value;
  gsize value_len;
  int rc;

  memcpy (buf, plain, sizeof plain);
  rc = sh_rtp_ext_set_in_place (buf, sizeof plain, sizeof buf, EXT_MID, (const guint8 *) "1", 1);
  g_assert_cmpint (rc, ==, (int) sizeof plain + 8);
  g_assert_cmpint (sh_rtp_parse (&view, buf, (gsize) rc), ==, SH_RTP_OK);
  g_assert_true (view.extension);
  g_assert_cmphex (view.ext_profile, ==, 0xbede);
  g_assert_cmphex (sh_rtp_view_csrc (&view, 0), ==, 5);
  g_assert_true (sh_rtp_ext_find (&view, EXT_MID, &value, &value_len));
  g_assert_cmpmem (value, value_len, "1", 1);
  g_assert_cmpmem (sh_rtp_view_payload (&view), view.payload_len, plain + 16, 3);

  /* The copying writer starts a two-byte block when it must. */
  rc = sh_rtp_ext_write (plain, sizeof plain, 200, (const guint8 *) "", 0, out, sizeof out);
  g_assert_cmpint (rc, ==, (int) sizeof plain + 8);
  g_assert_cmpint (sh_rtp_parse (&view, out, (gsize) rc), ==, SH_RTP_OK);
  g_assert_cmphex (view.ext_profile, ==, 0x1000);
  g_assert_true (sh_rtp_ext_find (&view, 200, &value, &value_len));
  g_assert_cmpuint (value_len, ==, 0);
  g_assert_cmpmem (sh_rtp_view_payload (&view), view.payload_len, plain + 16, 3);
}

static void
test_abs_send_time (void)
{
  g_assert_cmphex (sh_rtp_abs_send_time_from_us (0), ==, 0);
  g_assert_cmphex (sh_rtp_abs_send_time_from_us (G_USEC_PER_SEC), ==, 1 << 18);
  g_assert_cmphex (sh_rtp_abs_send_time_from_us (500000), ==, 1 << 17);
  /* 64 s wraps to 0. */
  g_assert_cmphex (sh_rtp_abs_send_time_from_us (64 * G_USEC_PER_SEC + 250000), ==, 1 << 16);
}

static void
test_rtx_round_trip (void)
{
  guint8 original[sizeof chromium_audio + 4];
  guint8 rtx[64], back[64];
  ShRtpView view, rtx_view;
  guint16 osn;
  int n, m;

  /* The original has padding, which RTX drops. */
  memcpy (original, chromium_audio, sizeof chromium_audio);
  original[0] |= 0x20;
  memset (original + sizeof chromium_audio, 0, 3);
  original[sizeof original - 1] = 4;
  g_assert_cmpint (sh_rtp_parse (&view, original, sizeof original), ==, SH_RTP_OK);

  n = sh_rtp_rtx_wrap (&view, 0x99887766, 97, 500, rtx, sizeof rtx);
  g_assert_cmpint (n, ==, (int) sizeof chromium_audio + 2);
  g_assert_cmpint (sh_rtp_parse (&rtx_view, rtx, (gsize) n), ==, SH_RTP_OK);
  g_assert_false (rtx_view.padding);
  g_assert_cmphex (rtx_view.ssrc, ==, 0x99887766);
  g_assert_cmpuint (rtx_view.payload_type, ==, 97);
  g_assert_cmpuint (rtx_view.seq, ==, 500);
  g_assert_cmpuint (rtx_view.timestamp, ==, view.timestamp);
  g_assert_true (sh_rtp_rtx_osn (&rtx_view, &osn));
  g_assert_cmpuint (osn, ==, 0x1234);

  m = sh_rtp_rtx_unwrap (&rtx_view, 0x11223344, 111, back, sizeof back);
  g_assert_cmpint (m, ==, (int) sizeof chromium_audio);
  g_assert_cmpmem (back, (gsize) m, chromium_audio, sizeof chromium_audio);

  g_assert_cmpint (sh_rtp_rtx_wrap (&view, 1, 97, 1, rtx, (gsize) n - 1), ==, SH_RTP_ERR_NO_SPACE);
  g_assert_cmpint (sh_rtp_rtx_unwrap (&rtx_view, 1, 111, back, (gsize) m - 1), ==,
                   SH_RTP_ERR_NO_SPACE);
  /* An RTX packet too short to hold an OSN. */
  rtx_view.payload_len = 1;
  g_assert_false (sh_rtp_rtx_osn (&rtx_view, &osn));
  g_assert_cmpint (sh_rtp_rtx_unwrap (&rtx_view, 1, 111, back, sizeof back), ==,
                   SH_RTP_ERR_TRUNCATED);
}

static void
test_seq_helpers (void)
{
  ShRtpSeqUnwrapper unwrapper = { 0 };

  g_assert_true (sh_rtp_seq_newer (1, 65535));
  g_assert_false (sh_rtp_seq_newer (65535, 1));
  g_assert_false (sh_rtp_seq_newer (7, 7));
  g_assert_true (sh_rtp_seq_newer (100, 99));
  g_assert_true (sh_rtp_seq_newer (0x8000, 0) != sh_rtp_seq_newer (0, 0x8000));
  g_assert_cmpint (sh_rtp_seq_diff (2, 65534), ==, 4);
  g_assert_cmpint (sh_rtp_seq_diff (65534, 2), ==, -4);

  g_assert_cmpint (sh_rtp_seq_unwrap (&unwrapper, 65534), ==, 65534);
  g_assert_cmpint (sh_rtp_seq_unwrap (&unwrapper, 65535), ==, 65535);
  g_assert_cmpint (sh_rtp_seq_unwrap (&unwrapper, 0), ==, 65536);
  g_assert_cmpint (sh_rtp_seq_unwrap (&unwrapper, 65535), ==, 65535);
  g_assert_cmpint (sh_rtp_seq_unwrap (&unwrapper, 2), ==, 65538);
  for (guint i = 0; i < 3 * 65536; i += 1000)
    (void) sh_rtp_seq_unwrap (&unwrapper, (guint16) (2 + i + 1000));
  g_assert_cmpint (unwrapper.last, >, 3 * 65536);
}

static void
test_vp8 (void)
{
  /* X, S, PID 0; I with a 15-bit picture id 0x1234; L, T/K. Then a keyframe
   * header for 640x480. */
  static const guint8 key[] = {
    0x90, 0xf0, 0x92, 0x34, 0x05, 0x60, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01,
  };
  /* The next frame: 7-bit picture id, P bit 1. */
  static const guint8 delta[] = { 0x90, 0x80, 0x35, 0x31, 0x00, 0x00 };
  /* A later partition and a continuation: never a keyframe start. */
  static const guint8 middle[] = { 0x80, 0x80, 0x35, 0x10, 0x02 };
  static const guint8 bare[] = { 0x10, 0x00 };
  ShVp8Descriptor desc;
  guint8 copy[sizeof key];

  g_assert_true (sh_vp8_parse (&desc, key, sizeof key));
  g_assert_true (desc.frame_start);
  g_assert_true (desc.keyframe);
  g_assert_true (desc.has_picture_id);
  g_assert_true (desc.picture_id_15bit);
  g_assert_cmphex (desc.picture_id, ==, 0x1234);
  g_assert_cmpuint (desc.tl0picidx, ==, 5);
  g_assert_cmpuint (desc.tid, ==, 1);
  g_assert_true (desc.layer_sync);
  g_assert_cmpuint (desc.descriptor_len, ==, 6);
  g_assert_cmpuint (desc.width, ==, 640);
  g_assert_cmpuint (desc.height, ==, 480);

  g_assert_true (sh_vp8_parse (&desc, delta, sizeof delta));
  g_assert_true (desc.frame_start);
  g_assert_false (desc.keyframe);
  g_assert_false (desc.picture_id_15bit);
  g_assert_cmpuint (desc.picture_id, ==, 0x35);

  g_assert_true (sh_vp8_parse (&desc, middle, sizeof middle));
  g_assert_false (desc.frame_start);
  g_assert_false (desc.keyframe);

  g_assert_true (sh_vp8_parse (&desc, bare, sizeof bare));
  g_assert_true (desc.keyframe);
  g_assert_false (desc.has_picture_id);

  /* Rewriting the picture id keeps its width. */
  memcpy (copy, key, sizeof key);
  g_assert_true (sh_vp8_set_picture_id (copy, sizeof copy, 0x7abc));
  g_assert_true (sh_vp8_parse (&desc, copy, sizeof copy));
  g_assert_cmphex (desc.picture_id, ==, 0x7abc);
  g_assert_cmpmem (copy + 4, sizeof copy - 4, key + 4, sizeof key - 4);
  g_assert_false (sh_vp8_set_picture_id ((guint8 *) bare, 0, 1));

  /* Every truncation of the descriptor is refused. */
  for (gsize i = 0; i <= 6; i++) {
    g_autofree guint8 *exact = g_memdup2 (key, i);
    g_assert_false (sh_vp8_parse (&desc, exact, i));
  }
}

static void
test_h264 (void)
{
  static const guint8 stap_a[] = {
    0x78,                               /* STAP-A */
    0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f, /* SPS */
    0x00, 0x02, 0x68, 0xce,             /* PPS */
    0x00, 0x03, 0x65, 0x88, 0x84,       /* IDR */
  };
  static const guint8 stap_a_delta[] = { 0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x41, 0x9a };
  static const guint8 fu_a_idr_start[] = { 0x7c, 0x85, 0x88, 0x84, 0x00 };
  static const guint8 fu_a_idr_middle[] = { 0x7c, 0x05, 0x11, 0x22 };
  static const guint8 fu_a_p_start[] = { 0x5c, 0x81, 0x9a, 0x00 };
  static const guint8 single_idr[] = { 0x65, 0x88, 0x80 };
  static const guint8 single_sps[] = { 0x67, 0x42, 0xc0, 0x1f };
  static const guint8 single_p[] = { 0x41, 0x9a, 0x00 };
  guint8 broken[sizeof stap_a];

  g_assert_true (sh_h264_is_keyframe (stap_a, sizeof stap_a));
  g_assert_false (sh_h264_is_keyframe (stap_a_delta, sizeof stap_a_delta));
  g_assert_true (sh_h264_is_keyframe (fu_a_idr_start, sizeof fu_a_idr_start));
  g_assert_false (sh_h264_is_keyframe (fu_a_idr_middle, sizeof fu_a_idr_middle));
  g_assert_false (sh_h264_is_keyframe (fu_a_p_start, sizeof fu_a_p_start));
  g_assert_true (sh_h264_is_keyframe (single_idr, sizeof single_idr));
  g_assert_true (sh_h264_is_keyframe (single_sps, sizeof single_sps));
  g_assert_false (sh_h264_is_keyframe (single_p, sizeof single_p));
  g_assert_false (sh_h264_is_keyframe (NULL, 0));
  g_assert_false (sh_h264_is_keyframe (fu_a_idr_start, 2));

  /* A STAP-A whose sizes overrun, or a truncated size field: refused. */
  memcpy (broken, stap_a, sizeof broken);
  broken[12] = 0x04;
  g_assert_false (sh_h264_is_keyframe (broken, sizeof broken));
  for (gsize i = 1; i < sizeof stap_a; i++) {
    g_autofree guint8 *exact = g_memdup2 (stap_a, i);
    /* The SPS fits whole in the first 7 bytes; later cuts break a size. */
    gboolean want = i == 7 || i == 11;
    g_assert_cmpint (sh_h264_is_keyframe (exact, i), ==, want);
  }
}

/* @payload behind a plain 12-byte RTP header, parsed. */
static void
view_of (guint8 *packet, const guint8 *payload, gsize len, ShRtpView *view)
{
  static const guint8 header[] = { 0x80, 96, 0, 1, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44 };

  memcpy (packet, header, sizeof header);
  memcpy (packet + sizeof header, payload, len);
  g_assert_cmpint (sh_rtp_parse (view, packet, sizeof header + len), ==, SH_RTP_OK);
}

static void
test_is_keyframe (void)
{
  static const guint8 vp8_key[] = { 0x10, 0x00, 0x9d, 0x01, 0x2a };
  static const guint8 vp8_delta[] = { 0x10, 0x01, 0x00 };
  static const guint8 h264_idr[] = { 0x65, 0x88, 0x80 };
  static const guint8 h264_p[] = { 0x41, 0x9a, 0x00 };
  guint8 packet[64];
  ShRtpView view;

  view_of (packet, vp8_key, sizeof vp8_key, &view);
  g_assert_true (sh_rtp_is_keyframe (&view, "VP8"));
  g_assert_true (sh_rtp_is_keyframe (&view, "vp8"));
  /* The codec decides how the payload is read. */
  g_assert_false (sh_rtp_is_keyframe (&view, "opus"));
  view_of (packet, vp8_delta, sizeof vp8_delta, &view);
  g_assert_false (sh_rtp_is_keyframe (&view, "VP8"));
  view_of (packet, h264_idr, sizeof h264_idr, &view);
  g_assert_true (sh_rtp_is_keyframe (&view, "H264"));
  view_of (packet, h264_p, sizeof h264_p, &view);
  g_assert_false (sh_rtp_is_keyframe (&view, "H264"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rtp/chromium-audio", test_chromium_audio);
  g_test_add_func ("/rtp/ext-iterate", test_ext_iterate);
  g_test_add_func ("/rtp/two-byte-extension", test_two_byte_extension);
  g_test_add_func ("/rtp/padding-and-csrcs", test_padding_and_csrcs);
  g_test_add_func ("/rtp/malformed", test_malformed);
  g_test_add_func ("/rtp/malformed-extension-elements", test_malformed_extension_elements);
  g_test_add_func ("/rtp/random-corruption", test_random_corruption);
  g_test_add_func ("/rtp/rewrite-fields", test_rewrite_fields);
  g_test_add_func ("/rtp/ext-set-in-place", test_ext_set_in_place);
  g_test_add_func ("/rtp/ext-add-to-plain-packet", test_ext_add_to_plain_packet);
  g_test_add_func ("/rtp/abs-send-time", test_abs_send_time);
  g_test_add_func ("/rtp/rtx-round-trip", test_rtx_round_trip);
  g_test_add_func ("/rtp/seq-helpers", test_seq_helpers);
  g_test_add_func ("/rtp/vp8", test_vp8);
  g_test_add_func ("/rtp/h264", test_h264);
  g_test_add_func ("/rtp/is-keyframe", test_is_keyframe);
  return g_test_run ();
}
