/* The webrtcbin interop test's pipeline: webrtcbin sending VP8 + Opus
 * (sendrecv, max-bundle), gathering on loopback too; its offer, candidates
 * and states handed to the main loop (where the WebSocket lives, see
 * webrtcbin-signaling.c); the answer and the server's candidates applied;
 * the connection declared up once ICE is connected and DTLS done; the
 * echoed media decoded and counted.
 *
 * SPDX-License-Identifier: Apache-2.0 */
#include "webrtcbin-client.h"

#include <gst/sdp/sdp.h>
#include <nice/agent.h>
#include <nice/interfaces.h>

#define PIPELINE                                                                                   \
  "webrtcbin name=webrtc bundle-policy=max-bundle "                                                \
  "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 "      \
  "! vp8enc deadline=1 ! rtpvp8pay "                                                               \
  "! application/x-rtp,media=video,encoding-name=VP8,payload=96 ! webrtc. "                        \
  "audiotestsrc is-live=true wave=sine ! opusenc ! rtpopuspay "                                    \
  "! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc. "

typedef struct {
  guint mline;
  char *candidate;
} RemoteCandidate;

void
echo_remote_candidate_free (gpointer data)
{
  RemoteCandidate *c = data;

  g_free (c->candidate);
  g_free (c);
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

int
echo_remote_mline (Echo *e, const char *mid)
{
  GstWebRTCSessionDescription *desc = NULL;
  int index = -1;

  g_object_get (e->webrtc, "remote-description", &desc, NULL);
  if (!desc)
    return -1;
  for (guint i = 0; i < gst_sdp_message_medias_len (desc->sdp) && index < 0; i++) {
    const char *m
        = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (desc->sdp, i), "mid");
    if (g_strcmp0 (m, mid) == 0)
      index = (int) i;
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
emit_remote_candidate (Echo *e, guint mline, const char *candidate)
{
  g_signal_emit_by_name (e->webrtc, "add-ice-candidate", mline, candidate);
}

void
echo_add_remote_candidate (Echo *e, guint mline, const char *candidate)
{
  if (!e->answered) {
    RemoteCandidate *c = g_new0 (RemoteCandidate, 1);
    c->mline = mline;
    c->candidate = g_strdup (candidate);
    g_ptr_array_add (e->remote_candidates, c);
    return;
  }
  emit_remote_candidate (e, mline, candidate);
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

void
echo_set_answer (Echo *e, const char *text)
{
  GstSDPMessage *sdp = NULL;
  GstWebRTCSessionDescription *answer;

  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK) {
    echo_fail (e, "echo.answer's SDP does not parse:\n%s", text);
    return;
  }
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
  g_signal_emit_by_name (e->webrtc, "set-remote-description", answer,
                         gst_promise_new_with_change_func (on_remote_set, e, NULL));
  gst_webrtc_session_description_free (answer);
}

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
    echo_fail (e, "ICE failed on the client");
  if (dtls == GST_WEBRTC_DTLS_TRANSPORT_STATE_FAILED)
    echo_fail (e, "DTLS failed on the client");
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
    echo_fail (e, "%s", ev->error);
    return G_SOURCE_REMOVE;
  }
  switch (ev->kind) {
    case EVENT_OFFER: {
      g_autofree char *sdp = gst_sdp_message_as_text (ev->offer->sdp);

      g_test_message ("offer:\n%s", sdp);
      /* echo.start goes out before any candidate can: webrtcbin gathers only
       * once the local description is set. */
      echo_send_start (e, sdp);
      g_signal_emit_by_name (e->webrtc, "set-local-description", ev->offer, NULL);
      break;
    }
    case EVENT_LOCAL_CANDIDATE: {
      g_autofree char *mid = local_mid (e->webrtc, ev->mline);

      e->local_candidates++;
      echo_send_candidate (e, ev->mline, mid ? mid : "0", ev->text);
      break;
    }
    case EVENT_GATHERING_DONE:
      if (!e->gathering_done) {
        e->gathering_done = TRUE;
        echo_send_end_of_candidates (e);
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
        emit_remote_candidate (e, c->mline, c->candidate);
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

static GstPadProbeReturn
count_buffers (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  gint *counter = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    g_atomic_int_add (counter,
                      (gint) gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)));
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

gboolean
echo_poll_counters (gpointer user_data)
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
    echo_fail (e, "pipeline error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
               error->message, debug ? debug : "");
  } else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING) {
    g_autoptr (GError) error = NULL;
    gst_message_parse_warning (message, &error, NULL);
    g_test_message ("pipeline warning from %s: %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
                    error->message);
  }
  return G_SOURCE_CONTINUE;
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
      g_test_message ("gathering on %s", (const char *) l->data);
      nice_agent_add_local_address (NICE_AGENT (agent), &addr);
    }
  }
  g_list_free_full (ips, g_free);
}

void
echo_build_pipeline (Echo *e)
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

void
echo_free_pipeline (Echo *e)
{
  e->closing = TRUE;
  g_signal_handlers_disconnect_by_data (e->webrtc, e);
  if (e->dtls) {
    g_signal_handlers_disconnect_by_data (e->dtls, e);
    gst_object_unref (e->dtls);
  }
  gst_element_set_state (e->pipeline, GST_STATE_NULL);
  {
    g_autoptr (GstBus) bus = gst_element_get_bus (e->pipeline);
    gst_bus_remove_watch (bus);
  }
  /* Events already posted by webrtcbin's threads refer to e: run them now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gst_object_unref (e->webrtc);
  gst_object_unref (e->pipeline);
}
