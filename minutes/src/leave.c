/* Leave (请假): a member asks before the meeting starts, with a reason; the
 * branch secretary approves or refuses; the member may withdraw a pending
 * request. Who may decide is the caller's business (REST authz); this file
 * keeps the state machine and the log. Each step is one unit of work, so
 * that the request and its log change together.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-attendance.h"
#include "store-leave.h"
#include "store-private.h"

#include <string.h>

#define NOTE_MAX_CHARS 500

static const char *const state_strings[] = { "pending", "approved", "refused", "withdrawn" };
static const char *const state_labels[] = { "待审批", "已准假", "未准假", "已撤回" };

const char *
sh_leave_state_to_string (ShLeaveState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (state_strings), NULL);
  return state_strings[s];
}

const char *
sh_leave_state_label (ShLeaveState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (state_labels), NULL);
  return state_labels[s];
}

gboolean
sh_leave_state_from_string (const char *s, ShLeaveState *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (state_strings); i++) {
    if (strcmp (s, state_strings[i]) == 0) {
      *out = (ShLeaveState) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_leave_request_free (ShLeaveRequest *request)
{
  if (!request)
    return;
  g_free (request->reason);
  g_free (request->decision_note);
  g_free (request);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->leave && store->backend->attendance)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录请假");
}

/* The meeting's state, NOT_FOUND when there is no such meeting. */
static gboolean
meeting_state (ShStore *store, gint64 meeting_id, ShMeetingState *state, GError **error)
{
  ShMeetingType type;
  gint64 org_id, planned_start;
  gboolean found = FALSE;

  if (!sh_store_ops (store, attendance)
           ->meeting_basis (store, meeting_id, &found, &type, &org_id, &planned_start, state,
                            error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
}

static gboolean
not_started (ShMeetingState state)
{
  return state == SH_MEETING_SCHEDULED || state == SH_MEETING_OPEN;
}

/* Whether @member_id is expected at the meeting or visits it. */
static gboolean
may_ask (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error)
{
  g_autoptr (ShAttendance) a = sh_attendance_expected (store, meeting_id, error);

  if (!a)
    return FALSE;
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->member_id == member_id
        && (e->role == SH_ATTENDANCE_EXPECTED || e->role == SH_ATTENDANCE_VISITOR))
      return TRUE;
  }
  return sh_minutes_invalid (error, "该党员不在本次会议的应到人员中，无需请假");
}

typedef struct {
  gint64 meeting_id;
  gint64 member_id;
  const char *reason;
  gint64 requested_by;
  gint64 id; /* out */
} AskData;

static gboolean
ask_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShLeaveStoreOps *ops = sh_store_ops (store, leave);
  AskData *d = user_data;
  g_autoptr (GError) local_error = NULL;
  ShMeetingState state = SH_MEETING_SCHEDULED;
  gint64 now = sh_store_now ();

  /* Read inside the unit so that the meeting cannot start in between. */
  if (!meeting_state (store, d->meeting_id, &state, error))
    return FALSE;
  if (!not_started (state))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已开始或已结束，不能再请假");
  if (!may_ask (store, d->meeting_id, d->member_id, error))
    return FALSE;
  d->id = ops->insert (store, d->meeting_id, d->member_id, d->reason, d->requested_by, now,
                       &local_error);
  if (!d->id) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT,
                              "已有待审批或已批准的请假申请，请勿重复提交");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return ops->log (store, d->id, SH_LEAVE_PENDING, d->requested_by, d->reason, now, error);
}

gint64
sh_leave_request (ShStore *store, gint64 meeting_id, gint64 member_id, const char *reason,
                  gint64 requested_by, GError **error)
{
  g_autofree char *trimmed = NULL;
  AskData d = { meeting_id, member_id, NULL, requested_by, 0 };

  g_return_val_if_fail (store != NULL, 0);
  if (!have_backend (store, error)
      || !sh_text_validate (reason, "请假事由", SH_LEAVE_REASON_MAX_CHARS, SH_TEXT_MULTILINE,
                            error))
    return 0;
  trimmed = g_strstrip (g_strdup (reason));
  d.reason = trimmed;
  if (!sh_store_transaction (store, ask_txn, &d, error))
    return 0;
  return d.id;
}

typedef struct {
  gint64 id;
  ShLeaveState to;
  gint64 account_id;
  const char *note;
} DecideData;

/* The member record an account stands for, 0 if none or the system. */
static gint64
member_of_account (ShStore *store, gint64 account_id)
{
  g_autoptr (ShAccount) account = NULL;

  if (!account_id)
    return 0;
  account = sh_account_get (store, account_id, NULL);
  return account ? account->member_id : 0;
}

static gboolean
decide_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShLeaveStoreOps *ops = sh_store_ops (store, leave);
  DecideData *d = user_data;
  g_autoptr (ShLeaveRequest) r = ops->get (store, d->id, error);
  ShMeetingState state = SH_MEETING_SCHEDULED;
  gboolean found = FALSE;
  gint64 now = sh_store_now ();

  if (!r)
    return FALSE;
  if (r->state != SH_LEAVE_PENDING) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE, "该请假申请%s，不能再更改",
                 sh_leave_state_label (r->state));
    return FALSE;
  }
  if (!meeting_state (store, r->meeting_id, &state, error))
    return FALSE;
  if (d->to == SH_LEAVE_WITHDRAWN) {
    if (!not_started (state))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已开始，不能撤回请假申请");
  } else {
    /* A decision may still come while the meeting runs, not after. */
    if (!not_started (state) && state != SH_MEETING_IN_PROGRESS)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已结束或已取消，不能再审批请假");
    if (d->account_id && member_of_account (store, d->account_id) == r->member_id)
      return sh_minutes_invalid (error, "不能审批本人的请假申请");
  }
  if (!ops->decide (store, d->id, d->to, d->account_id, now, d->note, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该请假申请已处理");
  return ops->log (store, d->id, d->to, d->account_id, d->note, now, error);
}

static gboolean
decide (ShStore *store, gint64 id, ShLeaveState to, gint64 account_id, const char *note,
        GError **error)
{
  g_autofree char *trimmed = NULL;
  DecideData d = { id, to, account_id, NULL };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  if (note && !sh_text_is_blank (note)) {
    if (!sh_text_validate (note, "审批意见", NOTE_MAX_CHARS, SH_TEXT_MULTILINE, error))
      return FALSE;
    trimmed = g_strstrip (g_strdup (note));
    d.note = trimmed;
  } else if (!sh_text_check (note, "审批意见", SH_TEXT_MULTILINE, error))
    return FALSE;
  return sh_store_transaction (store, decide_txn, &d, error);
}

gboolean
sh_leave_approve (ShStore *store, gint64 leave_id, gint64 decided_by, const char *note,
                  GError **error)
{
  return decide (store, leave_id, SH_LEAVE_APPROVED, decided_by, note, error);
}

gboolean
sh_leave_refuse (ShStore *store, gint64 leave_id, gint64 decided_by, const char *note,
                 GError **error)
{
  return decide (store, leave_id, SH_LEAVE_REFUSED, decided_by, note, error);
}

gboolean
sh_leave_withdraw (ShStore *store, gint64 leave_id, gint64 withdrawn_by, GError **error)
{
  return decide (store, leave_id, SH_LEAVE_WITHDRAWN, withdrawn_by, NULL, error);
}

ShLeaveRequest *
sh_leave_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, leave)->get (store, id, error);
}

GPtrArray *
sh_leave_list (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return sh_store_ops (store, leave)->list (store, meeting_id, member_id, error);
}
