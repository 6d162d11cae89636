/* The chair's attendance panel counted (signaling/src/meeting-attendance.c,
 * sh_attendance_panel_count): a table of who is in the room against one
 * expected attendance, with leave, exclusions, guests, visitors,
 * probationary members and the quorum at its edges.
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-attendance.h"

/* The expected attendance of the table: members 1-5 expected (1-4 vote,
 * 5 is probationary), 3 on approved leave, 4 with a pending request; 6
 * excluded; 7 a visiting migrant member; a guest with account 80. */
enum { M1 = 1, M2, M3, M4, M5, M6_EXCLUDED, M7_VISITOR };
#define GUEST_ACCOUNT 80

static void
add_entry (ShAttendance *a, ShAttendanceRole role, gint64 member_id, gint64 account_id,
           gboolean has_vote, ShLeaveState leave, gboolean has_leave)
{
  ShAttendanceEntry *e = g_new0 (ShAttendanceEntry, 1);

  e->role = role;
  e->member_id = member_id;
  e->account_id = account_id;
  e->name = g_strdup_printf ("成员%" G_GINT64_FORMAT, member_id ? member_id : account_id);
  e->status = has_vote || role != SH_ATTENDANCE_EXPECTED ? SH_MEMBER_FULL : SH_MEMBER_PROBATIONARY;
  e->has_vote = has_vote;
  e->leave_id = has_leave ? 100 + member_id : 0;
  e->leave_state = leave;
  g_ptr_array_add (a->entries, e);
  if (role == SH_ATTENDANCE_EXPECTED) {
    a->expected++;
    a->voting += has_vote;
  }
}

static ShAttendance *
expected_attendance (void)
{
  ShAttendance *a = g_new0 (ShAttendance, 1);

  a->meeting_id = 1;
  a->frozen = TRUE;
  a->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_entry_free);
  add_entry (a, SH_ATTENDANCE_EXPECTED, M1, 0, TRUE, SH_LEAVE_PENDING, FALSE);
  add_entry (a, SH_ATTENDANCE_EXPECTED, M2, 0, TRUE, SH_LEAVE_PENDING, FALSE);
  add_entry (a, SH_ATTENDANCE_EXPECTED, M3, 0, TRUE, SH_LEAVE_APPROVED, TRUE);
  add_entry (a, SH_ATTENDANCE_EXPECTED, M4, 0, TRUE, SH_LEAVE_PENDING, TRUE);
  add_entry (a, SH_ATTENDANCE_EXPECTED, M5, 0, FALSE, SH_LEAVE_PENDING, FALSE);
  add_entry (a, SH_ATTENDANCE_EXCLUDED, M6_EXCLUDED, 0, FALSE, SH_LEAVE_PENDING, FALSE);
  add_entry (a, SH_ATTENDANCE_VISITOR, M7_VISITOR, 0, FALSE, SH_LEAVE_PENDING, FALSE);
  add_entry (a, SH_ATTENDANCE_GUEST, 0, GUEST_ACCOUNT, FALSE, SH_LEAVE_PENDING, FALSE);
  return a;
}

/* Someone in the room: a member id, or a negative number for an account
 * that is not a member (-80: the guest's account). 0 ends the list. */
typedef struct {
  const char *what;
  ShMeetingType type;
  gint64 room[8];
  guint expected, present, on_leave, absent;
  guint voting_present, quorum;
  gboolean quorum_met;
  guint visitors, excluded, guests;
  gint64 first_missing; /* member id, 0 when nobody is missing */
} Row;

static const Row rows[] = {
  { "nobody in the room", SH_MEETING_GENERAL, { 0 }, 5, 0, 1, 4, 0, 3, FALSE, 0, 0, 0, M1 },
  { "exactly half of the voting members",
    SH_MEETING_GENERAL,
    { M1, M2 },
    5,
    2,
    1,
    2,
    2,
    3,
    FALSE,
    0,
    0,
    0,
    M4 },
  { "one over half", SH_MEETING_GENERAL, { M1, M2, M4 }, 5, 3, 1, 1, 3, 3, TRUE, 0, 0, 0, M5 },
  { "a probationary member counts present, not voting",
    SH_MEETING_GENERAL,
    { M1, M2, M5 },
    5,
    3,
    1,
    1,
    2,
    3,
    FALSE,
    0,
    0,
    0,
    M4 },
  { "on leave but came: present, not on leave",
    SH_MEETING_GENERAL,
    { M1, M2, M3 },
    5,
    3,
    0,
    2,
    3,
    3,
    TRUE,
    0,
    0,
    0,
    M4 },
  { "a pending request is no leave: missing",
    SH_MEETING_GENERAL,
    { M1, M2, M3, M5 },
    5,
    4,
    0,
    1,
    3,
    3,
    TRUE,
    0,
    0,
    0,
    M4 },
  { "everyone", SH_MEETING_GENERAL, { M1, M2, M3, M4, M5 }, 5, 5, 0, 0, 4, 3, TRUE, 0, 0, 0, 0 },
  { "excluded, visitor and guest count apart",
    SH_MEETING_GENERAL,
    { M6_EXCLUDED, M7_VISITOR, -GUEST_ACCOUNT, M1 },
    5,
    1,
    1,
    3,
    1,
    3,
    FALSE,
    1,
    1,
    1,
    M2 },
  { "a secretary sitting in, not expected: a guest",
    SH_MEETING_GENERAL,
    { -90, M1, M2, M4 },
    5,
    3,
    1,
    1,
    3,
    3,
    TRUE,
    0,
    0,
    1,
    M5 },
  { "a migrant visitor without an entry",
    SH_MEETING_GENERAL,
    { 70 },
    5,
    0,
    1,
    4,
    0,
    3,
    FALSE,
    1,
    0,
    0,
    M1 },
  { "a lesson takes no votes: no quorum",
    SH_MEETING_LESSON,
    { M1, M2, M4 },
    5,
    3,
    1,
    1,
    3,
    0,
    FALSE,
    0,
    0,
    0,
    M5 },
  { "a group meeting takes no votes",
    SH_MEETING_GROUP,
    { M1, M2, M3, M4, M5 },
    5,
    5,
    0,
    0,
    4,
    0,
    FALSE,
    0,
    0,
    0,
    0 },
};

static void
test_table (void)
{
  g_autoptr (ShAttendance) a = expected_attendance ();

  for (gsize r = 0; r < G_N_ELEMENTS (rows); r++) {
    const Row *row = &rows[r];
    ShPanelPresence present[8];
    guint n = 0;
    g_autoptr (ShAttendancePanel) panel = NULL;

    g_test_message ("row %zu: %s", r, row->what);
    for (; n < G_N_ELEMENTS (row->room) && row->room[n]; n++) {
      gint64 who = row->room[n];

      present[n] = (ShPanelPresence){
        .member_id = who > 0 ? who : 0,
        .account_id = who > 0 ? 1000 + who : -who,
        .name = "某人",
        .role = who == 70 ? SH_ROOM_ROLE_MIGRANT_VISITOR
                : who > 0 ? SH_ROOM_ROLE_MEMBER
                          : SH_ROOM_ROLE_GUEST,
      };
    }
    panel = sh_attendance_panel_count (a, row->type, present, n);
    g_assert_cmpuint (panel->expected, ==, row->expected);
    g_assert_cmpuint (panel->present, ==, row->present);
    g_assert_cmpuint (panel->on_leave, ==, row->on_leave);
    g_assert_cmpuint (panel->absent, ==, row->absent);
    g_assert_cmpuint (panel->expected, ==, panel->present + panel->on_leave + panel->absent);
    g_assert_cmpuint (panel->voting, ==, 4);
    g_assert_cmpuint (panel->voting_present, ==, row->voting_present);
    g_assert_cmpuint (panel->quorum, ==, row->quorum);
    g_assert_cmpint (panel->quorum_met, ==, row->quorum_met);
    g_assert_cmpint (panel->takes_votes, ==, row->type == SH_MEETING_GENERAL);
    g_assert_cmpuint (panel->visitors->len, ==, row->visitors);
    g_assert_cmpuint (panel->excluded->len, ==, row->excluded);
    g_assert_cmpuint (panel->guests->len, ==, row->guests);
    g_assert_cmpuint (panel->missing->len, ==, row->absent);
    g_assert_cmpuint (panel->on_leave_list->len, ==, row->on_leave);
    g_assert_cmpuint (panel->present_list->len, ==, row->present);
    if (row->first_missing) {
      const ShAttendanceEntry *e = g_ptr_array_index (panel->missing, 0);
      g_assert_cmpint (e->member_id, ==, row->first_missing);
    }
  }
}

/* The quorum follows the frozen expected voting count, at its edges: one
 * voting member, and an even and an odd count. */
static void
test_quorum_edges (void)
{
  static const struct {
    guint voting, present;
    gboolean met;
  } edges[] = {
    { 1, 0, FALSE }, { 1, 1, TRUE }, { 2, 1, FALSE }, { 2, 2, TRUE },
    { 7, 3, FALSE }, { 7, 4, TRUE }, { 8, 4, FALSE }, { 8, 5, TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (edges); i++) {
    g_autoptr (ShAttendance) a = g_new0 (ShAttendance, 1);
    g_autofree ShPanelPresence *present = g_new0 (ShPanelPresence, edges[i].present + 1);
    g_autoptr (ShAttendancePanel) panel = NULL;

    a->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_entry_free);
    for (guint m = 1; m <= edges[i].voting; m++)
      add_entry (a, SH_ATTENDANCE_EXPECTED, m, 0, TRUE, SH_LEAVE_PENDING, FALSE);
    for (guint m = 0; m < edges[i].present; m++)
      present[m] = (ShPanelPresence){ m + 1, 1000 + m, "某人", SH_ROOM_ROLE_MEMBER };
    panel = sh_attendance_panel_count (a, SH_MEETING_GENERAL, present, edges[i].present);
    g_assert_cmpuint (panel->quorum, ==, sh_rules_quorum (SH_MEETING_GENERAL, edges[i].voting));
    g_assert_cmpint (panel->quorum_met, ==, edges[i].met);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/meeting-attendance/table", test_table);
  g_test_add_func ("/meeting-attendance/quorum-edges", test_quorum_edges);
  return g_test_run ();
}
