/* sanhui-media.h — the media plane. Knows nothing about Party meetings or the
 * database. For now: the media worker threads that meetings are pinned to.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed set of worker threads, each running its own GMainContext. A
 * meeting is pinned to one worker, and everything on its packet path is
 * attached to that context, so forwarding takes no lock. */
typedef struct _ShMediaWorkers ShMediaWorkers;

/* Starts @n_workers threads (0: one per online CPU). Returns: (transfer full). */
ShMediaWorkers *sh_media_workers_new (guint n_workers);

/* Stops every loop after the work already queued and joins the threads. */
void sh_media_workers_free (ShMediaWorkers *workers);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaWorkers, sh_media_workers_free)

guint sh_media_workers_count (ShMediaWorkers *workers);

/* The worker's context. Returns: (transfer none). */
GMainContext *sh_media_workers_context (ShMediaWorkers *workers, guint index);

/* Chooses the worker with the fewest pinned tasks and counts one more on it;
 * sh_media_workers_unpin() gives it back. */
guint sh_media_workers_pin (ShMediaWorkers *workers);
void sh_media_workers_unpin (ShMediaWorkers *workers, guint index);
guint sh_media_workers_pinned (ShMediaWorkers *workers, guint index);

/* Runs @func on worker @index's thread (from any thread). */
void sh_media_workers_invoke (ShMediaWorkers *workers, guint index, GSourceFunc func,
                              gpointer data, GDestroyNotify notify);

G_END_DECLS
