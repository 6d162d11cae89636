/* A WebRTC peer connection on the server's own stack: one ICE transport
 * (libnice), DTLS-SRTP on it, and the offer/answer that sets them up.
 *
 *   ICE recv ──▶ demux ─┬─ DTLS ──▶ dtls ──(keys)──▶ srtp contexts
 *                       ├─ RTP  ──▶ unprotect ──▶ rtp callback
 *                       └─ RTCP ──▶ unprotect ──▶ rtcp callback
 *   send_rtp/rtcp ──▶ protect in place ──▶ ICE send
 *
 * Everything runs on one worker's context, so nothing here locks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"

#include <gio/gio.h>

#include "demux.h"
#include "sdp-answer.h"
#include "srtp-ctx.h"

G_DEFINE_QUARK (sh-peer-error-quark, sh_peer_error)

struct _ShPeer {
  ShMediaEngine *engine; /* borrowed: outlives every peer */
  GMainContext *context; /* borrowed from the worker */
  gboolean controlling;
  ShPeerCallbacks callbacks;
  gpointer user_data;
  ShIce *ice;
  ShDtls *dtls;
  ShSrtp *srtp;
  ShPeerState state;
  ShIceState ice_state;
  GPtrArray *media; /* ShPeerMedia */
  ShSdp *local_offer; /* the last offer the server made, until answered */
  char *remote_ufrag;  /* of the current remote description: a new one means ICE restart */
  guint64 offer_version;
  gboolean gathering;
  gboolean freeing;
  /* Candidates gathered while the answer is being made wait here, so that
   * the signaling layer sends the answer first (a browser cannot take a
   * candidate before the description it belongs to). */
  gboolean holding_candidates;
  GPtrArray *held_candidates; /* char*, NULL entry for end-of-candidates */
  guint flush_source;
  guint64 rx_packets, rx_bytes, tx_packets, tx_bytes, rx_dropped;
  /* Packets are decrypted here: libsrtp works in place and the ICE buffer
   * is libnice's. */
  guint8 rx_buffer[SH_PEER_PACKET_CAPACITY];
};

const char *
sh_peer_state_to_string (ShPeerState state)
{
  static const char *const names[] = { "new", "connecting", "connected", "disconnected", "failed",
                                       "closed" };

  return (guint) state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}

static void
set_state (ShPeer *peer, ShPeerState state)
{
  if (peer->state == state || peer->freeing)
    return;
  /* A failed or closed connection stays so. */
  if (peer->state == SH_PEER_STATE_FAILED || peer->state == SH_PEER_STATE_CLOSED)
    return;
  peer->state = state;
  if (peer->callbacks.state_changed)
    peer->callbacks.state_changed (peer, state, peer->user_data);
}

static void
media_free (gpointer data)
{
  ShPeerMedia *m = data;

  g_free (m->mid);
  g_free (m->kind);
  g_free (m->codec);
  g_free (m);
}

/* --------------------------------------------------------------- ICE */

static void
on_local_candidate (ShIce *ice, const char *candidate, gpointer user_data)
{
  ShPeer *peer = user_data;

  if (peer->holding_candidates) {
    g_ptr_array_add (peer->held_candidates, g_strdup (candidate));
    return;
  }
  if (peer->callbacks.local_candidate && !peer->freeing)
    peer->callbacks.local_candidate (peer, candidate, peer->user_data);
}

static gboolean
flush_candidates (gpointer user_data)
{
  ShPeer *peer = user_data;
  g_autoptr (GPtrArray) held = g_steal_pointer (&peer->held_candidates);

  peer->flush_source = 0;
  peer->holding_candidates = FALSE;
  peer->held_candidates = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < held->len; i++)
    on_local_candidate (peer->ice, g_ptr_array_index (held, i), peer);
  return G_SOURCE_REMOVE;
}

/* Releases the held candidates from the context's next iteration, after
 * the caller has sent the answer. */
static void
schedule_flush (ShPeer *peer)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, flush_candidates, peer, NULL);
  peer->flush_source = g_source_attach (source, peer->context);
  g_source_unref (source);
}

static void
on_gathering_done (ShIce *ice, gpointer user_data)
{
  on_local_candidate (ice, NULL, user_data);
}

static void
on_ice_state (ShIce *ice, ShIceState state, gpointer user_data)
{
  ShPeer *peer = user_data;

  peer->ice_state = state;
  switch (state) {
    case SH_ICE_STATE_CHECKING:
      set_state (peer, SH_PEER_STATE_CONNECTING);
      break;
    case SH_ICE_STATE_CONNECTED:
    case SH_ICE_STATE_COMPLETED:
      /* Back from a short outage: media flows again with the same keys. */
      if (peer->srtp)
        peer->state = SH_PEER_STATE_CONNECTING, set_state (peer, SH_PEER_STATE_CONNECTED);
      break;
    case SH_ICE_STATE_DISCONNECTED:
      set_state (peer, SH_PEER_STATE_DISCONNECTED);
      break;
    case SH_ICE_STATE_FAILED:
      set_state (peer, SH_PEER_STATE_FAILED);
      break;
    case SH_ICE_STATE_CLOSED:
      set_state (peer, SH_PEER_STATE_CLOSED);
      break;
    case SH_ICE_STATE_NEW:
    default:
      break;
  }
}

static void
deliver (ShPeer *peer, const guint8 *buf, gsize len, gboolean rtcp)
{
  gsize plain = len;
  ShSrtpResult result;

  if (!peer->srtp || len > sizeof peer->rx_buffer) {
    peer->rx_dropped++;
    return;
  }
  memcpy (peer->rx_buffer, buf, len);
  result = rtcp ? sh_srtp_unprotect_rtcp (peer->srtp, peer->rx_buffer, &plain)
                : sh_srtp_unprotect_rtp (peer->srtp, peer->rx_buffer, &plain);
  if (result != SH_SRTP_OK) {
    peer->rx_dropped++;
    return;
  }
  peer->rx_packets++;
  peer->rx_bytes += len;
  if (rtcp && peer->callbacks.rtcp)
    peer->callbacks.rtcp (peer, peer->rx_buffer, plain, peer->user_data);
  else if (!rtcp && peer->callbacks.rtp)
    peer->callbacks.rtp (peer, peer->rx_buffer, plain, peer->user_data);
}

static void
on_ice_recv (ShIce *ice, const guint8 *buf, gsize len, gpointer user_data)
{
  ShPeer *peer = user_data;

  if (peer->freeing)
    return;
  switch (sh_demux_classify (buf, len)) {
    case SH_DEMUX_DTLS:
      if (peer->dtls)
        sh_dtls_receive (peer->dtls, buf, len);
      break;
    case SH_DEMUX_RTP:
      deliver (peer, buf, len, FALSE);
      break;
    case SH_DEMUX_RTCP:
      deliver (peer, buf, len, TRUE);
      break;
    case SH_DEMUX_STUN:
    case SH_DEMUX_TURN_CHANNEL:
    case SH_DEMUX_UNKNOWN:
    default:
      peer->rx_dropped++;
      break;
  }
}

/* -------------------------------------------------------------- DTLS */

static void
on_dtls_send (ShDtls *dtls, const guint8 *data, gsize len, gpointer user_data)
{
  ShPeer *peer = user_data;

  /* Before ICE has a pair this fails; DTLS retransmits on its timer. */
  if (peer->ice)
    sh_ice_send (peer->ice, data, len);
}

static void
on_dtls_connected (ShDtls *dtls, const ShDtlsSrtpKeys *keys, gpointer user_data)
{
  ShPeer *peer = user_data;
  g_autoptr (GError) error = NULL;
  /* Video bursts (a keyframe in 100+ packets) arrive reordered; a wide
   * window keeps late packets instead of counting them as replays. */
  ShSrtpOptions options = { .replay_window = SH_SRTP_VIDEO_REPLAY_WINDOW };

  peer->srtp = sh_srtp_new (keys, &options, &error);
  if (!peer->srtp) {
    g_warning ("peer: SRTP setup failed: %s", error->message);
    set_state (peer, SH_PEER_STATE_FAILED);
    return;
  }
  g_debug ("peer: connected with %s", sh_srtp_profile_name (keys->profile));
  set_state (peer, SH_PEER_STATE_CONNECTED);
}

static void
on_dtls_failed (ShDtls *dtls, const GError *error, gpointer user_data)
{
  ShPeer *peer = user_data;

  g_message ("peer: DTLS failed: %s", error->message);
  set_state (peer, SH_PEER_STATE_FAILED);
}

static void
on_dtls_closed (ShDtls *dtls, gpointer user_data)
{
  set_state (user_data, SH_PEER_STATE_CLOSED);
}

/* ------------------------------------------------------------ public */

ShPeer *
sh_peer_new (ShMediaEngine *engine, guint worker, gboolean controlling,
             const ShPeerCallbacks *callbacks, gpointer user_data, GError **error)
{
  g_autoptr (ShPeer) peer = g_new0 (ShPeer, 1);
  static const ShIceCallbacks ice_callbacks = {
    .local_candidate = on_local_candidate,
    .gathering_done = on_gathering_done,
    .state_changed = on_ice_state,
    .recv = on_ice_recv,
  };
  ShIceConfig config;
  ShIceTurnServer turn;

  g_return_val_if_fail (engine != NULL && callbacks != NULL, NULL);
  peer->engine = engine;
  peer->context = sh_media_workers_context (engine->workers, worker);
  peer->controlling = controlling;
  peer->callbacks = *callbacks;
  peer->user_data = user_data;
  peer->media = g_ptr_array_new_with_free_func (media_free);
  peer->held_candidates = g_ptr_array_new_with_free_func (g_free);
  sh_media_engine_ice_config (engine, controlling, &config, &turn);
  peer->ice = sh_ice_new (peer->context, &config, &ice_callbacks, peer, error);
  sh_media_engine_turn_clear (&turn);
  if (!peer->ice)
    return NULL;
  return g_steal_pointer (&peer);
}

GPtrArray *
sh_peer_get_media (ShPeer *peer)
{
  return peer->media;
}

ShPeerState
sh_peer_get_state (ShPeer *peer)
{
  return peer->state;
}

static gboolean
send_protected (ShPeer *peer, guint8 *buf, gsize len, gsize capacity, gboolean rtcp)
{
  ShSrtpResult result;

  if (!peer->srtp || peer->freeing || peer->state != SH_PEER_STATE_CONNECTED)
    return FALSE;
  result = rtcp ? sh_srtp_protect_rtcp (peer->srtp, buf, &len, capacity)
                : sh_srtp_protect_rtp (peer->srtp, buf, &len, capacity);
  if (result != SH_SRTP_OK || sh_ice_send (peer->ice, buf, len) < 0)
    return FALSE;
  peer->tx_packets++;
  peer->tx_bytes += len;
  return TRUE;
}

gboolean
sh_peer_send_rtp (ShPeer *peer, guint8 *buf, gsize len, gsize capacity)
{
  return send_protected (peer, buf, len, capacity, FALSE);
}

gboolean
sh_peer_send_rtcp (ShPeer *peer, guint8 *buf, gsize len, gsize capacity)
{
  return send_protected (peer, buf, len, capacity, TRUE);
}

gboolean
sh_peer_add_remote_candidate (ShPeer *peer, const char *candidate, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!candidate || !candidate[0])
    return sh_ice_remote_gathering_done (peer->ice, error);
  if (!sh_ice_add_remote_candidate (peer->ice, candidate, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_CANDIDATE, "%s", local_error->message);
    return FALSE;
  }
  return TRUE;
}

static void
format_pair_end (char *out, gsize size, const char *address, guint port, ShIceCandidateType type)
{
  g_snprintf (out, size, "%s:%u typ %s", address, port, sh_ice_candidate_type_to_string (type));
}

void
sh_peer_get_info (ShPeer *peer, ShPeerInfo *info)
{
  static const char *const dtls_states[] = { "new", "connecting", "connected", "failed",
                                             "closed" };
  ShIcePair pair;

  memset (info, 0, sizeof *info);
  info->state = peer->state;
  info->ice_state = sh_ice_state_to_string (peer->ice_state);
  info->dtls_state = peer->dtls ? dtls_states[sh_dtls_get_state (peer->dtls)] : "new";
  info->srtp_profile = peer->srtp ? sh_srtp_profile_name (sh_srtp_get_profile (peer->srtp))
                                  : "none";
  if (peer->ice && sh_ice_get_selected_pair (peer->ice, &pair)) {
    format_pair_end (info->selected_local, sizeof info->selected_local, pair.local_address,
                     pair.local_port, pair.local_type);
    format_pair_end (info->selected_remote, sizeof info->selected_remote, pair.remote_address,
                     pair.remote_port, pair.remote_type);
  }
  info->rx_packets = peer->rx_packets;
  info->rx_bytes = peer->rx_bytes;
  info->tx_packets = peer->tx_packets;
  info->tx_bytes = peer->tx_bytes;
  info->rx_dropped = peer->rx_dropped;
}

void
sh_peer_free (ShPeer *peer)
{
  if (!peer)
    return;
  peer->freeing = TRUE;
  if (peer->flush_source) {
    GSource *source = g_main_context_find_source_by_id (peer->context, peer->flush_source);
    if (source)
      g_source_destroy (source);
  }
  g_ptr_array_unref (peer->held_candidates);
  if (peer->dtls) {
    sh_dtls_close (peer->dtls);
    sh_dtls_free (peer->dtls);
  }
  /* The agent closes asynchronously on the worker's context and no longer
   * calls back into this peer. */
  if (peer->ice)
    sh_ice_free (peer->ice);
  sh_srtp_free (peer->srtp);
  g_clear_pointer (&peer->local_offer, sh_sdp_free);
  g_free (peer->remote_ufrag);
  g_ptr_array_unref (peer->media);
  g_free (peer);
}

/* ------------------------------------------------------- negotiation */

static gboolean start_gathering (ShPeer *peer, GError **error);

/* Starts DTLS once the remote description says who is the client. */
static gboolean
start_dtls (ShPeer *peer, const ShSdp *remote, const ShSdpMedia *first, GError **error)
{
  static const ShDtlsCallbacks dtls_callbacks = {
    .send = on_dtls_send,
    .connected = on_dtls_connected,
    .failed = on_dtls_failed,
    .closed = on_dtls_closed,
  };
  const ShSdpFingerprint *fp = sh_sdp_media_fingerprint (remote, first);
  g_autoptr (GString) hex = g_string_new (NULL);
  /* The server answers passive: the browser (actpass or active) is the
   * DTLS client. An offer that insists on passive makes the server the
   * client. */
  ShDtlsRole role = sh_sdp_media_setup (remote, first) == SH_SDP_SETUP_PASSIVE
                        ? SH_DTLS_ROLE_CLIENT
                        : SH_DTLS_ROLE_SERVER;

  if (!fp) {
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP,
                         "the remote description has no DTLS fingerprint");
    return FALSE;
  }
  for (gsize i = 0; i < fp->length; i++)
    g_string_append_printf (hex, i ? ":%02X" : "%02X", fp->value[i]);
  peer->dtls = sh_dtls_new (peer->engine->cert, role, peer->context, &dtls_callbacks, peer, error);
  if (!peer->dtls || !sh_dtls_set_remote_fingerprint (peer->dtls, fp->hash, hex->str, error))
    return FALSE;
  sh_dtls_start (peer->dtls);
  return TRUE;
}

static guint32
random_ssrc (void)
{
  return g_random_int_range (1, G_MAXINT32);
}

/* Records an accepted answer section, and gives the sections the server
 * sends in its own SSRCs (with an RTX stream for video) announced in the
 * answer, so that browsers map them to tracks. */
static ShPeerMedia *
find_media (GPtrArray *media, const char *mid)
{
  for (guint i = 0; media && i < media->len; i++) {
    ShPeerMedia *m = g_ptr_array_index (media, i);
    if (g_strcmp0 (m->mid, mid) == 0)
      return m;
  }
  return NULL;
}

static void
record_section (ShPeer *peer, ShSdpMedia *section, GPtrArray *previous)
{
  ShPeerMedia *m = g_new0 (ShPeerMedia, 1);
  ShPeerMedia *before = find_media (previous, section->mid);
  ShSdpDirection dir = section->direction;

  m->mid = g_strdup (section->mid);
  m->kind = g_strdup (section->kind);
  m->sends = dir == SH_SDP_DIRECTION_SENDRECV || dir == SH_SDP_DIRECTION_SENDONLY;
  m->receives = dir == SH_SDP_DIRECTION_SENDRECV || dir == SH_SDP_DIRECTION_RECVONLY;
  for (guint i = 0; i < section->codecs->len; i++) {
    ShSdpCodec *c = g_ptr_array_index (section->codecs, i);
    if (g_ascii_strcasecmp (c->name ? c->name : "", "rtx") == 0) {
      if (!m->rtx_payload_type)
        m->rtx_payload_type = c->pt;
    } else if (!m->codec && g_ascii_strcasecmp (c->name ? c->name : "", "telephone-event") != 0) {
      m->payload_type = c->pt;
      m->codec = g_strdup (c->name);
      m->clock_rate = c->clock_rate;
    }
  }
  for (guint i = 0; i < section->extmaps->len; i++) {
    ShSdpExtmap *e = g_ptr_array_index (section->extmaps, i);
    if (g_str_equal (e->uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level") && e->id < 256)
      m->audio_level_id = (guint8) e->id;
    else if (g_str_equal (e->uri,
                          "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
             && e->id < 256)
      m->transport_cc_id = (guint8) e->id;
  }
  if (m->sends) {
    g_autofree char *msid = g_strdup_printf ("sanhui sanhui-%s-%s", m->kind, m->mid);
    g_autofree char *track_msid = g_strdup_printf ("sanhui-%s-%s", m->kind, m->mid);

    /* A renegotiation keeps the streams the browser already knows. */
    m->local_ssrc = before && before->local_ssrc ? before->local_ssrc : random_ssrc ();
    g_free (section->msid);
    section->msid = g_strdup_printf ("sanhui %s", track_msid);
    g_ptr_array_add (section->ssrcs, sh_sdp_ssrc_new (m->local_ssrc, "sanhui", msid));
    if (m->rtx_payload_type) {
      ShSdpSsrcGroup *fid = sh_sdp_ssrc_group_new ("FID");

      m->local_rtx_ssrc = before && before->local_rtx_ssrc ? before->local_rtx_ssrc : random_ssrc ();
      g_ptr_array_add (section->ssrcs, sh_sdp_ssrc_new (m->local_rtx_ssrc, "sanhui", msid));
      g_array_append_val (fid->ssrcs, m->local_ssrc);
      g_array_append_val (fid->ssrcs, m->local_rtx_ssrc);
      g_ptr_array_add (section->ssrc_groups, fid);
    }
  }
  g_ptr_array_add (peer->media, m);
}

static ShSdpRole
role_for (ShPeerMediaUse use)
{
  return (use & SH_PEER_MEDIA_RECEIVE ? SH_SDP_ROLE_RECEIVE : 0)
         | (use & SH_PEER_MEDIA_SEND ? SH_SDP_ROLE_SEND : 0);
}

/* A new offer on a connection that is set up: the same DTLS association;
 * new remote ICE credentials mean an ICE restart (RFC 8445 section 9). The
 * answer was built with the current local credentials, so a restart
 * writes the new ones into it. */
static char *
renegotiate (ShPeer *peer, const ShSdp *offer, const ShSdpMedia *first, ShSdp *answer,
             GError **error)
{
  const char *ufrag = sh_sdp_media_ice_ufrag (offer, first);
  g_autoptr (GError) local_error = NULL;

  if (g_strcmp0 (ufrag, peer->remote_ufrag) != 0) {
    g_autofree char *new_ufrag = NULL;
    g_autofree char *new_pwd = NULL;

    if (!sh_ice_restart (peer->ice, NULL, NULL, &local_error)
        || !sh_ice_set_remote_credentials (peer->ice, ufrag, sh_sdp_media_ice_pwd (offer, first),
                                           &local_error)
        || !sh_ice_get_local_credentials (peer->ice, &new_ufrag, &new_pwd, &local_error)) {
      g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_TRANSPORT, "%s", local_error->message);
      return NULL;
    }
    g_free (peer->remote_ufrag);
    peer->remote_ufrag = g_strdup (ufrag);
    for (guint i = 0; i < answer->media->len; i++) {
      ShSdpMedia *m = g_ptr_array_index (answer->media, i);
      if (!m->ice_ufrag)
        continue;
      g_free (m->ice_ufrag);
      g_free (m->ice_pwd);
      m->ice_ufrag = g_strdup (new_ufrag);
      m->ice_pwd = g_strdup (new_pwd);
    }
    if (answer->ice_ufrag) {
      g_free (answer->ice_ufrag);
      g_free (answer->ice_pwd);
      answer->ice_ufrag = g_strdup (new_ufrag);
      answer->ice_pwd = g_strdup (new_pwd);
    }
  }
  return sh_sdp_to_string (answer);
}

char *
sh_peer_accept_offer (ShPeer *peer, const char *offer_text, ShPeerMediaUse audio,
                      ShPeerMediaUse video, GError **error)
{
  g_autoptr (ShSdp) offer = NULL;
  g_autoptr (ShSdp) answer = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree ShSdpRole *roles = NULL;
  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  const char *fingerprint = strchr (peer->engine->fingerprint, ' ') + 1;
  ShSdpMedia *first = NULL;
  ShSdpLocal local = { 0 };
  g_autoptr (GPtrArray) previous = NULL;

  if (peer->controlling) {
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                         "this connection makes offers; it does not answer them");
    return NULL;
  }
  offer = sh_sdp_parse (offer_text, strlen (offer_text), &local_error);
  if (!offer) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP, "%s", local_error->message);
    return NULL;
  }
  roles = g_new0 (ShSdpRole, MAX (offer->media->len, 1));
  for (guint i = 0; i < offer->media->len; i++) {
    ShSdpMedia *m = g_ptr_array_index (offer->media, i);
    roles[i] = g_str_equal (m->kind, "audio")   ? role_for (audio)
               : g_str_equal (m->kind, "video") ? role_for (video)
                                                : 0;
  }
  if (!sh_ice_get_local_credentials (peer->ice, &ufrag, &pwd, error))
    return NULL;
  local.ice_ufrag = ufrag;
  local.ice_pwd = pwd;
  local.fingerprint = fingerprint;
  local.trickle = TRUE;
  local.codecs = SH_SDP_CODEC_OPUS | SH_SDP_CODEC_VP8 | SH_SDP_CODEC_H264 | SH_SDP_CODEC_RTX;
  local.roles = roles;
  local.n_roles = offer->media->len;
  answer = sh_sdp_answer_create (offer, &local, NULL, &local_error);
  if (!answer) {
    g_set_error (error, SH_PEER_ERROR,
                 g_error_matches (local_error, SH_SDP_NEGOTIATION_ERROR,
                                  SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED)
                     ? SH_PEER_ERROR_UNSUPPORTED
                     : SH_PEER_ERROR_SDP,
                 "%s", local_error->message);
    return NULL;
  }
  previous = g_steal_pointer (&peer->media);
  peer->media = g_ptr_array_new_with_free_func (media_free);
  for (guint i = 0; i < answer->media->len; i++) {
    ShSdpMedia *section = g_ptr_array_index (answer->media, i);
    if (section->port == 0)
      continue;
    record_section (peer, section, previous);
    if (!first)
      first = g_ptr_array_index (offer->media, i);
  }
  if (!first) {
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_UNSUPPORTED,
                         "nothing in the offer can be accepted");
    return NULL;
  }
  if (peer->dtls)
    return renegotiate (peer, offer, first, answer, error);
  if (!sh_ice_set_remote_credentials (peer->ice, sh_sdp_media_ice_ufrag (offer, first),
                                      sh_sdp_media_ice_pwd (offer, first), &local_error)
      || !start_dtls (peer, offer, first, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_TRANSPORT, "%s", local_error->message);
    return NULL;
  }
  peer->remote_ufrag = g_strdup (sh_sdp_media_ice_ufrag (offer, first));
  if (!start_gathering (peer, error))
    return NULL;
  /* Candidates that came with the offer (non-trickle peers such as aiortc). */
  for (guint c = 0; c < first->candidates->len; c++) {
    ShSdpCandidate *cand = g_ptr_array_index (first->candidates, c);
    g_autofree char *line = g_strconcat ("candidate:", cand->text, NULL);
    g_autoptr (GError) ignored = NULL;

    if (!sh_ice_add_remote_candidate (peer->ice, line, &ignored))
      g_debug ("peer: offer candidate ignored: %s", ignored->message);
  }
  if (first->end_of_candidates)
    sh_ice_remote_gathering_done (peer->ice, NULL);
  return sh_sdp_to_string (answer);
}

/* ------------------------------------------------- the server offers */

static const ShSdpCodecSpec audio_codecs[] = {
  { 111, "opus", 48000, 2, "minptime=10;useinbandfec=1", 0 },
};
static const ShSdpCodecSpec video_codecs[] = {
  { 96, "VP8", 90000, 0, NULL, 97 },
  { 102, "H264", 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    103 },
};

/* Candidates gathered during the call wait for the offer to go out. */
static gboolean
start_gathering (ShPeer *peer, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (peer->gathering)
    return TRUE;
  peer->holding_candidates = TRUE;
  if (!sh_ice_gather (peer->ice, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_TRANSPORT, "%s", local_error->message);
    return FALSE;
  }
  peer->gathering = TRUE;
  schedule_flush (peer);
  return TRUE;
}

char *
sh_peer_create_offer (ShPeer *peer, const ShPeerOfferSection *sections, guint n_sections,
                      GError **error)
{
  g_autofree ShSdpOfferSection *specs = g_new0 (ShSdpOfferSection, MAX (n_sections, 1));
  g_autofree char *ufrag = NULL;
  g_autofree char *pwd = NULL;
  g_autoptr (GError) local_error = NULL;
  ShSdpLocal local = { 0 };
  ShSdp *offer;

  if (!peer->controlling || n_sections == 0) {
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                         peer->controlling ? "an offer needs at least one section"
                                           : "this connection answers; it does not offer");
    return NULL;
  }
  for (guint i = 0; i < n_sections; i++) {
    gboolean video = g_strcmp0 (sections[i].kind, "video") == 0;

    specs[i].kind = sections[i].kind;
    specs[i].mid = sections[i].mid;
    specs[i].direction = sections[i].active ? SH_SDP_DIRECTION_SENDONLY : SH_SDP_DIRECTION_INACTIVE;
    specs[i].codecs = video ? video_codecs : audio_codecs;
    specs[i].n_codecs = video ? G_N_ELEMENTS (video_codecs) : G_N_ELEMENTS (audio_codecs);
    /* A forwarded track can only go out in the codec it came in. */
    for (guint c = 0; sections[i].codec && c < specs[i].n_codecs; c++) {
      if (g_ascii_strcasecmp (specs[i].codecs[c].name, sections[i].codec) == 0) {
        specs[i].codecs = &specs[i].codecs[c];
        specs[i].n_codecs = 1;
        break;
      }
    }
    specs[i].ssrc = sections[i].active ? sections[i].ssrc : 0;
    specs[i].rtx_ssrc = sections[i].active ? sections[i].rtx_ssrc : 0;
    specs[i].cname = "sanhui";
    specs[i].stream_id = sections[i].stream_id;
    specs[i].track_id = sections[i].track_id;
  }
  if (!sh_ice_get_local_credentials (peer->ice, &ufrag, &pwd, error))
    return NULL;
  local.ice_ufrag = ufrag;
  local.ice_pwd = pwd;
  local.fingerprint = strchr (peer->engine->fingerprint, ' ') + 1;
  local.trickle = TRUE;
  local.session_version = ++peer->offer_version;
  offer = sh_sdp_offer_create (&local, specs, n_sections, &local_error);
  if (!offer) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP, "%s", local_error->message);
    return NULL;
  }
  g_clear_pointer (&peer->local_offer, sh_sdp_free);
  peer->local_offer = offer;
  if (!start_gathering (peer, error))
    return NULL;
  return sh_sdp_to_string (offer);
}

gboolean
sh_peer_apply_answer (ShPeer *peer, const char *answer_text, GError **error)
{
  g_autoptr (ShSdp) answer = NULL;
  g_autoptr (GError) local_error = NULL;
  ShSdpMedia *first;

  if (!peer->local_offer) {
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE, "no offer is waiting for an answer");
    return FALSE;
  }
  answer = sh_sdp_parse (answer_text, strlen (answer_text), &local_error);
  if (!answer || !sh_sdp_offer_apply_answer (peer->local_offer, answer, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_SDP, "%s", local_error->message);
    return FALSE;
  }
  g_clear_pointer (&peer->local_offer, sh_sdp_free);
  first = g_ptr_array_index (answer->media, 0);
  /* Renegotiations keep the transport: only the first answer sets it up. */
  if (peer->dtls)
    return TRUE;
  if (!sh_ice_set_remote_credentials (peer->ice, sh_sdp_media_ice_ufrag (answer, first),
                                      sh_sdp_media_ice_pwd (answer, first), &local_error)
      || !start_dtls (peer, answer, first, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_TRANSPORT, "%s", local_error->message);
    return FALSE;
  }
  for (guint c = 0; c < first->candidates->len; c++) {
    ShSdpCandidate *cand = g_ptr_array_index (first->candidates, c);
    g_autofree char *line = g_strconcat ("candidate:", cand->text, NULL);

    if (!sh_ice_add_remote_candidate (peer->ice, line, NULL))
      g_debug ("peer: answer candidate ignored");
  }
  return TRUE;
}
