/* Rate-limited keyframe requests: at most one per interval, none lost, none
 * after the keyframe came.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "keyframe-limiter.h"
#include "rtcp.h"

void
sh_keyframe_limiter_init (ShKeyframeLimiter *l, gint64 interval_us)
{
  memset (l, 0, sizeof *l);
  l->interval_us = interval_us > 0 ? interval_us : SH_KEYFRAME_LIMITER_DEFAULT_INTERVAL_US;
  l->last_keyframe_us = G_MININT64;
}

void
sh_keyframe_limiter_request (ShKeyframeLimiter *l, gint64 now_us)
{
  l->wanted = TRUE;
  l->n_requests++;
}

void
sh_keyframe_limiter_keyframe_arrived (ShKeyframeLimiter *l, gint64 now_us)
{
  l->wanted = FALSE;
  l->unanswered = FALSE;
  l->last_keyframe_us = now_us;
}

gint64
sh_keyframe_limiter_next_due_us (const ShKeyframeLimiter *l)
{
  if (!l->wanted)
    return -1;
  if (!l->sent)
    return 0;
  /* Saturate: a far-future last_sent_us must not wrap to the past. */
  if (l->last_sent_us > G_MAXINT64 - l->interval_us)
    return G_MAXINT64;
  return l->last_sent_us + l->interval_us;
}

gboolean
sh_keyframe_limiter_due (const ShKeyframeLimiter *l, gint64 now_us)
{
  return l->wanted && now_us >= sh_keyframe_limiter_next_due_us (l);
}

int
sh_keyframe_limiter_take (ShKeyframeLimiter *l, gint64 now_us, gboolean use_fir,
                          guint32 sender_ssrc, guint32 media_ssrc, guint8 *out, gsize cap)
{
  int written;

  if (!sh_keyframe_limiter_due (l, now_us))
    return 0;
  if (use_fir) {
    ShRtcpFirEntry entry = { .ssrc = media_ssrc, .seq = l->fir_seq };

    /* A repetition of a request no keyframe has answered keeps its number
     * (RFC 5104 section 4.3.1.2); a new one takes the next. */
    if (l->fir_sent && !l->unanswered)
      entry.seq = (guint8) (l->fir_seq + 1);
    written = sh_rtcp_write_fir (out, cap, sender_ssrc, &entry, 1);
    if (written > 0) {
      l->fir_seq = entry.seq;
      l->fir_sent = TRUE;
    }
  } else {
    written = sh_rtcp_write_pli (out, cap, sender_ssrc, media_ssrc);
  }
  if (written <= 0)
    return written < 0 ? written : SH_RTCP_ERR_NO_SPACE;

  l->wanted = FALSE;
  l->sent = TRUE;
  l->last_sent_us = now_us;
  l->unanswered = TRUE;
  l->n_sent++;
  return written;
}
