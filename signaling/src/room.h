/* The live state of a meeting on the main thread: who is in it and in which
 * role, mute state (self and chair), the raise-hand queue, the floor, the
 * locked and lesson-mode flags and the meeting state. One ShRoom per meeting
 * that has or had someone in it, kept in the server's ShRooms registry.
 *
 * This file holds the rules and nothing else: no JSON, no database, no
 * sockets beyond an opaque pointer, so that they are unit-tested on their
 * own (tests/test-room.c). The messages that drive a room are in
 * meeting-*.c; the media module reads it (sh_room_may_publish) and
 * registers hooks to hear about changes.
 *
 * Everything here runs on the main thread only.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "sanhui-minutes.h"

typedef struct _ShWsClient ShWsClient;
typedef struct _ShRooms ShRooms;
typedef struct _ShRoom ShRoom;
typedef struct _ShRoomParticipant ShRoomParticipant;

/* A participant's role in this meeting (not their account's roles). */
typedef enum {
  SH_ROOM_ROLE_CHAIR,           /* 主持人: the meeting's chair member */
  SH_ROOM_ROLE_RECORDER,        /* 记录人 */
  SH_ROOM_ROLE_LECTURER,        /* 主讲人 (a lesson) */
  SH_ROOM_ROLE_MEMBER,          /* 党员 of the attendee set */
  SH_ROOM_ROLE_MIGRANT_VISITOR, /* 流动党员 visiting the branch: no vote */
  SH_ROOM_ROLE_GUEST,           /* 列席: approved guest, or a secretary or admin sitting in */
} ShRoomRole;

const char *sh_room_role_to_string (ShRoomRole role); /* "chair", ..., "migrant_visitor", "guest" */
const char *sh_room_role_label (ShRoomRole role);     /* "主持人", ... */

/* Kinds of media, as bits. */
typedef enum {
  SH_ROOM_AUDIO = 1 << 0,
  SH_ROOM_VIDEO = 1 << 1,
} ShRoomMedia;

#define SH_ROOM_ALL_MEDIA (SH_ROOM_AUDIO | SH_ROOM_VIDEO)

struct _ShRoomParticipant {
  gint64 account_id; /* the key: one participant per account */
  ShRoom *room;      /* the room the participant is in */
  gint64 member_id;  /* 0 for an account that is not a member */
  char *name;        /* display name */
  ShRoomRole role;
  gboolean has_vote;     /* sh_rules_has_vote() for the meeting's branch */
  gboolean may_chair;    /* chair powers: chair, delegating secretary, branch secretary, admin */
  gboolean lecturer;     /* the lesson's lecturer (the chair may lecture too) */
  gint64 joined_at;      /* UTC µs of this presence's join */
  ShWsClient *client;    /* (nullable) borrowed: the socket carrying the participant now */
  guint connections;     /* sockets that carried this presence: 1 + replacements */
  guint self_muted;      /* ShRoomMedia bits the participant turned off */
  guint chair_muted;     /* ShRoomMedia bits the chair turned off: only the chair lifts them */
  gint64 hand_raised_at; /* UTC µs, 0 when the hand is down */
  gboolean floor;        /* given the floor by the chair */
  guint legs_lost;       /* ShRoomLeg bits whose media connection failed */
  guint legs_live;       /* ShRoomLeg bits that connected on the current socket */
  gboolean camera_live;  /* the current socket's camera carries packets (the media plane says) */
  /* For the media module: its per-participant state, freed with
   * media_free when the participant leaves. */
  gpointer media;
  GDestroyNotify media_free;
};

/* The room event stream (docs/room-events.md): every change of a live
 * meeting is one event, emitted by this file and nowhere else, after the
 * change, on the main thread. The persisted event log (room-log.c) and the
 * media plane (meeting-media.c) are listeners; so will be attendance and the
 * minutes. A mutator below that changes nothing emits nothing. */
typedef enum {
  SH_ROOM_EVENT_JOINED,              /* a new participant */
  SH_ROOM_EVENT_REPLACED,            /* participant->client is a new socket; the old one is out */
  SH_ROOM_EVENT_LEFT,                /* left, disconnected, or sent out as the meeting ended */
  SH_ROOM_EVENT_REMOVED,             /* removed by the chair: cannot come back */
  SH_ROOM_EVENT_MUTED,               /* microphone off (self or chair: see by, chair) */
  SH_ROOM_EVENT_UNMUTED,             /* microphone on */
  SH_ROOM_EVENT_CAMERA_OFF,          /* camera off (self or chair) */
  SH_ROOM_EVENT_CAMERA_ON,           /* camera on */
  SH_ROOM_EVENT_HAND_RAISED,         /* */
  SH_ROOM_EVENT_HAND_LOWERED,        /* by the participant, or by the chair giving the floor */
  SH_ROOM_EVENT_FLOOR_GIVEN,         /* */
  SH_ROOM_EVENT_FLOOR_TAKEN,         /* */
  SH_ROOM_EVENT_LOCKED,              /* room-wide */
  SH_ROOM_EVENT_UNLOCKED,            /* room-wide */
  SH_ROOM_EVENT_LESSON_MODE_ON,      /* room-wide */
  SH_ROOM_EVENT_LESSON_MODE_OFF,     /* room-wide */
  SH_ROOM_EVENT_ALL_MUTED,           /* room-wide: "mute all" in force */
  SH_ROOM_EVENT_ALL_UNMUTED,         /* room-wide: "mute all" lifted */
  SH_ROOM_EVENT_STATE,               /* room-wide: the meeting state, see state */
  SH_ROOM_EVENT_CONNECTION_LOST,     /* the participant's media connection failed */
  SH_ROOM_EVENT_CONNECTION_REGAINED, /* and works again */
  SH_ROOM_EVENT_MEDIA_LIVE,          /* the first media connection of the current socket is up */
  SH_ROOM_EVENT_CAMERA_LIVE,         /* the current socket's camera carries packets */
  SH_ROOM_EVENT_CAMERA_IDLE,         /* and has stopped (SH_MEDIA_CAMERA_IDLE_US without) */
  SH_ROOM_EVENT_CLOSING,             /* room-wide: the room is about to be freed */
} ShRoomEventKind;

#define SH_ROOM_EVENT_KIND_COUNT (SH_ROOM_EVENT_CLOSING + 1)

/* "joined", "left", "camera_off", ... */
const char *sh_room_event_kind_to_string (ShRoomEventKind kind);

/* One event; valid for the listener's call only. */
typedef struct {
  ShRoomEventKind kind;
  gint64 meeting_id;
  /* (nullable) borrowed: whom it concerns, NULL for a room-wide event. For
   * LEFT and REMOVED still in the room, freed after the listeners. */
  ShRoomParticipant *participant;
  /* The account that caused it: the participant themself, someone with
   * chair powers, or 0 for the server (a dropped socket, a failed
   * connection, a state the store already had). */
  gint64 by;
  /* Chair powers were used: the chair's mute (not the participant's own),
   * the floor, a room-wide switch, a removal, a hand lowered by another. */
  gboolean chair;
  /* LEFT: "left", "disconnected" or the meeting state that ended it;
   * REMOVED: the chair's reason (nullable). */
  const char *reason;
  ShMeetingState state; /* STATE: the new state */
  guint legs;           /* CONNECTION_*, MEDIA_LIVE: SH_ROOM_LEG_* bits lost (LOST), back (REGAINED)
                         * or connected (MEDIA_LIVE) */
  gint64 at;            /* server time, UTC µs */
} ShRoomEvent;

/* Media connections of a participant, as bits. */
typedef enum {
  SH_ROOM_LEG_PUBLISH = 1 << 0,
  SH_ROOM_LEG_SUBSCRIBE = 1 << 1,
} ShRoomLeg;

/* A listener must not add or remove listeners, and must not change the
 * room: it hears what happened, in the order it happened. */
typedef void (*ShRoomListener) (ShRoom *room, const ShRoomEvent *event, gpointer user_data);

/* ------------------------------------------------------------- registry */

ShRooms *sh_rooms_new (void); /* transfer full */
/* Closes every room (CLOSING events, sockets detached) and the listeners. */
void sh_rooms_free (ShRooms *rooms);
/* (transfer none) (nullable) */
ShRoom *sh_rooms_lookup (ShRooms *rooms, gint64 meeting_id);
/* The room of @meeting, created (empty, with the meeting's state) when there
 * is none. (transfer none) */
ShRoom *sh_rooms_open (ShRooms *rooms, const ShMeeting *meeting);
/* Emits CLOSING, detaches every socket from the room and frees it. */
void sh_rooms_close (ShRooms *rooms, ShRoom *room);
guint sh_rooms_count (ShRooms *rooms);

/* Listeners hear every event of every room, in the order they subscribed.
 * Returns an id for sh_rooms_unsubscribe(). */
guint sh_rooms_subscribe (ShRooms *rooms, ShRoomListener listener, gpointer user_data,
                          GDestroyNotify destroy);
void sh_rooms_unsubscribe (ShRooms *rooms, guint id);
/* The clock of the events' times (tests pin it); NULL: g_get_real_time. */
void sh_rooms_set_clock (ShRooms *rooms, gint64 (*now) (void));

/* ------------------------------------------------------------------ room */

const ShMeeting *sh_room_meeting (ShRoom *room); /* (transfer none) as loaded */
gint64 sh_room_meeting_id (ShRoom *room);
ShMeetingState sh_room_state (ShRoom *room);
/* Returns TRUE when the state changed (a STATE event, @by: who did it, 0
 * when the room follows what the store already had). */
gboolean sh_room_set_state (ShRoom *room, ShMeetingState state, gint64 by);
gboolean sh_room_locked (ShRoom *room);
/* TRUE when changed; @by: the chair. */
gboolean sh_room_set_locked (ShRoom *room, gboolean locked, gint64 by);
gboolean sh_room_lesson_mode (ShRoom *room);
gboolean sh_room_set_lesson_mode (ShRoom *room, gboolean enabled, gint64 by);
/* Whether "mute all" (audio) is in force: participants without chair powers
 * who join then come in muted by the chair. */
gboolean sh_room_all_muted (ShRoom *room);

/* Participants in the order they joined. (transfer none) (element-type ShRoomParticipant) */
GPtrArray *sh_room_participants (ShRoom *room);
/* (transfer none) (nullable) */
ShRoomParticipant *sh_room_find (ShRoom *room, gint64 account_id);
/* The room and participant a socket carries, or NULL. (transfer none) */
ShRoom *sh_rooms_of_client (ShRooms *rooms, ShWsClient *client);
ShRoomParticipant *sh_rooms_participant_for_client (ShRooms *rooms, ShWsClient *client);
/* The socket is closed: its participant stays (the caller takes them out)
 * but is carried by no socket any more, so nothing is written to it. */
void sh_rooms_forget_client (ShRooms *rooms, ShWsClient *client);

typedef enum {
  SH_ROOM_ADMIT_OK,
  SH_ROOM_ADMIT_LOCKED,  /* locked, and the account has not been in the room before */
  SH_ROOM_ADMIT_REMOVED, /* the chair removed the account from this meeting */
} ShRoomAdmission;

/* Whether @account_id may come in now. Chair powers pass a lock, not a
 * removal; someone who was in the room before passes a lock (a phone that
 * lost its network must get back in). */
ShRoomAdmission sh_room_admits (ShRoom *room, gint64 account_id, gboolean may_chair);

/* Puts @who's account in the room on @client (identity fields are copied:
 * account_id, member_id, name, role, has_vote, may_chair, lecturer). When
 * the account is in the room on another socket, that socket is replaced:
 * *@replaced gets it (the caller tells it) and the participant keeps its
 * state; otherwise a new participant joins, muted by the chair if the chair
 * muted the account earlier in this meeting or "mute all" is in force.
 * Returns: (transfer none) the participant. */
ShRoomParticipant *sh_room_join (ShRoom *room, const ShRoomParticipant *who, ShWsClient *client,
                                 gint64 now, ShWsClient **replaced);
/* Takes the participant out (a LEFT event with @reason, then freed). @by:
 * the participant (left), or 0 (a dropped socket). */
void sh_room_leave (ShRoom *room, gint64 account_id, const char *reason, gint64 by);
/* The chair takes the participant out (REMOVED, then freed): the account
 * cannot come back to this meeting. @reason: (nullable) the chair's. */
void sh_room_remove (ShRoom *room, gint64 account_id, const char *reason, gint64 by);

/* Self mute: muting any bit works; unmuting skips bits the chair muted (the
 * caller refuses such a request first). Returns the bits that changed. */
guint sh_room_set_self_mute (ShRoom *room, ShRoomParticipant *p, guint media, gboolean muted);
/* Chair mute of @media bits on or off by @by. Returns the bits that
 * changed. */
guint sh_room_set_chair_mute (ShRoom *room, ShRoomParticipant *p, guint media, gboolean muted,
                              gint64 by);
/* Chair mute of audio for everyone without chair powers, on or off, and
 * the "mute all" flag (ALL_MUTED or ALL_UNMUTED when it changes). Returns:
 * (transfer container) the participants whose state changed. */
GPtrArray *sh_room_mute_all (ShRoom *room, gboolean muted, gint64 by);

/* TRUE when changed (raising a raised hand keeps its place). */
gboolean sh_room_raise_hand (ShRoom *room, ShRoomParticipant *p, gint64 now);
/* @by: the participant, or the chair. */
gboolean sh_room_lower_hand (ShRoom *room, ShRoomParticipant *p, gint64 by);
/* Raised hands, first raised first. (transfer container) (element-type ShRoomParticipant) */
GPtrArray *sh_room_hands (ShRoom *room);
/* Giving the floor lowers the hand and lifts the chair's mute of the
 * participant: they were given it to speak. Taking it puts back the audio
 * mute when "mute all" is in force. TRUE when the floor changed. */
gboolean sh_room_give_floor (ShRoom *room, ShRoomParticipant *p, gint64 by);
gboolean sh_room_take_floor (ShRoom *room, ShRoomParticipant *p, gint64 by);
/* Holders of the floor in join order. (transfer container) */
GPtrArray *sh_room_floor (ShRoom *room);

/* The media plane reports a connection of @p failing (@lost) or working
 * again: CONNECTION_LOST when the first leg fails, CONNECTION_REGAINED when
 * the last failed leg works again. Returns TRUE when that happened. */
gboolean sh_room_set_leg_lost (ShRoom *room, ShRoomParticipant *p, ShRoomLeg leg, gboolean lost);
/* The media plane reports a connection of @p connected: MEDIA_LIVE when it
 * is the first on the participant's current socket (a replacement starts
 * again from none), so that attendance knows the media came up. Returns
 * TRUE when that happened. */
gboolean sh_room_set_leg_live (ShRoom *room, ShRoomParticipant *p, ShRoomLeg leg);
/* The media plane reports whether @p's camera (not a screen share) carries
 * packets on the current socket: CAMERA_LIVE or CAMERA_IDLE when that
 * changed, so that attendance tells video from audio-only by what really
 * arrives. A replacement starts again from none. Returns TRUE when it
 * changed. */
gboolean sh_room_set_camera_live (ShRoom *room, ShRoomParticipant *p, gboolean live);

/* For the media module: may @account_id's @media (one ShRoomMedia bit) be
 * forwarded now? Only for someone in the room, not muted by themself or the
 * chair, and in lesson mode only the lecturer and holders of the floor. */
gboolean sh_room_may_publish (ShRoom *room, gint64 account_id, ShRoomMedia media);

/* A slot for the media module's per-meeting state, freed with @destroy
 * when the room closes. */
void sh_room_set_media_data (ShRoom *room, gpointer data, GDestroyNotify destroy);
gpointer sh_room_get_media_data (ShRoom *room);
