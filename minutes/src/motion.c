/* Motions (议题/表决事项) on a meeting: announced by the secretary or the
 * chair before it starts, withdrawn before it starts, or raised ad hoc by
 * the chair in the meeting (ordinary only); the organization's vote
 * settings and the approval of the higher organization recorded on a
 * meeting. Who may do it is the caller's business (REST authz).
 * SPDX-License-Identifier: Apache-2.0 */
#include "store-attendance.h"
#include "store-vote.h"
#include "vote-private.h"

#include <string.h>

#define APPROVAL_MAX_CHARS 500

static const char *const kind_strings[] = { "ordinary", "admission", "conversion", "election" };
static const char *const kind_labels[] = { "一般事项", "发展党员", "预备党员转正", "选举" };

const char *
sh_motion_kind_to_string (ShMotionKind k)
{
  g_return_val_if_fail ((guint) k < G_N_ELEMENTS (kind_strings), NULL);
  return kind_strings[k];
}

const char *
sh_motion_kind_label (ShMotionKind k)
{
  g_return_val_if_fail ((guint) k < G_N_ELEMENTS (kind_labels), NULL);
  return kind_labels[k];
}

gboolean
sh_motion_kind_from_string (const char *s, ShMotionKind *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (kind_strings); i++) {
    if (strcmp (s, kind_strings[i]) == 0) {
      *out = (ShMotionKind) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_motion_free (ShMotion *motion)
{
  if (!motion)
    return;
  g_free (motion->title);
  g_free (motion->candidate);
  g_free (motion);
}

void
sh_vote_approval_free (ShVoteApproval *approval)
{
  if (!approval)
    return;
  g_free (approval->approval);
  g_free (approval);
}

gboolean
sh_vote_have_backend (ShStore *store, GError **error)
{
  if (store->backend->vote && store->backend->attendance)
    return TRUE;
  return sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录表决");
}

gboolean
sh_vote_meeting (ShStore *store, gint64 meeting_id, ShVoteMeeting *out, GError **error)
{
  gint64 planned_start;
  gboolean found = FALSE;

  if (!sh_store_ops (store, attendance)
           ->meeting_basis (store, meeting_id, &found, &out->type, &out->org_id, &planned_start,
                            &out->state, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "会议不存在");
}

gboolean
sh_vote_meeting_not_started (ShMeetingState state)
{
  return state == SH_MEETING_SCHEDULED || state == SH_MEETING_OPEN;
}

ShMotion *
sh_vote_motion (ShStore *store, gint64 id, GError **error)
{
  return sh_store_ops (store, vote)->get_motion (store, id, error);
}

typedef struct {
  ShMotion *motion; /* borrowed; id out */
  gboolean in_meeting;
} CreateData;

/* The conversion's candidate: a probationary member of the branch whose
 * meeting it is. Sets the candidate's name from the record. */
static gboolean
check_conversion_candidate (ShStore *store, const ShVoteMeeting *mt, ShMotion *m, GError **error)
{
  g_autoptr (ShOrg) org = sh_org_get (store, mt->org_id, error);
  g_autoptr (ShMember) member = NULL;
  g_autoptr (GError) local_error = NULL;

  if (!org)
    return FALSE;
  member = sh_member_get (store, m->candidate_member_id, &local_error);
  if (!member)
    return sh_minutes_invalid (error, "转正对象不是本支部党员");
  if (!member->active
      || member->branch_id != (org->kind == SH_ORG_GROUP ? org->parent_id : org->id))
    return sh_minutes_invalid (error, "转正对象不是本支部党员");
  if (member->status != SH_MEMBER_PROBATIONARY)
    return sh_minutes_invalid (error, "转正对象须为预备党员");
  g_free (m->candidate);
  m->candidate = g_strdup (member->name);
  return TRUE;
}

static gboolean
create_txn (ShStore *store, gpointer user_data, GError **error)
{
  CreateData *d = user_data;
  ShMotion *m = d->motion;
  ShVoteMeeting mt;

  if (!sh_vote_meeting (store, m->meeting_id, &mt, error))
    return FALSE;
  if (!sh_rules_meeting_takes_votes (mt.type))
    return sh_minutes_invalid (error, "只有支部党员大会和支部委员会会议可以表决");
  if (d->in_meeting) {
    if (mt.state != SH_MEETING_IN_PROGRESS)
      return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                              "会议未在进行中，不能临时提出表决事项");
  } else if (!sh_vote_meeting_not_started (mt.state)) {
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                            "会议已开始或已结束，不能再提交表决事项");
  }
  if (m->kind == SH_MOTION_CONVERSION && !check_conversion_candidate (store, &mt, m, error))
    return FALSE;
  m->id = sh_store_ops (store, vote)->insert_motion (store, m, error);
  return m->id != 0;
}

static gint64
create (ShStore *store, ShMotion *m, gboolean in_meeting, GError **error)
{
  CreateData d = { m, in_meeting };

  if (!sh_vote_have_backend (store, error)
      || !sh_text_validate (m->title, "表决事项", SH_MOTION_TITLE_MAX_CHARS, SH_TEXT_LINE, error))
    return 0;
  g_strstrip (m->title);
  if (m->kind != SH_MOTION_ORDINARY)
    m->secret = TRUE; /* 细则: admission, conversion, elections by secret ballot */
  if (m->kind == SH_MOTION_ADMISSION) {
    if (!sh_text_validate (m->candidate, "发展对象", 50, SH_TEXT_LINE, error))
      return 0;
    g_strstrip (m->candidate);
  } else {
    g_clear_pointer (&m->candidate, g_free);
  }
  if (m->kind == SH_MOTION_CONVERSION && !m->candidate_member_id) {
    sh_minutes_invalid (error, "请指定转正对象（一次一人）");
    return 0;
  }
  if (m->kind != SH_MOTION_CONVERSION)
    m->candidate_member_id = 0;
  m->created_at = sh_store_now ();
  if (!sh_store_transaction (store, create_txn, &d, error))
    return 0;
  return m->id;
}

gint64
sh_motion_create (ShStore *store, gint64 meeting_id, ShMotionKind kind, const char *title,
                  const char *candidate, gint64 candidate_member_id, gboolean secret,
                  gint64 created_by, GError **error)
{
  ShMotion m = { 0 };
  gint64 id;

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_strings), 0);
  m.meeting_id = meeting_id;
  m.kind = kind;
  m.title = g_strdup (title);
  m.candidate = g_strdup (candidate);
  m.candidate_member_id = candidate_member_id;
  m.secret = secret;
  m.created_by = created_by;
  id = create (store, &m, FALSE, error);
  g_free (m.title);
  g_free (m.candidate);
  return id;
}

gint64
sh_motion_create_ad_hoc (ShStore *store, gint64 meeting_id, const char *title, gboolean secret,
                         gint64 created_by, GError **error)
{
  return sh_motion_create_in_meeting (store, meeting_id, SH_MOTION_ORDINARY, title, secret,
                                      created_by, error);
}

gint64
sh_motion_create_in_meeting (ShStore *store, gint64 meeting_id, ShMotionKind kind,
                             const char *title, gboolean secret, gint64 created_by, GError **error)
{
  ShMotion m = { 0 };
  gint64 id;

  g_return_val_if_fail (store != NULL, 0);
  g_return_val_if_fail (kind == SH_MOTION_ORDINARY || kind == SH_MOTION_ELECTION, 0);
  m.meeting_id = meeting_id;
  m.kind = kind;
  m.title = g_strdup (title);
  m.secret = secret;
  m.ad_hoc = TRUE;
  m.created_by = created_by;
  id = create (store, &m, TRUE, error);
  g_free (m.title);
  return id;
}

typedef struct {
  gint64 id;
  gint64 by;
} WithdrawData;

static gboolean
withdraw_txn (ShStore *store, gpointer user_data, GError **error)
{
  WithdrawData *d = user_data;
  g_autoptr (ShMotion) m = sh_vote_motion (store, d->id, error);
  ShVoteMeeting mt;
  gboolean found = FALSE;

  if (!m || !sh_vote_meeting (store, m->meeting_id, &mt, error))
    return FALSE;
  if (!sh_vote_meeting_not_started (mt.state))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已开始，不能再撤回表决事项");
  if (!sh_store_ops (store, vote)
           ->withdraw_motion (store, d->id, d->by, sh_store_now (), &found, error))
    return FALSE;
  return found || sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该表决事项已撤回");
}

gboolean
sh_motion_withdraw (ShStore *store, gint64 motion_id, gint64 withdrawn_by, GError **error)
{
  WithdrawData d = { motion_id, withdrawn_by };

  g_return_val_if_fail (store != NULL, FALSE);
  return sh_vote_have_backend (store, error)
         && sh_store_transaction (store, withdraw_txn, &d, error);
}

ShMotion *
sh_motion_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  return sh_vote_have_backend (store, error) ? sh_vote_motion (store, id, error) : NULL;
}

GPtrArray *
sh_motion_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->list_motions (store, meeting_id, error);
}

gboolean
sh_vote_settings_get (ShStore *store, gint64 org_id, ShVoteSettings *out, GError **error)
{
  gboolean found = FALSE;

  g_return_val_if_fail (store != NULL && out != NULL, FALSE);
  out->approval_required = TRUE;
  out->election_share_percent = SH_VOTE_ELECTION_SHARE_DEFAULT;
  if (!sh_vote_have_backend (store, error))
    return FALSE;
  return sh_store_ops (store, vote)->get_settings (store, org_id, &found, out, error);
}

gboolean
sh_vote_settings_set (ShStore *store, gint64 org_id, const ShVoteSettings *settings, GError **error)
{
  g_return_val_if_fail (store != NULL && settings != NULL, FALSE);
  if (settings->election_share_percent < 50 || settings->election_share_percent > 100)
    return sh_minutes_invalid (error, "选举到会比例须在 50% 到 100% 之间");
  return sh_vote_have_backend (store, error)
         && sh_store_ops (store, vote)->set_settings (store, org_id, settings, error);
}

gboolean
sh_vote_approval_record (ShStore *store, gint64 meeting_id, const char *approval,
                         gint64 recorded_by, GError **error)
{
  g_autofree char *trimmed = NULL;
  g_autoptr (GError) local_error = NULL;
  ShVoteMeeting mt;

  g_return_val_if_fail (store != NULL, FALSE);
  if (!sh_vote_have_backend (store, error)
      || !sh_text_validate (approval, "上级党组织同意情况", APPROVAL_MAX_CHARS, SH_TEXT_MULTILINE,
                            error)
      || !sh_vote_meeting (store, meeting_id, &mt, error))
    return FALSE;
  if (mt.state == SH_MEETING_ENDED || mt.state == SH_MEETING_ARCHIVED
      || mt.state == SH_MEETING_CANCELLED)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议已结束，不能再记录");
  trimmed = g_strstrip (g_strdup (approval));
  if (sh_store_ops (store, vote)
          ->insert_approval (store, meeting_id, trimmed, recorded_by, sh_store_now (),
                             &local_error))
    return TRUE;
  if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
    return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT, "本次会议已记录上级党组织同意");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

ShVoteApproval *
sh_vote_approval_get (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->get_approval (store, meeting_id, error);
}
