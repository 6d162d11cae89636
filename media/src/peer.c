/* A WebRTC peer connection on the server's own stack: one ICE transport
 * (libnice) and DTLS-SRTP on it. The offer/answer that sets them up is in
 * peer-negotiate.c.
 *
 *   ICE recv ──▶ demux ─┬─ DTLS ──▶ dtls ──(keys)──▶ srtp contexts
 *                       ├─ RTP  ──▶ unprotect ──▶ rtp callback
 *                       └─ RTCP ──▶ unprotect ──▶ rtcp callback
 *   send_rtp/rtcp ──▶ protect in place ──▶ ICE send
 *
 * Everything runs on one worker's context, so nothing here locks.
 * SPDX-License-Identifier: Apache-2.0 */
#include "peer-private.h"

#include <gio/gio.h>

#include "demux.h"
#include "srtp-ctx.h"

G_DEFINE_QUARK (sh - peer - error - quark, sh_peer_error)

const char *
sh_peer_state_to_string (ShPeerState state)
{
  static const char *const names[]
      = { "new", "connecting", "connected", "disconnected", "failed", "closed" };

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

void
sh_peer_media_free (gpointer data)
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
void
sh_peer_schedule_flush (ShPeer *peer)
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
  peer->media = g_ptr_array_new_with_free_func (sh_peer_media_free);
  peer->held_candidates = g_ptr_array_new_with_free_func (g_free);
  sh_media_engine_ice_config (engine, controlling, &config, &turn);
  peer->ice = sh_ice_new (peer->context, &config, &ice_callbacks, peer, error);
  sh_media_engine_turn_clear (&turn);
  if (!peer->ice)
    return NULL;
  return g_steal_pointer (&peer);
}

void
sh_peer_set_dtls_active (ShPeer *peer, gboolean active)
{
  g_return_if_fail (peer->dtls == NULL);
  peer->dtls_active = active;
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
  static const char *const dtls_states[] = { "new", "connecting", "connected", "failed", "closed" };
  ShIcePair pair;

  memset (info, 0, sizeof *info);
  info->state = peer->state;
  info->ice_state = sh_ice_state_to_string (peer->ice_state);
  info->dtls_state = peer->dtls ? dtls_states[sh_dtls_get_state (peer->dtls)] : "new";
  info->srtp_profile
      = peer->srtp ? sh_srtp_profile_name (sh_srtp_get_profile (peer->srtp)) : "none";
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

/* ----------------------------------------------- transport set-up */

/* Starts DTLS once the remote description says who is the client. */
gboolean
sh_peer_start_dtls (ShPeer *peer, const ShSdp *remote, const ShSdpMedia *first, GError **error)
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
   * client, and so does a remote answer that is passive (a client of the
   * server on this stack offers and the server answers). */
  ShDtlsRole role = peer->dtls_active || sh_sdp_media_setup (remote, first) == SH_SDP_SETUP_PASSIVE
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

/* Candidates gathered during the call wait for the offer to go out. */
gboolean
sh_peer_start_gathering (ShPeer *peer, GError **error)
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
  sh_peer_schedule_flush (peer);
  return TRUE;
}
