/* sanhui-minutes/elections.h — part of sanhui-minutes.h: Elections, candidates and runoffs.
 * Included by sanhui-minutes.h only; see its conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#if !defined(SH_MINUTES_INSIDE)
#error "Include <sanhui-minutes.h>, not its parts."
#endif

G_BEGIN_DECLS

/* ------------------------------------------------ elections, candidates */

/* Elections with several candidates (选举, election.c; docs/votes.md
 * "Elections"): an election motion announced with 2..30 candidates in
 * ballot order and a number of seats (等额: as many candidates as seats;
 * 差额: more). Each ballot marks every candidate 赞成 / 不赞成 / 弃权 (an
 * unmarked candidate is 弃权); a ballot approving more candidates than
 * there are seats is void (cast, counted as 无效票, marks ignored). Kept
 * secret like any secret ballot: per-candidate tallies only, written at
 * close, never a ballot or its combination of marks. */
#define SH_ELECTION_MIN_CANDIDATES 2
#define SH_ELECTION_MAX_CANDIDATES 30
#define SH_ELECTION_NAME_MAX_CHARS 50

typedef struct {
  gint64 motion_id;
  guint seats;
  GStrv candidates; /* names, in ballot order (position = index) */
  gint64 runoff_of; /* a runoff (另行选举): the election it follows, else 0 */
} ShElection;

void sh_election_free (ShElection *election);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElection, sh_election_free)

/* Announces an election motion on @meeting_id (as sh_motion_create())
 * with @candidates (NULL-terminated, 2..30 distinct names, INVALID) and
 * @seats (1..number of candidates, INVALID). Returns the new id or 0. */
gint64 sh_election_create (ShStore *store, gint64 meeting_id, const char *title,
                           const char *const *candidates, guint seats, gint64 created_by,
                           GError **error);
/* The candidates of election motion @motion_id; NULL and no error when it
 * has none (a single for/against election, or a backend without them).
 * Returns: (transfer full) (nullable) */
ShElection *sh_election_get (ShStore *store, gint64 motion_id, GError **error);

/* One candidate's count: marks[SH_VOTE_FOR] approvals (赞成), AGAINST
 * (不赞成), ABSTAIN (弃权, unmarked included) over valid ballots. */
typedef struct {
  guint marks[SH_VOTE_CHOICE_COUNT];
  gboolean elected;
} ShElectionTally;

/* Who is elected, set in each tally's .elected: a candidate needs more
 * approvals than half of @expected_voting (sh_rules_motion_passes()); of
 * those, the @seats with most approvals. A tie for the last seat(s)
 * elects none of the tied and sets *@runoff (另行选举). Returns how many
 * were elected. Pure. */
guint sh_election_decide (ShElectionTally *tallies, guint n_tallies, guint seats,
                          guint expected_voting, gboolean *runoff);

/* The counted result of a closed election vote. */
typedef struct {
  gint64 vote_id;
  guint seats;
  guint invalid;   /* void ballots (more approvals than seats) */
  guint elected;   /* seats filled */
  gboolean runoff; /* a tie left the last seat(s) empty */
  GArray *tallies; /* ShElectionTally, in ballot order */
} ShElectionResult;

void sh_election_result_free (ShElectionResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionResult, sh_election_result_free)
/* NULL and no error when @vote_id is not a counted election with
 * candidates. Returns: (transfer full) (nullable) */
ShElectionResult *sh_election_result_get (ShStore *store, gint64 vote_id, GError **error);

/* Runoffs (另行选举, docs/votes.md "Runoffs"). Who stands in a runoff of
 * a decided election, from its tallies as sh_election_decide() left them:
 * when candidates tied for the last seat(s), the tied ones (those who
 * passed, were not elected and have the last seat's approvals: 条例 "就
 * 票数相等的被选举人重新投票"); otherwise, when too few passed, every
 * candidate not elected. Sets @eligible[i] (@n_tallies entries) and
 * *@tie. Returns the seats still empty (0: no runoff; @eligible all
 * FALSE). Pure. */
guint sh_election_runoff_eligible (const ShElectionTally *tallies, guint n_tallies, guint seats,
                                   guint expected_voting, gboolean *eligible, gboolean *tie);

/* What a runoff of one counted election would be. */
typedef struct {
  gint64 motion_id; /* the election it follows */
  guint seats;      /* the seats still empty */
  GStrv candidates; /* who stands, in the election's ballot order */
  gboolean tie;     /* a tie: the rules require it; else it may be held */
  gint64 existing;  /* a runoff motion made already but not yet counted, or 0 */
} ShElectionRunoff;

void sh_election_runoff_free (ShElectionRunoff *runoff);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionRunoff, sh_election_runoff_free)

/* The runoff election @motion_id (one with candidates, INVALID otherwise)
 * calls for: STATE when it is not counted yet, filled every seat, left
 * fewer than two candidates to stand (new nominations are a new
 * election), or was followed by a runoff that is counted already.
 * Returns: (transfer full) */
ShElectionRunoff *sh_election_runoff_plan (ShStore *store, gint64 motion_id, GError **error);
/* Makes the runoff of @motion_id (as sh_election_runoff_plan() allows) in
 * its running meeting (STATE otherwise): an ad hoc election motion with
 * the eligible candidates and the empty seats, linked by runoff_of. One
 * per election: a runoff made earlier and not counted yet (its vote was
 * refused or void) is returned again. Returns: its id, 0 with @error. */
gint64 sh_election_runoff_create (ShStore *store, gint64 motion_id, gint64 created_by,
                                  GError **error);

/* The combined result of an election and its runoffs (a chain: each
 * runoff follows the one before). */
typedef struct {
  gint64 motion_id;      /* the first election */
  guint seats;           /* its seats */
  GStrv elected;         /* everyone elected over the chain, in order */
  guint rounds;          /* counted elections in the chain */
  gint64 last_motion_id; /* the latest election of the chain */
  guint open_seats;      /* seats still empty */
  gboolean pending;      /* the latest election is not counted yet */
} ShElectionOutcome;

void sh_election_outcome_free (ShElectionOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShElectionOutcome, sh_election_outcome_free)
/* The outcome of the chain @motion_id (any election in it) belongs to;
 * NULL and no error when it is no election with candidates.
 * Returns: (transfer full) (nullable) */
ShElectionOutcome *sh_election_outcome (ShStore *store, gint64 motion_id, GError **error);

/* The ballot box of a secret election with @n_candidates and @seats:
 * per-candidate counters and a count of void ballots, no ballot kept. */
ShBallotBox *sh_ballot_box_new_election (guint n_candidates, guint seats); /* transfer full */
/* 0 when @box is not an election's. */
guint sh_ballot_box_candidates (ShBallotBox *box);
/* Counts @member_id's ballot once (CONFLICT when they voted already):
 * @marks has one choice per candidate, in ballot order (INVALID when
 * @n_marks differs or this is no election box). *@valid_out FALSE when it
 * approved more candidates than seats: counted as cast, void. */
gboolean sh_ballot_box_cast_election (ShBallotBox *box, gint64 member_id, const ShVoteChoice *marks,
                                      guint n_marks, gboolean *valid_out, char **receipt_out,
                                      GError **error);

G_END_DECLS
