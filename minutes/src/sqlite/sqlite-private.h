/* Internal to the SQLite backend (minutes/src/sqlite/): its connection, the
 * statement helpers its area files share, and its area tables. Only files
 * in sqlite/ and the tests of this backend include this header.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sqlite-backend.h"
#include "store-private.h"
#include <sqlite3.h>

/* The last result of the slow part of the health check, shared with the
 * worker thread that refreshes it (which may outlive the store, hence the
 * reference count). */
typedef struct {
  GMutex lock;
  gboolean have_result; /* a check has finished at least once */
  gboolean running;     /* a worker thread is checking now */
  gint64 checked_at;    /* monotonic time the last check started */
  char *problem;        /* NULL when the last check found the file intact */
} ShSqliteHealth;

/* The backend_data of a store this backend opened. */
typedef struct {
  sqlite3 *db;
  ShSqliteHealth *health; /* (transfer full) an atomic rc box */
  /* One entry per open unit of work, innermost last: TRUE when it is a
   * savepoint inside an outer transaction. */
  GArray *units;
} ShSqliteStore;

/* The connection of @store, which this backend opened. */
static inline sqlite3 *
sh_sqlite_db (ShStore *store)
{
  return ((ShSqliteStore *) store->backend_data)->db;
}

/* Prepares @sql; on failure sets a DATABASE error naming @purpose.
 * Returns: (transfer full) a statement to finalize, or NULL. */
sqlite3_stmt *sh_sqlite_prepare (ShStore *store, const char *sql, const char *purpose,
                                 GError **error);

/* Steps a statement expected to finish (INSERT/UPDATE/DELETE). Maps unique
 * and foreign key violations to CONFLICT / INVALID with @purpose. */
gboolean sh_sqlite_step_done (ShStore *store, sqlite3_stmt *stmt, const char *purpose,
                              GError **error);

/* Sets a DATABASE error from the connection's last message. */
void sh_sqlite_set_error (ShStore *store, const char *purpose, GError **error);

/* Text column as a newly allocated string, NULL for SQL NULL. (transfer full) */
char *sh_sqlite_column_text (sqlite3_stmt *stmt, int column);

/* Binds text, or NULL when @value is NULL. */
void sh_sqlite_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *value);
/* Binds an id, or NULL when @id is 0. */
void sh_sqlite_bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id);

/* Runs @sql (one or more statements, no parameters); on failure sets a
 * DATABASE error naming @purpose. */
gboolean sh_sqlite_exec (ShStore *store, const char *sql, const char *purpose, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The numbered migrations, in order; migration i brings the schema to i+1. */
extern const char *const sh_migrations[];
extern const int sh_migrations_count;

/* A new health cache for a store, and dropping a reference to it.
 * Returns: (transfer full). */
ShSqliteHealth *sh_sqlite_health_new (void);
void sh_sqlite_health_unref (ShSqliteHealth *health);

/* The area tables of this backend, one per sqlite-AREA.c, in the order of
 * ShStoreBackend's members. */
extern const ShHealthStoreOps sh_sqlite_health_ops;
extern const ShOrgStoreOps sh_sqlite_org_ops;
extern const ShMemberStoreOps sh_sqlite_member_ops;
extern const ShPostStoreOps sh_sqlite_post_ops;
extern const ShGroupStoreOps sh_sqlite_group_ops;
extern const ShExclusionStoreOps sh_sqlite_exclusion_ops;
extern const ShAccountStoreOps sh_sqlite_account_ops;
extern const ShAccountAccessStoreOps sh_sqlite_account_access_ops;
extern const ShSessionStoreOps sh_sqlite_session_ops;
extern const ShVisitStoreOps sh_sqlite_visit_ops;
extern const ShMeetingStoreOps sh_sqlite_meeting_ops;
extern const ShMeetingLogStoreOps sh_sqlite_meeting_log_ops;
extern const ShAttendanceStoreOps sh_sqlite_attendance_ops;
extern const ShLeaveStoreOps sh_sqlite_leave_ops;
extern const ShRollcallStoreOps sh_sqlite_rollcall_ops;
extern const ShPresenceStoreOps sh_sqlite_presence_ops;
extern const ShRecordingStoreOps sh_sqlite_recording_ops;
extern const ShRecordingRenderStoreOps sh_sqlite_recording_render_ops;
extern const ShRecordingAccessStoreOps sh_sqlite_recording_access_ops;
extern const ShVoteStoreOps sh_sqlite_vote_ops;
extern const ShElectionStoreOps sh_sqlite_election_ops;
extern const ShPastMeetingStoreOps sh_sqlite_past_meeting_ops;
