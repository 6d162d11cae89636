/* Tests for the attendance status rule (minutes/src/attendance-status.c):
 * intervals cut to the meeting, and every status at its edges: the share
 * exactly met and one microsecond short, the grace exactly used and one
 * microsecond over, which status wins, leave, exclusions, a live meeting.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define T0 (G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC)
#define HOUR (60 * MINUTE)
#define GRACE (5 * MINUTE)

static const ShAttendancePolicy policy = { .share_percent = 80, .grace_us = GRACE };

/* Intervals of one person, each [from, to) relative to T0 (to 0: open).
 * Returns: (transfer full) */
static GPtrArray *
intervals_of (const gint64 *spans, guint n)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_presence_interval_free);

  for (guint i = 0; i + 1 < n; i += 2) {
    ShPresenceInterval *in = g_new0 (ShPresenceInterval, 1);

    in->started_at = T0 + spans[i];
    in->ended_at = spans[i + 1] ? T0 + spans[i + 1] : 0;
    in->end_reason = spans[i + 1] ? SH_PRESENCE_LEFT : SH_PRESENCE_OPEN;
    g_ptr_array_add (list, in);
  }
  return list;
}

typedef struct {
  const char *what;
  ShAttendanceRole role;
  gboolean on_leave;
  gint64 spans[6]; /* relative to T0; an interval ending at 0 is open */
  guint n;
  gboolean live;
  ShAttendanceStatus status;
  gboolean late, left_early;
  gint64 total;
} Case;

/* A meeting from T0 to T0 + 1 h (or now = T0 + 1 h while live). */
static const Case cases[] = {
  { "the whole meeting",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR },
  { "before and after the meeting are cut",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { -HOUR, 2 * HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR },
  { "nobody came",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0 },
    0,
    FALSE,
    SH_ATTENDANCE_ABSENT,
    FALSE,
    FALSE,
    0 },
  { "only before the start is absent",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { -HOUR, 0 - 1 },
    2,
    FALSE,
    SH_ATTENDANCE_ABSENT,
    FALSE,
    FALSE,
    0 },
  { "approved leave, not present",
    SH_ATTENDANCE_EXPECTED,
    TRUE,
    { 0 },
    0,
    FALSE,
    SH_ATTENDANCE_ON_LEAVE,
    FALSE,
    FALSE,
    0 },
  { "approved leave, came anyway",
    SH_ATTENDANCE_EXPECTED,
    TRUE,
    { 0, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR },
  { "excluded, absent",
    SH_ATTENDANCE_EXCLUDED,
    FALSE,
    { 0 },
    0,
    FALSE,
    SH_ATTENDANCE_IS_EXCLUDED,
    FALSE,
    FALSE,
    0 },
  { "excluded, present",
    SH_ATTENDANCE_EXCLUDED,
    FALSE,
    { 0, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_IS_EXCLUDED,
    FALSE,
    FALSE,
    HOUR },
  /* The grace: exactly 5 minutes is in time, one microsecond more is late. */
  { "arrived at the grace",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { GRACE, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR - GRACE },
  { "arrived just after the grace",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { GRACE + 1, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_LATE,
    TRUE,
    FALSE,
    HOUR - GRACE - 1 },
  { "left at the grace",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, HOUR - GRACE },
    2,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR - GRACE },
  { "left just before the grace",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, HOUR - GRACE - 1 },
    2,
    FALSE,
    SH_ATTENDANCE_LEFT_EARLY,
    FALSE,
    TRUE,
    HOUR - GRACE - 1 },
  /* The share: 48 minutes of 60 is 80 %, one microsecond less is partly. */
  { "exactly the share",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, 20 * MINUTE, 32 * MINUTE, HOUR },
    4,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    48 * MINUTE },
  { "just below the share",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, 20 * MINUTE, 32 * MINUTE + 1, HOUR },
    4,
    FALSE,
    SH_ATTENDANCE_PARTLY,
    FALSE,
    FALSE,
    48 * MINUTE - 1 },
  /* Partly present wins over late and left early; late over left early. */
  { "late and below the share",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 30 * MINUTE, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PARTLY,
    TRUE,
    FALSE,
    30 * MINUTE },
  { "left early and below the share",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, 30 * MINUTE },
    2,
    FALSE,
    SH_ATTENDANCE_PARTLY,
    FALSE,
    TRUE,
    30 * MINUTE },
  { "late and left early within the share",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 6 * MINUTE, HOUR - 6 * MINUTE },
    2,
    FALSE,
    SH_ATTENDANCE_LATE,
    TRUE,
    TRUE,
    48 * MINUTE },
  /* Dropped and rejoined: two intervals, one total. */
  { "dropped and rejoined",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, 10 * MINUTE, 12 * MINUTE, HOUR },
    4,
    FALSE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    58 * MINUTE },
  /* Live: the share against the time so far, nobody has left early yet. */
  { "live, present now",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, 0 },
    2,
    TRUE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    HOUR },
  { "live, away now",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0, HOUR - 10 * MINUTE },
    2,
    TRUE,
    SH_ATTENDANCE_PRESENT,
    FALSE,
    FALSE,
    50 * MINUTE },
  { "live, not come yet",
    SH_ATTENDANCE_EXPECTED,
    FALSE,
    { 0 },
    0,
    TRUE,
    SH_ATTENDANCE_ABSENT,
    FALSE,
    FALSE,
    0 },
  { "visitors get a status too",
    SH_ATTENDANCE_VISITOR,
    FALSE,
    { 20 * MINUTE, HOUR },
    2,
    FALSE,
    SH_ATTENDANCE_PARTLY,
    TRUE,
    FALSE,
    40 * MINUTE },
};

static void
test_table (void)
{
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++) {
    const Case *k = &cases[c];
    g_autoptr (GPtrArray) list = intervals_of (k->spans, k->n);
    ShAttendanceTally t;
    ShAttendanceStatus s;

    sh_attendance_tally (list, T0, T0 + HOUR, &t);
    s = sh_attendance_status (k->role, k->on_leave, &t, T0, T0 + HOUR, k->live, &policy);
    g_test_message ("%s", k->what);
    g_assert_cmpstr (sh_attendance_status_to_string (s), ==,
                     sh_attendance_status_to_string (k->status));
    g_assert_cmpint (t.total_us, ==, k->total);
    g_assert_cmpint (t.late, ==, k->late);
    g_assert_cmpint (t.left_early, ==, k->left_early);
  }
}

static void
test_tally (void)
{
  const gint64 spans[] = { -MINUTE, 10 * MINUTE, 20 * MINUTE, 0 };
  g_autoptr (GPtrArray) list = intervals_of (spans, G_N_ELEMENTS (spans));
  ShAttendanceTally t;

  /* Cut to the meeting; still present: no last departure. */
  sh_attendance_tally (list, T0, T0 + HOUR, &t);
  g_assert_cmpint (t.total_us, ==, 10 * MINUTE + 40 * MINUTE);
  g_assert_cmpint (t.first_arrival, ==, T0);
  g_assert_cmpint (t.last_departure, ==, 0);
  /* Before the meeting started, nothing counts. */
  sh_attendance_tally (list, 0, 0, &t);
  g_assert_cmpint (t.total_us, ==, 0);
  g_assert_cmpint (t.first_arrival, ==, 0);
  sh_attendance_tally (NULL, T0, T0 + HOUR, &t);
  g_assert_cmpint (t.total_us, ==, 0);
}

/* A configured share and grace, and a meeting of no length. */
static void
test_policy (void)
{
  const ShAttendancePolicy strict = { .share_percent = 100, .grace_us = 0 };
  const gint64 spans[] = { 1, HOUR };
  g_autoptr (GPtrArray) list = intervals_of (spans, 2);
  ShAttendanceTally t;

  sh_attendance_tally (list, T0, T0 + HOUR, &t);
  g_assert_cmpint (
      sh_attendance_status (SH_ATTENDANCE_EXPECTED, FALSE, &t, T0, T0 + HOUR, FALSE, &strict), ==,
      SH_ATTENDANCE_PARTLY);
  g_assert_true (t.late);
  sh_attendance_tally (list, T0, T0, &t);
  g_assert_cmpint (sh_attendance_status (SH_ATTENDANCE_EXPECTED, FALSE, &t, T0, T0, FALSE, &policy),
                   ==, SH_ATTENDANCE_ABSENT);
}

static void
test_names (void)
{
  for (guint s = 0; s < SH_ATTENDANCE_STATUS_COUNT; s++) {
    g_assert_nonnull (sh_attendance_status_to_string (s));
    g_assert_nonnull (sh_attendance_status_label (s));
  }
  g_assert_cmpstr (sh_attendance_status_label (SH_ATTENDANCE_PARTLY), ==, "部分出席");
  g_assert_cmpstr (sh_attendance_status_to_string (SH_ATTENDANCE_ON_LEAVE), ==, "on_leave");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/attendance-status/table", test_table);
  g_test_add_func ("/attendance-status/tally", test_tally);
  g_test_add_func ("/attendance-status/policy", test_policy);
  g_test_add_func ("/attendance-status/names", test_names);
  return g_test_run ();
}
