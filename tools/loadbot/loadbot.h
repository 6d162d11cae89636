/* Load bots: meeting participants on the project's own media stack that
 * publish pre-encoded media and count what they receive without decoding.
 *
 *   loadbot.c    the main thread: options, log-in, the WebSocket, the
 *                meeting protocol, the scenario's timeline and the report
 *   bot-media.c  a bot's two peer connections on a media worker: the
 *                capture replayed in real time, received packets counted,
 *                the first VP8 keyframe of every remote track timed
 *   capture.c    makes the capture file once with GStreamer
 *
 * Capture file (little-endian): "SHCAP001", u64 length of the capture in
 * µs, then records of [u32 RTP length][u64 send time in µs][RTP packet],
 * in send-time order. Payload type 96 is VP8, 111 Opus.
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <json-glib/json-glib.h>

#include "sanhui-media.h"

#define LOADBOT_CAPTURE_MAGIC "SHCAP001"
#define LOADBOT_CAPTURE_HEADER 16
#define LOADBOT_RECORD_HEADER 12
#define LOADBOT_VIDEO_PT 96
#define LOADBOT_AUDIO_PT 111

typedef struct {
  gint64 at_us;
  gsize len;
  gboolean keyframe_start; /* video: the first packet of a keyframe */
  const guint8 *rtp;       /* borrowed from the capture's bytes */
} LbPacket;

typedef struct {
  GBytes *bytes;
  gint64 duration_us;
  GArray *audio, *video; /* LbPacket, in send order */
} LbCapture;

/* Returns: (transfer full), or NULL with @error set. */
LbCapture *lb_capture_load (const char *path, GError **error);
void lb_capture_free (LbCapture *capture);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LbCapture, lb_capture_free)

/* What every bot of the process shares. Read-only once bots start. */
typedef struct {
  ShMediaEngine *engine;
  LbCapture *capture;
  GMainContext *main_context;
  GMutex lock;
  GHashTable *joined_at; /* under @lock: account id → monotonic µs of meeting.joined */
} LbShared;

/* When the bot of @account received meeting.joined; 0: unknown. Any thread. */
void lb_shared_set_joined (LbShared *shared, gint64 account, gint64 joined_us);
gint64 lb_shared_joined (LbShared *shared, gint64 account);

/* A bot's figures, filled on its worker when it stops. */
typedef struct {
  const char *pub_state, *sub_state;       /* static strings */
  guint64 rx_packets, rx_bytes, rx_window; /* rx_window: within the window */
  guint64 tx_packets, tx_window;
  guint64 keyframe_requests; /* PLI/FIR the server sent this publisher */
  guint keyframes_jumped;    /* answered by skipping to the next keyframe */
  guint tracks;              /* remote streams that sent something */
  guint video_offered;       /* remote video tracks in the last offer */
  double sub_connected_ms;   /* meeting.joined → subscribe connection connected; -1: never */
  /* double, per remote video track: from the later meeting.joined of the
   * bot and the track's publisher to the track's first keyframe */
  GArray *keyframe_ms;
} LbReport;

typedef struct _LbMedia LbMedia;
typedef struct _LbBot LbBot;

/* ---- loadbot.c: the main thread's side, callable from a worker */

/* Sends {"type", "payload"} on the bot's WebSocket from the main thread;
 * @payload (consumed) may be NULL. Any thread. */
void lb_bot_send (LbBot *bot, const char *type, JsonNode *payload);
/* A connection of the bot changed state. Any thread. */
void lb_bot_media_state (LbBot *bot, ShMediaLeg leg, ShPeerState state);
/* The bot's worker has stopped and filled its report. Any thread. */
void lb_bot_media_stopped (LbBot *bot);

/* ---- bot-media.c: everything here is called on the main thread and runs
 * on the bot's worker */

/* @publish: offer the capture on a publish connection. The clock of the
 * keyframe timing starts at @joined_us (monotonic). (transfer full) */
LbMedia *lb_media_new (LbBot *bot, LbShared *shared, guint worker, gboolean publish,
                       gint64 joined_us);
void lb_media_publish_answer (LbMedia *media, const char *sdp);
void lb_media_subscribe_offer (LbMedia *media, const char *sdp);
void lb_media_candidate (LbMedia *media, ShMediaLeg leg, const char *candidate);
/* Opens (@end FALSE) or closes the measurement window of rx_window and
 * tx_window. */
void lb_media_mark (LbMedia *media, gboolean end);
/* Stops sending, fills @report (read it after lb_bot_media_stopped()),
 * closes both connections and frees @media. */
void lb_media_stop (LbMedia *media, LbReport *report);
