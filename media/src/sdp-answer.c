/* SDP negotiation, server side: answers to browser offers.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sdp-answer.h"
#include "sdp-negotiate.h"
#include "sdp-private.h"

#include <string.h>

GQuark
sh_sdp_negotiation_error_quark (void)
{
  return g_quark_from_static_string ("sh-sdp-negotiation-error-quark");
}

/* Header extensions the forwarding path reads or rewrites (DESIGN.md). */
static const char *const supported_extmaps[] = {
  "urn:ietf:params:rtp-hdrext:sdes:mid",
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
  "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
};

static const char *const supported_feedback[] = {
  "nack", "nack pli", "ccm fir", "goog-remb", "transport-cc",
};

static gboolean
in_list (const char *const *list, gsize n, const char *value)
{
  for (gsize i = 0; i < n; i++)
    if (g_strcmp0 (list[i], value) == 0)
      return TRUE;
  return FALSE;
}

char *
sh_sdp_fmtp_get (const char *fmtp, const char *key)
{
  if (fmtp == NULL)
    return NULL;
  g_auto (GStrv) params = g_strsplit (fmtp, ";", -1);
  for (guint i = 0; params[i] != NULL; i++) {
    char *equals = strchr (params[i], '=');
    if (equals == NULL)
      continue;
    *equals = '\0';
    if (g_ascii_strcasecmp (g_strstrip (params[i]), key) == 0)
      return g_strdup (g_strstrip (equals + 1));
  }
  return NULL;
}

gboolean
sh_sdp_h264_supported (const char *fmtp, gboolean *constrained)
{
  g_autofree char *mode = sh_sdp_fmtp_get (fmtp, "packetization-mode");
  g_autofree char *profile = sh_sdp_fmtp_get (fmtp, "profile-level-id");
  guint8 bytes[3];

  if (constrained != NULL)
    *constrained = FALSE;
  /* Mode 0 (single NAL unit) cannot carry the FU-A fragments the browsers'
   * encoders produce for large frames at our MTU. */
  if (g_strcmp0 (mode, "1") != 0)
    return FALSE;
  /* RFC 6184 8.1: without profile-level-id the stream is Baseline 1.0. */
  if (profile == NULL)
    return TRUE;
  if (strlen (profile) != 6)
    return FALSE;
  for (guint i = 0; i < 3; i++) {
    if (!g_ascii_isxdigit (profile[2 * i]) || !g_ascii_isxdigit (profile[2 * i + 1]))
      return FALSE;
    bytes[i] = (guint8) (g_ascii_xdigit_value (profile[2 * i]) << 4
                         | g_ascii_xdigit_value (profile[2 * i + 1]));
  }
  /* profile_idc 0x42 is Baseline; constraint_set1_flag (0x40 of
   * profile-iop) narrows it to Constrained Baseline, which every browser
   * decodes. Browsers' Baseline encoders never use the features that set
   * the two apart (FMO, ASO), so both forward alike. */
  if (bytes[0] != 0x42)
    return FALSE;
  if (constrained != NULL)
    *constrained = (bytes[1] & 0x40) != 0;
  return TRUE;
}

/* ------------------------------------------------------- shared helpers */

gboolean
sh_sdp_local_check (const ShSdpLocal *local, ShSdpFingerprint **fingerprint, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (local->ice_ufrag == NULL || *local->ice_ufrag == '\0' || local->ice_pwd == NULL
      || *local->ice_pwd == '\0') {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
                 "the server's ICE ufrag and password are required");
    return FALSE;
  }
  g_autofree char *value
      = g_strdup_printf ("sha-256 %s", local->fingerprint != NULL ? local->fingerprint : "");
  *fingerprint = sh_sdp_fingerprint_parse (value, &local_error);
  if (*fingerprint == NULL) {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
                 "the server's DTLS fingerprint is not a sha-256 fingerprint: %s",
                 local_error->message);
    return FALSE;
  }
  for (guint i = 0; local->candidates != NULL && local->candidates[i] != NULL; i++) {
    g_autoptr (ShSdpCandidate) candidate
        = sh_sdp_candidate_parse (local->candidates[i], &local_error);
    if (candidate == NULL) {
      g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
                   "the server's candidate %u does not parse: %s", i + 1, local_error->message);
      sh_sdp_fingerprint_free (g_steal_pointer (fingerprint));
      return FALSE;
    }
  }
  return TRUE;
}

ShSdp *
sh_sdp_session_new (const ShSdpLocal *local)
{
  ShSdp *sdp = sh_sdp_new ();
  guint64 session_id = local->session_id;

  /* RFC 8829 5.2.1: a random 62-bit session id. */
  if (session_id == 0)
    session_id = ((guint64) g_random_int () << 30 ^ g_random_int ())
                 & G_GUINT64_CONSTANT (0x3fffffffffffffff);
  sdp->origin.username = g_strdup ("-");
  sdp->origin.session_id = g_strdup_printf ("%" G_GUINT64_FORMAT, session_id);
  sdp->origin.session_version = local->session_version;
  sdp->origin.nettype = g_strdup ("IN");
  sdp->origin.addrtype = g_strdup ("IP4");
  sdp->origin.address = g_strdup ("127.0.0.1");
  sdp->session_name = g_strdup ("-");
  sdp->timing = g_strdup ("0 0");
  sdp->msid_semantic = g_strdup ("WMS");
  return sdp;
}

/* ICE, DTLS and the default address of one bundled m-section. Candidates
 * go into the first section only: they all describe the one transport. */
void
sh_sdp_media_set_transport (ShSdpMedia *media, const ShSdpLocal *local,
                            const ShSdpFingerprint *fingerprint, ShSdpSetup setup,
                            gboolean with_candidates)
{
  const char *address = "0.0.0.0";
  guint port = 9; /* RFC 8829 5.2.1: the discard port until a candidate is known */
  g_autoptr (ShSdpCandidate) first = NULL;

  if (local->candidates != NULL && local->candidates[0] != NULL)
    first = sh_sdp_candidate_parse (local->candidates[0], NULL);
  if (first != NULL && !first->mdns) {
    address = first->address;
    port = first->port;
  }
  media->port = port;
  media->connection = g_strdup_printf ("IN %s %s", strchr (address, ':') ? "IP6" : "IP4", address);
  for (guint i = 0; with_candidates && local->candidates != NULL && local->candidates[i] != NULL;
       i++)
    sh_sdp_media_add_candidate (media, local->candidates[i], NULL);
  media->end_of_candidates = with_candidates && local->end_of_candidates;
  media->ice_ufrag = g_strdup (local->ice_ufrag);
  media->ice_pwd = g_strdup (local->ice_pwd);
  if (local->trickle)
    media->ice_options = g_strdup ("trickle");
  ShSdpFingerprint *copy = g_new0 (ShSdpFingerprint, 1);
  *copy = *fingerprint;
  copy->hash = g_strdup (fingerprint->hash);
  g_ptr_array_add (media->fingerprints, copy);
  media->setup = setup;
  media->rtcp_mux = TRUE;
}

/* ------------------------------------------------------- codec choice */

static gboolean
is_codec (const ShSdpCodec *codec, const char *name, guint clock_rate)
{
  return codec->name != NULL && g_ascii_strcasecmp (codec->name, name) == 0
         && codec->clock_rate == clock_rate;
}

static guint
apt_of (const ShSdpCodec *codec)
{
  g_autofree char *apt = sh_sdp_fmtp_get (codec->fmtp, "apt");
  guint64 value;
  if (apt == NULL || !sh_sdp_parse_uint (apt, 127, &value))
    return G_MAXUINT;
  return (guint) value;
}

static ShSdpCodec *
copy_codec (const ShSdpCodec *offered, const char *fmtp, GPtrArray *wildcard_feedback)
{
  ShSdpCodec *codec
      = sh_sdp_codec_new (offered->pt, offered->name, offered->clock_rate, offered->channels, fmtp);
  /* Only the feedback the server generates or acts upon; RTX has none. */
  if (g_ascii_strcasecmp (offered->name, "rtx") == 0)
    return codec;
  for (guint pass = 0; pass < 2; pass++) {
    GPtrArray *feedback = pass == 0 ? offered->rtcp_fb : wildcard_feedback;
    for (guint i = 0; i < feedback->len; i++) {
      const char *fb = g_ptr_array_index (feedback, i);
      gboolean seen = FALSE;
      for (guint j = 0; j < codec->rtcp_fb->len && !seen; j++)
        seen = g_strcmp0 (g_ptr_array_index (codec->rtcp_fb, j), fb) == 0;
      if (!seen && in_list (supported_feedback, G_N_ELEMENTS (supported_feedback), fb))
        g_ptr_array_add (codec->rtcp_fb, g_strdup (fb));
    }
  }
  return codec;
}

/* Picks the offered codecs to accept, in the offer's order. */
static void
choose_codecs (const ShSdpMedia *offered, ShSdpCodecs codecs, ShSdpMedia *answer)
{
  gboolean audio = g_strcmp0 (offered->kind, "audio") == 0;
  g_autoptr (GPtrArray) chosen = g_ptr_array_new ();
  const ShSdpCodec *opus = NULL, *dtmf = NULL, *vp8 = NULL, *h264 = NULL;
  gboolean h264_constrained = FALSE;

  for (guint i = 0; i < offered->codecs->len; i++) {
    const ShSdpCodec *codec = g_ptr_array_index (offered->codecs, i);
    gboolean constrained;
    if (audio && opus == NULL && (codecs & SH_SDP_CODEC_OPUS) && is_codec (codec, "opus", 48000)
        && codec->channels == 2)
      opus = codec;
    else if (audio && (codecs & SH_SDP_CODEC_TELEPHONE_EVENT) && codec->name != NULL
             && g_ascii_strcasecmp (codec->name, "telephone-event") == 0
             && (dtmf == NULL || (dtmf->clock_rate != 48000 && codec->clock_rate == 48000)))
      dtmf = codec; /* the one at Opus's clock rate, if offered */
    else if (!audio && vp8 == NULL && (codecs & SH_SDP_CODEC_VP8) && is_codec (codec, "VP8", 90000))
      vp8 = codec;
    else if (!audio && (codecs & SH_SDP_CODEC_H264) && is_codec (codec, "H264", 90000)
             && sh_sdp_h264_supported (codec->fmtp, &constrained)
             && (h264 == NULL || (!h264_constrained && constrained))) {
      /* One H.264 configuration: Constrained Baseline when offered. */
      h264 = codec;
      h264_constrained = constrained;
    }
  }
  if (opus == NULL)
    dtmf = NULL; /* telephone-event alone carries no audio */

  for (guint i = 0; i < offered->codecs->len; i++) {
    const ShSdpCodec *codec = g_ptr_array_index (offered->codecs, i);
    if (codec == opus || codec == dtmf || codec == vp8 || codec == h264) {
      g_ptr_array_add (chosen, (gpointer) codec);
    } else if ((codecs & SH_SDP_CODEC_RTX) && is_codec (codec, "rtx", 90000)) {
      guint apt = apt_of (codec);
      if ((vp8 != NULL && apt == vp8->pt) || (h264 != NULL && apt == h264->pt))
        g_ptr_array_add (chosen, (gpointer) codec);
    }
  }

  for (guint i = 0; i < chosen->len; i++) {
    const ShSdpCodec *codec = g_ptr_array_index (chosen, i);
    g_autofree char *fmtp = g_strdup (codec->fmtp);
    if (codec == opus) {
      /* In-band FEC is how Opus survives the poor networks we design for. */
      g_autofree char *fec = sh_sdp_fmtp_get (fmtp, "useinbandfec");
      if (fec == NULL) {
        char *with_fec = fmtp != NULL ? g_strconcat (fmtp, ";useinbandfec=1", NULL)
                                      : g_strdup ("useinbandfec=1");
        g_free (fmtp);
        fmtp = with_fec;
      }
    }
    g_ptr_array_add (answer->codecs, copy_codec (codec, fmtp, offered->rtcp_fb_any));
  }
}

/* ---------------------------------------------------------------- answer */

static ShSdpDirection
answer_direction (ShSdpDirection offered, ShSdpRole role)
{
  gboolean remote_sends
      = offered == SH_SDP_DIRECTION_SENDRECV || offered == SH_SDP_DIRECTION_SENDONLY;
  gboolean remote_receives
      = offered == SH_SDP_DIRECTION_SENDRECV || offered == SH_SDP_DIRECTION_RECVONLY;
  gboolean receive = remote_sends && (role & SH_SDP_ROLE_RECEIVE);
  gboolean send = remote_receives && (role & SH_SDP_ROLE_SEND);

  if (receive && send)
    return SH_SDP_DIRECTION_SENDRECV;
  if (receive)
    return SH_SDP_DIRECTION_RECVONLY;
  if (send)
    return SH_SDP_DIRECTION_SENDONLY;
  return SH_SDP_DIRECTION_INACTIVE;
}

/* RFC 8853: the server receives the layers the browser sends, so each
 * a=rid:X send becomes a=rid:X recv and simulcast:send becomes recv. */
static void
mirror_simulcast (const ShSdpMedia *offered, ShSdpMedia *answer)
{
  if (offered->simulcast == NULL || offered->simulcast->send->len == 0)
    return;
  for (guint i = 0; i < offered->rids->len; i++) {
    const ShSdpRid *rid = g_ptr_array_index (offered->rids, i);
    if (rid->direction != SH_SDP_RID_SEND)
      continue;
    ShSdpRid *mirrored = g_new0 (ShSdpRid, 1);
    mirrored->id = g_strdup (rid->id);
    mirrored->direction = SH_SDP_RID_RECV;
    mirrored->payload_types = g_array_new (FALSE, FALSE, sizeof (guint8));
    mirrored->params = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sdp_attribute_free);
    g_ptr_array_add (answer->rids, mirrored);
  }
  answer->simulcast = g_new0 (ShSdpSimulcast, 1);
  answer->simulcast->send = sh_sdp_simulcast_list_new ();
  answer->simulcast->recv = sh_sdp_simulcast_list_new ();
  for (guint i = 0; i < offered->simulcast->send->len; i++) {
    GPtrArray *alternatives = g_ptr_array_index (offered->simulcast->send, i);
    /* Alternatives collapse to the first: the server takes what it is sent. */
    const ShSdpSimulcastRid *rid = g_ptr_array_index (alternatives, 0);
    sh_sdp_simulcast_list_add (answer->simulcast->recv, rid->rid, rid->paused);
  }
}

static ShSdpMedia *
rejected_media (const ShSdpMedia *offered)
{
  ShSdpMedia *media = sh_sdp_media_new (offered->kind, 0, offered->proto);
  media->rtp = offered->rtp;
  /* RFC 8866 5.14: the m= line keeps at least one format. */
  for (guint i = 0; i < offered->codecs->len; i++) {
    const ShSdpCodec *codec = g_ptr_array_index (offered->codecs, i);
    g_ptr_array_add (media->codecs, sh_sdp_codec_new (codec->pt, NULL, 0, 0, NULL));
  }
  for (guint i = 0; i < offered->formats->len; i++)
    g_ptr_array_add (media->formats, g_strdup (g_ptr_array_index (offered->formats, i)));
  media->connection = g_strdup ("IN IP4 0.0.0.0");
  media->mid = g_strdup (offered->mid);
  return media;
}

/* Why OFFERED (the INDEX-th m-section) cannot be accepted, or NULL. */
static char *
rejection_reason (const ShSdp *offer, const ShSdpMedia *offered, const ShSdpGroup *bundle,
                  gboolean dtls_active)
{
  if (offered->port == 0 && !offered->bundle_only)
    return g_strdup ("rejected in the offer");
  if (g_strcmp0 (offered->kind, "application") == 0)
    return g_strdup ("data channels are not supported");
  if (g_strcmp0 (offered->kind, "audio") != 0 && g_strcmp0 (offered->kind, "video") != 0)
    return g_strdup_printf ("media kind \"%s\" is not supported", offered->kind);
  if (g_strcmp0 (offered->proto, "UDP/TLS/RTP/SAVPF") != 0)
    return g_strdup_printf ("protocol %s is not supported", offered->proto);
  if (offered->mid == NULL)
    return g_strdup ("has no a=mid, which BUNDLE needs");
  if (bundle == NULL
      || !g_ptr_array_find_with_equal_func (bundle->mids, offered->mid, g_str_equal, NULL))
    return g_strdup ("is not in the offer's BUNDLE group");
  if (!offered->rtcp_mux)
    return g_strdup ("has no a=rtcp-mux");
  if (sh_sdp_media_fingerprint (offer, offered) == NULL)
    return g_strdup ("has no DTLS fingerprint");
  ShSdpSetup setup = sh_sdp_media_setup (offer, offered);
  if (dtls_active && setup != SH_SDP_SETUP_ACTPASS && setup != SH_SDP_SETUP_PASSIVE)
    return g_strdup ("its a=setup leaves no DTLS server (this side is active)");
  if (!dtls_active && setup != SH_SDP_SETUP_ACTPASS && setup != SH_SDP_SETUP_ACTIVE)
    return g_strdup ("its a=setup leaves no DTLS client (the server is passive)");
  return NULL;
}

static void
add_reason (GPtrArray *reasons, guint index, const ShSdpMedia *offered, const char *reason)
{
  g_ptr_array_add (reasons, g_strdup_printf ("m-section %u (mid %s) %s%s", index + 1,
                                             offered->mid != NULL ? offered->mid : "none",
                                             g_str_has_prefix (reason, "has ")
                                                     || g_str_has_prefix (reason, "is ")
                                                     || g_str_has_prefix (reason, "its ")
                                                     || g_str_has_prefix (reason, "rejected")
                                                 ? ""
                                                 : "refused: ",
                                             reason));
}

ShSdp *
sh_sdp_answer_create (const ShSdp *offer, const ShSdpLocal *local, GPtrArray **reasons,
                      GError **error)
{
  g_autoptr (ShSdpFingerprint) fingerprint = NULL;
  g_autoptr (GPtrArray) why = g_ptr_array_new_with_free_func (g_free);
  const ShSdpGroup *offer_bundle = sh_sdp_find_group (offer, "BUNDLE");
  ShSdpCodecs codecs = local->codecs != 0 ? local->codecs : SH_SDP_CODEC_ALL;
  gboolean any_fingerprint = offer->fingerprints->len > 0;

  if (!sh_sdp_local_check (local, &fingerprint, error))
    return NULL;
  for (guint i = 0; i < offer->media->len; i++)
    any_fingerprint |= ((ShSdpMedia *) g_ptr_array_index (offer->media, i))->fingerprints->len > 0;
  if (!any_fingerprint) {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NO_FINGERPRINT,
                 "offer has no DTLS fingerprint");
    return NULL;
  }

  g_autoptr (ShSdp) answer = sh_sdp_session_new (local);
  ShSdpGroup *bundle = sh_sdp_group_new ("BUNDLE");
  g_ptr_array_add (answer->groups, bundle);
  answer->extmap_allow_mixed = offer->extmap_allow_mixed;

  for (guint i = 0; i < offer->media->len; i++) {
    const ShSdpMedia *offered = g_ptr_array_index (offer->media, i);
    ShSdpRole role = i < local->n_roles && local->roles != NULL ? local->roles[i]
                     : local->default_role != 0                 ? local->default_role
                                                                : SH_SDP_ROLE_RECEIVE;
    g_autofree char *reason = rejection_reason (offer, offered, offer_bundle, local->dtls_active);
    g_autoptr (ShSdpMedia) media = NULL;

    if (reason == NULL) {
      media = sh_sdp_media_new (offered->kind, 9, offered->proto);
      choose_codecs (offered, codecs, media);
      if (media->codecs->len == 0) {
        g_clear_pointer (&media, sh_sdp_media_free);
        reason = g_strdup ("has no supported codec");
      }
    }
    if (reason != NULL) {
      add_reason (why, i, offered, reason);
      g_ptr_array_add (answer->media, rejected_media (offered));
      continue;
    }
    sh_sdp_media_set_transport (media, local, fingerprint,
                                local->dtls_active ? SH_SDP_SETUP_ACTIVE : SH_SDP_SETUP_PASSIVE,
                                bundle->mids->len == 0);
    media->mid = g_strdup (offered->mid);
    media->rtcp_rsize = offered->rtcp_rsize;
    media->direction = answer_direction (sh_sdp_media_direction (offer, offered), role);
    for (guint j = 0; j < offered->extmaps->len; j++) {
      const ShSdpExtmap *extmap = g_ptr_array_index (offered->extmaps, j);
      if (in_list (supported_extmaps, G_N_ELEMENTS (supported_extmaps), extmap->uri))
        g_ptr_array_add (media->extmaps, sh_sdp_extmap_new (extmap->id, extmap->uri));
    }
    if (media->direction == SH_SDP_DIRECTION_RECVONLY
        || media->direction == SH_SDP_DIRECTION_SENDRECV)
      mirror_simulcast (offered, media);
    g_ptr_array_add (bundle->mids, g_strdup (offered->mid));
    g_ptr_array_add (answer->media, g_steal_pointer (&media));
  }

  if (bundle->mids->len == 0) {
    g_autoptr (GString) all = g_string_new (NULL);
    for (guint i = 0; i < why->len; i++)
      g_string_append_printf (all, "%s%s", i > 0 ? "; " : "", (char *) g_ptr_array_index (why, i));
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED,
                 "offer has no m-section the server can accept: %s", all->str);
    return NULL;
  }
  /* The accepted sections share the first one's port and address. */
  ShSdpMedia *tagged = sh_sdp_find_media (answer, g_ptr_array_index (bundle->mids, 0));
  for (guint i = 0; i < answer->media->len; i++) {
    ShSdpMedia *media = g_ptr_array_index (answer->media, i);
    if (media->port != 0)
      media->port = tagged->port;
  }
  if (reasons != NULL)
    *reasons = g_steal_pointer (&why);
  return g_steal_pointer (&answer);
}
