/* The bench of the room's packet path tests: see sfu-fixture.h.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-fixture-private.h"

#include <string.h>

#include "rtp-stats.h"
#include "rtp.h"
#include "sdp.h"

#define PACE_MS 5

static GSource *
add_timer (SfuBench *b, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, b, NULL);
  g_source_attach (source, sh_media_workers_context (sh_media_engine_workers (b->engine), 0));
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

/* ----------------------------------------------------------- subscriber */

static void
send_feedback (SfuBench *b, gsize fb_len)
{
  SfuSubscriber *s = &b->sub;

  g_assert_cmpuint (fb_len, >, 0);
  sh_peer_send_rtcp (s->peer, b->buf, fb_len, sizeof b->buf);
}

/* The compound starts with an empty RR (RFC 3550 6.1). */
static gsize
write_rr (SfuBench *b)
{
  ShRtcpRr rr = { .ssrc = b->sub.report_ssrc };
  int n = sh_rtcp_write_rr (b->buf, FEEDBACK_CAP, &rr);

  g_assert_cmpint (n, >, 0);
  return (gsize) n;
}

void
sfu_bench_send_nack (SfuBench *b, guint32 media_ssrc, const ShRtcpNackEntry *entries, guint n)
{
  gsize rr = write_rr (b);
  int len = sh_rtcp_write_nack (b->buf + rr, FEEDBACK_CAP - rr, b->sub.report_ssrc, media_ssrc,
                                entries, n);

  send_feedback (b, rr + (gsize) MAX (len, 0));
}

/* A NACK for the packet dropped, and with more entries for the 16 packets
 * after it and after those (the tail of a burst loss). */
static void
nack_dropped (SfuBench *b, guint16 seq)
{
  ShRtcpNackEntry entries[32] = { { seq, 0 } };
  guint n = CLAMP (b->sub.nack_entries, 1, G_N_ELEMENTS (entries));

  for (guint i = 0; n > 1 && i < n; i++)
    entries[i] = (ShRtcpNackEntry){ (guint16) (seq + 17 * i), 0xffff };
  sfu_bench_send_nack (b, b->sub.video.ssrc, entries, n);
}

void
sfu_bench_send_pli (SfuBench *b)
{
  gsize rr = write_rr (b);
  int n = sh_rtcp_write_pli (b->buf + rr, FEEDBACK_CAP - rr, b->sub.report_ssrc, b->sub.video.ssrc);

  send_feedback (b, rr + (gsize) MAX (n, 0));
}

static void
on_rx_media (SfuBench *b, SfuRxStream *st, const ShRtpView *view)
{
  SfuSubscriber *s = &b->sub;
  gboolean video = st == &s->video;
  const guint8 *mark;
  guint16 src_seq;
  ShVp8Descriptor vp8;

  if (view->payload_len < SFU_MARK_LEN)
    return;
  mark = sh_rtp_view_payload (view) + view->payload_len - SFU_MARK_LEN;
  src_seq = (guint16) (mark[0] << 8 | mark[1]);
  if (st->started && sh_rtp_seq_diff (view->seq, st->last_seq) != 1)
    st->gaps++;
  if (!st->started || sh_rtp_seq_newer (view->seq, st->last_seq))
    st->last_seq = view->seq;
  st->started = TRUE;
  if (video && s->dropping && ++s->drop_count % SFU_DROP_EVERY == 0
      && s->n_dropped < SFU_N_DROPPED) {
    s->dropped[s->n_dropped] = view->seq;
    s->dropped_src[s->n_dropped++] = src_seq;
    nack_dropped (b, view->seq);
    return;
  }
  st->wrong_pt += view->payload_type != st->pt;
  st->extensions += view->extension;
  st->ts_offset = view->timestamp - sfu_get32 (mark + 2);
  if (video) {
    gboolean key = sh_vp8_parse (&vp8, sh_rtp_view_payload (view), view->payload_len - SFU_MARK_LEN)
                   && vp8.keyframe;
    if (st->packets == 0)
      st->first_keyframe = key;
    st->keyframes += key;
    sfu_set_bit (b->src_seen, src_seq);
  }
  st->packets++;
}

static void
on_rx_rtx (SfuBench *b, const ShRtpView *view)
{
  SfuSubscriber *s = &b->sub;
  const guint8 *mark;
  guint16 osn;
  guint i;

  s->rtx++;
  s->rtx_wrong_pt += view->payload_type != s->rtx_pt;
  if (view->payload_len < 2 + SFU_MARK_LEN || !sh_rtp_rtx_osn (view, &osn))
    return;
  mark = sh_rtp_view_payload (view) + view->payload_len - SFU_MARK_LEN;
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
  SfuBench *b = data;
  SfuSubscriber *s = &b->sub;
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
on_rx_sr (SfuBench *b, SfuRxStream *st, const ShRtcpSr *sr)
{
  gint64 at = sh_ntp_to_unix_us (sr->ntp_timestamp);
  guint32 expected = sfu_source_ts (&b->pub, st->ts0, st->rate, at) + st->ts_offset;
  gint64 error_us
      = ABS ((gint64) (gint32) (sr->rtp_timestamp - expected)) * G_USEC_PER_SEC / (gint64) st->rate;

  st->srs++;
  st->sr_error_us = MAX (st->sr_error_us, error_us);
}

static void
on_sub_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer data)
{
  SfuBench *b = data;
  SfuSubscriber *s = &b->sub;
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
  SfuBench *b = data;
  SfuSubscriber *s = &b->sub;
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
    SfuRxStream *st = g_str_equal (m->kind, "video") ? &s->video : &s->audio;

    /* The offer's a=ssrc lines, the FID group's for video. */
    st->ssrc = m->remote_ssrc;
    st->pt = m->payload_type;
    if (st == &s->video) {
      s->rtx_ssrc = m->remote_rtx_ssrc;
      s->rtx_pt = m->rtx_payload_type;
    }
  }
  if (!sh_media_room_subscribe_answer (b->room, SFU_SUBSCRIBER, answer, &b->error))
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
  SfuBench *b = data;

  if (participant == SFU_PUBLISHER && leg == SH_MEDIA_LEG_PUBLISH)
    sh_peer_add_remote_candidate (b->pub.peer, candidate, NULL);
  else if (participant == SFU_SUBSCRIBER && leg == SH_MEDIA_LEG_SUBSCRIBE && b->sub.answered)
    sh_peer_add_remote_candidate (b->sub.peer, candidate, NULL);
  else if (participant == SFU_SUBSCRIBER && leg == SH_MEDIA_LEG_SUBSCRIBE)
    g_ptr_array_add (b->sub.candidates, g_strdup (candidate));
}

static void
on_room_offer (ShMediaRoom *room, guint64 participant, const char *sdp, gpointer data)
{
  SfuBench *b = data;

  g_assert_cmpuint (participant, ==, SFU_SUBSCRIBER);
  g_free (b->sub.offer);
  b->sub.offer = g_strdup (sdp);
  if (!b->answer) {
    b->answer = g_idle_source_new ();
    g_source_set_callback (b->answer, answer_offer, b, NULL);
    g_source_attach (b->answer, sh_media_workers_context (sh_media_engine_workers (b->engine), 0));
  }
}

static void
on_client_candidate (ShPeer *peer, const char *candidate, gpointer data)
{
  SfuBench *b = data;
  gboolean pub = peer == b->pub.peer;

  sh_media_room_add_candidate (b->room, pub ? SFU_PUBLISHER : SFU_SUBSCRIBER,
                               pub ? SH_MEDIA_LEG_PUBLISH : SH_MEDIA_LEG_SUBSCRIBE, candidate,
                               NULL);
}

static void
on_client_state (ShPeer *peer, ShPeerState state, gpointer data)
{
  SfuBench *b = data;

  *(peer == b->pub.peer ? &b->pub.state : &b->sub.state) = state;
}

/* What the room's answer negotiated for the publisher. */
static void
read_answer (SfuPublisher *p, const char *text)
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
on_room_camera (ShMediaRoom *room, guint64 participant, gboolean live, gpointer data)
{
  SfuBench *b = data;

  g_assert_cmpuint (participant, ==, SFU_PUBLISHER);
  g_atomic_int_set (&b->camera_live, live);
  g_atomic_int_inc (&b->camera_calls);
}

static void
setup (SfuBench *b)
{
  static const ShMediaRoomCallbacks room_callbacks = { .candidate = on_room_candidate,
                                                       .subscribe_offer = on_room_offer,
                                                       .camera = on_room_camera };
  static const ShPeerCallbacks pub_callbacks = { .local_candidate = on_client_candidate,
                                                 .state_changed = on_client_state,
                                                 .rtcp = sfu_publisher_rtcp };
  static const ShPeerCallbacks sub_callbacks = { .local_candidate = on_client_candidate,
                                                 .state_changed = on_client_state,
                                                 .rtp = on_sub_rtp,
                                                 .rtcp = on_sub_rtcp };
  SfuPublisher *p = &b->pub;
  SfuSubscriber *s = &b->sub;
  const ShPeerOfferSection sections[] = {
    { "audio", "0", TRUE, p->audio_ssrc, 0, "pub", "pub-mic", "opus" },
    { "video", "1", TRUE, p->video_ssrc, p->rtx_ssrc, "pub", "pub-cam", "VP8" },
  };
  g_autofree char *offer = NULL;
  g_autofree char *answer = NULL;

  b->room = sh_media_room_new (b->engine, 0, &room_callbacks, b);
  if (!sh_media_room_join (b->room, SFU_PUBLISHER, &b->error)
      || !sh_media_room_join (b->room, SFU_SUBSCRIBER, &b->error))
    return;
  if (b->prepare)
    b->prepare (b);
  s->peer = sh_peer_new (b->engine, 0, FALSE, &sub_callbacks, b, &b->error);
  p->peer = s->peer ? sh_peer_new (b->engine, 0, TRUE, &pub_callbacks, b, &b->error) : NULL;
  if (!p->peer)
    return;
  /* Clients of the server are the DTLS client on both legs. */
  sh_peer_set_dtls_active (s->peer, TRUE);
  sh_peer_set_dtls_active (p->peer, TRUE);
  offer = sh_peer_create_offer (p->peer, sections, G_N_ELEMENTS (sections), &b->error);
  answer = offer ? sh_media_room_publish (b->room, SFU_PUBLISHER, offer, &b->error) : NULL;
  if (!answer || !sh_peer_apply_answer (p->peer, answer, &b->error))
    return;
  read_answer (p, answer);
  b->pace = add_timer (b, PACE_MS, sfu_publisher_pace);
  b->reports = add_timer (b, 1000, sfu_publisher_reports);
}

static void
teardown (SfuBench *b)
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
  SfuBench *b = data;

  b->call (b);
  g_atomic_int_set (&b->done, 1);
  return G_SOURCE_REMOVE;
}

void
sfu_bench_run (SfuBench *b, void (*call) (SfuBench *b))
{
  b->call = call;
  media_fixture_run (b->engine, call_on_worker, b, &b->done);
}

void
sfu_bench_snapshot (SfuBench *b)
{
  b->p = b->pub;
  b->s = b->sub;
  b->twcc_missing = b->lost_seen = 0;
  for (guint16 n = 0; n != b->pub.twcc_mark; n++)
    b->twcc_missing += !sfu_bit (b->twcc_seen, n);
  for (guint i = 0; i < b->pub.n_lost; i++)
    b->lost_seen += sfu_bit (b->src_seen, b->pub.lost[i].seq);
  if (b->room) {
    sh_media_room_get_stats (b->room, &b->stats);
    b->room_received = sh_media_room_received_packets (b->room, SFU_PUBLISHER);
  }
}

gboolean
sfu_bench_wait (SfuBench *b, gboolean (*done) (const SfuBench *b), guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (TRUE) {
    sfu_bench_run (b, sfu_bench_snapshot);
    g_assert_no_error (b->error);
    if (done (b))
      return TRUE;
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
}

void
sfu_bench_pause (SfuBench *b, guint ms)
{
  g_usleep (ms * G_TIME_SPAN_MILLISECOND);
  sfu_bench_run (b, sfu_bench_snapshot);
}

static gboolean
on_burst (gpointer data)
{
  SfuBench *b = data;

  sfu_bench_send_pli (b);
  if (--b->sub.burst_left > 0)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&b->burst, g_source_unref);
  return G_SOURCE_REMOVE;
}

void
sfu_bench_pli_burst (SfuBench *b, guint n)
{
  g_assert_null (b->burst);
  b->sub.burst_us = g_get_monotonic_time ();
  b->sub.burst_left = n;
  b->burst = add_timer (b, 20, on_burst);
}

static gboolean
connected (const SfuBench *b)
{
  return b->p.state == SH_PEER_STATE_CONNECTED && b->s.state == SH_PEER_STATE_CONNECTED;
}

SfuBench *
sfu_bench_new_with (ShMediaEngine *engine, void (*prepare) (SfuBench *b), gpointer user_data)
{
  SfuBench *b = g_new0 (SfuBench, 1);

  b->engine = engine;
  b->prepare = prepare;
  b->user_data = user_data;
  b->sent_audio = g_new0 (guint32, 65536);
  b->sent_video = g_new0 (guint32, 65536);
  b->pub.audio_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.video_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.rtx_ssrc = g_random_int_range (1, G_MAXINT32);
  b->pub.audio_seq = (guint16) g_random_int ();
  b->pub.video_seq = (guint16) g_random_int ();
  b->pub.rtx_seq = (guint16) g_random_int ();
  b->pub.audio_seq0 = b->pub.audio_seq;
  b->pub.video_seq0 = b->pub.video_seq;
  b->pub.audio_ts0 = b->sub.audio.ts0 = g_random_int ();
  b->pub.video_ts0 = b->sub.video.ts0 = g_random_int ();
  b->sub.audio.rate = 48000;
  b->sub.video.rate = 90000;
  b->pub.real0 = g_get_real_time ();
  b->pub.keyframe_wanted = TRUE;
  b->sub.report_ssrc = g_random_int_range (1, G_MAXINT32);
  b->sub.candidates = g_ptr_array_new_with_free_func (g_free);
  sfu_bench_run (b, setup);
  g_assert_no_error (b->error);
  g_assert_true (sfu_bench_wait (b, connected, 10000));
  return b;
}

void
sfu_bench_free (SfuBench *b)
{
  sfu_bench_run (b, teardown);
  g_ptr_array_unref (b->sub.candidates);
  g_free (b->sent_audio);
  g_free (b->sent_video);
  g_free (b);
}

SfuBench *
sfu_bench_new (ShMediaEngine *engine)
{
  return sfu_bench_new_with (engine, NULL, NULL);
}
