/* rtcp.h — RTCP parsing and writing: compound iteration (RFC 3550), SR, RR,
 * SDES CNAME, BYE; feedback (RFC 4585/5104): PLI, FIR, generic NACK, REMB;
 * transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01); a compound builder
 * that allows reduced-size RTCP (RFC 5506).
 *
 * Pure functions over caller-owned buffers; nothing allocates. Parsed
 * structures that point into a packet borrow it. Parsers return SH_RTCP_OK
 * (or a count) or a negative ShRtcpError and never read outside the buffer;
 * writers take an output buffer and its capacity and return the bytes written
 * or SH_RTCP_ERR_NO_SPACE.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SH_RTCP_OK = 0,
  SH_RTCP_ERR_TRUNCATED = -1, /* fewer bytes than a header or a length field says */
  SH_RTCP_ERR_VERSION = -2,   /* version is not 2 */
  SH_RTCP_ERR_PADDING = -3,   /* padding count 0 or beyond the packet */
  SH_RTCP_ERR_TYPE = -4,      /* not the packet type or format asked for */
  SH_RTCP_ERR_MALFORMED = -5, /* lengths or counts inside the packet disagree */
  SH_RTCP_ERR_NO_SPACE = -6,  /* the output (buffer or array) is too small */
  SH_RTCP_ERR_INVALID = -7,   /* bad argument to a writer */
  SH_RTCP_ERR_ORDER = -8,     /* a full compound must start with SR or RR */
} ShRtcpError;

enum {
  SH_RTCP_SR = 200,
  SH_RTCP_RR = 201,
  SH_RTCP_SDES = 202,
  SH_RTCP_BYE = 203,
  SH_RTCP_APP = 204,
  SH_RTCP_RTPFB = 205,
  SH_RTCP_PSFB = 206,
};

enum {
  SH_RTCP_FMT_NACK = 1,  /* RTPFB */
  SH_RTCP_FMT_TWCC = 15, /* RTPFB */
  SH_RTCP_FMT_PLI = 1,   /* PSFB */
  SH_RTCP_FMT_FIR = 4,   /* PSFB */
  SH_RTCP_FMT_REMB = 15, /* PSFB, application layer feedback */
};

#define SH_RTCP_MAX_COUNT 31 /* the 5-bit count field */

/* RFC 5761: with rtcp-mux, packet types 192–223 in the second byte are RTCP;
 * anything else from the RTP range is RTP. */
gboolean sh_rtcp_is_rtcp (const guint8 *buf, gsize len);

/* ---- Compound iteration ---- */

/* One packet of a compound. Borrows the compound's buffer. */
typedef struct {
  const guint8 *data; /* borrowed: the packet, header included */
  gsize len;          /* whole packet, padding included */
  guint8 count;       /* RC, SC or FMT */
  guint8 type;
  const guint8 *body; /* after the 4-byte header */
  gsize body_len;     /* without padding */
} ShRtcpPacket;

typedef struct {
  const guint8 *data; /* borrowed */
  gsize len;
  gsize pos;
  int error; /* SH_RTCP_OK, or why iteration stopped early */
} ShRtcpIter;

void sh_rtcp_iter_init (ShRtcpIter *iter, const guint8 *buf, gsize len);

/* The next packet. FALSE at the end or on the first malformed header (version,
 * length past the buffer, a trailing chunk shorter than a header, bad
 * padding, a body shorter than its type and count need); then iter->error
 * says which. Padding is accepted on any packet, not only the last: libwebrtc
 * pads transport-wide feedback inside compounds. */
gboolean sh_rtcp_iter_next (ShRtcpIter *iter, ShRtcpPacket *packet);

/* Checks a whole compound: every header valid, and unless @reduced_size the
 * first packet an SR or RR. */
int sh_rtcp_check_compound (const guint8 *buf, gsize len, gboolean reduced_size);

/* ---- Sender and receiver reports ---- */

typedef struct {
  guint32 ssrc;
  guint8 fraction_lost;
  gint32 cumulative_lost; /* 24-bit signed on the wire */
  guint32 ext_highest_seq;
  guint32 jitter;
  guint32 lsr;
  guint32 dlsr;
} ShRtcpReportBlock;

typedef struct {
  guint32 ssrc;
  guint64 ntp_timestamp;
  guint32 rtp_timestamp;
  guint32 packet_count;
  guint32 octet_count;
  guint n_reports;
  ShRtcpReportBlock reports[SH_RTCP_MAX_COUNT];
} ShRtcpSr;

typedef struct {
  guint32 ssrc;
  guint n_reports;
  ShRtcpReportBlock reports[SH_RTCP_MAX_COUNT];
} ShRtcpRr;

int sh_rtcp_parse_sr (const ShRtcpPacket *packet, ShRtcpSr *sr);
int sh_rtcp_parse_rr (const ShRtcpPacket *packet, ShRtcpRr *rr);
int sh_rtcp_write_sr (guint8 *out, gsize cap, const ShRtcpSr *sr);
int sh_rtcp_write_rr (guint8 *out, gsize cap, const ShRtcpRr *rr);

/* ---- SDES (CNAME) and BYE ---- */

typedef struct {
  guint32 ssrc;
  const guint8 *cname; /* borrowed; NULL when the chunk has none */
  guint8 cname_len;
} ShRtcpSdesChunk;

typedef struct {
  guint n_chunks;
  ShRtcpSdesChunk chunks[SH_RTCP_MAX_COUNT];
} ShRtcpSdes;

/* Items other than CNAME are skipped after their bounds are checked. */
int sh_rtcp_parse_sdes (const ShRtcpPacket *packet, ShRtcpSdes *sdes);
int sh_rtcp_write_sdes (guint8 *out, gsize cap, const ShRtcpSdes *sdes);

typedef struct {
  guint n_ssrcs;
  guint32 ssrcs[SH_RTCP_MAX_COUNT];
  const guint8 *reason; /* borrowed; NULL without one */
  guint8 reason_len;
} ShRtcpBye;

int sh_rtcp_parse_bye (const ShRtcpPacket *packet, ShRtcpBye *bye);
int sh_rtcp_write_bye (guint8 *out, gsize cap, const ShRtcpBye *bye);

/* ---- Feedback (rtcp-fb.c) ---- */

/* Common part of RTPFB and PSFB messages (RFC 4585 section 6.1). */
typedef struct {
  guint8 type; /* SH_RTCP_RTPFB or SH_RTCP_PSFB */
  guint8 fmt;
  guint32 sender_ssrc;
  guint32 media_ssrc;
  const guint8 *fci; /* borrowed */
  gsize fci_len;
} ShRtcpFb;

int sh_rtcp_parse_fb (const ShRtcpPacket *packet, ShRtcpFb *fb);

/* PLI (PSFB FMT 1): no FCI. */
gboolean sh_rtcp_fb_is_pli (const ShRtcpFb *fb);
int sh_rtcp_write_pli (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc);

/* FIR (PSFB FMT 4, RFC 5104 section 4.3.1). */
typedef struct {
  guint32 ssrc;
  guint8 seq;
} ShRtcpFirEntry;

/* Stores up to @max entries; returns how many the packet holds (which can be
 * more than @max) or a negative ShRtcpError. */
int sh_rtcp_parse_fir (const ShRtcpFb *fb, ShRtcpFirEntry *entries, guint max);
int sh_rtcp_write_fir (guint8 *out, gsize cap, guint32 sender_ssrc, const ShRtcpFirEntry *entries,
                       guint n_entries);

/* Generic NACK (RTPFB FMT 1, RFC 4585 section 6.2.1): a packet id and a
 * bitmask of the 16 following lost packets. */
typedef struct {
  guint16 pid;
  guint16 blp;
} ShRtcpNackEntry;

/* Stores up to @max entries; returns how many the packet holds or a
 * negative ShRtcpError. */
int sh_rtcp_parse_nack (const ShRtcpFb *fb, ShRtcpNackEntry *entries, guint max);

/* Lists the lost sequence numbers of @entries into @seqs in order, at most
 * @max; returns the number stored, or SH_RTCP_ERR_NO_SPACE when more would
 * follow. */
int sh_rtcp_nack_expand (const ShRtcpNackEntry *entries, guint n_entries, guint16 *seqs, guint max);

/* Packs lost sequence numbers into as few entries as possible. Sorts @seqs
 * in place in sequence order (relative to seqs[0]: the list must span less
 * than half the space) and ignores duplicates. Returns the number of entries
 * or SH_RTCP_ERR_NO_SPACE. */
int sh_rtcp_nack_build (guint16 *seqs, guint n_seqs, ShRtcpNackEntry *entries, guint max);
int sh_rtcp_write_nack (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc,
                        const ShRtcpNackEntry *entries, guint n_entries);

/* REMB (PSFB FMT 15, draft-alvestrand-rmcat-remb-03). */
#define SH_RTCP_REMB_MAX_SSRCS 255

typedef struct {
  guint64 bitrate; /* bits per second; saturates at G_MAXUINT64 */
  guint n_ssrcs;
  guint32 ssrcs[SH_RTCP_REMB_MAX_SSRCS];
} ShRtcpRemb;

/* SH_RTCP_ERR_TYPE when the FMT 15 message is not a REMB. */
int sh_rtcp_parse_remb (const ShRtcpFb *fb, ShRtcpRemb *remb);

/* The bitrate is stored as an 18-bit mantissa and a 6-bit exponent, rounded
 * down: an estimate must not grow on the way. */
int sh_rtcp_write_remb (guint8 *out, gsize cap, guint32 sender_ssrc, const ShRtcpRemb *remb);

/* ---- Transport-wide congestion control feedback (rtcp-twcc.c) ---- */

#define SH_RTCP_TWCC_DELTA_US 250       /* one receive-delta tick */
#define SH_RTCP_TWCC_REFERENCE_US 64000 /* one reference-time tick */

typedef struct {
  guint16 base_seq;
  guint16 status_count;
  gint32 reference_time; /* 24-bit signed, in 64 ms ticks */
  guint8 fb_count;
} ShRtcpTwcc;

typedef struct {
  guint16 seq;
  gboolean received;
  /* In 250 µs ticks from the previous received packet (the first one: from
   * the reference time); 0 when not received. Deltas in 0..255 travel in one
   * byte, others in two (signed), so -32768..32767 can be written. */
  gint32 delta;
} ShRtcpTwccPacket;

/* Parses the header into @twcc and one entry per described packet into
 * @packets. Returns the status count, SH_RTCP_ERR_NO_SPACE when it exceeds
 * @max, or SH_RTCP_ERR_MALFORMED when chunks or deltas fall short. */
int sh_rtcp_parse_twcc (const ShRtcpFb *fb, ShRtcpTwcc *twcc, ShRtcpTwccPacket *packets, guint max);

/* Writes feedback for @n_packets consecutive sequence numbers from
 * twcc->base_seq (the packets' seq fields are not read; status_count is taken
 * from @n_packets). SH_RTCP_ERR_INVALID when a delta needs more than 16 bits
 * or @n_packets is 0 or above 65535. */
int sh_rtcp_write_twcc (guint8 *out, gsize cap, guint32 sender_ssrc, guint32 media_ssrc,
                        const ShRtcpTwcc *twcc, const ShRtcpTwccPacket *packets, guint n_packets);

/* ---- Compound builder ---- */

/* Appends packets written in place, with no copy:
 *
 *   gsize room;
 *   guint8 *at = sh_rtcp_compound_space (&c, &room);
 *   sh_rtcp_compound_commit (&c, sh_rtcp_write_rr (at, room, &rr));
 *
 * The first error sticks and is returned by sh_rtcp_compound_finish(). */
typedef struct {
  guint8 *buf; /* borrowed */
  gsize cap;
  gsize len;
  gboolean reduced_size;
  int error;
} ShRtcpCompound;

void sh_rtcp_compound_init (ShRtcpCompound *compound, guint8 *buf, gsize cap,
                            gboolean reduced_size);

/* Returns: (transfer none) where the next packet goes; *@room bytes free. */
guint8 *sh_rtcp_compound_space (ShRtcpCompound *compound, gsize *room);

/* Takes the result of a writer called on the space: a length appends that
 * many bytes (checked as one RTCP packet, and as SR/RR when it comes first
 * in a full compound), a negative value records the error. Returns
 * SH_RTCP_OK or the (sticky) error. */
int sh_rtcp_compound_commit (ShRtcpCompound *compound, int written);

/* Returns the compound's length, or the first error; an empty compound is
 * SH_RTCP_ERR_INVALID. */
int sh_rtcp_compound_finish (ShRtcpCompound *compound);

G_END_DECLS
