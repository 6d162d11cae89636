/* A room on a real worker with two clients built on ShPeer, for the tests
 * of the room's packet path (test-sfu-track.c, test-sfu-reports.c): no
 * signaling and no browser. The publisher offers sendonly Opus + VP8 and
 * sends synthetic RTP (30 video packets/s, one per frame, and 50 audio
 * packets/s) carrying the transport-wide sequence number when negotiated,
 * a sender report per stream every second; it answers PLIs with a keyframe
 * and NACKs for the packets it lost on purpose with RTX, as an encoder
 * would. The subscriber answers the room's offer as DTLS client, checks
 * every packet against that offer, and can drop video packets and NACK
 * them. Every payload ends with its source sequence number and timestamp
 * (SFU_MARK_LEN bytes), so the subscriber knows what it got.
 *
 * Everything runs on worker 0: the room, both clients, their timers and
 * callbacks. The test body posts calls there (sfu_bench_run) and reads the
 * copies a snapshot takes there (bench->p, bench->s, bench->stats).
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "media-fixture.h"
#include "rtcp.h"

#define SFU_PUBLISHER 1
#define SFU_SUBSCRIBER 2
/* The server's payload types (sh_peer_create_offer), which the publisher's
 * offer uses too. */
#define SFU_AUDIO_PT 111
#define SFU_VIDEO_PT 96
#define SFU_RTX_PT 97
#define SFU_MARK_LEN 6
#define SFU_DROP_EVERY 10 /* the subscriber drops every 10th video packet */
#define SFU_N_DROPPED 10  /* and this many in all */
#define SFU_N_SKIPPED 3   /* video packets the publisher loses on purpose */
#define SFU_PLI_RING 64   /* arrival times of the last PLIs at the publisher */
#define SFU_TWCC_MAX 4096 /* statuses per feedback packet parsed */

/* A stream as the subscriber receives it. */
typedef struct {
  guint32 ssrc; /* the room's, from the subscribe offer */
  guint8 pt;    /* the offer's */
  guint32 ts0;  /* the publisher's timestamp at its real0 */
  guint rate;
  gboolean started;
  guint16 last_seq;
  guint64 packets, gaps, extensions, wrong_pt, keyframes;
  gboolean first_keyframe; /* the first video packet started a keyframe */
  guint32 ts_offset;       /* out timestamp - source timestamp, newest packet */
  guint64 srs;             /* sender reports since the publisher sent its first */
  gint64 sr_error_us;      /* their largest lip-sync error */
} SfuRxStream;

/* A video frame (one packet) of the publisher. */
typedef struct {
  guint16 seq;
  guint32 ts;
  guint16 pid;
  gboolean keyframe;
  gboolean nacked; /* lost on purpose: the room asked for it */
} SfuFrame;

typedef struct {
  ShPeer *peer;
  ShPeerState state;
  guint32 audio_ssrc, video_ssrc, rtx_ssrc;
  guint8 transport_cc_id; /* from the room's answer; 0: not negotiated */
  guint8 audio_pt, video_pt, rtx_pt;
  guint16 audio_seq, video_seq, rtx_seq, transport_seq;
  guint32 audio_ts0, video_ts0;
  gint64 real0, start_us, next_audio_us, next_video_us;
  guint16 pid;
  gboolean keyframe_wanted;
  guint64 audio_sent, video_sent, rtx_sent, srs_sent;
  guint skip; /* video packets still to lose on purpose */
  SfuFrame lost[SFU_N_SKIPPED];
  guint n_lost;
  guint64 plis, pli_wrong_ssrc, nacks, nack_wrong_ssrc, twcc_feedbacks;
  gint64 pli_at[SFU_PLI_RING];
  guint16 twcc_mark;              /* the snapshot counts the transport seqs below it not reported */
  gboolean paused;                /* sends no RTP while set */
  guint16 audio_seq0, video_seq0; /* the first sequence numbers */
} SfuPublisher;

typedef struct {
  ShPeer *peer;
  ShPeerState state;
  SfuRxStream audio, video;
  guint32 rtx_ssrc;
  guint8 rtx_pt;
  guint32 report_ssrc;
  char *offer;           /* the room's offer, until answered */
  GPtrArray *candidates; /* the room's candidates that came before it */
  gboolean answered;
  guint64 unknown; /* packets of an SSRC the offer did not announce */
  gboolean dropping;
  guint nack_entries; /* of the NACK for a dropped packet; 0, 1: just it */
  guint64 drop_count;
  guint16 dropped[SFU_N_DROPPED], dropped_src[SFU_N_DROPPED];
  gboolean recovered[SFU_N_DROPPED];
  guint n_dropped, n_recovered;
  guint64 rtx, rtx_wrong_pt, rtx_unexpected, rtx_wrong_payload;
  gint64 pli_sent_us;
  guint burst_left;
  gint64 burst_us;
} SfuSubscriber;

typedef struct _SfuBench SfuBench;
struct _SfuBench {
  ShMediaEngine *engine;
  ShMediaRoom *room;
  SfuPublisher pub;
  SfuSubscriber sub;
  GSource *pace, *reports, *answer, *burst;
  GError *error;
  guint8 twcc_seen[65536 / 8]; /* transport seqs reported received */
  guint8 src_seen[65536 / 8];  /* source seqs of video the subscriber got */
  ShRtcpTwccPacket twcc[SFU_TWCC_MAX];
  guint8 buf[SH_PEER_PACKET_CAPACITY];
  /* Copies taken on the worker by a snapshot, for the test body. */
  SfuPublisher p;
  SfuSubscriber s;
  ShMediaRoomStats stats;
  guint64 room_received;
  guint twcc_missing, lost_seen;
  void (*call) (SfuBench *b);
  gint done;
  /* A hash (sfu_packet_hash) of each RTP packet the publisher sent on its
   * audio and video SSRCs, by sequence number, as sent (before SRTP); 0:
   * not sent. */
  guint32 *sent_audio, *sent_video;
  gpointer user_data; /* the test's */
  void (*prepare) (SfuBench *b);
  /* The room's camera callback for the publisher: the last @live and how
   * many times it was called. Atomic (set on the worker). */
  gint camera_live, camera_calls;
};

/* FNV-1a of a packet, never 0. */
guint32 sfu_packet_hash (const guint8 *buf, gsize len);

/* Sets up the room and both clients on @engine's worker 0 and waits (at
 * most 10 s) until both connections are up. Returns: (transfer full). */
SfuBench *sfu_bench_new (ShMediaEngine *engine);
/* The same, with @prepare(@b) run on the worker once the room exists and
 * both clients joined, before the publisher publishes; b->user_data is
 * @user_data. Returns: (transfer full). */
SfuBench *sfu_bench_new_with (ShMediaEngine *engine, void (*prepare) (SfuBench *b),
                              gpointer user_data);
/* Frees the clients and the room on the worker, then the bench. */
void sfu_bench_free (SfuBench *b);

/* Runs @call(@b) on the worker and waits for it. */
void sfu_bench_run (SfuBench *b, void (*call) (SfuBench *b));
/* Takes snapshots until @done says so (TRUE) or @timeout_ms pass (FALSE);
 * the caller asserts on the last one. */
gboolean sfu_bench_wait (SfuBench *b, gboolean (*done) (const SfuBench *b), guint timeout_ms);
/* Sleeps, then takes a snapshot. */
void sfu_bench_pause (SfuBench *b, guint ms);

/* On the worker: the copies for the test body. */
void sfu_bench_snapshot (SfuBench *b);
/* On the worker: the subscriber sends a PLI for its video, one now or
 * @n every 20 ms. */
void sfu_bench_send_pli (SfuBench *b);
void sfu_bench_pli_burst (SfuBench *b, guint n);
/* On the worker: the subscriber sends a NACK (after an empty RR). */
void sfu_bench_send_nack (SfuBench *b, guint32 media_ssrc, const ShRtcpNackEntry *entries, guint n);
