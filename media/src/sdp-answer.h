/* SDP negotiation, server side (RFC 8829 JSEP, RFC 8843 BUNDLE).
 *
 * Publish connections: the browser offers, sh_sdp_answer_create() answers.
 * Subscribe connections: sh_sdp_offer_create() offers, the browser answers,
 * sh_sdp_offer_apply_answer() checks that answer. The server is always the
 * DTLS server (a=setup:passive in answers, actpass in offers), always
 * bundles and always requires rtcp-mux, as DESIGN.md "Media: decisions" says.
 * Clients of the server built on this stack (tools/loadbot) take the other
 * DTLS role: ShSdpLocal.dtls_active and sh_sdp_offer_apply_answer_setup().
 *
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sdp.h"

G_BEGIN_DECLS

#define SH_SDP_NEGOTIATION_ERROR (sh_sdp_negotiation_error_quark ())
GQuark sh_sdp_negotiation_error_quark (void);

typedef enum {
  SH_SDP_NEGOTIATION_ERROR_INVALID,          /* the server's own parameters are unusable */
  SH_SDP_NEGOTIATION_ERROR_NO_FINGERPRINT,   /* the remote SDP has no DTLS fingerprint */
  SH_SDP_NEGOTIATION_ERROR_SETUP,            /* the remote a=setup leaves no DTLS client */
  SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED, /* no m-section of the offer can be accepted */
  SH_SDP_NEGOTIATION_ERROR_MISMATCH,         /* an answer does not match the server's offer */
} ShSdpNegotiationError;

/* What the server does with an m-section's media. */
typedef enum {
  SH_SDP_ROLE_RECEIVE = 1 << 0,
  SH_SDP_ROLE_SEND = 1 << 1,
  SH_SDP_ROLE_BOTH = SH_SDP_ROLE_RECEIVE | SH_SDP_ROLE_SEND,
} ShSdpRole;

/* Codecs the server accepts. */
typedef enum {
  SH_SDP_CODEC_OPUS = 1 << 0,
  SH_SDP_CODEC_TELEPHONE_EVENT = 1 << 1,
  SH_SDP_CODEC_VP8 = 1 << 2,
  SH_SDP_CODEC_H264 = 1 << 3, /* constrained baseline / baseline, packetization-mode=1 */
  SH_SDP_CODEC_RTX = 1 << 4,
  SH_SDP_CODEC_ALL = (1 << 5) - 1,
} ShSdpCodecs;

/* The server's side of a connection. All pointers are borrowed for the
 * duration of the call. */
typedef struct {
  const char *ice_ufrag;
  const char *ice_pwd;
  const char *fingerprint;       /* sha-256 of the DTLS certificate, "AB:CD:..." */
  const char *const *candidates; /* nullable, NULL-terminated: "candidate:..." values */
  gboolean end_of_candidates;    /* the candidates above are all there will be */
  gboolean trickle;              /* write a=ice-options:trickle */
  ShSdpCodecs codecs;            /* 0: SH_SDP_CODEC_ALL */
  ShSdpRole default_role;        /* 0: SH_SDP_ROLE_RECEIVE (a publish connection) */
  const ShSdpRole *roles;        /* nullable: the role for m-section i, i < n_roles */
  guint n_roles;
  guint64 session_id; /* o= session id; 0: random */
  guint64 session_version;
  /* Answers say a=setup:active: the local side is the DTLS client, and an
   * offer must leave it that role (actpass or passive). Only for clients of
   * the server; the server itself stays passive. */
  gboolean dtls_active;
} ShSdpLocal;

/* Answers OFFER (borrowed). Accepted m-sections are bundled on one
 * transport; every other one is kept, in order, with port 0. When REASONS
 * is not NULL it receives (transfer full) one message per rejected
 * m-section, e.g. "m-section 3 (mid 2): data channels are not supported".
 * Returns: (transfer full) the answer, or NULL with ERROR when the offer as
 * a whole cannot be answered (no fingerprint, nothing acceptable). */
ShSdp *sh_sdp_answer_create (const ShSdp *offer, const ShSdpLocal *local, GPtrArray **reasons,
                             GError **error);

/* A codec the server offers, with its RTX payload type (0: none). */
typedef struct {
  guint8 pt;
  const char *name; /* "opus", "VP8", "H264", "telephone-event" */
  guint clock_rate;
  guint channels;   /* 0: none */
  const char *fmtp; /* nullable */
  guint8 rtx_pt;
} ShSdpCodecSpec;

/* One m-section of a server offer. Borrowed for the call. */
typedef struct {
  const char *kind; /* "audio" or "video" */
  const char *mid;
  ShSdpDirection direction; /* NONE: sendonly */
  const ShSdpCodecSpec *codecs;
  guint n_codecs;
  guint32 ssrc;     /* 0: no a=ssrc lines (an m-section with nothing to send yet) */
  guint32 rtx_ssrc; /* 0: no RTX stream; else an a=ssrc-group:FID ssrc rtx_ssrc */
  const char *cname;
  const char *stream_id;
  const char *track_id;
} ShSdpOfferSection;

/* Builds the server's offer for a subscribe connection: every section
 * bundled, a=setup:actpass, rtcp-mux, the usual header extensions.
 * Returns: (transfer full) or NULL with ERROR (INVALID) for bad input. */
ShSdp *sh_sdp_offer_create (const ShSdpLocal *local, const ShSdpOfferSection *sections,
                            guint n_sections, GError **error);

/* Checks the browser's ANSWER to the server's OFFER (both borrowed): the
 * same mids in the same order and kinds, a=setup:active, a fingerprint and
 * ICE credentials, and only payload types the offer had with the same
 * codec. Returns FALSE with ERROR (SH_SDP_NEGOTIATION_ERROR) otherwise. */
gboolean sh_sdp_offer_apply_answer (const ShSdp *offer, const ShSdp *answer, GError **error);

/* The same check with the answer's a=setup required to be SETUP:
 * SH_SDP_SETUP_PASSIVE when the offerer is to be the DTLS client (a client
 * of the server offering to the server, which answers passive). */
gboolean sh_sdp_offer_apply_answer_setup (const ShSdp *offer, const ShSdp *answer, ShSdpSetup setup,
                                          GError **error);

/* Whether FMTP (nullable) describes H.264 the server forwards: profile_idc
 * 0x42 (baseline, constrained when constraint_set1 is set) and
 * packetization-mode=1 (RFC 6184 8.1). */
gboolean sh_sdp_h264_supported (const char *fmtp, gboolean *constrained);

/* The value of KEY in an fmtp "k=v;k=v" string, or NULL.
 * Returns: (transfer full). */
char *sh_sdp_fmtp_get (const char *fmtp, const char *key);

G_END_DECLS
