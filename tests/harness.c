/* SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sqlite3.h>

#define START_TIMEOUT_S 20

static const char *
binary (void)
{
  const char *path = g_getenv ("SANHUI_BINARY");

  g_assert_nonnull (path);
  return path;
}

GPtrArray *
test_sanhui_argv (const char *data_dir)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (binary ()));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup_printf ("storage.data_dir=%s", data_dir));
  g_ptr_array_add (argv, g_strdup ("--set"));
  /* A slow hash is the point in production; tests log in hundreds of times. */
  g_ptr_array_add (argv, g_strdup ("security.password_iterations=1000"));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup ("log.level=info"));
  return argv;
}

int
test_run_cli (const char *data_dir, const char *stdin_text, char **out, char **err,
              const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = test_sanhui_argv (data_dir);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out_text = NULL;
  g_autofree char *err_text = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *a = first_arg; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, stdin_text ? stdin_text : "", NULL, &out_text, &err_text,
                                 &error);
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&out_text);
  if (err)
    *err = g_steal_pointer (&err_text);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

typedef struct {
  GMainLoop *loop;
  GDataInputStream *out;
  char *url;
  gboolean timed_out;
} StartWait;

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StartWait *w = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (w->out, result, NULL, NULL);
  const char *p;

  if (!line) {
    g_main_loop_quit (w->loop);
    return;
  }
  p = strstr (line, "http://127.0.0.1:");
  if (!p)
    p = strstr (line, "https://127.0.0.1:");
  if (p) {
    w->url = g_strdup (p);
    g_strchomp (w->url);
    g_main_loop_quit (w->loop);
    return;
  }
  g_data_input_stream_read_line_async (w->out, G_PRIORITY_DEFAULT, NULL, on_line, w);
}

static gboolean
on_timeout (gpointer user_data)
{
  StartWait *w = user_data;

  w->timed_out = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

const char *
test_server_log (TestServer *server)
{
  g_autofree char *text = NULL;

  g_string_truncate (server->stderr_text, 0);
  if (g_file_get_contents (server->log_path, &text, NULL, NULL))
    g_string_append (server->stderr_text, text);
  return server->stderr_text->str;
}

/* A server outlives a test that fails with an assertion; it must not go on
 * taking the machine's time from the tests after it. Runs in the child. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts `sanhui serve` on @server's data directory and waits for its URL. */
static void
spawn_server (TestServer *server, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = NULL;
  g_autofree char *web_root = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  StartWait wait = { .loop = loop };
  guint timeout;
  int log_fd;

  argv = test_sanhui_argv (server->data_dir);
  web_root = g_build_filename (g_getenv ("SANHUI_SOURCE_ROOT"), "web", NULL);
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup ("server.port=0"));
  g_ptr_array_add (argv, g_strdup ("--set"));
  g_ptr_array_add (argv, g_strdup_printf ("server.web_root=%s", web_root));
  for (gsize i = 0; sets && sets[i]; i++) {
    g_ptr_array_add (argv, g_strdup ("--set"));
    g_ptr_array_add (argv, g_strdup (sets[i]));
  }
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, NULL);
  /* The log goes to a file (appended to across restarts): a pipe that the
   * test reads only while its main loop runs would fill up during a long run
   * of synchronous requests and stall the server. */
  log_fd = open (server->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_take_stderr_fd (launcher, log_fd);
  server->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  wait.out = out;
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line, &wait);
  timeout = g_timeout_add_seconds (START_TIMEOUT_S, on_timeout, &wait);
  g_main_loop_run (loop);
  if (!wait.timed_out)
    g_source_remove (timeout);
  if (!wait.url)
    g_error ("server did not start: %s", test_server_log (server));
  server->url = wait.url;
}

TestServer *
test_server_start_in (const char *data_dir, const char *const *sets)
{
  TestServer *server = g_new0 (TestServer, 1);

  server->data_dir = g_strdup (data_dir);
  server->db_path = g_build_filename (server->data_dir, "sanhui.db", NULL);
  server->stderr_text = g_string_new (NULL);
  server->log_path = g_strconcat (server->data_dir, ".log", NULL);
  spawn_server (server, sets);
  return server;
}

TestServer *
test_server_start (const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("sanhui-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (test_run_cli (data_dir, NULL, NULL, &err, "demo", NULL) != 0)
    g_error ("sanhui demo failed: %s", err);
  return test_server_start_in (data_dir, sets);
}

void
test_server_crash_and_restart (TestServer *server, const char *const *sets)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGKILL);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server->process);
  g_clear_pointer (&server->url, g_free);
  spawn_server (server, sets);
}

void
test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree char *child = g_build_filename (path, name, NULL);
    if (g_file_test (child, G_FILE_TEST_IS_DIR))
      test_remove_tree (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}

void
test_server_stop (TestServer *server)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (server->process)
      || g_subprocess_get_exit_status (server->process) != 0)
    g_error ("server did not exit cleanly: %s", test_server_log (server));
  g_object_unref (server->process);
  test_remove_tree (server->data_dir);
  g_unlink (server->log_path);
  g_free (server->log_path);
  g_string_free (server->stderr_text, TRUE);
  g_free (server->data_dir);
  g_free (server->db_path);
  g_free (server->url);
  g_free (server);
}

TestClient *
test_client_new (TestServer *server)
{
  TestClient *client = g_new0 (TestClient, 1);
  g_autoptr (SoupCookieJar) jar = soup_cookie_jar_new ();

  client->server = server;
  client->session = soup_session_new_with_options ("timeout", 30, NULL);
  soup_session_add_feature (client->session, SOUP_SESSION_FEATURE (jar));
  return client;
}

TestClient *
test_client_logged_in (TestServer *server, const char *login)
{
  TestClient *client = test_client_new (server);

  g_assert_cmpuint (test_client_login (client, login, TEST_PASSWORD), ==, 200);
  return client;
}

void
test_client_free (TestClient *client)
{
  if (!client)
    return;
  g_object_unref (client->session);
  g_free (client->csrf);
  g_free (client);
}

guint
test_client_send (TestClient *client, const char *method, const char *path,
                  const char *content_type, const char *body, gssize length, JsonNode **json,
                  GBytes **raw)
{
  g_autofree char *url = g_strconcat (client->server->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  const char *type;

  g_assert_nonnull (msg);
  if (body) {
    g_autoptr (GBytes) bytes = g_bytes_new (body, length < 0 ? strlen (body) : (gsize) length);
    soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  }
  if (client->csrf && !g_str_equal (method, "GET"))
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-CSRF-Token",
                                  client->csrf);
  reply = soup_session_send_and_read (client->session, msg, NULL, &error);
  g_assert_no_error (error);
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (json) {
    *json = NULL;
    if (g_strcmp0 (type, "application/json") == 0) {
      g_autoptr (JsonParser) parser = json_parser_new ();
      gsize n;
      const char *data = g_bytes_get_data (reply, &n);
      g_assert_true (json_parser_load_from_data (parser, data, (gssize) n, NULL));
      *json = json_node_copy (json_parser_get_root (parser));
    }
  }
  if (raw)
    *raw = g_bytes_ref (reply);
  return soup_message_get_status (msg);
}

guint
test_client_json (TestClient *client, const char *method, const char *path, const char *body,
                  JsonNode **json)
{
  return test_client_send (client, method, path, "application/json", body, -1, json, NULL);
}

guint
test_client_login (TestClient *client, const char *login, const char *password)
{
  g_autofree char *body
      = g_strdup_printf ("{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
  g_autoptr (JsonNode) reply = NULL;
  guint status = test_client_json (client, "POST", "api/session", body, &reply);

  if (status == 200) {
    g_free (client->csrf);
    client->csrf
        = g_strdup (json_object_get_string_member (json_node_get_object (reply), "csrf_token"));
  }
  return status;
}

const char *
test_error_code (JsonNode *reply)
{
  JsonObject *error;

  if (!reply || !JSON_NODE_HOLDS_OBJECT (reply)
      || !json_object_has_member (json_node_get_object (reply), "error"))
    return "";
  error = json_object_get_object_member (json_node_get_object (reply), "error");
  return json_object_get_string_member (error, "code");
}

gint64
test_org_id (TestServer *server, const char *name)
{
  g_autoptr (TestClient) admin = test_client_new (server);
  g_autoptr (JsonNode) reply = NULL;
  JsonArray *orgs;

  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (admin, "GET", "api/orgs", NULL, &reply), ==, 200);
  orgs = json_object_get_array_member (json_node_get_object (reply), "orgs");
  for (guint i = 0; i < json_array_get_length (orgs); i++) {
    JsonObject *o = json_array_get_object_element (orgs, i);
    if (g_str_equal (json_object_get_string_member (o, "name"), name))
      return json_object_get_int_member (o, "id");
  }
  g_error ("no organization named %s", name);
  return 0;
}

gint64
test_member_id (TestServer *server, gint64 branch_id, const char *name)
{
  g_autoptr (TestClient) admin = test_client_new (server);
  g_autoptr (JsonNode) reply = NULL;
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/members", branch_id);
  JsonArray *members;

  g_assert_cmpuint (test_client_login (admin, "admin", TEST_PASSWORD), ==, 200);
  g_assert_cmpuint (test_client_json (admin, "GET", path, NULL, &reply), ==, 200);
  members = json_object_get_array_member (json_node_get_object (reply), "members");
  for (guint i = 0; i < json_array_get_length (members); i++) {
    JsonObject *m = json_array_get_object_element (members, i);
    if (g_str_equal (json_object_get_string_member (m, "name"), name))
      return json_object_get_int_member (m, "id");
  }
  g_error ("no member named %s", name);
  return 0;
}

gint64
test_count_rows (TestServer *server, const char *table)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* ------------------------------------------------------------ WebSockets */

#define WS_WAIT_S 10

static gboolean
on_ws_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_ws_message (SoupWebsocketConnection *conn, gint type, GBytes *message, gpointer user_data)
{
  TestWs *ws = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize n;
  const char *data = g_bytes_get_data (message, &n);

  g_assert_true (json_parser_load_from_data (parser, data, (gssize) n, NULL));
  g_queue_push_tail (&ws->messages, json_node_copy (json_parser_get_root (parser)));
}

static void
on_ws_closed (SoupWebsocketConnection *conn, gpointer user_data)
{
  ((TestWs *) user_data)->closed = TRUE;
}

typedef struct {
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean done;
} WsConnect;

static void
on_ws_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  WsConnect *c = user_data;

  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &c->error);
  c->done = TRUE;
}

TestWs *
test_ws_connect (TestClient *client)
{
  g_autofree char *url = g_strconcat ("ws", client->server->url + strlen ("http"), "ws", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  WsConnect c = { 0 };
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add_seconds (WS_WAIT_S, on_ws_timeout, &timed_out);
  TestWs *ws;

  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_ws_connected, &c);
  while (!c.done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timer);
  g_assert_no_error (c.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 101);
  ws = g_new0 (TestWs, 1);
  ws->conn = c.conn;
  g_queue_init (&ws->messages);
  g_signal_connect (ws->conn, "message", G_CALLBACK (on_ws_message), ws);
  g_signal_connect (ws->conn, "closed", G_CALLBACK (on_ws_closed), ws);
  return ws;
}

void
test_ws_free (TestWs *ws)
{
  if (!ws)
    return;
  g_signal_handlers_disconnect_by_data (ws->conn, ws);
  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (ws->conn);
  g_queue_clear_full (&ws->messages, (GDestroyNotify) json_node_unref);
  g_free (ws);
}

char *
test_ws_send (TestWs *ws, const char *type, const char *payload)
{
  char *id = g_strdup_printf ("r%u", ++ws->next_id);
  g_autofree char *text = g_strdup_printf ("{\"type\":\"%s\",\"id\":\"%s\",\"payload\":%s}", type,
                                           id, payload ? payload : "{}");

  soup_websocket_connection_send_text (ws->conn, text);
  return id;
}

static const char *
message_id (JsonNode *message)
{
  JsonObject *o = json_node_get_object (message);
  JsonNode *id = json_object_get_member (o, "id");

  return id && json_node_get_value_type (id) == G_TYPE_STRING ? json_node_get_string (id) : NULL;
}

/* Waits until @ws has a message matching @id (NULL: any); removes and
 * returns it. */
static JsonNode *
wait_for (TestWs *ws, const char *id)
{
  gboolean timed_out = FALSE;
  guint timer = g_timeout_add_seconds (WS_WAIT_S, on_ws_timeout, &timed_out);

  for (;;) {
    for (GList *l = ws->messages.head; l; l = l->next) {
      if (!id || g_strcmp0 (message_id (l->data), id) == 0) {
        JsonNode *found = l->data;
        g_queue_delete_link (&ws->messages, l);
        g_source_remove (timer);
        return found;
      }
    }
    if (timed_out || ws->closed)
      break;
    g_main_context_iteration (NULL, TRUE);
  }
  if (!timed_out)
    g_source_remove (timer);
  g_error ("no WebSocket message%s%s (closed: %d)", id ? " with id " : "", id ? id : "",
           ws->closed);
  return NULL;
}

JsonNode *
test_ws_request (TestWs *ws, const char *type, const char *payload)
{
  g_autofree char *id = test_ws_send (ws, type, payload);

  return wait_for (ws, id);
}

JsonNode *
test_ws_next (TestWs *ws)
{
  return wait_for (ws, NULL);
}

JsonNode *
test_ws_next_of_type (TestWs *ws, const char *type)
{
  for (;;) {
    JsonNode *m = wait_for (ws, NULL);
    if (g_strcmp0 (test_ws_type (m), type) == 0)
      return m;
    json_node_unref (m);
  }
}

void
test_ws_settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_ws_timeout, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
test_ws_discard (TestWs *ws)
{
  g_queue_clear_full (&ws->messages, (GDestroyNotify) json_node_unref);
  g_queue_init (&ws->messages);
}

const char *
test_ws_type (JsonNode *message)
{
  return json_object_get_string_member (json_node_get_object (message), "type");
}

JsonObject *
test_ws_payload (JsonNode *message)
{
  return json_object_get_object_member (json_node_get_object (message), "payload");
}

const char *
test_ws_error_code (JsonNode *message)
{
  if (g_strcmp0 (test_ws_type (message), "error") != 0)
    return NULL;
  return json_object_get_string_member (test_ws_payload (message), "code");
}

const char *
test_ws_outcome (TestWs *ws, const char *type, const char *payload)
{
  g_autoptr (JsonNode) reply = test_ws_request (ws, type, payload);
  const char *code = test_ws_error_code (reply);

  g_test_message ("%s %s -> %s", type, payload ? payload : "{}",
                  code ? code : test_ws_type (reply));
  return g_intern_string (code ? code : test_ws_type (reply));
}

const char *
test_ws_pstr (JsonNode *message, const char *field)
{
  return json_object_get_string_member (test_ws_payload (message), field);
}

gboolean
test_ws_pbool (JsonNode *message, const char *field)
{
  return json_object_get_boolean_member (test_ws_payload (message), field);
}

guint
test_ws_plen (JsonNode *message, const char *field)
{
  return json_array_get_length (json_object_get_array_member (test_ws_payload (message), field));
}

TestWs *
test_ws_join (TestClient *client, gint64 meeting, JsonNode **joined)
{
  TestWs *ws = test_ws_connect (client);
  g_autofree char *payload = g_strdup_printf ("{\"meeting_id\":%" G_GINT64_FORMAT "}", meeting);
  JsonNode *reply = test_ws_request (ws, "meeting.join", payload);

  g_assert_cmpstr (test_ws_type (reply), ==, "meeting.joined");
  if (joined)
    *joined = reply;
  else
    json_node_unref (reply);
  return ws;
}
