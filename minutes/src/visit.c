/* Migrant visits (流动党员参加其他支部的组织生活): requested by the home
 * side, accepted or refused by the receiving branch, ended by either side.
 * Only an accepted visit sets members.current_branch_id, the column that
 * roles, meeting lists and joining read; triggers (migration 4) keep it so.
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-private.h"
#include "store-visit.h"

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

/* A note is optional, but when given it is one readable paragraph. */
static gboolean
check_note (const char *note, GError **error)
{
  if (!note)
    return TRUE;
  if (!g_utf8_validate (note, -1, NULL))
    return sh_minutes_invalid (error, "说明包含无效字符");
  if (g_utf8_strlen (note, -1) > VISIT_NOTE_MAX_CHARS)
    return sh_minutes_invalid (error, "说明不能超过500个字");
  return TRUE;
}

static const char *
blank_to_null (const char *s)
{
  return s && *s ? s : NULL;
}

/* Each change runs as one unit of work, so that a visit, the member row
 * and the log change together, also inside a caller's transaction (the
 * demo). */

typedef struct {
  gint64 member_id;
  gint64 host_branch_id;
  const char *note;
  gint64 requested_by;
  gint64 id; /* out */
} RequestData;

static gboolean
request_txn (ShStore *store, gpointer data, GError **error)
{
  const ShVisitStoreOps *ops = sh_store_ops (store, visit);
  RequestData *r = data;
  g_autoptr (ShMember) member = sh_member_get (store, r->member_id, error);
  g_autoptr (ShOrg) host = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 now = sh_store_now ();

  if (!member)
    return FALSE;
  if (!member->active)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                            "该党员已转出，不能申请参加其他支部的组织生活");
  host = sh_org_get (store, r->host_branch_id, error);
  if (!host)
    return FALSE;
  if (host->kind != SH_ORG_BRANCH)
    return sh_minutes_invalid (error, "流动党员只能参加党支部的组织生活");
  if (host->id == member->branch_id)
    return sh_minutes_invalid (error, "参加活动的支部不能是组织关系所在支部");
  r->id = ops->insert (store, member->id, member->branch_id, host->id, r->note, r->requested_by,
                       now, &local_error);
  if (!r->id) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT,
                              "该党员已有待接收或正在进行的流动党员活动，请先结束");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return ops->log (store, r->id, SH_VISIT_PENDING, r->requested_by, r->note, now, error);
}

gint64
sh_visit_request (ShStore *store, gint64 member_id, gint64 host_branch_id, const char *note,
                  gint64 requested_by, GError **error)
{
  RequestData r = { member_id, host_branch_id, blank_to_null (note), requested_by, 0 };

  g_return_val_if_fail (store != NULL, 0);
  if (!check_note (r.note, error))
    return 0;
  if (!sh_store_transaction (store, request_txn, &r, error))
    return 0;
  return r.id;
}

ShVisit *
sh_visit_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, visit)->get (store, id, error);
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
decide_txn (ShStore *store, gpointer data, GError **error)
{
  const ShVisitStoreOps *ops = sh_store_ops (store, visit);
  DecideData *d = data;
  g_autoptr (ShVisit) v = sh_visit_get (store, d->visit_id, error);
  g_autoptr (ShMember) member = NULL;
  gint64 now = sh_store_now ();

  if (!v)
    return FALSE;
  if (v->state != SH_VISIT_PENDING)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该申请已处理，不能重复审批");
  /* Four eyes: whoever asked, and the member concerned, never decide. */
  if (d->actor
      && (d->actor == v->requested_by || member_of_account (store, d->actor) == v->member_id))
    return sh_minutes_invalid (error, "不能审批本人提出或与本人有关的申请");
  member = sh_member_get (store, v->member_id, error);
  if (!member)
    return FALSE;
  if (d->to == SH_VISIT_ACCEPTED && (!member->active || member->branch_id != v->home_branch_id))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该党员的组织关系已变动，申请已失效");
  if (!ops->decide (store, v->id, d->to, d->actor, now, d->note, error))
    return FALSE;
  /* Only an accepted visit gives the member a current branch. */
  if (d->to == SH_VISIT_ACCEPTED
      && !ops->set_member_host (store, v->member_id, v->host_branch_id, now, error))
    return FALSE;
  return ops->log (store, v->id, d->to, d->actor, d->note, now, error);
}

gboolean
sh_visit_accept (ShStore *store, gint64 visit_id, gint64 decided_by, GError **error)
{
  DecideData d = { visit_id, decided_by, NULL, SH_VISIT_ACCEPTED };

  g_return_val_if_fail (store != NULL, FALSE);
  return sh_store_transaction (store, decide_txn, &d, error);
}

gboolean
sh_visit_refuse (ShStore *store, gint64 visit_id, gint64 decided_by, const char *reason,
                 GError **error)
{
  DecideData d = { visit_id, decided_by, blank_to_null (reason), SH_VISIT_REFUSED };

  g_return_val_if_fail (store != NULL, FALSE);
  return check_note (d.note, error) && sh_store_transaction (store, decide_txn, &d, error);
}

static gboolean
end_txn (ShStore *store, gpointer data, GError **error)
{
  const ShVisitStoreOps *ops = sh_store_ops (store, visit);
  DecideData *d = data;
  g_autoptr (ShVisit) v = sh_visit_get (store, d->visit_id, error);
  gint64 now = sh_store_now ();

  if (!v)
    return FALSE;
  if (v->state != SH_VISIT_PENDING && v->state != SH_VISIT_ACCEPTED)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该申请已拒绝或已结束");
  if (!ops->end (store, v->id, d->actor, now, d->note, error))
    return FALSE;
  if (v->state == SH_VISIT_ACCEPTED
      && !ops->clear_member_host (store, v->member_id, v->host_branch_id, now, error))
    return FALSE;
  return ops->log (store, v->id, SH_VISIT_ENDED, d->actor, d->note, now, error);
}

gboolean
sh_visit_end (ShStore *store, gint64 visit_id, gint64 ended_by, const char *reason, GError **error)
{
  DecideData d = { visit_id, ended_by, blank_to_null (reason), SH_VISIT_ENDED };

  g_return_val_if_fail (store != NULL, FALSE);
  return check_note (d.note, error) && sh_store_transaction (store, end_txn, &d, error);
}

GPtrArray *
sh_visit_list_for_branch (ShStore *store, gint64 branch_id, gboolean incoming, guint limit,
                          GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, visit)->list_for_branch (store, branch_id, incoming, limit, error);
}

GPtrArray *
sh_visit_list_for_member (ShStore *store, gint64 member_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_store_ops (store, visit)->list_for_member (store, member_id, error);
}
