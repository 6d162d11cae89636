/* Interop: GStreamer's webrtcbin against the server's echo service.
 *
 * Logs in with libsoup, opens /ws with the session cookie, offers VP8 + Opus
 * (sendrecv, max-bundle) with echo.start, applies echo.answer, trickles
 * candidates both ways, and asserts that within 5 s of the connection being
 * up (ICE connected and DTLS done) at least 30 echoed video frames were
 * decoded and 100 echoed audio RTP packets received. Ends with echo.stop.
 *
 * SANHUI_INTEROP_URL=http://HOST:PORT/ runs against that server instead of
 * starting one (for stand-ins and manual runs).
 *
 * SPDX-License-Identifier: Apache-2.0 */
#define GST_USE_UNSTABLE_API
#include "../harness.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <nice/agent.h>
#include <nice/interfaces.h>

#define OVERALL_TIMEOUT_S 30
#define MEDIA_WINDOW_US (5 * G_USEC_PER_SEC)
#define STOP_TIMEOUT_S 5
#define MIN_VIDEO_FRAMES 30
#define MIN_AUDIO_PACKETS 100
#define POLL_MS 20

#define PIPELINE                                                                                   \
  "webrtcbin name=webrtc bundle-policy=max-bundle "                                                \
  "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "      \
  "! vp8enc deadline=1 ! rtpvp8pay "                                                               \
  "! application/x-rtp,media=video,encoding-name=VP8,payload=96 ! webrtc. "                        \
  "audiotestsrc is-live=true wave=sine ! opusenc ! rtpopuspay "                                    \
  "! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc. "

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
  guint timeout;     /* the running bound of run_until() */
  gboolean *ws_done;
  gboolean closing;             /* teardown: events from webrtcbin are dropped */
  GstWebRTCDTLSTransport *dtls; /* watched for its state */
  char *failure;                /* first fatal problem, reported by the test */
  guint local_candidates;
  guint server_candidates;
  guint states;
  guint stats;
} Echo;

typedef struct {
  guint mline;
  char *candidate;
} RemoteCandidate;

static void
remote_candidate_free (gpointer data)
{
  RemoteCandidate *c = data;

  g_free (c->candidate);
  g_free (c);
}

static void fail (Echo *e, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Records the first failure and ends the main loop; the test asserts on it. */
static void
fail (Echo *e, const char *format, ...)
{
  va_list ap;

  if (!e->failure) {
    va_start (ap, format);
    e->failure = g_strdup_vprintf (format, ap);
    va_end (ap);
    g_test_message ("failure: %s", e->failure);
  }
  g_main_loop_quit (e->loop);
}

/* ------------------------------------------------------------ signaling */

static void
send_message (Echo *e, const char *type, const char *id, JsonNode *payload)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  if (!e->ws || soup_websocket_connection_get_state (e->ws) != SOUP_WEBSOCKET_STATE_OPEN) {
    json_node_unref (payload);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  if (id) {
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, id);
  }
  json_builder_set_member_name (b, "payload");
  json_builder_add_value (b, payload); /* takes it */
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  if (!g_str_equal (type, "echo.candidate"))
    g_test_message ("-> %s", type);
  soup_websocket_connection_send_text (e->ws, text);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* The a=mid of m-line @mline of @webrtc's local description, or NULL. */
static char *
local_mid (GstElement *webrtc, guint mline)
{
  GstWebRTCSessionDescription *desc = NULL;
  char *mid = NULL;

  g_object_get (webrtc, "local-description", &desc, NULL);
  if (!desc)
    return NULL;
  if (mline < gst_sdp_message_medias_len (desc->sdp))
    mid = g_strdup (
        gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (desc->sdp, mline), "mid"));
  gst_webrtc_session_description_free (desc);
  return mid;
}

/* The m-line index of @mid in @webrtc's remote description, or -1. */
static int
remote_mline (GstElement *webrtc, const char *mid)
{
  GstWebRTCSessionDescription *desc = NULL;
  int index = -1;

  g_object_get (webrtc, "remote-description", &desc, NULL);
  if (!desc)
    return -1;
  for (guint i = 0; i < gst_sdp_message_medias_len (desc->sdp) && index < 0; i++) {
    const char *m
        = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (desc->sdp, i), "mid");
    if (g_strcmp0 (m, mid) == 0)
      index = (int)i;
  }
  gst_webrtc_session_description_free (desc);
  return index;
}

/* Everything webrtcbin reports from its own threads is handed to the main
 * loop, where the WebSocket lives. */
typedef enum {
  EVENT_OFFER,
  EVENT_LOCAL_CANDIDATE,
  EVENT_GATHERING_DONE,
  EVENT_STATE,
  EVENT_REMOTE_SET,
} EventKind;

typedef struct {
  Echo *echo;
  EventKind kind;
  guint mline;
  char *text;
  GstWebRTCSessionDescription *offer;
  char *error;
} Event;

static void
event_free (gpointer data)
{
  Event *ev = data;

  g_free (ev->text);
  g_free (ev->error);
  if (ev->offer)
    gst_webrtc_session_description_free (ev->offer);
  g_free (ev);
}

static gboolean handle_event (gpointer data);

static void
post (Echo *e, Event *ev)
{
  ev->echo = e;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, handle_event, ev, event_free);
}

static void
add_remote_candidate (Echo *e, guint mline, const char *candidate)
{
  g_signal_emit_by_name (e->webrtc, "add-ice-candidate", mline, candidate);
}

static void
on_remote_set (GstPromise *promise, gpointer user_data)
{
  Echo *e = user_data;
  Event *ev = g_new0 (Event, 1);
  const GstStructure *reply;

  ev->kind = EVENT_REMOTE_SET;
  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    ev->error = g_strdup ("set-remote-description was interrupted");
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error")) {
    g_autoptr (GError) error = NULL;
    gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL);
    ev->error = g_strdup_printf ("set-remote-description failed: %s", error ? error->message : "?");
  }
  gst_promise_unref (promise);
  post (e, ev);
}

static void
apply_answer (Echo *e, JsonObject *payload)
{
  const char *text = json_object_has_member (payload, "sdp")
                         ? json_object_get_string_member (payload, "sdp")
                         : NULL;
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *answer;

  if (!text) {
    fail (e, "echo.answer without an sdp");
    return;
  }
  g_test_message ("answer:\n%s", text);
  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK) {
    fail (e, "echo.answer's SDP does not parse:\n%s", text);
    return;
  }
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  g_signal_emit_by_name (e->webrtc, "set-remote-description", answer,
                         gst_promise_new_with_change_func (on_remote_set, e, NULL));
  gst_webrtc_session_description_free (answer);
}

static void
on_server_candidate (Echo *e, JsonObject *payload)
{
  JsonNode *node = json_object_get_member (payload, "candidate");
  const char *candidate;
  int mline = -1;

  if (!node || JSON_NODE_HOLDS_NULL (node)) {
    g_test_message ("<- echo.candidate end-of-candidates after %u", e->server_candidates);
    return;
  }
  candidate = json_node_get_string (node);
  if (!candidate) {
    fail (e, "echo.candidate from the server has a non-string candidate");
    return;
  }
  if (!candidate[0])
    return;
  e->server_candidates++;
  g_test_message ("<- echo.candidate %s", candidate);
  if (json_object_has_member (payload, "sdpMLineIndex"))
    mline = (int)json_object_get_int_member (payload, "sdpMLineIndex");
  else if (json_object_has_member (payload, "sdpMid") && e->answered)
    mline = remote_mline (e->webrtc, json_object_get_string_member (payload, "sdpMid"));
  if (mline < 0)
    mline = 0; /* max-bundle: every m-line shares the first transport */
  if (!e->answered) {
    RemoteCandidate *c = g_new0 (RemoteCandidate, 1);
    c->mline = (guint)mline;
    c->candidate = g_strdup (candidate);
    g_ptr_array_add (e->remote_candidates, c);
    return;
  }
  add_remote_candidate (e, (guint)mline, candidate);
}

static void
on_ws_message (SoupWebsocketConnection *ws, gint kind, GBytes *message, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize n;
  const char *data = g_bytes_get_data (message, &n);
  JsonObject *root;
  JsonObject *payload;
  const char *type;

  if (kind != SOUP_WEBSOCKET_DATA_TEXT
      || !json_parser_load_from_data (parser, data, (gssize)n, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    fail (e, "the server sent a frame that is not a JSON object: %.*s", (int)n, data);
    return;
  }
  root = json_node_get_object (json_parser_get_root (parser));
  type
      = json_object_has_member (root, "type") ? json_object_get_string_member (root, "type") : NULL;
  payload = json_object_has_member (root, "payload")
                ? json_object_get_object_member (root, "payload")
                : NULL;
  if (!type || !payload) {
    fail (e, "message without type or payload: %.*s", (int)n, data);
    return;
  }
  if (g_str_equal (type, "echo.answer")) {
    g_test_message ("<- echo.answer");
    apply_answer (e, payload);
  } else if (g_str_equal (type, "echo.candidate")) {
    on_server_candidate (e, payload);
  } else if (g_str_equal (type, "echo.state")) {
    e->states++;
    g_test_message ("<- echo.state %.*s", (int)n, data);
  } else if (g_str_equal (type, "echo.stats")) {
    e->stats++;
    g_test_message ("<- echo.stats %.*s", (int)n, data);
  } else if (g_str_equal (type, "echo.stopped")) {
    g_test_message ("<- echo.stopped");
    e->stopped = TRUE;
    g_main_loop_quit (e->loop);
  } else if (g_str_equal (type, "error")) {
    const char *id
        = json_object_has_member (root, "id") ? json_object_get_string_member (root, "id") : "";
    fail (e, "the server answered %s with an error: %.*s", id ? id : "?", (int)n, data);
  } else {
    g_test_message ("<- %s (ignored)", type);
  }
}

static void
on_ws_closed (SoupWebsocketConnection *ws, gpointer user_data)
{
  Echo *e = user_data;

  e->ws_closed = TRUE;
  if (!e->stopped)
    fail (e, "the WebSocket closed (code %u, %s)", soup_websocket_connection_get_close_code (ws),
          soup_websocket_connection_get_close_data (ws)
              ? soup_websocket_connection_get_close_data (ws)
              : "");
}

/* ------------------------------------------------------------ webrtcbin */

static void
on_offer_created (GstPromise *promise, gpointer user_data)
{
  Echo *e = user_data;
  Event *ev = g_new0 (Event, 1);
  const GstStructure *reply;

  ev->kind = EVENT_OFFER;
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED
      && (reply = gst_promise_get_reply (promise))
      && gst_structure_has_field_typed (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION))
    gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &ev->offer, NULL);
  else
    ev->error = g_strdup ("create-offer gave no offer");
  gst_promise_unref (promise);
  post (e, ev);
}

static void
on_negotiation_needed (GstElement *webrtc, gpointer user_data)
{
  Echo *e = user_data;

  g_signal_emit_by_name (webrtc, "create-offer", NULL,
                         gst_promise_new_with_change_func (on_offer_created, e, NULL));
}

static void
on_ice_candidate (GstElement *webrtc, guint mline, const char *candidate, gpointer user_data)
{
  Event *ev = g_new0 (Event, 1);

  ev->kind = EVENT_LOCAL_CANDIDATE;
  ev->mline = mline;
  ev->text = g_strdup (candidate);
  post (user_data, ev);
}

static void
on_gathering_state (GObject *webrtc, GParamSpec *pspec, gpointer user_data)
{
  GstWebRTCICEGatheringState state;

  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  if (state == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE) {
    Event *ev = g_new0 (Event, 1);
    ev->kind = EVENT_GATHERING_DONE;
    post (user_data, ev);
  }
}

static void
on_state (GObject *webrtc, GParamSpec *pspec, gpointer user_data)
{
  Event *ev = g_new0 (Event, 1);

  ev->kind = EVENT_STATE;
  post (user_data, ev);
}

static const char *
enum_nick (GType type, gint value)
{
  GEnumClass *klass = g_type_class_peek (type);
  GEnumValue *v = klass ? g_enum_get_value (klass, value) : NULL;

  return v ? v->value_nick : "?";
}

/* The DTLS transport of the first transceiver (all are bundled), or NULL.
 * (transfer full) */
static GstWebRTCDTLSTransport *
dtls_transport (Echo *e)
{
  GstWebRTCDTLSTransport *transport = NULL;
  GstWebRTCRTPTransceiver *trans = NULL;

  g_signal_emit_by_name (e->webrtc, "get-transceiver", 0, &trans);
  if (trans) {
    GstWebRTCRTPReceiver *receiver = NULL;
    g_object_get (trans, "receiver", &receiver, NULL);
    if (receiver) {
      g_object_get (receiver, "transport", &transport, NULL);
      gst_object_unref (receiver);
    }
    gst_object_unref (trans);
  }
  return transport;
}

static GstWebRTCDTLSTransportState
dtls_state (Echo *e)
{
  GstWebRTCDTLSTransportState state = GST_WEBRTC_DTLS_TRANSPORT_STATE_NEW;
  GstWebRTCDTLSTransport *transport = dtls_transport (e);

  if (transport) {
    g_object_get (transport, "state", &state, NULL);
    gst_object_unref (transport);
  }
  return state;
}

static void
check_state (Echo *e)
{
  GstWebRTCICEConnectionState ice;
  GstWebRTCPeerConnectionState pc;
  GstWebRTCDTLSTransportState dtls = dtls_state (e);
  gboolean ice_up;

  g_object_get (e->webrtc, "ice-connection-state", &ice, "connection-state", &pc, NULL);
  g_test_message ("client: ice %s, dtls %s, connection %s",
                  enum_nick (GST_TYPE_WEBRTC_ICE_CONNECTION_STATE, ice),
                  enum_nick (GST_TYPE_WEBRTC_DTLS_TRANSPORT_STATE, dtls),
                  enum_nick (GST_TYPE_WEBRTC_PEER_CONNECTION_STATE, pc));
  if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    fail (e, "ICE failed on the client");
  if (dtls == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED)
    fail (e, "DTLS failed on the client");
  ice_up = ice == GST_WEBRTC_ICE_CONNECTION_STATE_CONNECTED
           || ice == GST_WEBRTC_ICE_CONNECTION_STATE_COMPLETED;
  if (!e->up_at && ice_up && dtls == GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED) {
    e->up_at = g_get_monotonic_time ();
    g_test_message ("connection up");
  }
}

static gboolean
handle_event (gpointer data)
{
  Event *ev = data;
  Echo *e = ev->echo;

  if (e->closing)
    return G_SOURCE_REMOVE; /* the pipeline is being torn down */
  if (ev->error) {
    fail (e, "%s", ev->error);
    return G_SOURCE_REMOVE;
  }
  switch (ev->kind) {
    case EVENT_OFFER: {
      g_autofree char *sdp = gst_sdp_message_as_text (ev->offer->sdp);
      JsonObject *payload = json_object_new ();

      g_test_message ("offer:\n%s", sdp);
      json_object_set_string_member (payload, "sdp", sdp);
      /* echo.start goes out before any candidate can: webrtcbin gathers only
       * once the local description is set. */
      send_message (e, "echo.start", "start", object_node (payload));
      g_signal_emit_by_name (e->webrtc, "set-local-description", ev->offer, NULL);
      break;
    }
    case EVENT_LOCAL_CANDIDATE: {
      g_autofree char *mid = local_mid (e->webrtc, ev->mline);
      JsonObject *payload = json_object_new ();

      e->local_candidates++;
      g_test_message ("-> echo.candidate %s", ev->text);
      json_object_set_string_member (payload, "candidate", ev->text);
      json_object_set_string_member (payload, "sdpMid", mid ? mid : "0");
      json_object_set_int_member (payload, "sdpMLineIndex", ev->mline);
      send_message (e, "echo.candidate", NULL, object_node (payload));
      break;
    }
    case EVENT_GATHERING_DONE:
      if (!e->gathering_done) {
        JsonObject *payload = json_object_new ();
        e->gathering_done = TRUE;
        g_test_message ("-> echo.candidate end-of-candidates after %u", e->local_candidates);
        json_object_set_null_member (payload, "candidate");
        send_message (e, "echo.candidate", NULL, object_node (payload));
      }
      break;
    case EVENT_REMOTE_SET: {
      GstWebRTCDTLSTransport *transport = dtls_transport (e);

      e->answered = TRUE;
      /* webrtcbin's connection-state follows DTLS with a delay; the
       * transport's own state says when the handshake is done. */
      if (transport) {
        e->dtls = transport;
        g_signal_connect (transport, "notify::state", G_CALLBACK (on_state), e);
      }
      for (guint i = 0; i < e->remote_candidates->len; i++) {
        RemoteCandidate *c = g_ptr_array_index (e->remote_candidates, i);
        add_remote_candidate (e, c->mline, c->candidate);
      }
      g_ptr_array_set_size (e->remote_candidates, 0);
      check_state (e);
      break;
    }
    case EVENT_STATE:
      check_state (e);
      break;
  }
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------ counting */

static GstPadProbeReturn
count_buffers (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  gint *counter = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    g_atomic_int_add (counter,
                      (gint)gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)));
  else
    g_atomic_int_inc (counter);
  return GST_PAD_PROBE_OK;
}

static void
on_decoded_pad (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name = caps ? gst_structure_get_name (gst_caps_get_structure (caps, 0)) : "";
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = NULL;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (e->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("cannot link the decoded %s pad", name);
  g_test_message ("decoded stream: %s", name);
  if (g_str_has_prefix (name, "video/"))
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       count_buffers, &e->video_frames, NULL);
}

/* An incoming (echoed) stream: count its RTP packets if it is audio, and
 * decode it. */
static void
on_incoming_pad (GstElement *webrtc, GstPad *pad, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (GstCaps) caps = NULL;
  const char *media = NULL;
  GstElement *decodebin;
  g_autoptr (GstPad) sinkpad = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_string (gst_caps_get_structure (caps, 0), "media");
  g_test_message ("incoming pad %s: %s", GST_PAD_NAME (pad), media ? media : "?");
  if (g_strcmp0 (media, "audio") == 0)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                       count_buffers, &e->audio_packets, NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), e);
  gst_bin_add (GST_BIN (e->pipeline), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  sinkpad = gst_element_get_static_pad (decodebin, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    g_warning ("cannot link the incoming %s pad to decodebin", media ? media : "?");
}

static gboolean
poll_counters (gpointer user_data)
{
  Echo *e = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!e->up_at)
    return G_SOURCE_CONTINUE;
  if (!e->video_done_at && g_atomic_int_get (&e->video_frames) >= MIN_VIDEO_FRAMES)
    e->video_done_at = now;
  if (!e->audio_done_at && g_atomic_int_get (&e->audio_packets) >= MIN_AUDIO_PACKETS)
    e->audio_done_at = now;
  if ((e->video_done_at && e->audio_done_at) || now - e->up_at > MEDIA_WINDOW_US) {
    e->finished = TRUE;
    g_main_loop_quit (e->loop);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  Echo *e = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    g_autofree char *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    fail (e, "pipeline error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
          error->message, debug ? debug : "");
  } else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING) {
    g_autoptr (GError) error = NULL;
    gst_message_parse_warning (message, &error, NULL);
    g_test_message ("pipeline warning from %s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                    error->message);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_overall_timeout (gpointer user_data)
{
  Echo *e = user_data;

  e->timeout = 0;
  fail (e, "timed out (answered %d, connection up %d)", e->answered, e->up_at != 0);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @done or a failure, for at most @seconds. */
static void
run_until (Echo *e, const gboolean *done, guint seconds)
{
  e->timeout = g_timeout_add_seconds (seconds, on_overall_timeout, e);
  while (!*done && !e->failure)
    g_main_loop_run (e->loop);
  if (e->timeout)
    g_source_remove (e->timeout);
  e->timeout = 0;
}

/* ------------------------------------------------------------ the test */

static void
on_ws_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Echo *e = user_data;
  g_autoptr (GError) error = NULL;

  e->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  *e->ws_done = TRUE;
  if (!e->ws)
    fail (e, "cannot open /ws: %s", error->message);
  g_main_loop_quit (e->loop);
}

static void
open_websocket (Echo *e, TestClient *client, const char *base_url)
{
  g_autofree char *url = g_strconcat ("ws", base_url + strlen ("http"), "ws", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  gboolean done = FALSE;

  g_assert_nonnull (msg);
  e->ws_done = &done;
  soup_session_websocket_connect_async (client->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_ws_connected, e);
  run_until (e, &done, OVERALL_TIMEOUT_S);
  if (e->failure)
    g_error ("%s", e->failure);
  g_signal_connect (e->ws, "message", G_CALLBACK (on_ws_message), e);
  g_signal_connect (e->ws, "closed", G_CALLBACK (on_ws_closed), e);
}

/* The test server's media socket is bound to 127.0.0.1 and announces only
 * that address. libnice pins every host socket to its interface
 * (IP_UNICAST_IF), so checks from the eth0 candidates that it gathers by
 * itself leave through eth0 and never reach 127.0.0.1, although the
 * server's checks arrive (Chromium and aiortc are not affected: their
 * checks to 127.0.0.1 go through lo and the server learns them as
 * peer-reflexive). Gather on loopback as well as on the interfaces, as a
 * client on the server's own host must. */
static void
add_loopback_candidates (Echo *e)
{
  g_autoptr (GObject) ice = NULL;
  g_autoptr (GObject) agent = NULL;
  GList *ips;
  NiceAddress addr;

  g_object_get (e->webrtc, "ice-agent", &ice, NULL);
  if (!ice || !g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent")) {
    g_test_message ("webrtcbin's ICE is not libnice: not adding 127.0.0.1");
    return;
  }
  g_object_get (ice, "agent", &agent, NULL);
  g_assert_true (NICE_IS_AGENT (agent));
  ips = nice_interfaces_get_local_ips (TRUE);
  for (GList *l = ips; l; l = l->next) {
    nice_address_init (&addr);
    /* IPv4 only: the server is on 127.0.0.1. */
    if (nice_address_set_from_string (&addr, l->data) && nice_address_ip_version (&addr) == 4) {
      g_test_message ("gathering on %s", (const char *)l->data);
      nice_agent_add_local_address (NICE_AGENT (agent), &addr);
    }
  }
  g_list_free_full (ips, g_free);
}

static void
build_pipeline (Echo *e)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstBus) bus = NULL;
  GArray *transceivers = NULL;

  e->pipeline = gst_parse_launch (PIPELINE, &error);
  g_assert_no_error (error);
  e->webrtc = gst_bin_get_by_name (GST_BIN (e->pipeline), "webrtc");
  g_assert_nonnull (e->webrtc);
  g_signal_emit_by_name (e->webrtc, "get-transceivers", &transceivers);
  g_assert_cmpuint (transceivers->len, ==, 2);
  for (guint i = 0; i < transceivers->len; i++)
    g_object_set (g_array_index (transceivers, GstWebRTCRTPTransceiver *, i), "direction",
                  GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV, NULL);
  g_array_unref (transceivers);
  add_loopback_candidates (e);
  g_signal_connect (e->webrtc, "on-negotiation-needed", G_CALLBACK (on_negotiation_needed), e);
  g_signal_connect (e->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), e);
  g_signal_connect (e->webrtc, "notify::ice-gathering-state", G_CALLBACK (on_gathering_state), e);
  g_signal_connect (e->webrtc, "notify::ice-connection-state", G_CALLBACK (on_state), e);
  g_signal_connect (e->webrtc, "notify::connection-state", G_CALLBACK (on_state), e);
  g_signal_connect (e->webrtc, "pad-added", G_CALLBACK (on_incoming_pad), e);
  bus = gst_element_get_bus (e->pipeline);
  gst_bus_add_watch (bus, on_bus_message, e);
}

/* Sends echo.stop and waits for echo.stopped; returns the problem or NULL. */
static char *
stop_echo (Echo *e)
{
  g_clear_pointer (&e->failure, g_free);
  if (!e->ws || soup_websocket_connection_get_state (e->ws) != SOUP_WEBSOCKET_STATE_OPEN)
    return g_strdup ("the WebSocket is not open for echo.stop");
  send_message (e, "echo.stop", "stop", object_node (json_object_new ()));
  run_until (e, &e->stopped, STOP_TIMEOUT_S);
  return g_steal_pointer (&e->failure);
}

static void
test_echo (void)
{
  const char *external = g_getenv ("SANHUI_INTEROP_URL");
  TestServer *server = NULL;
  TestServer stand_in = { 0 };
  g_autoptr (TestClient) client = NULL;
  Echo e = { 0 };
  guint poll;
  g_autofree char *failure = NULL;
  g_autofree char *stop_failure = NULL;

  if (external && external[0]) {
    stand_in.url = g_strdup (external);
    server = &stand_in;
  } else {
    server = test_server_start (NULL);
  }
  g_test_message ("server at %s", server->url);
  e.loop = g_main_loop_new (NULL, FALSE);
  e.remote_candidates = g_ptr_array_new_with_free_func (remote_candidate_free);

  client = test_client_new (server);
  g_assert_cmpuint (test_client_login (client, "member", TEST_PASSWORD), ==, 200);
  open_websocket (&e, client, server->url);

  build_pipeline (&e);
  poll = g_timeout_add (POLL_MS, poll_counters, &e);
  g_assert_cmpint (gst_element_set_state (e.pipeline, GST_STATE_PLAYING), !=,
                   GST_STATE_CHANGE_FAILURE);
  run_until (&e, &e.finished, OVERALL_TIMEOUT_S);
  g_source_remove (poll);

  g_test_message ("connection up: %s; %d video frames decoded, %d audio packets received; "
                  "%u local and %u server candidates; %u echo.state, %u echo.stats",
                  e.up_at ? "yes" : "no", g_atomic_int_get (&e.video_frames),
                  g_atomic_int_get (&e.audio_packets), e.local_candidates, e.server_candidates,
                  e.states, e.stats);
  if (e.up_at) {
    if (e.video_done_at)
      g_test_message ("%d video frames %.2f s after the connection was up", MIN_VIDEO_FRAMES,
                      (double)(e.video_done_at - e.up_at) / G_USEC_PER_SEC);
    if (e.audio_done_at)
      g_test_message ("%d audio packets %.2f s after the connection was up", MIN_AUDIO_PACKETS,
                      (double)(e.audio_done_at - e.up_at) / G_USEC_PER_SEC);
  }
  failure = g_steal_pointer (&e.failure);
  if (!failure && (!e.video_done_at || !e.audio_done_at))
    failure = g_strdup_printf ("within 5 s of the connection being up: %d video frames decoded "
                               "(want %d), %d audio packets received (want %d)",
                               g_atomic_int_get (&e.video_frames), MIN_VIDEO_FRAMES,
                               g_atomic_int_get (&e.audio_packets), MIN_AUDIO_PACKETS);

  stop_failure = stop_echo (&e);
  if (stop_failure)
    g_test_message ("echo.stop: %s", stop_failure);
  if (!failure && stop_failure)
    failure = g_strdup_printf ("echo.stop was not answered with echo.stopped: %s", stop_failure);

  e.closing = TRUE;
  g_signal_handlers_disconnect_by_data (e.webrtc, &e);
  if (e.dtls) {
    g_signal_handlers_disconnect_by_data (e.dtls, &e);
    gst_object_unref (e.dtls);
  }
  gst_element_set_state (e.pipeline, GST_STATE_NULL);
  {
    g_autoptr (GstBus) bus = gst_element_get_bus (e.pipeline);
    gst_bus_remove_watch (bus);
  }
  /* Events already posted by webrtcbin's threads refer to e: run them now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gst_object_unref (e.webrtc);
  gst_object_unref (e.pipeline);
  if (e.ws) {
    g_signal_handlers_disconnect_by_data (e.ws, &e);
    if (soup_websocket_connection_get_state (e.ws) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (e.ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_object_unref (e.ws);
  }
  g_ptr_array_unref (e.remote_candidates);
  g_main_loop_unref (e.loop);
  g_clear_pointer (&client, test_client_free);
  if (server == &stand_in) {
    g_free (stand_in.url);
  } else {
    if (failure)
      g_test_message ("server log:\n%s", server->stderr_text->str);
    test_server_stop (server);
  }

  if (failure)
    g_test_fail_printf ("%s", failure);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/interop/webrtcbin/echo", test_echo);
  return g_test_run ();
}
