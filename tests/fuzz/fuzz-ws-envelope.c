/* Fuzz target for WebSocket messages: sh_ws_envelope_parse() as the socket
 * code runs it on every text frame, the payload checked against the
 * message's schema (the meeting protocol), then the reply the server sends,
 * which echoes the id: it must be JSON a client can read, with the id
 * unchanged.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "fuzz.h"
#include "app.h"

/* The server's max_ws_message_bytes default. */
#define MAX_MESSAGE (64 * 1024)

static void
check_reply (const char *type, JsonNode *id, const char *message)
{
  g_autoptr (JsonBuilder) payload = json_builder_new ();
  g_autoptr (JsonNode) payload_node = NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *text = NULL;
  JsonObject *reply;

  json_builder_begin_object (payload);
  if (message) {
    json_builder_set_member_name (payload, "message");
    json_builder_add_string_value (payload, message);
  }
  json_builder_end_object (payload);
  payload_node = json_builder_get_root (payload);
  text = sh_ws_envelope_build (type, id, payload_node);
  if (!json_parser_load_from_data (parser, text, -1, NULL)) {
    fprintf (stderr, "reply is not JSON: %s\n", text);
    FUZZ_CHECK (FALSE);
  }
  reply = json_node_get_object (json_parser_get_root (parser));
  FUZZ_CHECK (json_object_has_member (reply, "id") == (id != NULL));
  if (id)
    FUZZ_CHECK (json_node_equal (json_object_get_member (reply, "id"), id));
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
  const char *code = NULL;
  ShWsEnvelope e;

  if (size > MAX_MESSAGE)
    return 0;
  if (!sh_ws_envelope_parse ((const char *) data, size, &e, &code, &error)) {
    FUZZ_CHECK_ERROR (error);
    FUZZ_CHECK (code != NULL);
    check_reply ("error", e.id, error->message);
  } else {
    FUZZ_CHECK (e.type != NULL && e.type[0] != '\0' && e.payload != NULL);
    FUZZ_CHECK (g_utf8_validate (e.type, -1, NULL));
    if (sh_ws_payload_valid (e.payload, sh_app_ws_schema (e.type), &error)) {
      FUZZ_CHECK (error == NULL);
      check_reply ("meeting.ok", e.id, NULL);
    } else {
      FUZZ_CHECK_ERROR (error);
      check_reply ("error", e.id, error->message);
    }
  }
  sh_ws_envelope_clear (&e);
  return 0;
}
