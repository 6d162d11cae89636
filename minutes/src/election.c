/* Elections with several candidates (选举; DOMAIN.md "Votes", docs/votes.md
 * "Elections"): an election motion announced with its candidates and
 * seats, who is elected from the per-candidate tallies, and the result
 * stored when the vote closes. The quorum and "more than half of the
 * expected" are rules.c's; the ballots are counted in ballot-box.c.
 * SPDX-License-Identifier: Apache-2.0 */
#include "election-private.h"
#include "store-election.h"
#include "store-vote.h"
#include "vote-box-private.h"
#include "vote-private.h"

void
sh_election_free (ShElection *election)
{
  if (!election)
    return;
  g_strfreev (election->candidates);
  g_free (election);
}

void
sh_election_result_free (ShElectionResult *result)
{
  if (!result)
    return;
  if (result->tallies)
    g_array_unref (result->tallies);
  g_free (result);
}

/* The candidates, checked and trimmed. Returns: (transfer full) */
static GStrv
check_candidates (const char *const *candidates, guint seats, GError **error)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = candidates ? g_strv_length ((GStrv) candidates) : 0;

  if (n < SH_ELECTION_MIN_CANDIDATES || n > SH_ELECTION_MAX_CANDIDATES) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "候选人须为 %d 到 %d 人",
                 SH_ELECTION_MIN_CANDIDATES, SH_ELECTION_MAX_CANDIDATES);
    return NULL;
  }
  if (seats < 1 || seats > n) {
    sh_minutes_invalid (error, "应选人数须至少 1 人，且不多于候选人数");
    return NULL;
  }
  for (guint i = 0; i < n; i++) {
    char *name;

    if (!sh_text_validate (candidates[i], "候选人", SH_ELECTION_NAME_MAX_CHARS, SH_TEXT_LINE,
                           error))
      return NULL;
    name = g_strstrip (g_strdup (candidates[i]));
    if (g_hash_table_contains (seen, name)) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "候选人“%s”重复", name);
      g_free (name);
      return NULL;
    }
    g_hash_table_add (seen, name);
    g_strv_builder_add (b, name);
  }
  return g_strv_builder_end (b);
}

typedef struct {
  gint64 meeting_id;
  const char *title;
  GStrv candidates;
  guint seats;
  gint64 created_by;
  gint64 id; /* out */
} CreateData;

static gboolean
create_txn (ShStore *store, gpointer user_data, GError **error)
{
  CreateData *d = user_data;

  d->id = sh_motion_create (store, d->meeting_id, SH_MOTION_ELECTION, d->title, NULL, 0, TRUE,
                            d->created_by, error);
  return d->id
         && sh_store_ops (store, election)
                ->insert_election (store, d->id, d->seats, (const char *const *) d->candidates,
                                   error);
}

gint64
sh_election_create (ShStore *store, gint64 meeting_id, const char *title,
                    const char *const *candidates, guint seats, gint64 created_by, GError **error)
{
  g_auto (GStrv) names = NULL;
  CreateData d = { meeting_id, title, NULL, seats, created_by, 0 };

  g_return_val_if_fail (store != NULL, 0);
  if (!store->backend->election) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录选举候选人");
    return 0;
  }
  if (!(names = check_candidates (candidates, seats, error)))
    return 0;
  d.candidates = names;
  if (!sh_store_transaction (store, create_txn, &d, error))
    return 0;
  return d.id;
}

ShElection *
sh_election_get (ShStore *store, gint64 motion_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->election)
    return NULL;
  return sh_store_ops (store, election)->get_election (store, motion_id, error);
}

static gint
compare_approvals_desc (gconstpointer a, gconstpointer b)
{
  guint x = (*(ShElectionTally *const *) a)->marks[SH_VOTE_FOR];
  guint y = (*(ShElectionTally *const *) b)->marks[SH_VOTE_FOR];

  return x > y ? -1 : x < y;
}

guint
sh_election_decide (ShElectionTally *tallies, guint n_tallies, guint seats, guint expected_voting,
                    gboolean *runoff)
{
  g_autoptr (GPtrArray) passing = g_ptr_array_new ();
  guint elected = 0, above = 0, at = 0, last;

  g_return_val_if_fail (tallies != NULL || n_tallies == 0, 0);
  g_return_val_if_fail (runoff != NULL, 0);
  *runoff = FALSE;
  for (guint i = 0; i < n_tallies; i++) {
    tallies[i].elected = FALSE;
    if (sh_rules_motion_passes (tallies[i].marks[SH_VOTE_FOR], expected_voting))
      g_ptr_array_add (passing, &tallies[i]);
  }
  if (seats == 0)
    return 0;
  if (passing->len <= seats) {
    for (guint i = 0; i < passing->len; i++)
      ((ShElectionTally *) g_ptr_array_index (passing, i))->elected = TRUE;
    return passing->len;
  }
  /* More passed than there are seats: the most approvals win; those tied
   * on the last seat's count all win only if there is room for all. */
  g_ptr_array_sort (passing, compare_approvals_desc);
  last = ((ShElectionTally *) g_ptr_array_index (passing, seats - 1))->marks[SH_VOTE_FOR];
  for (guint i = 0; i < passing->len; i++) {
    guint a = ((ShElectionTally *) g_ptr_array_index (passing, i))->marks[SH_VOTE_FOR];

    above += a > last;
    at += a == last;
  }
  for (guint i = 0; i < passing->len; i++) {
    ShElectionTally *t = g_ptr_array_index (passing, i);

    if (t->marks[SH_VOTE_FOR] > last || (t->marks[SH_VOTE_FOR] == last && above + at <= seats)) {
      t->elected = TRUE;
      elected++;
    }
  }
  *runoff = above + at > seats;
  return elected;
}

ShElectionResult *
sh_election_result_get (ShStore *store, gint64 vote_id, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->election)
    return NULL;
  return sh_store_ops (store, election)->get_result (store, vote_id, error);
}

gboolean
sh_election_count (ShStore *store, const ShMotion *m, ShVote *v, ShBallotBox *box,
                   gboolean *handled, GError **error)
{
  g_autoptr (ShElection) e = NULL;
  g_autoptr (ShElectionResult) r = NULL;
  g_autoptr (GError) local_error = NULL;
  guint n_box = sh_ballot_box_candidates (box);

  *handled = FALSE;
  if (m->kind == SH_MOTION_ELECTION)
    e = sh_election_get (store, m->id, &local_error);
  if (local_error) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (!e && !n_box)
    return TRUE;
  *handled = TRUE;
  if (!e || g_strv_length (e->candidates) != n_box)
    return sh_minutes_invalid (error, "票箱与候选人名单不符");
  r = g_new0 (ShElectionResult, 1);
  r->vote_id = v->id;
  r->seats = e->seats;
  r->tallies = g_array_new (FALSE, TRUE, sizeof (ShElectionTally));
  r->invalid = sh_ballot_box_election_counts (box, r->tallies);
  r->elected = sh_election_decide ((ShElectionTally *) (gpointer) r->tallies->data, r->tallies->len,
                                   r->seats, v->expected_voting, &r->runoff);
  v->passed = r->elected == r->seats;
  return sh_store_ops (store, election)->insert_result (store, r, error);
}

/* ------------------------------------------------------------- runoffs */

void
sh_election_runoff_free (ShElectionRunoff *runoff)
{
  if (!runoff)
    return;
  g_strfreev (runoff->candidates);
  g_free (runoff);
}

void
sh_election_outcome_free (ShElectionOutcome *outcome)
{
  if (!outcome)
    return;
  g_strfreev (outcome->elected);
  g_free (outcome);
}

guint
sh_election_runoff_eligible (const ShElectionTally *tallies, guint n_tallies, guint seats,
                             guint expected_voting, gboolean *eligible, gboolean *tie)
{
  guint elected = 0, last = 0;
  gboolean any_tied = FALSE;

  g_return_val_if_fail (tallies != NULL || n_tallies == 0, 0);
  g_return_val_if_fail (eligible != NULL || n_tallies == 0, 0);
  g_return_val_if_fail (tie != NULL, 0);
  *tie = FALSE;
  for (guint i = 0; i < n_tallies; i++) {
    eligible[i] = FALSE;
    elected += tallies[i].elected;
  }
  if (elected >= seats)
    return 0;
  /* Seats are empty, yet someone who passed was not elected: only a tie
   * does that (sh_election_decide()). The tied have the most approvals
   * among those passed over (the last seat's count); any below them were
   * outranked, not tied, and do not stand. */
  for (guint i = 0; i < n_tallies; i++) {
    if (!tallies[i].elected
        && sh_rules_motion_passes (tallies[i].marks[SH_VOTE_FOR], expected_voting)) {
      any_tied = TRUE;
      last = MAX (last, tallies[i].marks[SH_VOTE_FOR]);
    }
  }
  for (guint i = 0; i < n_tallies; i++)
    eligible[i] = !tallies[i].elected && (!any_tied || tallies[i].marks[SH_VOTE_FOR] == last);
  *tie = any_tied;
  return seats - elected;
}

/* The counted vote of @m in *@vote_id (the closed one: a decided motion
 * is not voted again), 0 when none. */
static gboolean
counted_vote (ShStore *store, const ShMotion *m, gint64 *vote_id, guint *expected_voting,
              GError **error)
{
  g_autoptr (GPtrArray) votes
      = sh_store_ops (store, vote)->list_votes (store, m->meeting_id, FALSE, error);

  *vote_id = 0;
  if (!votes)
    return FALSE;
  for (guint i = 0; i < votes->len; i++) {
    const ShVote *v = g_ptr_array_index (votes, i);

    if (v->motion_id == m->id && v->state == SH_VOTE_CLOSED) {
      *vote_id = v->id;
      if (expected_voting)
        *expected_voting = v->expected_voting;
    }
  }
  return TRUE;
}

/* The election of @motion_id, INVALID when it has no candidates.
 * Returns: (transfer full) */
static ShElection *
election_of (ShStore *store, gint64 motion_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  ShElection *e;

  if (!store->backend->election) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_DATABASE, "此存储不记录选举候选人");
    return NULL;
  }
  e = sh_store_ops (store, election)->get_election (store, motion_id, &local_error);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!e)
    sh_minutes_invalid (error, "该事项不是有候选人的选举");
  return e;
}

static gboolean
motion_counted (ShStore *store, gint64 motion_id, gboolean *counted, GError **error)
{
  g_autoptr (ShMotion) m = sh_motion_get (store, motion_id, error);
  gint64 vote_id = 0;

  if (!m || !counted_vote (store, m, &vote_id, NULL, error))
    return FALSE;
  *counted = vote_id != 0;
  return TRUE;
}

ShElectionRunoff *
sh_election_runoff_plan (ShStore *store, gint64 motion_id, GError **error)
{
  g_autoptr (ShMotion) m = NULL;
  g_autoptr (ShElection) e = NULL;
  g_autoptr (ShElectionResult) r = NULL;
  g_autoptr (ShElectionRunoff) p = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr (GError) local_error = NULL;
  g_autofree gboolean *eligible = NULL;
  gint64 vote_id = 0;
  guint n_eligible = 0, expected_voting = 0;
  gboolean counted = FALSE;

  g_return_val_if_fail (store != NULL, NULL);
  if (!(m = sh_motion_get (store, motion_id, error)) || !(e = election_of (store, motion_id, error))
      || !counted_vote (store, m, &vote_id, &expected_voting, error))
    return NULL;
  if (!vote_id) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该选举尚未计票，不能另行选举");
    return NULL;
  }
  r = sh_store_ops (store, election)->get_result (store, vote_id, &local_error);
  if (!r || r->tallies->len != g_strv_length (e->candidates)) {
    if (local_error)
      g_propagate_error (error, g_steal_pointer (&local_error));
    else
      sh_minutes_invalid (error, "该选举没有逐人计票结果");
    return NULL;
  }
  p = g_new0 (ShElectionRunoff, 1);
  p->motion_id = motion_id;
  eligible = g_new0 (gboolean, r->tallies->len);
  p->seats
      = sh_election_runoff_eligible ((const ShElectionTally *) (gconstpointer) r->tallies->data,
                                     r->tallies->len, e->seats, expected_voting, eligible, &p->tie);
  if (!p->seats) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该选举应选名额已选满，无需另行选举");
    return NULL;
  }
  for (guint i = 0; i < r->tallies->len; i++) {
    if (eligible[i]) {
      g_strv_builder_add (names, e->candidates[i]);
      n_eligible++;
    }
  }
  if (n_eligible < SH_ELECTION_MIN_CANDIDATES) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE,
                     "可参加另行选举的候选人不足两人：请重新提名候选人，另行组织选举");
    return NULL;
  }
  p->candidates = g_strv_builder_end (names);
  if (!sh_store_ops (store, election)->find_runoff (store, motion_id, &p->existing, error))
    return NULL;
  if (p->existing && !motion_counted (store, p->existing, &counted, error))
    return NULL;
  if (counted) {
    sh_minutes_fail (error, SH_MINUTES_ERROR_STATE, "该选举已另行选举");
    return NULL;
  }
  return g_steal_pointer (&p);
}

/* Runoffs are chains short enough to walk; this bounds a corrupt one. */
#define RUNOFF_MAX_DEPTH 64

/* "<first election's title>（另行选举）", or "（第N次另行选举）" for a runoff
 * of a runoff, within the title's length. Returns: (transfer full) */
static char *
runoff_title (ShStore *store, const ShElection *e, GError **error)
{
  g_autoptr (ShElection) root = NULL;
  g_autoptr (ShMotion) m = NULL;
  g_autofree char *suffix = NULL;
  g_autofree char *head = NULL;
  guint depth = 1;
  gint64 id = e->motion_id, up = e->runoff_of;

  while (up && depth < RUNOFF_MAX_DEPTH) {
    g_clear_pointer (&root, sh_election_free);
    if (!(root = election_of (store, up, error)))
      return NULL;
    id = up;
    up = root->runoff_of;
    depth++;
  }
  if (!(m = sh_motion_get (store, id, error)))
    return NULL;
  suffix = depth == 1 ? g_strdup ("（另行选举）") : g_strdup_printf ("（第%u次另行选举）", depth);
  head = g_utf8_substring (m->title, 0,
                           MIN ((glong) g_utf8_strlen (m->title, -1),
                                SH_MOTION_TITLE_MAX_CHARS - g_utf8_strlen (suffix, -1)));
  return g_strconcat (head, suffix, NULL);
}

typedef struct {
  gint64 motion_id;
  gint64 created_by;
  gint64 id; /* out */
} RunoffData;

static gboolean
runoff_txn (ShStore *store, gpointer user_data, GError **error)
{
  RunoffData *d = user_data;
  g_autoptr (ShElectionRunoff) p = sh_election_runoff_plan (store, d->motion_id, error);
  g_autoptr (ShElection) e = NULL;
  g_autoptr (ShMotion) m = NULL;
  g_autofree char *title = NULL;
  const ShElectionStoreOps *ops;

  if (!p)
    return FALSE;
  if (p->existing) {
    d->id = p->existing;
    return TRUE;
  }
  if (!(m = sh_motion_get (store, d->motion_id, error))
      || !(e = election_of (store, d->motion_id, error))
      || !(title = runoff_title (store, e, error)))
    return FALSE;
  ops = sh_store_ops (store, election);
  d->id = sh_motion_create_in_meeting (store, m->meeting_id, SH_MOTION_ELECTION, title, TRUE,
                                       d->created_by, error);
  return d->id
         && ops->insert_election (store, d->id, p->seats, (const char *const *) p->candidates,
                                  error)
         && ops->insert_runoff (store, d->id, d->motion_id, error);
}

gint64
sh_election_runoff_create (ShStore *store, gint64 motion_id, gint64 created_by, GError **error)
{
  RunoffData d = { motion_id, created_by, 0 };

  g_return_val_if_fail (store != NULL, 0);
  if (!sh_store_transaction (store, runoff_txn, &d, error))
    return 0;
  return d.id;
}

ShElectionOutcome *
sh_election_outcome (ShStore *store, gint64 motion_id, GError **error)
{
  g_autoptr (ShElection) e = NULL;
  g_autoptr (ShElectionOutcome) o = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr (GError) local_error = NULL;
  guint n_elected = 0;
  gint64 cur;

  g_return_val_if_fail (store != NULL, NULL);
  if (!store->backend->election)
    return NULL;
  e = sh_store_ops (store, election)->get_election (store, motion_id, &local_error);
  if (!e) {
    if (local_error)
      g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  for (guint depth = 0; e->runoff_of && depth < RUNOFF_MAX_DEPTH; depth++) {
    ShElection *up = election_of (store, e->runoff_of, error);

    if (!up)
      return NULL;
    sh_election_free (e);
    e = up;
  }
  o = g_new0 (ShElectionOutcome, 1);
  o->motion_id = e->motion_id;
  o->seats = e->seats;
  cur = e->motion_id;
  for (guint depth = 0; cur && depth < RUNOFF_MAX_DEPTH; depth++) {
    g_autoptr (ShMotion) m = sh_motion_get (store, cur, error);
    g_autoptr (ShElection) ce = NULL;
    g_autoptr (ShElectionResult) r = NULL;
    gint64 vote_id = 0, next = 0;

    if (!m || !(ce = election_of (store, cur, error))
        || !counted_vote (store, m, &vote_id, NULL, error))
      return NULL;
    o->last_motion_id = cur;
    if (!vote_id) {
      o->pending = TRUE;
      break;
    }
    r = sh_store_ops (store, election)->get_result (store, vote_id, &local_error);
    if (local_error) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
    for (guint i = 0; r && i < r->tallies->len && ce->candidates[i]; i++) {
      if (g_array_index (r->tallies, ShElectionTally, i).elected) {
        g_strv_builder_add (names, ce->candidates[i]);
        n_elected++;
      }
    }
    o->rounds++;
    if (!sh_store_ops (store, election)->find_runoff (store, cur, &next, error))
      return NULL;
    cur = next;
  }
  o->elected = g_strv_builder_end (names);
  o->open_seats = o->seats > n_elected ? o->seats - n_elected : 0;
  return g_steal_pointer (&o);
}
