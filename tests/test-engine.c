/* The media engine: settings checked up front, the certificate kept across
 * restarts, TURN credentials in coturn's REST-API scheme.
 * SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"
#include "sfu-private.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static void
test_rejects_bad_settings (void)
{
  static const char *const bad_listen[] = { "not-an-ip", NULL };
  static const char *const bad_stun[] = { "stun.example.org:3478", NULL };
  static const char *const bad_stun_port[] = { "127.0.0.1:99999", NULL };
  static const char *const turn[] = { "turn:127.0.0.1:3478?transport=udp", NULL };
  static const char *const turn_tcp[] = { "turn:127.0.0.1:3478?transport=tcp", NULL };
  const ShMediaEngineConfig cases[] = {
    { .n_workers = 1, .listen_addresses = bad_listen },
    { .n_workers = 1, .stun_servers = bad_stun },
    { .n_workers = 1, .stun_servers = bad_stun_port },
    { .n_workers = 1, .turn_servers = turn }, /* no secret */
    { .n_workers = 1, .turn_servers = turn_tcp, .turn_secret = "s3cret" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    ShMediaEngine *engine = sh_media_engine_new (&cases[i], &error);
    g_assert_null (engine);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, error->message);
  }
}

static void
test_certificate_persists (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sanhui-engine-XXXXXX", NULL);
  ShMediaEngineConfig config = { .n_workers = 1, .data_dir = dir };
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;

  {
    g_autoptr (ShMediaEngine) engine = sh_media_engine_new (&config, &error);
    g_assert_no_error (error);
    first = g_strdup (sh_media_engine_fingerprint (engine));
    /* "sha-256 " and 32 hex pairs with colons. */
    g_assert_true (g_str_has_prefix (first, "sha-256 "));
    g_assert_cmpuint (strlen (first), ==, strlen ("sha-256 ") + 32 * 3 - 1);
    g_assert_cmpuint (sh_media_workers_count (sh_media_engine_workers (engine)), ==, 1);
  }
  {
    g_autoptr (ShMediaEngine) again = sh_media_engine_new (&config, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (sh_media_engine_fingerprint (again), ==, first);
  }
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d))) {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  }
  g_rmdir (dir);
}

static void
test_turn_credentials (void)
{
  static const char *const turn[] = { "turn:127.0.0.1:3478?transport=udp", NULL };
  static const char *const listen[] = { "127.0.0.1", NULL };
  ShMediaEngineConfig config = { .n_workers = 1,
                                 .turn_servers = turn,
                                 .turn_secret = "s3cret",
                                 .listen_addresses = listen,
                                 .port_min = 41000,
                                 .port_max = 41100 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMediaEngine) engine = sh_media_engine_new (&config, &error);
  ShIceConfig ice;
  ShIceTurnServer server;
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  g_autofree char *expected = NULL;
  gint64 expiry;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  sh_media_engine_ice_config (engine, TRUE, &ice, &server);
  g_assert_true (ice.controlling);
  g_assert_cmpuint (ice.port_min, ==, 41000);
  g_assert_cmpstr (ice.listen_addresses[0], ==, "127.0.0.1");
  g_assert_cmpuint (ice.n_turn_servers, ==, 1);
  g_assert_cmpstr (server.host, ==, "127.0.0.1");
  g_assert_cmpuint (server.port, ==, 3478);
  /* "EXPIRY:sanhui", valid for about a day. */
  g_assert_true (g_str_has_suffix (server.username, ":sanhui"));
  expiry = g_ascii_strtoll (server.username, NULL, 10);
  g_assert_cmpint (expiry, >, now + 23 * 3600);
  g_assert_cmpint (expiry, <=, now + 25 * 3600);
  HMAC (EVP_sha1 (), "s3cret", 6, (const guint8 *) server.username, strlen (server.username), mac,
        &mac_len);
  expected = g_base64_encode (mac, mac_len);
  g_assert_cmpstr (server.password, ==, expected);
  sh_media_engine_turn_clear (&server);
  g_assert_null (server.username);
}

/* Rooms add what they forwarded to the engine's count (/metrics) on their
 * timer and when they close. */
typedef struct {
  ShMediaEngine *engine;
  ShMediaRoom *room;
  guint64 forwarded; /* set on the room's worker */
  gint done;
} CountRun;

static gboolean
count_open (gpointer data)
{
  static const ShMediaRoomCallbacks callbacks = { 0 };
  CountRun *r = data;

  r->room = sh_media_room_new (r->engine, 0, &callbacks, NULL);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
count_set (gpointer data)
{
  CountRun *r = data;

  r->room->stats.forwarded_packets = r->forwarded;
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
count_close (gpointer data)
{
  CountRun *r = data;

  r->room->stats.forwarded_packets = r->forwarded;
  g_clear_pointer (&r->room, sh_media_room_free);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static void
count_run (CountRun *r, GSourceFunc func)
{
  g_atomic_int_set (&r->done, 0);
  sh_media_workers_invoke (sh_media_engine_workers (r->engine), 0, func, r, NULL);
  while (!g_atomic_int_get (&r->done))
    g_usleep (1000);
}

static void
test_forwarded_packets (void)
{
  ShMediaEngineConfig config = { .n_workers = 1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMediaEngine) engine = sh_media_engine_new (&config, &error);
  CountRun r = { .engine = engine };
  gint64 deadline;

  g_assert_no_error (error);
  g_assert_cmpuint (sh_media_engine_forwarded_packets (engine), ==, 0);
  sh_media_engine_count_forwarded (engine, 3);
  g_assert_cmpuint (sh_media_engine_forwarded_packets (engine), ==, 3);
  count_run (&r, count_open);
  r.forwarded = 40;
  count_run (&r, count_set);
  /* The next 20 ms tick counts them. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (sh_media_engine_forwarded_packets (engine) != 43 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (sh_media_engine_forwarded_packets (engine), ==, 43);
  /* Closing counts the rest, once. */
  r.forwarded = 45;
  count_run (&r, count_close);
  g_assert_cmpuint (sh_media_engine_forwarded_packets (engine), ==, 48);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/rejects-bad-settings", test_rejects_bad_settings);
  g_test_add_func ("/engine/certificate-persists", test_certificate_persists);
  g_test_add_func ("/engine/turn-credentials", test_turn_credentials);
  g_test_add_func ("/engine/forwarded-packets", test_forwarded_packets);
  return g_test_run ();
}
