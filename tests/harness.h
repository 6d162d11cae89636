/* Integration test harness: runs the real `sanhui` binary on loopback with a
 * fresh data directory holding the demo organization, and talks to it with
 * libsoup's client.  SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define TEST_PASSWORD "Demo@2026"

typedef struct {
  GSubprocess *process;
  char *url;      /* "http://127.0.0.1:PORT/" */
  char *data_dir; /* removed by test_server_stop() */
  char *db_path;
  char *log_path;       /* the server's standard error, beside data_dir */
  GString *stderr_text; /* filled by test_server_log() */
} TestServer;

/* Loads the demo into a new temp dir and starts the server there. @sets are
 * extra "group.key=value" settings (NULL-terminated, may be NULL). */
TestServer *test_server_start (const char *const *sets);
/* Starts the server on an existing @data_dir (removed by test_server_stop()). */
TestServer *test_server_start_in (const char *data_dir, const char *const *sets);
/* Kills the server with SIGKILL, as a power cut would, and starts it again
 * on the same data directory (a new port). */
void test_server_crash_and_restart (TestServer *server, const char *const *sets);
/* What the server has logged so far. (transfer none: valid until the next
 * call) */
const char *test_server_log (TestServer *server);
/* Sends SIGTERM, asserts a clean exit, removes the data directory. */
void test_server_stop (TestServer *server);

/* The start of a `sanhui` command line on @data_dir with the tests' settings
 * (a cheap password hash, log level info), without a terminating NULL.
 * Returns: (transfer full). */
GPtrArray *test_sanhui_argv (const char *data_dir);
/* Runs `sanhui ARGS...` to completion with @stdin_text (may be NULL) against
 * @data_dir; returns the exit status and fills @out/@err (may be NULL). */
int test_run_cli (const char *data_dir, const char *stdin_text, char **out, char **err,
                  const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

typedef struct {
  TestServer *server;
  SoupSession *session; /* with its own cookie jar: one browser */
  char *csrf;           /* from the last log-in; sent on state changes */
} TestClient;

TestClient *test_client_new (TestServer *server);
/* A client logged in as @login with the demo password. (transfer full) */
TestClient *test_client_logged_in (TestServer *server, const char *login);
void test_client_free (TestClient *client);

/* Logs in; returns the HTTP status. */
guint test_client_login (TestClient *client, const char *login, const char *password);

/* A request with an optional body; the CSRF header is added when the client
 * has one and the method changes state. The reply is parsed as JSON when it
 * is JSON (*json, transfer full, may be NULL) and kept raw in *raw. */
guint test_client_send (TestClient *client, const char *method, const char *path,
                        const char *content_type, const char *body, gssize length, JsonNode **json,
                        GBytes **raw);
/* The same with a JSON body (or none when @body is NULL). */
guint test_client_json (TestClient *client, const char *method, const char *path, const char *body,
                        JsonNode **json);

/* The error code of an error reply, or "". (transfer none) */
const char *test_error_code (JsonNode *reply);
/* The id of the organization named @name, looked up as admin. */
gint64 test_org_id (TestServer *server, const char *name);
/* The id of the member named @name in the branch @branch_id. */
gint64 test_member_id (TestServer *server, gint64 branch_id, const char *name);

/* Removes a directory and everything below it. */
void test_remove_tree (const char *path);

/* Rows in @table, read directly from the SQLite file. */
gint64 test_count_rows (TestServer *server, const char *table);

/* A WebSocket of a logged-in client on /ws. Every message received is
 * queued; waiting runs the default main context, so several sockets of one
 * test make progress together. */
typedef struct {
  SoupWebsocketConnection *conn;
  GQueue messages; /* (element-type JsonNode) received, not yet taken */
  gboolean closed;
  guint next_id;
} TestWs;

/* Connects and asserts the upgrade (101). (transfer full) */
TestWs *test_ws_connect (TestClient *client);
/* Connects and joins @meeting, asserting meeting.joined; the reply in
 * *@joined when wanted (transfer full). (transfer full) */
TestWs *test_ws_join (TestClient *client, gint64 meeting, JsonNode **joined);
void test_ws_free (TestWs *ws);
/* Sends {"type", "id": "rN", "payload"} (@payload: JSON text or NULL) and
 * returns the id used. (transfer full) */
char *test_ws_send (TestWs *ws, const char *type, const char *payload);
/* Sends a request and waits for the message with its id; messages before
 * it stay queued. (transfer full) */
JsonNode *test_ws_request (TestWs *ws, const char *type, const char *payload);
/* The next queued message, waiting for one (fails after 10 s).
 * (transfer full) */
JsonNode *test_ws_next (TestWs *ws);
/* The first message of @type, dropping those before it. (transfer full) */
JsonNode *test_ws_next_of_type (TestWs *ws, const char *type);
/* Runs the main context for @ms milliseconds, collecting messages. */
void test_ws_settle (guint ms);
/* Drops every queued message. */
void test_ws_discard (TestWs *ws);
/* The "type" of a message, its payload, and the payload's error code
 * (or NULL). (transfer none) */
const char *test_ws_type (JsonNode *message);
JsonObject *test_ws_payload (JsonNode *message);
const char *test_ws_error_code (JsonNode *message);
/* Sends a request and returns its outcome: the reply's error code, or the
 * reply's type when it is not an error. (transfer none, interned) */
const char *test_ws_outcome (TestWs *ws, const char *type, const char *payload);
/* A string, boolean, or array length of a message's payload member. */
const char *test_ws_pstr (JsonNode *message, const char *field);
gboolean test_ws_pbool (JsonNode *message, const char *field);
guint test_ws_plen (JsonNode *message, const char *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestWs, test_ws_free)
