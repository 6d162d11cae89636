/* demux.h — tells apart the packets that share one ICE component (BUNDLE
 * and rtcp-mux) by their first byte, as RFC 7983 lays out, and RTCP from RTP
 * by packet type (RFC 5761 section 4).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_DEMUX_UNKNOWN = 0,  /* anything else, including ZRTP (16-19): drop it */
  SH_DEMUX_STUN,         /* first byte 0-3 */
  SH_DEMUX_DTLS,         /* first byte 20-63 */
  SH_DEMUX_TURN_CHANNEL, /* first byte 64-79 */
  SH_DEMUX_RTP,          /* first byte 128-191, packet type not 192-223 */
  SH_DEMUX_RTCP,         /* first byte 128-191, packet type 192-223 */
} ShDemuxKind;

/* Classifies one datagram of @len bytes at @data (borrowed). Pure and
 * branch-light: it runs for every packet received. Only the first two bytes
 * are read; validating the rest is the job of the parser the packet goes to.
 * An empty datagram, or an RTP/RTCP one shorter than two bytes, is UNKNOWN. */
static inline ShDemuxKind
sh_demux_classify (const guint8 *data, gsize len)
{
  if (len == 0)
    return SH_DEMUX_UNKNOWN;

  guint8 b = data[0];
  if (b <= 3)
    return SH_DEMUX_STUN;
  if (b >= 20 && b <= 63)
    return SH_DEMUX_DTLS;
  if (b >= 64 && b <= 79)
    return SH_DEMUX_TURN_CHANNEL;
  if (b >= 128 && b <= 191) {
    if (len < 2)
      return SH_DEMUX_UNKNOWN;
    /* RFC 5761: with the marker bit masked off, RTCP packet types 192-223
     * fall on RTP payload types 64-95, which RTP over rtcp-mux must not use. */
    guint8 pt = data[1] & 0x7f;
    if (pt >= 64 && pt <= 95)
      return SH_DEMUX_RTCP;
    return SH_DEMUX_RTP;
  }
  return SH_DEMUX_UNKNOWN;
}

/* A short lower-case name for logs and metrics labels. Returns: (transfer none)
 * a static string. */
const char *sh_demux_kind_name (ShDemuxKind kind);

G_END_DECLS
