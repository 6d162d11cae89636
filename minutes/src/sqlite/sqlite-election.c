/* The SQLite backend, election area: motion_elections, motion_candidates,
 * election_results, election_tallies and election_runoffs (docs/votes.md
 * "Elections", "Runoffs"). The
 * tallies are written once at close, keyed (vote_id, position) in a
 * WITHOUT ROWID table: per-candidate counts, never a ballot.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-election.h"

static gboolean
insert_election (ShStore *store, gint64 motion_id, guint seats, const char *const *candidates,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) cand = NULL;

  stmt = sh_sqlite_prepare (
      store, "INSERT INTO motion_elections (motion_id, seats) VALUES (?1, ?2)", "记录选举", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, motion_id);
  sqlite3_bind_int (stmt, 2, (int) seats);
  if (!sh_sqlite_step_done (store, stmt, "记录选举", error))
    return FALSE;
  cand = sh_sqlite_prepare (store,
                            "INSERT INTO motion_candidates (motion_id, position, name)"
                            " VALUES (?1, ?2, ?3)",
                            "记录候选人", error);
  if (!cand)
    return FALSE;
  for (guint i = 0; candidates[i]; i++) {
    sqlite3_reset (cand);
    sqlite3_bind_int64 (cand, 1, motion_id);
    sqlite3_bind_int (cand, 2, (int) i);
    sqlite3_bind_text (cand, 3, candidates[i], -1, SQLITE_STATIC);
    if (!sh_sqlite_step_done (store, cand, "记录候选人", error))
      return FALSE;
  }
  return TRUE;
}

static ShElection *
get_election (ShStore *store, gint64 motion_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) cand = NULL;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr (ShElection) e = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT e.seats, r.runoff_of FROM motion_elections e"
                            " LEFT JOIN election_runoffs r ON r.motion_id = e.motion_id"
                            " WHERE e.motion_id = ?1",
                            "读取选举", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, motion_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取选举", error);
    return NULL;
  }
  e = g_new0 (ShElection, 1);
  e->motion_id = motion_id;
  e->seats = (guint) sqlite3_column_int (stmt, 0);
  e->runoff_of = sqlite3_column_int64 (stmt, 1);
  cand = sh_sqlite_prepare (store,
                            "SELECT name FROM motion_candidates WHERE motion_id = ?1"
                            " ORDER BY position",
                            "读取候选人", error);
  if (!cand)
    return NULL;
  sqlite3_bind_int64 (cand, 1, motion_id);
  while ((rc = sqlite3_step (cand)) == SQLITE_ROW)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (cand, 0));
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取候选人", error);
    return NULL;
  }
  e->candidates = g_strv_builder_end (names);
  return g_steal_pointer (&e);
}

static gboolean
insert_result (ShStore *store, const ShElectionResult *r, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) tally = NULL;

  stmt = sh_sqlite_prepare (store,
                            "INSERT INTO election_results (vote_id, seats, invalid_ballots,"
                            " elected, runoff) VALUES (?1, ?2, ?3, ?4, ?5)",
                            "记录选举结果", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->vote_id);
  sqlite3_bind_int (stmt, 2, (int) r->seats);
  sqlite3_bind_int (stmt, 3, (int) r->invalid);
  sqlite3_bind_int (stmt, 4, (int) r->elected);
  sqlite3_bind_int (stmt, 5, r->runoff ? 1 : 0);
  if (!sh_sqlite_step_done (store, stmt, "记录选举结果", error))
    return FALSE;
  tally = sh_sqlite_prepare (store,
                             "INSERT INTO election_tallies (vote_id, position, approvals,"
                             " disapprovals, abstentions, elected)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             "记录得票", error);
  if (!tally)
    return FALSE;
  for (guint i = 0; i < r->tallies->len; i++) {
    const ShElectionTally *t = &g_array_index (r->tallies, ShElectionTally, i);

    sqlite3_reset (tally);
    sqlite3_bind_int64 (tally, 1, r->vote_id);
    sqlite3_bind_int (tally, 2, (int) i);
    for (int c = 0; c < SH_VOTE_CHOICE_COUNT; c++)
      sqlite3_bind_int (tally, 3 + c, (int) t->marks[c]);
    sqlite3_bind_int (tally, 6, t->elected ? 1 : 0);
    if (!sh_sqlite_step_done (store, tally, "记录得票", error))
      return FALSE;
  }
  return TRUE;
}

static ShElectionResult *
get_result (ShStore *store, gint64 vote_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) tally = NULL;
  g_autoptr (ShElectionResult) r = NULL;
  int rc;

  stmt = sh_sqlite_prepare (store,
                            "SELECT seats, invalid_ballots, elected, runoff FROM election_results"
                            " WHERE vote_id = ?1",
                            "读取选举结果", error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, vote_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW) {
    sh_sqlite_set_error (store, "读取选举结果", error);
    return NULL;
  }
  r = g_new0 (ShElectionResult, 1);
  r->vote_id = vote_id;
  r->seats = (guint) sqlite3_column_int (stmt, 0);
  r->invalid = (guint) sqlite3_column_int (stmt, 1);
  r->elected = (guint) sqlite3_column_int (stmt, 2);
  r->runoff = sqlite3_column_int (stmt, 3) != 0;
  r->tallies = g_array_new (FALSE, TRUE, sizeof (ShElectionTally));
  tally = sh_sqlite_prepare (store,
                             "SELECT approvals, disapprovals, abstentions, elected"
                             " FROM election_tallies WHERE vote_id = ?1 ORDER BY position",
                             "读取得票", error);
  if (!tally)
    return NULL;
  sqlite3_bind_int64 (tally, 1, vote_id);
  while ((rc = sqlite3_step (tally)) == SQLITE_ROW) {
    ShElectionTally t = { 0 };

    for (int c = 0; c < SH_VOTE_CHOICE_COUNT; c++)
      t.marks[c] = (guint) sqlite3_column_int (tally, c);
    t.elected = sqlite3_column_int (tally, 3) != 0;
    g_array_append_val (r->tallies, t);
  }
  if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取得票", error);
    return NULL;
  }
  return g_steal_pointer (&r);
}

static gboolean
insert_runoff (ShStore *store, gint64 motion_id, gint64 runoff_of, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "INSERT INTO election_runoffs (motion_id, runoff_of) VALUES (?1, ?2)", "记录另行选举",
      error);

  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, motion_id);
  sqlite3_bind_int64 (stmt, 2, runoff_of);
  return sh_sqlite_step_done (store, stmt, "记录另行选举", error);
}

static gboolean
find_runoff (ShStore *store, gint64 runoff_of, gint64 *motion_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = sh_sqlite_prepare (
      store, "SELECT motion_id FROM election_runoffs WHERE runoff_of = ?1", "读取另行选举", error);
  int rc;

  *motion_id = 0;
  if (!stmt)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, runoff_of);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *motion_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE) {
    sh_sqlite_set_error (store, "读取另行选举", error);
    return FALSE;
  }
  return TRUE;
}

const ShElectionStoreOps sh_sqlite_election_ops = {
  .insert_election = insert_election,
  .get_election = get_election,
  .insert_result = insert_result,
  .get_result = get_result,
  .insert_runoff = insert_runoff,
  .find_runoff = find_runoff,
};
