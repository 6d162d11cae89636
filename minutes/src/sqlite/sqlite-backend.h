/* The SQLite backend's entry points for store-open.c, the one file outside
 * sqlite/ that names this backend. Free of sqlite3.h on purpose.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"

/* Opens (creating and migrating as needed) the SQLite database at @path;
 * ":memory:" and "file:" URIs are passed to SQLite as they are.
 * Returns: (transfer full) a store, or NULL with @error set. */
ShStore *sh_sqlite_store_open (const char *path, GError **error);

/* The schema version this build's migrations bring a database to. */
int sh_sqlite_latest_schema_version (void);
