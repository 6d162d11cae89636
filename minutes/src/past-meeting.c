/* Meetings that took place (sanhui-minutes.h, "past meetings"): a meeting
 * moved through in_progress to ended at the times it really had, and the
 * 补录 of one held offline, with the statuses the secretary entered.
 *
 * sh_meeting_transition() stamps the current time, which is right for a
 * live meeting and wrong for one that already happened; this file writes
 * the same state log, events and frozen list, with the real times. The
 * entered statuses are kept apart from the attendance intervals, which
 * only a member's own session makes (no 代签): a record that uses them
 * says so (ShAttendanceRecord.recorded_after).
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-private.h"
#include "past-meeting-private.h"
#include "store-attendance.h"
#include "store-meeting-log.h"
#include "store-meeting.h"
#include "store-past-meeting.h"
#include "store-private.h"

#include <string.h>

void
sh_past_meeting_free (ShPastMeeting *past)
{
  if (!past)
    return;
  g_clear_pointer (&past->statuses, g_array_unref);
  g_free (past);
}

gboolean
sh_past_status_allowed (ShAttendanceStatus s)
{
  /* Partly present needs the minutes each was there, which an offline
   * meeting does not have; excluded follows from the exclusions. */
  return s == SH_ATTENDANCE_PRESENT || s == SH_ATTENDANCE_LATE || s == SH_ATTENDANCE_LEFT_EARLY
         || s == SH_ATTENDANCE_ABSENT || s == SH_ATTENDANCE_ON_LEAVE;
}

static gboolean
check_span (gint64 started_at, gint64 ended_at, gint64 now, GError **error)
{
  if (started_at <= 0 || ended_at <= started_at)
    return sh_minutes_invalid (error, "会议结束时间必须晚于开始时间");
  if (ended_at - started_at > SH_MEETING_MAX_DURATION_US)
    return sh_minutes_invalid (error, "会议时长不能超过 24 小时");
  if (ended_at > now)
    return sh_minutes_invalid (error, "只能登记已经结束的会议，结束时间不能晚于现在");
  if (started_at < now - SH_MEETING_MAX_PAST_US)
    return sh_minutes_invalid (error, "不能登记一年之前的会议");
  return TRUE;
}

typedef struct {
  gint64 meeting_id;
  gint64 at, now;
  const char *reason; /* in the state log; NULL for a meeting held live */
  const char *detail; /* of the events */
  gint64 account_id;  /* whom the events concern: who entered it, or 0 */
} StepData;

static gboolean
state_of (ShStore *store, gint64 id, ShMeetingState *from, gint64 *updated_at, GError **error)
{
  gboolean found = FALSE;

  if (!sh_store_ops (store, meeting)->get_state (store, id, &found, from, updated_at, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
}

/* What the start transition writes (meeting.c), at the real start. */
static gboolean
start_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShMeetingStoreOps *ops = sh_store_ops (store, meeting);
  StepData *d = user_data;
  ShMeetingState from = SH_MEETING_SCHEDULED;
  gint64 updated_at = 0;

  if (!state_of (store, d->meeting_id, &from, &updated_at, error))
    return FALSE;
  if (from != SH_MEETING_SCHEDULED && from != SH_MEETING_OPEN) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE,
                 "会议当前%s，只有尚未开始的会议可以登记为已召开", sh_meeting_state_label (from));
    return FALSE;
  }
  /* updated_at feeds the calendar's SEQUENCE and keeps rising; the log and
   * the events carry the real times. */
  return ops->set_state (store, d->meeting_id, SH_MEETING_IN_PROGRESS, MAX (d->now, updated_at + 1),
                         NULL, error)
         && ops->log_state (store, d->meeting_id, from, SH_MEETING_IN_PROGRESS, d->reason, d->at,
                            error)
         && sh_attendance_freeze_at (store, d->meeting_id, d->at, d->at, error)
         && sh_store_ops (store, meeting_log)
                ->event_insert (store, d->meeting_id, d->account_id, 0, SH_MEETING_EVENT_STARTED,
                                d->detail, d->at, error);
}

/* The real start: when the list was frozen. */
static gboolean
started_at_of (ShStore *store, gint64 id, gint64 *at, GError **error)
{
  g_autoptr (ShAttendance) frozen = g_new0 (ShAttendance, 1);
  gboolean found = FALSE;

  frozen->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_entry_free);
  if (!sh_store_ops (store, attendance)->get_frozen (store, id, &found, frozen, error))
    return FALSE;
  *at = found ? frozen->frozen_at : 0;
  return TRUE;
}

static gboolean
end_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShMeetingStoreOps *ops = sh_store_ops (store, meeting);
  StepData *d = user_data;
  ShMeetingState from = SH_MEETING_SCHEDULED;
  gint64 updated_at = 0, started_at = 0;

  if (!state_of (store, d->meeting_id, &from, &updated_at, error))
    return FALSE;
  if (from != SH_MEETING_IN_PROGRESS) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE, "会议当前%s，不能登记结束",
                 sh_meeting_state_label (from));
    return FALSE;
  }
  if (!started_at_of (store, d->meeting_id, &started_at, error)
      || !check_span (started_at, d->at, d->now, error))
    return FALSE;
  return sh_store_ops (store, meeting_log)
             ->event_insert (store, d->meeting_id, d->account_id, 0, SH_MEETING_EVENT_ENDED,
                             d->detail, d->at, error)
         && ops->set_state (store, d->meeting_id, SH_MEETING_ENDED, MAX (d->now, updated_at + 1),
                            NULL, error)
         && ops->log_state (store, d->meeting_id, SH_MEETING_IN_PROGRESS, SH_MEETING_ENDED,
                            d->reason, d->at, error);
}

static gboolean
have_attendance (ShStore *store, GError **error)
{
  return store->backend->attendance
         || sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不能登记已召开的会议");
}

gboolean
sh_meeting_mark_started (ShStore *store, gint64 meeting_id, gint64 started_at, gint64 now,
                         GError **error)
{
  StepData d = { meeting_id, started_at, now, NULL, NULL, 0 };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_attendance (store, error))
    return FALSE;
  /* The end comes later: checked against a start that could have lasted. */
  if (started_at <= 0 || started_at >= now)
    return sh_minutes_invalid (error, "会议开始时间必须早于现在");
  if (started_at < now - SH_MEETING_MAX_PAST_US)
    return sh_minutes_invalid (error, "不能登记一年之前的会议");
  return sh_store_transaction (store, start_txn, &d, error);
}

gboolean
sh_meeting_mark_ended (ShStore *store, gint64 meeting_id, gint64 ended_at, gint64 now,
                       GError **error)
{
  StepData d = { meeting_id, ended_at, now, NULL, NULL, 0 };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_attendance (store, error))
    return FALSE;
  return sh_store_transaction (store, end_txn, &d, error);
}

typedef struct {
  gint64 meeting_id;
  gint64 started_at, ended_at, now;
  const ShPastAttendance *statuses;
  guint n;
  gint64 entered_by;
} PastData;

/* Every expected member of the list just frozen once, nobody else. */
static gboolean
check_statuses (ShStore *store, const PastData *d, GError **error)
{
  g_autoptr (ShAttendance) expected = sh_attendance_expected (store, d->meeting_id, error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint owed = 0;

  if (!expected)
    return FALSE;
  for (guint i = 0; i < d->n; i++) {
    const ShPastAttendance *a = &d->statuses[i];
    const ShAttendanceEntry *entry = NULL;

    if (!sh_past_status_allowed (a->status))
      return sh_minutes_invalid (error, "补录的出勤状态只能是出席、迟到、早退、缺席或请假");
    for (guint k = 0; k < expected->entries->len && !entry; k++) {
      const ShAttendanceEntry *e = g_ptr_array_index (expected->entries, k);

      if (a->member_id > 0 && e->member_id == a->member_id && e->role == SH_ATTENDANCE_EXPECTED)
        entry = e;
    }
    if (!entry)
      return sh_minutes_invalid (error, "补录的人员不在本次会议的应到名单中");
    if (!g_hash_table_add (seen, (gpointer) &a->member_id))
      return sh_minutes_invalid (error, "同一党员只能补录一个出勤状态");
  }
  for (guint k = 0; k < expected->entries->len; k++) {
    const ShAttendanceEntry *e = g_ptr_array_index (expected->entries, k);

    owed += e->role == SH_ATTENDANCE_EXPECTED ? 1 : 0;
  }
  if (g_hash_table_size (seen) != owed)
    return sh_minutes_invalid (error, "补录时每位应到党员都要填写出勤状态");
  return TRUE;
}

static gboolean
past_txn (ShStore *store, gpointer user_data, GError **error)
{
  PastData *d = user_data;
  const char *detail = "{\"recorded_after\":true}";
  StepData start = { d->meeting_id, d->started_at, d->now, "补录", detail, d->entered_by };
  StepData end = { d->meeting_id, d->ended_at, d->now, "补录", detail, d->entered_by };
  ShPastMeeting past = {
    .meeting_id = d->meeting_id,
    .started_at = d->started_at,
    .ended_at = d->ended_at,
    .entered_by = d->entered_by,
    .entered_at = d->now,
  };
  g_autoptr (GArray) statuses = g_array_sized_new (FALSE, FALSE, sizeof (ShPastAttendance), d->n);
  g_autoptr (GError) local = NULL;
  g_autoptr (ShPastMeeting) before = NULL;
  gboolean found = FALSE;

  before = sh_store_ops (store, past_meeting)->get (store, d->meeting_id, &found, &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "该会议已经补录过");
  if (!start_txn (store, &start, error) || !end_txn (store, &end, error)
      || !check_statuses (store, d, error))
    return FALSE;
  g_array_append_vals (statuses, d->statuses, d->n);
  past.statuses = statuses;
  return sh_store_ops (store, past_meeting)->insert (store, &past, error);
}

gboolean
sh_meeting_record_past (ShStore *store, gint64 meeting_id, gint64 started_at, gint64 ended_at,
                        const ShPastAttendance *statuses, guint n, gint64 entered_by, gint64 now,
                        GError **error)
{
  PastData d = { meeting_id, started_at, ended_at, now, statuses, n, entered_by };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!store->backend->past_meeting || !have_attendance (store, error))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不能补录会议");
  if (!statuses && n > 0)
    return sh_minutes_invalid (error, "补录的出勤状态无效");
  if (!check_span (started_at, ended_at, now, error))
    return FALSE;
  return sh_store_transaction (store, past_txn, &d, error);
}

ShPastMeeting *
sh_past_meeting_get (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (GError) local = NULL;
  ShPastMeeting *past = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (store->backend->past_meeting)
    past = sh_store_ops (store, past_meeting)->get (store, meeting_id, &found, &local);
  if (local)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (!found)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "该会议不是补录的");
  return past;
}

static gboolean
took_part (ShAttendanceStatus s)
{
  return s == SH_ATTENDANCE_PRESENT || s == SH_ATTENDANCE_LATE || s == SH_ATTENDANCE_LEFT_EARLY
         || s == SH_ATTENDANCE_PARTLY;
}

gboolean
sh_past_meeting_apply (ShStore *store, gint64 meeting_id, ShAttendanceRecord *r, GError **error)
{
  g_autoptr (ShPastMeeting) past = NULL;
  g_autoptr (GError) local = NULL;
  gboolean found = FALSE;

  if (!store->backend->past_meeting)
    return TRUE;
  past = sh_store_ops (store, past_meeting)->get (store, meeting_id, &found, &local);
  if (local) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  if (!found)
    return TRUE;
  r->recorded_after = TRUE;
  r->entered_by = past->entered_by;
  r->entered_at = past->entered_at;
  r->start = past->started_at;
  r->end = past->ended_at;
  memset (r->counts, 0, sizeof r->counts);
  r->present = r->voting_present = 0;
  for (guint k = 0; k < r->rows->len; k++) {
    ShAttendanceRow *row = g_ptr_array_index (r->rows, k);

    for (guint i = 0; i < past->statuses->len; i++) {
      const ShPastAttendance *a = &g_array_index (past->statuses, ShPastAttendance, i);

      if (row->member_id && a->member_id == row->member_id && row->role == SH_ATTENDANCE_EXPECTED) {
        row->status = a->status;
        row->tally.late = a->status == SH_ATTENDANCE_LATE;
        row->tally.left_early = a->status == SH_ATTENDANCE_LEFT_EARLY;
      }
    }
    if (row->role == SH_ATTENDANCE_EXPECTED || row->role == SH_ATTENDANCE_EXCLUDED)
      r->counts[row->status]++;
    if (row->role == SH_ATTENDANCE_EXPECTED && took_part (row->status)) {
      r->present++;
      if (row->entry && row->entry->has_vote)
        r->voting_present++;
    }
  }
  return TRUE;
}
