/* The store interface, roll call area (rollcall.c): roll calls and one
 * entry per member asked or expected. See store-backend.h for the
 * conventions. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShRollcallStoreOps {
  /* A new open roll call. A meeting with an open one already is a
   * CONFLICT, kept by the backend in one step. Returns: its id, 0 with
   * @error set. */
  gint64 (*insert) (ShStore *store, gint64 meeting_id, gint64 started_by, guint seconds,
                    gint64 started_at, gint64 deadline, GError **error);
  /* A new entry of @e's fields (member_id, account_id, name, expected,
   * on_leave, asked_at); one per member and roll call (CONFLICT). */
  gboolean (*add_entry) (ShStore *store, gint64 rollcall_id, const ShRollcallEntry *e,
                         GError **error);
  /* Marks @member_id's entry asked at @at on @account_id's socket, only if
   * it was not asked yet; *@found FALSE when there was no such entry or it
   * was asked already. */
  gboolean (*mark_asked) (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 account_id,
                          gint64 at, gboolean *found, GError **error);
  /* Records @member_id's answer at @at, only on an entry that was asked and
   * has no answer; *@found FALSE otherwise. */
  gboolean (*answer) (ShStore *store, gint64 rollcall_id, gint64 member_id, gint64 at,
                      gboolean *found, GError **error);
  /* Closes the open roll call @id at @at; *@found FALSE when it was not open. */
  gboolean (*close) (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error);
  /* The roll call @id with its entries in their order (outcome left
   * PENDING, counts 0: rollcall.c derives them); NOT_FOUND if none.
   * Returns: (transfer full) */
  ShRollcall *(*get) (ShStore *store, gint64 id, GError **error);
  /* Ids of the meeting's roll calls by id (@open_only: the open ones), of
   * every meeting when @meeting_id is 0. Returns: (transfer full) GArray of gint64 */
  GArray *(*ids) (ShStore *store, gint64 meeting_id, gboolean open_only, GError **error);
};
