/* The attendance record of a meeting (sanhui-minutes.h): the expected list
 * (attendance.c), each person's intervals (presence.c) and the status rule
 * (attendance-status.c) put together, with the counts. Read-only: computed
 * on every request, live while the meeting goes on.
 * SPDX-License-Identifier: Apache-2.0 */
#include "past-meeting-private.h"
#include "store-presence.h"
#include "store-private.h"

static void
row_free (ShAttendanceRow *row)
{
  if (!row)
    return;
  g_free (row->name);
  g_clear_pointer (&row->intervals, g_ptr_array_unref);
  g_free (row);
}

void
sh_attendance_record_free (ShAttendanceRecord *record)
{
  if (!record)
    return;
  g_clear_pointer (&record->rows, g_ptr_array_unref);
  g_clear_pointer (&record->expected, sh_attendance_free);
  g_clear_pointer (&record->intervals, g_ptr_array_unref);
  g_free (record);
}

static ShAttendanceRow *
row_new (GPtrArray *rows, ShAttendanceRole role, gint64 member_id, gint64 account_id,
         const char *name)
{
  ShAttendanceRow *row = g_new0 (ShAttendanceRow, 1);

  row->role = role;
  row->member_id = member_id;
  row->account_id = account_id;
  row->name = g_strdup (name);
  /* The intervals are owned by the list they came from. */
  row->intervals = g_ptr_array_new ();
  g_ptr_array_add (rows, row);
  return row;
}

/* The name of someone not on the expected list: a secretary or an
 * administrator sitting in. */
static char *
outsider_name (ShStore *store, const ShPresenceInterval *i)
{
  g_autoptr (ShMember) member = i->member_id ? sh_member_get (store, i->member_id, NULL) : NULL;
  g_autoptr (ShAccount) account = member ? NULL : sh_account_get (store, i->account_id, NULL);

  if (member)
    return g_strdup (member->name);
  return g_strdup (account ? account->display_name : "");
}

/* The actual span of the meeting: from the freezing of its expected list
 * (the move to in_progress) to its "ended" event, or now while live. */
static gboolean
meeting_span (ShStore *store, ShAttendanceRecord *r, GPtrArray *intervals, gint64 now,
              GError **error)
{
  gint64 ended = 0;

  r->live = r->state == SH_MEETING_IN_PROGRESS;
  if (!r->expected->frozen || r->state == SH_MEETING_CANCELLED)
    return TRUE;
  r->start = r->expected->frozen_at;
  if (r->live) {
    r->end = MAX (now, r->start);
    return TRUE;
  }
  if (store->backend->presence
      && !sh_store_ops (store, presence)->ended_at (store, r->expected->meeting_id, &ended, error))
    return FALSE;
  /* Ended without an "ended" event (by a tool, not a room): the last
   * departure is the best bound. */
  if (!ended)
    for (guint k = 0; k < intervals->len; k++)
      ended = MAX (ended, ((ShPresenceInterval *) g_ptr_array_index (intervals, k))->ended_at);
  r->end = MAX (ended, r->start);
  return TRUE;
}

/* Visitors and guests after the members, as the expected list has them. */
static gint
row_order (gconstpointer a, gconstpointer b)
{
  const ShAttendanceRow *x = *(ShAttendanceRow *const *) a;
  const ShAttendanceRow *y = *(ShAttendanceRow *const *) b;
  gboolean xm = x->role == SH_ATTENDANCE_EXPECTED || x->role == SH_ATTENDANCE_EXCLUDED;
  gboolean ym = y->role == SH_ATTENDANCE_EXPECTED || y->role == SH_ATTENDANCE_EXCLUDED;

  if (xm != ym)
    return xm ? -1 : 1;
  if (!xm && x->role != y->role)
    return x->role == SH_ATTENDANCE_VISITOR ? -1 : 1;
  return 0;
}

ShAttendanceRecord *
sh_attendance_record (ShStore *store, gint64 meeting_id, const ShAttendancePolicy *policy,
                      gint64 now, GError **error)
{
  g_autoptr (ShAttendanceRecord) r = g_new0 (ShAttendanceRecord, 1);
  g_autoptr (ShMeeting) meeting = NULL;
  g_autoptr (GPtrArray) intervals = NULL;
  g_autoptr (GHashTable) by_member = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) by_account = g_hash_table_new (g_int64_hash, g_int64_equal);

  g_return_val_if_fail (store != NULL && policy != NULL, NULL);
  if (!(meeting = sh_meeting_get (store, meeting_id, error))
      || !(r->expected = sh_attendance_expected (store, meeting_id, error))
      || !(intervals = sh_presence_list (store, meeting_id, error)))
    return NULL;
  r->state = meeting->state;
  r->expected_count = r->expected->expected;
  r->voting_expected = r->expected->voting;
  r->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  for (guint k = 0; k < r->expected->entries->len; k++) {
    const ShAttendanceEntry *e = g_ptr_array_index (r->expected->entries, k);
    ShAttendanceRow *row = row_new (r->rows, e->role, e->member_id, e->account_id, e->name);

    row->entry = e;
    if (e->member_id)
      g_hash_table_insert (by_member, &row->member_id, row);
    else if (e->account_id)
      g_hash_table_insert (by_account, &row->account_id, row);
  }
  for (guint k = 0; k < intervals->len; k++) {
    ShPresenceInterval *i = g_ptr_array_index (intervals, k);
    ShAttendanceRow *row = i->member_id ? g_hash_table_lookup (by_member, &i->member_id) : NULL;

    if (!row)
      row = g_hash_table_lookup (by_account, &i->account_id);
    if (!row) {
      g_autofree char *name = outsider_name (store, i);

      row = row_new (r->rows, i->role == SH_ATTENDANCE_VISITOR ? i->role : SH_ATTENDANCE_GUEST,
                     i->member_id, i->account_id, name);
      g_hash_table_insert (by_account, &row->account_id, row);
    }
    g_ptr_array_add (row->intervals, i);
  }
  /* The rows borrow the intervals: the record keeps the list. */
  r->intervals = g_steal_pointer (&intervals);
  if (!meeting_span (store, r, r->intervals, now, error))
    return NULL;
  for (guint k = 0; k < r->rows->len; k++) {
    ShAttendanceRow *row = g_ptr_array_index (r->rows, k);
    gboolean on_leave
        = row->entry && row->entry->leave_id && row->entry->leave_state == SH_LEAVE_APPROVED;

    sh_attendance_tally (row->intervals, r->start, r->end, &row->tally);
    row->status = sh_attendance_status (row->role, on_leave, &row->tally, r->start, r->end, r->live,
                                        policy);
    if (row->role == SH_ATTENDANCE_EXPECTED || row->role == SH_ATTENDANCE_EXCLUDED)
      r->counts[row->status]++;
    if (row->role == SH_ATTENDANCE_EXPECTED && row->tally.total_us > 0) {
      r->present++;
      if (row->entry->has_vote)
        r->voting_present++;
    }
    if (row->role == SH_ATTENDANCE_VISITOR && row->tally.total_us > 0)
      r->visitors++;
    if (row->role == SH_ATTENDANCE_GUEST && row->tally.total_us > 0)
      r->guests++;
  }
  /* A meeting entered afterwards (补录) has the statuses entered. */
  if (!sh_past_meeting_apply (store, meeting_id, r, error))
    return NULL;
  /* Stable (GLib's sort is a merge sort): list order within each part. */
  g_ptr_array_sort (r->rows, row_order);
  return g_steal_pointer (&r);
}
