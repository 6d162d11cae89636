/* The selective forwarding unit of one meeting.
 *
 *   publisher ─publish peer─▶ up track ──┬─▶ down track ─subscribe peer─▶ subscriber
 *     (browser offers)        (NACKs,    │   (rewriter: SSRC/seq/ts,
 *                              keyframe  │    packet cache for RTX)
 *                              limiter)  └─▶ down track ─▶ …
 *
 * Up tracks belong to their publisher, down tracks to their subscriber; an
 * up track lists its down tracks (borrowed) for the fan-out. Everything
 * runs on the room's worker: no lock anywhere.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sfu-private.h"

#include "engine-private.h"

#include <gio/gio.h>

#define TIMER_MS 20
#define SPEAKER_EVERY_TICKS 10 /* 200 ms */
#define REPORTS_EVERY_TICKS 50 /* 1 s: RFC 3550's interval for a few streams */
#define TWCC_EVERY_TICKS 3     /* 60 ms, about what browsers send themselves */
#define CAMERA_EVERY_TICKS 25  /* 500 ms: whether a camera went idle */

const char *
sh_media_leg_to_string (ShMediaLeg leg)
{
  return leg == SH_MEDIA_LEG_PUBLISH ? "publish" : "subscribe";
}

static Participant *
lookup (ShMediaRoom *room, guint64 id)
{
  return g_hash_table_lookup (room->participants, &id);
}

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* ------------------------------------------------------ peer events */

static void
on_candidate (Participant *p, ShMediaLeg leg, const char *candidate)
{
  ShMediaRoom *room = p->room;

  if (room->callbacks.candidate)
    room->callbacks.candidate (room, p->id, leg, candidate, room->user_data);
}

static void
on_publish_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  on_candidate (user_data, SH_MEDIA_LEG_PUBLISH, candidate);
}

static void
on_subscribe_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  on_candidate (user_data, SH_MEDIA_LEG_SUBSCRIBE, candidate);
}

static void
on_publish_state (ShPeer *peer, ShPeerState state, gpointer user_data)
{
  Participant *p = user_data;

  if (p->room->callbacks.state)
    p->room->callbacks.state (p->room, p->id, SH_MEDIA_LEG_PUBLISH, state, p->room->user_data);
}

static void
on_subscribe_state (ShPeer *peer, ShPeerState state, gpointer user_data)
{
  Participant *p = user_data;

  /* Whatever was sent before the connection was up never arrived: every
   * video down track starts again from a keyframe. */
  if (state == SH_PEER_STATE_CONNECTED)
    for (guint i = 0; i < p->downs->len; i++)
      sh_room_down_restart (g_ptr_array_index (p->downs, i), now_us ());
  if (p->room->callbacks.state)
    p->room->callbacks.state (p->room, p->id, SH_MEDIA_LEG_SUBSCRIBE, state, p->room->user_data);
}

static void
on_publish_rtp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  sh_room_forward_rtp (user_data, buf, len, now_us ());
}

static void
on_publish_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  sh_room_publisher_rtcp (user_data, buf, len);
}

static void
on_subscribe_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  sh_room_subscriber_feedback (user_data, buf, len, now_us ());
}

static const ShPeerCallbacks publish_callbacks = {
  .local_candidate = on_publish_candidate,
  .state_changed = on_publish_state,
  .rtp = on_publish_rtp,
  .rtcp = on_publish_rtcp,
};

static const ShPeerCallbacks subscribe_callbacks = {
  .local_candidate = on_subscribe_candidate,
  .state_changed = on_subscribe_state,
  .rtcp = on_subscribe_rtcp,
};

/* ------------------------------------------------------------ timer */

/* The engine's count of forwarded packets (/metrics) catches up with the
 * room's. */
static void
count_forwarded (ShMediaRoom *room)
{
  guint64 n = room->stats.forwarded_packets - room->forwarded_counted;

  if (n > 0) {
    sh_media_engine_count_forwarded (room->engine, n);
    room->forwarded_counted = room->stats.forwarded_packets;
  }
}

static gboolean
on_timer (gpointer user_data)
{
  ShMediaRoom *room = user_data;
  gint64 now = now_us ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Participant *p = value;
    for (guint i = 0; i < p->ups->len; i++)
      sh_room_up_service (g_ptr_array_index (p->ups, i), now);
    if (room->ticks % TWCC_EVERY_TICKS == 0)
      sh_room_publisher_service (p);
    if (room->ticks % CAMERA_EVERY_TICKS == 0)
      sh_room_camera_service (p, now);
  }
  count_forwarded (room);
  if (++room->ticks % REPORTS_EVERY_TICKS == 0)
    sh_room_send_reports (room);
  if (room->ticks % SPEAKER_EVERY_TICKS == 0) {
    gboolean has = FALSE;
    guint64 dominant = 0;

    if (sh_speaker_tick (room->speaker, now, &has, &dominant) && room->callbacks.active_speaker)
      room->callbacks.active_speaker (room, has, dominant, room->user_data);
  }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------ public */

ShMediaRoom *
sh_media_room_new (ShMediaEngine *engine, guint worker, const ShMediaRoomCallbacks *callbacks,
                   gpointer user_data)
{
  ShMediaRoom *room = g_new0 (ShMediaRoom, 1);
  ShSpeakerConfig speaker;
  GSource *timer;

  room->engine = engine;
  room->worker = worker;
  room->context = sh_media_workers_context (sh_media_engine_workers (engine), worker);
  room->callbacks = *callbacks;
  room->user_data = user_data;
  room->participants
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, sh_room_participant_free);
  room->server_ssrc = g_random_int_range (1, G_MAXINT32);
  room->taps = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_media_tap_unref);
  sh_speaker_config_init (&speaker);
  room->speaker = sh_speaker_new (&speaker);
  timer = g_timeout_source_new (TIMER_MS);
  g_source_set_callback (timer, on_timer, room, NULL);
  room->timer = g_source_attach (timer, room->context);
  g_source_unref (timer);
  return room;
}

void
sh_media_room_free (ShMediaRoom *room)
{
  GSource *timer;

  if (!room)
    return;
  timer = g_main_context_find_source_by_id (room->context, room->timer);
  if (timer)
    g_source_destroy (timer);
  room->closing = TRUE;
  g_hash_table_destroy (room->participants);
  /* After the participants: their tracks' removals reach the taps. */
  sh_room_taps_close (room);
  g_ptr_array_unref (room->taps);
  count_forwarded (room);
  sh_speaker_free (room->speaker);
  g_free (room);
}

gboolean
sh_media_room_join (ShMediaRoom *room, guint64 id, GError **error)
{
  Participant *p;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (id != 0, FALSE);
  if (lookup (room, id)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                 "participant %" G_GUINT64_FORMAT " is already in the room", id);
    return FALSE;
  }
  p = g_new0 (Participant, 1);
  p->room = room;
  p->id = id;
  p->audio_allowed = p->video_allowed = TRUE;
  p->receive_cameras = TRUE;
  p->ups = g_ptr_array_new_with_free_func (sh_room_up_free);
  p->downs = g_ptr_array_new_with_free_func (sh_room_down_free);
  p->subscribe = sh_peer_new (room->engine, room->worker, TRUE, &subscribe_callbacks, p, error);
  if (!p->subscribe) {
    sh_room_participant_free (p);
    return FALSE;
  }
  p->speaker = sh_speaker_add (room->speaker, id, now_us ());
  g_hash_table_insert (room->participants, &p->id, p);
  /* Everything already published reaches the newcomer. */
  g_hash_table_iter_init (&iter, room->participants);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Participant *other = value;
    if (other == p)
      continue;
    for (guint i = 0; i < other->ups->len; i++)
      sh_room_down_new (g_ptr_array_index (other->ups, i), p, now_us ());
  }
  sh_room_renegotiate (p);
  return TRUE;
}

void
sh_media_room_leave (ShMediaRoom *room, guint64 id)
{
  Participant *p = lookup (room, id);

  if (!p)
    return;
  sh_speaker_remove (room->speaker, id);
  /* Freeing the participant takes their up tracks away from every
   * subscriber, who then get one new offer each. */
  sh_room_defer_offers (room);
  g_hash_table_remove (room->participants, &id);
  sh_room_send_deferred_offers (room);
}

char *
sh_media_room_publish (ShMediaRoom *room, guint64 id, const char *offer, GError **error)
{
  Participant *p = lookup (room, id);
  char *answer;

  if (!p) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                 "participant %" G_GUINT64_FORMAT " is not in the room", id);
    return NULL;
  }
  if (!p->publish) {
    p->publish = sh_peer_new (room->engine, room->worker, FALSE, &publish_callbacks, p, error);
    if (!p->publish)
      return NULL;
  }
  /* The server only receives on this leg. */
  answer = sh_peer_accept_offer (p->publish, offer, SH_PEER_MEDIA_RECEIVE, SH_PEER_MEDIA_RECEIVE,
                                 error);
  if (answer) {
    sh_room_defer_offers (room);
    sh_room_sync_up_tracks (p, now_us ());
    sh_room_send_deferred_offers (room);
  }
  return answer;
}

gboolean
sh_media_room_subscribe_answer (ShMediaRoom *room, guint64 id, const char *answer, GError **error)
{
  Participant *p = lookup (room, id);

  if (!p) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                 "participant %" G_GUINT64_FORMAT " is not in the room", id);
    return FALSE;
  }
  if (!sh_peer_apply_answer (p->subscribe, answer, error))
    return FALSE;
  p->offer_pending = FALSE;
  for (guint i = 0; i < p->downs->len; i++) {
    DownTrack *d = g_ptr_array_index (p->downs, i);
    if (d->offered && !d->negotiated) {
      d->negotiated = TRUE;
      sh_room_down_restart (d, now_us ());
    }
  }
  if (p->renegotiate)
    sh_room_renegotiate (p);
  return TRUE;
}

gboolean
sh_media_room_add_candidate (ShMediaRoom *room, guint64 id, ShMediaLeg leg, const char *candidate,
                             GError **error)
{
  Participant *p = lookup (room, id);
  ShPeer *peer = !p ? NULL : leg == SH_MEDIA_LEG_PUBLISH ? p->publish : p->subscribe;

  if (!peer) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                 "participant %" G_GUINT64_FORMAT " has no %s connection", id,
                 sh_media_leg_to_string (leg));
    return FALSE;
  }
  return sh_peer_add_remote_candidate (peer, candidate, error);
}

void
sh_media_room_set_forwarding (ShMediaRoom *room, guint64 id, const char *kind, gboolean allowed)
{
  Participant *p = lookup (room, id);

  if (!p)
    return;
  if (g_str_equal (kind, "audio"))
    p->audio_allowed = allowed;
  else
    p->video_allowed = allowed;
  for (guint i = 0; i < p->ups->len; i++) {
    UpTrack *up = g_ptr_array_index (p->ups, i);
    if (g_str_equal (up->kind, kind))
      sh_room_up_set_allowed (up, allowed, now_us ());
  }
}

void
sh_media_room_set_screen_mid (ShMediaRoom *room, guint64 id, const char *mid)
{
  Participant *p = lookup (room, id);

  if (!p)
    return;
  g_free (p->screen_mid);
  p->screen_mid = g_strdup (mid);
}

void
sh_media_room_set_receive_cameras (ShMediaRoom *room, guint64 id, gboolean receive)
{
  Participant *p = lookup (room, id);

  if (!p || p->receive_cameras == receive)
    return;
  p->receive_cameras = receive;
  if (receive)
    for (guint i = 0; i < p->downs->len; i++)
      sh_room_down_restart (g_ptr_array_index (p->downs, i), now_us ());
}

void
sh_media_room_get_stats (ShMediaRoom *room, ShMediaRoomStats *stats)
{
  *stats = room->stats;
}

guint64
sh_media_room_received_packets (ShMediaRoom *room, guint64 id)
{
  Participant *p = lookup (room, id);

  return p ? p->received : 0;
}

void
sh_room_participant_free (gpointer data)
{
  Participant *p = data;

  /* Down tracks first: they unhook from other publishers' up tracks. */
  g_ptr_array_unref (p->downs);
  g_ptr_array_unref (p->ups);
  g_clear_pointer (&p->publish, sh_peer_free);
  g_clear_pointer (&p->subscribe, sh_peer_free);
  g_clear_pointer (&p->twcc, sh_twcc_recorder_free);
  g_free (p->screen_mid);
  g_free (p);
}
