/* Attendance intervals from the room event stream (attendance-live.h).
 *
 * A participant is present while both hold: their own socket is in the
 * room (JOINED/REPLACED until LEFT/REMOVED) and its media is live
 * (MEDIA_LIVE, and no connection lost since). Nobody else's action opens
 * an interval: only the participant's own media connection does. Times
 * are the events' times. An interval is video when the participant's
 * camera carried packets at some moment of it (CAMERA_LIVE, from what the
 * media plane receives): a page that never opened a camera, or one that
 * shares a screen only, is audio-only whatever its mute state says.
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-live.h"

#include "ws-private.h"

typedef struct {
  gint64 id;
  gboolean video;
} Open;

typedef struct {
  ShStore *store;
  GHashTable *open; /* ShRoomParticipant* → Open*: present now */
  guint heartbeat;
} Live;

static void
live_free (gpointer data)
{
  Live *live = data;

  g_clear_handle_id (&live->heartbeat, g_source_remove);
  g_hash_table_unref (live->open);
  g_free (live);
}

/* The participant's place on the meeting's frozen expected list: a guest
 * when not on it (a secretary or an administrator sitting in). */
static ShAttendanceRole
role_of (ShStore *store, const ShRoomParticipant *p, gint64 meeting_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShAttendance) a = sh_attendance_expected (store, meeting_id, &error);

  for (guint i = 0; a && i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if ((p->member_id && e->member_id == p->member_id)
        || (!e->member_id && e->account_id == p->account_id))
      return e->role;
  }
  return p->role == SH_ROOM_ROLE_MIGRANT_VISITOR ? SH_ATTENDANCE_VISITOR : SH_ATTENDANCE_GUEST;
}

static void
open_interval (Live *live, const ShRoomEvent *e)
{
  ShRoomParticipant *p = e->participant;
  g_autoptr (GError) error = NULL;
  ShDevice device = sh_device_from_user_agent (p->client ? p->client->user_agent : NULL);
  gboolean video = p->camera_live;
  gint64 id;
  Open *o;

  if (g_hash_table_contains (live->open, p) || !p->legs_live || p->legs_lost || !p->client)
    return;
  id = sh_presence_open (live->store, e->meeting_id, p->account_id, p->member_id,
                         role_of (live->store, p, e->meeting_id), device, video, e->at, &error);
  if (!id) {
    g_warning ("meeting %" G_GINT64_FORMAT ": attendance of account %" G_GINT64_FORMAT
               " not recorded: %s",
               e->meeting_id, p->account_id, error->message);
    return;
  }
  o = g_new0 (Open, 1);
  o->id = id;
  o->video = video;
  g_hash_table_insert (live->open, p, o);
}

static void
close_interval (Live *live, ShRoomParticipant *p, gint64 at, ShPresenceEnd reason)
{
  g_autoptr (GError) error = NULL;
  Open *o = g_hash_table_lookup (live->open, p);

  if (!o)
    return;
  if (!sh_presence_close (live->store, o->id, at, reason, &error))
    g_warning ("attendance interval %" G_GINT64_FORMAT " not closed: %s", o->id, error->message);
  g_hash_table_remove (live->open, p);
}

static void
close_room (Live *live, ShRoom *room, gint64 at, ShPresenceEnd reason)
{
  GPtrArray *everyone = sh_room_participants (room);

  for (guint i = 0; i < everyone->len; i++)
    close_interval (live, g_ptr_array_index (everyone, i), at, reason);
}

static void
mark_video (Live *live, ShRoomParticipant *p)
{
  g_autoptr (GError) error = NULL;
  Open *o = g_hash_table_lookup (live->open, p);

  if (!o || o->video)
    return;
  if (!sh_presence_mark_video (live->store, o->id, &error))
    g_warning ("attendance interval %" G_GINT64_FORMAT ": video not recorded: %s", o->id,
               error->message);
  o->video = TRUE;
}

static ShPresenceEnd
left_reason (const char *reason)
{
  if (g_strcmp0 (reason, "left") == 0)
    return SH_PRESENCE_LEFT;
  if (g_strcmp0 (reason, "disconnected") == 0)
    return SH_PRESENCE_DISCONNECTED;
  /* The meeting state that ended it: "ended", "cancelled", "archived". */
  return SH_PRESENCE_MEETING_ENDED;
}

static void
on_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  Live *live = user_data;
  ShRoomParticipant *p = e->participant;

  switch (e->kind) {
    case SH_ROOM_EVENT_MEDIA_LIVE:
    case SH_ROOM_EVENT_CONNECTION_REGAINED:
      open_interval (live, e);
      break;
    case SH_ROOM_EVENT_CONNECTION_LOST:
      close_interval (live, p, e->at, SH_PRESENCE_MEDIA_LOST);
      break;
    case SH_ROOM_EVENT_REPLACED:
      /* The new socket is present once its own media is live. */
      close_interval (live, p, e->at, SH_PRESENCE_REPLACED);
      break;
    case SH_ROOM_EVENT_LEFT:
      close_interval (live, p, e->at, left_reason (e->reason));
      break;
    case SH_ROOM_EVENT_REMOVED:
      close_interval (live, p, e->at, SH_PRESENCE_REMOVED);
      break;
    case SH_ROOM_EVENT_CAMERA_LIVE:
      mark_video (live, p);
      break;
    case SH_ROOM_EVENT_STATE:
      if (e->state == SH_MEETING_ENDED || e->state == SH_MEETING_CANCELLED
          || e->state == SH_MEETING_ARCHIVED)
        close_room (live, room, e->at, SH_PRESENCE_MEETING_ENDED);
      break;
    case SH_ROOM_EVENT_CLOSING:
      /* Rooms close with people in them only when the server stops. */
      close_room (live, room, e->at, SH_PRESENCE_SERVER_STOPPED);
      break;
    case SH_ROOM_EVENT_JOINED:
    case SH_ROOM_EVENT_MUTED:
    case SH_ROOM_EVENT_UNMUTED:
    case SH_ROOM_EVENT_CAMERA_OFF:
    case SH_ROOM_EVENT_CAMERA_ON:
    case SH_ROOM_EVENT_CAMERA_IDLE:
    case SH_ROOM_EVENT_HAND_RAISED:
    case SH_ROOM_EVENT_HAND_LOWERED:
    case SH_ROOM_EVENT_FLOOR_GIVEN:
    case SH_ROOM_EVENT_FLOOR_TAKEN:
    case SH_ROOM_EVENT_LOCKED:
    case SH_ROOM_EVENT_UNLOCKED:
    case SH_ROOM_EVENT_LESSON_MODE_ON:
    case SH_ROOM_EVENT_LESSON_MODE_OFF:
    case SH_ROOM_EVENT_ALL_MUTED:
    case SH_ROOM_EVENT_ALL_UNMUTED:
    default:
      break;
  }
}

static gboolean
beat (gpointer user_data)
{
  Live *live = user_data;
  g_autoptr (GError) error = NULL;

  /* Only an open interval needs to know when a crash came. */
  if (g_hash_table_size (live->open) > 0
      && !sh_presence_heartbeat (live->store, g_get_real_time (), &error))
    g_warning ("heartbeat not recorded: %s", error->message);
  return G_SOURCE_CONTINUE;
}

guint
sh_attendance_live_attach (ShRooms *rooms, ShStore *store)
{
  Live *live = g_new0 (Live, 1);
  g_autoptr (GError) error = NULL;
  gint closed = sh_presence_close_after_crash (store, &error);

  if (closed < 0)
    g_warning ("attendance intervals left open by a crash not closed: %s", error->message);
  else if (closed > 0)
    g_message ("%d attendance interval(s) left open by a crash closed at the crash", closed);
  live->store = store;
  live->open = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  live->heartbeat = g_timeout_add_seconds (SH_PRESENCE_HEARTBEAT_SECONDS, beat, live);
  return sh_rooms_subscribe (rooms, on_event, live, live_free);
}
