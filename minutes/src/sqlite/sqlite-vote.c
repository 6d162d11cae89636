/* The SQLite backend, vote area: motions, org_vote_settings,
 * meeting_vote_approvals, written_opinions, votes, vote_voters and
 * vote_receipts (migration 8). A secret vote's voters and receipts are
 * written by finish_vote only, in the sorted order its caller gives, into
 * WITHOUT ROWID tables: no insertion order, no id and no time of their own
 * are kept (docs/votes.md). SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-vote.h"

#define MOTION_COLUMNS                                                                             \
  "id, meeting_id, kind, title, candidate, candidate_member_id, secret, ad_hoc, created_by,"       \
  " created_at, withdrawn_by, withdrawn_at"

#define VOTE_COLUMNS                                                                               \
  "id, meeting_id, motion_id, secret, state, expected_voting, present_at_start, quorum,"           \
  " ballots_for, ballots_against, ballots_abstain, opinions_for, opinions_against,"                \
  " opinions_abstain, passed, void_reason, opened_by, opened_at, closed_at"

static ShMotion *
motion_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShMotion) m = g_new0 (ShMotion, 1);

  m->id = sqlite3_column_int64 (stmt, 0);
  m->meeting_id = sqlite3_column_int64 (stmt, 1);
  if (!sh_motion_kind_from_string ((const char *) sqlite3_column_text (stmt, 2), &m->kind)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "motion %" G_GINT64_FORMAT " has an unknown kind", m->id);
    return NULL;
  }
  m->title = sh_sqlite_column_text (stmt, 3);
  m->candidate = sh_sqlite_column_text (stmt, 4);
  m->candidate_member_id = sqlite3_column_int64 (stmt, 5);
  m->secret = sqlite3_column_int (stmt, 6) != 0;
  m->ad_hoc = sqlite3_column_int (stmt, 7) != 0;
  m->created_by = sqlite3_column_int64 (stmt, 8);
  m->created_at = sqlite3_column_int64 (stmt, 9);
  m->withdrawn_by = sqlite3_column_int64 (stmt, 10);
  m->withdrawn_at = sqlite3_column_int64 (stmt, 11);
  return g_steal_pointer (&m);
}

static gint64
insert_motion (ShStore *store, const ShMotion *m, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO motions (meeting_id, kind, title, candidate,"
                            " candidate_member_id, secret, ad_hoc, created_by, created_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                            "提交表决事项", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, m->meeting_id);
  sqlite3_bind_text (stmt, 2, sh_motion_kind_to_string (m->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, m->title, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_text_or_null (stmt, 4, m->candidate);
  sh_sqlite_bind_id_or_null (stmt, 5, m->candidate_member_id);
  sqlite3_bind_int (stmt, 6, m->secret ? 1 : 0);
  sqlite3_bind_int (stmt, 7, m->ad_hoc ? 1 : 0);
  sh_sqlite_bind_id_or_null (stmt, 8, m->created_by);
  sqlite3_bind_int64 (stmt, 9, m->created_at);
  if (!sh_sqlite_step_done (store, stmt, "提交表决事项", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static ShMotion *
get_motion (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " MOTION_COLUMNS " FROM motions WHERE id = ?1",
                            "读取表决事项", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return motion_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该表决事项");
  else
    sh_sqlite_set_error (store, "读取表决事项", error);
  return NULL;
}

static GPtrArray *
list_motions (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_motion_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " MOTION_COLUMNS " FROM motions WHERE meeting_id = ?1"
                            " ORDER BY id",
                            "列出表决事项", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShMotion *m = motion_from_row (stmt, error);

    if (!m)
      return NULL;
    g_ptr_array_add (list, m);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出表决事项", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

static gboolean
withdraw_motion (ShStore *store, gint64 id, gint64 by, gint64 at, gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE motions SET withdrawn_by = ?2, withdrawn_at = ?3"
                            " WHERE id = ?1 AND withdrawn_at IS NULL",
                            "撤回表决事项", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sh_sqlite_bind_id_or_null (stmt, 2, by);
  sqlite3_bind_int64 (stmt, 3, at);
  if (!sh_sqlite_step_done (store, stmt, "撤回表决事项", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  return TRUE;
}

static gboolean
get_settings (ShStore *store, gint64 org_id, gboolean *found, ShVoteSettings *out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT approval_required, election_share_percent"
                            " FROM org_vote_settings WHERE org_id = ?1",
                            "读取表决设置", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  rc = sqlite3_step (stmt);
  *found = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    out->approval_required = sqlite3_column_int (stmt, 0) != 0;
    out->election_share_percent = (guint) sqlite3_column_int (stmt, 1);
    return TRUE;
  }
  if (rc == SQLITE_DONE)
    return TRUE;
  sh_sqlite_set_error (store, "读取表决设置", error);
  return FALSE;
}

static gboolean
set_settings (ShStore *store, gint64 org_id, const ShVoteSettings *s, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO org_vote_settings (org_id, approval_required,"
                            " election_share_percent) VALUES (?1, ?2, ?3)"
                            " ON CONFLICT (org_id) DO UPDATE SET"
                            " approval_required = excluded.approval_required,"
                            " election_share_percent = excluded.election_share_percent",
                            "保存表决设置", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int (stmt, 2, s->approval_required ? 1 : 0);
  sqlite3_bind_int (stmt, 3, (int) s->election_share_percent);
  return sh_sqlite_step_done (store, stmt, "保存表决设置", error);
}

static gboolean
insert_approval (ShStore *store, gint64 meeting_id, const char *approval, gint64 recorded_by,
                 gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO meeting_vote_approvals (meeting_id, approval,"
                            " recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                            "记录上级党组织同意", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_text (stmt, 2, approval, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 3, recorded_by);
  sqlite3_bind_int64 (stmt, 4, at);
  return sh_sqlite_step_done (store, stmt, "记录上级党组织同意", error);
}

static ShVoteApproval *
get_approval (ShStore *store, gint64 meeting_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  ShVoteApproval *a;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT approval, recorded_by, recorded_at FROM meeting_vote_approvals"
                            " WHERE meeting_id = ?1",
                            "读取上级党组织同意", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取上级党组织同意", error);
    return NULL;
  }
  a = g_new0 (ShVoteApproval, 1);
  a->meeting_id = meeting_id;
  a->approval = sh_sqlite_column_text (stmt, 0);
  a->recorded_by = sqlite3_column_int64 (stmt, 1);
  a->recorded_at = sqlite3_column_int64 (stmt, 2);
  return a;
}

static gint64
insert_opinion (ShStore *store, gint64 motion_id, gint64 member_id, ShVoteChoice choice,
                const char *text, gint64 submitted_by, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO written_opinions (motion_id, member_id, choice, text,"
                            " submitted_by, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                            "提交书面意见", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, motion_id);
  sqlite3_bind_int64 (stmt, 2, member_id);
  sqlite3_bind_text (stmt, 3, sh_vote_choice_to_string (choice), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  sh_sqlite_bind_id_or_null (stmt, 5, submitted_by);
  sqlite3_bind_int64 (stmt, 6, at);
  if (!sh_sqlite_step_done (store, stmt, "提交书面意见", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static GPtrArray *
list_opinions (ShStore *store, gint64 motion_id, GError **error)
{
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_written_opinion_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt
      = sh_sqlite_prepare (store,
                           "SELECT id, motion_id, member_id, choice, text, submitted_at,"
                           " voided_by_vote FROM written_opinions WHERE motion_id = ?1 ORDER BY id",
                           "列出书面意见", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, motion_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    g_autoptr (ShWrittenOpinion) o = g_new0 (ShWrittenOpinion, 1);

    o->id = sqlite3_column_int64 (stmt, 0);
    o->motion_id = sqlite3_column_int64 (stmt, 1);
    o->member_id = sqlite3_column_int64 (stmt, 2);
    if (!sh_vote_choice_from_string ((const char *) sqlite3_column_text (stmt, 3), &o->choice)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                   "written opinion %" G_GINT64_FORMAT " has an unknown choice", o->id);
      return NULL;
    }
    o->text = sh_sqlite_column_text (stmt, 4);
    o->submitted_at = sqlite3_column_int64 (stmt, 5);
    o->voided_by_vote = sqlite3_column_int64 (stmt, 6);
    g_ptr_array_add (list, g_steal_pointer (&o));
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出书面意见", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

static gboolean
void_opinion (ShStore *store, gint64 opinion_id, gint64 vote_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE written_opinions SET voided_by_vote = ?2 WHERE id = ?1"
                            " AND voided_by_vote IS NULL",
                            "作废书面意见", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, opinion_id);
  sqlite3_bind_int64 (stmt, 2, vote_id);
  return sh_sqlite_step_done (store, stmt, "作废书面意见", error);
}

static ShVote *
vote_from_row (sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (ShVote) v = g_new0 (ShVote, 1);

  v->id = sqlite3_column_int64 (stmt, 0);
  v->meeting_id = sqlite3_column_int64 (stmt, 1);
  v->motion_id = sqlite3_column_int64 (stmt, 2);
  v->secret = sqlite3_column_int (stmt, 3) != 0;
  if (!sh_vote_state_from_string ((const char *) sqlite3_column_text (stmt, 4), &v->state)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "vote %" G_GINT64_FORMAT " has an unknown state", v->id);
    return NULL;
  }
  v->expected_voting = (guint) sqlite3_column_int (stmt, 5);
  v->present_at_start = (guint) sqlite3_column_int (stmt, 6);
  v->quorum = (guint) sqlite3_column_int (stmt, 7);
  for (guint i = 0; i < SH_VOTE_CHOICE_COUNT; i++) {
    v->ballots[i] = (guint) sqlite3_column_int (stmt, 8 + (int) i);
    v->opinions[i] = (guint) sqlite3_column_int (stmt, 11 + (int) i);
  }
  v->passed = sqlite3_column_int (stmt, 14) != 0;
  v->void_reason = sh_sqlite_column_text (stmt, 15);
  v->opened_by = sqlite3_column_int64 (stmt, 16);
  v->opened_at = sqlite3_column_int64 (stmt, 17);
  v->closed_at = sqlite3_column_int64 (stmt, 18);
  return g_steal_pointer (&v);
}

static gint64
insert_vote (ShStore *store, const ShVote *v, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO votes (meeting_id, motion_id, secret, state,"
                            " expected_voting, present_at_start, quorum, opened_by, opened_at)"
                            " VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8)",
                            "开始表决", error);
  if (!stmt)
    return 0;
  sqlite3_bind_int64 (stmt, 1, v->meeting_id);
  sqlite3_bind_int64 (stmt, 2, v->motion_id);
  sqlite3_bind_int (stmt, 3, v->secret ? 1 : 0);
  sqlite3_bind_int (stmt, 4, (int) v->expected_voting);
  sqlite3_bind_int (stmt, 5, (int) v->present_at_start);
  sqlite3_bind_int (stmt, 6, (int) v->quorum);
  sh_sqlite_bind_id_or_null (stmt, 7, v->opened_by);
  sqlite3_bind_int64 (stmt, 8, v->opened_at);
  if (!sh_sqlite_step_done (store, stmt, "开始表决", error))
    return 0;
  return sqlite3_last_insert_rowid (sh_sqlite_db (store));
}

static ShVote *
get_vote (ShStore *store, gint64 id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store, "SELECT " VOTE_COLUMNS " FROM votes WHERE id = ?1", "读取表决",
                            error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return vote_from_row (stmt, error);
  if (rc == SQLITE_DONE)
    sh_minutes_fail (error, SH_MINUTES_ERROR_NOT_FOUND, "未找到该表决");
  else
    sh_sqlite_set_error (store, "读取表决", error);
  return NULL;
}

static GPtrArray *
list_votes (ShStore *store, gint64 meeting_id, gboolean only_open, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_vote_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT " VOTE_COLUMNS " FROM votes WHERE (?1 = 0 OR meeting_id = ?1)"
                            " AND (?2 = 0 OR state = 'open') ORDER BY id",
                            "列出表决", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, meeting_id);
  sqlite3_bind_int (stmt, 2, only_open ? 1 : 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShVote *v = vote_from_row (stmt, error);

    if (!v)
      return NULL;
    g_ptr_array_add (list, v);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出表决", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

static gboolean
finish_vote (ShStore *store, const ShVote *v, GArray *voters, GPtrArray *receipt_hashes,
             gboolean *found, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) voter = NULL;
  g_autoptr (sqlite3_stmt) receipt = NULL;

  stmt = sh_sqlite_prepare (store,
                            "UPDATE votes SET state = ?2, ballots_for = ?3, ballots_against = ?4,"
                            " ballots_abstain = ?5, opinions_for = ?6, opinions_against = ?7,"
                            " opinions_abstain = ?8, passed = ?9, void_reason = ?10,"
                            " closed_at = ?11 WHERE id = ?1 AND state = 'open'",
                            "结束表决", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, v->id);
  sqlite3_bind_text (stmt, 2, sh_vote_state_to_string (v->state), -1, SQLITE_STATIC);
  for (int i = 0; i < SH_VOTE_CHOICE_COUNT; i++) {
    sqlite3_bind_int (stmt, 3 + i, (int) v->ballots[i]);
    sqlite3_bind_int (stmt, 6 + i, (int) v->opinions[i]);
  }
  sqlite3_bind_int (stmt, 9, v->passed ? 1 : 0);
  sh_sqlite_bind_text_or_null (stmt, 10, v->void_reason);
  sqlite3_bind_int64 (stmt, 11, v->closed_at);
  if (!sh_sqlite_step_done (store, stmt, "结束表决", error))
    return FALSE;
  *found = sqlite3_changes (sh_sqlite_db (store)) > 0;
  if (!*found)
    return TRUE;
  voter = sh_sqlite_prepare (store,
                             "INSERT INTO vote_voters (vote_id, member_id, choice)"
                             " VALUES (?1, ?2, ?3)",
                             "记录投票人", error);
  if (!voter)
    return FALSE;
  for (guint i = 0; voters && i < voters->len; i++) {
    const ShVoteVoter *x = &g_array_index (voters, ShVoteVoter, i);

    sqlite3_reset (voter);
    sqlite3_bind_int64 (voter, 1, v->id);
    sqlite3_bind_int64 (voter, 2, x->member_id);
    if (x->choice >= 0)
      sqlite3_bind_text (voter, 3, sh_vote_choice_to_string ((ShVoteChoice) x->choice), -1,
                         SQLITE_STATIC);
    else
      sqlite3_bind_null (voter, 3);
    if (!sh_sqlite_step_done (store, voter, "记录投票人", error))
      return FALSE;
  }
  receipt = sh_sqlite_prepare (store,
                               "INSERT INTO vote_receipts (vote_id, receipt_hash) VALUES (?1, ?2)",
                               "记录选票回执", error);
  if (!receipt)
    return FALSE;
  for (guint i = 0; receipt_hashes && i < receipt_hashes->len; i++) {
    sqlite3_reset (receipt);
    sqlite3_bind_int64 (receipt, 1, v->id);
    sqlite3_bind_text (receipt, 2, g_ptr_array_index (receipt_hashes, i), -1, SQLITE_STATIC);
    if (!sh_sqlite_step_done (store, receipt, "记录选票回执", error))
      return FALSE;
  }
  return TRUE;
}

static GArray *
list_voters (ShStore *store, gint64 vote_id, GError **error)
{
  g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (ShVoteVoter));
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT member_id, choice FROM vote_voters WHERE vote_id = ?1"
                            " ORDER BY member_id",
                            "列出投票人", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, vote_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
    ShVoteVoter x = { sqlite3_column_int64 (stmt, 0), -1 };
    ShVoteChoice c;

    if (sqlite3_column_type (stmt, 1) != SQLITE_NULL
        && sh_vote_choice_from_string ((const char *) sqlite3_column_text (stmt, 1), &c))
      x.choice = (gint) c;
    g_array_append_val (list, x);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出投票人", error);
    return NULL;
  }
  return g_steal_pointer (&list);
}

static GStrv
list_receipts (ShStore *store, gint64 vote_id, GError **error)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT receipt_hash FROM vote_receipts WHERE vote_id = ?1"
                            " ORDER BY receipt_hash",
                            "列出选票回执", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, vote_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (b, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "列出选票回执", error);
    return NULL;
  }
  return g_strv_builder_end (b);
}

const ShVoteStoreOps sh_sqlite_vote_ops = {
  .insert_motion = insert_motion,
  .get_motion = get_motion,
  .list_motions = list_motions,
  .withdraw_motion = withdraw_motion,
  .get_settings = get_settings,
  .set_settings = set_settings,
  .insert_approval = insert_approval,
  .get_approval = get_approval,
  .insert_opinion = insert_opinion,
  .list_opinions = list_opinions,
  .void_opinion = void_opinion,
  .insert_vote = insert_vote,
  .get_vote = get_vote,
  .list_votes = list_votes,
  .finish_vote = finish_vote,
  .list_voters = list_voters,
  .list_receipts = list_receipts,
};
