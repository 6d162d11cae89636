/* The WebSocket endpoint /ws: authenticated from the session cookie before
 * the upgrade, one JSON envelope per message ({"type", "id", "payload"};
 * replies carry the request's id), dispatched through a message table.
 * The meeting protocol (docs/protocol.md) adds its messages to the table.
 * Limits (docs/protocol.md, "Limits"): sockets per account and session,
 * the message size, and rates per socket and per account and kind of
 * message (rate-limit.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "ws-private.h"

#define WS_PATH "/ws"
/* Close codes of RFC 6455 section 7.4.1. */
#define WS_CLOSE_POLICY 1008
#define WS_CLOSE_GOING_AWAY 1001
#define WS_CLOSE_TOO_BIG 1009
/* RFC 6585; libsoup 3.2 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429
/* libsoup's own limit is a frame this much bigger than ours: a message
 * between the two is read whole and refused by on_message() with a close
 * frame (1009), while libsoup 3.2 drops a frame over its limit without one
 * (too_big_error_and_close() closes "with prejudice"). Bounds the memory a
 * single frame may take. */
#define WS_LIBSOUP_HEADROOM (1024 * 1024)

/* What the two /ws handlers share; freed with the handlers. */
typedef struct {
  ShServer *server;
  ShWsLimits *limits;                   /* owned reference */
  const ShWsProtocol *const *protocols; /* static */
} WsContext;

/* A socket as ws.c sees it. The rest of the server knows the public part
 * (ws-private.h); it comes first, so that the ShWsClient pointers in
 * server->sockets and in the rooms are WsClient pointers as well. */
typedef struct {
  ShWsClient pub;
  const ShWsProtocol *const *protocols; /* static */
  ShWsSocketLimits limits;
  gint64 last_heard; /* monotonic µs of the latest message or pong */
} WsClient;

G_STATIC_ASSERT (G_STRUCT_OFFSET (WsClient, pub) == 0);

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

/* The transport's own messages; the protocols' come with their tables. */
static const ShWsMessageDef transport_messages[] = {
  { "ping", handle_ping, SH_WS_ANYONE, SH_WS_KIND_OTHER, NULL },
  { "hello", handle_hello, SH_WS_ANYONE, SH_WS_KIND_OTHER, NULL },
  { NULL },
};

static const ShWsMessageDef *
find_in (const ShWsMessageDef *messages, const char *type)
{
  for (const ShWsMessageDef *d = messages; d && d->type; d++)
    if (g_str_equal (d->type, type))
      return d;
  return NULL;
}

const ShWsMessageDef *
sh_ws_protocols_find (const ShWsProtocol *const *protocols, const char *type)
{
  const ShWsMessageDef *d = NULL;

  for (gsize i = 0; !d && type && protocols && protocols[i]; i++)
    d = find_in (protocols[i]->messages, type);
  return d;
}

/* Replies rate_limited: nothing of the message was done. A socket that
 * keeps going over its limits is closed (1008). */
static void
refuse_over_limit (WsClient *self, JsonNode *id, gint64 retry_after_us, gint64 now)
{
  ShWsClient *client = &self->pub;
  g_autoptr (JsonBuilder) p = json_builder_new ();
  /* "Never" (a cost over a bucket's capacity) cannot happen with the
   * limits as configured, but must not overflow either. */
  gint64 retry_ms = (MIN (retry_after_us, (gint64) 3600 * G_USEC_PER_SEC) + 999) / 1000;
  g_autofree char *message = g_strdup_printf ("操作过于频繁，请 %" G_GINT64_FORMAT " 秒后再试",
                                              MAX ((retry_ms + 999) / 1000, 1));

  json_builder_begin_object (p);
  sh_json_builder_add_string (p, "code", "rate_limited");
  sh_json_builder_add_string (p, "message", message);
  json_builder_set_member_name (p, "retry_after_ms");
  json_builder_add_int_value (p, retry_ms);
  json_builder_end_object (p);
  sh_ws_send (client, "error", id, p);
  if (sh_ws_socket_limits_refused (&self->limits, now)) {
    g_message ("websocket of account %" G_GINT64_FORMAT
               " kept over its limits (%u refused): closed",
               client->account_id, self->limits.streak.refusals);
    soup_websocket_connection_close (client->conn, WS_CLOSE_POLICY, "rate limit exceeded");
  } else if (self->limits.streak.refusals == 1) {
    g_message ("websocket of account %" G_GINT64_FORMAT " over its limits", client->account_id);
  }
}

/* Checks the sender against @permission; replies and returns FALSE when
 * they may not send the message. */
static gboolean
permitted (ShWsMessage *m, ShWsPermission permission)
{
  ShRoomParticipant *p;

  if (permission == SH_WS_ANYONE)
    return TRUE;
  p = sh_rooms_participant_for_client (m->client->server->rooms, m->client);
  if (!p) {
    sh_ws_send_error (m->client, m->id, "not_in_meeting", "您尚未加入会议");
    return FALSE;
  }
  if (permission == SH_WS_CHAIR && !p->may_chair) {
    sh_ws_send_error (m->client, m->id, "forbidden", "只有主持人可以执行此操作");
    return FALSE;
  }
  return TRUE;
}

/* Checks the payload against @schema with the same getters as the REST
 * bodies (null counts as absent); replies bad_request naming the field and
 * returns FALSE. */
static gboolean
payload_valid (ShWsMessage *m, const ShWsField *schema)
{
  g_autoptr (GError) error = NULL;

  if (sh_ws_payload_valid (m->payload, schema, &error))
    return TRUE;
  sh_ws_send_error (m->client, m->id, "bad_request", error->message);
  return FALSE;
}

static void
dispatch_text (WsClient *self, ShAuth *auth, const char *data, gsize length, gint64 now)
{
  ShWsClient *client = &self->pub;
  g_autoptr (GError) error = NULL;
  const char *code = NULL;
  ShWsEnvelope e;
  ShWsMessage m = { .client = client };
  const ShWsMessageDef *def;
  gint64 retry_after;

  if (!sh_ws_envelope_parse (data, length, &e, &code, &error)) {
    sh_ws_send_error (client, e.id, code, error->message);
    sh_ws_envelope_clear (&e);
    return;
  }
  m.id = e.id;
  m.type = e.type;
  m.payload = e.payload;
  m.auth = *auth;
  def = find_in (transport_messages, e.type);
  if (!def)
    def = sh_ws_protocols_find (self->protocols, e.type);
  /* Only what would reach a handler costs from the account's buckets: a
   * message refused as malformed or not permitted does nothing, and the
   * socket's catch-all has counted it. */
  if (!def) {
    sh_ws_send_error (client, m.id, "unknown_type", "不支持的消息类型");
  } else if (permitted (&m, def->permission) && payload_valid (&m, def->schema)) {
    if (sh_ws_socket_limits_message (&self->limits, def->kind, now, &retry_after))
      def->handler (&m);
    else
      refuse_over_limit (self, m.id, retry_after, now);
  }
  sh_ws_envelope_clear (&e);
}

static void
on_message (SoupWebsocketConnection *conn, gint kind, GBytes *message, gpointer user_data)
{
  WsClient *self = user_data;
  ShWsClient *client = &self->pub;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  ShAuth auth = { 0 };
  gint64 now = g_get_monotonic_time ();
  gint64 retry_after;

  self->last_heard = now;
  /* Once the socket is closing (too big, abuse, session ended), libsoup
   * still delivers what was already on its way: none of it is handled. */
  if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  client->server->metrics.ws_messages_total++;
  if (length > client->server->config->max_ws_message_bytes) {
    g_message ("websocket of account %" G_GINT64_FORMAT ": a message of %" G_GSIZE_FORMAT
               " bytes: closed",
               client->account_id, length);
    soup_websocket_connection_close (conn, WS_CLOSE_TOO_BIG, "message too big");
    return;
  }
  if (!sh_ws_socket_limits_frame (&self->limits, length, now, &retry_after)) {
    refuse_over_limit (self, NULL, retry_after, now);
    return;
  }
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
  dispatch_text (self, &auth, data, length, now);
  sh_auth_clear (&auth);
}

/* A frame over libsoup's own limit (WS_LIBSOUP_HEADROOM above ours):
 * libsoup closes the connection right after this signal without a close
 * frame. One is sent first, so that the client may learn why; whether it
 * reads it before the connection is reset is up to its network stack. */
static void
on_error (SoupWebsocketConnection *conn, GError *error, gpointer user_data)
{
  ShWsClient *client = user_data;

  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_CLOSE_TOO_BIG)
      && soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN) {
    g_message ("websocket of account %" G_GINT64_FORMAT ": a frame over %" G_GUINT64_FORMAT
               " bytes: closed",
               client->account_id, soup_websocket_connection_get_max_incoming_payload_size (conn));
    soup_websocket_connection_close (conn, WS_CLOSE_TOO_BIG, "message too big");
  }
}

static void
on_pong (SoupWebsocketConnection *conn, GBytes *message, gpointer user_data)
{
  ((WsClient *) user_data)->last_heard = g_get_monotonic_time ();
}

/* A socket that answered none of the last two and a half pings: its peer
 * is gone (a phone that changed networks) though TCP may not notice for
 * many minutes. */
static gboolean
silent (ShServer *server, ShWsClient *client, gint64 now)
{
  return now - ((WsClient *) client)->last_heard
         > (gint64) server->config->ws_keepalive_seconds * G_USEC_PER_SEC * 5 / 2;
}

static void
ws_client_free (WsClient *self)
{
  ShWsClient *client = &self->pub;

  sh_ws_socket_limits_clear (&self->limits, g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_data (client->conn, self);
  g_object_unref (client->conn);
  g_free (client->token_hash);
  g_free (client->user_agent);
  g_free (self);
}

static void
on_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  WsClient *self = user_data;
  ShWsClient *client = &self->pub;
  ShServer *server = client->server;

  server->metrics.ws_connections_open--;
  for (gsize i = 0; self->protocols[i]; i++)
    if (self->protocols[i]->socket_closed)
      self->protocols[i]->socket_closed (client);
  g_ptr_array_remove_fast (server->sockets, client);
  ws_client_free (self);
}

/* The message refusing one more socket to the account or session of
 * @auth, or NULL when it may have one. Sockets already closing, and silent
 * ones (closed by on_websocket() to make room), do not count.
 * (transfer none) */
static const char *
too_many_sockets (ShServer *server, const ShAuth *auth, gint64 now)
{
  guint of_account = 0, of_session = 0;

  for (guint i = 0; i < server->sockets->len; i++) {
    ShWsClient *c = g_ptr_array_index (server->sockets, i);

    if (soup_websocket_connection_get_state (c->conn) != SOUP_WEBSOCKET_STATE_OPEN
        || c->account_id != auth->account->id || silent (server, c, now))
      continue;
    of_account++;
    if (g_strcmp0 (c->token_hash, auth->token_hash) == 0)
      of_session++;
  }
  if (of_session >= server->config->ws_max_sockets_per_session)
    return "本次登录打开的连接过多，请关闭其他会议或设备检测页面后重试";
  if (of_account >= server->config->ws_max_sockets_per_account)
    return "您的账号打开的连接过多，请关闭其他设备或页面上的会议后重试";
  return NULL;
}

/* Closes @account_id's silent sockets: they count no more, and a new one
 * of the account is coming. */
static void
close_silent (ShServer *server, gint64 account_id, gint64 now)
{
  g_autoptr (GPtrArray) dead = g_ptr_array_new ();

  for (guint i = 0; i < server->sockets->len; i++) {
    ShWsClient *c = g_ptr_array_index (server->sockets, i);

    if (c->account_id == account_id
        && soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN
        && silent (server, c, now))
      g_ptr_array_add (dead, c);
  }
  for (guint i = 0; i < dead->len; i++) {
    ShWsClient *c = g_ptr_array_index (dead, i);

    g_message ("websocket of account %" G_GINT64_FORMAT " silent: closed for a new one",
               account_id);
    soup_websocket_connection_close (c->conn, WS_CLOSE_GOING_AWAY, "no response");
  }
}

static void
on_websocket (SoupServer *soup, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *conn, gpointer user_data)
{
  WsContext *ctx = user_data;
  ShServer *server = ctx->server;
  WsClient *self;
  ShWsClient *client;
  ShAuth auth = { 0 };
  gint64 now = g_get_monotonic_time ();

  if (!sh_auth_from_message (server, msg, &auth)) {
    soup_websocket_connection_close (conn, WS_CLOSE_POLICY, "unauthenticated");
    return;
  }
  /* ws_gate() counted too, but other upgrades may have completed since. */
  if (too_many_sockets (server, &auth, now)) {
    g_message ("websocket of account %" G_GINT64_FORMAT " refused: too many sockets",
               auth.account->id);
    sh_auth_clear (&auth);
    soup_websocket_connection_close (conn, WS_CLOSE_POLICY, "too many connections");
    return;
  }
  self = g_new0 (WsClient, 1);
  client = &self->pub;
  client->server = server;
  client->conn = g_object_ref (conn);
  client->token_hash = g_steal_pointer (&auth.token_hash);
  client->account_id = auth.account->id;
  client->user_agent = g_strdup (
      soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent"));
  self->protocols = ctx->protocols;
  sh_auth_clear (&auth);
  self->last_heard = now;
  close_silent (server, client->account_id, now);
  sh_ws_socket_limits_init (&self->limits, ctx->limits, client->account_id, now);
  soup_websocket_connection_set_max_incoming_payload_size (
      conn, MIN ((guint64) server->config->max_ws_message_bytes + WS_LIBSOUP_HEADROOM,
                 (guint64) G_MAXINT32));
  /* Browsers on mobile networks drop idle sockets; pings keep NATs open,
   * and their pongs tell live sockets from dead ones (silent()). */
  soup_websocket_connection_set_keepalive_interval (conn, server->config->ws_keepalive_seconds);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "pong", G_CALLBACK (on_pong), self);
  g_signal_connect (conn, "error", G_CALLBACK (on_error), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
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
  WsContext *ctx = user_data;
  ShServer *server = ctx->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *host = soup_message_headers_get_one (headers, "Host");
  ShRequest req = {
    .server = server, .msg = msg, .path = path, .method = soup_server_message_get_method (msg)
  };
  ShAuth auth = { 0 };
  const char *refusal;

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
  refusal = too_many_sockets (server, &auth, g_get_monotonic_time ());
  if (refusal) {
    g_message ("websocket of account %" G_GINT64_FORMAT " refused: too many sockets",
               auth.account->id);
    sh_reply_error (&req, HTTP_TOO_MANY_REQUESTS, "too_many_connections", refusal);
  }
  sh_auth_clear (&auth);
}

static void
ws_context_free (gpointer data)
{
  WsContext *ctx = data;

  sh_ws_limits_unref (ctx->limits);
  g_free (ctx);
}

static void
close_all (ShServer *server, gpointer data)
{
  for (guint i = 0; server->sockets && i < server->sockets->len; i++) {
    ShWsClient *client = g_ptr_array_index (server->sockets, i);
    if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (client->conn, WS_CLOSE_GOING_AWAY, "server shutting down");
  }
}

void
sh_ws_register (ShServer *server, const ShWsProtocol *const *protocols)
{
  WsContext *ctx = g_new0 (WsContext, 1);

  ctx->server = server;
  ctx->protocols = protocols;
  ctx->limits = sh_ws_limits_new (server->config);
  soup_server_add_handler (server->soup, WS_PATH, ws_gate, ctx, NULL);
  /* Both handlers live in one libsoup handler entry, freed together. */
  soup_server_add_websocket_handler (server->soup, WS_PATH, NULL, NULL, on_websocket, ctx,
                                     ws_context_free);
  sh_server_on_stop (server, close_all, NULL);
}
