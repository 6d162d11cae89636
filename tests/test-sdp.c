/* Tests for the SDP parser and writer, on real browser offers
 * (tests/fixtures/sdp) and on every class of malformed input.
 * SPDX-License-Identifier: Apache-2.0 */
#include <glib.h>
#include <string.h>

#include "sdp.h"

static const char *const fixtures[] = {
  "chromium-sendrecv-audio-video.sdp",
  "chromium-recvonly.sdp",
  "chromium-simulcast.sdp",
  "chromium-screen-plus-camera.sdp",
  "chromium-datachannel.sdp",
  "firefox-audio-video-datachannel.sdp",
  "safari-sendrecv-audio-video.sdp",
};

static char *
read_fixture (const char *name, gsize *length)
{
  const char *root = g_getenv ("SANHUI_SOURCE_ROOT");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_nonnull (root);
  path = g_build_filename (root, "tests", "fixtures", "sdp", name, NULL);
  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static ShSdp *
parse_fixture (const char *name)
{
  gsize length;
  g_autofree char *text = read_fixture (name, &length);
  g_autoptr (GError) error = NULL;
  ShSdp *sdp = sh_sdp_parse (text, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sdp);
  return sdp;
}

/* The lines of TEXT as a sorted list, normalised where the writer spells
 * an equivalent value differently (the space of msid-semantic). */
static GPtrArray *
sorted_lines (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++) {
    g_strchomp (lines[i]);
    if (*lines[i] == '\0')
      continue;
    if (g_str_has_prefix (lines[i], "a=msid-semantic:"))
      g_ptr_array_add (out, g_strdup_printf ("a=msid-semantic:%s",
                                             g_strchug (lines[i] + strlen ("a=msid-semantic:"))));
    else
      g_ptr_array_add (out, g_strdup (lines[i]));
  }
  g_ptr_array_sort (out, (GCompareFunc) g_strcmp0);
  return out;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
assert_same_media (const ShSdpMedia *a, const ShSdpMedia *b)
{
  g_assert_cmpstr (a->kind, ==, b->kind);
  g_assert_cmpuint (a->port, ==, b->port);
  g_assert_cmpstr (a->proto, ==, b->proto);
  g_assert_cmpstr (a->mid, ==, b->mid);
  g_assert_cmpint (a->direction, ==, b->direction);
  g_assert_cmpstr (a->msid, ==, b->msid);
  g_assert_cmpstr (a->connection, ==, b->connection);
  g_assert_cmpstr (a->ice_ufrag, ==, b->ice_ufrag);
  g_assert_cmpstr (a->ice_pwd, ==, b->ice_pwd);
  g_assert_cmpint (a->setup, ==, b->setup);
  g_assert_cmpint (a->rtcp_mux, ==, b->rtcp_mux);
  g_assert_cmpint (a->rtcp_rsize, ==, b->rtcp_rsize);
  g_assert_cmpint (a->end_of_candidates, ==, b->end_of_candidates);
  g_assert_cmpuint (a->codecs->len, ==, b->codecs->len);
  for (guint i = 0; i < a->codecs->len; i++) {
    ShSdpCodec *ca = g_ptr_array_index (a->codecs, i);
    ShSdpCodec *cb = g_ptr_array_index (b->codecs, i);
    g_assert_cmpuint (ca->pt, ==, cb->pt);
    g_assert_cmpstr (ca->name, ==, cb->name);
    g_assert_cmpuint (ca->clock_rate, ==, cb->clock_rate);
    g_assert_cmpuint (ca->channels, ==, cb->channels);
    g_assert_cmpstr (ca->fmtp, ==, cb->fmtp);
    g_assert_cmpuint (ca->rtcp_fb->len, ==, cb->rtcp_fb->len);
    for (guint j = 0; j < ca->rtcp_fb->len; j++)
      g_assert_cmpstr (g_ptr_array_index (ca->rtcp_fb, j), ==, g_ptr_array_index (cb->rtcp_fb, j));
  }
  g_assert_cmpuint (a->formats->len, ==, b->formats->len);
  g_assert_cmpuint (a->extmaps->len, ==, b->extmaps->len);
  for (guint i = 0; i < a->extmaps->len; i++) {
    ShSdpExtmap *ea = g_ptr_array_index (a->extmaps, i);
    ShSdpExtmap *eb = g_ptr_array_index (b->extmaps, i);
    g_assert_cmpuint (ea->id, ==, eb->id);
    g_assert_cmpint (ea->direction, ==, eb->direction);
    g_assert_cmpstr (ea->uri, ==, eb->uri);
  }
  g_assert_cmpuint (a->ssrcs->len, ==, b->ssrcs->len);
  for (guint i = 0; i < a->ssrcs->len; i++) {
    ShSdpSsrc *sa = g_ptr_array_index (a->ssrcs, i);
    ShSdpSsrc *sb = g_ptr_array_index (b->ssrcs, i);
    g_assert_cmpuint (sa->ssrc, ==, sb->ssrc);
    g_assert_cmpstr (sa->cname, ==, sb->cname);
    g_assert_cmpstr (sa->msid, ==, sb->msid);
  }
  g_assert_cmpuint (a->ssrc_groups->len, ==, b->ssrc_groups->len);
  g_assert_cmpuint (a->rids->len, ==, b->rids->len);
  g_assert_cmpint (a->simulcast != NULL, ==, b->simulcast != NULL);
  g_assert_cmpuint (a->candidates->len, ==, b->candidates->len);
  for (guint i = 0; i < a->candidates->len; i++)
    g_assert_cmpstr (((ShSdpCandidate *) g_ptr_array_index (a->candidates, i))->text, ==,
                     ((ShSdpCandidate *) g_ptr_array_index (b->candidates, i))->text);
  g_assert_cmpuint (a->fingerprints->len, ==, b->fingerprints->len);
  g_assert_cmpuint (a->attributes->len, ==, b->attributes->len);
  for (guint i = 0; i < a->attributes->len; i++) {
    ShSdpAttribute *aa = g_ptr_array_index (a->attributes, i);
    ShSdpAttribute *ab = g_ptr_array_index (b->attributes, i);
    g_assert_cmpstr (aa->name, ==, ab->name);
    g_assert_cmpstr (aa->value, ==, ab->value);
  }
}

static void
assert_same_sdp (const ShSdp *a, const ShSdp *b)
{
  g_assert_cmpstr (a->origin.session_id, ==, b->origin.session_id);
  g_assert_cmpuint (a->origin.session_version, ==, b->origin.session_version);
  g_assert_cmpstr (a->session_name, ==, b->session_name);
  g_assert_cmpstr (a->timing, ==, b->timing);
  g_assert_cmpstr (a->msid_semantic, ==, b->msid_semantic);
  g_assert_cmpint (a->extmap_allow_mixed, ==, b->extmap_allow_mixed);
  g_assert_cmpint (a->direction, ==, b->direction);
  g_assert_cmpstr (a->ice_options, ==, b->ice_options);
  g_assert_cmpuint (a->fingerprints->len, ==, b->fingerprints->len);
  for (guint i = 0; i < a->fingerprints->len; i++) {
    ShSdpFingerprint *fa = g_ptr_array_index (a->fingerprints, i);
    ShSdpFingerprint *fb = g_ptr_array_index (b->fingerprints, i);
    g_assert_cmpmem (fa->value, fa->length, fb->value, fb->length);
  }
  g_assert_cmpuint (a->groups->len, ==, b->groups->len);
  g_assert_cmpuint (a->attributes->len, ==, b->attributes->len);
  g_assert_cmpuint (a->media->len, ==, b->media->len);
  for (guint i = 0; i < a->media->len; i++)
    assert_same_media (g_ptr_array_index (a->media, i), g_ptr_array_index (b->media, i));
}

/* Parse, write, parse again: the models match, the written text has the
 * same lines as the browser's (in a canonical order) and writing is stable. */
static void
test_round_trip (gconstpointer data)
{
  const char *name = data;
  gsize length;
  g_autofree char *text = read_fixture (name, &length);
  g_autoptr (ShSdp) first = parse_fixture (name);
  g_autofree char *written = sh_sdp_to_string (first);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) second = sh_sdp_parse (written, strlen (written), &error);

  g_assert_no_error (error);
  assert_same_sdp (first, second);

  g_autofree char *rewritten = sh_sdp_to_string (second);
  g_assert_cmpstr (written, ==, rewritten);
  g_assert_true (g_str_has_suffix (written, "\r\n"));

  g_autoptr (GPtrArray) original_lines = sorted_lines (text);
  g_autoptr (GPtrArray) written_lines = sorted_lines (written);
  g_ptr_array_sort (original_lines, compare_strings);
  g_ptr_array_sort (written_lines, compare_strings);
  g_assert_cmpuint (original_lines->len, ==, written_lines->len);
  for (guint i = 0; i < original_lines->len; i++)
    g_assert_cmpstr (g_ptr_array_index (original_lines, i), ==,
                     g_ptr_array_index (written_lines, i));
}

static void
test_chromium_model (void)
{
  g_autoptr (ShSdp) sdp = parse_fixture ("chromium-sendrecv-audio-video.sdp");
  ShSdpGroup *bundle = sh_sdp_find_group (sdp, "BUNDLE");

  g_assert_cmpuint (sdp->media->len, ==, 2);
  g_assert_nonnull (bundle);
  g_assert_cmpuint (bundle->mids->len, ==, 2);
  g_assert_true (sdp->extmap_allow_mixed);
  g_assert_true (g_str_has_prefix (sdp->msid_semantic, "WMS "));

  ShSdpMedia *audio = sh_sdp_find_media (sdp, "0");
  g_assert_nonnull (audio);
  g_assert_cmpstr (audio->kind, ==, "audio");
  g_assert_true (audio->rtp);
  g_assert_true (audio->rtcp_mux);
  g_assert_cmpint (audio->setup, ==, SH_SDP_SETUP_ACTPASS);
  g_assert_cmpint (sh_sdp_media_direction (sdp, audio), ==, SH_SDP_DIRECTION_SENDRECV);
  g_assert_nonnull (audio->msid);
  ShSdpCodec *opus = sh_sdp_media_find_codec (audio, 111);
  g_assert_nonnull (opus);
  g_assert_cmpstr (opus->name, ==, "opus");
  g_assert_cmpuint (opus->clock_rate, ==, 48000);
  g_assert_cmpuint (opus->channels, ==, 2);
  g_assert_cmpstr (opus->fmtp, ==, "minptime=10;useinbandfec=1");
  g_assert_cmpuint (opus->rtcp_fb->len, ==, 1);
  g_assert_null (sh_sdp_media_find_codec (audio, 96));
  g_assert_nonnull (sh_sdp_media_get_attribute (audio, "rtcp"));

  const ShSdpFingerprint *fingerprint = sh_sdp_media_fingerprint (sdp, audio);
  g_assert_nonnull (fingerprint);
  g_assert_cmpstr (fingerprint->hash, ==, "sha-256");
  g_assert_cmpuint (fingerprint->length, ==, 32);
  g_assert_cmpuint (audio->candidates->len, >, 0);
  ShSdpCandidate *candidate = g_ptr_array_index (audio->candidates, 0);
  g_assert_cmpuint (candidate->component, ==, 1);
  g_assert_cmpstr (candidate->type, ==, "host");
  g_assert_cmpuint (candidate->port, >, 0);

  ShSdpMedia *video = sh_sdp_find_media (sdp, "1");
  g_assert_nonnull (video);
  ShSdpCodec *rtx = sh_sdp_media_find_codec (video, 97);
  g_assert_cmpstr (rtx->name, ==, "rtx");
  g_assert_cmpstr (rtx->fmtp, ==, "apt=96");
  g_assert_cmpuint (video->ssrc_groups->len, ==, 1);
  ShSdpSsrcGroup *fid = g_ptr_array_index (video->ssrc_groups, 0);
  g_assert_cmpstr (fid->semantics, ==, "FID");
  g_assert_cmpuint (fid->ssrcs->len, ==, 2);
  ShSdpSsrc *ssrc = g_ptr_array_index (video->ssrcs, 0);
  g_assert_cmpuint (ssrc->ssrc, ==, g_array_index (fid->ssrcs, guint32, 0));
  g_assert_nonnull (ssrc->cname);
  g_assert_nonnull (ssrc->msid);
  g_assert_null (sh_sdp_find_media (sdp, "7"));
}

static void
test_simulcast_model (void)
{
  g_autoptr (ShSdp) sdp = parse_fixture ("chromium-simulcast.sdp");
  ShSdpMedia *video = sh_sdp_find_media (sdp, "1");
  static const char *const rids[] = { "q", "h", "f" };

  g_assert_cmpuint (video->rids->len, ==, 3);
  for (guint i = 0; i < 3; i++) {
    ShSdpRid *rid = g_ptr_array_index (video->rids, i);
    g_assert_cmpstr (rid->id, ==, rids[i]);
    g_assert_cmpint (rid->direction, ==, SH_SDP_RID_SEND);
  }
  g_assert_nonnull (video->simulcast);
  g_assert_cmpuint (video->simulcast->send->len, ==, 3);
  g_assert_cmpuint (video->simulcast->recv->len, ==, 0);
  GPtrArray *first = g_ptr_array_index (video->simulcast->send, 0);
  g_assert_cmpstr (((ShSdpSimulcastRid *) g_ptr_array_index (first, 0))->rid, ==, "q");
  g_assert_cmpint (sh_sdp_media_direction (sdp, video), ==, SH_SDP_DIRECTION_SENDONLY);
}

static void
test_firefox_model (void)
{
  g_autoptr (ShSdp) sdp = parse_fixture ("firefox-audio-video-datachannel.sdp");

  g_assert_cmpint (sdp->direction, ==, SH_SDP_DIRECTION_SENDRECV);
  g_assert_cmpstr (sdp->msid_semantic, ==, "WMS *");
  g_assert_cmpstr (sdp->ice_options, ==, "trickle");
  g_assert_cmpuint (sdp->fingerprints->len, ==, 1);
  ShSdpMedia *audio = sh_sdp_find_media (sdp, "0");
  g_assert_true (audio->end_of_candidates);
  g_assert_true (g_str_has_prefix (audio->msid, "{"));
  ShSdpExtmap *csrc = g_ptr_array_index (audio->extmaps, 1);
  g_assert_cmpuint (csrc->id, ==, 2);
  g_assert_cmpint (csrc->direction, ==, SH_SDP_DIRECTION_RECVONLY);
  /* fmtp comes before rtpmap in Firefox's offers. */
  ShSdpCodec *opus = sh_sdp_media_find_codec (audio, 109);
  g_assert_cmpstr (opus->name, ==, "opus");
  g_assert_cmpstr (opus->fmtp, ==, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  ShSdpCandidate *srflx = g_ptr_array_index (audio->candidates, 2);
  g_assert_cmpstr (srflx->type, ==, "srflx");
  g_assert_cmpstr (srflx->raddr, ==, "198.51.100.20");
  g_assert_cmpuint (srflx->rport, ==, 54321);
  g_assert_cmpstr (srflx->transport, ==, "UDP");

  ShSdpMedia *video = sh_sdp_find_media (sdp, "1");
  g_assert_cmpuint (video->rtcp_fb_any->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (video->rtcp_fb_any, 1), ==, "nack pli");
  ShSdpMedia *data = sh_sdp_find_media (sdp, "2");
  g_assert_false (data->rtp);
  g_assert_cmpuint (data->formats->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (data->formats, 0), ==, "webrtc-datachannel");
  g_assert_cmpstr (sh_sdp_media_get_attribute (data, "sctp-port"), ==, "5000");
  g_assert_cmpint (sh_sdp_media_setup (sdp, data), ==, SH_SDP_SETUP_ACTPASS);
}

static void
test_candidates (void)
{
  g_autoptr (ShSdp) sdp = parse_fixture ("safari-sendrecv-audio-video.sdp");
  ShSdpMedia *audio = g_ptr_array_index (sdp->media, 0);
  ShSdpCandidate *mdns = g_ptr_array_index (audio->candidates, 0);
  g_autoptr (GError) error = NULL;
  guint before = audio->candidates->len;

  g_assert_true (mdns->mdns);
  g_assert_true (g_str_has_suffix (mdns->address, ".local"));
  g_assert_false (((ShSdpCandidate *) g_ptr_array_index (audio->candidates, 1))->mdns);

  g_assert_true (sh_sdp_media_add_candidate (
      audio,
      "a=candidate:1 1 udp 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.44 rport 58493",
      &error));
  g_assert_no_error (error);
  g_assert_cmpuint (audio->candidates->len, ==, before + 1);
  ShSdpCandidate *relay = g_ptr_array_index (audio->candidates, before);
  g_assert_cmpstr (relay->type, ==, "relay");
  g_assert_cmpuint (relay->priority, ==, 41885439);
  g_assert_cmpuint (relay->rport, ==, 58493);
  g_autofree char *written = sh_sdp_to_string (sdp);
  g_assert_nonnull (strstr (written, "a=candidate:1 1 udp 41885439 198.51.100.9 3478 typ relay"));

  g_assert_false (
      sh_sdp_media_add_candidate (audio, "candidate:1 1 udp 1 1.2.3.4 99999 typ host", &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE);
  g_clear_error (&error);
  g_assert_false (sh_sdp_media_add_candidate (audio, "candidate:1 1 udp", &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX);
  g_assert_cmpuint (audio->candidates->len, ==, before + 1);
}

static void
test_lf_line_endings (void)
{
  gsize length;
  g_autofree char *text = read_fixture ("chromium-sendrecv-audio-video.sdp", &length);
  g_autoptr (GString) lf = g_string_new (text);
  g_autoptr (GError) error = NULL;

  g_string_replace (lf, "\r\n", "\n", 0);
  g_autoptr (ShSdp) sdp = sh_sdp_parse (lf->str, lf->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sdp->media->len, ==, 2);
  /* Input without a terminating NUL is fine: the length bounds the parse
   * (under ASan, an overread of this exact-size copy would be reported). */
  g_autofree char *exact = g_memdup2 (lf->str, lf->len);
  g_autoptr (ShSdp) copy = sh_sdp_parse (exact, lf->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copy->media->len, ==, 2);
  /* A cut before the second m-section leaves BUNDLE naming a missing mid. */
  g_autoptr (ShSdp) prefix
      = sh_sdp_parse (lf->str, (gsize) (strstr (lf->str, "m=video") - lf->str), &error);
  g_assert_null (prefix);
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_MID);
}

/* ------------------------------------------------------------ bad input */

#define SESSION "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
#define TRANSPORT                                                                                  \
  "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"                                     \
  "a=fingerprint:sha-256 "                                                                         \
  "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:"  \
  "FF\r\n"
#define AUDIO "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"

typedef struct {
  const char *name;
  const char *text;
  gsize length; /* 0: strlen */
  ShSdpError code;
  const char *message; /* a part of the message */
} BadCase;

static const BadCase bad_cases[] = {
  { "empty", "", 0, SH_SDP_ERROR_EMPTY, "empty" },
  { "binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16, SH_SDP_ERROR_ENCODING, "NUL byte" },
  { "binary-no-nul", "\x89PNG\x1a\xff", 0, SH_SDP_ERROR_ENCODING, "line 1: invalid UTF-8" },
  { "invalid-utf8", SESSION "s=\xff\xfe\r\n", 0, SH_SDP_ERROR_ENCODING, "line 5: invalid UTF-8" },
  { "no-v", "o=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 0, SH_SDP_ERROR_ORDER, "line 1" },
  { "bad-version", "v=1\r\n", 0, SH_SDP_ERROR_VALUE, "version" },
  { "m-before-o", "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", 0, SH_SDP_ERROR_ORDER,
    "line 2: expected o=" },
  { "m-before-t", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n" AUDIO, 0, SH_SDP_ERROR_MISSING,
    "line 4" },
  { "only-v", "v=0\r\n", 0, SH_SDP_ERROR_MISSING, "o=" },
  { "bad-origin", "v=0\r\no=- x 2 IN IP4 127.0.0.1\r\n", 0, SH_SDP_ERROR_VALUE, "session id" },
  { "not-a-line", SESSION "hello\r\n", 0, SH_SDP_ERROR_SYNTAX, "line 5" },
  { "bad-port", SESSION "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", 0, SH_SDP_ERROR_VALUE,
    "line 5: m= port \"70000\"" },
  { "port-not-number", SESSION "m=audio 9x UDP/TLS/RTP/SAVPF 111\r\n", 0, SH_SDP_ERROR_VALUE,
    "port" },
  { "payload-over-127", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111 128\r\n", 0, SH_SDP_ERROR_PAYLOAD,
    "\"128\"" },
  { "payload-twice", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n", 0, SH_SDP_ERROR_PAYLOAD,
    "twice" },
  { "rtpmap-unknown-pt", SESSION TRANSPORT AUDIO "a=rtpmap:96 VP8/90000\r\n", 0,
    SH_SDP_ERROR_PAYLOAD, "line 10: a=rtpmap for payload type 96, which is not in the m= line" },
  { "fmtp-unknown-pt", SESSION TRANSPORT AUDIO "a=fmtp:0 x=1\r\n", 0, SH_SDP_ERROR_PAYLOAD,
    "a=fmtp" },
  { "rtcp-fb-unknown-pt", SESSION TRANSPORT AUDIO "a=rtcp-fb:5 nack\r\n", 0, SH_SDP_ERROR_PAYLOAD,
    "a=rtcp-fb" },
  { "bad-rtpmap", SESSION TRANSPORT AUDIO "a=rtpmap:111 opus\r\n", 0, SH_SDP_ERROR_SYNTAX,
    "a=rtpmap" },
  { "missing-ice-ufrag", SESSION AUDIO "a=mid:0\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n", 0,
    SH_SDP_ERROR_MISSING, "line 5: m-section 1 has no a=ice-ufrag" },
  { "missing-ice-pwd", SESSION AUDIO "a=ice-ufrag:abcd\r\n", 0, SH_SDP_ERROR_MISSING, "a=ice-pwd" },
  { "fingerprint-bad-hex", SESSION AUDIO "a=fingerprint:sha-256 00:11:ZZ\r\n", 0,
    SH_SDP_ERROR_FINGERPRINT, "line 7" },
  { "fingerprint-short", SESSION AUDIO "a=fingerprint:sha-256 00:11:22\r\n", 0,
    SH_SDP_ERROR_FINGERPRINT, "expected 32" },
  { "fingerprint-no-hash", SESSION "a=fingerprint:00:11\r\n", 0, SH_SDP_ERROR_FINGERPRINT, "hash" },
  { "duplicate-mid", SESSION TRANSPORT AUDIO "a=mid:a\r\n" AUDIO "a=mid:a\r\n", 0, SH_SDP_ERROR_MID,
    "line 13: duplicate mid \"a\"" },
  { "bundle-unknown-mid", SESSION "a=group:BUNDLE 0 1\r\n" TRANSPORT AUDIO "a=mid:0\r\n", 0,
    SH_SDP_ERROR_MID, "line 5: a=group:BUNDLE names mid \"1\"" },
  { "nul-byte", SESSION "s\0=x\r\n", sizeof (SESSION "s\0=x\r\n") - 1, SH_SDP_ERROR_ENCODING,
    "line 5: NUL" },
  { "cr-only", "v=0\ro=- 1 2 IN IP4 127.0.0.1\rs=-\rt=0 0\r", 0, SH_SDP_ERROR_ENCODING,
    "carriage return" },
  { "control-byte", SESSION "a=x\x01y\r\n", 0, SH_SDP_ERROR_ENCODING, "0x01" },
  { "empty-line", "v=0\r\n\r\no=- 1 2 IN IP4 127.0.0.1\r\n", 0, SH_SDP_ERROR_SYNTAX, "line 2" },
  { "bad-extmap-id", SESSION TRANSPORT AUDIO "a=extmap:0 urn:x\r\n", 0, SH_SDP_ERROR_VALUE,
    "extmap" },
  { "bad-ssrc", SESSION TRANSPORT AUDIO "a=ssrc:4294967296 cname:x\r\n", 0, SH_SDP_ERROR_VALUE,
    "ssrc" },
  { "bad-setup", SESSION "a=setup:server\r\n", 0, SH_SDP_ERROR_SYNTAX, "a=setup" },
  { "bad-candidate", SESSION TRANSPORT AUDIO "a=candidate:1 1 udp 1 1.2.3.4 5 host\r\n", 0,
    SH_SDP_ERROR_SYNTAX, "line 10" },
  { "bad-rid-pt", SESSION TRANSPORT AUDIO "a=rid:q send pt=96\r\n", 0, SH_SDP_ERROR_PAYLOAD,
    "a=rid" },
  { "bad-simulcast", SESSION TRANSPORT AUDIO "a=simulcast:send q;;f\r\n", 0, SH_SDP_ERROR_SYNTAX,
    "a=simulcast" },
  { "second-o", SESSION "o=- 1 2 IN IP4 127.0.0.1\r\n", 0, SH_SDP_ERROR_ORDER, "second o=" },
  { "session-line-in-media", SESSION TRANSPORT AUDIO "s=x\r\n", 0, SH_SDP_ERROR_ORDER, "s=" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadCase *bad = data;
  gsize length = bad->length != 0 ? bad->length : strlen (bad->text);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse (bad->text, length, &error);

  g_assert_null (sdp);
  g_assert_error (error, SH_SDP_ERROR, (gint) bad->code);
  if (strstr (error->message, bad->message) == NULL)
    g_error ("%s: message \"%s\" lacks \"%s\"", bad->name, error->message, bad->message);
}

static void
test_too_large (void)
{
  g_autoptr (GString) text = g_string_new (SESSION TRANSPORT);
  g_autoptr (GError) error = NULL;

  /* Too many m-sections. */
  for (guint i = 0; i <= SH_SDP_MAX_MEDIA; i++)
    g_string_append_printf (text, AUDIO "a=mid:%u\r\n", i);
  g_assert_null (sh_sdp_parse (text->str, text->len, &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "more than 64 m-sections"));
  g_clear_error (&error);

  /* Exactly the limit is accepted. */
  g_string_assign (text, SESSION TRANSPORT);
  for (guint i = 0; i < SH_SDP_MAX_MEDIA; i++)
    g_string_append_printf (text, AUDIO "a=mid:%u\r\n", i);
  g_autoptr (ShSdp) sdp = sh_sdp_parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sdp->media->len, ==, SH_SDP_MAX_MEDIA);

  /* An overlong line. */
  g_string_assign (text, SESSION "a=x:");
  for (guint i = 0; i < SH_SDP_MAX_LINE; i++)
    g_string_append_c (text, 'y');
  g_string_append (text, "\r\n");
  g_assert_null (sh_sdp_parse (text->str, text->len, &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "line 5"));
  g_clear_error (&error);

  /* Too many formats in one m= line. */
  g_string_assign (text, SESSION "m=application 9 DTLS/SCTP");
  for (guint i = 0; i <= SH_SDP_MAX_CODECS; i++)
    g_string_append_printf (text, " f%u", i);
  g_string_append (text, "\r\n");
  g_assert_null (sh_sdp_parse (text->str, text->len, &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Input over 64 KiB, even made of valid lines. */
  g_string_assign (text, SESSION);
  while (text->len <= SH_SDP_MAX_SIZE)
    g_string_append (text, "a=x-padding:0123456789012345678901234567890123456789\r\n");
  g_assert_null (sh_sdp_parse (text->str, text->len, &error));
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_TOO_LARGE);
}

/* Random bytes and truncations of real offers never crash the parser;
 * every result is either a model or an SH_SDP_ERROR. */
static void
test_garbage_never_crashes (void)
{
  gsize length;
  g_autofree char *text = read_fixture ("chromium-simulcast.sdp", &length);
  GRand *rand = g_rand_new_with_seed (8866);

  for (gsize cut = 0; cut < length; cut += 7) {
    g_autoptr (GError) error = NULL;
    g_autoptr (ShSdp) sdp = sh_sdp_parse (text, cut, &error);
    g_assert_true ((sdp != NULL) != (error != NULL));
    if (error != NULL)
      g_assert_true (error->domain == SH_SDP_ERROR);
  }
  for (guint round = 0; round < 2000; round++) {
    g_autofree char *mutated = g_memdup2 (text, length);
    for (guint i = 0; i < 4; i++)
      mutated[g_rand_int_range (rand, 0, (gint) length)] = (char) g_rand_int_range (rand, 1, 128);
    g_autoptr (GError) error = NULL;
    g_autoptr (ShSdp) sdp = sh_sdp_parse (mutated, length, &error);
    g_assert_true ((sdp != NULL) != (error != NULL));
    if (sdp != NULL) {
      g_autofree char *written = sh_sdp_to_string (sdp);
      g_assert_nonnull (written);
    }
  }
  g_rand_free (rand);
}

static void
test_static_payload_types (void)
{
  const char *text = SESSION TRANSPORT "m=audio 9 RTP/AVP 0 8\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  ShSdpMedia *media = g_ptr_array_index (sdp->media, 0);
  g_assert_cmpuint (media->codecs->len, ==, 2);
  g_assert_null (sh_sdp_media_find_codec (media, 0)->name);
  g_autofree char *written = sh_sdp_to_string (sdp);
  g_assert_null (strstr (written, "a=rtpmap"));
  g_assert_nonnull (strstr (written, "m=audio 9 RTP/AVP 0 8\r\n"));
}

/* RFC 8839 section 5.6: ice-options is a list ("trickle renomination" from
 * Chromium with renomination); ufrag and pwd stay single tokens. */
static void
test_ice_options_list (void)
{
  const char *text = SESSION "a=ice-options:trickle renomination\r\n" TRANSPORT AUDIO;
  const char *bad[] = {
    SESSION "a=ice-ufrag:ab cd\r\n",
    SESSION "a=ice-options: trickle\r\n",
    SESSION "a=ice-options:trickle \r\n",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sdp->ice_options, ==, "trickle renomination");
  g_autofree char *written = sh_sdp_to_string (sdp);
  g_assert_nonnull (strstr (written, "a=ice-options:trickle renomination\r\n"));
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) bad_error = NULL;
    g_autoptr (ShSdp) refused = sh_sdp_parse (bad[i], strlen (bad[i]), &bad_error);
    g_assert_null (refused);
    g_assert_error (bad_error, SH_SDP_ERROR, SH_SDP_ERROR_SYNTAX);
  }
}

/* Every 64-bit o= session version parses, up to 2^64 - 1; one more does not. */
static void
test_max_session_version (void)
{
  const char *text = "v=0\r\no=- 18446744073709551615 18446744073709551615 IN IP4 127.0.0.1\r\n"
                     "s=-\r\nt=0 0\r\n";
  const char *over = "v=0\r\no=- 1 18446744073709551616 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (ShSdp) sdp = sh_sdp_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sdp->origin.session_version, ==, G_MAXUINT64);
  g_assert_cmpstr (sdp->origin.session_id, ==, "18446744073709551615");
  g_autoptr (ShSdp) refused = sh_sdp_parse (over, strlen (over), &error);
  g_assert_null (refused);
  g_assert_error (error, SH_SDP_ERROR, SH_SDP_ERROR_VALUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (fixtures); i++) {
    g_autofree char *path = g_strdup_printf ("/sdp/round-trip/%s", fixtures[i]);
    g_test_add_data_func (path, fixtures[i], test_round_trip);
  }
  g_test_add_func ("/sdp/model/chromium", test_chromium_model);
  g_test_add_func ("/sdp/model/simulcast", test_simulcast_model);
  g_test_add_func ("/sdp/model/firefox", test_firefox_model);
  g_test_add_func ("/sdp/candidates", test_candidates);
  g_test_add_func ("/sdp/lf-line-endings", test_lf_line_endings);
  g_test_add_func ("/sdp/static-payload-types", test_static_payload_types);
  g_test_add_func ("/sdp/ice-options-list", test_ice_options_list);
  g_test_add_func ("/sdp/max-session-version", test_max_session_version);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++) {
    g_autofree char *path = g_strdup_printf ("/sdp/bad/%s", bad_cases[i].name);
    g_test_add_data_func (path, &bad_cases[i], test_bad_input);
  }
  g_test_add_func ("/sdp/bad/too-large", test_too_large);
  g_test_add_func ("/sdp/bad/garbage", test_garbage_never_crashes);
  return g_test_run ();
}
