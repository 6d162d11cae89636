/* Roll call (点名): the chair of a meeting in progress asks the members
 * present to answer within a time limit. This file keeps the rules (one
 * open per meeting, the bounds of the limit, who may answer, once, before
 * the deadline) and derives each entry's outcome from what is stored; the
 * server's timer and the pages are the signaling module's. Every step is
 * one unit of work.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-attendance.h"
#include "store-private.h"
#include "store-rollcall.h"

static const char *const outcome_strings[]
    = { "pending", "answered", "silent", "absent", "on_leave" };
static const char *const outcome_labels[] = { "待签到", "已签到", "未签到", "缺席", "请假" };

const char *
sh_rollcall_outcome_to_string (ShRollcallOutcome o)
{
  g_return_val_if_fail ((guint) o < G_N_ELEMENTS (outcome_strings), NULL);
  return outcome_strings[o];
}

const char *
sh_rollcall_outcome_label (ShRollcallOutcome o)
{
  g_return_val_if_fail ((guint) o < G_N_ELEMENTS (outcome_labels), NULL);
  return outcome_labels[o];
}

void
sh_rollcall_entry_free (ShRollcallEntry *entry)
{
  if (!entry)
    return;
  g_free (entry->name);
  g_free (entry);
}

void
sh_rollcall_free (ShRollcall *rollcall)
{
  if (!rollcall)
    return;
  g_clear_pointer (&rollcall->entries, g_ptr_array_unref);
  g_free (rollcall);
}

static gboolean
have_backend (ShStore *store, GError **error)
{
  if (store->backend->rollcall && store->backend->attendance)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录点名");
}

/* Fills in each entry's outcome and the counts. */
static void
derive (ShRollcall *r)
{
  r->asked = r->answered = 0;
  for (guint i = 0; i < r->entries->len; i++) {
    ShRollcallEntry *e = g_ptr_array_index (r->entries, i);

    if (e->answered_at)
      e->outcome = SH_ROLLCALL_ANSWERED;
    else if (e->asked_at)
      e->outcome = r->closed_at ? SH_ROLLCALL_SILENT : SH_ROLLCALL_PENDING;
    else
      e->outcome = e->on_leave ? SH_ROLLCALL_ON_LEAVE : SH_ROLLCALL_ABSENT;
    r->asked += e->asked_at != 0;
    r->answered += e->answered_at != 0;
  }
}

static ShRollcall *
load (ShStore *store, gint64 id, GError **error)
{
  ShRollcall *r = sh_store_ops (store, rollcall)->get (store, id, error);

  if (r)
    derive (r);
  return r;
}

static int close_open (ShStore *store, gint64 meeting_id, gint64 now, gboolean overdue_only,
                       GError **error);

typedef struct {
  gint64 meeting_id;
  gint64 started_by;
  guint seconds;
  gint64 now;
  const ShRollcallPresent *present;
  guint n_present;
  gint64 id; /* out */
} StartData;

static const ShRollcallPresent *
find_present (const StartData *d, gint64 member_id)
{
  for (guint i = 0; i < d->n_present; i++)
    if (d->present[i].member_id == member_id)
      return &d->present[i];
  return NULL;
}

static gboolean
add (ShStore *store, gint64 id, gint64 member_id, const char *name, gboolean expected,
     gboolean on_leave, const ShRollcallPresent *p, gint64 now, GError **error)
{
  ShRollcallEntry e = {
    .member_id = member_id,
    .account_id = p ? p->account_id : 0,
    .name = (char *) name,
    .expected = expected,
    .on_leave = on_leave,
    .asked_at = p ? now : 0,
  };

  return sh_store_ops (store, rollcall)->add_entry (store, id, &e, error);
}

static gboolean
start_txn (ShStore *store, gpointer user_data, GError **error)
{
  StartData *d = user_data;
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (GHashTable) done = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GError) local_error = NULL;
  ShMeetingState state = SH_MEETING_SCHEDULED;
  ShMeetingType type;
  gint64 org_id, planned_start;
  gboolean found = FALSE;

  if (!sh_store_ops (store, attendance)
           ->meeting_basis (store, d->meeting_id, &found, &type, &org_id, &planned_start, &state,
                            error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
  if (state != SH_MEETING_IN_PROGRESS)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议进行中才能点名");
  /* A roll call whose timer never fired (the server stopped) is over. */
  if (close_open (store, d->meeting_id, d->now, TRUE, error) < 0)
    return FALSE;
  d->id = sh_store_ops (store, rollcall)
              ->insert (store, d->meeting_id, d->started_by, d->seconds, d->now,
                        d->now + (gint64) d->seconds * G_USEC_PER_SEC, &local_error);
  if (!d->id) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "正在点名，请等本次点名结束");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!(a = sh_attendance_expected (store, d->meeting_id, error)))
    return FALSE;
  for (guint i = 0; i < a->entries->len; i++) {
    const ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->role != SH_ATTENDANCE_EXPECTED || !e->member_id
        || g_hash_table_contains (done, &e->member_id))
      continue;
    if (!add (store, d->id, e->member_id, e->name, TRUE,
              e->leave_id && e->leave_state == SH_LEAVE_APPROVED, find_present (d, e->member_id),
              d->now, error))
      return FALSE;
    g_hash_table_add (done, (gpointer) &e->member_id);
  }
  for (guint i = 0; i < d->n_present; i++) {
    const ShRollcallPresent *p = &d->present[i];

    if (!p->member_id || g_hash_table_contains (done, &p->member_id))
      continue;
    if (!add (store, d->id, p->member_id, p->name, FALSE, FALSE, p, d->now, error))
      return FALSE;
    g_hash_table_add (done, (gpointer) &p->member_id);
  }
  return TRUE;
}

gint64
sh_rollcall_start (ShStore *store, gint64 meeting_id, gint64 started_by, guint seconds, gint64 now,
                   const ShRollcallPresent *present, guint n_present, GError **error)
{
  StartData d = { meeting_id, started_by, seconds, now, present, n_present, 0 };

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail (present != NULL || n_present == 0, 0);
  if (!have_backend (store, error))
    return 0;
  if (seconds < SH_ROLLCALL_MIN_SECONDS || seconds > SH_ROLLCALL_MAX_SECONDS) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID,
                 "点名时限应在 %d 秒到 %d 秒之间", SH_ROLLCALL_MIN_SECONDS,
                 SH_ROLLCALL_MAX_SECONDS);
    return 0;
  }
  if (!sh_store_transaction (store, start_txn, &d, error))
    return 0;
  return d.id;
}

/* The roll call @id, refused with STATE when it no longer takes answers
 * at @now. */
static ShRollcall *
load_open (ShStore *store, gint64 id, gint64 now, GError **error)
{
  g_autoptr (ShRollcall) r = load (store, id, error);

  if (!r)
    return NULL;
  if (r->closed_at || now > r->deadline) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "本次点名已结束");
    return NULL;
  }
  return g_steal_pointer (&r);
}

static const ShRollcallEntry *
entry_of (const ShRollcall *r, gint64 member_id)
{
  for (guint i = 0; i < r->entries->len; i++) {
    const ShRollcallEntry *e = g_ptr_array_index (r->entries, i);

    if (e->member_id == member_id)
      return e;
  }
  return NULL;
}

typedef struct {
  gint64 id;
  const ShRollcallPresent *who;
  gint64 now;
  gboolean asked; /* out */
} AskData;

static gboolean
ask_txn (ShStore *store, gpointer user_data, GError **error)
{
  AskData *d = user_data;
  g_autoptr (ShRollcall) r = load_open (store, d->id, d->now, error);
  const ShRollcallEntry *e;

  if (!r)
    return FALSE;
  e = entry_of (r, d->who->member_id);
  if (!e) {
    if (!add (store, d->id, d->who->member_id, d->who->name, FALSE, FALSE, d->who, d->now, error))
      return FALSE;
    d->asked = TRUE;
    return TRUE;
  }
  if (e->asked_at)
    return TRUE;
  return sh_store_ops (store, rollcall)
      ->mark_asked (store, d->id, d->who->member_id, d->who->account_id, d->now, &d->asked, error);
}

gboolean
sh_rollcall_ask (ShStore *store, gint64 rollcall_id, const ShRollcallPresent *who, gint64 now,
                 gboolean *asked, GError **error)
{
  AskData d = { rollcall_id, who, now, FALSE };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (who != NULL, FALSE);
  if (asked)
    *asked = FALSE;
  if (!have_backend (store, error))
    return FALSE;
  if (!who->member_id)
    return sh_minutes_invalid (error, "只有党员参加点名");
  if (!sh_store_transaction (store, ask_txn, &d, error))
    return FALSE;
  if (asked)
    *asked = d.asked;
  return TRUE;
}

typedef struct {
  gint64 id;
  gint64 member_id;
  gint64 now;
} AnswerData;

static gboolean
answer_txn (ShStore *store, gpointer user_data, GError **error)
{
  AnswerData *d = user_data;
  g_autoptr (ShRollcall) r = load_open (store, d->id, d->now, error);
  const ShRollcallEntry *e;
  gboolean found = FALSE;

  if (!r)
    return FALSE;
  e = entry_of (r, d->member_id);
  if (!e || !e->asked_at)
    return sh_minutes_invalid (error, "您不在本次点名的人员中");
  if (e->answered_at)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "您已签到");
  if (!sh_store_ops (store, rollcall)->answer (store, d->id, d->member_id, d->now, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "您已签到");
}

gboolean
sh_rollcall_answer (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 now,
                    GError **error)
{
  AnswerData d = { rollcall_id, member_id, now };

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  return sh_store_transaction (store, answer_txn, &d, error);
}

gboolean
sh_rollcall_close (ShStore *store, gint64 rollcall_id, gint64 now, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!have_backend (store, error))
    return FALSE;
  if (!sh_store_ops (store, rollcall)->close (store, rollcall_id, now, &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "本次点名已结束");
}

/* Closes the open roll calls of @meeting_id (0: all) at their deadline
 * when it has passed, else at @now unless @overdue_only. Inside a unit of
 * work. Returns how many, -1 with @error set. */
static int
close_open (ShStore *store, gint64 meeting_id, gint64 now, gboolean overdue_only, GError **error)
{
  const ShRollcallStoreOps *ops = sh_store_ops (store, rollcall);
  g_autoptr (GArray) open = ops->ids (store, meeting_id, TRUE, error);
  int closed = 0;

  if (!open)
    return -1;
  for (guint i = 0; i < open->len; i++) {
    gint64 id = g_array_index (open, gint64, i);
    g_autoptr (ShRollcall) r = ops->get (store, id, error);
    gboolean found = FALSE;

    if (!r)
      return -1;
    if (overdue_only && r->deadline >= now)
      continue;
    if (!ops->close (store, id, MIN (now, r->deadline), &found, error))
      return -1;
    closed += found;
  }
  return closed;
}

typedef struct {
  gint64 meeting_id;
  gint64 now;
  int closed; /* out */
} CloseAllData;

static gboolean
close_all_txn (ShStore *store, gpointer user_data, GError **error)
{
  CloseAllData *d = user_data;

  d->closed = close_open (store, d->meeting_id, d->now, FALSE, error);
  return d->closed >= 0;
}

int
sh_rollcall_close_all (ShStore *store, gint64 meeting_id, gint64 now, GError **error)
{
  CloseAllData d = { meeting_id, now, 0 };

  g_return_val_if_fail (store != NULL, -1);
  if (!have_backend (store, error))
    return -1;
  if (!sh_store_transaction (store, close_all_txn, &d, error))
    return -1;
  return d.closed;
}

ShRollcall *
sh_rollcall_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  return load (store, id, error);
}

GPtrArray *
sh_rollcall_list (ShStore *store, gint64 meeting_id, gint64 member_id, GError **error)
{
  g_autoptr (GPtrArray) out = NULL;
  g_autoptr (GArray) all = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  if (!have_backend (store, error))
    return NULL;
  if (!(all = sh_store_ops (store, rollcall)->ids (store, meeting_id, FALSE, error)))
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_rollcall_free);
  for (guint i = 0; i < all->len; i++) {
    ShRollcall *r = load (store, g_array_index (all, gint64, i), error);

    if (!r)
      return NULL;
    g_ptr_array_add (out, r);
    if (!member_id)
      continue;
    /* Only the member's own entry; the counts stay the whole roll call's. */
    for (guint j = r->entries->len; j-- > 0;) {
      const ShRollcallEntry *e = g_ptr_array_index (r->entries, j);

      if (e->member_id != member_id)
        g_ptr_array_remove_index (r->entries, j);
    }
  }
  return g_steal_pointer (&out);
}
