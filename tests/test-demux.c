/* Tests for the RFC 7983 / RFC 5761 packet classifier: every range boundary
 * of the first byte, and every value of the RTP/RTCP second byte.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demux.h"

typedef struct {
  guint8 first;
  ShDemuxKind kind;
} FirstByteCase;

/* Each range's first and last value and the values just outside it. The
 * second byte is 96 (a dynamic RTP payload type) so 128-191 read as RTP. */
static const FirstByteCase first_byte_cases[] = {
  { 0, SH_DEMUX_STUN },          { 1, SH_DEMUX_STUN },
  { 3, SH_DEMUX_STUN },          { 4, SH_DEMUX_UNKNOWN },
  { 15, SH_DEMUX_UNKNOWN },      { 16, SH_DEMUX_UNKNOWN }, /* ZRTP: not supported */
  { 19, SH_DEMUX_UNKNOWN },      { 20, SH_DEMUX_DTLS },
  { 22, SH_DEMUX_DTLS }, /* handshake */
  { 63, SH_DEMUX_DTLS },         { 64, SH_DEMUX_TURN_CHANNEL },
  { 79, SH_DEMUX_TURN_CHANNEL }, { 80, SH_DEMUX_UNKNOWN },
  { 127, SH_DEMUX_UNKNOWN },     { 128, SH_DEMUX_RTP },
  { 144, SH_DEMUX_RTP }, /* version 2 with the extension bit */
  { 191, SH_DEMUX_RTP },         { 192, SH_DEMUX_UNKNOWN },
  { 255, SH_DEMUX_UNKNOWN },
};

static void
test_first_byte_boundaries (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (first_byte_cases); i++) {
    guint8 pkt[2] = { first_byte_cases[i].first, 96 };
    g_test_message ("first byte %u", pkt[0]);
    g_assert_cmpint (sh_demux_classify (pkt, sizeof pkt), ==, first_byte_cases[i].kind);
  }
}

/* The whole byte range, checked against the ranges written out a second way
 * so that a gap between the boundary cases cannot hide. */
static void
test_every_first_byte (void)
{
  for (guint b = 0; b < 256; b++) {
    guint8 pkt[2] = { (guint8) b, 0 };
    ShDemuxKind expected = SH_DEMUX_UNKNOWN;
    if (b < 4)
      expected = SH_DEMUX_STUN;
    else if (b >= 20 && b < 64)
      expected = SH_DEMUX_DTLS;
    else if (b >= 64 && b < 80)
      expected = SH_DEMUX_TURN_CHANNEL;
    else if (b >= 128 && b < 192)
      expected = SH_DEMUX_RTP; /* second byte 0: payload type 0 (PCMU) */
    g_assert_cmpint (sh_demux_classify (pkt, sizeof pkt), ==, expected);
  }
}

static void
test_rtcp_packet_types (void)
{
  /* Second byte as sent: RTCP types 192-223 are RTCP; so are 64-95, which is
   * the same payload type with the marker bit clear (RFC 5761 section 4). */
  static const struct {
    guint8 second;
    ShDemuxKind kind;
  } cases[] = {
    { 0, SH_DEMUX_RTP },    { 63, SH_DEMUX_RTP },   { 64, SH_DEMUX_RTCP },  { 95, SH_DEMUX_RTCP },
    { 96, SH_DEMUX_RTP },   { 111, SH_DEMUX_RTP },  { 127, SH_DEMUX_RTP },  { 128, SH_DEMUX_RTP },
    { 191, SH_DEMUX_RTP },  { 192, SH_DEMUX_RTCP }, { 200, SH_DEMUX_RTCP }, { 201, SH_DEMUX_RTCP },
    { 205, SH_DEMUX_RTCP }, { 206, SH_DEMUX_RTCP }, { 223, SH_DEMUX_RTCP }, { 224, SH_DEMUX_RTP },
    { 255, SH_DEMUX_RTP },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint8 pkt[8] = { 0x80, cases[i].second, 0, 1, 0, 0, 0, 0 };
    g_test_message ("second byte %u", pkt[1]);
    g_assert_cmpint (sh_demux_classify (pkt, sizeof pkt), ==, cases[i].kind);
    pkt[0] = 0xbf; /* the last first byte of the range behaves the same */
    g_assert_cmpint (sh_demux_classify (pkt, sizeof pkt), ==, cases[i].kind);
  }
  for (guint s = 0; s < 256; s++) {
    guint8 pkt[2] = { 0x81, (guint8) s };
    gboolean rtcp = (s & 0x7f) >= 64 && (s & 0x7f) <= 95;
    g_assert_cmpint (sh_demux_classify (pkt, sizeof pkt), ==, rtcp ? SH_DEMUX_RTCP : SH_DEMUX_RTP);
  }
}

static void
test_short_datagrams (void)
{
  guint8 one[1] = { 0x80 };
  g_assert_cmpint (sh_demux_classify (NULL, 0), ==, SH_DEMUX_UNKNOWN);
  g_assert_cmpint (sh_demux_classify (one, 0), ==, SH_DEMUX_UNKNOWN);
  /* RTP or RTCP cannot be told apart from one byte. */
  g_assert_cmpint (sh_demux_classify (one, 1), ==, SH_DEMUX_UNKNOWN);
  /* The other kinds need only the first byte. */
  one[0] = 0;
  g_assert_cmpint (sh_demux_classify (one, 1), ==, SH_DEMUX_STUN);
  one[0] = 22;
  g_assert_cmpint (sh_demux_classify (one, 1), ==, SH_DEMUX_DTLS);
  one[0] = 64;
  g_assert_cmpint (sh_demux_classify (one, 1), ==, SH_DEMUX_TURN_CHANNEL);
}

static void
test_names (void)
{
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_STUN), ==, "stun");
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_DTLS), ==, "dtls");
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_TURN_CHANNEL), ==, "turn-channel");
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_RTP), ==, "rtp");
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_RTCP), ==, "rtcp");
  g_assert_cmpstr (sh_demux_kind_name (SH_DEMUX_UNKNOWN), ==, "unknown");
  g_assert_cmpstr (sh_demux_kind_name ((ShDemuxKind) 99), ==, "unknown");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demux/first-byte-boundaries", test_first_byte_boundaries);
  g_test_add_func ("/demux/every-first-byte", test_every_first_byte);
  g_test_add_func ("/demux/rtcp-packet-types", test_rtcp_packet_types);
  g_test_add_func ("/demux/short-datagrams", test_short_datagrams);
  g_test_add_func ("/demux/names", test_names);
  return g_test_run ();
}
