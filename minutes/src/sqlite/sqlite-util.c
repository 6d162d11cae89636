/* Statement helpers shared by the SQLite backend's files.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sqlite-private.h"

void
sh_sqlite_set_error (ShStore *store, const char *purpose, GError **error)
{
  g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "%s: %s", purpose,
               sqlite3_errmsg (sh_sqlite_db (store)));
}

sqlite3_stmt *
sh_sqlite_prepare (ShStore *store, const char *sql, const char *purpose, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (sh_sqlite_db (store), sql, -1, &stmt, NULL) != SQLITE_OK) {
    sh_sqlite_set_error (store, purpose, error);
    return NULL;
  }
  return stmt;
}

gboolean
sh_sqlite_step_done (ShStore *store, sqlite3_stmt *stmt, const char *purpose, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  switch (sqlite3_extended_errcode (sh_sqlite_db (store))) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_CONFLICT, "%s：记录已存在", purpose);
      return FALSE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s：引用的记录不存在",
                   purpose);
      return FALSE;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_INVALID, "%s：数据不符合要求",
                   purpose);
      return FALSE;
    default:
      sh_sqlite_set_error (store, purpose, error);
      return FALSE;
  }
}

char *
sh_sqlite_column_text (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? g_strdup ((const char *) text) : NULL;
}

void
sh_sqlite_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
sh_sqlite_bind_id_or_null (sqlite3_stmt *stmt, int index, gint64 id)
{
  if (id)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

gboolean
sh_sqlite_exec (ShStore *store, const char *sql, const char *purpose, GError **error)
{
  char *message = NULL;

  if (sqlite3_exec (sh_sqlite_db (store), sql, NULL, NULL, &message) != SQLITE_OK) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE, "%s: %s", purpose,
                 message ? message : sqlite3_errmsg (sh_sqlite_db (store)));
    sqlite3_free (message);
    return FALSE;
  }
  return TRUE;
}
