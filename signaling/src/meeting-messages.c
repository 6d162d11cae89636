/* The participants' own messages in a meeting — chat, self mute, raising
 * and lowering a hand — and the JSON, broadcast and event-log helpers that
 * every meeting file shares (meeting-private.h).
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"

/* ------------------------------------------------------------ payloads */

gboolean
sh_meeting_payload_has (ShWsMessage *m, const char *field)
{
  JsonNode *node = json_object_get_member (m->payload, field);

  return node && !JSON_NODE_HOLDS_NULL (node);
}

gint64
sh_meeting_payload_int (ShWsMessage *m, const char *field, gint64 fallback)
{
  return sh_meeting_payload_has (m, field) ? json_object_get_int_member (m->payload, field)
                                           : fallback;
}

gboolean
sh_meeting_payload_bool (ShWsMessage *m, const char *field, gboolean fallback)
{
  return sh_meeting_payload_has (m, field) ? json_object_get_boolean_member (m->payload, field)
                                           : fallback;
}

char *
sh_meeting_payload_string (ShWsMessage *m, const char *field)
{
  char *s;

  if (!sh_meeting_payload_has (m, field))
    return NULL;
  s = g_strstrip (g_strdup (json_object_get_string_member (m->payload, field)));
  if (!*s)
    g_clear_pointer (&s, g_free);
  return s;
}

void
sh_meeting_reply_ok (ShWsMessage *m)
{
  sh_ws_send (m->client, "meeting.ok", m->id, NULL);
}

const char *
sh_meeting_media_name (guint bit)
{
  return bit == SH_ROOM_VIDEO ? "video" : "audio";
}

/* ---------------------------------------------------------------- JSON */

static void
add_media_state (JsonBuilder *b, const char *name, const ShRoomParticipant *p, guint bit)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "muted");
  json_builder_add_boolean_value (b, ((p->self_muted | p->chair_muted) & bit) != 0);
  json_builder_set_member_name (b, "by_chair");
  json_builder_add_boolean_value (b, (p->chair_muted & bit) != 0);
  json_builder_end_object (b);
}

void
sh_meeting_build_participant (JsonBuilder *b, ShServer *server, const ShRoomParticipant *p)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "participant");
  json_builder_add_int_value (b, p->account_id);
  sh_json_builder_add_id (b, "member_id", p->member_id);
  sh_json_builder_add_string (b, "name", p->name);
  sh_json_builder_add_string (b, "role", sh_room_role_to_string (p->role));
  sh_json_builder_add_string (b, "role_label", sh_room_role_label (p->role));
  json_builder_set_member_name (b, "has_vote");
  json_builder_add_boolean_value (b, p->has_vote);
  json_builder_set_member_name (b, "chair");
  json_builder_add_boolean_value (b, p->may_chair);
  json_builder_set_member_name (b, "lecturer");
  json_builder_add_boolean_value (b, p->lecturer);
  sh_json_builder_add_time (b, "joined_at", p->joined_at, server->tz);
  add_media_state (b, "audio", p, SH_ROOM_AUDIO);
  add_media_state (b, "video", p, SH_ROOM_VIDEO);
  json_builder_end_object (b);
}

void
sh_meeting_build_hands (JsonBuilder *b, ShServer *server, ShRoom *room)
{
  g_autoptr (GPtrArray) hands = sh_room_hands (room);

  json_builder_begin_array (b);
  for (guint i = 0; i < hands->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (hands, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "participant");
    json_builder_add_int_value (b, p->account_id);
    sh_json_builder_add_string (b, "name", p->name);
    sh_json_builder_add_time (b, "at", p->hand_raised_at, server->tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

void
sh_meeting_build_floor (JsonBuilder *b, ShRoom *room)
{
  g_autoptr (GPtrArray) floor = sh_room_floor (room);

  json_builder_begin_array (b);
  for (guint i = 0; i < floor->len; i++)
    json_builder_add_int_value (b,
                                ((ShRoomParticipant *) g_ptr_array_index (floor, i))->account_id);
  json_builder_end_array (b);
}

void
sh_meeting_add_state_members (JsonBuilder *b, ShServer *server, ShRoom *room)
{
  const ShMeeting *meeting = sh_room_meeting (room);

  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  sh_json_builder_add_string (b, "state", sh_meeting_state_to_string (sh_room_state (room)));
  sh_json_builder_add_string (b, "state_label", sh_meeting_state_label (sh_room_state (room)));
  json_builder_set_member_name (b, "locked");
  json_builder_add_boolean_value (b, sh_room_locked (room));
  json_builder_set_member_name (b, "lesson_mode");
  json_builder_add_boolean_value (b, sh_room_lesson_mode (room));
  json_builder_set_member_name (b, "all_muted");
  json_builder_add_boolean_value (b, sh_room_all_muted (room));
  /* Recording follows the meeting's state and type (meeting-recording.c). */
  json_builder_set_member_name (b, "recording");
  json_builder_add_boolean_value (
      b, meeting != NULL && sh_room_state (room) == SH_MEETING_IN_PROGRESS
             && sh_config_records_meeting_type (server->config,
                                                sh_meeting_type_to_string (meeting->type)));
}

/* ----------------------------------------------------------- broadcast */

void
sh_meeting_broadcast (ShRoom *room, const char *type, JsonNode *payload, ShWsClient *except)
{
  GPtrArray *participants = sh_room_participants (room);

  for (guint i = 0; i < participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (participants, i);
    if (p->client && p->client != except)
      sh_ws_send_node (p->client, type, NULL, payload);
  }
}

static void
broadcast_builder (ShRoom *room, const char *type, JsonBuilder *b, ShWsClient *except)
{
  g_autoptr (JsonNode) node = json_builder_get_root (b);

  sh_meeting_broadcast (room, type, node, except);
}

static void
broadcast_roster (ShServer *server, ShRoom *room, const char *op, GPtrArray *participants,
                  const char *reason, ShWsClient *except)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  sh_json_builder_add_string (b, "op", op);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  for (guint i = 0; i < participants->len; i++)
    sh_meeting_build_participant (b, server, g_ptr_array_index (participants, i));
  json_builder_end_array (b);
  if (reason)
    sh_json_builder_add_string (b, "reason", reason);
  json_builder_end_object (b);
  broadcast_builder (room, "meeting.roster", b, except);
}

void
sh_meeting_broadcast_roster (ShServer *server, ShRoom *room, const char *op, ShRoomParticipant *p,
                             const char *reason, ShWsClient *except)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, p);
  broadcast_roster (server, room, op, one, reason, except);
}

void
sh_meeting_broadcast_updates (ShServer *server, ShRoom *room, GPtrArray *participants)
{
  if (participants->len > 0)
    broadcast_roster (server, room, "update", participants, NULL, NULL);
}

void
sh_meeting_broadcast_state (ShServer *server, ShRoom *room)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  sh_meeting_add_state_members (b, server, room);
  json_builder_end_object (b);
  broadcast_builder (room, "meeting.state", b, NULL);
}

void
sh_meeting_broadcast_hands (ShServer *server, ShRoom *room)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  json_builder_set_member_name (b, "hands");
  sh_meeting_build_hands (b, server, room);
  json_builder_end_object (b);
  broadcast_builder (room, "meeting.hands", b, NULL);
}

void
sh_meeting_broadcast_floor (ShServer *server, ShRoom *room)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  json_builder_set_member_name (b, "floor");
  sh_meeting_build_floor (b, room);
  json_builder_end_object (b);
  broadcast_builder (room, "meeting.floor", b, NULL);
}

/* ------------------------------------------------------------ handlers */

void
sh_meeting_handle_chat (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  g_autofree char *text = sh_meeting_payload_string (m, "text");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  gint64 at = g_get_real_time ();
  gint64 id;

  id = sh_meeting_chat_append (server->store, sh_room_meeting_id (room), p->account_id,
                               p->member_id, text, at, &error);
  if (!id) {
    if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID)) {
      sh_ws_send_error (m->client, m->id, "bad_request", error->message);
    } else {
      g_warning ("meeting chat not stored: %s", error->message);
      sh_ws_send_error (m->client, m->id, "internal", "服务器内部错误，请稍后重试");
    }
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, id);
  json_builder_set_member_name (b, "from");
  json_builder_add_int_value (b, p->account_id);
  sh_json_builder_add_string (b, "name", p->name);
  sh_json_builder_add_string (b, "text", text);
  sh_json_builder_add_time (b, "at", at, server->tz);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  sh_meeting_broadcast (room, "meeting.chat", node, NULL);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_mute (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  static const struct {
    const char *field;
    guint bit;
  } kinds[] = { { "audio", SH_ROOM_AUDIO }, { "video", SH_ROOM_VIDEO } };
  g_autoptr (GPtrArray) updated = g_ptr_array_new ();
  guint changed = 0;

  if (!sh_meeting_payload_has (m, "audio") && !sh_meeting_payload_has (m, "video")) {
    sh_ws_send_error (m->client, m->id, "bad_request", "请提供字段“audio”或“video”");
    return;
  }
  /* All or nothing: refuse before changing anything. */
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++) {
    if (sh_meeting_payload_has (m, kinds[i].field)
        && !sh_meeting_payload_bool (m, kinds[i].field, TRUE) && (p->chair_muted & kinds[i].bit)) {
      sh_ws_send_error (m->client, m->id, "muted_by_chair", "主持人已将您静音，请举手申请发言");
      return;
    }
  }
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++) {
    gboolean muted;
    guint bits;

    if (!sh_meeting_payload_has (m, kinds[i].field))
      continue;
    muted = sh_meeting_payload_bool (m, kinds[i].field, FALSE);
    bits = sh_room_set_self_mute (room, p, kinds[i].bit, muted);
    changed |= bits;
  }
  if (changed) {
    g_ptr_array_add (updated, p);
    sh_meeting_broadcast_updates (server, room, updated);
  }
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_hand_raise (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);

  if (sh_room_raise_hand (room, p, g_get_real_time ()))
    sh_meeting_broadcast_hands (server, room);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_hand_lower (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);

  if (sh_room_lower_hand (room, p, p->account_id))
    sh_meeting_broadcast_hands (server, room);
  sh_meeting_reply_ok (m);
}
