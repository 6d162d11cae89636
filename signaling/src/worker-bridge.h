/* Layer: below the protocol handlers (echo.c, meeting-media.c), beside the
 * WebSocket transport; uses media/'s workers only. The one bridge between
 * the main thread (sockets, rooms, the store) and a media worker (peer
 * connections): tasks go to the worker, messages come back to the main
 * thread, and peer errors become protocol error codes in one place. May
 * include: json-glib, sanhui-media.h.
 *
 *   main thread                               media worker
 *   sh_worker_bridge_run (task) ──────────▶  ShWorkerBridgeFunc
 *   ShWorkerBridgeDeliverFunc  ◀───────────  sh_worker_bridge_post (message)
 *   ShWorkerBridgeFunc         ◀───────────  sh_worker_bridge_run_on_main (task)
 *
 * Every task and every message in flight holds a reference on the bridge,
 * so its data outlives them; what the data points at on the main thread
 * (a socket, a room) may be gone by the time a message arrives, which the
 * deliver function checks.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

#include "sanhui-media.h"

typedef struct _ShWorkerBridge ShWorkerBridge;

/* On the main thread: a message a worker posted. @to: the account it is
 * for, 0 for everyone (the owner decides what that means). @id and
 * @payload are borrowed and nullable. */
typedef void (*ShWorkerBridgeDeliverFunc) (ShWorkerBridge *bridge, gpointer data, gint64 to,
                                           const char *type, JsonNode *id, JsonNode *payload);
/* Runs @task on the bridge's worker (sh_worker_bridge_run()) or on the main
 * thread (sh_worker_bridge_run_on_main()). */
typedef void (*ShWorkerBridgeFunc) (ShWorkerBridge *bridge, gpointer data, gpointer task);

/* A bridge to a worker pinned from @workers (unpinned when the bridge goes),
 * delivering to the calling thread's default main context. @data is freed
 * with @data_free (nullable) when the last reference goes, on whichever
 * thread drops it. Returns: (transfer full). */
ShWorkerBridge *sh_worker_bridge_new (ShMediaWorkers *workers, ShWorkerBridgeDeliverFunc deliver,
                                      gpointer data, GDestroyNotify data_free);
/* Returns: (transfer full) @bridge. Thread-safe. */
ShWorkerBridge *sh_worker_bridge_ref (ShWorkerBridge *bridge);
/* Thread-safe. */
void sh_worker_bridge_unref (ShWorkerBridge *bridge);
/* The index of the pinned worker. */
guint sh_worker_bridge_worker (ShWorkerBridge *bridge);
/* Returns: (transfer none) the data given at creation. */
gpointer sh_worker_bridge_get_data (ShWorkerBridge *bridge);

/* From the main thread: runs @func with @task on the worker. @task is freed
 * with @task_free (nullable) after it ran. */
void sh_worker_bridge_run (ShWorkerBridge *bridge, ShWorkerBridgeFunc func, gpointer task,
                           GDestroyNotify task_free);

/* From the worker: runs @func with @task on the main thread, in order with
 * the messages posted. @task is freed with @task_free (nullable) after it
 * ran. */
void sh_worker_bridge_run_on_main (ShWorkerBridge *bridge, ShWorkerBridgeFunc func, gpointer task,
                                   GDestroyNotify task_free);

/* From the worker: queues message @type for @to on the main thread. @id
 * (nullable) is copied; @payload (nullable, an object) is consumed. */
void sh_worker_bridge_post (ShWorkerBridge *bridge, gint64 to, const char *type, JsonNode *id,
                            JsonBuilder *payload);
/* From the worker: an `error` message {"code", "message"} for @error, its
 * code from sh_worker_bridge_error_code(). */
void sh_worker_bridge_post_error (ShWorkerBridge *bridge, gint64 to, JsonNode *id,
                                  const GError *error);

/* The protocol error code (docs/protocol.md) of a media request refused
 * with @error: invalid_sdp, unsupported, invalid_state, else bad_request.
 * (transfer none) */
const char *sh_worker_bridge_error_code (const GError *error);
