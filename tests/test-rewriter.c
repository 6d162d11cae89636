/* Tests for the down-track rewriter: continuity across source switches,
 * keyframe gating on hand-built VP8 and H.264 payloads, reordering, late
 * packets of an old source, wraparound of every counter, the out_seq ->
 * source map for NACKs, VP8 picture ids and TL0PICIDX, padding probes.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <glib.h>

#include "rewriter.h"
#include "rtp.h"

#define OUT_SSRC 0xd0d0d0d0u
#define MS 1000 /* microseconds */

typedef struct {
  guint8 buf[256];
  gsize len;
} Packet;

/* An RTP packet with @payload; @padding > 0 appends that many padding bytes
 * (the P bit and the count in the last byte). */
static void
packet_build (Packet *p, guint32 ssrc, guint16 seq, guint32 ts, const guint8 *payload,
              gsize payload_len, guint8 padding)
{
  g_assert_cmpuint (12 + payload_len + padding, <=, sizeof p->buf);
  memset (p->buf, 0, sizeof p->buf);
  p->buf[0] = (guint8) (0x80 | (padding ? 0x20 : 0));
  p->buf[1] = 96;
  p->buf[2] = (guint8) (seq >> 8);
  p->buf[3] = (guint8) seq;
  for (int i = 0; i < 4; i++) {
    p->buf[4 + i] = (guint8) (ts >> (24 - 8 * i));
    p->buf[8 + i] = (guint8) (ssrc >> (24 - 8 * i));
  }
  if (payload_len > 0)
    memcpy (p->buf + 12, payload, payload_len);
  p->len = 12 + payload_len + padding;
  if (padding)
    p->buf[p->len - 1] = padding;
}

static const guint8 opus_payload[] = { 0xfc, 0xff, 0xfe, 0x01 };

static void
audio_packet (Packet *p, guint32 ssrc, guint16 seq, guint32 ts)
{
  packet_build (p, ssrc, seq, ts, opus_payload, sizeof opus_payload, 0);
}

/* A VP8 packet: X=1 with a 15-bit (or 7-bit) picture id, TL0PICIDX and a
 * TID byte. @frame_start sets S=1 (partition 0); then @key decides the P bit
 * of the VP8 payload header. */
static void
vp8_packet (Packet *p, guint32 ssrc, guint16 seq, guint32 ts, gboolean frame_start, gboolean key,
            guint16 pid, gboolean pid_15bit, guint8 tl0)
{
  guint8 payload[16];
  gsize n = 0;

  payload[n++] = (guint8) (0x80 | (frame_start ? 0x10 : 0));
  payload[n++] = 0xe0; /* I, L, T */
  if (pid_15bit) {
    payload[n++] = (guint8) (0x80 | (pid >> 8));
    payload[n++] = (guint8) pid;
  } else {
    payload[n++] = (guint8) (pid & 0x7f);
  }
  payload[n++] = tl0;
  payload[n++] = 0x00; /* TID 0 */
  /* VP8 payload header: a keyframe's tag and start code, else an interframe. */
  if (frame_start && key) {
    static const guint8 key_header[] = { 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02 };
    memcpy (payload + n, key_header, sizeof key_header);
    n += sizeof key_header;
  } else {
    payload[n++] = 0x01;
    payload[n++] = 0xab;
  }
  packet_build (p, ssrc, seq, ts, payload, n, 0);
}

/* Forwards a packet, asserting FORWARD and the SSRC written. */
static ShRewriteInfo
forward (ShRewriter *r, Packet *p, gint64 arrival_us)
{
  ShRewriteInfo info;
  ShRtpView view;

  g_assert_cmpint (sh_rewriter_rewrite (r, p->buf, p->len, arrival_us, &info), ==,
                   SH_REWRITE_FORWARD);
  g_assert_cmpint (sh_rtp_parse (&view, p->buf, p->len), ==, SH_RTP_OK);
  g_assert_cmphex (view.ssrc, ==, OUT_SSRC);
  g_assert_cmpuint (view.seq, ==, info.out_seq);
  g_assert_cmpuint (view.timestamp, ==, info.out_timestamp);
  return info;
}

/* Asserts a drop with @expected and that the buffer is untouched. */
static void
expect_drop (ShRewriter *r, Packet *p, gint64 arrival_us, ShRewriteResult expected)
{
  Packet before = *p;

  g_assert_cmpint (sh_rewriter_rewrite (r, p->buf, p->len, arrival_us, NULL), ==, expected);
  g_assert_cmpmem (p->buf, p->len, before.buf, before.len);
}

static guint16
vp8_out_pid (const Packet *p)
{
  ShRtpView view;
  ShVp8Descriptor desc;

  g_assert_cmpint (sh_rtp_parse (&view, p->buf, p->len), ==, SH_RTP_OK);
  g_assert_true (sh_vp8_parse (&desc, sh_rtp_view_payload (&view), view.payload_len));
  return desc.picture_id;
}

static guint8
vp8_out_tl0 (const Packet *p)
{
  ShRtpView view;
  ShVp8Descriptor desc;

  g_assert_cmpint (sh_rtp_parse (&view, p->buf, p->len), ==, SH_RTP_OK);
  g_assert_true (sh_vp8_parse (&desc, sh_rtp_view_payload (&view), view.payload_len));
  return desc.tl0picidx;
}

/* Four audio sources one after the other (3 switches), each with its own
 * random-looking seq and timestamp bases, the first wrapping both, with
 * pauses between them: the output seq goes up by exactly 1, the timestamp by
 * 960 per packet inside a source and by the wall-clock gap at a switch. */
static void
test_continuity_across_switches (void)
{
  static const struct {
    guint32 ssrc;
    guint16 seq;
    guint32 ts;
    gint64 pause_us; /* silence before this source starts */
  } sources[] = {
    { 0x11111111, 65500, 0xfffff000u, 0 },
    { 0x22222222, 1234, 777777, 100 * MS },
    { 0x33333333, 40000, 0x7ffffff0u, 0 },
    { 0x44444444, 65535, 0xffffffffu, 3 * G_USEC_PER_SEC },
  };
  ShRewriter r;
  gint64 now = 5 * G_USEC_PER_SEC;
  gboolean first = TRUE;
  guint16 prev_seq = 0;
  guint32 prev_ts = 0;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 65530, 0xffffff00u);
  g_assert_false (sh_rewriter_last_out (&r, NULL, NULL));
  for (guint s = 0; s < G_N_ELEMENTS (sources); s++) {
    sh_rewriter_switch_source (&r, sources[s].ssrc, TRUE); /* ignored for audio */
    g_assert_false (sh_rewriter_waiting_keyframe (&r));
    now += sources[s].pause_us;
    for (guint i = 0; i < 100; i++) {
      Packet p;
      ShRewriteInfo info;

      audio_packet (&p, sources[s].ssrc, (guint16) (sources[s].seq + i), sources[s].ts + 960 * i);
      info = forward (&r, &p, now);
      g_assert_cmpuint (info.src_ssrc, ==, sources[s].ssrc);
      g_assert_cmpint (info.segment_start, ==, i == 0);
      if (first) {
        g_assert_cmpuint (info.out_seq, ==, 65530);
        g_assert_cmpuint (info.out_timestamp, ==, 0xffffff00u);
        first = FALSE;
      } else {
        guint32 step = info.out_timestamp - prev_ts;

        g_assert_cmpuint (info.out_seq, ==, (guint16) (prev_seq + 1));
        g_assert_true ((gint32) step > 0); /* monotonic across the 32-bit wrap */
        if (i > 0)
          g_assert_cmpuint (step, ==, 960);
        else /* 20 ms since the last packet, plus the pause, at 48 kHz */
          g_assert_cmpuint (step, ==, (guint32) ((20 * MS + sources[s].pause_us) * 48 / 1000));
      }
      prev_seq = info.out_seq;
      prev_ts = info.out_timestamp;
      now += 20 * MS;
    }
  }
  g_assert_true (sh_rewriter_last_out (&r, &prev_seq, &prev_ts));
  g_assert_cmpuint (prev_seq, ==, (guint16) (65530 + 399));
}

/* A switch with no time passed still moves the timestamp on: the new
 * source's first frame must not share the old one's last timestamp. */
static void
test_switch_without_elapsed_time (void)
{
  ShRewriter r;
  Packet p;
  ShRewriteInfo a, b;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 10, 1000);
  sh_rewriter_switch_source (&r, 1, FALSE);
  audio_packet (&p, 1, 50, 5000);
  a = forward (&r, &p, 0);
  sh_rewriter_switch_source (&r, 2, FALSE);
  audio_packet (&p, 2, 9, 9);
  b = forward (&r, &p, -7); /* even a clock that went backwards */
  g_assert_cmpuint (b.out_seq, ==, a.out_seq + 1);
  g_assert_cmpuint (b.out_timestamp, ==, a.out_timestamp + 1);
}

/* Before any source, and for an SSRC that is neither current nor announced,
 * nothing passes; malformed packets neither. */
static void
test_unknown_and_malformed (void)
{
  ShRewriter r;
  Packet p;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 0, 0);
  audio_packet (&p, 7, 1, 1);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_OTHER_SOURCE);
  sh_rewriter_switch_source (&r, 7, FALSE);
  forward (&r, &p, 0);
  audio_packet (&p, 8, 2, 2);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_OTHER_SOURCE);
  audio_packet (&p, 7, 2, 2);
  p.buf[0] = 0x40; /* version 1 */
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_MALFORMED);
  g_assert_cmpint (sh_rewriter_rewrite (&r, p.buf, 11, 0, NULL), ==, SH_REWRITE_DROP_MALFORMED);
}

/* VP8: after a switch the new source waits for its keyframe while the old
 * one keeps flowing (a simulcast switch without a gap); the keyframe starts
 * the segment, and then the old source's late packets are dropped. */
static void
test_vp8_keyframe_gating (void)
{
  ShRewriter r;
  Packet p;
  ShRewriteInfo info;
  guint16 last_seq;

  sh_rewriter_init (&r, SH_REWRITER_VP8, OUT_SSRC, 90000, 100, 5000);
  sh_rewriter_switch_source (&r, 0xa, TRUE);
  g_assert_true (sh_rewriter_waiting_keyframe (&r));
  vp8_packet (&p, 0xa, 10, 3000, TRUE, FALSE, 5, TRUE, 1);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  /* A keyframe's continuation packet (S=0) is no start either. */
  vp8_packet (&p, 0xa, 11, 3000, FALSE, TRUE, 5, TRUE, 1);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  vp8_packet (&p, 0xa, 12, 6000, TRUE, TRUE, 6, TRUE, 2);
  info = forward (&r, &p, 33 * MS);
  g_assert_true (info.segment_start);
  g_assert_cmpuint (info.out_seq, ==, 100);
  g_assert_cmpuint (info.out_timestamp, ==, 5000);
  g_assert_false (sh_rewriter_waiting_keyframe (&r));
  vp8_packet (&p, 0xa, 13, 9000, TRUE, FALSE, 7, TRUE, 3);
  info = forward (&r, &p, 66 * MS);
  g_assert_cmpuint (info.out_seq, ==, 101);
  g_assert_cmpuint (info.out_timestamp, ==, 8000);

  /* Switch to B: its interframes wait, A still flows. */
  sh_rewriter_switch_source (&r, 0xb, TRUE);
  vp8_packet (&p, 0xb, 500, 70000, TRUE, FALSE, 900, TRUE, 40);
  expect_drop (&r, &p, 70 * MS, SH_REWRITE_DROP_WAIT_KEYFRAME);
  vp8_packet (&p, 0xa, 14, 12000, TRUE, FALSE, 8, TRUE, 4);
  info = forward (&r, &p, 99 * MS);
  g_assert_cmpuint (info.out_seq, ==, 102);
  g_assert_false (info.segment_start);
  vp8_packet (&p, 0xb, 501, 73000, TRUE, TRUE, 901, TRUE, 41);
  info = forward (&r, &p, 109 * MS);
  g_assert_true (info.segment_start);
  g_assert_cmpuint (info.out_seq, ==, 103);
  g_assert_cmpuint (info.out_timestamp, ==, 11000 + 10 * 90); /* 10 ms later */
  last_seq = info.out_seq;
  /* A's packets, late or new, no longer pass. */
  vp8_packet (&p, 0xa, 15, 15000, TRUE, FALSE, 9, TRUE, 5);
  expect_drop (&r, &p, 110 * MS, SH_REWRITE_DROP_OTHER_SOURCE);
  vp8_packet (&p, 0xb, 502, 73000, FALSE, FALSE, 901, TRUE, 41);
  info = forward (&r, &p, 111 * MS);
  g_assert_cmpuint (info.out_seq, ==, last_seq + 1);
}

/* H.264: single NAL units, STAP-A and FU-A built by hand. Only an IDR slice
 * or an SPS starts the segment. */
static void
test_h264_keyframe_gating (void)
{
  static const guint8 non_idr[] = { 0x41, 0x9a, 0x02, 0x03 };
  static const guint8 fu_a_non_idr_start[] = { 0x5c, 0x81, 0x9a, 0x02 };
  static const guint8 fu_a_idr_middle[] = { 0x7c, 0x05, 0x88, 0x84 };
  static const guint8 stap_a_sps_pps[]
      = { 0x78, 0x00, 0x04, 0x67, 0x42, 0xc0, 0x1f, 0x00, 0x03, 0x68, 0xce, 0x3c };
  static const guint8 fu_a_idr_start[] = { 0x7c, 0x85, 0x88, 0x84 };
  static const guint8 idr[] = { 0x65, 0x88, 0x84, 0x00 };
  ShRewriter r;
  Packet p;
  ShRewriteInfo info;

  sh_rewriter_init (&r, SH_REWRITER_H264, OUT_SSRC, 90000, 0xfffe, 0);
  sh_rewriter_switch_source (&r, 0x264, TRUE);
  packet_build (&p, 0x264, 1, 100, non_idr, sizeof non_idr, 0);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  packet_build (&p, 0x264, 2, 100, fu_a_non_idr_start, sizeof fu_a_non_idr_start, 0);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  packet_build (&p, 0x264, 3, 100, fu_a_idr_middle, sizeof fu_a_idr_middle, 0);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  packet_build (&p, 0x264, 4, 3100, stap_a_sps_pps, sizeof stap_a_sps_pps, 0);
  info = forward (&r, &p, 0);
  g_assert_true (info.segment_start);
  g_assert_cmpuint (info.out_seq, ==, 0xfffe);
  packet_build (&p, 0x264, 5, 3100, fu_a_idr_start, sizeof fu_a_idr_start, 0);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 0xffff);
  packet_build (&p, 0x264, 6, 3100, fu_a_idr_middle, sizeof fu_a_idr_middle, 0);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 0);

  /* A new source starting with a bare IDR slice; its P-frames before it wait. */
  sh_rewriter_switch_source (&r, 0x265, TRUE);
  packet_build (&p, 0x265, 900, 1, non_idr, sizeof non_idr, 0);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_WAIT_KEYFRAME);
  packet_build (&p, 0x265, 901, 1, idr, sizeof idr, 0);
  info = forward (&r, &p, 0);
  g_assert_true (info.segment_start);
  g_assert_cmpuint (info.out_seq, ==, 1);
  g_assert_cmpuint (info.out_timestamp, ==, 1); /* the first segment started at 0 */

  /* Without need_keyframe the next packet of the new source starts at once. */
  sh_rewriter_switch_source (&r, 0x266, FALSE);
  packet_build (&p, 0x266, 7, 1, non_idr, sizeof non_idr, 0);
  g_assert_true (forward (&r, &p, 0).segment_start);
}

/* Packets reordered inside a source keep their distance to the others, in
 * sequence number and in timestamp. */
static void
test_reordering (void)
{
  static const guint16 order[] = { 0, 1, 3, 2, 6, 4, 5, 7, 5 /* duplicate */ };
  ShRewriter r;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 1000, 50000);
  sh_rewriter_switch_source (&r, 9, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
    /* Source seq wraps between 65535 and 0 inside the batch. */
    guint16 seq = (guint16) (65533 + order[i]);
    Packet p;
    ShRewriteInfo info;

    audio_packet (&p, 9, seq, 0xfffffe00u + 960 * order[i]);
    info = forward (&r, &p, i * 20 * MS);
    g_assert_cmpuint (info.out_seq, ==, 1000 + order[i]);
    g_assert_cmpuint (info.out_timestamp, ==, 50000 + 960 * order[i]);
    g_assert_cmpuint (info.src_seq, ==, seq);
  }
}

/* Late packets from before the switch point are dropped: with another SSRC
 * because the source is over, with the same SSRC (a restarted stream)
 * because they are older than the new segment's first packet. */
static void
test_late_packets_after_switch (void)
{
  ShRewriter r;
  Packet p;
  ShRewriteInfo info;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 0, 0);
  sh_rewriter_switch_source (&r, 5, FALSE);
  for (guint16 seq = 100; seq < 110; seq++) {
    if (seq == 105)
      continue; /* lost for now */
    audio_packet (&p, 5, seq, seq * 960u);
    forward (&r, &p, seq * 20 * MS);
  }
  /* The publisher restarts with the same SSRC: the current segment ends at
   * once, even before the new one starts. */
  sh_rewriter_switch_source (&r, 5, FALSE);
  audio_packet (&p, 5, 30000, 123);
  info = forward (&r, &p, 300 * MS);
  g_assert_true (info.segment_start);
  g_assert_cmpuint (info.out_seq, ==, 10);
  audio_packet (&p, 5, 105, 105 * 960u); /* the old stream's late packet */
  expect_drop (&r, &p, 301 * MS, SH_REWRITE_DROP_TOO_OLD);
  audio_packet (&p, 5, 29999, 100);
  expect_drop (&r, &p, 301 * MS, SH_REWRITE_DROP_TOO_OLD);
  audio_packet (&p, 5, 30001, 1083);
  g_assert_cmpuint (forward (&r, &p, 320 * MS).out_seq, ==, 11);

  /* Another SSRC takes over; the previous one's late packets stop. */
  sh_rewriter_switch_source (&r, 6, FALSE);
  audio_packet (&p, 6, 1, 1);
  forward (&r, &p, 340 * MS);
  audio_packet (&p, 5, 30000, 123);
  expect_drop (&r, &p, 341 * MS, SH_REWRITE_DROP_OTHER_SOURCE);
}

/* Input seq and timestamp wrap; the output's own counters wrap too. */
static void
test_wraparound (void)
{
  ShRewriter r;
  guint16 expect_seq = 65534;
  guint32 expect_ts = 0xfffffc00u;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 65534, 0xfffffc00u);
  sh_rewriter_switch_source (&r, 1, FALSE);
  /* 70000 packets: the source seq wraps once (from 60000), and its
   * timestamp (from near the top) at the start; the output seq wraps twice. */
  for (guint i = 0; i < 70000; i++) {
    Packet p;
    ShRewriteInfo info;

    audio_packet (&p, 1, (guint16) (60000 + i), 0xffffff00u + 960 * i);
    info = forward (&r, &p, i * 20 * MS);
    g_assert_cmpuint (info.out_seq, ==, expect_seq);
    g_assert_cmpuint (info.out_timestamp, ==, expect_ts);
    expect_seq++;
    expect_ts += 960;
  }
}

/* NACK translation: every forwarded output number maps back to its source
 * packet across segments; a number kept for a packet the SFU has not
 * received maps through the segment's offsets; too old, future and ended
 * segments' holes do not map. */
static void
test_nack_lookup (void)
{
  ShRewriter r;
  Packet p;
  guint32 ssrc;
  guint16 seq;
  guint16 hole_out;

  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 65500, 0);
  g_assert_false (sh_rewriter_lookup (&r, 65500, &ssrc, &seq));
  sh_rewriter_switch_source (&r, 0xa, FALSE);
  for (guint16 i = 0; i < 20; i++) {
    if (i == 7)
      continue; /* never arrives */
    audio_packet (&p, 0xa, (guint16) (65530 + i), i * 960u);
    forward (&r, &p, i * 20 * MS);
  }
  hole_out = (guint16) (65500 + 7);
  for (guint16 i = 0; i < 20; i++) {
    g_assert_true (sh_rewriter_lookup (&r, (guint16) (65500 + i), &ssrc, &seq));
    g_assert_cmphex (ssrc, ==, 0xa);
    g_assert_cmpuint (seq, ==, (guint16) (65530 + i)); /* 7 included: from the offsets */
  }
  g_assert_false (sh_rewriter_lookup (&r, (guint16) (65500 + 20), &ssrc, &seq)); /* future */

  sh_rewriter_switch_source (&r, 0xb, FALSE);
  for (guint16 i = 0; i < 2000; i++) {
    audio_packet (&p, 0xb, (guint16) (300 + i), i * 960u);
    forward (&r, &p, (100 + i) * 20 * MS);
  }
  /* out 65520 is B's first packet; the newest is 65520 + 1999. */
  g_assert_true (sh_rewriter_lookup (&r, (guint16) (65520 + 1999), &ssrc, &seq));
  g_assert_cmphex (ssrc, ==, 0xb);
  g_assert_cmpuint (seq, ==, 300 + 1999);
  g_assert_true (sh_rewriter_lookup (&r, (guint16) (65520 + 1999 - 1023), &ssrc, &seq));
  g_assert_cmpuint (seq, ==, 300 + 1999 - 1023);
  g_assert_false (sh_rewriter_lookup (&r, (guint16) (65520 + 1999 - 1024), &ssrc, &seq));
  g_assert_false (sh_rewriter_lookup (&r, hole_out, &ssrc, &seq)); /* too old by now */

  /* A hole in an ended segment does not map to the new source. */
  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 0, 0);
  sh_rewriter_switch_source (&r, 0xa, FALSE);
  audio_packet (&p, 0xa, 10, 0);
  forward (&r, &p, 0);
  audio_packet (&p, 0xa, 12, 1920);
  forward (&r, &p, 40 * MS);
  sh_rewriter_switch_source (&r, 0xb, FALSE);
  audio_packet (&p, 0xb, 77, 0);
  g_assert_cmpuint (forward (&r, &p, 60 * MS).out_seq, ==, 3);
  g_assert_false (sh_rewriter_lookup (&r, 1, &ssrc, &seq));
  g_assert_true (sh_rewriter_lookup (&r, 2, &ssrc, &seq));
  g_assert_cmphex (ssrc, ==, 0xa);
  g_assert_cmpuint (seq, ==, 12);
  g_assert_true (sh_rewriter_lookup (&r, 3, &ssrc, &seq));
  g_assert_cmphex (ssrc, ==, 0xb);
  g_assert_cmpuint (seq, ==, 77);
}

/* Picture ids and TL0PICIDX continue by one across switches, whatever the
 * new source's own values, keep their distance on reordering, wrap at 15
 * (or 7) and 8 bits; a 7-bit source keeps its width on the wire. */
static void
test_vp8_picture_id_continuity (void)
{
  ShRewriter r;
  Packet p;
  Packet late;

  sh_rewriter_init (&r, SH_REWRITER_VP8, OUT_SSRC, 90000, 0, 0);
  sh_rewriter_switch_source (&r, 0xa, TRUE);
  /* A: picture ids 0x7ffd.. wrap to 0; the first segment keeps its own. */
  for (guint i = 0; i < 5; i++) {
    vp8_packet (&p, 0xa, (guint16) (10 + i), i * 3000u, TRUE, i == 0,
                (guint16) ((0x7ffd + i) & 0x7fff), TRUE, (guint8) (254 + i));
    if (i == 3) {
      late = p; /* held back: arrives after the next one */
      continue;
    }
    forward (&r, &p, i * 33 * MS);
    g_assert_cmpuint (vp8_out_pid (&p), ==, (0x7ffd + i) & 0x7fff);
    g_assert_cmpuint (vp8_out_tl0 (&p), ==, (guint8) (254 + i));
  }
  forward (&r, &late, 140 * MS);
  g_assert_cmpuint (vp8_out_pid (&late), ==, 0);
  g_assert_cmpuint (vp8_out_tl0 (&late), ==, 1);

  /* B: 15-bit ids from 12345, TL0 from 77: output continues at 2 and 3. */
  sh_rewriter_switch_source (&r, 0xb, TRUE);
  for (guint i = 0; i < 3; i++) {
    vp8_packet (&p, 0xb, (guint16) (1000 + i), i * 3000u, TRUE, i == 0, (guint16) (12345 + i), TRUE,
                (guint8) (77 + i));
    forward (&r, &p, (200 + i * 33) * MS);
    g_assert_cmpuint (vp8_out_pid (&p), ==, 2 + i);
    g_assert_cmpuint (vp8_out_tl0 (&p), ==, 3 + i);
  }
  /* B's continuation packet of picture 12346 (S=0) maps to the same id. */
  vp8_packet (&p, 0xb, 1003, 3000, FALSE, FALSE, 12346, TRUE, 78);
  forward (&r, &p, 300 * MS);
  g_assert_cmpuint (vp8_out_pid (&p), ==, 3);

  /* C: 7-bit ids from 126 wrapping at 128; the output continues at 5 and
   * keeps the 7-bit width. */
  sh_rewriter_switch_source (&r, 0xc, TRUE);
  for (guint i = 0; i < 4; i++) {
    ShRtpView view;
    ShVp8Descriptor desc;

    vp8_packet (&p, 0xc, (guint16) (50 + i), i * 3000u, TRUE, i == 0, (guint16) ((126 + i) & 0x7f),
                FALSE, (guint8) i);
    forward (&r, &p, (400 + i * 33) * MS);
    g_assert_cmpint (sh_rtp_parse (&view, p.buf, p.len), ==, SH_RTP_OK);
    g_assert_true (sh_vp8_parse (&desc, sh_rtp_view_payload (&view), view.payload_len));
    g_assert_false (desc.picture_id_15bit);
    g_assert_cmpuint (desc.picture_id, ==, 5 + i);
    g_assert_cmpuint (desc.tl0picidx, ==, 6 + i);
  }

  /* D: back to 15 bits, continuing after C's last picture (8). */
  sh_rewriter_switch_source (&r, 0xd, TRUE);
  vp8_packet (&p, 0xd, 9, 0, TRUE, TRUE, 20000, TRUE, 200);
  forward (&r, &p, 600 * MS);
  g_assert_cmpuint (vp8_out_pid (&p), ==, 9);
  g_assert_cmpuint (vp8_out_tl0 (&p), ==, 10);
}

/* Padding-only probes on request: dropped when newest, and the next packet
 * takes the dropped one's number; a late padding packet fills the number
 * kept for it; a copy of a dropped one has no number left. */
static void
test_padding (void)
{
  ShRewriter r;
  Packet p;
  guint32 ssrc;
  guint16 seq;

  sh_rewriter_init (&r, SH_REWRITER_VP8, OUT_SSRC, 90000, 500, 0);
  sh_rewriter_switch_source (&r, 1, FALSE);
  /* A probe never starts a segment. */
  packet_build (&p, 1, 9, 0, NULL, 0, 200);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  vp8_packet (&p, 1, 10, 0, TRUE, TRUE, 1, TRUE, 0);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 500);

  /* Without the option, probes pass. */
  packet_build (&p, 1, 11, 0, NULL, 0, 100);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 501);

  sh_rewriter_set_drop_padding (&r, TRUE);
  /* 12 and 13 are probes, 14 is lost for now, 15 a probe, 16 media. */
  packet_build (&p, 1, 12, 0, NULL, 0, 100);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  packet_build (&p, 1, 13, 0, NULL, 0, 100);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  packet_build (&p, 1, 15, 0, NULL, 0, 100);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  vp8_packet (&p, 1, 16, 3000, TRUE, FALSE, 2, TRUE, 1);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 503);
  /* 502 was kept for 14: a NACK for it asks for 14, and 14 fills it. */
  g_assert_true (sh_rewriter_lookup (&r, 502, &ssrc, &seq));
  g_assert_cmpuint (seq, ==, 14);
  g_assert_false (sh_rewriter_lookup (&r, 504, &ssrc, &seq));
  vp8_packet (&p, 1, 14, 0, FALSE, FALSE, 1, TRUE, 0);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 502);
  /* A copy of dropped probe 13 (or 15): nothing to fill. */
  packet_build (&p, 1, 13, 0, NULL, 0, 100);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  packet_build (&p, 1, 15, 0, NULL, 0, 100);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
  /* A late probe whose number was kept (11 again, a retransmission) passes. */
  packet_build (&p, 1, 11, 0, NULL, 0, 100);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 501);
  vp8_packet (&p, 1, 17, 3000, FALSE, FALSE, 2, TRUE, 1);
  g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 504);

  /* Many separate probes: the oldest pieces are forgotten, and packets
   * older than what is remembered are dropped rather than misplaced. */
  for (guint16 s = 18; s < 18 + 2 * (SH_REWRITER_PIECES + 2); s += 2) {
    packet_build (&p, 1, s, 0, NULL, 0, 100);
    expect_drop (&r, &p, 0, SH_REWRITE_DROP_PADDING);
    vp8_packet (&p, 1, (guint16) (s + 1), 6000, FALSE, FALSE, 3, TRUE, 2);
    g_assert_cmpuint (forward (&r, &p, 0).out_seq, ==, 505 + (s - 18) / 2);
  }
  vp8_packet (&p, 1, 17, 3000, FALSE, FALSE, 2, TRUE, 1);
  expect_drop (&r, &p, 0, SH_REWRITE_DROP_TOO_OLD);
}

/* A random stream: loss, reordering, duplicates, probes (dropped) and
 * source switches. Two different source packets never share an output
 * number, each forwarded number maps back to its packet for NACKs, and the
 * newest output number only grows. */
static void
test_random_stream (void)
{
  static guint64 owner[65536]; /* out_seq -> (ssrc << 16 | seq) + 1 */
  GRand *rand = g_rand_new_with_seed (0x5eed);
  ShRewriter r;
  guint32 ssrc = 100;
  guint16 next_seq = 65000;
  gint64 now = 0;
  guint forwarded = 0;
  gint64 newest_out = -1;

  memset (owner, 0, sizeof owner);
  sh_rewriter_init (&r, SH_REWRITER_AUDIO, OUT_SSRC, 48000, 0, 0);
  sh_rewriter_set_drop_padding (&r, TRUE);
  sh_rewriter_switch_source (&r, ssrc, FALSE);
  /* 20000 packets: the output space (from 0) does not wrap. */
  for (guint i = 0; i < 20000; i++) {
    Packet p;
    ShRewriteInfo info;
    guint16 seq = next_seq;
    guint32 roll = g_rand_int_range (rand, 0, 100);
    ShRewriteResult res;

    now += 20 * MS;
    if (roll < 1) { /* another participant, or a restart with the same SSRC */
      if (g_rand_boolean (rand))
        ssrc++;
      sh_rewriter_switch_source (&r, ssrc, FALSE);
      next_seq = (guint16) g_rand_int (rand);
      seq = next_seq;
    } else if (roll < 10) { /* late: up to 40 back, possibly from before a switch */
      seq = (guint16) (next_seq - g_rand_int_range (rand, 1, 40));
    } else if (roll < 15) { /* lost: skip some */
      next_seq = (guint16) (next_seq + g_rand_int_range (rand, 1, 5));
      seq = next_seq;
    }
    if (seq == next_seq)
      next_seq++;
    if (g_rand_int_range (rand, 0, 100) < 5)
      packet_build (&p, ssrc, seq, seq * 960u, NULL, 0, 20);
    else
      audio_packet (&p, ssrc, seq, seq * 960u);

    res = sh_rewriter_rewrite (&r, p.buf, p.len, now, &info);
    if (res != SH_REWRITE_FORWARD) {
      g_assert_cmpint (res, <, 0);
      continue;
    }
    forwarded++;
    if (owner[info.out_seq] != 0)
      g_assert_cmphex (owner[info.out_seq], ==, ((guint64) ssrc << 16 | seq) + 1);
    owner[info.out_seq] = ((guint64) ssrc << 16 | seq) + 1;
    if ((gint64) info.out_seq > newest_out)
      newest_out = info.out_seq;
    else
      g_assert_cmpint (newest_out - info.out_seq, <, 1000); /* late ones stay near */
    {
      guint32 back_ssrc;
      guint16 back_seq;

      g_assert_true (sh_rewriter_lookup (&r, info.out_seq, &back_ssrc, &back_seq));
      g_assert_cmphex (back_ssrc, ==, ssrc);
      g_assert_cmpuint (back_seq, ==, seq);
    }
  }
  g_assert_cmpuint (forwarded, >, 15000);
  g_assert_cmpint (newest_out, <, 65536);
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rewriter/continuity-across-switches", test_continuity_across_switches);
  g_test_add_func ("/rewriter/switch-without-elapsed-time", test_switch_without_elapsed_time);
  g_test_add_func ("/rewriter/unknown-and-malformed", test_unknown_and_malformed);
  g_test_add_func ("/rewriter/vp8-keyframe-gating", test_vp8_keyframe_gating);
  g_test_add_func ("/rewriter/h264-keyframe-gating", test_h264_keyframe_gating);
  g_test_add_func ("/rewriter/reordering", test_reordering);
  g_test_add_func ("/rewriter/late-packets-after-switch", test_late_packets_after_switch);
  g_test_add_func ("/rewriter/wraparound", test_wraparound);
  g_test_add_func ("/rewriter/nack-lookup", test_nack_lookup);
  g_test_add_func ("/rewriter/vp8-picture-id-continuity", test_vp8_picture_id_continuity);
  g_test_add_func ("/rewriter/padding", test_padding);
  g_test_add_func ("/rewriter/random-stream", test_random_stream);
  return g_test_run ();
}
