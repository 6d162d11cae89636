/* Layer: protocol handlers (the meeting protocol on the WebSocket,
 * docs/protocol.md, "Meeting protocol"), above the WebSocket transport and
 * the worker bridge. The handlers that the message table points at, and
 * the helpers they share. The room's rules are in room.c; these files turn
 * messages into room changes, store what must be kept and tell everyone.
 * May include: ws-private.h, worker-bridge.h, room.h and what they
 * include; never a header of the REST API.
 *  meeting-protocol.c the message table (handler, permission, schema)
 *  meeting-join.c     join, leave, disconnect, state changes, the snapshot
 *  meeting-messages.c chat, self mute, hands; JSON and broadcast helpers
 *  meeting-chair.c    the chair's commands
 *  meeting-media.c    the rooms' media on a worker (through worker-bridge.c)
 *  meeting-votes.c    votes: open, cast, close, void on quorum loss
 *  meeting-attendance.c the chair's live attendance panel (its own header)
 *  meeting-rollcall.c roll calls: start, answer, the timer (its own table)
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "ws-private.h"

/* The meeting protocol's messages, for sh_ws_register() (meeting-protocol.c). */
extern const ShWsProtocol sh_meeting_protocol;
/* Attaches the meeting layer to @server: the rooms' media and the state
 * changes of the REST API (meeting-protocol.c). */
void sh_meeting_attach (ShServer *server);

/* Chat lines replayed to someone who joins. */
#define SH_MEETING_CHAT_HISTORY 100

/* meeting-join.c */
void sh_meeting_handle_join (ShWsMessage *m);
void sh_meeting_handle_leave (ShWsMessage *m);
/* The socket is going away: its participant leaves ("disconnected"). */
void sh_meeting_detach (ShWsClient *client);
/* The meeting's state changed in the store (REST transition, meeting.start,
 * meeting.end): the room follows, everyone is told, and a meeting that is
 * over sends everyone out and closes its room. @by_account: who did it. */
void sh_meeting_state_changed (ShServer *server, gint64 meeting_id, gint64 by_account);

/* meeting-messages.c */
void sh_meeting_handle_chat (ShWsMessage *m);
void sh_meeting_handle_mute (ShWsMessage *m);
void sh_meeting_handle_hand_raise (ShWsMessage *m);
void sh_meeting_handle_hand_lower (ShWsMessage *m);

/* meeting-chair.c */
void sh_meeting_handle_start (ShWsMessage *m);
void sh_meeting_handle_end (ShWsMessage *m);
void sh_meeting_handle_chair_mute (ShWsMessage *m);
void sh_meeting_handle_chair_mute_all (ShWsMessage *m);
void sh_meeting_handle_chair_remove (ShWsMessage *m);
void sh_meeting_handle_chair_lock (ShWsMessage *m);
void sh_meeting_handle_chair_lesson_mode (ShWsMessage *m);
void sh_meeting_handle_chair_floor_give (ShWsMessage *m);
void sh_meeting_handle_chair_floor_take (ShWsMessage *m);

/* meeting-media.c: the room's media (publish and subscribe connections) on
 * a media worker, following the room's changes through a hook. */
void sh_meeting_media_init (ShServer *server);
void sh_meeting_handle_publish (ShWsMessage *m);
void sh_meeting_handle_subscribe_answer (ShWsMessage *m);
void sh_meeting_handle_candidate (ShWsMessage *m);
void sh_meeting_handle_receive (ShWsMessage *m);
/* Puts @tap (a reference is taken) on @room's media room, opening that on
 * its worker first if nobody joined yet. */
void sh_meeting_media_add_tap (ShServer *server, ShRoom *room, ShMediaTap *tap);

/* The hook for what follows a recording's end (the composite render):
 * called on the main thread when a recording completes, and at start-up
 * for each recording a crash cut (@interrupted TRUE), after its fragments
 * have their rows. */
typedef void (*ShRecordingFinishedFunc) (ShServer *server, gint64 recording_id,
                                         gboolean interrupted, gpointer user_data);
/* @path's place in the server's data directory (recordings are stored by
 * it), NULL when outside. (transfer full) */
char *sh_meeting_data_relative (ShServer *server, const char *path);
/* meeting-recording.c: the live recording of meetings whose type requires
 * it (docs/recording.md), following the room event stream; and at
 * start-up, the closing of recordings a crash left open. @finished
 * (nullable: nothing follows) with @finished_data (transfer none, must
 * outlive the server's rooms) is the hook above. */
void sh_meeting_recording_attach (ShServer *server, ShRecordingFinishedFunc finished,
                                  gpointer finished_data);
/* Whether @meeting_id is being recorded now (its page shows 录制中). */
gboolean sh_meeting_recording_active (ShServer *server, gint64 meeting_id);

/* meeting-votes.c: the votes' messages, for sh_ws_register(), and its
 * listener on the room event stream, attached after the meeting layer. */
extern const ShWsProtocol sh_meeting_votes_protocol;
void sh_meeting_votes_attach (ShServer *server);

/* ------------------------------------------------ shared (meeting-messages.c) */

/* A validated payload field (ws.c checked type and bounds before the
 * handler runs): the value, or @fallback when absent. */
gint64 sh_meeting_payload_int (ShWsMessage *m, const char *field, gint64 fallback);
gboolean sh_meeting_payload_bool (ShWsMessage *m, const char *field, gboolean fallback);
gboolean sh_meeting_payload_has (ShWsMessage *m, const char *field);
/* Trimmed copy, NULL when absent or blank. (transfer full) */
char *sh_meeting_payload_string (ShWsMessage *m, const char *field);

/* Replies `meeting.ok` to the request. */
void sh_meeting_reply_ok (ShWsMessage *m);

/* The JSON objects of the protocol. */
void sh_meeting_build_participant (JsonBuilder *b, ShServer *server, const ShRoomParticipant *p);
void sh_meeting_build_hands (JsonBuilder *b, ShServer *server, ShRoom *room); /* an array */
void sh_meeting_build_floor (JsonBuilder *b, ShRoom *room);                   /* an array */

/* Sends @type with @payload (borrowed object, nullable) to every socket in
 * @room except @except (nullable). */
void sh_meeting_broadcast (ShRoom *room, const char *type, JsonNode *payload, ShWsClient *except);
/* meeting.roster {op, participants: [@p], reason} to everyone but @except. */
void sh_meeting_broadcast_roster (ShServer *server, ShRoom *room, const char *op,
                                  ShRoomParticipant *p, const char *reason, ShWsClient *except);
/* meeting.roster update of several participants (element-type ShRoomParticipant). */
void sh_meeting_broadcast_updates (ShServer *server, ShRoom *room, GPtrArray *participants);
/* meeting.state, meeting.hands, meeting.floor to everyone in the room. */
void sh_meeting_broadcast_state (ShServer *server, ShRoom *room);
void sh_meeting_broadcast_hands (ShServer *server, ShRoom *room);
void sh_meeting_broadcast_floor (ShServer *server, ShRoom *room);
/* Adds the state object's members (state, state_label, locked, lesson_mode,
 * all_muted) to an open object. */
void sh_meeting_add_state_members (JsonBuilder *b, ShServer *server, ShRoom *room);

/* "audio" or "video" for one ShRoomMedia bit. */
const char *sh_meeting_media_name (guint bit);
