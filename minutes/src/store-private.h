/* Internal to the minutes module: the store's connection and helpers shared
 * by the record files. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"
#include <sqlite3.h>

/* The last result of the slow part of sh_store_check_health(), shared with
 * the worker thread that refreshes it (which may outlive the store, hence
 * the reference count). */
typedef struct {
  GMutex lock;
  gboolean have_result; /* a check has finished at least once */
  gboolean running;     /* a worker thread is checking now */
  gint64 checked_at;    /* monotonic time the last check started */
  char *problem;        /* NULL when the last check found the file intact */
} ShStoreHealth;

struct _ShStore {
  sqlite3 *db;
  char *path;
  ShStoreHealth *health; /* (transfer full) an atomic rc box */
};

/* Prepares @sql; on failure sets a DATABASE error naming @purpose.
 * Returns: (transfer full) a statement to finalize, or NULL. */
sqlite3_stmt *sh_store_prepare (ShStore *store, const char *sql, const char *purpose,
                                GError **error);

/* Steps a statement expected to finish (INSERT/UPDATE/DELETE). Maps unique
 * and foreign key violations to CONFLICT / INVALID with @purpose. */
gboolean sh_store_step_done (ShStore *store, sqlite3_stmt *stmt, const char *purpose,
                             GError **error);

/* Sets a DATABASE error from the connection's last message. */
void sh_store_set_error (ShStore *store, const char *purpose, GError **error);

/* Text column as a newly allocated string, NULL for SQL NULL. (transfer full) */
char *sh_store_column_text (sqlite3_stmt *stmt, int column);

/* Binds text, or NULL when @value is NULL. */
void sh_store_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *value);
/* Binds an id, or NULL when @id is 0. */
void sh_store_bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id);

/* Current time as UTC microseconds. */
gint64 sh_store_now (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The numbered migrations, in order; migration i brings the schema to i+1. */
extern const char *const sh_migrations[];
extern const int sh_migrations_count;

/* Drops a reference to the health cache (store.c, which makes it). */
void sh_store_health_unref (ShStoreHealth *health);
