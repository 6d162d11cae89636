/* Whether the SQLite store can serve, for /healthz: cheap checks on every
 * call, SQLite's quick_check now and then in a worker thread.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-health.h"

#include <errno.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* Below this much free space the next write may fail. */
#define MIN_FREE_BYTES (G_GUINT64_CONSTANT (1024) * 1024)

/* The tables that log-in, sessions and meetings read first. */
static const char *const needed_tables[]
    = { "accounts", "sessions", "members", "organizations", "role_grants", "meetings" };

static gboolean unhealthy (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
unhealthy (GError **error, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, message);
  return FALSE;
}

static void
health_clear (ShSqliteHealth *health)
{
  g_mutex_clear (&health->lock);
  g_free (health->problem);
}

void
sh_sqlite_health_unref (ShSqliteHealth *health)
{
  g_atomic_rc_box_release_full (health, (GDestroyNotify) health_clear);
}

ShSqliteHealth *
sh_sqlite_health_new (void)
{
  ShSqliteHealth *health = g_atomic_rc_box_new0 (ShSqliteHealth);

  g_mutex_init (&health->lock);
  return health;
}

/* Runs PRAGMA quick_check on @db: NULL when intact, else the first problem
 * it reports. (transfer full) */
static char *
quick_check (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  char *problem = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL) != SQLITE_OK)
    return g_strdup_printf ("integrity check failed: %s", sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    problem = g_strdup_printf ("integrity check failed: %s", sqlite3_errmsg (db));
  else if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    problem = g_strdup_printf ("integrity check failed: %s",
                               (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  /* quick_check reports in lines; the reason is shown on one. */
  if (problem)
    g_strdelimit (problem, "\n", ' ');
  return problem;
}

/* A check on its own read-only connection, so that the server's connection
 * (owned by the main thread) is not touched and its page cache does not
 * hide what is on the disk. (transfer full) */
static char *
quick_check_file (const char *path)
{
  sqlite3 *db = NULL;
  char *problem;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK) {
    problem = g_strdup_printf ("cannot open the database to check it: %s",
                               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
    sqlite3_close (db);
    return problem;
  }
  sqlite3_busy_timeout (db, 5000);
  problem = quick_check (db);
  sqlite3_close (db);
  return problem;
}

typedef struct {
  ShSqliteHealth *health; /* a reference */
  char *path;
} CheckJob;

static void
store_result (ShSqliteHealth *health, char *problem)
{
  g_mutex_lock (&health->lock);
  g_free (health->problem);
  health->problem = problem;
  health->have_result = TRUE;
  health->running = FALSE;
  g_mutex_unlock (&health->lock);
}

static gpointer
check_thread (gpointer user_data)
{
  CheckJob *job = user_data;

  store_result (job->health, quick_check_file (job->path));
  sh_sqlite_health_unref (job->health);
  g_free (job->path);
  g_free (job);
  return NULL;
}

/* Starts a quick check in the background when the last one is older than
 * @interval_s; the first one ever is waited for. */
static void
refresh_quick_check (ShStore *store, guint interval_s)
{
  ShSqliteHealth *health = ((ShSqliteStore *) store->backend_data)->health;
  gint64 now = g_get_monotonic_time ();
  gboolean first;
  gboolean start;
  CheckJob *job;
  GThread *thread;

  g_mutex_lock (&health->lock);
  first = !health->have_result && !health->running;
  start = first
          || (!health->running && now - health->checked_at >= (gint64) interval_s * G_USEC_PER_SEC);
  if (start) {
    health->running = TRUE;
    health->checked_at = now;
  }
  g_mutex_unlock (&health->lock);
  if (!start)
    return;
  if (first || g_strcmp0 (store->path, ":memory:") == 0) {
    /* An in-memory database exists only on the store's own connection. */
    store_result (health, g_strcmp0 (store->path, ":memory:") == 0
                              ? quick_check (sh_sqlite_db (store))
                              : quick_check_file (store->path));
    return;
  }
  job = g_new0 (CheckJob, 1);
  job->health = g_atomic_rc_box_acquire (health);
  job->path = g_strdup (store->path);
  thread = g_thread_try_new ("store-check", check_thread, job, NULL);
  if (thread) {
    g_thread_unref (thread);
  } else {
    sh_sqlite_health_unref (job->health);
    g_free (job->path);
    g_free (job);
    g_mutex_lock (&health->lock);
    health->running = FALSE;
    g_mutex_unlock (&health->lock);
  }
}

static gboolean
check_writable (ShStore *store, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  struct statvfs fs;

  if (sqlite3_db_readonly (sh_sqlite_db (store), "main") == 1)
    return unhealthy (error, "database is read-only");
  if (g_strcmp0 (store->path, ":memory:") == 0 || g_str_has_prefix (store->path, "file:"))
    return TRUE;
  dir = g_path_get_dirname (store->path);
  wal = g_strconcat (store->path, "-wal", NULL);
  shm = g_strconcat (store->path, "-shm", NULL);
  if (g_access (store->path, R_OK | W_OK) != 0)
    return unhealthy (error, "database file not writable: %s", g_strerror (errno));
  if (g_access (wal, F_OK) == 0 && g_access (wal, R_OK | W_OK) != 0)
    return unhealthy (error, "database WAL file not writable: %s", g_strerror (errno));
  if (g_access (shm, F_OK) == 0 && g_access (shm, R_OK | W_OK) != 0)
    return unhealthy (error, "database shared-memory file not writable: %s", g_strerror (errno));
  if (g_access (dir, W_OK | X_OK) != 0)
    return unhealthy (error, "data directory not writable: %s", g_strerror (errno));
  if (statvfs (dir, &fs) == 0 && (guint64) fs.f_bavail * fs.f_frsize < MIN_FREE_BYTES)
    return unhealthy (error, "disk full");
  return TRUE;
}

static gboolean
check (ShStore *store, guint quick_check_interval_s, GError **error)
{
  ShSqliteHealth *health = ((ShSqliteStore *) store->backend_data)->health;
  g_autofree char *problem = NULL;

  /* A real read of the tables the server cannot serve without; max(rowid)
   * walks from the root to a leaf, so a broken tree shows here at once. */
  for (gsize i = 0; i < G_N_ELEMENTS (needed_tables); i++) {
    g_autofree char *sql = g_strdup_printf ("SELECT max(rowid) FROM %s", needed_tables[i]);
    g_autoptr (sqlite3_stmt) stmt = NULL;

    if (sqlite3_prepare_v2 (sh_sqlite_db (store), sql, -1, &stmt, NULL) != SQLITE_OK
        || sqlite3_step (stmt) != SQLITE_ROW)
      return unhealthy (error, "cannot read table %s: %s", needed_tables[i],
                        sqlite3_errmsg (sh_sqlite_db (store)));
  }
  if (!check_writable (store, error))
    return FALSE;
  refresh_quick_check (store, quick_check_interval_s);
  g_mutex_lock (&health->lock);
  problem = g_strdup (health->problem);
  g_mutex_unlock (&health->lock);
  if (problem)
    return unhealthy (error, "%s", problem);
  return TRUE;
}

const ShHealthStoreOps sh_sqlite_health_ops = {
  .check = check,
};
