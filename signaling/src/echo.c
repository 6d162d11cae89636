/* The echo service on the WebSocket (docs/protocol.md, "Echo service").
 *
 * The socket lives on the main thread, the peer connection on a media
 * worker, and the two talk through a worker bridge (worker-bridge.c). The
 * session's socket pointer is touched on the main thread only and cleared
 * when the socket goes, so late messages are dropped.
 * SPDX-License-Identifier: Apache-2.0 */
#include "echo.h"

#include "worker-bridge.h"

#include "sanhui-media-sources.h"

#define MAX_SDP_CHARS (60 * 1024)

typedef struct _ShEchoSession ShEchoSession;

/* The data of the session's bridge, freed with it. The socket
 * (client->echo) holds one reference on the bridge until it detaches. */
struct _ShEchoSession {
  ShWorkerBridge *bridge; /* set once: the bridge whose data this is */
  ShWsClient *client;     /* main thread only; NULL once detached */
  ShMediaEngine *engine;
  ShEcho *echo; /* worker thread only */
};

/* On the main thread: a message from the worker for the socket. */
static void
deliver (ShWorkerBridge *bridge, gpointer data, gint64 to, const char *type, JsonNode *id,
         JsonNode *payload)
{
  ShEchoSession *s = data;

  if (s->client)
    sh_ws_send_node (s->client, type, id, payload);
}

/* ------------------------------------------------ on the media worker */

static void
on_local_candidate (ShEcho *echo, const char *candidate, gpointer user_data)
{
  ShEchoSession *s = user_data;
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "candidate", candidate);
  sh_json_builder_add_string (p, "sdpMid", candidate ? "0" : NULL);
  json_builder_set_member_name (p, "sdpMLineIndex");
  json_builder_add_int_value (p, 0);
  json_builder_end_object (p);
  sh_worker_bridge_post (s->bridge, 0, "echo.candidate", NULL, p);
}

static void
add_info (JsonBuilder *p, const ShPeerInfo *info)
{
  sh_json_builder_add_string (p, "state", sh_peer_state_to_string (info->state));
  sh_json_builder_add_string (p, "ice", info->ice_state);
  sh_json_builder_add_string (p, "dtls", info->dtls_state);
  sh_json_builder_add_string (p, "srtp_profile", info->srtp_profile);
  sh_json_builder_add_string (p, "selected_remote",
                              info->selected_remote[0] ? info->selected_remote : NULL);
}

static void
on_state (ShEcho *echo, const ShPeerInfo *info, gpointer user_data)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  add_info (p, info);
  json_builder_end_object (p);
  sh_worker_bridge_post (((ShEchoSession *) user_data)->bridge, 0, "echo.state", NULL, p);
}

static void
on_stats (ShEcho *echo, const ShPeerInfo *info, guint64 rx_bps, guint64 tx_bps, gpointer user_data)
{
  JsonBuilder *p = json_builder_new ();
  const struct {
    const char *name;
    guint64 value;
  } fields[] = {
    { "rx_bitrate", rx_bps },           { "tx_bitrate", tx_bps },
    { "rx_packets", info->rx_packets }, { "tx_packets", info->tx_packets },
    { "rx_bytes", info->rx_bytes },     { "tx_bytes", info->tx_bytes },
  };

  json_builder_begin_object (p);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++) {
    json_builder_set_member_name (p, fields[i].name);
    json_builder_add_int_value (p, (gint64) fields[i].value);
  }
  json_builder_end_object (p);
  sh_worker_bridge_post (((ShEchoSession *) user_data)->bridge, 0, "echo.stats", NULL, p);
}

typedef enum { TASK_START, TASK_CANDIDATE, TASK_STOP } TaskKind;

typedef struct {
  TaskKind kind;
  char *text; /* the offer or the candidate; NULL for end-of-candidates */
  JsonNode *id;
} Task;

static void
task_free (gpointer data)
{
  Task *t = data;

  g_free (t->text);
  g_clear_pointer (&t->id, json_node_unref);
  g_free (t);
}

static void
run_start (ShWorkerBridge *bridge, ShEchoSession *s, Task *t)
{
  static const ShEchoCallbacks callbacks = {
    .local_candidate = on_local_candidate,
    .state_changed = on_state,
    .stats = on_stats,
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  JsonBuilder *p;

  s->echo = sh_echo_new (s->engine, sh_worker_bridge_worker (bridge), &callbacks, s, &error);
  if (s->echo)
    answer = sh_echo_accept_offer (s->echo, t->text, &error);
  if (!answer) {
    g_message ("echo: offer refused: %s", error->message);
    sh_worker_bridge_post_error (bridge, 0, t->id, error);
    g_clear_pointer (&s->echo, sh_echo_free);
    return;
  }
  p = json_builder_new ();
  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "sdp", answer);
  json_builder_end_object (p);
  sh_worker_bridge_post (bridge, 0, "echo.answer", t->id, p);
}

static void
run_task (ShWorkerBridge *bridge, gpointer data, gpointer task)
{
  ShEchoSession *s = data;
  Task *t = task;
  g_autoptr (GError) error = NULL;

  switch (t->kind) {
    case TASK_START:
      run_start (bridge, s, t);
      break;
    case TASK_CANDIDATE:
      if (s->echo && !sh_echo_add_remote_candidate (s->echo, t->text, &error))
        sh_worker_bridge_post_error (bridge, 0, t->id, error);
      break;
    case TASK_STOP:
    default:
      g_clear_pointer (&s->echo, sh_echo_free);
      break;
  }
}

/* From the main thread: runs @kind on the session's worker. */
static void
queue_task (ShEchoSession *s, TaskKind kind, const char *text, JsonNode *id)
{
  Task *t = g_new0 (Task, 1);

  t->kind = kind;
  t->text = g_strdup (text);
  t->id = id ? json_node_copy (id) : NULL;
  sh_worker_bridge_run (s->bridge, run_task, t, task_free);
}

/* ---------------------------------------------- on the main thread */

static void
detach (ShWsClient *client)
{
  ShEchoSession *s = client->echo;

  if (!s)
    return;
  client->echo = NULL;
  s->client = NULL;
  queue_task (s, TASK_STOP, NULL, NULL);
  /* The session goes with the last task or message in flight. */
  sh_worker_bridge_unref (s->bridge);
}

static void
handle_start (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;
  ShEchoSession *s;

  if (!sh_json_get_string (m->payload, "sdp", TRUE, MAX_SDP_CHARS, &sdp, &error)) {
    sh_ws_send_error (m->client, m->id, "bad_request", error->message);
    return;
  }
  detach (m->client);
  s = g_new0 (ShEchoSession, 1);
  s->client = m->client;
  s->engine = server->media;
  s->bridge = sh_worker_bridge_new (sh_media_engine_workers (server->media), deliver, s, g_free);
  m->client->echo = s;
  g_info ("echo: started for account %" G_GINT64_FORMAT " on worker %u", m->client->account_id,
          sh_worker_bridge_worker (s->bridge));
  queue_task (s, TASK_START, sdp, m->id);
}

static void
handle_candidate (ShWsMessage *m)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *candidate = NULL;

  if (!m->client->echo) {
    sh_ws_send_error (m->client, m->id, "no_session", "没有进行中的设备检测");
    return;
  }
  /* null or "" is end-of-candidates. */
  if (!sh_json_get_string (m->payload, "candidate", FALSE, 1024, &candidate, &error)) {
    sh_ws_send_error (m->client, m->id, "bad_request", error->message);
    return;
  }
  queue_task (m->client->echo, TASK_CANDIDATE, candidate, m->id);
}

static void
handle_stop (ShWsMessage *m)
{
  if (!m->client->echo) {
    sh_ws_send_error (m->client, m->id, "no_session", "没有进行中的设备检测");
    return;
  }
  detach (m->client);
  sh_ws_send (m->client, "echo.stopped", m->id, NULL);
}

/* The payloads are read by the handlers (their own messages name the
 * field). A device check is a media session on a worker: as dear as a
 * join. */
static const ShWsMessageDef echo_messages[] = {
  { "echo.start", handle_start, SH_WS_ANYONE, SH_WS_KIND_JOIN, NULL },
  { "echo.candidate", handle_candidate, SH_WS_ANYONE, SH_WS_KIND_SIGNALING, NULL },
  { "echo.stop", handle_stop, SH_WS_ANYONE, SH_WS_KIND_JOIN, NULL },
  { NULL },
};

const ShWsProtocol sh_echo_protocol = {
  .messages = echo_messages,
  .socket_closed = detach,
};
