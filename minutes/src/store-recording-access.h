/* The store interface, recording access area (recording-access.c): the
 * append-only audit log of recordings. See store-backend.h for the
 * conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShRecordingAccessStoreOps {
  gint64 (*append) (ShStore *store, const ShRecordingAccess *access, GError **error);
  /* *@found TRUE when the same session has an entry with the same meeting,
   * file, action and status at or after @since. */
  gboolean (*find_since) (ShStore *store, const ShRecordingAccess *access, gint64 since,
                          gboolean *found, GError **error);
  GPtrArray *(*list) (ShStore *store, gint64 meeting_id, guint limit, GError **error);
  /* NULL with NOT_FOUND when there is no file @file_id. */
  ShRecordingFile *(*find_file) (ShStore *store, gint64 file_id, gint64 *meeting_id,
                                 GError **error);
};
