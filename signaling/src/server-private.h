/* Internal to the signaling module: the server, a request being handled, and
 * the route table every API file contributes to.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "sanhui-signaling.h"
#include "sanhui-media.h"
#include "authz.h"
#include "config.h"
#include "json-util.h"
#include "metrics.h"
#include "room.h"

#define SH_SESSION_COOKIE "sanhui_session"
#define SH_CSRF_HEADER "X-CSRF-Token"

struct _ShServer {
  ShConfig *config;
  ShStore *store;
  GBytes *secret;   /* HMAC key for link tokens; never logged */
  char *dummy_hash; /* verified for unknown accounts, see api-session.c */
  GTimeZone *tz;    /* display zone of dates in replies */
  SoupServer *soup;
  struct _ShHttpConnections *http; /* accepts connections for soup (http-conn.c) */
  GMainLoop *loop;
  ShMediaEngine *media;
  char *url;
  gboolean tls;
  GPtrArray *sockets; /* (element-type ShWsClient) live WebSocket clients */
  ShRooms *rooms;     /* live meetings (room.c) */
  ShMetrics metrics;
  struct _ShLogin *login; /* log-in throttle and hash pool (login.c), made on first use */
  guint signal_sources[2];
  guint purge_source;
};

/* Ends the log-in machinery at shutdown, waiting for hashes in progress
 * (login.c). */
void sh_login_free (struct _ShLogin *login);

/* Who is asking: filled from the session cookie before a handler runs. */
typedef struct {
  ShAccount *account; /* NULL when not logged in */
  GArray *roles;      /* ShRoleGrant; empty when not logged in */
  char *csrf_token;
  char *token_hash;
} ShAuth;

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
 * positive integer) or "{word}" ([a-z_]+). */
typedef struct {
  const char *method;
  const char *pattern;
  ShRouteFlags flags;
  ShRouteHandler handler;
} ShRoute;

/* Route tables, one per API file. */
extern const ShRoute sh_session_routes[];
extern const ShRoute sh_org_routes[];
extern const ShRoute sh_member_routes[];
extern const ShRoute sh_meeting_routes[];
extern const ShRoute sh_account_routes[];
extern const ShRoute sh_meeting_record_routes[];

/* Replies. Every reply of the API goes through these. */
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

/* Starts a session for @account and sets the cookie. Returns: (transfer full)
 * the CSRF token of the new session, or NULL with @error set. */
char *sh_session_start (ShRequest *req, const ShAccount *account, GError **error);
/* Ends the request's session and clears the cookie. */
void sh_session_end (ShRequest *req);

/* Writes the *Me* object of docs/api.md. */
void sh_build_me (JsonBuilder *b, const ShAccount *account, GArray *roles, const char *csrf);

/* Resolves the request's session cookie; FALSE when there is none or it is
 * no longer valid. Used by the HTTP and WebSocket paths alike. */
gboolean sh_auth_from_message (ShServer *server, SoupServerMessage *msg, ShAuth *auth);
/* The same from the SHA-256 of a session token (a WebSocket re-checks its
 * session for every message). */
gboolean sh_auth_from_token_hash (ShServer *server, const char *token_hash, ShAuth *auth);
void sh_auth_clear (ShAuth *auth);

/* Counts a response of @status for /metrics. */
void sh_count_status (ShServer *server, guint status);
/* The client's address for log lines (login.c's rules: a trusted proxy's
 * X-Forwarded-For). Returns: (transfer full). */
char *sh_request_log_address (ShServer *server, SoupServerMessage *msg);
/* Adds the handlers of /healthz, /metrics, /calendar and web/ (pages.c). */
void sh_pages_register (ShServer *server);

/* The base URL for links: public_url or the listening URL. (transfer none) */
const char *sh_server_public_url (ShServer *server);

/* Writes a *Member* object (api-members.c). @branch_id is the branch whose
 * view this is (vote right is relative to it). */
void sh_build_member (ShRequest *req, JsonBuilder *b, const ShMember *member, gint64 branch_id);
/* Writes an *Org* object (api-orgs.c). */
void sh_build_org (ShRequest *req, JsonBuilder *b, const ShOrg *org);
/* Reads *MemberInput* fields present in the body over @member. */
gboolean sh_read_member_input (JsonObject *body, ShMember *member, GError **error);

/* Loads the meeting of the first path id when the caller may @perm on its
 * organization (or is its chair, with @chair_ok); replies and returns NULL
 * otherwise (api-meetings.c). Returns: (transfer full). */
ShMeeting *sh_meeting_for_request (ShRequest *req, ShPermission perm, gboolean chair_ok);

/* Writes a *Meeting* object of docs/api.md (api-meetings.c). */
void sh_build_meeting (ShServer *server, JsonBuilder *b, const ShMeeting *m);

/* GET /calendar/{token}.ics (api-meetings.c). */
void sh_calendar_feed (ShRequest *req);

/* WebSocket endpoint (ws.c). */
typedef struct _ShEchoSession ShEchoSession;

struct _ShWsClient {
  ShServer *server;
  SoupWebsocketConnection *conn;
  char *token_hash; /* the session this socket belongs to */
  gint64 account_id;
  ShEchoSession *echo; /* the device check this socket runs, if any */
  ShRoom *room;        /* the meeting this socket is in, if any; set by room.c */
};

/* One received message, valid for the handler's call. */
typedef struct {
  ShWsClient *client;
  const char *type;
  JsonNode *id;        /* (nullable) echoed in the reply */
  JsonObject *payload; /* never NULL: an empty object when absent */
  ShAuth auth;
} ShWsMessage;

void sh_ws_register (ShServer *server);
void sh_ws_close_all (ShServer *server);
/* Sends {"type", "id", "payload"}; @id and @payload (an object) are
 * borrowed and nullable. */
void sh_ws_send (ShWsClient *client, const char *type, JsonNode *id, JsonBuilder *payload);
void sh_ws_send_node (ShWsClient *client, const char *type, JsonNode *id, JsonNode *payload);
void sh_ws_send_error (ShWsClient *client, JsonNode *id, const char *code, const char *message);

/* The echo service's messages (api-echo.c). */
void sh_echo_handle_start (ShWsMessage *m);
void sh_echo_handle_candidate (ShWsMessage *m);
void sh_echo_handle_stop (ShWsMessage *m);
/* Stops the socket's echo, if any, as the socket goes away. */
void sh_echo_detach (ShWsClient *client);
