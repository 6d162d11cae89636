/* The meeting protocol's message table (docs/protocol.md, "Meeting
 * protocol"): for each message its handler, who may send it, which of the
 * account's buckets it costs from and its payload's schema, together. The
 * assembly (app.c) hands the table to the WebSocket transport at start and
 * attaches the meeting layer to the server.
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"

#define ID_MAX G_MAXINT64

static const ShWsField join_fields[] = { { "meeting_id", SH_WS_FIELD_INT, FALSE, ID_MAX },
                                         { "token", SH_WS_FIELD_STRING, FALSE, 512 },
                                         { NULL } };
static const ShWsField chat_fields[]
    = { { "text", SH_WS_FIELD_STRING, TRUE, SH_MEETING_CHAT_MAX_CHARS }, { NULL } };
static const ShWsField mute_fields[]
    = { { "audio", SH_WS_FIELD_BOOL, FALSE }, { "video", SH_WS_FIELD_BOOL, FALSE }, { NULL } };
static const ShWsField chair_mute_fields[] = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX },
                                               { "audio", SH_WS_FIELD_BOOL, FALSE },
                                               { "video", SH_WS_FIELD_BOOL, FALSE },
                                               { NULL } };
static const ShWsField mute_all_fields[] = { { "audio", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField remove_fields[] = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX },
                                           { "reason", SH_WS_FIELD_STRING, FALSE, 200 },
                                           { NULL } };
static const ShWsField lock_fields[] = { { "locked", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField lesson_fields[] = { { "enabled", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField participant_fields[]
    = { { "participant", SH_WS_FIELD_INT, TRUE, ID_MAX }, { NULL } };
static const ShWsField sdp_fields[] = { { "sdp", SH_WS_FIELD_STRING, TRUE, 60 * 1024 }, { NULL } };
static const ShWsField publish_fields[] = { { "sdp", SH_WS_FIELD_STRING, TRUE, 60 * 1024 },
                                            { "screen_mid", SH_WS_FIELD_STRING, FALSE, 16 },
                                            { NULL } };
static const ShWsField receive_fields[] = { { "camera", SH_WS_FIELD_BOOL, TRUE }, { NULL } };
static const ShWsField candidate_fields[] = { { "leg", SH_WS_FIELD_STRING, TRUE, 16 },
                                              { "candidate", SH_WS_FIELD_STRING, FALSE, 1024 },
                                              { NULL } };

static const ShWsMessageDef meeting_messages[] = {
  { "meeting.join", sh_meeting_handle_join, SH_WS_ANYONE, SH_WS_KIND_JOIN, join_fields },
  { "meeting.leave", sh_meeting_handle_leave, SH_WS_PARTICIPANT, SH_WS_KIND_JOIN, NULL },
  { "meeting.chat", sh_meeting_handle_chat, SH_WS_PARTICIPANT, SH_WS_KIND_CHAT, chat_fields },
  { "meeting.mute", sh_meeting_handle_mute, SH_WS_PARTICIPANT, SH_WS_KIND_MUTE, mute_fields },
  { "meeting.hand.raise", sh_meeting_handle_hand_raise, SH_WS_PARTICIPANT, SH_WS_KIND_HAND, NULL },
  { "meeting.hand.lower", sh_meeting_handle_hand_lower, SH_WS_PARTICIPANT, SH_WS_KIND_HAND, NULL },
  { "meeting.start", sh_meeting_handle_start, SH_WS_CHAIR, SH_WS_KIND_CHAIR, NULL },
  { "meeting.end", sh_meeting_handle_end, SH_WS_CHAIR, SH_WS_KIND_CHAIR, NULL },
  { "meeting.chair.mute", sh_meeting_handle_chair_mute, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    chair_mute_fields },
  { "meeting.chair.mute_all", sh_meeting_handle_chair_mute_all, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    mute_all_fields },
  { "meeting.chair.remove", sh_meeting_handle_chair_remove, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    remove_fields },
  { "meeting.chair.lock", sh_meeting_handle_chair_lock, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    lock_fields },
  { "meeting.chair.lesson_mode", sh_meeting_handle_chair_lesson_mode, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    lesson_fields },
  { "meeting.chair.floor.give", sh_meeting_handle_chair_floor_give, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    participant_fields },
  { "meeting.chair.floor.take", sh_meeting_handle_chair_floor_take, SH_WS_CHAIR, SH_WS_KIND_CHAIR,
    participant_fields },
  { "meeting.publish", sh_meeting_handle_publish, SH_WS_PARTICIPANT, SH_WS_KIND_SIGNALING,
    publish_fields },
  { "meeting.subscribe.answer", sh_meeting_handle_subscribe_answer, SH_WS_PARTICIPANT,
    SH_WS_KIND_SIGNALING, sdp_fields },
  { "meeting.candidate", sh_meeting_handle_candidate, SH_WS_PARTICIPANT, SH_WS_KIND_SIGNALING,
    candidate_fields },
  { "meeting.receive", sh_meeting_handle_receive, SH_WS_PARTICIPANT, SH_WS_KIND_MUTE,
    receive_fields },
  { NULL },
};

const ShWsProtocol sh_meeting_protocol = {
  .messages = meeting_messages,
  .socket_closed = sh_meeting_detach,
};

void
sh_meeting_attach (ShServer *server)
{
  sh_meeting_media_init (server);
  server->meeting_state_changed = sh_meeting_state_changed;
}
