/* Lip sync of one publisher's tracks. Each track's file is timed by its
 * jitter buffer on arrival: a sample plays at its capture time plus the
 * track's least transit (the buffer follows the least delay it sees).
 * Audio and video of one browser share one capture clock, which their
 * sender reports map every RTP timestamp to; their least transits differ
 * by the pacing and packetization of video. Delaying each track by the
 * slowest track's least transit minus its own puts all of them on
 * capture time plus one common delay. Between publishers only arrival
 * relates the clocks, which is what the files already use.
 * SPDX-License-Identifier: Apache-2.0 */
#include "lipsync.h"

void
sh_lipsync_init (ShLipsync *sync, guint clock_rate)
{
  g_return_if_fail (sync != NULL);
  *sync = (ShLipsync){ .clock_rate = clock_rate };
}

void
sh_lipsync_report (ShLipsync *sync, guint64 ntp, guint32 rtp_timestamp)
{
  g_return_if_fail (sync != NULL);
  sync->have_report = TRUE;
  sync->report_ntp_us
      = (gint64) (ntp >> 32) * G_USEC_PER_SEC
        + (gint64) (((ntp & G_GUINT64_CONSTANT (0xffffffff)) * G_USEC_PER_SEC) >> 32);
  sync->report_rtp = rtp_timestamp;
}

void
sh_lipsync_packet (ShLipsync *sync, guint32 rtp_timestamp, gint64 arrival_us)
{
  gint64 capture_us, transit;

  g_return_if_fail (sync != NULL);
  if (!sync->have_report || sync->clock_rate == 0)
    return;
  /* A signed difference: packets a little before the report count too,
   * and the 32-bit timestamp may wrap between them. */
  capture_us = sync->report_ntp_us
               + (gint64) (gint32) (rtp_timestamp - sync->report_rtp) * G_USEC_PER_SEC
                     / (gint64) sync->clock_rate;
  transit = arrival_us - capture_us;
  if (!sync->have_transit || transit < sync->min_transit_us) {
    sync->have_transit = TRUE;
    sync->min_transit_us = transit;
  }
}

gint64
sh_lipsync_correction_ns (const ShLipsync *sync, const ShLipsync *const *others, guint n_others)
{
  gint64 slowest;

  g_return_val_if_fail (sync != NULL, 0);
  if (!sync->have_transit)
    return 0;
  slowest = sync->min_transit_us;
  for (guint i = 0; i < n_others; i++)
    if (others[i] != NULL && others[i]->have_transit && others[i]->min_transit_us > slowest)
      slowest = others[i]->min_transit_us;
  return (slowest - sync->min_transit_us) * 1000;
}
