/* Coming into a meeting and going out of it: who may join (the attendee set,
 * visiting migrant members, approved guests, those with chair powers), the
 * join window and the meeting state, lock and removal, the snapshot a
 * joiner gets, leaving, disconnecting, and the room following the meeting's
 * state when it starts or ends.  SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"

#include "token.h"

#define INVITE_PURPOSE "invite"

/* ------------------------------------------------------------- leaving */

/* Closes a room nobody is in, unless its meeting is in progress: the chair
 * may come back to a running meeting and find it as it was. */
static void
close_if_idle (ShServer *server, ShRoom *room)
{
  if (sh_room_participants (room)->len == 0 && sh_room_state (room) != SH_MEETING_IN_PROGRESS)
    sh_rooms_close (server->rooms, room);
}

/* Takes @p out: the others are told (meeting.roster leave with @reason),
 * the room emits the event. @p is freed. @by: the participant, or 0 when
 * the socket dropped. */
static void
participant_out (ShServer *server, ShRoom *room, ShRoomParticipant *p, const char *reason,
                 gint64 by)
{
  sh_meeting_broadcast_roster (server, room, "leave", p, reason, p->client);
  sh_room_leave (room, p->account_id, reason, by);
}

void
sh_meeting_handle_leave (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  ShRoom *room = sh_rooms_of_client (m->client->server->rooms, m->client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting_id");
  json_builder_add_int_value (b, sh_room_meeting_id (room));
  sh_json_builder_add_string (b, "reason", "left");
  json_builder_end_object (b);
  participant_out (server, room, p, "left", p->account_id);
  close_if_idle (server, room);
  sh_ws_send (m->client, "meeting.left", m->id, b);
}

void
sh_meeting_detach (ShWsClient *client)
{
  ShRoom *room = sh_rooms_of_client (client->server->rooms, client);
  ShRoomParticipant *p = sh_rooms_participant_for_client (client->server->rooms, client);

  if (!room || !p)
    return;
  /* The socket is closed: it must not be written to any more. */
  sh_rooms_forget_client (client->server->rooms, client);
  participant_out (client->server, room, p, "disconnected", 0);
  close_if_idle (client->server, room);
}

/* ------------------------------------------------------ state changes */

void
sh_meeting_state_changed (ShServer *server, gint64 meeting_id, gint64 by_account)
{
  ShRoom *room = sh_rooms_lookup (server->rooms, meeting_id);
  g_autoptr (ShMeeting) meeting = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) everyone = NULL;
  const char *reason;

  if (!room)
    return;
  meeting = sh_meeting_get (server->store, meeting_id, &error);
  if (!meeting) {
    g_warning ("meeting %" G_GINT64_FORMAT " vanished under its room: %s", meeting_id,
               error->message);
    return;
  }
  if (!sh_room_set_state (room, meeting->state, by_account))
    return;
  sh_meeting_broadcast_state (server, room);
  if (meeting->state == SH_MEETING_OPEN || meeting->state == SH_MEETING_IN_PROGRESS)
    return;
  /* Over (ended, cancelled, archived): everyone out, the room closes. */
  reason = sh_meeting_state_to_string (meeting->state);
  /* Borrowed pointers: a g_ptr_array_copy() would inherit the room's free
   * function. */
  everyone = g_ptr_array_new ();
  for (guint i = 0; i < sh_room_participants (room)->len; i++)
    g_ptr_array_add (everyone, g_ptr_array_index (sh_room_participants (room), i));
  for (guint i = 0; i < everyone->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (everyone, i);
    sh_room_leave (room, p->account_id, reason, by_account);
  }
  sh_rooms_close (server->rooms, room);
}

/* ---------------------------------------------------------- who may join */

static void
send_refusal (ShWsMessage *m, const char *code, const char *message, gint64 opens_at)
{
  g_autoptr (JsonBuilder) p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", code);
  sh_json_builder_add_string (p, "message", message);
  if (opens_at)
    sh_json_builder_add_time (p, "opens_at", opens_at, m->client->server->tz);
  json_builder_end_object (p);
  sh_ws_send (m->client, "error", m->id, p);
}

/* The meeting the join names, by id or by invitation token; replies with
 * an error and returns NULL when there is none. (transfer full) */
static ShMeeting *
meeting_to_join (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = sh_meeting_payload_string (m, "token");
  gint64 id = sh_meeting_payload_int (m, "meeting_id", 0);
  ShMeeting *meeting;

  if (!id == !token) {
    sh_ws_send_error (m->client, m->id, "bad_request", "请提供“meeting_id”或邀请链接的“token”之一");
    return NULL;
  }
  if (token) {
    g_autofree char *subject
        = sh_token_verify (server->secret, token, INVITE_PURPOSE, g_get_real_time (), &error);
    guint64 parsed = 0;

    if (!subject) {
      if (g_error_matches (error, SH_TOKEN_ERROR, SH_TOKEN_ERROR_EXPIRED))
        sh_ws_send_error (m->client, m->id, "token_expired",
                          "邀请链接已过期，请向书记索取新的链接");
      else
        sh_ws_send_error (m->client, m->id, "token_invalid", "邀请链接无效");
      return NULL;
    }
    if (subject[0] != 'm'
        || !g_ascii_string_to_unsigned (subject + 1, 10, 1, G_MAXINT64, &parsed, NULL)) {
      sh_ws_send_error (m->client, m->id, "token_invalid", "邀请链接无效");
      return NULL;
    }
    id = (gint64) parsed;
  }
  meeting = sh_meeting_get (server->store, id, &error);
  if (!meeting) {
    if (g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND))
      sh_ws_send_error (m->client, m->id, "not_found", "会议不存在");
    else
      sh_ws_send_error (m->client, m->id, "internal", "服务器内部错误，请稍后重试");
  }
  return meeting;
}

static gboolean
in_attendee_set (ShServer *server, const ShMeeting *meeting, gint64 member_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) set
      = sh_rules_entitled_attendees (server->store, meeting->type, meeting->org_id, &error);

  if (!set)
    g_warning ("attendees of meeting %" G_GINT64_FORMAT ": %s", meeting->id, error->message);
  for (guint i = 0; set && i < set->len; i++)
    if (((ShMember *) g_ptr_array_index (set, i))->id == member_id)
      return TRUE;
  return FALSE;
}

/* Fills @who (name: transfer full) with the caller's place in @meeting.
 * FALSE: the caller has none. */
static gboolean
resolve_attendee (ShWsMessage *m, const ShMeeting *meeting, ShRoomParticipant *who)
{
  ShServer *server = m->client->server;
  const ShAccount *account = m->auth.account;
  g_autoptr (ShMember) member = NULL;
  gint64 branch = sh_org_branch_of (server->store, meeting->org_id);
  gboolean found = TRUE;

  if (account->member_id)
    member = sh_member_get (server->store, account->member_id, NULL);
  if (member && !member->active)
    g_clear_pointer (&member, sh_member_free);
  who->account_id = account->id;
  who->member_id = member ? member->id : 0;
  who->may_chair
      = (member
         && (member->id == meeting->chair_member_id
             || member->id == meeting->delegated_by_member_id))
        || sh_authz_check (server->store, m->auth.roles, SH_PERM_MANAGE_BRANCH, meeting->org_id);
  who->lecturer = member && member->id == meeting->lecturer_member_id;
  if (member && member->id == meeting->chair_member_id)
    who->role = SH_ROOM_ROLE_CHAIR;
  else if (who->lecturer)
    who->role = SH_ROOM_ROLE_LECTURER;
  else if (member && member->id == meeting->recorder_member_id)
    who->role = SH_ROOM_ROLE_RECORDER;
  else if (member && in_attendee_set (server, meeting, member->id))
    who->role = SH_ROOM_ROLE_MEMBER;
  else if (member && member->migrant && member->current_branch_id == branch
           && (meeting->type == SH_MEETING_GENERAL || meeting->type == SH_MEETING_LESSON
               || meeting->type == SH_MEETING_PARTY_DAY))
    who->role = SH_ROOM_ROLE_MIGRANT_VISITOR;
  else
    found = FALSE;
  /* 列席: approved for this meeting, or a secretary or administrator who is
   * not in the attendee set but may run the meeting. */
  if (!found
      && (who->may_chair
          || sh_meeting_guest_is_approved (server->store, meeting->id, account->id))) {
    who->role = SH_ROOM_ROLE_GUEST;
    found = TRUE;
  }
  if (!found)
    return FALSE;
  who->has_vote = member && who->role != SH_ROOM_ROLE_GUEST
                  && who->role != SH_ROOM_ROLE_MIGRANT_VISITOR
                  && sh_rules_has_vote (member, branch);
  who->name = g_strdup (member ? member->name : account->display_name);
  return TRUE;
}

static char *
format_local (ShServer *server, gint64 utc_us, const char *format)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (utc_us / G_USEC_PER_SEC);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, server->tz);

  return g_date_time_format (local, format);
}

/* Checks the meeting's state and the join window; opens a scheduled
 * meeting whose window has come. Replies and returns FALSE when the
 * meeting cannot be joined now. */
static gboolean
joinable_now (ShWsMessage *m, ShMeeting *meeting)
{
  ShServer *server = m->client->server;
  gint64 now = g_get_real_time ();
  gint64 opens
      = meeting->planned_start - (gint64) server->config->join_early_minutes * 60 * G_USEC_PER_SEC;
  g_autoptr (GError) error = NULL;

  switch (meeting->state) {
    case SH_MEETING_OPEN:
    case SH_MEETING_IN_PROGRESS:
      return TRUE;
    case SH_MEETING_CANCELLED: {
      g_autofree char *message
          = g_strdup_printf ("会议已取消%s%s", meeting->cancel_reason ? "：" : "",
                             meeting->cancel_reason ? meeting->cancel_reason : "");
      send_refusal (m, "cancelled", message, 0);
      return FALSE;
    }
    case SH_MEETING_ENDED:
    case SH_MEETING_ARCHIVED:
      send_refusal (m, "not_open", "会议已结束，不能再入会", 0);
      return FALSE;
    case SH_MEETING_SCHEDULED:
    default:
      break;
  }
  if (now < opens) {
    const char *zone = g_time_zone_get_identifier (server->tz);
    g_autofree char *when = format_local (server, opens, "%Y年%-m月%-d日 %H:%M");
    g_autofree char *start = format_local (server, meeting->planned_start, "%H:%M");
    g_autofree char *message
        = g_strdup_printf ("会议尚未开放入会，将于 %s（%s）开放，会议 %s 开始", when,
                           g_strcmp0 (zone, "Asia/Shanghai") == 0 ? "北京时间" : zone, start);
    send_refusal (m, "not_open", message, opens);
    return FALSE;
  }
  if (now >= meeting->planned_end) {
    send_refusal (m, "not_open", "会议的计划时间已过，主持人未开始会议，不能再入会", 0);
    return FALSE;
  }
  /* The window has come: the first to arrive opens the meeting. A race
   * with another opener leaves it open all the same. */
  if (!sh_meeting_transition (server->store, meeting->id, SH_MEETING_OPEN, NULL, &error)
      && !g_error_matches (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE)) {
    g_warning ("meeting %" G_GINT64_FORMAT " not opened: %s", meeting->id, error->message);
    sh_ws_send_error (m->client, m->id, "internal", "服务器内部错误，请稍后重试");
    return FALSE;
  }
  meeting->state = SH_MEETING_OPEN;
  return TRUE;
}

/* -------------------------------------------------------------- joining */

static void
send_joined (ShWsMessage *m, ShRoom *room, ShRoomParticipant *you)
{
  ShServer *server = m->client->server;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) chat = sh_meeting_chat_list (server->store, sh_room_meeting_id (room),
                                                     SH_MEETING_CHAT_HISTORY, &error);
  GPtrArray *roster = sh_room_participants (room);

  if (!chat)
    g_warning ("chat history of meeting %" G_GINT64_FORMAT ": %s", sh_room_meeting_id (room),
               error->message);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "meeting");
  sh_build_meeting (server, b, sh_room_meeting (room));
  json_builder_set_member_name (b, "you");
  sh_meeting_build_participant (b, server, you);
  json_builder_set_member_name (b, "roster");
  json_builder_begin_array (b);
  for (guint i = 0; i < roster->len; i++)
    sh_meeting_build_participant (b, server, g_ptr_array_index (roster, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "chat_history");
  json_builder_begin_array (b);
  for (guint i = 0; chat && i < chat->len; i++) {
    ShChatMessage *c = g_ptr_array_index (chat, i);
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_int_value (b, c->id);
    json_builder_set_member_name (b, "from");
    json_builder_add_int_value (b, c->account_id);
    sh_json_builder_add_string (b, "name", c->name);
    sh_json_builder_add_string (b, "text", c->text);
    sh_json_builder_add_time (b, "at", c->at, server->tz);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  sh_meeting_add_state_members (b, server, room);
  json_builder_set_member_name (b, "hands");
  sh_meeting_build_hands (b, server, room);
  json_builder_set_member_name (b, "floor");
  sh_meeting_build_floor (b, room);
  json_builder_end_object (b);
  sh_ws_send (m->client, "meeting.joined", m->id, b);
}

void
sh_meeting_handle_join (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  g_autoptr (ShMeeting) meeting = meeting_to_join (m);
  ShRoomParticipant who = { 0 };
  g_autofree char *name = NULL;
  ShRoom *room, *current;
  ShRoomParticipant *p, *before;
  ShWsClient *replaced = NULL;

  if (!meeting)
    return;
  if (!resolve_attendee (m, meeting, &who)) {
    sh_ws_send_error (m->client, m->id, "not_invited", "您不在本次会议的参会名单中，无法入会");
    return;
  }
  name = who.name;
  if (!joinable_now (m, meeting))
    return;
  room = sh_rooms_open (server->rooms, meeting);
  /* The store is the truth: a REST transition may have moved the meeting. */
  if (sh_room_state (room) != meeting->state) {
    sh_room_set_state (room, meeting->state, 0);
    sh_meeting_broadcast_state (server, room);
  }
  switch (sh_room_admits (room, who.account_id, who.may_chair)) {
    case SH_ROOM_ADMIT_REMOVED:
      sh_ws_send_error (m->client, m->id, "removed", "您已被主持人移出本次会议，不能再入会");
      close_if_idle (server, room);
      return;
    case SH_ROOM_ADMIT_LOCKED:
      sh_ws_send_error (m->client, m->id, "locked", "会议已锁定，暂不允许新的参会人进入");
      return;
    case SH_ROOM_ADMIT_OK:
    default:
      break;
  }
  /* One meeting per socket: joining another leaves the first. */
  current = sh_rooms_of_client (m->client->server->rooms, m->client);
  if (current && current != room) {
    participant_out (server, current,
                     sh_rooms_participant_for_client (m->client->server->rooms, m->client), "left",
                     m->client->account_id);
    close_if_idle (server, current);
  }
  before = sh_room_find (room, who.account_id);
  p = sh_room_join (room, &who, m->client, g_get_real_time (), &replaced);
  if (!before) {
    g_message ("account %" G_GINT64_FORMAT " joined meeting %" G_GINT64_FORMAT " as %s",
               who.account_id, meeting->id, sh_room_role_to_string (who.role));
    sh_meeting_broadcast_roster (server, room, "join", p, NULL, m->client);
  } else if (replaced) {
    g_autoptr (JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "meeting_id");
    json_builder_add_int_value (b, meeting->id);
    sh_json_builder_add_string (b, "message", "您已在其他设备或页面进入本次会议");
    json_builder_end_object (b);
    sh_ws_send (replaced, "meeting.replaced", NULL, b);
  }
  send_joined (m, room, p);
}
