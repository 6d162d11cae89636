/* The peer connection's negotiation, run on a real media worker: answers to
 * real Chromium, Firefox and Safari offers, refusals, and candidates that
 * follow the answer. Media flow end to end is the interop suite's job.
 * SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"

#include <gio/gio.h>

#include "media-fixture.h"
#include "sdp.h"

static ShMediaEngine *engine;

typedef struct {
  const char *fixture;
  char *offer;
  char *answer;
  GError *error;
  ShPeer *peer;
  gint candidates_before_return;
  gint candidates; /* atomic: seen on the worker */
  gint gathered;   /* atomic: end-of-candidates seen */
  gint done;       /* atomic */
  guint n_media;
  char *kinds; /* "audio,video" */
  gboolean returned;
} Run;

static void
on_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  Run *r = user_data;

  if (!r->returned)
    r->candidates_before_return++;
  if (candidate)
    g_atomic_int_inc (&r->candidates);
  else
    g_atomic_int_set (&r->gathered, 1);
}

/* Creates the peer and accepts the run's offer, on the worker. */
static void
accept_offer (Run *r)
{
  static const ShPeerCallbacks callbacks = { .local_candidate = on_candidate };
  GString *kinds = g_string_new (NULL);

  r->peer = sh_peer_new (engine, 0, FALSE, &callbacks, r, &r->error);
  if (r->peer)
    r->answer = sh_peer_accept_offer (r->peer, r->offer, SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND,
                                      SH_PEER_MEDIA_RECEIVE, &r->error);
  r->returned = TRUE;
  if (r->answer) {
    GPtrArray *media = sh_peer_get_media (r->peer);
    r->n_media = media->len;
    for (guint i = 0; i < media->len; i++) {
      ShPeerMedia *m = g_ptr_array_index (media, i);
      g_string_append_printf (kinds, "%s%s:%s", i ? "," : "", m->kind, m->codec);
      if (m->remote_ssrc)
        g_string_append_printf (kinds, "/%u", m->remote_ssrc);
      if (m->remote_rtx_ssrc)
        g_string_append_printf (kinds, "+%u", m->remote_rtx_ssrc);
    }
  }
  r->kinds = g_string_free (kinds, FALSE);
}

static gboolean
accept_on_worker (gpointer data)
{
  Run *r = data;

  accept_offer (r);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
free_on_worker (gpointer data)
{
  Run *r = data;

  g_clear_pointer (&r->peer, sh_peer_free);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static void
run_on_worker (Run *r, GSourceFunc func)
{
  media_fixture_run (engine, func, r, &r->done);
}

static void
run_clear (Run *r)
{
  run_on_worker (r, free_on_worker);
  g_free (r->offer);
  g_free (r->answer);
  g_free (r->kinds);
  g_clear_error (&r->error);
}

static void
test_answers_chromium (void)
{
  Run r = { .offer = media_fixture_read_sdp ("chromium-sendrecv-audio-video.sdp") };
  g_autoptr (ShSdp) answer = NULL;
  g_autoptr (GError) error = NULL;
  ShSdpMedia *audio, *video;
  const ShSdpFingerprint *fp;
  g_autoptr (GString) hex = g_string_new ("sha-256 ");

  run_on_worker (&r, accept_on_worker);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.answer);
  /* The streams the browser announced, the video's RTX from its FID group:
   * the room tells a camera from a screen share by these. */
  g_assert_cmpstr (r.kinds, ==, "audio:opus/2263798914,video:VP8/2382654869+1462994332");
  /* Candidates wait for the answer to go out first. */
  g_assert_cmpint (r.candidates_before_return, ==, 0);
  media_fixture_wait (&r.gathered);
  g_assert_cmpint (g_atomic_int_get (&r.candidates), >=, 1);

  answer = sh_sdp_parse (r.answer, strlen (r.answer), &error);
  g_assert_no_error (error);
  audio = g_ptr_array_index (answer->media, 0);
  video = g_ptr_array_index (answer->media, 1);
  g_assert_cmpint (sh_sdp_media_setup (answer, audio), ==, SH_SDP_SETUP_PASSIVE);
  fp = sh_sdp_media_fingerprint (answer, audio);
  for (gsize i = 0; i < fp->length; i++)
    g_string_append_printf (hex, i ? ":%02X" : "%02X", fp->value[i]);
  g_assert_cmpstr (hex->str, ==, sh_media_engine_fingerprint (engine));
  /* Audio goes both ways, so the answer announces the server's stream;
   * video is received only. */
  g_assert_cmpint (audio->direction, ==, SH_SDP_DIRECTION_SENDRECV);
  g_assert_cmpuint (audio->ssrcs->len, ==, 1);
  g_assert_cmpint (video->direction, ==, SH_SDP_DIRECTION_RECVONLY);
  g_assert_cmpuint (video->ssrcs->len, ==, 0);
  run_clear (&r);
}

static void
test_answers_other_browsers (void)
{
  static const struct {
    const char *fixture;
    const char *kinds;
  } cases[] = {
    { "safari-sendrecv-audio-video.sdp", "audio:opus/3894516172,video:H264/1153827650+2718283610" },
    { "firefox-audio-video-datachannel.sdp",
      "audio:opus/2684731052,video:VP8/3312946788+1948261004" },
    { "chromium-recvonly.sdp", "audio:opus,video:VP8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Run r = { .offer = media_fixture_read_sdp (cases[i].fixture) };

    run_on_worker (&r, accept_on_worker);
    g_test_message ("%s -> %s", cases[i].fixture, r.kinds);
    g_assert_no_error (r.error);
    g_assert_cmpstr (r.kinds, ==, cases[i].kinds);
    run_clear (&r);
  }
}

static void
test_refusals (void)
{
  static const struct {
    const char *offer;
    gboolean fixture;
    int code; /* ShPeerError */
  } cases[] = {
    { "not an sdp", FALSE, SH_PEER_ERROR_SDP },
    { "", FALSE, SH_PEER_ERROR_SDP },
    { "chromium-datachannel.sdp", TRUE, SH_PEER_ERROR_UNSUPPORTED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Run r = { .offer = cases[i].fixture ? media_fixture_read_sdp (cases[i].offer)
                                        : g_strdup (cases[i].offer) };

    run_on_worker (&r, accept_on_worker);
    g_assert_null (r.answer);
    g_assert_error (r.error, SH_PEER_ERROR, cases[i].code);
    g_test_message ("%s: %s", cases[i].offer, r.error->message);
    run_clear (&r);
  }
}

typedef struct {
  Run run;
  char *same;      /* answer to the same offer again */
  char *restarted; /* answer to the offer with new ICE credentials */
  gboolean offerer_refused;
} Renegotiation;

static char *
ufrag_of (const char *sdp)
{
  const char *at = strstr (sdp, "a=ice-ufrag:");

  g_assert_nonnull (at);
  at += strlen ("a=ice-ufrag:");
  return g_strndup (at, strcspn (at, "\r\n"));
}

static gboolean
renegotiate_on_worker (gpointer data)
{
  static const ShPeerCallbacks callbacks = { 0 };
  Renegotiation *n = data;
  Run *r = &n->run;
  g_autoptr (GString) restart_offer = NULL;
  g_autofree char *old_ufrag = NULL;
  g_autoptr (ShPeer) offerer = NULL;
  g_autoptr (GError) error = NULL;

  accept_offer (r);
  n->same = sh_peer_accept_offer (r->peer, r->offer, SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND,
                                  SH_PEER_MEDIA_RECEIVE, &r->error);
  /* The browser restarts ICE: new credentials in the same offer. */
  old_ufrag = ufrag_of (r->offer);
  restart_offer = g_string_new (r->offer);
  g_string_replace (restart_offer, old_ufrag, "rstr", 0);
  g_string_replace (restart_offer, "a=ice-pwd:", "a=ice-pwd:x", 0);
  if (!r->error)
    n->restarted = sh_peer_accept_offer (r->peer, restart_offer->str,
                                         SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND,
                                         SH_PEER_MEDIA_RECEIVE, &r->error);
  offerer = sh_peer_new (engine, 0, TRUE, &callbacks, NULL, &error);
  n->offerer_refused = !sh_peer_accept_offer (offerer, r->offer, SH_PEER_MEDIA_RECEIVE,
                                              SH_PEER_MEDIA_RECEIVE, &error)
                       && g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

/* The SSRC the server announced for the first section. */
static char *
first_ssrc (const char *sdp)
{
  const char *at = strstr (sdp, "a=ssrc:");

  g_assert_nonnull (at);
  return g_strndup (at, strcspn (at, " "));
}

static void
test_renegotiation (void)
{
  Renegotiation n
      = { .run = { .offer = media_fixture_read_sdp ("chromium-sendrecv-audio-video.sdp") } };
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *restarted = NULL;

  run_on_worker (&n.run, renegotiate_on_worker);
  g_assert_no_error (n.run.error);
  g_assert_true (n.offerer_refused);
  g_assert_nonnull (n.same);
  g_assert_nonnull (n.restarted);
  /* Same streams, same transport; a restart changes only the credentials. */
  g_assert_cmpstr ((first = first_ssrc (n.run.answer)), ==, (again = first_ssrc (n.same)));
  g_assert_cmpstr (first, ==, (restarted = first_ssrc (n.restarted)));
  {
    g_autofree char *u1 = ufrag_of (n.run.answer);
    g_autofree char *u2 = ufrag_of (n.same);
    g_autofree char *u3 = ufrag_of (n.restarted);
    g_assert_cmpstr (u1, ==, u2);
    g_assert_cmpstr (u1, !=, u3);
  }
  g_free (n.same);
  g_free (n.restarted);
  run_clear (&n.run);
}

typedef struct {
  ShPeer *peer;
  char *offer;
  char *offer2;
  GError *error;
  gboolean first_applied, bad_refused, second_applied, answerer_refused;
  gint done;
} OfferRun;

static gboolean
offer_on_worker (gpointer data)
{
  static const ShPeerCallbacks callbacks = { 0 };
  OfferRun *r = data;
  const ShPeerOfferSection sections[] = {
    { "audio", "a0", TRUE, 1111, 0, "alice", "alice-mic" },
    { "video", "v0", TRUE, 2222, 3333, "alice", "alice-cam" },
    { "video", "v1", FALSE, 0, 0, NULL, NULL },
  };
  const ShPeerOfferSection more[] = {
    { "audio", "a0", TRUE, 1111, 0, "alice", "alice-mic" },
    { "video", "v0", TRUE, 2222, 3333, "alice", "alice-cam" },
    { "video", "v1", TRUE, 4444, 5555, "bob", "bob-screen" },
  };
  g_autofree char *answer = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *answer2 = NULL;
  g_autoptr (ShPeer) answerer = NULL;
  g_autoptr (GError) error = NULL;

  r->peer = sh_peer_new (engine, 0, TRUE, &callbacks, r, &r->error);
  r->offer = sh_peer_create_offer (r->peer, sections, G_N_ELEMENTS (sections), &r->error);
  if (r->offer) {
    answer = media_fixture_answer_from_offer (r->offer);
    /* An answer that leaves the server as DTLS client is refused. */
    bad = g_strdup (answer);
    memcpy (strstr (bad, "a=setup:active"), "a=setup:actpas", 14);
    r->bad_refused = !sh_peer_apply_answer (r->peer, bad, &error);
    g_clear_error (&error);
    r->first_applied = sh_peer_apply_answer (r->peer, answer, &r->error);
    /* Renegotiation: a screen share takes the inactive section. */
    r->offer2 = sh_peer_create_offer (r->peer, more, G_N_ELEMENTS (more), &r->error);
    answer2 = r->offer2 ? media_fixture_answer_from_offer (r->offer2) : NULL;
    r->second_applied = answer2 && sh_peer_apply_answer (r->peer, answer2, &r->error);
  }
  answerer = sh_peer_new (engine, 0, FALSE, &callbacks, r, &error);
  r->answerer_refused = !sh_peer_create_offer (answerer, sections, 1, &error)
                        && g_error_matches (error, SH_PEER_ERROR, SH_PEER_ERROR_STATE);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
offer_free_on_worker (gpointer data)
{
  OfferRun *r = data;

  g_clear_pointer (&r->peer, sh_peer_free);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static void
test_server_offer (void)
{
  OfferRun r = { 0 };
  g_autoptr (ShSdp) offer = NULL;
  g_autoptr (GError) error = NULL;
  ShSdpMedia *video;

  media_fixture_run (engine, offer_on_worker, &r, &r.done);
  g_assert_no_error (r.error);
  g_assert_true (r.bad_refused);
  g_assert_true (r.first_applied);
  g_assert_true (r.second_applied);
  g_assert_true (r.answerer_refused);
  offer = sh_sdp_parse (r.offer, strlen (r.offer), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offer->media->len, ==, 3);
  video = g_ptr_array_index (offer->media, 1);
  g_assert_cmpint (sh_sdp_media_setup (offer, video), ==, SH_SDP_SETUP_ACTPASS);
  g_assert_cmpint (video->direction, ==, SH_SDP_DIRECTION_SENDONLY);
  g_assert_cmpuint (video->ssrcs->len, ==, 2);
  g_assert_cmpuint (video->ssrc_groups->len, ==, 1);
  g_assert_cmpint (((ShSdpMedia *) g_ptr_array_index (offer->media, 2))->direction, ==,
                   SH_SDP_DIRECTION_INACTIVE);
  g_assert_nonnull (strstr (r.offer2, "bob-screen"));
  media_fixture_run (engine, offer_free_on_worker, &r, &r.done);
  g_free (r.offer);
  g_free (r.offer2);
}

/* A client of the server on this stack (tools/loadbot) is the DTLS client
 * on both of its connections: it answers the server's offers active, and
 * takes the server's passive answers to its own offers. Both pairs
 * connect for real and carry a packet. */
typedef struct {
  ShPeer *offerer, *answerer;
  gboolean client_offers; /* the offerer is the client (a publish leg) */
  GError *error;
  char *offer, *answer;
  gint connected; /* atomic: both ends */
  gint received;  /* atomic: RTP packets at the answerer */
  gint done;
  gint n_connected;
} ClientPair;

static void
pair_candidate (ShPeer *peer, const char *candidate, gpointer user_data)
{
  ClientPair *c = user_data;
  ShPeer *other = peer == c->offerer ? c->answerer : c->offerer;

  sh_peer_add_remote_candidate (other, candidate, NULL);
}

static void
pair_state (ShPeer *peer, ShPeerState state, gpointer user_data)
{
  ClientPair *c = user_data;

  if (state == SH_PEER_STATE_CONNECTED && ++c->n_connected == 2) {
    guint8 packet[64 + SH_PEER_TRAILER_ROOM] = { 0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0x22, 0x22 };

    g_atomic_int_set (&c->connected, 1);
    sh_peer_send_rtp (c->offerer, packet, 64, sizeof packet);
  }
}

static void
pair_rtp (ShPeer *peer, guint8 *buf, gsize len, gpointer user_data)
{
  g_atomic_int_inc (&((ClientPair *) user_data)->received);
}

static gboolean
pair_connect_on_worker (gpointer data)
{
  static const ShPeerCallbacks callbacks
      = { .local_candidate = pair_candidate, .state_changed = pair_state, .rtp = pair_rtp };
  ClientPair *c = data;
  const ShPeerOfferSection sections[] = {
    { "audio", "0", TRUE, 1111, 0, "bot", "bot-mic" },
    { "video", "1", TRUE, 2222, 3333, "bot", "bot-cam", "VP8" },
  };

  c->offerer = sh_peer_new (engine, 0, TRUE, &callbacks, c, &c->error);
  c->answerer = sh_peer_new (engine, 0, FALSE, &callbacks, c, &c->error);
  if (!c->offerer || !c->answerer)
    goto out;
  sh_peer_set_dtls_active (c->client_offers ? c->offerer : c->answerer, TRUE);
  c->offer = sh_peer_create_offer (c->offerer, sections, G_N_ELEMENTS (sections), &c->error);
  if (c->offer)
    c->answer = sh_peer_accept_offer (c->answerer, c->offer, SH_PEER_MEDIA_RECEIVE,
                                      SH_PEER_MEDIA_RECEIVE, &c->error);
  if (c->answer)
    sh_peer_apply_answer (c->offerer, c->answer, &c->error);
out:
  g_atomic_int_set (&c->done, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
pair_free_on_worker (gpointer data)
{
  ClientPair *c = data;

  g_clear_pointer (&c->offerer, sh_peer_free);
  g_clear_pointer (&c->answerer, sh_peer_free);
  g_atomic_int_set (&c->done, 1);
  return G_SOURCE_REMOVE;
}

static void
test_dtls_active (void)
{
  for (int client_offers = 0; client_offers <= 1; client_offers++) {
    ClientPair c = { .client_offers = client_offers };

    media_fixture_run (engine, pair_connect_on_worker, &c, &c.done);
    g_assert_no_error (c.error);
    /* The client's answer is active; the server's answer stays passive. */
    g_assert_nonnull (strstr (c.answer, client_offers ? "a=setup:passive" : "a=setup:active"));
    media_fixture_wait (&c.connected);
    media_fixture_wait (&c.received);
    media_fixture_run (engine, pair_free_on_worker, &c, &c.done);
    g_free (c.offer);
    g_free (c.answer);
  }
}

int
main (int argc, char **argv)
{
  static const char *const listen[] = { "127.0.0.1", NULL };
  ShMediaEngineConfig config = { .n_workers = 1, .listen_addresses = listen };
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  engine = sh_media_engine_new (&config, &error);
  g_assert_no_error (error);
  g_test_add_func ("/peer/answers-chromium", test_answers_chromium);
  g_test_add_func ("/peer/answers-other-browsers", test_answers_other_browsers);
  g_test_add_func ("/peer/refusals", test_refusals);
  g_test_add_func ("/peer/renegotiation", test_renegotiation);
  g_test_add_func ("/peer/server-offer", test_server_offer);
  g_test_add_func ("/peer/dtls-active", test_dtls_active);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
