/* Layer: WebSocket transport (ws.c, ws-envelope.c, rate-limit.c), above
 * the HTTP server, below the protocol handlers (echo.c, meeting-*.c). The
 * socket, one received message, sending, and the protocol tables that the
 * handlers contribute and the assembly (app.c) hands over at start: the
 * transport names no handler. May include: http-private.h, builders.h,
 * rate-limit.h, ws-envelope.h; never a header of a protocol.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "builders.h"
#include "http-private.h"
#include "rate-limit.h"
#include "ws-envelope.h"

/* A socket. The transport owns it; the protocols keep their state of it
 * here (the field's comment names the file), the rest is read-only to them. */
struct _ShWsClient {
  ShServer *server;
  SoupWebsocketConnection *conn;
  char *token_hash; /* the session this socket belongs to */
  gint64 account_id;
  char *user_agent;            /* (nullable) of the HTTP upgrade: the device kind of attendance */
  struct _ShEchoSession *echo; /* the device check this socket runs, if any (echo.c) */
};

/* One received message, valid for the handler's call. */
typedef struct {
  ShWsClient *client;
  const char *type;
  JsonNode *id;        /* (nullable) echoed in the reply */
  JsonObject *payload; /* never NULL: an empty object when absent */
  ShAuth auth;
} ShWsMessage;

typedef void (*ShWsHandler) (ShWsMessage *m);

/* Who may send a message (docs/protocol.md, column "who may send"). */
typedef enum {
  SH_WS_ANYONE,      /* any logged-in account */
  SH_WS_PARTICIPANT, /* a socket that has joined a meeting (acting for itself) */
  SH_WS_CHAIR,       /* a participant with chair powers in that meeting */
} ShWsPermission;

/* One message of a protocol: its handler, who may send it, which of the
 * account's buckets it costs from, and its payload's schema (NULL: the
 * handler reads the payload itself), checked before the handler runs. */
typedef struct {
  const char *type;
  ShWsHandler handler;
  ShWsPermission permission;
  ShWsKind kind;
  const ShWsField *schema;
} ShWsMessageDef;

/* What a protocol area contributes: its messages (ending with { NULL })
 * and what it does when one of its sockets goes away (nullable). */
typedef struct {
  const ShWsMessageDef *messages;
  void (*socket_closed) (ShWsClient *client);
} ShWsProtocol;

/* Adds the endpoint /ws answering the messages of @protocols (a
 * NULL-terminated static array, transfer none) and the transport's own
 * (ping, hello). Sockets are closed when the server stops. */
void sh_ws_register (ShServer *server, const ShWsProtocol *const *protocols);

/* The definition of message @type in @protocols, or NULL. (transfer none) */
const ShWsMessageDef *sh_ws_protocols_find (const ShWsProtocol *const *protocols, const char *type);

/* Sends {"type", "id", "payload"}; @id and @payload (an object) are
 * borrowed and nullable. */
void sh_ws_send (ShWsClient *client, const char *type, JsonNode *id, JsonBuilder *payload);
void sh_ws_send_node (ShWsClient *client, const char *type, JsonNode *id, JsonNode *payload);
void sh_ws_send_error (ShWsClient *client, JsonNode *id, const char *code, const char *message);
