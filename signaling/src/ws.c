/* The WebSocket endpoint /ws: authenticated from the session cookie before
 * the upgrade, one JSON envelope per message ({"type", "id", "payload"};
 * replies carry the request's id), dispatched through a message table.
 * The meeting protocol (docs/protocol.md) adds its messages to the table.
 * SPDX-License-Identifier: Apache-2.0 */
#include "meeting-private.h"
#include "ws-envelope.h"

#define WS_PATH "/ws"
/* Close codes of RFC 6455 section 7.4.1. */
#define WS_CLOSE_POLICY 1008
#define WS_CLOSE_GOING_AWAY 1001

typedef void (*ShWsHandler) (ShWsMessage *m);

void
sh_ws_send_node (ShWsClient *client, const char *type, JsonNode *id, JsonNode *payload)
{
  g_autofree char *text = sh_ws_envelope_build (type, id, payload);

  if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->conn, text);
}

void
sh_ws_send (ShWsClient *client, const char *type, JsonNode *id, JsonBuilder *payload)
{
  g_autoptr (JsonNode) node = payload ? json_builder_get_root (payload) : NULL;

  sh_ws_send_node (client, type, id, node);
}

void
sh_ws_send_error (ShWsClient *client, JsonNode *id, const char *code, const char *message)
{
  g_autoptr (JsonBuilder) p = json_builder_new ();

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", code);
  sh_json_builder_add_string (p, "message", message);
  json_builder_end_object (p);
  sh_ws_send (client, "error", id, p);
}

static void
handle_ping (ShWsMessage *m)
{
  sh_ws_send (m->client, "pong", m->id, NULL);
}

static void
handle_hello (ShWsMessage *m)
{
  g_autoptr (JsonBuilder) p = json_builder_new ();

  /* No CSRF token over the socket: it is not needed there and the page
   * already has it. */
  sh_build_me (p, m->auth.account, m->auth.roles, NULL);
  sh_ws_send (m->client, "welcome", m->id, p);
}

/* Who may send a message (docs/protocol.md, column "who may send"). */
typedef enum {
  WS_ANYONE,      /* any logged-in account */
  WS_PARTICIPANT, /* a socket that has joined a meeting (acting for itself) */
  WS_CHAIR,       /* a participant with chair powers in that meeting */
} WsPermission;

/* The message table: name → handler and who may send it. Payload schemas
 * are in ws-envelope.c, beside the envelope, where the fuzz target reaches
 * them too. */
static const struct {
  const char *type;
  ShWsHandler handler;
  WsPermission permission;
} ws_messages[] = {
  { "ping", handle_ping, WS_ANYONE },
  { "hello", handle_hello, WS_ANYONE },
  { "echo.start", sh_echo_handle_start, WS_ANYONE },
  { "echo.candidate", sh_echo_handle_candidate, WS_ANYONE },
  { "echo.stop", sh_echo_handle_stop, WS_ANYONE },
  { "meeting.join", sh_meeting_handle_join, WS_ANYONE },
  { "meeting.leave", sh_meeting_handle_leave, WS_PARTICIPANT },
  { "meeting.chat", sh_meeting_handle_chat, WS_PARTICIPANT },
  { "meeting.mute", sh_meeting_handle_mute, WS_PARTICIPANT },
  { "meeting.hand.raise", sh_meeting_handle_hand_raise, WS_PARTICIPANT },
  { "meeting.hand.lower", sh_meeting_handle_hand_lower, WS_PARTICIPANT },
  { "meeting.start", sh_meeting_handle_start, WS_CHAIR },
  { "meeting.end", sh_meeting_handle_end, WS_CHAIR },
  { "meeting.chair.mute", sh_meeting_handle_chair_mute, WS_CHAIR },
  { "meeting.chair.mute_all", sh_meeting_handle_chair_mute_all, WS_CHAIR },
  { "meeting.chair.remove", sh_meeting_handle_chair_remove, WS_CHAIR },
  { "meeting.chair.lock", sh_meeting_handle_chair_lock, WS_CHAIR },
  { "meeting.chair.lesson_mode", sh_meeting_handle_chair_lesson_mode, WS_CHAIR },
  { "meeting.chair.floor.give", sh_meeting_handle_chair_floor_give, WS_CHAIR },
  { "meeting.chair.floor.take", sh_meeting_handle_chair_floor_take, WS_CHAIR },
  { "meeting.publish", sh_meeting_handle_publish, WS_PARTICIPANT },
  { "meeting.subscribe.answer", sh_meeting_handle_subscribe_answer, WS_PARTICIPANT },
  { "meeting.candidate", sh_meeting_handle_candidate, WS_PARTICIPANT },
  { "meeting.receive", sh_meeting_handle_receive, WS_PARTICIPANT },
};

/* Checks the sender against @permission; replies and returns FALSE when
 * they may not send the message. */
static gboolean
permitted (ShWsMessage *m, WsPermission permission)
{
  ShRoomParticipant *p;

  if (permission == WS_ANYONE)
    return TRUE;
  p = sh_room_participant_for_client (m->client);
  if (!p) {
    sh_ws_send_error (m->client, m->id, "not_in_meeting", "您尚未加入会议");
    return FALSE;
  }
  if (permission == WS_CHAIR && !p->may_chair) {
    sh_ws_send_error (m->client, m->id, "forbidden", "只有主持人可以执行此操作");
    return FALSE;
  }
  return TRUE;
}

/* Checks the payload against @fields with the same getters as the REST
 * bodies (null counts as absent); replies bad_request naming the field and
 * returns FALSE. */
static gboolean
payload_valid (ShWsMessage *m)
{
  g_autoptr (GError) error = NULL;

  if (sh_ws_payload_valid (m->payload, sh_ws_schema (m->type), &error))
    return TRUE;
  sh_ws_send_error (m->client, m->id, "bad_request", error->message);
  return FALSE;
}

static void
dispatch_text (ShWsClient *client, ShAuth *auth, const char *data, gsize length)
{
  g_autoptr (GError) error = NULL;
  const char *code = NULL;
  ShWsEnvelope e;
  ShWsMessage m = { .client = client };

  if (!sh_ws_envelope_parse (data, length, &e, &code, &error)) {
    sh_ws_send_error (client, e.id, code, error->message);
    sh_ws_envelope_clear (&e);
    return;
  }
  m.id = e.id;
  m.type = e.type;
  m.payload = e.payload;
  m.auth = *auth;
  for (gsize i = 0; i < G_N_ELEMENTS (ws_messages); i++) {
    if (g_str_equal (ws_messages[i].type, e.type)) {
      if (permitted (&m, ws_messages[i].permission) && payload_valid (&m))
        ws_messages[i].handler (&m);
      sh_ws_envelope_clear (&e);
      return;
    }
  }
  sh_ws_send_error (client, m.id, "unknown_type", "不支持的消息类型");
  sh_ws_envelope_clear (&e);
}

static void
on_message (SoupWebsocketConnection *conn, gint kind, GBytes *message, gpointer user_data)
{
  ShWsClient *client = user_data;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  ShAuth auth = { 0 };

  client->server->metrics.ws_messages_total++;
  if (kind != SOUP_WEBSOCKET_DATA_TEXT) {
    sh_ws_send_error (client, NULL, "bad_request", "只接受文本消息");
    return;
  }
  /* The session may have ended (log-out, expiry) since the upgrade, and
   * roles may have changed: both are looked up again for every message. */
  if (!sh_auth_from_token_hash (client->server, client->token_hash, &auth)
      || auth.account->id != client->account_id) {
    sh_auth_clear (&auth);
    sh_ws_send_error (client, NULL, "unauthenticated", "登录已失效，请重新登录");
    soup_websocket_connection_close (conn, WS_CLOSE_POLICY, "session ended");
    return;
  }
  dispatch_text (client, &auth, data, length);
  sh_auth_clear (&auth);
}

static void
ws_client_free (ShWsClient *client)
{
  g_signal_handlers_disconnect_by_data (client->conn, client);
  g_object_unref (client->conn);
  g_free (client->token_hash);
  g_free (client);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  ShWsClient *client = user_data;
  ShServer *server = client->server;

  server->metrics.ws_connections_open--;
  sh_echo_detach (client);
  sh_meeting_detach (client);
  g_ptr_array_remove_fast (server->sockets, client);
  ws_client_free (client);
}

static void
on_websocket (SoupServer *soup, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *conn, gpointer user_data)
{
  ShServer *server = user_data;
  ShWsClient *client;
  ShAuth auth = { 0 };

  if (!sh_auth_from_message (server, msg, &auth)) {
    soup_websocket_connection_close (conn, WS_CLOSE_POLICY, "unauthenticated");
    return;
  }
  client = g_new0 (ShWsClient, 1);
  client->server = server;
  client->conn = g_object_ref (conn);
  client->token_hash = g_steal_pointer (&auth.token_hash);
  client->account_id = auth.account->id;
  sh_auth_clear (&auth);
  soup_websocket_connection_set_max_incoming_payload_size (conn,
                                                           server->config->max_ws_message_bytes);
  /* Browsers on mobile networks drop idle sockets; pings keep NATs open. */
  soup_websocket_connection_set_keepalive_interval (conn, 25);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), client);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), client);
  g_ptr_array_add (server->sockets, client);
  server->metrics.ws_connections_total++;
  server->metrics.ws_connections_open++;
  g_info ("websocket opened for account %" G_GINT64_FORMAT, client->account_id);
}

/* Runs before the upgrade: an unauthenticated or cross-site request gets an
 * HTTP error instead of a socket. */
static void
ws_gate (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  ShServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *host = soup_message_headers_get_one (headers, "Host");
  ShRequest req = {
    .server = server, .msg = msg, .path = path, .method = soup_server_message_get_method (msg)
  };
  ShAuth auth = { 0 };

  server->metrics.requests_total++;
  if (origin && host) {
    g_autoptr (GUri) uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
    g_autofree char *origin_host = NULL;

    if (uri && g_uri_get_port (uri) > 0)
      origin_host = g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
    else if (uri)
      origin_host = g_strdup (g_uri_get_host (uri));
    if (g_strcmp0 (origin_host, host) != 0) {
      sh_reply_error (&req, SOUP_STATUS_FORBIDDEN, "forbidden", "不允许跨站连接");
      return;
    }
  }
  if (!sh_auth_from_message (server, msg, &auth)) {
    sh_reply_error (&req, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", "请先登录");
    return;
  }
  sh_auth_clear (&auth);
}

void
sh_ws_register (ShServer *server)
{
  soup_server_add_handler (server->soup, WS_PATH, ws_gate, server, NULL);
  soup_server_add_websocket_handler (server->soup, WS_PATH, NULL, NULL, on_websocket, server, NULL);
}

void
sh_ws_close_all (ShServer *server)
{
  for (guint i = 0; server->sockets && i < server->sockets->len; i++) {
    ShWsClient *client = g_ptr_array_index (server->sockets, i);
    if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (client->conn, WS_CLOSE_GOING_AWAY, "server shutting down");
  }
}
