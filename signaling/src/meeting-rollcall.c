/* Roll call (点名) in a live meeting: the chair starts one with a time
 * limit (meeting.rollcall.start), every member present is asked
 * (meeting.rollcall to their page), answers come from each member's own
 * socket (meeting.rollcall.answer), and the server's timer closes it at
 * the deadline. Members who come in while it is open are asked too; a
 * meeting that ends closes it. The rules and the record are minutes/'s
 * (rollcall.c); the chair's counts go out with the attendance panel.
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-attendance.h"

#include "json-util.h"

/* An open roll call of a meeting and the timer that closes it. */
typedef struct _State State;

typedef struct {
  State *state;
  gint64 meeting_id;
  gint64 rollcall_id;
  guint timer;
} Open;

/* A prompt to send once the joiner has their join reply. */
typedef struct {
  State *state;
  gint64 meeting_id;
  gint64 account_id;
  guint source;
} Prompt;

struct _State {
  ShServer *server;
  guint listener;
  GHashTable *open;   /* gint64 meeting id -> Open */
  GPtrArray *prompts; /* (element-type Prompt) waiting for their idle callback */
};

/* The servers' states, as in meeting-attendance.c. Main thread only. */
static GHashTable *states;

static State *
state_of (ShServer *server)
{
  return states ? g_hash_table_lookup (states, server) : NULL;
}

static void
open_free (gpointer data)
{
  Open *o = data;

  if (o->timer)
    g_source_remove (o->timer);
  g_free (o);
}

static void
prompt_free (gpointer data)
{
  Prompt *p = data;

  if (p->source)
    g_source_remove (p->source);
  g_free (p);
}

/* ------------------------------------------------------------ messages */

/* meeting.rollcall to @p: the roll call @r as their page shows it. */
static void
send_prompt (ShServer *server, const ShRoomParticipant *p, const ShRollcall *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const ShRollcallEntry *mine = NULL;
  g_autofree char *message = NULL;
  gboolean open = r->closed_at == 0;
  gint64 now = g_get_real_time ();

  if (!p->client || !p->member_id)
    return;
  for (guint i = 0; i < r->entries->len && !mine; i++) {
    const ShRollcallEntry *e = g_ptr_array_index (r->entries, i);

    if (e->member_id == p->member_id)
      mine = e;
  }
  if (!mine || !mine->asked_at)
    return;
  if (mine->answered_at)
    message = g_strdup ("您已签到");
  else if (open)
    message = g_strdup_printf ("点名：请在 %u 秒内点击签到", r->seconds);
  else
    message = g_strdup ("点名已结束，您未签到");
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "meeting_id", r->meeting_id);
  json_builder_set_member_name (b, "rollcall_id");
  json_builder_add_int_value (b, r->id);
  json_builder_set_member_name (b, "open");
  json_builder_add_boolean_value (b, open);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_int_value (b, r->seconds);
  sh_json_builder_add_time (b, "deadline", r->deadline, server->tz);
  json_builder_set_member_name (b, "remaining_ms");
  json_builder_add_int_value (b, open ? MAX (0, (r->deadline - now) / 1000) : 0);
  json_builder_set_member_name (b, "answered");
  json_builder_add_boolean_value (b, mine->answered_at != 0);
  sh_json_builder_add_time (b, "answered_at", mine->answered_at, server->tz);
  sh_json_builder_add_string (b, "message", message);
  json_builder_end_object (b);
  sh_ws_send (p->client, "meeting.rollcall", NULL, b);
}

/* The roll call as the store has it now, or NULL (logged). (transfer full) */
static ShRollcall *
load (ShServer *server, gint64 rollcall_id)
{
  g_autoptr (GError) error = NULL;
  ShRollcall *r = sh_rollcall_get (server->store, rollcall_id, &error);

  if (!r)
    g_warning ("roll call %" G_GINT64_FORMAT ": %s", rollcall_id, error->message);
  return r;
}

/* Everyone asked in @room gets the roll call's state. */
static void
prompt_everyone (ShServer *server, ShRoom *room, gint64 rollcall_id)
{
  g_autoptr (ShRollcall) r = load (server, rollcall_id);
  GPtrArray *participants = sh_room_participants (room);

  for (guint i = 0; r && i < participants->len; i++)
    send_prompt (server, g_ptr_array_index (participants, i), r);
}

/* Closes the meeting's open roll call now; tells the room when there is
 * one (@room nullable: it is going away). */
static void
close_open (State *state, gint64 meeting_id, ShRoom *room)
{
  Open *o = g_hash_table_lookup (state->open, &meeting_id);
  g_autoptr (GError) error = NULL;
  gint64 id;

  if (!o)
    return;
  id = o->rollcall_id;
  /* Frees @o and removes its timer. */
  g_hash_table_remove (state->open, &meeting_id);
  if (!sh_rollcall_close (state->server->store, id, g_get_real_time (), &error)) {
    g_warning ("roll call %" G_GINT64_FORMAT " close: %s", id, error->message);
    return;
  }
  g_message ("roll call %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT " closed", id,
             meeting_id);
  if (room) {
    prompt_everyone (state->server, room, id);
    sh_meeting_attendance_changed (state->server, meeting_id);
  }
}

static gboolean
deadline_reached (gpointer data)
{
  Open *o = data;
  State *state = o->state;
  gint64 meeting_id = o->meeting_id;

  o->timer = 0;
  close_open (state, meeting_id, sh_rooms_lookup (state->server->rooms, meeting_id));
  return G_SOURCE_REMOVE;
}

static void
reply_gerror (ShWsMessage *m, const GError *error, const char *conflict_code)
{
  static const struct {
    ShMinutesError code;
    const char *ws_code;
  } codes[] = {
    { SH_MINUTES_ERROR_STATE, "invalid_state" },
    { SH_MINUTES_ERROR_INVALID, "bad_request" },
    { SH_MINUTES_ERROR_NOT_FOUND, "unknown_rollcall" },
  };

  if (error->domain == SH_MINUTES_ERROR) {
    if (error->code == SH_MINUTES_ERROR_CONFLICT) {
      sh_ws_send_error (m->client, m->id, conflict_code, error->message);
      return;
    }
    for (gsize i = 0; i < G_N_ELEMENTS (codes); i++) {
      if (error->code == (gint) codes[i].code) {
        sh_ws_send_error (m->client, m->id, codes[i].ws_code, error->message);
        return;
      }
    }
  }
  g_warning ("roll call: %s", error->message);
  sh_ws_send_error (m->client, m->id, "internal", "服务器内部错误，请稍后重试");
}

static void
handle_start (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  State *state = state_of (server);
  ShRoom *room = sh_rooms_of_client (server->rooms, m->client);
  GPtrArray *participants = sh_room_participants (room);
  guint seconds = (guint) sh_meeting_payload_int (m, "seconds", SH_ROLLCALL_DEFAULT_SECONDS);
  g_autoptr (GArray) present = g_array_new (FALSE, TRUE, sizeof (ShRollcallPresent));
  g_autoptr (GError) error = NULL;
  gint64 meeting_id = sh_room_meeting_id (room);
  gint64 now = g_get_real_time ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  Open *o;
  gint64 id;

  for (guint i = 0; i < participants->len; i++) {
    const ShRoomParticipant *p = g_ptr_array_index (participants, i);
    ShRollcallPresent one = { p->member_id, p->account_id, p->name };

    if (p->client && p->member_id)
      g_array_append_val (present, one);
  }
  id = sh_rollcall_start (server->store, meeting_id, m->client->account_id, seconds, now,
                          (ShRollcallPresent *) present->data, present->len, &error);
  if (!id) {
    reply_gerror (m, error, "rollcall_open");
    return;
  }
  g_message ("roll call %" G_GINT64_FORMAT " of meeting %" G_GINT64_FORMAT
             " started by account %" G_GINT64_FORMAT " for %u s",
             id, meeting_id, m->client->account_id, seconds);
  o = g_new0 (Open, 1);
  o->state = state;
  o->meeting_id = meeting_id;
  o->rollcall_id = id;
  o->timer = g_timeout_add (seconds * 1000, deadline_reached, o);
  g_hash_table_replace (state->open, &o->meeting_id, o);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rollcall_id");
  json_builder_add_int_value (b, id);
  json_builder_end_object (b);
  sh_ws_send (m->client, "meeting.ok", m->id, b);
  prompt_everyone (server, room, id);
  sh_meeting_attendance_changed (server, meeting_id);
}

static void
handle_answer (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  State *state = state_of (server);
  ShRoom *room = sh_rooms_of_client (server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (server->rooms, m->client);
  gint64 meeting_id = sh_room_meeting_id (room);
  gint64 id = sh_meeting_payload_int (m, "rollcall_id", 0);
  Open *o = g_hash_table_lookup (state->open, &meeting_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShRollcall) r = NULL;

  /* Only this room's roll call, and only the member's own answer: the
   * socket is theirs, nobody answers for someone else (no 代签). */
  if (!o || o->rollcall_id != id) {
    g_autoptr (ShRollcall) other = sh_rollcall_get (server->store, id, NULL);

    if (other && other->meeting_id == meeting_id)
      sh_ws_send_error (m->client, m->id, "invalid_state", "本次点名已结束");
    else
      sh_ws_send_error (m->client, m->id, "unknown_rollcall", "没有这次点名");
    return;
  }
  if (!p->member_id) {
    sh_ws_send_error (m->client, m->id, "bad_request", "只有党员参加点名");
    return;
  }
  if (!sh_rollcall_answer (server->store, id, p->member_id, g_get_real_time (), &error)) {
    reply_gerror (m, error, "already_answered");
    return;
  }
  sh_meeting_reply_ok (m);
  if ((r = load (server, id)))
    send_prompt (server, p, r);
  sh_meeting_attendance_changed (server, meeting_id);
}

/* ---------------------------------------------------------- room events */

static gboolean
prompt_fire (gpointer data)
{
  Prompt *prompt = data;
  State *state = prompt->state;
  ShRoom *room = sh_rooms_lookup (state->server->rooms, prompt->meeting_id);
  Open *o = g_hash_table_lookup (state->open, &prompt->meeting_id);
  ShRoomParticipant *p = room ? sh_room_find (room, prompt->account_id) : NULL;

  prompt->source = 0;
  if (p && o) {
    g_autoptr (ShRollcall) r = load (state->server, o->rollcall_id);

    if (r)
      send_prompt (state->server, p, r);
  }
  /* Frees @prompt. */
  g_ptr_array_remove_fast (state->prompts, prompt);
  return G_SOURCE_REMOVE;
}

static void
prompt_later (State *state, gint64 meeting_id, gint64 account_id)
{
  Prompt *prompt = g_new0 (Prompt, 1);

  prompt->state = state;
  prompt->meeting_id = meeting_id;
  prompt->account_id = account_id;
  prompt->source = g_idle_add (prompt_fire, prompt);
  g_ptr_array_add (state->prompts, prompt);
}

static void
on_event (ShRoom *room, const ShRoomEvent *event, gpointer user_data)
{
  State *state = user_data;
  gint64 meeting_id = event->meeting_id;
  Open *o = g_hash_table_lookup (state->open, &meeting_id);
  const ShRoomParticipant *p = event->participant;

  if (!o)
    return;
  switch (event->kind) {
    case SH_ROOM_EVENT_JOINED:
      if (p->member_id) {
        ShRollcallPresent who = { p->member_id, p->account_id, p->name };
        g_autoptr (GError) error = NULL;

        if (!sh_rollcall_ask (state->server->store, o->rollcall_id, &who, event->at, NULL, &error))
          g_message ("roll call %" G_GINT64_FORMAT ": not asking account %" G_GINT64_FORMAT ": %s",
                     o->rollcall_id, p->account_id, error->message);
        else
          prompt_later (state, meeting_id, p->account_id);
      }
      break;
    case SH_ROOM_EVENT_REPLACED:
      if (p->member_id)
        prompt_later (state, meeting_id, p->account_id);
      break;
    case SH_ROOM_EVENT_STATE:
      if (event->state != SH_MEETING_IN_PROGRESS)
        close_open (state, meeting_id, room);
      break;
    case SH_ROOM_EVENT_CLOSING:
      close_open (state, meeting_id, NULL);
      break;
    default:
      break;
  }
}

/* ---------------------------------------------------------------- setup */

static const ShWsField start_fields[]
    = { { "seconds", SH_WS_FIELD_INT, FALSE, SH_ROLLCALL_MAX_SECONDS }, { NULL } };
static const ShWsField answer_fields[]
    = { { "rollcall_id", SH_WS_FIELD_INT, TRUE, G_MAXINT64 }, { NULL } };

static const ShWsMessageDef rollcall_messages[] = {
  { "meeting.rollcall.start", handle_start, SH_WS_CHAIR, SH_WS_KIND_CHAIR, start_fields },
  { "meeting.rollcall.answer", handle_answer, SH_WS_PARTICIPANT, SH_WS_KIND_HAND, answer_fields },
  { NULL },
};

const ShWsProtocol sh_rollcall_protocol = {
  .messages = rollcall_messages,
  .socket_closed = NULL,
};

static void
state_free (State *state)
{
  g_hash_table_unref (state->open);
  g_ptr_array_unref (state->prompts);
  g_free (state);
}

static void
on_stop (ShServer *server, gpointer data)
{
  State *state = state_of (server);

  if (!state)
    return;
  sh_rooms_unsubscribe (server->rooms, state->listener);
  g_hash_table_remove (states, server);
  if (g_hash_table_size (states) == 0)
    g_clear_pointer (&states, g_hash_table_unref);
}

void
sh_meeting_rollcall_attach (ShServer *server)
{
  State *state = g_new0 (State, 1);
  g_autoptr (GError) error = NULL;
  int closed;

  /* Roll calls a stopped server left open: their rooms are gone, and so
   * are the sockets that could answer. */
  closed = sh_rollcall_close_all (server->store, 0, g_get_real_time (), &error);
  if (closed < 0)
    g_warning ("closing roll calls left open: %s", error->message);
  else if (closed > 0)
    g_message ("closed %d roll call(s) left open by the last run", closed);
  if (!states)
    states
        = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) state_free);
  state->server = server;
  state->open = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, open_free);
  state->prompts = g_ptr_array_new_with_free_func (prompt_free);
  state->listener = sh_rooms_subscribe (server->rooms, on_event, state, NULL);
  g_hash_table_insert (states, server, state);
  sh_server_on_stop (server, on_stop, NULL);
}
