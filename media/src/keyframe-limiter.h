/* keyframe-limiter.h — keyframe requests towards one publisher stream,
 * rate-limited.
 *
 * Many things want a keyframe from the same publisher at once: a PLI or FIR
 * from each subscriber, a subscriber that joins, a source switch in a
 * rewriter. The publisher needs one request, not a hundred: encoding a
 * keyframe costs it several times the bitrate of a normal frame. So at most
 * one request goes out per interval (default 500 ms). A request that arrives
 * inside the interval is remembered and goes out when the interval ends, so
 * none is lost; a keyframe that arrives in the meantime answers it, and then
 * nothing goes out.
 *
 * FIR carries a command sequence number (RFC 5104 section 4.3.1): it
 * increments for each new request and stays the same when a request that no
 * keyframe has answered yet is repeated.
 *
 * The limiter decides; sh_keyframe_limiter_take() writes the PLI or FIR with
 * the rtcp.h writers into the caller's buffer. Time is passed in (any
 * monotonic clock, in microseconds): nothing here reads a clock. One limiter
 * per published stream, embedded by its owner, used by one thread.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SH_KEYFRAME_LIMITER_DEFAULT_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  gint64 interval_us;
  gboolean wanted; /* a request waits to be sent */
  gboolean sent;   /* some request has been sent (last_sent_us is valid) */
  gint64 last_sent_us;
  gboolean unanswered;     /* the last request sent has seen no keyframe yet */
  guint8 fir_seq;          /* of the last FIR sent */
  gboolean fir_sent;       /* some FIR has been sent (fir_seq is valid) */
  gint64 last_keyframe_us; /* G_MININT64 before the first keyframe */
  guint64 n_requests;      /* requests received */
  guint64 n_sent;          /* requests sent */
} ShKeyframeLimiter;

/* @interval_us <= 0 takes the default. */
void sh_keyframe_limiter_init (ShKeyframeLimiter *l, gint64 interval_us);

/* Someone wants a keyframe. */
void sh_keyframe_limiter_request (ShKeyframeLimiter *l, gint64 now_us);

/* A keyframe of the stream arrived: it answers every request made so far. */
void sh_keyframe_limiter_keyframe_arrived (ShKeyframeLimiter *l, gint64 now_us);

/* TRUE when a request should be sent now. */
gboolean sh_keyframe_limiter_due (const ShKeyframeLimiter *l, gint64 now_us);

/* When the waiting request becomes due (possibly already past): the time to
 * arm a timer for. -1 when no request waits. */
gint64 sh_keyframe_limiter_next_due_us (const ShKeyframeLimiter *l);

/* When a request is due, writes it into @out (@cap bytes): a FIR with
 * @use_fir, else a PLI, from @sender_ssrc about @media_ssrc. Returns the
 * number of bytes written and counts the request as sent; 0 when none is
 * due; a negative ShRtcpError when @out is too small (the request stays
 * due). */
int sh_keyframe_limiter_take (ShKeyframeLimiter *l, gint64 now_us, gboolean use_fir,
                              guint32 sender_ssrc, guint32 media_ssrc, guint8 *out, gsize cap);

G_END_DECLS
