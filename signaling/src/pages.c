/* The server's plain pages: /healthz, /metrics, the calendar feed and the
 * static files of web/.
 * SPDX-License-Identifier: Apache-2.0 */
#include "http-private.h"

static void
reply_text (ShServer *server, SoupServerMessage *msg, guint status, const char *type,
            const char *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, text, strlen (text));
  sh_count_status (server, status);
}

static void
healthz_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  ShServer *server = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  server->metrics.requests_total++;
  /* Healthy means able to serve: a real read, writable files, and an intact
   * file (quick_check, cached for storage.integrity_check_seconds). The
   * reason names no path: anyone may ask. */
  if (sh_store_check_health (server->store, server->config->integrity_check_seconds, &error)) {
    reply_text (server, msg, SOUP_STATUS_OK, "text/plain; charset=utf-8", "ok\n");
    return;
  }
  g_warning ("healthz: database unavailable: %s", error->message);
  text = g_strdup_printf ("database unavailable: %s\n", error->message);
  reply_text (server, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", text);
}

static gboolean
remote_is_loopback (SoupServerMessage *msg)
{
  GSocketAddress *addr = soup_server_message_get_remote_address (msg);

  return G_IS_INET_SOCKET_ADDRESS (addr)
         && g_inet_address_get_is_loopback (
             g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
}

static void
metrics_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  ShServer *server = user_data;
  g_autoptr (GString) out = g_string_new (NULL);
  ShAuth auth = { 0 };
  gboolean allowed;

  server->metrics.requests_total++;
  /* Scrapers run beside the server; anyone else must be an administrator. */
  allowed = remote_is_loopback (msg)
            || (sh_auth_from_message (server, msg, &auth) && sh_authz_is_admin (auth.roles));
  sh_auth_clear (&auth);
  if (!allowed) {
    reply_text (server, msg, SOUP_STATUS_FORBIDDEN, "text/plain; charset=utf-8", "forbidden\n");
    return;
  }
  server->metrics.media_forwarded_packets
      = server->media ? sh_media_engine_forwarded_packets (server->media) : 0;
  sh_http_connections_get_stats (server->http, &server->metrics.http);
  sh_metrics_render (&server->metrics, server->store, out);
  reply_text (server, msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", out->str);
}

static const char *
content_type_for (const char *file)
{
  static const struct {
    const char *suffix, *type;
  } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".json", "application/json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".webmanifest", "application/manifest+json" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (file, types[i].suffix))
      return types[i].type;
  return "application/octet-stream";
}

static void
static_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  ShServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *relative = NULL;
  g_autofree char *file = NULL;
  g_autofree char *root = g_canonicalize_filename (server->config->web_root, NULL);
  char *contents = NULL;
  gsize length;

  server->metrics.requests_total++;
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD")) {
    reply_text (server, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                "method not allowed\n");
    return;
  }
  relative = g_str_equal (path, "/") ? g_strdup ("index.html") : g_strdup (path + 1);
  /* Paths are decoded by libsoup; refuse anything that could leave web_root. */
  if (strstr (relative, "..") || strchr (relative, '\\') || relative[0] == '/') {
    reply_text (server, msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    return;
  }
  file = g_build_filename (root, relative, NULL);
  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR)
      || !g_file_get_contents (file, &contents, &length, NULL)) {
    reply_text (server, msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
    return;
  }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type_for (file), SOUP_MEMORY_TAKE, contents,
                                    length);
  sh_count_status (server, SOUP_STATUS_OK);
}

/* The calendar feed's handler is the REST layer's: it comes with the
 * tables at start. */
typedef struct {
  ShServer *server;
  ShRouteHandler feed;
} Calendar;

static void
calendar_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                  gpointer user_data)
{
  Calendar *calendar = user_data;
  ShServer *server = calendar->server;
  ShRequest req = { .server = server,
                    .msg = msg,
                    .query = query,
                    .path = path,
                    .method = soup_server_message_get_method (msg) };

  server->metrics.requests_total++;
  calendar->feed (&req);
  /* The token in the path is a credential: it is not logged. */
  {
    g_autofree char *client = sh_request_log_address (server, msg);
    g_info ("%s %s /calendar/*** -> %u", client, req.method, soup_server_message_get_status (msg));
  }
}

void
sh_pages_register (ShServer *server, ShRouteHandler calendar_feed)
{
  Calendar *calendar = g_new0 (Calendar, 1);

  calendar->server = server;
  calendar->feed = calendar_feed;
  soup_server_add_handler (server->soup, "/calendar", calendar_handler, calendar, g_free);
  soup_server_add_handler (server->soup, "/healthz", healthz_handler, server, NULL);
  soup_server_add_handler (server->soup, "/metrics", metrics_handler, server, NULL);
  soup_server_add_handler (server->soup, NULL, static_handler, server, NULL);
}
