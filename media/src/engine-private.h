/* Internal to the media module: what peers take from the engine.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <stdatomic.h>

#include "sanhui-media.h"
#include "dtls.h"
#include "ice.h"

struct _ShMediaEngine {
  ShMediaWorkers *workers;
  ShDtlsCert *cert;
  char *fingerprint; /* "sha-256 AB:..." */
  char **listen_addresses;
  guint port_min, port_max;
  char *stun_host;
  guint stun_port;
  char *turn_host;
  guint turn_port;
  char *turn_secret; /* never logged */
  guint ice_disconnected_ms, ice_failed_ms;
  /* RTP packets every room sent to subscribers; rooms add to it from their
   * workers' timers (sh_media_engine_count_forwarded). */
  _Atomic guint64 forwarded_packets;
};

/* Adds @n to the engine's count of forwarded packets (any thread). */
void sh_media_engine_count_forwarded (ShMediaEngine *engine, guint64 n);

/* Fills @config for a new ICE agent. TURN credentials are minted for this
 * agent (coturn's REST-API scheme, valid for a day) into @turn, whose
 * strings the caller frees with sh_media_engine_turn_clear(). */
void sh_media_engine_ice_config (ShMediaEngine *engine, gboolean controlling, ShIceConfig *config,
                                 ShIceTurnServer *turn);
void sh_media_engine_turn_clear (ShIceTurnServer *turn);

/* "host:port" with a numeric host into @host (transfer full) and @port. */
gboolean sh_media_parse_host_port (const char *text, char **host, guint *port, GError **error);
