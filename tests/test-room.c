/* The rules of a live meeting room (signaling/src/room.c) without sockets
 * or a database: who may publish under mute, lesson mode and the floor,
 * the hand queue, replacement, lock and removal, and the events they emit.
 * SPDX-License-Identifier: Apache-2.0 */
#include "room.h"

/* The room keeps sockets as opaque pointers: a test socket is any object. */
struct _ShWsClient {
  gint64 account_id;
};

#define T0 G_GINT64_CONSTANT (1751333400000000)

typedef struct {
  ShRooms *rooms;
  ShRoom *room;
  GArray *changes;  /* ShRoomEventKind heard */
  GArray *subjects; /* gint64 account id of each event, 0 for room-wide */
} Fixture;

static void
record_change (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  Fixture *f = user_data;
  gint64 who = e->participant ? e->participant->account_id : 0;

  g_array_append_val (f->changes, e->kind);
  g_array_append_val (f->subjects, who);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) m = sh_meeting_new ();

  m->id = 7;
  m->type = SH_MEETING_LESSON;
  m->title = g_strdup ("党课");
  m->state = SH_MEETING_OPEN;
  m->lecturer_member_id = 100;
  f->rooms = sh_rooms_new ();
  f->changes = g_array_new (FALSE, FALSE, sizeof (ShRoomEventKind));
  f->subjects = g_array_new (FALSE, FALSE, sizeof (gint64));
  sh_rooms_subscribe (f->rooms, record_change, f, NULL);
  f->room = sh_rooms_open (f->rooms, m);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_rooms_free (f->rooms);
  g_array_unref (f->changes);
  g_array_unref (f->subjects);
}

/* Joins account @id (member 100+id) with @role on a fresh fake socket. */
static ShRoomParticipant *
join (Fixture *f, gint64 id, ShRoomRole role, gboolean may_chair, ShWsClient *client)
{
  ShRoomParticipant who = { 0 };
  ShWsClient *replaced = NULL;
  ShRoomParticipant *p;

  who.account_id = id;
  who.member_id = 100 + id;
  who.name = (char *) "参会人";
  who.role = role;
  who.may_chair = may_chair;
  who.lecturer = role == SH_ROOM_ROLE_LECTURER;
  p = sh_room_join (f->room, &who, client, T0 + id, &replaced);
  g_assert_null (replaced);
  return p;
}

static ShRoomEventKind
last_change (Fixture *f)
{
  g_assert_cmpuint (f->changes->len, >, 0);
  return g_array_index (f->changes, ShRoomEventKind, f->changes->len - 1);
}

static void
test_registry (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) other = sh_meeting_new ();

  g_assert_true (sh_rooms_lookup (f->rooms, 7) == f->room);
  g_assert_null (sh_rooms_lookup (f->rooms, 8));
  g_assert_cmpint (sh_room_meeting_id (f->room), ==, 7);
  g_assert_cmpint (sh_room_state (f->room), ==, SH_MEETING_OPEN);
  g_assert_cmpstr (sh_room_meeting (f->room)->title, ==, "党课");
  other->id = 8;
  g_assert_true (sh_rooms_open (f->rooms, other) != f->room);
  g_assert_true (sh_rooms_open (f->rooms, other) == sh_rooms_lookup (f->rooms, 8));
  g_assert_cmpuint (sh_rooms_count (f->rooms), ==, 2);
  sh_rooms_close (f->rooms, sh_rooms_lookup (f->rooms, 8));
  g_assert_cmpuint (sh_rooms_count (f->rooms), ==, 1);
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_CLOSING);
}

static void
test_role_names (void)
{
  g_assert_cmpstr (sh_room_role_to_string (SH_ROOM_ROLE_MIGRANT_VISITOR), ==, "migrant_visitor");
  g_assert_cmpstr (sh_room_role_label (SH_ROOM_ROLE_GUEST), ==, "列席");
  g_assert_cmpstr (sh_room_role_to_string (SH_ROOM_ROLE_CHAIR), ==, "chair");
  g_assert_cmpstr (sh_room_role_label (SH_ROOM_ROLE_LECTURER), ==, "主讲人");
}

static void
test_may_publish_mute (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *p = join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);

  g_assert_true (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));
  g_assert_true (sh_room_may_publish (f->room, 1, SH_ROOM_VIDEO));
  g_assert_false (sh_room_may_publish (f->room, 2, SH_ROOM_AUDIO)); /* not in the room */

  g_assert_cmpuint (sh_room_set_self_mute (f->room, p, SH_ROOM_VIDEO, TRUE), ==, SH_ROOM_VIDEO);
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_CAMERA_OFF);
  g_assert_true (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));
  g_assert_false (sh_room_may_publish (f->room, 1, SH_ROOM_VIDEO));
  g_assert_cmpuint (sh_room_set_self_mute (f->room, p, SH_ROOM_VIDEO, TRUE), ==, 0);

  /* The chair mutes audio: unmuting oneself does not lift it. */
  g_assert_cmpuint (sh_room_set_chair_mute (f->room, p, SH_ROOM_AUDIO, TRUE, 9), ==, SH_ROOM_AUDIO);
  g_assert_false (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));
  g_assert_cmpuint (sh_room_set_self_mute (f->room, p, SH_ROOM_ALL_MEDIA, FALSE), ==,
                    SH_ROOM_VIDEO);
  g_assert_false (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));
  g_assert_true (sh_room_may_publish (f->room, 1, SH_ROOM_VIDEO));
  g_assert_cmpuint (sh_room_set_chair_mute (f->room, p, SH_ROOM_AUDIO, FALSE, 9), ==,
                    SH_ROOM_AUDIO);
  g_assert_true (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));

  /* An ended meeting forwards nothing. */
  g_assert_true (sh_room_set_state (f->room, SH_MEETING_ENDED, 9));
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_STATE);
  g_assert_false (sh_room_set_state (f->room, SH_MEETING_ENDED, 9));
  g_assert_false (sh_room_may_publish (f->room, 1, SH_ROOM_AUDIO));
}

static void
test_may_publish_lesson_mode (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *chair = join (f, 1, SH_ROOM_ROLE_CHAIR, TRUE, NULL);
  ShRoomParticipant *lecturer = join (f, 2, SH_ROOM_ROLE_LECTURER, FALSE, NULL);
  ShRoomParticipant *member = join (f, 3, SH_ROOM_ROLE_MEMBER, FALSE, NULL);

  g_assert_true (sh_room_set_lesson_mode (f->room, TRUE, 1));
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_LESSON_MODE_ON);
  g_assert_false (sh_room_set_lesson_mode (f->room, TRUE, 1));
  g_assert_true (sh_room_lesson_mode (f->room));
  g_assert_true (sh_room_may_publish (f->room, lecturer->account_id, SH_ROOM_AUDIO));
  g_assert_true (sh_room_may_publish (f->room, lecturer->account_id, SH_ROOM_VIDEO));
  g_assert_false (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));
  /* The chair too needs the floor in lesson mode. */
  g_assert_false (sh_room_may_publish (f->room, chair->account_id, SH_ROOM_AUDIO));

  g_assert_true (sh_room_give_floor (f->room, member, 1));
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_FLOOR_GIVEN);
  g_assert_false (sh_room_give_floor (f->room, member, 1));
  g_assert_true (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));
  /* The floor does not override one's own mute. */
  sh_room_set_self_mute (f->room, member, SH_ROOM_AUDIO, TRUE);
  g_assert_false (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));
  sh_room_set_self_mute (f->room, member, SH_ROOM_AUDIO, FALSE);
  g_assert_true (sh_room_take_floor (f->room, member, 1));
  g_assert_false (sh_room_take_floor (f->room, member, 1));
  g_assert_false (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));

  /* The lecturer muted by the chair is muted even in lesson mode. */
  sh_room_set_chair_mute (f->room, lecturer, SH_ROOM_AUDIO, TRUE, 1);
  g_assert_false (sh_room_may_publish (f->room, lecturer->account_id, SH_ROOM_AUDIO));

  g_assert_true (sh_room_set_lesson_mode (f->room, FALSE, 1));
  g_assert_true (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));
  g_assert_true (sh_room_may_publish (f->room, chair->account_id, SH_ROOM_AUDIO));
}

static void
test_hands_and_floor (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *a = join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  ShRoomParticipant *b = join (f, 2, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  ShRoomParticipant *c = join (f, 3, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  g_autoptr (GPtrArray) hands = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) floor = NULL;

  g_assert_true (sh_room_raise_hand (f->room, b, T0 + 10));
  g_assert_true (sh_room_raise_hand (f->room, c, T0 + 20));
  g_assert_true (sh_room_raise_hand (f->room, a, T0 + 30));
  /* Raising again keeps the place in the queue. */
  g_assert_false (sh_room_raise_hand (f->room, b, T0 + 40));
  g_assert_cmpint (b->hand_raised_at, ==, T0 + 10);
  hands = sh_room_hands (f->room);
  g_assert_cmpuint (hands->len, ==, 3);
  g_assert_true (hands->pdata[0] == b && hands->pdata[1] == c && hands->pdata[2] == a);

  /* The chair mutes everyone; giving the floor lowers the hand and lifts
   * the mute; taking it back mutes again. */
  g_ptr_array_unref (sh_room_mute_all (f->room, TRUE, 9));
  g_assert_false (sh_room_may_publish (f->room, c->account_id, SH_ROOM_AUDIO));
  g_assert_true (sh_room_give_floor (f->room, c, 9));
  g_assert_cmpint (c->hand_raised_at, ==, 0);
  g_assert_cmpuint (c->chair_muted, ==, 0);
  g_assert_true (sh_room_may_publish (f->room, c->account_id, SH_ROOM_AUDIO));
  floor = sh_room_floor (f->room);
  g_assert_cmpuint (floor->len, ==, 1);
  g_assert_true (floor->pdata[0] == c);
  after = sh_room_hands (f->room);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_true (after->pdata[0] == b && after->pdata[1] == a);
  g_assert_true (sh_room_take_floor (f->room, c, 9));
  g_assert_cmpuint (c->chair_muted, ==, SH_ROOM_AUDIO);

  g_assert_true (sh_room_lower_hand (f->room, b, b->account_id));
  g_assert_false (sh_room_lower_hand (f->room, b, b->account_id));
  /* Leaving takes the hand out of the queue. */
  sh_room_leave (f->room, a->account_id, "left", a->account_id);
  g_ptr_array_unref (after);
  after = sh_room_hands (f->room);
  g_assert_cmpuint (after->len, ==, 0);
}

static void
test_mute_all_spares_chair_and_newcomers_come_muted (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *chair = join (f, 1, SH_ROOM_ROLE_CHAIR, TRUE, NULL);
  ShRoomParticipant *member = join (f, 2, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  g_autoptr (GPtrArray) changed = sh_room_mute_all (f->room, TRUE, 1);
  g_autoptr (GPtrArray) again = sh_room_mute_all (f->room, TRUE, 1);
  g_autoptr (GPtrArray) lifted = NULL;
  ShRoomParticipant *late;

  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_true (changed->pdata[0] == member);
  g_assert_cmpuint (again->len, ==, 0);
  g_assert_true (sh_room_all_muted (f->room));
  g_assert_true (sh_room_may_publish (f->room, chair->account_id, SH_ROOM_AUDIO));
  g_assert_false (sh_room_may_publish (f->room, member->account_id, SH_ROOM_AUDIO));
  g_assert_true (sh_room_may_publish (f->room, member->account_id, SH_ROOM_VIDEO));
  late = join (f, 3, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  g_assert_cmpuint (late->chair_muted, ==, SH_ROOM_AUDIO);
  lifted = sh_room_mute_all (f->room, FALSE, 1);
  g_assert_cmpuint (lifted->len, ==, 2);
  g_assert_true (sh_room_may_publish (f->room, late->account_id, SH_ROOM_AUDIO));
}

/* Leaving and joining again does not lift the chair's mute. */
static void
test_chair_mute_survives_rejoin (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *p = join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);

  sh_room_set_chair_mute (f->room, p, SH_ROOM_VIDEO, TRUE, 9);
  sh_room_leave (f->room, 1, "left", 1);
  g_assert_null (sh_room_find (f->room, 1));
  p = join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  g_assert_cmpuint (p->chair_muted, ==, SH_ROOM_VIDEO);
  g_assert_false (sh_room_may_publish (f->room, 1, SH_ROOM_VIDEO));
}

static void
test_replacement_keeps_state (Fixture *f, gconstpointer data)
{
  ShWsClient first = { .account_id = 1 };
  ShWsClient second = { .account_id = 1 };
  ShRoomParticipant who = { .account_id = 1, .name = (char *) "黄丽", .role = SH_ROOM_ROLE_MEMBER };
  ShWsClient *replaced = NULL;
  ShRoomParticipant *p = sh_room_join (f->room, &who, &first, T0, &replaced);
  ShRoomParticipant *again;

  g_assert_null (replaced);
  g_assert_true (sh_rooms_participant_for_client (f->rooms, &first) == p);
  g_assert_true (sh_rooms_of_client (f->rooms, &first) == f->room);
  sh_room_raise_hand (f->room, p, T0 + 1);
  sh_room_set_self_mute (f->room, p, SH_ROOM_VIDEO, TRUE);

  again = sh_room_join (f->room, &who, &second, T0 + 5, &replaced);
  g_assert_true (again == p);
  g_assert_true (replaced == &first);
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_REPLACED);
  g_assert_null (sh_rooms_of_client (f->rooms, &first));
  g_assert_null (sh_rooms_participant_for_client (f->rooms, &first));
  g_assert_true (sh_rooms_participant_for_client (f->rooms, &second) == p);
  g_assert_cmpuint (p->connections, ==, 2);
  g_assert_cmpint (p->joined_at, ==, T0);
  g_assert_cmpint (p->hand_raised_at, ==, T0 + 1);
  g_assert_cmpuint (p->self_muted, ==, SH_ROOM_VIDEO);
  g_assert_cmpuint (sh_room_participants (f->room)->len, ==, 1);

  /* The same socket joining again changes nothing. */
  g_assert_true (sh_room_join (f->room, &who, &second, T0 + 6, &replaced) == p);
  g_assert_null (replaced);
  g_assert_cmpuint (p->connections, ==, 2);

  /* The socket closes: the participant stays until taken out, carried by
   * no socket. */
  sh_rooms_forget_client (f->rooms, &second);
  g_assert_null (p->client);
  g_assert_null (sh_rooms_of_client (f->rooms, &second));
  g_assert_true (sh_room_find (f->room, 1) == p);
  sh_room_leave (f->room, 1, "disconnected", 0);
  g_assert_null (sh_room_find (f->room, 1));
}

static void
test_lock_and_removal (Fixture *f, gconstpointer data)
{
  join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  join (f, 2, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  g_assert_true (sh_room_set_locked (f->room, TRUE, 9));
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_LOCKED);
  g_assert_false (sh_room_set_locked (f->room, TRUE, 9));
  g_assert_true (sh_room_locked (f->room));
  /* A newcomer is kept out; the chair and someone who was in get in. */
  g_assert_cmpint (sh_room_admits (f->room, 3, FALSE), ==, SH_ROOM_ADMIT_LOCKED);
  g_assert_cmpint (sh_room_admits (f->room, 3, TRUE), ==, SH_ROOM_ADMIT_OK);
  sh_room_leave (f->room, 1, "left", 1);
  g_assert_cmpint (sh_room_admits (f->room, 1, FALSE), ==, SH_ROOM_ADMIT_OK);
  /* Removal keeps the account out, lock or not, chair powers or not. */
  sh_room_remove (f->room, 2, "扰乱会场", 9);
  g_assert_cmpint (last_change (f), ==, SH_ROOM_EVENT_REMOVED);
  g_assert_cmpint (g_array_index (f->subjects, gint64, f->subjects->len - 1), ==, 2);
  g_assert_cmpint (sh_room_admits (f->room, 2, FALSE), ==, SH_ROOM_ADMIT_REMOVED);
  g_assert_true (sh_room_set_locked (f->room, FALSE, 9));
  g_assert_cmpint (sh_room_admits (f->room, 2, TRUE), ==, SH_ROOM_ADMIT_REMOVED);
  g_assert_cmpint (sh_room_admits (f->room, 3, FALSE), ==, SH_ROOM_ADMIT_OK);
}

static void
free_counter (gpointer data)
{
  (*(int *) data)++;
}

/* The media module's slots are freed with the participant and the room;
 * closing a room detaches the sockets still in it. */
static void
test_media_slots_and_close (Fixture *f, gconstpointer data)
{
  ShWsClient socket = { .account_id = 1 };
  int freed = 0;
  ShRoomParticipant *p = join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, &socket);
  ShRoomParticipant *q = join (f, 2, SH_ROOM_ROLE_MEMBER, FALSE, NULL);

  p->media = &freed;
  p->media_free = free_counter;
  q->media = &freed;
  q->media_free = free_counter;
  sh_room_set_media_data (f->room, &freed, free_counter);
  g_assert_true (sh_room_get_media_data (f->room) == &freed);
  sh_room_leave (f->room, 2, "left", 2);
  g_assert_cmpint (freed, ==, 1);
  sh_rooms_close (f->rooms, f->room);
  g_assert_cmpint (freed, ==, 3);
  g_assert_null (sh_rooms_of_client (f->rooms, &socket));
  g_assert_cmpuint (sh_rooms_count (f->rooms), ==, 0);
}

static void
test_unsubscribe (Fixture *f, gconstpointer data)
{
  guint before;
  guint id = sh_rooms_subscribe (f->rooms, record_change, f, NULL);

  join (f, 1, SH_ROOM_ROLE_MEMBER, FALSE, NULL);
  /* Both listeners heard the join. */
  g_assert_cmpuint (f->changes->len, ==, 2);
  sh_rooms_unsubscribe (f->rooms, id);
  before = f->changes->len;
  sh_room_leave (f->room, 1, "left", 1);
  g_assert_cmpuint (f->changes->len, ==, before + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add ("/room/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("registry", test_registry);
  ADD ("may-publish-mute", test_may_publish_mute);
  ADD ("may-publish-lesson-mode", test_may_publish_lesson_mode);
  ADD ("hands-and-floor", test_hands_and_floor);
  ADD ("mute-all", test_mute_all_spares_chair_and_newcomers_come_muted);
  ADD ("chair-mute-survives-rejoin", test_chair_mute_survives_rejoin);
  ADD ("replacement-keeps-state", test_replacement_keeps_state);
  ADD ("lock-and-removal", test_lock_and_removal);
  ADD ("media-slots-and-close", test_media_slots_and_close);
  ADD ("unsubscribe", test_unsubscribe);
#undef ADD
  g_test_add_func ("/room/role-names", test_role_names);
  return g_test_run ();
}
