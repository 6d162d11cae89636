/* The JSON envelope of every WebSocket message (docs/protocol.md):
 * {"type", "id", "payload"}. Pure functions, shared by the socket code and
 * its fuzz target. SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

#include "sanhui-minutes.h"

/* An id is echoed back verbatim, so only what survives a JSON round trip
 * unchanged is allowed: a string of at most this many characters, or an
 * integer. */
#define SH_WS_MAX_ID_CHARS 128
#define SH_WS_MAX_TYPE_CHARS 64

typedef struct {
  JsonObject *envelope; /* owned */
  JsonNode *id;         /* borrowed from envelope; NULL when absent */
  char *type;           /* owned */
  JsonObject *payload;  /* owned reference: {} when absent or null */
} ShWsEnvelope;

/* Parses one text frame. On failure sets @error_code ("invalid_json" or
 * "bad_request") and @error (a Chinese message for the client) and, when
 * the id itself was fine, @envelope->id so the error can echo it. */
gboolean sh_ws_envelope_parse (const char *data, gsize length, ShWsEnvelope *envelope,
                               const char **error_code, GError **error);
void sh_ws_envelope_clear (ShWsEnvelope *envelope);

/* ------------------------------------------------------ payload schemas */

typedef enum {
  SH_WS_FIELD_STRING, /* max: characters */
  SH_WS_FIELD_INT,    /* 1 to max */
  SH_WS_FIELD_BOOL,
} ShWsFieldType;

/* One payload field; a message's fields end with { NULL }. Fields not
 * listed are ignored, so that newer clients can talk to older servers.
 * Each protocol keeps its schemas in its message table (ws-private.h). */
typedef struct {
  const char *name;
  ShWsFieldType type;
  gboolean required;
  gint64 max;
} ShWsField;

/* Checks @payload against @fields (NULL: nothing to check) with the same
 * getters as the REST bodies (null counts as absent). Sets a Chinese
 * message naming the field. */
gboolean sh_ws_payload_valid (JsonObject *payload, const ShWsField *fields, GError **error);

/* {"type": @type, "id": @id, "payload": @payload or {}} as text; @id and
 * @payload are borrowed and nullable. Returns: (transfer full). */
char *sh_ws_envelope_build (const char *type, JsonNode *id, JsonNode *payload);
