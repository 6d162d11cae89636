/* Migrant visits (流动党员参加其他支部的组织生活): requested by the home
 * side, accepted or refused by the receiving branch, ended by either side.
 * Only an accepted visit sets members.current_branch_id, the column that
 * roles, meeting lists and joining read; triggers (migration 4) keep it so.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "sqlite/sqlite-private.h"

#include <stdarg.h>
#include <string.h>

#define VISIT_NOTE_MAX_CHARS 500

static const char *const state_strings[] = { "pending", "accepted", "refused", "ended" };
static const char *const state_labels[] = { "待接收", "已接收", "已拒绝", "已结束" };

const char *
sh_visit_state_to_string (ShVisitState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (state_strings), NULL);
  return state_strings[s];
}

const char *
sh_visit_state_label (ShVisitState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (state_labels), NULL);
  return state_labels[s];
}

gboolean
sh_visit_state_from_string (const char *s, ShVisitState *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (state_strings); i++) {
    if (strcmp (s, state_strings[i]) == 0) {
      *out = (ShVisitState) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_visit_free (ShVisit *visit)
{
  if (!visit)
    return;
  g_free (visit->note);
  g_free (visit->decision_note);
  g_free (visit->end_note);
  g_free (visit);
}

#define VISIT_COLUMNS                                                                              \
  "id, member_id, home_branch_id, host_branch_id, state, note, requested_by, requested_at,"        \
  " decided_by, decided_at, decision_note, ended_by, ended_at, end_note"

static ShVisit *
visit_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShVisit) v = g_new0 (ShVisit, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->member_id = sqlite3_column_int64 (stmt, 1);
  v->home_branch_id = sqlite3_column_int64 (stmt, 2);
  v->host_branch_id = sqlite3_column_int64 (stmt, 3);
  if (!sh_visit_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &v->state)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "visit %" G_GINT64_FORMAT " has an unknown state", v->id);
    return NULL;
  }
  v->note = sh_sqlite_column_text (stmt, 5);
  v->requested_by = sqlite3_column_int64 (stmt, 6);
  v->requested_at = sqlite3_column_int64 (stmt, 7);
  v->decided_by = sqlite3_column_int64 (stmt, 8);
  v->decided_at = sqlite3_column_int64 (stmt, 9);
  v->decision_note = sh_sqlite_column_text (stmt, 10);
  v->ended_by = sqlite3_column_int64 (stmt, 11);
  v->ended_at = sqlite3_column_int64 (stmt, 12);
  v->end_note = sh_sqlite_column_text (stmt, 13);
  return g_steal_pointer (&v);
}

static gboolean
fail (GError **error, ShMinutesError code, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, code, message);
  return FALSE;
}

/* A note is optional, but when given it is one readable paragraph. */
static gboolean
check_note (const char *note, GError **error)
{
  if (!note)
    return TRUE;
  if (!g_utf8_validate (note, -1, NULL))
    return fail (error, SH_MINUTES_ERROR_INVALID, "说明包含无效字符");
  if (g_utf8_strlen (note, -1) > VISIT_NOTE_MAX_CHARS)
    return fail (error, SH_MINUTES_ERROR_INVALID, "说明不能超过500个字");
  return TRUE;
}

static const char *
blank_to_null (const char *s)
{
  return s && *s ? s : NULL;
}

static gboolean
exec_bound (ShStore *store, const char *sql, const char *purpose, GError **error, int n, ...)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, purpose, error);
  va_list ap;

  if (!stmt)
    return FALSE;
  va_start (ap, n);
  for (int i = 1; i <= n; i++)
    sh_sqlite_bind_id_or_null (stmt, i, va_arg (ap, gint64));
  va_end (ap);
  return sh_sqlite_step_done (store, stmt, purpose, error);
}

static gboolean
log_state (ShStore *store, gint64 visit_id, ShVisitState state, gint64 account_id, const char *note,
           gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = sh_sqlite_prepare (store,
                           "INSERT INTO member_visit_log (visit_id, state, account_id, note, at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)",
                           "记录流动党员活动", error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, visit_id);
  sqlite3_bind_text (stmt, 2, state_strings[state], -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, account_id);
  sh_sqlite_bind_text_or_null (stmt, 4, note);
  sqlite3_bind_int64 (stmt, 5, at);
  return sh_sqlite_step_done (store, stmt, "记录流动党员活动", error);
}

/* Runs @func inside a savepoint so that a visit, the member row and the log
 * change together, also inside a caller's transaction (the demo). */
typedef gboolean (*VisitStep) (ShStore *store, gpointer data, GError **error);

static gboolean
in_savepoint (ShStore *store, VisitStep func, gpointer data, GError **error)
{
  if (!exec_bound (store, "SAVEPOINT visit", "流动党员活动", error, 0))
    return FALSE;
  if (!func (store, data, error)) {
    exec_bound (store, "ROLLBACK TO visit", "流动党员活动", NULL, 0);
    exec_bound (store, "RELEASE visit", "流动党员活动", NULL, 0);
    return FALSE;
  }
  return exec_bound (store, "RELEASE visit", "流动党员活动", error, 0);
}

typedef struct {
  gint64 member_id;
  gint64 host_branch_id;
  const char *note;
  gint64 requested_by;
  gint64 id; /* out */
} RequestData;

static gboolean
request_step (ShStore *store, gpointer data, GError **error)
{
  RequestData *r = data;
  g_autoptr (ShMember) member = sh_member_get (store, r->member_id, error);
  g_autoptr (ShOrg) host = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 now = sh_store_now ();

  if (!member)
    return FALSE;
  if (!member->active)
    return fail (error, SH_MINUTES_ERROR_STATE, "该党员已转出，不能申请参加其他支部的组织生活");
  host = sh_org_get (store, r->host_branch_id, error);
  if (!host)
    return FALSE;
  if (host->kind != SH_ORG_BRANCH)
    return fail (error, SH_MINUTES_ERROR_INVALID, "流动党员只能参加党支部的组织生活");
  if (host->id == member->branch_id)
    return fail (error, SH_MINUTES_ERROR_INVALID, "参加活动的支部不能是组织关系所在支部");
  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO member_visits (member_id, home_branch_id, host_branch_id,"
                            " state, note, requested_by, requested_at)"
                            " VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
                            "申请参加其他支部的组织生活", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, member->id);
  sqlite3_bind_int64 (stmt, 2, member->branch_id);
  sqlite3_bind_int64 (stmt, 3, host->id);
  sh_sqlite_bind_text_or_null (stmt, 4, r->note);
  sh_sqlite_bind_id_or_null (stmt, 5, r->requested_by);
  sqlite3_bind_int64 (stmt, 6, now);
  if (!sh_sqlite_step_done (store, stmt, "申请参加其他支部的组织生活", &local_error)) {
    /* The only unique index: one open visit per member. */
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
      return fail (error, SH_MINUTES_ERROR_CONFLICT,
                   "该党员已有待接收或正在进行的流动党员活动，请先结束");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  r->id = sqlite3_last_insert_rowid (sh_sqlite_db (store));
  return log_state (store, r->id, SH_VISIT_PENDING, r->requested_by, r->note, now, error);
}

gint64
sh_visit_request (ShStore *store, gint64 member_id, gint64 host_branch_id, const char *note,
                  gint64 requested_by, GError **error)
{
  RequestData r = { member_id, host_branch_id, blank_to_null (note), requested_by, 0 };

  g_return_val_if_fail (store != NULL, 0);
  if (!check_note (r.note, error))
    return 0;
  if (!in_savepoint (store, request_step, &r, error))
    return 0;
  return r.id;
}

ShVisit *
sh_visit_get (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  stmt = sh_sqlite_prepare (store, "SELECT " VISIT_COLUMNS " FROM member_visits WHERE id = ?1",
                            "读取流动党员活动", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return visit_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NOT_FOUND,
                         "未找到该流动党员活动申请");
  else
    sh_sqlite_set_error (store, "读取流动党员活动", error);
  return NULL;
}

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

typedef struct {
  gint64 visit_id;
  gint64 actor;
  const char *note;
  ShVisitState to;
} DecideData;

static gboolean
decide_step (ShStore *store, gpointer data, GError **error)
{
  DecideData *d = data;
  g_autoptr (ShVisit) v = sh_visit_get (store, d->visit_id, error);
  g_autoptr (ShMember) member = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 now = sh_store_now ();

  if (!v)
    return FALSE;
  if (v->state != SH_VISIT_PENDING)
    return fail (error, SH_MINUTES_ERROR_STATE, "该申请已处理，不能重复审批");
  /* Four eyes: whoever asked, and the member concerned, never decide. */
  if (d->actor
      && (d->actor == v->requested_by || member_of_account (store, d->actor) == v->member_id))
    return fail (error, SH_MINUTES_ERROR_INVALID, "不能审批本人提出或与本人有关的申请");
  member = sh_member_get (store, v->member_id, error);
  if (!member)
    return FALSE;
  if (d->to == SH_VISIT_ACCEPTED && (!member->active || member->branch_id != v->home_branch_id))
    return fail (error, SH_MINUTES_ERROR_STATE, "该党员的组织关系已变动，申请已失效");
  stmt = sh_sqlite_prepare (store,
                            "UPDATE member_visits SET state = ?2, decided_by = ?3, decided_at = ?4,"
                            " decision_note = ?5 WHERE id = ?1 AND state = 'pending'",
                            "审批流动党员活动", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, v->id);
  sqlite3_bind_text (stmt, 2, state_strings[d->to], -1, SQLITE_STATIC);
  sh_sqlite_bind_id_or_null (stmt, 3, d->actor);
  sqlite3_bind_int64 (stmt, 4, now);
  sh_sqlite_bind_text_or_null (stmt, 5, d->note);
  if (!sh_sqlite_step_done (store, stmt, "审批流动党员活动", error))
    return FALSE;
  if (d->to == SH_VISIT_ACCEPTED
      && !exec_bound (store,
                      "UPDATE members SET migrant = 1, current_branch_id = ?2, updated_at = ?3"
                      " WHERE id = ?1",
                      "审批流动党员活动", error, 3, v->member_id, v->host_branch_id, now))
    return FALSE;
  return log_state (store, v->id, d->to, d->actor, d->note, now, error);
}

gboolean
sh_visit_accept (ShStore *store, gint64 visit_id, gint64 decided_by, GError **error)
{
  DecideData d = { visit_id, decided_by, NULL, SH_VISIT_ACCEPTED };

  g_return_val_if_fail (store != NULL, FALSE);
  return in_savepoint (store, decide_step, &d, error);
}

gboolean
sh_visit_refuse (ShStore *store, gint64 visit_id, gint64 decided_by, const char *reason,
                 GError **error)
{
  DecideData d = { visit_id, decided_by, blank_to_null (reason), SH_VISIT_REFUSED };

  g_return_val_if_fail (store != NULL, FALSE);
  return check_note (d.note, error) && in_savepoint (store, decide_step, &d, error);
}

static gboolean
end_step (ShStore *store, gpointer data, GError **error)
{
  DecideData *d = data;
  g_autoptr (ShVisit) v = sh_visit_get (store, d->visit_id, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 now = sh_store_now ();

  if (!v)
    return FALSE;
  if (v->state != SH_VISIT_PENDING && v->state != SH_VISIT_ACCEPTED)
    return fail (error, SH_MINUTES_ERROR_STATE, "该申请已拒绝或已结束");
  stmt
      = sh_sqlite_prepare (store,
                           "UPDATE member_visits SET state = 'ended', ended_by = ?2, ended_at = ?3,"
                           " end_note = ?4 WHERE id = ?1 AND state IN ('pending','accepted')",
                           "结束流动党员活动", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, v->id);
  sh_sqlite_bind_id_or_null (stmt, 2, d->actor);
  sqlite3_bind_int64 (stmt, 3, now);
  sh_sqlite_bind_text_or_null (stmt, 4, d->note);
  if (!sh_sqlite_step_done (store, stmt, "结束流动党员活动", error))
    return FALSE;
  if (v->state == SH_VISIT_ACCEPTED
      && !exec_bound (store,
                      "UPDATE members SET current_branch_id = NULL, updated_at = ?3"
                      " WHERE id = ?1 AND current_branch_id = ?2",
                      "结束流动党员活动", error, 3, v->member_id, v->host_branch_id, now))
    return FALSE;
  return log_state (store, v->id, SH_VISIT_ENDED, d->actor, d->note, now, error);
}

gboolean
sh_visit_end (ShStore *store, gint64 visit_id, gint64 ended_by, const char *reason, GError **error)
{
  DecideData d = { visit_id, ended_by, blank_to_null (reason), SH_VISIT_ENDED };

  g_return_val_if_fail (store != NULL, FALSE);
  return check_note (d.note, error) && in_savepoint (store, end_step, &d, error);
}

static GPtrArray *
list_visits (ShStore *store, const char *sql, gint64 id, guint limit, GError **error)
{
  g_autoptr (GPtrArray) visits = NULL;
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (store, sql, "列出流动党员活动", error);
  int rc;

  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64) limit : -1);
  visits = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_visit_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShVisit *v = visit_from_row (stmt, error);

    if (!v)
      return NULL;
    g_ptr_array_add (visits, v);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出流动党员活动", error);
    return NULL;
  }
  return g_steal_pointer (&visits);
}

GPtrArray *
sh_visit_list_for_branch (ShStore *store, gint64 branch_id, gboolean incoming, guint limit,
                          GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return list_visits (store,
                      incoming ? "SELECT " VISIT_COLUMNS " FROM member_visits"
                                 " WHERE host_branch_id = ?1 ORDER BY id DESC LIMIT ?2"
                               : "SELECT " VISIT_COLUMNS " FROM member_visits"
                                 " WHERE home_branch_id = ?1 ORDER BY id DESC LIMIT ?2",
                      branch_id, limit, error);
}

GPtrArray *
sh_visit_list_for_member (ShStore *store, gint64 member_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return list_visits (store,
                      "SELECT " VISIT_COLUMNS " FROM member_visits"
                      " WHERE member_id = ?1 ORDER BY id DESC LIMIT ?2",
                      member_id, 0, error);
}
