/* Where a track's time 0 falls on the recording's clock, with a
 * publisher's audio and video lined up by their RTCP sender reports
 * (private to the recorder module; the method is in docs/recording.md).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint clock_rate;
  gboolean have_report;
  gint64 report_ntp_us; /* the last sender report: NTP time in µs ... */
  guint32 report_rtp;   /* ... and the same instant on the media clock */
  gboolean have_transit;
  gint64 min_transit_us; /* least arrival − capture (publisher's NTP) seen */
} ShLipsync;

void sh_lipsync_init (ShLipsync *sync, guint clock_rate);
/* A sender report: @ntp in NTP format (RFC 3550). */
void sh_lipsync_report (ShLipsync *sync, guint64 ntp, guint32 rtp_timestamp);
/* A packet with @rtp_timestamp arrived at @arrival_us (monotonic). */
void sh_lipsync_packet (ShLipsync *sync, guint32 rtp_timestamp, gint64 arrival_us);

/* The delay to add to the track of @sync so that it lines up with the
 * publisher's other tracks @others (those without a transit estimate are
 * ignored): the slowest track's least transit minus this track's. 0 until
 * both are known. In ns, >= 0. */
gint64 sh_lipsync_correction_ns (const ShLipsync *sync, const ShLipsync *const *others,
                                 guint n_others);

G_END_DECLS
