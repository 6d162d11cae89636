/* Trickled ICE candidates as browsers write them, rewritten for libnice or
 * refused with a reason.  SPDX-License-Identifier: Apache-2.0 */
#include "ice-private.h"

static void
test_rewrites (void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
    /* Chromium: lower-case udp, extension attributes, no a= */
    { "candidate:2478114124 1 udp 2122260223 192.0.2.10 54400 typ host generation 0 ufrag HCmE "
      "network-id 1",
      "a=candidate:2478114124 1 UDP 2122260223 192.0.2.10 54400 typ host" },
    /* Firefox: a= prefix and raddr/rport on a server-reflexive candidate */
    { "a=candidate:1 1 UDP 1686052607 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 40000",
      "a=candidate:1 1 UDP 1686052607 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 40000" },
    /* raddr hidden as a name is dropped */
    { "candidate:3 1 udp 1686052607 198.51.100.7 40000 typ srflx raddr x.local rport 9",
      "a=candidate:3 1 UDP 1686052607 198.51.100.7 40000 typ srflx" },
    { "  candidate:4 1 udp 100 ::1 5000 typ host  ", "a=candidate:4 1 UDP 100 ::1 5000 typ host" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *canonical = NULL;
    const char *skip = NULL;

    g_assert_true (sh_ice_canonicalize_candidate (cases[i].in, &canonical, &skip, &error));
    g_assert_no_error (error);
    g_assert_null (skip);
    g_assert_cmpstr (canonical, ==, cases[i].out);
  }
}

static void
test_skips (void)
{
  static const char *const cases[] = {
    "candidate:1 1 udp 2113937151 6a20ec97-63c2-48f9-a300-9827c2c2771a.local 51546 typ host",
    "candidate:2 1 tcp 1518285567 192.0.2.10 9 typ host tcptype active",
    "candidate:3 2 udp 2122260222 192.0.2.10 54401 typ host",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *canonical = NULL;
    const char *skip = NULL;

    g_assert_true (sh_ice_canonicalize_candidate (cases[i], &canonical, &skip, &error));
    g_assert_null (canonical);
    g_assert_nonnull (skip);
    g_test_message ("%s: %s", cases[i], skip);
  }
}

static void
test_refusals (void)
{
  static const char *const cases[] = {
    "",
    "candidate",
    "foo:1 1 udp 1 192.0.2.1 1 typ host",
    "candidate:1 1 udp 1 192.0.2.1 1 typ",
    "candidate:! 1 udp 1 192.0.2.1 1 typ host",
    "candidate:1 0 udp 1 192.0.2.1 1 typ host",
    "candidate:1 1 udp 0 192.0.2.1 1 typ host",
    "candidate:1 1 udp 1 192.0.2.1 70000 typ host",
    "candidate:1 1 udp 1 192.0.2.1 0 typ host",
    "candidate:1 1 udp 1 192.0.2.1 1 type host",
    "candidate:1 1 udp 1 192.0.2.1 1 typ nonsense",
    "candidate:1 1 sctp 1 192.0.2.1 1 typ host",
    "candidate:1 1 udp 1 not-an-address 1 typ host",
    "candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 192.0.2.2 rport 99999",
    /* A bad rport on a candidate that would otherwise be skipped (found by
     * tests/fuzz/fuzz-ice-candidate.c): refused, with no skip reason. */
    "candidate:1 2 udp 1 192.0.2.1 1 typ relay raddr 192.0.2.2 rport 5340=/",
    "candidate:1 1 tcp 1 192.0.2.1 9 typ host raddr 192.0.2.2 rport x",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree char *canonical = NULL;
    const char *skip = NULL;

    g_assert_false (sh_ice_canonicalize_candidate (cases[i], &canonical, &skip, &error));
    g_assert_error (error, SH_ICE_ERROR, SH_ICE_ERROR_CANDIDATE);
    g_assert_null (canonical);
    g_assert_null (skip);
    g_test_message ("%s: %s", cases[i], error->message);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ice-candidate/rewrites", test_rewrites);
  g_test_add_func ("/ice-candidate/skips", test_skips);
  g_test_add_func ("/ice-candidate/refusals", test_refusals);
  return g_test_run ();
}
