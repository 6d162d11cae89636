/* Media worker threads, each running its own GMainContext.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sanhui-media.h"

typedef struct {
  GThread *thread;
  GMainContext *context; /* owned */
  GMainLoop *loop;       /* owned */
  guint pinned;          /* guarded by ShMediaWorkers.lock */
} Worker;

struct _ShMediaWorkers {
  guint n_workers;
  Worker *workers; /* owned array of n_workers */
  /* Guards the pinned counts only: choosing the least-loaded worker and
   * counting on it must be one step. Contexts and loops are immutable after
   * construction and need no lock. */
  GMutex lock;
};

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  /* Sources created on this thread (timeouts, libnice agents) attach to the
   * worker's context without being told. */
  g_main_context_push_thread_default (worker->context);
  g_main_loop_run (worker->loop);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

ShMediaWorkers *
sh_media_workers_new (guint n_workers)
{
  ShMediaWorkers *workers = g_new0 (ShMediaWorkers, 1);

  if (n_workers == 0)
    n_workers = g_get_num_processors ();
  workers->n_workers = n_workers;
  workers->workers = g_new0 (Worker, n_workers);
  g_mutex_init (&workers->lock);

  for (guint i = 0; i < n_workers; i++) {
    Worker *worker = &workers->workers[i];
    g_autofree char *name = g_strdup_printf ("sh-media-%u", i);
    worker->context = g_main_context_new ();
    worker->loop = g_main_loop_new (worker->context, FALSE);
    worker->thread = g_thread_new (name, worker_main, worker);
  }
  return workers;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
sh_media_workers_free (ShMediaWorkers *workers)
{
  if (workers == NULL)
    return;

  /* The quit request is queued like any other work, at the same priority as
   * sh_media_workers_invoke(), so every invocation queued before it runs
   * first. A quit before the thread enters its loop is not lost either,
   * because the source waits in the context. */
  for (guint i = 0; i < workers->n_workers; i++) {
    Worker *worker = &workers->workers[i];
    g_main_context_invoke_full (worker->context, G_PRIORITY_DEFAULT, quit_loop,
                                g_main_loop_ref (worker->loop), (GDestroyNotify) g_main_loop_unref);
  }
  for (guint i = 0; i < workers->n_workers; i++) {
    Worker *worker = &workers->workers[i];
    g_thread_join (worker->thread);
    g_main_loop_unref (worker->loop);
    g_main_context_unref (worker->context);
  }
  g_mutex_clear (&workers->lock);
  g_free (workers->workers);
  g_free (workers);
}

guint
sh_media_workers_count (ShMediaWorkers *workers)
{
  g_return_val_if_fail (workers != NULL, 0);

  return workers->n_workers;
}

GMainContext *
sh_media_workers_context (ShMediaWorkers *workers, guint index)
{
  g_return_val_if_fail (workers != NULL, NULL);
  g_return_val_if_fail (index < workers->n_workers, NULL);

  return workers->workers[index].context;
}

guint
sh_media_workers_pin (ShMediaWorkers *workers)
{
  g_return_val_if_fail (workers != NULL, 0);

  guint best = 0;
  g_mutex_lock (&workers->lock);
  for (guint i = 1; i < workers->n_workers; i++)
    if (workers->workers[i].pinned < workers->workers[best].pinned)
      best = i;
  workers->workers[best].pinned++;
  g_mutex_unlock (&workers->lock);
  return best;
}

void
sh_media_workers_unpin (ShMediaWorkers *workers, guint index)
{
  g_return_if_fail (workers != NULL);
  g_return_if_fail (index < workers->n_workers);

  g_mutex_lock (&workers->lock);
  if (workers->workers[index].pinned == 0) {
    g_mutex_unlock (&workers->lock);
    g_critical ("%s: worker %u has nothing pinned", G_STRFUNC, index);
    return;
  }
  workers->workers[index].pinned--;
  g_mutex_unlock (&workers->lock);
}

guint
sh_media_workers_pinned (ShMediaWorkers *workers, guint index)
{
  g_return_val_if_fail (workers != NULL, 0);
  g_return_val_if_fail (index < workers->n_workers, 0);

  g_mutex_lock (&workers->lock);
  guint pinned = workers->workers[index].pinned;
  g_mutex_unlock (&workers->lock);
  return pinned;
}

void
sh_media_workers_invoke (ShMediaWorkers *workers, guint index, GSourceFunc func, gpointer data,
                         GDestroyNotify notify)
{
  g_return_if_fail (workers != NULL);
  g_return_if_fail (index < workers->n_workers);
  g_return_if_fail (func != NULL);

  /* From the worker's own thread this calls @func at once; from any other
   * thread it queues an idle source on the worker's context. */
  g_main_context_invoke_full (workers->workers[index].context, G_PRIORITY_DEFAULT, func, data,
                              notify);
}
