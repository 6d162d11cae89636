/* The live state of meetings (room.h): participants, mute, hands, floor,
 * lock and lesson mode, and the event stream that tells everyone else.
 * SPDX-License-Identifier: Apache-2.0 */
#include "room.h"

typedef struct {
  guint id;
  ShRoomListener listener;
  gpointer user_data;
  GDestroyNotify destroy;
} Listener;

struct _ShRooms {
  GHashTable *rooms;     /* gint64* meeting id → ShRoom*, owned */
  GHashTable *by_client; /* ShWsClient* → ShRoomParticipant* carried by that socket */
  GArray *listeners;     /* Listener */
  guint next_listener_id;
  gint64 (*now) (void);
};

struct _ShRoom {
  ShRooms *rooms;          /* the registry, for its listeners */
  ShMeeting *meeting;      /* owned copy as loaded; state kept up to date */
  GPtrArray *participants; /* owned ShRoomParticipant*, in join order */
  GHashTable *by_account;  /* gint64* account id → ShRoomParticipant* (borrowed) */
  GArray *hands;           /* gint64 account ids, first raised first */
  GHashTable *ever_joined; /* gint64* account ids that were in the room: pass a lock */
  GHashTable *removed;     /* gint64* account ids removed by the chair */
  GHashTable *chair_mutes; /* gint64* account id → GUINT_TO_POINTER (bits) kept after leaving */
  gboolean locked;
  gboolean lesson_mode;
  gboolean all_muted;
  gpointer media_data;
  GDestroyNotify media_data_free;
};

static const struct {
  const char *name;
  const char *label;
} roles[] = {
  [SH_ROOM_ROLE_CHAIR] = { "chair", "主持人" },
  [SH_ROOM_ROLE_RECORDER] = { "recorder", "记录人" },
  [SH_ROOM_ROLE_LECTURER] = { "lecturer", "主讲人" },
  [SH_ROOM_ROLE_MEMBER] = { "member", "党员" },
  [SH_ROOM_ROLE_MIGRANT_VISITOR] = { "migrant_visitor", "流动党员" },
  [SH_ROOM_ROLE_GUEST] = { "guest", "列席" },
};

const char *
sh_room_role_to_string (ShRoomRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (roles), NULL);
  return roles[role].name;
}

const char *
sh_room_role_label (ShRoomRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (roles), NULL);
  return roles[role].label;
}

static gint64 *
id_key (gint64 id)
{
  return g_memdup2 (&id, sizeof id);
}

static const char *const event_kinds[] = {
  [SH_ROOM_EVENT_JOINED] = "joined",
  [SH_ROOM_EVENT_REPLACED] = "replaced",
  [SH_ROOM_EVENT_LEFT] = "left",
  [SH_ROOM_EVENT_REMOVED] = "removed",
  [SH_ROOM_EVENT_MUTED] = "muted",
  [SH_ROOM_EVENT_UNMUTED] = "unmuted",
  [SH_ROOM_EVENT_CAMERA_OFF] = "camera_off",
  [SH_ROOM_EVENT_CAMERA_ON] = "camera_on",
  [SH_ROOM_EVENT_HAND_RAISED] = "hand_raised",
  [SH_ROOM_EVENT_HAND_LOWERED] = "hand_lowered",
  [SH_ROOM_EVENT_FLOOR_GIVEN] = "floor_given",
  [SH_ROOM_EVENT_FLOOR_TAKEN] = "floor_taken",
  [SH_ROOM_EVENT_LOCKED] = "locked",
  [SH_ROOM_EVENT_UNLOCKED] = "unlocked",
  [SH_ROOM_EVENT_LESSON_MODE_ON] = "lesson_mode_on",
  [SH_ROOM_EVENT_LESSON_MODE_OFF] = "lesson_mode_off",
  [SH_ROOM_EVENT_ALL_MUTED] = "all_muted",
  [SH_ROOM_EVENT_ALL_UNMUTED] = "all_unmuted",
  [SH_ROOM_EVENT_STATE] = "state",
  [SH_ROOM_EVENT_CONNECTION_LOST] = "connection_lost",
  [SH_ROOM_EVENT_CONNECTION_REGAINED] = "connection_regained",
  [SH_ROOM_EVENT_MEDIA_LIVE] = "media_live",
  [SH_ROOM_EVENT_CAMERA_LIVE] = "camera_live",
  [SH_ROOM_EVENT_CAMERA_IDLE] = "camera_idle",
  [SH_ROOM_EVENT_CLOSING] = "closing",
};

G_STATIC_ASSERT (G_N_ELEMENTS (event_kinds) == SH_ROOM_EVENT_KIND_COUNT);

const char *
sh_room_event_kind_to_string (ShRoomEventKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (event_kinds), NULL);
  return event_kinds[kind];
}

/* The one place events leave the room. @e: kind, participant and the
 * kind's own fields set; the rest is filled here. */
static void
emit (ShRoom *room, ShRoomEvent *e)
{
  ShRooms *rooms = room->rooms;

  e->meeting_id = room->meeting->id;
  e->at = rooms->now ? rooms->now () : g_get_real_time ();
  for (guint i = 0; i < rooms->listeners->len; i++) {
    Listener *l = &g_array_index (rooms->listeners, Listener, i);
    l->listener (room, e, l->user_data);
  }
}

static void
emit_simple (ShRoom *room, ShRoomEventKind kind, ShRoomParticipant *p, gint64 by, gboolean chair)
{
  ShRoomEvent e = { .kind = kind, .participant = p, .by = by, .chair = chair };

  emit (room, &e);
}

/* One event per media bit that changed: MUTED/UNMUTED for audio,
 * CAMERA_OFF/CAMERA_ON for video; @chair: the chair's mute, not the
 * participant's own. */
static void
emit_media (ShRoom *room, ShRoomParticipant *p, guint changed, gboolean off, gint64 by,
            gboolean chair)
{
  if (changed & SH_ROOM_AUDIO)
    emit_simple (room, off ? SH_ROOM_EVENT_MUTED : SH_ROOM_EVENT_UNMUTED, p, by, chair);
  if (changed & SH_ROOM_VIDEO)
    emit_simple (room, off ? SH_ROOM_EVENT_CAMERA_OFF : SH_ROOM_EVENT_CAMERA_ON, p, by, chair);
}

static void
participant_free (ShRoomParticipant *p)
{
  if (p->media_free && p->media)
    p->media_free (p->media);
  g_free (p->name);
  g_free (p);
}

/* The registry knows which socket carries which participant, so that the
 * transport's socket needs no field of the room's. */
static void
attach_client (ShRoom *room, ShRoomParticipant *p, ShWsClient *client)
{
  p->client = client;
  if (client)
    g_hash_table_insert (room->rooms->by_client, client, p);
}

static void
detach_client (ShRoom *room, ShRoomParticipant *p)
{
  if (p->client && g_hash_table_lookup (room->rooms->by_client, p->client) == p)
    g_hash_table_remove (room->rooms->by_client, p->client);
  p->client = NULL;
}

/* ------------------------------------------------------------- registry */

static void
room_free (ShRoom *room)
{
  /* Sockets still in the room outlive it: they are in no room any more. */
  for (guint i = 0; i < room->participants->len; i++)
    detach_client (room, g_ptr_array_index (room->participants, i));
  g_ptr_array_unref (room->participants);
  g_hash_table_unref (room->by_account);
  g_array_unref (room->hands);
  g_hash_table_unref (room->ever_joined);
  g_hash_table_unref (room->removed);
  g_hash_table_unref (room->chair_mutes);
  if (room->media_data_free && room->media_data)
    room->media_data_free (room->media_data);
  sh_meeting_free (room->meeting);
  g_free (room);
}

static void
listener_clear (gpointer data)
{
  Listener *l = data;

  if (l->destroy)
    l->destroy (l->user_data);
}

ShRooms *
sh_rooms_new (void)
{
  ShRooms *rooms = g_new0 (ShRooms, 1);

  rooms->rooms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  rooms->by_client = g_hash_table_new (NULL, NULL);
  rooms->listeners = g_array_new (FALSE, TRUE, sizeof (Listener));
  g_array_set_clear_func (rooms->listeners, listener_clear);
  rooms->next_listener_id = 1;
  return rooms;
}

void
sh_rooms_free (ShRooms *rooms)
{
  GHashTableIter iter;
  gpointer value;

  if (!rooms)
    return;
  g_hash_table_iter_init (&iter, rooms->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    emit_simple (value, SH_ROOM_EVENT_CLOSING, NULL, 0, FALSE);
    room_free (value);
    g_hash_table_iter_remove (&iter);
  }
  g_hash_table_unref (rooms->rooms);
  g_hash_table_unref (rooms->by_client);
  g_array_unref (rooms->listeners);
  g_free (rooms);
}

ShRoom *
sh_rooms_lookup (ShRooms *rooms, gint64 meeting_id)
{
  return g_hash_table_lookup (rooms->rooms, &meeting_id);
}

static ShMeeting *
meeting_copy (const ShMeeting *m)
{
  ShMeeting *c = sh_meeting_new ();

  c->id = m->id;
  c->org_id = m->org_id;
  c->type = m->type;
  c->title = g_strdup (m->title);
  c->planned_start = m->planned_start;
  c->planned_end = m->planned_end;
  c->place = g_strdup (m->place);
  c->chair_member_id = m->chair_member_id;
  c->delegated_by_member_id = m->delegated_by_member_id;
  c->delegation_note = g_strdup (m->delegation_note);
  c->recorder_member_id = m->recorder_member_id;
  c->lecturer_member_id = m->lecturer_member_id;
  c->lecturer_name = g_strdup (m->lecturer_name);
  c->topic = g_strdup (m->topic);
  c->state = m->state;
  c->cancel_reason = g_strdup (m->cancel_reason);
  g_free (c->node_id); /* sh_meeting_new() set "" */
  c->node_id = g_strdup (m->node_id);
  for (guint i = 0; m->agenda && i < m->agenda->len; i++)
    g_ptr_array_add (c->agenda, g_strdup (g_ptr_array_index (m->agenda, i)));
  c->created_by = m->created_by;
  c->created_at = m->created_at;
  c->updated_at = m->updated_at;
  return c;
}

ShRoom *
sh_rooms_open (ShRooms *rooms, const ShMeeting *meeting)
{
  ShRoom *room = sh_rooms_lookup (rooms, meeting->id);

  if (room)
    return room;
  room = g_new0 (ShRoom, 1);
  room->rooms = rooms;
  room->meeting = meeting_copy (meeting);
  room->participants = g_ptr_array_new_with_free_func ((GDestroyNotify) participant_free);
  room->by_account = g_hash_table_new (g_int64_hash, g_int64_equal);
  room->hands = g_array_new (FALSE, FALSE, sizeof (gint64));
  room->ever_joined = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  room->removed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  room->chair_mutes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_insert (rooms->rooms, id_key (meeting->id), room);
  return room;
}

void
sh_rooms_close (ShRooms *rooms, ShRoom *room)
{
  gint64 id = room->meeting->id;

  emit_simple (room, SH_ROOM_EVENT_CLOSING, NULL, 0, FALSE);
  /* The table frees its key, never the room. */
  g_hash_table_remove (rooms->rooms, &id);
  room_free (room);
}

guint
sh_rooms_count (ShRooms *rooms)
{
  return g_hash_table_size (rooms->rooms);
}

guint
sh_rooms_subscribe (ShRooms *rooms, ShRoomListener listener, gpointer user_data,
                    GDestroyNotify destroy)
{
  Listener l = { rooms->next_listener_id++, listener, user_data, destroy };

  g_array_append_val (rooms->listeners, l);
  return l.id;
}

void
sh_rooms_unsubscribe (ShRooms *rooms, guint id)
{
  for (guint i = 0; i < rooms->listeners->len; i++) {
    if (g_array_index (rooms->listeners, Listener, i).id == id) {
      g_array_remove_index (rooms->listeners, i);
      return;
    }
  }
}

void
sh_rooms_set_clock (ShRooms *rooms, gint64 (*now) (void))
{
  rooms->now = now;
}

/* ------------------------------------------------------------------ room */

const ShMeeting *
sh_room_meeting (ShRoom *room)
{
  return room->meeting;
}

gint64
sh_room_meeting_id (ShRoom *room)
{
  return room->meeting->id;
}

ShMeetingState
sh_room_state (ShRoom *room)
{
  return room->meeting->state;
}

static gboolean
state_is_over (ShMeetingState state)
{
  return state == SH_MEETING_ENDED || state == SH_MEETING_CANCELLED || state == SH_MEETING_ARCHIVED;
}

gboolean
sh_room_set_state (ShRoom *room, ShMeetingState state, gint64 by)
{
  ShRoomEvent e = { .kind = SH_ROOM_EVENT_STATE, .by = by, .chair = by != 0, .state = state };

  if (room->meeting->state == state)
    return FALSE;
  room->meeting->state = state;
  emit (room, &e);
  return TRUE;
}

gboolean
sh_room_locked (ShRoom *room)
{
  return room->locked;
}

gboolean
sh_room_set_locked (ShRoom *room, gboolean locked, gint64 by)
{
  if (!room->locked == !locked)
    return FALSE;
  room->locked = !!locked;
  emit_simple (room, locked ? SH_ROOM_EVENT_LOCKED : SH_ROOM_EVENT_UNLOCKED, NULL, by, TRUE);
  return TRUE;
}

gboolean
sh_room_lesson_mode (ShRoom *room)
{
  return room->lesson_mode;
}

gboolean
sh_room_set_lesson_mode (ShRoom *room, gboolean enabled, gint64 by)
{
  if (!room->lesson_mode == !enabled)
    return FALSE;
  room->lesson_mode = !!enabled;
  emit_simple (room, enabled ? SH_ROOM_EVENT_LESSON_MODE_ON : SH_ROOM_EVENT_LESSON_MODE_OFF, NULL,
               by, TRUE);
  return TRUE;
}

gboolean
sh_room_all_muted (ShRoom *room)
{
  return room->all_muted;
}

GPtrArray *
sh_room_participants (ShRoom *room)
{
  return room->participants;
}

ShRoomParticipant *
sh_room_find (ShRoom *room, gint64 account_id)
{
  return g_hash_table_lookup (room->by_account, &account_id);
}

ShRoomParticipant *
sh_rooms_participant_for_client (ShRooms *rooms, ShWsClient *client)
{
  return client ? g_hash_table_lookup (rooms->by_client, client) : NULL;
}

ShRoom *
sh_rooms_of_client (ShRooms *rooms, ShWsClient *client)
{
  ShRoomParticipant *p = sh_rooms_participant_for_client (rooms, client);

  return p ? p->room : NULL;
}

void
sh_rooms_forget_client (ShRooms *rooms, ShWsClient *client)
{
  ShRoomParticipant *p = sh_rooms_participant_for_client (rooms, client);

  if (p)
    detach_client (p->room, p);
}

ShRoomAdmission
sh_room_admits (ShRoom *room, gint64 account_id, gboolean may_chair)
{
  if (g_hash_table_contains (room->removed, &account_id))
    return SH_ROOM_ADMIT_REMOVED;
  if (room->locked && !may_chair && !g_hash_table_contains (room->ever_joined, &account_id))
    return SH_ROOM_ADMIT_LOCKED;
  return SH_ROOM_ADMIT_OK;
}

ShRoomParticipant *
sh_room_join (ShRoom *room, const ShRoomParticipant *who, ShWsClient *client, gint64 now,
              ShWsClient **replaced)
{
  ShRoomParticipant *p = sh_room_find (room, who->account_id);

  *replaced = NULL;
  if (p) {
    /* Same account, new socket: the newest connection wins, the state stays. */
    if (p->client != client) {
      *replaced = p->client;
      detach_client (room, p);
      attach_client (room, p, client);
      p->connections++;
      /* The new socket brings its own media connections: none is live
       * yet, and the old ones' failures and camera are not its own. */
      p->legs_live = 0;
      p->legs_lost = 0;
      p->camera_live = FALSE;
      emit_simple (room, SH_ROOM_EVENT_REPLACED, p, p->account_id, FALSE);
    }
    return p;
  }
  p = g_new0 (ShRoomParticipant, 1);
  p->account_id = who->account_id;
  p->member_id = who->member_id;
  p->name = g_strdup (who->name);
  p->role = who->role;
  p->has_vote = who->has_vote;
  p->may_chair = who->may_chair;
  p->lecturer = who->lecturer;
  p->room = room;
  p->joined_at = now;
  attach_client (room, p, client);
  p->connections = 1;
  /* Leaving and coming back is no way around the chair's mute. */
  p->chair_muted = GPOINTER_TO_UINT (g_hash_table_lookup (room->chair_mutes, &p->account_id));
  if (room->all_muted && !p->may_chair)
    p->chair_muted |= SH_ROOM_AUDIO;
  g_ptr_array_add (room->participants, p);
  g_hash_table_insert (room->by_account, &p->account_id, p);
  g_hash_table_add (room->ever_joined, id_key (p->account_id));
  emit_simple (room, SH_ROOM_EVENT_JOINED, p, p->account_id, FALSE);
  /* Coming in muted by the chair is a change too: the chair's earlier
   * decision, applied by the server. */
  emit_media (room, p, p->chair_muted, TRUE, 0, TRUE);
  return p;
}

static void
drop_hand (ShRoom *room, gint64 account_id)
{
  for (guint i = 0; i < room->hands->len; i++) {
    if (g_array_index (room->hands, gint64, i) == account_id) {
      g_array_remove_index (room->hands, i);
      return;
    }
  }
}

static void
take_out (ShRoom *room, gint64 account_id, ShRoomEvent *e)
{
  ShRoomParticipant *p = sh_room_find (room, account_id);

  if (!p)
    return;
  drop_hand (room, account_id);
  if (p->chair_muted)
    g_hash_table_insert (room->chair_mutes, id_key (account_id), GUINT_TO_POINTER (p->chair_muted));
  else
    g_hash_table_remove (room->chair_mutes, &account_id);
  if (e->kind == SH_ROOM_EVENT_REMOVED)
    g_hash_table_add (room->removed, id_key (account_id));
  e->participant = p;
  e->chair = e->by != 0 && e->by != account_id;
  emit (room, e);
  detach_client (room, p);
  g_hash_table_remove (room->by_account, &account_id);
  g_ptr_array_remove (room->participants, p);
}

void
sh_room_leave (ShRoom *room, gint64 account_id, const char *reason, gint64 by)
{
  ShRoomEvent e = { .kind = SH_ROOM_EVENT_LEFT, .by = by, .reason = reason };

  take_out (room, account_id, &e);
}

void
sh_room_remove (ShRoom *room, gint64 account_id, const char *reason, gint64 by)
{
  ShRoomEvent e = { .kind = SH_ROOM_EVENT_REMOVED, .by = by, .reason = reason };

  take_out (room, account_id, &e);
}

guint
sh_room_set_self_mute (ShRoom *room, ShRoomParticipant *p, guint media, gboolean muted)
{
  guint before = p->self_muted;

  media &= SH_ROOM_ALL_MEDIA;
  if (muted)
    p->self_muted |= media;
  else
    p->self_muted &= ~(media & ~p->chair_muted);
  emit_media (room, p, before ^ p->self_muted, muted, p->account_id, FALSE);
  return before ^ p->self_muted;
}

guint
sh_room_set_chair_mute (ShRoom *room, ShRoomParticipant *p, guint media, gboolean muted, gint64 by)
{
  guint before = p->chair_muted;

  media &= SH_ROOM_ALL_MEDIA;
  if (muted)
    p->chair_muted |= media;
  else
    p->chair_muted &= ~media;
  emit_media (room, p, before ^ p->chair_muted, muted, by, TRUE);
  return before ^ p->chair_muted;
}

GPtrArray *
sh_room_mute_all (ShRoom *room, gboolean muted, gint64 by)
{
  GPtrArray *changed = g_ptr_array_new ();

  if (!room->all_muted != !muted) {
    room->all_muted = !!muted;
    emit_simple (room, muted ? SH_ROOM_EVENT_ALL_MUTED : SH_ROOM_EVENT_ALL_UNMUTED, NULL, by, TRUE);
  }
  if (!muted) {
    /* Lifted for those who left as well: they come back unmuted. */
    GHashTableIter iter;
    gpointer bits;

    g_hash_table_iter_init (&iter, room->chair_mutes);
    while (g_hash_table_iter_next (&iter, NULL, &bits))
      if (!(GPOINTER_TO_UINT (bits) & ~(guint) SH_ROOM_AUDIO))
        g_hash_table_iter_remove (&iter);
      else
        g_hash_table_iter_replace (&iter,
                                   GUINT_TO_POINTER (GPOINTER_TO_UINT (bits) & ~SH_ROOM_AUDIO));
  }
  for (guint i = 0; i < room->participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (room->participants, i);
    if (p->may_chair)
      continue;
    if (sh_room_set_chair_mute (room, p, SH_ROOM_AUDIO, muted, by))
      g_ptr_array_add (changed, p);
  }
  return changed;
}

gboolean
sh_room_raise_hand (ShRoom *room, ShRoomParticipant *p, gint64 now)
{
  if (p->hand_raised_at)
    return FALSE;
  p->hand_raised_at = now;
  g_array_append_val (room->hands, p->account_id);
  emit_simple (room, SH_ROOM_EVENT_HAND_RAISED, p, p->account_id, FALSE);
  return TRUE;
}

gboolean
sh_room_lower_hand (ShRoom *room, ShRoomParticipant *p, gint64 by)
{
  if (!p->hand_raised_at)
    return FALSE;
  p->hand_raised_at = 0;
  drop_hand (room, p->account_id);
  emit_simple (room, SH_ROOM_EVENT_HAND_LOWERED, p, by, by != p->account_id);
  return TRUE;
}

GPtrArray *
sh_room_hands (ShRoom *room)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < room->hands->len; i++) {
    ShRoomParticipant *p = sh_room_find (room, g_array_index (room->hands, gint64, i));
    if (p)
      g_ptr_array_add (out, p);
  }
  return out;
}

gboolean
sh_room_give_floor (ShRoom *room, ShRoomParticipant *p, gint64 by)
{
  gboolean changed = !p->floor;

  sh_room_lower_hand (room, p, by);
  sh_room_set_chair_mute (room, p, SH_ROOM_ALL_MEDIA, FALSE, by);
  p->floor = TRUE;
  if (changed)
    emit_simple (room, SH_ROOM_EVENT_FLOOR_GIVEN, p, by, TRUE);
  return changed;
}

gboolean
sh_room_take_floor (ShRoom *room, ShRoomParticipant *p, gint64 by)
{
  if (!p->floor)
    return FALSE;
  p->floor = FALSE;
  emit_simple (room, SH_ROOM_EVENT_FLOOR_TAKEN, p, by, TRUE);
  if (room->all_muted && !p->may_chair)
    sh_room_set_chair_mute (room, p, SH_ROOM_AUDIO, TRUE, by);
  return TRUE;
}

GPtrArray *
sh_room_floor (ShRoom *room)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < room->participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (room->participants, i);
    if (p->floor)
      g_ptr_array_add (out, p);
  }
  return out;
}

gboolean
sh_room_set_leg_lost (ShRoom *room, ShRoomParticipant *p, ShRoomLeg leg, gboolean lost)
{
  guint before = p->legs_lost;
  ShRoomEvent e = { .participant = p, .legs = leg };

  if (lost)
    p->legs_lost |= leg;
  else
    p->legs_lost &= ~(guint) leg;
  if (!before == !p->legs_lost)
    return FALSE;
  e.kind = lost ? SH_ROOM_EVENT_CONNECTION_LOST : SH_ROOM_EVENT_CONNECTION_REGAINED;
  emit (room, &e);
  return TRUE;
}

gboolean
sh_room_set_leg_live (ShRoom *room, ShRoomParticipant *p, ShRoomLeg leg)
{
  guint before = p->legs_live;
  ShRoomEvent e = { .kind = SH_ROOM_EVENT_MEDIA_LIVE, .participant = p, .legs = leg };

  p->legs_live |= leg;
  if (before)
    return FALSE;
  emit (room, &e);
  return TRUE;
}

gboolean
sh_room_set_camera_live (ShRoom *room, ShRoomParticipant *p, gboolean live)
{
  ShRoomEvent e = { .participant = p };

  if (!p->camera_live == !live)
    return FALSE;
  p->camera_live = !!live;
  e.kind = live ? SH_ROOM_EVENT_CAMERA_LIVE : SH_ROOM_EVENT_CAMERA_IDLE;
  emit (room, &e);
  return TRUE;
}

gboolean
sh_room_may_publish (ShRoom *room, gint64 account_id, ShRoomMedia media)
{
  ShRoomParticipant *p;

  g_return_val_if_fail (media == SH_ROOM_AUDIO || media == SH_ROOM_VIDEO, FALSE);
  if (!room || state_is_over (room->meeting->state))
    return FALSE;
  p = sh_room_find (room, account_id);
  if (!p || (p->self_muted & media) || (p->chair_muted & media))
    return FALSE;
  if (room->lesson_mode)
    return p->lecturer || p->floor;
  return TRUE;
}

void
sh_room_set_media_data (ShRoom *room, gpointer data, GDestroyNotify destroy)
{
  if (room->media_data_free && room->media_data)
    room->media_data_free (room->media_data);
  room->media_data = data;
  room->media_data_free = destroy;
}

gpointer
sh_room_get_media_data (ShRoom *room)
{
  return room->media_data;
}
