/* Organizational-life warnings of a branch (sanhui-minutes.h): each
 * member's records gathered from the attendance records of the meetings
 * that ended (attendance-record.c) and read by the pure rule
 * sh_rules_organizational_life() (rules.c). Read-only, computed on request.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"

#include <stdio.h>

void
sh_member_warning_free (ShMemberWarning *warning)
{
  if (!warning)
    return;
  g_free (warning->name);
  g_free (warning);
}

static gboolean
has_ended (const ShMeeting *m)
{
  return m->state == SH_MEETING_ENDED || m->state == SH_MEETING_ARCHIVED;
}

/* Meetings whose expected list is the whole roster of the branch: a member
 * missing from one was not in the branch yet. */
static gboolean
is_branch_wide (const ShMeeting *m, gint64 branch_id)
{
  return m->org_id == branch_id
         && (m->type == SH_MEETING_GENERAL || m->type == SH_MEETING_LESSON
             || m->type == SH_MEETING_PARTY_DAY);
}

typedef struct {
  ShStore *store;
  const ShWarningPolicy *policy;
  gint64 now;
  GHashTable *records; /* meeting id → ShAttendanceRecord (owned) */
} Reader;

/* The record of @m, read once per request. (transfer none) */
static const ShAttendanceRecord *
record_of (Reader *rd, const ShMeeting *m, GError **error)
{
  ShAttendanceRecord *r = g_hash_table_lookup (rd->records, &m->id);
  gint64 *key;

  if (r)
    return r;
  r = sh_attendance_record (rd->store, m->id, &rd->policy->attendance, rd->now, error);
  if (!r)
    return NULL;
  key = g_new (gint64, 1);
  *key = m->id;
  g_hash_table_insert (rd->records, key, r);
  return r;
}

static const ShAttendanceRow *
row_of (const ShAttendanceRecord *r, gint64 member_id)
{
  for (guint i = 0; i < r->rows->len; i++) {
    const ShAttendanceRow *row = g_ptr_array_index (r->rows, i);

    if (row->member_id == member_id)
      return row;
  }
  return NULL;
}

static gboolean
took_part (const ShAttendanceRow *row)
{
  switch (row->status) {
    case SH_ATTENDANCE_PRESENT:
    case SH_ATTENDANCE_PARTLY:
    case SH_ATTENDANCE_LATE:
    case SH_ATTENDANCE_LEFT_EARLY:
      return row->role == SH_ATTENDANCE_EXPECTED || row->tally.total_us > 0;
    case SH_ATTENDANCE_ABSENT:
    case SH_ATTENDANCE_ON_LEAVE:
    case SH_ATTENDANCE_IS_EXCLUDED:
    default:
      /* An excluded member who came anyway took part all the same. */
      return row->tally.total_us > 0;
  }
}

/* 入党日期 at midnight where the branch is; 0 when unknown. */
static gint64
joined_at (const ShMember *member, GTimeZone *tz)
{
  int y, mo, d;
  g_autoptr (GDateTime) dt = NULL;

  if (!member->joined_on || sscanf (member->joined_on, "%d-%d-%d", &y, &mo, &d) != 3)
    return 0;
  dt = g_date_time_new (tz, y, mo, d, 0, 0, 0);
  return dt ? g_date_time_to_unix (dt) * G_USEC_PER_SEC : 0;
}

static gint
life_record_order (gconstpointer a, gconstpointer b)
{
  const ShLifeRecord *x = a, *y = b;

  return (x->at > y->at) - (x->at < y->at);
}

/* Meetings of other branches @member attended as a visiting migrant
 * member, planned from @from on: the branches of their accepted visits
 * (ended ones too). Their own presence in the room is the proof, so the
 * dates of the visit do not matter. */
static gboolean
add_visits (Reader *rd, const ShMember *member, gint64 from, GArray *records, GError **error)
{
  g_autoptr (GPtrArray) visits = sh_visit_list_for_member (rd->store, member->id, error);
  g_autoptr (GArray) hosts = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!visits)
    return FALSE;
  for (guint v = 0; v < visits->len; v++) {
    const ShVisit *visit = g_ptr_array_index (visits, v);
    gboolean seen = FALSE;

    if (!visit->decided_at || (visit->state != SH_VISIT_ACCEPTED && visit->state != SH_VISIT_ENDED))
      continue;
    for (guint h = 0; h < hosts->len && !seen; h++)
      seen = g_array_index (hosts, gint64, h) == visit->host_branch_id;
    if (!seen)
      g_array_append_val (hosts, visit->host_branch_id);
  }
  for (guint h = 0; h < hosts->len; h++) {
    g_autoptr (GPtrArray) meetings = sh_meeting_list_for_org (
        rd->store, g_array_index (hosts, gint64, h), from, rd->now, error);

    if (!meetings)
      return FALSE;
    for (guint i = 0; i < meetings->len; i++) {
      const ShMeeting *m = g_ptr_array_index (meetings, i);
      const ShAttendanceRecord *r;
      const ShAttendanceRow *row;

      if (!has_ended (m))
        continue;
      if (!(r = record_of (rd, m, error)))
        return FALSE;
      row = row_of (r, member->id);
      if (row && row->tally.total_us > 0) {
        ShLifeRecord rec = { .at = m->planned_start, .attended = TRUE };

        g_array_append_val (records, rec);
      }
    }
  }
  return TRUE;
}

/* @member's warning, NULL (and no error) when there is none. */
static ShMemberWarning *
read_member (Reader *rd, const ShMember *member, gint64 branch_id, GPtrArray *held, gint64 since,
             GError **error)
{
  g_autoptr (GArray) records = g_array_new (FALSE, FALSE, sizeof (ShLifeRecord));
  g_autoptr (ShMemberWarning) w = g_new0 (ShMemberWarning, 1);
  gint64 window = rd->now - SH_WARNING_LOOKBACK_US;

  since = MAX (since, joined_at (member, rd->policy->tz));
  /* A meeting's date is its planned start, as the branch counts it; right
   * also for a meeting entered afterwards (补录). */
  for (guint i = 0; i < held->len; i++) {
    const ShMeeting *m = g_ptr_array_index (held, i);
    const ShAttendanceRecord *r = g_hash_table_lookup (rd->records, &m->id);
    const ShAttendanceRow *row = row_of (r, member->id);
    ShLifeRecord rec = { .at = m->planned_start };

    if (!row || (row->role != SH_ATTENDANCE_EXPECTED && row->role != SH_ATTENDANCE_EXCLUDED)) {
      if (is_branch_wide (m, branch_id))
        since = MAX (since, rec.at);
      continue;
    }
    rec.attended = took_part (row);
    rec.excused = !rec.attended
                  && (row->role == SH_ATTENDANCE_EXCLUDED || row->status == SH_ATTENDANCE_ON_LEAVE
                      || row->status == SH_ATTENDANCE_IS_EXCLUDED);
    g_array_append_val (records, rec);
  }
  if (!add_visits (rd, member, window, records, error))
    return NULL;
  g_array_sort (records, life_record_order);
  sh_rules_organizational_life ((const ShLifeRecord *) (gpointer) records->data, records->len,
                                since, rd->now, rd->policy->tz, rd->policy->warn_before,
                                rd->policy->absent_limit, &w->life);
  if (!w->life.lapse_warning && !w->life.absence_warning)
    return NULL;
  w->member_id = member->id;
  w->name = g_strdup (member->name);
  w->since = since;
  w->records = records->len;
  return g_steal_pointer (&w);
}

static gint
warning_order (gconstpointer a, gconstpointer b)
{
  const ShMemberWarning *x = *(ShMemberWarning *const *) a;
  const ShMemberWarning *y = *(ShMemberWarning *const *) b;

  if (x->life.lapse_at != y->life.lapse_at)
    return x->life.lapse_at < y->life.lapse_at ? -1 : 1;
  return (x->member_id > y->member_id) - (x->member_id < y->member_id);
}

GPtrArray *
sh_warnings_for_branch (ShStore *store, gint64 branch_id, const ShWarningPolicy *policy, gint64 now,
                        GError **error)
{
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GPtrArray) members = NULL;
  g_autoptr (GPtrArray) meetings = NULL;
  g_autoptr (GPtrArray) held = g_ptr_array_new ();
  g_autoptr (GHashTable) records = NULL;
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_member_warning_free);
  gint64 window = now - SH_WARNING_LOOKBACK_US;
  gint64 first = 0;
  Reader rd = { store, policy, now, NULL };

  g_return_val_if_fail (store != NULL && policy != NULL && policy->tz != NULL, NULL);
  if (!(org = sh_org_get (store, branch_id, error)))
    return NULL;
  if (org->kind != SH_ORG_BRANCH) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "只有党支部有组织生活提醒");
    return NULL;
  }
  if (!(members = sh_member_list (store, branch_id, error))
      || !(meetings = sh_meeting_list_for_org (store, branch_id, 0, 0, error)))
    return NULL;
  records = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify) sh_attendance_record_free);
  rd.records = records;
  for (guint i = 0; i < meetings->len; i++) {
    const ShMeeting *m = g_ptr_array_index (meetings, i);

    if (m->state == SH_MEETING_CANCELLED || m->planned_start > now)
      continue;
    if (!first)
      first = m->planned_start; /* the list is by planned start */
    if (!has_ended (m) || m->planned_start < window)
      continue;
    if (!record_of (&rd, m, error))
      return NULL;
    g_ptr_array_add (held, (gpointer) m);
  }
  /* A branch that never met in the system has no records to read. */
  if (!first)
    return g_steal_pointer (&out);
  for (guint i = 0; i < members->len; i++) {
    g_autoptr (GError) local = NULL;
    ShMemberWarning *w = read_member (&rd, g_ptr_array_index (members, i), branch_id, held,
                                      MAX (first, window), &local);

    if (local) {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
    if (w)
      g_ptr_array_add (out, w);
  }
  g_ptr_array_sort (out, warning_order);
  return g_steal_pointer (&out);
}
