/* The store as the rest of Sanhui sees it: transactions, backup, counts and
 * health, whatever the backend. Calls the backend only through its tables
 * (store-backend.h), so that this file, used by every domain file, never
 * depends on a backend. SPDX-License-Identifier: Apache-2.0 */
#include "store-health.h"
#include "store-private.h"

G_DEFINE_QUARK (sh - minutes - error - quark, sh_minutes_error)

gint64
sh_store_now (void)
{
  return g_get_real_time ();
}

void
sh_store_free (ShStore *store)
{
  if (!store)
    return;
  if (store->backend && store->backend->close)
    store->backend->close (store);
  g_free (store->path);
  g_free (store);
}

int
sh_store_schema_version (ShStore *store)
{
  g_return_val_if_fail (store != NULL, -1);
  return store->backend->schema_version (store);
}

gboolean
sh_store_transaction (ShStore *store, ShStoreTxnFunc func, gpointer user_data, GError **error)
{
  const ShStoreBackend *backend;

  g_return_val_if_fail (store != NULL && func != NULL, FALSE);
  backend = store->backend;
  if (!backend->begin (store, error))
    return FALSE;
  if (func (store, user_data, error) && backend->commit (store, error))
    return TRUE;
  backend->rollback (store);
  return FALSE;
}

gboolean
sh_store_backup (ShStore *store, const char *dest_path, GError **error)
{
  g_return_val_if_fail (store != NULL && dest_path != NULL, FALSE);
  return store->backend->backup (store, dest_path, error);
}

gint64
sh_store_count_rows (ShStore *store, const char *table, GError **error)
{
  static const char *const known[]
      = { "organizations",     "members",      "committee_posts", "group_members", "exclusions",
          "accounts",          "role_grants",  "sessions",        "meetings",      "agenda_items",
          "meeting_state_log", "meeting_chat", "meeting_events",  "meeting_guests" };
  gboolean is_known = FALSE;

  g_return_val_if_fail (store != NULL, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    is_known = is_known || g_strcmp0 (known[i], table) == 0;
  /* A backend builds SQL from the name: only these constants get there. */
  g_return_val_if_fail (is_known, -1);
  return store->backend->count_rows (store, table, error);
}

gboolean
sh_store_check_health (ShStore *store, guint quick_check_interval_s, GError **error)
{
  int version;

  g_return_val_if_fail (store != NULL, FALSE);
  /* Not sh_store_latest_schema_version(): that names the backend. */
  version = sh_store_schema_version (store);
  if (version != store->backend->latest_schema_version ()) {
    g_set_error (error, SH_MINUTES_ERROR, SH_MINUTES_ERROR_DATABASE,
                 "database schema version %d, expected %d", version,
                 store->backend->latest_schema_version ());
    return FALSE;
  }
  return sh_store_ops (store, health)->check (store, quick_check_interval_s, error);
}
