/* The persisted event log as a listener of the room event stream
 * (signaling/src/room-log.c): a real store, a real room, and the rows that
 * GET /api/meetings/{id}/events serves.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "room-log.h"

#define T0 G_GINT64_CONSTANT (1796090400000000) /* 2026-12-01 10:00 +08:00 */

typedef struct {
  ShStore *store;
  ShRooms *rooms;
  ShRoom *room;
  gint64 meeting_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gint64 branch;
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (ShMeeting) stored = NULL;
  g_autoptr (GError) error = NULL;

  f->store = minutes_fixture_open_memory ();
  branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会", T0);
  f->meeting_id = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  stored = sh_meeting_get (f->store, f->meeting_id, &error);
  g_assert_no_error (error);
  stored->state = SH_MEETING_OPEN;
  f->rooms = sh_rooms_new ();
  sh_room_log_attach (f->rooms, f->store);
  f->room = sh_rooms_open (f->rooms, stored);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_rooms_free (f->rooms);
  sh_store_free (f->store);
}

static ShRoomParticipant *
join (Fixture *f, gint64 account, gint64 member, gboolean may_chair)
{
  ShRoomParticipant who = {
    .account_id = account, .member_id = member, .name = (char *) "参会人", .may_chair = may_chair
  };
  ShWsClient *replaced = NULL;

  return sh_room_join (f->room, &who, NULL, T0, &replaced);
}

/* "kind detail" lines of the stored events, detail "-" when NULL. */
static char *
stored_events (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = sh_meeting_event_list (f->store, f->meeting_id, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++) {
    ShMeetingEvent *e = g_ptr_array_index (events, i);
    g_string_append_printf (s, "%s %" G_GINT64_FORMAT " %s\n",
                            sh_meeting_event_kind_to_string (e->kind), e->account_id,
                            e->detail ? e->detail : "-");
  }
  return g_string_free (s, FALSE);
}

/* Accounts are not in the store: the log keeps account ids for the room's
 * participants, and the schema refers to accounts. Use the store's ids. */
static gint64
account (Fixture *f, const char *login)
{
  return minutes_fixture_account (f->store, login, login, 0);
}

static void
test_every_change_one_row (Fixture *f, gconstpointer data)
{
  gint64 chair_id = account (f, "chair");
  gint64 member_id = account (f, "member");
  ShRoomParticipant *chair = join (f, chair_id, 0, TRUE);
  ShRoomParticipant *p = join (f, member_id, 0, FALSE);
  g_autofree char *rows = NULL;
  g_autofree char *expected = NULL;

  sh_room_set_state (f->room, SH_MEETING_IN_PROGRESS, chair_id);
  sh_room_set_self_mute (f->room, p, SH_ROOM_VIDEO, TRUE);
  sh_room_raise_hand (f->room, p, T0);
  sh_room_give_floor (f->room, p, chair_id); /* lowers the hand */
  sh_room_take_floor (f->room, p, chair_id);
  sh_room_set_chair_mute (f->room, p, SH_ROOM_AUDIO, TRUE, chair_id);
  g_ptr_array_unref (sh_room_mute_all (f->room, TRUE, chair_id));
  sh_room_set_locked (f->room, TRUE, chair_id);
  sh_room_set_lesson_mode (f->room, TRUE, chair_id);
  sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_PUBLISH, TRUE);
  sh_room_set_leg_lost (f->room, p, SH_ROOM_LEG_PUBLISH, FALSE);
  sh_room_remove (f->room, p->account_id, "扰乱会场", chair_id);
  sh_room_set_state (f->room, SH_MEETING_ENDED, chair_id);
  sh_room_leave (f->room, chair->account_id, "ended", chair_id);
  /* Closing is not a change of the meeting: no row. */
  sh_rooms_close (f->rooms, f->room);

  rows = stored_events (f);
  expected = g_strdup_printf (
      "joined %1$" G_GINT64_FORMAT " -\n"
      "joined %2$" G_GINT64_FORMAT " -\n"
      "started 0 {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "muted %2$" G_GINT64_FORMAT " {\"media\":\"video\",\"by\":%2$" G_GINT64_FORMAT "}\n"
      "hand_raised %2$" G_GINT64_FORMAT " -\n"
      "hand_lowered %2$" G_GINT64_FORMAT " {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "floor_given %2$" G_GINT64_FORMAT " {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "floor_taken %2$" G_GINT64_FORMAT " {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "muted %2$" G_GINT64_FORMAT " {\"media\":\"audio\",\"by\":%1$" G_GINT64_FORMAT "}\n"
      "all_muted 0 {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "locked 0 {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "lesson_mode_on 0 {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "connection_lost %2$" G_GINT64_FORMAT " {\"legs\":[\"publish\"]}\n"
      "connection_regained %2$" G_GINT64_FORMAT " {\"legs\":[\"publish\"]}\n"
      "removed %2$" G_GINT64_FORMAT " {\"by\":%1$" G_GINT64_FORMAT ",\"reason\":\"扰乱会场\"}\n"
      "ended 0 {\"by\":%1$" G_GINT64_FORMAT "}\n"
      "left %1$" G_GINT64_FORMAT " {\"reason\":\"ended\"}\n",
      chair_id, member_id);
  g_assert_cmpstr (rows, ==, expected);
}

static void
test_other_states_and_self_lowered_hand (Fixture *f, gconstpointer data)
{
  ShRoomEvent e = { .kind = SH_ROOM_EVENT_STATE, .state = SH_MEETING_CANCELLED, .by = 3 };
  ShRoomParticipant p = { .account_id = 5 };
  ShMeetingEventKind kind;
  g_autofree char *detail = NULL;
  g_autofree char *none = NULL;

  g_assert_true (sh_room_log_entry (&e, &kind, &detail));
  g_assert_cmpint (kind, ==, SH_MEETING_EVENT_STATE_CHANGED);
  g_assert_cmpstr (detail, ==, "{\"state\":\"cancelled\",\"by\":3}");
  e = (ShRoomEvent){ .kind = SH_ROOM_EVENT_HAND_LOWERED, .participant = &p, .by = 5 };
  g_assert_true (sh_room_log_entry (&e, &kind, &none));
  g_assert_cmpint (kind, ==, SH_MEETING_EVENT_HAND_LOWERED);
  g_assert_null (none);
  e = (ShRoomEvent){ .kind = SH_ROOM_EVENT_CLOSING };
  g_assert_false (sh_room_log_entry (&e, &kind, &none));
  g_assert_null (none);
}

/* A store that refuses the row (here: an account it does not know) costs
 * the row, not the meeting: the room changed and goes on. */
static void
test_store_failure_keeps_room (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ()) {
    ShRoomParticipant *p;

    /* The warning is the point here, not a failure. */
    g_log_set_always_fatal (G_LOG_FATAL_MASK);
    p = join (f, 424242, 0, FALSE);

    g_assert_nonnull (p);
    g_assert_true (sh_room_find (f->room, 424242) == p);
    return;
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*meeting 1: event joined not recorded*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add ("/room-log/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("every-change-one-row", test_every_change_one_row);
  ADD ("other-states-and-self-lowered-hand", test_other_states_and_self_lowered_hand);
  ADD ("store-failure-keeps-room", test_store_failure_keeps_room);
#undef ADD
  return g_test_run ();
}
