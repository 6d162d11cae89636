/* Attendance intervals as a listener of the room event stream
 * (signaling/src/attendance-live.c), fed a scripted meeting: a real store,
 * a real room with a pinned clock, the event log attached as in the
 * server. A member who drops and rejoins has two intervals and the right
 * total; an interval needs the participant's own live media; replaced
 * sockets, lost media, the chair's removal and the end close it. Video is
 * what the media plane saw of the camera, not the mute state.
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-live.h"
#include "minutes-fixture.h"
#include "room-log.h"
#include "ws-private.h"

#define SEC G_GINT64_CONSTANT (1000000)

static const char phone_ua[]
    = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36";
static const char computer_ua[]
    = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36";

typedef struct {
  ShStore *store;
  ShRooms *rooms;
  ShRoom *room;
  gint64 meeting_id;
  gint64 start; /* the actual start: when the expected list was frozen */
  gint64 member_a, member_b, account_a, account_b, guest;
  ShWsClient sockets[4];
} Fixture;

static gint64 the_clock;

static gint64
fixed_clock (void)
{
  return the_clock;
}

static void
at (Fixture *f, gint64 seconds)
{
  the_clock = f->start + seconds * SEC;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gint64 branch;
  g_autoptr (ShMeeting) m = NULL;
  g_autoptr (ShMeeting) stored = NULL;
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (GError) error = NULL;

  f->store = minutes_fixture_open_memory ();
  branch = minutes_fixture_org (f->store, 0, SH_ORG_BRANCH, "第一党支部");
  f->member_a = minutes_fixture_member (f->store, branch, "李四", SH_MEMBER_FULL, 0);
  f->member_b = minutes_fixture_member (f->store, branch, "张三", SH_MEMBER_FULL, 0);
  f->account_a = minutes_fixture_account (f->store, "lisi", "李四", f->member_a);
  f->account_b = minutes_fixture_account (f->store, "zhangsan", "张三", f->member_b);
  f->guest = minutes_fixture_account (f->store, "admin", "管理员", 0);
  m = minutes_fixture_meeting (branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + 60 * SEC);
  m->chair_member_id = f->member_b;
  f->meeting_id = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  g_assert_true (sh_meeting_transition (f->store, f->meeting_id, SH_MEETING_OPEN, NULL, &error));
  g_assert_true (
      sh_meeting_transition (f->store, f->meeting_id, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  a = sh_attendance_expected (f->store, f->meeting_id, &error);
  g_assert_no_error (error);
  g_assert_true (a->frozen);
  f->start = a->frozen_at;
  stored = sh_meeting_get (f->store, f->meeting_id, &error);
  f->rooms = sh_rooms_new ();
  sh_rooms_set_clock (f->rooms, fixed_clock);
  sh_room_log_attach (f->rooms, f->store);
  sh_attendance_live_attach (f->rooms, f->store);
  at (f, 0);
  f->room = sh_rooms_open (f->rooms, stored);
  for (guint i = 0; i < G_N_ELEMENTS (f->sockets); i++)
    f->sockets[i].user_agent = (char *) (i == 1 ? computer_ua : phone_ua);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_rooms_free (f->rooms);
  sh_store_free (f->store);
}

static ShRoomParticipant *
join (Fixture *f, gint64 account, gint64 member, ShWsClient *socket)
{
  ShRoomParticipant who = { .account_id = account,
                            .member_id = member,
                            .name = (char *) "参会人",
                            .role = member ? SH_ROOM_ROLE_MEMBER : SH_ROOM_ROLE_GUEST };
  ShWsClient *replaced = NULL;

  return sh_room_join (f->room, &who, socket, the_clock, &replaced);
}

/* "account start-end reason device video" per interval, in seconds from
 * the start ("-" for an open end). */
static char *
intervals (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = sh_presence_list (f->store, f->meeting_id, &error);
  GString *s = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++) {
    ShPresenceInterval *in = g_ptr_array_index (list, i);
    const char *who = in->account_id == f->account_a   ? "A"
                      : in->account_id == f->account_b ? "B"
                                                       : "G";

    if (in->ended_at)
      g_string_append_printf (s, "%s %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT " %s %s %s %s\n", who,
                              (in->started_at - f->start) / SEC, (in->ended_at - f->start) / SEC,
                              sh_presence_end_to_string (in->end_reason),
                              sh_device_to_string (in->device), in->video ? "video" : "audio",
                              sh_attendance_role_to_string (in->role));
    else
      g_string_append_printf (s, "%s %" G_GINT64_FORMAT "- %s %s %s\n", who,
                              (in->started_at - f->start) / SEC, sh_device_to_string (in->device),
                              in->video ? "video" : "audio",
                              sh_attendance_role_to_string (in->role));
  }
  return g_string_free (s, FALSE);
}

static void
test_drop_and_rejoin (Fixture *f, gconstpointer data)
{
  const ShAttendancePolicy policy
      = { .share_percent = 80, .grace_us = SH_ATTENDANCE_DEFAULT_GRACE_US };
  ShRoomParticipant *a, *b;
  g_autofree char *got = NULL;
  g_autofree char *live = NULL;
  g_autofree char *early = NULL;
  g_autoptr (ShAttendanceRecord) r = NULL;
  g_autoptr (GError) error = NULL;

  a = join (f, f->account_a, f->member_a, &f->sockets[0]);
  b = join (f, f->account_b, f->member_b, &f->sockets[1]);
  sh_room_set_self_mute (f->room, b, SH_ROOM_VIDEO, TRUE);
  /* In the room without live media is not present. */
  at (f, 10);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_SUBSCRIBE);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 20);
  sh_room_set_leg_live (f->room, b, SH_ROOM_LEG_PUBLISH);
  at (f, 100);
  sh_room_leave (f->room, f->account_a, "disconnected", 0);
  at (f, 130);
  a = join (f, f->account_a, f->member_a, &f->sockets[2]);
  g_assert_false (a->camera_live);
  at (f, 135);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  at (f, 136);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 200);
  sh_room_set_leg_lost (f->room, a, SH_ROOM_LEG_PUBLISH, TRUE);
  /* No packets while the connection is down: the camera goes idle. */
  at (f, 203);
  sh_room_set_camera_live (f->room, a, FALSE);
  at (f, 210);
  sh_room_set_leg_lost (f->room, a, SH_ROOM_LEG_PUBLISH, FALSE);
  at (f, 250);
  early = intervals (f);
  /* Back without the camera (yet): audio so far. */
  g_assert_cmpstr (early, ==,
                   "A 10-100 disconnected phone video expected\n"
                   "B 20- computer audio expected\n"
                   "A 135-200 media_lost phone video expected\n"
                   "A 210- phone audio expected\n");
  at (f, 260);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 300);
  sh_room_set_self_mute (f->room, b, SH_ROOM_VIDEO, FALSE);
  at (f, 301);
  sh_room_set_camera_live (f->room, b, TRUE);
  at (f, 400);
  a = join (f, f->account_a, f->member_a, &f->sockets[3]);
  /* The new socket's camera is its own. */
  g_assert_false (a->camera_live);
  at (f, 405);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_SUBSCRIBE);
  at (f, 406);
  sh_room_set_camera_live (f->room, a, TRUE);
  /* Live: read the record now, before the end. */
  at (f, 450);
  live = intervals (f);
  g_assert_cmpstr (live, ==,
                   "A 10-100 disconnected phone video expected\n"
                   "B 20- computer video expected\n"
                   "A 135-200 media_lost phone video expected\n"
                   "A 210-400 replaced phone video expected\n"
                   "A 405- phone video expected\n");
  at (f, 500);
  sh_room_set_state (f->room, SH_MEETING_ENDED, f->account_b);
  got = intervals (f);
  g_assert_cmpstr (got, ==,
                   "A 10-100 disconnected phone video expected\n"
                   "B 20-500 meeting_ended computer video expected\n"
                   "A 135-200 media_lost phone video expected\n"
                   "A 210-400 replaced phone video expected\n"
                   "A 405-500 meeting_ended phone video expected\n");
  g_assert_true (sh_meeting_transition (f->store, f->meeting_id, SH_MEETING_ENDED, NULL, &error));
  r = sh_attendance_record (f->store, f->meeting_id, &policy, g_get_real_time (), &error);
  g_assert_no_error (error);
  g_assert_false (r->live);
  g_assert_cmpint (r->end - r->start, ==, 500 * SEC);
  for (guint i = 0; i < r->rows->len; i++) {
    ShAttendanceRow *row = g_ptr_array_index (r->rows, i);

    if (row->member_id == f->member_a) {
      g_assert_cmpint (row->tally.total_us, ==, (90 + 65 + 190 + 95) * SEC);
      g_assert_cmpuint (row->intervals->len, ==, 4);
      g_assert_cmpint (row->status, ==, SH_ATTENDANCE_PRESENT);
    } else {
      g_assert_cmpint (row->tally.total_us, ==, 480 * SEC);
      g_assert_cmpint (row->status, ==, SH_ATTENDANCE_PRESENT);
    }
  }
  g_assert_cmpuint (r->counts[SH_ATTENDANCE_PRESENT], ==, 2);
}

/* Removed by the chair, a guest not on the list, lost media before the
 * media ever came up, and a server stop with people in the room. */
static void
test_other_ends (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *a, *b, *g;
  g_autofree char *got = NULL;

  a = join (f, f->account_a, f->member_a, &f->sockets[0]);
  b = join (f, f->account_b, f->member_b, &f->sockets[1]);
  g = join (f, f->guest, 0, &f->sockets[2]);
  at (f, 5);
  /* Lost before it was ever live: still not present when it comes back. */
  sh_room_set_leg_lost (f->room, b, SH_ROOM_LEG_PUBLISH, TRUE);
  sh_room_set_leg_live (f->room, b, SH_ROOM_LEG_SUBSCRIBE);
  /* Known before the interval opens: it opens as video. */
  sh_room_set_camera_live (f->room, b, TRUE);
  at (f, 8);
  sh_room_set_leg_lost (f->room, b, SH_ROOM_LEG_PUBLISH, FALSE);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  sh_room_set_leg_live (f->room, g, SH_ROOM_LEG_PUBLISH);
  at (f, 60);
  sh_room_remove (f->room, f->account_a, "扰乱会场", f->account_b);
  at (f, 90);
  sh_rooms_close (f->rooms, f->room);
  got = intervals (f);
  g_assert_cmpstr (got, ==,
                   "B 8-90 server_stopped computer video expected\n"
                   "A 8-60 removed phone audio expected\n"
                   "G 8-90 server_stopped phone audio guest\n");
}

/* The media of a replaced socket is not the new socket's: a connection of
 * the old socket that failed before the replacement neither keeps the new
 * socket's media from opening an interval nor counts it as lost. */
static void
test_replaced_after_media_lost (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *a;
  g_autofree char *got = NULL;

  a = join (f, f->account_a, f->member_a, &f->sockets[0]);
  at (f, 10);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_SUBSCRIBE);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 50);
  sh_room_set_leg_lost (f->room, a, SH_ROOM_LEG_SUBSCRIBE, TRUE);
  /* The phone came back on another network before the old socket dropped. */
  at (f, 60);
  a = join (f, f->account_a, f->member_a, &f->sockets[1]);
  g_assert_cmpuint (a->legs_lost, ==, 0);
  /* Alone in the room: only the publishing leg connects. */
  at (f, 65);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 90);
  sh_room_set_state (f->room, SH_MEETING_ENDED, f->account_b);
  got = intervals (f);
  g_assert_cmpstr (got, ==,
                   "A 10-50 media_lost phone video expected\n"
                   "A 65-90 meeting_ended computer video expected\n");
}

/* The audio-only page never opens a camera and is never "camera muted":
 * its interval is audio-only, whatever the mute state says, until the
 * camera really carries packets. A camera that stops again does not undo
 * it: the interval had video at some moment. */
static void
test_audio_only (Fixture *f, gconstpointer data)
{
  ShRoomParticipant *a, *b;
  g_autofree char *before = NULL;
  g_autofree char *got = NULL;

  a = join (f, f->account_a, f->member_a, &f->sockets[0]);
  b = join (f, f->account_b, f->member_b, &f->sockets[1]);
  g_assert_cmpuint (a->self_muted | a->chair_muted, ==, 0);
  at (f, 10);
  sh_room_set_leg_live (f->room, a, SH_ROOM_LEG_PUBLISH);
  sh_room_set_leg_live (f->room, b, SH_ROOM_LEG_PUBLISH);
  sh_room_set_camera_live (f->room, b, TRUE);
  /* The page says the camera is on (a mute toggled twice): no packets. */
  at (f, 20);
  sh_room_set_self_mute (f->room, a, SH_ROOM_VIDEO, TRUE);
  sh_room_set_self_mute (f->room, a, SH_ROOM_VIDEO, FALSE);
  at (f, 30);
  sh_room_set_camera_live (f->room, b, FALSE);
  before = intervals (f);
  g_assert_cmpstr (before, ==,
                   "A 10- phone audio expected\n"
                   "B 10- computer video expected\n");
  /* A turns the camera on later in the meeting, then off. */
  at (f, 40);
  sh_room_set_camera_live (f->room, a, TRUE);
  at (f, 50);
  sh_room_set_camera_live (f->room, a, FALSE);
  at (f, 60);
  sh_room_set_state (f->room, SH_MEETING_ENDED, f->account_b);
  got = intervals (f);
  g_assert_cmpstr (got, ==,
                   "A 10-60 meeting_ended phone video expected\n"
                   "B 10-60 meeting_ended computer video expected\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/attendance-live/drop-and-rejoin", Fixture, NULL, fixture_set_up,
              test_drop_and_rejoin, fixture_tear_down);
  g_test_add ("/attendance-live/replaced-after-media-lost", Fixture, NULL, fixture_set_up,
              test_replaced_after_media_lost, fixture_tear_down);
  g_test_add ("/attendance-live/other-ends", Fixture, NULL, fixture_set_up, test_other_ends,
              fixture_tear_down);
  g_test_add ("/attendance-live/audio-only", Fixture, NULL, fixture_set_up, test_audio_only,
              fixture_tear_down);
  return g_test_run ();
}
