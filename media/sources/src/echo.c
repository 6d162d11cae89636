/* The echo service: what a browser sends comes back to it through the
 * server's whole media path (ICE, DTLS, SRTP both ways), under the server's
 * own SSRCs, with keyframe requests and NACKs passed back to the browser's
 * sender. A receive-only offer gets the test picture and tone instead.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-media-sources.h"

#include "pattern-source.h"
#include "rtcp.h"
#include "rtp.h"

#define STATS_INTERVAL_MS 1000
/* Until the first keyframe comes back, ask for one this often. */
#define KEYFRAME_RETRY_MS 1000
#define MAX_NACKS 64

typedef struct {
  ShPeerMedia *media;  /* borrowed from the peer */
  guint32 remote_ssrc; /* the browser's primary stream, 0 until seen */
  guint32 remote_rtx_ssrc;
  gboolean keyframe_seen;
} Track;

struct _ShEcho {
  ShPeer *peer;
  ShEchoCallbacks callbacks;
  gpointer user_data;
  GMainContext *context;
  Track audio, video;
  ShPatternSource *pattern;
  guint stats_source;
  guint keyframe_source;
  guint64 last_rx_bytes, last_tx_bytes;
  guint8 pattern_buffer[SH_PEER_PACKET_CAPACITY];
  guint8 rtcp_out[1500];
};

static Track *
track_for_payload (ShEcho *echo, guint8 pt, gboolean *is_rtx)
{
  Track *tracks[] = { &echo->audio, &echo->video };

  for (gsize i = 0; i < G_N_ELEMENTS (tracks); i++) {
    ShPeerMedia *m = tracks[i]->media;
    if (!m)
      continue;
    if (m->payload_type == pt || (m->rtx_payload_type && m->rtx_payload_type == pt)) {
      *is_rtx = m->rtx_payload_type && m->rtx_payload_type == pt;
      return tracks[i];
    }
  }
  return NULL;
}

static Track *
track_for_local_ssrc (ShEcho *echo, guint32 ssrc)
{
  if (echo->video.media && echo->video.media->local_ssrc == ssrc)
    return &echo->video;
  if (echo->audio.media && echo->audio.media->local_ssrc == ssrc)
    return &echo->audio;
  return NULL;
}

/* Asks the browser's sender for a keyframe of its video. */
static void
request_keyframe (ShEcho *echo)
{
  int n;

  if (!echo->video.remote_ssrc || !echo->video.media)
    return;
  n = sh_rtcp_write_pli (echo->rtcp_out, sizeof echo->rtcp_out - SH_PEER_TRAILER_ROOM,
                         echo->video.media->local_ssrc, echo->video.remote_ssrc);
  if (n > 0)
    sh_peer_send_rtcp (echo->peer, echo->rtcp_out, (gsize) n, sizeof echo->rtcp_out);
}

static gboolean
on_keyframe_retry (gpointer user_data)
{
  ShEcho *echo = user_data;

  if (echo->video.keyframe_seen || !echo->video.media)
    return G_SOURCE_CONTINUE;
  request_keyframe (echo);
  return G_SOURCE_CONTINUE;
}

static void
on_rtp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  ShEcho *echo = user_data;
  ShRtpView view;
  gboolean is_rtx = FALSE;
  Track *track;

  if (sh_rtp_parse (&view, buf, len) != SH_RTP_OK)
    return;
  track = track_for_payload (echo, view.payload_type, &is_rtx);
  if (!track || !track->media->sends)
    return;
  if (is_rtx) {
    track->remote_rtx_ssrc = view.ssrc;
  } else if (track->remote_ssrc != view.ssrc) {
    /* A new sender stream (first packet, or the camera changed). */
    track->remote_ssrc = view.ssrc;
    track->keyframe_seen = FALSE;
    if (track == &echo->video)
      request_keyframe (echo);
  }
  if (!is_rtx && !track->keyframe_seen && track == &echo->video)
    track->keyframe_seen = sh_rtp_is_keyframe (&view, track->media->codec);
  if (is_rtx && !track->media->local_rtx_ssrc)
    return;
  sh_rtp_set_ssrc (buf, len, is_rtx ? track->media->local_rtx_ssrc : track->media->local_ssrc);
  sh_peer_send_rtp (echo->peer, buf, len, SH_PEER_PACKET_CAPACITY);
}

/* Feedback about the server's streams is about the browser's own: turn it
 * around so that the browser's sender reacts to what its receiver saw. */
static void
reflect_feedback (ShEcho *echo, const ShRtcpFb *fb, const guint8 *fb_packet, gsize packet_len,
                  ShRtcpCompound *out)
{
  Track *track = track_for_local_ssrc (echo, fb->media_ssrc);
  gsize room;
  guint8 *at;

  if (!track || !track->remote_ssrc)
    return;
  if (fb->type == SH_RTCP_PSFB && sh_rtcp_fb_is_pli (fb)) {
    at = sh_rtcp_compound_space (out, &room);
    sh_rtcp_compound_commit (out, sh_rtcp_write_pli (at, room, fb->media_ssrc, track->remote_ssrc));
  } else if (fb->type == SH_RTCP_RTPFB && fb->fmt == SH_RTCP_FMT_TWCC) {
    /* Transport-wide feedback counts the browser's own transport sequence
     * numbers (the echo keeps them): returned as is, it tells the browser's
     * bandwidth estimator about the whole round trip. */
    at = sh_rtcp_compound_space (out, &room);
    if (room >= packet_len) {
      memcpy (at, fb_packet, packet_len);
      at[8] = track->remote_ssrc >> 24, at[9] = track->remote_ssrc >> 16;
      at[10] = track->remote_ssrc >> 8, at[11] = track->remote_ssrc;
      sh_rtcp_compound_commit (out, (int) packet_len);
    }
  } else if (fb->type == SH_RTCP_RTPFB && fb->fmt == SH_RTCP_FMT_NACK) {
    ShRtcpNackEntry entries[MAX_NACKS];
    int n = sh_rtcp_parse_nack (fb, entries, G_N_ELEMENTS (entries));

    if (n > 0) {
      at = sh_rtcp_compound_space (out, &room);
      sh_rtcp_compound_commit (out, sh_rtcp_write_nack (at, room, fb->media_ssrc,
                                                        track->remote_ssrc, entries,
                                                        MIN ((guint) n, G_N_ELEMENTS (entries))));
    }
  }
}

static void
on_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  ShEcho *echo = user_data;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpCompound out;
  gboolean pattern_keyframe = FALSE;
  gsize room;
  guint8 *at;
  ShRtcpRr rr = { 0 };
  int n;

  /* A full compound starts with a report: an empty RR from the stream the
   * feedback is sent for. */
  sh_rtcp_compound_init (&out, echo->rtcp_out, sizeof echo->rtcp_out - SH_PEER_TRAILER_ROOM, FALSE);
  rr.ssrc = echo->video.media ? echo->video.media->local_ssrc
                              : (echo->audio.media ? echo->audio.media->local_ssrc : 1);
  at = sh_rtcp_compound_space (&out, &room);
  sh_rtcp_compound_commit (&out, sh_rtcp_write_rr (at, room, &rr));
  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    ShRtcpFb fb;
    ShRtcpSr sr;

    if (packet.type == SH_RTCP_SR && sh_rtcp_parse_sr (&packet, &sr) == SH_RTCP_OK) {
      /* The browser's sender report, under the server's SSRC, keeps its
       * audio and video in sync on the way back. */
      Track *t = echo->video.remote_ssrc == sr.ssrc   ? &echo->video
                 : echo->audio.remote_ssrc == sr.ssrc ? &echo->audio
                                                      : NULL;
      if (t && t->media->local_ssrc) {
        sr.ssrc = t->media->local_ssrc;
        sr.n_reports = 0;
        at = sh_rtcp_compound_space (&out, &room);
        sh_rtcp_compound_commit (&out, sh_rtcp_write_sr (at, room, &sr));
      }
      continue;
    }
    if ((packet.type != SH_RTCP_PSFB && packet.type != SH_RTCP_RTPFB)
        || sh_rtcp_parse_fb (&packet, &fb) != SH_RTCP_OK)
      continue;
    if (echo->pattern) {
      pattern_keyframe
          = pattern_keyframe
            || (fb.type == SH_RTCP_PSFB && (sh_rtcp_fb_is_pli (&fb) || fb.fmt == SH_RTCP_FMT_FIR));
      continue;
    }
    reflect_feedback (echo, &fb, packet.data, packet.len, &out);
  }
  if (pattern_keyframe)
    sh_pattern_source_request_keyframe (echo->pattern);
  n = sh_rtcp_compound_finish (&out);
  /* More than the leading RR: something to send. */
  if (n > 8 && !echo->pattern)
    sh_peer_send_rtcp (echo->peer, echo->rtcp_out, (gsize) n, sizeof echo->rtcp_out);
}

static void
on_pattern_packet (const guint8 *rtp, gsize len, gboolean is_video, gpointer user_data)
{
  ShEcho *echo = user_data;

  if (len + SH_PEER_TRAILER_ROOM > sizeof echo->pattern_buffer)
    return;
  memcpy (echo->pattern_buffer, rtp, len);
  sh_peer_send_rtp (echo->peer, echo->pattern_buffer, len, sizeof echo->pattern_buffer);
}

static void
on_local_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  ShEcho *echo = user_data;

  if (echo->callbacks.local_candidate)
    echo->callbacks.local_candidate (echo, candidate, echo->user_data);
}

static gboolean
on_stats (gpointer user_data)
{
  ShEcho *echo = user_data;
  ShPeerInfo info;
  guint64 rx_bps, tx_bps;

  sh_peer_get_info (echo->peer, &info);
  rx_bps = (info.rx_bytes - echo->last_rx_bytes) * 8 * 1000 / STATS_INTERVAL_MS;
  tx_bps = (info.tx_bytes - echo->last_tx_bytes) * 8 * 1000 / STATS_INTERVAL_MS;
  echo->last_rx_bytes = info.rx_bytes;
  echo->last_tx_bytes = info.tx_bytes;
  if (echo->callbacks.stats && info.state == SH_PEER_STATE_CONNECTED)
    echo->callbacks.stats (echo, &info, rx_bps, tx_bps, echo->user_data);
  return G_SOURCE_CONTINUE;
}

static void
start_pattern (ShEcho *echo)
{
  g_autoptr (GError) error = NULL;
  ShPatternSourceConfig config = { 0 };
  ShPeerMedia *v = echo->video.media;
  ShPeerMedia *a = echo->audio.media;

  /* The test picture is VP8 only: a browser that took H.264 alone gets
   * the tone without a picture. */
  if (v && v->sends && !v->receives && g_ascii_strcasecmp (v->codec, "VP8") == 0) {
    config.video_pt = v->payload_type;
    config.video_ssrc = v->local_ssrc;
  }
  if (a && a->sends && !a->receives && g_ascii_strcasecmp (a->codec, "opus") == 0) {
    config.audio_pt = a->payload_type;
    config.audio_ssrc = a->local_ssrc;
  }
  if (!config.video_pt && !config.audio_pt)
    return;
  echo->pattern = sh_pattern_source_new (echo->context, &config, on_pattern_packet, echo, &error);
  if (!echo->pattern)
    g_warning ("echo: no test picture and tone: %s", error->message);
}

static void
on_state (ShPeer *peer, ShPeerState state, gpointer user_data)
{
  ShEcho *echo = user_data;
  ShPeerInfo info;

  if (state == SH_PEER_STATE_CONNECTED && !echo->pattern)
    start_pattern (echo);
  if (state == SH_PEER_STATE_CONNECTED && !echo->stats_source) {
    GSource *s = g_timeout_source_new (STATS_INTERVAL_MS);
    g_source_set_callback (s, on_stats, echo, NULL);
    echo->stats_source = g_source_attach (s, echo->context);
    g_source_unref (s);
    s = g_timeout_source_new (KEYFRAME_RETRY_MS);
    g_source_set_callback (s, on_keyframe_retry, echo, NULL);
    echo->keyframe_source = g_source_attach (s, echo->context);
    g_source_unref (s);
  }
  sh_peer_get_info (peer, &info);
  if (echo->callbacks.state_changed)
    echo->callbacks.state_changed (echo, &info, echo->user_data);
}

ShEcho *
sh_echo_new (ShMediaEngine *engine, guint worker, const ShEchoCallbacks *callbacks,
             gpointer user_data, GError **error)
{
  static const ShPeerCallbacks peer_callbacks = {
    .local_candidate = on_local_candidate,
    .state_changed = on_state,
    .rtp = on_rtp,
    .rtcp = on_rtcp,
  };
  g_autoptr (ShEcho) echo = g_new0 (ShEcho, 1);

  echo->callbacks = *callbacks;
  echo->user_data = user_data;
  echo->context = sh_media_workers_context (sh_media_engine_workers (engine), worker);
  echo->peer = sh_peer_new (engine, worker, FALSE, &peer_callbacks, echo, error);
  if (!echo->peer)
    return NULL;
  return g_steal_pointer (&echo);
}

char *
sh_echo_accept_offer (ShEcho *echo, const char *offer, GError **error)
{
  char *answer
      = sh_peer_accept_offer (echo->peer, offer, SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND,
                              SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND, error);
  GPtrArray *media = sh_peer_get_media (echo->peer);

  /* The first section of each kind is the one echoed; a renegotiation
   * replaces the sections. */
  echo->audio.media = echo->video.media = NULL;
  for (guint i = 0; answer && i < media->len; i++) {
    ShPeerMedia *m = g_ptr_array_index (media, i);
    Track *t = g_str_equal (m->kind, "video") ? &echo->video : &echo->audio;
    if (!t->media && m->codec)
      t->media = m;
  }
  return answer;
}

gboolean
sh_echo_add_remote_candidate (ShEcho *echo, const char *candidate, GError **error)
{
  return sh_peer_add_remote_candidate (echo->peer, candidate, error);
}

static void
remove_source (guint *id, GMainContext *context)
{
  GSource *s;

  if (!*id)
    return;
  s = g_main_context_find_source_by_id (context, *id);
  if (s)
    g_source_destroy (s);
  *id = 0;
}

void
sh_echo_free (ShEcho *echo)
{
  if (!echo)
    return;
  remove_source (&echo->stats_source, echo->context);
  remove_source (&echo->keyframe_source, echo->context);
  g_clear_pointer (&echo->pattern, sh_pattern_source_free);
  g_clear_pointer (&echo->peer, sh_peer_free);
  g_free (echo);
}
