/* Tests for server-side SDP negotiation: answers to real browser offers
 * (tests/fixtures/sdp), server offers, and checking the browser's answer.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <string.h>

#include "sdp-answer.h"

#define FINGERPRINT                                                                                \
  "3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:"  \
  "AA"

static const char *const server_candidates[] = {
  "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
  "candidate:2 1 udp 1694498815 203.0.113.1 40000 typ srflx raddr 127.0.0.1 rport 40000",
  NULL,
};

static ShSdpLocal
server_local (void)
{
  ShSdpLocal local = {
    .ice_ufrag = "srv1",
    .ice_pwd = "serverpasswordserverpass",
    .fingerprint = FINGERPRINT,
    .candidates = server_candidates,
    .end_of_candidates = TRUE,
    .session_id = 4242,
    .session_version = 2,
  };
  return local;
}

static ShSdp *
parse_text (const char *text)
{
  g_autoptr (GError) error = NULL;
  ShSdp *sdp = sh_sdp_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  return sdp;
}

static ShSdp *
parse_fixture (const char *name)
{
  const char *root = g_getenv ("SANHUI_SOURCE_ROOT");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (root);
  path = g_build_filename (root, "tests", "fixtures", "sdp", name, NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return parse_text (text);
}

/* Answers OFFER, checks what every answer must have, and returns the
 * answer as parsed back from its text, so the written form is what the
 * assertions see. */
static ShSdp *
answer_and_check (const ShSdp *offer, const ShSdpLocal *local, GPtrArray **reasons)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) answer = sh_sdp_answer_create (offer, local, reasons, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_autofree char *text = sh_sdp_to_string (answer);
  ShSdp *parsed = parse_text (text);

  g_assert_nonnull (strstr (text, "a=fingerprint:sha-256 " FINGERPRINT "\r\n"));
  g_assert_nonnull (strstr (text, "a=ice-ufrag:srv1\r\n"));
  g_assert_null (strstr (text, "a=setup:actpass"));

  /* Every offered m-section is answered, in order; BUNDLE lists exactly
   * the accepted ones. */
  g_assert_cmpuint (parsed->media->len, ==, offer->media->len);
  ShSdpGroup *bundle = sh_sdp_find_group (parsed, "BUNDLE");
  g_assert_nonnull (bundle);
  guint accepted = 0;
  for (guint i = 0; i < parsed->media->len; i++) {
    ShSdpMedia *answered = g_ptr_array_index (parsed->media, i);
    ShSdpMedia *offered = g_ptr_array_index (offer->media, i);
    g_assert_cmpstr (answered->mid, ==, offered->mid);
    g_assert_cmpstr (answered->kind, ==, offered->kind);
    gboolean in_bundle
        = g_ptr_array_find_with_equal_func (bundle->mids, answered->mid, g_str_equal, NULL);
    g_assert_cmpint (in_bundle, ==, answered->port != 0);
    if (answered->port == 0)
      continue;
    accepted++;
    g_assert_cmpint (answered->setup, ==, SH_SDP_SETUP_PASSIVE);
    g_assert_true (answered->rtcp_mux);
    g_assert_cmpstr (sh_sdp_media_ice_ufrag (parsed, answered), ==, "srv1");
    g_assert_cmpuint (answered->port, ==, 40000);
    /* Payload types and extension ids are the offer's. */
    for (guint j = 0; j < answered->codecs->len; j++) {
      ShSdpCodec *codec = g_ptr_array_index (answered->codecs, j);
      ShSdpCodec *theirs = sh_sdp_media_find_codec (offered, codec->pt);
      g_assert_nonnull (theirs);
      g_assert_cmpstr (codec->name, ==, theirs->name);
    }
    for (guint j = 0; j < answered->extmaps->len; j++) {
      ShSdpExtmap *extmap = g_ptr_array_index (answered->extmaps, j);
      gboolean found = FALSE;
      for (guint k = 0; k < offered->extmaps->len; k++) {
        ShSdpExtmap *theirs = g_ptr_array_index (offered->extmaps, k);
        found |= theirs->id == extmap->id && g_strcmp0 (theirs->uri, extmap->uri) == 0;
      }
      g_assert_true (found);
    }
  }
  g_assert_cmpuint (bundle->mids->len, ==, accepted);
  /* Candidates only in the BUNDLE-tag section. */
  ShSdpMedia *tagged = sh_sdp_find_media (parsed, g_ptr_array_index (bundle->mids, 0));
  g_assert_cmpuint (tagged->candidates->len, ==, 2);
  g_assert_true (tagged->end_of_candidates);
  return parsed;
}

/* The accepted codec names of MEDIA, space-separated, in order. */
static char *
codec_names (const ShSdpMedia *media)
{
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < media->codecs->len; i++) {
    ShSdpCodec *codec = g_ptr_array_index (media->codecs, i);
    g_string_append_printf (names, "%s%s/%u", i > 0 ? " " : "", codec->name, codec->pt);
  }
  return g_string_free (names, FALSE);
}

static gboolean
has_feedback (const ShSdpCodec *codec, const char *fb)
{
  return g_ptr_array_find_with_equal_func (codec->rtcp_fb, fb, g_str_equal, NULL);
}

static gboolean
has_extmap (const ShSdpMedia *media, const char *uri)
{
  for (guint i = 0; i < media->extmaps->len; i++)
    if (g_strcmp0 (((ShSdpExtmap *) g_ptr_array_index (media->extmaps, i))->uri, uri) == 0)
      return TRUE;
  return FALSE;
}

static void
test_chromium_sendrecv (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("chromium-sendrecv-audio-video.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (GPtrArray) reasons = NULL;
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, &reasons);

  g_assert_cmpuint (reasons->len, ==, 0);
  ShSdpMedia *audio = g_ptr_array_index (answer->media, 0);
  g_autofree char *audio_codecs = codec_names (audio);
  g_assert_cmpstr (audio_codecs, ==, "opus/111 telephone-event/110");
  ShSdpCodec *opus = sh_sdp_media_find_codec (audio, 111);
  g_assert_cmpstr (opus->fmtp, ==, "minptime=10;useinbandfec=1");
  g_assert_true (has_feedback (opus, "transport-cc"));
  /* A publish connection: the server receives. */
  g_assert_cmpint (audio->direction, ==, SH_SDP_DIRECTION_RECVONLY);
  g_assert_true (has_extmap (audio, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"));

  ShSdpMedia *video = g_ptr_array_index (answer->media, 1);
  g_autofree char *video_codecs = codec_names (video);
  /* VP8 and the Constrained Baseline H.264 with packetization-mode=1, each
   * with its RTX; Baseline 42001f loses to 42e01f, mode 0 and High are out. */
  g_assert_cmpstr (video_codecs, ==, "VP8/96 rtx/97 H264/108 rtx/109");
  ShSdpCodec *vp8 = sh_sdp_media_find_codec (video, 96);
  static const char *const feedback[]
      = { "nack", "nack pli", "ccm fir", "goog-remb", "transport-cc" };
  for (guint i = 0; i < G_N_ELEMENTS (feedback); i++)
    g_assert_true (has_feedback (vp8, feedback[i]));
  g_assert_cmpuint (sh_sdp_media_find_codec (video, 97)->rtcp_fb->len, ==, 0);
  g_assert_cmpstr (sh_sdp_media_find_codec (video, 97)->fmtp, ==, "apt=96");
  g_assert_cmpstr (sh_sdp_media_find_codec (video, 109)->fmtp, ==, "apt=108");
  g_assert_true (has_extmap (video, "urn:ietf:params:rtp-hdrext:sdes:mid"));
  g_assert_false (has_extmap (video, "urn:ietf:params:rtp-hdrext:toffset"));
  g_assert_false (has_extmap (video, "urn:3gpp:video-orientation"));
  g_assert_true (answer->extmap_allow_mixed);
}

static void
test_chromium_recvonly (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("chromium-recvonly.sdp");
  ShSdpLocal local = server_local ();
  ShSdpRole roles[] = { SH_SDP_ROLE_BOTH, SH_SDP_ROLE_RECEIVE };
  local.roles = roles;
  local.n_roles = G_N_ELEMENTS (roles);
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, NULL);

  /* The browser only receives: the server sends audio where its role
   * allows, and video (receive-only role) is inactive. */
  g_assert_cmpint (((ShSdpMedia *) g_ptr_array_index (answer->media, 0))->direction, ==,
                   SH_SDP_DIRECTION_SENDONLY);
  g_assert_cmpint (((ShSdpMedia *) g_ptr_array_index (answer->media, 1))->direction, ==,
                   SH_SDP_DIRECTION_INACTIVE);
}

static void
test_chromium_simulcast (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("chromium-simulcast.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, NULL);
  ShSdpMedia *video = g_ptr_array_index (answer->media, 1);

  g_assert_cmpint (video->direction, ==, SH_SDP_DIRECTION_RECVONLY);
  g_assert_cmpuint (video->rids->len, ==, 3);
  static const char *const ids[] = { "q", "h", "f" };
  for (guint i = 0; i < 3; i++) {
    ShSdpRid *rid = g_ptr_array_index (video->rids, i);
    g_assert_cmpstr (rid->id, ==, ids[i]);
    g_assert_cmpint (rid->direction, ==, SH_SDP_RID_RECV);
  }
  g_assert_nonnull (video->simulcast);
  g_assert_cmpuint (video->simulcast->recv->len, ==, 3);
  g_assert_cmpuint (video->simulcast->send->len, ==, 0);
  g_assert_true (has_extmap (video, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
  g_assert_true (has_extmap (video, "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"));
  g_autofree char *text = sh_sdp_to_string (answer);
  g_assert_nonnull (strstr (text, "a=simulcast:recv q;h;f\r\n"));
}

static void
test_chromium_screen_plus_camera (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("chromium-screen-plus-camera.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, NULL);

  g_assert_cmpuint (answer->media->len, ==, 3);
  g_assert_cmpuint (sh_sdp_find_group (answer, "BUNDLE")->mids->len, ==, 3);
  for (guint i = 1; i < 3; i++) {
    ShSdpMedia *video = g_ptr_array_index (answer->media, i);
    g_assert_cmpstr (video->kind, ==, "video");
    g_assert_nonnull (sh_sdp_media_find_codec (video, 96));
  }
}

static void
test_chromium_datachannel_only (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("chromium-datachannel.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) answer = sh_sdp_answer_create (offer, &local, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED);
  g_assert_nonnull (strstr (error->message, "m-section 1 (mid 0) refused: data channels are not "
                                            "supported"));
}

static void
test_firefox (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("firefox-audio-video-datachannel.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (GPtrArray) reasons = NULL;
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, &reasons);

  ShSdpMedia *audio = g_ptr_array_index (answer->media, 0);
  g_autofree char *audio_codecs = codec_names (audio);
  g_assert_cmpstr (audio_codecs, ==, "opus/109 telephone-event/101");
  ShSdpMedia *video = g_ptr_array_index (answer->media, 1);
  g_autofree char *video_codecs = codec_names (video);
  g_assert_cmpstr (video_codecs, ==, "VP8/120 rtx/124 H264/126 rtx/127");
  /* rtcp-fb:* nack and nack pli apply to each chosen codec. */
  ShSdpCodec *h264 = sh_sdp_media_find_codec (video, 126);
  g_assert_true (has_feedback (h264, "nack"));
  g_assert_true (has_feedback (h264, "nack pli"));
  g_assert_true (has_feedback (h264, "ccm fir"));

  /* The data channel stays, third and rejected. */
  ShSdpMedia *data = g_ptr_array_index (answer->media, 2);
  g_assert_cmpstr (data->kind, ==, "application");
  g_assert_cmpuint (data->port, ==, 0);
  g_assert_cmpstr (data->mid, ==, "2");
  g_assert_cmpstr (g_ptr_array_index (data->formats, 0), ==, "webrtc-datachannel");
  g_assert_cmpuint (reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==,
                   "m-section 3 (mid 2) refused: data channels are not supported");
  g_autofree char *text = sh_sdp_to_string (answer);
  g_assert_nonnull (strstr (text, "a=group:BUNDLE 0 1\r\n"));
  g_assert_nonnull (strstr (text, "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
}

static void
test_safari (void)
{
  g_autoptr (ShSdp) offer = parse_fixture ("safari-sendrecv-audio-video.sdp");
  ShSdpLocal local = server_local ();
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, NULL);
  ShSdpMedia *video = g_ptr_array_index (answer->media, 1);
  g_autofree char *video_codecs = codec_names (video);

  /* H.264 42e01f with packetization-mode=1 (98) first, as Safari ordered
   * it; High (96, 100) and mode 0 (127) refused; VP8 kept after. */
  g_assert_cmpstr (video_codecs, ==, "H264/98 rtx/99 VP8/104 rtx/105");
  ShSdpCodec *h264 = sh_sdp_media_find_codec (video, 98);
  g_assert_nonnull (strstr (h264->fmtp, "profile-level-id=42e01f"));
  g_assert_nonnull (strstr (h264->fmtp, "packetization-mode=1"));
  g_assert_null (sh_sdp_media_find_codec (video, 127));
  g_assert_null (sh_sdp_media_find_codec (video, 96));
  g_assert_null (sh_sdp_media_find_codec (video, 39));

  /* A server that only does H.264 still answers Safari. */
  local.codecs = SH_SDP_CODEC_OPUS | SH_SDP_CODEC_H264;
  g_autoptr (ShSdp) h264_only = answer_and_check (offer, &local, NULL);
  g_autofree char *only = codec_names (g_ptr_array_index (h264_only->media, 1));
  g_assert_cmpstr (only, ==, "H264/98");
}

static void
test_h264_profiles (void)
{
  gboolean constrained;

  g_assert_true (
      sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=42e01f", &constrained));
  g_assert_true (constrained);
  g_assert_true (
      sh_sdp_h264_supported ("profile-level-id=42E034; packetization-mode=1", &constrained));
  g_assert_true (constrained);
  g_assert_true (
      sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=42001f", &constrained));
  g_assert_false (constrained);
  g_assert_false (sh_sdp_h264_supported ("packetization-mode=0;profile-level-id=42e01f", NULL));
  g_assert_false (sh_sdp_h264_supported ("profile-level-id=42e01f", NULL));
  g_assert_false (sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=640c1f", NULL));
  g_assert_false (sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=4d001f", NULL));
  g_assert_false (sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=42e0", NULL));
  g_assert_false (sh_sdp_h264_supported ("packetization-mode=1;profile-level-id=42g01f", NULL));
  g_assert_false (sh_sdp_h264_supported (NULL, NULL));

  g_autofree char *apt = sh_sdp_fmtp_get ("apt=96", "apt");
  g_assert_cmpstr (apt, ==, "96");
  g_autofree char *missing = sh_sdp_fmtp_get ("a=1;b=2", "c");
  g_assert_null (missing);
}

#define SESSION "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define TRANSPORT                                                                                  \
  "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"                                     \
  "a=fingerprint:sha-256 " FINGERPRINT "\r\na=setup:actpass\r\n"

static void
test_rejections (void)
{
  /* Opus without fmtp; video with only VP9; audio without rtcp-mux; a
   * section outside the BUNDLE group. */
  const char *text = SESSION "a=group:BUNDLE 0 1 2\r\n" TRANSPORT
                             "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtcp-mux\r\n"
                             "a=rtpmap:111 opus/48000/2\r\n"
                             "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:1\r\na=rtcp-mux\r\n"
                             "a=rtpmap:98 VP9/90000\r\n"
                             "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:2\r\n"
                             "a=rtpmap:111 opus/48000/2\r\n"
                             "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:3\r\na=rtcp-mux\r\n"
                             "a=rtpmap:111 opus/48000/2\r\n";
  g_autoptr (ShSdp) offer = parse_text (text);
  ShSdpLocal local = server_local ();
  g_autoptr (GPtrArray) reasons = NULL;
  g_autoptr (ShSdp) answer = answer_and_check (offer, &local, &reasons);

  g_assert_cmpstr (sh_sdp_media_find_codec (g_ptr_array_index (answer->media, 0), 111)->fmtp, ==,
                   "useinbandfec=1");
  g_assert_cmpuint (reasons->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==,
                   "m-section 2 (mid 1) has no supported codec");
  g_assert_cmpstr (g_ptr_array_index (reasons, 1), ==, "m-section 3 (mid 2) has no a=rtcp-mux");
  g_assert_cmpstr (g_ptr_array_index (reasons, 2), ==,
                   "m-section 4 (mid 3) is not in the offer's BUNDLE group");
  for (guint i = 1; i < 4; i++)
    g_assert_cmpuint (((ShSdpMedia *) g_ptr_array_index (answer->media, i))->port, ==, 0);
}

static void
test_offer_errors (void)
{
  ShSdpLocal local = server_local ();
  g_autoptr (GError) error = NULL;
  const char *no_fingerprint = SESSION "a=group:BUNDLE 0\r\na=ice-ufrag:abcd\r\n"
                                       "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                                       "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"
                                       "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
  g_autoptr (ShSdp) offer = parse_text (no_fingerprint);

  g_assert_null (sh_sdp_answer_create (offer, &local, NULL, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NO_FINGERPRINT);
  g_assert_cmpstr (error->message, ==, "offer has no DTLS fingerprint");
  g_clear_error (&error);

  /* An offer that wants to be the DTLS server too. */
  const char *passive = SESSION "a=group:BUNDLE 0\r\n"
                                "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                                "a=fingerprint:sha-256 " FINGERPRINT "\r\na=setup:passive\r\n"
                                "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"
                                "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
  g_autoptr (ShSdp) passive_offer = parse_text (passive);
  g_assert_null (sh_sdp_answer_create (passive_offer, &local, NULL, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED);
  g_assert_nonnull (strstr (error->message, "a=setup"));
  g_clear_error (&error);

  /* The server's own parameters are checked. */
  g_autoptr (ShSdp) good = parse_fixture ("chromium-sendrecv-audio-video.sdp");
  local.fingerprint = "AB:CD";
  g_assert_null (sh_sdp_answer_create (good, &local, NULL, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID);
  g_clear_error (&error);
  local = server_local ();
  local.ice_pwd = NULL;
  g_assert_null (sh_sdp_answer_create (good, &local, NULL, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID);
}

/* ------------------------------------------------------------ server offer */

static const ShSdpCodecSpec audio_codecs[] = {
  { 111, "opus", 48000, 2, "minptime=10;useinbandfec=1", 0 },
};
static const ShSdpCodecSpec video_codecs[] = {
  { 96, "VP8", 90000, 0, NULL, 97 },
  { 102, "H264", 90000, 0, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    103 },
};

static const ShSdpOfferSection subscribe_sections[] = {
  { "audio", "a1", SH_SDP_DIRECTION_NONE, audio_codecs, 1, 1111, 0, "sanhui", "alice",
    "alice-mic" },
  { "video", "v1", SH_SDP_DIRECTION_NONE, video_codecs, 2, 2222, 3333, "sanhui", "alice",
    "alice-cam" },
};

static ShSdp *
server_offer (void)
{
  ShSdpLocal local = server_local ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) offer = sh_sdp_offer_create (&local, subscribe_sections, 2, &error);
  g_assert_no_error (error);
  g_autofree char *text = sh_sdp_to_string (offer);
  return parse_text (text);
}

/* What a browser would answer to the server's offer: written by hand
 * the way Chromium does, with a=setup:active. */
static const char *browser_answer
    = SESSION "a=group:BUNDLE a1 v1\r\n"
              "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
              "a=ice-ufrag:brws\r\na=ice-pwd:browserpasswordbrowserpa\r\n"
              "a=fingerprint:sha-256 " FINGERPRINT "\r\na=setup:active\r\na=mid:a1\r\n"
              "a=recvonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
              "m=video 9 UDP/TLS/RTP/SAVPF 102 103\r\nc=IN IP4 0.0.0.0\r\n"
              "a=ice-ufrag:brws\r\na=ice-pwd:browserpasswordbrowserpa\r\n"
              "a=fingerprint:sha-256 " FINGERPRINT "\r\na=setup:active\r\na=mid:v1\r\n"
              "a=recvonly\r\na=rtcp-mux\r\na=rtpmap:102 H264/90000\r\na=rtpmap:103 rtx/90000\r\n"
              "a=fmtp:103 apt=102\r\n";

static void
test_server_offer (void)
{
  g_autoptr (ShSdp) offer = server_offer ();
  g_autofree char *text = sh_sdp_to_string (offer);

  g_assert_nonnull (strstr (text, "a=group:BUNDLE a1 v1\r\n"));
  g_assert_cmpuint (offer->media->len, ==, 2);
  ShSdpMedia *audio = g_ptr_array_index (offer->media, 0);
  ShSdpMedia *video = g_ptr_array_index (offer->media, 1);
  g_assert_cmpint (audio->setup, ==, SH_SDP_SETUP_ACTPASS);
  g_assert_cmpint (audio->direction, ==, SH_SDP_DIRECTION_SENDONLY);
  g_assert_cmpint (video->direction, ==, SH_SDP_DIRECTION_SENDONLY);
  g_assert_true (audio->rtcp_mux);
  g_assert_cmpuint (audio->candidates->len, ==, 2);
  g_assert_cmpuint (video->candidates->len, ==, 0);
  g_assert_cmpstr (audio->msid, ==, "alice alice-mic");
  g_autofree char *names = codec_names (video);
  g_assert_cmpstr (names, ==, "VP8/96 rtx/97 H264/102 rtx/103");
  g_assert_cmpstr (sh_sdp_media_find_codec (video, 103)->fmtp, ==, "apt=102");
  g_assert_true (has_feedback (sh_sdp_media_find_codec (video, 96), "nack pli"));
  g_assert_cmpuint (video->ssrc_groups->len, ==, 1);
  ShSdpSsrcGroup *fid = g_ptr_array_index (video->ssrc_groups, 0);
  g_assert_cmpstr (fid->semantics, ==, "FID");
  g_assert_cmpuint (g_array_index (fid->ssrcs, guint32, 0), ==, 2222);
  g_assert_cmpuint (g_array_index (fid->ssrcs, guint32, 1), ==, 3333);
  g_assert_nonnull (strstr (text, "a=ssrc:3333 cname:sanhui\r\n"));
  g_assert_nonnull (strstr (text, "a=ssrc:2222 msid:alice alice-cam\r\n"));
  g_assert_true (has_extmap (audio, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
  g_assert_false (has_extmap (video, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"));

  g_autoptr (ShSdp) answer = parse_text (browser_answer);
  g_autoptr (GError) error = NULL;
  g_assert_true (sh_sdp_offer_apply_answer (offer, answer, &error));
  g_assert_no_error (error);
}

static void
test_server_offer_bad_answers (void)
{
  g_autoptr (ShSdp) offer = server_offer ();
  static const struct {
    const char *from, *to;
    ShSdpNegotiationError code;
    const char *message;
  } edits[] = {
    { "a=setup:active\r\na=mid:v1", "a=setup:passive\r\na=mid:v1", SH_SDP_NEGOTIATION_ERROR_SETUP,
      "answer m-section 2 (mid v1) must have a=setup:active" },
    { "a=rtpmap:102 H264", "a=rtpmap:102 VP9", SH_SDP_NEGOTIATION_ERROR_MISMATCH,
      "maps payload type 102 to VP9/90000" },
    { "m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=audio 9 UDP/TLS/RTP/SAVPF 111 0",
      SH_SDP_NEGOTIATION_ERROR_MISMATCH, "chose payload type 0, which the offer did not have" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++) {
    g_autoptr (GString) text = g_string_new (browser_answer);
    g_autoptr (GError) error = NULL;
    g_assert_cmpuint (g_string_replace (text, edits[i].from, edits[i].to, 1), ==, 1);
    g_autoptr (ShSdp) answer = parse_text (text->str);
    g_assert_false (sh_sdp_offer_apply_answer (offer, answer, &error));
    g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, (gint) edits[i].code);
    g_assert_nonnull (strstr (error->message, edits[i].message));
  }

  /* Mids swapped: the answer's order is not the offer's. */
  g_autoptr (GString) swapped = g_string_new (browser_answer);
  g_string_replace (swapped, "a=mid:a1", "a=mid:tmp", 1);
  g_string_replace (swapped, "a=mid:v1", "a=mid:a1", 1);
  g_string_replace (swapped, "a=mid:tmp", "a=mid:v1", 1);
  g_autoptr (ShSdp) answer = parse_text (swapped->str);
  g_autoptr (GError) error = NULL;
  g_assert_false (sh_sdp_offer_apply_answer (offer, answer, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "mid a1"));
  g_clear_error (&error);

  /* A section missing. */
  g_autoptr (ShSdp) fixture = parse_fixture ("chromium-datachannel.sdp");
  g_assert_false (sh_sdp_offer_apply_answer (offer, fixture, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Bad section descriptions are refused before anything is built. */
  ShSdpLocal local = server_local ();
  ShSdpOfferSection bad[2] = { subscribe_sections[0], subscribe_sections[0] };
  g_assert_null (sh_sdp_offer_create (&local, bad, 2, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "duplicate mid"));
}

/* A client of the server on this stack (tools/loadbot) is the DTLS client
 * both ways: its answers to the server's offers say active, and it takes
 * the server's passive answers to its own offers. */
static void
test_dtls_active (void)
{
  g_autoptr (ShSdp) offer = server_offer ();
  ShSdpLocal client = server_local ();
  g_autoptr (GError) error = NULL;

  client.ice_ufrag = "bot1";
  client.dtls_active = TRUE;
  g_autoptr (ShSdp) answer = sh_sdp_answer_create (offer, &client, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *text = sh_sdp_to_string (answer);
  g_assert_nonnull (strstr (text, "a=setup:active\r\n"));
  g_assert_null (strstr (text, "a=setup:passive"));
  g_autoptr (ShSdp) parsed = parse_text (text);
  /* The server's own check of a browser's answer takes it. */
  g_assert_true (sh_sdp_offer_apply_answer (offer, parsed, &error));
  g_assert_no_error (error);

  /* An offer that insists on being active leaves no DTLS server. */
  g_autofree char *offer_text = sh_sdp_to_string (offer);
  g_autoptr (GString) active = g_string_new (offer_text);
  g_assert_cmpuint (g_string_replace (active, "a=setup:actpass", "a=setup:active", 0), >=, 1);
  g_autoptr (ShSdp) active_offer = parse_text (active->str);
  g_assert_null (sh_sdp_answer_create (active_offer, &client, NULL, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_NOTHING_ACCEPTED);
  g_assert_nonnull (strstr (error->message, "leaves no DTLS server"));
  g_clear_error (&error);

  /* The client offers and the server answers passive: the offerer takes a
   * passive answer only when it asked for one. */
  ShSdpLocal server = server_local ();
  g_autoptr (ShSdp) server_answer = sh_sdp_answer_create (offer, &server, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *server_text = sh_sdp_to_string (server_answer);
  g_autoptr (ShSdp) passive = parse_text (server_text);
  g_assert_true (sh_sdp_offer_apply_answer_setup (offer, passive, SH_SDP_SETUP_PASSIVE, &error));
  g_assert_no_error (error);
  g_assert_false (sh_sdp_offer_apply_answer (offer, passive, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_SETUP);
  g_clear_error (&error);
  g_assert_false (sh_sdp_offer_apply_answer_setup (offer, parsed, SH_SDP_SETUP_PASSIVE, &error));
  g_assert_error (error, SH_SDP_NEGOTIATION_ERROR, SH_SDP_NEGOTIATION_ERROR_SETUP);
  g_assert_nonnull (strstr (error->message, "must have a=setup:passive"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sdp-answer/chromium/sendrecv", test_chromium_sendrecv);
  g_test_add_func ("/sdp-answer/chromium/recvonly", test_chromium_recvonly);
  g_test_add_func ("/sdp-answer/chromium/simulcast", test_chromium_simulcast);
  g_test_add_func ("/sdp-answer/chromium/screen-plus-camera", test_chromium_screen_plus_camera);
  g_test_add_func ("/sdp-answer/chromium/datachannel-only", test_chromium_datachannel_only);
  g_test_add_func ("/sdp-answer/firefox", test_firefox);
  g_test_add_func ("/sdp-answer/safari", test_safari);
  g_test_add_func ("/sdp-answer/h264-profiles", test_h264_profiles);
  g_test_add_func ("/sdp-answer/rejections", test_rejections);
  g_test_add_func ("/sdp-answer/offer-errors", test_offer_errors);
  g_test_add_func ("/sdp-answer/server-offer", test_server_offer);
  g_test_add_func ("/sdp-answer/server-offer-bad-answers", test_server_offer_bad_answers);
  g_test_add_func ("/sdp-answer/dtls-active", test_dtls_active);
  return g_test_run ();
}
