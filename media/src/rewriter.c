/* Outgoing-stream rewriting for down tracks: one continuous SSRC, sequence
 * and timestamp space for the subscriber across source changes.
 *
 * Sequence numbers are unwrapped to 64 bits on both sides (source and
 * output), so that comparisons never depend on where the 16-bit counters
 * wrap. Inside a segment the mapping source -> output is piecewise: a piece
 * starts at the segment's first packet and again after each dropped padding
 * packet, whose output number the next packet takes. Timestamps use one
 * offset per segment.
 * SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "rewriter.h"
#include "rtp.h"

/* Output numbers start one 16-bit wrap above zero so that the history's
 * zero-filled entries (lap 0) never look valid. */
#define OUT_BASE G_GINT64_CONSTANT (0x10000)
#define HISTORY_MASK (SH_REWRITER_HISTORY - 1)

G_STATIC_ASSERT ((SH_REWRITER_HISTORY & HISTORY_MASK) == 0);

/* A timestamp jump must stay below half the 32-bit space, or receivers take
 * it for a step backwards (RFC 1982). */
#define MAX_TS_GAP G_GINT64_CONSTANT (0x7fffffff)

void
sh_rewriter_init (ShRewriter *r, ShRewriterCodec codec, guint32 out_ssrc, guint32 clock_rate,
                  guint16 seq_start, guint32 ts_start)
{
  memset (r, 0, sizeof *r);
  r->codec = codec;
  r->out_ssrc = out_ssrc;
  r->clock_rate = clock_rate;
  r->out_next = OUT_BASE + seq_start;
  r->ts_start = ts_start;
}

void
sh_rewriter_set_drop_padding (ShRewriter *r, gboolean drop)
{
  r->drop_padding = drop;
}

void
sh_rewriter_switch_source (ShRewriter *r, guint32 src_ssrc, gboolean need_keyframe)
{
  r->pending = TRUE;
  r->pending_ssrc = src_ssrc;
  r->pending_need_keyframe = need_keyframe && r->codec != SH_REWRITER_AUDIO;
}

gboolean
sh_rewriter_waiting_keyframe (const ShRewriter *r)
{
  return r->pending && r->pending_need_keyframe;
}

gboolean
sh_rewriter_last_out (const ShRewriter *r, guint16 *seq, guint32 *timestamp)
{
  if (!r->has_output)
    return FALSE;
  if (seq != NULL)
    *seq = r->last_out_seq;
  if (timestamp != NULL)
    *timestamp = r->last_out_ts;
  return TRUE;
}

static inline gint64
piece_out (const ShRewriterPiece *piece, gint64 src_ext)
{
  return piece->out_start + (src_ext - piece->src_start);
}

static inline guint16
history_lap (gint64 out_ext)
{
  return (guint16) (out_ext / SH_REWRITER_HISTORY);
}

static gboolean
starts_keyframe (const ShRewriter *r, const ShRtpView *view, const ShVp8Descriptor *vp8)
{
  switch (r->codec) {
    case SH_REWRITER_VP8:
      return vp8->keyframe;
    case SH_REWRITER_H264:
      return sh_h264_is_keyframe (sh_rtp_view_payload (view), view->payload_len);
    case SH_REWRITER_AUDIO:
    default:
      return TRUE;
  }
}

/* Opens a segment for the packet in @view; it becomes the segment's first
 * piece and is then forwarded as the newest packet. */
static void
start_segment (ShRewriter *r, const ShRtpView *view, gint64 arrival_us)
{
  guint32 out_ts;

  if (!r->has_output) {
    out_ts = r->ts_start;
  } else {
    /* Players pace by timestamps: continue from the last one sent plus the
     * time that really passed, so that the new source's first frame is
     * neither early (it would be held back) nor stacked on the old one. */
    gint64 elapsed = arrival_us - r->last_arrival_us;
    gint64 ticks;

    if (elapsed < 0)
      elapsed = 0;
    if (elapsed > MAX_TS_GAP)
      elapsed = MAX_TS_GAP; /* keeps the product below 2^63 for any clock rate */
    ticks = elapsed * (gint64) r->clock_rate / G_USEC_PER_SEC;
    /* A new source is a new frame: it needs a timestamp of its own. */
    ticks = CLAMP (ticks, 1, MAX_TS_GAP);
    out_ts = r->last_out_ts + (guint32) ticks;
  }

  r->pending = FALSE;
  r->active = TRUE;
  r->src_ssrc = view->ssrc;
  r->ts_offset = out_ts - view->timestamp;
  r->n_pieces = 1;
  r->pieces[0].src_start = view->seq;
  r->pieces[0].out_start = r->out_next;
  r->src_hi = (gint64) view->seq - 1;
  r->pid.src_started = FALSE;
  r->tl0.src_started = FALSE;
}

/* Maps a VP8 counter (picture id or TL0PICIDX) of @src_bits bits on the
 * wire into the output space of @out_mask. The first value of a segment
 * continues the output by one; later ones keep their distance to the newest
 * value of the segment, so reordered packets keep their picture. */
static guint16
map_counter (ShRewriterCounterSeg *seg, guint16 *out_hi, gboolean *out_valid, guint16 src,
             guint16 src_mask, guint16 out_mask)
{
  gint32 delta;
  guint16 out;

  if (!seg->src_started) {
    seg->src_started = TRUE;
    seg->src_hi = src;
    *out_hi = *out_valid ? (guint16) ((*out_hi + 1) & out_mask) : src;
    *out_valid = TRUE;
    return *out_hi;
  }
  delta = (gint32) ((src - seg->src_hi) & src_mask);
  if (delta > src_mask / 2)
    delta -= (gint32) src_mask + 1;
  out = (guint16) ((*out_hi + delta) & out_mask);
  if (delta > 0) {
    seg->src_hi = src;
    *out_hi = out;
  }
  return out;
}

/* Rewrites the VP8 picture id and TL0PICIDX from the descriptor already
 * parsed for this packet (sh_vp8_set_picture_id() would parse it again).
 * Both follow the first two descriptor bytes (RFC 7741 section 4.2). */
static void
rewrite_vp8 (ShRewriter *r, guint8 *payload, const ShVp8Descriptor *vp8)
{
  gsize off = 2;

  if (vp8->has_picture_id) {
    guint16 pid = map_counter (&r->pid, &r->pid_out_hi, &r->pid_out_valid, vp8->picture_id,
                               vp8->picture_id_15bit ? 0x7fff : 0x7f, 0x7fff);

    if (vp8->picture_id_15bit) {
      payload[off] = (guint8) (0x80 | (pid >> 8));
      payload[off + 1] = (guint8) pid;
      off += 2;
    } else {
      payload[off] = (guint8) (pid & 0x7f);
      off += 1;
    }
  }
  if (vp8->has_tl0picidx)
    payload[off] = (guint8) map_counter (&r->tl0, &r->tl0_out_hi, &r->tl0_out_valid, vp8->tl0picidx,
                                         0xff, 0xff);
}

/* A padding-only packet that would be the newest is dropped, and its output
 * number goes to the next packet: a new piece starts after it. */
static void
drop_newest_padding (ShRewriter *r, gint64 src_ext)
{
  ShRewriterPiece *last = &r->pieces[r->n_pieces - 1];
  gint64 out = piece_out (last, src_ext);

  if (last->src_start == src_ext) {
    /* Nothing forwarded since the previous drop: slide that piece. */
    last->src_start = src_ext + 1;
  } else {
    if (r->n_pieces == SH_REWRITER_PIECES) {
      /* Forget the oldest piece: packets that old are dropped from now on. */
      memmove (&r->pieces[0], &r->pieces[1], sizeof r->pieces[0] * (SH_REWRITER_PIECES - 1));
      r->n_pieces--;
    }
    r->pieces[r->n_pieces].src_start = src_ext + 1;
    r->pieces[r->n_pieces].out_start = out;
    r->n_pieces++;
  }
  r->src_hi = src_ext;
  r->out_next = out;
}

/* Finds the output number of a packet of the current segment older than the
 * newest one. Negative ShRewriteResult when it has none. */
static ShRewriteResult
map_late (const ShRewriter *r, gint64 src_ext, gint64 *out_ext)
{
  for (guint i = r->n_pieces; i-- > 0;) {
    const ShRewriterPiece *piece = &r->pieces[i];

    if (src_ext < piece->src_start)
      continue;
    *out_ext = piece_out (piece, src_ext);
    /* Past the piece's end lie the dropped padding packets: a copy of one
     * arriving now has no place any more. */
    if (i + 1 < r->n_pieces && *out_ext >= r->pieces[i + 1].out_start)
      return SH_REWRITE_DROP_PADDING;
    return SH_REWRITE_FORWARD;
  }
  return SH_REWRITE_DROP_TOO_OLD;
}

ShRewriteResult
sh_rewriter_rewrite (ShRewriter *r, guint8 *buf, gsize len, gint64 arrival_us, ShRewriteInfo *out)
{
  ShRtpView view;
  ShVp8Descriptor vp8;
  gboolean has_vp8 = FALSE;
  gboolean padding_only;
  gboolean segment_start = FALSE;
  gboolean newest;
  gint64 src_ext;
  gint64 out_ext;
  guint32 out_ts;

  if (sh_rtp_parse (&view, buf, len) != SH_RTP_OK)
    return SH_REWRITE_DROP_MALFORMED;
  padding_only = view.payload_len == 0;
  if (r->codec == SH_REWRITER_VP8 && !padding_only) {
    if (!sh_vp8_parse (&vp8, sh_rtp_view_payload (&view), view.payload_len))
      return SH_REWRITE_DROP_MALFORMED;
    has_vp8 = TRUE;
  }

  /* The announced source comes first, so that with the same SSRC as the
   * current one the old segment takes nothing more. */
  if (r->pending && view.ssrc == r->pending_ssrc) {
    /* A segment starts with media, never with a probe. */
    if (padding_only)
      return SH_REWRITE_DROP_PADDING;
    if (r->pending_need_keyframe && !starts_keyframe (r, &view, &vp8))
      return SH_REWRITE_DROP_WAIT_KEYFRAME;
    start_segment (r, &view, arrival_us);
    segment_start = TRUE;
  } else if (!r->active || view.ssrc != r->src_ssrc) {
    return SH_REWRITE_DROP_OTHER_SOURCE;
  }

  src_ext = r->src_hi + sh_rtp_seq_diff (view.seq, (guint16) r->src_hi);
  newest = src_ext > r->src_hi;
  if (newest) {
    if (padding_only && r->drop_padding) {
      drop_newest_padding (r, src_ext);
      return SH_REWRITE_DROP_PADDING;
    }
    out_ext = piece_out (&r->pieces[r->n_pieces - 1], src_ext);
  } else {
    ShRewriteResult res = map_late (r, src_ext, &out_ext);

    if (res != SH_REWRITE_FORWARD)
      return res;
  }

  /* Decided: forward. Everything below writes. */
  out_ts = view.timestamp + r->ts_offset;
  if (has_vp8)
    rewrite_vp8 (r, buf + view.payload_offset, &vp8);
  sh_rtp_set_ssrc (buf, len, r->out_ssrc);
  sh_rtp_set_seq (buf, len, (guint16) out_ext);
  sh_rtp_set_timestamp (buf, len, out_ts);

  if (newest) {
    r->src_hi = src_ext;
    r->out_next = out_ext + 1;
    r->last_out_seq = (guint16) out_ext;
    r->last_out_ts = out_ts;
    r->last_arrival_us = arrival_us;
    r->has_output = TRUE;
  }
  /* A late packet older than the history window must not overwrite the
   * entry of a newer one in the same slot. */
  if (out_ext >= r->out_next - SH_REWRITER_HISTORY) {
    ShRewriterHistoryEntry *entry = &r->history[out_ext & HISTORY_MASK];

    entry->src_ssrc = view.ssrc;
    entry->src_seq = view.seq;
    entry->lap = history_lap (out_ext);
  }

  if (out != NULL) {
    out->out_seq = (guint16) out_ext;
    out->out_timestamp = out_ts;
    out->src_ssrc = view.ssrc;
    out->src_seq = view.seq;
    out->segment_start = segment_start;
  }
  return SH_REWRITE_FORWARD;
}

gboolean
sh_rewriter_lookup (const ShRewriter *r, guint16 out_seq, guint32 *src_ssrc, guint16 *src_seq)
{
  gint64 newest = r->out_next - 1;
  gint64 out_ext;
  const ShRewriterHistoryEntry *entry;

  if (!r->has_output)
    return FALSE;
  out_ext = newest + sh_rtp_seq_diff (out_seq, (guint16) newest);
  if (out_ext > newest || newest - out_ext >= SH_REWRITER_HISTORY)
    return FALSE;

  entry = &r->history[out_ext & HISTORY_MASK];
  if (entry->lap == history_lap (out_ext)) {
    *src_ssrc = entry->src_ssrc;
    *src_seq = entry->src_seq;
    return TRUE;
  }

  /* Never forwarded: a packet the SFU has not received. The current
   * segment's pieces say which source packet the number was kept for. */
  if (!r->active)
    return FALSE;
  for (guint i = r->n_pieces; i-- > 0;) {
    const ShRewriterPiece *piece = &r->pieces[i];

    if (out_ext < piece->out_start)
      continue;
    *src_ssrc = r->src_ssrc;
    *src_seq = (guint16) (piece->src_start + (out_ext - piece->out_start));
    return TRUE;
  }
  return FALSE;
}
