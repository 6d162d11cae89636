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
