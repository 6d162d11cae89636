/* rtp.h — RTP packet parsing and in-place rewriting (RFC 3550), header
 * extensions (RFC 8285), RTX (RFC 4588) and the codec payload inspection the
 * SFU needs (VP8 descriptor, "is this a keyframe").
 *
 * Everything here is a pure function over caller-owned buffers: nothing
 * allocates, nothing keeps a pointer past the call except the views, which
 * borrow the buffer they were parsed from. Malformed input gives FALSE or a
 * negative ShRtpError and never a read outside [buf, buf + len).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SH_RTP_HEADER_LEN 12
#define SH_RTP_MAX_CSRCS 15

typedef enum {
  SH_RTP_OK = 0,
  SH_RTP_ERR_TRUNCATED = -1, /* shorter than its own header says */
  SH_RTP_ERR_VERSION = -2,   /* version is not 2 */
  SH_RTP_ERR_CSRC = -3,      /* the CSRC list runs past the end */
  SH_RTP_ERR_EXTENSION = -4, /* extension block runs past the end or is malformed */
  SH_RTP_ERR_PADDING = -5,   /* padding count 0 or larger than the payload */
  SH_RTP_ERR_NO_SPACE = -6,  /* the output does not fit */
  SH_RTP_ERR_NOT_FOUND = -7, /* no such extension element */
  SH_RTP_ERR_INVALID = -8,   /* bad argument (extension id or length out of range) */
} ShRtpError;

/* A parsed view over one packet. Borrows @data: valid while the buffer is. */
typedef struct {
  const guint8 *data; /* borrowed */
  gsize len;
  gboolean padding;
  gboolean extension;
  gboolean marker;
  guint8 csrc_count;
  guint8 payload_type;
  guint16 seq;
  guint32 timestamp;
  guint32 ssrc;
  guint16 ext_profile; /* 0xBEDE, 0x100X or anything else; 0 without extension */
  gsize ext_offset;    /* offset of the extension data, after its 4-byte header */
  gsize ext_len;       /* bytes of extension data (a multiple of 4) */
  gsize payload_offset;
  gsize payload_len; /* without padding */
  guint8 padding_len;
} ShRtpView;

/* Parses and validates @buf. Returns SH_RTP_OK or a negative ShRtpError; on
 * error *@view is unspecified. */
int sh_rtp_parse (ShRtpView *view, const guint8 *buf, gsize len);

/* The @index-th CSRC; @index must be below view->csrc_count. */
guint32 sh_rtp_view_csrc (const ShRtpView *view, guint index);

/* Returns: (transfer none) the payload inside view->data. */
static inline const guint8 *
sh_rtp_view_payload (const ShRtpView *view)
{
  return view->data + view->payload_offset;
}

/* In-place rewrites the SFU does on every forwarded packet. They only check
 * that @len covers the fixed header: parse the packet first. */
gboolean sh_rtp_set_ssrc (guint8 *buf, gsize len, guint32 ssrc);
gboolean sh_rtp_set_seq (guint8 *buf, gsize len, guint16 seq);
gboolean sh_rtp_set_timestamp (guint8 *buf, gsize len, guint32 timestamp);
gboolean sh_rtp_set_payload_type (guint8 *buf, gsize len, guint8 payload_type);
gboolean sh_rtp_set_marker (guint8 *buf, gsize len, gboolean marker);

/* Sequence numbers. "Newer" follows RFC 1982 serial arithmetic: @a is newer
 * than @b when it is less than half the space ahead. */
static inline gint16
sh_rtp_seq_diff (guint16 a, guint16 b)
{
  return (gint16) (guint16) (a - b);
}

static inline gboolean
sh_rtp_seq_newer (guint16 a, guint16 b)
{
  guint16 forward = (guint16) (a - b);

  /* Exactly half the space apart is ambiguous; break the tie by value so
   * that exactly one of the two is newer. */
  if (forward == 0x8000)
    return a > b;
  return forward != 0 && forward < 0x8000;
}

/* Extends 16-bit sequence numbers to 64 bits across wraps. Zero-initialise;
 * the first value is returned as is, so a packet that arrives late from
 * before the first one can come back negative. */
typedef struct {
  gint64 last;
  gboolean started;
} ShRtpSeqUnwrapper;

gint64 sh_rtp_seq_unwrap (ShRtpSeqUnwrapper *unwrapper, guint16 seq);

/* ---- Header extensions (RFC 8285) ---- */

#define SH_RTP_EXT_ONE_BYTE 0xBEDE
#define SH_RTP_EXT_TWO_BYTE 0x1000 /* low 4 bits: appbits */

/* Walks the elements of a packet's extension block, skipping padding. */
typedef struct {
  const guint8 *data; /* borrowed */
  gsize pos;
  gsize end;
  gboolean two_byte;
  gboolean malformed; /* set when the walk stopped on a bad element */
} ShRtpExtIter;

/* FALSE when the packet has no extension block in a form RFC 8285 knows. */
gboolean sh_rtp_ext_iter_init (ShRtpExtIter *iter, const ShRtpView *view);

/* Next element: its id and (borrowed) value. FALSE at the end, or on a
 * malformed element (then iter->malformed is TRUE). */
gboolean sh_rtp_ext_iter_next (ShRtpExtIter *iter, guint8 *id, const guint8 **value,
                               gsize *value_len);

/* Finds element @id. @value is borrowed from the view's buffer. */
gboolean sh_rtp_ext_find (const ShRtpView *view, guint8 id, const guint8 **value, gsize *value_len);

/* Sets element @id to @value in the packet of @len bytes in @buf, which has
 * room for @cap bytes. An element of the same length is overwritten; else the
 * block is rebuilt in place (dropping padding, moving the payload) when it
 * keeps its form and fits in @cap. Returns the new packet length;
 * SH_RTP_ERR_NO_SPACE when it must grow beyond @cap or change from the
 * one-byte to the two-byte form (use sh_rtp_ext_write() then);
 * SH_RTP_ERR_EXTENSION when the block is malformed or of a profile RFC 8285
 * does not define. */
int sh_rtp_ext_set_in_place (guint8 *buf, gsize len, gsize cap, guint8 id, const guint8 *value,
                             gsize value_len);

/* Writes a copy of the packet @in with element @id set to @value into @out
 * (not overlapping @in, @cap bytes). Uses the one-byte form when every element
 * fits it, else the two-byte form. Returns the length written or a negative
 * ShRtpError. */
int sh_rtp_ext_write (const guint8 *in, gsize in_len, guint8 id, const guint8 *value,
                      gsize value_len, guint8 *out, gsize cap);

/* ssrc-audio-level (RFC 6464): voice activity and level in -dBov (0..127). */
gboolean sh_rtp_ext_audio_level (const ShRtpView *view, guint8 id, gboolean *voice, guint8 *level);

/* Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
gboolean sh_rtp_ext_transport_seq (const ShRtpView *view, guint8 id, guint16 *seq);

/* abs-send-time: 6.18 fixed-point seconds, 24 bits. */
gboolean sh_rtp_ext_abs_send_time (const ShRtpView *view, guint8 id, guint32 *abs_send_time);
guint32 sh_rtp_abs_send_time_from_us (gint64 time_us);

/* ---- RTX (RFC 4588) ---- */

/* The original sequence number carried in the first two payload bytes. */
gboolean sh_rtp_rtx_osn (const ShRtpView *rtx, guint16 *osn);

/* Rebuilds the original packet from RTX packet @rtx into @out (@cap bytes):
 * the original SSRC, payload type and sequence number, the payload without the
 * OSN, and no padding. Returns the length or a negative ShRtpError. */
int sh_rtp_rtx_unwrap (const ShRtpView *rtx, guint32 ssrc, guint8 payload_type, guint8 *out,
                       gsize cap);

/* Builds an RTX packet from @original into @out (@cap bytes) with the given
 * SSRC, payload type and sequence number; header extensions and CSRCs are
 * kept, the original's padding is dropped. Returns the length or a negative
 * ShRtpError. */
int sh_rtp_rtx_wrap (const ShRtpView *original, guint32 ssrc, guint8 payload_type, guint16 seq,
                     guint8 *out, gsize cap);

/* ---- Codecs (rtp-codec.c) ---- */

/* VP8 payload descriptor (RFC 7741 section 4.2) and, at the start of a frame,
 * the keyframe bit of the VP8 payload header. */
typedef struct {
  gboolean non_reference;
  gboolean start_of_partition;
  guint8 partition_id;
  gboolean has_picture_id;
  gboolean picture_id_15bit; /* M bit: 15-bit picture id on the wire */
  guint16 picture_id;
  gboolean has_tl0picidx;
  guint8 tl0picidx;
  gboolean has_tid;
  guint8 tid;
  gboolean layer_sync;
  gboolean has_keyidx;
  guint8 keyidx;
  gsize descriptor_len; /* the VP8 payload starts here */
  gboolean frame_start; /* S=1 and PID=0: the payload header follows */
  gboolean keyframe;    /* frame_start and P bit 0 */
  guint16 width;        /* from a keyframe's header when present, else 0 */
  guint16 height;
} ShVp8Descriptor;

gboolean sh_vp8_parse (ShVp8Descriptor *desc, const guint8 *payload, gsize len);

/* Rewrites the picture id in place, keeping its wire width (7 bits: the low 7
 * bits of @picture_id). FALSE when the descriptor carries none. */
gboolean sh_vp8_set_picture_id (guint8 *payload, gsize len, guint16 picture_id);

/* H.264 (RFC 6184): TRUE when the payload is or starts an IDR picture or
 * carries an SPS: a single NAL unit of type 5 or 7, a STAP-A aggregating one,
 * or the first FU-A fragment of an IDR slice. FALSE for anything else,
 * including malformed aggregates. */
gboolean sh_h264_is_keyframe (const guint8 *payload, gsize len);

/* Whether the packet in @view starts a keyframe of @codec ("VP8" or
 * "H264", any case; FALSE for other codecs and malformed payloads). */
gboolean sh_rtp_is_keyframe (const ShRtpView *view, const char *codec);

G_END_DECLS
