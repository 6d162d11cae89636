/* A track's packets timed on its publisher's capture clock, and the delay
 * that lines up one publisher's tracks (private to the recorder module;
 * the method is in docs/recording.md, "Lip sync").
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint clock_rate;
  /* The last sender report of the current SSRC. */
  gboolean have_report;
  guint32 report_ssrc;
  gint64 report_ntp_ns; /* the publisher's NTP time in ns ... */
  guint32 report_rtp;   /* ... and the same instant on the media clock */
  /* The anchor: a packet placed at its arrival (the first one, the first
   * of a new SSRC, or one after a jump), the RTP timestamps counting from
   * it until there is a report. */
  gboolean have_anchor;
  guint32 ssrc;
  guint32 last_rtp;
  gint64 ticks; /* media clock ticks since the anchor, unwrapped */
  gint64 anchor_ns;
  /* Once a report is known: our time − the publisher's NTP time, fixed
   * for the whole track, and a correction held until the next report when
   * the capture clock jumped (a stalled capture). */
  gboolean have_transit;
  gint64 transit_ns;
  gint64 hold_ns;
  gint64 last_ns;
} ShLipsync;

/* Beyond this distance from its arrival a packet's capture-clock time is
 * not believed (a new SSRC's or a stalled capture's timestamps until its
 * next report): it is placed at its arrival. */
#define SH_LIPSYNC_JUMP_NS (G_GINT64_CONSTANT (1000000000))

void sh_lipsync_init (ShLipsync *sync, guint clock_rate);
/* A sender report of @ssrc: @ntp in NTP format (RFC 3550). */
void sh_lipsync_report (ShLipsync *sync, guint32 ssrc, guint64 ntp, guint32 rtp_timestamp);
/* The time (ns on our clock) at which the packet with @rtp_timestamp of
 * @ssrc is recorded, given @arrival_ns, the time the jitter buffer gives it
 * (arrival, smoothed). The first packet is placed at its arrival, later
 * ones by the RTP timestamps until the first report; from then on every
 * packet at its capture time plus the track's transit. Never earlier than
 * the packet before. */
gint64 sh_lipsync_place (ShLipsync *sync, guint32 ssrc, guint32 rtp_timestamp, gint64 arrival_ns);
/* Where the track puts capture time: our time − the publisher's NTP time,
 * the same for the whole track. FALSE until a sender report. */
gboolean sh_lipsync_transit_ns (const ShLipsync *sync, gint64 *transit_ns);

/* The delay to add to a track whose transit is @transit_ns so that it
 * lines up with the publisher's other tracks (@others, their transits):
 * the largest transit minus this one. 0 when @have is FALSE. In ns, >= 0. */
gint64 sh_lipsync_correction_ns (gboolean have, gint64 transit_ns, const gint64 *others,
                                 guint n_others);

G_END_DECLS
