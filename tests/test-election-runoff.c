/* Tests for runoffs (另行选举, minutes/src/election.c "runoffs";
 * docs/votes.md "Runoffs"): who stands and for how many seats at every
 * edge (a tie at the last seat, no one over half, seats filled exactly),
 * the runoff made in the meeting and linked to its election, a runoff of
 * a runoff, the combined result, and hostile starts (not counted, filled,
 * no election, twice, outside the meeting).
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define F SH_VOTE_FOR
#define A SH_VOTE_AGAINST

/* ------------------------------------------------------ who stands */

typedef struct {
  const char *what;
  guint expected, seats, n;
  guint approvals[5];
  guint open;
  gboolean eligible[5];
  gboolean tie;
} EligibleCase;

static const EligibleCase eligible_cases[] = {
  { "seats filled exactly: none", 10, 3, 3, { 6, 6, 6 }, 0, { 0, 0, 0 }, FALSE },
  { "差额 filled: none", 10, 2, 3, { 9, 6, 7 }, 0, { 0, 0, 0 }, FALSE },
  { "a tie at the last seat: the tied", 10, 2, 3, { 9, 7, 7 }, 1, { 0, 1, 1 }, TRUE },
  { "a tie for the only seat: both", 10, 1, 2, { 7, 7 }, 1, { 1, 1 }, TRUE },
  { "three tied for two seats", 10, 2, 3, { 8, 8, 8 }, 2, { 1, 1, 1 }, TRUE },
  { "the tied, not one who passed below them", 10, 2, 4, { 10, 8, 8, 7 }, 1, { 0, 1, 1, 0 }, TRUE },
  { "the tied, not those under half", 10, 2, 4, { 9, 7, 7, 2 }, 1, { 0, 1, 1, 0 }, TRUE },
  { "no one over half: everyone", 10, 2, 3, { 3, 2, 1 }, 2, { 1, 1, 1 }, FALSE },
  { "exactly half is not over half", 10, 1, 2, { 5, 5 }, 1, { 1, 1 }, FALSE },
  { "too few passed: those not elected", 10, 3, 4, { 6, 5, 8, 1 }, 1, { 0, 1, 0, 1 }, FALSE },
  { "a tie that fits the seats: none", 10, 3, 4, { 9, 7, 7, 2 }, 0, { 0, 0, 0, 0 }, FALSE },
};

static void
test_eligible_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (eligible_cases); i++) {
    const EligibleCase *c = &eligible_cases[i];
    ShElectionTally t[5] = { 0 };
    gboolean eligible[5], tie = !c->tie, runoff;

    g_test_message ("%s", c->what);
    for (guint j = 0; j < c->n; j++) {
      t[j].marks[F] = c->approvals[j];
      t[j].marks[A] = c->expected - c->approvals[j];
      eligible[j] = !c->eligible[j];
    }
    sh_election_decide (t, c->n, c->seats, c->expected, &runoff);
    /* The result's own runoff flag is the tie's (docs/protocol.md). */
    g_assert_cmpint (runoff, ==, c->tie);
    g_assert_cmpuint (sh_election_runoff_eligible (t, c->n, c->seats, c->expected, eligible, &tie),
                      ==, c->open);
    g_assert_cmpint (tie, ==, c->tie);
    for (guint j = 0; j < c->n; j++)
      g_assert_cmpint (eligible[j], ==, c->eligible[j]);
  }
}

/* ------------------------------------------------ an election meeting */

enum { N_FULL = 10 };

typedef struct {
  ShStore *store;
  gint64 branch;
  gint64 full[N_FULL];
  gint64 account[N_FULL];
  gint64 meeting;
  GArray *all;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee;

  f->store = minutes_fixture_open_memory ();
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->all = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < N_FULL; i++) {
    g_autofree char *name = g_strdup_printf ("党员%u", i);
    g_autofree char *login = g_strdup_printf ("full%u", i);

    f->full[i] = minutes_fixture_member (f->store, f->branch, name, SH_MEMBER_FULL, 0);
    f->account[i] = minutes_fixture_account (f->store, login, name, f->full[i]);
    g_array_append_val (f->all, f->full[i]);
  }
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会（换届选举）",
                               g_get_real_time () + DAY);
  m->chair_member_id = f->full[0];
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  g_assert_true (sh_vote_approval_record (f->store, f->meeting, "机关党委 同意网上选举",
                                          f->account[0], &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_array_unref (f->all);
  sh_store_free (f->store);
}

static void
transition (Fixture *f, ShMeetingState state)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_meeting_transition (f->store, f->meeting, state, NULL, &error));
  g_assert_no_error (error);
}

static gint64
election_ok (Fixture *f, const char *const *names, guint seats)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_election_create (f->store, f->meeting, "选举支部委员", names, seats, f->account[0],
                                  &error);

  g_assert_no_error (error);
  return id;
}

/* Votes on election @motion_id: member i approves the candidates whose
 * bit is set in @ballots[i] (the others 不赞成). */
static void
vote (Fixture *f, gint64 motion_id, const guint ballots[N_FULL])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElection) e = sh_election_get (f->store, motion_id, &error);
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) closed = NULL;
  g_autoptr (ShBallotBox) box = NULL;
  guint n = g_strv_length (e->candidates);

  box = sh_ballot_box_new_election (n, e->seats);
  v = sh_vote_open (f->store, motion_id, f->all, f->account[0], &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_FULL; i++) {
    g_autofree ShVoteChoice *marks = g_new (ShVoteChoice, n);
    gboolean valid = FALSE;

    for (guint c = 0; c < n; c++)
      marks[c] = ballots[i] & (1u << c) ? F : A;
    g_assert_true (sh_ballot_box_cast_election (box, f->full[i], marks, n, &valid, NULL, &error));
    g_assert_true (valid);
  }
  closed = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
}

static void
plan_refused (Fixture *f, gint64 motion_id, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElectionRunoff) p = sh_election_runoff_plan (f->store, motion_id, &error);

  g_assert_null (p);
  g_assert_error (error, SH_MINUTES_ERROR, code);
  g_clear_error (&error);
  g_assert_cmpint (sh_election_runoff_create (f->store, motion_id, f->account[0], &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, code);
}

static void
assert_names (GStrv got, const char *const *want)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (g_strv_length (got), ==, g_strv_length ((GStrv) want));
  for (guint i = 0; want[i]; i++)
    g_assert_cmpstr (got[i], ==, want[i]);
}

/* 张三 8, 李四 6, 王五 6 for two seats: 张三 elected, the tied 李四 and
 * 王五 stand again for one seat; 李四 wins it. Combined: 张三, 李四. */
static void
test_tie_runoff (Fixture *f, gconstpointer data)
{
  static const char *const names[] = { "张三", "李四", "王五", NULL };
  static const char *const tied[] = { "李四", "王五", NULL };
  static const char *const both[] = { "张三", "李四", NULL };
  static const guint first[N_FULL] = { 3, 3, 3, 3, 5, 5, 5, 5, 6, 6 };
  static const guint second[N_FULL] = { 1, 1, 1, 1, 1, 1, 1, 2, 2, 2 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElectionRunoff) p = NULL;
  g_autoptr (ShElection) re = NULL;
  g_autoptr (ShMotion) rm = NULL;
  g_autoptr (ShElectionOutcome) o = NULL;
  g_autoptr (ShElectionOutcome) o2 = NULL;
  gint64 id = election_ok (f, names, 2), runoff;

  transition (f, SH_MEETING_IN_PROGRESS);
  /* Not counted yet: nothing to run off. */
  plan_refused (f, id, SH_MINUTES_ERROR_STATE);
  o = sh_election_outcome (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (o->pending);
  g_assert_cmpuint (o->rounds, ==, 0);
  g_clear_pointer (&o, sh_election_outcome_free);

  vote (f, id, first);
  p = sh_election_runoff_plan (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->seats, ==, 1);
  g_assert_true (p->tie);
  g_assert_cmpint (p->existing, ==, 0);
  assert_names (p->candidates, tied);
  o = sh_election_outcome (f->store, id, &error);
  g_assert_false (o->pending);
  g_assert_cmpuint (o->open_seats, ==, 1);
  assert_names (o->elected, (const char *const[]){ "张三", NULL });
  g_clear_pointer (&o, sh_election_outcome_free);

  runoff = sh_election_runoff_create (f->store, id, f->account[0], &error);
  g_assert_no_error (error);
  g_assert_cmpint (runoff, >, id);
  /* Made before its vote opens; asked again, the same one (a refused or
   * void start is retried on it, never a second runoff). */
  g_assert_cmpint (sh_election_runoff_create (f->store, id, f->account[0], &error), ==, runoff);
  re = sh_election_get (f->store, runoff, &error);
  g_assert_cmpint (re->runoff_of, ==, id);
  g_assert_cmpuint (re->seats, ==, 1);
  assert_names (re->candidates, tied);
  rm = sh_motion_get (f->store, runoff, &error);
  g_assert_cmpstr (rm->title, ==, "选举支部委员（另行选举）");
  g_assert_cmpint (rm->kind, ==, SH_MOTION_ELECTION);
  g_assert_true (rm->secret);
  g_assert_true (rm->ad_hoc);
  o = sh_election_outcome (f->store, runoff, &error);
  g_assert_cmpint (o->motion_id, ==, id);
  g_assert_cmpint (o->last_motion_id, ==, runoff);
  g_assert_true (o->pending);
  g_clear_pointer (&o, sh_election_outcome_free);

  vote (f, runoff, second); /* 李四 7, 王五 3 */
  /* From either end of the chain, the same combined result. */
  o = sh_election_outcome (f->store, id, &error);
  o2 = sh_election_outcome (f->store, runoff, &error);
  g_assert_no_error (error);
  for (ShElectionOutcome *x = o; x; x = x == o ? o2 : NULL) {
    g_assert_cmpint (x->motion_id, ==, id);
    g_assert_cmpuint (x->seats, ==, 2);
    g_assert_cmpuint (x->rounds, ==, 2);
    g_assert_cmpuint (x->open_seats, ==, 0);
    g_assert_false (x->pending);
    assert_names (x->elected, both);
  }
  /* Twice: the original's runoff is counted; the runoff filled its seat. */
  plan_refused (f, id, SH_MINUTES_ERROR_STATE);
  plan_refused (f, runoff, SH_MINUTES_ERROR_STATE);
}

/* No one over half, then a tie in the runoff that leaves the seat empty
 * (a runoff of a runoff), then a third round that fills it. */
static void
test_runoff_of_runoff (Fixture *f, gconstpointer data)
{
  static const char *const names[] = { "张三", "李四", "王五", NULL };
  static const guint none[N_FULL] = { 1, 1, 1, 2, 2, 2, 4, 4, 0, 0 };  /* 3, 3, 2 */
  static const guint split[N_FULL] = { 1, 1, 1, 1, 1, 2, 2, 2, 2, 2 }; /* 5:5 of 10 */
  static const guint third[N_FULL] = { 1, 1, 1, 1, 1, 1, 2, 2, 2, 2 }; /* 6:4 */
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElectionRunoff) p = NULL;
  g_autoptr (ShElectionRunoff) p2 = NULL;
  g_autoptr (ShElectionOutcome) o = NULL;
  g_autoptr (ShMotion) m3 = NULL;
  gint64 id = election_ok (f, names, 2), r1, r2;

  transition (f, SH_MEETING_IN_PROGRESS);
  vote (f, id, none);
  p = sh_election_runoff_plan (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_false (p->tie);
  g_assert_cmpuint (p->seats, ==, 2);
  assert_names (p->candidates, names);
  r1 = sh_election_runoff_create (f->store, id, f->account[0], &error);
  g_assert_no_error (error);
  /* 张三 5, 李四 5, 王五 0: a tie, but not over half of 10, so no one
   * passes and the two seats stay open for all three again. */
  vote (f, r1, split);
  p2 = sh_election_runoff_plan (f->store, r1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p2->seats, ==, 2);
  g_assert_false (p2->tie);
  r2 = sh_election_runoff_create (f->store, r1, f->account[0], &error);
  g_assert_no_error (error);
  m3 = sh_motion_get (f->store, r2, &error);
  g_assert_cmpstr (m3->title, ==, "选举支部委员（第2次另行选举）");
  vote (f, r2, third); /* 张三 6, 李四 4, 王五 0 */
  o = sh_election_outcome (f->store, r1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (o->motion_id, ==, id);
  g_assert_cmpint (o->last_motion_id, ==, r2);
  g_assert_cmpuint (o->rounds, ==, 3);
  g_assert_cmpuint (o->open_seats, ==, 1);
  assert_names (o->elected, (const char *const[]){ "张三", NULL });
  /* Each election has at most one runoff. */
  plan_refused (f, id, SH_MINUTES_ERROR_STATE);
  plan_refused (f, r1, SH_MINUTES_ERROR_STATE);
  /* The last one may be run off again. */
  g_clear_pointer (&p, sh_election_runoff_free);
  p = sh_election_runoff_plan (f->store, r2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->seats, ==, 1);
  assert_names (p->candidates, (const char *const[]){ "李四", "王五", NULL });
}

/* Hostile starts: an election with all seats filled, a motion that is no
 * election with candidates, one candidate left, a meeting no longer on. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  static const char *const pair[] = { "张三", "李四", NULL };
  static const guint all_for[N_FULL] = { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 };
  static const guint one_fails[N_FULL] = { 1, 1, 1, 1, 1, 1, 3, 3, 0, 0 }; /* 8, 2 */
  static const guint six_four[N_FULL] = { 1, 1, 1, 1, 1, 1, 2, 2, 2, 2 };  /* one seat */
  g_autoptr (GError) error = NULL;
  gint64 filled = election_ok (f, pair, 2);
  gint64 equal = election_ok (f, pair, 2);
  gint64 open = election_ok (f, pair, 1);
  gint64 ordinary = sh_motion_create (f->store, f->meeting, SH_MOTION_ORDINARY, "预算", NULL, 0,
                                      FALSE, f->account[0], &error);
  gint64 none = election_ok (f, pair, 1);
  static const guint nobody[N_FULL] = { 0 };

  g_assert_no_error (error);
  transition (f, SH_MEETING_IN_PROGRESS);
  vote (f, filled, all_for);
  plan_refused (f, filled, SH_MINUTES_ERROR_STATE);
  /* 等额, one failed: a single candidate cannot be run off. */
  vote (f, equal, one_fails);
  plan_refused (f, equal, SH_MINUTES_ERROR_STATE);
  vote (f, open, six_four);
  plan_refused (f, open, SH_MINUTES_ERROR_STATE); /* 6 of 10 filled the seat */
  plan_refused (f, ordinary, SH_MINUTES_ERROR_INVALID);
  plan_refused (f, 99999, SH_MINUTES_ERROR_NOT_FOUND);
  vote (f, none, nobody);
  transition (f, SH_MEETING_ENDED);
  /* The meeting is over: the plan is still readable, no runoff is made. */
  {
    g_autoptr (ShElectionRunoff) p = sh_election_runoff_plan (f->store, none, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (p->seats, ==, 1);
  }
  g_assert_cmpint (sh_election_runoff_create (f->store, none, f->account[0], &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/election-runoff/eligible-table", test_eligible_table);
#define ADD(name, fn)                                                                              \
  g_test_add ("/election-runoff/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("tie", test_tie_runoff);
  ADD ("runoff-of-runoff", test_runoff_of_runoff);
  ADD ("refused", test_refused);
#undef ADD
  return g_test_run ();
}
