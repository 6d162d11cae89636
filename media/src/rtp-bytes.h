/* rtp-bytes.h — big-endian loads and stores shared by the RTP and RTCP
 * parsers. Private to rtp*.c and rtcp*.c; callers check bounds first.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

static inline guint16
sh_be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
sh_be24 (const guint8 *p)
{
  return ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}

static inline guint32
sh_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline void
sh_put16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) (v >> 8);
  p[1] = (guint8) v;
}

static inline void
sh_put24 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 16);
  p[1] = (guint8) (v >> 8);
  p[2] = (guint8) v;
}

static inline void
sh_put32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

/* Writes an RTCP common header for a packet of @total_len bytes (a multiple
 * of 4, at least 4). */
static inline void
sh_rtcp_put_header (guint8 *p, guint8 count, guint8 type, gsize total_len)
{
  p[0] = (guint8) (0x80 | (count & 0x1f));
  p[1] = type;
  sh_put16 (p + 2, (guint16) (total_len / 4 - 1));
}
