/* Expected attendance (应到) of a meeting: the attendee set of its type
 * (rules-store.c) with each member's vote, the members an approved
 * exclusion takes out of the count, visiting migrant members and guests,
 * each difference from a full voting member of the roster with its reason.
 * Live until the meeting starts, then frozen (sh_attendance_freeze(), from
 * meeting.c's start transition). This file reads the meeting through its
 * own store area and never names meeting.c, which calls it.
 * SPDX-License-Identifier: Apache-2.0 */
#include "attendance-private.h"
#include "rules-private.h"
#include "store-attendance.h"
#include "store-leave.h"
#include "store-meeting-log.h"
#include "store-private.h"

#include <string.h>

static const char *const role_strings[] = { "expected", "excluded", "visitor", "guest" };

const char *
sh_attendance_role_to_string (ShAttendanceRole r)
{
  g_return_val_if_fail ((guint) r < G_N_ELEMENTS (role_strings), NULL);
  return role_strings[r];
}

gboolean
sh_attendance_role_from_string (const char *s, ShAttendanceRole *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (role_strings); i++) {
    if (strcmp (s, role_strings[i]) == 0) {
      *out = (ShAttendanceRole) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_attendance_entry_free (ShAttendanceEntry *entry)
{
  if (!entry)
    return;
  g_free (entry->name);
  g_free (entry->reason);
  g_free (entry);
}

void
sh_attendance_free (ShAttendance *attendance)
{
  if (!attendance)
    return;
  g_clear_pointer (&attendance->entries, g_ptr_array_unref);
  g_free (attendance);
}

static ShAttendance *
attendance_new (gint64 meeting_id)
{
  ShAttendance *a = g_new0 (ShAttendance, 1);

  a->meeting_id = meeting_id;
  a->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_entry_free);
  return a;
}

/* The approved exclusion of @member_id in force at @at, by the same
 * half-open rule as the expected count (sh_rules_excluded_at()).
 * Returns: (transfer full) its label and approver, or NULL when none. */
static char *
exclusion_reason (ShStore *store, gint64 member_id, gint64 at, GError **error)
{
  g_autoptr (GPtrArray) exclusions = sh_exclusion_list (store, member_id, error);

  if (!exclusions)
    return NULL;
  for (guint i = 0; i < exclusions->len; i++) {
    const ShExclusion *x = g_ptr_array_index (exclusions, i);
    g_autoptr (GPtrArray) one = g_ptr_array_new ();

    g_ptr_array_add (one, (gpointer) x);
    if (sh_rules_excluded_at (one, at))
      return g_strdup_printf ("不计入应到会人数：%s（%s批准）",
                              sh_exclusion_reason_label (x->reason), x->approver);
  }
  return NULL;
}

static ShAttendanceEntry *
member_entry (const ShMember *m, ShAttendanceRole role, gint64 branch_id)
{
  ShAttendanceEntry *e = g_new0 (ShAttendanceEntry, 1);

  e->role = role;
  e->member_id = m->id;
  e->name = g_strdup (m->name);
  e->status = m->status;
  e->under_probation = m->under_probation;
  if (role == SH_ATTENDANCE_VISITOR)
    e->reason = g_strdup ("流动党员（组织关系在其他支部），无表决权");
  else if (role == SH_ATTENDANCE_EXPECTED) {
    e->has_vote = sh_rules_has_vote (m, branch_id);
    if (m->status == SH_MEMBER_PROBATIONARY)
      e->reason = g_strdup ("预备党员，无表决权");
    else if (m->under_probation)
      e->reason = g_strdup ("留党察看，无表决权");
  }
  return e;
}

/* The visiting migrant members take part only in the meetings open to
 * every member of the branch they visit (as meeting.c lists them). */
static gboolean
type_open_to_visitors (ShMeetingType type)
{
  return type == SH_MEETING_GENERAL || type == SH_MEETING_LESSON || type == SH_MEETING_PARTY_DAY;
}

/* The list as the store stands now, with exclusions taken at @at. */
static ShAttendance *
compute (ShStore *store, gint64 meeting_id, ShMeetingType type, gint64 org_id, gint64 at,
         GError **error)
{
  g_autoptr (ShAttendance) a = attendance_new (meeting_id);
  g_autoptr (ShOrg) org = NULL;
  g_autoptr (GPtrArray) entitled = NULL;
  g_autoptr (GPtrArray) excluded
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_attendance_entry_free);
  g_autoptr (GPtrArray) visitors = NULL;
  g_autoptr (GPtrArray) guests = NULL;
  gint64 branch_id;

  org = sh_org_get (store, org_id, error);
  if (!org)
    return NULL;
  branch_id = sh_rules_attendee_branch (type, org, error);
  if (!branch_id)
    return NULL;
  entitled = sh_rules_entitled_attendees (store, type, org_id, error);
  if (!entitled)
    return NULL;
  a->at = at;
  for (guint i = 0; i < entitled->len; i++) {
    const ShMember *m = g_ptr_array_index (entitled, i);
    g_autoptr (GError) local_error = NULL;
    g_autofree char *why = exclusion_reason (store, m->id, at, &local_error);

    if (local_error) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
    if (why) {
      ShAttendanceEntry *e = member_entry (m, SH_ATTENDANCE_EXCLUDED, branch_id);

      e->reason = g_steal_pointer (&why);
      g_ptr_array_add (excluded, e);
      continue;
    }
    g_ptr_array_add (a->entries, member_entry (m, SH_ATTENDANCE_EXPECTED, branch_id));
  }
  for (guint i = 0; i < excluded->len; i++)
    g_ptr_array_add (a->entries, g_steal_pointer (&excluded->pdata[i]));
  if (type_open_to_visitors (type)) {
    visitors = sh_member_list_visiting (store, branch_id, error);
    if (!visitors)
      return NULL;
    for (guint i = 0; i < visitors->len; i++)
      g_ptr_array_add (a->entries, member_entry (g_ptr_array_index (visitors, i),
                                                 SH_ATTENDANCE_VISITOR, branch_id));
  }
  /* Through the store, not meeting-log.c, which builds on meeting.c. */
  guests = sh_store_ops (store, meeting_log)->guest_list (store, meeting_id, error);
  if (!guests)
    return NULL;
  for (guint i = 0; i < guests->len; i++) {
    const ShMeetingGuest *g = g_ptr_array_index (guests, i);
    ShAttendanceEntry *e = g_new0 (ShAttendanceEntry, 1);

    e->role = SH_ATTENDANCE_GUEST;
    e->account_id = g->account_id;
    e->name = g_strdup (g->name);
    e->reason = g_strdup ("列席，无表决权");
    g_ptr_array_add (a->entries, e);
  }
  return g_steal_pointer (&a);
}

static void
count (ShAttendance *a)
{
  a->expected = a->voting = 0;
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->role == SH_ATTENDANCE_EXPECTED) {
      a->expected++;
      a->voting += e->has_vote ? 1 : 0;
    }
  }
}

/* Leave is never frozen: a request decided after the start still shows. */
static gboolean
add_leave (ShStore *store, ShAttendance *a, GError **error)
{
  g_autoptr (GPtrArray) requests = NULL;

  if (!store->backend->leave)
    return TRUE;
  requests = sh_store_ops (store, leave)->list (store, a->meeting_id, 0, error);
  if (!requests)
    return FALSE;
  /* Requests come by id: the last one of a member is their latest. */
  for (guint i = 0; i < requests->len; i++) {
    const ShLeaveRequest *r = g_ptr_array_index (requests, i);

    for (guint j = 0; j < a->entries->len; j++) {
      ShAttendanceEntry *e = g_ptr_array_index (a->entries, j);

      if (e->member_id && e->member_id == r->member_id) {
        e->leave_id = r->id;
        e->leave_state = r->state;
      }
    }
  }
  return TRUE;
}

gboolean
sh_attendance_freeze (ShStore *store, gint64 meeting_id, gint64 at, GError **error)
{
  return sh_attendance_freeze_at (store, meeting_id, at, sh_store_now (), error);
}

gboolean
sh_attendance_freeze_at (ShStore *store, gint64 meeting_id, gint64 at, gint64 frozen_at,
                         GError **error)
{
  const ShAttendanceStoreOps *ops = sh_store_ops (store, attendance);
  g_autoptr (ShAttendance) a = NULL;
  ShMeetingType type = SH_MEETING_GENERAL;
  ShMeetingState state = SH_MEETING_SCHEDULED;
  gint64 org_id = 0, planned_start = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!ops)
    return TRUE;
  if (!ops->meeting_basis (store, meeting_id, &found, &type, &org_id, &planned_start, &state,
                           error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
  a = compute (store, meeting_id, type, org_id, at, error);
  return a && ops->freeze (store, meeting_id, at, frozen_at, a->entries, error);
}

ShAttendance *
sh_attendance_expected (ShStore *store, gint64 meeting_id, GError **error)
{
  const ShAttendanceStoreOps *ops;
  g_autoptr (ShAttendance) a = NULL;
  ShMeetingType type = SH_MEETING_GENERAL;
  ShMeetingState state = SH_MEETING_SCHEDULED;
  gint64 org_id = 0, planned_start = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  ops = sh_store_ops (store, attendance);
  if (!ops) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录应到人员");
    return NULL;
  }
  if (!ops->meeting_basis (store, meeting_id, &found, &type, &org_id, &planned_start, &state,
                           error))
    return NULL;
  if (!found) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
    return NULL;
  }
  if (state != SH_MEETING_SCHEDULED && state != SH_MEETING_OPEN) {
    a = attendance_new (meeting_id);
    if (!ops->get_frozen (store, meeting_id, &found, a, error))
      return NULL;
    a->frozen = found;
    if (!found)
      g_clear_pointer (&a, sh_attendance_free);
  }
  /* Before the start, or a meeting started before lists were frozen. */
  if (!a && !(a = compute (store, meeting_id, type, org_id, planned_start, error)))
    return NULL;
  count (a);
  if (!add_leave (store, a, error))
    return NULL;
  return g_steal_pointer (&a);
}
