/* The room event stream (signaling/src/room.c): a change that is not an
 * event cannot happen. A model of the room is rebuilt from the events alone
 * while thousands of random operations (joins, replacements, leaves,
 * removals, mutes of every kind, hands, the floor, lock, lesson mode, mute
 * all, state changes, lost connections) drive the real room; after each
 * operation the model must equal the room, and an operation that changed
 * nothing must have emitted nothing.
 * SPDX-License-Identifier: Apache-2.0 */
#include "room.h"

/* The room keeps sockets as opaque pointers: a test socket is any object. */
struct _ShWsClient {
  gint64 account_id;
};

#define ACCOUNTS 6
#define SOCKETS_PER_ACCOUNT 3
#define CHAIR 1 /* account 1 has chair powers */

typedef struct {
  gboolean present;
  guint self_muted;
  guint chair_muted;
  gboolean floor;
  guint connections;
  gboolean lost;
  gboolean live;   /* media came up on the current socket */
  gboolean camera; /* the current socket's camera carries packets */
} ModelParticipant;

typedef struct {
  ModelParticipant who[ACCOUNTS + 1];
  GArray *order; /* gint64: accounts in join order */
  GArray *hands; /* gint64: raised hands, first raised first */
  gboolean locked, lesson_mode, all_muted;
  ShMeetingState state;
} Model;

typedef struct {
  ShRooms *rooms;
  ShRoom *room;
  Model model;
  guint events;     /* heard since the last check */
  guint total;      /* heard in the whole run */
  guint kinds_seen; /* bit per ShRoomEventKind */
  gint64 clock;
  ShWsClient sockets[ACCOUNTS + 1][SOCKETS_PER_ACCOUNT];
} Fixture;

static Fixture *the_fixture; /* for the clock, which takes no argument */

static gint64
fixed_clock (void)
{
  return the_fixture->clock;
}

static void
remove_id (GArray *ids, gint64 id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id) {
      g_array_remove_index (ids, i);
      return;
    }
}

static guint
media_bit (ShRoomEventKind kind)
{
  return kind == SH_ROOM_EVENT_MUTED || kind == SH_ROOM_EVENT_UNMUTED ? SH_ROOM_AUDIO
                                                                      : SH_ROOM_VIDEO;
}

/* The model follows the events, and nothing else. */
static void
on_event (ShRoom *room, const ShRoomEvent *e, gpointer user_data)
{
  Fixture *f = user_data;
  Model *m = &f->model;
  gint64 id = e->participant ? e->participant->account_id : 0;
  ModelParticipant *p = id ? &m->who[id] : NULL;
  gboolean off;

  g_assert_cmpint (e->meeting_id, ==, 7);
  g_assert_cmpint (e->at, ==, f->clock);
  f->events++;
  f->total++;
  f->kinds_seen |= 1u << e->kind;
  switch (e->kind) {
    case SH_ROOM_EVENT_JOINED:
      g_assert_false (p->present);
      *p = (ModelParticipant){ .present = TRUE, .connections = 1 };
      g_array_append_val (m->order, id);
      g_assert_cmpint (e->by, ==, id);
      break;
    case SH_ROOM_EVENT_REPLACED:
      g_assert_true (p->present);
      p->connections++;
      p->live = FALSE;
      p->lost = FALSE;
      p->camera = FALSE;
      break;
    case SH_ROOM_EVENT_LEFT:
    case SH_ROOM_EVENT_REMOVED:
      g_assert_true (p->present);
      g_assert_true (e->kind == SH_ROOM_EVENT_LEFT || e->chair);
      p->present = FALSE;
      remove_id (m->order, id);
      remove_id (m->hands, id);
      break;
    case SH_ROOM_EVENT_MUTED:
    case SH_ROOM_EVENT_UNMUTED:
    case SH_ROOM_EVENT_CAMERA_OFF:
    case SH_ROOM_EVENT_CAMERA_ON:
      off = e->kind == SH_ROOM_EVENT_MUTED || e->kind == SH_ROOM_EVENT_CAMERA_OFF;
      if (e->chair)
        p->chair_muted
            = off ? p->chair_muted | media_bit (e->kind) : p->chair_muted & ~media_bit (e->kind);
      else
        p->self_muted
            = off ? p->self_muted | media_bit (e->kind) : p->self_muted & ~media_bit (e->kind);
      break;
    case SH_ROOM_EVENT_HAND_RAISED:
      g_array_append_val (m->hands, id);
      break;
    case SH_ROOM_EVENT_HAND_LOWERED:
      remove_id (m->hands, id);
      break;
    case SH_ROOM_EVENT_FLOOR_GIVEN:
    case SH_ROOM_EVENT_FLOOR_TAKEN:
      p->floor = e->kind == SH_ROOM_EVENT_FLOOR_GIVEN;
      break;
    case SH_ROOM_EVENT_LOCKED:
    case SH_ROOM_EVENT_UNLOCKED:
      m->locked = e->kind == SH_ROOM_EVENT_LOCKED;
      break;
    case SH_ROOM_EVENT_LESSON_MODE_ON:
    case SH_ROOM_EVENT_LESSON_MODE_OFF:
      m->lesson_mode = e->kind == SH_ROOM_EVENT_LESSON_MODE_ON;
      break;
    case SH_ROOM_EVENT_ALL_MUTED:
    case SH_ROOM_EVENT_ALL_UNMUTED:
      m->all_muted = e->kind == SH_ROOM_EVENT_ALL_MUTED;
      break;
    case SH_ROOM_EVENT_STATE:
      m->state = e->state;
      break;
    case SH_ROOM_EVENT_CONNECTION_LOST:
    case SH_ROOM_EVENT_CONNECTION_REGAINED:
      p->lost = e->kind == SH_ROOM_EVENT_CONNECTION_LOST;
      g_assert_cmpuint (e->legs, !=, 0);
      break;
    case SH_ROOM_EVENT_MEDIA_LIVE:
      g_assert_true (p->present);
      g_assert_false (p->live);
      g_assert_cmpuint (e->legs, !=, 0);
      p->live = TRUE;
      break;
    case SH_ROOM_EVENT_CAMERA_LIVE:
    case SH_ROOM_EVENT_CAMERA_IDLE:
      g_assert_true (p->present);
      g_assert_true (p->camera != (e->kind == SH_ROOM_EVENT_CAMERA_LIVE));
      g_assert_cmpint (e->by, ==, 0);
      p->camera = e->kind == SH_ROOM_EVENT_CAMERA_LIVE;
      break;
    case SH_ROOM_EVENT_CLOSING:
    default:
      break;
  }
}

/* The room as it is, in the model's terms, for comparison. */
static char *
room_fingerprint (ShRoom *room)
{
  GString *s = g_string_new (NULL);
  GPtrArray *all = sh_room_participants (room);
  g_autoptr (GPtrArray) hands = sh_room_hands (room);

  g_string_append_printf (s, "state=%d locked=%d lesson=%d all_muted=%d;", sh_room_state (room),
                          sh_room_locked (room), sh_room_lesson_mode (room),
                          sh_room_all_muted (room));
  for (guint i = 0; i < all->len; i++) {
    ShRoomParticipant *p = g_ptr_array_index (all, i);
    g_string_append_printf (
        s, " %" G_GINT64_FORMAT ":self=%u,chair=%u,floor=%d,conn=%u,lost=%d,live=%d,camera=%d",
        p->account_id, p->self_muted, p->chair_muted, p->floor, p->connections, p->legs_lost != 0,
        p->legs_live != 0, p->camera_live);
  }
  g_string_append (s, "; hands");
  for (guint i = 0; i < hands->len; i++)
    g_string_append_printf (s, " %" G_GINT64_FORMAT,
                            ((ShRoomParticipant *) g_ptr_array_index (hands, i))->account_id);
  return g_string_free (s, FALSE);
}

static char *
model_fingerprint (Model *m)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "state=%d locked=%d lesson=%d all_muted=%d;", m->state, m->locked,
                          m->lesson_mode, m->all_muted);
  for (guint i = 0; i < m->order->len; i++) {
    gint64 id = g_array_index (m->order, gint64, i);
    ModelParticipant *p = &m->who[id];
    g_string_append_printf (
        s, " %" G_GINT64_FORMAT ":self=%u,chair=%u,floor=%d,conn=%u,lost=%d,live=%d,camera=%d", id,
        p->self_muted, p->chair_muted, p->floor, p->connections, p->lost, p->live, p->camera);
  }
  g_string_append (s, "; hands");
  for (guint i = 0; i < m->hands->len; i++)
    g_string_append_printf (s, " %" G_GINT64_FORMAT, g_array_index (m->hands, gint64, i));
  return g_string_free (s, FALSE);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (ShMeeting) meeting = sh_meeting_new ();

  meeting->id = 7;
  meeting->type = SH_MEETING_GENERAL;
  meeting->state = SH_MEETING_OPEN;
  the_fixture = f;
  f->clock = 1;
  f->model.order = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->model.hands = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->model.state = SH_MEETING_OPEN;
  for (gint64 a = 1; a <= ACCOUNTS; a++)
    for (guint k = 0; k < SOCKETS_PER_ACCOUNT; k++)
      f->sockets[a][k].account_id = a;
  f->rooms = sh_rooms_new ();
  sh_rooms_set_clock (f->rooms, fixed_clock);
  sh_rooms_subscribe (f->rooms, on_event, f, NULL);
  f->room = sh_rooms_open (f->rooms, meeting);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_rooms_free (f->rooms);
  g_array_unref (f->model.order);
  g_array_unref (f->model.hands);
  the_fixture = NULL;
}

/* One random operation on the room, as the handlers would do it. */
static void
random_operation (Fixture *f)
{
  gint64 id = g_test_rand_int_range (1, ACCOUNTS + 1);
  ShRoomParticipant *p = sh_room_find (f->room, id);
  gboolean on = g_test_rand_bit ();
  guint media = g_test_rand_int_range (1, SH_ROOM_ALL_MEDIA + 1);
  ShRoomParticipant who = { .account_id = id,
                            .member_id = 100 + id,
                            .name = (char *) "参会人",
                            .role = id == CHAIR ? SH_ROOM_ROLE_CHAIR : SH_ROOM_ROLE_MEMBER,
                            .may_chair = id == CHAIR };
  ShWsClient *replaced = NULL;
  static const ShMeetingState states[] = { SH_MEETING_OPEN, SH_MEETING_IN_PROGRESS };

  switch (g_test_rand_int_range (0, 17)) {
    case 0:
    case 1:
      if (sh_room_admits (f->room, id, who.may_chair) == SH_ROOM_ADMIT_OK)
        sh_room_join (f->room, &who,
                      &f->sockets[id][g_test_rand_int_range (0, SOCKETS_PER_ACCOUNT)], f->clock,
                      &replaced);
      break;
    case 2:
      if (p)
        sh_room_leave (f->room, id, on ? "left" : "disconnected", on ? id : 0);
      break;
    case 3:
      /* Removals are rare in a real meeting; keep the room populated. */
      if (p && id != CHAIR && g_test_rand_int_range (0, 4) == 0)
        sh_room_remove (f->room, id, "扰乱会场", CHAIR);
      break;
    case 4:
      if (p)
        sh_room_set_self_mute (f->room, p, media, on);
      break;
    case 5:
      if (p && id != CHAIR)
        sh_room_set_chair_mute (f->room, p, media, on, CHAIR);
      break;
    case 6:
      g_ptr_array_unref (sh_room_mute_all (f->room, on, CHAIR));
      break;
    case 7:
      if (p)
        sh_room_raise_hand (f->room, p, f->clock);
      break;
    case 8:
      if (p)
        sh_room_lower_hand (f->room, p, on ? id : CHAIR);
      break;
    case 9:
      if (p)
        sh_room_give_floor (f->room, p, CHAIR);
      break;
    case 10:
      if (p)
        sh_room_take_floor (f->room, p, CHAIR);
      break;
    case 11:
      sh_room_set_locked (f->room, on, CHAIR);
      break;
    case 12:
      sh_room_set_lesson_mode (f->room, on, CHAIR);
      break;
    case 13:
      sh_room_set_state (f->room, states[on], CHAIR);
      break;
    case 14:
      if (p)
        sh_room_set_leg_live (f->room, p, on ? SH_ROOM_LEG_PUBLISH : SH_ROOM_LEG_SUBSCRIBE);
      break;
    case 15:
      if (p)
        sh_room_set_camera_live (f->room, p, on);
      break;
    case 16:
    default:
      if (p)
        sh_room_set_leg_lost (f->room, p, on ? SH_ROOM_LEG_PUBLISH : SH_ROOM_LEG_SUBSCRIBE,
                              g_test_rand_bit ());
      break;
  }
}

static void
test_model_follows_events (Fixture *f, gconstpointer data)
{
  guint changes = 0;

  for (guint step = 0; step < 20000; step++) {
    g_autofree char *before = room_fingerprint (f->room);
    g_autofree char *after = NULL;
    g_autofree char *model = NULL;

    f->clock++;
    f->events = 0;
    random_operation (f);
    after = room_fingerprint (f->room);
    model = model_fingerprint (&f->model);
    /* Every change was told: the events alone rebuild the room. */
    g_assert_cmpstr (model, ==, after);
    /* Nothing that changed nothing was told. */
    if (g_str_equal (before, after))
      g_assert_cmpuint (f->events, ==, 0);
    else
      changes++;
  }
  g_assert_cmpuint (changes, >, 2000);
  /* Every kind but CLOSING came up. */
  g_assert_cmpuint (f->kinds_seen, ==, (1u << SH_ROOM_EVENT_CLOSING) - 1);
}

/* Events carry who acted and whether chair powers were used. */
static void
test_event_fields (Fixture *f, gconstpointer data)
{
  ShRoomParticipant chair = { .account_id = CHAIR, .name = (char *) "主持人", .may_chair = TRUE };
  ShRoomParticipant member = { .account_id = 2, .name = (char *) "党员" };
  ShWsClient *replaced = NULL;
  ShRoomParticipant *p;

  sh_room_join (f->room, &chair, &f->sockets[1][0], 1, &replaced);
  p = sh_room_join (f->room, &member, &f->sockets[2][0], 1, &replaced);
  g_ptr_array_unref (sh_room_mute_all (f->room, TRUE, CHAIR));
  g_assert_cmpuint (p->chair_muted, ==, SH_ROOM_AUDIO);
  g_assert_true (f->model.all_muted);
  g_assert_cmpuint (f->model.who[2].chair_muted, ==, SH_ROOM_AUDIO);
  /* Leaving and coming back under the chair's mute is told as a mute. */
  sh_room_leave (f->room, 2, "disconnected", 0);
  f->events = 0;
  p = sh_room_join (f->room, &member, &f->sockets[2][1], 2, &replaced);
  g_assert_cmpuint (f->events, ==, 2); /* joined, muted */
  g_assert_cmpuint (f->model.who[2].chair_muted, ==, SH_ROOM_AUDIO);
  g_assert_cmpuint (f->model.who[2].self_muted, ==, 0);
  /* The chair on the floor of their own lesson: chair powers, on oneself. */
  sh_room_give_floor (f->room, sh_room_find (f->room, CHAIR), CHAIR);
  g_assert_true (f->model.who[CHAIR].floor);
  /* Lost and regained count the participant once, whatever the legs. */
  g_assert_true (sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_PUBLISH, TRUE));
  g_assert_false (sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_SUBSCRIBE, TRUE));
  g_assert_false (sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_PUBLISH, FALSE));
  g_assert_true (f->model.who[2].lost);
  g_assert_true (sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_SUBSCRIBE, FALSE));
  g_assert_false (f->model.who[2].lost);
  g_assert_false (sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_SUBSCRIBE, FALSE));
  /* Media comes up once per socket: the second leg adds nothing, a new
   * socket starts again. */
  g_assert_true (sh_room_set_leg_live (f->room, p, SH_ROOM_LEG_SUBSCRIBE));
  g_assert_false (sh_room_set_leg_live (f->room, p, SH_ROOM_LEG_PUBLISH));
  g_assert_true (f->model.who[2].live);
  sh_room_join (f->room, &member, &f->sockets[2][0], 3, &replaced);
  g_assert_false (f->model.who[2].live);
  g_assert_true (sh_room_set_leg_live (f->room, p, SH_ROOM_LEG_PUBLISH));
  /* The camera: once per change, and a new socket starts again from none. */
  g_assert_true (sh_room_set_camera_live (f->room, p, TRUE));
  g_assert_false (sh_room_set_camera_live (f->room, p, TRUE));
  g_assert_true (f->model.who[2].camera);
  sh_room_join (f->room, &member, &f->sockets[2][1], 4, &replaced);
  g_assert_false (p->camera_live);
  g_assert_false (f->model.who[2].camera);
  g_assert_false (sh_room_set_camera_live (f->room, p, FALSE));
  g_assert_true (sh_room_set_camera_live (f->room, p, TRUE));
  g_assert_true (sh_room_set_camera_live (f->room, p, FALSE));
  g_assert_false (f->model.who[2].camera);
}

/* Closing tells the listeners, and unsubscribing one stops it hearing. */
static void
test_closing (Fixture *f, gconstpointer data)
{
  guint before = f->total;

  f->kinds_seen = 0;
  sh_rooms_close (f->rooms, f->room);
  g_assert_cmpuint (f->total, ==, before + 1);
  g_assert_cmpuint (f->kinds_seen, ==, 1u << SH_ROOM_EVENT_CLOSING);
}

static void
test_kind_names (void)
{
  for (guint k = 0; k < SH_ROOM_EVENT_KIND_COUNT; k++)
    g_assert_nonnull (sh_room_event_kind_to_string ((ShRoomEventKind) k));
  g_assert_cmpstr (sh_room_event_kind_to_string (SH_ROOM_EVENT_CAMERA_OFF), ==, "camera_off");
  g_assert_cmpstr (sh_room_event_kind_to_string (SH_ROOM_EVENT_CONNECTION_REGAINED), ==,
                   "connection_regained");
  g_assert_cmpstr (sh_room_event_kind_to_string (SH_ROOM_EVENT_MEDIA_LIVE), ==, "media_live");
  g_assert_cmpstr (sh_room_event_kind_to_string (SH_ROOM_EVENT_CAMERA_LIVE), ==, "camera_live");
  g_assert_cmpstr (sh_room_event_kind_to_string (SH_ROOM_EVENT_CAMERA_IDLE), ==, "camera_idle");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/room-events/model-follows-events", Fixture, NULL, fixture_set_up,
              test_model_follows_events, fixture_tear_down);
  g_test_add ("/room-events/event-fields", Fixture, NULL, fixture_set_up, test_event_fields,
              fixture_tear_down);
  g_test_add ("/room-events/closing", Fixture, NULL, fixture_set_up, test_closing,
              fixture_tear_down);
  g_test_add_func ("/room-events/kind-names", test_kind_names);
  return g_test_run ();
}
