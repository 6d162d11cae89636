/* The connection layer against hostile and unlucky clients, on the real
 * server over loopback: keep-alive connections closed by the client leave no
 * descriptor behind, silent and slow connections (plain and TLS) are cut at
 * their time limits without slowing anyone else, per-address limits hold, a
 * TLS key that does not match its certificate stops the start, and every
 * response carries the security headers.
 * SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"
#include "tls-fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------- helpers */

static guint
server_port (TestServer *server)
{
  g_autoptr (GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);

  return (guint) g_uri_get_port (uri);
}

/* Descriptors the server process holds now. */
static guint
server_fds (TestServer *server)
{
  const char *pid = g_subprocess_get_identifier (server->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

/* Waits up to @timeout_ms for the server's descriptors to come down to
 * @wanted or fewer; returns the last count. */
static guint
await_server_fds (TestServer *server, guint wanted, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;
  guint n;

  while ((n = server_fds (server)) > wanted && g_get_monotonic_time () < end)
    g_usleep (20 * 1000);
  return n;
}

/* A blocking TCP connection to the server from @from (a loopback address
 * of 127.0.0.0/8), reads time out after 12 s. */
static int
tcp_connect_from (const char *from, guint port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct sockaddr_in local = { .sin_family = AF_INET };
  struct timeval tv = { .tv_sec = 12 };
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  inet_pton (AF_INET, from, &local.sin_addr);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &local, sizeof local), ==, 0);
  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

static int
tcp_connect (guint port)
{
  return tcp_connect_from ("127.0.0.1", port);
}

static void
send_all (int fd, const char *text)
{
  g_assert_cmpint (send (fd, text, strlen (text), MSG_NOSIGNAL), ==, (ssize_t) strlen (text));
}

/* Reads one /healthz response (its body is "ok\n"). Returns: (transfer
 * full) what was read. */
static char *
read_health_reply (int fd)
{
  GString *in = g_string_new (NULL);
  char buf[2048];

  while (!g_str_has_suffix (in->str, "\r\n\r\nok\n")) {
    ssize_t n = recv (fd, buf, sizeof buf, 0);
    if (n <= 0)
      break;
    g_string_append_len (in, buf, n);
  }
  return g_string_free (in, FALSE);
}

/* GET @path on a new connection that the server closes after the reply.
 * Returns: (transfer full) the whole response. */
static char *
http_get (guint port, const char *path)
{
  int fd = tcp_connect (port);
  g_autofree char *request
      = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
  GString *in = g_string_new (NULL);
  char buf[4096];
  ssize_t n;

  send_all (fd, request);
  while ((n = recv (fd, buf, sizeof buf, 0)) > 0)
    g_string_append_len (in, buf, n);
  close (fd);
  return g_string_free (in, FALSE);
}

/* TRUE when the server has closed @fd: a read gives end of file (or a
 * reset) within 12 s. */
static gboolean
closed_by_server (int fd)
{
  char buf[4096];
  ssize_t n;

  do
    n = recv (fd, buf, sizeof buf, 0);
  while (n > 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Median time of @n GET /healthz on new connections, in milliseconds. */
static double
median_health_ms (TestServer *server, guint n)
{
  guint port = server_port (server);
  g_autofree double *ms = g_new (double, n);

  for (guint i = 0; i < n; i++) {
    gint64 start = g_get_monotonic_time ();
    int fd = tcp_connect (port);
    g_autofree char *reply = NULL;

    send_all (fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    reply = read_health_reply (fd);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    close (fd);
    ms[i] = (g_get_monotonic_time () - start) / 1000.0;
  }
  qsort (ms, n, sizeof *ms, compare_doubles);
  return ms[n / 2];
}

/* ------------------------------------------------------ TLS test helpers */

typedef struct {
  char *dir;
  char *cert;
  char *key;
} TlsFiles;

static TlsFiles *
tls_files_new (void)
{
  TlsFiles *t = g_new0 (TlsFiles, 1);

  t->dir = g_dir_make_tmp ("sanhui-tls-XXXXXX", NULL);
  t->cert = g_build_filename (t->dir, "cert.pem", NULL);
  t->key = g_build_filename (t->dir, "key.pem", NULL);
  test_write_tls_pair (t->cert, t->key, 3600);
  return t;
}

static void
tls_files_free (TlsFiles *t)
{
  test_remove_tree (t->dir);
  g_free (t->dir);
  g_free (t->cert);
  g_free (t->key);
  g_free (t);
}

static gboolean
accept_any_certificate (GTlsConnection *conn, GTlsCertificate *cert, GTlsCertificateFlags errors,
                        gpointer user_data)
{
  return TRUE;
}

/* One GET /healthz over a new TLS connection. Returns: the response
 * headers and body, or NULL when the handshake or request failed. */
static char *
tls_get_health (guint port, double *ms)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketConnection) tcp = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autoptr (GError) error = NULL;
  const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  GString *in = g_string_new (NULL);
  char buf[2048];
  gssize n;
  gint64 start = g_get_monotonic_time ();

  /* A plain socket, not GSocketClient: that would load a proxy resolver and
   * its threads into the test process. */
  socket = g_socket_new_from_fd (tcp_connect (port), &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 12);
  tcp = g_socket_connection_factory_create_connection (socket);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error)
      || !g_output_stream_write_all (g_io_stream_get_output_stream (tls), request, strlen (request),
                                     NULL, NULL, &error)) {
    g_test_message ("TLS request failed: %s", error->message);
    g_string_free (in, TRUE);
    return NULL;
  }
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (tls), buf, sizeof buf, NULL, NULL))
         > 0)
    g_string_append_len (in, buf, n);
  if (ms)
    *ms = (g_get_monotonic_time () - start) / 1000.0;
  return g_string_free (in, FALSE);
}

/* A real ClientHello (517 bytes, TLS 1.3, as Python's OpenSSL client sends
 * it to 127.0.0.1), from tests/fixtures/tls/. Returns: (transfer full). */
static GBytes *
load_client_hello (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SANHUI_SOURCE_ROOT"), "tests", "fixtures",
                                            "tls", "client-hello.bin", NULL);
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 5 + (((guint8) data[3] << 8) | (guint8) data[4]));
  return g_bytes_new_take (data, length);
}

static TestServer *
start_tls_server (TlsFiles *t, const char *const *more)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) sets = NULL;
  g_autofree char *cert = g_strdup_printf ("server.tls_certificate=%s", t->cert);
  g_autofree char *key = g_strdup_printf ("server.tls_key=%s", t->key);

  g_strv_builder_add (b, cert);
  g_strv_builder_add (b, key);
  for (gsize i = 0; more && more[i]; i++)
    g_strv_builder_add (b, more[i]);
  sets = g_strv_builder_end (b);
  return test_server_start ((const char *const *) sets);
}

/* --------------------------------------------------------------- tests */

/* libsoup 3.2 kept every keep-alive connection that its client closed
 * (CLOSE-WAIT, a descriptor each) until the server ran out of them. */
static void
test_closed_keepalive_connections_leave_nothing (void)
{
  TestServer *server = test_server_start (NULL);
  guint port = server_port (server);
  guint before, after;
  const guint rounds = 3000;

  (void) median_health_ms (server, 3); /* warm-up: the first requests load pages and caches */
  before = server_fds (server);
  for (guint i = 0; i < rounds; i++) {
    int fd = tcp_connect (port);
    switch (i % 4) {
      case 0: /* two keep-alive requests, then the client goes */
      case 1: {
        for (int r = 0; r < 2; r++) {
          g_autofree char *reply = NULL;
          send_all (fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
          reply = read_health_reply (fd);
          g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
        }
        break;
      }
      case 2: /* half a request */
        send_all (fd, "GET /healthz HTTP/1.1\r\nHo");
        break;
      default: /* nothing at all */
        break;
    }
    close (fd);
  }
  after = await_server_fds (server, before, 5000);
  g_test_message ("%u connections opened and closed: server descriptors %u before, %u after",
                  rounds, before, after);
  g_assert_cmpuint (after, <=, before);
  test_server_stop (server);
}

/* Idle keep-alive connections are closed after keepalive_timeout_seconds;
 * a connection is reused until then. */
static void
test_keepalive_reuse_and_idle_limit (void)
{
  const char *const sets[] = { "server.keepalive_timeout_seconds=1", NULL };
  TestServer *server = test_server_start (sets);
  int fd = tcp_connect (server_port (server));

  for (int r = 0; r < 5; r++) {
    g_autofree char *reply = NULL;
    send_all (fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    reply = read_health_reply (fd);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
  }
  g_assert_true (closed_by_server (fd));
  close (fd);
  test_server_stop (server);
}

static void
test_silent_and_slow_clients_are_cut (void)
{
  const char *const sets[] = { "server.header_timeout_seconds=1", "server.body_timeout_seconds=1",
                               "server.max_unestablished_per_address=1000", NULL };
  TestServer *server = test_server_start (sets);
  guint port = server_port (server);
  double idle_ms, loaded_ms;
  int silent[150], slow_headers[30], stalled_body[20];
  int trickle;
  g_autofree char *reply = NULL;
  GString *in = g_string_new (NULL);
  char c;

  idle_ms = median_health_ms (server, 21);
  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    silent[i] = tcp_connect (port);
  for (guint i = 0; i < G_N_ELEMENTS (slow_headers); i++) {
    slow_headers[i] = tcp_connect (port);
    send_all (slow_headers[i], "GET /healthz HTTP/1.1\r\nX-Slow: ");
  }
  for (guint i = 0; i < G_N_ELEMENTS (stalled_body); i++) {
    stalled_body[i] = tcp_connect (port);
    send_all (stalled_body[i], "POST /api/session HTTP/1.1\r\nHost: t\r\nContent-Type: "
                               "application/json\r\nContent-Length: 100\r\n\r\n{\"log");
  }
  loaded_ms = median_health_ms (server, 21);
  g_test_message ("/healthz median: %.2f ms idle, %.2f ms beside %zu silent, %zu slow-header and "
                  "%zu stalled-body connections",
                  idle_ms, loaded_ms, G_N_ELEMENTS (silent), G_N_ELEMENTS (slow_headers),
                  G_N_ELEMENTS (stalled_body));
  g_assert_cmpfloat (loaded_ms, <, idle_ms * 10 + 50);

  /* A body that keeps coming is not cut, however slowly. */
  trickle = tcp_connect (port);
  send_all (trickle, "POST /api/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Connection: close\r\nContent-Length: 5\r\n\r\n");
  for (const char *p = "{\"a\":"; *p; p++) {
    c = *p;
    g_usleep (600 * 1000);
    g_assert_cmpint (send (trickle, &c, 1, MSG_NOSIGNAL), ==, 1);
  }
  {
    char buf[4096];
    ssize_t n;
    while ((n = recv (trickle, buf, sizeof buf, 0)) > 0)
      g_string_append_len (in, buf, n);
  }
  g_assert_true (g_str_has_prefix (in->str, "HTTP/1.1 4"));
  g_string_free (in, TRUE);
  close (trickle);

  for (guint i = 0; i < G_N_ELEMENTS (silent); i++) {
    g_assert_true (closed_by_server (silent[i]));
    close (silent[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (slow_headers); i++) {
    g_assert_true (closed_by_server (slow_headers[i]));
    close (slow_headers[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (stalled_body); i++) {
    g_assert_true (closed_by_server (stalled_body[i]));
    close (stalled_body[i]);
  }
  test_server_stop (server);
}

static void
test_per_address_limits (void)
{
  const char *const sets[]
      = { "server.max_unestablished_per_address=8", "server.max_connections_per_address=12", NULL };
  TestServer *server = test_server_start (sets);
  guint port = server_port (server);
  int silent[8], kept[4], fd;
  g_autofree char *refused = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    silent[i] = tcp_connect (port);
  /* The ninth silent connection is one too many: a clear 503. */
  fd = tcp_connect (port);
  refused = read_health_reply (fd);
  g_assert_true (g_str_has_prefix (refused, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (refused, "Retry-After"));
  close (fd);

  /* Once a silent connection sends a request it no longer counts as silent;
   * connections that asked something stay open up to the address's limit. */
  for (guint i = 0; i < 4; i++) {
    g_autofree char *reply = NULL;
    send_all (silent[i], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    reply = read_health_reply (silent[i]);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++) {
    g_autofree char *reply = NULL;
    kept[i] = tcp_connect (port);
    send_all (kept[i], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    reply = read_health_reply (kept[i]);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
  }
  /* Twelve open, eight of them idle after a request: a new client gets in
   * and the oldest idle connection makes room. */
  {
    g_autofree char *reply = NULL;
    fd = tcp_connect (port);
    send_all (fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    reply = read_health_reply (fd);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    close (fd);
  }
  g_assert_true (closed_by_server (silent[0]));
  {
    g_autofree char *metrics = http_get (port, "/metrics");
    g_assert_nonnull (strstr (metrics, "\nsanhui_http_connections_refused_total 1\n"));
    g_assert_nonnull (strstr (metrics, "\nsanhui_http_connections_evicted_total 1\n"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    close (silent[i]);
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    close (kept[i]);
  test_server_stop (server);
}

/* A reverse proxy carries many clients over its own address. */
static void
test_trusted_proxy_is_not_limited_per_address (void)
{
  const char *const sets[]
      = { "server.max_unestablished_per_address=2", "server.max_connections_per_address=3",
          "security.trusted_proxies=127.0.0.1", NULL };
  TestServer *server = test_server_start (sets);
  guint port = server_port (server);
  int fds[6];

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = tcp_connect (port);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++) {
    g_autofree char *reply = NULL;
    send_all (fds[i], "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    reply = read_health_reply (fds[i]);
    g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    close (fds[i]);
  }
  test_server_stop (server);
}

static void
test_tls_idle_connections_do_not_stall (void)
{
  TlsFiles *t = tls_files_new ();
  const char *const more[]
      = { "server.handshake_timeout_seconds=8", "server.max_unestablished_per_address=1000", NULL };
  TestServer *server = start_tls_server (t, more);
  guint port = server_port (server);
  double idle[9], loaded[9], idle_ms, loaded_ms;
  int silent[100], partial[20], stalled[12];
  g_autofree char *reply = NULL;
  g_autoptr (GBytes) hello = load_client_hello ();

  g_assert_true (g_str_has_prefix (server->url, "https://"));
  /* The handshake limit is long for a test: under a sanitizer a loopback
   * handshake takes about 2 s. The client's first TLS connection loads the
   * system's trust store, which takes seconds there too; it must not count
   * against the server's handshake limit. */
  g_object_unref (g_tls_backend_get_default_database (g_tls_backend_get_default ()));
  for (guint i = 0; i < G_N_ELEMENTS (idle); i++) {
    g_autofree char *r = tls_get_health (port, &idle[i]);
    g_assert_nonnull (r);
  }
  for (guint i = 0; i < G_N_ELEMENTS (silent); i++)
    silent[i] = tcp_connect (port);
  /* A TLS record header promising a ClientHello that never comes: these
   * start a handshake and stall it. */
  for (guint i = 0; i < G_N_ELEMENTS (partial); i++) {
    partial[i] = tcp_connect (port);
    g_assert_cmpint (send (partial[i], "\x16\x03\x01\x02\x00\x01", 6, MSG_NOSIGNAL), ==, 6);
  }
  /* A whole ClientHello, then nothing: each such handshake would hold a
   * worker thread until its time limit; one address gets a few at a time.
   * From another loopback address, so that the fresh client is not that
   * address's. */
  for (guint i = 0; i < G_N_ELEMENTS (stalled); i++) {
    gsize size;
    const char *data = g_bytes_get_data (hello, &size);
    stalled[i] = tcp_connect_from ("127.0.0.2", port);
    g_assert_cmpint (send (stalled[i], data, size, MSG_NOSIGNAL), ==, (ssize_t) size);
  }
  for (guint i = 0; i < G_N_ELEMENTS (loaded); i++) {
    g_autofree char *r = tls_get_health (port, &loaded[i]);
    g_assert_nonnull (r);
    g_assert_true (g_str_has_prefix (r, "HTTP/1.1 200"));
    if (i == 0)
      reply = g_steal_pointer (&r);
  }
  qsort (idle, G_N_ELEMENTS (idle), sizeof (double), compare_doubles);
  qsort (loaded, G_N_ELEMENTS (loaded), sizeof (double), compare_doubles);
  idle_ms = idle[G_N_ELEMENTS (idle) / 2];
  loaded_ms = loaded[G_N_ELEMENTS (loaded) / 2];
  g_test_message ("TLS /healthz median: %.2f ms idle, %.2f ms beside %zu silent connections, %zu "
                  "half ClientHellos and %zu handshakes stalled after the ClientHello",
                  idle_ms, loaded_ms, G_N_ELEMENTS (silent), G_N_ELEMENTS (partial),
                  G_N_ELEMENTS (stalled));
  g_assert_cmpfloat (loaded_ms, <, idle_ms * 10 + 100);
  g_assert_nonnull (strstr (reply, "Strict-Transport-Security: max-age="));

  for (guint i = 0; i < G_N_ELEMENTS (silent); i++) {
    g_assert_true (closed_by_server (silent[i]));
    close (silent[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (partial); i++) {
    g_assert_true (closed_by_server (partial[i]));
    close (partial[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (stalled); i++) {
    g_assert_true (closed_by_server (stalled[i]));
    close (stalled[i]);
  }
  test_server_stop (server);
  tls_files_free (t);
}

static void
test_tls_key_must_match_certificate (void)
{
  TlsFiles *t = tls_files_new ();
  TlsFiles *other = tls_files_new ();
  g_autofree char *dir = g_dir_make_tmp ("sanhui-test-XXXXXX", NULL);
  g_autofree char *cert = g_strdup_printf ("server.tls_certificate=%s", t->cert);
  g_autofree char *key = g_strdup_printf ("server.tls_key=%s", other->key);
  g_autofree char *err = NULL;
  int status;

  status = test_run_cli (dir, NULL, NULL, &err, "--set", cert, "--set", key, "--set",
                         "server.port=0", "serve", NULL);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "does not belong to the certificate"));
  test_remove_tree (dir);
  tls_files_free (t);
  tls_files_free (other);
}

static void
test_security_headers_and_logs (void)
{
  TestServer *server = test_server_start (NULL);
  g_autoptr (TestClient) client = test_client_new (server);
  const char *paths[] = { "/", "/room.html", "/api/me", "/healthz" };

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autofree char *url = g_strconcat (server->url, paths[i] + 1, NULL);
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr (GBytes) body = soup_session_send_and_read (client->session, msg, NULL, NULL);
    SoupMessageHeaders *h = soup_message_get_response_headers (msg);
    const char *csp = soup_message_headers_get_one (h, "Content-Security-Policy");

    g_assert_cmpstr (soup_message_headers_get_one (h, "X-Content-Type-Options"), ==, "nosniff");
    g_assert_cmpstr (soup_message_headers_get_one (h, "Referrer-Policy"), ==, "no-referrer");
    g_assert_nonnull (csp);
    g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
    g_assert_nonnull (strstr (csp, "default-src 'self'"));
    g_assert_null (soup_message_headers_get_one (h, "Strict-Transport-Security"));
  }
  /* An invitation token is a credential: the log shows the client's address
   * and the path without it. */
  {
    g_autoptr (JsonNode) reply = NULL;
    test_client_send (client, "GET", "/api/invitations/SECRETTOKEN0123456789", NULL, NULL, 0,
                      &reply, NULL);
  }
  test_client_free (g_steal_pointer (&client));
  {
    /* Wait until the log line has come through the pipe. */
    gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (!strstr (test_server_log (server), "/api/invitations/***")
           && g_get_monotonic_time () < end)
      g_usleep (10 * 1000);
  }
  g_assert_nonnull (strstr (test_server_log (server), "127.0.0.1 GET /api/invitations/*** ->"));
  g_assert_null (strstr (test_server_log (server), "SECRETTOKEN"));
  test_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http-conn/closed-keepalive-connections-leave-nothing",
                   test_closed_keepalive_connections_leave_nothing);
  g_test_add_func ("/http-conn/keepalive-reuse-and-idle-limit",
                   test_keepalive_reuse_and_idle_limit);
  g_test_add_func ("/http-conn/silent-and-slow-clients-are-cut",
                   test_silent_and_slow_clients_are_cut);
  g_test_add_func ("/http-conn/per-address-limits", test_per_address_limits);
  g_test_add_func ("/http-conn/trusted-proxy-is-not-limited-per-address",
                   test_trusted_proxy_is_not_limited_per_address);
  g_test_add_func ("/http-conn/tls-idle-connections-do-not-stall",
                   test_tls_idle_connections_do_not_stall);
  g_test_add_func ("/http-conn/tls-key-must-match-certificate",
                   test_tls_key_must_match_certificate);
  g_test_add_func ("/http-conn/security-headers-and-logs", test_security_headers_and_logs);
  return g_test_run ();
}
