/* Tests for the media worker threads.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "sanhui-media.h"

typedef struct {
  GMutex lock;
  GCond cond;
  GThread *ran_on;
  GMainContext *thread_default;
  gboolean done;
} Probe;

static gboolean
record_thread (gpointer data)
{
  Probe *probe = data;

  g_mutex_lock (&probe->lock);
  probe->ran_on = g_thread_self ();
  probe->thread_default = g_main_context_get_thread_default ();
  probe->done = TRUE;
  g_cond_signal (&probe->cond);
  g_mutex_unlock (&probe->lock);
  return G_SOURCE_REMOVE;
}

static void
test_invoke_on_worker_thread (void)
{
  g_autoptr (ShMediaWorkers) workers = sh_media_workers_new (2);
  GThread *threads[2];

  g_assert_cmpuint (sh_media_workers_count (workers), ==, 2);
  for (guint i = 0; i < 2; i++) {
    Probe probe = { 0 };
    g_mutex_init (&probe.lock);
    g_cond_init (&probe.cond);

    sh_media_workers_invoke (workers, i, record_thread, &probe, NULL);
    g_mutex_lock (&probe.lock);
    while (!probe.done)
      g_cond_wait (&probe.cond, &probe.lock);
    g_mutex_unlock (&probe.lock);

    g_assert_true (probe.ran_on != g_thread_self ());
    g_assert_true (probe.thread_default == sh_media_workers_context (workers, i));
    threads[i] = probe.ran_on;
    g_mutex_clear (&probe.lock);
    g_cond_clear (&probe.cond);
  }
  g_assert_true (threads[0] != threads[1]);
}

static void
test_default_count (void)
{
  g_autoptr (ShMediaWorkers) workers = sh_media_workers_new (0);

  g_assert_cmpuint (sh_media_workers_count (workers), ==, g_get_num_processors ());
  g_assert_nonnull (sh_media_workers_context (workers, 0));
}

static void
test_pin_balances (void)
{
  g_autoptr (ShMediaWorkers) workers = sh_media_workers_new (3);
  guint counts[3] = { 0 };

  for (guint i = 0; i < 9; i++)
    counts[sh_media_workers_pin (workers)]++;
  for (guint i = 0; i < 3; i++) {
    g_assert_cmpuint (counts[i], ==, 3);
    g_assert_cmpuint (sh_media_workers_pinned (workers, i), ==, 3);
  }

  /* Freed capacity is used first. */
  sh_media_workers_unpin (workers, 1);
  sh_media_workers_unpin (workers, 1);
  g_assert_cmpuint (sh_media_workers_pinned (workers, 1), ==, 1);
  g_assert_cmpuint (sh_media_workers_pin (workers), ==, 1);
  g_assert_cmpuint (sh_media_workers_pin (workers), ==, 1);
  g_assert_cmpuint (sh_media_workers_pinned (workers, 1), ==, 3);
}

typedef struct {
  gint runs;     /* atomic */
  gint notified; /* atomic */
} Counter;

static gboolean
slow_increment (gpointer data)
{
  Counter *counter = data;

  g_usleep (1000);
  g_atomic_int_inc (&counter->runs);
  return G_SOURCE_REMOVE;
}

static void
count_notify (gpointer data)
{
  Counter *counter = data;

  g_atomic_int_inc (&counter->notified);
}

static void
test_free_runs_queued_work (void)
{
  Counter counter = { 0, 0 };
  ShMediaWorkers *workers = sh_media_workers_new (2);

  for (guint i = 0; i < 100; i++)
    sh_media_workers_invoke (workers, i % 2, slow_increment, &counter, count_notify);
  sh_media_workers_free (workers);

  /* Joined: everything queued has run and been released. */
  g_assert_cmpint (g_atomic_int_get (&counter.runs), ==, 100);
  g_assert_cmpint (g_atomic_int_get (&counter.notified), ==, 100);
}

static void
test_free_at_once (void)
{
  /* Freeing right after creation must not hang if a thread has not entered
   * its loop yet. */
  for (guint i = 0; i < 20; i++)
    sh_media_workers_free (sh_media_workers_new (2));
  sh_media_workers_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/worker/invoke-on-worker-thread", test_invoke_on_worker_thread);
  g_test_add_func ("/worker/default-count", test_default_count);
  g_test_add_func ("/worker/pin-balances", test_pin_balances);
  g_test_add_func ("/worker/free-runs-queued-work", test_free_runs_queued_work);
  g_test_add_func ("/worker/free-at-once", test_free_at_once);
  return g_test_run ();
}
