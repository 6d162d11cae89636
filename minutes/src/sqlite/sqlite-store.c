/* The SQLite backend: opening (file checks, pragmas, migrations), closing,
 * transactions, backup, and the backend table that hands the domain files
 * this backend's area tables. SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"
#include "store-exclusion.h"
#include "store-group.h"
#include "store-health.h"
#include "store-member.h"
#include "store-org.h"
#include "store-post.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* A busy database is waited for this long before failing: the server and a
 * `sanhui db backup` or `sanhui admin` command may touch the file at once. */
#define BUSY_TIMEOUT_MS 5000

static int
schema_version (ShStore *store)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = sh_sqlite_prepare (store, "PRAGMA user_version", "read schema version", NULL);
  if (!stmt || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int (stmt, 0);
}

int
sh_sqlite_latest_schema_version (void)
{
  return sh_migrations_count;
}

static gboolean
apply_migrations (ShStore *store, GError **error)
{
  int version = schema_version (store);

  if (version < 0) {
    sh_sqlite_set_error (store, "read schema version", error);
    return FALSE;
  }
  if (version > sh_migrations_count) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_NEWER_SCHEMA,
                 "database %s has schema version %d, but this Sanhui knows only up to %d: "
                 "it was written by a newer version; upgrade Sanhui instead of using this file",
                 store->path, version, sh_migrations_count);
    return FALSE;
  }
  for (int i = version; i < sh_migrations_count; i++) {
    g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", i + 1);
    g_autofree char *purpose = g_strdup_printf ("migration %d", i + 1);

    if (!sh_sqlite_exec (store, "BEGIN IMMEDIATE", purpose, error))
      return FALSE;
    if (!sh_sqlite_exec (store, sh_migrations[i], purpose, error)
        || !sh_sqlite_exec (store, set_version, purpose, error)
        || !sh_sqlite_exec (store, "COMMIT", purpose, error)) {
      sh_sqlite_exec (store, "ROLLBACK", purpose, NULL);
      return FALSE;
    }
    g_info ("store: applied migration %d", i + 1);
  }
  return TRUE;
}

/* "user NAME (uid N)": who the process runs as, for messages that say why
 * a file cannot be opened. (transfer full) */
static char *
process_user (void)
{
  return g_strdup_printf ("user %s (uid %u)", g_get_user_name (), (unsigned) geteuid ());
}

/* An error for a failed access to @path: "permission denied" spelled out
 * with the path and the process's user when that is the cause. */
static gboolean
file_error (const char *path, const char *what, int err, GError **error)
{
  g_autofree char *user = process_user ();

  if (err == EACCES || err == EPERM)
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "permission denied: %s %s as %s; check the owner and mode of %s (ls -ld)", what,
                 path, user, path);
  else if (err == EROFS)
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "permission denied: %s %s as %s: the file system is mounted read-only", what, path,
                 user);
  else
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "cannot %s %s as %s: %s", what,
                 path, user, g_strerror (err));
  return FALSE;
}

/* The database file, its -wal and -shm hold every member's name and phone
 * number and every session token: only the server's user may read them.
 * A file from an older version (or copied in by hand) is tightened. */
static void
tighten_mode (const char *path)
{
  struct stat st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (st.st_mode & 077) == 0)
    return;
  /* g_message: shown at the default log level, and not fatal in tests
   * that open a file made by hand, as g_warning would be. */
  if (g_chmod (path, 0600) == 0)
    g_message ("store: warning: %s was readable by other users (mode %04o); changed to 0600", path,
               (unsigned) (st.st_mode & 07777));
  else
    g_message ("store: warning: %s is readable by other users (mode %04o) and cannot be "
               "changed: %s",
               path, (unsigned) (st.st_mode & 07777), g_strerror (errno));
}

static void
tighten_modes (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  tighten_mode (path);
  tighten_mode (wal);
  tighten_mode (shm);
}

/* Checks what SQLite would otherwise get wrong or explain badly before it
 * opens @path: an existing file must be an SQLite database (a zero-byte
 * file would silently become a new, empty one: a truncated file or a wrong
 * path must be noticed, not papered over), readable and writable, in a
 * directory where SQLite can create the -wal and -shm files. A missing file
 * is created here with mode 0600 so that it is never readable by others,
 * whatever the umask; SQLite gives -wal and -shm the database's mode.
 * Sets *@created when the file was made here. */
static gboolean
prepare_file (const char *path, gboolean *created, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;
  char header[16];
  ssize_t n;
  int fd;

  *created = FALSE;
  if (g_stat (path, &st) != 0) {
    if (errno != ENOENT)
      return file_error (path, "open the database", errno, error);
    if (g_access (dir, W_OK | X_OK) != 0)
      return file_error (dir, "create the database in", errno, error);
    fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return file_error (path, "create the database", errno, error);
    close (fd);
    *created = TRUE;
    return TRUE;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "database %s is not a regular file", path);
    return FALSE;
  }
  if (g_access (path, R_OK | W_OK) != 0)
    return file_error (path, "read and write the database", errno, error);
  /* Left by a command run as another user (root running `sanhui db`, say):
   * SQLite would only say "unable to open database file". */
  for (int k = 0; k < 2; k++) {
    g_autofree char *side = g_strconcat (path, k == 0 ? "-wal" : "-shm", NULL);

    if (g_access (side, F_OK) == 0 && g_access (side, R_OK | W_OK) != 0)
      return file_error (side, "read and write", errno, error);
  }
  /* SQLite creates path-wal and path-shm beside the file. */
  if (g_access (dir, W_OK | X_OK) != 0)
    return file_error (dir, "create the database's -wal and -shm files in", errno, error);
  if (st.st_size == 0) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "database %s is an empty file (0 bytes), not a Sanhui database; it is not "
                 "replaced by a new one, in case it was truncated or the path is wrong. Restore "
                 "it from a backup, or delete the file to start with a new database",
                 path);
    return FALSE;
  }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return file_error (path, "read the database", errno, error);
  n = read (fd, header, sizeof header);
  close (fd);
  if (n != (ssize_t) sizeof header || memcmp (header, "SQLite format 3", sizeof header) != 0) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "%s is not an SQLite database (it does not start with the SQLite header); "
                 "check storage.database and storage.data_dir, or restore the file from a backup",
                 path);
    return FALSE;
  }
  return TRUE;
}

/* Removes a database file made by prepare_file() when opening it failed,
 * so that the next start does not find an empty file. */
static void
remove_created (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

/* The error of a failed statement while opening: SQLite says "attempt to
 * write a readonly database" or "unable to open database file"; the
 * operating system's reason says what to fix. */
static void
open_error (ShStore *store, const char *purpose, GError **error)
{
  int err = sqlite3_system_errno (sh_sqlite_db (store));
  int code = sqlite3_errcode (sh_sqlite_db (store));

  if ((code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM
       || code == SQLITE_IOERR || code == SQLITE_AUTH)
      && (err == EACCES || err == EPERM || err == EROFS)) {
    g_autofree char *what
        = g_strdup_printf ("%s (%s): write", purpose, sqlite3_errmsg (sh_sqlite_db (store)));
    file_error (store->path, what, err, error);
    return;
  }
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "database %s is damaged (%s: %s); restore it from a backup", store->path, purpose,
                 sqlite3_errmsg (sh_sqlite_db (store)));
    return;
  }
  sh_sqlite_set_error (store, purpose, error);
}

static const ShStoreBackend sqlite_backend;

static void
close_store (ShStore *store)
{
  ShSqliteStore *data = store->backend_data;

  if (!data)
    return;
  if (data->db)
    sqlite3_close_v2 (data->db);
  if (data->health)
    sh_sqlite_health_unref (data->health);
  g_array_unref (data->units);
  g_free (data);
  store->backend_data = NULL;
}

static ShStore *
open_connection (const char *path, gboolean is_file, GError **error)
{
  g_autoptr (ShStore) store = g_new0 (ShStore, 1);
  ShSqliteStore *data = g_new0 (ShSqliteStore, 1);
  int rc;

  store->backend = &sqlite_backend;
  store->backend_data = data;
  store->path = g_strdup (path);
  data->units = g_array_new (FALSE, FALSE, sizeof (gboolean));
  data->health = sh_sqlite_health_new ();
  rc = sqlite3_open_v2 (path, &data->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    if (data->db) {
      open_error (store, "open the database", error);
    } else {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                   "cannot open database %s: %s", path, sqlite3_errstr (rc));
    }
    return NULL;
  }
  sqlite3_busy_timeout (data->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (data->db, 1);
  if (!sh_sqlite_exec (store, "PRAGMA foreign_keys = ON", "enable foreign keys", error))
    return NULL;
  if (is_file) {
    char *message = NULL;

    if (sqlite3_exec (data->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL,
                      NULL, &message)
        != SQLITE_OK) {
      sqlite3_free (message);
      open_error (store, "enable WAL", error);
      return NULL;
    }
    tighten_modes (path);
  }
  if (!apply_migrations (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

ShStore *
sh_sqlite_store_open (const char *path, GError **error)
{
  /* ":memory:" and "file:" URIs are SQLite's business, not files here. */
  gboolean is_file;
  gboolean created = FALSE;
  ShStore *store;

  g_return_val_if_fail (path != NULL, NULL);
  is_file = g_strcmp0 (path, ":memory:") != 0 && !g_str_has_prefix (path, "file:");
  if (is_file && !prepare_file (path, &created, error))
    return NULL;
  store = open_connection (path, is_file, error);
  if (!store && created)
    remove_created (path);
  return store;
}

/* A unit of work inside another transaction (the caller's, or a SAVEPOINT
 * a record function opened itself) becomes a savepoint. */
static gboolean
begin (ShStore *store, GError **error)
{
  ShSqliteStore *data = store->backend_data;
  gboolean nested = !sqlite3_get_autocommit (data->db);

  if (!sh_sqlite_exec (store, nested ? "SAVEPOINT sh_txn" : "BEGIN IMMEDIATE", "begin transaction",
                       error))
    return FALSE;
  g_array_append_val (data->units, nested);
  return TRUE;
}

/* The innermost open unit: TRUE when it is a savepoint. */
static gboolean
innermost_nested (ShSqliteStore *data)
{
  g_return_val_if_fail (data->units->len > 0, FALSE);
  return g_array_index (data->units, gboolean, data->units->len - 1);
}

static gboolean
commit (ShStore *store, GError **error)
{
  ShSqliteStore *data = store->backend_data;

  if (!sh_sqlite_exec (store, innermost_nested (data) ? "RELEASE sh_txn" : "COMMIT", "commit",
                       error))
    return FALSE;
  g_array_set_size (data->units, data->units->len - 1);
  return TRUE;
}

static void
rollback (ShStore *store)
{
  ShSqliteStore *data = store->backend_data;

  sh_sqlite_exec (store,
                  innermost_nested (data) ? "ROLLBACK TO sh_txn; RELEASE sh_txn" : "ROLLBACK",
                  "roll back", NULL);
  if (data->units->len > 0)
    g_array_set_size (data->units, data->units->len - 1);
}

static gboolean
backup (ShStore *store, const char *dest_path, GError **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;
  int fd;

  g_return_val_if_fail (store != NULL && dest_path != NULL, FALSE);
  if (g_file_test (dest_path, G_FILE_TEST_EXISTS)) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                 "backup target %s already exists; choose a new file name", dest_path);
    return FALSE;
  }
  /* Made here, exclusively and with mode 0600: a backup holds everything
   * the database does, and a file that appeared since the check above is
   * not overwritten. */
  fd = g_open (dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;

    if (err == EEXIST) {
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT,
                   "backup target %s already exists; choose a new file name", dest_path);
      return FALSE;
    }
    return file_error (dest_path, "create the backup", err, error);
  }
  close (fd);
  rc = sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "cannot create %s: %s",
                 dest_path, dest ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
    sqlite3_close (dest);
    g_unlink (dest_path);
    return FALSE;
  }
  backup = sqlite3_backup_init (dest, "main", sh_sqlite_db (store), "main");
  if (!backup) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "backup to %s: %s", dest_path,
                 sqlite3_errmsg (dest));
    sqlite3_close (dest);
    g_unlink (dest_path);
    return FALSE;
  }
  /* Copy in steps so that writers are not blocked for the whole copy. */
  do {
    rc = sqlite3_backup_step (backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      sqlite3_sleep (50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "backup to %s: %s", dest_path,
                 sqlite3_errstr (rc));
    sqlite3_close (dest);
    g_unlink (dest_path);
    return FALSE;
  }
  sqlite3_close (dest);
  return TRUE;
}

static gint64
count_rows (ShStore *store, const char *table, GError **error)
{
  g_autofree char *sql = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  /* sh_store_count_rows() lets only its known table names through. */
  sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  stmt = sh_sqlite_prepare (store, sql, "count rows", error);
  if (!stmt)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW) {
    sh_sqlite_set_error (store, "count rows", error);
    return -1;
  }
  return sqlite3_column_int64 (stmt, 0);
}

static const ShStoreBackend sqlite_backend = {
  .name = "sqlite",
  .close = close_store,
  .begin = begin,
  .commit = commit,
  .rollback = rollback,
  .schema_version = schema_version,
  .latest_schema_version = sh_sqlite_latest_schema_version,
  .backup = backup,
  .count_rows = count_rows,
  .health = &sh_sqlite_health_ops,
  .org = &sh_sqlite_org_ops,
  .member = &sh_sqlite_member_ops,
  .post = &sh_sqlite_post_ops,
  .group = &sh_sqlite_group_ops,
  .exclusion = &sh_sqlite_exclusion_ops,
  .account = &sh_sqlite_account_ops,
  .account_access = &sh_sqlite_account_access_ops,
  .session = &sh_sqlite_session_ops,
  .visit = &sh_sqlite_visit_ops,
  .meeting = &sh_sqlite_meeting_ops,
  .meeting_log = &sh_sqlite_meeting_log_ops,
  .attendance = &sh_sqlite_attendance_ops,
  .leave = &sh_sqlite_leave_ops,
  .rollcall = &sh_sqlite_rollcall_ops,
  .presence = &sh_sqlite_presence_ops,
  .recording = &sh_sqlite_recording_ops,
  .recording_render = &sh_sqlite_recording_render_ops,
  .recording_access = &sh_sqlite_recording_access_ops,
  .vote = &sh_sqlite_vote_ops,
  .election = &sh_sqlite_election_ops,
  .past_meeting = &sh_sqlite_past_meeting_ops,
};
