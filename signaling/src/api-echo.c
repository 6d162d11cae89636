/* The echo service on the WebSocket (docs/protocol.md, "Echo service").
 *
 * The socket lives on the main thread, the peer connection on a media
 * worker. Messages cross between them as tasks, each holding a reference on
 * the session; the session's socket pointer is touched on the main thread
 * only and cleared when the socket goes, so late replies are dropped.
 * SPDX-License-Identifier: Apache-2.0 */
#include "server-private.h"

#include "sanhui-media-sources.h"

#define MAX_SDP_CHARS (60 * 1024)

struct _ShEchoSession {
  ShWsClient *client;         /* main thread only; NULL once detached */
  GMainContext *main_context; /* where replies go */
  ShMediaWorkers *workers;
  guint worker;
  ShMediaEngine *engine;
  ShEcho *echo; /* worker thread only */
};

static void
session_clear (gpointer data)
{
  ShEchoSession *s = data;

  sh_media_workers_unpin (s->workers, s->worker);
  g_main_context_unref (s->main_context);
}

/* ------------------------------------------------ worker → main thread */

typedef struct {
  ShEchoSession *session; /* a reference */
  char *type;
  JsonNode *id;      /* nullable */
  JsonNode *payload; /* nullable: an object */
} Reply;

static void
reply_free (gpointer data)
{
  Reply *r = data;

  g_atomic_rc_box_release_full (r->session, session_clear);
  g_free (r->type);
  g_clear_pointer (&r->id, json_node_unref);
  g_clear_pointer (&r->payload, json_node_unref);
  g_free (r);
}

static gboolean
deliver_reply (gpointer data)
{
  Reply *r = data;

  if (r->session->client)
    sh_ws_send_node (r->session->client, r->type, r->id, r->payload);
  return G_SOURCE_REMOVE;
}

/* From the worker: queues a message for the socket. @payload is consumed. */
static void
post (ShEchoSession *s, const char *type, JsonNode *id, JsonBuilder *payload)
{
  Reply *r = g_new0 (Reply, 1);

  r->session = g_atomic_rc_box_acquire (s);
  r->type = g_strdup (type);
  r->id = id ? json_node_copy (id) : NULL;
  if (payload) {
    r->payload = json_builder_get_root (payload);
    g_object_unref (payload);
  }
  g_main_context_invoke_full (s->main_context, G_PRIORITY_DEFAULT, deliver_reply, r, reply_free);
}

static void
post_error (ShEchoSession *s, JsonNode *id, const char *code, const char *message)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", code);
  sh_json_builder_add_string (p, "message", message);
  json_builder_end_object (p);
  post (s, "error", id, p);
}

/* ------------------------------------------------ on the media worker */

static void
on_local_candidate (ShEcho *echo, const char *candidate, gpointer user_data)
{
  JsonBuilder *p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "candidate", candidate);
  sh_json_builder_add_string (p, "sdpMid", candidate ? "0" : NULL);
  json_builder_set_member_name (p, "sdpMLineIndex");
  json_builder_add_int_value (p, 0);
  json_builder_end_object (p);
  post (user_data, "echo.candidate", NULL, p);
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
  post (user_data, "echo.state", NULL, p);
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
  post (user_data, "echo.stats", NULL, p);
}

typedef enum { TASK_START, TASK_CANDIDATE, TASK_STOP } TaskKind;

typedef struct {
  ShEchoSession *session; /* a reference */
  TaskKind kind;
  char *text; /* the offer or the candidate; NULL for end-of-candidates */
  JsonNode *id;
} Task;

static void
task_free (gpointer data)
{
  Task *t = data;

  g_atomic_rc_box_release_full (t->session, session_clear);
  g_free (t->text);
  g_clear_pointer (&t->id, json_node_unref);
  g_free (t);
}

static const char *
peer_error_code (const GError *error)
{
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_UNSUPPORTED))
    return "unsupported";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP))
    return "invalid_sdp";
  if (g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_CANDIDATE))
    return "bad_request";
  return "internal";
}

static void
run_start (Task *t)
{
  static const ShEchoCallbacks callbacks = {
    .local_candidate = on_local_candidate,
    .state_changed = on_state,
    .stats = on_stats,
  };
  ShEchoSession *s = t->session;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  JsonBuilder *p;

  s->echo = sh_echo_new (s->engine, s->worker, &callbacks, s, &error);
  if (s->echo)
    answer = sh_echo_accept_offer (s->echo, t->text, &error);
  if (!answer) {
    g_message ("echo: offer refused: %s", error->message);
    post_error (s, t->id, peer_error_code (error), error->message);
    g_clear_pointer (&s->echo, sh_echo_free);
    return;
  }
  p = json_builder_new ();
  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "sdp", answer);
  json_builder_end_object (p);
  post (s, "echo.answer", t->id, p);
}

static gboolean
run_task (gpointer data)
{
  Task *t = data;
  ShEchoSession *s = t->session;
  g_autoptr (GError) error = NULL;

  switch (t->kind) {
    case TASK_START:
      run_start (t);
      break;
    case TASK_CANDIDATE:
      if (s->echo && !sh_echo_add_remote_candidate (s->echo, t->text, &error))
        post_error (s, t->id, "bad_request", error->message);
      break;
    case TASK_STOP:
    default:
      g_clear_pointer (&s->echo, sh_echo_free);
      break;
  }
  return G_SOURCE_REMOVE;
}

/* From the main thread: runs @kind on the session's worker. */
static void
queue_task (ShEchoSession *s, TaskKind kind, const char *text, JsonNode *id)
{
  Task *t = g_new0 (Task, 1);

  t->session = g_atomic_rc_box_acquire (s);
  t->kind = kind;
  t->text = g_strdup (text);
  t->id = id ? json_node_copy (id) : NULL;
  sh_media_workers_invoke (s->workers, s->worker, run_task, t, task_free);
}

/* ---------------------------------------------- on the main thread */

void
sh_echo_detach (ShWsClient *client)
{
  ShEchoSession *s = client->echo;

  if (!s)
    return;
  client->echo = NULL;
  s->client = NULL;
  queue_task (s, TASK_STOP, NULL, NULL);
  g_atomic_rc_box_release_full (s, session_clear);
}

void
sh_echo_handle_start (ShWsMessage *m)
{
  ShServer *server = m->client->server;
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;
  ShEchoSession *s;

  if (!sh_json_get_string (m->payload, "sdp", TRUE, MAX_SDP_CHARS, &sdp, &error)) {
    sh_ws_send_error (m->client, m->id, "bad_request", error->message);
    return;
  }
  sh_echo_detach (m->client);
  s = g_atomic_rc_box_new0 (ShEchoSession);
  s->client = m->client;
  s->main_context = g_main_context_ref_thread_default ();
  s->engine = server->media;
  s->workers = sh_media_engine_workers (server->media);
  s->worker = sh_media_workers_pin (s->workers);
  m->client->echo = s;
  g_info ("echo: started for account %" G_GINT64_FORMAT " on worker %u", m->client->account_id,
          s->worker);
  queue_task (s, TASK_START, sdp, m->id);
}

void
sh_echo_handle_candidate (ShWsMessage *m)
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

void
sh_echo_handle_stop (ShWsMessage *m)
{
  if (!m->client->echo) {
    sh_ws_send_error (m->client, m->id, "no_session", "没有进行中的设备检测");
    return;
  }
  sh_echo_detach (m->client);
  sh_ws_send (m->client, "echo.stopped", m->id, NULL);
}
