/* twcc-recorder.c — arrival times over a ring of SH_TWCC_RECORDER_WINDOW
 * entries indexed by the low bits of an extended (64-bit) sequence number.
 *
 * Pending statuses are the extended numbers [next, highest]; the invariant
 * highest - next < WINDOW keeps each of them owning its own ring entry. An
 * entry counts as received only when its tag equals the extended number
 * asked about, so numbers in a gap need no clearing: whatever stale tag
 * their entry holds belongs to another number. On a restart the extended
 * numbering jumps past every tag written before, which again needs no
 * clearing.
 *
 * Receive deltas are taken between absolute positions in 250 µs ticks
 * (floor of the arrival time), starting from the reference time in 64 ms
 * ticks (256 delta ticks each). The reconstructed time of every packet is
 * then its own arrival floored to a tick: rounding errors never add up over
 * a stream, whatever the packet spacing.
 * SPDX-License-Identifier: Apache-2.0 */
#include "twcc-recorder.h"

#include "rtcp.h"
#include "rtp.h"

#define WINDOW SH_TWCC_RECORDER_WINDOW
#define MASK (WINDOW - 1)
#define TICKS_PER_REFERENCE (SH_RTCP_TWCC_REFERENCE_US / SH_RTCP_TWCC_DELTA_US)
/* RTCP header, sender and media SSRC, then base seq, count, reference and
 * fb count. */
#define FEEDBACK_HEADER_LEN (12 + 8)
/* The smallest feedback: one chunk, at most one one-byte delta, padded. */
#define FEEDBACK_MIN_LEN 24
/* Where the numbering starts: above 0 by a window, so that no extended
 * number ever reached (the start can move back by less than a window before
 * the first write) equals the zero tag of a fresh entry. */
#define FIRST_EXT ((gint64) WINDOW)

G_STATIC_ASSERT ((WINDOW & MASK) == 0);
G_STATIC_ASSERT (TICKS_PER_REFERENCE == 256);
G_STATIC_ASSERT (SH_TWCC_RECORDER_MAX_STATUSES < WINDOW);

typedef struct {
  gint64 ext; /* the extended number whose arrival this is; anything else: not received */
  gint64 arrival_us;
} Entry;

struct _ShTwccRecorder {
  gboolean started;
  gboolean reported;   /* a feedback was written since the numbering (re)started */
  gint64 next;         /* first unreported extended number */
  gint64 highest;      /* highest extended number received */
  guint16 highest_seq; /* its wire value: extended numbers map to the wire from here */
  guint8 fb_count;
  ShTwccRecorderStats stats;

  Entry ring[WINDOW];
  /* Scratch for write(), here so that writing allocates nothing. */
  ShRtcpTwccPacket packets[SH_TWCC_RECORDER_MAX_STATUSES];
};

ShTwccRecorder *
sh_twcc_recorder_new (void)
{
  /* Zeroed: every tag is 0, which no extended number reaches. */
  return g_new0 (ShTwccRecorder, 1);
}

void
sh_twcc_recorder_free (ShTwccRecorder *r)
{
  g_free (r);
}

gint64
sh_twcc_recorder_pending (const ShTwccRecorder *r)
{
  if (!r->started || r->highest < r->next)
    return 0;
  return r->highest - r->next + 1;
}

void
sh_twcc_recorder_get_stats (const ShTwccRecorder *r, ShTwccRecorderStats *stats)
{
  *stats = r->stats;
}

/* Floor division (C's truncates towards zero): arrival times before the
 * clock's origin must not round up. */
static inline gint64
floor_div (gint64 a, gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static inline guint16
wire_seq (const ShTwccRecorder *r, gint64 ext)
{
  return (guint16) (r->highest_seq + (guint16) (ext - r->highest));
}

static inline void
store (ShTwccRecorder *r, gint64 ext, gint64 arrival_us)
{
  Entry *e = &r->ring[ext & MASK];

  e->ext = ext;
  e->arrival_us = arrival_us;
  r->stats.recorded++;
}

/* Starts a numbering at @seq. The extended numbers of the new one begin past
 * every tag written so far, so no entry of the old numbering can be taken
 * for a packet of the new one. Unreported statuses of the old one are lost:
 * they cannot be described in the same feedback as the new ones. */
static void
restart (ShTwccRecorder *r, guint16 seq, gint64 arrival_us)
{
  gint64 ext = r->started ? r->highest + WINDOW + 1 : FIRST_EXT;

  if (r->started) {
    r->stats.restarts++;
    r->stats.dropped += (guint64) sh_twcc_recorder_pending (r);
  }
  r->started = TRUE;
  r->reported = FALSE;
  r->next = ext;
  r->highest = ext;
  r->highest_seq = seq;
  store (r, ext, arrival_us);
}

void
sh_twcc_recorder_record (ShTwccRecorder *r, guint16 transport_seq, gint64 arrival_us)
{
  gint64 ext;
  gint16 step;

  if (!r->started) {
    restart (r, transport_seq, arrival_us);
    return;
  }
  /* Unwrap by the shortest signed distance from the highest number, so that
   * reordering across the 16-bit wrap moves backwards. */
  step = sh_rtp_seq_diff (transport_seq, r->highest_seq);
  if (step > SH_TWCC_RECORDER_RESET_JUMP || step <= -WINDOW) {
    restart (r, transport_seq, arrival_us);
    return;
  }
  ext = r->highest + step;

  if (ext > r->highest) {
    /* The numbers jumped over are pending as "not received" already: their
     * entries hold other tags. If the caller fell behind by a window, the
     * oldest unreported statuses make room. */
    if (ext - r->next >= WINDOW) {
      gint64 next = ext - WINDOW + 1;

      r->stats.dropped += (guint64) (next - r->next);
      r->next = next;
    }
    r->highest = ext;
    r->highest_seq = transport_seq;
    store (r, ext, arrival_us);
    return;
  }

  if (ext < r->next) {
    /* Before the first write of a numbering nothing was reported yet: a
     * packet reordered ahead of the very first one widens the range instead
     * of being lost. Afterwards its status was sent as not received. */
    if (r->reported || r->highest - ext >= WINDOW) {
      r->stats.late++;
      return;
    }
    r->next = ext;
    store (r, ext, arrival_us);
    return;
  }

  /* Reordered inside the pending range, or a duplicate. */
  if (r->ring[ext & MASK].ext == ext) {
    r->stats.duplicates++;
    return;
  }
  store (r, ext, arrival_us);
}

/* Sign-extends the reference time in 64 ms ticks from its 24 wire bits. */
static inline gint32
reference_24 (gint64 ticks)
{
  return (gint32) ((ticks & 0xffffff) ^ 0x800000) - 0x800000;
}

/* Bytes a feedback takes at most with @n statuses and @delta_bytes of
 * receive deltas: every status chunk but the last describes at least 7
 * packets (a 2-bit vector, the least dense form), then padding to 32 bits. */
static inline gsize
feedback_bound (guint n, gsize delta_bytes)
{
  gsize len = FEEDBACK_HEADER_LEN + 2 * (((gsize) n + 6) / 7) + delta_bytes;

  return (len + 3) & ~(gsize) 3;
}

int
sh_twcc_recorder_write (ShTwccRecorder *r, guint32 sender_ssrc, guint32 media_ssrc, guint8 *out,
                        gsize cap)
{
  gint64 pending = sh_twcc_recorder_pending (r), first, prev_ticks, reference;
  guint limit, n = 0;
  gsize delta_bytes = 0;
  ShRtcpTwcc twcc;
  int len;

  if (pending == 0)
    return 0;
  if (cap < FEEDBACK_MIN_LEN)
    return SH_RTCP_ERR_NO_SPACE;

  /* The reference time comes from the first received packet; the highest
   * number is always received, so the scan stops within the window. */
  first = r->next;
  while (r->ring[first & MASK].ext != first)
    first++;
  reference = floor_div (r->ring[first & MASK].arrival_us, SH_RTCP_TWCC_REFERENCE_US);
  prev_ticks = reference * TICKS_PER_REFERENCE;

  limit = (guint) MIN (pending, SH_TWCC_RECORDER_MAX_STATUSES);
  for (; n < limit; n++) {
    gint64 ext = r->next + n;
    const Entry *e = &r->ring[ext & MASK];
    ShRtcpTwccPacket *p = &r->packets[n];
    gint64 ticks = 0, delta = 0;
    guint bytes = 0;

    if (e->ext == ext) {
      ticks = floor_div (e->arrival_us, SH_RTCP_TWCC_DELTA_US);
      delta = ticks - prev_ticks;
      /* Beyond 16 bits: this packet starts the next feedback, whose own
       * reference time brings it within reach. Never the first received
       * one, whose delta is below 256 by the choice of reference. */
      if (delta < G_MININT16 || delta > G_MAXINT16)
        break;
      bytes = (delta >= 0 && delta <= 255) ? 1 : 2;
    }
    if (feedback_bound (n + 1, delta_bytes + bytes) > cap)
      break;
    p->seq = wire_seq (r, ext);
    p->received = bytes > 0;
    p->delta = (gint32) delta;
    if (bytes > 0) {
      prev_ticks = ticks;
      delta_bytes += bytes;
    }
  }
  if (n == 0)
    return SH_RTCP_ERR_NO_SPACE;

  twcc.base_seq = wire_seq (r, r->next);
  twcc.status_count = (guint16) n;
  twcc.reference_time = reference_24 (reference);
  twcc.fb_count = r->fb_count;
  /* The bound is conservative, so this fits; should the encoder ever need
   * more, a shorter prefix (same reference, same deltas) is tried. */
  for (;;) {
    len = sh_rtcp_write_twcc (out, cap, sender_ssrc, media_ssrc, &twcc, r->packets, n);
    if (len != SH_RTCP_ERR_NO_SPACE || n == 1)
      break;
    n /= 2;
    twcc.status_count = (guint16) n;
  }
  if (len < 0)
    return len;

  r->next += n;
  r->reported = TRUE;
  r->fb_count++;
  r->stats.statuses += n;
  r->stats.feedbacks++;
  return len;
}
