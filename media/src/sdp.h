/* SDP parser and writer for unified-plan WebRTC sessions (RFC 8866, RFC 8829).
 *
 * sh_sdp_parse() is pure: no I/O, no global state, bounded work. It takes
 * untrusted text from the signaling channel, so every limit below is
 * enforced before anything is allocated in proportion to the input, and
 * every rejection is a GError in SH_SDP_ERROR whose message names the line.
 *
 * The data model is plain structs. Attributes the parser knows are parsed
 * into fields; all others are kept, in order, in `attributes`, so that
 * sh_sdp_to_string() of a parsed SDP gives back an equivalent text (the
 * same lines, known attributes in a canonical order).
 *
 * Ownership: every pointer inside a model is owned by the struct holding
 * it and freed by that struct's _free function. GPtrArrays own their
 * elements (they carry a free function).
 *
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits on untrusted input. */
#define SH_SDP_MAX_SIZE (64 * 1024)
#define SH_SDP_MAX_LINE 4096
#define SH_SDP_MAX_MEDIA 64
#define SH_SDP_MAX_CODECS 256

#define SH_SDP_ERROR (sh_sdp_error_quark ())
GQuark sh_sdp_error_quark (void);

/* One code per class of malformed input, so callers and tests can tell
 * them apart without matching messages. */
typedef enum {
  SH_SDP_ERROR_EMPTY,       /* no text at all */
  SH_SDP_ERROR_TOO_LARGE,   /* input, line, m-sections or codecs over a limit */
  SH_SDP_ERROR_ENCODING,    /* NUL or control bytes, invalid UTF-8, CR-only line endings */
  SH_SDP_ERROR_SYNTAX,      /* a line that is not "x=value", or a malformed value */
  SH_SDP_ERROR_ORDER,       /* v= not first, o= not second, m= before the session lines */
  SH_SDP_ERROR_VALUE,       /* a number out of range: version, port, ssrc, extmap id */
  SH_SDP_ERROR_PAYLOAD,     /* payload type over 127, duplicated, or not in the m= line */
  SH_SDP_ERROR_MISSING,     /* a required line or attribute is absent (s=, t=, ice-ufrag) */
  SH_SDP_ERROR_FINGERPRINT, /* a=fingerprint with bad hex or the wrong length */
  SH_SDP_ERROR_MID,         /* duplicate mid, or a group naming an unknown mid */
} ShSdpError;

typedef enum {
  SH_SDP_DIRECTION_NONE = 0, /* no direction attribute (sendrecv by default) */
  SH_SDP_DIRECTION_SENDRECV,
  SH_SDP_DIRECTION_SENDONLY,
  SH_SDP_DIRECTION_RECVONLY,
  SH_SDP_DIRECTION_INACTIVE,
} ShSdpDirection;

typedef enum {
  SH_SDP_SETUP_NONE = 0,
  SH_SDP_SETUP_ACTPASS,
  SH_SDP_SETUP_ACTIVE,
  SH_SDP_SETUP_PASSIVE,
  SH_SDP_SETUP_HOLDCONN,
} ShSdpSetup;

/* An attribute kept as text: "a=name" (value NULL) or "a=name:value". */
typedef struct {
  char *name;
  char *value; /* nullable */
} ShSdpAttribute;

/* A non-attribute line kept as text (i=, u=, e=, p=, b=, k=, r=, z=, extra t=). */
typedef struct {
  char type;
  char *value;
} ShSdpLine;

typedef struct {
  char *username;
  char *session_id; /* digits, kept as text: browsers use up to 64 bits */
  guint64 session_version;
  char *nettype;
  char *addrtype;
  char *address;
} ShSdpOrigin;

/* a=group:SEMANTICS mid... */
typedef struct {
  char *semantics;
  GPtrArray *mids; /* char* */
} ShSdpGroup;

/* a=fingerprint:HASH XX:XX:... */
typedef struct {
  char *hash; /* as written, e.g. "sha-256" */
  guint8 value[64];
  gsize length;
} ShSdpFingerprint;

/* One payload type of an m= line with its rtpmap, fmtp and rtcp-fb. */
typedef struct {
  guint8 pt;
  char *name;         /* NULL when there is no a=rtpmap (static payload types) */
  guint clock_rate;   /* 0 when there is no a=rtpmap */
  guint channels;     /* 0 when absent */
  char *fmtp;         /* nullable: the parameters after "a=fmtp:PT " */
  GPtrArray *rtcp_fb; /* char*: "nack", "nack pli", "transport-cc", ... */
} ShSdpCodec;

typedef struct {
  guint id;                 /* 1-255 (RFC 8285) */
  ShSdpDirection direction; /* NONE when the id has no "/direction" */
  char *uri;
  char *extra; /* nullable: extension attributes after the URI */
} ShSdpExtmap;

typedef struct {
  guint32 ssrc;
  char *cname;           /* nullable */
  char *msid;            /* nullable */
  GPtrArray *attributes; /* ShSdpAttribute: other "a=ssrc:N name:value" lines */
} ShSdpSsrc;

typedef struct {
  char *semantics; /* "FID", "SIM", ... */
  GArray *ssrcs;   /* guint32 */
} ShSdpSsrcGroup;

typedef enum {
  SH_SDP_RID_SEND,
  SH_SDP_RID_RECV,
} ShSdpRidDirection;

/* a=rid:ID send|recv [pt=96,97;max-width=1280;...] (RFC 8851) */
typedef struct {
  char *id;
  ShSdpRidDirection direction;
  GArray *payload_types; /* guint8, from pt=; empty when absent */
  GPtrArray *params;     /* ShSdpAttribute, in order, pt= included */
} ShSdpRid;

typedef struct {
  char *rid;
  gboolean paused; /* written "~rid" */
} ShSdpSimulcastRid;

/* a=simulcast:send q;h,x;~f recv r (RFC 8853). Each list holds streams
 * (separated by ';'); each stream is a GPtrArray of ShSdpSimulcastRid
 * alternatives (separated by ','). */
typedef struct {
  GPtrArray *send; /* GPtrArray* of ShSdpSimulcastRid*; empty when absent */
  GPtrArray *recv;
  gboolean recv_first; /* "recv" was written before "send" */
} ShSdpSimulcast;

/* a=candidate: the text as received plus a small parsed form. */
typedef struct {
  char *text; /* the value after "candidate:" */
  char *foundation;
  guint component;
  char *transport; /* "udp", "tcp", as written */
  guint32 priority;
  char *address;
  guint port;
  char *type;  /* "host", "srflx", "prflx", "relay" */
  char *raddr; /* nullable */
  guint rport;
  gboolean mdns; /* address is an mDNS ".local" host name */
} ShSdpCandidate;

typedef struct {
  char *kind; /* "audio", "video", "application", ... */
  guint port;
  guint port_count; /* 0 when the m= port has no "/count" */
  char *proto;
  gboolean rtp;       /* proto is an RTP profile: formats are payload types */
  GPtrArray *codecs;  /* ShSdpCodec, in m= order (RTP protos) */
  GPtrArray *formats; /* char*, the m= formats of non-RTP protos */
  char *connection;   /* nullable: c= value */
  GPtrArray *lines;   /* ShSdpLine: i=, b=, k= */
  char *mid;          /* nullable */
  ShSdpDirection direction;
  char *msid;                /* nullable: a=msid value, "stream track" */
  GPtrArray *ssrcs;          /* ShSdpSsrc, in order of first appearance */
  GPtrArray *ssrc_groups;    /* ShSdpSsrcGroup */
  GPtrArray *extmaps;        /* ShSdpExtmap */
  GPtrArray *rtcp_fb_any;    /* char*: values of "a=rtcp-fb:* ..." */
  GPtrArray *rids;           /* ShSdpRid */
  ShSdpSimulcast *simulcast; /* nullable */
  char *ice_ufrag;           /* nullable */
  char *ice_pwd;             /* nullable */
  char *ice_options;         /* nullable */
  GPtrArray *fingerprints;   /* ShSdpFingerprint */
  ShSdpSetup setup;
  GPtrArray *candidates; /* ShSdpCandidate */
  gboolean end_of_candidates;
  gboolean rtcp_mux;
  gboolean rtcp_rsize;
  gboolean bundle_only;
  GPtrArray *attributes; /* ShSdpAttribute: everything else, in order */
} ShSdpMedia;

typedef struct {
  ShSdpOrigin origin;
  char *session_name;
  char *timing;        /* t= value */
  char *connection;    /* nullable: session-level c= */
  GPtrArray *lines;    /* ShSdpLine: i=, u=, e=, p=, b=, r=, z=, k=, further t= */
  GPtrArray *groups;   /* ShSdpGroup */
  char *msid_semantic; /* nullable: value of a=msid-semantic, e.g. "WMS *" */
  gboolean extmap_allow_mixed;
  gboolean ice_lite;
  char *ice_ufrag;         /* nullable */
  char *ice_pwd;           /* nullable */
  char *ice_options;       /* nullable */
  GPtrArray *fingerprints; /* ShSdpFingerprint */
  ShSdpSetup setup;
  ShSdpDirection direction;
  GPtrArray *attributes; /* ShSdpAttribute: everything else, in order */
  GPtrArray *media;      /* ShSdpMedia */
} ShSdp;

/* Parses LENGTH bytes of TEXT (borrowed; it need not be NUL-terminated, and
 * a NUL inside is an error). Lines may end in CRLF or LF.
 * Returns: (transfer full) the model, or NULL with ERROR set. */
ShSdp *sh_sdp_parse (const char *text, gsize length, GError **error);

/* Writes SDP with CRLF line endings. Returns: (transfer full). */
char *sh_sdp_to_string (const ShSdp *sdp);

/* Constructors for building SDP in code (answers, server offers). Every
 * array is created empty; strings are NULL. Returns: (transfer full). */
ShSdp *sh_sdp_new (void);
ShSdpMedia *sh_sdp_media_new (const char *kind, guint port, const char *proto);
ShSdpCodec *sh_sdp_codec_new (guint8 pt, const char *name, guint clock_rate, guint channels,
                              const char *fmtp);
ShSdpExtmap *sh_sdp_extmap_new (guint id, const char *uri);
ShSdpSsrc *sh_sdp_ssrc_new (guint32 ssrc, const char *cname, const char *msid);
ShSdpSsrcGroup *sh_sdp_ssrc_group_new (const char *semantics);
ShSdpGroup *sh_sdp_group_new (const char *semantics);
ShSdpAttribute *sh_sdp_attribute_new (const char *name, const char *value);

void sh_sdp_free (ShSdp *sdp);
void sh_sdp_media_free (ShSdpMedia *media);
void sh_sdp_codec_free (ShSdpCodec *codec);
void sh_sdp_extmap_free (ShSdpExtmap *extmap);
void sh_sdp_ssrc_free (ShSdpSsrc *ssrc);
void sh_sdp_ssrc_group_free (ShSdpSsrcGroup *group);
void sh_sdp_group_free (ShSdpGroup *group);
void sh_sdp_rid_free (ShSdpRid *rid);
void sh_sdp_simulcast_free (ShSdpSimulcast *simulcast);
void sh_sdp_candidate_free (ShSdpCandidate *candidate);
void sh_sdp_fingerprint_free (ShSdpFingerprint *fingerprint);
void sh_sdp_attribute_free (ShSdpAttribute *attribute);
void sh_sdp_line_free (ShSdpLine *line);

/* Parses the value of an a=fingerprint attribute ("sha-256 AB:CD:...").
 * Returns: (transfer full) or NULL with ERROR (SH_SDP_ERROR_FINGERPRINT). */
ShSdpFingerprint *sh_sdp_fingerprint_parse (const char *value, GError **error);

/* Parses the value of a candidate attribute, with or without the leading
 * "candidate:". Returns: (transfer full) or NULL with ERROR
 * (SH_SDP_ERROR_SYNTAX or SH_SDP_ERROR_VALUE). */
ShSdpCandidate *sh_sdp_candidate_parse (const char *value, GError **error);

/* Lookups. Returns: (transfer none) or NULL when absent. */
ShSdpCodec *sh_sdp_media_find_codec (const ShSdpMedia *media, guint pt);
ShSdpMedia *sh_sdp_find_media (const ShSdp *sdp, const char *mid);
ShSdpGroup *sh_sdp_find_group (const ShSdp *sdp, const char *semantics);
const char *sh_sdp_media_get_attribute (const ShSdpMedia *media, const char *name);

/* Effective transport values: the media's own, else the session's. */
const char *sh_sdp_media_ice_ufrag (const ShSdp *sdp, const ShSdpMedia *media);
const char *sh_sdp_media_ice_pwd (const ShSdp *sdp, const ShSdpMedia *media);
const ShSdpFingerprint *sh_sdp_media_fingerprint (const ShSdp *sdp, const ShSdpMedia *media);
ShSdpSetup sh_sdp_media_setup (const ShSdp *sdp, const ShSdpMedia *media);
ShSdpDirection sh_sdp_media_direction (const ShSdp *sdp, const ShSdpMedia *media);

/* Parses LINE ("candidate:..." or "a=candidate:...") and appends it to
 * MEDIA (trickle ICE). Returns FALSE with ERROR when it does not parse. */
gboolean sh_sdp_media_add_candidate (ShSdpMedia *media, const char *line, GError **error);

/* "sendrecv", "sendonly", ... ; NULL for NONE. Returns: (transfer none). */
const char *sh_sdp_direction_to_string (ShSdpDirection direction);
/* "actpass", "active", ... ; NULL for NONE. Returns: (transfer none). */
const char *sh_sdp_setup_to_string (ShSdpSetup setup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdp, sh_sdp_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpMedia, sh_sdp_media_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpCodec, sh_sdp_codec_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpExtmap, sh_sdp_extmap_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpSsrc, sh_sdp_ssrc_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpSsrcGroup, sh_sdp_ssrc_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpGroup, sh_sdp_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpRid, sh_sdp_rid_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpSimulcast, sh_sdp_simulcast_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpCandidate, sh_sdp_candidate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpFingerprint, sh_sdp_fingerprint_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShSdpAttribute, sh_sdp_attribute_free)

G_END_DECLS
