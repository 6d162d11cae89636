/* Votes on motions in a live meeting: opened by the chair with quorum,
 * counted from an in-memory ballot box when closed, or void. The rules are
 * DOMAIN.md's, through sh_rules_quorum(), sh_rules_election_quorum() and
 * sh_rules_motion_passes(); this file applies them to a motion and stores
 * the outcome. What is kept of a secret vote and why: docs/votes.md.
 * SPDX-License-Identifier: Apache-2.0 */
#include "election-private.h"
#include "store-vote.h"
#include "vote-box-private.h"
#include "vote-private.h"

static const char *const state_strings[] = { "open", "closed", "void" };

const char *
sh_vote_state_to_string (ShVoteState s)
{
  g_return_val_if_fail ((guint) s < G_N_ELEMENTS (state_strings), NULL);
  return state_strings[s];
}

gboolean
sh_vote_state_from_string (const char *s, ShVoteState *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; s && i < G_N_ELEMENTS (state_strings); i++) {
    if (strcmp (s, state_strings[i]) == 0) {
      *out = (ShVoteState) i;
      return TRUE;
    }
  }
  return FALSE;
}

void
sh_vote_free (ShVote *vote)
{
  if (!vote)
    return;
  g_free (vote->void_reason);
  g_free (vote);
}

guint
sh_vote_quorum (ShMeetingType type, ShMotionKind kind, guint expected_voting, guint share_percent)
{
  if (kind == SH_MOTION_ELECTION)
    return sh_rules_election_quorum (type, expected_voting, MIN (share_percent, 100));
  return sh_rules_quorum (type, expected_voting);
}

guint
sh_vote_check_start (ShMeetingType type, ShMotionKind kind, guint expected_voting,
                     guint present_voting, guint share_percent, gboolean approval_required,
                     gboolean approval_recorded, GError **error)
{
  guint quorum;

  if (!sh_rules_meeting_takes_votes (type)) {
    sh_minutes_invalid (error, "只有支部党员大会和支部委员会会议可以表决");
    return 0;
  }
  if (kind != SH_MOTION_ORDINARY && approval_required && !approval_recorded) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                     "网上进行发展党员、预备党员转正和选举，须先记录上级党组织的同意");
    return 0;
  }
  if (expected_voting == 0) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "本次会议没有应到的有表决权的党员");
    return 0;
  }
  quorum = sh_vote_quorum (type, kind, expected_voting, share_percent);
  if (present_voting < quorum) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE,
                 "到会有表决权的党员 %u 人，不足 %u 人，不能表决", present_voting, quorum);
    return 0;
  }
  return quorum;
}

/* Of @present_members, how many are expected voting members of @a. */
static guint
count_present (const ShAttendance *a, GArray *present_members)
{
  g_autoptr (GHashTable) voting = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < a->entries->len; i++) {
    ShAttendanceEntry *e = g_ptr_array_index (a->entries, i);

    if (e->role == SH_ATTENDANCE_EXPECTED && e->has_vote && e->member_id)
      g_hash_table_add (voting, &e->member_id);
  }
  for (guint i = 0; present_members && i < present_members->len; i++) {
    gint64 *id = &g_array_index (present_members, gint64, i);

    if (g_hash_table_contains (voting, id))
      g_hash_table_add (seen, id);
  }
  return g_hash_table_size (seen);
}

typedef struct {
  gint64 motion_id;
  GArray *present_members;
  gint64 opened_by;
  ShVote *vote; /* out */
} OpenData;

static gboolean
motion_decided (ShStore *store, const ShMotion *m, GError **error, gboolean *decided)
{
  g_autoptr (GPtrArray) votes
      = sh_store_ops (store, vote)->list_votes (store, m->meeting_id, FALSE, error);

  if (!votes)
    return FALSE;
  *decided = FALSE;
  for (guint i = 0; i < votes->len; i++) {
    const ShVote *v = g_ptr_array_index (votes, i);

    if (v->motion_id == m->id && v->state == SH_VOTE_CLOSED)
      *decided = TRUE;
  }
  return TRUE;
}

static gboolean
open_txn (ShStore *store, gpointer user_data, GError **error)
{
  OpenData *d = user_data;
  g_autoptr (ShMotion) m = sh_vote_motion (store, d->motion_id, error);
  g_autoptr (ShAttendance) a = NULL;
  g_autoptr (ShVoteApproval) approval = NULL;
  g_autoptr (ShVote) v = g_new0 (ShVote, 1);
  g_autoptr (GError) local_error = NULL;
  ShVoteSettings settings;
  ShVoteMeeting mt;
  gboolean decided = FALSE;

  if (!m || !sh_vote_meeting (store, m->meeting_id, &mt, error))
    return FALSE;
  if (mt.state != SH_MEETING_IN_PROGRESS)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "会议未在进行中，不能表决");
  if (m->withdrawn_at)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该表决事项已撤回");
  if (!motion_decided (store, m, error, &decided))
    return FALSE;
  if (decided)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该事项已表决完毕");
  if (!(a = sh_attendance_expected (store, m->meeting_id, error))
      || !sh_vote_settings_get (store, mt.org_id, &settings, error))
    return FALSE;
  approval = sh_store_ops (store, vote)->get_approval (store, m->meeting_id, &local_error);
  if (local_error) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  v->meeting_id = m->meeting_id;
  v->motion_id = m->id;
  v->secret = m->secret;
  v->state = SH_VOTE_OPEN;
  v->expected_voting = a->voting;
  v->present_at_start = count_present (a, d->present_members);
  v->quorum = sh_vote_check_start (mt.type, m->kind, v->expected_voting, v->present_at_start,
                                   settings.election_share_percent, settings.approval_required,
                                   approval != NULL, error);
  if (!v->quorum)
    return FALSE;
  v->opened_by = d->opened_by;
  v->opened_at = sh_store_now ();
  v->id = sh_store_ops (store, vote)->insert_vote (store, v, &local_error);
  if (!v->id) {
    if (g_error_matches (local_error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT))
      return sh_minutes_fail (error, SH_MINUTES_ERROR_CONFLICT,
                              "已有一项表决正在进行，请先结束该表决");
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  d->vote = g_steal_pointer (&v);
  return TRUE;
}

ShVote *
sh_vote_open (ShStore *store, gint64 motion_id, GArray *present_members, gint64 opened_by,
              GError **error)
{
  OpenData d = { motion_id, present_members, opened_by, NULL };

  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error) || !sh_store_transaction (store, open_txn, &d, error)) {
    sh_vote_free (d.vote);
    return NULL;
  }
  return d.vote;
}

gboolean
sh_vote_quorum_held (ShStore *store, const ShVote *vote, GArray *present_members, GError **error)
{
  g_autoptr (ShAttendance) a = NULL;

  g_return_val_if_fail (store != NULL && vote != NULL, FALSE);
  if (!(a = sh_attendance_expected (store, vote->meeting_id, error)))
    return FALSE;
  return count_present (a, present_members) >= vote->quorum;
}

typedef struct {
  gint64 vote_id;
  ShBallotBox *box; /* NULL: void */
  const char *void_reason;
  ShVote *vote; /* out */
} FinishData;

/* Counts the written opinions on @m into @v, voiding those whose member
 * attended the vote. */
static gboolean
count_opinions (ShStore *store, const ShMotion *m, ShVote *v, ShBallotBox *box, GError **error)
{
  const ShVoteStoreOps *ops = sh_store_ops (store, vote);
  g_autoptr (GPtrArray) opinions = ops->list_opinions (store, m->id, error);

  if (!opinions)
    return FALSE;
  for (guint i = 0; i < opinions->len; i++) {
    const ShWrittenOpinion *o = g_ptr_array_index (opinions, i);

    if (o->voided_by_vote)
      continue;
    if (sh_ballot_box_attended (box, o->member_id)) {
      if (!ops->void_opinion (store, o->id, v->id, error))
        return FALSE;
      continue;
    }
    v->opinions[o->choice]++;
  }
  return TRUE;
}

static gboolean
finish_txn (ShStore *store, gpointer user_data, GError **error)
{
  const ShVoteStoreOps *ops = sh_store_ops (store, vote);
  FinishData *d = user_data;
  g_autoptr (ShVote) v = ops->get_vote (store, d->vote_id, error);
  g_autoptr (ShMotion) m = NULL;
  g_autoptr (GArray) voters = NULL;
  g_autoptr (GPtrArray) receipts = NULL;
  gboolean found = FALSE, election = FALSE;

  if (!v)
    return FALSE;
  if (v->state != SH_VOTE_OPEN)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该表决已结束");
  v->closed_at = sh_store_now ();
  if (d->box) {
    if (sh_ballot_box_is_secret (d->box) != v->secret)
      return sh_minutes_invalid (error, "票箱与表决方式不符");
    if (!(m = sh_vote_motion (store, v->motion_id, error)))
      return FALSE;
    v->state = SH_VOTE_CLOSED;
    sh_ballot_box_counts (d->box, v->ballots);
    if (!count_opinions (store, m, v, d->box, error))
      return FALSE;
    if (!sh_election_count (store, m, v, d->box, &election, error))
      return FALSE;
    if (!election)
      v->passed = sh_rules_motion_passes (v->ballots[SH_VOTE_FOR] + v->opinions[SH_VOTE_FOR],
                                          v->expected_voting);
    voters = sh_ballot_box_voters (d->box);
    receipts = sh_ballot_box_receipts (d->box);
  } else {
    v->state = SH_VOTE_VOID;
    v->void_reason = g_strdup (d->void_reason);
  }
  if (!ops->finish_vote (store, v, voters, receipts, &found, error))
    return FALSE;
  if (!found)
    return sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该表决已结束");
  d->vote = g_steal_pointer (&v);
  return TRUE;
}

ShVote *
sh_vote_close (ShStore *store, gint64 vote_id, ShBallotBox *box, GError **error)
{
  FinishData d = { vote_id, box, NULL, NULL };

  g_return_val_if_fail (store != NULL && box != NULL, NULL);
  if (!sh_vote_have_backend (store, error) || !sh_store_transaction (store, finish_txn, &d, error))
    return NULL;
  return d.vote;
}

gboolean
sh_vote_void (ShStore *store, gint64 vote_id, const char *reason, GError **error)
{
  FinishData d = { vote_id, NULL, reason, NULL };

  g_return_val_if_fail (store != NULL && reason != NULL, FALSE);
  if (!sh_vote_have_backend (store, error) || !sh_store_transaction (store, finish_txn, &d, error))
    return FALSE;
  sh_vote_free (d.vote);
  return TRUE;
}

gint
sh_vote_void_all_open (ShStore *store, const char *reason, GError **error)
{
  g_autoptr (GPtrArray) open = NULL;

  g_return_val_if_fail (store != NULL && reason != NULL, -1);
  if (!store->backend->vote)
    return 0;
  if (!(open = sh_store_ops (store, vote)->list_votes (store, 0, TRUE, error)))
    return -1;
  for (guint i = 0; i < open->len; i++)
    if (!sh_vote_void (store, ((ShVote *) g_ptr_array_index (open, i))->id, reason, error))
      return -1;
  return (gint) open->len;
}

ShVote *
sh_vote_get (ShStore *store, gint64 id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->get_vote (store, id, error);
}

GPtrArray *
sh_vote_list (ShStore *store, gint64 meeting_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->list_votes (store, meeting_id, FALSE, error);
}

GArray *
sh_vote_voters (ShStore *store, gint64 vote_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->list_voters (store, vote_id, error);
}

GStrv
sh_vote_receipts (ShStore *store, gint64 vote_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!sh_vote_have_backend (store, error))
    return NULL;
  return sh_store_ops (store, vote)->list_receipts (store, vote_id, error);
}
