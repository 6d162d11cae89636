/* Internal to the room (sfu-room.c: participants and their connections;
 * sfu-offer.c: offers to subscribers; sfu-track.c: tracks, forwarding and
 * feedback; sfu-reports.c: RTCP reports; tap.c: track taps).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sanhui-media.h"
#include "keyframe-limiter.h"
#include "nack-generator.h"
#include "packet-cache.h"
#include "rewriter.h"
#include "rtcp-reports.h"
#include "rtp-stats.h"
#include "speaker.h"
#include "twcc-recorder.h"

typedef struct _Participant Participant;
typedef struct _UpTrack UpTrack;
typedef struct _DownTrack DownTrack;

struct _ShMediaRoom {
  ShMediaEngine *engine; /* borrowed */
  guint worker;
  GMainContext *context; /* borrowed from the worker */
  ShMediaRoomCallbacks callbacks;
  gpointer user_data;
  GHashTable *participants; /* guint64 id → Participant (owned) */
  ShSpeaker *speaker;
  guint timer;
  guint ticks;
  guint64 next_track;
  guint32 server_ssrc; /* sender SSRC of the feedback the room sends publishers */
  gboolean closing;    /* no renegotiation while everything is torn down */
  gboolean deferring;  /* offers wait until a batch of track changes is done */
  ShMediaRoomStats stats;
  guint64 forwarded_counted; /* of stats.forwarded_packets, added to the engine's count */
  GPtrArray *taps;           /* ShMediaTap (a reference each), tap.c */
};

struct _Participant {
  ShMediaRoom *room;
  guint64 id;
  ShPeer *publish;        /* NULL until the first offer */
  ShPeer *subscribe;      /* the server offers on it */
  GPtrArray *ups;         /* UpTrack (owned): what this participant publishes */
  GPtrArray *downs;       /* DownTrack (owned): what they receive, in offer order */
  gboolean offer_pending; /* an offer was sent and is not answered yet */
  gboolean renegotiate;   /* tracks changed while an offer was pending */
  gboolean needs_offer;   /* tracks changed during a deferred batch */
  gboolean audio_allowed, video_allowed;
  gboolean receive_cameras; /* FALSE: the others' cameras are not sent (audio only) */
  char *screen_mid;         /* the publish section that is a screen share, or NULL */
  ShSpeakerHandle speaker;
  guint64 received;
  gboolean camera_live; /* told through callbacks.camera */
  /* Our wall clock minus the publisher's, from their first sender report:
   * one value for all their streams keeps their audio and video in sync. */
  gboolean clock_offset_valid;
  gint64 clock_offset_us;
  /* Arrivals of the publish connection's transport-wide sequence numbers:
   * the feedback browsers size their sending bitrate from. */
  ShTwccRecorder *twcc;
  /* Forwarded packets are rewritten here, one at a time. */
  guint8 tx[SH_PEER_PACKET_CAPACITY];
};

struct _UpTrack {
  Participant *publisher; /* owner */
  guint64 id;             /* unique in the room */
  char *mid;              /* in the publish connection */
  char *kind;             /* "audio" / "video" */
  char *codec;            /* "opus", "VP8", "H264" */
  ShRewriterCodec rewriter_codec;
  guint8 pt, rtx_pt;
  guint32 clock_rate;
  guint8 audio_level_id;
  guint8 transport_cc_id;
  guint8 mid_id;         /* the mid header extension's id; 0: none */
  gboolean screen;       /* a screen share, not a camera */
  gint64 last_packet_us; /* of the last new packet; 0: none yet */
  guint32 signaled_ssrc; /* what the publisher's offer announced; 0: not said */
  guint32 signaled_rtx_ssrc;
  guint32 src_ssrc; /* learned from the first packet; 0 until then */
  guint32 src_rtx_ssrc;
  gboolean allowed;
  ShKeyframeLimiter keyframes;
  ShNackGenerator *nacks; /* video only */
  ShRtpRecvStats recv;    /* for receiver reports and the source's SR */
  GPtrArray *downs;       /* DownTrack (borrowed from the subscribers) */
};

struct _DownTrack {
  Participant *subscriber; /* owner */
  UpTrack *up;             /* NULL once the publisher left: the section goes inactive */
  char *mid;               /* in the subscribe connection */
  const char *kind;        /* static string */
  const char *codec;       /* static string */
  char *stream_id, *track_id;
  guint32 ssrc, rtx_ssrc;
  guint8 pt;
  gboolean offered;    /* in an offer already sent */
  gboolean negotiated; /* the subscriber answered an offer with it */
  ShRewriter rewriter;
  ShPacketCache *cache;
  ShRtpSendStats sent;
  guint32 ts_offset; /* out timestamp - source timestamp, for sender reports */
};

/* sfu-offer.c */
void sh_room_renegotiate (Participant *p);
/* Batches track changes: offers asked for between begin and end go out
 * once each, at the end. */
void sh_room_defer_offers (ShMediaRoom *room);
void sh_room_send_deferred_offers (ShMediaRoom *room);

/* sfu-room.c */
void sh_room_participant_free (gpointer data);

/* sfu-track.c */
void sh_room_sync_up_tracks (Participant *publisher, gint64 now);
DownTrack *sh_room_down_new (UpTrack *up, Participant *subscriber, gint64 now);
void sh_room_down_restart (DownTrack *down, gint64 now);
void sh_room_up_free (gpointer data);
void sh_room_down_free (gpointer data);
void sh_room_up_set_allowed (UpTrack *up, gboolean allowed, gint64 now);
void sh_room_up_service (UpTrack *up, gint64 now);
/* Transport-wide feedback to the publisher, when some is waiting. */
void sh_room_publisher_service (Participant *publisher);
void sh_room_forward_rtp (Participant *publisher, guint8 *buf, gsize len, gint64 now);
void sh_room_subscriber_feedback (Participant *subscriber, const guint8 *buf, gsize len,
                                  gint64 now);
/* Tells callbacks.camera when the publisher's camera starts carrying
 * packets or has carried none for SH_MEDIA_CAMERA_IDLE_US. */
void sh_room_camera_service (Participant *publisher, gint64 now);

/* sfu-reports.c: RTCP reports, on the wall clock (RFC 3550 needs NTP time). */
/* A publisher's RTCP: sender reports of their streams. */
void sh_room_publisher_rtcp (Participant *publisher, const guint8 *buf, gsize len);
/* Receiver reports to publishers, sender reports to subscribers. */
void sh_room_send_reports (ShMediaRoom *room);

/* tap.c: the room's side of its taps. Each only copies into the taps'
 * queues; the callbacks run later, from each tap's own source. */
void sh_room_taps_track_added (ShMediaRoom *room, const UpTrack *up);
void sh_room_taps_track_removed (ShMediaRoom *room, const UpTrack *up);
void sh_room_taps_rtp (ShMediaRoom *room, const UpTrack *up, const guint8 *buf, gsize len,
                       gint64 now);
void sh_room_taps_sender_report (ShMediaRoom *room, const UpTrack *up, const ShRtcpSr *sr,
                                 gint64 now);
/* The room is being freed: its taps drain what they hold, then let go. */
void sh_room_taps_close (ShMediaRoom *room);
