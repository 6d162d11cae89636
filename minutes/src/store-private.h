/* Internal to the minutes module: the store as the domain files see it, a
 * backend (store-backend.h) and its private data. Nothing here knows
 * which backend it is. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-minutes.h"
#include "store-backend.h"

struct _ShStore {
  const ShStoreBackend *backend;
  gpointer backend_data; /* owned by the backend, freed by its close() */
  char *path;            /* as given to sh_store_open() */
};

/* The area @area's operations of @store's backend (a const pointer). */
#define sh_store_ops(store, area) ((store)->backend->area)

/* Current time as UTC microseconds: the time every record is stamped with. */
gint64 sh_store_now (void);

/* Sets a minutes error of @code with @message: the one helper for a check
 * that refuses, so that it can `return sh_minutes_fail (...)`.
 * Returns: FALSE. */
static inline gboolean
sh_minutes_fail (GError **error, ShMinutesError code, const char *message)
{
  g_set_error_literal (error, SH_MINUTES_ERROR, (gint) code, message);
  return FALSE;
}

/* sh_minutes_fail() with INVALID, the usual refusal of a value. */
static inline gboolean
sh_minutes_invalid (GError **error, const char *message)
{
  return sh_minutes_fail (error, SH_MINUTES_ERROR_INVALID, message);
}
