/* The media of a meeting: the room's forwarding unit (media/, on a worker)
 * driven from the meeting's state (room.c, on the main thread).
 *
 *   main thread                          media worker
 *   room hooks, meeting.publish … ──task──▶ ShMediaRoom
 *   sockets ◀──────────────────────reply── offers, candidates, states, speaker
 *
 * A ShMediaRoom lives on the worker its meeting is pinned to; every call
 * reaches it as a task holding a reference on the bridge, and everything
 * coming back is posted to the main thread, where the participant is found
 * again by account (they may have left, or changed sockets, meanwhile).
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"

typedef struct {
  ShServer *server; /* main thread only */
  gint64 meeting_id;
  GMainContext *main_context; /* owned reference */
  ShMediaEngine *engine;
  ShMediaWorkers *workers;
  guint worker;
  ShMediaRoom *room; /* worker only */
} Bridge;

static void
bridge_clear (gpointer data)
{
  Bridge *b = data;

  sh_media_workers_unpin (b->workers, b->worker);
  g_main_context_unref (b->main_context);
}

static void
bridge_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, bridge_clear);
}

/* ------------------------------------------------ worker → main thread */

typedef struct {
  Bridge *bridge; /* a reference */
  gint64 account; /* 0: everyone in the room */
  char *type;
  JsonNode *id;      /* nullable */
  JsonNode *payload; /* nullable object */
  /* A media connection's state, for the room's lost/regained events:
   * leg_bit 0 when the post is not about one. */
  ShRoomLeg leg_bit;
  ShPeerState peer_state;
} Post;

static void
post_free (gpointer data)
{
  Post *p = data;

  bridge_release (p->bridge);
  g_free (p->type);
  g_clear_pointer (&p->id, json_node_unref);
  g_clear_pointer (&p->payload, json_node_unref);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  Post *p = data;
  ShRoom *room = sh_rooms_lookup (p->bridge->server->rooms, p->bridge->meeting_id);
  ShRoomParticipant *who;

  /* The room may have closed, or opened again with another bridge. */
  if (!room || sh_room_get_media_data (room) != p->bridge)
    return G_SOURCE_REMOVE;
  if (!p->account) {
    sh_meeting_broadcast (room, p->type, p->payload, NULL);
    return G_SOURCE_REMOVE;
  }
  who = sh_room_find (room, p->account);
  if (who && p->leg_bit && p->peer_state == SH_PEER_STATE_CONNECTED)
    sh_room_set_leg_lost (room, who, p->leg_bit, FALSE);
  else if (who && p->leg_bit
           && (p->peer_state == SH_PEER_STATE_DISCONNECTED
               || p->peer_state == SH_PEER_STATE_FAILED))
    sh_room_set_leg_lost (room, who, p->leg_bit, TRUE);
  if (who && who->client)
    sh_ws_send_node (who->client, p->type, p->id, p->payload);
  return G_SOURCE_REMOVE;
}

/* From the worker. @payload (nullable) is consumed. Returns: (transfer
 * full) the post, for the caller to send with post_send(). */
static Post *
post_new (Bridge *b, gint64 account, const char *type, JsonNode *id, JsonBuilder *payload)
{
  Post *p = g_new0 (Post, 1);

  p->bridge = g_atomic_rc_box_acquire (b);
  p->account = account;
  p->type = g_strdup (type);
  p->id = id ? json_node_copy (id) : NULL;
  if (payload) {
    p->payload = json_builder_get_root (payload);
    g_object_unref (payload);
  }
  return p;
}

static void
post_send (Post *p)
{
  g_main_context_invoke_full (p->bridge->main_context, G_PRIORITY_DEFAULT, deliver, p, post_free);
}

static void
post (Bridge *b, gint64 account, const char *type, JsonNode *id, JsonBuilder *payload)
{
  post_send (post_new (b, account, type, id, payload));
}

static void
post_error (Bridge *b, gint64 account, JsonNode *id, const char *code, const char *message)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", code);
  sh_json_builder_add_string (p, "message", message);
  json_builder_end_object (p);
  post (b, account, "error", id, p);
}

/* A payload of one string member, or an object with @extra_name too. */
static JsonBuilder *
payload_with (const char *name, const char *value, const char *extra_name, const char *extra)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, name, value);
  if (extra_name)
    sh_json_builder_add_string (p, extra_name, extra);
  json_builder_end_object (p);
  return p;
}

/* ---------------------------------------------------- on the worker */

static void
on_candidate (ShMediaRoom *room, guint64 participant, ShMediaLeg leg, const char *candidate,
              gpointer user_data)
{
  post (user_data, (gint64) participant, "meeting.candidate", NULL,
        payload_with ("leg", sh_media_leg_to_string (leg), "candidate", candidate));
}

static void
on_subscribe_offer (ShMediaRoom *room, guint64 participant, const char *sdp, gpointer user_data)
{
  post (user_data, (gint64) participant, "meeting.subscribe.offer", NULL,
        payload_with ("sdp", sdp, NULL, NULL));
}

static void
on_state (ShMediaRoom *room, guint64 participant, ShMediaLeg leg, ShPeerState state,
          gpointer user_data)
{
  Post *p = post_new (
      user_data, (gint64) participant, "meeting.media_state", NULL,
      payload_with ("leg", sh_media_leg_to_string (leg), "state", sh_peer_state_to_string (state)));

  p->leg_bit = leg == SH_MEDIA_LEG_PUBLISH ? SH_ROOM_LEG_PUBLISH : SH_ROOM_LEG_SUBSCRIBE;
  p->peer_state = state;
  post_send (p);
}

static void
on_speaker (ShMediaRoom *room, gboolean has_speaker, guint64 participant, gpointer user_data)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_id (p, "participant", has_speaker ? (gint64) participant : 0);
  json_builder_end_object (p);
  post (user_data, 0, "meeting.speaker", NULL, p);
}

typedef enum {
  TASK_OPEN,
  TASK_JOIN,
  TASK_LEAVE,
  TASK_PUBLISH,
  TASK_SUBSCRIBE_ANSWER,
  TASK_CANDIDATE,
  TASK_FORWARD,
  TASK_RECEIVE,
  TASK_CLOSE,
} TaskKind;

typedef struct {
  Bridge *bridge; /* a reference */
  TaskKind kind;
  gint64 account;
  ShMediaLeg leg;
  char *text;  /* SDP or candidate */
  char *extra; /* TASK_PUBLISH: the screen share's mid */
  JsonNode *id;
  gboolean audio, video; /* TASK_FORWARD; video alone: TASK_RECEIVE */
} Task;

static void
task_free (gpointer data)
{
  Task *t = data;

  bridge_release (t->bridge);
  g_free (t->text);
  g_free (t->extra);
  g_clear_pointer (&t->id, json_node_unref);
  g_free (t);
}

static const char *
error_code (const GError *error)
{
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP))
    return "invalid_sdp";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_UNSUPPORTED))
    return "unsupported";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE))
    return "invalid_state";
  return "bad_request";
}

static void
run_on_room (Task *t)
{
  static const ShMediaRoomCallbacks callbacks = {
    .candidate = on_candidate,
    .subscribe_offer = on_subscribe_offer,
    .state = on_state,
    .active_speaker = on_speaker,
  };
  Bridge *b = t->bridge;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  gboolean ok = TRUE;

  switch (t->kind) {
    case TASK_OPEN:
      b->room = sh_media_room_new (b->engine, b->worker, &callbacks, b);
      return;
    case TASK_JOIN:
      ok = sh_media_room_join (b->room, (guint64) t->account, &error);
      break;
    case TASK_LEAVE:
      sh_media_room_leave (b->room, (guint64) t->account);
      return;
    case TASK_PUBLISH:
      sh_media_room_set_screen_mid (b->room, (guint64) t->account, t->extra);
      answer = sh_media_room_publish (b->room, (guint64) t->account, t->text, &error);
      if (answer)
        post (b, t->account, "meeting.publish.answer", t->id,
              payload_with ("sdp", answer, NULL, NULL));
      ok = answer != NULL;
      break;
    case TASK_SUBSCRIBE_ANSWER:
      ok = sh_media_room_subscribe_answer (b->room, (guint64) t->account, t->text, &error);
      if (ok)
        post (b, t->account, "meeting.ok", t->id, NULL);
      break;
    case TASK_CANDIDATE:
      ok = sh_media_room_add_candidate (b->room, (guint64) t->account, t->leg, t->text, &error);
      break;
    case TASK_RECEIVE:
      sh_media_room_set_receive_cameras (b->room, (guint64) t->account, t->video);
      return;
    case TASK_FORWARD:
      sh_media_room_set_forwarding (b->room, (guint64) t->account, "audio", t->audio);
      sh_media_room_set_forwarding (b->room, (guint64) t->account, "video", t->video);
      return;
    case TASK_CLOSE:
    default:
      g_clear_pointer (&b->room, sh_media_room_free);
      return;
  }
  if (!ok) {
    g_message ("meeting %" G_GINT64_FORMAT ": media request of account %" G_GINT64_FORMAT
               " refused: %s",
               b->meeting_id, t->account, error->message);
    post_error (b, t->account, t->id, error_code (error), error->message);
  }
}

static gboolean
run_task (gpointer data)
{
  Task *t = data;

  /* Everything after the room closed, or before it could open, is moot. */
  if (t->bridge->room || t->kind == TASK_OPEN)
    run_on_room (t);
  return G_SOURCE_REMOVE;
}

/* From the main thread: a task for the meeting's worker, to be completed
 * and handed over with task_run(). (transfer full) */
static Task *
task_new (Bridge *b, TaskKind kind, gint64 account, ShMediaLeg leg, const char *text, JsonNode *id)
{
  Task *t = g_new0 (Task, 1);

  t->bridge = g_atomic_rc_box_acquire (b);
  t->kind = kind;
  t->account = account;
  t->leg = leg;
  t->text = g_strdup (text);
  t->id = id ? json_node_copy (id) : NULL;
  return t;
}

/* Runs @t on the meeting's worker. @t: (transfer full) */
static void
task_run (Task *t)
{
  sh_media_workers_invoke (t->bridge->workers, t->bridge->worker, run_task, t, task_free);
}

static void
queue_full (Bridge *b, TaskKind kind, gint64 account, ShMediaLeg leg, const char *text,
            JsonNode *id)
{
  task_run (task_new (b, kind, account, leg, text, id));
}

static void
queue (Bridge *b, TaskKind kind, gint64 account, const char *text, JsonNode *id)
{
  queue_full (b, kind, account, SH_MEDIA_LEG_PUBLISH, text, id);
}

static void
queue_forwarding (Bridge *b, ShRoom *room, gint64 account)
{
  Task *t = task_new (b, TASK_FORWARD, account, SH_MEDIA_LEG_PUBLISH, NULL, NULL);

  t->audio = sh_room_may_publish (room, account, SH_ROOM_AUDIO);
  t->video = sh_room_may_publish (room, account, SH_ROOM_VIDEO);
  task_run (t);
}

/* ------------------------------------------------- on the main thread */

/* The bridge of @room, made (and its media room opened on a worker) the
 * first time someone joins. (transfer none) */
static Bridge *
bridge_for (ShServer *server, ShRoom *room)
{
  Bridge *b = sh_room_get_media_data (room);

  if (b)
    return b;
  b = g_atomic_rc_box_new0 (Bridge);
  b->server = server;
  b->meeting_id = sh_room_meeting_id (room);
  b->main_context = g_main_context_ref_thread_default ();
  b->engine = server->media;
  b->workers = sh_media_engine_workers (server->media);
  /* A meeting is pinned to one worker for its whole life. */
  b->worker = sh_media_workers_pin (b->workers);
  /* The room holds the first reference; closing it drops it. */
  sh_room_set_media_data (room, b, bridge_release);
  queue (b, TASK_OPEN, 0, NULL, NULL);
  return b;
}

/* The media plane as a listener of the room event stream: what each change
 * means for forwarding. */
static void
on_room_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  ShServer *server = user_data;
  ShRoomParticipant *p = e->participant;
  Bridge *b;
  GPtrArray *everyone;

  /* Nothing to close, or to tell, before the media room exists. */
  if (e->kind == SH_ROOM_EVENT_CLOSING || !p)
    b = sh_room_get_media_data (room);
  else
    b = bridge_for (server, room);
  if (!b)
    return;
  switch (e->kind) {
    case SH_ROOM_EVENT_JOINED:
      queue (b, TASK_JOIN, p->account_id, NULL, NULL);
      queue_forwarding (b, room, p->account_id);
      break;
    case SH_ROOM_EVENT_REPLACED:
      /* The new socket's page publishes and subscribes afresh. */
      queue (b, TASK_LEAVE, p->account_id, NULL, NULL);
      queue (b, TASK_JOIN, p->account_id, NULL, NULL);
      queue_forwarding (b, room, p->account_id);
      break;
    case SH_ROOM_EVENT_LEFT:
    case SH_ROOM_EVENT_REMOVED:
      queue (b, TASK_LEAVE, p->account_id, NULL, NULL);
      break;
    case SH_ROOM_EVENT_MUTED:
    case SH_ROOM_EVENT_UNMUTED:
    case SH_ROOM_EVENT_CAMERA_OFF:
    case SH_ROOM_EVENT_CAMERA_ON:
    case SH_ROOM_EVENT_FLOOR_GIVEN:
    case SH_ROOM_EVENT_FLOOR_TAKEN:
      queue_forwarding (b, room, p->account_id);
      break;
    case SH_ROOM_EVENT_LESSON_MODE_ON:
    case SH_ROOM_EVENT_LESSON_MODE_OFF:
    case SH_ROOM_EVENT_STATE:
      everyone = sh_room_participants (room);
      for (guint i = 0; i < everyone->len; i++)
        queue_forwarding (b, room,
                          ((ShRoomParticipant *) g_ptr_array_index (everyone, i))->account_id);
      break;
    case SH_ROOM_EVENT_CLOSING:
      queue (b, TASK_CLOSE, 0, NULL, NULL);
      break;
    case SH_ROOM_EVENT_HAND_RAISED:
    case SH_ROOM_EVENT_HAND_LOWERED:
    case SH_ROOM_EVENT_LOCKED:
    case SH_ROOM_EVENT_UNLOCKED:
    case SH_ROOM_EVENT_ALL_MUTED:
    case SH_ROOM_EVENT_ALL_UNMUTED:
    case SH_ROOM_EVENT_CONNECTION_LOST:
    case SH_ROOM_EVENT_CONNECTION_REGAINED:
    default:
      /* Forwarding follows the participants' own mute events. */
      break;
  }
}

void
sh_meeting_media_init (ShServer *server)
{
  /* The registry drops its listeners when it is freed. */
  sh_rooms_subscribe (server->rooms, on_room_event, server, NULL);
}

/* The participant the message comes from (ws.c's table let only
 * participants through, and checked the fields). */
static ShRoomParticipant *
sender (ShWsMessage *m, Bridge **bridge)
{
  ShRoom *room = sh_room_of_client (m->client);

  *bridge = bridge_for (m->client->server, room);
  return sh_room_participant_for_client (m->client);
}

void
sh_meeting_handle_publish (ShWsMessage *m)
{
  Bridge *b = NULL;
  ShRoomParticipant *p = sender (m, &b);
  g_autofree char *sdp = sh_meeting_payload_string (m, "sdp");
  Task *t = task_new (b, TASK_PUBLISH, p->account_id, SH_MEDIA_LEG_PUBLISH, sdp, m->id);

  t->extra = sh_meeting_payload_string (m, "screen_mid");
  task_run (t);
}

void
sh_meeting_handle_receive (ShWsMessage *m)
{
  Bridge *b = NULL;
  ShRoomParticipant *p = sender (m, &b);
  Task *t = task_new (b, TASK_RECEIVE, p->account_id, SH_MEDIA_LEG_SUBSCRIBE, NULL, NULL);

  t->video = sh_meeting_payload_bool (m, "camera", TRUE);
  task_run (t);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_subscribe_answer (ShWsMessage *m)
{
  Bridge *b = NULL;
  ShRoomParticipant *p = sender (m, &b);
  g_autofree char *sdp = sh_meeting_payload_string (m, "sdp");

  queue (b, TASK_SUBSCRIBE_ANSWER, p->account_id, sdp, m->id);
}

void
sh_meeting_handle_candidate (ShWsMessage *m)
{
  Bridge *b = NULL;
  ShRoomParticipant *p = sender (m, &b);
  g_autofree char *leg = sh_meeting_payload_string (m, "leg");
  g_autofree char *candidate = sh_meeting_payload_string (m, "candidate");

  if (!g_str_equal (leg, "publish") && !g_str_equal (leg, "subscribe")) {
    sh_ws_send_error (m->client, m->id, "bad_request", "字段“leg”应为 publish 或 subscribe");
    return;
  }
  /* null or "" is end-of-candidates. */
  queue_full (b, TASK_CANDIDATE, p->account_id,
              g_str_equal (leg, "publish") ? SH_MEDIA_LEG_PUBLISH : SH_MEDIA_LEG_SUBSCRIBE,
              candidate, m->id);
}
