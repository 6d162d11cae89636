/* Tests for elections with several candidates (minutes/src/election.c,
 * the election part of ballot-box.c and vote.c): who is elected at every
 * edge (等额 / 差额, exactly half, ties for the last seat), void
 * over-voted ballots, the election quorum to start and throughout, the
 * candidates' checks, and the secrecy test extended to elections: every
 * table of a real SQLite file dumped after an election, every join tried.
 * SPDX-License-Identifier: Apache-2.0 */
#include "minutes-fixture.h"
#include "sanhui-minutes.h"

#include <string.h>

#define DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)
#define F SH_VOTE_FOR
#define A SH_VOTE_AGAINST
#define X SH_VOTE_ABSTAIN

/* ------------------------------------------------------ who is elected */

typedef struct {
  const char *what;
  guint expected, seats, n;
  guint approvals[6];
  gboolean elected[6];
  gboolean runoff;
} DecideCase;

static const DecideCase decide_cases[] = {
  { "等额: each more than half", 10, 3, 3, { 6, 6, 6 }, { 1, 1, 1 }, FALSE },
  { "exactly half is not elected", 10, 2, 2, { 5, 9 }, { 0, 1 }, FALSE },
  { "one over half is", 10, 1, 2, { 6, 4 }, { 1, 0 }, FALSE },
  { "odd: more than half of 9 is 5", 9, 1, 2, { 5, 4 }, { 1, 0 }, FALSE },
  { "差额: the most approvals win", 10, 2, 3, { 9, 6, 7 }, { 1, 0, 1 }, FALSE },
  { "差额: a tie for the last seat elects neither", 10, 2, 3, { 9, 7, 7 }, { 1, 0, 0 }, TRUE },
  { "差额: a tie for the only seat elects no one", 10, 1, 2, { 7, 7 }, { 0, 0 }, TRUE },
  { "差额: three tied for two seats", 10, 2, 3, { 8, 8, 8 }, { 0, 0, 0 }, TRUE },
  { "a tie that fits the seats elects both", 10, 3, 4, { 9, 7, 7, 2 }, { 1, 1, 1, 0 }, FALSE },
  { "a tie below more-than-half does not matter", 10, 2, 4, { 9, 8, 5, 5 }, { 1, 1, 0, 0 }, FALSE },
  { "a tie among the passing, below the seats' count", 10, 1, 3, { 9, 7, 7 }, { 1, 0, 0 }, FALSE },
  { "nobody more than half", 10, 2, 3, { 3, 2, 1 }, { 0, 0, 0 }, FALSE },
  { "fewer passing than seats: seats stay empty", 10, 3, 4, { 6, 5, 8, 1 }, { 1, 0, 1, 0 }, FALSE },
};

static void
test_decide_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (decide_cases); i++) {
    const DecideCase *c = &decide_cases[i];
    ShElectionTally t[6] = { 0 };
    gboolean runoff = !c->runoff;
    guint elected = 0, n;

    g_test_message ("%s", c->what);
    for (guint j = 0; j < c->n; j++) {
      t[j].marks[F] = c->approvals[j];
      t[j].marks[A] = c->expected - c->approvals[j];
      t[j].elected = !c->elected[j]; /* decide sets every flag */
      elected += c->elected[j];
    }
    n = sh_election_decide (t, c->n, c->seats, c->expected, &runoff);
    g_assert_cmpuint (n, ==, elected);
    g_assert_cmpint (runoff, ==, c->runoff);
    for (guint j = 0; j < c->n; j++)
      g_assert_cmpint (t[j].elected, ==, c->elected[j]);
  }
}

/* ------------------------------------------------------------- ballots */

static void
test_ballot_box (void)
{
  g_autoptr (ShBallotBox) box = sh_ballot_box_new_election (3, 2);
  g_autoptr (GError) error = NULL;
  g_autofree char *r1 = NULL;
  g_autofree char *r2 = NULL;
  static const ShVoteChoice ok[3] = { F, A, F };
  static const ShVoteChoice over[3] = { F, F, F };
  gboolean valid = FALSE;

  g_assert_cmpuint (sh_ballot_box_candidates (box), ==, 3);
  g_assert_true (sh_ballot_box_cast_election (box, 11, ok, 3, &valid, &r1, &error));
  g_assert_no_error (error);
  g_assert_true (valid);
  g_assert_cmpuint (strlen (r1), ==, 32);
  /* Approving more than the seats: cast (a receipt), void. */
  g_assert_true (sh_ballot_box_cast_election (box, 12, over, 3, &valid, &r2, &error));
  g_assert_no_error (error);
  g_assert_false (valid);
  g_assert_cmpuint (sh_ballot_box_count (box), ==, 2);
  /* Once per member. */
  g_assert_false (sh_ballot_box_cast_election (box, 11, ok, 3, &valid, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT);
  g_clear_error (&error);
  /* A ballot that is not the candidate list, or a for/against one. */
  g_assert_false (sh_ballot_box_cast_election (box, 13, ok, 2, &valid, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (sh_ballot_box_cast (box, 13, F, NULL, &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (sh_ballot_box_count (box), ==, 2);
  /* And the other way round. */
  {
    g_autoptr (ShBallotBox) plain = sh_ballot_box_new (TRUE);

    g_assert_cmpuint (sh_ballot_box_candidates (plain), ==, 0);
    g_assert_false (sh_ballot_box_cast_election (plain, 11, ok, 3, &valid, NULL, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
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
} Fixture;

static void
set_up_store (Fixture *f, ShStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMeeting) m = NULL;
  gint64 committee;

  f->store = store;
  committee = minutes_fixture_org (f->store, 0, SH_ORG_COMMITTEE, "机关党委");
  f->branch = minutes_fixture_org (f->store, committee, SH_ORG_BRANCH, "第一党支部");
  for (guint i = 0; i < N_FULL; i++) {
    g_autofree char *name = g_strdup_printf ("党员%u", i);
    g_autofree char *login = g_strdup_printf ("full%u", i);

    f->full[i] = minutes_fixture_member (f->store, f->branch, name, SH_MEMBER_FULL, 0);
    f->account[i] = minutes_fixture_account (f->store, login, name, f->full[i]);
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
fixture_set_up (Fixture *f, gconstpointer data)
{
  set_up_store (f, minutes_fixture_open_memory ());
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  sh_store_free (f->store);
}

static void
start_meeting (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      sh_meeting_transition (f->store, f->meeting, SH_MEETING_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
}

static gint64
election_ok (Fixture *f, const char *const *names, guint seats)
{
  g_autoptr (GError) error = NULL;
  gint64 id = sh_election_create (f->store, f->meeting, "选举支部委员", names, seats, f->account[0],
                                  &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
election_fails (Fixture *f, const char *const *names, guint seats)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (
      sh_election_create (f->store, f->meeting, "选举", names, seats, f->account[0], &error), ==,
      0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
}

static GArray *
present (Fixture *f, guint n)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_vals (a, f->full, n);
  return a;
}

static void
test_candidates (Fixture *f, gconstpointer data)
{
  static const char *const one[] = { "张三", NULL };
  static const char *const dup[] = { "张三", " 张三 ", NULL };
  static const char *const empty[] = { "张三", " ", NULL };
  static const char *const three[] = { "张三", "李四 ", "王五", NULL };
  const char *many[SH_ELECTION_MAX_CANDIDATES + 2] = { NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShElection) e = NULL;
  g_autoptr (ShMotion) m = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gint64 id;

  election_fails (f, one, 1);
  election_fails (f, dup, 1);
  election_fails (f, empty, 1);
  election_fails (f, three, 0);
  election_fails (f, three, 4);
  for (guint i = 0; i < SH_ELECTION_MAX_CANDIDATES + 1; i++) {
    g_ptr_array_add (names, g_strdup_printf ("候选人%u", i));
    many[i] = g_ptr_array_index (names, i);
  }
  election_fails (f, many, 2);
  many[SH_ELECTION_MAX_CANDIDATES] = NULL;
  g_assert_cmpint (election_ok (f, many, 2), >, 0);
  id = election_ok (f, three, 2);
  e = sh_election_get (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e->seats, ==, 2);
  g_assert_cmpuint (g_strv_length (e->candidates), ==, 3);
  g_assert_cmpstr (e->candidates[1], ==, "李四"); /* trimmed, in ballot order */
  m = sh_motion_get (f->store, id, &error);
  g_assert_cmpint (m->kind, ==, SH_MOTION_ELECTION);
  g_assert_true (m->secret);
  /* A motion that is no election has no candidates. */
  g_assert_null (sh_election_get (f->store, id + 1000, &error));
  g_assert_no_error (error);
  /* Announced before the meeting only. */
  start_meeting (f);
  g_assert_cmpint (
      sh_election_create (f->store, f->meeting, "选举", three, 2, f->account[0], &error), ==, 0);
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
}

static void
cast (ShBallotBox *box, gint64 member, const ShVoteChoice *marks, guint n, gboolean valid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *receipt = NULL;
  gboolean v = !valid;

  g_assert_true (sh_ballot_box_cast_election (box, member, marks, n, &v, &receipt, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v, ==, valid);
}

/* 差额: three candidates for two seats, ten expected voting members; 4/5
 * of them (8) must be present; more than half (6) approvals elect. */
static void
test_contested_election (Fixture *f, gconstpointer data)
{
  static const char *const names[] = { "张三", "李四", "王五", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) seven = present (f, 7);
  g_autoptr (GArray) nine = present (f, 9);
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) closed = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new_election (3, 2);
  g_autoptr (ShElectionResult) r = NULL;
  gint64 id = election_ok (f, names, 2);
  static const ShVoteChoice b1[3] = { F, F, A }, b2[3] = { F, A, F }, b3[3] = { F, F, X };
  static const ShVoteChoice b4[3] = { F, F, A }, b5[3] = { X, F, F }, b6[3] = { F, F, F };
  static const ShVoteChoice b7[3] = { F, F, A }, b8[3] = { F, A, F }, b9[3] = { A, F, X };

  start_meeting (f);
  /* 7 of 10 is below the election quorum of 8. */
  g_assert_null (sh_vote_open (f->store, id, seven, f->account[0], &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
  g_clear_error (&error);
  v = sh_vote_open (f->store, id, nine, f->account[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (v->quorum, ==, 8);
  cast (box, f->full[0], b1, 3, TRUE);
  cast (box, f->full[1], b2, 3, TRUE);
  cast (box, f->full[2], b3, 3, TRUE);
  cast (box, f->full[3], b4, 3, TRUE);
  cast (box, f->full[4], b5, 3, TRUE);
  cast (box, f->full[5], b6, 3, FALSE); /* over-voted: void */
  cast (box, f->full[6], b7, 3, TRUE);
  cast (box, f->full[7], b8, 3, TRUE);
  cast (box, f->full[8], b9, 3, TRUE);
  /* A plain ballot box does not count an election. */
  {
    g_autoptr (ShBallotBox) plain = sh_ballot_box_new (TRUE);

    g_assert_null (sh_vote_close (f->store, v->id, plain, &error));
    g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID);
    g_clear_error (&error);
  }
  closed = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_cmpint (closed->state, ==, SH_VOTE_CLOSED);
  g_assert_true (closed->passed);
  r = sh_election_result_get (f->store, v->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->seats, ==, 2);
  g_assert_cmpuint (r->invalid, ==, 1);
  g_assert_cmpuint (r->elected, ==, 2);
  g_assert_false (r->runoff);
  g_assert_cmpuint (r->tallies->len, ==, 3);
  /* 张三 6 for, 李四 6, 王五 3: both over half of 10 are elected. */
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 0).marks[F], ==, 6);
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 0).marks[A], ==, 1);
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 1).marks[F], ==, 6);
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 1).marks[A], ==, 2);
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 2).marks[F], ==, 3);
  g_assert_cmpuint (g_array_index (r->tallies, ShElectionTally, 2).marks[X], ==, 2);
  g_assert_true (g_array_index (r->tallies, ShElectionTally, 0).elected);
  g_assert_true (g_array_index (r->tallies, ShElectionTally, 1).elected);
  g_assert_false (g_array_index (r->tallies, ShElectionTally, 2).elected);
  /* Decided: not voted again. */
  g_assert_null (sh_vote_open (f->store, id, nine, f->account[0], &error));
  g_assert_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_STATE);
}

/* A tie for the last seat: the record says a runoff is needed. */
static void
test_tie_needs_runoff (Fixture *f, gconstpointer data)
{
  static const char *const names[] = { "张三", "李四", "王五", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) all = present (f, N_FULL);
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) closed = NULL;
  g_autoptr (ShBallotBox) box = sh_ballot_box_new_election (3, 2);
  g_autoptr (ShElectionResult) r = NULL;
  gint64 id = election_ok (f, names, 2);
  /* 张三 8, 李四 6, 王五 6: two over half tied for the second seat. */
  static const ShVoteChoice b[N_FULL][3]
      = { { F, F, A }, { F, F, A }, { F, F, A }, { F, F, A }, { F, A, F },
          { F, A, F }, { F, A, F }, { F, A, F }, { A, F, F }, { A, F, F } };

  start_meeting (f);
  v = sh_vote_open (f->store, id, all, f->account[0], &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_FULL; i++)
    cast (box, f->full[i], b[i], 3, TRUE);
  closed = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_false (closed->passed);
  r = sh_election_result_get (f->store, v->id, &error);
  g_assert_cmpuint (r->elected, ==, 1);
  g_assert_true (r->runoff);
  g_assert_true (g_array_index (r->tallies, ShElectionTally, 0).elected);
  g_assert_false (g_array_index (r->tallies, ShElectionTally, 1).elected);
  g_assert_false (g_array_index (r->tallies, ShElectionTally, 2).elected);
}

/* The election quorum lost part-way: void, nothing counted is kept. */
static void
test_quorum_lost (Fixture *f, gconstpointer data)
{
  static const char *const names[] = { "张三", "李四", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) eight = present (f, 8);
  g_autoptr (GArray) seven = present (f, 7);
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) after = NULL;
  gint64 id = election_ok (f, names, 2); /* 等额 */

  start_meeting (f);
  v = sh_vote_open (f->store, id, eight, f->account[0], &error);
  g_assert_no_error (error);
  g_assert_true (sh_vote_quorum_held (f->store, v, eight, &error));
  /* 7 of 10 would be a meeting's quorum but not an election's. */
  g_assert_false (sh_vote_quorum_held (f->store, v, seven, &error));
  g_assert_no_error (error);
  g_assert_true (sh_vote_void (f->store, v->id, "到会人数不足", &error));
  after = sh_vote_get (f->store, v->id, &error);
  g_assert_cmpint (after->state, ==, SH_VOTE_VOID);
  g_assert_null (sh_election_result_get (f->store, v->id, &error));
  g_assert_no_error (error);
}

/* ---------------------------------------------------------------- secrecy */

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

static gboolean
row_has (GPtrArray *row, const char *value)
{
  for (guint i = 0; i < row->len; i++)
    if (g_strcmp0 (strchr (g_ptr_array_index (row, i), '=') + 1, value) == 0)
      return TRUE;
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
  return memmem (bytes, len, needle, strlen (needle)) != NULL;
}

static void
test_secret_election_cannot_be_joined (void)
{
  static const char *const names[] = { "张三", "李四", "王五", "赵六", NULL };
  /* Every voter's ballot differs, so a stored combination would name them. */
  static const ShVoteChoice ballots[N_FULL][4] = {
    { F, F, A, X }, { F, A, F, X }, { A, F, F, X }, { F, X, X, F }, { X, F, A, F },
    { F, A, A, A }, { A, A, F, F }, { X, X, X, X }, { F, F, F, X }, { A, F, X, F },
  };
  g_autoptr (GError) error = NULL;
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  ShStore *store = minutes_fixture_open_tmp ("sanhui-election-XXXXXX", &dir, &path);
  g_autoptr (ShBallotBox) box = sh_ballot_box_new_election (4, 2);
  g_autoptr (ShVote) v = NULL;
  g_autoptr (ShVote) closed = NULL;
  g_autoptr (GArray) all = NULL;
  char *receipts[N_FULL] = { NULL };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *vote = NULL;
  gint64 id;

  set_up_store (f, store);
  id = election_ok (f, names, 2);
  start_meeting (f);
  all = present (f, N_FULL);
  v = sh_vote_open (f->store, id, all, f->account[0], &error);
  g_assert_no_error (error);
  vote = g_strdup_printf ("%" G_GINT64_FORMAT, v->id);
  /* Cast in an order that is neither the members' ids nor the ballots'. */
  for (guint j = 0; j < N_FULL; j++) {
    guint i = (j * 7 + 3) % N_FULL;
    gboolean valid;

    g_assert_true (
        sh_ballot_box_cast_election (box, f->full[i], ballots[i], 4, &valid, &receipts[i], &error));
    g_assert_no_error (error);
  }
  closed = sh_vote_close (f->store, v->id, box, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    const char *table = (const char *) sqlite3_column_text (stmt, 0);
    g_autoptr (GPtrArray) rows = dump_rows (db, table);

    for (guint r = 0; r < rows->len; r++) {
      GPtrArray *row = g_ptr_array_index (rows, r);

      for (guint i = 0; i < N_FULL; i++) {
        g_autofree char *member = g_strdup_printf ("%" G_GINT64_FORMAT, f->full[i]);
        g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, f->account[i]);
        g_autofree char *hash = sh_ballot_receipt_hash (receipts[i]);
        g_autofree char *combo = g_strdup_printf ("%d%d%d%d", ballots[i][0], ballots[i][1],
                                                  ballots[i][2], ballots[i][3]);

        /* A row naming the voter in this vote names no mark, no receipt,
         * no candidate; no row anywhere holds a ballot's marks as one
         * value, nor a receipt in the clear. */
        if ((row_names (row, member) || row_names (row, account)) && row_has (row, vote)) {
          g_assert_false (row_has (row, hash));
          for (guint c = 0; c < SH_VOTE_CHOICE_COUNT; c++)
            g_assert_false (row_has (row, sh_vote_choice_to_string (c)));
          for (guint c = 0; names[c]; c++)
            g_assert_false (row_has (row, names[c]));
        }
        g_assert_false (row_has (row, combo));
        g_assert_false (row_has (row, receipts[i]));
      }
    }
  }
  sqlite3_finalize (stmt);
  /* The tallies: one row per candidate, no rowid, no column but the vote,
   * the position and the counts. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM election_tallies", -1, &stmt, NULL),
                   !=, SQLITE_OK);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT m.name, p.name FROM sqlite_master m,"
                                       " pragma_table_info(m.name) p WHERE m.name IN"
                                       " ('election_tallies','election_results')",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW) {
    const char *col = (const char *) sqlite3_column_text (stmt, 1);
    static const char *const allowed[]
        = { "vote_id", "position", "approvals",       "disapprovals", "abstentions",
            "elected", "seats",    "invalid_ballots", "runoff",       NULL };

    g_assert_true (g_strv_contains (allowed, col));
  }
  sqlite3_finalize (stmt);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM election_tallies", -1, &stmt, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 4);
  sqlite3_finalize (stmt);
  /* Joining the roll to the tallies on anything but the vote gives
   * nothing: the roll has the member and the vote, the tallies the vote
   * and the position; every voter joins every candidate alike. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT count(*) FROM vote_voters v JOIN election_tallies t"
                                       " ON t.vote_id = v.vote_id",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, N_FULL * 4);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  wal = g_strconcat (path, "-wal", NULL);
  for (guint i = 0; i < N_FULL; i++) {
    g_assert_false (file_contains (path, receipts[i]));
    g_assert_false (file_contains (wal, receipts[i]));
    g_free (receipts[i]);
  }
  minutes_fixture_close_tmp (store, g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/election/decide-table", test_decide_table);
  g_test_add_func ("/election/ballot-box", test_ballot_box);
#define ADD(name, fn)                                                                              \
  g_test_add ("/election/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("candidates", test_candidates);
  ADD ("contested", test_contested_election);
  ADD ("tie-needs-runoff", test_tie_needs_runoff);
  ADD ("quorum-lost", test_quorum_lost);
#undef ADD
  g_test_add_func ("/election/secret/no-join", test_secret_election_cannot_be_joined);
  return g_test_run ();
}
