/* The store interface, recordings area (recording.c): recordings, their
 * tracks and files. See store-backend.h for the conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShRecordingStoreOps {
  gint64 (*start) (ShStore *store, gint64 meeting_id, gint64 at, GError **error);
  /* *@found FALSE when @id is not recording. */
  gboolean (*complete) (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error);
  /* NULL with NOT_FOUND when there is no recording @id. */
  ShRecording *(*get) (ShStore *store, gint64 id, GError **error);
  GPtrArray *(*list) (ShStore *store, gint64 meeting_id, GError **error);
  gint64 (*add_track) (ShStore *store, const ShRecordingTrack *track, GError **error);
  /* *@found FALSE when there is no track @id. */
  gboolean (*update_track) (ShStore *store, gint64 id, gint64 offset_ns, gint64 ended_at,
                            gboolean *found, GError **error);
  GPtrArray *(*list_tracks) (ShStore *store, gint64 recording_id, GError **error);
  gint64 (*add_file) (ShStore *store, const ShRecordingFile *file, GError **error);
  GPtrArray *(*list_files) (ShStore *store, gint64 recording_id, gint64 meeting_id, GError **error);
  /* Closes every recording still recording at its crash moment, in one
   * transaction. Returns: (transfer full) those closed, NULL on error. */
  GPtrArray *(*close_at_crash) (ShStore *store, GError **error);
  /* Closes @id, still recording, as interrupted at @at with its open
   * tracks, in one transaction. *@found FALSE when @id is not recording. */
  gboolean (*interrupt) (ShStore *store, gint64 id, gint64 at, gboolean *found, GError **error);
};
