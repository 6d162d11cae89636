/* What the two halves of the packet-path bench share (sfu-fixture.c: the
 * subscriber and the connections; sfu-fixture-publisher.c: the publisher).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sfu-fixture.h"

/* Room in a feedback packet for the transport-wide and NACK reports. */
#define FEEDBACK_CAP (SH_PEER_PACKET_CAPACITY - SH_PEER_TRAILER_ROOM)

static inline gboolean
sfu_bit (const guint8 *map, guint16 n)
{
  return (map[n / 8] >> (n % 8)) & 1;
}

static inline void
sfu_set_bit (guint8 *map, guint16 n)
{
  map[n / 8] |= (guint8) (1u << (n % 8));
}

static inline guint32
sfu_get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The RTP timestamp of the publisher's source clock at @real_us. */
guint32 sfu_source_ts (const SfuPublisher *p, guint32 ts0, guint rate, gint64 real_us);

/* The publisher's timers (on worker 0, every few ms and every second) and its
 * RTCP handler (ShPeer's rtcp callback). */
gboolean sfu_publisher_pace (gpointer data);
gboolean sfu_publisher_reports (gpointer data);
void sfu_publisher_rtcp (ShPeer *peer, guint8 *buf, gsize len, gpointer data);
