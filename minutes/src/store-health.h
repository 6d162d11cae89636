/* The store interface, health area: whether the backend can serve, for
 * /healthz. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShHealthStoreOps {
  /* The backend's own checks, run once the schema version is known to be
   * the latest: the tables the server needs can be read, the store can be
   * written, and (at most every @quick_check_interval_s seconds, in the
   * background after the first time) the data is intact. Sets a DATABASE
   * error that says what is wrong. */
  gboolean (*check) (ShStore *store, guint quick_check_interval_s, GError **error);
};
