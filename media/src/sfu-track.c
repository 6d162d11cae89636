/* Tracks of the room: up tracks (what a publisher sends), down tracks (a
 * subscriber's copy of one), the packet path between them and the feedback
 * that flows back.  SPDX-License-Identifier: Apache-2.0 */
#include "sfu-private.h"

#include "rtcp.h"
#include "rtp.h"

#define MAX_NACK_ENTRIES 64
#define MAX_NACK_SEQS 256
#define FEEDBACK_BUFFER 1500

/* The payload types of the server's offers (peer.c). */
#define PT_OPUS 111
#define PT_VP8 96
#define PT_VP8_RTX 97
#define PT_H264 102
#define PT_H264_RTX 103

static gboolean
is_video (const UpTrack *up)
{
  return up->rewriter_codec != SH_REWRITER_AUDIO;
}

static gboolean
is_camera (const UpTrack *up)
{
  return is_video (up) && !up->screen;
}

/* ---------------------------------------------------------- down tracks */

DownTrack *
sh_room_down_new (UpTrack *up, Participant *subscriber, gint64 now)
{
  DownTrack *d = g_new0 (DownTrack, 1);
  ShPacketCacheConfig cache;
  gboolean video = is_video (up);

  d->subscriber = subscriber;
  d->up = up;
  d->mid = g_strdup_printf ("t%" G_GUINT64_FORMAT, up->id);
  d->kind = video ? "video" : "audio";
  d->codec = up->rewriter_codec == SH_REWRITER_H264  ? "H264"
             : up->rewriter_codec == SH_REWRITER_VP8 ? "VP8"
                                                     : "opus";
  d->pt = up->rewriter_codec == SH_REWRITER_H264 ? PT_H264 : video ? PT_VP8 : PT_OPUS;
  d->stream_id = g_strdup_printf ("p%" G_GUINT64_FORMAT, up->publisher->id);
  d->track_id = g_strdup_printf ("p%" G_GUINT64_FORMAT "-%s", up->publisher->id, up->mid);
  d->ssrc = g_random_int_range (1, G_MAXINT32);
  sh_rewriter_init (&d->rewriter, up->rewriter_codec, d->ssrc, up->clock_rate,
                    (guint16) g_random_int (), g_random_int ());
  /* Probes are the publisher's business with the server, not the
   * subscriber's. */
  sh_rewriter_set_drop_padding (&d->rewriter, TRUE);
  /* Only video is retransmitted: audio has no RTX stream (nor NACK in the
   * server's offer), and a late audio packet is no use anyway. */
  if (video) {
    sh_packet_cache_config_init (&cache);
    cache.n_slots = SH_PACKET_CACHE_DEFAULT_VIDEO_SLOTS;
    d->rtx_ssrc = g_random_int_range (1, G_MAXINT32);
    cache.rtx_ssrc = d->rtx_ssrc;
    cache.rtx_payload_type = up->rewriter_codec == SH_REWRITER_H264 ? PT_H264_RTX : PT_VP8_RTX;
    cache.rtx_first_seq = (guint16) g_random_int ();
    d->cache = sh_packet_cache_new (&cache);
  }
  sh_rtp_send_stats_init (&d->sent, d->ssrc);
  g_ptr_array_add (subscriber->downs, d);
  g_ptr_array_add (up->downs, d);
  sh_room_down_restart (d, now);
  return d;
}

/* The down track starts over from the up track's current source: from a
 * keyframe for video, which is asked for at once. */
void
sh_room_down_restart (DownTrack *d, gint64 now)
{
  UpTrack *up = d->up;

  if (!up || !up->src_ssrc)
    return;
  sh_rewriter_switch_source (&d->rewriter, up->src_ssrc, is_video (up));
  if (is_video (up))
    sh_keyframe_limiter_request (&up->keyframes, now);
}

void
sh_room_down_free (gpointer data)
{
  DownTrack *d = data;

  if (d->up)
    g_ptr_array_remove_fast (d->up->downs, d);
  g_clear_pointer (&d->cache, sh_packet_cache_free);
  g_free (d->mid);
  g_free (d->stream_id);
  g_free (d->track_id);
  g_free (d);
}

/* ------------------------------------------------------------ up tracks */

static ShRewriterCodec
rewriter_codec (const char *codec)
{
  if (g_ascii_strcasecmp (codec, "VP8") == 0)
    return SH_REWRITER_VP8;
  if (g_ascii_strcasecmp (codec, "H264") == 0)
    return SH_REWRITER_H264;
  return SH_REWRITER_AUDIO;
}

static UpTrack *
up_new (Participant *p, const ShPeerMedia *m)
{
  UpTrack *up = g_new0 (UpTrack, 1);

  up->publisher = p;
  up->id = ++p->room->next_track;
  up->mid = g_strdup (m->mid);
  up->kind = g_strdup (m->kind);
  up->codec = g_strdup (m->codec);
  up->rewriter_codec = rewriter_codec (m->codec);
  up->pt = m->payload_type;
  up->rtx_pt = m->rtx_payload_type;
  up->clock_rate = m->clock_rate;
  up->audio_level_id = m->audio_level_id;
  up->transport_cc_id = m->transport_cc_id;
  up->mid_id = m->mid_id;
  up->screen = g_strcmp0 (m->mid, p->screen_mid) == 0;
  up->signaled_ssrc = m->remote_ssrc;
  up->signaled_rtx_ssrc = m->remote_rtx_ssrc;
  up->allowed = g_str_equal (m->kind, "audio") ? p->audio_allowed : p->video_allowed;
  up->downs = g_ptr_array_new ();
  sh_keyframe_limiter_init (&up->keyframes, SH_KEYFRAME_LIMITER_DEFAULT_INTERVAL_US);
  if (is_video (up)) {
    ShNackGeneratorConfig config;
    sh_nack_generator_config_init (&config);
    up->nacks = sh_nack_generator_new (&config);
  }
  return up;
}

void
sh_room_up_free (gpointer data)
{
  UpTrack *up = data;

  sh_room_taps_track_removed (up->publisher->room, up);
  /* The subscribers keep the section, inactive, so that their m-lines
   * stay in order. */
  for (guint i = 0; i < up->downs->len; i++) {
    DownTrack *d = g_ptr_array_index (up->downs, i);
    d->up = NULL;
    sh_room_renegotiate (d->subscriber);
  }
  g_ptr_array_unref (up->downs);
  g_clear_pointer (&up->nacks, sh_nack_generator_free);
  g_free (up->mid);
  g_free (up->kind);
  g_free (up->codec);
  g_free (up);
}

static UpTrack *
find_up (Participant *p, const char *mid)
{
  for (guint i = 0; i < p->ups->len; i++) {
    UpTrack *up = g_ptr_array_index (p->ups, i);
    if (g_str_equal (up->mid, mid))
      return up;
  }
  return NULL;
}

static gboolean
still_published (const UpTrack *up, GPtrArray *media)
{
  for (guint i = 0; i < media->len; i++) {
    const ShPeerMedia *m = g_ptr_array_index (media, i);
    if (m->receives && g_str_equal (m->mid, up->mid) && g_strcmp0 (m->codec, up->codec) == 0)
      return TRUE;
  }
  return FALSE;
}

/* After a publish offer: one up track per section the browser sends, each
 * offered to every other participant (the caller batches the offers). */
void
sh_room_sync_up_tracks (Participant *p, gint64 now)
{
  ShMediaRoom *room = p->room;
  GPtrArray *media = sh_peer_get_media (p->publish);
  GHashTableIter iter;
  gpointer value;

  for (guint i = p->ups->len; i > 0; i--)
    if (!still_published (g_ptr_array_index (p->ups, i - 1), media))
      g_ptr_array_remove_index (p->ups, i - 1);
  for (guint i = 0; i < media->len; i++) {
    const ShPeerMedia *m = g_ptr_array_index (media, i);
    UpTrack *up;

    if (!m->receives || !m->codec)
      continue;
    up = find_up (p, m->mid);
    if (up) {
      /* A renegotiation may announce other streams for the same track. */
      up->signaled_ssrc = m->remote_ssrc;
      up->signaled_rtx_ssrc = m->remote_rtx_ssrc;
      continue;
    }
    up = up_new (p, m);
    g_ptr_array_add (p->ups, up);
    sh_room_taps_track_added (room, up);
    g_hash_table_iter_init (&iter, room->participants);
    while (g_hash_table_iter_next (&iter, NULL, &value)) {
      if (value == p)
        continue;
      sh_room_down_new (up, value, now);
      sh_room_renegotiate (value);
    }
  }
}

void
sh_room_up_set_allowed (UpTrack *up, gboolean allowed, gint64 now)
{
  gboolean was = up->allowed;

  up->allowed = allowed;
  /* Forwarding again: subscribers restart from a keyframe. */
  if (allowed && !was)
    for (guint i = 0; i < up->downs->len; i++)
      sh_room_down_restart (g_ptr_array_index (up->downs, i), now);
}

/* Sends the compound in @buf to the publisher: the empty receiver report
 * of @rr_len bytes that must lead it (RFC 3550 6.1), then @feedback_len
 * bytes of feedback; nothing when no feedback was written. */
static void
send_to_publisher (UpTrack *up, guint8 *buf, gsize cap, int feedback_len, gsize rr_len)
{
  if (feedback_len <= 0)
    return;
  sh_peer_send_rtcp (up->publisher->publish, buf, rr_len + (gsize) feedback_len, cap);
}

static gsize
write_empty_rr (ShMediaRoom *room, guint8 *buf, gsize cap)
{
  ShRtcpRr rr = { .ssrc = room->server_ssrc };
  int n = sh_rtcp_write_rr (buf, cap, &rr);

  return n > 0 ? (gsize) n : 0;
}

/* The up track's timers: NACKs for lost packets and keyframe requests that
 * the limiter held back. */
void
sh_room_up_service (UpTrack *up, gint64 now)
{
  ShMediaRoom *room = up->publisher->room;
  guint8 buf[FEEDBACK_BUFFER];
  gsize rr;
  int n;

  if (!up->publisher->publish || !up->src_ssrc)
    return;
  if (up->nacks && sh_nack_generator_n_missing (up->nacks) > 0
      && sh_nack_generator_next_due (up->nacks) <= now) {
    rr = write_empty_rr (room, buf, sizeof buf - SH_PEER_TRAILER_ROOM);
    n = sh_nack_generator_write (up->nacks, now, room->server_ssrc, up->src_ssrc, buf + rr,
                                 sizeof buf - SH_PEER_TRAILER_ROOM - rr);
    if (n > 0)
      room->stats.nacks_sent++;
    send_to_publisher (up, buf, sizeof buf, n, rr);
  }
  if (is_video (up) && sh_keyframe_limiter_due (&up->keyframes, now)) {
    rr = write_empty_rr (room, buf, sizeof buf - SH_PEER_TRAILER_ROOM);
    n = sh_keyframe_limiter_take (&up->keyframes, now, FALSE, room->server_ssrc, up->src_ssrc,
                                  buf + rr, sizeof buf - SH_PEER_TRAILER_ROOM - rr);
    if (n > 0)
      room->stats.keyframe_requests++;
    send_to_publisher (up, buf, sizeof buf, n, rr);
  }
}

void
sh_room_publisher_service (Participant *p)
{
  guint8 buf[FEEDBACK_BUFFER];
  const gsize cap = sizeof buf - SH_PEER_TRAILER_ROOM;
  UpTrack *first;
  gsize rr;
  int n;

  if (!p->twcc || !p->publish || p->ups->len == 0 || sh_twcc_recorder_pending (p->twcc) == 0)
    return;
  first = g_ptr_array_index (p->ups, 0);
  /* One feedback packet per compound; a long backlog takes a few. */
  for (int i = 0; i < 4 && sh_twcc_recorder_pending (p->twcc) > 0; i++) {
    rr = write_empty_rr (p->room, buf, cap);
    n = sh_twcc_recorder_write (p->twcc, p->room->server_ssrc, first->src_ssrc, buf + rr, cap - rr);
    if (n <= 0)
      break;
    send_to_publisher (first, buf, sizeof buf, n, rr);
  }
}

/* ------------------------------------------------------ the packet path */

/* The up track a publisher's packet belongs to. Tracks of one kind and
 * codec (a camera and a screen share) share payload types, so the SSRC
 * decides: the one learned, the ones the offer announced, then the mid
 * header extension; the payload type only when it is unambiguous. */
static UpTrack *
up_for_packet (Participant *p, const ShRtpView *view, gboolean *rtx)
{
  UpTrack *by_payload = NULL;
  guint n_by_payload = 0;

  for (guint i = 0; i < p->ups->len; i++) {
    UpTrack *up = g_ptr_array_index (p->ups, i);
    gboolean is_rtx = up->rtx_pt && up->rtx_pt == view->payload_type;

    if (up->pt != view->payload_type && !is_rtx)
      continue;
    *rtx = is_rtx;
    if (view->ssrc == (is_rtx ? up->src_rtx_ssrc : up->src_ssrc)
        || view->ssrc == (is_rtx ? up->signaled_rtx_ssrc : up->signaled_ssrc))
      return up;
    if (up->mid_id) {
      const guint8 *mid;
      gsize mid_len;
      if (sh_rtp_ext_find (view, up->mid_id, &mid, &mid_len) && mid_len == strlen (up->mid)
          && memcmp (mid, up->mid, mid_len) == 0)
        return up;
    }
    by_payload = up;
    n_by_payload++;
  }
  if (n_by_payload == 1) {
    *rtx = by_payload->rtx_pt && by_payload->rtx_pt == view->payload_type;
    return by_payload;
  }
  return NULL;
}

/* Subscribers get no header extensions: their ids belong to the publisher's
 * negotiation, and the server's offer negotiates none. */
static gsize
strip_extensions (guint8 *buf, gsize len)
{
  gsize header = 12 + (gsize) (buf[0] & 0x0f) * 4;
  gsize ext_len;

  if (!(buf[0] & 0x10) || len < header + 4)
    return len;
  ext_len = 4 + ((gsize) buf[header + 2] << 8 | buf[header + 3]) * 4;
  if (header + ext_len > len)
    return len;
  memmove (buf + header, buf + header + ext_len, len - header - ext_len);
  buf[0] &= ~0x10;
  return len - ext_len;
}

/* Learns the publisher's stream, and notes what it means for loss
 * recovery, keyframes and the active speaker. */
static void
account_packet (UpTrack *up, const ShRtpView *view, gint64 now)
{
  ShMediaRoom *room = up->publisher->room;

  if (view->ssrc != up->src_ssrc) {
    /* A new source (first packet, or the camera was switched). */
    up->src_ssrc = view->ssrc;
    sh_rtp_recv_stats_init (&up->recv, view->ssrc, up->clock_rate);
    for (guint i = 0; i < up->downs->len; i++)
      sh_room_down_restart (g_ptr_array_index (up->downs, i), now);
  }
  sh_rtp_recv_stats_update (&up->recv, view->seq, view->timestamp, view->payload_len, now);
  if (up->nacks)
    sh_nack_generator_on_packet (up->nacks, view->seq, now);
  if (is_video (up) && sh_rtp_is_keyframe (view, up->codec))
    sh_keyframe_limiter_keyframe_arrived (&up->keyframes, now);
  if (up->audio_level_id)
    sh_speaker_update_packet (room->speaker, up->publisher->speaker, view, up->audio_level_id,
                              FALSE, now);
  /* Padding alone (bandwidth probes) is not a picture. */
  if (view->payload_len > 0) {
    up->last_packet_us = now;
    if (is_camera (up) && !up->publisher->camera_live)
      sh_room_camera_service (up->publisher, now);
  }
}

void
sh_room_camera_service (Participant *p, gint64 now)
{
  ShMediaRoom *room = p->room;
  gboolean live = FALSE;

  for (guint i = 0; i < p->ups->len && !live; i++) {
    const UpTrack *up = g_ptr_array_index (p->ups, i);
    live = is_camera (up) && up->last_packet_us
           && now - up->last_packet_us < SH_MEDIA_CAMERA_IDLE_US;
  }
  if (live == p->camera_live)
    return;
  p->camera_live = live;
  if (room->callbacks.camera)
    room->callbacks.camera (room, p->id, live, room->user_data);
}

static void
fan_out (UpTrack *up, const guint8 *buf, gsize len, const ShRtpView *view, gint64 now)
{
  ShMediaRoom *room = up->publisher->room;
  gint64 wall = g_get_real_time ();

  for (guint i = 0; i < up->downs->len; i++) {
    DownTrack *d = g_ptr_array_index (up->downs, i);
    Participant *sub = d->subscriber;
    ShRewriteInfo info;
    gsize out_len;

    if (!d->negotiated || sh_peer_get_state (sub->subscribe) != SH_PEER_STATE_CONNECTED)
      continue;
    if (!sub->receive_cameras && is_video (up) && !up->screen)
      continue;
    memcpy (sub->tx, buf, len);
    if (sh_rewriter_rewrite (&d->rewriter, sub->tx, len, now, &info) != SH_REWRITE_FORWARD)
      continue;
    out_len = strip_extensions (sub->tx, len);
    sh_rtp_set_payload_type (sub->tx, out_len, d->pt);
    if (d->cache)
      sh_packet_cache_insert (d->cache, sub->tx, out_len, now);
    if (sh_peer_send_rtp (sub->subscribe, sub->tx, out_len, sizeof sub->tx)) {
      room->stats.forwarded_packets++;
      room->stats.forwarded_bytes += out_len;
      d->ts_offset = info.out_timestamp - view->timestamp;
      sh_rtp_send_stats_update (&d->sent, view->payload_len, info.out_timestamp, wall);
    }
  }
}

void
sh_room_forward_rtp (Participant *p, guint8 *buf, gsize len, gint64 now)
{
  guint8 original[SH_PEER_PACKET_CAPACITY];
  ShRtpView view;
  gboolean rtx = FALSE;
  UpTrack *up;
  int n;

  if (sh_rtp_parse (&view, buf, len) != SH_RTP_OK)
    return;
  p->received++;
  up = up_for_packet (p, &view, &rtx);
  if (!up)
    return;
  if (up->transport_cc_id) {
    guint16 transport_seq;
    if (sh_rtp_ext_transport_seq (&view, up->transport_cc_id, &transport_seq)) {
      if (!p->twcc)
        p->twcc = sh_twcc_recorder_new ();
      sh_twcc_recorder_record (p->twcc, transport_seq, now);
    }
  }
  if (rtx) {
    guint16 osn;
    /* A retransmission the server asked for: back to the original packet,
     * which then goes the usual way. */
    up->src_rtx_ssrc = view.ssrc;
    if (!up->src_ssrc || !sh_rtp_rtx_osn (&view, &osn))
      return;
    n = sh_rtp_rtx_unwrap (&view, up->src_ssrc, up->pt, original, sizeof original);
    if (n <= 0 || sh_rtp_parse (&view, original, (gsize) n) != SH_RTP_OK)
      return;
    if (up->nacks)
      sh_nack_generator_on_rtx (up->nacks, osn, now);
    buf = original;
    len = (gsize) n;
  } else {
    account_packet (up, &view, now);
  }
  if (!up->allowed) {
    p->room->stats.blocked_packets++;
    return;
  }
  sh_room_taps_rtp (p->room, up, buf, len, now);
  fan_out (up, buf, len, &view, now);
}

/* ---------------------------------------------------- subscriber feedback */

static DownTrack *
down_for_ssrc (Participant *sub, guint32 ssrc)
{
  for (guint i = 0; i < sub->downs->len; i++) {
    DownTrack *d = g_ptr_array_index (sub->downs, i);
    if (d->ssrc == ssrc)
      return d;
  }
  return NULL;
}

static void
answer_nack (DownTrack *d, const ShRtcpFb *fb, gint64 now)
{
  ShRtcpNackEntry entries[MAX_NACK_ENTRIES];
  guint16 seqs[MAX_NACK_SEQS];
  Participant *sub = d->subscriber;
  int n_entries = sh_rtcp_parse_nack (fb, entries, G_N_ELEMENTS (entries));
  guint n_seqs = 0;

  /* Audio keeps no cache: it has no RTX stream (nor NACK in the server's
   * offer). */
  if (n_entries <= 0 || !d->cache)
    return;
  /* Entry by entry: a NACK naming more than MAX_NACK_SEQS packets (the
   * expansion then fails as a whole) gets its first ones answered, not
   * none. */
  for (guint e = 0; e < MIN ((guint) n_entries, G_N_ELEMENTS (entries)); e++) {
    int n = sh_rtcp_nack_expand (&entries[e], 1, seqs + n_seqs, G_N_ELEMENTS (seqs) - n_seqs);
    if (n < 0)
      break;
    n_seqs += (guint) n;
  }
  for (guint i = 0; i < n_seqs; i++) {
    int len = sh_packet_cache_retransmit (d->cache, seqs[i], now, sub->tx,
                                          sizeof sub->tx - SH_PEER_TRAILER_ROOM);
    if (len > 0 && sh_peer_send_rtp (sub->subscribe, sub->tx, (gsize) len, sizeof sub->tx))
      sub->room->stats.retransmitted++;
  }
}

void
sh_room_subscriber_feedback (Participant *sub, const guint8 *buf, gsize len, gint64 now)
{
  ShRtcpIter iter;
  ShRtcpPacket packet;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    ShRtcpFb fb;
    DownTrack *d;

    if ((packet.type != SH_RTCP_PSFB && packet.type != SH_RTCP_RTPFB)
        || sh_rtcp_parse_fb (&packet, &fb) != SH_RTCP_OK)
      continue;
    if (fb.type == SH_RTCP_PSFB && fb.fmt == SH_RTCP_FMT_FIR) {
      ShRtcpFirEntry entry;
      /* FIR names its stream in the FCI, not in the header. */
      if (sh_rtcp_parse_fir (&fb, &entry, 1) >= 1)
        fb.media_ssrc = entry.ssrc;
    }
    d = down_for_ssrc (sub, fb.media_ssrc);
    if (!d)
      continue;
    if (fb.type == SH_RTCP_PSFB && (sh_rtcp_fb_is_pli (&fb) || fb.fmt == SH_RTCP_FMT_FIR) && d->up)
      sh_keyframe_limiter_request (&d->up->keyframes, now);
    else if (fb.type == SH_RTCP_RTPFB && fb.fmt == SH_RTCP_FMT_NACK)
      answer_nack (d, &fb, now);
  }
}
