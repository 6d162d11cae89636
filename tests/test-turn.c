/* TURN against a real coturn on loopback: the media engine's time-limited
 * credentials (coturn's REST-API scheme) are accepted and an ICE agent
 * gathers a relayed candidate; a wrong secret gets none.
 * SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"

#include <gio/gio.h>
#include <signal.h>

#define SECRET "sanhui-test-turn-secret"
#define WAIT_S 20

static guint
free_udp_port (void)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static GSubprocess *
start_coturn (guint port)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *listen_port = g_strdup_printf ("--listening-port=%u", port);
  GSubprocess *proc = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "turnserver",
      "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", listen_port, "--use-auth-secret",
      "--static-auth-secret=" SECRET, "--realm=sanhui", "--no-tls", "--no-dtls", "--no-cli",
      "--min-port=49400", "--max-port=49500", "--fingerprint", NULL);

  g_assert_no_error (error);
  return proc;
}

typedef struct {
  gboolean relay;
  gboolean done;
} Gathered;

static void
on_candidate (ShIce *ice, const char *candidate, gpointer user_data)
{
  Gathered *g = user_data;

  if (strstr (candidate, "typ relay"))
    g->relay = TRUE;
}

static void
on_done (ShIce *ice, gpointer user_data)
{
  ((Gathered *) user_data)->done = TRUE;
}

/* Gathers with an engine configured for the TURN server on @port. */
static gboolean
gathers_relay (guint port, const char *secret)
{
  static const char *const listen[] = { "127.0.0.1", NULL };
  static const ShIceCallbacks callbacks
      = { .local_candidate = on_candidate, .gathering_done = on_done };
  g_autofree char *url = g_strdup_printf ("turn:127.0.0.1:%u?transport=udp", port);
  const char *turn[] = { url, NULL };
  ShMediaEngineConfig config
      = { .n_workers = 1, .listen_addresses = listen, .turn_servers = turn, .turn_secret = secret };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShMediaEngine) engine = sh_media_engine_new (&config, &error);
  ShIceConfig ice_config;
  ShIceTurnServer server;
  ShIce *ice;
  Gathered g = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  g_assert_no_error (error);
  sh_media_engine_ice_config (engine, TRUE, &ice_config, &server);
  ice = sh_ice_new (g_main_context_default (), &ice_config, &callbacks, &g, &error);
  sh_media_engine_turn_clear (&server);
  g_assert_no_error (error);
  g_assert_true (sh_ice_gather (ice, &error));
  while (!g.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (5000), TRUE);
  g_assert_true (g.done);
  sh_ice_free (ice);
  /* Let the agent close (and release its allocation). */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (2000);
  return g.relay;
}

static void
test_relay (void)
{
  guint port = free_udp_port ();
  g_autoptr (GSubprocess) coturn = start_coturn (port);
  gboolean relayed = FALSE;

  /* coturn takes a moment to listen: the first gathering may find no
   * server yet. */
  for (int attempt = 0; attempt < 5 && !relayed; attempt++)
    relayed = gathers_relay (port, SECRET);
  g_assert_true (relayed);
  g_assert_false (gathers_relay (port, "not-the-secret"));
  g_subprocess_send_signal (coturn, SIGTERM);
  g_subprocess_wait (coturn, NULL, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/turn/relay-with-rest-api-credentials", test_relay);
  return g_test_run ();
}
