/* Fuzz target for WebSocket envelopes: the steps of dispatch_text() in
 * signaling/src/ws.c (a JSON object; "id" a JSON value when present; "type"
 * a string; "payload" an object or null), then the reply that ws_send()
 * builds, which echoes the id.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "json-util.h"

/* The server's max_ws_message_bytes default. */
#define MAX_MESSAGE (64 * 1024)

/* As ws_send() builds a reply to @id. Returns: (transfer full). */
static char *
build_reply (const char *type, JsonNode *id, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  sh_json_builder_add_string (b, "type", type);
  if (id) {
    json_builder_set_member_name (b, "id");
    json_builder_add_value (b, json_node_copy (id));
  }
  json_builder_set_member_name (b, "payload");
  json_builder_begin_object (b);
  if (message)
    sh_json_builder_add_string (b, "message", message);
  json_builder_end_object (b);
  json_builder_end_object (b);

  g_autoptr (JsonNode) root = json_builder_get_root (b);
  char *text = sh_json_to_string (root);
  FUZZ_CHECK (text != NULL && text[0] == '{');
  /* The client must be able to read it. */
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL)) {
    fprintf (stderr, "reply is not JSON: %s\n", text);
    FUZZ_CHECK (FALSE);
  }
  return text;
}

/* Runs the envelope checks. Returns: (transfer full) the error message for
 * the client, or NULL when the envelope is well-formed. */
static char *
dispatch (JsonObject *envelope, JsonNode **id_out, char **type_out)
{
  g_autoptr (GError) error = NULL;
  JsonNode *id = json_object_get_member (envelope, "id");
  JsonNode *payload;

  if (id && !JSON_NODE_HOLDS_VALUE (id))
    return g_strdup ("字段“id”应为字符串或数字");
  *id_out = id;
  if (!sh_json_get_string (envelope, "type", TRUE, 64, type_out, &error)) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (*type_out == NULL);
    return g_strdup (error->message);
  }
  FUZZ_CHECK (error == NULL && *type_out != NULL && (*type_out)[0] != '\0');
  FUZZ_CHECK (g_utf8_validate (*type_out, -1, NULL) && g_utf8_strlen (*type_out, -1) <= 64);
  payload = json_object_get_member (envelope, "payload");
  if (payload && !JSON_NODE_HOLDS_OBJECT (payload) && !JSON_NODE_HOLDS_NULL (payload))
    return g_strdup ("字段“payload”应为 JSON 对象");
  return NULL;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;

  if (size > MAX_MESSAGE)
    return 0;
  g_autoptr (JsonObject) envelope = sh_json_parse_object ((const char *)data, size, &error);
  if (envelope == NULL) {
    FUZZ_CHECK_ERROR (error);
    g_free (build_reply ("error", NULL, error->message));
    return 0;
  }

  JsonNode *id = NULL;
  g_autofree char *type = NULL;
  g_autofree char *problem = dispatch (envelope, &id, &type);
  g_autofree char *reply = NULL;
  if (problem != NULL) {
    FUZZ_CHECK (problem[0] != '\0');
    reply = build_reply ("error", id, problem);
  } else if (strcmp (type, "ping") == 0) {
    reply = build_reply ("pong", id, NULL);
  } else {
    reply = build_reply ("error", id, "不支持的消息类型");
  }
  return 0;
}
