/* Room events into the meeting's event log (room-log.h). The stored kinds
 * and details are those of docs/api.md, so that records written before the
 * event stream read the same: a camera is stored as "muted"/"unmuted" of
 * "video", a start and an end as "started"/"ended".
 * SPDX-License-Identifier: Apache-2.0 */
#include "room-log.h"

#include "json-util.h"

static const ShMeetingEventKind stored_kinds[] = {
  [SH_ROOM_EVENT_JOINED] = SH_MEETING_EVENT_JOINED,
  [SH_ROOM_EVENT_REPLACED] = SH_MEETING_EVENT_REPLACED,
  [SH_ROOM_EVENT_LEFT] = SH_MEETING_EVENT_LEFT,
  [SH_ROOM_EVENT_REMOVED] = SH_MEETING_EVENT_REMOVED,
  [SH_ROOM_EVENT_MUTED] = SH_MEETING_EVENT_MUTED,
  [SH_ROOM_EVENT_UNMUTED] = SH_MEETING_EVENT_UNMUTED,
  [SH_ROOM_EVENT_CAMERA_OFF] = SH_MEETING_EVENT_MUTED,
  [SH_ROOM_EVENT_CAMERA_ON] = SH_MEETING_EVENT_UNMUTED,
  [SH_ROOM_EVENT_HAND_RAISED] = SH_MEETING_EVENT_HAND_RAISED,
  [SH_ROOM_EVENT_HAND_LOWERED] = SH_MEETING_EVENT_HAND_LOWERED,
  [SH_ROOM_EVENT_FLOOR_GIVEN] = SH_MEETING_EVENT_FLOOR_GIVEN,
  [SH_ROOM_EVENT_FLOOR_TAKEN] = SH_MEETING_EVENT_FLOOR_TAKEN,
  [SH_ROOM_EVENT_LOCKED] = SH_MEETING_EVENT_LOCKED,
  [SH_ROOM_EVENT_UNLOCKED] = SH_MEETING_EVENT_UNLOCKED,
  [SH_ROOM_EVENT_LESSON_MODE_ON] = SH_MEETING_EVENT_LESSON_MODE_ON,
  [SH_ROOM_EVENT_LESSON_MODE_OFF] = SH_MEETING_EVENT_LESSON_MODE_OFF,
  [SH_ROOM_EVENT_ALL_MUTED] = SH_MEETING_EVENT_ALL_MUTED,
  [SH_ROOM_EVENT_ALL_UNMUTED] = SH_MEETING_EVENT_ALL_UNMUTED,
  [SH_ROOM_EVENT_STATE] = SH_MEETING_EVENT_STATE_CHANGED,
  [SH_ROOM_EVENT_CONNECTION_LOST] = SH_MEETING_EVENT_CONNECTION_LOST,
  [SH_ROOM_EVENT_CONNECTION_REGAINED] = SH_MEETING_EVENT_CONNECTION_REGAINED,
  /* Not kept here: the attendance intervals (attendance-live.c) record it. */
  [SH_ROOM_EVENT_MEDIA_LIVE] = SH_MEETING_EVENT_KIND_COUNT,
  [SH_ROOM_EVENT_CAMERA_LIVE] = SH_MEETING_EVENT_KIND_COUNT,
  [SH_ROOM_EVENT_CAMERA_IDLE] = SH_MEETING_EVENT_KIND_COUNT,
  [SH_ROOM_EVENT_CLOSING] = SH_MEETING_EVENT_KIND_COUNT, /* not kept */
};

G_STATIC_ASSERT (G_N_ELEMENTS (stored_kinds) == SH_ROOM_EVENT_KIND_COUNT);

static void
add_by (JsonBuilder *b, gint64 by)
{
  json_builder_set_member_name (b, "by");
  json_builder_add_int_value (b, by);
}

static void
add_legs (JsonBuilder *b, guint legs)
{
  json_builder_set_member_name (b, "legs");
  json_builder_begin_array (b);
  if (legs & SH_ROOM_LEG_PUBLISH)
    json_builder_add_string_value (b, "publish");
  if (legs & SH_ROOM_LEG_SUBSCRIBE)
    json_builder_add_string_value (b, "subscribe");
  json_builder_end_array (b);
}

/* The detail members of @e into an open object. Returns FALSE when the
 * stored event has no detail. */
static gboolean
add_detail (JsonBuilder *b, const ShRoomEvent *e)
{
  gint64 self = e->participant ? e->participant->account_id : 0;

  switch (e->kind) {
    case SH_ROOM_EVENT_JOINED:
    case SH_ROOM_EVENT_REPLACED:
    case SH_ROOM_EVENT_HAND_RAISED:
      return FALSE;
    case SH_ROOM_EVENT_LEFT:
      sh_json_builder_add_string (b, "reason", e->reason);
      return TRUE;
    case SH_ROOM_EVENT_REMOVED:
      add_by (b, e->by);
      sh_json_builder_add_string (b, "reason", e->reason);
      return TRUE;
    case SH_ROOM_EVENT_MUTED:
    case SH_ROOM_EVENT_UNMUTED:
    case SH_ROOM_EVENT_CAMERA_OFF:
    case SH_ROOM_EVENT_CAMERA_ON:
      sh_json_builder_add_string (
          b, "media",
          e->kind == SH_ROOM_EVENT_MUTED || e->kind == SH_ROOM_EVENT_UNMUTED ? "audio" : "video");
      add_by (b, e->by);
      return TRUE;
    case SH_ROOM_EVENT_HAND_LOWERED:
      /* Lowered by the participant: nobody else to name. */
      if (e->by == self)
        return FALSE;
      add_by (b, e->by);
      return TRUE;
    case SH_ROOM_EVENT_STATE:
      if (e->state != SH_MEETING_IN_PROGRESS && e->state != SH_MEETING_ENDED)
        sh_json_builder_add_string (b, "state", sh_meeting_state_to_string (e->state));
      add_by (b, e->by);
      return TRUE;
    case SH_ROOM_EVENT_CONNECTION_LOST:
    case SH_ROOM_EVENT_CONNECTION_REGAINED:
    case SH_ROOM_EVENT_MEDIA_LIVE:
      add_legs (b, e->legs);
      return TRUE;
    case SH_ROOM_EVENT_FLOOR_GIVEN:
    case SH_ROOM_EVENT_FLOOR_TAKEN:
    case SH_ROOM_EVENT_LOCKED:
    case SH_ROOM_EVENT_UNLOCKED:
    case SH_ROOM_EVENT_LESSON_MODE_ON:
    case SH_ROOM_EVENT_LESSON_MODE_OFF:
    case SH_ROOM_EVENT_ALL_MUTED:
    case SH_ROOM_EVENT_ALL_UNMUTED:
    case SH_ROOM_EVENT_CAMERA_LIVE:
    case SH_ROOM_EVENT_CAMERA_IDLE:
    case SH_ROOM_EVENT_CLOSING:
    default:
      add_by (b, e->by);
      return TRUE;
  }
}

gboolean
sh_room_log_entry (const ShRoomEvent *event, ShMeetingEventKind *kind, char **detail)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  gboolean has_detail;

  g_return_val_if_fail ((guint) event->kind < G_N_ELEMENTS (stored_kinds), FALSE);
  *detail = NULL;
  *kind = stored_kinds[event->kind];
  if (*kind == SH_MEETING_EVENT_KIND_COUNT)
    return FALSE;
  if (event->kind == SH_ROOM_EVENT_STATE && event->state == SH_MEETING_IN_PROGRESS)
    *kind = SH_MEETING_EVENT_STARTED;
  else if (event->kind == SH_ROOM_EVENT_STATE && event->state == SH_MEETING_ENDED)
    *kind = SH_MEETING_EVENT_ENDED;
  json_builder_begin_object (b);
  has_detail = add_detail (b, event);
  json_builder_end_object (b);
  if (has_detail) {
    node = json_builder_get_root (b);
    *detail = sh_json_to_string (node);
  }
  return TRUE;
}

static void
on_event (ShRoom *room, const ShRoomEvent *event, gpointer user_data)
{
  ShStore *store = user_data;
  const ShRoomParticipant *p = event->participant;
  g_autoptr (GError) error = NULL;
  g_autofree char *detail = NULL;
  ShMeetingEventKind kind;

  if (!sh_room_log_entry (event, &kind, &detail))
    return;
  /* The room has changed already: a failure is logged, the meeting goes on. */
  if (!sh_meeting_event_append (store, event->meeting_id, p ? p->account_id : 0,
                                p ? p->member_id : 0, kind, detail, event->at, &error))
    g_warning ("meeting %" G_GINT64_FORMAT ": event %s not recorded: %s", event->meeting_id,
               sh_room_event_kind_to_string (event->kind), error->message);
}

guint
sh_room_log_attach (ShRooms *rooms, ShStore *store)
{
  return sh_rooms_subscribe (rooms, on_event, store, NULL);
}
