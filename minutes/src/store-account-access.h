/* The store interface, the log-in state of accounts (account-access.c):
 * failures and the lock, the calendar link's generation, the networks an
 * owner logs in from, one-time codes. See store-backend.h for the
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShAccountAccessStoreOps {
  /* Sets *@found to whether the account @id exists and, when it does, its
   * failures in a row and the end of its lock (0: none). */
  gboolean (*lock_state) (ShStore *store, gint64 id, gboolean *found, int *failed_logins,
                          gint64 *locked_until, GError **error);
  gboolean (*set_lock_state) (ShStore *store, gint64 id, int failed_logins, gint64 locked_until,
                              gboolean *found, GError **error);
  /* Adds one to the account's calendar generation and sets *@generation
   * to the new one; *@found tells whether the account exists. */
  gboolean (*next_calendar_generation) (ShStore *store, gint64 id, gboolean *found,
                                        gint64 *generation, GError **error);
  /* Forgets the account's networks last logged in from before @before. */
  gboolean (*forget_networks) (ShStore *store, gint64 id, gint64 before, GError **error);
  /* Records a log-in from @network at @at. */
  gboolean (*touch_network) (ShStore *store, gint64 id, const char *network, gint64 at,
                             GError **error);
  /* Sets *@known to whether @network was logged in from at @since or later. */
  gboolean (*knows_network) (ShStore *store, gint64 id, const char *network, gint64 since,
                             gboolean *known, GError **error);
  /* Stores the account's one one-time code, replacing any earlier one. */
  gboolean (*put_login_code) (ShStore *store, gint64 id, const char *code_hash, gint64 expires_at,
                              GError **error);
  /* Removes the account's code when it is @code_hash and expires after
   * @now, in one step so that two log-ins cannot both use it; *@taken
   * tells whether it did. */
  gboolean (*take_login_code) (ShStore *store, gint64 id, const char *code_hash, gint64 now,
                               gboolean *taken, GError **error);
};
