/* The connection layer in front of libsoup (see http-conn.h).
 *
 * A connection goes through these phases:
 *
 *   accept ──TLS──▶ TLS_WAIT ──ClientHello──▶ TLS_HANDSHAKE ─┐
 *     │                                                      ▼
 *     └──plain──────────────────────────────────────────▶ HEADERS ──got-headers──▶ BODY
 *                                                          ▲                        │
 *                         keep-alive: handed on again      │                   request read
 *                                                          │                        ▼
 *                                    RELEASED ◀──libsoup closes its stream─────── BUSY
 *                                       │
 *                                       └── otherwise: closed
 *
 * Each request is handed to libsoup on a fresh SoupServerConnection over a
 * ShHandoffStream: a GIOStream whose close does not close the connection but
 * gives it back to us. libsoup 3.2 loses track of a keep-alive connection that
 * the client closes while idle (its idle message has no completion callback,
 * so the connection is never disconnected and its descriptor leaks; fixed in
 * libsoup 3.3). Here libsoup never holds an idle keep-alive connection: a
 * server without listeners of its own ends every connection after one
 * response, and a connection whose first message fails is disconnected
 * properly. Whether to keep the connection is then our decision, made from the
 * same rules libsoup uses.
 *
 * The TLS handshake starts only once the client's whole ClientHello has
 * arrived, and an address runs a few handshakes at a time: GLib runs a
 * handshake on a worker thread of a small shared pool for as long as the
 * client takes, so a connection that stays silent, or sends half a hello,
 * must not hold one.
 * SPDX-License-Identifier: Apache-2.0 */
#include "http-conn.h"

#include "handoff-stream.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

typedef enum {
  PHASE_TLS_WAIT,      /* TLS: waiting for the ClientHello */
  PHASE_TLS_HANDSHAKE, /* TLS: handshake running */
  PHASE_HEADERS,       /* with libsoup, waiting for request headers */
  PHASE_BODY,          /* with libsoup, reading the request body */
  PHASE_BUSY,          /* handler, response, or an upgraded WebSocket */
  PHASE_RELEASED,      /* libsoup is done; handed on or closed next */
} ConnPhase;

typedef struct _HttpConn HttpConn;

typedef struct {
  guint open;
  guint unestablished; /* open connections that have not sent request headers yet */
  guint handshaking;   /* in a TLS handshake: each holds one of GLib's worker threads */
} AddressCount;

/* TLS handshakes of one address at a time: a handshake runs on a thread of
 * GLib's small shared pool for as long as the client takes, so one address
 * must not hold many. Further connections wait, holding no thread. */
#define MAX_HANDSHAKES_PER_ADDRESS 4
/* How often a connection whose ClientHello is incomplete, or whose address
 * is at its handshake limit, is looked at again. */
#define HELLO_RECHECK_MS 50

struct _ShHttpConnections {
  SoupServer *soup;     /* borrowed; outlives this */
  GTlsCertificate *tls; /* nullable */
  ShHttpLimits limits;
  GSocketService *service;
  GQueue conns;            /* (element-type HttpConn) oldest first */
  GHashTable *by_address;  /* client IP -> AddressCount */
  GHashTable *unlimited;   /* client IPs exempt from the per-address limits */
  HttpConn *accepting;     /* the connection being handed to libsoup right now */
  gulong soup_handlers[4]; /* on self->soup */
  ShHttpStats stats;
  gboolean closing;
};

struct _HttpConn {
  guint refs; /* the owner's, and a running TLS handshake's */
  gboolean closed;
  ShHttpConnections *owner;
  GList *link;            /* in owner->conns */
  GSocketConnection *tcp; /* owned */
  GIOStream *stream;      /* owned: tcp, or the TLS connection over it */
  GSocket *socket;        /* borrowed from tcp */
  GSocketAddress *local;  /* owned */
  GSocketAddress *remote; /* owned */
  char *address;          /* client IP: key of owner->by_address */
  gboolean counted;       /* still in the per-address and total counts */
  gboolean established;   /* sent the headers of a first request */
  gboolean handshaking;   /* counted in its address's handshaking */
  ConnPhase phase;
  guint requests;            /* handed to libsoup so far */
  gboolean keep_alive;       /* the current request ended complete and wants the connection kept */
  GCancellable *cancellable; /* TLS wait and handshake */
  GSource *hello_source;     /* TLS_WAIT: the socket's readability, or a recheck */
  guint deadline;            /* timeout source of the current phase, 0: none */
  guint release_source;      /* idle source deciding what happens after RELEASED */
  ShHandoffStream *handoff;  /* borrowed: the stream libsoup has now */
};

static void conn_close (HttpConn *conn);
static void conn_released (HttpConn *conn);
static void conn_hand_to_soup (HttpConn *conn);

/* The connection behind a message libsoup is serving, or NULL when it is
 * gone. (transfer none) */
static HttpConn *
conn_of_message (SoupServerMessage *msg)
{
  ShHandoffStream *handoff = g_object_get_data (G_OBJECT (msg), "sh-handoff");

  return handoff ? sh_handoff_stream_get_owner (handoff) : NULL;
}

/* ------------------------------------------------------------- counts */

static AddressCount *
address_count (ShHttpConnections *self, const char *address)
{
  return g_hash_table_lookup (self->by_address, address);
}

static void
conn_uncount (HttpConn *conn)
{
  AddressCount *count;

  if (!conn->counted)
    return;
  conn->counted = FALSE;
  count = address_count (conn->owner, conn->address);
  count->open--;
  if (!conn->established)
    count->unestablished--;
  if (conn->handshaking)
    count->handshaking--;
  conn->handshaking = FALSE;
  if (count->open == 0)
    g_hash_table_remove (conn->owner->by_address, conn->address);
  conn->owner->stats.open--;
}

static void
conn_set_established (HttpConn *conn)
{
  if (conn->established)
    return;
  conn->established = TRUE;
  if (conn->counted)
    address_count (conn->owner, conn->address)->unestablished--;
}

/* ---------------------------------------------------------- deadlines */

static void
conn_clear_deadline (HttpConn *conn)
{
  if (conn->deadline) {
    g_source_remove (conn->deadline);
    conn->deadline = 0;
  }
}

/* Ends a connection now: a connection with libsoup is shut down so that
 * libsoup sees the end and gives it back; any other is closed. */
static void
conn_kill (HttpConn *conn)
{
  conn_clear_deadline (conn);
  conn_uncount (conn);
  switch (conn->phase) {
    case PHASE_TLS_WAIT:
      conn_close (conn);
      return;
    case PHASE_TLS_HANDSHAKE:
      /* The handshake's callback closes it. */
      g_cancellable_cancel (conn->cancellable);
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
      return;
    case PHASE_HEADERS:
    case PHASE_BODY:
    case PHASE_BUSY:
      conn->keep_alive = FALSE;
      g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
      return;
    case PHASE_RELEASED:
    default:
      return; /* conn_released's idle closes it: keep_alive is off once killed */
  }
}

static gboolean
on_deadline (gpointer user_data)
{
  HttpConn *conn = user_data;

  conn->deadline = 0;
  conn->owner->stats.timed_out++;
  g_debug ("connection from %s: %s time limit passed", conn->address,
           conn->phase <= PHASE_TLS_HANDSHAKE ? "handshake"
           : conn->phase == PHASE_BODY        ? "request body"
                                              : "request header");
  conn_kill (conn);
  return G_SOURCE_REMOVE;
}

static void
conn_set_deadline (HttpConn *conn, guint seconds)
{
  conn_clear_deadline (conn);
  /* Not g_timeout_add_seconds: its one-second grouping can end a limit of a
   * few seconds almost a second early. */
  conn->deadline = g_timeout_add (seconds * 1000, on_deadline, conn);
}

/* ---------------------------------------------------------- lifecycle */

static void
conn_unref (HttpConn *conn)
{
  if (--conn->refs > 0)
    return;
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->tcp);
  g_clear_object (&conn->local);
  g_clear_object (&conn->remote);
  g_free (conn->address);
  g_free (conn);
}

/* Closes the socket (without a TLS close_notify: the peer is gone or
 * unwanted, and writing one could block) and forgets the connection. */
static void
conn_close (HttpConn *conn)
{
  if (conn->closed)
    return;
  conn->closed = TRUE;
  conn_uncount (conn);
  conn_clear_deadline (conn);
  if (conn->release_source)
    g_source_remove (conn->release_source);
  conn->release_source = 0;
  if (conn->hello_source) {
    g_source_destroy (conn->hello_source);
    g_clear_pointer (&conn->hello_source, g_source_unref);
  }
  if (conn->handoff)
    sh_handoff_stream_detach (conn->handoff);
  conn->handoff = NULL;
  g_cancellable_cancel (conn->cancellable);
  g_queue_delete_link (&conn->owner->conns, conn->link);
  g_io_stream_close (G_IO_STREAM (conn->tcp), NULL, NULL);
  conn_unref (conn);
}

static gboolean
on_released_idle (gpointer user_data)
{
  HttpConn *conn = user_data;

  conn->release_source = 0;
  if (!conn->keep_alive || conn->owner->closing || !conn->counted
      || g_socket_is_closed (conn->socket))
    conn_close (conn);
  else
    conn_hand_to_soup (conn);
  return G_SOURCE_REMOVE;
}

/* libsoup is done with the connection. Deciding what comes next waits for
 * libsoup to unwind: it may still be inside its own disconnect. */
static void
conn_released (HttpConn *conn)
{
  conn->handoff = NULL;
  conn->phase = PHASE_RELEASED;
  conn_clear_deadline (conn);
  if (!conn->release_source)
    conn->release_source = g_idle_add_full (G_PRIORITY_HIGH, on_released_idle, conn, NULL);
}

static void
on_handoff_released (gpointer conn)
{
  conn_released (conn);
}

static void
conn_hand_to_soup (HttpConn *conn)
{
  ShHttpConnections *self = conn->owner;
  g_autoptr (ShHandoffStream) handoff
      = sh_handoff_stream_new (conn->stream, on_handoff_released, conn);
  g_autoptr (GError) error = NULL;

  conn->requests++;
  conn->keep_alive = FALSE;
  conn->phase = PHASE_HEADERS;
  conn->handoff = handoff;
  conn_set_deadline (conn, conn->requests == 1 ? self->limits.header_timeout_s
                                               : self->limits.idle_timeout_s);
  /* libsoup announces the connection's message synchronously from here
   * (on_request_started), which is how the message finds its connection. */
  self->accepting = conn;
  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (handoff), conn->local, conn->remote,
                                    &error))
    g_warning ("handing a connection from %s to the HTTP server: %s", conn->address,
               error->message);
  self->accepting = NULL;
}

/* ---------------------------------------------------------------- TLS */

static void
on_handshake_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  HttpConn *conn = user_data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);

  if (conn->handshaking) {
    address_count (conn->owner, conn->address)->handshaking--;
    conn->handshaking = FALSE;
  }
  if (conn->closed) {
    conn_unref (conn);
    return;
  }
  conn_unref (conn);
  if (!ok || !conn->counted || conn->owner->closing) {
    if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      conn->owner->stats.handshake_failed++;
      g_debug ("TLS handshake with %s failed: %s", conn->address, error->message);
    }
    conn_close (conn);
    return;
  }
  conn_hand_to_soup (conn);
}

static void
conn_start_handshake (HttpConn *conn)
{
  const char *const protocols[] = { "http/1.1", NULL };
  g_autoptr (GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_server_connection_new (G_IO_STREAM (conn->tcp), conn->owner->tls, &error);
  if (!tls) {
    g_warning ("TLS for a connection from %s: %s", conn->address, error->message);
    conn_close (conn);
    return;
  }
  g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), protocols);
  conn->stream = tls;
  conn->phase = PHASE_TLS_HANDSHAKE;
  conn->handshaking = TRUE;
  address_count (conn->owner, conn->address)->handshaking++;
  conn->refs++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, conn->cancellable,
                                    on_handshake_done, conn);
}

typedef enum { HELLO_WAIT, HELLO_READY, HELLO_GONE } HelloState;

/* Whether the client's first TLS record, its ClientHello, has arrived whole
 * (looked at, not read): only then can the handshake start without waiting
 * on the client in the middle of its first read. */
static HelloState
client_hello_state (GSocket *socket)
{
  int fd = g_socket_get_fd (socket);
  guint8 header[5];
  int available = 0;
  ssize_t n = recv (fd, header, sizeof header, MSG_PEEK | MSG_DONTWAIT);

  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    return HELLO_GONE;
  if (n < (ssize_t) sizeof header)
    return HELLO_WAIT;
  /* Not a handshake record: the handshake fails at once. */
  if (header[0] != 0x16 || ioctl (fd, FIONREAD, &available) < 0)
    return HELLO_READY;
  return available >= (int) sizeof header + ((header[3] << 8) | header[4]) ? HELLO_READY
                                                                           : HELLO_WAIT;
}

static gboolean on_hello_recheck (gpointer user_data);

static void
conn_recheck_hello (HttpConn *conn)
{
  conn->hello_source = g_timeout_source_new (HELLO_RECHECK_MS);
  g_source_set_callback (conn->hello_source, on_hello_recheck, conn, NULL);
  g_source_attach (conn->hello_source, NULL);
}

/* The socket's readability only tells that something arrived; after that a
 * timer looks again (the socket stays readable with a partial record). */
static gboolean
on_hello_recheck (gpointer user_data)
{
  HttpConn *conn = user_data;
  ShHttpConnections *self = conn->owner;

  g_clear_pointer (&conn->hello_source, g_source_unref);
  switch (client_hello_state (conn->socket)) {
    case HELLO_GONE:
      conn_close (conn);
      return G_SOURCE_REMOVE;
    case HELLO_WAIT:
      conn_recheck_hello (conn);
      return G_SOURCE_REMOVE;
    case HELLO_READY:
    default:
      break;
  }
  if (address_count (self, conn->address)->handshaking >= MAX_HANDSHAKES_PER_ADDRESS
      && !g_hash_table_contains (self->unlimited, conn->address))
    conn_recheck_hello (conn);
  else
    conn_start_handshake (conn);
  return G_SOURCE_REMOVE;
}

static gboolean
on_client_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  return on_hello_recheck (user_data);
}

/* ------------------------------------------------------------ accepting */

/* The oldest connection of @address (any address when NULL) that waits
 * idle for a keep-alive request, or NULL. (transfer none) */
static HttpConn *
oldest_idle (ShHttpConnections *self, const char *address)
{
  for (GList *l = self->conns.head; l; l = l->next) {
    HttpConn *conn = l->data;
    if (conn->counted && conn->phase == PHASE_HEADERS && conn->requests > 1
        && (!address || g_str_equal (conn->address, address)))
      return conn;
  }
  return NULL;
}

/* Makes room for a new connection from @address: an idle keep-alive
 * connection costs its client nothing to reopen, so it goes first. */
static gboolean
admit (ShHttpConnections *self, const char *address)
{
  AddressCount *count = address_count (self, address);
  HttpConn *victim;

  if (g_hash_table_contains (self->unlimited, address))
    count = NULL;
  if (count && count->unestablished >= self->limits.max_unestablished)
    return FALSE;
  if (count && count->open >= self->limits.max_per_address) {
    victim = oldest_idle (self, address);
    if (!victim)
      return FALSE;
    self->stats.evicted_idle++;
    conn_kill (victim);
  }
  if (self->stats.open >= self->limits.max_connections) {
    victim = oldest_idle (self, NULL);
    if (!victim)
      return FALSE;
    self->stats.evicted_idle++;
    conn_kill (victim);
  }
  return TRUE;
}

/* Tells a plain HTTP client why, in one non-blocking write, and closes. */
static void
refuse (ShHttpConnections *self, GSocketConnection *tcp, const char *address)
{
  static const char body[] = "连接过多，请稍后重试 (too many connections)\n";
  g_autofree char *reply = NULL;

  self->stats.refused++;
  g_message ("refused a connection from %s: over the connection limits", address);
  if (!self->tls) {
    reply = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                             "Retry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             "Content-Length: %zu\r\n\r\n%s",
                             strlen (body), body);
    g_socket_send_with_blocking (g_socket_connection_get_socket (tcp), reply, strlen (reply), FALSE,
                                 NULL, NULL);
  }
  g_io_stream_close (G_IO_STREAM (tcp), NULL, NULL);
}

static char *
address_string (GSocketAddress *address)
{
  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown");
  return g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *tcp, GObject *source, gpointer user_data)
{
  ShHttpConnections *self = user_data;
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (tcp, NULL);
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (tcp, NULL);
  g_autofree char *address = NULL;
  AddressCount *count;
  HttpConn *conn;

  if (!remote || !local || self->closing) {
    g_io_stream_close (G_IO_STREAM (tcp), NULL, NULL);
    return TRUE;
  }
  address = address_string (remote);
  if (!admit (self, address)) {
    refuse (self, tcp, address);
    return TRUE;
  }
  self->stats.accepted++;
  self->stats.open++;
  count = address_count (self, address);
  if (!count) {
    count = g_new0 (AddressCount, 1);
    g_hash_table_insert (self->by_address, g_strdup (address), count);
  }
  count->open++;
  count->unestablished++;

  conn = g_new0 (HttpConn, 1);
  conn->refs = 1;
  conn->owner = self;
  conn->tcp = g_object_ref (tcp);
  conn->socket = g_socket_connection_get_socket (tcp);
  conn->local = g_steal_pointer (&local);
  conn->remote = g_steal_pointer (&remote);
  conn->address = g_steal_pointer (&address);
  conn->counted = TRUE;
  conn->cancellable = g_cancellable_new ();
  g_queue_push_tail (&self->conns, conn);
  conn->link = self->conns.tail;
  g_socket_set_option (conn->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  g_socket_set_keepalive (conn->socket, TRUE);

  if (self->tls) {
    conn->phase = PHASE_TLS_WAIT;
    conn_set_deadline (conn, self->limits.handshake_timeout_s);
    conn->hello_source = g_socket_create_source (conn->socket, G_IO_IN, conn->cancellable);
    g_source_set_callback (conn->hello_source, G_SOURCE_FUNC (on_client_readable), conn, NULL);
    g_source_attach (conn->hello_source, NULL);
  } else {
    conn->stream = g_object_ref (G_IO_STREAM (tcp));
    conn_hand_to_soup (conn);
  }
  return TRUE;
}

/* ---------------------------------------------------- libsoup's messages */

static gboolean
request_has_body (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  switch (soup_message_headers_get_encoding (headers)) {
    case SOUP_ENCODING_CONTENT_LENGTH:
      return soup_message_headers_get_content_length (headers) > 0;
    case SOUP_ENCODING_NONE:
      return FALSE;
    default:
      return TRUE;
  }
}

static void
on_got_headers (SoupServerMessage *msg, gpointer user_data)
{
  HttpConn *conn = conn_of_message (msg);

  if (!conn)
    return;
  conn_set_established (conn);
  if (request_has_body (msg)) {
    conn->phase = PHASE_BODY;
    conn_set_deadline (conn, conn->owner->limits.body_timeout_s);
  } else {
    conn->phase = PHASE_BUSY;
    conn_clear_deadline (conn);
  }
}

/* A body that keeps arriving keeps its connection, however slow the link. */
static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  HttpConn *conn = conn_of_message (msg);

  if (conn && conn->phase == PHASE_BODY)
    conn_set_deadline (conn, conn->owner->limits.body_timeout_s);
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  ShHttpConnections *self = user_data;
  HttpConn *conn = self->accepting;

  if (!conn)
    return;
  g_object_set_data_full (G_OBJECT (msg), "sh-handoff", g_object_ref (conn->handoff),
                          g_object_unref);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), NULL);
}

static void
on_request_read (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  HttpConn *conn = conn_of_message (msg);

  if (!conn)
    return;
  conn->phase = PHASE_BUSY;
  conn_clear_deadline (conn);
}

/* libsoup's own rule for a persistent HTTP/1 connection. */
static gboolean
message_keeps_connection (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (soup_message_headers_get_encoding (response) == SOUP_ENCODING_EOF)
    return FALSE;
  if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    return soup_message_headers_header_contains (response, "Connection", "Keep-Alive");
  return !soup_message_headers_header_contains (request, "Connection", "close")
         && !soup_message_headers_header_contains (response, "Connection", "close");
}

static void
on_request_finished (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  HttpConn *conn = conn_of_message (msg);

  if (conn)
    conn->keep_alive = message_keeps_connection (msg);
}

static void
on_request_aborted (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  HttpConn *conn = conn_of_message (msg);

  if (conn)
    conn->keep_alive = FALSE;
}

/* --------------------------------------------------------------- public */

ShHttpConnections *
sh_http_connections_new (SoupServer *soup, GTlsCertificate *tls, const ShHttpLimits *limits)
{
  ShHttpConnections *self = g_new0 (ShHttpConnections, 1);

  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);
  self->soup = soup;
  self->tls = tls ? g_object_ref (tls) : NULL;
  self->limits = *limits;
  self->limits.unlimited_addresses = NULL;
  self->unlimited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (gsize i = 0; limits->unlimited_addresses && limits->unlimited_addresses[i]; i++) {
    g_autoptr (GInetAddress) a = g_inet_address_new_from_string (limits->unlimited_addresses[i]);
    if (a)
      g_hash_table_add (self->unlimited, g_inet_address_to_string (a));
  }
  self->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->conns);
  self->soup_handlers[0]
      = g_signal_connect (soup, "request-started", G_CALLBACK (on_request_started), self);
  self->soup_handlers[1]
      = g_signal_connect (soup, "request-read", G_CALLBACK (on_request_read), self);
  self->soup_handlers[2]
      = g_signal_connect (soup, "request-finished", G_CALLBACK (on_request_finished), self);
  self->soup_handlers[3]
      = g_signal_connect (soup, "request-aborted", G_CALLBACK (on_request_aborted), self);
  return self;
}

GSocketAddress *
sh_http_connections_listen (ShHttpConnections *self, GSocketAddress *address, GError **error)
{
  GSocketAddress *bound = NULL;

  g_return_val_if_fail (self->service == NULL, NULL);
  self->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), self->limits.backlog);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                      error)) {
    g_clear_object (&self->service);
    return NULL;
  }
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return bound;
}

void
sh_http_connections_close_all (ShHttpConnections *self)
{
  self->closing = TRUE;
  if (self->service) {
    g_socket_service_stop (self->service);
    g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  }
  /* Requests being answered and WebSockets saying goodbye may finish: they
   * close when libsoup lets them go (closing is set), or at the latest in
   * sh_http_connections_free. The rest end now. */
  for (GList *l = self->conns.head, *next; l; l = next) {
    HttpConn *conn = l->data;
    next = l->next;
    if (conn->phase == PHASE_TLS_WAIT || conn->phase == PHASE_RELEASED)
      conn_close (conn);
    else if (conn->phase == PHASE_TLS_HANDSHAKE || conn->phase == PHASE_HEADERS)
      conn_kill (conn);
  }
}

void
sh_http_connections_get_stats (ShHttpConnections *self, ShHttpStats *stats)
{
  *stats = self->stats;
}

void
sh_http_connections_free (ShHttpConnections *self)
{
  if (!self)
    return;
  sh_http_connections_close_all (self);
  for (gsize i = 0; i < G_N_ELEMENTS (self->soup_handlers); i++)
    g_signal_handler_disconnect (self->soup, self->soup_handlers[i]);
  /* What is left is still with libsoup or in a TLS handshake: close it under
   * them; their streams no longer point here. */
  while (!g_queue_is_empty (&self->conns))
    conn_close (g_queue_peek_head (&self->conns));
  g_clear_object (&self->service);
  g_clear_object (&self->tls);
  g_hash_table_unref (self->by_address);
  g_hash_table_unref (self->unlimited);
  g_free (self);
}
