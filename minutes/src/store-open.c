/* Which backend a store is opened with. The only file outside a backend's
 * folder that names one; nothing in the module calls into it, so the
 * domain files never depend on a backend. SPDX-License-Identifier: Apache-2.0 */
#include "sqlite/sqlite-backend.h"

ShStore *
sh_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return sh_sqlite_store_open (path, error);
}

int
sh_store_latest_schema_version (void)
{
  return sh_sqlite_latest_schema_version ();
}
