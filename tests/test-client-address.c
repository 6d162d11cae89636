/* Tests for the network around a client's address (client-address.c).
 * SPDX-License-Identifier: Apache-2.0 */
#include "http-private.h"

static char *
network_of (const char *address, guint v4_bits, guint v6_bits)
{
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (address);

  g_assert_nonnull (a);
  return sh_client_network (a, v4_bits, v6_bits);
}

static void
test_networks (void)
{
  static const struct {
    const char *address;
    guint v4_bits, v6_bits;
    const char *expected;
  } cases[] = {
    { "203.0.113.77", 24, 56, "203.0.113.0/24" },
    { "203.0.113.77", 32, 128, "203.0.113.77/32" },
    { "203.0.113.77", 0, 0, "0.0.0.0/0" },
    { "198.51.100.200", 20, 56, "198.51.96.0/20" },
    /* An IPv4-mapped IPv6 address counts as the IPv4 one. */
    { "::ffff:203.0.113.77", 24, 56, "203.0.113.0/24" },
    { "2001:db8:1234:5678:9abc::1", 24, 56, "2001:db8:1234:5600::/56" },
    { "2001:db8:1234:5678:9abc::1", 24, 128, "2001:db8:1234:5678:9abc::1/128" },
    /* More bits than the address has: the whole address. */
    { "203.0.113.77", 40, 200, "203.0.113.77/32" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *got = network_of (cases[i].address, cases[i].v4_bits, cases[i].v6_bits);
    g_assert_cmpstr (got, ==, cases[i].expected);
  }
}

static void
test_unknown (void)
{
  g_autofree char *got = sh_client_network (NULL, 24, 56);

  g_assert_cmpstr (got, ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-address/networks", test_networks);
  g_test_add_func ("/client-address/unknown", test_unknown);
  return g_test_run ();
}
