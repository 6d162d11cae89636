/* The client's address behind a request: the connection's peer, or what a
 * trusted proxy says it is; and the network around an address.
 * SPDX-License-Identifier: Apache-2.0 */
#include "http-private.h"

#include <string.h>

/* The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d), or a
 * new reference to @address. Returns: (transfer full). */
static GInetAddress *
unmapped (GInetAddress *address)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_object_ref (address);
  bytes = g_inet_address_to_bytes (address);
  if (memcmp (bytes, prefix, sizeof prefix) != 0)
    return g_object_ref (address);
  return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
}

char *
sh_client_network (GInetAddress *address, guint v4_bits, guint v6_bits)
{
  g_autoptr (GInetAddress) plain = NULL;
  g_autoptr (GInetAddress) masked = NULL;
  g_autofree char *text = NULL;
  guint8 bytes[16] = { 0 };
  gsize size;
  guint bits;

  if (!address)
    return g_strdup ("unknown");
  plain = unmapped (address);
  size = g_inet_address_get_native_size (plain);
  bits = MIN (size == 4 ? v4_bits : v6_bits, size * 8);
  memcpy (bytes, g_inet_address_to_bytes (plain), size);
  for (guint i = 0; i < size * 8; i++)
    if (i >= bits)
      bytes[i / 8] &= (guint8) ~(0x80u >> (i % 8));
  masked = g_inet_address_new_from_bytes (bytes,
                                          size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (masked);
  return g_strdup_printf ("%s/%u", text, bits);
}

static gboolean
is_trusted_proxy (ShServer *server, GInetAddress *address)
{
  for (char **p = server->config->trusted_proxies; p && *p; p++) {
    g_autoptr (GInetAddress) proxy = g_inet_address_new_from_string (*p);
    if (proxy && g_inet_address_equal (proxy, address))
      return TRUE;
  }
  return FALSE;
}

GInetAddress *
sh_request_client_address (ShServer *server, SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  GInetAddress *peer;
  const char *forwarded;
  const char *last;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return NULL;
  peer = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                             "X-Forwarded-For");
  /* Anyone can send the header: it counts only when our own proxy adds it,
   * and then only its last entry, which that proxy wrote. */
  if (forwarded && is_trusted_proxy (server, peer)) {
    g_autofree char *entry = NULL;
    GInetAddress *client;

    last = strrchr (forwarded, ',');
    entry = g_strstrip (g_strdup (last ? last + 1 : forwarded));
    client = g_inet_address_new_from_string (entry);
    if (client)
      return client;
  }
  return g_object_ref (peer);
}
