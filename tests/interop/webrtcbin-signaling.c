/* The webrtcbin interop test's WebSocket: opens /ws with the session cookie,
 * speaks the echo service's messages (echo.start, echo.candidate both ways,
 * echo.answer, echo.state, echo.stats, echo.stop/echo.stopped) and hands the
 * answer and the server's candidates to webrtcbin (webrtcbin-media.c).
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include "webrtcbin-client.h"

static void
send_message (Echo *e, const char *type, const char *id, JsonNode *payload)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  if (!e->ws || soup_websocket_connection_get_state (e->ws) != SOUP_WEBSOCKET_STATE_OPEN) {
    json_node_unref (payload);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  if (id) {
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, id);
  }
  json_builder_set_member_name (b, "payload");
  json_builder_add_value (b, payload); /* takes it */
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  if (!g_str_equal (type, "echo.candidate"))
    g_test_message ("-> %s", type);
  soup_websocket_connection_send_text (e->ws, text);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

void
echo_send_start (Echo *e, const char *sdp)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "sdp", sdp);
  send_message (e, "echo.start", "start", object_node (payload));
}

void
echo_send_candidate (Echo *e, guint mline, const char *mid, const char *candidate)
{
  JsonObject *payload = json_object_new ();

  g_test_message ("-> echo.candidate %s", candidate);
  json_object_set_string_member (payload, "candidate", candidate);
  json_object_set_string_member (payload, "sdpMid", mid);
  json_object_set_int_member (payload, "sdpMLineIndex", mline);
  send_message (e, "echo.candidate", NULL, object_node (payload));
}

void
echo_send_end_of_candidates (Echo *e)
{
  JsonObject *payload = json_object_new ();

  g_test_message ("-> echo.candidate end-of-candidates after %u", e->local_candidates);
  json_object_set_null_member (payload, "candidate");
  send_message (e, "echo.candidate", NULL, object_node (payload));
}

static void
apply_answer (Echo *e, JsonObject *payload)
{
  const char *text = json_object_has_member (payload, "sdp")
                         ? json_object_get_string_member (payload, "sdp")
                         : NULL;

  if (!text) {
    echo_fail (e, "echo.answer without an sdp");
    return;
  }
  g_test_message ("answer:\n%s", text);
  echo_set_answer (e, text);
}

static void
on_server_candidate (Echo *e, JsonObject *payload)
{
  JsonNode *node = json_object_get_member (payload, "candidate");
  const char *candidate;
  int mline = -1;

  if (!node || JSON_NODE_HOLDS_NULL (node)) {
    g_test_message ("<- echo.candidate end-of-candidates after %u", e->server_candidates);
    return;
  }
  candidate = json_node_get_string (node);
  if (!candidate) {
    echo_fail (e, "echo.candidate from the server has a non-string candidate");
    return;
  }
  if (!candidate[0])
    return;
  e->server_candidates++;
  g_test_message ("<- echo.candidate %s", candidate);
  if (json_object_has_member (payload, "sdpMLineIndex"))
    mline = (int) json_object_get_int_member (payload, "sdpMLineIndex");
  else if (json_object_has_member (payload, "sdpMid") && e->answered)
    mline = echo_remote_mline (e, json_object_get_string_member (payload, "sdpMid"));
  if (mline < 0)
    mline = 0; /* max-bundle: every m-line shares the first transport */
  echo_add_remote_candidate (e, (guint) mline, candidate);
}

static void
on_ws_message (SoupWebsocketConnection *ws, gint kind, GBytes *message, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize n;
  const char *data = g_bytes_get_data (message, &n);
  JsonObject *root;
  JsonObject *payload;
  const char *type;

  if (kind != SOUP_WEBSOCKET_DATA_TEXT
      || !json_parser_load_from_data (parser, data, (gssize) n, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    echo_fail (e, "the server sent a frame that is not a JSON object: %.*s", (int) n, data);
    return;
  }
  root = json_node_get_object (json_parser_get_root (parser));
  type
      = json_object_has_member (root, "type") ? json_object_get_string_member (root, "type") : NULL;
  payload = json_object_has_member (root, "payload")
                ? json_object_get_object_member (root, "payload")
                : NULL;
  if (!type || !payload) {
    echo_fail (e, "message without type or payload: %.*s", (int) n, data);
    return;
  }
  if (g_str_equal (type, "echo.answer")) {
    g_test_message ("<- echo.answer");
    apply_answer (e, payload);
  } else if (g_str_equal (type, "echo.candidate")) {
    on_server_candidate (e, payload);
  } else if (g_str_equal (type, "echo.state")) {
    e->states++;
    g_test_message ("<- echo.state %.*s", (int) n, data);
  } else if (g_str_equal (type, "echo.stats")) {
    e->stats++;
    g_test_message ("<- echo.stats %.*s", (int) n, data);
  } else if (g_str_equal (type, "echo.stopped")) {
    g_test_message ("<- echo.stopped");
    e->stopped = TRUE;
    g_main_loop_quit (e->loop);
  } else if (g_str_equal (type, "error")) {
    const char *id
        = json_object_has_member (root, "id") ? json_object_get_string_member (root, "id") : "";
    echo_fail (e, "the server answered %s with an error: %.*s", id ? id : "?", (int) n, data);
  } else {
    g_test_message ("<- %s (ignored)", type);
  }
}

static void
on_ws_closed (SoupWebsocketConnection *ws, gpointer user_data)
{
  Echo *e = user_data;

  e->ws_closed = TRUE;
  if (!e->stopped)
    echo_fail (e, "the WebSocket closed (code %u, %s)",
               soup_websocket_connection_get_close_code (ws),
               soup_websocket_connection_get_close_data (ws)
                   ? soup_websocket_connection_get_close_data (ws)
                   : "");
}

static void
on_ws_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (GError) error = NULL;

  e->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  *e->ws_done = TRUE;
  if (!e->ws)
    echo_fail (e, "cannot open /ws: %s", error->message);
  g_main_loop_quit (e->loop);
}

void
echo_open_websocket (Echo *e, TestClient *client, const char *base_url)
{
  g_autofree char *url = g_strconcat ("ws", base_url + strlen ("http"), "ws", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  gboolean done = FALSE;

  g_assert_nonnull (msg);
  e->ws_done = &done;
  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_ws_connected, e);
  echo_run_until (e, &done, OVERALL_TIMEOUT_S);
  if (e->failure)
    g_error ("%s", e->failure);
  g_signal_connect (e->ws, "message", G_CALLBACK (on_ws_message), e);
  g_signal_connect (e->ws, "closed", G_CALLBACK (on_ws_closed), e);
}

char *
echo_stop (Echo *e)
{
  g_clear_pointer (&e->failure, g_free);
  if (!e->ws || soup_websocket_connection_get_state (e->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return g_strdup ("the WebSocket is not open for echo.stop");
  send_message (e, "echo.stop", "stop", object_node (json_object_new ()));
  echo_run_until (e, &e->stopped, STOP_TIMEOUT_S);
  return g_steal_pointer (&e->failure);
}

void
echo_close_websocket (Echo *e)
{
  if (!e->ws)
    return;
  g_signal_handlers_disconnect_by_data (e->ws, e);
  if (soup_websocket_connection_get_state (e->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (e->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (e->ws);
}
