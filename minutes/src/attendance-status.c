/* The final status of a person at a meeting, from their attendance
 * intervals (sanhui-minutes.h): a pure rule, table-tested in
 * tests/test-attendance-status.c.
 *
 * One status each. An approved exclusion is always "excluded"; nobody
 * present is "on leave" with approved leave, else "absent". Of those
 * present, "partly present" (below the share of the actual duration) wins,
 * because it says the most: a late arrival or an early departure that
 * cost the share shows as partly present. Then "late" wins over "left
 * early". The tally keeps both flags, so that the record still shows a
 * member who came late and left early.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-minutes.h"

static const char *const status_strings[] = {
  "present", "partly_present", "late", "left_early", "absent", "on_leave", "excluded",
};
static const char *const status_labels[] = {
  "出席", "部分出席", "迟到", "早退", "缺席", "请假", "不计入应到",
};

G_STATIC_ASSERT (G_N_ELEMENTS (status_strings) == SH_ATTENDANCE_STATUS_COUNT);
G_STATIC_ASSERT (G_N_ELEMENTS (status_labels) == SH_ATTENDANCE_STATUS_COUNT);

const char *
sh_attendance_status_to_string (ShAttendanceStatus s)
{
  g_return_val_if_fail ((guint) s < SH_ATTENDANCE_STATUS_COUNT, NULL);
  return status_strings[s];
}

const char *
sh_attendance_status_label (ShAttendanceStatus s)
{
  g_return_val_if_fail ((guint) s < SH_ATTENDANCE_STATUS_COUNT, NULL);
  return status_labels[s];
}

void
sh_attendance_tally (GPtrArray *intervals, gint64 start, gint64 end, ShAttendanceTally *tally)
{
  gboolean present_now = FALSE;

  *tally = (ShAttendanceTally){ 0 };
  if (start <= 0 || end <= start)
    return;
  for (guint k = 0; intervals && k < intervals->len; k++) {
    const ShPresenceInterval *i = g_ptr_array_index (intervals, k);
    gint64 from = MAX (i->started_at, start);
    gint64 to = MIN (i->ended_at ? i->ended_at : end, end);

    if (to <= from)
      continue;
    tally->total_us += to - from;
    if (!tally->first_arrival || from < tally->first_arrival)
      tally->first_arrival = from;
    tally->last_departure = MAX (tally->last_departure, to);
    present_now = present_now || !i->ended_at;
  }
  if (present_now)
    tally->last_departure = 0;
}

ShAttendanceStatus
sh_attendance_status (ShAttendanceRole role, gboolean on_leave, ShAttendanceTally *tally,
                      gint64 start, gint64 end, gboolean live, const ShAttendancePolicy *policy)
{
  gint64 duration = end - start;

  g_return_val_if_fail (tally != NULL && policy != NULL, SH_ATTENDANCE_ABSENT);
  tally->late = FALSE;
  tally->left_early = FALSE;
  if (role == SH_ATTENDANCE_EXCLUDED)
    return SH_ATTENDANCE_IS_EXCLUDED;
  if (tally->total_us <= 0)
    return on_leave ? SH_ATTENDANCE_ON_LEAVE : SH_ATTENDANCE_ABSENT;
  tally->late = tally->first_arrival - start > policy->grace_us;
  /* While the meeting goes on, nobody has left it early yet: a member
   * away now may come back. */
  tally->left_early
      = !live && tally->last_departure && end - tally->last_departure > policy->grace_us;
  if (duration > 0 && tally->total_us * 100 < (gint64) policy->share_percent * duration)
    return SH_ATTENDANCE_PARTLY;
  if (tally->late)
    return SH_ATTENDANCE_LATE;
  if (tally->left_early)
    return SH_ATTENDANCE_LEFT_EARLY;
  return SH_ATTENDANCE_PRESENT;
}
