/* The room's packet path end to end, in one process, with no signaling and
 * no browser: a publisher and a subscriber built on ShPeer (as the bots of
 * tools/loadbot are) connect to a ShMediaRoom over loopback. The publisher
 * sends synthetic VP8 (30 packets/s) and Opus-like audio (50 packets/s) and
 * plays an encoder (a keyframe when asked); the subscriber plays a lossy
 * receiver. Loopback loses nothing, so the loss is made here: the
 * subscriber drops packets and asks for them again, the publisher "loses"
 * a few on purpose.
 *
 * Everything runs on the engine's one worker: the room, both clients,
 * their timers and callbacks. The test body only posts commands there and
 * reads snapshots taken there (media_fixture_run).
 * SPDX-License-Identifier: Apache-2.0 */
#include "media-fixture.h"

#include <string.h>

#include "rtcp.h"
#include "rtp-stats.h"
#include "rtp.h"
#include "sdp.h"

#define PUBLISHER 1
#define SUBSCRIBER 2
/* The server's payload types (sh_peer_create_offer), which the publisher's
 * offer uses too. */
#define AUDIO_PT 111
#define VIDEO_PT 96
#define RTX_PT 97
#define VIDEO_INTERVAL_US (G_USEC_PER_SEC / 30)
#define AUDIO_INTERVAL_US (G_USEC_PER_SEC / 50)
#define PACE_MS 5
#define MARK_LEN 6    /* every payload ends with its source seq and timestamp */
#define DROP_EVERY 10 /* the subscriber drops every 10th video packet */
#define N_DROPPED 10  /* this many in all */
#define N_SKIPPED 3   /* video packets the publisher loses on purpose */
#define N_BURST 20    /* PLIs in the burst */
#define PLI_RING 64   /* arrival times of the last PLIs at the publisher */
#define TWCC_MAX 4096 /* statuses per feedback packet parsed */
#define FEEDBACK_CAP (SH_PEER_PACKET_CAPACITY - SH_PEER_TRAILER_ROOM)

static ShMediaEngine *engine;

/* A stream as the subscriber receives it. */
typedef struct {
  guint32 ssrc; /* the room's, from the subscribe offer */
  guint8 pt;    /* the offer's */
  guint32 ts0;  /* the publisher's: timestamp at its real0 */
  guint rate;
  gboolean started;
  guint16 last_seq;
  guint64 packets, gaps, extensions, wrong_pt, keyframes;
  gboolean first_keyframe; /* the first video packet started a keyframe */
  guint32 ts_offset;       /* out timestamp - source timestamp, newest packet */
  guint64 srs;             /* sender reports since the publisher sent its first */
  gint64 sr_error_us;      /* their largest lip-sync error */
} RxStream;

/* A video frame (one packet each) of the publisher. */
typedef struct {
  guint16 seq;
  guint32 ts;
  guint16 pid;
  gboolean keyframe;
  gboolean nacked; /* lost on purpose: the room asked for it */
} Frame;

typedef struct {
  ShPeer *peer;
  ShPeerState state;
  guint32 audio_ssrc, video_ssrc, rtx_ssrc;
  guint8 transport_cc_id; /* from the room's answer; 0: not negotiated */
  guint8 audio_pt, video_pt, rtx_pt;
  guint16 audio_seq, video_seq, rtx_seq, transport_seq;
  guint32 audio_ts0, video_ts0;
  gint64 real0, start_us, next_audio_us, next_video_us;
  guint16 pid;
  gboolean keyframe_wanted;
  guint64 audio_sent, video_sent, rtx_sent, srs_sent;
  guint skip; /* video packets still to lose on purpose */
  Frame lost[N_SKIPPED];
  guint n_lost;
  guint64 plis, pli_wrong_ssrc, nacks, nack_wrong_ssrc, twcc_feedbacks;
  gint64 pli_at[PLI_RING];
  guint16 twcc_mark; /* every transport seq below it must be reported */
} Publisher;

typedef struct {
  ShPeer *peer;
  ShPeerState state;
  RxStream audio, video;
  guint32 rtx_ssrc;
  guint8 rtx_pt;
  guint32 report_ssrc;
  char *offer;           /* the room's offer, until answered */
  GPtrArray *candidates; /* the room's candidates that came before it */
  gboolean answered;
  guint64 unknown;
  gboolean dropping;
  guint64 drop_count;
  guint16 dropped[N_DROPPED], dropped_src[N_DROPPED];
  gboolean recovered[N_DROPPED];
  guint n_dropped, n_recovered;
  guint64 rtx, rtx_wrong_pt, rtx_unexpected, rtx_wrong_payload;
  gint64 pli_sent_us;
  guint burst_left;
  gint64 burst_us;
} Subscriber;

typedef struct _Bench Bench;
struct _Bench {
  ShMediaRoom *room;
  Publisher pub;
  Subscriber sub;
  GSource *pace, *reports, *answer, *burst;
  GError *error;
  guint8 twcc_seen[65536 / 8]; /* transport seqs reported received */
  guint8 src_seen[65536 / 8];  /* source seqs of video the subscriber got */
  ShRtcpTwccPacket twcc[TWCC_MAX];
  guint8 buf[SH_PEER_PACKET_CAPACITY];
  /* Taken on the worker by snapshot(), read by the test body. */
  Publisher p;
  Subscriber s;
  ShMediaRoomStats stats;
  guint64 room_received;
  guint twcc_missing, lost_seen;
  /* Worker calls. */
  void (*call) (Bench *b);
  gint done;
};

static gboolean
bit (const guint8 *map, guint16 n)
{
  return (map[n / 8] >> (n % 8)) & 1;
}

static void
set_bit (guint8 *map, guint16 n)
{
  map[n / 8] |= (guint8) (1u << (n % 8));
}

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

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static GSource *
add_timer (Bench *b, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, b, NULL);
  g_source_attach (source, sh_media_workers_context (sh_media_engine_workers (engine), 0));
  return source;
}

static void
remove_source (GSource **source)
{
  if (*source) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

/* ------------------------------------------------------------ publisher */

/* The media clocks run on the wall clock, as the sender reports do. */
static guint32
source_ts (const Publisher *p, guint32 ts0, guint rate, gint64 real_us)
{
  return ts0 + (guint32) ((real_us - p->real0) * (gint64) rate / G_USEC_PER_SEC);
}

/* An RTP header with the transport-wide sequence number when negotiated
 * (filled in by send_rtp()). Returns its length. */
static gsize
put_header (const Publisher *p, guint8 *buf, guint8 pt, gboolean marker, guint16 seq, guint32 ts,
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
  return MARK_LEN;
}

/* A one-packet VP8 frame: descriptor with a 15-bit picture id, then a
 * keyframe header (320x240) or an interframe tag, filler and the mark. An
 * RTX copy carries the original sequence number first. */
static gsize
video_packet (Publisher *p, guint8 *buf, const Frame *f, gboolean rtx)
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

static gboolean
send_rtp (Publisher *p, guint8 *buf, gsize len)
{
  if (p->transport_cc_id)
    put16 (buf + 17, p->transport_seq);
  if (!sh_peer_send_rtp (p->peer, buf, len, SH_PEER_PACKET_CAPACITY))
    return FALSE;
  p->transport_seq++;
  return TRUE;
}

static void
send_video (Bench *b, gint64 real)
{
  Publisher *p = &b->pub;
  Frame f = { p->video_seq++, source_ts (p, p->video_ts0, 90000, real), p->pid++ & 0x7fff,
              p->keyframe_wanted };

  p->keyframe_wanted = FALSE;
  if (p->skip > 0) {
    p->skip--;
    p->lost[p->n_lost++] = f;
    return;
  }
  if (send_rtp (p, b->buf, video_packet (p, b->buf, &f, FALSE)))
    p->video_sent++;
}

static void
send_audio (Bench *b, gint64 real)
{
  Publisher *p = &b->pub;
  guint16 seq = p->audio_seq++;
  guint32 ts = source_ts (p, p->audio_ts0, 48000, real);
  gsize n = put_header (p, b->buf, p->audio_pt, FALSE, seq, ts, p->audio_ssrc);

  b->buf[n++] = 0xfc; /* an Opus TOC byte: 20 ms, fullband */
  memset (b->buf + n, 0x33, 60);
  n += 60;
  n += put_mark (b->buf + n, seq, ts);
  if (send_rtp (p, b->buf, n))
    p->audio_sent++;
}

static gboolean
on_pace (gpointer data)
{
  Bench *b = data;
  Publisher *p = &b->pub;
  gint64 now = g_get_monotonic_time (), real = g_get_real_time (), elapsed;

  if (p->state != SH_PEER_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;
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
static gboolean
on_reports (gpointer data)
{
  Bench *b = data;
  Publisher *p = &b->pub;
  gint64 real = g_get_real_time ();
  guint64 ntp = sh_ntp_from_unix_us (real);
  ShRtcpSr video = { .ssrc = p->video_ssrc,
                     .ntp_timestamp = ntp,
                     .rtp_timestamp = source_ts (p, p->video_ts0, 90000, real),
                     .packet_count = (guint32) p->video_sent };
  ShRtcpSr audio = { .ssrc = p->audio_ssrc,
                     .ntp_timestamp = ntp,
                     .rtp_timestamp = source_ts (p, p->audio_ts0, 48000, real),
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
answer_nack (Bench *b, const ShRtcpFb *fb)
{
  Publisher *p = &b->pub;
  ShRtcpNackEntry entries[64];
  guint16 seqs[256];
  int n = sh_rtcp_parse_nack (fb, entries, G_N_ELEMENTS (entries));
  int n_seqs = n > 0 ? sh_rtcp_nack_expand (entries, MIN ((guint) n, G_N_ELEMENTS (entries)), seqs,
                                            G_N_ELEMENTS (seqs))
                     : 0;

  p->nacks++;
  for (int i = 0; i < n_seqs; i++) {
    for (guint j = 0; j < p->n_lost; j++) {
      Frame *f = &p->lost[j];
      /* An encoder's packet history answers with RTX, once here. */
      if (f->seq == seqs[i] && !f->nacked) {
        f->nacked = TRUE;
        if (send_rtp (p, b->buf, video_packet (p, b->buf, f, TRUE)))
          p->rtx_sent++;
      }
    }
  }
}

static void
on_pub_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer data)
{
  Bench *b = data;
  Publisher *p = &b->pub;
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
      p->pli_at[p->plis++ % PLI_RING] = g_get_monotonic_time ();
      p->keyframe_wanted = TRUE; /* what an encoder does */
    } else if (fb.type == SH_RTCP_RTPFB && fb.fmt == SH_RTCP_FMT_NACK) {
      if (fb.media_ssrc == p->video_ssrc)
        answer_nack (b, &fb);
      else
        p->nack_wrong_ssrc++;
    } else if (fb.type == SH_RTCP_RTPFB && fb.fmt == SH_RTCP_FMT_TWCC) {
      int n = sh_rtcp_parse_twcc (&fb, &twcc, b->twcc, TWCC_MAX);
      for (int i = 0; i < n; i++)
        if (b->twcc[i].received)
          set_bit (b->twcc_seen, b->twcc[i].seq);
      p->twcc_feedbacks += n > 0;
    }
  }
}

/* ----------------------------------------------------------- subscriber */

static void
send_feedback (Bench *b, gsize fb_len)
{
  Subscriber *s = &b->sub;

  g_assert_cmpuint (fb_len, >, 0);
  sh_peer_send_rtcp (s->peer, b->buf, fb_len, sizeof b->buf);
}

/* The compound starts with an empty RR (RFC 3550 6.1). */
static gsize
write_rr (Bench *b)
{
  ShRtcpRr rr = { .ssrc = b->sub.report_ssrc };
  int n = sh_rtcp_write_rr (b->buf, FEEDBACK_CAP, &rr);

  g_assert_cmpint (n, >, 0);
  return (gsize) n;
}

static void
send_nack (Bench *b, guint16 seq)
{
  ShRtcpNackEntry entry;
  gsize rr = write_rr (b);
  int n;

  g_assert_cmpint (sh_rtcp_nack_build (&seq, 1, &entry, 1), ==, 1);
  n = sh_rtcp_write_nack (b->buf + rr, FEEDBACK_CAP - rr, b->sub.report_ssrc, b->sub.video.ssrc,
                          &entry, 1);
  send_feedback (b, rr + (gsize) MAX (n, 0));
}

static void
send_pli (Bench *b)
{
  gsize rr = write_rr (b);
  int n = sh_rtcp_write_pli (b->buf + rr, FEEDBACK_CAP - rr, b->sub.report_ssrc, b->sub.video.ssrc);

  send_feedback (b, rr + (gsize) MAX (n, 0));
}

static void
on_rx_media (Bench *b, RxStream *st, const ShRtpView *view)
{
  Subscriber *s = &b->sub;
  gboolean video = st == &s->video;
  const guint8 *mark;
  guint16 src_seq;
  ShVp8Descriptor vp8;

  if (view->payload_len < MARK_LEN)
    return;
  mark = sh_rtp_view_payload (view) + view->payload_len - MARK_LEN;
  src_seq = (guint16) (mark[0] << 8 | mark[1]);
  if (st->started && sh_rtp_seq_diff (view->seq, st->last_seq) != 1)
    st->gaps++;
  if (!st->started || sh_rtp_seq_newer (view->seq, st->last_seq))
    st->last_seq = view->seq;
  st->started = TRUE;
  if (video && s->dropping && ++s->drop_count % DROP_EVERY == 0 && s->n_dropped < N_DROPPED) {
    s->dropped[s->n_dropped] = view->seq;
    s->dropped_src[s->n_dropped++] = src_seq;
    send_nack (b, view->seq);
    return;
  }
  st->wrong_pt += view->payload_type != st->pt;
  st->extensions += view->extension;
  st->ts_offset = view->timestamp - get32 (mark + 2);
  if (video) {
    gboolean key = sh_vp8_parse (&vp8, sh_rtp_view_payload (view), view->payload_len - MARK_LEN)
                   && vp8.keyframe;
    if (st->packets == 0)
      st->first_keyframe = key;
    st->keyframes += key;
    set_bit (b->src_seen, src_seq);
  }
  st->packets++;
}

static void
on_rx_rtx (Bench *b, const ShRtpView *view)
{
  Subscriber *s = &b->sub;
  const guint8 *mark;
  guint16 osn;
  guint i;

  s->rtx++;
  s->rtx_wrong_pt += view->payload_type != s->rtx_pt;
  if (view->payload_len < 2 + MARK_LEN || !sh_rtp_rtx_osn (view, &osn))
    return;
  mark = sh_rtp_view_payload (view) + view->payload_len - MARK_LEN;
  for (i = 0; i < s->n_dropped && s->dropped[i] != osn; i++)
    ;
  if (i == s->n_dropped) {
    s->rtx_unexpected++;
    return;
  }
  /* The copy of the very packet dropped. */
  if ((guint16) (mark[0] << 8 | mark[1]) != s->dropped_src[i])
    s->rtx_wrong_payload++;
  else if (!s->recovered[i]) {
    s->recovered[i] = TRUE;
    s->n_recovered++;
  }
}

static void
on_sub_rtp (ShPeer *peer, guint8 *buf, gsize len, gpointer data)
{
  Bench *b = data;
  Subscriber *s = &b->sub;
  ShRtpView view;

  if (sh_rtp_parse (&view, buf, len) != SH_RTP_OK)
    return;
  if (view.ssrc == s->video.ssrc)
    on_rx_media (b, &s->video, &view);
  else if (view.ssrc == s->audio.ssrc)
    on_rx_media (b, &s->audio, &view);
  else if (view.ssrc == s->rtx_ssrc)
    on_rx_rtx (b, &view);
  else
    s->unknown++;
}

/* How far the SR's mapping of wall clock to RTP time is from the
 * publisher's, through the offset the rewriting added. */
static void
on_rx_sr (Bench *b, RxStream *st, const ShRtcpSr *sr)
{
  gint64 at = sh_ntp_to_unix_us (sr->ntp_timestamp);
  guint32 expected = source_ts (&b->pub, st->ts0, st->rate, at) + st->ts_offset;
  gint64 error_us
      = ABS ((gint64) (gint32) (sr->rtp_timestamp - expected)) * G_USEC_PER_SEC / (gint64) st->rate;

  st->srs++;
  st->sr_error_us = MAX (st->sr_error_us, error_us);
}

static void
on_sub_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer data)
{
  Bench *b = data;
  Subscriber *s = &b->sub;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpSr sr;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    if (packet.type != SH_RTCP_SR || sh_rtcp_parse_sr (&packet, &sr) != SH_RTCP_OK
        || !b->pub.srs_sent)
      continue;
    if (sr.ssrc == s->video.ssrc && s->video.packets)
      on_rx_sr (b, &s->video, &sr);
    else if (sr.ssrc == s->audio.ssrc && s->audio.packets)
      on_rx_sr (b, &s->audio, &sr);
  }
}

/* The room's offer is answered from the loop, as signaling would. */
static gboolean
answer_offer (gpointer data)
{
  Bench *b = data;
  Subscriber *s = &b->sub;
  g_autofree char *offer = g_steal_pointer (&s->offer);
  g_autofree char *answer = NULL;
  GPtrArray *media;

  g_clear_pointer (&b->answer, g_source_unref);
  answer = sh_peer_accept_offer (s->peer, offer, SH_PEER_MEDIA_RECEIVE, SH_PEER_MEDIA_RECEIVE,
                                 &b->error);
  if (!answer)
    return G_SOURCE_REMOVE;
  media = sh_peer_get_media (s->peer);
  for (guint i = 0; i < media->len; i++) {
    const ShPeerMedia *m = g_ptr_array_index (media, i);
    RxStream *st = g_str_equal (m->kind, "video") ? &s->video : &s->audio;

    /* The offer's a=ssrc lines, the FID group's for video. */
    st->ssrc = m->remote_ssrc;
    st->pt = m->payload_type;
    if (st == &s->video) {
      s->rtx_ssrc = m->remote_rtx_ssrc;
      s->rtx_pt = m->rtx_payload_type;
    }
  }
  if (!sh_media_room_subscribe_answer (b->room, SUBSCRIBER, answer, &b->error))
    return G_SOURCE_REMOVE;
  s->answered = TRUE;
  for (guint i = 0; i < s->candidates->len; i++)
    sh_peer_add_remote_candidate (s->peer, g_ptr_array_index (s->candidates, i), NULL);
  g_ptr_array_set_size (s->candidates, 0);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------ the connections */

static void
on_room_candidate (ShMediaRoom *room, guint64 participant, ShMediaLeg leg, const char *candidate,
                   gpointer data)
{
  Bench *b = data;

  if (participant == PUBLISHER && leg == SH_MEDIA_LEG_PUBLISH)
    sh_peer_add_remote_candidate (b->pub.peer, candidate, NULL);
  else if (participant == SUBSCRIBER && leg == SH_MEDIA_LEG_SUBSCRIBE && b->sub.answered)
    sh_peer_add_remote_candidate (b->sub.peer, candidate, NULL);
  else if (participant == SUBSCRIBER && leg == SH_MEDIA_LEG_SUBSCRIBE)
    g_ptr_array_add (b->sub.candidates, g_strdup (candidate));
}

static void
on_room_offer (ShMediaRoom *room, guint64 participant, const char *sdp, gpointer data)
{
  Bench *b = data;

  g_assert_cmpuint (participant, ==, SUBSCRIBER);
  g_free (b->sub.offer);
  b->sub.offer = g_strdup (sdp);
  if (!b->answer) {
    b->answer = g_idle_source_new ();
    g_source_set_callback (b->answer, answer_offer, b, NULL);
    g_source_attach (b->answer, sh_media_workers_context (sh_media_engine_workers (engine), 0));
  }
}

static void
on_client_candidate (ShPeer *peer, const char *candidate, gpointer data)
{
  Bench *b = data;
  gboolean pub = peer == b->pub.peer;

  sh_media_room_add_candidate (b->room, pub ? PUBLISHER : SUBSCRIBER,
                               pub ? SH_MEDIA_LEG_PUBLISH : SH_MEDIA_LEG_SUBSCRIBE, candidate,
                               NULL);
}

static void
on_client_state (ShPeer *peer, ShPeerState state, gpointer data)
{
  Bench *b = data;

  *(peer == b->pub.peer ? &b->pub.state : &b->sub.state) = state;
}

/* What the room's answer negotiated for the publisher. */
static void
read_answer (Publisher *p, const char *text)
{
  g_autoptr (ShSdp) answer = sh_sdp_parse (text, strlen (text), NULL);

  for (guint i = 0; answer && i < answer->media->len; i++) {
    const ShSdpMedia *m = g_ptr_array_index (answer->media, i);
    gboolean video = g_str_equal (m->kind, "video");

    for (guint j = 0; j < m->codecs->len; j++) {
      const ShSdpCodec *c = g_ptr_array_index (m->codecs, j);
      if (g_ascii_strcasecmp (c->name ? c->name : "", "rtx") == 0)
        p->rtx_pt = c->pt;
      else if (!(video ? p->video_pt : p->audio_pt))
        *(video ? &p->video_pt : &p->audio_pt) = c->pt;
    }
    for (guint j = 0; video && j < m->extmaps->len; j++) {
      const ShSdpExtmap *e = g_ptr_array_index (m->extmaps, j);
      if (g_str_equal (e->uri,
                       "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"))
        p->transport_cc_id = (guint8) e->id;
    }
  }
}

static void
setup (Bench *b)
{
  static const ShMediaRoomCallbacks room_callbacks
      = { .candidate = on_room_candidate, .subscribe_offer = on_room_offer };
  static const ShPeerCallbacks pub_callbacks = { .local_candidate = on_client_candidate,
                                                 .state_changed = on_client_state,
                                                 .rtcp = on_pub_rtcp };
  static const ShPeerCallbacks sub_callbacks = { .local_candidate = on_client_candidate,
                                                 .state_changed = on_client_state,
                                                 .rtp = on_sub_rtp,
                                                 .rtcp = on_sub_rtcp };
  Publisher *p = &b->pub;
  Subscriber *s = &b->sub;
  const ShPeerOfferSection sections[] = {
    { "audio", "0", TRUE, p->audio_ssrc, 0, "pub", "pub-mic", "opus" },
    { "video", "1", TRUE, p->video_ssrc, p->rtx_ssrc, "pub", "pub-cam", "VP8" },
  };
  g_autofree char *offer = NULL;
  g_autofree char *answer = NULL;

  b->room = sh_media_room_new (engine, 0, &room_callbacks, b);
  if (!sh_media_room_join (b->room, PUBLISHER, &b->error)
      || !sh_media_room_join (b->room, SUBSCRIBER, &b->error))
    return;
  s->peer = sh_peer_new (engine, 0, FALSE, &sub_callbacks, b, &b->error);
  p->peer = s->peer ? sh_peer_new (engine, 0, TRUE, &pub_callbacks, b, &b->error) : NULL;
  if (!p->peer)
    return;
  /* Clients of the server are the DTLS client on both legs. */
  sh_peer_set_dtls_active (s->peer, TRUE);
  sh_peer_set_dtls_active (p->peer, TRUE);
  offer = sh_peer_create_offer (p->peer, sections, G_N_ELEMENTS (sections), &b->error);
  answer = offer ? sh_media_room_publish (b->room, PUBLISHER, offer, &b->error) : NULL;
  if (!answer || !sh_peer_apply_answer (p->peer, answer, &b->error))
    return;
  read_answer (p, answer);
  b->pace = add_timer (b, PACE_MS, on_pace);
  b->reports = add_timer (b, 1000, on_reports);
}

static void
teardown (Bench *b)
{
  remove_source (&b->pace);
  remove_source (&b->reports);
  remove_source (&b->answer);
  remove_source (&b->burst);
  g_clear_pointer (&b->pub.peer, sh_peer_free);
  g_clear_pointer (&b->sub.peer, sh_peer_free);
  g_clear_pointer (&b->room, sh_media_room_free);
  g_clear_pointer (&b->sub.offer, g_free);
}

/* --------------------------------------------------- worker calls */

static gboolean
call_on_worker (gpointer data)
{
  Bench *b = data;

  b->call (b);
  g_atomic_int_set (&b->done, 1);
  return G_SOURCE_REMOVE;
}

static void
on_worker (Bench *b, void (*call) (Bench *b))
{
  b->call = call;
  media_fixture_run (engine, call_on_worker, b, &b->done);
}

static void
snapshot (Bench *b)
{
  b->p = b->pub;
  b->s = b->sub;
  b->twcc_missing = b->lost_seen = 0;
  for (guint16 n = 0; n != b->pub.twcc_mark; n++)
    b->twcc_missing += !bit (b->twcc_seen, n);
  for (guint i = 0; i < b->pub.n_lost; i++)
    b->lost_seen += bit (b->src_seen, b->pub.lost[i].seq);
  if (b->room) {
    sh_media_room_get_stats (b->room, &b->stats);
    b->room_received = sh_media_room_received_packets (b->room, PUBLISHER);
  }
}

/* Takes snapshots until @done says so or @timeout_ms pass; the caller
 * asserts on the last one. */
static gboolean
wait_for (Bench *b, gboolean (*done) (const Bench *b), guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (TRUE) {
    on_worker (b, snapshot);
    g_assert_no_error (b->error);
    if (done (b))
      return TRUE;
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

static void
pause_then_snapshot (Bench *b, guint ms)
{
  g_usleep (ms * G_TIME_SPAN_MILLISECOND);
  on_worker (b, snapshot);
}

static void
start_dropping (Bench *b)
{
  b->sub.dropping = TRUE;
}

static void
stop_dropping (Bench *b)
{
  b->sub.dropping = FALSE;
}

static void
pli_once (Bench *b)
{
  b->sub.pli_sent_us = g_get_monotonic_time ();
  send_pli (b);
}

static gboolean
on_burst (gpointer data)
{
  Bench *b = data;

  send_pli (b);
  if (--b->sub.burst_left > 0)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&b->burst, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* 20 PLIs over 400 ms: several of the room's 20 ms ticks, and the
 * publisher's keyframe answering the first in the middle of them. */
static void
pli_burst (Bench *b)
{
  b->sub.burst_us = g_get_monotonic_time ();
  b->sub.burst_left = N_BURST;
  b->burst = add_timer (b, 20, on_burst);
}

static void
mute_audio (Bench *b)
{
  sh_media_room_set_forwarding (b->room, PUBLISHER, "audio", FALSE);
}

static void
unmute_audio (Bench *b)
{
  sh_media_room_set_forwarding (b->room, PUBLISHER, "audio", TRUE);
}

static void
lose_video (Bench *b)
{
  b->pub.skip = N_SKIPPED;
}

static void
mark_twcc (Bench *b)
{
  b->pub.twcc_mark = b->pub.transport_seq;
  snapshot (b);
}

/* ------------------------------------------------------------- checks */

static gboolean
connected (const Bench *b)
{
  return b->p.state == SH_PEER_STATE_CONNECTED && b->s.state == SH_PEER_STATE_CONNECTED;
}

static gboolean
forwarding (const Bench *b)
{
  return b->s.video.packets >= 30 && b->s.audio.packets >= 50;
}

static gboolean
all_dropped (const Bench *b)
{
  return b->s.n_dropped == N_DROPPED;
}

static gboolean
all_recovered (const Bench *b)
{
  return b->s.n_recovered == b->s.n_dropped;
}

static gboolean
pli_arrived (const Bench *b)
{
  return b->p.plis > 0 && b->p.pli_at[(b->p.plis - 1) % PLI_RING] >= b->s.pli_sent_us;
}

static gboolean
all_nacked (const Bench *b)
{
  guint n = 0;

  for (guint i = 0; i < b->p.n_lost; i++)
    n += b->p.lost[i].nacked;
  return b->p.n_lost == N_SKIPPED && n == N_SKIPPED;
}

static gboolean
lost_forwarded (const Bench *b)
{
  return b->lost_seen == N_SKIPPED;
}

static gboolean
twcc_covered (const Bench *b)
{
  return b->twcc_missing == 0;
}

static gboolean
sender_reports (const Bench *b)
{
  return b->s.video.srs >= 2 && b->s.audio.srs >= 2;
}

static guint64 audio_mark;

static gboolean
audio_resumed (const Bench *b)
{
  return b->s.audio.packets >= audio_mark + 10;
}

static void
check_stream (const RxStream *st, guint8 pt)
{
  g_assert_cmpuint (st->ssrc, !=, 0);
  g_assert_cmpuint (st->pt, ==, pt);
  g_assert_cmpuint (st->wrong_pt, ==, 0);
  g_assert_cmpuint (st->extensions, ==, 0);
  g_assert_cmpuint (st->gaps, ==, 0);
}

/* 1. Both streams arrive under the room's SSRCs and payload types, with
 *    continuous sequence numbers and no header extensions; video starts
 *    with a keyframe. */
static void
check_forwarding (Bench *b)
{
  const Publisher *p = &b->p;
  const Subscriber *s = &b->s;

  g_assert_true (wait_for (b, forwarding, 10000));
  check_stream (&s->video, VIDEO_PT);
  check_stream (&s->audio, AUDIO_PT);
  g_assert_cmpuint (s->rtx_pt, ==, RTX_PT);
  g_assert_cmpuint (s->rtx_ssrc, !=, 0);
  g_assert_cmpuint (s->video.ssrc, !=, p->video_ssrc);
  g_assert_cmpuint (s->audio.ssrc, !=, p->audio_ssrc);
  g_assert_cmpuint (s->rtx_ssrc, !=, s->video.ssrc);
  g_assert_cmpuint (s->unknown, ==, 0);
  g_assert_true (s->video.first_keyframe);
}

/* 2. Every 10th video packet is dropped and NACKed: RTX brings it back. */
static void
check_loss_recovery (Bench *b)
{
  const Subscriber *s = &b->s;

  on_worker (b, start_dropping);
  g_assert_true (wait_for (b, all_dropped, 8000));
  on_worker (b, stop_dropping);
  wait_for (b, all_recovered, 3000);
  g_test_message ("RTX: %u of %u dropped packets recovered", s->n_recovered, s->n_dropped);
  g_assert_cmpuint (s->n_recovered * 10, >=, s->n_dropped * 9);
  g_assert_cmpuint (s->rtx_wrong_pt, ==, 0);
  g_assert_cmpuint (s->rtx_unexpected, ==, 0);
  g_assert_cmpuint (s->rtx_wrong_payload, ==, 0);
  g_assert_cmpuint (b->stats.retransmitted, >=, s->n_recovered);
}

static guint
plis_between (const Publisher *p, gint64 from, gint64 to)
{
  guint n = 0;

  for (guint64 i = p->plis > PLI_RING ? p->plis - PLI_RING : 0; i < p->plis; i++)
    n += p->pli_at[i % PLI_RING] >= from && p->pli_at[i % PLI_RING] <= to;
  return n;
}

/* 3. A subscriber's PLI reaches the publisher within a second; a burst
 *    is rate-limited. */
static void
check_keyframe_requests (Bench *b)
{
  const Publisher *p = &b->p;
  guint n;

  on_worker (b, pli_once);
  g_assert_true (wait_for (b, pli_arrived, 2000));
  g_assert_cmpint (p->pli_at[(p->plis - 1) % PLI_RING] - b->s.pli_sent_us, <, G_USEC_PER_SEC);
  /* Past the limiter's interval, so that the burst starts afresh. */
  g_usleep (600 * G_TIME_SPAN_MILLISECOND);
  on_worker (b, pli_burst);
  pause_then_snapshot (b, 1300);
  n = plis_between (p, b->s.burst_us, b->s.burst_us + G_USEC_PER_SEC);
  g_test_message ("a burst of %d PLIs: %u at the publisher within 1 s", N_BURST, n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, 2);
  g_assert_cmpuint (p->pli_wrong_ssrc, ==, 0);
  g_assert_cmpuint (b->s.video.keyframes, >=, 2);
}

/* 7. Muted audio stops at the subscriber while video goes on, and resumes
 *    without a gap in its sequence numbers. */
static void
check_mute (Bench *b)
{
  guint64 audio, video, blocked;

  on_worker (b, mute_audio);
  pause_then_snapshot (b, 300); /* what was on its way */
  audio = b->s.audio.packets;
  video = b->s.video.packets;
  blocked = b->stats.blocked_packets;
  pause_then_snapshot (b, 700);
  g_assert_cmpuint (b->s.audio.packets, ==, audio);
  g_assert_cmpuint (b->s.video.packets, >=, video + 10);
  g_assert_cmpuint (b->stats.blocked_packets, >=, blocked + 20);
  audio_mark = b->s.audio.packets;
  on_worker (b, unmute_audio);
  g_assert_true (wait_for (b, audio_resumed, 3000));
  g_assert_cmpuint (b->s.audio.gaps, ==, 0);
  g_assert_cmpuint (b->s.video.gaps, ==, 0);
}

/* 4. Packets the publisher loses are NACKed to it; its RTX answer goes
 *    through the room to the subscriber. */
static void
check_publisher_nacks (Bench *b)
{
  on_worker (b, lose_video);
  g_assert_true (wait_for (b, all_nacked, 3000));
  g_assert_cmpuint (b->p.nack_wrong_ssrc, ==, 0);
  g_assert_true (wait_for (b, lost_forwarded, 3000));
  g_assert_cmpuint (b->stats.nacks_sent, >=, 1);
}

/* 5. Transport-wide feedback reports every packet sent as received. */
static void
check_transport_feedback (Bench *b)
{
  on_worker (b, mark_twcc);
  g_assert_cmpuint (b->p.twcc_mark, >, 100);
  g_assert_true (wait_for (b, twcc_covered, 3000));
  g_assert_cmpuint (b->p.twcc_feedbacks, >, 0);
}

/* 6. Sender reports for both forwarded streams, mapping the wall clock to
 *    their RTP time as the publisher's did (lip sync). */
static void
check_sender_reports (Bench *b)
{
  g_assert_true (wait_for (b, sender_reports, 4000));
  g_test_message ("SR lip-sync error: video %" G_GINT64_FORMAT " us, audio %" G_GINT64_FORMAT " us",
                  b->s.video.sr_error_us, b->s.audio.sr_error_us);
  g_assert_cmpint (b->s.video.sr_error_us, <, 50 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (b->s.audio.sr_error_us, <, 50 * G_TIME_SPAN_MILLISECOND);
}

static void
test_packet_path (void)
{
  Bench *b = g_new0 (Bench, 1);

  b->pub.audio_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.video_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.rtx_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.audio_seq = (guint16) g_random_int ();
  b->pub.video_seq = (guint16) g_random_int ();
  b->pub.rtx_seq = (guint16) g_random_int ();
  b->pub.audio_ts0 = b->sub.audio.ts0 = g_random_int ();
  b->pub.video_ts0 = b->sub.video.ts0 = g_random_int ();
  b->sub.audio.rate = 48000;
  b->sub.video.rate = 90000;
  b->pub.real0 = g_get_real_time ();
  b->pub.keyframe_wanted = TRUE;
  b->sub.report_ssrc = g_random_int_range (1, G_MAXINT32);
  b->sub.candidates = g_ptr_array_new_with_free_func (g_free);

  on_worker (b, setup);
  g_assert_no_error (b->error);
  on_worker (b, snapshot);
  /* The publisher's offer (sh_peer_create_offer) names the transport-wide
   * extension and the room's answer keeps it. */
  g_assert_cmpuint (b->p.transport_cc_id, !=, 0);
  g_assert_cmpuint (b->p.video_pt, ==, VIDEO_PT);
  g_assert_cmpuint (b->p.rtx_pt, ==, RTX_PT);
  g_assert_cmpuint (b->p.audio_pt, ==, AUDIO_PT);
  g_assert_true (wait_for (b, connected, 10000));

  check_forwarding (b);
  check_loss_recovery (b);
  check_keyframe_requests (b);
  check_mute (b);
  check_publisher_nacks (b);
  check_transport_feedback (b);
  check_sender_reports (b);
  g_assert_cmpuint (b->room_received, >, 0);
  g_assert_cmpuint (b->stats.forwarded_packets, >, 0);
  g_assert_cmpuint (b->stats.keyframe_requests, >=, 2);

  on_worker (b, teardown);
  g_ptr_array_unref (b->sub.candidates);
  g_free (b);
}

int
main (int argc, char **argv)
{
  static const char *const listen[] = { "127.0.0.1", NULL };
  ShMediaEngineConfig config = { .n_workers = 1, .listen_addresses = listen };
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  engine = sh_media_engine_new (&config, &error);
  g_assert_no_error (error);
  g_test_add_func ("/sfu-track/packet-path", test_packet_path);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
