/* Lip sync of one publisher's tracks. A browser stamps audio and video
 * on one capture clock, which its sender reports map every RTP timestamp
 * to. Timing a recorded track by arrival (the jitter buffer's own clock)
 * lets each track follow its own network and encoder delay: under load a
 * camera's frames arrive a few hundred ms later than its microphone's
 * samples of the same instant, and the files keep that skew. So each
 * packet is timed by its capture time instead, counted from the track's
 * first packet, which is placed at its arrival; the track then puts every
 * capture instant at one constant distance (its transit) on our clock,
 * and delaying each track by the largest transit of its publisher minus
 * its own lines them all up. Between publishers only arrival relates the
 * clocks, which is what the first packets give.
 * SPDX-License-Identifier: Apache-2.0 */
#include "lipsync.h"

void
sh_lipsync_init (ShLipsync *sync, guint clock_rate)
{
  g_return_if_fail (sync != NULL);
  *sync = (ShLipsync){ .clock_rate = clock_rate };
}

/* The capture time of @rtp on the publisher's NTP clock, from the last
 * report: a signed difference, so packets a little before the report count
 * too, and the 32-bit timestamp may wrap between them. */
static gint64
capture_ns (const ShLipsync *sync, guint32 rtp)
{
  return sync->report_ntp_ns
         + (gint64) (gint32) (rtp - sync->report_rtp) * G_GINT64_CONSTANT (1000000000)
               / (gint64) sync->clock_rate;
}

void
sh_lipsync_report (ShLipsync *sync, guint32 ssrc, guint64 ntp, guint32 rtp_timestamp)
{
  g_return_if_fail (sync != NULL);
  /* A report of an SSRC the track has left (or not reached yet) maps
   * another media clock. */
  if (sync->have_anchor && ssrc != sync->ssrc)
    return;
  sync->have_report = TRUE;
  sync->report_ssrc = ssrc;
  sync->report_ntp_ns = (gint64) (ntp >> 32) * G_GINT64_CONSTANT (1000000000)
                        + (gint64) (((ntp & G_GUINT64_CONSTANT (0xffffffff)) * 1000000000u) >> 32);
  sync->report_rtp = rtp_timestamp;
  /* The first report fixes the track's transit: the anchor was placed at
   * its arrival. A later one is the truth a held correction stood in for. */
  if (sync->have_anchor && !sync->have_transit) {
    sync->have_transit = TRUE;
    sync->transit_ns = sync->anchor_ns
                       + sync->ticks * G_GINT64_CONSTANT (1000000000) / (gint64) sync->clock_rate
                       - capture_ns (sync, sync->last_rtp);
  }
  sync->hold_ns = 0;
}

gint64
sh_lipsync_place (ShLipsync *sync, guint32 ssrc, guint32 rtp_timestamp, gint64 arrival_ns)
{
  gint64 at;

  g_return_val_if_fail (sync != NULL && sync->clock_rate > 0, arrival_ns);
  if (!sync->have_anchor || ssrc != sync->ssrc) {
    /* A new media clock: until its own report, its RTP timestamps count
     * from its first packet's arrival. */
    if (sync->report_ssrc != ssrc)
      sync->have_report = FALSE;
    sync->have_anchor = TRUE;
    sync->ssrc = ssrc;
    sync->last_rtp = rtp_timestamp;
    sync->ticks = 0;
    sync->anchor_ns = MAX (arrival_ns, sync->last_ns);
    sync->hold_ns = 0;
    if (sync->have_report && !sync->have_transit) {
      sync->have_transit = TRUE;
      sync->transit_ns = sync->anchor_ns - capture_ns (sync, rtp_timestamp);
    }
  } else {
    sync->ticks += (gint32) (rtp_timestamp - sync->last_rtp);
    sync->last_rtp = rtp_timestamp;
  }
  if (sync->have_report && sync->have_transit)
    at = capture_ns (sync, rtp_timestamp) + sync->transit_ns + sync->hold_ns;
  else
    at = sync->anchor_ns + sync->ticks * G_GINT64_CONSTANT (1000000000) / (gint64) sync->clock_rate;
  if (ABS (at - arrival_ns) > SH_LIPSYNC_JUMP_NS) {
    /* The capture clock jumped (a stalled capture, a timestamp jump): from
     * here on it counts from this packet's arrival, until the next report
     * tells the truth. */
    if (sync->have_report && sync->have_transit)
      sync->hold_ns += arrival_ns - at;
    else {
      sync->anchor_ns = arrival_ns;
      sync->ticks = 0;
    }
    at = arrival_ns;
  }
  at = MAX (at, sync->last_ns);
  sync->last_ns = at;
  return at;
}

gboolean
sh_lipsync_transit_ns (const ShLipsync *sync, gint64 *transit_ns)
{
  g_return_val_if_fail (sync != NULL && transit_ns != NULL, FALSE);
  if (!sync->have_transit)
    return FALSE;
  *transit_ns = sync->transit_ns;
  return TRUE;
}

gint64
sh_lipsync_correction_ns (gboolean have, gint64 transit_ns, const gint64 *others, guint n_others)
{
  gint64 slowest = transit_ns;

  if (!have)
    return 0;
  for (guint i = 0; i < n_others; i++)
    slowest = MAX (slowest, others[i]);
  return slowest - transit_ns;
}
