/* demux.c — names for the packet kinds that demux.h classifies. The
 * classifier itself is inline in the header because it runs per packet.
 * SPDX-License-Identifier: Apache-2.0 */
#include "demux.h"

const char *
sh_demux_kind_name (ShDemuxKind kind)
{
  switch (kind) {
    case SH_DEMUX_STUN:
      return "stun";
    case SH_DEMUX_DTLS:
      return "dtls";
    case SH_DEMUX_TURN_CHANNEL:
      return "turn-channel";
    case SH_DEMUX_RTP:
      return "rtp";
    case SH_DEMUX_RTCP:
      return "rtcp";
    case SH_DEMUX_UNKNOWN:
    default:
      return "unknown";
  }
}
