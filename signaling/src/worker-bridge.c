/* The main thread ↔ media worker bridge.
 * SPDX-License-Identifier: Apache-2.0 */
#include "worker-bridge.h"

#include "json-util.h"

struct _ShWorkerBridge {
  ShMediaWorkers *workers;
  guint worker;
  GMainContext *main_context; /* owned reference: where messages go */
  ShWorkerBridgeDeliverFunc deliver;
  gpointer data;
  GDestroyNotify data_free;
};

static void
bridge_clear (gpointer data)
{
  ShWorkerBridge *b = data;

  sh_media_workers_unpin (b->workers, b->worker);
  g_main_context_unref (b->main_context);
  if (b->data_free)
    b->data_free (b->data);
}

ShWorkerBridge *
sh_worker_bridge_new (ShMediaWorkers *workers, ShWorkerBridgeDeliverFunc deliver, gpointer data,
                      GDestroyNotify data_free)
{
  ShWorkerBridge *b;

  g_return_val_if_fail (workers != NULL && deliver != NULL, NULL);
  b = g_atomic_rc_box_new0 (ShWorkerBridge);
  b->workers = workers;
  b->worker = sh_media_workers_pin (workers);
  b->main_context = g_main_context_ref_thread_default ();
  b->deliver = deliver;
  b->data = data;
  b->data_free = data_free;
  return b;
}

ShWorkerBridge *
sh_worker_bridge_ref (ShWorkerBridge *bridge)
{
  return g_atomic_rc_box_acquire (bridge);
}

void
sh_worker_bridge_unref (ShWorkerBridge *bridge)
{
  g_atomic_rc_box_release_full (bridge, bridge_clear);
}

guint
sh_worker_bridge_worker (ShWorkerBridge *bridge)
{
  return bridge->worker;
}

gpointer
sh_worker_bridge_get_data (ShWorkerBridge *bridge)
{
  return bridge->data;
}

/* ------------------------------------------------ main thread → worker */

typedef struct {
  ShWorkerBridge *bridge; /* a reference */
  ShWorkerBridgeFunc func;
  gpointer task;
  GDestroyNotify task_free;
} Task;

static void
task_wrapper_free (gpointer data)
{
  Task *t = data;

  if (t->task_free)
    t->task_free (t->task);
  sh_worker_bridge_unref (t->bridge);
  g_free (t);
}

static gboolean
run_task (gpointer data)
{
  Task *t = data;

  t->func (t->bridge, t->bridge->data, t->task);
  return G_SOURCE_REMOVE;
}

void
sh_worker_bridge_run (ShWorkerBridge *bridge, ShWorkerBridgeFunc func, gpointer task,
                      GDestroyNotify task_free)
{
  Task *t = g_new0 (Task, 1);

  t->bridge = sh_worker_bridge_ref (bridge);
  t->func = func;
  t->task = task;
  t->task_free = task_free;
  sh_media_workers_invoke (bridge->workers, bridge->worker, run_task, t, task_wrapper_free);
}

/* ------------------------------------------------ worker → main thread */

void
sh_worker_bridge_run_on_main (ShWorkerBridge *bridge, ShWorkerBridgeFunc func, gpointer task,
                              GDestroyNotify task_free)
{
  Task *t = g_new0 (Task, 1);

  t->bridge = sh_worker_bridge_ref (bridge);
  t->func = func;
  t->task = task;
  t->task_free = task_free;
  g_main_context_invoke_full (bridge->main_context, G_PRIORITY_DEFAULT, run_task, t,
                              task_wrapper_free);
}

typedef struct {
  ShWorkerBridge *bridge; /* a reference */
  gint64 to;
  char *type;
  JsonNode *id;      /* nullable */
  JsonNode *payload; /* nullable: an object */
} Post;

static void
post_free (gpointer data)
{
  Post *p = data;

  sh_worker_bridge_unref (p->bridge);
  g_free (p->type);
  g_clear_pointer (&p->id, json_node_unref);
  g_clear_pointer (&p->payload, json_node_unref);
  g_free (p);
}

static gboolean
deliver (gpointer data)
{
  Post *p = data;

  p->bridge->deliver (p->bridge, p->bridge->data, p->to, p->type, p->id, p->payload);
  return G_SOURCE_REMOVE;
}

void
sh_worker_bridge_post (ShWorkerBridge *bridge, gint64 to, const char *type, JsonNode *id,
                       JsonBuilder *payload)
{
  Post *p = g_new0 (Post, 1);

  p->bridge = sh_worker_bridge_ref (bridge);
  p->to = to;
  p->type = g_strdup (type);
  p->id = id ? json_node_copy (id) : NULL;
  if (payload) {
    p->payload = json_builder_get_root (payload);
    g_object_unref (payload);
  }
  g_main_context_invoke_full (bridge->main_context, G_PRIORITY_DEFAULT, deliver, p, post_free);
}

void
sh_worker_bridge_post_error (ShWorkerBridge *bridge, gint64 to, JsonNode *id, const GError *error)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", sh_worker_bridge_error_code (error));
  sh_json_builder_add_string (p, "message", error->message);
  json_builder_end_object (p);
  sh_worker_bridge_post (bridge, to, "error", id, p);
}

/* docs/protocol.md, "Echo service" and "Meeting media": what the client can
 * act on. Anything else (a candidate that cannot be used, a transport that
 * could not be set up) is a request that did not work: bad_request. */
const char *
sh_worker_bridge_error_code (const GError *error)
{
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP))
    return "invalid_sdp";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_UNSUPPORTED))
    return "unsupported";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE))
    return "invalid_state";
  return "bad_request";
}
