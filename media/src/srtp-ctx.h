/* srtp-ctx.h — the SRTP/SRTCP contexts of one peer connection (libsrtp2):
 * an outbound session that protects what we send and an inbound session that
 * checks and decrypts what we receive, keyed from DTLS-SRTP.
 *
 * Create once per connection (per DTLS "connected") and reuse for every
 * packet: creating contexts costs key derivation and, measured on our
 * machines, re-creating them per packet halves throughput. A ShSrtp is used
 * by one thread at a time (the worker its meeting is pinned to).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "dtls.h"

G_BEGIN_DECLS

#define SH_SRTP_ERROR (sh_srtp_error_quark ())
GQuark sh_srtp_error_quark (void);

typedef enum {
  SH_SRTP_ERROR_INIT,    /* libsrtp could not initialise */
  SH_SRTP_ERROR_INVALID, /* bad keys or options */
  SH_SRTP_ERROR_CREATE,  /* libsrtp refused the session */
} ShSrtpError;

/* Per-packet results: zero or negative, no GError on the hot path. */
typedef enum {
  SH_SRTP_OK = 0,
  SH_SRTP_REPLAY = -1,    /* a packet already seen, or older than the window */
  SH_SRTP_AUTH_FAIL = -2, /* authentication tag mismatch: tampered, wrong key, garbage */
  SH_SRTP_MALFORMED = -3, /* too short or an impossible header */
  SH_SRTP_NO_SPACE = -4,  /* protect: the buffer has no room for the trailer */
  SH_SRTP_FAILED = -5,    /* anything else libsrtp reports */
} ShSrtpResult;

/* Room that protecting may add after the packet, for any profile, with or
 * without MKI: libsrtp's SRTP_MAX_TRAILER_LEN plus the 4-byte SRTCP index.
 * A buffer of len + SH_SRTP_MAX_TRAILER_LEN is always enough; the exact
 * need of a context is sh_srtp_rtp_trailer_len() / sh_srtp_rtcp_trailer_len(). */
#define SH_SRTP_MAX_TRAILER_LEN (16 + 128 + 4)

/* libsrtp's default replay window (packets): enough for audio. */
#define SH_SRTP_DEFAULT_REPLAY_WINDOW 128
/* For video: a burst of 1000+ packets (a keyframe at high rate, reordered by
 * the network) must not look like replays. */
#define SH_SRTP_VIDEO_REPLAY_WINDOW 1024

typedef struct {
  /* Inbound SRTP replay window in packets: 0 for the default (128), else
   * 64..32767. Replay protection is always on. */
  guint replay_window;
  /* Let the outbound side send the same sequence number again (NACK
   * retransmission without RTX). Only safe when the repeated packet is
   * byte-identical, so it is off unless the caller guarantees that. */
  gboolean allow_repeat_tx;
} ShSrtpOptions;

typedef struct _ShSrtp ShSrtp;

/* Initialises libsrtp once per process (g_once); sh_srtp_new() calls it.
 * Returns FALSE with @error set when libsrtp cannot start. */
gboolean sh_srtp_init_once (GError **error);

/* Sessions for the keys of one DTLS association (@keys borrowed; libsrtp
 * copies them). We send with the key of our DTLS role (the DTLS server
 * writes with the server key) and receive with the other; any SSRC is
 * accepted both ways (ssrc_any_inbound/ssrc_any_outbound), since the SFU
 * learns SSRCs from SDP and simulcast RIDs as they come. @options may be
 * NULL. Returns: (transfer full) or NULL with @error set. */
ShSrtp *sh_srtp_new (const ShDtlsSrtpKeys *keys, const ShSrtpOptions *options, GError **error);

void sh_srtp_free (ShSrtp *srtp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSrtp, sh_srtp_free)

ShSrtpProfile sh_srtp_get_profile (ShSrtp *srtp);

/* Bytes that protecting adds to one RTP / RTCP packet with this profile
 * (AES-CM-SHA1-80: 10 / 14; AEAD-AES-128-GCM: 16 / 20). */
gsize sh_srtp_rtp_trailer_len (ShSrtp *srtp);
gsize sh_srtp_rtcp_trailer_len (ShSrtp *srtp);

/* In place. @buf holds the packet of *@len bytes and has @capacity bytes in
 * all; on SH_SRTP_OK *@len is the protected length. Needs @capacity >= *@len
 * plus the trailer length above (SH_SRTP_NO_SPACE otherwise, nothing
 * written). */
ShSrtpResult sh_srtp_protect_rtp (ShSrtp *srtp, guint8 *buf, gsize *len, gsize capacity);
ShSrtpResult sh_srtp_protect_rtcp (ShSrtp *srtp, guint8 *buf, gsize *len, gsize capacity);

/* In place. On SH_SRTP_OK *@len is the plain length; on any error the
 * packet must be dropped (its bytes may have changed). */
ShSrtpResult sh_srtp_unprotect_rtp (ShSrtp *srtp, guint8 *buf, gsize *len);
ShSrtpResult sh_srtp_unprotect_rtcp (ShSrtp *srtp, guint8 *buf, gsize *len);

/* "ok", "replay", "auth-fail", ... for logs and metric labels. Returns:
 * (transfer none) a static string. */
const char *sh_srtp_result_name (ShSrtpResult result);

G_END_DECLS
