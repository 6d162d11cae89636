/* The live state of meetings (room.h): participants, mute, hands, floor,
 * lock and lesson mode, and the hooks that tell the media module.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server-private.h"

typedef struct {
  guint id;
  ShRoomHook hook;
  gpointer user_data;
  GDestroyNotify destroy;
} Hook;

struct _ShRooms {
  GHashTable *rooms; /* gint64* meeting id → ShRoom*, owned */
  GArray *hooks;     /* Hook */
  guint next_hook_id;
};

struct _ShRoom {
  ShRooms *rooms;          /* the registry, for hooks */
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

static void
fire (ShRoom *room, ShRoomChange change, ShRoomParticipant *p)
{
  if (!room->rooms)
    return;
  for (guint i = 0; i < room->rooms->hooks->len; i++) {
    Hook *h = &g_array_index (room->rooms->hooks, Hook, i);
    h->hook (room, change, p, h->user_data);
  }
}

static void
participant_free (ShRoomParticipant *p)
{
  if (p->media_free && p->media)
    p->media_free (p->media);
  g_free (p->name);
  g_free (p);
}

/* ------------------------------------------------------------- registry */

static void
room_free (ShRoom *room)
{
  /* Sockets still in the room outlive it: they must not point at it. */
  for (guint i = 0; i < room->participants->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (room->participants, i);
    if (p->client && p->client->room == room)
      p->client->room = NULL;
  }
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
hook_clear (gpointer data)
{
  Hook *h = data;

  if (h->destroy)
    h->destroy (h->user_data);
}

ShRooms *
sh_rooms_new (void)
{
  ShRooms *rooms = g_new0 (ShRooms, 1);

  rooms->rooms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  rooms->hooks = g_array_new (FALSE, TRUE, sizeof (Hook));
  g_array_set_clear_func (rooms->hooks, hook_clear);
  rooms->next_hook_id = 1;
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
    fire (value, SH_ROOM_CHANGE_CLOSING, NULL);
    room_free (value);
    g_hash_table_iter_remove (&iter);
  }
  g_hash_table_unref (rooms->rooms);
  g_array_unref (rooms->hooks);
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

  fire (room, SH_ROOM_CHANGE_CLOSING, NULL);
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
sh_rooms_add_hook (ShRooms *rooms, ShRoomHook hook, gpointer user_data, GDestroyNotify destroy)
{
  Hook h = { rooms->next_hook_id++, hook, user_data, destroy };

  g_array_append_val (rooms->hooks, h);
  return h.id;
}

void
sh_rooms_remove_hook (ShRooms *rooms, guint id)
{
  for (guint i = 0; i < rooms->hooks->len; i++) {
    if (g_array_index (rooms->hooks, Hook, i).id == id) {
      g_array_remove_index (rooms->hooks, i);
      return;
    }
  }
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

gboolean
sh_room_set_state (ShRoom *room, ShMeetingState state)
{
  if (room->meeting->state == state)
    return FALSE;
  room->meeting->state = state;
  fire (room, SH_ROOM_CHANGE_STATE, NULL);
  return TRUE;
}

gboolean
sh_room_locked (ShRoom *room)
{
  return room->locked;
}

gboolean
sh_room_set_locked (ShRoom *room, gboolean locked)
{
  if (!room->locked == !locked)
    return FALSE;
  room->locked = !!locked;
  return TRUE;
}

gboolean
sh_room_lesson_mode (ShRoom *room)
{
  return room->lesson_mode;
}

gboolean
sh_room_set_lesson_mode (ShRoom *room, gboolean enabled)
{
  if (!room->lesson_mode == !enabled)
    return FALSE;
  room->lesson_mode = !!enabled;
  fire (room, SH_ROOM_CHANGE_LESSON_MODE, NULL);
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

ShRoom *
sh_room_of_client (ShWsClient *client)
{
  return client ? client->room : NULL;
}

ShRoomParticipant *
sh_room_participant_for_client (ShWsClient *client)
{
  ShRoomParticipant *p;

  if (!client || !client->room)
    return NULL;
  p = sh_room_find (client->room, client->account_id);
  return p && p->client == client ? p : NULL;
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
      if (p->client && p->client->room == room)
        p->client->room = NULL;
      p->client = client;
      p->connections++;
      if (client)
        client->room = room;
      fire (room, SH_ROOM_CHANGE_REPLACED, p);
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
  p->joined_at = now;
  p->client = client;
  p->connections = 1;
  /* Leaving and coming back is no way around the chair's mute. */
  p->chair_muted = GPOINTER_TO_UINT (g_hash_table_lookup (room->chair_mutes, &p->account_id));
  if (room->all_muted && !p->may_chair)
    p->chair_muted |= SH_ROOM_AUDIO;
  g_ptr_array_add (room->participants, p);
  g_hash_table_insert (room->by_account, &p->account_id, p);
  g_hash_table_add (room->ever_joined, id_key (p->account_id));
  if (client)
    client->room = room;
  fire (room, SH_ROOM_CHANGE_JOINED, p);
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

void
sh_room_leave (ShRoom *room, gint64 account_id, gboolean removed)
{
  ShRoomParticipant *p = sh_room_find (room, account_id);

  if (!p)
    return;
  if (p->client && p->client->room == room)
    p->client->room = NULL;
  drop_hand (room, account_id);
  if (p->chair_muted)
    g_hash_table_insert (room->chair_mutes, id_key (account_id), GUINT_TO_POINTER (p->chair_muted));
  else
    g_hash_table_remove (room->chair_mutes, &account_id);
  if (removed)
    g_hash_table_add (room->removed, id_key (account_id));
  fire (room, SH_ROOM_CHANGE_LEFT, p);
  g_hash_table_remove (room->by_account, &account_id);
  g_ptr_array_remove (room->participants, p);
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
  if (before != p->self_muted)
    fire (room, SH_ROOM_CHANGE_MUTE, p);
  return before ^ p->self_muted;
}

guint
sh_room_set_chair_mute (ShRoom *room, ShRoomParticipant *p, guint media, gboolean muted)
{
  guint before = p->chair_muted;

  media &= SH_ROOM_ALL_MEDIA;
  if (muted)
    p->chair_muted |= media;
  else
    p->chair_muted &= ~media;
  if (before != p->chair_muted)
    fire (room, SH_ROOM_CHANGE_MUTE, p);
  return before ^ p->chair_muted;
}

GPtrArray *
sh_room_mute_all (ShRoom *room, gboolean muted)
{
  GPtrArray *changed = g_ptr_array_new ();

  room->all_muted = !!muted;
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
    if (sh_room_set_chair_mute (room, p, SH_ROOM_AUDIO, muted))
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
  return TRUE;
}

gboolean
sh_room_lower_hand (ShRoom *room, ShRoomParticipant *p)
{
  if (!p->hand_raised_at)
    return FALSE;
  p->hand_raised_at = 0;
  drop_hand (room, p->account_id);
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
sh_room_give_floor (ShRoom *room, ShRoomParticipant *p)
{
  gboolean changed = !p->floor;

  sh_room_lower_hand (room, p);
  sh_room_set_chair_mute (room, p, SH_ROOM_ALL_MEDIA, FALSE);
  p->floor = TRUE;
  if (changed)
    fire (room, SH_ROOM_CHANGE_FLOOR, p);
  return changed;
}

gboolean
sh_room_take_floor (ShRoom *room, ShRoomParticipant *p)
{
  if (!p->floor)
    return FALSE;
  p->floor = FALSE;
  fire (room, SH_ROOM_CHANGE_FLOOR, p);
  if (room->all_muted && !p->may_chair)
    sh_room_set_chair_mute (room, p, SH_ROOM_AUDIO, TRUE);
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
sh_room_may_publish (ShRoom *room, gint64 account_id, ShRoomMedia media)
{
  ShRoomParticipant *p;

  g_return_val_if_fail (media == SH_ROOM_AUDIO || media == SH_ROOM_VIDEO, FALSE);
  if (!room || room->meeting->state == SH_MEETING_ENDED
      || room->meeting->state == SH_MEETING_CANCELLED
      || room->meeting->state == SH_MEETING_ARCHIVED)
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
