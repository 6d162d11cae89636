/* Tests for the main thread ↔ media worker bridge.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>

#include "worker-bridge.h"

typedef struct {
  GThread *main_thread;
  GThread *task_thread;        /* set on the worker */
  GMainContext *task_context;  /* the worker's thread-default context */
  gboolean task_saw_data;      /* the task got the bridge's data */
  GPtrArray *delivered;        /* (element-type char*) "to type id payload" */
  gboolean delivered_off_main; /* a message reached deliver on another thread */
  int freed;                   /* atomic: data_free ran */
} Probe;

static void
probe_free (gpointer data)
{
  g_atomic_int_inc (&((Probe *) data)->freed);
}

static void
on_deliver (ShWorkerBridge *bridge, gpointer data, gint64 to, const char *type, JsonNode *id,
            JsonNode *payload)
{
  Probe *probe = data;
  g_autofree char *id_text = id ? json_to_string (id, FALSE) : g_strdup ("-");
  g_autofree char *payload_text = payload ? json_to_string (payload, FALSE) : g_strdup ("-");

  if (g_thread_self () != probe->main_thread)
    probe->delivered_off_main = TRUE;
  g_ptr_array_add (probe->delivered, g_strdup_printf ("%" G_GINT64_FORMAT " %s %s %s", to, type,
                                                      id_text, payload_text));
}

static JsonBuilder *
one_member (const char *name, const char *value)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
  json_builder_end_object (b);
  return b;
}

/* On the main thread, between two messages. */
static void
note_on_main (ShWorkerBridge *bridge, gpointer data, gpointer task)
{
  Probe *probe = data;

  if (g_thread_self () != probe->main_thread)
    probe->delivered_off_main = TRUE;
  g_ptr_array_add (probe->delivered, g_strdup (task));
}

/* On the worker: posts in order, the last an error. */
static void
run_posts (ShWorkerBridge *bridge, gpointer data, gpointer task)
{
  Probe *probe = data;
  g_autoptr (JsonNode) id = json_node_new (JSON_NODE_VALUE);
  g_autoptr (GError) error = g_error_new_literal (SH_PEER_ERROR, SH_PEER_ERROR_SDP, "line 3");

  probe->task_thread = g_thread_self ();
  probe->task_context = g_main_context_get_thread_default ();
  probe->task_saw_data = g_str_equal (task, "the task");
  json_node_set_int (id, 7);
  sh_worker_bridge_post (bridge, 0, "room.all", NULL, NULL);
  sh_worker_bridge_run_on_main (bridge, note_on_main, g_strdup ("call"), g_free);
  sh_worker_bridge_post (bridge, 42, "one", id, one_member ("sdp", "v=0"));
  sh_worker_bridge_post_error (bridge, 42, id, error);
}

static void
wait_for (Probe *probe, guint n)
{
  while (probe->delivered->len < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_round_trip (void)
{
  g_autoptr (ShMediaWorkers) workers = sh_media_workers_new (2);
  Probe probe = { .main_thread = g_thread_self () };
  ShWorkerBridge *bridge;
  guint worker;

  probe.delivered = g_ptr_array_new_with_free_func (g_free);
  bridge = sh_worker_bridge_new (workers, on_deliver, &probe, probe_free);
  worker = sh_worker_bridge_worker (bridge);
  g_assert_cmpuint (worker, <, 2);
  g_assert_cmpuint (sh_media_workers_pinned (workers, worker), ==, 1);
  g_assert_true (sh_worker_bridge_get_data (bridge) == &probe);

  sh_worker_bridge_run (bridge, run_posts, g_strdup ("the task"), g_free);
  /* The owner lets go at once: the task and its messages keep the data. */
  sh_worker_bridge_unref (bridge);
  wait_for (&probe, 4);

  g_assert_true (probe.task_thread != probe.main_thread);
  g_assert_true (probe.task_context == sh_media_workers_context (workers, worker));
  g_assert_true (probe.task_saw_data);
  g_assert_false (probe.delivered_off_main);
  g_assert_cmpstr (g_ptr_array_index (probe.delivered, 0), ==, "0 room.all - -");
  g_assert_cmpstr (g_ptr_array_index (probe.delivered, 1), ==, "call");
  g_assert_cmpstr (g_ptr_array_index (probe.delivered, 2), ==, "42 one 7 {\"sdp\":\"v=0\"}");
  g_assert_cmpstr (g_ptr_array_index (probe.delivered, 3), ==,
                   "42 error 7 {\"code\":\"invalid_sdp\",\"message\":\"line 3\"}");
  /* The last reference goes with the last message delivered or with the
   * task, whichever is later. */
  while (!g_atomic_int_get (&probe.freed)) {
    g_main_context_iteration (NULL, FALSE);
    g_usleep (1000);
  }
  g_assert_cmpint (g_atomic_int_get (&probe.freed), ==, 1);
  g_assert_cmpuint (sh_media_workers_pinned (workers, worker), ==, 0);
  g_ptr_array_unref (probe.delivered);
}

static void
count_run (ShWorkerBridge *bridge, gpointer data, gpointer task)
{
  g_atomic_int_inc ((int *) task);
}

/* Tasks run in the order they were handed over, and the data lives until
 * the last of them is done. */
static void
test_tasks_keep_data (void)
{
  g_autoptr (ShMediaWorkers) workers = sh_media_workers_new (1);
  Probe probe = { .main_thread = g_thread_self () };
  ShWorkerBridge *bridge;
  int runs = 0;

  probe.delivered = g_ptr_array_new_with_free_func (g_free);
  bridge = sh_worker_bridge_new (workers, on_deliver, &probe, probe_free);
  g_assert_true (sh_worker_bridge_ref (bridge) == bridge);
  sh_worker_bridge_unref (bridge);
  for (int i = 0; i < 50; i++)
    sh_worker_bridge_run (bridge, count_run, &runs, NULL);
  sh_worker_bridge_unref (bridge);
  while (!g_atomic_int_get (&probe.freed))
    g_usleep (1000);
  g_assert_cmpint (g_atomic_int_get (&runs), ==, 50);
  g_assert_cmpuint (probe.delivered->len, ==, 0);
  g_ptr_array_unref (probe.delivered);
}

/* One mapping for the echo and the meeting media (docs/protocol.md). */
static void
test_error_codes (void)
{
  static const struct {
    int code;
    const char *expected;
  } cases[] = {
    { SH_PEER_ERROR_SDP, "invalid_sdp" },       { SH_PEER_ERROR_UNSUPPORTED, "unsupported" },
    { SH_PEER_ERROR_STATE, "invalid_state" },   { SH_PEER_ERROR_CANDIDATE, "bad_request" },
    { SH_PEER_ERROR_TRANSPORT, "bad_request" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = g_error_new_literal (SH_PEER_ERROR, cases[i].code, "x");
    g_assert_cmpstr (sh_worker_bridge_error_code (error), ==, cases[i].expected);
  }
  {
    /* Not a peer error, even with a peer error's number. */
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, SH_PEER_ERROR_SDP, "x");
    g_assert_cmpstr (sh_worker_bridge_error_code (error), ==, "bad_request");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/worker-bridge/round-trip", test_round_trip);
  g_test_add_func ("/worker-bridge/tasks-keep-data", test_tasks_keep_data);
  g_test_add_func ("/worker-bridge/error-codes", test_error_codes);
  return g_test_run ();
}
