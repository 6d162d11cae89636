/* A load bot's media, on its worker: the publish connection (the bot
 * offers, sendonly Opus + VP8) replays the capture in real time under the
 * negotiated SSRCs and payload types, jumping to the next keyframe when the
 * server asks for one, as an encoder would; the subscribe connection (the
 * server offers, the bot answers as DTLS client) counts packets per remote
 * stream and times the first VP8 keyframe of each. Nothing is decoded.
 * SPDX-License-Identifier: Apache-2.0 */
#include "loadbot.h"

#include <string.h>

#include "rtcp.h"
#include "rtp.h"
#include "sdp.h"

#define PACE_MS 5
/* Further behind than this (a stalled worker), the replay skips ahead
 * instead of bursting. */
#define MAX_LATE_US (500 * 1000)
/* Receiver reports on the subscribe connection, as browsers send them: the
 * server takes a connection that stays silent for 10 s as gone. */
#define REPORT_MS 1000

typedef struct {
  GArray *packets; /* LbPacket, borrowed from the capture */
  guint cursor;
  gint64 shift_us; /* packet i is due at start + shift + at_us */
  guint32 ssrc;
  guint8 pt;
  guint clock_rate;
  guint16 seq;
  guint32 ts_base;
} Stream;

typedef struct {
  gboolean video;
  guint64 packets;
  gint64 since_us;    /* the later meeting.joined of the bot and the publisher */
  gint64 keyframe_us; /* since_us → first keyframe; -1: none yet */
  ShRtpSeqUnwrapper seqs;
  gint64 highest_seq;
} Track;

struct _LbMedia {
  LbBot *bot;
  LbShared *shared;
  guint worker;
  gboolean publish;
  gint64 joined_us;
  ShPeer *pub, *sub;
  ShPeerState pub_state, sub_state;
  Stream audio, video;
  gint64 start_us;
  gboolean keyframe_wanted;
  guint pace_source, report_source;
  guint32 report_ssrc;
  gint64 sub_connected_us; /* joined → subscribe connection connected; -1: never */
  GHashTable *tracks;      /* ssrc → Track */
  GHashTable *owners;      /* ssrc → publisher's account id, from the offers' msid */
  guint8 vp8_pts[16];      /* bitmap of the subscribe connection's VP8 payload types */
  guint video_offered;
  guint64 rx_packets, rx_bytes, tx_packets, keyframe_requests;
  guint64 rx_mark, tx_mark, rx_end, tx_end; /* at the window's ends */
  gboolean window_closed;
  guint keyframes_jumped;
  guint8 buf[SH_PEER_PACKET_CAPACITY];
};

/* ------------------------------------------------------------ capture */

static guint64
get_le (const guint8 *p, guint n)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v |= (guint64) p[i] << (8 * i);
  return v;
}

LbCapture *
lb_capture_load (const char *path, GError **error)
{
  g_autoptr (LbCapture) capture = NULL;
  g_autofree char *contents = NULL;
  gsize size, pos = LOADBOT_CAPTURE_HEADER;
  const guint8 *data;

  if (!g_file_get_contents (path, &contents, &size, error))
    return NULL;
  if (size < LOADBOT_CAPTURE_HEADER || memcmp (contents, LOADBOT_CAPTURE_MAGIC, 8) != 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is not a capture file", path);
    return NULL;
  }
  capture = g_new0 (LbCapture, 1);
  capture->bytes = g_bytes_new_take (g_steal_pointer (&contents), size);
  data = g_bytes_get_data (capture->bytes, NULL);
  capture->duration_us = (gint64) get_le (data + 8, 8);
  capture->audio = g_array_new (FALSE, TRUE, sizeof (LbPacket));
  capture->video = g_array_new (FALSE, TRUE, sizeof (LbPacket));
  while (pos + LOADBOT_RECORD_HEADER <= size) {
    LbPacket p = { .len = (gsize) get_le (data + pos, 4),
                   .at_us = (gint64) get_le (data + pos + 4, 8),
                   .rtp = data + pos + LOADBOT_RECORD_HEADER };
    ShRtpView view;
    ShVp8Descriptor vp8;

    pos += LOADBOT_RECORD_HEADER + p.len;
    if (pos > size || p.len + SH_PEER_TRAILER_ROOM > SH_PEER_PACKET_CAPACITY
        || sh_rtp_parse (&view, p.rtp, p.len) != SH_RTP_OK) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: a bad record at byte %" G_GSIZE_FORMAT, path, pos);
      return NULL;
    }
    if (view.payload_type == LOADBOT_VIDEO_PT) {
      p.keyframe_start
          = sh_vp8_parse (&vp8, sh_rtp_view_payload (&view), view.payload_len) && vp8.keyframe;
      g_array_append_val (capture->video, p);
    } else {
      g_array_append_val (capture->audio, p);
    }
  }
  if (capture->duration_us <= 0 || capture->video->len == 0 || capture->audio->len == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s holds no audio or no video", path);
    return NULL;
  }
  return g_steal_pointer (&capture);
}

void
lb_capture_free (LbCapture *capture)
{
  if (!capture)
    return;
  g_bytes_unref (capture->bytes);
  g_array_unref (capture->audio);
  g_array_unref (capture->video);
  g_free (capture);
}

/* ------------------------------------------------------------ shared */

void
lb_shared_set_joined (LbShared *shared, gint64 account, gint64 joined_us)
{
  g_mutex_lock (&shared->lock);
  g_hash_table_insert (shared->joined_at, GSIZE_TO_POINTER ((gsize) account),
                       GSIZE_TO_POINTER ((gsize) joined_us));
  g_mutex_unlock (&shared->lock);
}

gint64
lb_shared_joined (LbShared *shared, gint64 account)
{
  gint64 at;

  g_mutex_lock (&shared->lock);
  at = (gint64) GPOINTER_TO_SIZE (
      g_hash_table_lookup (shared->joined_at, GSIZE_TO_POINTER ((gsize) account)));
  g_mutex_unlock (&shared->lock);
  return at;
}

/* ------------------------------------------------------------ sending */

static void
send_packet (LbMedia *m, Stream *s, const LbPacket *p)
{
  gint64 media_us = s->shift_us + p->at_us;
  guint32 ts = s->ts_base + (guint32) (media_us * (gint64) s->clock_rate / G_USEC_PER_SEC);

  memcpy (m->buf, p->rtp, p->len);
  sh_rtp_set_ssrc (m->buf, p->len, s->ssrc);
  sh_rtp_set_payload_type (m->buf, p->len, s->pt);
  sh_rtp_set_seq (m->buf, p->len, s->seq++);
  sh_rtp_set_timestamp (m->buf, p->len, ts);
  if (sh_peer_send_rtp (m->pub, m->buf, p->len, sizeof m->buf))
    m->tx_packets++;
}

/* What an encoder does on a keyframe request: the next frame is a
 * keyframe. The replay skips to the capture's next one and sends it now. */
static void
jump_to_keyframe (LbMedia *m, Stream *s, gint64 elapsed)
{
  GArray *packets = s->packets;
  guint i = s->cursor;

  for (guint n = 0; n < packets->len; n++, i = (i + 1) % packets->len)
    if (g_array_index (packets, LbPacket, i).keyframe_start)
      break;
  if (g_array_index (packets, LbPacket, i).keyframe_start && i != s->cursor) {
    s->cursor = i;
    s->shift_us = elapsed - g_array_index (packets, LbPacket, i).at_us;
    m->keyframes_jumped++;
  }
}

static void
pace_stream (LbMedia *m, Stream *s, gint64 elapsed)
{
  GArray *packets = s->packets;

  while (TRUE) {
    const LbPacket *p = &g_array_index (packets, LbPacket, s->cursor);
    gint64 due = s->shift_us + p->at_us;

    if (due > elapsed)
      break;
    if (elapsed - due > MAX_LATE_US)
      s->shift_us = elapsed - p->at_us;
    send_packet (m, s, p);
    if (++s->cursor == packets->len) {
      s->cursor = 0;
      s->shift_us += m->shared->capture->duration_us;
    }
  }
}

static gboolean
on_pace (gpointer user_data)
{
  LbMedia *m = user_data;
  gint64 elapsed = g_get_monotonic_time () - m->start_us;

  if (m->keyframe_wanted) {
    m->keyframe_wanted = FALSE;
    jump_to_keyframe (m, &m->video, elapsed);
  }
  pace_stream (m, &m->audio, elapsed);
  pace_stream (m, &m->video, elapsed);
  return G_SOURCE_CONTINUE;
}

/* An RR with a block per remote stream (no loss, no jitter: nothing is
 * measured) and the SDES CNAME that a compound packet needs. */
static gboolean
on_report (gpointer user_data)
{
  LbMedia *m = user_data;
  ShRtcpRr rr = { .ssrc = m->report_ssrc };
  static const guint8 cname[] = "loadbot";
  ShRtcpSdes sdes = { .n_chunks = 1, .chunks = { { m->report_ssrc, cname, sizeof cname - 1 } } };
  GHashTableIter iter;
  gpointer key, value;
  int n, more;

  g_hash_table_iter_init (&iter, m->tracks);
  while (rr.n_reports < SH_RTCP_MAX_COUNT && g_hash_table_iter_next (&iter, &key, &value)) {
    ShRtcpReportBlock *block = &rr.reports[rr.n_reports++];
    block->ssrc = GPOINTER_TO_UINT (key);
    block->ext_highest_seq = (guint32) ((Track *) value)->highest_seq;
  }
  n = sh_rtcp_write_rr (m->buf, sizeof m->buf - SH_PEER_TRAILER_ROOM, &rr);
  more = n > 0 ? sh_rtcp_write_sdes (m->buf + n, sizeof m->buf - SH_PEER_TRAILER_ROOM - n, &sdes)
               : -1;
  if (n > 0 && more > 0)
    sh_peer_send_rtcp (m->sub, m->buf, (gsize) (n + more), sizeof m->buf);
  return G_SOURCE_CONTINUE;
}

static guint
add_timer (LbMedia *m, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, func, m, NULL);
  id = g_source_attach (
      source, sh_media_workers_context (sh_media_engine_workers (m->shared->engine), m->worker));
  g_source_unref (source);
  return id;
}

static void
remove_timer (LbMedia *m, guint *id)
{
  GMainContext *context
      = sh_media_workers_context (sh_media_engine_workers (m->shared->engine), m->worker);
  GSource *source = *id ? g_main_context_find_source_by_id (context, *id) : NULL;

  if (source)
    g_source_destroy (source);
  *id = 0;
}

static void
start_pacing (LbMedia *m)
{
  if (m->pace_source)
    return;
  m->start_us = g_get_monotonic_time ();
  m->pace_source = add_timer (m, PACE_MS, on_pace);
}

/* --------------------------------------------------------- callbacks */

static void
on_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  LbMedia *m = user_data;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "leg");
  json_builder_add_string_value (b, peer == m->pub ? "publish" : "subscribe");
  json_builder_set_member_name (b, "candidate");
  if (candidate)
    json_builder_add_string_value (b, candidate);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  lb_bot_send (m->bot, "meeting.candidate", json_builder_get_root (b));
}

static void
on_state (ShPeer *peer, ShPeerState state, gpointer user_data)
{
  LbMedia *m = user_data;
  gboolean pub = peer == m->pub;

  *(pub ? &m->pub_state : &m->sub_state) = state;
  if (pub && state == SH_PEER_STATE_CONNECTED)
    start_pacing (m);
  if (!pub && state == SH_PEER_STATE_CONNECTED && !m->report_source) {
    m->sub_connected_us = g_get_monotonic_time () - m->joined_us;
    m->report_source = add_timer (m, REPORT_MS, on_report);
  }
  lb_bot_media_state (m->bot, pub ? SH_MEDIA_LEG_PUBLISH : SH_MEDIA_LEG_SUBSCRIBE, state);
}

static void
on_sub_rtp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  LbMedia *m = user_data;
  ShRtpView view;
  ShVp8Descriptor vp8;
  Track *t;

  if (sh_rtp_parse (&view, buf, len) != SH_RTP_OK)
    return;
  m->rx_packets++;
  m->rx_bytes += len;
  t = g_hash_table_lookup (m->tracks, GUINT_TO_POINTER (view.ssrc));
  if (!t) {
    t = g_new0 (Track, 1);
    t->video = (m->vp8_pts[view.payload_type / 8] >> (view.payload_type % 8)) & 1;
    t->keyframe_us = -1;
    t->since_us = MAX (m->joined_us,
                       lb_shared_joined (m->shared, GPOINTER_TO_SIZE (g_hash_table_lookup (
                                                        m->owners, GUINT_TO_POINTER (view.ssrc)))));
    g_hash_table_insert (m->tracks, GUINT_TO_POINTER (view.ssrc), t);
  }
  t->packets++;
  t->highest_seq = MAX (t->highest_seq, sh_rtp_seq_unwrap (&t->seqs, view.seq));
  if (t->video && t->keyframe_us < 0
      && sh_vp8_parse (&vp8, sh_rtp_view_payload (&view), view.payload_len) && vp8.keyframe)
    t->keyframe_us = g_get_monotonic_time () - t->since_us;
}

static void
on_pub_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  LbMedia *m = user_data;
  ShRtcpIter iter;
  ShRtcpPacket packet;
  ShRtcpFb fb;

  sh_rtcp_iter_init (&iter, buf, len);
  while (sh_rtcp_iter_next (&iter, &packet)) {
    if (packet.type == SH_RTCP_PSFB && sh_rtcp_parse_fb (&packet, &fb) == 0
        && (fb.fmt == SH_RTCP_FMT_PLI || fb.fmt == SH_RTCP_FMT_FIR)) {
      m->keyframe_requests++;
      m->keyframe_wanted = TRUE;
    }
  }
}

static const ShPeerCallbacks pub_callbacks = {
  .local_candidate = on_candidate,
  .state_changed = on_state,
  .rtcp = on_pub_rtcp,
};

static const ShPeerCallbacks sub_callbacks = {
  .local_candidate = on_candidate,
  .state_changed = on_state,
  .rtp = on_sub_rtp,
};

/* ---------------------------------------------------------- worker tasks */

typedef enum {
  TASK_START,
  TASK_ANSWER,
  TASK_OFFER,
  TASK_CANDIDATE,
  TASK_MARK,
  TASK_MARK_END,
  TASK_STOP,
} TaskKind;

typedef struct {
  LbMedia *media;
  TaskKind kind;
  ShMediaLeg leg;
  char *text;
  LbReport *report;
} Task;

static void
task_free (gpointer data)
{
  Task *t = data;

  g_free (t->text);
  g_free (t);
}

static JsonNode *
sdp_payload (const char *sdp)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
stream_init (Stream *s, GArray *packets, guint32 ssrc, guint8 pt, guint clock_rate)
{
  s->packets = packets;
  s->ssrc = ssrc;
  s->pt = pt;
  s->clock_rate = clock_rate;
  s->seq = (guint16) g_random_int ();
  s->ts_base = g_random_int ();
}

static void
start (LbMedia *m)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *stream = g_strdup_printf ("bot%p", (void *) m);
  g_autofree char *offer = NULL;
  const LbCapture *c = m->shared->capture;
  guint32 audio_ssrc = g_random_int_range (1, G_MAXINT32);
  guint32 video_ssrc = g_random_int_range (1, G_MAXINT32);
  const ShPeerOfferSection sections[] = {
    { "audio", "0", TRUE, audio_ssrc, 0, stream, "mic", "opus" },
    { "video", "1", TRUE, video_ssrc, 0, stream, "cam", "VP8" },
  };

  m->sub = sh_peer_new (m->shared->engine, m->worker, FALSE, &sub_callbacks, m, &error);
  if (m->sub)
    sh_peer_set_dtls_active (m->sub, TRUE);
  if (!m->publish || !m->sub) {
    if (error)
      g_printerr ("loadbot: subscribe connection: %s\n", error->message);
    return;
  }
  m->pub = sh_peer_new (m->shared->engine, m->worker, TRUE, &pub_callbacks, m, &error);
  if (m->pub) {
    sh_peer_set_dtls_active (m->pub, TRUE);
    offer = sh_peer_create_offer (m->pub, sections, G_N_ELEMENTS (sections), &error);
  }
  if (!offer) {
    g_printerr ("loadbot: publish offer: %s\n", error->message);
    return;
  }
  stream_init (&m->audio, c->audio, audio_ssrc, LOADBOT_AUDIO_PT, 48000);
  stream_init (&m->video, c->video, video_ssrc, LOADBOT_VIDEO_PT, 90000);
  lb_bot_send (m->bot, "meeting.publish", sdp_payload (offer));
}

/* The payload types the server's answer chose, mid 0 audio and 1 video. */
static void
apply_answer (LbMedia *m, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) answer = NULL;

  if (!m->pub || !sh_peer_apply_answer (m->pub, text, &error)) {
    g_printerr ("loadbot: publish answer: %s\n", error ? error->message : "no offer");
    return;
  }
  answer = sh_sdp_parse (text, strlen (text), NULL);
  for (guint i = 0; answer && i < answer->media->len; i++) {
    ShSdpMedia *section = g_ptr_array_index (answer->media, i);
    ShSdpCodec *codec = section->codecs->len ? g_ptr_array_index (section->codecs, 0) : NULL;
    if (codec)
      (g_str_equal (section->kind, "audio") ? &m->audio : &m->video)->pt = codec->pt;
  }
}

/* The server's stream ids are "p<ACCOUNT_ID>" (docs/protocol.md). */
static void
remember_owners (LbMedia *m, const char *text)
{
  g_autoptr (ShSdp) offer = sh_sdp_parse (text, strlen (text), NULL);

  for (guint i = 0; offer && i < offer->media->len; i++) {
    ShSdpMedia *section = g_ptr_array_index (offer->media, i);
    for (guint j = 0; j < section->ssrcs->len; j++) {
      ShSdpSsrc *ssrc = g_ptr_array_index (section->ssrcs, j);
      const char *msid = ssrc->msid ? ssrc->msid : section->msid;
      if (msid && msid[0] == 'p')
        g_hash_table_insert (m->owners, GUINT_TO_POINTER (ssrc->ssrc),
                             GSIZE_TO_POINTER ((gsize) g_ascii_strtoll (msid + 1, NULL, 10)));
    }
  }
}

static void
accept_offer (LbMedia *m, const char *offer)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  GPtrArray *media;

  if (!m->sub)
    return;
  answer
      = sh_peer_accept_offer (m->sub, offer, SH_PEER_MEDIA_RECEIVE, SH_PEER_MEDIA_RECEIVE, &error);
  if (!answer) {
    g_printerr ("loadbot: subscribe offer: %s\n", error->message);
    return;
  }
  media = sh_peer_get_media (m->sub);
  m->video_offered = 0;
  for (guint i = 0; i < media->len; i++) {
    ShPeerMedia *pm = g_ptr_array_index (media, i);
    if (g_ascii_strcasecmp (pm->codec ? pm->codec : "", "VP8") == 0 && pm->payload_type < 128)
      m->vp8_pts[pm->payload_type / 8] |= (guint8) (1u << (pm->payload_type % 8));
    if (g_str_equal (pm->kind, "video") && pm->receives)
      m->video_offered++;
  }
  remember_owners (m, offer);
  lb_bot_send (m->bot, "meeting.subscribe.answer", sdp_payload (answer));
}

static void
fill_report (LbMedia *m, LbReport *r)
{
  GHashTableIter iter;
  gpointer value;

  r->pub_state = m->pub ? sh_peer_state_to_string (m->pub_state) : "none";
  r->sub_state = sh_peer_state_to_string (m->sub_state);
  r->rx_packets = m->rx_packets;
  r->rx_bytes = m->rx_bytes;
  if (!m->window_closed)
    m->rx_end = m->rx_packets, m->tx_end = m->tx_packets;
  r->rx_window = m->rx_end - m->rx_mark;
  r->tx_packets = m->tx_packets;
  r->tx_window = m->tx_end - m->tx_mark;
  r->keyframe_requests = m->keyframe_requests;
  r->keyframes_jumped = m->keyframes_jumped;
  r->video_offered = m->video_offered;
  r->sub_connected_ms = m->sub_connected_us >= 0 ? (double) m->sub_connected_us / 1000.0 : -1;
  r->tracks = g_hash_table_size (m->tracks);
  r->keyframe_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_hash_table_iter_init (&iter, m->tracks);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Track *t = value;
    double ms = (double) t->keyframe_us / 1000.0;
    if (t->video && t->keyframe_us >= 0)
      g_array_append_val (r->keyframe_ms, ms);
  }
}

static void
stop (LbMedia *m, LbReport *report)
{
  remove_timer (m, &m->pace_source);
  remove_timer (m, &m->report_source);
  fill_report (m, report);
  g_clear_pointer (&m->pub, sh_peer_free);
  g_clear_pointer (&m->sub, sh_peer_free);
  g_hash_table_destroy (m->tracks);
  g_hash_table_destroy (m->owners);
  lb_bot_media_stopped (m->bot);
  g_free (m);
}

static gboolean
run_task (gpointer data)
{
  Task *t = data;
  LbMedia *m = t->media;
  g_autoptr (GError) error = NULL;

  switch (t->kind) {
    case TASK_START:
      start (m);
      break;
    case TASK_ANSWER:
      apply_answer (m, t->text);
      break;
    case TASK_OFFER:
      accept_offer (m, t->text);
      break;
    case TASK_CANDIDATE: {
      ShPeer *peer = t->leg == SH_MEDIA_LEG_PUBLISH ? m->pub : m->sub;
      if (peer && !sh_peer_add_remote_candidate (peer, t->text, &error))
        g_printerr ("loadbot: candidate refused: %s\n", error->message);
      break;
    }
    case TASK_MARK:
      m->rx_mark = m->rx_packets;
      m->tx_mark = m->tx_packets;
      break;
    case TASK_MARK_END:
      m->rx_end = m->rx_packets;
      m->tx_end = m->tx_packets;
      m->window_closed = TRUE;
      break;
    case TASK_STOP:
    default:
      stop (m, t->report);
      break;
  }
  return G_SOURCE_REMOVE;
}

static void
queue (LbMedia *m, TaskKind kind, ShMediaLeg leg, const char *text, LbReport *report)
{
  Task *t = g_new0 (Task, 1);

  t->media = m;
  t->kind = kind;
  t->leg = leg;
  t->text = g_strdup (text);
  t->report = report;
  sh_media_workers_invoke (sh_media_engine_workers (m->shared->engine), m->worker, run_task, t,
                           task_free);
}

LbMedia *
lb_media_new (LbBot *bot, LbShared *shared, guint worker, gboolean publish, gint64 joined_us)
{
  LbMedia *m = g_new0 (LbMedia, 1);

  m->bot = bot;
  m->shared = shared;
  m->worker = worker;
  m->publish = publish;
  m->joined_us = joined_us;
  m->report_ssrc = g_random_int_range (1, G_MAXINT32);
  m->sub_connected_us = -1;
  m->tracks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  m->owners = g_hash_table_new (NULL, NULL);
  queue (m, TASK_START, SH_MEDIA_LEG_PUBLISH, NULL, NULL);
  return m;
}

void
lb_media_publish_answer (LbMedia *media, const char *sdp)
{
  queue (media, TASK_ANSWER, SH_MEDIA_LEG_PUBLISH, sdp, NULL);
}

void
lb_media_subscribe_offer (LbMedia *media, const char *sdp)
{
  queue (media, TASK_OFFER, SH_MEDIA_LEG_SUBSCRIBE, sdp, NULL);
}

void
lb_media_candidate (LbMedia *media, ShMediaLeg leg, const char *candidate)
{
  queue (media, TASK_CANDIDATE, leg, candidate, NULL);
}

void
lb_media_mark (LbMedia *media, gboolean end)
{
  queue (media, end ? TASK_MARK_END : TASK_MARK, SH_MEDIA_LEG_PUBLISH, NULL, NULL);
}

void
lb_media_stop (LbMedia *media, LbReport *report)
{
  queue (media, TASK_STOP, SH_MEDIA_LEG_PUBLISH, NULL, report);
}
