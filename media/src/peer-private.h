/* Internal to the peer connection (peer.c: transport; peer-negotiate.c:
 * offers and answers). SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "engine-private.h"
#include "sdp.h"
#include "srtp-ctx.h"

struct _ShPeer {
  ShMediaEngine *engine; /* borrowed: outlives every peer */
  GMainContext *context; /* borrowed from the worker */
  gboolean controlling;
  gboolean dtls_active; /* a client of the server: always the DTLS client */
  ShPeerCallbacks callbacks;
  gpointer user_data;
  ShIce *ice;
  ShDtls *dtls;
  ShSrtp *srtp;
  ShPeerState state;
  ShIceState ice_state;
  GPtrArray *media;   /* ShPeerMedia */
  ShSdp *local_offer; /* the last offer the server made, until answered */
  char *remote_ufrag; /* of the current remote description: a new one means ICE restart */
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

void sh_peer_media_free (gpointer data);
/* Releases the candidates held while a description was being made, from
 * the context's next iteration (after the caller sent the description). */
void sh_peer_schedule_flush (ShPeer *peer);
/* DTLS as the remote description's a=setup says: the server is the DTLS
 * server unless the remote side insists on being passive. */
gboolean sh_peer_start_dtls (ShPeer *peer, const ShSdp *remote, const ShSdpMedia *first,
                             GError **error);
/* Starts ICE gathering once, holding candidates until the caller's
 * description has gone out. */
gboolean sh_peer_start_gathering (ShPeer *peer, GError **error);
