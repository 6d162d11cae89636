/* The HTTP server: listening, body limits, routing of /api through the
 * route tables it is handed, and clean shutdown on SIGINT/SIGTERM. It names
 * no handler: the assembly (app.c) adds the tables, the pages, the
 * WebSocket endpoint and the meeting layer's hooks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "http-private.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <sys/resource.h>

#include "http-conn.h"
#include "log.h"
#include "password.h"
#include "tls-cert.h"
#include "token.h"

#define SESSION_PURGE_INTERVAL_S 3600

/* ------------------------------------------------------------- replies */

void
sh_count_status (ShServer *server, guint status)
{
  if (status / 100 < G_N_ELEMENTS (server->metrics.responses_by_class))
    server->metrics.responses_by_class[status / 100]++;
}

void
sh_reply_json (ShRequest *req, guint status, JsonNode *node)
{
  g_autofree char *text = sh_json_to_string (node);
  gsize length = strlen (text);

  json_node_unref (node);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (req->msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
  sh_count_status (req->server, status);
}

void
sh_reply_builder (ShRequest *req, guint status, JsonBuilder *b)
{
  sh_reply_json (req, status, json_builder_get_root (b));
}

void
sh_reply_error (ShRequest *req, guint status, const char *code, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "code", code);
  sh_json_builder_add_string (b, "message", message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  sh_reply_builder (req, status, b);
}

void
sh_reply_no_content (ShRequest *req)
{
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
  sh_count_status (req->server, SOUP_STATUS_NO_CONTENT);
}

void
sh_reply_ok (ShRequest *req, guint status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  sh_reply_builder (req, status, b);
}

void
sh_reply_forbidden (ShRequest *req)
{
  sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", "您没有权限执行此操作");
}

void
sh_reply_not_found (ShRequest *req)
{
  sh_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "未找到请求的记录");
}

void
sh_reply_gerror (ShRequest *req, const GError *error)
{
  if (error->domain == SH_MINUTES_ERROR) {
    switch ((ShMinutesError) error->code) {
      case SH_MINUTES_ERROR_NOT_FOUND:
        sh_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", error->message);
        return;
      case SH_MINUTES_ERROR_INVALID:
        sh_reply_error (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, "invalid", error->message);
        return;
      case SH_MINUTES_ERROR_CONFLICT:
        sh_reply_error (req, SOUP_STATUS_CONFLICT, "conflict", error->message);
        return;
      case SH_MINUTES_ERROR_STATE:
        sh_reply_error (req, SOUP_STATUS_CONFLICT, "invalid_state", error->message);
        return;
      case SH_MINUTES_ERROR_DATABASE:
      case SH_MINUTES_ERROR_NEWER_SCHEMA:
      default:
        break;
    }
  } else if (error->domain == SH_TOKEN_ERROR) {
    if (error->code == SH_TOKEN_ERROR_EXPIRED)
      sh_reply_error (req, SOUP_STATUS_GONE, "token_expired", "链接已过期，请向书记索取新的链接");
    else
      sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "token_invalid", "链接无效");
    return;
  } else if (error->domain == G_IO_ERROR) {
    if (error->code == G_IO_ERROR_INVALID_DATA)
      sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_json", error->message);
    else
      sh_reply_error (req, SOUP_STATUS_BAD_REQUEST, "bad_request", error->message);
    return;
  }
  g_warning ("request %s %s failed: %s", req->method, req->path, error->message);
  sh_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后重试");
}

const char *
sh_request_body (ShRequest *req, gsize *length)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);

  *length = body->length;
  return body->data;
}

const char *
sh_request_query (ShRequest *req, const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

const char *
sh_server_public_url (ShServer *server)
{
  return server->config->public_url ? server->config->public_url : server->url;
}

/* ------------------------------------------------------------- routing */

void
sh_server_add_routes (ShServer *server, const ShRoute *routes)
{
  g_ptr_array_add (server->routes, (gpointer) routes);
}

static gboolean
segment_is_word (const char *s)
{
  gsize n = strlen (s);

  if (n == 0 || n > 512)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Matches @path against @pattern, filling the request's parameters. */
static gboolean
route_matches (const char *pattern, char **segments, ShRequest *req)
{
  g_auto (GStrv) parts = g_strsplit (pattern, "/", -1);
  guint n_ids = 0, n_words = 0;

  if (g_strv_length (parts) != g_strv_length (segments))
    return FALSE;
  for (guint i = 0; parts[i]; i++) {
    if (g_str_equal (parts[i], "{id}")) {
      guint64 v;
      if (!g_ascii_string_to_unsigned (segments[i], 10, 0, G_MAXINT64, &v, NULL)
          || n_ids >= G_N_ELEMENTS (req->ids))
        return FALSE;
      req->ids[n_ids++] = (gint64) v;
    } else if (g_str_equal (parts[i], "{word}")) {
      if (!segment_is_word (segments[i]) || n_words >= G_N_ELEMENTS (req->words))
        return FALSE;
      req->words[n_words++] = segments[i];
    } else if (!g_str_equal (parts[i], segments[i])) {
      return FALSE;
    }
  }
  return TRUE;
}

static const ShRoute *
find_route (const char *method, char **segments, ShRequest *req, gboolean *path_known)
{
  *path_known = FALSE;
  for (guint t = 0; t < req->server->routes->len; t++) {
    for (const ShRoute *r = g_ptr_array_index (req->server->routes, t); r->method; r++) {
      ShRequest probe = *req;
      if (!route_matches (r->pattern, segments, &probe))
        continue;
      *path_known = TRUE;
      if (g_str_equal (r->method, method)) {
        *req = probe;
        return r;
      }
    }
  }
  return NULL;
}

static gboolean
method_changes_state (const char *method)
{
  return !g_str_equal (method, "GET") && !g_str_equal (method, "HEAD");
}

static gboolean
csrf_ok (ShRequest *req)
{
  const char *sent = soup_message_headers_get_one (
      soup_server_message_get_request_headers (req->msg), SH_CSRF_HEADER);
  gsize n;

  if (!sent || !req->auth.csrf_token)
    return FALSE;
  n = strlen (req->auth.csrf_token);
  return strlen (sent) == n && CRYPTO_memcmp (sent, req->auth.csrf_token, n) == 0;
}

static gboolean
content_type_is (ShRequest *req, const char *wanted)
{
  const char *type = soup_message_headers_get_content_type (
      soup_server_message_get_request_headers (req->msg), NULL);

  return type && g_ascii_strcasecmp (type, wanted) == 0;
}

static void
dispatch (ShRequest *req, char **segments)
{
  gboolean path_known;
  const ShRoute *route = find_route (req->method, segments, req, &path_known);

  if (!route) {
    if (path_known)
      sh_reply_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                      "不支持该请求方法");
    else
      sh_reply_error (req, SOUP_STATUS_NOT_FOUND, "not_found", "接口不存在");
    return;
  }
  sh_auth_from_message (req->server, req->msg, &req->auth);
  if ((route->flags & SH_ROUTE_SESSION) && !req->auth.account) {
    sh_reply_error (req, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", "请先登录");
    return;
  }
  if ((route->flags & SH_ROUTE_SESSION) && method_changes_state (req->method) && !csrf_ok (req)) {
    sh_reply_error (req, SOUP_STATUS_FORBIDDEN, "csrf_failed", "安全校验失败，请刷新页面后重试");
    return;
  }
  if (route->flags & SH_ROUTE_JSON) {
    g_autoptr (GError) error = NULL;
    gsize length;
    const char *data;

    if (!content_type_is (req, "application/json")) {
      sh_reply_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                      "请求内容类型必须是 application/json");
      return;
    }
    data = sh_request_body (req, &length);
    req->body = sh_json_parse_object (data, length, &error);
    if (!req->body) {
      sh_reply_gerror (req, error);
      return;
    }
  }
  route->handler (req);
}

/* Paths that carry a credential (an invitation token) are logged without it.
 * Returns: (transfer full). */
static char *
loggable_path (const char *path)
{
  static const char *const secret_prefixes[] = { "/api/invitations/", "/calendar/" };

  for (gsize i = 0; i < G_N_ELEMENTS (secret_prefixes); i++)
    if (g_str_has_prefix (path, secret_prefixes[i]))
      return g_strconcat (secret_prefixes[i], "***", NULL);
  return g_strdup (path);
}

char *
sh_request_log_address (ShServer *server, SoupServerMessage *msg)
{
  g_autoptr (GInetAddress) address = sh_request_client_address (server, msg);

  return address ? g_inet_address_to_string (address) : g_strdup ("-");
}

static void
log_request (ShRequest *req, guint status, gint64 started)
{
  g_autofree char *path = loggable_path (req->path);
  g_autofree char *client = sh_request_log_address (req->server, req->msg);

  g_info ("%s %s %s -> %u (%" G_GINT64_FORMAT " µs)", client, req->method, path, status,
          g_get_monotonic_time () - started);
}

static void
api_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
  ShServer *server = user_data;
  ShRequest req = { .server = server, .msg = msg, .query = query, .path = path };
  gint64 started = g_get_monotonic_time ();
  g_auto (GStrv) segments = NULL;

  req.method = soup_server_message_get_method (msg);
  server->metrics.requests_total++;
  segments = g_strsplit (path + 1, "/", -1);
  dispatch (&req, segments);
  /* A paused request (a log-in waiting for its hash) logs its own answer. */
  if (soup_server_message_get_status (msg) != 0)
    log_request (&req, soup_server_message_get_status (msg), started);
  sh_auth_clear (&req.auth);
  g_clear_pointer (&req.body, json_object_unref);
}

/* Refuses oversized bodies from their headers, before they are read. */
static void
early_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  ShServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gsize limit = g_str_has_suffix (path, "/import") ? server->config->max_upload_bytes
                                                   : server->config->max_body_bytes;
  ShRequest req = {
    .server = server, .msg = msg, .path = path, .method = soup_server_message_get_method (msg)
  };

  switch (soup_message_headers_get_encoding (headers)) {
    case SOUP_ENCODING_CONTENT_LENGTH:
      if ((guint64) soup_message_headers_get_content_length (headers) <= limit)
        return;
      break;
    case SOUP_ENCODING_NONE:
      return;
    case SOUP_ENCODING_CHUNKED:
    case SOUP_ENCODING_EOF:
    case SOUP_ENCODING_UNRECOGNIZED:
    case SOUP_ENCODING_BYTERANGES:
    default:
      /* Without a declared length the size cannot be checked up front. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      sh_reply_error (&req, SOUP_STATUS_LENGTH_REQUIRED, "length_required",
                      "请求必须声明内容长度（Content-Length）");
      return;
  }
  server->metrics.requests_total++;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  {
    g_autofree char *message
        = g_strdup_printf ("请求内容过大（上限 %" G_GSIZE_FORMAT " 字节）", limit);
    sh_reply_error (&req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "body_too_large", message);
  }
  {
    g_autofree char *logged = loggable_path (path);
    g_autofree char *client = sh_request_log_address (server, msg);
    g_info ("%s %s %s -> 413 (body over %" G_GSIZE_FORMAT " bytes)", client, req.method, logged,
            limit);
  }
}

/* ------------------------------------------------------ every response */

/* The pages load only their own scripts and styles, and no one may frame
 * them; links never pass a page's address (which may hold an invitation
 * token) to another site. */
#define CONTENT_SECURITY_POLICY                                                                    \
  "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "          \
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "                   \
  "frame-ancestors 'none'"

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  ShServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cross-Origin-Opener-Policy", "same-origin");
  soup_message_headers_replace (headers, "Permissions-Policy",
                                "camera=(self), microphone=(self), display-capture=(self), "
                                "geolocation=(), payment=(), usb=()");
  if (server->tls)
    soup_message_headers_replace (headers, "Strict-Transport-Security",
                                  "max-age=31536000; includeSubDomains");
}

/* ----------------------------------------------------------- lifecycle */

/* Connections are accepted by the connection layer (http-conn.c), which
 * hands each request to libsoup. */
static gboolean
listen_on (ShServer *server, GTlsCertificate *tls, GError **error)
{
  const ShConfig *c = server->config;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) sockaddr = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  const char *listen = c->listen_address;
  gboolean ipv6;
  struct rlimit files;
  ShHttpLimits limits = {
    .max_per_address = c->max_connections_per_address,
    .max_unestablished = c->max_unestablished_per_address,
    .max_connections = c->max_connections,
    .handshake_timeout_s = c->handshake_timeout_s,
    .header_timeout_s = c->header_timeout_s,
    .idle_timeout_s = c->keepalive_timeout_s,
    .body_timeout_s = c->body_timeout_s,
    .backlog = (int) c->listen_backlog,
    .unlimited_addresses = (const char *const *) c->trusted_proxies,
  };

  if (g_str_equal (listen, "localhost"))
    listen = "127.0.0.1";
  address = g_inet_address_new_from_string (listen);
  if (!address) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "listen_address %s is not an IP address", c->listen_address);
    return FALSE;
  }
  /* Media sockets, the database and files need descriptors too: HTTP gets
   * at most half of what the process may open. */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
      && limits.max_connections > files.rlim_cur / 2) {
    limits.max_connections = MAX (16, (guint) (files.rlim_cur / 2));
    g_message ("max_connections lowered to %u: the process may open %llu files",
               limits.max_connections, (unsigned long long) files.rlim_cur);
  }
  server->http = sh_http_connections_new (server->soup, tls, &limits);
  sockaddr = g_inet_socket_address_new (address, c->port);
  bound = sh_http_connections_listen (server->http, sockaddr, error);
  if (!bound)
    return FALSE;
  host = g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (bound)));
  ipv6 = strchr (host, ':') != NULL;
  server->url = g_strdup_printf ("%s://%s%s%s:%u/", server->tls ? "https" : "http", ipv6 ? "[" : "",
                                 host, ipv6 ? "]" : "",
                                 g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return TRUE;
}

/* Raises the soft limit on open files to the hard one: every connection
 * and every media socket is a descriptor. */
static void
raise_file_limit (void)
{
  struct rlimit files;

  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit (RLIMIT_NOFILE, &files);
  }
}

/* Returns: (transfer full) the certificate, or NULL without TLS or with
 * @error set. */
static GTlsCertificate *
load_tls (ShServer *server, GError **error)
{
  const ShConfig *c = server->config;
  GTlsCertificate *cert;

  if (!c->tls_certificate)
    return NULL;
  cert = sh_tls_certificate_load (c->tls_certificate, c->tls_key, error);
  if (cert)
    server->tls = TRUE;
  return cert;
}

static gboolean
purge_sessions (gpointer user_data)
{
  ShServer *server = user_data;
  g_autoptr (GError) error = NULL;

  if (sh_session_purge (server->store, g_get_real_time (), &error) < 0)
    g_warning ("purging expired sessions: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* Host candidates go on the public address when one is configured, else on
 * the address the server listens on; a wildcard lets libnice find every
 * interface. */
static gboolean
start_media (ShServer *server, GError **error)
{
  const ShConfig *c = server->config;
  const char *address = c->public_address ? c->public_address : c->listen_address;
  const char *listen[2] = { NULL, NULL };
  ShMediaEngineConfig media = {
    .n_workers = c->media_workers,
    .data_dir = c->data_dir,
    .listen_addresses = listen,
    .port_min = c->media_port_min,
    .port_max = c->media_port_max,
    .stun_servers = (const char *const *) c->stun_servers,
    .turn_servers = (const char *const *) c->turn_servers,
    .turn_secret = c->turn_secret,
  };

  if (g_str_equal (address, "localhost"))
    address = "127.0.0.1";
  if (!g_str_equal (address, "0.0.0.0") && !g_str_equal (address, "::"))
    listen[0] = address;
  server->media = sh_media_engine_new (&media, error);
  return server->media != NULL;
}

typedef struct {
  ShServerStopFunc func;
  gpointer data;
} StopHook;

static const char *const handled_paths[]
    = { NULL, "/api", "/calendar", "/healthz", "/metrics", "/ws" };

ShServer *
sh_http_server_new (const char *config_path, const char *const *overrides, GError **error)
{
  g_autoptr (ShServer) server = g_new0 (ShServer, 1);
  g_autofree char *db_path = NULL;
  g_autofree char *secret_path = NULL;

  server->routes = g_ptr_array_new ();
  server->stop_hooks = g_array_new (FALSE, FALSE, sizeof (StopHook));
  server->config = config_path ? sh_config_load (config_path, error) : sh_config_new_default ();
  if (!server->config)
    return NULL;
  for (gsize i = 0; overrides && overrides[i]; i++)
    if (!sh_config_override (server->config, overrides[i], error))
      return NULL;
  if (!sh_config_validate (server->config, error))
    return NULL;
  sh_log_init (server->config->log_level);
  if (g_mkdir_with_parents (server->config->data_dir, 0700) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot create data dir %s: %s",
                 server->config->data_dir, g_strerror (errno));
    return NULL;
  }
  db_path = sh_config_database_path (server->config);
  server->store = sh_store_open (db_path, error);
  if (!server->store)
    return NULL;
  secret_path = g_build_filename (server->config->data_dir, "secret.key", NULL);
  server->secret = sh_token_load_or_create_secret (secret_path, error);
  if (!server->secret)
    return NULL;
  server->dummy_hash
      = sh_password_hash ("sanhui-timing-equalizer", server->config->password_iterations);
  server->tz = g_time_zone_new_identifier (server->config->time_zone);
  server->sockets = g_ptr_array_new ();
  server->rooms = sh_rooms_new ();
  server->metrics.started_at = g_get_monotonic_time ();
  server->soup = soup_server_new ("server-header", "sanhui/" PACKAGE_VERSION, NULL);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  /* libsoup runs only the early handler of the most specific path, so the
   * body limit is installed on every path that has a handler. */
  for (gsize i = 0; i < G_N_ELEMENTS (handled_paths); i++)
    soup_server_add_early_handler (server->soup, handled_paths[i], early_handler, server, NULL);
  soup_server_add_handler (server->soup, "/api", api_handler, server, NULL);
  return g_steal_pointer (&server);
}

gboolean
sh_http_server_start (ShServer *server, GError **error)
{
  g_autoptr (GTlsCertificate) tls = NULL;
  g_autofree char *db_path = sh_config_database_path (server->config);

  tls = load_tls (server, error);
  if (!tls && server->config->tls_certificate)
    return FALSE;
  raise_file_limit ();
  if (!listen_on (server, tls, error))
    return FALSE;
  if (!start_media (server, error))
    return FALSE;
  g_message ("listening on %s (database %s)", server->url, db_path);
  return TRUE;
}

void
sh_server_on_stop (ShServer *server, ShServerStopFunc func, gpointer data)
{
  StopHook hook = { func, data };

  for (guint i = 0; i < server->stop_hooks->len; i++) {
    StopHook *h = &g_array_index (server->stop_hooks, StopHook, i);
    if (h->func == func && h->data == data)
      return;
  }
  g_array_append_val (server->stop_hooks, hook);
}

/* Runs the stop hooks, newest first: when the main loop ends and again when
 * the server is freed, for what was made while the last replies went out. */
static void
stop (ShServer *server)
{
  for (guint i = server->stop_hooks ? server->stop_hooks->len : 0; i > 0; i--) {
    StopHook *hook = &g_array_index (server->stop_hooks, StopHook, i - 1);
    hook->func (server, hook->data);
  }
}

void
sh_server_meeting_state_changed (ShServer *server, gint64 meeting_id, gint64 by_account)
{
  if (server->meeting_state_changed)
    server->meeting_state_changed (server, meeting_id, by_account);
}

void
sh_server_meeting_attendance_changed (ShServer *server, gint64 meeting_id)
{
  if (server->meeting_attendance_changed)
    server->meeting_attendance_changed (server, meeting_id);
}

const char *
sh_server_url (ShServer *server)
{
  return server->url;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  ShServer *server = user_data;

  g_message ("shutting down");
  g_main_loop_quit (server->loop);
  return G_SOURCE_CONTINUE;
}

void
sh_server_run (ShServer *server)
{
  server->loop = g_main_loop_new (NULL, FALSE);
  server->signal_sources[0] = g_unix_signal_add (SIGINT, on_quit_signal, server);
  server->signal_sources[1] = g_unix_signal_add (SIGTERM, on_quit_signal, server);
  server->purge_source = g_timeout_add_seconds (SESSION_PURGE_INTERVAL_S, purge_sessions, server);
  g_main_loop_run (server->loop);
  stop (server);
  sh_http_connections_close_all (server->http);
  soup_server_disconnect (server->soup);
  /* Let close frames and pending replies go out. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
sh_server_free (ShServer *server)
{
  if (!server)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (server->signal_sources); i++)
    if (server->signal_sources[i])
      g_source_remove (server->signal_sources[i]);
  if (server->purge_source)
    g_source_remove (server->purge_source);
  stop (server);
  g_clear_pointer (&server->http, sh_http_connections_free);
  g_clear_object (&server->soup);
  g_clear_pointer (&server->rooms, sh_rooms_free);
  g_clear_pointer (&server->sockets, g_ptr_array_unref);
  g_clear_pointer (&server->media, sh_media_engine_free);
  g_clear_pointer (&server->loop, g_main_loop_unref);
  g_clear_pointer (&server->store, sh_store_free);
  g_clear_pointer (&server->secret, g_bytes_unref);
  g_clear_pointer (&server->tz, g_time_zone_unref);
  g_clear_pointer (&server->config, sh_config_free);
  g_clear_pointer (&server->routes, g_ptr_array_unref);
  g_clear_pointer (&server->stop_hooks, g_array_unref);
  g_free (server->dummy_hash);
  g_free (server->url);
  g_free (server);
}
