/* The packet-path bench's publisher: see sfu-fixture.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-fixture-private.h"

#include <string.h>

#include "rtp-stats.h"
#include "rtp.h"

#define VIDEO_INTERVAL_US (G_USEC_PER_SEC / 30)
#define AUDIO_INTERVAL_US (G_USEC_PER_SEC / 50)

static void
put16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

static void
put32 (guint8 *p, guint32 v)
{
  put16 (p, (guint16) (v >> 16));
  put16 (p + 2, (guint16) v);
}

/* The media clocks run on the wall clock, as the sender reports do. */
guint32
sfu_source_ts (const SfuPublisher *p, guint32 ts0, guint rate, gint64 real_us)
{
  return ts0 + (guint32) ((real_us - p->real0) * (gint64) rate / G_USEC_PER_SEC);
}

/* An RTP header with the transport-wide sequence number when negotiated
 * (filled in by send_rtp()). Returns its length. */
static gsize
put_header (const SfuPublisher *p, guint8 *buf, guint8 pt, gboolean marker, guint16 seq, guint32 ts,
            guint32 ssrc)
{
  buf[0] = p->transport_cc_id ? 0x90 : 0x80;
  buf[1] = (guint8) ((marker ? 0x80 : 0) | pt);
  put16 (buf + 2, seq);
  put32 (buf + 4, ts);
  put32 (buf + 8, ssrc);
  if (!p->transport_cc_id)
    return 12;
  memcpy (buf + 12, "\xbe\xde\x00\x01", 4);
  buf[16] = (guint8) (p->transport_cc_id << 4 | 1);
  buf[17] = buf[18] = buf[19] = 0;
  return 20;
}

static gsize
put_mark (guint8 *at, guint16 seq, guint32 ts)
{
  put16 (at, seq);
  put32 (at + 2, ts);
  return SFU_MARK_LEN;
}

/* A one-packet VP8 frame: descriptor with a 15-bit picture id, then a
 * keyframe header (320x240) or an interframe tag, filler and the mark. An
 * RTX copy carries the original sequence number first. */
static gsize
video_packet (SfuPublisher *p, guint8 *buf, const SfuFrame *f, gboolean rtx)
{
  static const guint8 key[] = { 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00 };
  static const guint8 delta[] = { 0x31, 0x00, 0x00 };
  gsize n = put_header (p, buf, rtx ? p->rtx_pt : p->video_pt, TRUE, rtx ? p->rtx_seq++ : f->seq,
                        f->ts, rtx ? p->rtx_ssrc : p->video_ssrc);
  gsize filler = f->keyframe ? 600 : 150;

  if (rtx) {
    put16 (buf + n, f->seq);
    n += 2;
  }
  buf[n++] = 0x90; /* X, S, partition 0 */
  buf[n++] = 0x80; /* I */
  put16 (buf + n, (guint16) (0x8000 | f->pid));
  n += 2;
  memcpy (buf + n, f->keyframe ? key : delta, f->keyframe ? sizeof key : sizeof delta);
  n += f->keyframe ? sizeof key : sizeof delta;
  memset (buf + n, 0x5a, filler);
  n += filler;
  return n + put_mark (buf + n, f->seq, f->ts);
}

guint32
sfu_packet_hash (const guint8 *buf, gsize len)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    h = (h ^ buf[i]) * 16777619u;
  return h ? h : 1;
}

static gboolean
send_rtp (SfuBench *b, guint8 *buf, gsize len)
{
  SfuPublisher *p = &b->pub;
  guint32 ssrc = sfu_get32 (buf + 8), hash;
  guint16 seq = (guint16) (buf[2] << 8 | buf[3]);

  if (p->transport_cc_id)
    put16 (buf + 17, p->transport_seq);
  hash = sfu_packet_hash (buf, len);
  if (!sh_peer_send_rtp (p->peer, buf, len, SH_PEER_PACKET_CAPACITY))
    return FALSE;
  if (ssrc == p->video_ssrc)
    b->sent_video[seq] = hash;
  else if (ssrc == p->audio_ssrc)
    b->sent_audio[seq] = hash;
  p->transport_seq++;
  return TRUE;
}

static void
send_video (SfuBench *b, gint64 real)
{
  SfuPublisher *p = &b->pub;
  SfuFrame f = { p->video_seq++, sfu_source_ts (p, p->video_ts0, 90000, real), p->pid++ & 0x7fff,
                 p->keyframe_wanted };

  p->keyframe_wanted = FALSE;
  if (p->skip > 0) {
    p->skip--;
    p->lost[p->n_lost++] = f;
    return;
  }
  if (send_rtp (b, b->buf, video_packet (p, b->buf, &f, FALSE)))
    p->video_sent++;
}

static void
send_audio (SfuBench *b, gint64 real)
{
  SfuPublisher *p = &b->pub;
  guint16 seq = p->audio_seq++;
  guint32 ts = sfu_source_ts (p, p->audio_ts0, 48000, real);
  gsize n = put_header (p, b->buf, p->audio_pt, FALSE, seq, ts, p->audio_ssrc);

  b->buf[n++] = 0xfc; /* an Opus TOC byte: 20 ms, fullband */
  memset (b->buf + n, 0x33, 60);
  n += 60;
  n += put_mark (b->buf + n, seq, ts);
  if (send_rtp (b, b->buf, n))
    p->audio_sent++;
}

gboolean
sfu_publisher_pace (gpointer data)
{
  SfuBench *b = data;
  SfuPublisher *p = &b->pub;
  gint64 now = g_get_monotonic_time (), real = g_get_real_time (), elapsed;

  if (p->state != SH_PEER_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;
  if (p->paused) {
    p->next_video_us = p->next_audio_us = p->start_us ? now - p->start_us : 0;
    return G_SOURCE_CONTINUE;
  }
  if (!p->start_us)
    p->start_us = now;
  elapsed = now - p->start_us;
  /* A stalled worker skips ahead rather than bursting. */
  if (elapsed - p->next_video_us > G_USEC_PER_SEC / 2)
    p->next_video_us = p->next_audio_us = elapsed;
  for (; p->next_video_us <= elapsed; p->next_video_us += VIDEO_INTERVAL_US)
    send_video (b, real);
  for (; p->next_audio_us <= elapsed; p->next_audio_us += AUDIO_INTERVAL_US)
    send_audio (b, real);
  return G_SOURCE_CONTINUE;
}

/* Once a second: the publisher's sender reports, the subscriber's empty
 * receiver report (so that its connection is not silent). */
gboolean
sfu_publisher_reports (gpointer data)
{
  SfuBench *b = data;
  SfuPublisher *p = &b->pub;
  gint64 real = g_get_real_time ();
  guint64 ntp = sh_ntp_from_unix_us (real);
  ShRtcpSr video = { .ssrc = p->video_ssrc,
                     .ntp_timestamp = ntp,
                     .rtp_timestamp = sfu_source_ts (p, p->video_ts0, 90000, real),
                     .packet_count = (guint32) p->video_sent };
  ShRtcpSr audio = { .ssrc = p->audio_ssrc,
                     .ntp_timestamp = ntp,
                     .rtp_timestamp = sfu_source_ts (p, p->audio_ts0, 48000, real),
                     .packet_count = (guint32) p->audio_sent };
  ShRtcpRr rr = { .ssrc = b->sub.report_ssrc };
  int n, m;

  if (p->state == SH_PEER_STATE_CONNECTED) {
    n = sh_rtcp_write_sr (b->buf, FEEDBACK_CAP, &video);
    m = sh_rtcp_write_sr (b->buf + n, FEEDBACK_CAP - (gsize) n, &audio);
    g_assert_cmpint (n, >, 0);
    g_assert_cmpint (m, >, 0);
    if (sh_peer_send_rtcp (p->peer, b->buf, (gsize) (n + m), sizeof b->buf))
      p->srs_sent++;
  }
  if (b->sub.state == SH_PEER_STATE_CONNECTED) {
    n = sh_rtcp_write_rr (b->buf, FEEDBACK_CAP, &rr);
    sh_peer_send_rtcp (b->sub.peer, b->buf, (gsize) n, sizeof b->buf);
  }
  return G_SOURCE_CONTINUE;
}

static void
answer_nack (SfuBench *b, const ShRtcpFb *fb)
{
  SfuPublisher *p = &b->pub;
  ShRtcpNackEntry entries[64];
  guint16 seqs[256];
  int n = sh_rtcp_parse_nack (fb, entries, G_N_ELEMENTS (entries));
  int n_seqs = n > 0 ? sh_rtcp_nack_expand (entries, MIN ((guint) n, G_N_ELEMENTS (entries)), seqs,
                                            G_N_ELEMENTS (seqs))
                     : 0;

  p->nacks++;
  for (int i = 0; i < n_seqs; i++) {
    for (guint j = 0; j < p->n_lost; j++) {
      SfuFrame *f = &p->lost[j];
      /* An encoder's packet history answers with RTX, once here. */
      if (f->seq == seqs[i] && !f->nacked) {
        f->nacked = TRUE;
        if (send_rtp (b, b->buf, video_packet (p, b->buf, f, TRUE)))
          p->rtx_sent++;
      }
    }
  }
}

void
sfu_publisher_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer data)
{
  SfuBench *b = data;
  SfuPublisher *p = &b->pub;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpFb fb;
  ShRtcpTwcc twcc;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    if ((packet.type != SH_RTCP_PSFB && packet.type != SH_RTCP_RTPFB)
        || sh_rtcp_parse_fb (&packet, &fb) != SH_RTCP_OK)
      continue;
    if (fb.type == SH_RTCP_PSFB && sh_rtcp_fb_is_pli (&fb)) {
      if (fb.media_ssrc != p->video_ssrc) {
        p->pli_wrong_ssrc++;
        continue;
      }
      p->pli_at[p->plis++ % SFU_PLI_RING] = g_get_monotonic_time ();
      p->keyframe_wanted = TRUE; /* what an encoder does */
    } else if (fb.type == SH_RTCP_RTPFB && fb.fmt == SH_RTCP_FMT_NACK) {
      if (fb.media_ssrc == p->video_ssrc)
        answer_nack (b, &fb);
      else
        p->nack_wrong_ssrc++;
    } else if (fb.type == SH_RTCP_RTPFB && fb.fmt == SH_RTCP_FMT_TWCC) {
      int n = sh_rtcp_parse_twcc (&fb, &twcc, b->twcc, SFU_TWCC_MAX);
      for (int i = 0; i < n; i++)
        if (b->twcc[i].received)
          sfu_set_bit (b->twcc_seen, b->twcc[i].seq);
      p->twcc_feedbacks += n > 0;
    }
  }
}
