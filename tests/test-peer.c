/* The peer connection's negotiation, run on a real media worker: answers to
 * real Chromium, Firefox and Safari offers, refusals, and candidates that
 * follow the answer. Media flow end to end is the interop suite's job.
 * SPDX-License-Identifier: Apache-2.0 */
#include "engine-private.h"

#include <gio/gio.h>

#include "sdp.h"

#define WAIT_US (20 * G_USEC_PER_SEC)

static ShMediaEngine *engine;

typedef struct {
  const char *fixture;
  char *offer;
  char *answer;
  GError *error;
  ShPeer *peer;
  gint candidates_before_return;
  gint candidates;   /* atomic: seen on the worker */
  gint gathered;     /* atomic: end-of-candidates seen */
  gint done;         /* atomic */
  guint n_media;
  char *kinds;       /* "audio,video" */
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

static gboolean
accept_on_worker (gpointer data)
{
  static const ShPeerCallbacks callbacks = { .local_candidate = on_candidate };
  Run *r = data;
  GString *kinds = g_string_new (NULL);

  r->peer = sh_peer_new (engine, 0, FALSE, &callbacks, r, &r->error);
  if (r->peer)
    r->answer = sh_peer_accept_offer (r->peer, r->offer,
                                      SH_PEER_MEDIA_RECEIVE | SH_PEER_MEDIA_SEND,
                                      SH_PEER_MEDIA_RECEIVE, &r->error);
  r->returned = TRUE;
  if (r->answer) {
    GPtrArray *media = sh_peer_get_media (r->peer);
    r->n_media = media->len;
    for (guint i = 0; i < media->len; i++) {
      ShPeerMedia *m = g_ptr_array_index (media, i);
      g_string_append_printf (kinds, "%s%s:%s", i ? "," : "", m->kind, m->codec);
    }
  }
  r->kinds = g_string_free (kinds, FALSE);
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
wait_for (gint *flag)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (!g_atomic_int_get (flag)) {
    g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    g_usleep (5000);
  }
}

static void
run_on_worker (Run *r, GSourceFunc func)
{
  g_atomic_int_set (&r->done, 0);
  sh_media_workers_invoke (sh_media_engine_workers (engine), 0, func, r, NULL);
  wait_for (&r->done);
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

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("SANHUI_SOURCE_ROOT"), "tests", "fixtures",
                                            "sdp", name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_answers_chromium (void)
{
  Run r = { .offer = read_fixture ("chromium-sendrecv-audio-video.sdp") };
  g_autoptr (ShSdp) answer = NULL;
  g_autoptr (GError) error = NULL;
  ShSdpMedia *audio, *video;
  const ShSdpFingerprint *fp;
  g_autoptr (GString) hex = g_string_new ("sha-256 ");

  run_on_worker (&r, accept_on_worker);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.answer);
  g_assert_cmpstr (r.kinds, ==, "audio:opus,video:VP8");
  /* Candidates wait for the answer to go out first. */
  g_assert_cmpint (r.candidates_before_return, ==, 0);
  wait_for (&r.gathered);
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
    { "safari-sendrecv-audio-video.sdp", "audio:opus,video:H264" },
    { "firefox-audio-video-datachannel.sdp", "audio:opus,video:VP8" },
    { "chromium-recvonly.sdp", "audio:opus,video:VP8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Run r = { .offer = read_fixture (cases[i].fixture) };

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
    Run r = { .offer = cases[i].fixture ? read_fixture (cases[i].offer) : g_strdup (cases[i].offer) };

    run_on_worker (&r, accept_on_worker);
    g_assert_null (r.answer);
    g_assert_error (r.error, SH_PEER_ERROR, cases[i].code);
    g_test_message ("%s: %s", cases[i].offer, r.error->message);
    run_clear (&r);
  }
}

static gboolean
accept_twice_on_worker (gpointer data)
{
  Run *r = data;
  g_autofree char *second = NULL;

  accept_on_worker (data);
  g_atomic_int_set (&r->done, 0);
  g_clear_error (&r->error);
  second = sh_peer_accept_offer (r->peer, r->offer, SH_PEER_MEDIA_RECEIVE, SH_PEER_MEDIA_RECEIVE,
                                 &r->error);
  g_assert_null (second);
  g_atomic_int_set (&r->done, 1);
  return G_SOURCE_REMOVE;
}

static void
test_second_offer_refused (void)
{
  Run r = { .offer = read_fixture ("chromium-sendrecv-audio-video.sdp") };

  run_on_worker (&r, accept_twice_on_worker);
  g_assert_error (r.error, SH_PEER_ERROR, SH_PEER_ERROR_STATE);
  run_clear (&r);
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
  g_test_add_func ("/peer/second-offer-refused", test_second_offer_refused);
  status = g_test_run ();
  sh_media_engine_free (engine);
  return status;
}
