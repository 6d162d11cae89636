/* Offers and answers of a peer connection: answering a browser's offer
 * (publish connections, the echo), renegotiating on the same transport,
 * and the server's own offers (subscribe connections).
 * SPDX-License-Identifier: Apache-2.0 */
#include "peer-private.h"

#include <gio/gio.h>

#include "sdp-answer.h"

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

/* The SSRCs the remote side announced for a section: the FID group's
 * primary and RTX, or the only one. Several sections of one kind and codec
 * (a camera and a screen) are told apart by these. */
static void
remote_streams (const ShSdpMedia *remote, guint32 *ssrc, guint32 *rtx_ssrc)
{
  *ssrc = *rtx_ssrc = 0;
  if (!remote)
    return;
  for (guint i = 0; i < remote->ssrc_groups->len; i++) {
    const ShSdpSsrcGroup *g = g_ptr_array_index (remote->ssrc_groups, i);
    if (g_str_equal (g->semantics, "FID") && g->ssrcs->len >= 2) {
      *ssrc = g_array_index (g->ssrcs, guint32, 0);
      *rtx_ssrc = g_array_index (g->ssrcs, guint32, 1);
      return;
    }
  }
  if (remote->ssrcs->len > 0)
    *ssrc = ((const ShSdpSsrc *) g_ptr_array_index (remote->ssrcs, 0))->ssrc;
}

static void
record_section (ShPeer *peer, ShSdpMedia *section, const ShSdpMedia *remote, GPtrArray *previous)
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
    else if (g_str_equal (
                 e->uri,
                 "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01")
             && e->id < 256)
      m->transport_cc_id = (guint8) e->id;
    else if (g_str_equal (e->uri, "urn:ietf:params:rtp-hdrext:sdes:mid") && e->id < 256)
      m->mid_id = (guint8) e->id;
  }
  remote_streams (remote, &m->remote_ssrc, &m->remote_rtx_ssrc);
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

      m->local_rtx_ssrc
          = before && before->local_rtx_ssrc ? before->local_rtx_ssrc : random_ssrc ();
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
  local.dtls_active = peer->dtls_active;
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
  peer->media = g_ptr_array_new_with_free_func (sh_peer_media_free);
  for (guint i = 0; i < answer->media->len; i++) {
    ShSdpMedia *section = g_ptr_array_index (answer->media, i);
    if (section->port == 0)
      continue;
    record_section (peer, section, g_ptr_array_index (offer->media, i), previous);
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
      || !sh_peer_start_dtls (peer, offer, first, &local_error)) {
    g_set_error (error, SH_PEER_ERROR, SH_PEER_ERROR_TRANSPORT, "%s", local_error->message);
    return NULL;
  }
  peer->remote_ufrag = g_strdup (sh_sdp_media_ice_ufrag (offer, first));
  if (!sh_peer_start_gathering (peer, error))
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
  if (!sh_peer_start_gathering (peer, error))
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
    g_set_error_literal (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE,
                         "no offer is waiting for an answer");
    return FALSE;
  }
  answer = sh_sdp_parse (answer_text, strlen (answer_text), &local_error);
  if (!answer
      || !sh_sdp_offer_apply_answer_setup (
          peer->local_offer, answer, peer->dtls_active ? SH_SDP_SETUP_PASSIVE : SH_SDP_SETUP_ACTIVE,
          &local_error)) {
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
      || !sh_peer_start_dtls (peer, answer, first, &local_error)) {
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
