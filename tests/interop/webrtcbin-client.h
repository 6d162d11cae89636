/* Private to the webrtcbin interop test (webrtcbin-echo.c): the state of one
 * echo session, shared by its three parts.
 *
 *   webrtcbin-echo.c       the test: server, login, the media window, the
 *                          verdict, teardown; failures and the main loop
 *   webrtcbin-signaling.c  the WebSocket: /ws, the echo.* messages both ways
 *   webrtcbin-media.c      the webrtcbin pipeline: negotiation, ICE, DTLS,
 *                          counting the echoed media
 *
 * Everything runs on the default main context; webrtcbin's own threads only
 * post events to it (webrtcbin-media.c) and bump the atomic counters.
 *
 * SPDX-License-Identifier: Apache-2.0 */
#pragma once

#define GST_USE_UNSTABLE_API
#include "../harness.h"

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#define OVERALL_TIMEOUT_S 30
#define MEDIA_WINDOW_US (5 * G_USEC_PER_SEC)
#define STOP_TIMEOUT_S 5
#define MIN_VIDEO_FRAMES 30
#define MIN_AUDIO_PACKETS 100
#define POLL_MS 20

typedef struct {
  GMainLoop *loop;
  SoupWebsocketConnection *ws;
  GstElement *pipeline;
  GstElement *webrtc;
  gboolean answered;            /* the remote description is set */
  GPtrArray *remote_candidates; /* (element-type RemoteCandidate) until answered */
  gboolean gathering_done;
  gint64 up_at;         /* monotonic µs when ICE + DTLS were up, or 0 */
  gint64 video_done_at; /* when MIN_VIDEO_FRAMES were decoded, or 0 */
  gint64 audio_done_at;
  gint video_frames;  /* atomic */
  gint audio_packets; /* atomic */
  gboolean stopped;   /* echo.stopped arrived */
  gboolean ws_closed;
  gboolean finished; /* the media thresholds were met or the window passed */
  guint timeout;     /* the running bound of echo_run_until() */
  gboolean *ws_done;
  gboolean closing;             /* teardown: events from webrtcbin are dropped */
  GstWebRTCDTLSTransport *dtls; /* watched for its state */
  char *failure;                /* first fatal problem, reported by the test */
  guint local_candidates;
  guint server_candidates;
  guint states;
  guint stats;
} Echo;

/* ------------------------------------------------------- webrtcbin-echo.c */

/* Records the first failure and ends the main loop; the test asserts on it. */
void echo_fail (Echo *e, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Runs the main loop until *@done or a failure, for at most @seconds. */
void echo_run_until (Echo *e, const gboolean *done, guint seconds);

/* -------------------------------------------------- webrtcbin-signaling.c */

/* Opens /ws of @base_url with @client's session cookie and listens to it;
 * a failure to connect ends the test (g_error). */
void echo_open_websocket (Echo *e, TestClient *client, const char *base_url);

/* echo.start with the offer @sdp. */
void echo_send_start (Echo *e, const char *sdp);

/* echo.candidate for a local @candidate of m-line @mline, a=mid @mid. */
void echo_send_candidate (Echo *e, guint mline, const char *mid, const char *candidate);

/* echo.candidate with a null candidate: gathering is complete. */
void echo_send_end_of_candidates (Echo *e);

/* Sends echo.stop and waits for echo.stopped; returns the problem or NULL.
 * Clears e->failure first. Returns: (transfer full) (nullable). */
char *echo_stop (Echo *e);

/* Disconnects from the WebSocket and closes it if it is still open. */
void echo_close_websocket (Echo *e);

/* ------------------------------------------------------ webrtcbin-media.c */

/* The GDestroyNotify of e->remote_candidates. */
void echo_remote_candidate_free (gpointer data);

/* Builds the sendrecv VP8 + Opus pipeline around webrtcbin (not started),
 * gathering on loopback too, and connects to its signals and bus. */
void echo_build_pipeline (Echo *e);

/* A GSourceFunc on @user_data (Echo): once the connection is up, notes when
 * each media threshold was met and ends the main loop when both were or
 * the media window passed (setting e->finished). */
gboolean echo_poll_counters (gpointer user_data);

/* Applies the answer @sdp as the remote description (asynchronously). */
void echo_set_answer (Echo *e, const char *sdp);

/* The m-line index of @mid in the remote description, or -1. */
int echo_remote_mline (Echo *e, const char *mid);

/* Adds the server's @candidate for m-line @mline to webrtcbin, or keeps it
 * until the answer is applied. */
void echo_add_remote_candidate (Echo *e, guint mline, const char *candidate);

/* Stops and frees the pipeline; events that webrtcbin posted before are
 * run (and dropped) first. */
void echo_free_pipeline (Echo *e);
