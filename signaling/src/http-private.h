/* Layer: HTTP server (server.c, pages.c, client-address.c, auth.c). The
 * server every layer reads, a request being handled, routes and replies.
 * Knows no handler: route tables, the calendar feed and everything above
 * are handed over by the assembly (app.c) at start. May include: the
 * public headers of minutes/ and media/, and the helpers below it
 * (auth.h, config.h, json-util.h, metrics.h, room.h); never a header of
 * the WebSocket, REST or meeting layers.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "sanhui-signaling.h"
#include "sanhui-media.h"
#include "auth.h"
#include "authz.h"
#include "config.h"
#include "json-util.h"
#include "metrics.h"
#include "room.h"

#define SH_CSRF_HEADER "X-CSRF-Token"

/* Called when the server stops (its main loop ends) and again when it is
 * freed: upper layers close what they hang on the server. A hook must do
 * nothing when there is nothing (left) to close. */
typedef void (*ShServerStopFunc) (ShServer *server, gpointer data);
/* A meeting's state changed in the store (the meeting layer makes the room
 * follow). */
typedef void (*ShMeetingStateFunc) (ShServer *server, gint64 meeting_id, gint64 by_account);
/* Something the chair's attendance panel shows changed in the store (a
 * leave decided while the meeting runs): the meeting layer pushes it. */
typedef void (*ShMeetingAttendanceFunc) (ShServer *server, gint64 meeting_id);

struct _ShServer {
  ShConfig *config;
  ShStore *store;
  GBytes *secret;   /* HMAC key for link tokens; never logged */
  char *dummy_hash; /* verified for unknown accounts, see login.c */
  GTimeZone *tz;    /* display zone of dates in replies */
  SoupServer *soup;
  struct _ShHttpConnections *http; /* accepts connections for soup (http-conn.c) */
  GMainLoop *loop;
  ShMediaEngine *media;
  char *url;
  gboolean tls;
  GPtrArray *sockets; /* (element-type ShWsClient) live WebSocket clients (ws.c) */
  ShRooms *rooms;     /* live meetings (room.c) */
  ShMetrics metrics;
  struct _ShLogin *login; /* log-in throttle and hash pool (login.c), made on first use */
  GPtrArray *routes;      /* (element-type ShRoute) tables handed over at start */
  GArray *stop_hooks;     /* (element-type StopHook, server.c) */
  ShMeetingStateFunc meeting_state_changed; /* nullable */
  ShMeetingAttendanceFunc meeting_attendance_changed; /* nullable */
  guint signal_sources[2];
  guint purge_source;
};

typedef struct {
  ShServer *server;
  SoupServerMessage *msg;
  const char *method;
  const char *path;
  gint64 ids[3];     /* numeric path parameters, in order */
  char *words[2];    /* non-numeric path parameters, in order */
  GHashTable *query; /* may be NULL */
  JsonObject *body;  /* parsed JSON body for routes that take one */
  ShAuth auth;
} ShRequest;

typedef void (*ShRouteHandler) (ShRequest *req);

typedef enum {
  SH_ROUTE_PUBLIC = 0,       /* no session needed */
  SH_ROUTE_SESSION = 1 << 0, /* needs a logged-in account */
  SH_ROUTE_JSON = 1 << 1,    /* body is a JSON object */
  SH_ROUTE_RAW = 1 << 2,     /* body is passed as is (uploads) */
} ShRouteFlags;

/* A route: METHOD and a pattern whose segments are literal, "{id}" (a
 * positive integer) or "{word}" ([a-z_]+). A table ends with { NULL }. */
typedef struct {
  const char *method;
  const char *pattern;
  ShRouteFlags flags;
  ShRouteHandler handler;
} ShRoute;

/* ------------------------------------------------ building (server.c) */

/* The server without its handlers: configuration, store, secret, rooms
 * and the /api router (no routes yet). Returns: (transfer full). */
ShServer *sh_http_server_new (const char *config_path, const char *const *overrides,
                              GError **error);
/* Adds a route table under /api; @routes (transfer none) lives as long as
 * the server (a static table). Tables are searched in the order added. */
void sh_server_add_routes (ShServer *server, const ShRoute *routes);
/* Adds the handlers of /healthz, /metrics, /calendar (answered by
 * @calendar_feed) and web/ (pages.c). */
void sh_pages_register (ShServer *server, ShRouteHandler calendar_feed);
/* @func runs when the server stops and when it is freed, newest first; the
 * same @func and @data twice count once. */
void sh_server_on_stop (ShServer *server, ShServerStopFunc func, gpointer data);
/* Listens and starts the media engine: the handlers are in place. */
gboolean sh_http_server_start (ShServer *server, GError **error);

/* Tells the meeting layer that a meeting's state changed in the store;
 * nothing when no meeting layer is attached. */
void sh_server_meeting_state_changed (ShServer *server, gint64 meeting_id, gint64 by_account);
/* Tells the meeting layer that the attendance of a meeting changed in the
 * store; nothing when no meeting layer is attached. */
void sh_server_meeting_attendance_changed (ShServer *server, gint64 meeting_id);

/* --------------------------------------------------- replies (server.c) */

/* Every reply of the API goes through these. */
void sh_reply_json (ShRequest *req, guint status, JsonNode *node);    /* node: transfer full */
void sh_reply_builder (ShRequest *req, guint status, JsonBuilder *b); /* builds and replies */
void sh_reply_error (ShRequest *req, guint status, const char *code, const char *message);
void sh_reply_no_content (ShRequest *req);
/* Replies {"ok": true} with @status. */
void sh_reply_ok (ShRequest *req, guint status);
/* Maps a GError from the minutes module, the JSON helpers or tokens. */
void sh_reply_gerror (ShRequest *req, const GError *error);
void sh_reply_forbidden (ShRequest *req);
void sh_reply_not_found (ShRequest *req);

/* The raw request body. (transfer none) */
const char *sh_request_body (ShRequest *req, gsize *length);
/* A query parameter or NULL. (transfer none) */
const char *sh_request_query (ShRequest *req, const char *name);

/* Counts a response of @status for /metrics. */
void sh_count_status (ShServer *server, guint status);
/* The client's address for log lines. Returns: (transfer full). */
char *sh_request_log_address (ShServer *server, SoupServerMessage *msg);

/* The base URL for links: public_url or the listening URL. (transfer none) */
const char *sh_server_public_url (ShServer *server);

/* ------------------------------------------ addresses (client-address.c) */

/* The client's address: the peer of the connection, or the last address of
 * X-Forwarded-For when the peer is one of security.trusted_proxies.
 * Returns: (transfer full) (nullable). */
GInetAddress *sh_request_client_address (ShServer *server, SoupServerMessage *msg);

/* @address as text, with its last bits cleared: a /@v4_bits network for
 * IPv4 (and IPv4-mapped IPv6), /@v6_bits for IPv6, e.g. "203.0.113.0/24".
 * "unknown" for NULL. Returns: (transfer full). */
char *sh_client_network (GInetAddress *address, guint v4_bits, guint v6_bits);
