/* The media engine: workers, the DTLS certificate and ICE settings shared by
 * every peer connection.  SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"

#include <gio/gio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Time-limited TURN users live this long (coturn REST-API scheme). */
#define TURN_CREDENTIAL_LIFETIME_S (24 * 3600)

gboolean
sh_media_parse_host_port (const char *text, char **host, guint *port, GError **error)
{
  const char *colon = text ? strrchr (text, ':') : NULL;
  g_autofree char *name = NULL;
  g_autoptr (GInetAddress) address = NULL;
  guint64 value;

  if (!colon || colon == text
      || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "\"%s\" is not HOST:PORT with a port from 1 to 65535", text ? text : "");
    return FALSE;
  }
  name = g_strndup (text, colon - text);
  address = g_inet_address_new_from_string (name);
  if (!address) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "\"%s\" must name a numeric IP address: media workers never resolve names", text);
    return FALSE;
  }
  *host = g_steal_pointer (&name);
  *port = (guint) value;
  return TRUE;
}

/* "turn:HOST:PORT?transport=udp" → HOST:PORT. Only UDP relays are used. */
static gboolean
parse_turn_url (const char *url, char **host, guint *port, GError **error)
{
  g_autofree char *rest = NULL;
  char *query;

  if (!g_str_has_prefix (url, "turn:")) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "TURN server \"%s\" must start with turn: (UDP relays only)", url);
    return FALSE;
  }
  rest = g_strdup (url + strlen ("turn:"));
  query = strchr (rest, '?');
  if (query) {
    if (!g_str_equal (query, "?transport=udp")) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "TURN server \"%s\": only ?transport=udp is supported", url);
      return FALSE;
    }
    *query = '\0';
  }
  return sh_media_parse_host_port (rest, host, port, error);
}

ShMediaEngine *
sh_media_engine_new (const ShMediaEngineConfig *config, GError **error)
{
  g_autoptr (ShMediaEngine) engine = g_new0 (ShMediaEngine, 1);

  g_return_val_if_fail (config != NULL, NULL);
  engine->port_min = config->port_min;
  engine->port_max = config->port_max;
  engine->ice_disconnected_ms = config->ice_disconnected_ms;
  engine->ice_failed_ms = config->ice_failed_ms;
  engine->listen_addresses = g_strdupv ((char **) config->listen_addresses);
  for (guint i = 0; engine->listen_addresses && engine->listen_addresses[i]; i++) {
    g_autoptr (GInetAddress) a = g_inet_address_new_from_string (engine->listen_addresses[i]);
    if (!a) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "listen address \"%s\" is not a numeric IP address",
                   engine->listen_addresses[i]);
      return NULL;
    }
  }
  if (config->stun_servers && config->stun_servers[0]
      && !sh_media_parse_host_port (config->stun_servers[0], &engine->stun_host, &engine->stun_port,
                                    error))
    return NULL;
  if (config->turn_servers && config->turn_servers[0]) {
    if (!config->turn_secret || !config->turn_secret[0]) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "a TURN server needs the coturn REST-API secret (ice.turn_secret)");
      return NULL;
    }
    if (!parse_turn_url (config->turn_servers[0], &engine->turn_host, &engine->turn_port, error))
      return NULL;
    engine->turn_secret = g_strdup (config->turn_secret);
  }
  engine->cert = config->data_dir ? sh_dtls_cert_load_or_generate (config->data_dir, error)
                                  : sh_dtls_cert_generate (error);
  if (!engine->cert)
    return NULL;
  engine->fingerprint = g_strdup_printf ("sha-256 %s", sh_dtls_cert_fingerprint (engine->cert));
  engine->workers = sh_media_workers_new (config->n_workers);
  return g_steal_pointer (&engine);
}

void
sh_media_engine_free (ShMediaEngine *engine)
{
  if (!engine)
    return;
  /* Workers first: queued work may still use the certificate. */
  g_clear_pointer (&engine->workers, sh_media_workers_free);
  g_clear_pointer (&engine->cert, sh_dtls_cert_unref);
  g_strfreev (engine->listen_addresses);
  g_free (engine->fingerprint);
  g_free (engine->stun_host);
  g_free (engine->turn_host);
  if (engine->turn_secret)
    memset (engine->turn_secret, 0, strlen (engine->turn_secret));
  g_free (engine->turn_secret);
  g_free (engine);
}

ShMediaWorkers *
sh_media_engine_workers (ShMediaEngine *engine)
{
  return engine->workers;
}

const char *
sh_media_engine_fingerprint (ShMediaEngine *engine)
{
  return engine->fingerprint;
}

void
sh_media_engine_count_forwarded (ShMediaEngine *engine, guint64 n)
{
  atomic_fetch_add_explicit (&engine->forwarded_packets, n, memory_order_relaxed);
}

guint64
sh_media_engine_forwarded_packets (ShMediaEngine *engine)
{
  return atomic_load_explicit (&engine->forwarded_packets, memory_order_relaxed);
}

void
sh_media_engine_ice_config (ShMediaEngine *engine, gboolean controlling, ShIceConfig *config,
                            ShIceTurnServer *turn)
{
  memset (config, 0, sizeof *config);
  memset (turn, 0, sizeof *turn);
  config->controlling = controlling;
  config->listen_addresses = (const char *const *) engine->listen_addresses;
  config->port_min = engine->port_min;
  config->port_max = engine->port_max;
  config->stun_host = engine->stun_host;
  config->stun_port = engine->stun_port;
  config->disconnected_timeout_ms = engine->ice_disconnected_ms;
  config->failed_timeout_ms = engine->ice_failed_ms;
  if (engine->turn_host) {
    guint8 mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char *user = g_strdup_printf ("%" G_GINT64_FORMAT ":sanhui",
                                  g_get_real_time () / G_USEC_PER_SEC + TURN_CREDENTIAL_LIFETIME_S);

    /* coturn's use-auth-secret: password = base64(HMAC-SHA1(secret, user)). */
    HMAC (EVP_sha1 (), engine->turn_secret, (int) strlen (engine->turn_secret),
          (const guint8 *) user, strlen (user), mac, &mac_len);
    turn->host = engine->turn_host;
    turn->port = engine->turn_port;
    turn->username = user;
    turn->password = g_base64_encode (mac, mac_len);
    config->turn_servers = turn;
    config->n_turn_servers = 1;
  }
}

void
sh_media_engine_turn_clear (ShIceTurnServer *turn)
{
  g_free ((char *) turn->username);
  g_free ((char *) turn->password);
  memset (turn, 0, sizeof *turn);
}
