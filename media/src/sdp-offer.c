/* SDP negotiation, server side: offers for subscribe connections and the
 * check of the browser's answer.
 * SPDX-License-Identifier: Apache-2.0 */
#include "sdp-answer.h"
#include "sdp-negotiate.h"

#include <string.h>

/* Fixed ids: the server offers, so it picks them (RFC 8285 one-byte ids). */
static const struct {
  guint id;
  const char *uri;
  gboolean audio, video;
} offer_extmaps[] = {
  { 1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", TRUE, FALSE },
  { 2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", TRUE, TRUE },
  { 3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", TRUE, TRUE },
  { 4, "urn:ietf:params:rtp-hdrext:sdes:mid", TRUE, TRUE },
};

static const char *const video_feedback[] = {
  "goog-remb", "transport-cc", "ccm fir", "nack", "nack pli",
};

static gboolean
invalid (GError **error, guint index, const char *message)
{
  g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
               "offer section %u: %s", index + 1, message);
  return FALSE;
}

static gboolean
check_section (const ShSdpOfferSection *section, guint index, GHashTable *mids, GError **error)
{
  gboolean audio = g_strcmp0 (section->kind, "audio") == 0;

  if (!audio && g_strcmp0 (section->kind, "video") != 0)
    return invalid (error, index, "kind must be audio or video");
  if (section->mid == NULL || *section->mid == '\0' || strchr (section->mid, ' ') != NULL)
    return invalid (error, index, "needs a mid without spaces");
  if (!g_hash_table_add (mids, (gpointer) section->mid))
    return invalid (error, index, "duplicate mid");
  if (section->n_codecs == 0 || section->codecs == NULL)
    return invalid (error, index, "needs at least one codec");
  for (guint i = 0; i < section->n_codecs; i++) {
    const ShSdpCodecSpec *codec = &section->codecs[i];
    if (codec->pt > 127 || codec->rtx_pt > 127 || codec->name == NULL || codec->clock_rate == 0)
      return invalid (error, index, "codecs need a name, a clock rate and payload types 0-127");
  }
  if (section->ssrc != 0 && section->cname == NULL)
    return invalid (error, index, "an ssrc needs a cname");
  if (section->rtx_ssrc != 0 && section->ssrc == 0)
    return invalid (error, index, "an RTX ssrc needs a media ssrc");
  return TRUE;
}

static void
add_ssrcs (ShSdpMedia *media, const ShSdpOfferSection *section)
{
  g_autofree char *msid = NULL;

  if (section->stream_id != NULL && section->track_id != NULL) {
    msid = g_strdup_printf ("%s %s", section->stream_id, section->track_id);
    media->msid = g_strdup (msid);
  }
  if (section->ssrc == 0)
    return;
  if (section->rtx_ssrc != 0) {
    /* RFC 4588 8: FID ties the retransmission stream to its media stream. */
    ShSdpSsrcGroup *group = sh_sdp_ssrc_group_new ("FID");
    g_array_append_val (group->ssrcs, section->ssrc);
    g_array_append_val (group->ssrcs, section->rtx_ssrc);
    g_ptr_array_add (media->ssrc_groups, group);
  }
  g_ptr_array_add (media->ssrcs, sh_sdp_ssrc_new (section->ssrc, section->cname, msid));
  if (section->rtx_ssrc != 0)
    g_ptr_array_add (media->ssrcs, sh_sdp_ssrc_new (section->rtx_ssrc, section->cname, msid));
}

ShSdp *
sh_sdp_offer_create (const ShSdpLocal *local, const ShSdpOfferSection *sections, guint n_sections,
                     GError **error)
{
  g_autoptr (ShSdpFingerprint) fingerprint = NULL;
  g_autoptr (GHashTable) mids = g_hash_table_new (g_str_hash, g_str_equal);

  if (n_sections == 0 || sections == NULL) {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
                 "an offer needs at least one section");
    return NULL;
  }
  if (n_sections > SH_SDP_MAX_MEDIA) {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID,
                 "an offer has at most %d sections", SH_SDP_MAX_MEDIA);
    return NULL;
  }
  for (guint i = 0; i < n_sections; i++)
    if (!check_section (&sections[i], i, mids, error))
      return NULL;
  if (!sh_sdp_local_check (local, &fingerprint, error))
    return NULL;

  g_autoptr (ShSdp) offer = sh_sdp_session_new (local);
  ShSdpGroup *bundle = sh_sdp_group_new ("BUNDLE");
  g_ptr_array_add (offer->groups, bundle);

  for (guint i = 0; i < n_sections; i++) {
    const ShSdpOfferSection *section = &sections[i];
    gboolean audio = g_strcmp0 (section->kind, "audio") == 0;
    ShSdpMedia *media = sh_sdp_media_new (section->kind, 9, "UDP/TLS/RTP/SAVPF");

    sh_sdp_media_set_transport (media, local, fingerprint, SH_SDP_SETUP_ACTPASS, i == 0);
    media->mid = g_strdup (section->mid);
    media->direction = section->direction != SH_SDP_DIRECTION_NONE ? section->direction
                                                                   : SH_SDP_DIRECTION_SENDONLY;
    media->rtcp_rsize = TRUE;
    for (gsize j = 0; j < G_N_ELEMENTS (offer_extmaps); j++)
      if (audio ? offer_extmaps[j].audio : offer_extmaps[j].video)
        g_ptr_array_add (media->extmaps,
                         sh_sdp_extmap_new (offer_extmaps[j].id, offer_extmaps[j].uri));
    for (guint j = 0; j < section->n_codecs; j++) {
      const ShSdpCodecSpec *spec = &section->codecs[j];
      ShSdpCodec *codec
          = sh_sdp_codec_new (spec->pt, spec->name, spec->clock_rate, spec->channels, spec->fmtp);
      gboolean dtmf = g_ascii_strcasecmp (spec->name, "telephone-event") == 0;
      if (!audio) {
        for (gsize k = 0; k < G_N_ELEMENTS (video_feedback); k++)
          g_ptr_array_add (codec->rtcp_fb, g_strdup (video_feedback[k]));
      } else if (!dtmf) {
        g_ptr_array_add (codec->rtcp_fb, g_strdup ("transport-cc"));
      }
      g_ptr_array_add (media->codecs, codec);
      if (spec->rtx_pt != 0) {
        g_autofree char *apt = g_strdup_printf ("apt=%u", spec->pt);
        g_ptr_array_add (media->codecs,
                         sh_sdp_codec_new (spec->rtx_pt, "rtx", spec->clock_rate, 0, apt));
      }
    }
    add_ssrcs (media, section);
    g_ptr_array_add (bundle->mids, g_strdup (section->mid));
    g_ptr_array_add (offer->media, media);
  }
  return g_steal_pointer (&offer);
}

static gboolean mismatch (GError **error, guint index, const ShSdpMedia *media, const char *format,
                          ...) G_GNUC_PRINTF (4, 5);

static gboolean
mismatch (GError **error, guint index, const ShSdpMedia *media, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_MISMATCH,
               "answer m-section %u (mid %s) %s", index + 1,
               media->mid != NULL ? media->mid : "none", message);
  return FALSE;
}

gboolean
sh_sdp_offer_apply_answer (const ShSdp *offer, const ShSdp *answer, GError **error)
{
  return sh_sdp_offer_apply_answer_setup (offer, answer, SH_SDP_SETUP_ACTIVE, error);
}

gboolean
sh_sdp_offer_apply_answer_setup (const ShSdp *offer, const ShSdp *answer, ShSdpSetup setup,
                                 GError **error)
{
  if (answer->media->len != offer->media->len) {
    g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_MISMATCH,
                 "answer has %u m-sections, the offer had %u", answer->media->len,
                 offer->media->len);
    return FALSE;
  }
  for (guint i = 0; i < answer->media->len; i++) {
    const ShSdpMedia *answered = g_ptr_array_index (answer->media, i);
    const ShSdpMedia *offered = g_ptr_array_index (offer->media, i);

    /* RFC 8829 5.3.1: the answer has the offer's m-sections, in order. */
    if (g_strcmp0 (answered->mid, offered->mid) != 0)
      return mismatch (error, i, answered, "does not carry the offer's mid %s", offered->mid);
    if (g_strcmp0 (answered->kind, offered->kind) != 0)
      return mismatch (error, i, answered, "is %s, the offer's was %s", answered->kind,
                       offered->kind);
    if (answered->port == 0)
      continue; /* rejected by the browser: nothing to check */
    if (sh_sdp_media_fingerprint (answer, answered) == NULL) {
      g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NO_FINGERPRINT,
                   "answer m-section %u (mid %s) has no DTLS fingerprint", i + 1, answered->mid);
      return FALSE;
    }
    if (sh_sdp_media_setup (answer, answered) != setup) {
      g_set_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_SETUP,
                   "answer m-section %u (mid %s) must have a=setup:%s (the offerer is the "
                   "DTLS %s)",
                   i + 1, answered->mid, setup == SH_SDP_SETUP_PASSIVE ? "passive" : "active",
                   setup == SH_SDP_SETUP_PASSIVE ? "client" : "server");
      return FALSE;
    }
    if (!answered->rtcp_mux)
      return mismatch (error, i, answered, "has no a=rtcp-mux");
    if (answered->codecs->len == 0)
      return mismatch (error, i, answered, "accepts no codec");
    for (guint j = 0; j < answered->codecs->len; j++) {
      const ShSdpCodec *codec = g_ptr_array_index (answered->codecs, j);
      const ShSdpCodec *ours = sh_sdp_media_find_codec (offered, codec->pt);
      if (ours == NULL)
        return mismatch (error, i, answered, "chose payload type %u, which the offer did not have",
                         codec->pt);
      /* Without an rtpmap the payload type means what the offer said. */
      if (codec->name != NULL
          && (g_ascii_strcasecmp (codec->name, ours->name) != 0
              || codec->clock_rate != ours->clock_rate))
        return mismatch (error, i, answered, "maps payload type %u to %s/%u, the offer to %s/%u",
                         codec->pt, codec->name, codec->clock_rate, ours->name, ours->clock_rate);
    }
  }
  return TRUE;
}
