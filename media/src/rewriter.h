/* rewriter.h — the outgoing-stream rewriter of a subscriber's down track.
 *
 * The SFU forwards packets of a SOURCE stream (a publisher's SSRC with its
 * own sequence numbers and timestamps) to a subscriber under the down track's
 * own fixed SSRC, sequence space and timestamp space. The source can change
 * (the publisher re-publishes, another participant takes the slot, a
 * simulcast layer switch): the subscriber must still see one continuous
 * stream, or its jitter buffer stalls or throws frames away.
 *
 * A SEGMENT is the stretch of output that comes from one source. Inside a
 * segment, sequence numbers and timestamps are mapped by fixed offsets, so
 * reordered and retransmitted packets keep their place. A new segment starts
 * with the first usable packet of the next source (its first keyframe, for
 * video when asked): its sequence number follows the last one sent, its
 * timestamp follows the last one sent plus the wall-clock time elapsed since,
 * and VP8 picture ids and TL0PICIDX continue by one.
 *
 * Padding-only packets (bandwidth probes) can be dropped without leaving a
 * hole in the output sequence: the next packet takes the dropped one's number.
 *
 * One ShRewriter per down track, owned by the caller (embed it; nothing is
 * allocated) and used by one thread: the meeting's worker. Nothing here reads
 * a clock: arrival times are passed in.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_REWRITER_AUDIO, /* no keyframes: every packet can start a segment */
  SH_REWRITER_VP8,   /* keyframes and picture ids from the payload descriptor */
  SH_REWRITER_H264,  /* keyframes from the NAL unit types */
} ShRewriterCodec;

/* What sh_rewriter_rewrite() decided. FORWARD is 0; every drop is negative,
 * and the buffer is then left untouched. */
typedef enum {
  SH_REWRITE_FORWARD = 0,
  SH_REWRITE_DROP_MALFORMED = -1,     /* not a valid RTP packet (or VP8 descriptor) */
  SH_REWRITE_DROP_OTHER_SOURCE = -2,  /* not the current or the announced source */
  SH_REWRITE_DROP_WAIT_KEYFRAME = -3, /* the new source has not sent a keyframe yet */
  SH_REWRITE_DROP_TOO_OLD = -4,       /* older than the start of its segment */
  SH_REWRITE_DROP_PADDING = -5,       /* padding only, and asked to drop those */
} ShRewriteResult;

/* Where a forwarded packet went. */
typedef struct {
  guint16 out_seq;
  guint32 out_timestamp;
  guint32 src_ssrc;
  guint16 src_seq;
  gboolean segment_start; /* the first packet of a new segment (a keyframe if one was needed) */
} ShRewriteInfo;

/* Sizes of the fixed tables inside ShRewriter. */
#define SH_REWRITER_HISTORY 1024 /* out_seq -> source entries kept for NACKs; a power of 2 */
#define SH_REWRITER_PIECES 8     /* offset changes (after dropped padding) kept per segment */

/* The state is public only so that callers can embed it (no allocation):
 * read it through the functions below, never write it. About 8 KiB. */
typedef struct {
  gint64 src_start; /* extended source seq of the piece's first packet */
  gint64 out_start; /* extended output seq given to it */
} ShRewriterPiece;

typedef struct {
  guint16 src_hi; /* newest source value seen in this segment */
  gboolean src_started;
} ShRewriterCounterSeg;

typedef struct {
  guint32 src_ssrc;
  guint16 src_seq;
  guint16 lap; /* bits 10..25 of the extended output seq: tells a stale entry apart */
} ShRewriterHistoryEntry;

typedef struct {
  /* Fixed for the down track's life. */
  ShRewriterCodec codec;
  guint32 out_ssrc;
  guint32 clock_rate;
  gboolean drop_padding;

  /* Output state, continuous across segments. */
  gboolean has_output;  /* some packet has been forwarded */
  gint64 out_next;      /* extended output seq that the next new packet gets */
  guint32 ts_start;     /* the first segment's first output timestamp */
  guint16 last_out_seq; /* the newest forwarded packet's seq and timestamp */
  guint32 last_out_ts;
  gint64 last_arrival_us; /* and its arrival time */
  guint16 pid_out_hi;     /* VP8 picture id (15 bits) of the newest picture sent */
  gboolean pid_out_valid;
  guint16 tl0_out_hi; /* VP8 TL0PICIDX (8 bits) of the newest base-layer picture sent */
  gboolean tl0_out_valid;

  /* The announced next source, waiting for its first usable packet. */
  gboolean pending;
  guint32 pending_ssrc;
  gboolean pending_need_keyframe;

  /* The current segment. */
  gboolean active;
  guint32 src_ssrc;
  gint64 src_hi; /* extended seq of the newest source packet accounted for */
  guint32 ts_offset;
  guint n_pieces;
  ShRewriterPiece pieces[SH_REWRITER_PIECES]; /* oldest first */
  ShRewriterCounterSeg pid;
  ShRewriterCounterSeg tl0;

  ShRewriterHistoryEntry history[SH_REWRITER_HISTORY];
} ShRewriter;

/* @out_ssrc, @seq_start and @ts_start are the down track's own (random
 * starting values, RFC 3550 section 5.1). @clock_rate in Hz (48000 for Opus,
 * 90000 for video) converts wall-clock gaps at source switches. No source is
 * set: call sh_rewriter_switch_source() before the first packet. */
void sh_rewriter_init (ShRewriter *r, ShRewriterCodec codec, guint32 out_ssrc, guint32 clock_rate,
                       guint16 seq_start, guint32 ts_start);

/* Padding-only packets (no payload) are dropped instead of forwarded when
 * they would be the newest packet; a late one still fills the place the
 * output had kept for it. Off by default. */
void sh_rewriter_set_drop_padding (ShRewriter *r, gboolean drop);

/* Announces that packets of @src_ssrc come next. Its first usable packet
 * starts a new segment: with @need_keyframe (ignored for audio), the first
 * packet that starts a keyframe. Until then the current source, when it is
 * another SSRC, is still forwarded, so a simulcast switch has no gap; once the
 * new segment starts, the old source's late packets are dropped. With the
 * same SSRC as the current source (a publisher restarting its stream), the
 * current segment ends at once. A second call before the first new packet
 * replaces the announcement. */
void sh_rewriter_switch_source (ShRewriter *r, guint32 src_ssrc, gboolean need_keyframe);

/* Rewrites the packet of @len bytes in @buf in place (SSRC, sequence number,
 * timestamp, and for VP8 the picture id and TL0PICIDX) when it is to be
 * forwarded, and fills @out (may be NULL). @arrival_us is the packet's
 * arrival time in microseconds, on any monotonic clock. Returns
 * SH_REWRITE_FORWARD or the reason for dropping, and then leaves @buf as it
 * was. Allocates nothing. */
ShRewriteResult sh_rewriter_rewrite (ShRewriter *r, guint8 *buf, gsize len, gint64 arrival_us,
                                     ShRewriteInfo *out);

/* TRUE while an announced source waits for its keyframe: the caller should
 * ask the publisher for one (see keyframe-limiter.h). */
gboolean sh_rewriter_waiting_keyframe (const ShRewriter *r);

/* Translates an output sequence number from a subscriber's NACK to the
 * source packet to retransmit: from the history of the last
 * SH_REWRITER_HISTORY output numbers, or, for a packet the SFU has not
 * received yet, from the current segment's offsets. FALSE when @out_seq was
 * never given out, is too old, or belongs to an ended segment's missing
 * packet. */
gboolean sh_rewriter_lookup (const ShRewriter *r, guint16 out_seq, guint32 *src_ssrc,
                             guint16 *src_seq);

/* The newest output sequence number and timestamp (for RTCP sender
 * reports); FALSE before the first forwarded packet. */
gboolean sh_rewriter_last_out (const ShRewriter *r, guint16 *seq, guint32 *timestamp);

G_END_DECLS
