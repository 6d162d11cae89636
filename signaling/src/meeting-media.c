/* The media of a meeting: the room's forwarding unit (media/, on a worker)
 * driven from the meeting's state (room.c, on the main thread).
 *
 *   main thread                          media worker
 *   room hooks, meeting.publish … ──task──▶ ShMediaRoom
 *   sockets ◀──────────────────────reply── offers, candidates, states, speaker
 *
 * A ShMediaRoom lives on the worker its meeting is pinned to; every call
 * reaches it as a task through the meeting's worker bridge
 * (worker-bridge.c), and everything coming back is posted to the main
 * thread, where the participant is found again by account (they may have
 * left, or changed sockets, meanwhile).
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"
#include "worker-bridge.h"

/* The data of a meeting's worker bridge, freed with it. The room holds
 * one reference (its media data) until it closes.
 *
 * The media room knows a participant by account, but an account's socket
 * may be replaced (or leave and come back) while a state of its old media
 * connections is on its way to the main thread: each joining of the media
 * room gets a generation, and a state that is not of the participant's
 * current one is dropped rather than taken for the new socket's. */
typedef struct {
  ShWorkerBridge *link; /* set once: the bridge whose data this is */
  ShServer *server;     /* main thread only */
  gint64 meeting_id;
  ShMediaEngine *engine;
  ShMediaRoom *room;     /* worker only */
  guint last_generation; /* main thread only */
  GHashTable *current;   /* main thread only: account → generation of its socket's media */
  GHashTable *in_room;   /* worker only: account → generation of its peers in the room */
} Bridge;

static void
bridge_release (gpointer data)
{
  sh_worker_bridge_unref (((Bridge *) data)->link);
}

static void
bridge_free (gpointer data)
{
  Bridge *b = data;

  g_hash_table_unref (b->current);
  g_hash_table_unref (b->in_room);
  g_free (b);
}

static GHashTable *
generations_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
generation_set (GHashTable *table, gint64 account, guint generation)
{
  g_hash_table_replace (table, g_memdup2 (&account, sizeof account), GUINT_TO_POINTER (generation));
}

/* 0: none. */
static guint
generation_of (GHashTable *table, gint64 account)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, &account));
}

/* ------------------------------------------------ worker → main thread */

static void
deliver (ShWorkerBridge *link, gpointer data, gint64 account, const char *type, JsonNode *id,
         JsonNode *payload)
{
  Bridge *b = data;
  ShRoom *room = sh_rooms_lookup (b->server->rooms, b->meeting_id);
  ShRoomParticipant *who;

  /* The room may have closed, or opened again with another bridge. */
  if (!room || sh_room_get_media_data (room) != b)
    return;
  if (!account) {
    sh_meeting_broadcast (room, type, payload, NULL);
    return;
  }
  who = sh_room_find (room, account);
  if (who && who->client)
    sh_ws_send_node (who->client, type, id, payload);
}

/* From the worker. @payload (nullable) is consumed. */
static void
post (Bridge *b, gint64 account, const char *type, JsonNode *id, JsonBuilder *payload)
{
  sh_worker_bridge_post (b->link, account, type, id, payload);
}

/* A media connection's state, for the room's lost/regained events and
 * the participant's page. */
typedef struct {
  gint64 account;
  guint generation; /* of the peers it comes from; 0: not in the room */
  ShMediaLeg leg;
  ShRoomLeg leg_bit;
  ShPeerState peer_state;
} LegState;

static JsonBuilder *payload_with (const char *name, const char *value, const char *extra_name,
                                  const char *extra);

/* On the main thread: the room's state, then the participant's page. */
static void
apply_leg_state (ShWorkerBridge *link, gpointer data, gpointer task)
{
  Bridge *b = data;
  LegState *s = task;
  ShRoom *room = sh_rooms_lookup (b->server->rooms, b->meeting_id);
  ShRoomParticipant *who;
  g_autoptr (JsonBuilder) payload = NULL;

  if (!room || sh_room_get_media_data (room) != b)
    return;
  who = sh_room_find (room, s->account);
  /* Of a socket that is gone: not the current socket's media. */
  if (!who || !s->generation || s->generation != generation_of (b->current, s->account))
    return;
  if (s->peer_state == SH_PEER_STATE_CONNECTED) {
    sh_room_set_leg_live (room, who, s->leg_bit);
    sh_room_set_leg_lost (room, who, s->leg_bit, FALSE);
  } else if (s->peer_state == SH_PEER_STATE_DISCONNECTED || s->peer_state == SH_PEER_STATE_FAILED)
    sh_room_set_leg_lost (room, who, s->leg_bit, TRUE);
  /* A listener of the events above may have ended the socket. */
  who = sh_room_find (room, s->account);
  if (!who || !who->client)
    return;
  payload = payload_with ("leg", sh_media_leg_to_string (s->leg), "state",
                          sh_peer_state_to_string (s->peer_state));
  sh_ws_send (who->client, "meeting.media_state", NULL, payload);
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
  Bridge *b = user_data;
  LegState *s = g_new0 (LegState, 1);

  s->account = (gint64) participant;
  s->generation = generation_of (b->in_room, s->account);
  s->leg = leg;
  s->leg_bit = leg == SH_MEDIA_LEG_PUBLISH ? SH_ROOM_LEG_PUBLISH : SH_ROOM_LEG_SUBSCRIBE;
  s->peer_state = state;
  sh_worker_bridge_run_on_main (b->link, apply_leg_state, s, g_free);
}

/* Whether a participant's camera carries packets, for attendance. */
typedef struct {
  gint64 account;
  guint generation; /* of the peers it comes from; 0: not in the room */
  gboolean live;
} CameraState;

/* On the main thread: the room's state, if it is of the current socket. */
static void
apply_camera_state (ShWorkerBridge *link, gpointer data, gpointer task)
{
  Bridge *b = data;
  CameraState *s = task;
  ShRoom *room = sh_rooms_lookup (b->server->rooms, b->meeting_id);
  ShRoomParticipant *who;

  if (!room || sh_room_get_media_data (room) != b)
    return;
  who = sh_room_find (room, s->account);
  if (who && s->generation && s->generation == generation_of (b->current, s->account))
    sh_room_set_camera_live (room, who, s->live);
}

static void
on_camera (ShMediaRoom *room, guint64 participant, gboolean live, gpointer user_data)
{
  Bridge *b = user_data;
  CameraState *s = g_new0 (CameraState, 1);

  s->account = (gint64) participant;
  s->generation = generation_of (b->in_room, s->account);
  s->live = live;
  sh_worker_bridge_run_on_main (b->link, apply_camera_state, s, g_free);
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
  TASK_ADD_TAP,
  TASK_CLOSE,
} TaskKind;

typedef struct {
  Bridge *bridge; /* borrowed: the worker bridge holds a reference meanwhile */
  TaskKind kind;
  gint64 account;
  ShMediaLeg leg;
  char *text;  /* SDP or candidate */
  char *extra; /* TASK_PUBLISH: the screen share's mid */
  JsonNode *id;
  gboolean audio, video; /* TASK_FORWARD; video alone: TASK_RECEIVE */
  guint generation;      /* TASK_JOIN */
  ShMediaTap *tap;       /* TASK_ADD_TAP, a reference */
} Task;

static void
task_free (gpointer data)
{
  Task *t = data;

  g_free (t->text);
  g_free (t->extra);
  g_clear_pointer (&t->id, json_node_unref);
  g_clear_pointer (&t->tap, sh_media_tap_unref);
  g_free (t);
}

static void
run_on_room (Task *t)
{
  static const ShMediaRoomCallbacks callbacks = {
    .candidate = on_candidate,
    .subscribe_offer = on_subscribe_offer,
    .state = on_state,
    .active_speaker = on_speaker,
    .camera = on_camera,
  };
  Bridge *b = t->bridge;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  gboolean ok = TRUE;

  switch (t->kind) {
    case TASK_OPEN:
      b->room = sh_media_room_new (b->engine, sh_worker_bridge_worker (b->link), &callbacks, b);
      return;
    case TASK_JOIN:
      ok = sh_media_room_join (b->room, (guint64) t->account, &error);
      if (ok)
        generation_set (b->in_room, t->account, t->generation);
      break;
    case TASK_LEAVE:
      sh_media_room_leave (b->room, (guint64) t->account);
      g_hash_table_remove (b->in_room, &t->account);
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
    case TASK_ADD_TAP:
      if (!sh_media_room_add_tap (b->room, t->tap, &error))
        g_warning ("meeting %" G_GINT64_FORMAT ": tap not added: %s", b->meeting_id,
                   error->message);
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
    sh_worker_bridge_post_error (b->link, t->account, t->id, error);
  }
}

static void
run_task (ShWorkerBridge *link, gpointer data, gpointer task)
{
  Bridge *b = data;
  Task *t = task;

  /* Everything after the room closed, or before it could open, is moot. */
  if (b->room || t->kind == TASK_OPEN)
    run_on_room (t);
}

/* From the main thread: a task for the meeting's worker, to be completed
 * and handed over with task_run(). (transfer full) */
static Task *
task_new (Bridge *b, TaskKind kind, gint64 account, ShMediaLeg leg, const char *text, JsonNode *id)
{
  Task *t = g_new0 (Task, 1);

  t->bridge = b;
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
  sh_worker_bridge_run (t->bridge->link, run_task, t, task_free);
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

/* The account's socket gets media connections of its own. */
static void
queue_join (Bridge *b, gint64 account)
{
  Task *t = task_new (b, TASK_JOIN, account, SH_MEDIA_LEG_PUBLISH, NULL, NULL);

  t->generation = ++b->last_generation;
  generation_set (b->current, account, t->generation);
  task_run (t);
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
  b = g_new0 (Bridge, 1);
  b->server = server;
  b->meeting_id = sh_room_meeting_id (room);
  b->engine = server->media;
  b->current = generations_new ();
  b->in_room = generations_new ();
  /* A meeting is pinned to one worker for its whole life. */
  b->link = sh_worker_bridge_new (sh_media_engine_workers (server->media), deliver, b, bridge_free);
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
      queue_join (b, p->account_id);
      queue_forwarding (b, room, p->account_id);
      break;
    case SH_ROOM_EVENT_REPLACED:
      /* The new socket's page publishes and subscribes afresh. */
      queue (b, TASK_LEAVE, p->account_id, NULL, NULL);
      queue_join (b, p->account_id);
      queue_forwarding (b, room, p->account_id);
      break;
    case SH_ROOM_EVENT_LEFT:
    case SH_ROOM_EVENT_REMOVED:
      g_hash_table_remove (b->current, &p->account_id);
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
    case SH_ROOM_EVENT_MEDIA_LIVE:
    case SH_ROOM_EVENT_CAMERA_LIVE:
    case SH_ROOM_EVENT_CAMERA_IDLE:
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

void
sh_meeting_media_add_tap (ShServer *server, ShRoom *room, ShMediaTap *tap)
{
  Task *t = task_new (bridge_for (server, room), TASK_ADD_TAP, 0, SH_MEDIA_LEG_PUBLISH, NULL,
                      NULL);

  t->tap = sh_media_tap_ref (tap);
  task_run (t);
}

/* The participant the message comes from (ws.c's table let only
 * participants through, and checked the fields). */
static ShRoomParticipant *
sender (ShWsMessage *m, Bridge **bridge)
{
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);

  *bridge = bridge_for (m->client->server, room);
  return sh_rooms_participant_for_client (m->client->server->rooms, m->client);
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
