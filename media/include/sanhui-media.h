/* sanhui-media.h — the media plane: worker threads, and WebRTC peer
 * connections on the server's own stack (ICE on libnice, DTLS on OpenSSL,
 * SRTP on libsrtp2). Knows nothing about Party meetings or the database.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fixed set of worker threads, each running its own GMainContext. A
 * meeting is pinned to one worker, and everything on its packet path is
 * attached to that context, so forwarding takes no lock. */
typedef struct _ShMediaWorkers ShMediaWorkers;

/* Starts @n_workers threads (0: one per online CPU). Returns: (transfer full). */
ShMediaWorkers *sh_media_workers_new (guint n_workers);

/* Stops every loop after the work already queued and joins the threads. */
void sh_media_workers_free (ShMediaWorkers *workers);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaWorkers, sh_media_workers_free)

guint sh_media_workers_count (ShMediaWorkers *workers);

/* The worker's context. Returns: (transfer none). */
GMainContext *sh_media_workers_context (ShMediaWorkers *workers, guint index);

/* Chooses the worker with the fewest pinned tasks and counts one more on it;
 * sh_media_workers_unpin() gives it back. */
guint sh_media_workers_pin (ShMediaWorkers *workers);
void sh_media_workers_unpin (ShMediaWorkers *workers, guint index);
guint sh_media_workers_pinned (ShMediaWorkers *workers, guint index);

/* Runs @func on worker @index's thread (from any thread). */
void sh_media_workers_invoke (ShMediaWorkers *workers, guint index, GSourceFunc func, gpointer data,
                              GDestroyNotify notify);

/* ------------------------------------------------------------ engine */

/* What every peer connection shares: the workers, the DTLS certificate and
 * the ICE settings. */
typedef struct _ShMediaEngine ShMediaEngine;

typedef struct {
  guint n_workers;                     /* 0: one per CPU */
  const char *data_dir;                /* DTLS certificate kept here; NULL: a new one */
  const char *const *listen_addresses; /* numeric IPs for host candidates; NULL: all */
  guint port_min, port_max;            /* host candidate ports; 0, 0: any */
  const char *const *stun_servers;     /* "host:port" (numeric host); first one used */
  const char *const *turn_servers;     /* "turn:host:port?transport=udp" (numeric host) */
  const char *turn_secret;             /* coturn REST-API secret for time-limited users */
  guint ice_disconnected_ms;           /* silence watchdog; 0: defaults */
  guint ice_failed_ms;
} ShMediaEngineConfig;

/* Returns: (transfer full), or NULL with @error set (bad address, the
 * certificate cannot be read or made). */
ShMediaEngine *sh_media_engine_new (const ShMediaEngineConfig *config, GError **error);
void sh_media_engine_free (ShMediaEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaEngine, sh_media_engine_free)

/* Returns: (transfer none). */
ShMediaWorkers *sh_media_engine_workers (ShMediaEngine *engine);
/* "sha-256 AB:CD:..." as SDP writes it. Returns: (transfer none). */
const char *sh_media_engine_fingerprint (ShMediaEngine *engine);
/* RTP packets all rooms have sent to subscribers, from any thread. Rooms
 * add theirs on their 20 ms timer and when they close, so the figure lags
 * the packet path by at most one tick. */
guint64 sh_media_engine_forwarded_packets (ShMediaEngine *engine);

/* ------------------------------------------------------ peer connection */

/* One WebRTC peer connection (BUNDLE, rtcp-mux, one ICE component). Every
 * function and callback runs on the context of the worker it was created
 * for; nothing here is thread-safe, and nothing needs to be. */
typedef struct _ShPeer ShPeer;

#define SH_PEER_ERROR (sh_peer_error_quark ())
GQuark sh_peer_error_quark (void);

typedef enum {
  SH_PEER_ERROR_SDP,         /* the remote description cannot be parsed */
  SH_PEER_ERROR_UNSUPPORTED, /* nothing in it can be accepted */
  SH_PEER_ERROR_STATE,       /* not possible now */
  SH_PEER_ERROR_CANDIDATE,   /* a remote candidate cannot be used */
  SH_PEER_ERROR_TRANSPORT,   /* ICE or DTLS could not be set up */
} ShPeerError;

typedef enum {
  SH_PEER_STATE_NEW,
  SH_PEER_STATE_CONNECTING, /* ICE checking or DTLS handshake */
  SH_PEER_STATE_CONNECTED,  /* SRTP keys in place: media flows */
  SH_PEER_STATE_DISCONNECTED,
  SH_PEER_STATE_FAILED,
  SH_PEER_STATE_CLOSED,
} ShPeerState;

const char *sh_peer_state_to_string (ShPeerState state);

/* Room a packet buffer passed to sh_peer_send_rtp/rtcp needs beyond the
 * packet, and the size of the buffers the rtp/rtcp callbacks hand out. */
#define SH_PEER_TRAILER_ROOM 148
#define SH_PEER_PACKET_CAPACITY 1600

typedef struct {
  /* A local candidate ("candidate:..." without "a="), or NULL once
   * gathering is done (send end-of-candidates). */
  void (*local_candidate) (ShPeer *peer, const char *candidate, gpointer user_data);
  void (*state_changed) (ShPeer *peer, ShPeerState state, gpointer user_data);
  /* A decrypted RTP packet in a buffer of SH_PEER_PACKET_CAPACITY bytes that
   * the callee may rewrite and pass to sh_peer_send_rtp() (of any peer on
   * the same worker) before returning. */
  void (*rtp) (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data);
  /* A decrypted compound RTCP packet, the same way. */
  void (*rtcp) (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data);
} ShPeerCallbacks;

/* What the server will do with each kind of media in an offer. */
typedef enum {
  SH_PEER_MEDIA_RECEIVE = 1 << 0, /* accept what the browser sends */
  SH_PEER_MEDIA_SEND = 1 << 1,    /* send media of this kind to the browser */
} ShPeerMediaUse;

/* A media section the answer accepted. */
typedef struct {
  char *mid;
  char *kind;          /* "audio" or "video" */
  guint8 payload_type; /* the chosen codec */
  char *codec;         /* "opus", "VP8", "H264" */
  guint clock_rate;
  guint8 rtx_payload_type; /* 0: none */
  guint32 local_ssrc;      /* what the server sends with, 0 when it does not send */
  guint32 local_rtx_ssrc;
  guint8 audio_level_id;   /* the ssrc-audio-level header extension's id; 0: none */
  guint8 transport_cc_id;  /* the transport-wide sequence number extension's id; 0: none */
  guint8 mid_id;           /* the mid header extension's id; 0: none */
  guint32 remote_ssrc;     /* what the browser announced it sends with (a=ssrc); 0: not said */
  guint32 remote_rtx_ssrc; /* its RTX stream (a=ssrc-group:FID); 0: none or not said */
  gboolean receives;       /* the browser sends this section to the server */
  gboolean sends;          /* the server sends this section to the browser */
} ShPeerMedia;

typedef struct {
  ShPeerState state;
  const char *ice_state;    /* transfer none, static */
  const char *dtls_state;   /* transfer none, static */
  const char *srtp_profile; /* transfer none, static; "none" before keys */
  char selected_local[72];  /* "address:port typ host", empty before ICE */
  char selected_remote[72];
  guint64 rx_packets, rx_bytes, tx_packets, tx_bytes;
  guint64 rx_dropped; /* failed unprotect, unknown first byte */
} ShPeerInfo;

/* Creates a peer on worker @worker of the engine's workers; call it on that
 * worker's thread (sh_media_workers_invoke). @controlling: TRUE when the
 * server offers (subscribe connections), FALSE when it answers.
 * Returns: (transfer full). */
ShPeer *sh_peer_new (ShMediaEngine *engine, guint worker, gboolean controlling,
                     const ShPeerCallbacks *callbacks, gpointer user_data, GError **error);

/* Makes this end the DTLS client whichever side offers: its answers say
 * a=setup:active and the answers it applies must say a=setup:passive. The
 * server never does this (it is always the DTLS server); clients of the
 * server built on this stack do (tools/loadbot). Call it before the first
 * offer or answer. */
void sh_peer_set_dtls_active (ShPeer *peer, gboolean active);

/* Accepts a remote offer. @audio and @video say what the server does with
 * each kind; sections of other kinds, or without a codec the server
 * supports, are refused (port 0). The first offer starts ICE gathering
 * (local candidates come through the callback); a later one renegotiates on
 * the same transport, keeping the SSRCs of the sections it had, and restarts
 * ICE when its credentials are new. Returns: (transfer full) the answer SDP. */
char *sh_peer_accept_offer (ShPeer *peer, const char *offer, ShPeerMediaUse audio,
                            ShPeerMediaUse video, GError **error);

/* One section of an offer the server makes (subscribe connections): what
 * it will send. Borrowed for the call. */
typedef struct {
  const char *kind;      /* "audio" or "video" */
  const char *mid;       /* unique within the connection, kept across offers */
  gboolean active;       /* FALSE: the section stays but is inactive (a track that left) */
  guint32 ssrc;          /* the server's SSRC for it; 0: nothing to send yet */
  guint32 rtx_ssrc;      /* video: its RTX stream; 0: none */
  const char *stream_id; /* msid stream (the publisher) */
  const char *track_id;  /* msid track */
  const char *codec;     /* offer only this codec ("VP8", "H264"); NULL: every one */
} ShPeerOfferSection;

/* Makes (or, once connected, renews) the server's offer with @sections in
 * order; a renewed offer must list every earlier section first. The first
 * offer starts ICE gathering. The payload types are the server's: Opus 111,
 * VP8 96 with RTX 97, H.264 102 with RTX 103. Returns: (transfer full). */
char *sh_peer_create_offer (ShPeer *peer, const ShPeerOfferSection *sections, guint n_sections,
                            GError **error);

/* Checks and applies the browser's answer to the last offer; the first
 * answer starts DTLS with the server as DTLS server. */
gboolean sh_peer_apply_answer (ShPeer *peer, const char *answer, GError **error);

/* The accepted sections after sh_peer_accept_offer(), in SDP order.
 * Returns: (transfer none) (element-type ShPeerMedia). */
GPtrArray *sh_peer_get_media (ShPeer *peer);

/* A trickled remote candidate ("candidate:..." with or without "a="); NULL
 * or "" for end-of-candidates. */
gboolean sh_peer_add_remote_candidate (ShPeer *peer, const char *candidate, GError **error);

/* Protects the packet in @buf (of @capacity bytes, at least @len +
 * SH_PEER_TRAILER_ROOM) in place and sends it. Returns FALSE when it could
 * not be sent (not connected, no room, the network refused): media is
 * best-effort, so there is no GError on this path. */
gboolean sh_peer_send_rtp (ShPeer *peer, guint8 *buf, gsize len, gsize capacity);
gboolean sh_peer_send_rtcp (ShPeer *peer, guint8 *buf, gsize len, gsize capacity);

void sh_peer_get_info (ShPeer *peer, ShPeerInfo *info);
ShPeerState sh_peer_get_state (ShPeer *peer);

/* Sends DTLS close_notify when connected and releases everything; no
 * callback runs after this returns. Call it on the peer's worker. */
void sh_peer_free (ShPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShPeer, sh_peer_free)

/* --------------------------------------------------------------- room */

/* The selective forwarding unit of one meeting: every participant publishes
 * on one connection (the browser offers) and receives everyone else's
 * tracks on another (the server offers, and offers again when tracks come
 * and go). Runs on one worker like a peer; so do its callbacks. */
typedef struct _ShMediaRoom ShMediaRoom;

typedef enum {
  SH_MEDIA_LEG_PUBLISH,
  SH_MEDIA_LEG_SUBSCRIBE,
} ShMediaLeg;

const char *sh_media_leg_to_string (ShMediaLeg leg); /* "publish", "subscribe" */

typedef struct {
  /* A local candidate of a participant's connection, NULL at the end. */
  void (*candidate) (ShMediaRoom *room, guint64 participant, ShMediaLeg leg, const char *candidate,
                     gpointer user_data);
  /* The participant's subscribe connection has a new offer to answer. */
  void (*subscribe_offer) (ShMediaRoom *room, guint64 participant, const char *sdp,
                           gpointer user_data);
  void (*state) (ShMediaRoom *room, guint64 participant, ShMediaLeg leg, ShPeerState state,
                 gpointer user_data);
  /* The dominant speaker changed; @has_speaker FALSE: nobody speaks. */
  void (*active_speaker) (ShMediaRoom *room, gboolean has_speaker, guint64 participant,
                          gpointer user_data);
  /* The participant's camera (a published video section other than the
   * screen share) carries packets (@live: the first after none), or has
   * carried none for SH_MEDIA_CAMERA_IDLE_US. What the publish connection
   * receives, forwarded or not: attendance tells video from audio-only by
   * it, not by what the page says. */
  void (*camera) (ShMediaRoom *room, guint64 participant, gboolean live, gpointer user_data);
} ShMediaRoomCallbacks;

/* A camera without packets for this long is idle (a camera turned off
 * stops sending; a live one sends several frames a second). */
#define SH_MEDIA_CAMERA_IDLE_US (3 * G_USEC_PER_SEC)

/* Returns: (transfer full). Call on the worker's thread. */
ShMediaRoom *sh_media_room_new (ShMediaEngine *engine, guint worker,
                                const ShMediaRoomCallbacks *callbacks, gpointer user_data);
void sh_media_room_free (ShMediaRoom *room);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaRoom, sh_media_room_free)

/* Adds a participant (@participant is the caller's id, not 0) and their
 * subscribe connection; an offer follows as soon as there is something to
 * receive. */
gboolean sh_media_room_join (ShMediaRoom *room, guint64 participant, GError **error);
/* Closes both connections and takes the participant's tracks away from
 * everyone else. */
void sh_media_room_leave (ShMediaRoom *room, guint64 participant);

/* The participant's offer on their publish connection (the first, or a
 * renegotiation adding or removing a track). Returns: (transfer full) the
 * answer. */
char *sh_media_room_publish (ShMediaRoom *room, guint64 participant, const char *offer,
                             GError **error);
/* The answer to the last subscribe offer. */
gboolean sh_media_room_subscribe_answer (ShMediaRoom *room, guint64 participant, const char *answer,
                                         GError **error);
gboolean sh_media_room_add_candidate (ShMediaRoom *room, guint64 participant, ShMediaLeg leg,
                                      const char *candidate, GError **error);

/* Whether the participant's tracks of @kind ("audio", "video") reach the
 * others: FALSE while muted by the chair, or not allowed to publish in
 * lesson mode. The server stops forwarding; it does not trust the page. */
void sh_media_room_set_forwarding (ShMediaRoom *room, guint64 participant, const char *kind,
                                   gboolean allowed);

/* Which of the participant's publish sections (by mid) is a screen share
 * rather than a camera; NULL: none. Takes effect at the next publish. */
void sh_media_room_set_screen_mid (ShMediaRoom *room, guint64 participant, const char *mid);

/* Whether the participant receives the others' cameras. On a weak network
 * a member listens (and still sees shared screens) without the cameras'
 * bitrate; turning them back on starts each from a keyframe. */
void sh_media_room_set_receive_cameras (ShMediaRoom *room, guint64 participant, gboolean receive);

typedef struct {
  guint64 forwarded_packets; /* RTP packets sent to subscribers */
  guint64 forwarded_bytes;
  guint64 blocked_packets;   /* not forwarded: muted or not allowed */
  guint64 retransmitted;     /* RTX answers to subscribers' NACKs */
  guint64 keyframe_requests; /* PLI/FIR sent to publishers */
  guint64 nacks_sent;        /* NACK packets sent to publishers */
} ShMediaRoomStats;

void sh_media_room_get_stats (ShMediaRoom *room, ShMediaRoomStats *stats);
/* RTP packets received from @participant's publish connection. */
guint64 sh_media_room_received_packets (ShMediaRoom *room, guint64 participant);

/* ---------------------------------------------------------------- tap */

/* A track tap: what a recorder (or any other consumer of a room's media)
 * receives of one room, without being a participant: each published track
 * as it comes and goes, its decrypted RTP as the publisher sent it, the
 * publisher's sender reports for lip sync, and a way to ask for keyframes.
 *
 * Threads: callbacks run on the room's worker thread, from a low-priority
 * source of their own, never from inside the packet path. The packet path
 * only copies into the tap's bounded queue; when the queue is full, RTP
 * packets and sender reports are dropped and counted per track, so a tap
 * slower than the media it taps loses packets but never holds forwarding
 * back. Track added and track removed are never dropped. A callback still
 * holds the worker while it runs (as every callback on a worker does): it
 * must not block; blocking work (disk, encoding) belongs on a thread of the
 * tap's own. See docs/media.md, "The track tap". */
typedef struct _ShMediaTap ShMediaTap;

/* The version of ShMediaTapCallbacks this header describes. A later
 * version only adds members at the end. */
#define SH_MEDIA_TAP_VERSION 1

typedef enum {
  SH_MEDIA_TRACK_MICROPHONE,
  SH_MEDIA_TRACK_CAMERA,
  SH_MEDIA_TRACK_SCREEN, /* the publish section named by sh_media_room_set_screen_mid() */
} ShMediaTrackKind;

const char *sh_media_track_kind_to_string (ShMediaTrackKind kind); /* "microphone", ... */

/* A published track, borrowed for the callback. */
typedef struct {
  guint64 track;     /* unique in the room, never reused */
  guint64 publisher; /* the participant's id */
  const char *mid;   /* of the section in the publish connection */
  ShMediaTrackKind kind;
  const char *codec; /* "opus", "VP8", "H264" */
  guint clock_rate;
  guint8 payload_type;     /* the publisher's, as in the RTP packets */
  guint8 rtx_payload_type; /* 0: none; retransmissions reach the tap unwrapped */
  /* Announced in the publisher's offer, or learned from a packet; 0: not
   * known yet (the RTP packets carry it). */
  guint32 ssrc;
} ShMediaTapTrack;

/* A publisher's RTCP sender report for one track (RFC 3550 6.4.1). */
typedef struct {
  guint32 ssrc;
  guint64 ntp_timestamp; /* the publisher's wall clock, NTP format */
  guint32 rtp_timestamp; /* the same instant on the track's media clock */
  guint32 packet_count;
  guint32 octet_count;
  gint64 arrival_us; /* g_get_monotonic_time() when the room received it */
} ShMediaTapSenderReport;

typedef struct {
  guint version; /* SH_MEDIA_TAP_VERSION */
  /* A track is published; on registration, once for every track already
   * there. Comes before any of its packets. */
  void (*track_added) (ShMediaTap *tap, const ShMediaTapTrack *track, gpointer user_data);
  /* One decrypted RTP packet of @track as the publisher sent it (its SSRC,
   * sequence number, timestamp, payload type and header extensions), in
   * arrival order; a retransmission the room asked for arrives unwrapped,
   * as the packet it replaces. @arrival_us: g_get_monotonic_time() when the
   * room received it. Packets the room does not forward (muted by the
   * chair, not allowed in lesson mode) do not reach taps either. */
  void (*rtp) (ShMediaTap *tap, guint64 track, const guint8 *packet, gsize len, gint64 arrival_us,
               gpointer user_data);
  void (*sender_report) (ShMediaTap *tap, guint64 track, const ShMediaTapSenderReport *report,
                         gpointer user_data);
  /* The publisher stopped the track or left, or the room was freed. The
   * last callback about @track. */
  void (*track_removed) (ShMediaTap *tap, guint64 track, gpointer user_data);
} ShMediaTapCallbacks;

/* A tap on no room yet. Any thread. @max_queued: RTP packets and sender
 * reports waiting for the callbacks before new ones are dropped (0: 512).
 * @destroy(@user_data) runs once, when no callback can run any more: on
 * the worker, or in the last sh_media_tap_unref(). Returns: (transfer full). */
ShMediaTap *sh_media_tap_new (const ShMediaTapCallbacks *callbacks, guint max_queued,
                              gpointer user_data, GDestroyNotify destroy);
/* Any thread. Returns: (transfer full) @tap. */
ShMediaTap *sh_media_tap_ref (ShMediaTap *tap);
void sh_media_tap_unref (ShMediaTap *tap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShMediaTap, sh_media_tap_unref)

/* Puts @tap on @room (the room takes a reference). Call on the room's
 * worker (from the main thread: sh_media_workers_invoke()). Fails with
 * SH_PEER_ERROR_STATE when the tap is, or was, on a room already, or is
 * closed. */
gboolean sh_media_room_add_tap (ShMediaRoom *room, ShMediaTap *tap, GError **error);

/* Unregisters: no callback starts after this returns, what is queued is
 * dropped, and the room lets the tap go at its worker's next turn. Any
 * thread, also from inside one of the tap's own callbacks; a callback
 * running on the worker at that moment finishes first. Idempotent. */
void sh_media_tap_close (ShMediaTap *tap);

/* Asks @track's publisher for a keyframe (PLI) on behalf of the tap,
 * through the room's keyframe limiter, as a subscriber's request would.
 * Call on the room's worker (a callback is). Returns FALSE when @track is
 * not a video track of the tap's room or the tap is closed. */
gboolean sh_media_tap_request_keyframe (ShMediaTap *tap, guint64 track);

typedef struct {
  guint64 delivered;         /* RTP packets handed to the rtp callback */
  guint64 dropped;           /* RTP packets dropped: the queue was full */
  guint64 reports_delivered; /* sender reports handed to the callback */
  guint64 reports_dropped;
} ShMediaTapTrackStats;

typedef struct {
  ShMediaTapTrackStats total; /* over every track the tap has seen */
  guint queued;               /* RTP packets and reports waiting now */
  guint max_queued;           /* the most that ever waited */
} ShMediaTapStats;

/* Call on the room's worker (or after the tap was closed and its room
 * freed). sh_media_tap_get_track_stats() returns FALSE for a track the tap
 * never saw; a removed track's figures stay. */
void sh_media_tap_get_stats (ShMediaTap *tap, ShMediaTapStats *stats);
gboolean sh_media_tap_get_track_stats (ShMediaTap *tap, guint64 track, ShMediaTapTrackStats *stats);

G_END_DECLS
