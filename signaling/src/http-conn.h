/* The connection layer in front of libsoup: the server accepts TCP itself,
 * limits connections per client address, runs the TLS handshake with a time
 * limit, bounds the time a client may take to send its request headers and
 * body, and closes idle keep-alive connections. Each request is handed to
 * libsoup on a fresh SoupServerConnection (soup_server_accept_iostream), which
 * also works around libsoup 3.2's leak of keep-alive connections that the
 * client closes (see docs/reliability.md).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <libsoup/soup.h>

typedef struct {
  guint max_per_address;     /* live connections from one client address */
  guint max_unestablished;   /* per address: in TLS handshake or before a first request */
  guint max_connections;     /* in all */
  guint handshake_timeout_s; /* TLS handshake, from accept */
  guint header_timeout_s;    /* a connection's first request headers, from accept */
  guint idle_timeout_s;      /* keep-alive: the next request's headers */
  guint body_timeout_s;      /* a request body making no progress */
  int backlog;               /* listen(2) backlog */
  /* Addresses the per-address limits do not apply to: reverse proxies,
   * which carry many clients (nullable, NULL-terminated, copied). */
  const char *const *unlimited_addresses;
} ShHttpLimits;

typedef struct _ShHttpConnections ShHttpConnections;

typedef struct {
  guint64 accepted;         /* connections accepted */
  guint64 refused;          /* refused over a limit */
  guint64 evicted_idle;     /* idle keep-alive connections closed to make room */
  guint64 timed_out;        /* closed by a handshake, header, body or idle limit */
  guint64 handshake_failed; /* TLS handshakes that failed */
  guint open;               /* open now */
} ShHttpStats;

/* Takes over accepting for @soup, which must not listen itself. @tls: the
 * certificate for HTTPS (borrowed, nullable: plain HTTP). @limits: copied.
 * Returns: (transfer full). */
ShHttpConnections *sh_http_connections_new (SoupServer *soup, GTlsCertificate *tls,
                                            const ShHttpLimits *limits);

/* Listens on @address (port 0 picks one). Returns: the bound address
 * (transfer full), or NULL with @error set. */
GSocketAddress *sh_http_connections_listen (ShHttpConnections *self, GSocketAddress *address,
                                            GError **error);

/* Stops listening and closes every connection. */
void sh_http_connections_close_all (ShHttpConnections *self);

void sh_http_connections_get_stats (ShHttpConnections *self, ShHttpStats *stats);

void sh_http_connections_free (ShHttpConnections *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShHttpConnections, sh_http_connections_free)
