/* Log-in spam does not slow everyone: 16 clients post wrong passwords as
 * fast as they can (hashed at the production cost) while another client
 * measures /healthz; the hashing pool is bounded (503 with Retry-After when
 * full), and the server shuts down cleanly with hashes in flight.
 * Latency is asserted loosely, as a ratio to the idle figure of the same
 * run. SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#define FLOODERS 16
/* The production cost of a hash: the point of the test. Under
 * AddressSanitizer every hash is many times slower (libcrypto's memcpy
 * calls are intercepted), and the run would outlast its time limit; there
 * the test is about clean lifetimes more than latency. */
#if defined(__SANITIZE_ADDRESS__)
#define ITERATIONS "security.password_iterations=31000"
#else
#define ITERATIONS "security.password_iterations=310000"
#endif
#define SAMPLES 25

typedef struct {
  TestServer *server;
  char *url; /* of POST /api/session: the server may be gone first */
  int stop;  /* atomic */
  int once;  /* one request per thread, then stop */
  GMutex lock;
  guint by_status[600];
  guint failures; /* no HTTP answer at all */
  char *first_failure;
  guint total;
} Flood;

static guint
post_login (SoupSession *session, const char *url, const char *login, GError **error)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *text
      = g_strdup_printf ("{\"login\":\"%s\",\"password\":\"Wrong#pass1\"}", login);
  g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));
  g_autoptr (GBytes) reply = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (!reply)
    return 0;
  if (soup_message_get_status (msg) == 503 || soup_message_get_status (msg) == 429)
    g_assert_nonnull (
        soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"));
  return soup_message_get_status (msg);
}

/* A flooder waits for its answer behind up to FLOODERS hashes of the full
 * cost; on a loaded machine (or under AddressSanitizer) that can take a
 * minute, which is the test machine's limit, not the server's: hence the
 * long client timeout (see "timeout" below). */
static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 240, NULL);
  guint n = 0;

  do {
    g_autoptr (GError) error = NULL;
    /* Unknown names: each costs the dummy hash at the full cost. */
    g_autofree char *login = g_strdup_printf ("ghost%p-%u", (void *) g_thread_self (), n++);
    guint status = post_login (session, f->url, login, &error);

    g_mutex_lock (&f->lock);
    f->total++;
    if (status == 0) {
      f->failures++;
      if (!f->first_failure)
        f->first_failure = g_strdup (error->message);
    } else
      f->by_status[MIN (status, 599)]++;
    g_mutex_unlock (&f->lock);
  } while (!f->once && !g_atomic_int_get (&f->stop));
  return NULL;
}

static void
start_flood (Flood *f, GThread **threads, guint n)
{
  if (!f->url)
    f->url = g_strconcat (f->server->url, "api/session", NULL);
  for (guint i = 0; i < n; i++)
    threads[i] = g_thread_new ("flood", flood_thread, f);
}

static void
join_flood (Flood *f, GThread **threads, guint n)
{
  g_atomic_int_set (&f->stop, 1);
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
}

static void
flood_clear (Flood *f)
{
  g_clear_pointer (&f->url, g_free);
  g_clear_pointer (&f->first_failure, g_free);
  g_mutex_clear (&f->lock);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The median of @n sequential /healthz round trips (µs). */
static gint64
healthz_p50 (SoupSession *session, const char *url, guint n)
{
  gint64 samples[SAMPLES];

  g_assert_cmpuint (n, <=, SAMPLES);
  for (guint i = 0; i < n; i++) {
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr (GBytes) reply = NULL;
    g_autoptr (GError) error = NULL;
    gint64 start = g_get_monotonic_time ();

    reply = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    samples[i] = g_get_monotonic_time () - start;
    g_usleep (20 * 1000);
  }
  qsort (samples, n, sizeof samples[0], compare_gint64);
  return samples[n / 2];
}

static void
test_flood_does_not_slow_healthz (void)
{
  static const char *const sets[] = {
    ITERATIONS,
    /* One address floods here; the throttle is tested elsewhere. */
    "security.login_address_failures=100000",
    "security.login_account_address_failures=1000",
    "log.level=warning",
    NULL,
  };
  Flood f = { 0 };
  GThread *threads[FLOODERS];
  g_autoptr (SoupSession) probe = soup_session_new_with_options ("timeout", 240, NULL);
  g_autofree char *healthz = NULL;
  gint64 idle, loaded;
  guint answered;

  f.server = test_server_start (sets);
  g_mutex_init (&f.lock);
  healthz = g_strconcat (f.server->url, "healthz", NULL);
  idle = healthz_p50 (probe, healthz, SAMPLES);
  start_flood (&f, threads, FLOODERS);
  g_usleep (500 * 1000);
  loaded = healthz_p50 (probe, healthz, SAMPLES);
  join_flood (&f, threads, FLOODERS);
  answered = f.by_status[401] + f.by_status[429];
  g_test_message ("healthz p50 idle %" G_GINT64_FORMAT
                  " µs, under a %d-client log-in flood %" G_GINT64_FORMAT
                  " µs; %u log-ins: %u 401, %u 429, %u 503, %u without answer",
                  idle, FLOODERS, loaded, f.total, f.by_status[401], f.by_status[429],
                  f.by_status[503], f.failures);
  g_print ("# figures: healthz p50 idle %" G_GINT64_FORMAT " us, flood %" G_GINT64_FORMAT
           " us; %u log-ins: %u 401, %u 429, %u 503, %u failed\n",
           idle, loaded, f.total, f.by_status[401], f.by_status[429], f.by_status[503], f.failures);
  if (f.first_failure)
    g_test_message ("first log-in without answer: %s", f.first_failure);
  g_assert_cmpuint (f.failures, ==, 0);
  g_assert_cmpuint (f.total, >=, FLOODERS);
  g_assert_cmpuint (answered, ==, f.total);
  g_assert_cmpint (loaded, <, 10 * idle + 50 * 1000);
  flood_clear (&f);
  test_server_stop (f.server);
}

/* One hashing thread and a queue of two: a burst gets 503 with Retry-After
 * beyond that, not a queue without end; then a burst still hashing when
 * the server is told to stop: it exits cleanly. */
static void
test_bounded_queue_and_shutdown (void)
{
  static const char *const sets[] = {
    ITERATIONS,
    "security.login_hash_threads=1",
    "security.login_hash_queue=2",
    "security.login_address_failures=100000",
    "security.login_account_address_failures=1000",
    "log.level=warning",
    NULL,
  };
  Flood f = { .once = TRUE };
  Flood g = { .once = TRUE };
  GThread *threads[12];
  GThread *late[6];

  f.server = test_server_start (sets);
  g_mutex_init (&f.lock);
  start_flood (&f, threads, G_N_ELEMENTS (threads));
  join_flood (&f, threads, G_N_ELEMENTS (threads));
  g_test_message ("burst of 12 against 1 thread + 2 queued: %u 401, %u 503, %u failed",
                  f.by_status[401], f.by_status[503], f.failures);
  g_assert_cmpuint (f.failures, ==, 0);
  g_assert_cmpuint (f.by_status[503], >, 0);
  g_assert_cmpuint (f.by_status[401], >=, 1);
  g_assert_cmpuint (f.by_status[401] + f.by_status[503], ==, 12);

  /* Stop with hashes running and queued: a clean exit (no crash, no
   * use-after-free of the paused messages). */
  g.server = f.server;
  g_mutex_init (&g.lock);
  start_flood (&g, late, G_N_ELEMENTS (late));
  g_usleep (100 * 1000);
  test_server_stop (f.server);
  join_flood (&g, late, G_N_ELEMENTS (late));
  flood_clear (&f);
  flood_clear (&g);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/login-flood/healthz", test_flood_does_not_slow_healthz);
  g_test_add_func ("/login-flood/bounded-queue-and-shutdown", test_bounded_queue_and_shutdown);
  return g_test_run ();
}
