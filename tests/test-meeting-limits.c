/* The limits of /ws against a hostile member (docs/protocol.md, "Limits"):
 * floods of chat lines and hand toggles are cut to the burst with nothing
 * stored or broadcast beyond it, a socket that keeps flooding is closed
 * (1008), an account's buckets survive reconnecting, and an account or a
 * session cannot open more than its number of sockets.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <sqlite3.h>

/* The defaults (docs/configuration.md, [websocket]). */
#define CHAT_BURST 10
#define HAND_BURST 5
#define OTHER_BURST 20
#define ABUSE_REFUSALS 300
#define SOCKETS_PER_SESSION 6
#define SOCKETS_PER_ACCOUNT 8

static TestServer *server;
static gint64 first_branch;

/* A meeting of the first branch opening now. */
static gint64
open_meeting (void)
{
  g_autoptr (TestClient) secretary = test_client_logged_in (server, "secretary");
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) soon = g_date_time_add_minutes (now, 5);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (now, 120);
  g_autofree char *start_s = g_date_time_format_iso8601 (soon);
  g_autofree char *end_s = g_date_time_format_iso8601 (end);
  g_autofree char *path = g_strdup_printf ("api/orgs/%" G_GINT64_FORMAT "/meetings", first_branch);
  g_autofree char *body
      = g_strdup_printf ("{\"type\":\"general\",\"title\":\"限流测试\",\"planned_start\":\"%s\","
                         "\"planned_end\":\"%s\","
                         "\"chair_member_id\":%" G_GINT64_FORMAT ",\"topic\":\"学习\"}",
                         start_s, end_s, test_member_id (server, first_branch, "王建国"));
  g_autoptr (JsonNode) reply = NULL;

  g_assert_cmpuint (test_client_json (secretary, "POST", path, body, &reply), ==, 201);
  return json_object_get_int_member (json_node_get_object (reply), "id");
}

static gint64
count_events (gint64 meeting, const char *kinds_sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM meeting_events"
                                          " WHERE meeting_id = ? AND kind IN (%s)",
                                          kinds_sql);
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (server->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, meeting);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

typedef struct {
  guint ok;         /* replies that are not errors */
  guint limited;    /* rate_limited errors */
  guint other;      /* other errors */
  guint broadcasts; /* messages without an id */
  gint64 retry_ms;  /* retry_after_ms of the last rate_limited */
  gdouble seconds;  /* from the first send to the last reply */
  char *message;    /* of the last rate_limited */
} Flood;

static void
flood_clear (Flood *f)
{
  g_free (f->message);
}

/* Sends @n messages without waiting (each @type with @payloads[i % 2]),
 * then reads until every one has its reply. */
static void
flood (TestWs *ws, const char *type, const char *const payloads[2], guint n, Flood *f)
{
  gint64 started = g_get_monotonic_time ();
  guint replies = 0;

  memset (f, 0, sizeof *f);
  test_ws_discard (ws);
  for (guint i = 0; i < n; i++)
    g_free (test_ws_send (ws, type, payloads[i % 2]));
  while (replies < n) {
    g_autoptr (JsonNode) m = test_ws_next (ws);
    JsonObject *o = json_node_get_object (m);
    const char *code = test_ws_error_code (m);

    if (!json_object_has_member (o, "id")) {
      f->broadcasts++;
      continue;
    }
    replies++;
    if (!code) {
      f->ok++;
    } else if (g_str_equal (code, "rate_limited")) {
      f->limited++;
      f->retry_ms = json_object_get_int_member (test_ws_payload (m), "retry_after_ms");
      g_free (f->message);
      f->message = g_strdup (test_ws_pstr (m, "message"));
    } else {
      g_test_message ("unexpected error %s", code);
      f->other++;
    }
  }
  f->seconds = (gdouble) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_test_message ("%u × %s in %.2f s: %u done, %u rate_limited", n, type, f->seconds, f->ok,
                  f->limited);
}

/* Messages of @type queued on @ws (after letting them arrive). */
static guint
drain_count (TestWs *ws, const char *type)
{
  guint n = 0;

  test_ws_settle (300);
  while (!g_queue_is_empty (&ws->messages)) {
    g_autoptr (JsonNode) m = g_queue_pop_head (&ws->messages);
    n += g_strcmp0 (test_ws_type (m), type) == 0;
  }
  return n;
}

/* The flood: long chat lines as fast as the socket takes them. Only
 * the burst (plus what the rate refills during the flood) is stored and
 * broadcast; the rest is refused with a retry hint; after waiting, the
 * member chats again. */
static void
test_chat_flood (void)
{
  static const guint lines = 60;
  gint64 meeting = open_meeting ();
  g_autoptr (TestClient) chair = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member");
  g_autoptr (TestWs) chair_ws = test_ws_join (chair, meeting, NULL);
  g_autoptr (TestWs) ws = test_ws_join (member, meeting, NULL);
  GString *text = g_string_new ("{\"text\":\"");
  g_autofree char *payload = NULL;
  gint64 rows_before = test_count_rows (server, "meeting_chat");
  guint refilled;
  Flood f;

  for (guint i = 0; i < 900; i++)
    g_string_append (text, "刷");
  g_string_append (text, "\"}");
  payload = g_string_free (text, FALSE);
  test_ws_settle (200);
  test_ws_discard (chair_ws);
  {
    const char *const payloads[2] = { payload, payload };
    flood (ws, "meeting.chat", payloads, lines, &f);
  }
  /* 60 a minute: one more line per second the flood lasted. */
  refilled = (guint) f.seconds + 1;
  g_assert_cmpuint (f.ok, >=, CHAT_BURST);
  g_assert_cmpuint (f.ok, <=, CHAT_BURST + refilled);
  g_assert_cmpuint (f.limited, ==, lines - f.ok);
  g_assert_cmpuint (f.other, ==, 0);
  g_assert_cmpint (f.retry_ms, >, 0);
  g_assert_cmpint (f.retry_ms, <=, 1000);
  g_assert_nonnull (strstr (f.message, "操作过于频繁"));
  /* Stored and broadcast: exactly what was accepted. */
  g_assert_cmpint (test_count_rows (server, "meeting_chat") - rows_before, ==, f.ok);
  g_assert_cmpuint (f.broadcasts, ==, f.ok);
  g_assert_cmpuint (drain_count (chair_ws, "meeting.chat"), ==, f.ok);
  /* The socket stays open, and after the hinted wait the member chats. */
  test_ws_settle ((guint) f.retry_ms + 50);
  g_assert_cmpstr (test_ws_outcome (ws, "meeting.chat", "{\"text\":\"等一下再说\"}"), ==,
                   "meeting.ok");
  g_assert_false (ws->closed);
  flood_clear (&f);
}

/* 3,000 hand toggles wrote 3,001 events: now the burst, and the others see
 * no more hand broadcasts than that. */
static void
test_hand_flood (void)
{
  static const guint toggles = 200; /* under abuse_refusals: the socket stays */
  gint64 meeting = open_meeting ();
  g_autoptr (TestClient) chair = test_client_logged_in (server, "secretary");
  g_autoptr (TestClient) member = test_client_logged_in (server, "member2");
  g_autoptr (TestWs) chair_ws = test_ws_join (chair, meeting, NULL);
  g_autoptr (TestWs) ws = test_ws_join (member, meeting, NULL);
  static const char *const payloads[2] = { NULL, NULL };
  gint64 events_before = count_events (meeting, "'hand_raised','hand_lowered'");
  guint refilled;
  Flood f;

  test_ws_settle (200);
  test_ws_discard (chair_ws);
  /* Raise, lower, raise, … as one stream of alternating types. */
  {
    gint64 started = g_get_monotonic_time ();
    guint replies = 0;

    memset (&f, 0, sizeof f);
    for (guint i = 0; i < toggles; i++)
      g_free (
          test_ws_send (ws, i % 2 ? "meeting.hand.lower" : "meeting.hand.raise", payloads[i % 2]));
    while (replies < toggles) {
      g_autoptr (JsonNode) m = test_ws_next (ws);
      const char *code = test_ws_error_code (m);

      if (!json_object_has_member (json_node_get_object (m), "id"))
        continue;
      replies++;
      if (!code)
        f.ok++;
      else if (g_str_equal (code, "rate_limited"))
        f.limited++;
      else
        f.other++;
    }
    f.seconds = (gdouble) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  }
  refilled = (guint) f.seconds + 1;
  g_test_message ("%u toggles in %.2f s: %u done, %u rate_limited", toggles, f.seconds, f.ok,
                  f.limited);
  g_assert_cmpuint (f.ok, >=, HAND_BURST);
  g_assert_cmpuint (f.ok, <=, HAND_BURST + refilled);
  g_assert_cmpuint (f.limited, ==, toggles - f.ok);
  g_assert_cmpuint (f.other, ==, 0);
  /* Each accepted toggle changes the hand: one event and one broadcast. */
  g_assert_cmpint (count_events (meeting, "'hand_raised','hand_lowered'") - events_before, <=,
                   f.ok);
  g_assert_cmpuint (drain_count (chair_ws, "meeting.hands"), <=, f.ok);
  g_assert_false (ws->closed);
}

/* A socket that keeps sending over its limits is closed with 1008, after
 * abuse_refusals refusals; the account's buckets outlive the socket, so a
 * new one is limited at once, and is served again after the wait. */
static void
test_abuse_closes_and_reconnecting_refills_nothing (void)
{
  static const guint pings = ABUSE_REFUSALS + OTHER_BURST + 50;
  g_autoptr (TestClient) c = test_client_logged_in (server, "inspector");
  g_autoptr (TestWs) ws = test_ws_connect (c);
  g_autoptr (TestWs) again = NULL;
  guint pongs = 0, limited = 0;
  gint64 retry_ms;

  for (guint i = 0; i < pings; i++)
    g_free (test_ws_send (ws, "ping", NULL));
  while (!ws->closed)
    test_ws_settle (50);
  while (!g_queue_is_empty (&ws->messages)) {
    g_autoptr (JsonNode) m = g_queue_pop_head (&ws->messages);
    pongs += g_strcmp0 (test_ws_type (m), "pong") == 0;
    limited += g_strcmp0 (test_ws_error_code (m), "rate_limited") == 0;
  }
  g_test_message ("%u pings: %u pongs, %u rate_limited, then closed %u", pings, pongs, limited,
                  soup_websocket_connection_get_close_code (ws->conn));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (ws->conn), ==,
                    SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  /* Nothing was handled after the closing refusal. */
  g_assert_cmpuint (limited, ==, ABUSE_REFUSALS);
  g_assert_cmpuint (pongs, >=, OTHER_BURST);
  g_assert_cmpuint (pongs + limited, <, pings);

  /* A fresh bucket would answer a whole burst; the account's drained one
   * answers at most what trickled back in meanwhile (slow builds take long
   * enough to reconnect for a token or two). */
  again = test_ws_connect (c);
  pongs = limited = 0;
  for (guint i = 0; i < OTHER_BURST; i++) {
    g_autoptr (JsonNode) reply = test_ws_request (again, "ping", NULL);
    if (g_strcmp0 (test_ws_error_code (reply), "rate_limited") == 0)
      limited++;
    else
      pongs++;
  }
  g_assert_cmpuint (pongs, <, OTHER_BURST / 2);
  g_assert_cmpuint (limited, >, 0);
  /* A refusal says how long to wait; after that wait the next ping is
   * served (a ping that finds a token first needs no wait). */
  for (guint tries = 0;; tries++) {
    g_autoptr (JsonNode) reply = test_ws_request (again, "ping", NULL);
    if (!test_ws_error_code (reply))
      break;
    g_assert_cmpuint (tries, ==, 0);
    g_assert_cmpstr (test_ws_error_code (reply), ==, "rate_limited");
    retry_ms = json_object_get_int_member (test_ws_payload (reply), "retry_after_ms");
    g_assert_cmpint (retry_ms, >, 0);
    test_ws_settle ((guint) retry_ms + 50);
  }
}

typedef struct {
  SoupWebsocketConnection *conn;
  GError *error;
  gboolean done;
} Connect;

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Connect *c = user_data;

  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &c->error);
  c->done = TRUE;
}

/* Tries to upgrade /ws for @client; returns the HTTP status. A socket that
 * opened is closed again. */
static guint
try_connect (TestClient *client)
{
  g_autofree char *url = g_strconcat ("ws", server->url + strlen ("http"), "ws", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  Connect c = { 0 };

  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, &c);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  if (c.conn) {
    soup_websocket_connection_close (c.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_object_unref (c.conn);
  }
  g_clear_error (&c.error);
  return soup_message_get_status (msg);
}

/* One account cannot open hundreds of sockets: the session and the account
 * each have a number, refused beyond it before the upgrade (429 with a JSON
 * error); a closed socket makes room again. */
static void
test_sockets_per_account_and_session (void)
{
  g_autoptr (TestClient) a = test_client_logged_in (server, "admin");
  g_autoptr (TestClient) b = test_client_logged_in (server, "admin");
  g_autoptr (TestClient) c = test_client_logged_in (server, "admin");
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) test_ws_free);
  g_autoptr (JsonNode) error = NULL;
  guint status = 0;

  for (guint i = 0; i < SOCKETS_PER_SESSION; i++)
    g_ptr_array_add (sockets, test_ws_connect (a));
  g_assert_cmpuint (try_connect (a), ==, 429);
  /* What a page sees: a JSON error with a Chinese message. */
  g_assert_cmpuint (test_client_send (a, "GET", "ws", NULL, NULL, 0, &error, NULL), ==, 429);
  g_assert_cmpstr (test_error_code (error), ==, "too_many_connections");
  /* Another session of the account: up to the account's number. */
  for (guint i = SOCKETS_PER_SESSION; i < SOCKETS_PER_ACCOUNT; i++)
    g_ptr_array_add (sockets, test_ws_connect (b));
  g_assert_cmpuint (try_connect (b), ==, 429);
  g_assert_cmpuint (try_connect (c), ==, 429);
  /* The first socket still works, and others' accounts are not affected. */
  g_assert_cmpstr (test_ws_outcome (g_ptr_array_index (sockets, 0), "ping", NULL), ==, "pong");
  {
    g_autoptr (TestClient) other = test_client_logged_in (server, "inspector");
    g_assert_cmpuint (try_connect (other), ==, 101);
  }
  /* Closing one makes room (once the server has seen the close). */
  g_ptr_array_remove_index (sockets, 0);
  for (guint tries = 0; tries < 50 && status != 101; tries++) {
    test_ws_settle (20);
    status = try_connect (c);
  }
  g_assert_cmpuint (status, ==, 101);
}

/* A second server with small limits, for what takes seconds with the
 * defaults: one ping a second, abuse after 2 s, pings every second, two
 * sockets per account. */
static TestServer *
small_server (void)
{
  static const char *const sets[] = { "websocket.other_per_minute=60",
                                      "websocket.other_burst=1",
                                      "websocket.abuse_seconds=2",
                                      "websocket.abuse_refusals=100000",
                                      "websocket.keepalive_seconds=1",
                                      "websocket.max_sockets_per_account=2",
                                      NULL };

  return test_server_start (sets);
}

/* Over the limit without a pause for abuse_seconds: closed with 1008,
 * though the client never sent a flood (ten a second against one). */
static void
test_sustained_over_limit_closes (void)
{
  TestServer *small = small_server ();
  TestServer *saved = server;
  g_autoptr (TestClient) c = NULL;
  g_autoptr (TestWs) ws = NULL;
  gint64 started;
  gdouble seconds;
  guint pongs = 0, limited = 0, sent = 0;

  server = small;
  c = test_client_logged_in (server, "member");
  ws = test_ws_connect (c);
  started = g_get_monotonic_time ();
  while (!ws->closed && sent < 100) {
    g_free (test_ws_send (ws, "ping", NULL));
    sent++;
    test_ws_settle (100);
  }
  seconds = (gdouble) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  while (!g_queue_is_empty (&ws->messages)) {
    g_autoptr (JsonNode) m = g_queue_pop_head (&ws->messages);
    pongs += g_strcmp0 (test_ws_type (m), "pong") == 0;
    limited += g_strcmp0 (test_ws_error_code (m), "rate_limited") == 0;
  }
  g_test_message ("%u pings in %.1f s: %u pongs, %u rate_limited, closed %u", sent, seconds, pongs,
                  limited, soup_websocket_connection_get_close_code (ws->conn));
  g_assert_true (ws->closed);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (ws->conn), ==,
                    SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  /* The first refusal came after the first ping; the streak had to last
   * two seconds, during which the rate let more through. */
  g_assert_cmpfloat (seconds, >=, 2.0);
  g_assert_cmpuint (pongs, >=, 2);
  g_assert_cmpuint (limited, >, pongs);
  g_clear_pointer (&ws, test_ws_free);
  g_clear_pointer (&c, test_client_free);
  server = saved;
  test_server_stop (small);
}

/* Opens /ws for @client with a bare TCP connection that never reads or
 * answers anything after the upgrade: a phone that left its network.
 * (transfer full) */
static GSocketConnection *
dead_socket (TestClient *client)
{
  g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GSocketClient) sc = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  SoupCookieJar *jar
      = SOUP_COOKIE_JAR (soup_session_get_feature (client->session, SOUP_TYPE_COOKIE_JAR));
  g_autofree char *cookies = soup_cookie_jar_get_cookies (jar, uri, TRUE);
  g_autofree char *request = g_strdup_printf (
      "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Cookie: %s\r\n\r\n",
      g_uri_get_host (uri), g_uri_get_port (uri), cookies);
  GSocketConnection *conn = g_socket_client_connect_to_host (
      sc, g_uri_get_host (uri), (guint16) g_uri_get_port (uri), NULL, &error);
  char reply[512] = { 0 };
  gsize got = 0;

  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  /* Only the response head: the server sends nothing more before a ping. */
  while (!strstr (reply, "\r\n\r\n") && got < sizeof reply - 1) {
    gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), reply + got,
                                    1, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (n, ==, 1);
    got++;
  }
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 101"));
  return conn;
}

/* A socket that stopped answering pings does not hold a place: the account
 * at its limit gets a new socket once the dead one has been silent for 2.5
 * ping intervals, and the dead one is closed; live sockets are not. */
static void
test_silent_socket_makes_room (void)
{
  TestServer *small = small_server ();
  TestServer *saved = server;
  g_autoptr (TestClient) c = NULL;
  g_autoptr (TestWs) live = NULL;
  g_autoptr (GSocketConnection) dead = NULL;
  guint status = 0;

  server = small;
  c = test_client_logged_in (server, "member");
  live = test_ws_connect (c);
  dead = dead_socket (c);
  /* Both count: the limit is two. */
  g_assert_cmpuint (try_connect (c), ==, 429);
  /* Three ping intervals: the live socket answers, the dead one does not. */
  test_ws_settle (3000);
  for (guint tries = 0; tries < 20 && status != 101; tries++) {
    status = try_connect (c);
    if (status != 101)
      test_ws_settle (250);
  }
  g_assert_cmpuint (status, ==, 101);
  g_assert_false (live->closed);
  g_assert_cmpstr (test_ws_outcome (live, "ping", NULL), ==, "pong");
  g_clear_pointer (&live, test_ws_free);
  g_clear_object (&dead);
  g_clear_pointer (&c, test_client_free);
  server = saved;
  test_server_stop (small);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = test_server_start (NULL);
  first_branch = test_org_id (server, "第一党支部");
  g_test_add_func ("/limits/chat-flood", test_chat_flood);
  g_test_add_func ("/limits/hand-flood", test_hand_flood);
  g_test_add_func ("/limits/abuse-closes-and-reconnecting-refills-nothing",
                   test_abuse_closes_and_reconnecting_refills_nothing);
  g_test_add_func ("/limits/sockets-per-account-and-session", test_sockets_per_account_and_session);
  g_test_add_func ("/limits/sustained-over-limit-closes", test_sustained_over_limit_closes);
  g_test_add_func ("/limits/silent-socket-makes-room", test_silent_socket_makes_room);
  status = g_test_run ();
  test_server_stop (server);
  return status;
}
