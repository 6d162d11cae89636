/* Tests for motions, written opinions and votes (minutes/src/motion.c,
 * opinion.c, vote.c, ballot-box.c): the start rule at every edge of the
 * quorum, who counts as present, written opinions, passing against the
 * expected voting members, void votes, and a secrecy test that dumps every
 * table of a real SQLite file after secret ballots and tries every join it
 * can think of. SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#include <string.h>

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* ------------------------------------------------------- the start rule */

typedef struct {
  const char *what;
  ShMeetingType type;
  ShMotionKind kind;
  guint expected, present, share;
  gboolean approval_required, approval_recorded;
  guint quorum; /* 0: refused with code */
  ShMinutesError code;
} StartCase;

static const StartCase start_cases[] = {
  { "exactly half is no quorum", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 10, 5, 80, TRUE, FALSE, 0,
    SH_MINUTES_ERROR_STATE },
  { "one over half is", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 10, 6, 80, TRUE, FALSE, 6 },
  { "odd: more than half of 9 is 5", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 9, 5, 80, TRUE, FALSE,
    5 },
  { "odd: 4 of 9 is not", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 9, 4, 80, TRUE, FALSE, 0,
    SH_MINUTES_ERROR_STATE },
  { "everyone present", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 1, 1, 80, TRUE, FALSE, 1 },
  { "committee: more than half of it", SH_MEETING_COMMITTEE, SH_MOTION_ORDINARY, 5, 3, 80, TRUE,
    FALSE, 3 },
  { "committee: 2 of 5 is not", SH_MEETING_COMMITTEE, SH_MOTION_ORDINARY, 5, 2, 80, TRUE, FALSE, 0,
    SH_MINUTES_ERROR_STATE },
  { "a lesson takes no votes", SH_MEETING_LESSON, SH_MOTION_ORDINARY, 10, 10, 80, TRUE, FALSE, 0,
    SH_MINUTES_ERROR_INVALID },
  { "a group meeting takes no votes", SH_MEETING_GROUP, SH_MOTION_ORDINARY, 10, 10, 80, TRUE, FALSE,
    0, SH_MINUTES_ERROR_INVALID },
  { "a party day takes no votes", SH_MEETING_PARTY_DAY, SH_MOTION_ORDINARY, 10, 10, 80, TRUE, FALSE,
    0, SH_MINUTES_ERROR_INVALID },
  { "election: 4/5 of 10 is 8", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 10, 8, 80, TRUE, TRUE, 8 },
  { "election: 7 of 10 is not", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 10, 7, 80, TRUE, TRUE, 0,
    SH_MINUTES_ERROR_STATE },
  { "election: 4/5 of 11 rounds up to 9", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 11, 8, 80, TRUE,
    TRUE, 0, SH_MINUTES_ERROR_STATE },
  { "election: 9 of 11", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 11, 9, 80, TRUE, TRUE, 9 },
  { "election share configured to 67%: 6.03 of 9 is 7", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 9,
    7, 67, TRUE, TRUE, 7 },
  { "election share 67%: 6 of 9 is not", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 9, 6, 67, TRUE,
    TRUE, 0, SH_MINUTES_ERROR_STATE },
  { "election: share never below the quorum", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 10, 6, 50,
    TRUE, TRUE, 6 },
  { "admission online needs the approval", SH_MEETING_GENERAL, SH_MOTION_ADMISSION, 10, 10, 80,
    TRUE, FALSE, 0, SH_MINUTES_ERROR_STATE },
  { "conversion online needs the approval", SH_MEETING_GENERAL, SH_MOTION_CONVERSION, 10, 10, 80,
    TRUE, FALSE, 0, SH_MINUTES_ERROR_STATE },
  { "election online needs the approval", SH_MEETING_GENERAL, SH_MOTION_ELECTION, 10, 10, 80, TRUE,
    FALSE, 0, SH_MINUTES_ERROR_STATE },
  { "admission with the approval", SH_MEETING_GENERAL, SH_MOTION_ADMISSION, 10, 6, 80, TRUE, TRUE,
    6 },
  { "admission where no approval is needed", SH_MEETING_GENERAL, SH_MOTION_ADMISSION, 10, 6, 80,
    FALSE, FALSE, 6 },
  { "nobody expected with a vote", SH_MEETING_GENERAL, SH_MOTION_ORDINARY, 0, 0, 80, TRUE, FALSE, 0,
    SH_MINUTES_ERROR_STATE },
};

static void
test_start_rule_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (start_cases); i++) {
    const StartCase *c = &start_cases[i];
    g_autoptr (GError) error = NULL;
    guint q = sh_vote_check_start (c->type, c->kind, c->expected, c->present, c->share,
                                   c->approval_required, c->approval_recorded, &error);

    g_test_message ("%s", c->what);
    g_assert_cmpuint (q, ==, c->quorum);
    if (c->quorum)
      g_assert_no_error (error);
    else
      g_assert_error (error, SH_MINUTES_ERROR, (gint) c->code);
  }
}

/* -------------------------------------------------- a meeting with votes */

enum { N_FULL = 6 };

typedef struct {
  ShStore *store;
  char *dir;
  char *path;
  gint64 branch, other_branch;
  gint64 full[N_FULL]; /* the expected voting members */
  gint64 full_account[N_FULL];
  gint64 probationary, watched, excluded, visitor;
  gint64 probationary_account, watched_account, excluded_account, visitor_account, guest_account;
  gint64 meeting;
} Fixture;

static void
set_up_store (Fixture *f, ShStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  ShMember watched = { 0 };
  ShExclusion x = { 0 };
  gint64 committee;

  f->store = store;
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  f->other_branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第二党支部");
  for (guint i = 0; i < N_FULL; i++) {
    g_autofree char *name = g_strdup_printf ("党员%u", i);
    g_autofree char *login = g_strdup_printf ("full%u", i);

    f->full[i] = minutes_fixture_member (f->store, f->branch, name, SH_MEMBER_FULL, 0);
    f->full_account[i] = minutes_fixture_account (f->store, login, name, f->full[i]);
  }
  f->probationary = minutes_fixture_member (f->store, f->branch, "预备", SH_MEMBER_PROBATIONARY, 0);
  watched.branch_id = f->branch;
  watched.name = (char *) "察看";
  watched.status = SH_MEMBER_FULL;
  watched.under_probation = TRUE;
  watched.active = TRUE;
  f->watched = minutes_fixture_create_member (f->store, &watched);
  f->excluded = minutes_fixture_member (f->store, f->branch, "病假", SH_MEMBER_FULL, 0);
  f->visitor
      = minutes_fixture_member (f->store, f->other_branch, "流动", SH_MEMBER_FULL, f->branch);
  f->probationary_account = minutes_fixture_account (f->store, "prob", "预备", f->probationary);
  f->watched_account = minutes_fixture_account (f->store, "watched", "察看", f->watched);
  f->excluded_account = minutes_fixture_account (f->store, "excluded", "病假", f->excluded);
  f->visitor_account = minutes_fixture_account (f->store, "visitor", "流动", f->visitor);
  f->guest_account = minutes_fixture_account (f->store, "guest", "列席", 0);
  x.member_id = f->excluded;
  x.reason = SH_EXCLUSION_ILLNESS;
  x.approver = (char *) "机关党委";
  x.starts_at = g_get_real_time () - DAY;
  x.recorded_by = f->full_account[0];
  g_assert_cmpint (sh_exclusion_create (f->store, &x, &error), >, 0);
  g_assert_no_error (error);
  m = minutes_fixture_meeting (f->branch, SH_MEETING_GENERAL, "支部党员大会",
                               g_get_real_time () + DAY);
  m->chair_member_id = f->full[0];
  f->meeting = sh_meeting_create (f->store, m, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sh_meeting_guest_add (f->store, f->meeting, f->guest_account, NULL,
                                         f->full_account[0], &error),
                   >, 0);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  set_up_store (f, minutes_fixture_open_memory ());
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static gint64
motion_ok (Fixture *f, ShMotionKind kind, const char *title, const char *candidate,
           gint64 candidate_member, gboolean secret)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_motion_create (f->store, f->meeting, kind, title, candidate, candidate_member,
                                secret, f->full_account[0], &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
start_meeting (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
}

static GArray *
members (const gint64 *ids, guint n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (a, ids, n);
  return a;
}

static void
record_approval (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (sh_vote_approval_record (f->store, f->meeting, "机关党委 2026年12月1日 同意",
                                          f->full_account[0], &error));
  g_assert_no_error (error);
}

static void
test_motions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (ShMotion) conversion = NULL;
  gint64 ordinary, admission, conv;

  ordinary = motion_ok (f, SH_MOTION_ORDINARY, "审议年度工作报告", NULL, 0, FALSE);
  admission = motion_ok (f, SH_MOTION_ADMISSION, "接收王某为预备党员", "王某", 0, FALSE);
  conv = motion_ok (f, SH_MOTION_CONVERSION, "预备党员转正", NULL, f->probationary, FALSE);
  conversion = sh_motion_get (f->store, conv, &error);
  g_assert_no_error (error);
  g_assert_true (conversion->secret); /* forced */
  g_assert_cmpstr (conversion->candidate, ==, "预备");
  /* A conversion names a probationary member of the branch, one at a time. */
  g_assert_cmpint (sh_motion_create (f->store, f->meeting, SH_MOTION_CONVERSION, "转正", NULL,
                                     f->full[1], TRUE, 0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (sh_motion_create (f->store, f->meeting, SH_MOTION_CONVERSION, "转正", NULL, 0,
                                     TRUE, 0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (
      sh_motion_create (f->store, f->meeting, SH_MOTION_ADMISSION, "发展", " ", 0, TRUE, 0, &error),
      ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (sh_motion_withdraw (f->store, ordinary, f->full_account[0], &error));
  g_assert_false (sh_motion_withdraw (f->store, ordinary, f->full_account[0], &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  list = sh_motion_list (f->store, f->meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpint (((ShMotion *) list->pdata[0])->withdrawn_at, >, 0);
  start_meeting (f);
  /* After the start: no new announced motion, no withdrawal; ad hoc only. */
  g_assert_false (sh_motion_withdraw (f->store, admission, f->full_account[0], &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (sh_motion_create (f->store, f->meeting, SH_MOTION_ORDINARY, "临时", NULL, 0,
                                     FALSE, 0, &error),
                   ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  g_assert_cmpint (sh_motion_create_ad_hoc (f->store, f->meeting, "临时动议", FALSE, 0, &error), >,
                   0);
  g_assert_no_error (error);
}

static void
opinion_fails (Fixture *f, gint64 motion, gint64 account, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (sh_opinion_submit (f->store, motion, account, SH_VOTE_FOR, "同意", &error), ==,
                   0);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
}

static void
test_opinions_who_and_when (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 admission = motion_ok (f, SH_MOTION_ADMISSION, "接收王某", "王某", 0, TRUE);
  gint64 ordinary = motion_ok (f, SH_MOTION_ORDINARY, "一般事项", NULL, 0, FALSE);

  g_assert_cmpint (
      sh_opinion_submit (f->store, admission, f->full_account[5], SH_VOTE_FOR, "同意接收", &error),
      >, 0);
  g_assert_no_error (error);
  opinion_fails (f, admission, f->full_account[5], SH_MINUTES_ERROR_CONFLICT);
  opinion_fails (f, ordinary, f->full_account[4], SH_MINUTES_ERROR_INVALID);
  /* Without a vote, or not expected: probationary, 留党察看, excluded,
   * a visiting migrant, a guest. */
  opinion_fails (f, admission, f->probationary_account, SH_MINUTES_ERROR_INVALID);
  opinion_fails (f, admission, f->watched_account, SH_MINUTES_ERROR_INVALID);
  opinion_fails (f, admission, f->excluded_account, SH_MINUTES_ERROR_INVALID);
  opinion_fails (f, admission, f->visitor_account, SH_MINUTES_ERROR_INVALID);
  opinion_fails (f, admission, f->guest_account, SH_MINUTES_ERROR_INVALID);
  start_meeting (f);
  opinion_fails (f, admission, f->full_account[4], SH_MINUTES_ERROR_STATE);
}

static ShVote *
open_fails (Fixture *f, gint64 motion, const gint64 *present, guint n, ShMinutesError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) p = members (present, n);
  ShVote *v = sh_vote_open (f->store, motion, p, f->full_account[0], &error);

  g_assert_null (v);
  g_assert_error (error, SH_MINUTES_ERROR, (gint) code);
  return NULL;
}

static ShVote *
open_ok (Fixture *f, gint64 motion, const gint64 *present, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) p = members (present, n);
  ShVote *v = sh_vote_open (f->store, motion, p, f->full_account[0], &error);

  g_assert_no_error (error);
  g_assert_nonnull (v);
  return v;
}

static void
cast_ok (ShBallotBox *box, gint64 member, ShVoteChoice choice)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *receipt = NULL;

  g_assert_true (sh_ballot_box_cast (box, member, choice, &receipt, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (receipt), ==, 32);
}

static gint64
motion_ok_ad_hoc (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_motion_create_ad_hoc (f->store, f->meeting, "临时动议", FALSE, 0, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
motion_ok_ad_hoc_secret (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_motion_create_ad_hoc (f->store, f->meeting, "无记名表决", TRUE, 0, &error);

  g_assert_no_error (error);
  return id;
}

/* Six expected voting members: quorum 4; passing needs 4 in favour. */
static void
test_quorum_counts_only_expected_voters (Fixture *f, gconstpointer data)
{
  g_autoptr (ShVote) v = NULL;
  gint64 motion = motion_ok (f, SH_MOTION_ORDINARY, "审议", NULL, 0, TRUE);
  const gint64 three[] = { f->full[0], f->full[1], f->full[2] };
  /* Three voting members and every kind of attendee without a vote, and
   * the same member twice: still three. */
  const gint64 crowd[] = { f->full[0],      f->full[1], f->full[2],  f->full[2],
                           f->probationary, f->watched, f->excluded, f->visitor };
  const gint64 four[] = { f->full[0], f->full[1], f->full[2], f->full[3] };

  /* Not before the meeting starts. */
  open_fails (f, motion, four, 4, SH_MINUTES_ERROR_STATE);
  start_meeting (f);
  open_fails (f, motion, three, 3, SH_MINUTES_ERROR_STATE);
  open_fails (f, motion, crowd, G_N_ELEMENTS (crowd), SH_MINUTES_ERROR_STATE);
  v = open_ok (f, motion, four, 4);
  g_assert_cmpuint (v->expected_voting, ==, N_FULL);
  g_assert_cmpuint (v->present_at_start, ==, 4);
  g_assert_cmpuint (v->quorum, ==, 4);
  /* One vote at a time per meeting. */
  open_fails (f, motion_ok_ad_hoc (f), four, 4, SH_MINUTES_ERROR_CONFLICT);
}

/* Passing is against the expected voting members, not those present. */
static void
test_pass_against_expected (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) result = NULL;
  g_autoptr (ShVote) again = NULL;
  g_autoptr (ShVote) second = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new (FALSE);
  g_autoptr (ShBallotBox) box2 = sh_ballot_box_new (FALSE);
  g_autoptr (GArray) voters = NULL;
  gint64 motion = motion_ok (f, SH_MOTION_ORDINARY, "审议", NULL, 0, FALSE);
  gint64 other = motion_ok (f, SH_MOTION_ORDINARY, "另一事项", NULL, 0, FALSE);
  const gint64 four[] = { f->full[0], f->full[1], f->full[2], f->full[3] };

  start_meeting (f);
  v = open_ok (f, motion, four, 4);
  /* Three of four present in favour: a majority of those present, not of
   * the six expected. */
  cast_ok (box, f->full[0], SH_VOTE_FOR);
  cast_ok (box, f->full[1], SH_VOTE_FOR);
  cast_ok (box, f->full[2], SH_VOTE_FOR);
  cast_ok (box, f->full[3], SH_VOTE_AGAINST);
  g_assert_false (sh_ballot_box_cast (box, f->full[3], SH_VOTE_FOR, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (sh_ballot_box_count (box), ==, 4);
  result = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->state, ==, SH_VOTE_CLOSED);
  g_assert_cmpuint (result->ballots[SH_VOTE_FOR], ==, 3);
  g_assert_cmpuint (result->ballots[SH_VOTE_AGAINST], ==, 1);
  g_assert_false (result->passed);
  /* An open vote's record says who voted how. */
  voters = sh_vote_voters (f->store, v->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (voters->len, ==, 4);
  for (guint i = 0; i < voters->len; i++)
    g_assert_cmpint (g_array_index (voters, ShVoteVoter, i).choice, >=, 0);
  /* Closed once; a decided motion is not voted again. */
  g_assert_null (sh_vote_close (f->store, v->id, box, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  open_fails (f, motion, four, 4, SH_MINUTES_ERROR_STATE);
  /* Four of six in favour passes. */
  second = open_ok (f, other, four, 4);
  for (guint i = 0; i < 4; i++)
    cast_ok (box2, four[i], SH_VOTE_FOR);
  again = sh_vote_close (f->store, second->id, box2, &error);
  g_assert_no_error (error);
  g_assert_true (again->passed);
}

/* Written opinions count, unless their member attends the vote. */
static void
test_written_opinions_counted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) result = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new (TRUE);
  g_autoptr (GPtrArray) opinions = NULL;
  gint64 motion = motion_ok (f, SH_MOTION_ADMISSION, "接收王某为预备党员", "王某", 0, TRUE);
  const gint64 four[] = { f->full[0], f->full[1], f->full[2], f->full[3] };

  g_assert_cmpint (
      sh_opinion_submit (f->store, motion, f->full_account[5], SH_VOTE_FOR, "同意", &error), >, 0);
  g_assert_cmpint (
      sh_opinion_submit (f->store, motion, f->full_account[4], SH_VOTE_AGAINST, "不同意", &error),
      >, 0);
  g_assert_no_error (error);
  start_meeting (f);
  /* Without the higher organization's approval: refused. */
  open_fails (f, motion, four, 4, SH_MINUTES_ERROR_STATE);
  record_approval (f);
  v = open_ok (f, motion, four, 4);
  g_assert_true (v->secret);
  /* Member 4 came after all: their opinion is void. */
  sh_ballot_box_mark_present (box, f->full[4]);
  cast_ok (box, f->full[0], SH_VOTE_FOR);
  cast_ok (box, f->full[1], SH_VOTE_FOR);
  cast_ok (box, f->full[2], SH_VOTE_FOR);
  cast_ok (box, f->full[4], SH_VOTE_FOR);
  result = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->ballots[SH_VOTE_FOR], ==, 4);
  g_assert_cmpuint (result->opinions[SH_VOTE_FOR], ==, 1);
  g_assert_cmpuint (result->opinions[SH_VOTE_AGAINST], ==, 0);
  g_assert_true (result->passed);
  opinions = sh_opinion_list (f->store, motion, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((ShWrittenOpinion *) opinions->pdata[0])->voided_by_vote, ==, 0);
  g_assert_cmpint (((ShWrittenOpinion *) opinions->pdata[1])->voided_by_vote, ==, v->id);
}

/* Three for in the room and one written opinion for: 4 of 6 passes; the
 * same three without the opinion would not. */
static void
test_opinion_makes_the_difference (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) result = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new (TRUE);
  gint64 motion = motion_ok (f, SH_MOTION_CONVERSION, "转正", NULL, f->probationary, TRUE);
  const gint64 four[] = { f->full[0], f->full[1], f->full[2], f->full[3] };
  ShVoteSettings no_approval = { FALSE, SH_VOTE_ELECTION_SHARE_DEFAULT };

  g_assert_cmpint (
      sh_opinion_submit (f->store, motion, f->full_account[5], SH_VOTE_FOR, "同意", &error), >, 0);
  g_assert_true (sh_vote_settings_set (f->store, f->branch, &no_approval, &error));
  g_assert_no_error (error);
  start_meeting (f);
  v = open_ok (f, motion, four, 4);
  cast_ok (box, f->full[0], SH_VOTE_FOR);
  cast_ok (box, f->full[1], SH_VOTE_FOR);
  cast_ok (box, f->full[2], SH_VOTE_FOR);
  cast_ok (box, f->full[3], SH_VOTE_ABSTAIN);
  result = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_true (result->passed);
  g_assert_false (sh_rules_motion_passes (result->ballots[SH_VOTE_FOR], result->expected_voting));
}

/* Quorum lost part-way: the vote is void, nothing of its ballots kept, and
 * the motion may be voted again. */
static void
test_quorum_lost_voids (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) stored = NULL;
  g_autoptr (ShVote) retry = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new (TRUE);
  g_autoptr (GArray) p = NULL;
  g_autoptr (GArray) voters = NULL;
  g_auto (GStrv) receipts = NULL;
  gint64 motion = motion_ok (f, SH_MOTION_ORDINARY, "审议", NULL, 0, TRUE);
  const gint64 four[] = { f->full[0], f->full[1], f->full[2], f->full[3] };

  start_meeting (f);
  v = open_ok (f, motion, four, 4);
  cast_ok (box, f->full[0], SH_VOTE_FOR);
  p = members (four, 4);
  g_assert_true (sh_vote_quorum_held (f->store, v, p, &error));
  g_array_set_size (p, 3);
  g_assert_false (sh_vote_quorum_held (f->store, v, p, &error));
  g_assert_no_error (error);
  g_assert_true (sh_vote_void (f->store, v->id, "到会人数不足，表决无效", &error));
  g_assert_no_error (error);
  stored = sh_vote_get (f->store, v->id, &error);
  g_assert_cmpint (stored->state, ==, SH_VOTE_VOID);
  g_assert_cmpstr (stored->void_reason, ==, "到会人数不足，表决无效");
  voters = sh_vote_voters (f->store, v->id, &error);
  receipts = sh_vote_receipts (f->store, v->id, &error);
  g_assert_cmpuint (voters->len, ==, 0);
  g_assert_cmpuint (g_strv_length (receipts), ==, 0);
  retry = open_ok (f, motion, four, 4);
  g_assert_cmpint (sh_vote_void_all_open (f->store, "服务器重启", &error), ==, 1);
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------- secrecy */

typedef struct {
  gint64 member;
  ShVoteChoice choice;
  char *receipt;
} Cast;

/* Every value of every row of every table, as text, one row at a time. */
static GPtrArray *
dump_rows (sqlite3 *db, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", table);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

    for (int c = 0; c < sqlite3_column_count (stmt); c++) {
      const char *t = (const char *) sqlite3_column_text (stmt, c);

      g_ptr_array_add (row, g_strdup_printf ("%s=%s", sqlite3_column_name (stmt, c), t ? t : ""));
    }
    g_ptr_array_add (rows, row);
  }
  sqlite3_finalize (stmt);
  return rows;
}

/* Whether a value of @row is @value (in any column). */
static gboolean
row_has (GPtrArray *row, const char *value)
{
  for (guint i = 0; i < row->len; i++) {
    const char *cell = strchr (g_ptr_array_index (row, i), '=') + 1;

    if (g_strcmp0 (cell, value) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Whether a column of @row that names a member or an account is @id. */
static gboolean
row_names (GPtrArray *row, const char *id)
{
  for (guint i = 0; i < row->len; i++) {
    const char *cell = g_ptr_array_index (row, i);
    const char *eq = strchr (cell, '=');

    if ((g_strstr_len (cell, eq - cell, "member") || g_strstr_len (cell, eq - cell, "by")
         || g_strstr_len (cell, eq - cell, "account"))
        && g_strcmp0 (eq + 1, id) == 0)
      return TRUE;
  }
  return FALSE;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &bytes, &len, NULL))
    return FALSE;
  return g_strstr_len (bytes, (gssize) len, needle) != NULL
         || memmem (bytes, len, needle, strlen (needle)) != NULL;
}

static void
test_secret_ballots_cannot_be_joined (void)
{
  g_autoptr (GError) error = NULL;
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  ShStore *store = minutes_fixture_open_tmp ("sanhui-vote-XXXXXX", &dir, &path);
  g_autoptr (GPtrArray) casts = g_ptr_array_new ();
  Cast all[3][N_FULL];
  gint64 vote_ids[3];
  static const ShVoteChoice pattern[3][N_FULL] = {
    { SH_VOTE_FOR, SH_VOTE_AGAINST, SH_VOTE_FOR, SH_VOTE_ABSTAIN, SH_VOTE_FOR, SH_VOTE_AGAINST },
    { SH_VOTE_AGAINST, SH_VOTE_FOR, SH_VOTE_FOR, SH_VOTE_FOR, SH_VOTE_ABSTAIN, SH_VOTE_FOR },
    { SH_VOTE_ABSTAIN, SH_VOTE_AGAINST, SH_VOTE_FOR, SH_VOTE_FOR, SH_VOTE_FOR, SH_VOTE_AGAINST },
  };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  set_up_store (f, store);
  start_meeting (f);
  for (guint k = 0; k < 3; k++) {
    g_autoptr (ShBallotBox) box = sh_ballot_box_new (TRUE);
    g_autoptr (ShVote) v = NULL;
    g_autoptr (ShVote) result = NULL;
    g_autoptr (GArray) present = members (f->full, N_FULL);

    v = sh_vote_open (f->store, motion_ok_ad_hoc_secret (f), present, f->full_account[0], &error);
    g_assert_no_error (error);
    vote_ids[k] = v->id;
    /* Cast in an order that is neither the members' ids nor the choices'. */
    for (guint j = 0; j < N_FULL; j++) {
      guint i = (j * 5 + k) % N_FULL;
      Cast *c = &all[k][i];

      c->member = f->full[i];
      c->choice = pattern[k][i];
      g_assert_true (sh_ballot_box_cast (box, c->member, c->choice, &c->receipt, &error));
      g_assert_no_error (error);
    }
    result = sh_vote_close (f->store, v->id, box, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->ballots[SH_VOTE_FOR] + result->ballots[SH_VOTE_AGAINST]
                          + result->ballots[SH_VOTE_ABSTAIN],
                      ==, N_FULL);
  }
  /* Read the file as an administrator would, beside the running store. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    const char *table = (const char *) sqlite3_column_text (stmt, 0);
    g_autoptr (GPtrArray) rows = dump_rows (db, table);

    for (guint r = 0; r < rows->len; r++) {
      GPtrArray *row = g_ptr_array_index (rows, r);

      for (guint k = 0; k < 3; k++)
        for (guint i = 0; i < N_FULL; i++) {
          const Cast *c = &all[k][i];
          g_autofree char *member = g_strdup_printf ("%" G_GINT64_FORMAT, c->member);
          g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, f->full_account[i]);
          g_autofree char *vote = g_strdup_printf ("%" G_GINT64_FORMAT, vote_ids[k]);
          g_autofree char *hash = sh_ballot_receipt_hash (c->receipt);

          /* A row naming the voter must name neither their choice nor
           * their receipt's hash; the receipt itself is never stored. */
          if (row_names (row, member) && row_has (row, vote)) {
            g_assert_false (row_has (row, sh_vote_choice_to_string (c->choice)));
            g_assert_false (row_has (row, hash));
          }
          if (row_names (row, account) && row_has (row, vote)) {
            g_assert_false (row_has (row, sh_vote_choice_to_string (c->choice)));
            g_assert_false (row_has (row, hash));
          }
          g_assert_false (row_has (row, c->receipt));
        }
    }
  }
  sqlite3_finalize (stmt);
  /* Row order: the tables keep no rowid, and rows come back in the order of
   * their keys (members by id, receipts by hash), not as they were cast. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM vote_voters", -1, &stmt, NULL), !=,
                   SQLITE_OK);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM vote_receipts", -1, &stmt, NULL), !=,
                   SQLITE_OK);
  sqlite3_finalize (stmt);
  for (guint k = 0; k < 3; k++) {
    g_autoptr (GArray) voters = sh_vote_voters (f->store, vote_ids[k], &error);
    g_auto (GStrv) receipts = sh_vote_receipts (f->store, vote_ids[k], &error);
    g_autofree char *sql = g_strdup_printf (
        "SELECT member_id, choice FROM vote_voters WHERE vote_id = %" G_GINT64_FORMAT, vote_ids[k]);
    gint64 last = 0;

    g_assert_cmpuint (voters->len, ==, N_FULL);
    g_assert_cmpuint (g_strv_length (receipts), ==, N_FULL);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), >, last);
      last = sqlite3_column_int64 (stmt, 0);
      g_assert_cmpint (sqlite3_column_type (stmt, 1), ==, SQLITE_NULL);
    }
    sqlite3_finalize (stmt);
    /* Each voter's receipt is published (its hash), without a choice. */
    for (guint i = 0; i < N_FULL; i++) {
      g_autofree char *hash = sh_ballot_receipt_hash (all[k][i].receipt);

      g_assert_true (g_strv_contains ((const char *const *) receipts, hash));
    }
  }
  /* No time beside a voter or a receipt: the two tables have no column
   * but their keys (and a choice that is NULL for a secret vote). */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT m.name, p.name FROM sqlite_master m,"
                                       " pragma_table_info(m.name) p WHERE m.name IN"
                                       " ('vote_voters','vote_receipts')",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    const char *col = (const char *) sqlite3_column_text (stmt, 1);

    g_assert_true (g_str_equal (col, "vote_id") || g_str_equal (col, "member_id")
                   || g_str_equal (col, "choice") || g_str_equal (col, "receipt_hash"));
  }
  sqlite3_finalize (stmt);
  /* Nothing of a ballot in the room's event log either. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM meeting_events WHERE detail LIKE"
                                       " '%vote%' OR detail LIKE '%ballot%'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  /* The raw bytes of the file and its WAL: no receipt in the clear. */
  wal = g_strconcat (path, "-wal", NULL);
  for (guint k = 0; k < 3; k++)
    for (guint i = 0; i < N_FULL; i++) {
      g_assert_false (file_contains (path, all[k][i].receipt));
      g_assert_false (file_contains (wal, all[k][i].receipt));
      g_free (all[k][i].receipt);
    }
  minutes_fixture_close_tmp (store, g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vote/start-rule-table", test_start_rule_table);
#define ADD(name, fn)                                                                              \
  g_test_add ("/vote/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("motions", test_motions);
  ADD ("opinions/who-and-when", test_opinions_who_and_when);
  ADD ("quorum/only-expected-voters", test_quorum_counts_only_expected_voters);
  ADD ("pass/against-expected", test_pass_against_expected);
  ADD ("opinions/counted-or-void", test_written_opinions_counted);
  ADD ("opinions/make-the-difference", test_opinion_makes_the_difference);
  ADD ("quorum/lost-voids", test_quorum_lost_voids);
#undef ADD
  g_test_add_func ("/vote/secret/no-join", test_secret_ballots_cannot_be_joined);
  return g_test_run ();
}
