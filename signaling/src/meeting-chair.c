/* The chair's commands: start and end, mute one or all, remove, lock,
 * lesson mode, and the floor. ws.c lets only participants with chair powers
 * reach these handlers; they change the room, record the event and tell
 * everyone, then reply meeting.ok.  SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"

/* The participant named by the payload's "participant"; replies and
 * returns NULL when they are not in the room, or are the chair themself
 * and @self_ok is FALSE. (transfer none) */
static ShRoomParticipant *
target (ShWsMessage *m, ShRoom *room, gboolean self_ok)
{
  gint64 id = sh_meeting_payload_int (m, "participant", 0);
  ShRoomParticipant *p = sh_room_find (room, id);

  if (!p) {
    sh_ws_send_error (m->client, m->id, "unknown_participant", "该参会人不在会议中");
    return NULL;
  }
  if (!self_ok && p->account_id == m->client->account_id) {
    sh_ws_send_error (m->client, m->id, "invalid_target", "不能对自己执行此操作");
    return NULL;
  }
  return p;
}

/* Tells @p directly that the chair changed their mute, so that the page
 * turns the microphone or camera off (the server has stopped forwarding). */
static void
notify_muted (ShServer *server, ShRoom *room, ShRoomParticipant *p, const ShRoomParticipant *by)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  static const guint bits[] = { SH_ROOM_AUDIO, SH_ROOM_VIDEO };

  if (!p->client)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  for (gsize i = 0; i < G_N_ELEMENTS (bits); i++) {
    json_builder_set_member_name (b, sh_meeting_media_name (bits[i]));
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "muted");
    json_builder_add_boolean_value (b, ((p->self_muted | p->chair_muted) & bits[i]) != 0);
    json_builder_set_member_name (b, "by_chair");
    json_builder_add_boolean_value (b, (p->chair_muted & bits[i]) != 0);
    json_builder_end_object (b);
  }
  sh_json_builder_add_string (b, "by", by->name);
  json_builder_end_object (b);
  sh_ws_send (p->client, "meeting.muted", NULL, b);
}

/* Broadcasts and notifies a change of @p's chair mute from
 * @before_bits. */
static void
announce_chair_mute (ShServer *server, ShRoom *room, ShRoomParticipant *p, guint before_bits,
                     const ShRoomParticipant *chair)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  guint muted = p->chair_muted & ~before_bits;
  guint unmuted = before_bits & ~p->chair_muted;

  if (!muted && !unmuted)
    return;
  g_ptr_array_add (one, p);
  sh_meeting_broadcast_updates (server, room, one);
  notify_muted (server, room, p, chair);
}

static void
transition (ShWsMessage *m, ShMeetingState to)
{
  ShServer *server = m->client->server;
  gint64 id = sh_room_meeting_id (sh_rooms_of_client (m->client->server->rooms, m->client));
  g_autoptr (GError) error = NULL;

  if (!sh_meeting_transition (server->store, id, to, NULL, &error)) {
    if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE)) {
      sh_ws_send_error (m->client, m->id, "invalid_state", error->message);
    } else {
      g_warning ("meeting %" G_GINT64_FORMAT " transition: %s", id, error->message);
      sh_ws_send_error (m->client, m->id, "internal", "服务器内部错误，请稍后重试");
    }
    return;
  }
  g_message ("meeting %" G_GINT64_FORMAT " -> %s by account %" G_GINT64_FORMAT " in the room", id,
             sh_meeting_state_to_string (to), m->client->account_id);
  /* May close the room (end): nothing of it is used after this. */
  sh_meeting_state_changed (server, id, m->client->account_id);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_start (ShWsMessage *m)
{
  transition (m, SH_MEETING_IN_PROGRESS);
}

void
sh_meeting_handle_end (ShWsMessage *m)
{
  transition (m, SH_MEETING_ENDED);
}

void
sh_meeting_handle_chair_mute (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *chair = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p;
  guint before;

  if (!sh_meeting_payload_has (m, "audio") && !sh_meeting_payload_has (m, "video")) {
    sh_ws_send_error (m->client, m->id, "bad_request", "请提供字段“audio”或“video”");
    return;
  }
  if (!(p = target (m, room, FALSE)))
    return;
  before = p->chair_muted;
  if (sh_meeting_payload_has (m, "audio"))
    sh_room_set_chair_mute (room, p, SH_ROOM_AUDIO, sh_meeting_payload_bool (m, "audio", FALSE),
                            chair->account_id);
  if (sh_meeting_payload_has (m, "video"))
    sh_room_set_chair_mute (room, p, SH_ROOM_VIDEO, sh_meeting_payload_bool (m, "video", FALSE),
                            chair->account_id);
  announce_chair_mute (server, room, p, before, chair);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_chair_mute_all (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *chair = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  gboolean muted = sh_meeting_payload_bool (m, "audio", FALSE);
  gboolean flag_changed = !sh_room_all_muted (room) != !muted;
  g_autoptr (GPtrArray) changed = sh_room_mute_all (room, muted, chair->account_id);

  for (guint i = 0; i < changed->len; i++)
    notify_muted (server, room, g_ptr_array_index (changed, i), chair);
  sh_meeting_broadcast_updates (server, room, changed);
  if (flag_changed)
    sh_meeting_broadcast_state (server, room);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_chair_remove (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *chair = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  g_autofree char *reason = sh_meeting_payload_string (m, "reason");
  ShRoomParticipant *p;

  if (!(p = target (m, room, FALSE)))
    return;
  if (p->client) {
    g_autoptr (JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "meeting_id");
    json_builder_add_int_value (b, sh_room_meeting_id (room));
    sh_json_builder_add_string (b, "reason", reason);
    sh_json_builder_add_string (b, "by", chair->name);
    sh_json_builder_add_string (b, "message", "您已被主持人移出会议");
    json_builder_end_object (b);
    sh_ws_send (p->client, "meeting.removed", NULL, b);
  }
  sh_meeting_broadcast_roster (server, room, "leave", p, "removed", p->client);
  g_message ("account %" G_GINT64_FORMAT " removed from meeting %" G_GINT64_FORMAT
             " by account %" G_GINT64_FORMAT,
             p->account_id, sh_room_meeting_id (room), chair->account_id);
  sh_room_remove (room, p->account_id, reason, chair->account_id);
  sh_meeting_reply_ok (m);
}

/* A room-wide switch of the chair's (lock, lesson mode): when it changes,
 * everyone gets the new state. */
static void
set_room_switch (ShWsMessage *m, const char *field, gboolean (*set) (ShRoom *, gboolean, gint64))
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *chair = sh_rooms_participant_for_client (m->client->server->rooms, m->client);

  if (set (room, sh_meeting_payload_bool (m, field, FALSE), chair->account_id))
    sh_meeting_broadcast_state (server, room);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_chair_lock (ShWsMessage *m)
{
  set_room_switch (m, "locked", sh_room_set_locked);
}

void
sh_meeting_handle_chair_lesson_mode (ShWsMessage *m)
{
  set_room_switch (m, "enabled", sh_room_set_lesson_mode);
}

/* Giving and taking the floor may also move the hand queue and the chair's
 * mute (room.h): each change is told. */
static void
floor_command (ShWsMessage *m, gboolean give)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *chair = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p;
  gint64 hand_before;
  guint mute_before;
  gboolean changed;

  /* The chair may give the floor to themself: in lesson mode that is how
   * the chair speaks. */
  if (!(p = target (m, room, TRUE)))
    return;
  hand_before = p->hand_raised_at;
  mute_before = p->chair_muted;
  changed = give ? sh_room_give_floor (room, p, chair->account_id)
                 : sh_room_take_floor (room, p, chair->account_id);
  if (changed)
    sh_meeting_broadcast_floor (server, room);
  if (hand_before && !p->hand_raised_at)
    sh_meeting_broadcast_hands (server, room);
  announce_chair_mute (server, room, p, mute_before, chair);
  sh_meeting_reply_ok (m);
}

void
sh_meeting_handle_chair_floor_give (ShWsMessage *m)
{
  floor_command (m, TRUE);
}

void
sh_meeting_handle_chair_floor_take (ShWsMessage *m)
{
  floor_command (m, FALSE);
}
