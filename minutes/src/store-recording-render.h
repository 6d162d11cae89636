/* The store interface, recording renders area (recording-render.c): the
 * composite render of each recording. See store-backend.h for the
 * conventions.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "store-backend.h"

struct _ShRecordingRenderStoreOps {
  /* Inserts the render of @recording_id, or finds the one it has. */
  gint64 (*queue) (ShStore *store, gint64 recording_id, gint64 at, GError **error);
  /* NULL with NOT_FOUND when @recording_id has no render. */
  ShRecordingRender *(*get) (ShStore *store, gint64 recording_id, GError **error);
  GPtrArray *(*list_unfinished) (ShStore *store, GError **error);
  /* *@found FALSE when there is no render @render->id. */
  gboolean (*update) (ShStore *store, const ShRecordingRender *render, gboolean *found,
                      GError **error);
};
