/* The JSON of votes (vote-json.h). SPDX-License-Identifier: Apache-2.0 */
#include "vote-json.h"

#include "json-util.h"

static void
add_counts (JsonBuilder *b, const char *field, const guint counts[SH_VOTE_CHOICE_COUNT])
{
  json_builder_set_member_name (b, field);
  json_builder_begin_object (b);
  for (guint i = 0; i < SH_VOTE_CHOICE_COUNT; i++) {
    json_builder_set_member_name (b, sh_vote_choice_to_string ((ShVoteChoice) i));
    json_builder_add_int_value (b, counts[i]);
  }
  json_builder_end_object (b);
}

/* "runoff_plan": the runoff (另行选举) this counted election allows, null
 * when none (every seat filled, a runoff held already, ...); its
 * "runoff_of" is what vote.start takes to start it. */
static void
add_runoff_plan (ShStore *store, JsonBuilder *b, gint64 motion_id)
{
  g_autoptr (ShElectionRunoff) p = sh_election_runoff_plan (store, motion_id, NULL);

  json_builder_set_member_name (b, "runoff_plan");
  if (!p) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "runoff_of", motion_id);
  json_builder_set_member_name (b, "seats");
  json_builder_add_int_value (b, p->seats);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; p->candidates[i]; i++)
    json_builder_add_string_value (b, p->candidates[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tie");
  json_builder_add_boolean_value (b, p->tie);
  json_builder_end_object (b);
}

/* "combined": who is elected in total over the election and its runoffs. */
static void
add_combined (ShStore *store, JsonBuilder *b, gint64 motion_id)
{
  g_autoptr (ShElectionOutcome) o = sh_election_outcome (store, motion_id, NULL);

  if (!o)
    return;
  json_builder_set_member_name (b, "combined");
  json_builder_begin_object (b);
  sh_json_builder_add_id (b, "motion_id", o->motion_id);
  json_builder_set_member_name (b, "seats");
  json_builder_add_int_value (b, o->seats);
  json_builder_set_member_name (b, "elected");
  json_builder_begin_array (b);
  for (guint i = 0; o->elected[i]; i++)
    json_builder_add_string_value (b, o->elected[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "open_seats");
  json_builder_add_int_value (b, o->open_seats);
  json_builder_set_member_name (b, "rounds");
  json_builder_add_int_value (b, o->rounds);
  json_builder_set_member_name (b, "pending");
  json_builder_add_boolean_value (b, o->pending);
  json_builder_end_object (b);
}

/* An election's "election": its seats and candidates in ballot order and,
 * once counted, per candidate the counts and whether elected, the void
 * ballots and whether a runoff is needed. Nothing per ballot exists. */
static void
add_election (ShStore *store, JsonBuilder *b, const ShVote *v, const ShElection *e)
{
  g_autoptr (ShElectionResult) r
      = v->state == SH_VOTE_CLOSED ? sh_election_result_get (store, v->id, NULL) : NULL;

  json_builder_set_member_name (b, "election");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seats");
  json_builder_add_int_value (b, e->seats);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; e->candidates[i]; i++) {
    const ShElectionTally *t
        = r && i < r->tallies->len ? &g_array_index (r->tallies, ShElectionTally, i) : NULL;

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "position");
    json_builder_add_int_value (b, i);
    sh_json_builder_add_string (b, "name", e->candidates[i]);
    if (t) {
      add_counts (b, "marks", t->marks);
      json_builder_set_member_name (b, "elected");
      json_builder_add_boolean_value (b, t->elected);
    }
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  if (r) {
    json_builder_set_member_name (b, "invalid");
    json_builder_add_int_value (b, r->invalid);
    json_builder_set_member_name (b, "elected");
    json_builder_add_int_value (b, r->elected);
    json_builder_set_member_name (b, "runoff");
    json_builder_add_boolean_value (b, r->runoff);
  }
  if (e->runoff_of)
    sh_json_builder_add_id (b, "runoff_of", e->runoff_of);
  if (r) {
    add_runoff_plan (store, b, e->motion_id);
    add_combined (store, b, e->motion_id);
  }
  json_builder_end_object (b);
}

void
sh_build_election (JsonBuilder *b, const ShElection *e)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seats");
  json_builder_add_int_value (b, e->seats);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = 0; e->candidates[i]; i++)
    json_builder_add_string_value (b, e->candidates[i]);
  json_builder_end_array (b);
  if (e->runoff_of)
    sh_json_builder_add_id (b, "runoff_of", e->runoff_of);
  json_builder_end_object (b);
}

void
sh_build_vote (ShStore *store, GTimeZone *tz, JsonBuilder *b, const ShVote *v)
{
  g_autoptr (ShMotion) mo = sh_motion_get (store, v->motion_id, NULL);
  g_autoptr (ShElection) e = sh_election_get (store, v->motion_id, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, v->id);
  sh_json_builder_add_id (b, "meeting_id", v->meeting_id);
  sh_json_builder_add_id (b, "motion_id", v->motion_id);
  sh_json_builder_add_string (b, "title", mo ? mo->title : NULL);
  sh_json_builder_add_string (b, "kind", mo ? sh_motion_kind_to_string (mo->kind) : NULL);
  json_builder_set_member_name (b, "secret");
  json_builder_add_boolean_value (b, v->secret);
  sh_json_builder_add_string (b, "state", sh_vote_state_to_string (v->state));
  json_builder_set_member_name (b, "expected_voting");
  json_builder_add_int_value (b, v->expected_voting);
  json_builder_set_member_name (b, "present_at_start");
  json_builder_add_int_value (b, v->present_at_start);
  json_builder_set_member_name (b, "quorum");
  json_builder_add_int_value (b, v->quorum);
  if (v->state == SH_VOTE_CLOSED) {
    add_counts (b, "ballots", v->ballots);
    add_counts (b, "opinions", v->opinions);
    json_builder_set_member_name (b, "passed");
    json_builder_add_boolean_value (b, v->passed);
  }
  if (e)
    add_election (store, b, v, e);
  sh_json_builder_add_string (b, "void_reason", v->void_reason);
  sh_json_builder_add_time (b, "opened_at", v->opened_at, tz);
  sh_json_builder_add_time (b, "closed_at", v->closed_at, tz);
  json_builder_end_object (b);
}

/* The record of a closed vote: who voted (and how, for an open vote) and
 * the receipts' hashes, sorted. Members of a secret vote are listed by
 * name in member id order, which says nothing about their ballots. */
void
sh_build_vote_record (ShStore *store, JsonBuilder *b, const ShVote *v)
{
  g_autoptr (GArray) voters = sh_vote_voters (store, v->id, NULL);
  g_auto (GStrv) receipts = sh_vote_receipts (store, v->id, NULL);

  json_builder_set_member_name (b, "voters");
  json_builder_begin_array (b);
  for (guint i = 0; voters && i < voters->len; i++) {
    const ShVoteVoter *x = &g_array_index (voters, ShVoteVoter, i);
    g_autoptr (ShMember) member = sh_member_get (store, x->member_id, NULL);

    json_builder_begin_object (b);
    sh_json_builder_add_id (b, "member_id", x->member_id);
    sh_json_builder_add_string (b, "name", member ? member->name : NULL);
    sh_json_builder_add_string (
        b, "choice", x->choice >= 0 ? sh_vote_choice_to_string ((ShVoteChoice) x->choice) : NULL);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "receipts");
  json_builder_begin_array (b);
  for (guint i = 0; receipts && receipts[i]; i++)
    json_builder_add_string_value (b, receipts[i]);
  json_builder_end_array (b);
}
