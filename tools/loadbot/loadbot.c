/* loadbot: many meeting participants in one process, on the project's own
 * media stack (see loadbot.h). Each bot logs in, opens its own WebSocket,
 * joins the meeting, publishes the capture (or only listens), answers the
 * server's subscribe offers and trickles candidates; all bots share one
 * media engine and its workers.
 *
 * Timeline: the first bot (the chair) joins and, with --lesson, turns
 * lesson mode on; the others join at --rate per second. Once every bot is
 * connected (or --settle seconds after the last one started) the
 * measurement window opens for --duration seconds; then the bots stay
 * --linger seconds more (so that whoever samples the server sees steady
 * load) and stop. stdout gets JSON lines: {"event": "steady"}, {"event":
 * "done"}, one {"event": "bot"} per bot and {"event": "summary"}.
 * SPDX-License-Identifier: Apache-2.0 */
#include "loadbot.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <sys/resource.h>

typedef struct {
  char *url; /* "http://127.0.0.1:PORT/" */
  gint64 meeting;
  int bots, publishers, workers;
  char *chair, *login_prefix, *password, *capture;
  gboolean lesson;
  double rate, duration, settle, linger;
} Options;

struct _LbBot {
  guint index;
  char *login;
  gboolean publish;
  gboolean expects_offer; /* someone else publishes */
  SoupSession *session;
  SoupWebsocketConnection *ws;
  gint64 account;
  gint64 started_us, joined_us;
  LbMedia *media;
  LbReport report;
  gboolean joined, pub_connected, sub_connected, ready, stopped, failed;
  guint errors;
  guint next_id;
};

static Options opt = {
  .bots = 10,
  .publishers = 10,
  .workers = 2,
  .chair = "secretary",
  .login_prefix = "bot",
  .password = "Demo@2026",
  .rate = 20,
  .duration = 30,
  .settle = 60,
  .linger = 3,
};
static LbShared shared;
static LbBot *bots;
static GMainLoop *loop;
static int started, ready, stopped;
static gboolean steady, stopping;
static gint64 window_start_us, window_end_us, last_start_us;

static void
emit (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  fflush (stdout);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static JsonBuilder *
event (const char *name)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "event", name);
  add_double (b, "t", (double) (g_get_monotonic_time () - bots[0].started_us) / G_USEC_PER_SEC);
  return b;
}

/* ------------------------------------------------ the WebSocket's side */

static void
send_text (LbBot *bot, const char *type, JsonNode *payload)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *id = g_strdup_printf ("b%u", ++bot->next_id);
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  add_string (b, "type", type);
  add_string (b, "id", id);
  json_builder_set_member_name (b, "payload");
  if (payload)
    json_builder_add_value (b, payload);
  else {
    json_builder_begin_object (b);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  if (bot->ws && soup_websocket_connection_get_state (bot->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (bot->ws, text);
}

typedef struct {
  LbBot *bot;
  char *type;
  JsonNode *payload;
  ShMediaLeg leg;
  ShPeerState state;
} Post;

static void
post_free (gpointer data)
{
  Post *p = data;

  g_free (p->type);
  g_clear_pointer (&p->payload, json_node_unref);
  g_free (p);
}

static gboolean
deliver_send (gpointer data)
{
  Post *p = data;

  if (!p->bot->stopped)
    send_text (p->bot, p->type, g_steal_pointer (&p->payload));
  return G_SOURCE_REMOVE;
}

void
lb_bot_send (LbBot *bot, const char *type, JsonNode *payload)
{
  Post *p = g_new0 (Post, 1);

  p->bot = bot;
  p->type = g_strdup (type);
  p->payload = payload;
  g_main_context_invoke_full (shared.main_context, G_PRIORITY_DEFAULT, deliver_send, p, post_free);
}

static void open_window (void);

static void
check_ready (LbBot *bot)
{
  gboolean now = bot->joined && (!bot->publish || bot->pub_connected)
                 && (!bot->expects_offer || bot->sub_connected);

  if (now && !bot->ready) {
    bot->ready = TRUE;
    if (++ready == opt.bots && !steady)
      open_window ();
  }
}

static gboolean
deliver_state (gpointer data)
{
  Post *p = data;
  LbBot *bot = p->bot;
  gboolean connected = p->state == SH_PEER_STATE_CONNECTED;

  if (p->state == SH_PEER_STATE_FAILED && !bot->stopped)
    g_printerr ("loadbot: %s: %s connection failed\n", bot->login, sh_media_leg_to_string (p->leg));
  if (p->leg == SH_MEDIA_LEG_PUBLISH)
    bot->pub_connected = connected;
  else
    bot->sub_connected = connected;
  check_ready (bot);
  return G_SOURCE_REMOVE;
}

void
lb_bot_media_state (LbBot *bot, ShMediaLeg leg, ShPeerState state)
{
  Post *p = g_new0 (Post, 1);

  p->bot = bot;
  p->leg = leg;
  p->state = state;
  g_main_context_invoke_full (shared.main_context, G_PRIORITY_DEFAULT, deliver_state, p, post_free);
}

static void finish (void);

static gboolean
deliver_stopped (gpointer data)
{
  LbBot *bot = data;

  bot->media = NULL;
  if (bot->ws && soup_websocket_connection_get_state (bot->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (bot->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  if (++stopped == started)
    finish ();
  return G_SOURCE_REMOVE;
}

void
lb_bot_media_stopped (LbBot *bot)
{
  g_main_context_invoke (shared.main_context, deliver_stopped, bot);
}

/* ------------------------------------------------------------ messages */

static void start_others (void);

static void
on_joined (LbBot *bot, JsonObject *payload)
{
  JsonObject *you = json_object_get_object_member (payload, "you");

  bot->joined = TRUE;
  bot->joined_us = g_get_monotonic_time ();
  bot->account = you ? json_object_get_int_member (you, "participant") : 0;
  lb_shared_set_joined (&shared, bot->account, bot->joined_us);
  bot->media
      = lb_media_new (bot, &shared, bot->index % (guint) opt.workers, bot->publish, bot->joined_us);
  if (bot->index == 0 && opt.lesson) {
    g_autoptr (JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "enabled");
    json_builder_add_boolean_value (b, TRUE);
    json_builder_end_object (b);
    send_text (bot, "meeting.chair.lesson_mode", json_builder_get_root (b));
  } else if (bot->index == 0) {
    start_others ();
  }
  check_ready (bot);
}

static void
on_message (SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer user_data)
{
  LbBot *bot = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize n;
  const char *data = g_bytes_get_data (message, &n);
  JsonObject *root, *payload;
  const char *kind;

  if (type != SOUP_WEBSOCKET_DATA_TEXT
      || !json_parser_load_from_data (parser, data, (gssize) n, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  root = json_node_get_object (json_parser_get_root (parser));
  kind = json_object_get_string_member_with_default (root, "type", "");
  payload = json_object_has_member (root, "payload")
                ? json_object_get_object_member (root, "payload")
                : NULL;
  if (!payload || bot->stopped)
    return;
  if (g_str_equal (kind, "meeting.joined"))
    on_joined (bot, payload);
  else if (g_str_equal (kind, "meeting.ok") && bot->index == 0 && opt.lesson && started == 1)
    start_others (); /* lesson mode is on */
  else if (g_str_equal (kind, "meeting.publish.answer") && bot->media)
    lb_media_publish_answer (bot->media, json_object_get_string_member (payload, "sdp"));
  else if (g_str_equal (kind, "meeting.subscribe.offer") && bot->media)
    lb_media_subscribe_offer (bot->media, json_object_get_string_member (payload, "sdp"));
  else if (g_str_equal (kind, "meeting.candidate") && bot->media) {
    const char *leg = json_object_get_string_member_with_default (payload, "leg", "");
    JsonNode *c = json_object_get_member (payload, "candidate");

    lb_media_candidate (
        bot->media, g_str_equal (leg, "publish") ? SH_MEDIA_LEG_PUBLISH : SH_MEDIA_LEG_SUBSCRIBE,
        c && JSON_NODE_HOLDS_VALUE (c) ? json_node_get_string (c) : NULL);
  } else if (g_str_equal (kind, "error")) {
    bot->errors++;
    g_printerr ("loadbot: %s: error %s: %s\n", bot->login,
                json_object_get_string_member_with_default (payload, "code", "?"),
                json_object_get_string_member_with_default (payload, "message", ""));
  }
}

static void
on_closed (SoupWebsocketConnection *ws, gpointer user_data)
{
  LbBot *bot = user_data;

  if (!bot->stopped && !stopping)
    g_printerr ("loadbot: %s: the WebSocket closed\n", bot->login);
}

/* ------------------------------------------------- log-in and joining */

static void
fail (LbBot *bot, const char *what, const char *why)
{
  g_printerr ("loadbot: %s: %s: %s\n", bot->login, what, why);
  bot->failed = TRUE;
}

static void
on_ws (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LbBot *bot = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();

  bot->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (!bot->ws) {
    fail (bot, "WebSocket", error->message);
    return;
  }
  soup_websocket_connection_set_max_incoming_payload_size (bot->ws, 16 * 1024 * 1024);
  soup_websocket_connection_set_keepalive_interval (bot->ws, 0);
  g_signal_connect (bot->ws, "message", G_CALLBACK (on_message), bot);
  g_signal_connect (bot->ws, "closed", G_CALLBACK (on_closed), bot);
  json_builder_begin_object (b);
  add_int (b, "meeting_id", opt.meeting);
  json_builder_end_object (b);
  send_text (bot, "meeting.join", json_builder_get_root (b));
}

static void
on_login (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LbBot *bot = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autofree char *url = NULL;
  g_autoptr (SoupMessage) upgrade = NULL;

  if (!body || soup_message_get_status (msg) != SOUP_STATUS_OK) {
    fail (bot, "log-in", error ? error->message : soup_message_get_reason_phrase (msg));
    return;
  }
  url = g_strconcat ("ws", opt.url + strlen ("http"), "ws", NULL);
  upgrade = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (bot->session, upgrade, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_ws, bot);
}

static void
start_bot (LbBot *bot)
{
  g_autofree char *url = g_strconcat (opt.url, "api/session", NULL);
  g_autofree char *body
      = g_strdup_printf ("{\"login\":\"%s\",\"password\":\"%s\"}", bot->login, opt.password);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

  bot->started_us = last_start_us = g_get_monotonic_time ();
  started++;
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (bot->session, msg, G_PRIORITY_DEFAULT, NULL, on_login, bot);
}

static gboolean
on_settle (gpointer user_data)
{
  if (!steady && g_get_monotonic_time () - last_start_us >= (gint64) (opt.settle * G_USEC_PER_SEC)
      && started == opt.bots) {
    open_window ();
    return G_SOURCE_REMOVE;
  }
  return steady ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
on_ramp (gpointer user_data)
{
  if (started < opt.bots)
    start_bot (&bots[started]);
  if (started < opt.bots)
    return G_SOURCE_CONTINUE;
  g_timeout_add_seconds (1, on_settle, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_others (void)
{
  static gboolean once;

  if (once)
    return;
  once = TRUE;
  g_timeout_add (MAX (1, (guint) (1000.0 / opt.rate)), on_ramp, NULL);
}

/* ------------------------------------------------------------ the window */

static gboolean
on_stop (gpointer user_data)
{
  stopping = TRUE;
  for (int i = 0; i < started; i++) {
    bots[i].stopped = TRUE;
    if (bots[i].media)
      lb_media_stop (bots[i].media, &bots[i].report);
    else
      lb_bot_media_stopped (&bots[i]);
  }
  return G_SOURCE_REMOVE;
}

static gboolean
on_window_end (gpointer user_data)
{
  g_autoptr (JsonBuilder) b = event ("done");

  window_end_us = g_get_monotonic_time ();
  for (int i = 0; i < started; i++)
    if (bots[i].media)
      lb_media_mark (bots[i].media, TRUE);
  add_double (b, "window_s", (double) (window_end_us - window_start_us) / G_USEC_PER_SEC);
  json_builder_end_object (b);
  emit (b);
  g_timeout_add ((guint) (opt.linger * 1000), on_stop, NULL);
  return G_SOURCE_REMOVE;
}

static void
open_window (void)
{
  g_autoptr (JsonBuilder) b = event ("steady");

  steady = TRUE;
  window_start_us = g_get_monotonic_time ();
  add_int (b, "bots", opt.bots);
  add_int (b, "started", started);
  add_int (b, "ready", ready);
  json_builder_end_object (b);
  emit (b);
  for (int i = 0; i < started; i++)
    if (bots[i].media)
      lb_media_mark (bots[i].media, FALSE);
  g_timeout_add ((guint) (opt.duration * 1000), on_window_end, NULL);
}

/* ------------------------------------------------------------ the report */

static int
by_value (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v. */
static double
percentile (GArray *v, double p)
{
  guint rank;

  if (v->len == 0)
    return 0;
  rank = (guint) MAX (1.0, (p / 100.0) * v->len + 0.999999);
  return g_array_index (v, double, MIN (rank, v->len) - 1);
}

static void
finish (void)
{
  double window = (double) (window_end_us - window_start_us) / G_USEC_PER_SEC;
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) connect = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 rx = 0, rx_window = 0, tx_window = 0, requests = 0;
  guint joined = 0, video_offered = 0, errors = 0;
  g_autoptr (JsonBuilder) s = event ("summary");

  for (int i = 0; i < started; i++) {
    LbBot *bot = &bots[i];
    LbReport *r = &bot->report;
    g_autoptr (JsonBuilder) b = event ("bot");

    add_string (b, "login", bot->login);
    add_string (b, "role", bot->publish ? "publisher" : "listener");
    add_int (b, "joined", bot->joined);
    add_double (b, "join_ms",
                bot->joined ? (double) (bot->joined_us - bot->started_us) / 1000 : -1);
    add_string (b, "publish", r->pub_state ? r->pub_state : "none");
    add_string (b, "subscribe", r->sub_state ? r->sub_state : "none");
    add_int (b, "rx_packets", (gint64) r->rx_packets);
    add_int (b, "rx_bytes", (gint64) r->rx_bytes);
    add_double (b, "rx_pps", window > 0 ? (double) r->rx_window / window : 0);
    add_double (b, "tx_pps", window > 0 ? (double) r->tx_window / window : 0);
    add_int (b, "keyframe_requests", (gint64) r->keyframe_requests);
    add_int (b, "keyframes_jumped", r->keyframes_jumped);
    add_int (b, "tracks", r->tracks);
    add_int (b, "video_offered", r->video_offered);
    add_double (b, "subscribe_connected_ms", r->sub_connected_ms);
    if (r->sub_connected_ms >= 0)
      g_array_append_val (connect, r->sub_connected_ms);
    add_int (b, "errors", bot->errors);
    json_builder_set_member_name (b, "keyframe_ms");
    json_builder_begin_array (b);
    for (guint k = 0; r->keyframe_ms && k < r->keyframe_ms->len; k++) {
      json_builder_add_double_value (b, g_array_index (r->keyframe_ms, double, k));
      g_array_append_val (all, g_array_index (r->keyframe_ms, double, k));
    }
    json_builder_end_array (b);
    json_builder_end_object (b);
    emit (b);
    joined += bot->joined;
    rx += r->rx_packets;
    rx_window += r->rx_window;
    tx_window += r->tx_window;
    requests += r->keyframe_requests;
    video_offered += r->video_offered;
    errors += bot->errors;
    g_clear_pointer (&r->keyframe_ms, g_array_unref);
  }
  g_array_sort (all, by_value);
  g_array_sort (connect, by_value);
  add_int (s, "bots", opt.bots);
  add_int (s, "joined", joined);
  add_int (s, "ready", ready);
  add_double (s, "window_s", window);
  add_double (s, "rx_pps", window > 0 ? (double) rx_window / window : 0);
  add_double (s, "tx_pps", window > 0 ? (double) tx_window / window : 0);
  add_int (s, "rx_packets", (gint64) rx);
  add_int (s, "keyframe_requests", (gint64) requests);
  add_int (s, "video_tracks_offered", video_offered);
  add_int (s, "video_tracks_with_keyframe", all->len);
  add_double (s, "keyframe_ms_median", percentile (all, 50));
  add_double (s, "keyframe_ms_p95", percentile (all, 95));
  add_double (s, "keyframe_ms_max", all->len ? g_array_index (all, double, all->len - 1) : 0);
  add_double (s, "subscribe_connected_ms_median", percentile (connect, 50));
  add_double (s, "subscribe_connected_ms_p95", percentile (connect, 95));
  add_int (s, "errors", errors);
  json_builder_end_object (s);
  emit (s);
  g_main_loop_quit (loop);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_printerr ("loadbot: the scenario did not end in time; giving up\n");
  exit (1);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &opt.url, "server, http://127.0.0.1:PORT/", "URL" },
    { "meeting", 0, 0, G_OPTION_ARG_INT64, &opt.meeting, "meeting id", "ID" },
    { "bots", 0, 0, G_OPTION_ARG_INT, &opt.bots, "participants, the chair included", "N" },
    { "publishers", 0, 0, G_OPTION_ARG_INT, &opt.publishers, "the first N publish", "N" },
    { "chair", 0, 0, G_OPTION_ARG_STRING, &opt.chair, "the first bot's login", "LOGIN" },
    { "login-prefix", 0, 0, G_OPTION_ARG_STRING, &opt.login_prefix,
      "other bots' logins: PREFIX001, PREFIX002…", "PREFIX" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &opt.password, "every bot's password", "P" },
    { "capture", 0, 0, G_OPTION_ARG_FILENAME, &opt.capture, "capture file (capture.c)", "FILE" },
    { "lesson", 0, 0, G_OPTION_ARG_NONE, &opt.lesson, "the chair turns lesson mode on", NULL },
    { "workers", 0, 0, G_OPTION_ARG_INT, &opt.workers, "media worker threads", "N" },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &opt.rate, "bots started per second", "R" },
    { "duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt.duration, "measurement window, s", "S" },
    { "settle", 0, 0, G_OPTION_ARG_DOUBLE, &opt.settle, "longest wait for connections, s", "S" },
    { "linger", 0, 0, G_OPTION_ARG_DOUBLE, &opt.linger, "steady load after the window, s", "S" },
    { NULL },
  };
  static const char *const listen[] = { "127.0.0.1", NULL };
  g_autoptr (GOptionContext) context = g_option_context_new ("- load bots for a Sanhui meeting");
  g_autoptr (GError) error = NULL;
  ShMediaEngineConfig config = { .listen_addresses = listen };
  struct rlimit files;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !opt.url || opt.meeting <= 0
      || !opt.capture || opt.bots < 1 || opt.bots > 2000 || opt.workers < 1 || opt.rate <= 0
      || opt.duration <= 0 || !g_str_has_prefix (opt.url, "http://")
      || !g_str_has_suffix (opt.url, "/")) {
    g_printerr ("loadbot: %s\nneeds --url http://HOST:PORT/ --meeting ID --capture FILE\n",
                error ? error->message : "bad options");
    return 2;
  }
  /* Each bot holds a WebSocket and two UDP sockets. */
  if (getrlimit (RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit (RLIMIT_NOFILE, &files);
  }
  shared.capture = lb_capture_load (opt.capture, &error);
  config.n_workers = (guint) opt.workers;
  if (shared.capture)
    shared.engine = sh_media_engine_new (&config, &error);
  if (!shared.engine) {
    g_printerr ("loadbot: %s\n", error->message);
    return 1;
  }
  shared.main_context = g_main_context_default ();
  g_mutex_init (&shared.lock);
  shared.joined_at = g_hash_table_new (NULL, NULL);
  loop = g_main_loop_new (NULL, FALSE);
  bots = g_new0 (LbBot, opt.bots);
  for (int i = 0; i < opt.bots; i++) {
    LbBot *bot = &bots[i];
    g_autoptr (SoupCookieJar) jar = soup_cookie_jar_new ();

    bot->index = (guint) i;
    bot->login = i == 0 ? g_strdup (opt.chair) : g_strdup_printf ("%s%03d", opt.login_prefix, i);
    bot->publish = i < opt.publishers;
    bot->expects_offer = opt.publishers > (bot->publish ? 1 : 0);
    bot->session = soup_session_new_with_options ("timeout", 60, "max-conns", 4096,
                                                  "max-conns-per-host", 4096, NULL);
    soup_session_add_feature (bot->session, SOUP_SESSION_FEATURE (jar));
  }
  g_timeout_add_seconds (
      (guint) (opt.bots / opt.rate + opt.settle + opt.duration + opt.linger + 60), on_deadline,
      NULL);
  start_bot (&bots[0]);
  g_main_loop_run (loop);

  for (int i = 0; i < opt.bots; i++) {
    g_clear_object (&bots[i].ws);
    g_object_unref (bots[i].session);
    g_free (bots[i].login);
  }
  g_free (bots);
  sh_media_engine_free (shared.engine);
  lb_capture_free (shared.capture);
  g_hash_table_unref (shared.joined_at);
  g_main_loop_unref (loop);
  return 0;
}
