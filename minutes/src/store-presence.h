/* The store interface, presence area (presence.c): attendance intervals
 * and the server's heartbeat. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShPresenceStoreOps {
  /* A new open interval (checked by presence.c). An open interval of the
   * same person and meeting already is a CONFLICT, kept by the backend.
   * Returns: its id, 0 with @error set. */
  gint64 (*insert) (ShStore *store, const ShPresenceInterval *interval, GError **error);
  /* Closes the open interval @id at @at for @reason; *@found FALSE when
   * there is no open interval @id. */
  gboolean (*close) (ShStore *store, gint64 id, gint64 at, ShPresenceEnd reason, gboolean *found,
                     GError **error);
  /* Sets video on the open interval @id; *@found as for close. */
  gboolean (*mark_video) (ShStore *store, gint64 id, gboolean *found, GError **error);
  /* The intervals of @meeting_id by start, then id.
   * Returns: (transfer full) (element-type ShPresenceInterval) */
  GPtrArray *(*list) (ShStore *store, gint64 meeting_id, GError **error);
  /* Writes the heartbeat time. */
  gboolean (*heartbeat) (ShStore *store, gint64 at, GError **error);
  /* Closes every open interval at the later of the heartbeat, the last
   * event of its meeting and its own start, with reason crash, in one
   * statement. Returns the number closed, -1 on error. */
  gint (*close_open_at_crash) (ShStore *store, GError **error);
  /* The actual end of @meeting_id: the time of its last "ended" event, 0
   * when it has none. */
  gboolean (*ended_at) (ShStore *store, gint64 meeting_id, gint64 *at, GError **error);
};
