/* Internal to the minutes module: the store's connection and helpers shared
 * by the record files. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"
#include <sqlite3.h>

struct _ShStore {
  sqlite3 *db;
  char *path;
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
