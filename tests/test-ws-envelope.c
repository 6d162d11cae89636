/* The WebSocket envelope: what is accepted, what is refused with which
 * code, and replies that echo the id unchanged.
 * SPDX-License-Identifier: Apache-2.0 */
#include "app.h"

static void
test_accepts (void)
{
  static const struct {
    const char *text, *type, *id_json;
  } cases[] = {
    { "{\"type\":\"ping\"}", "ping", NULL },
    { "{\"type\":\"ping\",\"id\":\"c1\",\"payload\":{}}", "ping", "\"c1\"" },
    { "{\"type\":\"ping\",\"id\":42,\"payload\":null}", "ping", "42" },
    { "{\"type\":\"meeting.chat\",\"id\":-7,\"payload\":{\"text\":\"你好\"}}", "meeting.chat",
      "-7" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    ShWsEnvelope e;
    g_autoptr (GError) error = NULL;
    const char *code = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *expected_id = NULL;

    g_assert_true (sh_ws_envelope_parse (cases[i].text, strlen (cases[i].text), &e, &code, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (e.type, ==, cases[i].type);
    g_assert_nonnull (e.payload);
    reply = sh_ws_envelope_build ("pong", e.id, NULL);
    if (cases[i].id_json) {
      expected_id = g_strdup_printf ("\"id\":%s", cases[i].id_json);
      g_assert_nonnull (strstr (reply, expected_id));
    } else {
      g_assert_null (strstr (reply, "\"id\""));
    }
    g_assert_nonnull (strstr (reply, "\"payload\":{}"));
    sh_ws_envelope_clear (&e);
  }
}

static void
test_refuses (void)
{
  static const struct {
    const char *text, *code;
    gboolean id_echoed;
  } cases[] = {
    { "", "invalid_json", FALSE },
    { "not json", "invalid_json", FALSE },
    { "[1]", "invalid_json", FALSE },
    { "{\"id\":\"x\"}", "bad_request", TRUE },
    { "{\"type\":5,\"id\":1}", "bad_request", TRUE },
    { "{\"type\":\"ping\",\"id\":{\"a\":1}}", "bad_request", FALSE },
    { "{\"type\":\"ping\",\"id\":true}", "bad_request", FALSE },
    /* A double would not come back as sent (found by fuzzing). */
    { "{\"type\":\"ping\",\"id\":1e40 }", "bad_request", FALSE },
    { "{\"type\":\"ping\",\"id\":1.5}", "bad_request", FALSE },
    { "{\"type\":\"ping\",\"payload\":[1]}", "bad_request", FALSE },
    { "{\"type\":\"ping\",\"payload\":\"x\",\"id\":\"k\"}", "bad_request", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    ShWsEnvelope e;
    g_autoptr (GError) error = NULL;
    const char *code = NULL;

    g_assert_false (
        sh_ws_envelope_parse (cases[i].text, strlen (cases[i].text), &e, &code, &error));
    g_assert_cmpstr (code, ==, cases[i].code);
    g_assert_nonnull (error);
    g_assert_cmpstr (error->message, !=, "");
    g_assert_cmpint (e.id != NULL, ==, cases[i].id_echoed);
    g_test_message ("%s -> %s: %s", cases[i].text, code, error->message);
    sh_ws_envelope_clear (&e);
  }
}

static void
test_long_string_id (void)
{
  g_autofree char *id = g_strnfill (SH_WS_MAX_ID_CHARS + 1, 'x');
  g_autofree char *text = g_strdup_printf ("{\"type\":\"ping\",\"id\":\"%s\"}", id);
  ShWsEnvelope e;
  g_autoptr (GError) error = NULL;
  const char *code = NULL;

  g_assert_false (sh_ws_envelope_parse (text, strlen (text), &e, &code, &error));
  g_assert_cmpstr (code, ==, "bad_request");
  sh_ws_envelope_clear (&e);
}

static void
test_schemas (void)
{
  static const struct {
    const char *type, *payload;
    gboolean valid;
  } cases[] = {
    { "meeting.join", "{\"meeting_id\":3}", TRUE },
    { "meeting.join", "{\"meeting_id\":0}", FALSE },
    { "meeting.join", "{\"meeting_id\":\"3\"}", FALSE },
    { "meeting.chat", "{\"text\":\"大家好\"}", TRUE },
    { "meeting.chat", "{}", FALSE },
    { "meeting.chat", "{\"text\":\"   \"}", FALSE },
    { "meeting.chair.mute", "{\"participant\":2,\"audio\":true}", TRUE },
    { "meeting.chair.mute", "{\"participant\":2,\"audio\":1}", FALSE },
    { "meeting.chair.lock", "{\"locked\":null}", FALSE },
    { "meeting.candidate", "{\"leg\":\"publish\",\"candidate\":null}", TRUE },
    { "meeting.publish", "{\"sdp\":5}", FALSE },
    { "meeting.publish", "{\"sdp\":\"v=0\",\"screen_mid\":\"2\"}", TRUE },
    { "meeting.receive", "{\"camera\":false}", TRUE },
    { "meeting.receive", "{}", FALSE },
    /* Messages without a schema, and unknown ones, pass through to their
     * handler (or to unknown_type). */
    { "meeting.leave", "{\"anything\":1}", TRUE },
    { "no.such.message", "{}", TRUE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *payload;
    gboolean valid;

    g_assert_true (json_parser_load_from_data (parser, cases[i].payload, -1, NULL));
    payload = json_node_get_object (json_parser_get_root (parser));
    valid = sh_ws_payload_valid (payload, sh_app_ws_schema (cases[i].type), &error);
    g_test_message ("%s %s -> %s", cases[i].type, cases[i].payload, error ? error->message : "ok");
    g_assert_cmpint (valid, ==, cases[i].valid);
    g_assert_cmpint (error != NULL, ==, !cases[i].valid);
  }
  /* The chat limit is the store's. */
  {
    g_autofree char *text = g_strnfill (SH_MEETING_CHAT_MAX_CHARS + 1, 'x');
    g_autoptr (JsonObject) payload = json_object_new ();
    g_autoptr (GError) error = NULL;

    json_object_set_string_member (payload, "text", text);
    g_assert_false (sh_ws_payload_valid (payload, sh_app_ws_schema ("meeting.chat"), &error));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ws-envelope/accepts", test_accepts);
  g_test_add_func ("/ws-envelope/refuses", test_refuses);
  g_test_add_func ("/ws-envelope/long-string-id", test_long_string_id);
  g_test_add_func ("/ws-envelope/schemas", test_schemas);
  return g_test_run ();
}
